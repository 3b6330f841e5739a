package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"harvest"
)

func testSaveLifecycle(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	p := harvest.Publication{
		Source: "lib", URL: "https://ex.org/resources/guide/", CanonicalURL: "https://ex.org/resources/guide/",
		Title: "A Guide", Summary: "What it is about.", Categories: []string{"Guidance", "Publications"},
		Tags:      []string{"education"},
		Downloads: []harvest.Download{{URL: "https://ex.org/files/guide.pdf", Label: "Download", MediaType: "application/pdf"}},
		Publisher: "Ex Org", Published: "2021", Language: "en",
	}
	paris := time.FixedZone("CET", 3600)
	seen0 := time.Date(2025, 3, 1, 13, 0, 0, 999_000_000, paris) // 12:00:00Z after truncation
	seen1 := seen0.Add(24 * time.Hour)
	seen2 := seen0.Add(48 * time.Hour)
	edited := p
	edited.Summary = "What it is about, revised."
	edited.Tags = nil
	steps := []struct {
		name        string
		p           harvest.Publication
		seen        time.Time
		outcome     harvest.Outcome
		want        harvest.Publication
		lastChanged time.Time
	}{
		{"new", p, seen0, harvest.OutcomeNew, p, seen0},
		{"unchanged", p, seen1, harvest.OutcomeUnchanged, p, seen0},
		{"changed", edited, seen2, harvest.OutcomeChanged, edited, seen2},
		{"unchanged after change", edited, seen2.Add(time.Hour), harvest.OutcomeUnchanged, edited, seen2},
	}
	var id int64
	for _, st := range steps {
		res, err := db.Save(ctx, st.p, st.seen)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Outcome != st.outcome {
			t.Errorf("%s: outcome = %q, want %q", st.name, res.Outcome, st.outcome)
		}
		if id == 0 {
			id = res.ID
		}
		if res.ID != id {
			t.Errorf("%s: ID = %d, want %d", st.name, res.ID, id)
		}
		got := get(t, db, id)
		want := st.want
		want.ID = id
		want.FirstSeen = seen0.UTC().Truncate(time.Second)
		want.LastSeen = st.seen.UTC().Truncate(time.Second)
		want.LastChanged = st.lastChanged.UTC().Truncate(time.Second)
		want.Status = "active"
		want.Normalize()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Get =\n%+v\nwant\n%+v", st.name, got, want)
		}
		if got.LastSeen.Location() != time.UTC || got.FirstSeen.Location() != time.UTC {
			t.Errorf("%s: times not in UTC", st.name)
		}
	}
}

func testLastSeenNeverMovesBack(t *testing.T, open Opener) {
	db := open(t)
	p := pub("s", "https://ex.org/a", "A")
	save(t, db, p, t0.Add(time.Hour))
	res := save(t, db, p, t0)
	if got := get(t, db, res.ID); !got.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("LastSeen = %v, want %v", got.LastSeen, t0.Add(time.Hour))
	}
}

func testSaveRejects(t *testing.T, open Opener) {
	db := open(t)
	for _, tc := range []struct {
		name string
		p    harvest.Publication
		seen time.Time
	}{
		{"no source", pub("", "https://ex.org/a", "A"), t0},
		{"no URL", pub("s", "", "A"), t0},
		{"no time", pub("s", "https://ex.org/a", "A"), time.Time{}},
		{"not http", pub("s", "ftp://ex.org/a", "A"), t0},
	} {
		if _, err := db.Save(t.Context(), tc.p, tc.seen); err == nil {
			t.Errorf("%s: Save succeeded", tc.name)
		}
	}
	if n := count(t, db, harvest.Filter{}); n != 0 {
		t.Errorf("Count = %d after rejected saves", n)
	}
}

// saveStep is one Save of an identity test: the publication, the outcome
// expected and the record (by index of the step that created it) it must
// go to.
type saveStep struct {
	p       harvest.Publication
	outcome harvest.Outcome
	record  int
}

