package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"harvest"
	"harvest/internal/sitegen"
	"harvest/store/postgres/pgtest"
	"harvest/web"
)

// linkSite is a publication site whose download links answer in every
// way a link checker meets: one publication per download link.
type linkSite struct {
	srv  *httptest.Server
	gone string // a URL on a host that is gone (a closed listener)

	mu sync.Mutex
	// run is the test's phase: 1, 2 (the changing file changed), 3+
	// (every download answers 404).
	run int
	// requests counts the requests per method and path.
	requests map[string]int
}

// linkPubs are the publications: slug and the path of its download.
var linkPubs = []struct{ slug, file string }{
	{"fine", "/files/fine.pdf"},           // 200 PDF, then 304 on revalidation
	{"missing", "/files/missing.pdf"},     // 404
	{"withdrawn", "/files/withdrawn.pdf"}, // 410
	{"errorpage", "/files/errorpage.pdf"}, // an HTML page where a PDF was linked
	{"nohead", "/files/nohead.pdf"},       // HEAD 405: falls back to GET
	{"moved", "/files/moved.pdf"},         // a redirect to /files/moved-here.pdf
	{"revised", "/files/revised.pdf"},     // its ETag and size change in run 2
	{"flaky", "/files/flaky.pdf"},         // 503 on every run
	{"private", "/private/secret.pdf"},    // robots.txt disallows it
	{"offsite", ""},                       // on a host that is gone
}

