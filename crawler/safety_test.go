package crawler

import (
	"context"
	"errors"
	"fmt"
	"harvest"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// closedAddr is an address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestUnreachableSiteFails: a run that never reached the site is a failed
// run with a reason a person understands, never a complete run that
// merely skipped everything.
func TestUnreachableSiteFails(t *testing.T) {
	maintenance := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(maintenance.Close)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	forbidding := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
			return
		}
		fmt.Fprintf(w, publicationPage, "never")
	}))
	t.Cleanup(forbidding.Close)
	web := newFakeWeb(t)

	for _, tt := range []struct {
		name  string
		start []string
		want  string // in the error
	}{
		{"connection refused", []string{"http://" + closedAddr(t) + "/"}, "connection refused"},
		{"robots.txt 503 (maintenance)", []string{maintenance.URL + "/"}, "robots.txt answered 503"},
		{"start URL 500", []string{broken.URL + "/"}, "500"},
		{"start URL 404 (a typo)", []string{web.srv.URL + "/no-such-listing/"}, "404"},
		{"robots.txt disallows every start URL", []string{forbidding.URL + "/"}, "disallows"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := options(tt.start[0])
			opts.StartURLs = tt.start
			opts.Sitemaps = false
			opts.Retries = 1
			opts.RetryBase = 5 * time.Millisecond
			var c collect
			stats, err := Run(t.Context(), opts, &c)
			if !errors.Is(err, ErrUnreachable) {
				t.Fatalf("Run error = %v, want ErrUnreachable", err)
			}
			if !strings.Contains(err.Error(), "site unreachable") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if stats.Stopped != harvest.StopFailed || stats.StartsFailed != len(tt.start) {
				t.Errorf("Stopped = %q, StartsFailed = %d; want failed, %d", stats.Stopped, stats.StartsFailed, len(tt.start))
			}
			if len(c.gone) > 0 {
				t.Errorf("a start URL that failed was reported gone: %v", c.gone)
			}
		})
	}

	// One start URL reached, one not: the run completes, and says a start
	// URL failed (so that it sweeps nothing).
	opts := options(web.srv.URL)
	opts.StartURLs = []string{web.srv.URL + "/", web.srv.URL + "/no-such-listing/"}
	stats, err := Run(t.Context(), opts, &collect{})
	if err != nil || stats.Stopped != harvest.StopComplete || stats.StartsFailed != 1 || stats.Errors < 1 {
		t.Errorf("half-reachable run: %v, Stopped %q, StartsFailed %d, Errors %d; want complete, 1 start failed, counted as an error",
			err, stats.Stopped, stats.StartsFailed, stats.Errors)
	}
}

// journal is a crawler.Journal that keeps every operation.
type journal struct {
	mu  sync.Mutex
	ops []harvest.FrontierOp
}

func (j *journal) Write(_ context.Context, ops []harvest.FrontierOp) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ops = append(j.ops, ops...)
	return nil
}

// entries folds the journal into the frontier a resumed run gets.
func (j *journal) entries() []harvest.FrontierEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	byKey := map[string]*harvest.FrontierEntry{}
	var order []string
	for _, op := range j.ops {
		e, ok := byKey[op.Entry.Key]
		if !ok {
			cp := op.Entry
			e = &cp
			byKey[op.Entry.Key] = e
			order = append(order, op.Entry.Key)
		}
		if op.Op == harvest.FrontierDone {
			e.State = harvest.EntryDone
		}
	}
	out := make([]harvest.FrontierEntry, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out
}