func testSaveIdentity(t *testing.T, open Opener) {
	const (
		a    = "https://ex.org/pub/a"
		pdf1 = "https://ex.org/wp-content/uploads/one.pdf"
		pdf2 = "https://ex.org/wp-content/uploads/two.pdf"
	)
	withCanonical := func(p harvest.Publication, canonical string) harvest.Publication {
		p.CanonicalURL = canonical
		return p
	}
	withSummary := func(p harvest.Publication, s string) harvest.Publication {
		p.Summary = s
		return p
	}
	tests := []struct {
		name  string
		saves []saveStep
		dups  map[int][]string
		count int
	}{
		{
			name: "tracking parameters and trailing slash are the same URL",
			saves: []saveStep{
				{pub("s", a+"/", "A", pdf1), harvest.OutcomeNew, 0},
				{withCanonical(pub("s", a+"?utm_source=news&fbclid=x", "A", pdf1), a+"/"), harvest.OutcomeUnchanged, 0},
				{withCanonical(pub("s", "HTTPS://EX.ORG:443/pub/a#top", "A", pdf1), a+"/?utm_medium=mail"), harvest.OutcomeUnchanged, 0},
			},
			dups: map[int][]string{0: {}}, count: 1,
		},
		{
			name: "second slug with the same title and PDF is a duplicate",
			saves: []saveStep{
				{pub("s", a, "Guide to Rights", pdf1), harvest.OutcomeNew, 0},
				{pub("s", a+"-2/", "  guide to   RIGHTS ", pdf1), harvest.OutcomeDuplicate, 0},
				{withSummary(pub("s", a+"-2", "Guide to Rights", pdf1), "other"), harvest.OutcomeDuplicate, 0},
				{pub("s", a, "Guide to Rights", pdf1), harvest.OutcomeUnchanged, 0},
			},
			dups: map[int][]string{0: {a + "-2/"}}, count: 1,
		},
		{
			name: "different title with the identical download set is merged",
			saves: []saveStep{
				{pub("s", a, "Annual Report 2021", pdf1, pdf2), harvest.OutcomeNew, 0},
				{pub("s", "https://ex.org/pub/report", "Report", "HTTPS://EX.ORG/wp-content/uploads/two.pdf", pdf1), harvest.OutcomeDuplicate, 0},
			},
			dups: map[int][]string{0: {"https://ex.org/pub/report"}}, count: 1,
		},
		{
			name: "different title sharing one of two PDFs is not merged",
			saves: []saveStep{
				{pub("s", a, "Annual Report 2021", pdf1, pdf2), harvest.OutcomeNew, 0},
				{pub("s", "https://ex.org/pub/b", "Summary of the Report", pdf1), harvest.OutcomeNew, 1},
			},
			dups: map[int][]string{0: {}, 1: {}}, count: 2,
		},
		{
			name: "same title without a shared download is not merged",
			saves: []saveStep{
				{pub("s", a, "Newsletter", pdf1), harvest.OutcomeNew, 0},
				{pub("s", "https://ex.org/pub/b", "Newsletter", pdf2), harvest.OutcomeNew, 1},
				{pub("s", "https://ex.org/pub/c", "Newsletter"), harvest.OutcomeNew, 2},
			},
			dups: map[int][]string{0: {}, 1: {}, 2: {}}, count: 3,
		},
		{
			name: "two sources never merge",
			saves: []saveStep{
				{pub("one", a, "Guide", pdf1), harvest.OutcomeNew, 0},
				{pub("two", a, "Guide", pdf1), harvest.OutcomeNew, 1},
				{pub("two", a+"-2", "Guide", pdf1), harvest.OutcomeDuplicate, 1},
			},
			dups: map[int][]string{0: {}, 1: {a + "-2"}}, count: 2,
		},
		{
			name: "a URL whose canonical is a record's is that record",
			saves: []saveStep{
				{withCanonical(pub("s", "https://ex.org/?p=12", "Guide", pdf1), a), harvest.OutcomeNew, 0},
				{pub("s", a+"/", "Guide", pdf1), harvest.OutcomeUnchanged, 0},
				{withCanonical(pub("s", a+"/print", "Guide", pdf1), a), harvest.OutcomeUnchanged, 0},
			},
			dups: map[int][]string{0: {a + "/print"}}, count: 1,
		},
		{
			name: "a duplicate's own canonical URL is recorded too",
			saves: []saveStep{
				{pub("s", a, "Guide", pdf1), harvest.OutcomeNew, 0},
				{withCanonical(pub("s", "https://ex.org/?p=99", "Guide", pdf1), a+"-2"), harvest.OutcomeDuplicate, 0},
				{pub("s", a+"-2", "Guide", pdf1), harvest.OutcomeDuplicate, 0},
			},
			dups: map[int][]string{0: {"https://ex.org/?p=99", a + "-2"}}, count: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := open(t)
			ids := make([]int64, len(tc.saves))
			first := map[int64]harvest.Publication{}
			for i, s := range tc.saves {
				res := save(t, db, s.p, t0.Add(time.Duration(i)*time.Hour))
				ids[i] = res.ID
				if res.Outcome != s.outcome {
					t.Errorf("save %d (%s): outcome = %q, want %q", i, s.p.URL, res.Outcome, s.outcome)
				}
				if res.ID != ids[s.record] {
					t.Errorf("save %d (%s): ID = %d, want %d (that of save %d)", i, s.p.URL, res.ID, ids[s.record], s.record)
				}
				if res.Outcome == harvest.OutcomeNew {
					first[res.ID] = s.p
				}
			}
			if n := count(t, db, harvest.Filter{}); n != tc.count {
				t.Errorf("Count = %d, want %d", n, tc.count)
			}
			for step, want := range tc.dups {
				got := get(t, db, ids[step])
				if !slices.Equal(got.DuplicateURLs, want) || got.DuplicateURLs == nil {
					t.Errorf("record of save %d: DuplicateURLs = %#v, want %#v", step, got.DuplicateURLs, want)
				}
				orig := first[got.ID]
				if got.URL != orig.URL || got.CanonicalURL != orig.CanonicalURL || got.Title != orig.Title || got.Summary != orig.Summary {
					t.Errorf("record of save %d: %q %q %q %q, want as first saved", step, got.URL, got.CanonicalURL, got.Title, got.Summary)
				}
			}
		})
	}
}

