package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"harvest"
)

func testSourcesFacetsAndRevisions(t *testing.T, open Opener) {
	ctx := t.Context()
	db, id := searchDB(t, open)
	if ok, err := db.MarkGone(ctx, "s", "https://ex.org/4", t0.Add(4*time.Hour)); err != nil || !ok {
		t.Fatalf("MarkGone = %v, %v", ok, err)
	}
	runID, err := db.StartRun(ctx, "s", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: runID, Finished: t0.Add(time.Minute), Status: harvest.RunPartial, Pages: 9, Errors: 2}); err != nil {
		t.Fatal(err)
	}
	later, err := db.StartRun(ctx, "s", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: later, Finished: t0.Add(2 * time.Hour), Status: harvest.RunOK, Pages: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartRun(ctx, "other", t0); err != nil {
		t.Fatal(err)
	}
	sources, err := db.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 2 || sources[0].Name != "other" || sources[1].Name != "s" {
		t.Fatalf("sources = %+v", sources)
	}
	s := sources[1]
	if s.Publications["active"] != 3 || s.Publications["removed"] != 1 || s.Pages != 14 || s.Errors != 2 ||
		s.Runs[harvest.RunOK] != 1 || s.Runs[harvest.RunPartial] != 1 || s.LastRun == nil || s.LastRun.ID != later {
		t.Errorf("source s = %+v (last run %+v)", s, s.LastRun)
	}
	if o := sources[0]; len(o.Publications) != 0 || o.Runs[harvest.RunRunning] != 1 || o.LastRun == nil {
		t.Errorf("source other = %+v", o)
	}
	f, err := db.Facets(ctx, "active")
	if err != nil {
		t.Fatal(err)
	}
	if want := []harvest.TermCount{{Value: "s", Count: 3}}; !slices.Equal(f.Sources, want) {
		t.Errorf("sources = %v, want %v", f.Sources, want)
	}
	if want := []harvest.TermCount{{Value: "Policy briefs", Count: 1}}; !slices.Equal(f.Categories, want) {
		t.Errorf("categories = %v, want %v", f.Categories, want)
	}
	if want := []harvest.TermCount{{Value: "Fisheries", Count: 1}, {Value: "Supply chains", Count: 1}, {Value: "ports", Count: 1}}; !slices.Equal(f.Tags, want) {
		t.Errorf("tags = %v, want %v", f.Tags, want)
	}
	if got := searchIDs(t, db, harvest.Query{Filter: harvest.Filter{Status: "removed"}}); !slices.Equal(got, []int64{id["none"]}) {
		t.Errorf("removed records = %v", got)
	}
	p := harvest.Publication{Source: "s", URL: "https://ex.org/1", CanonicalURL: "https://ex.org/1", Title: "Fisheries, revised", Tags: []string{"ports"}}
	save(t, db, p, t0.Add(5*time.Hour))
	revs, ok, err := db.Revisions(ctx, id["title"])
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		if len(revs) != 1 || revs[0].Publication.Title != "Fisheries and forced labour" || !revs[0].Replaced.Equal(t0.Add(5*time.Hour)) ||
			revs[0].Publication.Summary != "A report." || !slices.Equal(revs[0].Publication.Tags, []string{"ports"}) {
			t.Errorf("revisions = %+v", revs)
		}
	}
	if revs, _, err := db.Revisions(ctx, id["tag"]); err != nil || len(revs) != 0 {
		t.Errorf("revisions of an unchanged record = %v, %v", revs, err)
	}
}