// TestFailedFetchNotJournaledDone: a fetch that failed stays undone in the
// journal, so a resumed run tries it again; what succeeded is not fetched
// again.
func TestFailedFetchNotJournaledDone(t *testing.T) {
	web := newFakeWeb(t) // its /broken answers 500, linked from the home page
	opts := options(web.srv.URL)
	opts.Sitemaps = false
	opts.Retries = 0
	var j journal
	opts.Journal = &j
	if _, err := Run(t.Context(), opts, &collect{}); err != nil {
		t.Fatal(err)
	}
	var broken *harvest.FrontierEntry
	entries := j.entries()
	for i, e := range entries {
		if strings.HasSuffix(e.URL, "/broken") {
			broken = &entries[i]
		}
	}
	if broken == nil {
		t.Fatal("/broken was never queued; the fixture changed")
	}
	if broken.State == harvest.EntryDone {
		t.Fatal("the failed fetch of /broken was journaled done: a resumed run would not retry it")
	}
	before := web.fetched()
	opts.Journal, opts.Resume = nil, entries
	if _, err := Run(t.Context(), opts, &collect{}); err != nil {
		t.Fatal(err)
	}
	after := web.fetched()
	if after["/broken"] != before["/broken"]+1 {
		t.Errorf("/broken fetched %d times by the resumed run, want 1", after["/broken"]-before["/broken"])
	}
	if after["/pubs/alpha.html"] != before["/pubs/alpha.html"] {
		t.Error("a page done before was fetched again by the resumed run")
	}
}

// listingSite serves /list/ and /list/page/N/ for every N: pages 1..real
// list items of their own (a menu on every page), and every page after
// that answers 200 with the last real page's items again, or with none.
type listingSite struct {
	srv   *httptest.Server
	real  int
	empty bool // pages past the end list nothing

	mu    sync.Mutex
	pages map[int]int
	items int
}

var pageNum = regexp.MustCompile(`^/list/page/(\d+)/$`)

func newListingSite(t *testing.T, real int, empty bool) *listingSite {
	s := &listingSite{real: real, empty: empty, pages: map[int]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *listingSite) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	n := 0
	switch {
	case r.URL.Path == "/list/":
		n = 1
	case pageNum.MatchString(r.URL.Path):
		n, _ = strconv.Atoi(pageNum.FindStringSubmatch(r.URL.Path)[1])
	case strings.HasPrefix(r.URL.Path, "/item/"):
		s.mu.Lock()
		s.items++
		s.mu.Unlock()
		fmt.Fprintf(w, publicationPage, "item "+strings.Trim(strings.TrimPrefix(r.URL.Path, "/item/"), "/"))
		return
	default:
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.pages[n]++
	s.mu.Unlock()
	fmt.Fprint(w, `<html><body class="archive blog"><nav><a href="/list/">Home</a> <a href="/about/">About</a></nav><h1>Publications</h1><ul>`)
	shown := n
	if n > s.real {
		shown = s.real // the last page again...
		if s.empty {
			shown = 0 // ...or nothing
		}
	}
	if shown > 0 {
		for i := range 3 {
			fmt.Fprintf(w, `<li class="post"><a href="/item/%d-%d/">Item %d-%d</a></li>`, shown, i, shown, i)
		}
	}
	fmt.Fprintf(w, `</ul><a class="next page-numbers" href="/list/page/%d/">Next</a></body></html>`, n+1)
}

func (s *listingSite) listingPages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pages)
}