func testChangedDownloadsReindexed(t *testing.T, open Opener) {
	db := open(t)
	const old, cur = "https://ex.org/old.pdf", "https://ex.org/new.pdf"
	first := save(t, db, pub("s", "https://ex.org/a", "Guide", old), t0)
	save(t, db, pub("s", "https://ex.org/a", "Guide", cur), t0.Add(time.Hour))
	for _, tc := range []struct {
		p       harvest.Publication
		outcome harvest.Outcome
	}{
		{pub("s", "https://ex.org/b", "Guide", old), harvest.OutcomeNew},
		{pub("s", "https://ex.org/c", "Guide", cur), harvest.OutcomeDuplicate},
	} {
		res := save(t, db, tc.p, t0.Add(2*time.Hour))
		if res.Outcome != tc.outcome {
			t.Errorf("%s: outcome = %q, want %q", tc.p.URL, res.Outcome, tc.outcome)
		}
		if tc.outcome == harvest.OutcomeDuplicate && res.ID != first.ID {
			t.Errorf("%s: ID = %d, want %d", tc.p.URL, res.ID, first.ID)
		}
	}
}

// testSaveReactivates: a record marked removed becomes active again when
// it is found, under its own URL or a duplicate, and that is a change.
func testSaveReactivates(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	const pdf = "https://ex.org/g.pdf"
	first := save(t, db, pub("s", "https://ex.org/a", "Guide", pdf), t0)
	for i, p := range []harvest.Publication{pub("s", "https://ex.org/a", "Guide", pdf), pub("s", "https://ex.org/a-2", "Guide", pdf)} {
		gone := t0.Add(time.Duration(2*i+1) * time.Hour)
		if ok, err := db.MarkGone(ctx, "s", "https://ex.org/a", gone); err != nil || !ok {
			t.Fatalf("MarkGone = %v, %v", ok, err)
		}
		if r := get(t, db, first.ID); r.Status != harvest.StatusRemoved || r.RemovedAt == nil || !r.RemovedAt.Equal(gone) {
			t.Fatalf("after MarkGone: %q %v", r.Status, r.RemovedAt)
		}
		back := gone.Add(time.Hour)
		save(t, db, p, back)
		r := get(t, db, first.ID)
		if r.Status != harvest.StatusActive || r.RemovedAt != nil || !r.LastChanged.Equal(back) {
			t.Errorf("after Save of %s: status %q, removed_at %v, last_changed %v; want active, nil, %v", p.URL, r.Status, r.RemovedAt, r.LastChanged, back)
		}
	}
}

