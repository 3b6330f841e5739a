package postgres

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"harvest"
	"harvest/store/postgres/pgtest"
	"harvest/urlnorm"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// openTwo opens one catalogue twice: two pools, as two processes would.
func openTwo(t *testing.T) (*DB, *DB) {
	t.Helper()
	dsn := pgtest.DSN(t)
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

func pub(source, url, title string, files ...string) harvest.Publication {
	p := harvest.Publication{Source: source, URL: url, CanonicalURL: url, Title: title}
	for _, f := range files {
		p.Downloads = append(p.Downloads, harvest.Download{URL: f, Label: "Download", MediaType: "application/pdf"})
	}
	return p
}

// TestConcurrentDedup saves the same publication, by each identity rule,
// from many goroutines over two pools at once: each case makes one
// record, with every other URL among its duplicates, and exactly one save
// reports it new.
func TestConcurrentDedup(t *testing.T) {
	withCanonical := func(p harvest.Publication, c string) harvest.Publication { p.CanonicalURL = c; return p }
	const pdf, pdf2 = "https://ex.org/files/guide.pdf", "https://ex.org/files/annex.pdf"
	tests := []struct {
		name  string
		saves []harvest.Publication
		// dups are the duplicate URLs the record must end with, besides
		// its own URL and canonical URL (whichever save made it).
		urls []string
	}{
		{"the same URL", []harvest.Publication{
			pub("lib", "https://ex.org/a/", "Guide", pdf),
			pub("lib", "https://ex.org/a?utm_source=x", "Guide", pdf),
		}, []string{"https://ex.org/a/"}},
		{"two URLs, same title and a shared download", []harvest.Publication{
			pub("lib", "https://ex.org/a/", "Guide", pdf),
			pub("lib", "https://ex.org/a-2/", "  GUIDE ", pdf),
			pub("lib", "https://ex.org/a-3/", "guide", pdf, pdf2),
		}, []string{"https://ex.org/a/", "https://ex.org/a-2/", "https://ex.org/a-3/"}},
		{"two URLs, the identical download set", []harvest.Publication{
			pub("lib", "https://ex.org/a/", "Annual report", pdf, pdf2),
			pub("lib", "https://ex.org/b/", "Report", pdf2, pdf),
		}, []string{"https://ex.org/a/", "https://ex.org/b/"}},
		{"two URLs with the same canonical URL", []harvest.Publication{
			withCanonical(pub("lib", "https://ex.org/?p=1", "Guide"), "https://ex.org/guide/"),
			withCanonical(pub("lib", "https://ex.org/guide/print/", "Guide, printable"), "https://ex.org/guide/"),
			pub("lib", "https://ex.org/guide/", "Guide"),
		}, []string{"https://ex.org/?p=1", "https://ex.org/guide/print/", "https://ex.org/guide/"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := openTwo(t)
			ctx := t.Context()
			const rounds = 6
			type result struct {
				res harvest.SaveResult
				err error
			}
			var mu sync.Mutex
			var results []result
			var wg sync.WaitGroup
			start := make(chan struct{})
			for r := range rounds {
				for i, p := range tc.saves {
					db := a
					if (r+i)%2 == 1 {
						db = b
					}
					wg.Go(func() {
						<-start
						res, err := db.Save(ctx, p, t0.Add(time.Duration(r)*time.Second))
						mu.Lock()
						results = append(results, result{res, err})
						mu.Unlock()
					})
				}
			}
			close(start)
			wg.Wait()
			news := 0
			var id int64
			for _, r := range results {
				if r.err != nil {
					t.Fatalf("save: %v", r.err)
				}
				if id == 0 {
					id = r.res.ID
				}
				if r.res.ID != id {
					t.Errorf("saved to records %d and %d, want one", id, r.res.ID)
				}
				if r.res.Outcome == harvest.OutcomeNew {
					news++
				}
			}
			if news != 1 {
				t.Errorf("%d saves made a new record, want 1", news)
			}
			if n, err := b.Count(ctx, harvest.Filter{}); err != nil || n != 1 {
				t.Errorf("Count = %d, %v; want 1", n, err)
			}
			p, err := a.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			// Compared by URL key: which spelling of a URL the record
			// keeps depends on which save came first.
			keys := func(urls []string) []string {
				var out []string
				for _, u := range urls {
					k, err := urlnorm.Key(u)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, k)
				}
				slices.Sort(out)
				return slices.Compact(out)
			}
			all := keys(append([]string{p.URL, p.CanonicalURL}, p.DuplicateURLs...))
			if want := keys(tc.urls); !slices.Equal(all, want) || len(p.DuplicateURLs) != len(tc.urls)-len(keys([]string{p.URL, p.CanonicalURL})) {
				t.Errorf("record URLs %v (url %s, canonical %s, duplicates %v), want %v", all, p.URL, p.CanonicalURL, p.DuplicateURLs, keys(tc.urls))
			}
			f, err := b.Facets(ctx, "")
			if err != nil || len(f.Sources) != 1 || f.Sources[0].Count != 1 {
				t.Errorf("facets = %+v, %v", f.Sources, err)
			}
		})
	}
}

// TestConcurrentSavesManyRecords: two pools saving overlapping sets of
// distinct publications (every one saved twice, by each pool) make one
// record each, with facet counts and totals that agree.
func TestConcurrentSavesManyRecords(t *testing.T) {
	a, b := openTwo(t)
	ctx := t.Context()
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for _, db := range []*DB{a, b} {
		for w := range 4 {
			wg.Go(func() {
				for i := w; i < n; i += 4 {
					p := pub("lib", fmt.Sprintf("https://ex.org/r/%d/", i), fmt.Sprintf("Report %d", i), fmt.Sprintf("https://ex.org/f/%d.pdf", i))
					p.Tags = []string{"t" + fmt.Sprint(i%3), "all"}
					if _, err := db.Save(ctx, p, t0); err != nil {
						errs <- err
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if c, err := a.Count(ctx, harvest.Filter{}); err != nil || c != n {
		t.Errorf("Count = %d, %v; want %d", c, err, n)
	}
	f, err := b.Facets(ctx, "active")
	if err != nil {
		t.Fatal(err)
	}
	want := []harvest.TermCount{{Value: "all", Count: n}, {Value: "t0", Count: n / 3}, {Value: "t1", Count: n / 3}, {Value: "t2", Count: n / 3}}
	if !slices.Equal(f.Tags, want) || len(f.Sources) != 1 || f.Sources[0].Count != n {
		t.Errorf("facets = %+v, want tags %v and %d records", f, want, n)
	}
	if c, err := b.Count(ctx, harvest.Filter{Tag: "T1"}); err != nil || c != n/3 {
		t.Errorf("Count(tag t1) = %d, %v", c, err)
	}
}

// TestLockSourceAcrossPools: a source's lock held through one pool (a
// process) keeps another from it, and closing the holder releases it.
func TestLockSourceAcrossPools(t *testing.T) {
	a, b := openTwo(t)
	ctx := t.Context()
	if _, err := a.LockSource(ctx, "lib", false); err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockSource(ctx, "lib", false); err == nil {
		t.Fatal("a lock held by another pool was taken")
	}
	a.Close() // the holder goes away without unlocking
	unlock, err := b.LockSource(ctx, "lib", true)
	if err != nil {
		t.Fatalf("after the holder closed: %v", err)
	}
	if err := unlock(); err != nil {
		t.Error(err)
	}
	if err := unlock(); err != nil {
		t.Errorf("a second unlock: %v", err)
	}
}