// TestPaginationEnds: a listing whose "next page" always answers is
// followed while it brings new links and no further than a few pages past
// that; a real long listing is followed to its end; MaxPagination bounds
// a sequence.
func TestPaginationEnds(t *testing.T) {
	for _, empty := range []bool{false, true} {
		site := newListingSite(t, 6, empty)
		opts := options(site.srv.URL)
		opts.StartURLs = []string{site.srv.URL + "/list/"}
		opts.Sitemaps = false
		opts.MaxPages = 500
		stats, err := Run(t.Context(), opts, &collect{})
		if err != nil {
			t.Fatal(err)
		}
		// 6 real pages, then barrenPages pages that bring nothing; a
		// worker or two may have the next page in flight.
		if got, most := site.listingPages(), 6+barrenPages+opts.Concurrency; got > most {
			t.Errorf("empty=%v: %d listing pages fetched, want at most %d (the pagination never ended)", empty, got, most)
		}
		if got := site.listingPages(); got < 6 {
			t.Errorf("empty=%v: only %d listing pages fetched, want the 6 real ones", empty, got)
		}
		if stats.PaginationStopped != 1 || stats.Publications != 18 {
			t.Errorf("empty=%v: PaginationStopped = %d, publications = %d; want 1, 18", empty, stats.PaginationStopped, stats.Publications)
		}
	}

	long := newListingSite(t, 500, true)
	opts := options(long.srv.URL)
	opts.StartURLs = []string{long.srv.URL + "/list/"}
	opts.Sitemaps = false
	opts.Concurrency = 8
	opts.MaxPages = 0
	opts.MaxDepth = 3
	stats, err := Run(t.Context(), opts, &collect{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Publications != 1500 {
		t.Errorf("a real 500-page listing: %d publications harvested, want 1500 (followed to its end)", stats.Publications)
	}

	bounded := newListingSite(t, 50, false)
	opts = options(bounded.srv.URL)
	opts.StartURLs = []string{bounded.srv.URL + "/list/"}
	opts.Sitemaps = false
	opts.MaxPagination = 20
	stats, err = Run(t.Context(), opts, &collect{})
	if err != nil {
		t.Fatal(err)
	}
	if got := bounded.listingPages(); got != 21 {
		t.Errorf("MaxPagination 20: %d listing pages fetched, want 21 (the first and 20 more)", got)
	}
	if stats.PaginationStopped != 1 {
		t.Errorf("PaginationStopped = %d, want 1", stats.PaginationStopped)
	}
}

// panicky is a sink that panics on one URL.
type panicky struct {
	collect
	on string
}

func (p *panicky) Publication(ctx context.Context, f Found) error {
	if strings.HasSuffix(f.URL, p.on) {
		panic("sink bug on " + f.URL)
	}
	return p.collect.Publication(ctx, f)
}

// TestPanicFailsOnePage: a panic while one page is handled (here in the
// sink) fails that page only; the crawl goes on and the page is not done.
func TestPanicFailsOnePage(t *testing.T) {
	web := newFakeWeb(t)
	opts := options(web.srv.URL)
	var j journal
	opts.Journal = &j
	sink := &panicky{on: "/pubs/alpha.html"}
	stats, err := Run(t.Context(), opts, sink)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if stats.Stopped != harvest.StopComplete || stats.Errors < 1 {
		t.Errorf("Stopped %q, Errors %d; want complete with the panicking page counted", stats.Stopped, stats.Errors)
	}
	got := sink.paths()
	if len(got) == 0 {
		t.Fatal("no publication saved: the panic stopped the crawl")
	}
	for _, p := range got {
		if p == "/pubs/alpha.html" {
			t.Error("the page whose handling panicked was saved")
		}
	}
	for _, e := range j.entries() {
		if strings.HasSuffix(e.URL, "/pubs/alpha.html") && e.State == harvest.EntryDone {
			t.Error("the page whose handling panicked was journaled done")
		}
	}
}

// hostLog records when each request to a server began and ended.
type hostLog struct {
	mu    sync.Mutex
	spans [][2]time.Time
}

// TestPolitenessEveryHost: a second host of the crawl (not a start URL's)
// gets its own delay slot and its own robots.txt Crawl-delay.
func TestPolitenessEveryHost(t *testing.T) {
	var second hostLog
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 1\n")
			return
		}
		began := time.Now()
		fmt.Fprintf(w, publicationPage, "b"+strings.Trim(r.URL.Path, "/"))
		second.mu.Lock()
		second.spans = append(second.spans, [2]time.Time{began, time.Now()})
		second.mu.Unlock()
	}))
	t.Cleanup(b.Close)
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<html><body class="home blog"><h1>Links</h1>`)
		for i := range 4 {
			fmt.Fprintf(w, `<a href="%s/p%d/">p%d</a> `, b.URL, i, i)
		}
		fmt.Fprint(w, `</body></html>`)
	}))
	t.Cleanup(a.Close)
	opts := options(a.URL)
	opts.Sitemaps = false
	opts.Concurrency = 4
	opts.Delay = 0
	var c collect
	if _, err := Run(t.Context(), opts, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.found) != 4 {
		t.Fatalf("%d publications from the second host, want 4", len(c.found))
	}
	second.mu.Lock()
	defer second.mu.Unlock()
	for i := 1; i < len(second.spans); i++ {
		gap := second.spans[i][0].Sub(second.spans[i-1][1])
		// A lower bound only: a slow machine makes gaps longer, never shorter.
		if gap < 900*time.Millisecond {
			t.Errorf("requests %d and %d to the second host %v apart; its robots.txt asks for 1s", i-1, i, gap)
		}
	}
}

// loopbackServer listens on the given loopback address (127.0.0.2 is a
// name of this machine that no allowed-host rule knows).
func loopbackServer(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// siteAt serves a home page linking three publications, all links
// absolute to base().
func siteAt(base func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<html><body class="home blog"><h1>Library</h1>`)
			for i := range 3 {
				fmt.Fprintf(w, `<a href="%s/pub%d/">Publication %d</a> `, base(), i, i)
			}
			fmt.Fprint(w, `</body></html>`)
		case strings.HasPrefix(r.URL.Path, "/pub"):
			fmt.Fprintf(w, publicationPage, strings.Trim(r.URL.Path, "/"))
		default:
			http.NotFound(w, r)
		}
	})
}