func testSaveMoreFields(t *testing.T, open Opener) {
	db := open(t)
	p := pub("lib", "https://ex.org/r/a/", "A report", "https://ex.org/a.pdf")
	p.Authors = []string{"Ann Author", "Bo Writer"}
	p.Image = "https://ex.org/cover.png"
	p.SiteName = "Ex Library"
	p.Type = "report"
	seen := t0
	res := save(t, db, p, seen)
	got := get(t, db, res.ID)
	if !slices.Equal(got.Authors, p.Authors) || got.Image != p.Image || got.SiteName != p.SiteName || got.Type != p.Type {
		t.Errorf("Get = %+v, want authors/image/site_name/type of %+v", got, p)
	}
	for _, edit := range []func(*harvest.Publication){
		func(q *harvest.Publication) { q.Type = "guide" },
		func(q *harvest.Publication) { q.Authors = q.Authors[:1] },
		func(q *harvest.Publication) { q.Image = "" },
	} {
		edit(&p)
		seen = seen.Add(time.Hour)
		if r := save(t, db, p, seen); r.Outcome != harvest.OutcomeChanged {
			t.Errorf("after edit: outcome = %s, want changed", r.Outcome)
		}
	}
	b := save(t, db, pub("lib", "https://ex.org/r/b/", "B", "https://ex.org/b.pdf"), seen)
	if got := get(t, db, b.ID); got.Authors == nil || len(got.Authors) != 0 {
		t.Errorf("Authors of a record without them = %#v, want []", got.Authors)
	}
}

