package crawler

import (
	"fmt"
	"sync"
	"testing"
)

// TestFrontierClaimsOnce pushes the same URLs from many goroutines: each
// is handed out exactly once.
func TestFrontierClaimsOnce(t *testing.T) {
	f := newFrontier(0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				f.push(fmt.Sprint(i), task{url: fmt.Sprint(i), depth: g})
			}
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for {
		tk, ok := f.next(t.Context())
		if !ok {
			break
		}
		seen[tk.url]++
		f.done(tk)
	}
	if len(seen) != 100 {
		t.Errorf("handed out %d distinct URLs, want 100", len(seen))
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("%s handed out %d times", u, n)
		}
	}
}

func TestFrontierBoundedByPageCap(t *testing.T) {
	f := newFrontier(3)
	for i := range 50 {
		f.push(fmt.Sprint(i), task{url: fmt.Sprint(i)})
	}
	if queued, capped := f.state(); queued != 3 || !capped {
		t.Errorf("state = %d queued, capped %v; want 3, true", queued, capped)
	}
	f.push("sm", task{url: "sm", kind: taskSitemap})
	n := 0
	for {
		tk, ok := f.next(t.Context())
		if !ok {
			break
		}
		n++
		f.done(tk)
	}
	if n != 4 {
		t.Errorf("handed out %d tasks, want 3 pages and 1 sitemap", n)
	}
}

func TestFrontierSitemapsFirst(t *testing.T) {
	f := newFrontier(0)
	f.push("p", task{url: "p"})
	f.push("s", task{url: "s", kind: taskSitemap})
	if tk, _ := f.next(t.Context()); tk.url != "s" {
		t.Errorf("first task = %q, want the sitemap", tk.url)
	}
}

func TestFrontierKeepsLateLastmod(t *testing.T) {
	f := newFrontier(0)
	f.push("p", task{url: "p"})
	f.push("p", task{url: "p", lastmod: "2024-01-01"}) // a sitemap lists it after a link did
	if tk, _ := f.next(t.Context()); tk.lastmod != "2024-01-01" {
		t.Errorf("lastmod = %q, want the sitemap's", tk.lastmod)
	}
}
