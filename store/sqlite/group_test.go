package sqlite

import (
	"context"
	"fmt"
	"harvest"
	"strings"
	"sync"
	"testing"
)

// TestSavePageGroups: saves from many goroutines at once (committed
// several to a transaction) are each saved exactly once with the right
// outcome; a publication found under two URLs by two workers at once is
// one record; a save that fails is rolled back alone, the others of its
// transaction stay.
func TestSavePageGroups(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	// A save that fails inside the transaction: the write connection is
	// the only one, so a temporary trigger on it fails every insert of a
	// record titled "boom".
	if _, err := db.write.ExecContext(ctx, `CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON publications
		WHEN new.title = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`); err != nil {
		t.Fatal(err)
	}
	const n = 96
	type result struct {
		res harvest.SaveResult
		err error
	}
	results := make([]result, n+3)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p := pub("lib", fmt.Sprintf("https://ex.org/r/%d/", i), fmt.Sprintf("Report %d", i), fmt.Sprintf("https://ex.org/f/%d.pdf", i))
			res, err := db.SavePage(ctx, p, t0, &harvest.PageMemory{URL: p.URL, Fetched: t0, Links: []string{"https://ex.org/"}})
			results[i] = result{res, err}
		})
	}
	// The same publication under two URLs (same title, same file), saved at once.
	for j, u := range []string{"https://ex.org/r/twin-a/", "https://ex.org/r/twin-b/"} {
		wg.Go(func() {
			res, err := db.SavePage(ctx, pub("lib", u, "The twin", "https://ex.org/f/twin.pdf"), t0, nil)
			results[n+j] = result{res, err}
		})
	}
	wg.Go(func() {
		res, err := db.SavePage(ctx, pub("lib", "https://ex.org/r/boom/", "boom"), t0, nil)
		results[n+2] = result{res, err}
	})
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
	if r := results[n+2]; r.err == nil || !strings.Contains(r.err.Error(), "boom refused") {
		t.Errorf("the failing save = %+v, %v; want its error", r.res, r.err)
	}
	total, err := db.Count(ctx, harvest.Filter{})
	if err != nil || total != n+1 {
		t.Errorf("Count = %d, %v; want %d (every save once, the twins one record, boom none)", total, err, n+1)
	}
	for i := range n {
		m, ok, err := db.Page(ctx, "lib", fmt.Sprintf("https://ex.org/r/%d/", i))
		if err != nil || !ok || m.PublicationID != results[i].res.ID || len(m.Links) != 1 {
			t.Errorf("page %d memory = %+v, %v, %v", i, m, ok, err)
		}
	}
}

// TestSavePageCancelledAndClosed: a save whose context is done before it
// is handed over is not written; a save after Close says the catalogue
// is closed instead of hanging.
func TestSavePageCancelledAndClosed(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := db.SavePage(ctx, pub("lib", "https://ex.org/r/x/", "X"), t0, nil); err == nil {
		t.Error("a save with a cancelled context succeeded")
	}
	if n, _ := db.Count(t.Context(), harvest.Filter{}); n != 0 {
		t.Errorf("Count = %d after a cancelled save, want 0", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SavePage(t.Context(), pub("lib", "https://ex.org/r/y/", "Y"), t0, nil); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("save after Close: %v, want an error saying the catalogue is closed", err)
	}
}
