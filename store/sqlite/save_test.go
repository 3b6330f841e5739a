package sqlite

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"harvest"
)

func TestSaveLifecycle(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)

	p := harvest.Publication{
		Source:       "lib",
		URL:          "https://ex.org/resources/guide/",
		CanonicalURL: "https://ex.org/resources/guide/",
		Title:        "A Guide",
		Summary:      "What it is about.",
		Categories:   []string{"Guidance", "Publications"},
		Tags:         []string{"education"},
		Downloads:    []harvest.Download{{URL: "https://ex.org/files/guide.pdf", Label: "Download", MediaType: "application/pdf"}},
		Publisher:    "Ex Org",
		Published:    "2021",
		Language:     "en",
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
		want        harvest.Publication // the record after the step
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
		if got, want := res.Outcome, st.outcome; got != want {
			t.Errorf("%s: harvest.Outcome = %q, want %q", st.name, got, want)
		}
		if id == 0 {
			id = res.ID
		}
		if got, want := res.ID, id; got != want {
			t.Errorf("%s: ID = %d, want %d", st.name, got, want)
		}
		got, err := db.Get(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
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
		if got.LastSeen.Location() != time.UTC {
			t.Errorf("%s: LastSeen in %v, want UTC", st.name, got.LastSeen.Location())
		}
	}
}