// TestHostAliases: a start URL that redirects to another host crawls that
// host; localhost and 127.0.0.1 are one host; when most links of a page
// lead to a host outside the run, the run says so.
func TestHostAliases(t *testing.T) {
	t.Run("start URL redirects to another host", func(t *testing.T) {
		var moved *httptest.Server
		moved = loopbackServer(t, "127.0.0.2:0", siteAt(func() string { return moved.URL }))
		old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			http.Redirect(w, r, moved.URL+r.URL.Path, http.StatusMovedPermanently)
		}))
		t.Cleanup(old.Close)
		opts := options(old.URL)
		opts.Sitemaps = false
		opts.AllowPrivateNetworks = true // 127.0.0.2 is not the start URL's address
		var c collect
		stats, err := Run(t.Context(), opts, &c)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Publications != 3 {
			t.Errorf("%d publications, want 3 from the host the start URL moved to", stats.Publications)
		}
	})

	t.Run("localhost and 127.0.0.1", func(t *testing.T) {
		var srv *httptest.Server
		srv = httptest.NewServer(siteAt(func() string { return srv.URL })) // links say 127.0.0.1
		start := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/"
		opts := options(start)
		opts.Sitemaps = false
		stats, err := Run(t.Context(), opts, &collect{})
		if err != nil {
			t.Fatal(err)
		}
		if stats.Publications != 3 {
			t.Errorf("start %s, links on 127.0.0.1: %d publications, want 3", start, stats.Publications)
		}
	})

	t.Run("links to a host outside the run", func(t *testing.T) {
		var other *httptest.Server
		other = loopbackServer(t, "127.0.0.2:0", siteAt(func() string { return other.URL }))
		home := httptest.NewServer(siteAt(func() string { return other.URL }))
		t.Cleanup(home.Close)
		opts := options(home.URL)
		opts.Sitemaps = false
		stats, err := Run(t.Context(), opts, &collect{})
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimPrefix(other.URL, "http://")
		if len(stats.Offsite) != 1 || stats.Offsite[0].Host != want || stats.Offsite[0].Pages != 1 {
			t.Errorf("Offsite = %+v, want [{%s 1}]", stats.Offsite, want)
		}
		opts.AllowedDomains = []string{"127.0.0.2"}
		opts.AllowPrivateNetworks = true
		if stats, err = Run(t.Context(), opts, &collect{}); err != nil || stats.Publications != 3 {
			t.Errorf("with the host allowed: %d publications, %v; want 3", stats.Publications, err)
		}
	})
}
