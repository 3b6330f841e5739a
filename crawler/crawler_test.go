package crawler

import (
	"context"
	"errors"
	"fmt"
	"harvest"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"harvest/extract"
)

// fakeWeb serves testdata/site as a small publication site, with a few
// routes that misbehave, and records every request it answers.
type fakeWeb struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests map[string]int
	agents   map[string]bool
}

func newFakeWeb(t *testing.T) *fakeWeb {
	t.Helper()
	w := &fakeWeb{requests: map[string]int{}, agents: map[string]bool{}}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *fakeWeb) serve(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	w.requests[r.URL.RequestURI()]++
	w.agents[r.UserAgent()] = true
	w.mu.Unlock()
	switch r.URL.Path {
	case "/moved":
		http.Redirect(rw, r, "/pubs/alpha.html", http.StatusMovedPermanently)
		return
	case "/offsite":
		http.Redirect(rw, r, "http://elsewhere.invalid/", http.StatusFound)
		return
	case "/broken":
		http.Error(rw, "boom", http.StatusInternalServerError)
		return
	case "/big":
		rw.Header().Set("Content-Type", "text/html")
		rw.Write([]byte("<html><body class=\"single\"><h1>Big</h1><p>"))
		rw.Write([]byte(strings.Repeat("word ", 60000)))
		return
	case "/files/report.pdf", "/files/alpha.pdf":
		rw.Header().Set("Content-Type", "application/pdf")
		rw.Write([]byte("%PDF-1.4\n%%EOF\n"))
		return
	}
	name := filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))
	if name == "" || strings.HasSuffix(name, "/") || name == "list" {
		name = filepath.Join(name, "index.html")
	}
	body, err := os.ReadFile(filepath.Join("testdata", "site", name))
	if err != nil {
		http.NotFound(rw, r)
		return
	}
	body = []byte(strings.ReplaceAll(string(body), "{{BASE}}", w.srv.URL))
	switch filepath.Ext(name) {
	case ".xml":
		rw.Header().Set("Content-Type", "application/xml")
	case ".txt":
		rw.Header().Set("Content-Type", "text/plain")
	default:
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	rw.Write(body)
}

func (w *fakeWeb) fetched() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.requests)
}

func options(base string) Options {
	return Options{
		Source:      "fixture",
		StartURLs:   []string{base + "/"},
		Sitemaps:    true,
		Concurrency: 4,
		MaxBodySize: 64 << 10,
		UserAgent:   "harvest-test/1.0 (+https://example.org/bot)",
	}
}

// collect is a sink that keeps what it is given.
type collect struct {
	mu        sync.Mutex
	found     []Found
	unchanged []string
	gone      []string
	err       error // returned by Publication when set
}

func (c *collect) Publication(_ context.Context, f Found) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.found = append(c.found, f)
	return nil
}

func (c *collect) Unchanged(_ context.Context, url string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unchanged = append(c.unchanged, url)
	return nil
}

func (c *collect) Gone(_ context.Context, url string, _ int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gone = append(c.gone, url)
	return nil
}

func (c *collect) paths() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.found {
		out = append(out, strings.TrimPrefix(f.Publication.URL, "http://"+strings.SplitN(strings.TrimPrefix(f.Publication.URL, "http://"), "/", 2)[0]))
	}
	sort.Strings(out)
	return out
}