func TestSaveLastSeenNeverMovesBack(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	p := pub("s", "https://ex.org/a", "A")
	if _, err := db.Save(ctx, p, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	res, err := db.Save(ctx, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(time.Hour); !got.LastSeen.Equal(want) {
		t.Errorf("LastSeen = %v, want %v", got.LastSeen, want)
	}
}

func TestSaveRejects(t *testing.T) {
	db := openTest(t)
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
}

// saveStep is one Save of an identity test: the publication, the outcome
// expected and the record (by index of the step that created it) it must
// go to.
type saveStep struct {
	p       harvest.Publication
	outcome harvest.Outcome
	record  int // index of the step whose record this must be
}

func TestSaveIdentity(t *testing.T) {
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
		// dups are the duplicate URLs of the record each creating step
		// made, by step index.
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
			dups:  map[int][]string{0: {}},
			count: 1,
		},
		{
			name: "second slug with the same title and PDF is a duplicate",
			saves: []saveStep{
				{pub("s", a, "Guide to Rights", pdf1), harvest.OutcomeNew, 0},
				{pub("s", a+"-2/", "  guide to   RIGHTS ", pdf1), harvest.OutcomeDuplicate, 0},
				// Found again under the duplicate URL, with other content:
				// still a duplicate, and the record keeps its own content.
				{withSummary(pub("s", a+"-2", "Guide to Rights", pdf1), "other"), harvest.OutcomeDuplicate, 0},
				{pub("s", a, "Guide to Rights", pdf1), harvest.OutcomeUnchanged, 0},
			},
			dups:  map[int][]string{0: {a + "-2/"}},
			count: 1,
		},
		{
			name: "different title with the identical download set is merged",
			saves: []saveStep{
				{pub("s", a, "Annual Report 2021", pdf1, pdf2), harvest.OutcomeNew, 0},
				{pub("s", "https://ex.org/pub/report", "Report", "HTTPS://EX.ORG/wp-content/uploads/two.pdf", pdf1), harvest.OutcomeDuplicate, 0},
			},
			dups:  map[int][]string{0: {"https://ex.org/pub/report"}},
			count: 1,
		},
		{
			name: "different title sharing one of two PDFs is not merged",
			saves: []saveStep{
				{pub("s", a, "Annual Report 2021", pdf1, pdf2), harvest.OutcomeNew, 0},
				{pub("s", "https://ex.org/pub/b", "Summary of the Report", pdf1), harvest.OutcomeNew, 1},
			},
			dups:  map[int][]string{0: {}, 1: {}},
			count: 2,
		},
		{
			name: "same title without a shared download is not merged",
			saves: []saveStep{
				{pub("s", a, "Newsletter", pdf1), harvest.OutcomeNew, 0},
				{pub("s", "https://ex.org/pub/b", "Newsletter", pdf2), harvest.OutcomeNew, 1},
				{pub("s", "https://ex.org/pub/c", "Newsletter"), harvest.OutcomeNew, 2},
			},
			dups:  map[int][]string{0: {}, 1: {}, 2: {}},
			count: 3,
		},
		{
			name: "two sources never merge",
			saves: []saveStep{
				{pub("one", a, "Guide", pdf1), harvest.OutcomeNew, 0},
				{pub("two", a, "Guide", pdf1), harvest.OutcomeNew, 1},
				{pub("two", a+"-2", "Guide", pdf1), harvest.OutcomeDuplicate, 1},
			},
			dups:  map[int][]string{0: {}, 1: {a + "-2"}},
			count: 2,
		},
		{
			name: "a URL whose canonical is a record's is that record",
			saves: []saveStep{
				{withCanonical(pub("s", "https://ex.org/?p=12", "Guide", pdf1), a), harvest.OutcomeNew, 0},
				{pub("s", a+"/", "Guide", pdf1), harvest.OutcomeUnchanged, 0},
				{withCanonical(pub("s", a+"/print", "Guide", pdf1), a), harvest.OutcomeUnchanged, 0},
			},
			dups:  map[int][]string{0: {a + "/print"}},
			count: 1,
		},
		{
			name: "a duplicate's own canonical URL is recorded too",
			saves: []saveStep{
				{pub("s", a, "Guide", pdf1), harvest.OutcomeNew, 0},
				{withCanonical(pub("s", "https://ex.org/?p=99", "Guide", pdf1), a+"-2"), harvest.OutcomeDuplicate, 0},
				{pub("s", a+"-2", "Guide", pdf1), harvest.OutcomeDuplicate, 0},
			},
			dups:  map[int][]string{0: {"https://ex.org/?p=99", a + "-2"}},
			count: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			db := openTest(t)
			ids := make([]int64, len(tc.saves))
			first := map[int64]harvest.Publication{} // as first saved
			for i, s := range tc.saves {
				res, err := db.Save(ctx, s.p, t0.Add(time.Duration(i)*time.Hour))
				if err != nil {
					t.Fatalf("save %d: %v", i, err)
				}
				ids[i] = res.ID
				if got, want := res.Outcome, s.outcome; got != want {
					t.Errorf("save %d (%s): harvest.Outcome = %q, want %q", i, s.p.URL, got, want)
				}
				if got, want := res.ID, ids[s.record]; got != want {
					t.Errorf("save %d (%s): ID = %d, want %d (that of save %d)", i, s.p.URL, got, want, s.record)
				}
				if res.Outcome == harvest.OutcomeNew {
					first[res.ID] = s.p
				}
			}
			n, err := db.Count(ctx, harvest.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, tc.count; got != want {
				t.Errorf("Count = %d, want %d", got, want)
			}
			for step, want := range tc.dups {
				got, err := db.Get(ctx, ids[step])
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.DuplicateURLs, want) || got.DuplicateURLs == nil {
					t.Errorf("record of save %d: DuplicateURLs = %#v, want %#v", step, got.DuplicateURLs, want)
				}
				orig := first[got.ID]
				if got.URL != orig.URL || got.CanonicalURL != orig.CanonicalURL ||
					got.Title != orig.Title || got.Summary != orig.Summary {
					t.Errorf("record of save %d: %q %q %q %q, want as first saved: %q %q %q %q", step,
						got.URL, got.CanonicalURL, got.Title, got.Summary,
						orig.URL, orig.CanonicalURL, orig.Title, orig.Summary)
				}
			}
		})
	}
}