// testPageDatesAndLinks round-trips posted, modified and external links
// through Save, Get, Each, Search and the revisions.
func testPageDatesAndLinks(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	p := pub("lib", "https://ex.org/r/a/", "A report", "https://ex.org/a.pdf")
	p.Published, p.Posted, p.Modified = "2019", "2021-03-04", "2022-11-30"
	p.ExternalLinks = []harvest.Link{
		{URL: "https://publisher.example/reports/a?x=1&y=<2>", Label: `View on the publisher's "website"`},
		{URL: "https://doi.example/10.1/a", Label: ""},
	}
	seen := t0
	res := save(t, db, p, seen)
	check := func(when string, want harvest.Publication) {
		t.Helper()
		got := get(t, db, res.ID)
		if got.Posted != want.Posted || got.Modified != want.Modified || !reflect.DeepEqual(got.ExternalLinks, want.ExternalLinks) {
			t.Errorf("%s: Get = %q %q %#v, want %q %q %#v", when, got.Posted, got.Modified, got.ExternalLinks, want.Posted, want.Modified, want.ExternalLinks)
		}
		var each []harvest.Publication
		if err := db.Each(ctx, harvest.Filter{}, func(q harvest.Publication) error { each = append(each, q); return nil }); err != nil {
			t.Fatal(err)
		}
		sr, err := db.Search(ctx, harvest.Query{Text: "report"})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(each, sr.Publications...) {
			if !reflect.DeepEqual(q, got) {
				t.Errorf("%s: Each or Search = %+v, want what Get reads, %+v", when, q, got)
			}
		}
	}
	check("new", p)
	first := p
	steps := []struct {
		name    string
		edit    func(*harvest.Publication)
		outcome harvest.Outcome
	}{
		{"the same", func(*harvest.Publication) {}, harvest.OutcomeUnchanged},
		{"posted", func(q *harvest.Publication) { q.Posted = "2021-03-05" }, harvest.OutcomeChanged},
		{"modified", func(q *harvest.Publication) { q.Modified = "2023-01-01" }, harvest.OutcomeChanged},
		{"modified gone", func(q *harvest.Publication) { q.Modified = "" }, harvest.OutcomeChanged},
		{"a link's label", func(q *harvest.Publication) { q.ExternalLinks[1].Label = "DOI" }, harvest.OutcomeChanged},
		{"links gone", func(q *harvest.Publication) { q.ExternalLinks = nil }, harvest.OutcomeChanged},
		{"no links, as []", func(q *harvest.Publication) { q.ExternalLinks = []harvest.Link{} }, harvest.OutcomeUnchanged},
	}
	for _, st := range steps {
		p.ExternalLinks = append([]harvest.Link(nil), p.ExternalLinks...)
		st.edit(&p)
		seen = seen.Add(time.Hour)
		r := save(t, db, p, seen)
		if r.Outcome != st.outcome || r.ID != res.ID {
			t.Errorf("%s: outcome %s (record %d), want %s (record %d)", st.name, r.Outcome, r.ID, st.outcome, res.ID)
		}
		want := p
		want.Normalize()
		check(st.name, want)
	}
	revs, ok, err := db.Revisions(ctx, res.ID)
	if err != nil || !ok {
		t.Fatalf("Revisions: %v, %v", ok, err)
	}
	if len(revs) != 5 {
		t.Fatalf("%d revisions, want 5", len(revs))
	}
	oldest := revs[len(revs)-1].Publication
	if oldest.Posted != first.Posted || oldest.Modified != first.Modified || !reflect.DeepEqual(oldest.ExternalLinks, first.ExternalLinks) {
		t.Errorf("first version = %q %q %#v, want those of %+v", oldest.Posted, oldest.Modified, oldest.ExternalLinks, first)
	}
	if got := revs[0].Publication.ExternalLinks; len(got) != 2 || got[1].Label != "DOI" {
		t.Errorf("latest revision's links = %#v", got)
	}
	for i := 1; i < len(revs); i++ {
		if revs[i-1].Replaced.Before(revs[i].Replaced) {
			t.Errorf("revisions not newest first: %v", revs)
		}
	}
}

func testSaveChangedFile(t *testing.T, open Opener) {
	db := open(t)
	file := func(sum string) harvest.Publication {
		p := pub("lib", "https://ex.org/r/1", "Report", "https://ex.org/files/r.pdf")
		p.Downloads[0].SHA256 = sum
		p.Downloads[0].Size = int64(len(sum))
		p.Downloads[0].LocalPath = "/m/sha256/" + sum
		return p
	}
	steps := []struct {
		name    string
		p       harvest.Publication
		outcome harvest.Outcome
	}{
		{"not mirrored", pub("lib", "https://ex.org/r/1", "Report", "https://ex.org/files/r.pdf"), harvest.OutcomeNew},
		{"mirrored", file("aaaa"), harvest.OutcomeChanged},
		{"same file", file("aaaa"), harvest.OutcomeUnchanged},
		{"changed file", file("bbbbbb"), harvest.OutcomeChanged},
		{"same again", file("bbbbbb"), harvest.OutcomeUnchanged},
	}
	var id int64
	for i, st := range steps {
		res := save(t, db, st.p, t0.Add(time.Duration(i)*time.Hour))
		if res.Outcome != st.outcome {
			t.Errorf("%s: outcome = %q, want %q", st.name, res.Outcome, st.outcome)
		}
		if id == 0 {
			id = res.ID
		} else if res.ID != id {
			t.Errorf("%s: saved to record %d, want %d", st.name, res.ID, id)
		}
	}
	got := get(t, db, id)
	if len(got.Downloads) != 1 || got.Downloads[0] != file("bbbbbb").Downloads[0] {
		t.Errorf("Downloads = %+v", got.Downloads)
	}
	if !got.LastChanged.Equal(t0.Add(3 * time.Hour)) {
		t.Errorf("LastChanged = %v, want %v", got.LastChanged, t0.Add(3*time.Hour))
	}
}