func newLinkSite(t *testing.T) *linkSite {
	s := &linkSite{run: 1, requests: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.gone = "http://" + ln.Addr().String() + "/files/offsite.pdf"
	ln.Close() // nothing listens there any more: connection refused
	return s
}

func (s *linkSite) setRun(n int) {
	s.mu.Lock()
	s.run = n
	s.mu.Unlock()
}

func (s *linkSite) count(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[method+" "+path]
}

func (s *linkSite) fileURL(slug, file string) string {
	if file == "" {
		return s.gone
	}
	return s.srv.URL + file
}

// pdf answers a PDF of n bytes with an ETag, conditionally.
func pdf(w http.ResponseWriter, r *http.Request, etag string, n int) {
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", fmt.Sprint(n))
	if r.Method == http.MethodHead {
		return
	}
	io.WriteString(w, "%PDF-1.4\n"+strings.Repeat("x", n-9))
}

func (s *linkSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.Method+" "+r.URL.Path]++
	run := s.run
	s.mu.Unlock()
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		return
	case p == "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Library</title></head><body class="home blog"><main><h1>Library</h1>`)
		for _, lp := range linkPubs {
			fmt.Fprintf(w, `<article><h2><a href="/pub/%s/">The %s report</a></h2><p>Teaser...<a href="/pub/%s/">Read More</a></p></article>`, lp.slug, lp.slug, lp.slug)
		}
		fmt.Fprint(w, `</main></body></html>`)
		return
	case strings.HasPrefix(p, "/pub/"):
		slug := strings.Trim(strings.TrimPrefix(p, "/pub/"), "/")
		i := slices.IndexFunc(linkPubs, func(lp struct{ slug, file string }) bool { return lp.slug == slug })
		if i < 0 {
			http.NotFound(w, r)
			return
		}
		title := "The " + slug + " report"
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><title>%s</title><meta property="og:type" content="article"></head>
<body class="single single-post postid-%d"><article><h1 class="entry-title">%s</h1><div class="entry-content">
<p>The %s report explains, with evidence from field research, how companies can prevent forced labour in their supply chains.</p>
<p><a href="%s">Download the report (PDF)</a></p></div></article></body></html>`, title, i+1, title, slug, s.fileURL(slug, linkPubs[i].file))
		return
	}
	if run >= 3 && p != "/files/flaky.pdf" {
		http.NotFound(w, r) // every download is gone
		return
	}
	switch p {
	case "/files/fine.pdf":
		pdf(w, r, `"fine-1"`, 1000)
	case "/files/withdrawn.pdf":
		http.Error(w, "withdrawn", http.StatusGone)
	case "/files/errorpage.pdf":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><body><h1>Sorry, this file is not available</h1></body></html>")
	case "/files/nohead.pdf":
		if r.Method == http.MethodHead {
			http.Error(w, "no HEAD here", http.StatusMethodNotAllowed)
			return
		}
		pdf(w, r, `"nohead-1"`, 3000)
	case "/files/moved.pdf":
		http.Redirect(w, r, "/files/moved-here.pdf", http.StatusMovedPermanently)
	case "/files/moved-here.pdf":
		pdf(w, r, `"moved-1"`, 1500)
	case "/files/revised.pdf":
		if run == 1 {
			pdf(w, r, `"revised-1"`, 2000)
		} else {
			pdf(w, r, `"revised-2"`, 2500)
		}
	case "/files/flaky.pdf":
		http.Error(w, "try later", http.StatusServiceUnavailable)
	default:
		http.NotFound(w, r)
	}
}

// TestLinkHealth crawls a site whose download links answer 200, 304,
// 404, 410, HTML instead of a PDF, 405 to HEAD, a redirect, 503, a
// changed file and a host that is gone, through the real crawl path into
// SQLite (and PostgreSQL, as a shared run, with HARVEST_TEST_POSTGRES),
// and checks the links as harvest links, the API, the page and the
// metrics show them, the changed record, and that no publication is ever
// removed for its links.
func TestLinkHealth(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var db string
			if backend == "sqlite" {
				db = filepath.Join(t.TempDir(), "harvest.db")
			} else {
				db = pgtest.DSN(t)
			}
			testLinkHealth(t, db)
		})
	}
}

func testLinkHealth(t *testing.T, db string) {
	site := newLinkSite(t)
	// One retry: the gone host is asked twice before it counts as gone.
	cfg := writeConfig(t, t.TempDir(), "defaults:\n  retries: 1\n  delay: 0s\n")
	crawl := func(extra ...string) {
		t.Helper()
		args := append([]string{"crawl", "--config", cfg, "--url", site.srv.URL + "/", "--db", db, "--quiet"}, extra...)
		if _, stderr, err := runCLI(t, args...); err != nil {
			t.Fatalf("harvest crawl: %v\n%s", err, stderr)
		}
	}
	links := func(extra ...string) map[string][]string {
		t.Helper()
		out, stderr, err := runCLI(t, append([]string{"links", "--db", db}, extra...)...)
		if err != nil {
			t.Fatalf("harvest links: %v\n%s", err, stderr)
		}
		rows := map[string][]string{}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if !strings.HasPrefix(lines[0], "ID ") {
			t.Fatalf("harvest links: no header in\n%s", out)
		}
		for _, line := range lines[1:] {
			// ID, title (3 words), URL, state, kind, HTTP, type, size,
			// checked, since
			f := strings.Fields(line)
			rows[f[4]] = append([]string{f[0]}, f[5:]...)
		}
		return rows
	}
	url := func(slug string) string {
		i := slices.IndexFunc(linkPubs, func(lp struct{ slug, file string }) bool { return lp.slug == slug })
		return site.fileURL(slug, linkPubs[i].file)
	}

	crawl()
	if n := site.count(http.MethodGet, "/private/secret.pdf") + site.count(http.MethodHead, "/private/secret.pdf"); n != 0 {
		t.Errorf("the link robots.txt disallows was asked for %d times", n)
	}
	if n := site.count(http.MethodGet, "/files/nohead.pdf"); n != 1 {
		t.Errorf("HEAD 405: %d GETs of the file, want 1", n)
	}
	got := links()
	// state, kind, HTTP status, media type
	want := map[string][4]string{
		"fine":      {"ok", "-", "200", "application/pdf"},
		"missing":   {"broken", "not_found", "404", "-"},
		"withdrawn": {"broken", "gone", "410", "-"},
		"errorpage": {"broken", "html", "200", "text/html"},
		"nohead":    {"ok", "-", "200", "application/pdf"},
		"moved":     {"ok", "-", "200", "application/pdf"},
		"revised":   {"ok", "-", "200", "application/pdf"},
		"flaky":     {"failing", "server_error", "503", "-"},
		"private":   {"skipped", "robots", "-", "-"},
		"offsite":   {"broken", "host_gone", "-", "-"},
	}
	check := func(when string, got map[string][]string, want map[string][4]string) {
		t.Helper()
		for slug, w := range want {
			row, ok := got[url(slug)]
			if !ok {
				t.Errorf("%s: %s: not listed by harvest links", when, slug)
				continue
			}
			if g := [4]string{row[1], row[2], row[3], row[4]}; g != w {
				t.Errorf("%s: %s: state, kind, status, type = %v, want %v", when, slug, g, w)
			}
			broken := row[len(row)-1] != "-"
			if broken != (w[0] == "broken") {
				t.Errorf("%s: %s: broken since %s, state %s", when, slug, row[len(row)-1], w[0])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: harvest links listed %d links, want %d", when, len(got), len(want))
		}
	}
	check("run 1", got, want)
	if row := got[url("revised")]; row[5] != "2000" {
		t.Errorf("run 1: revised.pdf size %s, want 2000", row[5])
	}
	firstBroken := got[url("missing")][len(got[url("missing")])-1]

	// Broken links come first.
	out, _, err := runCLI(t, "links", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
	for i, line := range lines {
		if broken := strings.Contains(line, " broken "); broken != (i < 4) {
			t.Errorf("harvest links: line %d is %q; want the 4 broken links first", i+1, line)
		}
	}
	if broken := links("--broken"); len(broken) != 4 {
		t.Errorf("harvest links --broken listed %d links, want 4", len(broken))
	}

	// Run 2: revalidated (304), the revised file changed, the flaky one
	// fails again.
	between := time.Now().UTC().Truncate(time.Second).Add(time.Second)
	time.Sleep(time.Until(between) + 10*time.Millisecond)
	site.setRun(2)
	crawl()
	got = links()
	want["flaky"] = [4]string{"failing", "server_error", "503", "-"}
	want["fine"] = [4]string{"ok", "-", "304", "application/pdf"}
	want["nohead"] = [4]string{"ok", "-", "304", "application/pdf"}
	want["moved"] = [4]string{"ok", "-", "304", "application/pdf"}
	check("run 2", got, want)
	if row := got[url("revised")]; row[5] != "2500" {
		t.Errorf("run 2: revised.pdf size %s, want 2500", row[5])
	}
	if since := got[url("missing")][len(got[url("missing")])-1]; since != firstBroken {
		t.Errorf("run 2: missing.pdf broken since %s, want %s (first seen broken)", since, firstBroken)
	}
	// Only the record whose file changed is a change since run 1.
	out, stderr, err := runCLI(t, "changes", "--db", db, "--since", between.Format(time.RFC3339), "--format", "jsonl")
	if err != nil {
		t.Fatalf("harvest changes: %v\n%s", err, stderr)
	}
	var changed []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var p harvest.Publication
		if line != "" && json.Unmarshal([]byte(line), &p) == nil {
			changed = append(changed, p.Title)
		}
	}
	if !slices.Equal(changed, []string{"The revised report"}) {
		t.Errorf("changes since run 1 = %q, want the revised report only", changed)
	}

	// The API, the page and the metrics.
	catalogue, err := openCatalogue(t.Context(), db, false)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	srv := httptest.NewServer(web.New(catalogue, nil))
	defer srv.Close()
	fetch := func(path string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s\n%s", path, resp.Status, b)
		}
		return string(b)
	}
	var page struct {
		Links []struct {
			PublicationID int64      `json:"publication_id"`
			Title         string     `json:"title"`
			URL           string     `json:"url"`
			State         string     `json:"state"`
			Kind          string     `json:"kind"`
			BrokenSince   *time.Time `json:"broken_since"`
		} `json:"links"`
		Next string `json:"next"`
	}
	if err := json.Unmarshal([]byte(fetch("/api/links?broken=1&limit=2")), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Links) != 2 || page.Next == "" || page.Links[0].BrokenSince == nil || page.Links[0].State != "broken" {
		t.Errorf("/api/links?broken=1&limit=2 = %+v", page)
	}
	var all []string
	for next := "/api/links?broken=1&limit=2"; next != ""; {
		page.Next = ""
		page.Links = nil
		if err := json.Unmarshal([]byte(fetch(next)), &page); err != nil {
			t.Fatal(err)
		}
		for _, l := range page.Links {
			all = append(all, l.Kind)
		}
		next = page.Next
	}
	slices.Sort(all)
	if want := []string{"gone", "host_gone", "html", "not_found"}; !slices.Equal(all, want) {
		t.Errorf("/api/links?broken=1, all pages: kinds %v, want %v", all, want)
	}
	missingID := got[url("missing")][0]
	rec := fetch("/api/publications/" + missingID)
	validateRecord(t, recordSchema(t), "/api/publications/"+missingID, []byte(rec))
	var withHealth struct {
		Title      string `json:"title"`
		LinkHealth []struct {
			URL         string     `json:"url"`
			State       string     `json:"state"`
			Kind        string     `json:"kind"`
			BrokenSince *time.Time `json:"broken_since"`
		} `json:"link_health"`
	}
	if err := json.Unmarshal([]byte(rec), &withHealth); err != nil {
		t.Fatal(err)
	}
	if len(withHealth.LinkHealth) != 1 || withHealth.LinkHealth[0].Kind != "not_found" || withHealth.LinkHealth[0].BrokenSince == nil {
		t.Errorf("/api/publications/%s: link_health = %+v", missingID, withHealth.LinkHealth)
	}
	if html := fetch("/publications/" + missingID); !strings.Contains(html, "broken since") {
		t.Errorf("/publications/%s: no \"broken since\" label next to the download", missingID)
	}
	if html := fetch("/publications/" + got[url("fine")][0]); strings.Contains(html, "broken since") {
		t.Errorf("/publications/%s: a fine link is labelled broken", got[url("fine")][0])
	}
	metrics := fetch("/metrics")
	source := adhocName(strings.TrimPrefix(site.srv.URL, "http://"))
	for _, m := range []string{
		fmt.Sprintf(`harvest_links_checked{source=%q} 9`, source),
		fmt.Sprintf(`harvest_links_broken{source=%q} 4`, source),
		fmt.Sprintf(`harvest_links{source=%q,state="failing"} 1`, source),
	} {
		if !strings.Contains(metrics, m) {
			t.Errorf("/metrics lacks %s in\n%s", m, grepLines(metrics, "harvest_links"))
		}
	}

	// Runs 3 and 4: every download answers 404 (the flaky one keeps
	// failing and, at its third failure, counts as broken). Not one
	// publication is removed for it.
	site.setRun(3)
	crawl()
	crawl()
	broken := links("--broken")
	if len(broken) != len(linkPubs)-1 { // all but the one robots.txt keeps us from
		t.Errorf("after every download went: %d broken links, want %d", len(broken), len(linkPubs)-1)
	}
	if row := broken[url("flaky")]; row == nil || row[2] != "server_error" {
		t.Errorf("flaky.pdf after 4 failing runs: %v, want broken (server_error)", row)
	}
	n, err := catalogue.Count(t.Context(), harvest.Filter{Status: harvest.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(linkPubs) {
		t.Errorf("%d active publications after their downloads broke, want all %d", n, len(linkPubs))
	}
	if removed, _ := catalogue.Count(t.Context(), harvest.Filter{Status: harvest.StatusRemoved}); removed != 0 {
		t.Errorf("%d publications removed for broken links", removed)
	}

	// --no-link-check: no download is asked for.
	before := site.count(http.MethodHead, "/files/fine.pdf")
	crawl("--no-link-check")
	if after := site.count(http.MethodHead, "/files/fine.pdf"); after != before {
		t.Errorf("--no-link-check: fine.pdf asked for %d times", after-before)
	}
}

// grepLines returns the lines of s that hold sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestCrawlFetchesOnce: a run crawled alone, its link check included,
// asks the site for no URL twice — robots.txt included: the crawl and
// the check after it share what robots.txt said.
func TestCrawlFetchesOnce(t *testing.T) {
	site := &loggedSite{h: sitegen.New(sitegen.Options{Pages: 50, Seed: 1, Gzip: true}).Handler()}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "once.db")
	if _, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", db, "--quiet",
		"--max-pages", "0", "--max-depth", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	seen := map[string]int{}
	heads := 0
	for _, r := range site.take() {
		seen[r.path]++
	}
	for p, n := range seen {
		if n > 1 {
			t.Errorf("%s asked for %d times", p, n)
		}
		if strings.HasSuffix(p, ".pdf") {
			heads++
		}
	}
	if heads == 0 {
		t.Error("no download was checked: the test proved less than it should")
	}
}