// TestSaveChangedDownloadsReindexed checks that the download index follows
// a record's current downloads.
func TestSaveChangedDownloadsReindexed(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	const old, cur = "https://ex.org/old.pdf", "https://ex.org/new.pdf"
	first, err := db.Save(ctx, pub("s", "https://ex.org/a", "Guide", old), t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Save(ctx, pub("s", "https://ex.org/a", "Guide", cur), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p       harvest.Publication
		outcome harvest.Outcome
	}{
		{pub("s", "https://ex.org/b", "Guide", old), harvest.OutcomeNew},
		{pub("s", "https://ex.org/c", "Guide", cur), harvest.OutcomeDuplicate},
	} {
		res, err := db.Save(ctx, tc.p, t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Outcome, tc.outcome; got != want {
			t.Errorf("%s: harvest.Outcome = %q, want %q", tc.p.URL, got, want)
		}
		if tc.outcome == harvest.OutcomeDuplicate && res.ID != first.ID {
			t.Errorf("%s: ID = %d, want %d", tc.p.URL, res.ID, first.ID)
		}
	}
}

func BenchmarkSave(b *testing.B) {
	sample := func(i int) harvest.Publication {
		p := pub("bench", fmt.Sprintf("https://ex.org/pub/%d/", i), fmt.Sprintf("Publication number %d", i),
			fmt.Sprintf("https://ex.org/files/%d.pdf", i), fmt.Sprintf("https://ex.org/files/%d-summary.pdf", i))
		p.Summary = "A summary of a couple of sentences, as the extractor would find it on a page."
		p.Categories = []string{"Guidance", "Publications"}
		p.Tags = []string{"education", "human rights"}
		p.Publisher = "Ex Org"
		p.Published = "2021-05-04"
		p.Language = "en"
		return p
	}
	b.Run("new", func(b *testing.B) {
		db := openTest(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := db.Save(b.Context(), sample(i), t0); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		db := openTest(b)
		const n = 1000
		for i := range n {
			if _, err := db.Save(b.Context(), sample(i), t0); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := db.Save(b.Context(), sample(i%n), t0.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// TestSaveReactivates checks that a record marked removed becomes active
// again when it is found, under its own URL or a duplicate.
func TestSaveReactivates(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	const pdf = "https://ex.org/g.pdf"
	first, err := db.Save(ctx, pub("s", "https://ex.org/a", "Guide", pdf), t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []harvest.Publication{
		pub("s", "https://ex.org/a", "Guide", pdf),
		pub("s", "https://ex.org/a-2", "Guide", pdf),
	} {
		if _, err := db.write.ExecContext(ctx,
			`UPDATE publications SET status = 'removed', removed_at = ? WHERE id = ?`,
			formatTime(t0), first.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Save(ctx, p, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var status string
		var removedAt *string
		if err := db.read.QueryRowContext(ctx,
			`SELECT status, removed_at FROM publications WHERE id = ?`, first.ID).Scan(&status, &removedAt); err != nil {
			t.Fatal(err)
		}
		if status != "active" || removedAt != nil {
			t.Errorf("after Save of %s: status %q, removed_at %v, want active and NULL", p.URL, status, removedAt)
		}
	}
}

// TestSaveMoreFields round-trips the fields of migration 0002 and counts
// a change of any of them as a change of the record.
func TestSaveMoreFields(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	p := pub("lib", "https://ex.org/r/a/", "A report", "https://ex.org/a.pdf")
	p.Authors = []string{"Ann Author", "Bo Writer"}
	p.Image = "https://ex.org/cover.png"
	p.SiteName = "Ex Library"
	p.Type = "report"
	seen := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := db.Save(ctx, p, seen)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
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
		res, err := db.Save(ctx, p, seen)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != harvest.OutcomeChanged {
			t.Errorf("after edit: outcome = %s, want changed", res.Outcome)
		}
	}
	q := pub("lib", "https://ex.org/r/b/", "B", "https://ex.org/b.pdf")
	if _, err := db.Save(ctx, q, seen); err != nil {
		t.Fatal(err)
	}
	b, _ := db.Get(ctx, 2)
	if b.Authors == nil || len(b.Authors) != 0 {
		t.Errorf("Authors of a record without them = %#v, want []", b.Authors)
	}
}