func TestCrawlFixtureSite(t *testing.T) {
	web := newFakeWeb(t)
	var c collect
	stats, err := Run(t.Context(), options(web.srv.URL), &c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	// Publications: every detail page once, the sitemap-only one
	// included, never the robots-disallowed one.
	if got, want := c.paths(), []string{"/pubs/alpha.html", "/pubs/beta.html", "/pubs/delta.html", "/pubs/epsilon.html", "/pubs/gamma.html"}; !slices.Equal(got, want) {
		t.Errorf("publications = %v, want %v", got, want)
	}
	for _, f := range c.found {
		if f.Publication.Source != "fixture" {
			t.Errorf("%s: Source = %q, want fixture", f.Publication.URL, f.Publication.Source)
		}
	}

	got := web.fetched()
	// Exactly these requests, each once.
	want := map[string]int{
		"/robots.txt": 1, "/sitemap.xml": 1, "/sitemap_index.xml": 1, "/wp-sitemap.xml": 1,
		"/": 1, "/list/": 1, "/list/page2.html": 1, "/events/": 1,
		"/pubs/alpha.html": 1, "/pubs/beta.html": 1, "/pubs/gamma.html": 1,
		"/pubs/delta.html": 1, "/pubs/epsilon.html": 1,
		"/moved": 1, "/offsite": 1, "/broken": 1, "/big": 1,
		"/tag/global/": 1, // linked, answers 404
	}
	for path, n := range got {
		if want[path] != n {
			t.Errorf("%s fetched %d times, want %d", path, n, want[path])
		}
	}
	for path := range want {
		if got[path] == 0 {
			t.Errorf("%s never fetched", path)
		}
	}
	// Never: robots-disallowed pages, documents, the calendar trap, the
	// tracking-parameter variant of a page already queued.
	for _, never := range []string{"/private/secret.html", "/files/report.pdf", "/files/alpha.pdf", "/events/action~month/exact_date~1700000000/", "/pubs/beta.html?utm_source=home"} {
		if got[never] > 0 {
			t.Errorf("%s was fetched", never)
		}
	}
	if len(web.agents) != 1 || !web.agents["harvest-test/1.0 (+https://example.org/bot)"] {
		t.Errorf("User-Agents seen = %v, want only the configured one", web.agents)
	}

	if stats.Stopped != harvest.StopComplete {
		t.Errorf("Stopped = %q, want %q", stats.Stopped, harvest.StopComplete)
	}
	if stats.Publications != 5 {
		t.Errorf("Publications = %d, want 5", stats.Publications)
	}
	// /broken (500) and /big (over the size cap) fail; /offsite's
	// redirect leaves the source; /tag/global/ is gone (404).
	if stats.Errors != 3 {
		t.Errorf("Errors = %d, want 3 (broken, big, offsite)", stats.Errors)
	}
	if stats.Gone != 1 || len(c.gone) != 1 {
		t.Errorf("Gone = %d, sink told %v; want the 404 tag page", stats.Gone, c.gone)
	}
	if stats.Listings < 2 {
		t.Errorf("Listings = %d, want at least 2", stats.Listings)
	}
	if stats.Sitemaps != 1 {
		t.Errorf("Sitemaps = %d, want 1", stats.Sitemaps)
	}
}

func TestCrawlMaxPages(t *testing.T) {
	web := newFakeWeb(t)
	opts := options(web.srv.URL)
	opts.MaxPages = 2
	opts.Sitemaps = false
	opts.Concurrency = 1
	var c collect
	stats, err := Run(t.Context(), opts, &c)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Stopped != harvest.StopMaxPages {
		t.Errorf("Stopped = %q, want %q", stats.Stopped, harvest.StopMaxPages)
	}
	pages := 0
	for path, n := range web.fetched() {
		if path != "/robots.txt" {
			pages += n
		}
	}
	if pages != 2 {
		t.Errorf("fetched %d pages, want 2", pages)
	}
}

func TestCrawlMaxDepthAndPatterns(t *testing.T) {
	web := newFakeWeb(t)
	opts := options(web.srv.URL)
	opts.Sitemaps = false
	opts.MaxDepth = 1
	opts.Exclude = []*regexp.Regexp{regexp.MustCompile(`/pubs/beta`)}
	var c collect
	if _, err := Run(t.Context(), opts, &c); err != nil {
		t.Fatal(err)
	}
	got := web.fetched()
	if got["/pubs/alpha.html"] != 1 {
		t.Error("depth-1 page /pubs/alpha.html not fetched")
	}
	if got["/pubs/beta.html"] != 0 {
		t.Error("excluded page /pubs/beta.html fetched")
	}
	if got["/pubs/gamma.html"] != 0 || got["/list/page2.html"] != 0 {
		t.Error("pages two hops away fetched with MaxDepth 1")
	}
}

func TestCrawlSinkErrorStopsRun(t *testing.T) {
	web := newFakeWeb(t)
	boom := errors.New("disk full")
	_, err := Run(t.Context(), options(web.srv.URL), &collect{err: boom})
	if !errors.Is(err, boom) {
		t.Errorf("Run error = %v, want it to wrap %v", err, boom)
	}
}

func TestCrawlCancelled(t *testing.T) {
	web := newFakeWeb(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	stats, err := Run(ctx, options(web.srv.URL), &collect{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error = %v, want context.Canceled", err)
	}
	if stats.Stopped != harvest.StopCancelled {
		t.Errorf("Stopped = %q, want %q", stats.Stopped, harvest.StopCancelled)
	}
}

func TestCrawlItemURLRule(t *testing.T) {
	web := newFakeWeb(t)
	opts := options(web.srv.URL)
	opts.Rules = extract.Rules{ItemURL: regexp.MustCompile(`/pubs/(alpha|beta)\.html$`)}
	var c collect
	if _, err := Run(t.Context(), opts, &c); err != nil {
		t.Fatal(err)
	}
	if got, want := c.paths(), []string{"/pubs/alpha.html", "/pubs/beta.html"}; !slices.Equal(got, want) {
		t.Errorf("publications = %v, want %v", got, want)
	}
}

// TestNetworkGuard: a crawl started on one loopback address may not reach
// another private address, even when the source allows that host and even
// through a redirect; with AllowPrivateNetworks it may.
func TestNetworkGuard(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	var innerHits atomic.Int32
	inner := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		innerHits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body class="single"><h1>Internal</h1><p>Internal metadata that must never be harvested by a crawl of another host.</p></body></html>`)
	})}}
	inner.Start()
	t.Cleanup(inner.Close)
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<html><body class="home"><a href="%s/direct">x</a> <a href="/hop">y</a></body></html>`, inner.URL)
		case "/hop":
			http.Redirect(w, r, inner.URL+"/redirected", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(outer.Close)

	for _, allow := range []bool{false, true} {
		opts := options(outer.URL)
		opts.Sitemaps = false
		opts.AllowedDomains = []string{"127.0.0.1", "127.0.0.2"}
		opts.AllowPrivateNetworks = allow
		var c collect
		stats, err := Run(t.Context(), opts, &c)
		if err != nil {
			t.Fatal(err)
		}
		if allow {
			if len(c.found) != 2 {
				t.Errorf("with private networks allowed: %d publications, want 2", len(c.found))
			}
			continue
		}
		if n := innerHits.Load(); n != 0 || len(c.found) != 0 {
			t.Errorf("guarded: 127.0.0.2 answered %d requests, %d publications; want none", n, len(c.found))
		}
		if stats.Errors+stats.Skipped < 2 {
			t.Errorf("guarded: errors %d, skipped %d; want the link and the redirect refused", stats.Errors, stats.Skipped)
		}
		innerHits.Store(0)
	}
}

// TestQueryPermutationTrap: a listing that links endless sort and filter
// permutations of itself is cut after a bounded number of variants.
func TestQueryPermutationTrap(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/list" && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		n := hits.Load()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><body class="archive"><a href="/list?sort=%d&dir=asc">a</a> <a href="/list?view=%d">b</a></body></html>`, n, n)
	}))
	t.Cleanup(srv.Close)
	opts := options(srv.URL)
	opts.Sitemaps = false
	opts.MaxDepth = 0
	stats, err := Run(t.Context(), opts, &collect{})
	if err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n > maxQueryVariants+1 {
		t.Errorf("fetched %d permutations of one listing, want at most %d", n, maxQueryVariants+1)
	}
	if stats.Stopped != harvest.StopComplete {
		t.Errorf("Stopped = %q, want complete (the trap is cut, not the crawl)", stats.Stopped)
	}
}

