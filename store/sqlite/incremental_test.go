package sqlite

import (
	"fmt"
	"harvest"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestPageMemory(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	if _, ok, err := db.Page(ctx, "lib", "https://ex.org/r/a/"); ok || err != nil {
		t.Fatalf("Page of an unknown page = %v, %v; want not found", ok, err)
	}
	res, err := db.Save(ctx, pub("lib", "https://ex.org/r/a/", "A", "https://ex.org/a.pdf"), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	m := harvest.PageMemory{URL: "https://ex.org/r/a/", PublicationID: res.ID, ETag: `"x1"`, LastModified: "Mon, 01 Jan 2024 00:00:00 GMT", Fetched: fetched, Links: []string{"https://ex.org/r/b/"}}
	if err := db.RememberPage(ctx, "lib", m); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Page(ctx, "lib", "https://ex.org/r/a?utm_source=x")
	if err != nil || !ok {
		t.Fatalf("Page = %v, %v", ok, err)
	}
	if got.ETag != m.ETag || got.LastModified != m.LastModified || !got.Fetched.Equal(fetched) || got.PublicationID != res.ID || !slices.Equal(got.Links, m.Links) {
		t.Errorf("Page = %+v, want %+v", got, m)
	}
	if _, ok, _ := db.Page(ctx, "other", m.URL); ok {
		t.Error("a page of one source is known to another")
	}

	later := fetched.Add(24 * time.Hour)
	id, err := db.TouchPage(ctx, "lib", m.URL, later)
	if err != nil || id != res.ID {
		t.Fatalf("TouchPage = %d, %v; want %d", id, err, res.ID)
	}
	p, _ := db.Get(ctx, res.ID)
	if !p.LastSeen.Equal(later) || !p.LastChanged.Equal(fetched) {
		t.Errorf("after TouchPage: last_seen %v, last_changed %v; want %v and %v", p.LastSeen, p.LastChanged, later, fetched)
	}
	if id, err := db.TouchPage(ctx, "lib", "https://ex.org/unknown/", later); id != 0 || err != nil {
		t.Errorf("TouchPage(unknown) = %d, %v; want 0, nil", id, err)
	}
}

func TestRemovalAndReturn(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for _, u := range []string{"https://ex.org/a/", "https://ex.org/b/", "https://ex.org/c/"} {
		res, err := db.Save(ctx, pub("lib", u, u, u+"f.pdf"), t0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	// a is seen by the run, b and c are not: one miss each, nothing removed at 2.
	for run := 1; run <= 2; run++ {
		n, err := db.SweepMissed(ctx, "lib", []int64{ids[0]}, time.Time{}, 2, t0.Add(time.Duration(run)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{1: 0, 2: 2}[run]; n != want {
			t.Errorf("sweep %d removed %d, want %d", run, n, want)
		}
	}
	b, _ := db.Get(ctx, ids[1])
	if b.Status != "removed" || b.RemovedAt == nil || !b.LastChanged.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("b after two misses = %+v, want removed at t0+2h", b)
	}
	a, _ := db.Get(ctx, ids[0])
	if a.Status != "active" {
		t.Errorf("a, seen by every run, = %q", a.Status)
	}
	// b comes back: active again, and that is a change.
	back := t0.Add(3 * time.Hour)
	if _, err := db.Save(ctx, pub("lib", "https://ex.org/b/", "https://ex.org/b/", "https://ex.org/b/f.pdf"), back); err != nil {
		t.Fatal(err)
	}
	b, _ = db.Get(ctx, ids[1])
	if b.Status != "active" || b.RemovedAt != nil || !b.LastChanged.Equal(back) {
		t.Errorf("b back = %+v, want active, last_changed %v", b, back)
	}
	// A 404 of a record's own URL removes it; of an unknown URL, nothing.
	if ok, err := db.MarkGone(ctx, "lib", "https://ex.org/a", back); !ok || err != nil {
		t.Errorf("MarkGone(a) = %v, %v; want removed", ok, err)
	}
	if ok, _ := db.MarkGone(ctx, "lib", "https://ex.org/zzz/", back); ok {
		t.Error("MarkGone of an unknown URL removed something")
	}
	// A resumed run counts every record last seen since its crawl began.
	if _, err := db.Save(ctx, pub("lib", "https://ex.org/c/", "https://ex.org/c/", "https://ex.org/c/f.pdf"), back); err != nil {
		t.Fatal(err)
	}
	stale, err := db.Save(ctx, pub("lib", "https://ex.org/e/", "https://ex.org/e/", "https://ex.org/e/f.pdf"), t0)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.SweepMissed(ctx, "lib", nil, back, 1, back.Add(time.Hour))
	if err != nil || n != 1 {
		t.Errorf("resumed sweep removed %d, %v; want 1 (e, last seen before the crawl began)", n, err)
	}
	if e, _ := db.Get(ctx, stale.ID); e.Status != "removed" {
		t.Errorf("e = %q, want removed", e.Status)
	}
	c, _ := db.Get(ctx, ids[2])
	if c.Status != "active" {
		t.Errorf("c, seen since the resumed crawl began, = %q", c.Status)
	}
}

func TestFrontierPersistence(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	started := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, _, ok, err := db.LoadFrontier(ctx, "lib"); ok || err != nil {
		t.Fatalf("LoadFrontier before any = %v, %v", ok, err)
	}
	if err := db.BeginFrontier(ctx, "lib", 7, started); err != nil {
		t.Fatal(err)
	}
	e := func(k string) harvest.FrontierEntry { return harvest.FrontierEntry{Key: k, URL: "https://ex.org/" + k} }
	ops := []harvest.FrontierOp{
		{Op: harvest.FrontierPush, Entry: e("a")}, {Op: harvest.FrontierPush, Entry: e("b")}, {Op: harvest.FrontierPush, Entry: harvest.FrontierEntry{Key: "s", URL: "https://ex.org/s.xml", Sitemap: true, Optional: true}},
		{Op: harvest.FrontierLease, Entry: e("a")}, {Op: harvest.FrontierDone, Entry: e("a")}, {Op: harvest.FrontierLease, Entry: e("b")},
		{Op: harvest.FrontierPush, Entry: harvest.FrontierEntry{Key: "c", URL: "https://ex.org/c", Depth: 2, Lastmod: "2024-01-01"}},
		{Op: harvest.FrontierPush, Entry: e("a")}, // already there: left alone
	}
	if err := db.ApplyFrontier(ctx, "lib", "me:1", ops); err != nil {
		t.Fatal(err)
	}
	run, entries, ok, err := db.LoadFrontier(ctx, "lib")
	if err != nil || !ok {
		t.Fatalf("LoadFrontier = %v, %v", ok, err)
	}
	if run.RunID != 7 || !run.Started.Equal(started) {
		t.Errorf("frontier run = %+v", run)
	}
	var got []string
	for _, en := range entries {
		got = append(got, en.Key+":"+en.State)
	}
	if want := []string{"a:done", "b:queued", "s:queued", "c:queued"}; !slices.Equal(got, want) {
		t.Errorf("entries = %v, want %v (the lease of a dead process released)", got, want)
	}
	if !entries[2].Sitemap || !entries[2].Optional || entries[3].Depth != 2 || entries[3].Lastmod != "2024-01-01" {
		t.Errorf("entries lost fields: %+v", entries)
	}
	if err := db.ClearFrontier(ctx, "lib"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := db.LoadFrontier(ctx, "lib"); ok {
		t.Error("frontier still there after ClearFrontier")
	}
}

// TestApplyFrontierFoldsLikeInOrder: folding a batch's changes per URL
// writes exactly what writing them one by one writes, over batches in a
// run's order (queued, leased, done; across batch boundaries too, and
// with URLs queued again in later batches).
func TestApplyFrontierFoldsLikeInOrder(t *testing.T) {
	ctx := t.Context()
	folded, inOrder := openTest(t), openTest(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var batches [][]harvest.FrontierOp
	stage := map[string]int{} // 0 new, 1 queued, 2 leased, 3 done
	for b := 0; b < 30; b++ {
		var ops []harvest.FrontierOp
		touched := map[string]bool{} // keys already queued again in this batch
		for range 40 {
			k := fmt.Sprintf("u%d", rng.IntN(60))
			e := harvest.FrontierEntry{Key: k, URL: "https://ex.org/" + k, Depth: rng.IntN(3), Sitemap: rng.IntN(9) == 0}
			again := stage[k] > 0 && !touched[k] && rng.IntN(5) == 0
			touched[k] = true
			switch s := stage[k]; {
			case s == 0 || again:
				ops = append(ops, harvest.FrontierOp{Op: harvest.FrontierPush, Entry: e}) // a URL found again is queued again (and left alone)
				stage[k] = max(s, 1)
			case s == 1:
				ops = append(ops, harvest.FrontierOp{Op: harvest.FrontierLease, Entry: e})
				stage[k] = 2
			case s == 2:
				ops = append(ops, harvest.FrontierOp{Op: harvest.FrontierDone, Entry: e})
				stage[k] = 3
			}
		}
		batches = append(batches, ops)
	}
	for _, db := range []*DB{folded, inOrder} {
		if err := db.BeginFrontier(ctx, "lib", 1, t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, ops := range batches {
		if _, ok := foldFrontier(ops); !ok {
			t.Fatalf("a batch in a run's order was not folded: %v", ops)
		}
		if err := folded.ApplyFrontier(ctx, "lib", "me:1", ops); err != nil {
			t.Fatal(err)
		}
		if err := inOrder.applyFrontierInOrder(ctx, "lib", "me:1", ops); err != nil {
			t.Fatal(err)
		}
	}
	dump := func(db *DB) []string {
		rows, err := db.read.QueryContext(ctx, `SELECT url_key, url, depth, kind, state, COALESCE(lease_owner, ''),
			lease_expires IS NULL FROM frontier WHERE source = 'lib' ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var key, url, kind, state, owner string
			var depth int
			var noExpiry bool
			if err := rows.Scan(&key, &url, &depth, &kind, &state, &owner, &noExpiry); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(key, url, depth, kind, state, owner, noExpiry))
		}
		return out
	}
	if a, b := dump(folded), dump(inOrder); !slices.Equal(a, b) {
		t.Errorf("folded frontier differs from the one written in order:\n%v\n%v", a, b)
	}
}
