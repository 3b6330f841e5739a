package postgres

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"harvest"
	"harvest/store/postgres/pgtest"
)

func openPair(t *testing.T) (*DB, *DB) {
	t.Helper()
	dsn := pgtest.DSN(t)
	a, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

func page(key string) harvest.FrontierEntry {
	return harvest.FrontierEntry{Key: key, URL: "https://ex.org/" + key}
}

// TestSharedFrontierLeases: sitemaps go first, the page budget holds
// across workers, a known URL is not queued twice (but takes a lastmod),
// and a released URL is queued again.
func TestSharedFrontierLeases(t *testing.T) {
	a, b := openPair(t)
	ctx := t.Context()
	run, started, err := a.OpenRun(ctx, "s", []byte(`{}`), 3)
	if err != nil || !started {
		t.Fatalf("OpenRun = %v, %v", started, err)
	}
	again, started, err := b.OpenRun(ctx, "s", []byte(`{}`), 3)
	if err != nil || started || again.ID != run.ID {
		t.Fatalf("a second OpenRun of the source = run %d, started %v, %v; want run %d", again.ID, started, err, run.ID)
	}
	f1, err := a.Join(ctx, run.ID, "w1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := b.Join(ctx, run.ID, "w2", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	entries := []harvest.FrontierEntry{page("p1"), page("p2"), page("p3"), page("p4"), page("p5"),
		{Key: "sm", URL: "https://ex.org/sitemap.xml", Sitemap: true}, page("p1")}
	added, err := f1.Add(ctx, entries)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true, true, true, true, true, false}; fmt.Sprint(added) != fmt.Sprint(want) {
		t.Errorf("Add = %v, want %v", added, want)
	}
	lm := page("p5")
	lm.Lastmod = "2024-01-02"
	if added, err := f2.Add(ctx, []harvest.FrontierEntry{lm}); err != nil || added[0] {
		t.Errorf("adding a known URL = %v, %v; want not new", added, err)
	}
	got, err := f1.Lease(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	if want := "[sm p1 p2 p3]"; fmt.Sprint(keys) != want {
		t.Errorf("Lease = %v, want %s (the sitemap first, then three pages: the budget)", keys, want)
	}
	if more, err := f2.Lease(ctx, 10); err != nil || len(more) != 0 {
		t.Errorf("the other worker leased %v, %v past the budget", more, err)
	}
	queued, leased, capped, err := f2.State(ctx)
	if err != nil || queued != 2 || leased != 4 || !capped {
		t.Errorf("State = %d queued, %d leased, capped %v, %v; want 2, 4, true", queued, leased, capped, err)
	}
	if err := f1.Release(ctx, "p3"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sm", "p1", "p2"} {
		if err := f1.Done(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	queued, leased, _, err = f1.State(ctx)
	if err != nil || queued != 3 || leased != 0 {
		t.Errorf("after release and done: %d queued, %d leased, %v; want 3, 0", queued, leased, err)
	}
}

// TestSharedFrontierExclusive: workers on two connection pools leasing one
// URL at a time each get every URL exactly once.
func TestSharedFrontierExclusive(t *testing.T) {
	a, b := openPair(t)
	ctx := t.Context()
	run, _, err := a.OpenRun(ctx, "s", []byte(`{}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	var entries []harvest.FrontierEntry
	for i := range 300 {
		entries = append(entries, page(fmt.Sprintf("p%03d", i)))
	}
	f, err := a.Join(ctx, run.ID, "seed", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Add(ctx, entries); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	count := map[string]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		db := a
		if w%2 == 1 {
			db = b
		}
		wg.Go(func() {
			f, err := db.Join(ctx, run.ID, fmt.Sprintf("w%d", w), time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			for {
				got, err := f.Lease(ctx, 1)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				count[got[0].Key]++
				mu.Unlock()
				if err := f.Done(ctx, got[0].Key); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(count) != 300 {
		t.Errorf("%d of 300 URLs leased", len(count))
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("%s leased %d times", k, n)
		}
	}
}

// TestSharedFrontierExpiry: a dead worker's leases lapse and another
// worker takes its URLs; a live worker's heartbeat keeps them.
func TestSharedFrontierExpiry(t *testing.T) {
	a, b := openPair(t)
	ctx := t.Context()
	run, _, err := a.OpenRun(ctx, "s", []byte(`{}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	dead, err := a.Join(ctx, run.ID, "dead", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	alive, err := b.Join(ctx, run.ID, "alive", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dead.Add(ctx, []harvest.FrontierEntry{page("a"), page("b")}); err != nil {
		t.Fatal(err)
	}
	if got, err := dead.Lease(ctx, 1); err != nil || len(got) != 1 || got[0].Key != "a" {
		t.Fatalf("dead leased %v, %v", got, err)
	}
	if got, err := alive.Lease(ctx, 1); err != nil || len(got) != 1 || got[0].Key != "b" {
		t.Fatalf("alive leased %v, %v", got, err)
	}
	for range 3 {
		time.Sleep(500 * time.Millisecond)
		if err := alive.Extend(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got, err := alive.Lease(ctx, 5)
	if err != nil || len(got) != 1 || got[0].Key != "a" {
		t.Errorf("after the dead worker's lease lapsed, alive leased %v, %v; want a (and not its own b again)", got, err)
	}
	if n, err := a.LiveWorkers(ctx, run.ID, "alive"); err != nil || n != 0 {
		t.Errorf("LiveWorkers besides alive = %d, %v; want 0 (dead's heartbeat stopped)", n, err)
	}
}

// TestHostGate: a host with a delay takes one request at a time across
// processes, each starting at least the delay after the previous one
// ended; a pause holds every process back.
func TestHostGate(t *testing.T) {
	a, b := openPair(t)
	ctx := t.Context()
	const delay = 50 * time.Millisecond
	type span struct{ start, end time.Time }
	var mu sync.Mutex
	var spans []span
	var wg sync.WaitGroup
	for w := range 4 {
		db := a
		if w%2 == 1 {
			db = b
		}
		gate := db.Hosts(fmt.Sprintf("w%d", w))
		wg.Go(func() {
			for range 5 {
				release, err := gate.Acquire(ctx, "ex.org:80", delay)
				if err != nil {
					t.Error(err)
					return
				}
				s := span{start: time.Now()}
				time.Sleep(5 * time.Millisecond)
				s.end = time.Now()
				mu.Lock()
				spans = append(spans, s)
				mu.Unlock()
				release()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(spans, func(x, y span) int { return x.start.Compare(y.start) })
	for i := 1; i < len(spans); i++ {
		if gap := spans[i].start.Sub(spans[i-1].end); gap < delay-2*time.Millisecond {
			t.Errorf("request %d started %v after the previous ended (delay %v)", i, gap, delay)
		}
	}
	until := time.Now().Add(300 * time.Millisecond)
	if err := a.Hosts("x").Pause(ctx, "paused.org:80", until); err != nil {
		t.Fatal(err)
	}
	release, err := b.Hosts("y").Acquire(ctx, "paused.org:80", 0)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if time.Now().Before(until.Add(-10 * time.Millisecond)) {
		t.Error("a paused host took a request before its pause ended")
	}
}