func TestSamePagination(t *testing.T) {
	tests := []struct {
		from, to string
		want     bool
	}{
		{"http://x.org/resources/", "http://x.org/resources/page/2/", true},
		{"http://x.org/resources/page/2/", "http://x.org/resources/page/3/", true},
		{"http://x.org/resources/page/3/", "http://x.org/resources/", false}, // no marker on the target: an ordinary link
		{"http://x.org/publications/", "http://x.org/publications/?paged=2", true},
		{"http://x.org/list?cat=4&page=2", "http://x.org/list?cat=4&page=3", true},
		{"http://x.org/list?cat=4&page=2", "http://x.org/list?cat=5&page=3", false},
		{"http://x.org/resources/", "http://x.org/resource/a-report/", false},
		{"http://x.org/tag/global/", "http://x.org/resources/page/2/", false},
	}
	for _, tt := range tests {
		if got := samePagination(tt.from, tt.to); got != tt.want {
			t.Errorf("samePagination(%q, %q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestDeepPaginationWithinDepth: a listing paginated far beyond the depth
// limit is followed to its end, and its items are found.
func TestDeepPaginationWithinDepth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		var n int
		switch {
		case r.URL.Path == "/list/":
			n = 1
		case strings.HasPrefix(r.URL.Path, "/list/page/"):
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/list/page/"), "%d", &n)
		case strings.HasPrefix(r.URL.Path, "/item/"):
			fmt.Fprintf(w, publicationPage, strings.Trim(strings.TrimPrefix(r.URL.Path, "/item/"), "/"))
			return
		default:
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `<html><body class="archive paged"><h1>List</h1><a href="/item/i%d/">item %d</a>`, n, n)
		if n < 30 {
			fmt.Fprintf(w, ` <a href="/list/page/%d/">Next</a>`, n+1)
		}
		fmt.Fprint(w, `</body></html>`)
	}))
	t.Cleanup(srv.Close)
	opts := options(srv.URL)
	opts.StartURLs = []string{srv.URL + "/list/"}
	opts.Sitemaps = false
	opts.MaxDepth = 3
	var c collect
	if _, err := Run(t.Context(), opts, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.found) != 30 {
		t.Errorf("found %d items of a 30-page listing with max depth 3, want 30", len(c.found))
	}
}

// TestMayPaginate: the cheap test before the page-marker regexp never
// says no where the regexp says yes.
func TestMayPaginate(t *testing.T) {
	for _, u := range []string{
		"https://x.org/resources/page/2/", "https://x.org/resources/PAGE/3", "https://x.org/r?paged=4",
		"https://x.org/r?Page=2&x=1", "https://x.org/r?pg=3", "https://x.org/r?START=20", "https://x.org/r?offset=40",
		"https://x.org/news/", "https://x.org/resource/forced-labour/", "https://x.org/?q=1", "https://x.org/p",
	} {
		if pageMarker.MatchString(u) && !mayPaginate(u) {
			t.Errorf("mayPaginate(%q) = false, but the page marker matches", u)
		}
	}
	if mayPaginate("https://x.org/resource/forced-labour/") || mayPaginate("https://x.org/news/") {
		t.Error("mayPaginate says yes to URLs with no page word")
	}
}