// testSaveBatch: a batch gets the outcomes the same saves one by one get
// (duplicates within the batch included); a batch with an invalid
// publication saves nothing.
func testSaveBatch(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	save(t, db, pub("lib", url(0), "Zero", "https://ex.org/0.pdf"), t0)
	edited := pub("lib", url(0), "Zero, revised", "https://ex.org/0.pdf")
	batch := []harvest.Seen{
		{Publication: pub("lib", url(1), "One", "https://ex.org/1.pdf"), At: t0},
		{Publication: pub("lib", url(1)+"copy", "One", "https://ex.org/1.pdf"), At: t0},
		{Publication: pub("lib", url(1), "One", "https://ex.org/1.pdf"), At: t0.Add(time.Hour)},
		{Publication: edited, At: t0.Add(time.Hour)},
		{Publication: pub("lib", url(2), "Two"), At: t0},
	}
	res, err := db.SaveBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	want := []harvest.Outcome{harvest.OutcomeNew, harvest.OutcomeDuplicate, harvest.OutcomeUnchanged, harvest.OutcomeChanged, harvest.OutcomeNew}
	for i, r := range res {
		if r.Outcome != want[i] {
			t.Errorf("batch %d: outcome %s, want %s", i, r.Outcome, want[i])
		}
	}
	if len(res) == 5 && (res[0].ID != res[1].ID || res[1].ID != res[2].ID) {
		t.Errorf("batch ids %v: the first three are one record", res)
	}
	if n := count(t, db, harvest.Filter{}); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
	bad := []harvest.Seen{{Publication: pub("lib", url(3), "Three"), At: t0}, {Publication: pub("lib", "", "No URL"), At: t0}}
	if _, err := db.SaveBatch(ctx, bad); err == nil {
		t.Error("a batch with an invalid publication succeeded")
	}
	if n := count(t, db, harvest.Filter{}); n != 3 {
		t.Errorf("Count = %d after a failed batch, want 3", n)
	}
}

// testSavePageConcurrent: saves from many goroutines at once are each
// saved exactly once with the right outcome, page memory included; a
// publication found under two URLs by two workers at once is one record.
func testSavePageConcurrent(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	const n = 48
	type result struct {
		res harvest.SaveResult
		err error
	}
	results := make([]result, n+2)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p := pub("lib", url(i), fmt.Sprintf("Report %d", i), fmt.Sprintf("https://ex.org/f/%d.pdf", i))
			res, err := db.SavePage(ctx, p, t0, &harvest.PageMemory{URL: p.URL, Fetched: t0, Links: []string{"https://ex.org/"}})
			results[i] = result{res, err}
		})
	}
	for j, u := range []string{"https://ex.org/r/twin-a/", "https://ex.org/r/twin-b/"} {
		wg.Go(func() {
			res, err := db.SavePage(ctx, pub("lib", u, "The twin", "https://ex.org/f/twin.pdf"), t0, nil)
			results[n+j] = result{res, err}
		})
	}
	wg.Wait()
	ids := map[int64]bool{}
	for i := range n {
		r := results[i]
		if r.err != nil || r.res.Outcome != harvest.OutcomeNew || r.res.ID == 0 || ids[r.res.ID] {
			t.Errorf("save %d = %+v, %v; want a new record of its own", i, r.res, r.err)
		}
		ids[r.res.ID] = true
	}
	a, b := results[n], results[n+1]
	if a.err != nil || b.err != nil || a.res.ID != b.res.ID ||
		!((a.res.Outcome == harvest.OutcomeNew && b.res.Outcome == harvest.OutcomeDuplicate) || (a.res.Outcome == harvest.OutcomeDuplicate && b.res.Outcome == harvest.OutcomeNew)) {
		t.Errorf("twins = %+v %v, %+v %v; want one record, new then duplicate", a.res, a.err, b.res, b.err)
	}
	if total := count(t, db, harvest.Filter{}); total != n+1 {
		t.Errorf("Count = %d, want %d", total, n+1)
	}
	for i := range n {
		m, ok, err := db.Page(ctx, "lib", url(i))
		if err != nil || !ok || m.PublicationID != results[i].res.ID || len(m.Links) != 1 {
			t.Errorf("page %d memory = %+v, %v, %v", i, m, ok, err)
		}
	}
}
