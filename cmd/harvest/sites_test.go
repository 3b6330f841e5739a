package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"harvest"
	"harvest/internal/demosite"
)

// unseenSites are static resource libraries under testdata/sites/, each in a
// theme and markup that the demo site does not use. They check that the
// generic crawl and extractor generalise beyond the site they were developed
// against:
//
//   - elementor: a WordPress site built with Elementor Pro and Yoast SEO
//     (publication custom post type, Gutenberg file blocks, a Loop Grid
//     "More like this" block, a French page, a leaked taxonomy-name list,
//     ?paged=N pagination, a WordPress core sitemap index naming one
//     publication that no page links to).
//   - plain: a hand-written NGO library with no CMS: a table of
//     publications, detail pages with labelled "Publisher:", "Date:",
//     "Tags:", "Type:" lines, relative links, and one page in windows-1252
//     bytes declared ISO-8859-1 by the HTTP header only.
//
// Each directory holds, besides the site's files:
//
//   - truth.json: the hand-written records a perfect harvester yields, in
//     the shape of demosite.Expected;
//   - listings.json: the paths of listing pages that must never become
//     records;
//   - content-types.json (optional): Content-Type headers for given paths,
//     overriding the one chosen by extension.
//
// These three files are not served. Set HARVEST_SITES_DUMP=1 to log every
// harvested record.
var unseenSites = []string{"elementor", "plain"}

func TestUnseenSites(t *testing.T) {
	for _, name := range unseenSites {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "sites", name)
			truth := readSiteTruth(t, dir)
			var listings []string
			readSiteJSON(t, filepath.Join(dir, "listings.json"), &listings)
			srv := httptest.NewServer(newStaticSite(t, dir))
			t.Cleanup(srv.Close)
			checkFixture(t, srv.URL, truth, listings)
			if t.Failed() {
				t.FailNow()
			}

			db := filepath.Join(t.TempDir(), "catalogue.db")
			args := []string{"crawl", "--url", srv.URL + "/", "--delay", "0", "--db", db, "--quiet", "--concurrency", "4"}
			stdout, stderr, err := runCLI(t, args...)
			if err != nil {
				t.Fatalf("harvest crawl: %v\n%s", err, stderr)
			}
			t.Logf("harvest crawl: %s", strings.TrimSpace(stdout))
			pubs := exportJSONL(t, db)
			if os.Getenv("HARVEST_SITES_DUMP") != "" {
				for _, p := range pubs {
					b, _ := json.MarshalIndent(p, "", "  ")
					t.Logf("record:\n%s", b)
				}
			}
			checkAgainstTruth(t, srv.URL, pubs, truth, listings)
			reportStrays(t, srv.URL, pubs, truth, listings)
		})
	}
}

// reportStrays names the records that are neither a publication of the
// truth nor a listing (checkAgainstTruth counts them but does not say
// which pages they came from).
func reportStrays(t *testing.T, base string, pubs []harvest.Publication, truth []demosite.Expected, listings []string) {
	t.Helper()
	known := map[string]bool{}
	for _, w := range truth {
		for _, p := range append([]string{w.URL}, w.AltURLs...) {
			known[base+p] = true
		}
	}
	for _, l := range listings {
		known[base+l] = true
	}
	for _, p := range pubs {
		if !known[p.URL] {
			t.Errorf("%s became record %d (%q) but is no publication", strings.TrimPrefix(p.URL, base), p.ID, p.Title)
		}
	}
}

func readSiteJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func readSiteTruth(t *testing.T, dir string) []demosite.Expected {
	t.Helper()
	var truth []demosite.Expected
	readSiteJSON(t, filepath.Join(dir, "truth.json"), &truth)
	for i := range truth {
		if truth[i].AltURLs == nil {
			truth[i].AltURLs = []string{}
		}
		if truth[i].Tags == nil {
			truth[i].Tags = []string{}
		}
	}
	return truth
}

