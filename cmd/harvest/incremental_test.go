package main

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"harvest"
	"harvest/store/sqlite"
)

// changingSite is a small publication site whose content the test changes
// between runs. Detail pages carry an ETag and a Last-Modified and answer
// conditional requests with 304; the sitemap gives lastmods.
type changingSite struct {
	srv *httptest.Server

	mu    sync.Mutex
	pubs  map[string]*sitePub
	order []string
	full  map[string]int // 200 answers per path
	not   map[string]int // 304 answers per path
}

type sitePub struct {
	title, summary string
	modified       time.Time
	listed         bool // linked from the home page
	inSitemap      bool
	gone           bool // answers 404
	broken         bool // answers 500
}

func newChangingSite(t *testing.T) *changingSite {
	s := &changingSite{pubs: map[string]*sitePub{}, full: map[string]int{}, not: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *changingSite) add(slug, title string, modified time.Time, sitemap bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pubs[slug] = &sitePub{
		title:    title,
		summary:  "The " + title + " report explains, with evidence from field research, how companies can prevent forced labour in their supply chains.",
		modified: modified, listed: true, inSitemap: sitemap,
	}
	s.order = append(s.order, slug)
}

func (s *changingSite) edit(slug string, f func(p *sitePub)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.pubs[slug])
}

// counts returns and resets the number of full and 304 answers for
// publication pages.
func (s *changingSite) counts() (full, notModified map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	full, notModified = s.full, s.not
	s.full, s.not = map[string]int{}, map[string]int{}
	return full, notModified
}