// directFacets counts the facets from the records themselves.
func directFacets(t *testing.T, db harvest.Catalogue, status string) harvest.Facets {
	t.Helper()
	counts := [3]map[string]int{{}, {}, {}}
	err := db.Each(t.Context(), harvest.Filter{Status: status}, func(p harvest.Publication) error {
		counts[0][p.Source]++
		for i, list := range [][]string{p.Categories, p.Tags} {
			for _, v := range slices.Compact(slices.Sorted(slices.Values(list))) {
				counts[i+1][v]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var lists [3][]harvest.TermCount
	for i, m := range counts {
		for v, n := range m {
			lists[i] = append(lists[i], harvest.TermCount{Value: v, Count: n})
		}
		slices.SortFunc(lists[i], func(a, b harvest.TermCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return harvest.Facets{Sources: lists[0], Categories: lists[1], Tags: lists[2]}
}

func checkFacets(t *testing.T, db harvest.Catalogue, when string) {
	t.Helper()
	for _, status := range []string{"", "active", "removed"} {
		got, err := db.Facets(t.Context(), status)
		if err != nil {
			t.Fatal(err)
		}
		want := directFacets(t, db, status)
		for _, c := range []struct {
			name      string
			got, want []harvest.TermCount
		}{{"sources", got.Sources, want.Sources}, {"categories", got.Categories, want.Categories}, {"tags", got.Tags, want.Tags}} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s: status %q: %s = %v, counted directly %v", when, status, c.name, c.got, c.want)
			}
		}
	}
}

// testFacetCountsFollowChanges: the facets equal a direct count after
// every kind of write: saves, changes of tags and categories, removals
// and returns; and a listing's totals agree with a direct count.
func testFacetCountsFollowChanges(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	mk := func(source, u string, cats, tags []string) harvest.Publication {
		p := pub(source, u, "Title of "+u)
		p.Categories, p.Tags = cats, tags
		return p
	}
	checkFacets(t, db, "empty")
	for i := range 12 {
		src := []string{"lib", "other", "third"}[i%3]
		save(t, db, mk(src, url(i), []string{"Reports", []string{"Briefs", "Guides"}[i%2]},
			[]string{"fisheries", []string{"ports", "Ports", "seafarers"}[i%3], "fisheries"}), t0) // a repeated tag counts once
	}
	checkFacets(t, db, "after saves")
	p := mk("lib", url(0), []string{"Guides"}, []string{"labour", "Ports"})
	if res := save(t, db, p, t0.Add(time.Hour)); res.Outcome != harvest.OutcomeChanged {
		t.Fatalf("change: %+v", res)
	}
	checkFacets(t, db, "after a change")
	save(t, db, p, t0.Add(2*time.Hour))
	checkFacets(t, db, "after an unchanged save")
	if ok, err := db.MarkGone(ctx, "other", url(1), t0.Add(3*time.Hour)); err != nil || !ok {
		t.Fatalf("mark gone: %v %v", ok, err)
	}
	if _, err := db.SweepMissed(ctx, "third", nil, time.Time{}, 1, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkFacets(t, db, "after removals")
	save(t, db, mk("other", url(1), []string{"Reports", "Guides"}, []string{"fisheries", "Ports", "fisheries"}), t0.Add(4*time.Hour))
	checkFacets(t, db, "after a return")
	for _, f := range []harvest.Filter{{Tag: "ports", Status: "active"}, {Tag: "FISHERIES"}, {Category: "guides", Status: "removed"},
		{Sources: []string{"lib", "third"}, Status: "active"}, {Status: "removed"}} {
		res, err := db.Search(ctx, harvest.Query{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(eachIDs(t, db, f)); res.Total != n || count(t, db, f) != n {
			t.Errorf("filter %+v: total %d, counted %d", f, res.Total, n)
		}
	}
}

func testRuns(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	start := func(source string, at time.Time) int64 {
		t.Helper()
		id, err := db.StartRun(ctx, source, at)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	idA1 := start("a", t0)
	idB := start("b", t0.Add(time.Minute))
	idA2 := start("a", t0.Add(time.Hour))
	finished := harvest.Run{
		ID: idA1, Source: "a", Started: t0, Finished: t0.Add(10*time.Minute + 500*time.Millisecond),
		Pages: 40, Errors: 2, New: 30, Changed: 1, Unchanged: 5, Duplicates: 1,
		NotModified: 3, SkippedLastmod: 4, Removed: 2, ResumedFrom: 17,
		Status: harvest.RunPartial, Note: "page cap reached",
	}
	if err := db.FinishRun(ctx, finished); err != nil {
		t.Fatal(err)
	}
	finished.Finished = finished.Finished.Truncate(time.Second)
	running := func(id int64, source string, started time.Time) harvest.Run {
		return harvest.Run{ID: id, Source: source, Started: started, Status: harvest.RunRunning}
	}
	for _, tc := range []struct {
		source string
		want   []harvest.Run
	}{
		{"", []harvest.Run{running(idA2, "a", t0.Add(time.Hour)), running(idB, "b", t0.Add(time.Minute)), finished}},
		{"a", []harvest.Run{running(idA2, "a", t0.Add(time.Hour)), finished}},
		{"b", []harvest.Run{running(idB, "b", t0.Add(time.Minute))}},
		{"none", nil},
	} {
		got, err := db.Runs(ctx, tc.source)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Runs(%q) =\n%+v\nwant\n%+v", tc.source, got, tc.want)
		}
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: 999, Status: harvest.RunOK, Finished: t0}); !errors.Is(err, harvest.ErrNotFound) {
		t.Errorf("FinishRun of unknown run: %v, want ErrNotFound", err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: idB, Status: "great", Finished: t0}); err == nil {
		t.Error("FinishRun with an unknown status succeeded")
	}
	if _, err := db.StartRun(ctx, "", t0); err == nil {
		t.Error("StartRun without a source succeeded")
	}
}

func testRunsPage(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	var want []int64
	for i := range 7 {
		id, err := db.StartRun(ctx, []string{"a", "b"}[i%2], t0.Add(time.Duration(i/2)*time.Hour)) // ties on started
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	for _, source := range []string{"", "a"} {
		all, err := db.Runs(ctx, source)
		if err != nil {
			t.Fatal(err)
		}
		var order, got []int64
		for _, r := range all {
			order = append(order, r.ID)
		}
		after := int64(0)
		for {
			runs, more, err := db.RunsPage(ctx, source, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				got = append(got, r.ID)
			}
			if !more {
				break
			}
			after = runs[len(runs)-1].ID
		}
		if !slices.Equal(got, order) {
			t.Errorf("source %q: paged %v, want %v", source, got, order)
		}
	}
	if _, _, err := db.RunsPage(ctx, "a", want[1], 3); !errors.Is(err, harvest.ErrBadCursor) { // a run of b
		t.Errorf("a cursor of another source: %v, want ErrBadCursor", err)
	}
}

func testPageMemory(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	if _, ok, err := db.Page(ctx, "lib", url(1)); ok || err != nil {
		t.Fatalf("Page of an unknown page = %v, %v", ok, err)
	}
	res := save(t, db, pub("lib", url(1), "A", "https://ex.org/a.pdf"), t0)
	m := harvest.PageMemory{URL: url(1), PublicationID: res.ID, ETag: `"x1"`, LastModified: "Mon, 01 Jan 2024 00:00:00 GMT",
		Fetched: t0.Add(900 * time.Millisecond), Links: []string{"https://ex.org/r/2/", "", "https://ex.org/bad\nlink", "https://ex.org/r/3/"}}
	if err := db.RememberPage(ctx, "lib", m); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Page(ctx, "lib", "https://ex.org/r/1?utm_source=x")
	if err != nil || !ok {
		t.Fatalf("Page = %v, %v", ok, err)
	}
	want := harvest.PageMemory{URL: url(1), PublicationID: res.ID, ETag: m.ETag, LastModified: m.LastModified, Fetched: t0,
		Links: []string{"https://ex.org/r/2/", "https://ex.org/r/3/"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Page = %+v, want %+v", got, want)
	}
	if _, ok, _ := db.Page(ctx, "other", url(1)); ok {
		t.Error("a page of one source is known to another")
	}
	// Fetched again: other links, then none.
	for _, links := range [][]string{{"https://ex.org/r/4/"}, nil} {
		m.Links = links
		if err := db.RememberPage(ctx, "lib", m); err != nil {
			t.Fatal(err)
		}
		got, _, _ := db.Page(ctx, "lib", url(1))
		if w := append([]string{}, links...); !slices.Equal(got.Links, w) || got.Links == nil {
			t.Errorf("links = %#v, want %#v", got.Links, w)
		}
	}
	later := t0.Add(24 * time.Hour)
	id, err := db.TouchPage(ctx, "lib", url(1), later)
	if err != nil || id != res.ID {
		t.Fatalf("TouchPage = %d, %v; want %d", id, err, res.ID)
	}
	p := get(t, db, res.ID)
	if !p.LastSeen.Equal(later) || !p.LastChanged.Equal(t0) {
		t.Errorf("after TouchPage: last_seen %v, last_changed %v", p.LastSeen, p.LastChanged)
	}
	if got, _, _ := db.Page(ctx, "lib", url(1)); !got.Fetched.Equal(later) {
		t.Errorf("page fetched %v after TouchPage, want %v", got.Fetched, later)
	}
	// Never back.
	if _, err := db.TouchPage(ctx, "lib", url(1), t0); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.Page(ctx, "lib", url(1)); !got.Fetched.Equal(later) || !get(t, db, res.ID).LastSeen.Equal(later) {
		t.Errorf("a touch moved times back")
	}
	if id, err := db.TouchPage(ctx, "lib", "https://ex.org/unknown/", later); id != 0 || err != nil {
		t.Errorf("TouchPage(unknown) = %d, %v; want 0, nil", id, err)
	}
	// SavePage remembers the page with the record's id.
	r2, err := db.SavePage(ctx, pub("lib", url(5), "Five"), t0, &harvest.PageMemory{URL: url(5), ETag: "e5", Fetched: t0})
	if err != nil {
		t.Fatal(err)
	}
	if m5, ok, err := db.Page(ctx, "lib", url(5)); err != nil || !ok || m5.PublicationID != r2.ID || m5.ETag != "e5" || m5.Links == nil {
		t.Errorf("page of SavePage = %+v, %v, %v", m5, ok, err)
	}
}

func testTouchPages(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	var ids []int64
	for i := range 3 {
		res := save(t, db, pub("lib", url(i), fmt.Sprintf("P%d", i)), t0)
		ids = append(ids, res.ID)
		pid := res.ID
		if i == 2 {
			pid = 0 // a page that fed no record
		}
		if err := db.RememberPage(ctx, "lib", harvest.PageMemory{URL: url(i), PublicationID: pid, Fetched: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := db.MarkGone(ctx, "lib", url(1), t0.Add(time.Minute)); err != nil || !ok {
		t.Fatal(ok, err)
	}
	later := t0.Add(time.Hour)
	got, err := db.TouchPages(ctx, "lib", []string{url(0), "https://ex.org/none/", url(1), url(2)}, later)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{ids[0], 0, ids[1], 0}; !slices.Equal(got, want) {
		t.Errorf("TouchPages = %v, want %v", got, want)
	}
	if p := get(t, db, ids[1]); p.Status != harvest.StatusActive || !p.LastChanged.Equal(later) || !p.LastSeen.Equal(later) {
		t.Errorf("a removed record touched = %q, changed %v, seen %v; want active again at %v", p.Status, p.LastChanged, p.LastSeen, later)
	}
	if p := get(t, db, ids[2]); !p.LastSeen.Equal(t0) {
		t.Errorf("the record of a page that fed none was touched")
	}
	if got, err := db.TouchPages(ctx, "lib", nil, later); err != nil || len(got) != 0 {
		t.Errorf("TouchPages(nil) = %v, %v", got, err)
	}
	if _, err := db.TouchPages(ctx, "lib", []string{"mailto:x@ex.org"}, later); err == nil {
		t.Error("TouchPages of a URL that is not http succeeded")
	}
}

func testRemovalAndReturn(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	var ids []int64
	for _, u := range []string{"https://ex.org/a/", "https://ex.org/b/", "https://ex.org/c/"} {
		ids = append(ids, save(t, db, pub("lib", u, u, u+"f.pdf"), t0).ID)
	}
	for run := 1; run <= 2; run++ {
		n, err := db.SweepMissed(ctx, "lib", []int64{ids[0]}, time.Time{}, 2, t0.Add(time.Duration(run)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{1: 0, 2: 2}[run]; n != want {
			t.Errorf("sweep %d removed %d, want %d", run, n, want)
		}
	}
	b := get(t, db, ids[1])
	if b.Status != "removed" || b.RemovedAt == nil || !b.RemovedAt.Equal(t0.Add(2*time.Hour)) || !b.LastChanged.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("b after two misses = %+v, want removed at t0+2h", b)
	}
	if a := get(t, db, ids[0]); a.Status != "active" {
		t.Errorf("a, seen by every run, = %q", a.Status)
	}
	back := t0.Add(3 * time.Hour)
	save(t, db, pub("lib", "https://ex.org/b/", "https://ex.org/b/", "https://ex.org/b/f.pdf"), back)
	if b = get(t, db, ids[1]); b.Status != "active" || b.RemovedAt != nil || !b.LastChanged.Equal(back) {
		t.Errorf("b back = %+v, want active, last_changed %v", b, back)
	}
	if ok, err := db.MarkGone(ctx, "lib", "https://ex.org/a", back); !ok || err != nil {
		t.Errorf("MarkGone(a) = %v, %v; want removed", ok, err)
	}
	if ok, _ := db.MarkGone(ctx, "lib", "https://ex.org/a", back); ok {
		t.Error("MarkGone of a removed record removed it again")
	}
	if ok, _ := db.MarkGone(ctx, "lib", "https://ex.org/zzz/", back); ok {
		t.Error("MarkGone of an unknown URL removed something")
	}
	if ok, _ := db.MarkGone(ctx, "other", "https://ex.org/b/", back); ok {
		t.Error("MarkGone of another source removed something")
	}
	// A duplicate URL going away removes nothing.
	save(t, db, pub("lib", "https://ex.org/b-copy/", "https://ex.org/b/", "https://ex.org/b/f.pdf"), back)
	if ok, _ := db.MarkGone(ctx, "lib", "https://ex.org/b-copy/", back); ok {
		t.Error("MarkGone of a duplicate URL removed its record")
	}
	// A resumed run counts every record last seen since its crawl began.
	save(t, db, pub("lib", "https://ex.org/c/", "https://ex.org/c/", "https://ex.org/c/f.pdf"), back)
	stale := save(t, db, pub("lib", "https://ex.org/e/", "https://ex.org/e/", "https://ex.org/e/f.pdf"), t0)
	n, err := db.SweepMissed(ctx, "lib", nil, back, 1, back.Add(time.Hour))
	if err != nil || n != 1 {
		t.Errorf("resumed sweep removed %d, %v; want 1", n, err)
	}
	if e := get(t, db, stale.ID); e.Status != "removed" {
		t.Errorf("e = %q, want removed", e.Status)
	}
	if c := get(t, db, ids[2]); c.Status != "active" {
		t.Errorf("c, seen since the resumed crawl began, = %q", c.Status)
	}
}

// testRemovalGuard: Remove carries out a plan's gone URLs and sweep, all
// or, past its limit, none (the misses still counted).
func testRemovalGuard(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	var ids []int64
	for i := range 10 {
		ids = append(ids, save(t, db, pub("lib", url(i), fmt.Sprintf("P%d", i)), t0).ID)
	}
	save(t, db, pub("other", url(0), "Other"), t0)
	limit := func(active int) int { return active / 5 }
	// Seen: 0..6; missed: 7, 8, 9; gone: 0 (by its URL).
	plan := harvest.RemovalPlan{Gone: []string{url(0) + "?utm_source=x"}, Sweep: true, Seen: ids[:7], Threshold: 1, Limit: limit, At: t0.Add(time.Hour)}
	res, err := db.Remove(ctx, "lib", plan)
	if err != nil {
		t.Fatal(err)
	}
	if want := (harvest.RemovalResult{Removed: 0, Held: 4, Active: 10, Limit: 2}); res != want {
		t.Errorf("held removal = %+v, want %+v", res, want)
	}
	if n := count(t, db, harvest.Filter{Status: harvest.StatusRemoved}); n != 0 {
		t.Errorf("%d removed past the limit", n)
	}
	// The misses were counted: with a threshold of 2, one more miss
	// removes them, now within a looser limit.
	plan = harvest.RemovalPlan{Sweep: true, Seen: ids[:7], Threshold: 2, Limit: func(active int) int { return active / 2 }, At: t0.Add(2 * time.Hour)}
	if res, err = db.Remove(ctx, "lib", plan); err != nil {
		t.Fatal(err)
	}
	if want := (harvest.RemovalResult{Removed: 3, Active: 10, Limit: 5}); res != want {
		t.Errorf("removal = %+v, want %+v", res, want)
	}
	if got := eachIDs(t, db, harvest.Filter{Status: harvest.StatusRemoved}); !slices.Equal(got, ids[7:]) {
		t.Errorf("removed = %v, want %v", got, ids[7:])
	}
	// Gone URLs without a sweep, no limit.
	if res, err = db.Remove(ctx, "lib", harvest.RemovalPlan{Gone: []string{url(0), url(1), "not a url", "https://ex.org/unknown"}, At: t0.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if res.Removed != 2 || res.Held != 0 {
		t.Errorf("gone removal = %+v, want 2 removed", res)
	}
	if n := count(t, db, harvest.Filter{Sources: []string{"other"}, Status: harvest.StatusActive}); n != 1 {
		t.Errorf("another source's record was removed")
	}
}

func testMirroredFiles(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	const u = "https://Ex.org/files/report.pdf?utm_source=x"
	if _, ok, err := db.LookupFile(ctx, u); err != nil || ok {
		t.Fatalf("LookupFile(unknown) = %v, %v", ok, err)
	}
	f := harvest.MirroredFile{URL: u, SHA256: "ab12", Size: 42, MediaType: "application/pdf", Path: "/m/sha256/ab/ab12.pdf",
		ETag: `"v1"`, LastModified: "Thu, 02 Jan 2025 03:04:05 GMT", Fetched: t0.Add(999 * time.Millisecond)}
	if err := db.RememberFile(ctx, u, f); err != nil {
		t.Fatal(err)
	}
	want := f
	want.Fetched = t0
	got, ok, err := db.LookupFile(ctx, "https://ex.org/files/report.pdf")
	if err != nil || !ok || got != want {
		t.Errorf("LookupFile = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	f2 := harvest.MirroredFile{URL: "https://ex.org/files/report.pdf", SHA256: "cd34", Size: 7, Path: "/m/sha256/cd/cd34", Fetched: t0.Add(time.Hour)}
	if err := db.RememberFile(ctx, f2.URL, f2); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := db.LookupFile(ctx, u); err != nil || !ok || got != f2 {
		t.Errorf("after replacing: LookupFile = %+v, %v, %v; want %+v", got, ok, err, f2)
	}
}

func testRememberFileRejects(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	ok := harvest.MirroredFile{SHA256: "ab", Path: "/m/ab", Fetched: t0}
	for _, tt := range []struct {
		name, url string
		f         harvest.MirroredFile
	}{
		{"not http", "ftp://ex.org/a.pdf", ok},
		{"relative", "/a.pdf", ok},
		{"no sha256", "https://ex.org/a.pdf", harvest.MirroredFile{Path: "/m/ab", Fetched: t0}},
		{"no path", "https://ex.org/a.pdf", harvest.MirroredFile{SHA256: "ab", Fetched: t0}},
		{"no time", "https://ex.org/a.pdf", harvest.MirroredFile{SHA256: "ab", Path: "/m/ab"}},
	} {
		if err := db.RememberFile(ctx, tt.url, tt.f); err == nil {
			t.Errorf("%s: RememberFile succeeded", tt.name)
		}
	}
	if _, _, err := db.LookupFile(ctx, "mailto:a@ex.org"); err == nil {
		t.Error("LookupFile(mailto) succeeded")
	}
}

func frontierKeys(t *testing.T, db harvest.Catalogue, source string) []string {
	t.Helper()
	_, entries, ok, err := db.LoadFrontier(t.Context(), source)
	if err != nil || !ok {
		t.Fatalf("LoadFrontier = %v, %v", ok, err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Key+":"+e.State)
	}
	return got
}

func testFrontierPersistence(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	if _, _, ok, err := db.LoadFrontier(ctx, "lib"); ok || err != nil {
		t.Fatalf("LoadFrontier before any = %v, %v", ok, err)
	}
	if err := db.BeginFrontier(ctx, "lib", 7, t0.Add(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	e := func(k string) harvest.FrontierEntry { return harvest.FrontierEntry{Key: k, URL: "https://ex.org/" + k} }
	ops := []harvest.FrontierOp{
		{Op: harvest.FrontierPush, Entry: e("a")}, {Op: harvest.FrontierPush, Entry: e("b")},
		{Op: harvest.FrontierPush, Entry: harvest.FrontierEntry{Key: "s", URL: "https://ex.org/s.xml", Sitemap: true, Optional: true}},
		{Op: harvest.FrontierLease, Entry: e("a")}, {Op: harvest.FrontierDone, Entry: e("a")}, {Op: harvest.FrontierLease, Entry: e("b")},
		{Op: harvest.FrontierPush, Entry: harvest.FrontierEntry{Key: "c", URL: "https://ex.org/c", Depth: 2, Lastmod: "2024-01-01"}},
		{Op: harvest.FrontierPush, Entry: e("a")}, // already there: left alone
	}
	if err := db.ApplyFrontier(ctx, "lib", "me:1", ops); err != nil {
		t.Fatal(err)
	}
	// A later batch: a URL queued again stays done; a new one comes last.
	if err := db.ApplyFrontier(ctx, "lib", "me:1", []harvest.FrontierOp{
		{Op: harvest.FrontierPush, Entry: e("a")}, {Op: harvest.FrontierLease, Entry: e("a")},
		{Op: harvest.FrontierPush, Entry: e("d")}, {Op: harvest.FrontierLease, Entry: e("d")}, {Op: harvest.FrontierDone, Entry: e("d")},
	}); err != nil {
		t.Fatal(err)
	}
	run, entries, ok, err := db.LoadFrontier(ctx, "lib")
	if err != nil || !ok {
		t.Fatalf("LoadFrontier = %v, %v", ok, err)
	}
	if run.RunID != 7 || !run.Started.Equal(t0) {
		t.Errorf("frontier run = %+v", run)
	}
	if got, want := frontierKeys(t, db, "lib"), []string{"a:done", "b:queued", "s:queued", "c:queued", "d:done"}; !slices.Equal(got, want) {
		t.Errorf("entries = %v, want %v (the lease of a dead process released)", got, want)
	}
	if !entries[2].Sitemap || !entries[2].Optional || entries[3].Depth != 2 || entries[3].Lastmod != "2024-01-01" || entries[3].URL != "https://ex.org/c" {
		t.Errorf("entries lost fields: %+v", entries)
	}
	if _, _, ok, _ := db.LoadFrontier(ctx, "other"); ok {
		t.Error("another source has a frontier")
	}
	// Begin drops what an earlier run left.
	if err := db.BeginFrontier(ctx, "lib", 8, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if run, entries, ok, err := db.LoadFrontier(ctx, "lib"); err != nil || !ok || run.RunID != 8 || len(entries) != 0 {
		t.Errorf("after a new BeginFrontier: %+v, %d entries, %v, %v", run, len(entries), ok, err)
	}
	if err := db.ClearFrontier(ctx, "lib"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := db.LoadFrontier(ctx, "lib"); ok {
		t.Error("frontier still there after ClearFrontier")
	}
}

// testFrontierOutOfOrder: a batch not in a run's order (done before the
// push, an unknown operation) is written change by change, or refused.
func testFrontierOutOfOrder(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	if err := db.BeginFrontier(ctx, "lib", 1, t0); err != nil {
		t.Fatal(err)
	}
	e := func(k string) harvest.FrontierEntry { return harvest.FrontierEntry{Key: k, URL: "https://ex.org/" + k} }
	if err := db.ApplyFrontier(ctx, "lib", "me", []harvest.FrontierOp{
		{Op: harvest.FrontierDone, Entry: e("a")}, {Op: harvest.FrontierPush, Entry: e("a")},
		{Op: harvest.FrontierPush, Entry: e("b")}, {Op: harvest.FrontierDone, Entry: e("b")}, {Op: harvest.FrontierLease, Entry: e("b")},
	}); err != nil {
		t.Fatal(err)
	}
	// a: done of an absent URL does nothing, then queued; b: done, and a
	// lease never undoes a done.
	if got, want := frontierKeys(t, db, "lib"), []string{"a:queued", "b:done"}; !slices.Equal(got, want) {
		t.Errorf("entries = %v, want %v", got, want)
	}
	if err := db.ApplyFrontier(ctx, "lib", "me", []harvest.FrontierOp{{Op: harvest.FrontierPush, Entry: e("c")}, {Op: "jump", Entry: e("c")}}); err == nil {
		t.Error("an unknown operation was accepted")
	}
	if got, want := frontierKeys(t, db, "lib"), []string{"a:queued", "b:done"}; !slices.Equal(got, want) {
		t.Errorf("after a refused batch: %v, want %v (nothing of it)", got, want)
	}
}

func testLockSource(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	unlock, err := db.LockSource(ctx, "lib", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LockSource(ctx, "lib", false); !errors.Is(err, harvest.ErrSourceBusy) {
		t.Errorf("a second lock of a held source: %v, want ErrSourceBusy", err)
	}
	other, err := db.LockSource(ctx, "other", false)
	if err != nil {
		t.Fatalf("another source: %v", err)
	}
	if err := other(); err != nil {
		t.Error(err)
	}
	// A waiting lock is taken once the holder unlocks.
	got := make(chan error, 1)
	go func() {
		u, err := db.LockSource(ctx, "lib", true)
		if err == nil {
			err = u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("a waiting lock returned while held: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("waiting lock: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a waiting lock was not taken after the unlock")
	}
	// A wait cut by its context fails.
	unlock, err = db.LockSource(ctx, "lib", false)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := db.LockSource(short, "lib", true); err == nil {
		t.Error("a wait past its context's deadline took the lock")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := db.LockSource(ctx, "lib", false)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if err := again(); err != nil {
		t.Error(err)
	}
}

// testVersionMoves: every write to the records or the runs moves the
// catalogue's version on; reads do not.
func testVersionMoves(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	v0, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Search(ctx, harvest.Query{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Facets(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Version(ctx); v.N != v0.N || !v.Changed.Equal(v0.Changed) {
		t.Errorf("a read moved the version: %+v -> %+v", v0, v)
	}
	p := pub("lib", url(1), "One")
	q := pub("lib", url(2), "Two")
	var runID int64
	steps := []struct {
		name string
		do   func() error
	}{
		{"save", func() error { _, err := db.Save(ctx, p, t0); return err }},
		{"seen again", func() error { _, err := db.Save(ctx, p, t0.Add(time.Hour)); return err }},
		{"changed", func() error { p.Summary = "new"; _, err := db.Save(ctx, p, t0.Add(time.Hour)); return err }},
		{"batch", func() error { _, err := db.SaveBatch(ctx, []harvest.Seen{{Publication: q, At: t0}}); return err }},
		{"page memory saved with a record", func() error {
			_, err := db.SavePage(ctx, q, t0.Add(2*time.Hour), &harvest.PageMemory{URL: q.URL, Fetched: t0})
			return err
		}},
		{"touched", func() error { _, err := db.TouchPage(ctx, "lib", q.URL, t0.Add(3*time.Hour)); return err }},
		{"removed", func() error { _, err := db.MarkGone(ctx, "lib", p.URL, t0.Add(2*time.Hour)); return err }},
		{"swept", func() error {
			_, err := db.SweepMissed(ctx, "lib", nil, time.Time{}, 1, t0.Add(4*time.Hour))
			return err
		}},
		{"run started", func() error { var err error; runID, err = db.StartRun(ctx, "lib", t0); return err }},
		{"run finished", func() error { return db.FinishRun(ctx, harvest.Run{ID: runID, Status: harvest.RunOK, Finished: t0}) }},
	}
	last := v0
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.N <= last.N {
			t.Errorf("%s: version %d, was %d", s.name, v.N, last.N)
		}
		if v.Changed.Before(last.Changed) {
			t.Errorf("%s: changed %s, before %s", s.name, v.Changed, last.Changed)
		}
		last = v
	}
}