// checkFixture checks the fixture itself, before any crawl: every
// publication, duplicate and listing path answers 200 with HTML, every
// download answers 200 with the media type the truth gives it, and no path
// is claimed twice.
func checkFixture(t *testing.T, base string, truth []demosite.Expected, listings []string) {
	t.Helper()
	get := func(p string) (int, string) {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatalf("fixture: GET %s: %v", p, err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return resp.StatusCode, mt
	}
	seen := map[string]bool{}
	claim := func(p string) {
		if seen[p] {
			t.Errorf("fixture: path %s is claimed twice", p)
		}
		seen[p] = true
	}
	for _, w := range truth {
		for _, p := range append([]string{w.URL}, w.AltURLs...) {
			claim(p)
			if code, mt := get(p); code != http.StatusOK || mt != "text/html" {
				t.Errorf("fixture: publication %s answers %d %s", p, code, mt)
			}
		}
		for _, d := range w.Downloads {
			if code, mt := get(d.URL); code != http.StatusOK || mt != d.MediaType {
				t.Errorf("fixture: download %s of %s answers %d %s, truth says %s", d.URL, w.URL, code, mt, d.MediaType)
			}
		}
	}
	for _, p := range listings {
		claim(p)
		if code, mt := get(p); code != http.StatusOK || mt != "text/html" {
			t.Errorf("fixture: listing %s answers %d %s", p, code, mt)
		}
	}
}

// staticSite serves a fixture directory the way its web server would:
//
//   - a path ending in "/" serves its index.html; a directory asked for
//     without the slash is redirected to it (as WordPress does);
//   - a query string selects a variant file: each key=value pair, in key
//     order, is inserted as ".key-value" before the file's extension, so
//     /publications/?paged=2 serves publications/index.paged-2.html; a
//     query with no such file is a 404;
//   - {{BASE}} in .html, .xml and .txt files becomes the server's URL
//     (scheme and host, no trailing slash), so that pages can carry the
//     absolute URLs (canonical, og:url, JSON-LD, sitemaps) that real sites
//     do;
//   - the Content-Type comes from content-types.json for the path, else
//     from the extension;
//   - anything else, and the fixture's own truth.json, listings.json and
//     content-types.json, is a 404.
type staticSite struct {
	root         string
	contentTypes map[string]string
}

func newStaticSite(t *testing.T, root string) *staticSite {
	t.Helper()
	s := &staticSite{root: root, contentTypes: map[string]string{}}
	if _, err := os.Stat(filepath.Join(root, "content-types.json")); err == nil {
		readSiteJSON(t, filepath.Join(root, "content-types.json"), &s.contentTypes)
	}
	return s
}

var (
	fixtureMeta   = []string{"/truth.json", "/listings.json", "/content-types.json"}
	queryPart     = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	fixtureByType = map[string]string{
		".html": "text/html; charset=utf-8",
		".xml":  "application/xml; charset=utf-8",
		".txt":  "text/plain; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".pdf":  "application/pdf",
		".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	}
)

func (s *staticSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
		p += "/"
	}
	if slices.Contains(fixtureMeta, p) {
		http.NotFound(w, r)
		return
	}
	file := p
	if strings.HasSuffix(file, "/") {
		file += "index.html"
	}
	name := filepath.Join(s.root, filepath.FromSlash(file))
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		to := p + "/"
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return
	}
	if r.URL.RawQuery != "" {
		variant, ok := queryVariant(r.URL.Query())
		if !ok {
			http.NotFound(w, r)
			return
		}
		ext := path.Ext(file)
		file = strings.TrimSuffix(file, ext) + variant + ext
		name = filepath.Join(s.root, filepath.FromSlash(file))
	}
	body, err := os.ReadFile(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ext := path.Ext(file)
	switch ext {
	case ".html", ".xml", ".txt":
		body = bytes.ReplaceAll(body, []byte("{{BASE}}"), []byte("http://"+r.Host))
	}
	ct, ok := s.contentTypes[p]
	if !ok {
		ct, ok = fixtureByType[ext]
	}
	if !ok {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// queryVariant turns a query into the file-name infix that selects its
// variant: ?paged=2 is ".paged-2". Repeated keys and characters beyond
// letters, digits, "_" and "-" select nothing.
func queryVariant(q url.Values) (string, bool) {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		if len(vs) != 1 || !queryPart.MatchString(k) || !queryPart.MatchString(vs[0]) {
			return "", false
		}
		b.WriteString("." + k + "-" + vs[0])
	}
	return b.String(), true
}