func (s *changingSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	base := "http://" + r.Host
	switch {
	case r.URL.Path == "/robots.txt":
		fmt.Fprintf(w, "User-agent: *\nDisallow:\nSitemap: %s/sitemap.xml\n", base)
	case r.URL.Path == "/sitemap.xml":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, slug := range s.order {
			if p := s.pubs[slug]; p.inSitemap {
				fmt.Fprintf(w, "<url><loc>%s/pub/%s/</loc><lastmod>%s</lastmod></url>", base, slug, p.modified.Format(time.RFC3339))
			}
		}
		fmt.Fprint(w, `</urlset>`)
	case r.URL.Path == "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Library</title></head><body class="home blog"><main><h1>Library</h1>`)
		for _, slug := range s.order {
			if p := s.pubs[slug]; p.listed {
				fmt.Fprintf(w, `<article><h2><a href="/pub/%s/">%s</a></h2><p>Teaser...<a href="/pub/%s/">Read More</a></p></article>`, slug, p.title, slug)
			}
		}
		fmt.Fprint(w, `</main></body></html>`)
	case strings.HasPrefix(r.URL.Path, "/pub/"):
		slug := strings.Trim(strings.TrimPrefix(r.URL.Path, "/pub/"), "/")
		p, ok := s.pubs[slug]
		switch {
		case !ok || p.gone:
			http.NotFound(w, r)
			return
		case p.broken:
			http.Error(w, "database error", http.StatusInternalServerError)
			return
		}
		body := fmt.Sprintf(`<!DOCTYPE html><html lang="en"><head><title>%s</title><meta property="og:type" content="article"></head>
<body class="single single-post postid-1"><article><h1 class="entry-title">%s</h1><div class="entry-content">
<p>%s</p><p><a href="/files/%s.pdf">Download</a></p></div></article></body></html>`, p.title, p.title, p.summary, slug)
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", p.modified.UTC().Format(http.TimeFormat))
		if r.Header.Get("If-None-Match") == etag {
			s.not[r.URL.Path]++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.full[r.URL.Path]++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	default:
		http.NotFound(w, r)
	}
}

// crawlAndRead crawls the site into db and returns the run and the
// records by path.
func crawlAndRead(t *testing.T, site *changingSite, db string) (harvest.Run, map[string]harvest.Publication) {
	t.Helper()
	if _, stderr, err := runCLI(t, "crawl", "--url", site.srv.URL+"/", "--delay", "0", "--concurrency", "1", "--db", db, "--quiet"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	catalogue, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	runs, err := catalogue.Runs(t.Context(), "")
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v, %v", runs, err)
	}
	recs := map[string]harvest.Publication{}
	err = catalogue.Each(t.Context(), harvest.Filter{}, func(p harvest.Publication) error {
		recs[strings.TrimPrefix(p.URL, site.srv.URL)] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return runs[0], recs
}

func checkRun(t *testing.T, name string, got harvest.Run, want harvest.Run) {
	t.Helper()
	type counts struct{ New, Changed, Unchanged, Removed, NotModified, SkippedLastmod int }
	g := counts{got.New, got.Changed, got.Unchanged, got.Removed, got.NotModified, got.SkippedLastmod}
	w := counts{want.New, want.Changed, want.Unchanged, want.Removed, want.NotModified, want.SkippedLastmod}
	if g != w {
		t.Errorf("%s: run counts = %+v, want %+v", name, g, w)
	}
	if got.Status != want.Status {
		t.Errorf("%s: run status = %q, want %q (%s)", name, got.Status, want.Status, got.Note)
	}
}

// TestIncrementalCrawls walks a changing site through every transition:
// new, unchanged (304 and sitemap lastmod), changed (with a revision),
// gone (404), missed by two complete runs, back again, and a run with
// errors that marks nothing removed.
func TestIncrementalCrawls(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test: runs without -short")
	}
	site := newChangingSite(t)
	old := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, slug := range []string{"alpha", "beta", "gamma", "delta", "epsilon"} {
		site.add(slug, strings.ToUpper(slug[:1])+slug[1:]+" report", old, slug == "alpha" || slug == "beta")
	}
	db := filepath.Join(t.TempDir(), "incremental.db")

	run, recs := crawlAndRead(t, site, db)
	checkRun(t, "first run", run, harvest.Run{New: 5, Status: harvest.RunOK})
	full, _ := site.counts()
	if len(full) != 5 {
		t.Errorf("first run fetched %d publication pages in full, want 5", len(full))
	}
	first := recs

	// Nothing changed: no detail page is fetched in full.
	run, recs = crawlAndRead(t, site, db)
	checkRun(t, "unchanged run", run, harvest.Run{Unchanged: 5, NotModified: 3, SkippedLastmod: 2, Status: harvest.RunOK})
	full, not := site.counts()
	if len(full) != 0 {
		t.Errorf("unchanged run fetched %v in full, want none", full)
	}
	if not["/pub/alpha/"]+not["/pub/beta/"] != 0 || len(not) != 3 {
		t.Errorf("304s = %v, want gamma, delta, epsilon (alpha and beta skipped by lastmod)", not)
	}
	for path, p := range recs {
		if !p.LastChanged.Equal(first[path].LastChanged) || p.LastSeen.Before(first[path].LastSeen) {
			t.Errorf("%s: unchanged run moved last_changed or last_seen back: %v -> %v", path, first[path], p)
		}
	}

	// gamma edited, zeta added, delta gone (404 but still linked),
	// epsilon no longer linked anywhere (its page still answers).
	// The catalogue keeps times to the second: let the clock pass into a
	// new second so that "since" tells the earlier runs from the next.
	beforeEdits := time.Now().UTC().Truncate(time.Second).Add(time.Second)
	time.Sleep(time.Until(beforeEdits))
	site.edit("gamma", func(p *sitePub) { p.title = "Gamma report, second edition"; p.modified = time.Now() })
	site.add("zeta", "Zeta report", time.Now(), false)
	site.edit("delta", func(p *sitePub) { p.gone = true })
	site.edit("epsilon", func(p *sitePub) { p.listed = false })
	run, recs = crawlAndRead(t, site, db)
	checkRun(t, "edits", run, harvest.Run{New: 1, Changed: 1, Unchanged: 2, Removed: 1, NotModified: 0, SkippedLastmod: 2, Status: harvest.RunOK})
	if got := recs["/pub/gamma/"]; got.Title != "Gamma report, second edition" || !got.LastChanged.After(first["/pub/gamma/"].LastChanged.Add(-time.Second)) {
		t.Errorf("gamma = %+v, want the new title and a new last_changed", got)
	}
	if got := recs["/pub/delta/"]; got.Status != "removed" || got.RemovedAt == nil {
		t.Errorf("delta = status %q removed_at %v, want removed (404)", got.Status, got.RemovedAt)
	}
	if got := recs["/pub/epsilon/"]; got.Status != "active" {
		t.Errorf("epsilon after one missed run = %q, want still active", got.Status)
	}
	catalogue, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	revs, _, err := catalogue.Revisions(t.Context(), recs["/pub/gamma/"].ID)
	catalogue.Close()
	if err != nil || len(revs) != 1 || revs[0].Publication.Title != "Gamma report" {
		t.Errorf("gamma revisions = %+v, %v; want the first version", revs, err)
	}

	// Missed by a second complete run: epsilon is removed.
	run, recs = crawlAndRead(t, site, db)
	checkRun(t, "second miss", run, harvest.Run{Unchanged: 4, Removed: 1, NotModified: 2, SkippedLastmod: 2, Status: harvest.RunOK})
	if got := recs["/pub/epsilon/"]; got.Status != "removed" {
		t.Errorf("epsilon after two missed runs = %q, want removed", got.Status)
	}

	// `harvest changes` since the edits: gamma changed, zeta new, delta
	// and epsilon removed; alpha and beta not listed.
	out, _, err := runCLI(t, "changes", "--db", db, "--since", beforeEdits.Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"changed", "Gamma report, second edition", "new", "Zeta report", "removed", "Delta report", "Epsilon report"} {
		if !strings.Contains(out, want) {
			t.Errorf("changes output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Alpha report") {
		t.Errorf("changes lists an unchanged publication:\n%s", out)
	}

	// epsilon linked again: active again. A broken page makes the run
	// partial, and a partial run marks nothing removed although zeta is
	// no longer linked.
	site.edit("epsilon", func(p *sitePub) { p.listed = true })
	site.edit("zeta", func(p *sitePub) { p.listed = false })
	site.add("eta", "Eta report", time.Now(), false)
	site.edit("eta", func(p *sitePub) { p.broken = true })
	for range 2 {
		run, recs = crawlAndRead(t, site, db)
	}
	if run.Status != harvest.RunPartial || run.Removed != 0 {
		t.Errorf("run with a broken page: status %q, removed %d; want partial, 0", run.Status, run.Removed)
	}
	if got := recs["/pub/epsilon/"]; got.Status != "active" || got.RemovedAt != nil {
		t.Errorf("epsilon back on the site = %q, want active", got.Status)
	}
	if got := recs["/pub/zeta/"]; got.Status != "active" {
		t.Errorf("zeta after two partial runs = %q, want active (partial runs remove nothing)", got.Status)
	}
	var paths []string
	for p := range recs {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if want := []string{"/pub/alpha/", "/pub/beta/", "/pub/delta/", "/pub/epsilon/", "/pub/gamma/", "/pub/zeta/"}; !slices.Equal(paths, want) {
		t.Errorf("records = %v, want %v (one each, nothing twice)", paths, want)
	}
}
