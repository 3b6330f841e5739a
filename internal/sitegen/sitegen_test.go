package sitegen_test

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"harvest/extract"
	"harvest/internal/sitegen"
)

// fetched is one response, its body as sent (still compressed when the
// server gzipped it).
type fetched struct {
	status int
	header http.Header
	body   []byte
}

// client never follows redirects and never decompresses, so tests see
// exactly what the site sent.
var client = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func serve(t testing.TB, opts sitegen.Options) (*sitegen.Site, *httptest.Server) {
	t.Helper()
	s := sitegen.New(opts)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv
}

func get(t testing.TB, u string, header ...string) fetched {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", u, err)
	}
	return fetched{resp.StatusCode, resp.Header, b}
}

// links returns the absolute URLs of the <a href> links of a page.
func links(t testing.TB, pageURL string, body []byte) []string {
	t.Helper()
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "a" {
				continue
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) != "href" {
					continue
				}
				u, err := base.Parse(string(v))
				if err != nil {
					t.Errorf("%s: bad link %q: %v", pageURL, v, err)
					continue
				}
				u.Fragment = ""
				out = append(out, u.String())
			}
		}
	}
}

// fetchDirect calls h for path as from host example.test, without a
// network, and returns the response.
func fetchDirect(h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://example.test"+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestDeterministic(t *testing.T) {
	opts := sitegen.Options{Pages: 300, Seed: 42, Gzip: true}
	a, b := sitegen.New(opts).Handler(), sitegen.New(opts).Handler()
	s := sitegen.New(opts)
	paths := []string{"/", "/resources/page/3/", "/tag/global/", "/robots.txt", "/sitemap_index.xml", "/resource-sitemap-1.xml", "/events/", "/feed/"}
	for _, tr := range s.Truth()[:20] {
		paths = append(paths, tr.Path, tr.Downloads[0].Path)
	}
	for _, p := range paths {
		for _, enc := range []string{"identity", "gzip"} {
			ra, rb := fetchDirect(a, p, "Accept-Encoding", enc), fetchDirect(b, p, "Accept-Encoding", enc)
			if ra.Code != http.StatusOK {
				t.Errorf("GET %s: status %d", p, ra.Code)
			}
			if !bytes.Equal(ra.Body.Bytes(), rb.Body.Bytes()) || ra.Header().Get("ETag") != rb.Header().Get("ETag") ||
				ra.Header().Get("Last-Modified") != rb.Header().Get("Last-Modified") {
				t.Errorf("GET %s (%s): the same seed served different responses", p, enc)
			}
		}
	}
	if !slices.EqualFunc(s.Truth(), sitegen.New(opts).Truth(), truthEqual) {
		t.Error("Truth differs between two sites of the same seed")
	}
	other := sitegen.New(sitegen.Options{Pages: 300, Seed: 43})
	same := 0
	for i, tr := range s.Truth() {
		if tr.Title == other.Truth()[i].Title {
			same++
		}
	}
	if same > 10 {
		t.Errorf("seeds 42 and 43 share %d of 300 titles", same)
	}
	tr := s.Truth()[3]
	if bytes.Equal(fetchDirect(a, tr.Path).Body.Bytes(), fetchDirect(other.Handler(), tr.Path).Body.Bytes()) {
		t.Error("seeds 42 and 43 serve the same page")
	}
}

func truthEqual(a, b sitegen.Truth) bool {
	return a.Index == b.Index && a.Path == b.Path && a.Title == b.Title && a.Summary == b.Summary &&
		slices.Equal(a.Categories, b.Categories) && slices.Equal(a.Tags, b.Tags) && slices.Equal(a.Downloads, b.Downloads) &&
		a.Publisher == b.Publisher && a.Published == b.Published && a.Language == b.Language
}

// decoded is the body of a response, decompressed when it was gzipped.
func decoded(t testing.TB, f fetched) []byte {
	t.Helper()
	if f.header.Get("Content-Encoding") != "gzip" {
		return f.body
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.body))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return b
}

var publishedRE = regexp.MustCompile(`^\d{4}(-\d{2}-\d{2})?$`)

// hyphenFollowers returns the word after each "x- " in s: a hyphenation
// break, or a suspended hyphen when the word is "and" or "or".
func hyphenFollowers(s string) []string {
	var out []string
	for i := strings.Index(s, "- "); i >= 0; {
		if i > 0 && s[i-1] != ' ' {
			w := s[i+2:]
			if end := strings.IndexAny(w, " ,.;:"); end >= 0 {
				w = w[:end]
			}
			out = append(out, w)
		}
		next := strings.Index(s[i+2:], "- ")
		if next < 0 {
			break
		}
		i += 2 + next
	}
	return out
}

func TestTruthShape(t *testing.T) {
	s := sitegen.New(sitegen.Options{Pages: 60000, Seed: 7})
	truth := s.Truth()
	if len(truth) != 60000 {
		t.Fatalf("len(Truth()) = %d, want 60000", len(truth))
	}
	titles := map[string]bool{}
	paths := map[string]bool{}
	var twoCats, noTags, twoDownloads, suspended, yearOnly int
	for _, tr := range truth {
		if titles[tr.Title] {
			t.Errorf("title %q used twice", tr.Title)
		}
		titles[tr.Title] = true
		if paths[tr.Path] {
			t.Errorf("path %s used twice", tr.Path)
		}
		paths[tr.Path] = true
		if !strings.HasPrefix(tr.Path, "/resource/") || !strings.HasSuffix(tr.Path, "/") || strings.Count(tr.Path, "/") != 3 {
			t.Errorf("path %s is not /resource/<slug>/", tr.Path)
		}
		if strings.Contains(tr.Title, " - ") || tr.Publisher == "" || len(tr.Categories) == 0 || len(tr.Downloads) == 0 {
			t.Errorf("%s: incomplete or ambiguous record %+v", tr.Path, tr)
		}
		if strings.Contains(tr.Summary, "  ") || strings.TrimSpace(tr.Summary) != tr.Summary || strings.ContainsAny(tr.Summary, "\t\r\n") {
			t.Errorf("%s: summary white space not normalised", tr.Path)
		}
		if n := strings.Count(tr.Summary, " ") + 1; n < 60 || n > 160 {
			t.Errorf("%s: summary of %d words, want 60 to 160", tr.Path, n)
		}
		for _, w := range hyphenFollowers(tr.Summary) {
			if w != "and" && w != "or" {
				t.Errorf("%s: summary keeps a hyphenation break before %q", tr.Path, w)
			}
			suspended++
		}
		if !publishedRE.MatchString(tr.Published) {
			t.Errorf("%s: Published = %q", tr.Path, tr.Published)
		}
		if len(tr.Published) == 4 {
			yearOnly++
		}
		if tr.Language != "en" {
			t.Errorf("%s: Language = %q", tr.Path, tr.Language)
		}
		if len(tr.Categories) > 1 {
			twoCats++
		}
		if len(tr.Tags) == 0 {
			noTags++
		}
		if len(tr.Downloads) > 1 {
			twoDownloads++
		}
	}
	for what, n := range map[string]int{"several categories": twoCats, "no tags": noTags, "two downloads": twoDownloads,
		"suspended hyphens": suspended, "a year-only date": yearOnly} {
		if n < len(truth)/50 {
			t.Errorf("%d publications with %s, want at least 2%%", n, what)
		}
	}
}

func TestPageSize(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Seed: 1})
	r := rand.New(rand.NewPCG(1, 2))
	truth := s.Truth()
	var paths []string
	for range 40 {
		paths = append(paths, truth[r.IntN(len(truth))].Path)
	}
	paths = append(paths, s.ListingPaths(20)...)
	total := 0
	for _, p := range paths {
		f := get(t, srv.URL+p)
		if n := len(f.body); n < 44_000 || n > 66_000 {
			t.Errorf("GET %s: %d bytes, want 55 KB ± 20%%", p, n)
		}
		total += len(f.body)
	}
	t.Logf("mean page size %d bytes over %d pages", total/len(paths), len(paths))
}

// TestEveryPageAnswers fetches every publication and every listing page,
// and every page of the site a listing links to.
func TestEveryPageAnswers(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 700, Seed: 3})
	for _, tr := range s.Truth() {
		f := get(t, srv.URL+tr.Path)
		if f.status != http.StatusOK || !strings.HasPrefix(f.header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s", tr.Path, f.status, f.header.Get("Content-Type"))
		}
		for _, d := range tr.Downloads {
			if f := get(t, srv.URL+d.Path); f.status != http.StatusOK || f.header.Get("Content-Type") != d.MediaType {
				t.Errorf("GET %s: %d %s, want 200 %s", d.Path, f.status, f.header.Get("Content-Type"), d.MediaType)
			}
		}
	}
	checkListingLinks(t, s, srv)
}

// checkListingLinks fetches every listing page and checks that each link
// into the site answers 200.
func checkListingLinks(t *testing.T, s *sitegen.Site, srv *httptest.Server) {
	t.Helper()
	status := map[string]int{}
	check := func(u string) int {
		if st, ok := status[u]; ok {
			return st
		}
		st := get(t, u).status
		status[u] = st
		return st
	}
	listings := s.ListingPaths(0)
	if len(listings) < 10 {
		t.Fatalf("only %d listing pages", len(listings))
	}
	for _, p := range listings {
		f := get(t, srv.URL+p)
		if f.status != http.StatusOK {
			t.Errorf("GET %s: status %d", p, f.status)
			continue
		}
		for _, l := range links(t, srv.URL+p, f.body) {
			if !strings.HasPrefix(l, srv.URL+"/") {
				continue // another site, mailto:, ...
			}
			if st := check(l); st != http.StatusOK {
				t.Errorf("%s links to %s: status %d", p, l, st)
			}
		}
	}
}

func TestListingsAndPagination(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 95, Seed: 5})
	byPath := map[string]sitegen.Truth{}
	for _, tr := range s.Truth() {
		byPath[tr.Path] = tr
	}
	// Walk /resources/ by its next links: ten per page, each publication
	// once, newest first.
	var seen []string
	next := srv.URL + "/resources/"
	for pages := 0; next != ""; pages++ {
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
		f := get(t, next)
		if f.status != http.StatusOK {
			t.Fatalf("GET %s: %d", next, f.status)
		}
		var cards []string
		following := ""
		for _, l := range links(t, next, f.body) {
			p := strings.TrimPrefix(l, srv.URL)
			if _, ok := byPath[p]; ok && !slices.Contains(cards, p) {
				cards = append(cards, p)
			}
		}
		if m := regexp.MustCompile(`<a class="next page-numbers" href="([^"]+)"`).FindSubmatch(f.body); m != nil {
			following = string(m[1])
		}
		if following != "" && len(cards) != 10 || following == "" && len(cards) != 5 {
			t.Errorf("%s: %d publications listed", next, len(cards))
		}
		seen = append(seen, cards...)
		next = following
	}
	if len(seen) != 95 {
		t.Errorf("the listing shows %d publications, want 95", len(seen))
	}
	for _, p := range []string{"/resources/page/11/", "/resources/page/0/", "/resources/page/x/", "/tag/nowhere/"} {
		if f := get(t, srv.URL+p); f.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, f.status)
		}
	}
	for p, want := range map[string]string{"/resources/page/1/": "/resources/", "/resources": "/resources/", "/about": "/about/"} {
		if f := get(t, srv.URL+p); f.status != http.StatusMovedPermanently || f.header.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 301 to %s", p, f.status, f.header.Get("Location"), want)
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 200, Seed: 9, Gzip: true})
	tr := s.Truth()[5]
	for _, p := range []string{tr.Path, "/resources/", "/resource-sitemap-1.xml", "/sitemap_index.xml", "/robots.txt", "/events/", tr.Downloads[0].Path} {
		for _, enc := range []string{"identity", "gzip"} {
			f := get(t, srv.URL+p, "Accept-Encoding", enc)
			etag, lm := f.header.Get("ETag"), f.header.Get("Last-Modified")
			if f.status != http.StatusOK || etag == "" || lm == "" {
				t.Fatalf("GET %s: status %d, ETag %q, Last-Modified %q", p, f.status, etag, lm)
			}
			lmt, err := http.ParseTime(lm)
			if err != nil {
				t.Fatalf("GET %s: Last-Modified %q: %v", p, lm, err)
			}
			for _, h := range [][]string{
				{"If-None-Match", etag},
				{"If-None-Match", "W/" + etag},
				{"If-None-Match", `"nope", ` + etag},
				{"If-None-Match", "*"},
				{"If-Modified-Since", lm},
				{"If-Modified-Since", lmt.Add(time.Hour).Format(http.TimeFormat)},
			} {
				c := get(t, srv.URL+p, "Accept-Encoding", enc, h[0], h[1])
				if c.status != http.StatusNotModified || len(c.body) != 0 {
					t.Errorf("GET %s (%s) %s: %s: status %d with %d bytes, want 304 and none", p, enc, h[0], h[1], c.status, len(c.body))
				}
				if c.status == http.StatusNotModified && c.header.Get("ETag") != etag {
					t.Errorf("GET %s: 304 with ETag %q, want %q", p, c.header.Get("ETag"), etag)
				}
			}
			for _, h := range [][]string{
				{"If-None-Match", `"nope"`},
				{"If-Modified-Since", lmt.Add(-time.Second).Format(http.TimeFormat)},
				// If-None-Match wins over If-Modified-Since.
				{"If-None-Match", `"nope"`, "If-Modified-Since", lm},
			} {
				c := get(t, srv.URL+p, append([]string{"Accept-Encoding", enc}, h...)...)
				if c.status != http.StatusOK {
					t.Errorf("GET %s %q: status %d, want 200", p, h, c.status)
				}
			}
		}
	}
}

func TestGzip(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 100, Seed: 11, Gzip: true})
	_, plainSrv := serve(t, sitegen.Options{Pages: 100, Seed: 11})
	paths := []string{"/", "/resources/page/2/", "/resource-sitemap-1.xml", "/robots.txt", "/nowhere/", "/events/"}
	for _, tr := range s.Truth()[:10] {
		paths = append(paths, tr.Path)
	}
	for _, p := range paths {
		plain := get(t, srv.URL+p)
		if plain.header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s without Accept-Encoding: Content-Encoding %q", p, plain.header.Get("Content-Encoding"))
		}
		for _, ae := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"} {
			z := get(t, srv.URL+p, "Accept-Encoding", ae)
			if z.header.Get("Content-Encoding") != "gzip" {
				t.Errorf("GET %s (Accept-Encoding %s): Content-Encoding %q, want gzip", p, ae, z.header.Get("Content-Encoding"))
				continue
			}
			if !strings.Contains(z.header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("GET %s: Vary %q", p, z.header.Get("Vary"))
			}
			if got := decoded(t, z); !bytes.Equal(got, plain.body) {
				t.Errorf("GET %s: gzip body decodes to %d bytes that differ from the %d plain ones", p, len(got), len(plain.body))
			}
			if z.status == http.StatusOK && len(z.body)*3 > len(plain.body) && len(plain.body) > 10_000 {
				t.Errorf("GET %s: gzip %d bytes for %d: poor compression", p, len(z.body), len(plain.body))
			}
			if z.status == http.StatusOK && z.header.Get("ETag") == plain.header.Get("ETag") {
				t.Errorf("GET %s: gzip and identity share ETag %s", p, z.header.Get("ETag"))
			}
		}
		if z := get(t, srv.URL+p, "Accept-Encoding", "gzip;q=0"); z.header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s (gzip;q=0): Content-Encoding %q", p, z.header.Get("Content-Encoding"))
		}
		if z := get(t, plainSrv.URL+p, "Accept-Encoding", "gzip"); z.header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s from a site without Gzip: Content-Encoding %q", p, z.header.Get("Content-Encoding"))
		}
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func truthAt(s *sitegen.Site, index int) (sitegen.Truth, bool) {
	for _, tr := range s.Truth() {
		if tr.Index == index {
			return tr, true
		}
	}
	return sitegen.Truth{}, false
}

// sitemapURLs follows robots.txt to the sitemap index and its sitemaps,
// and returns each URL listed with its lastmod.
func sitemapURLs(t *testing.T, srv *httptest.Server) map[string]string {
	t.Helper()
	robots := get(t, srv.URL+"/robots.txt")
	m := regexp.MustCompile(`(?m)^Sitemap: (\S+)$`).FindSubmatch(robots.body)
	if m == nil {
		t.Fatalf("robots.txt names no sitemap:\n%s", robots.body)
	}
	var index struct {
		Sitemaps []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal(get(t, string(m[1])).body, &index); err != nil {
		t.Fatalf("sitemap index: %v", err)
	}
	out := map[string]string{}
	for _, sm := range index.Sitemaps {
		if !strings.Contains(sm.Loc, "/resource-sitemap-") {
			continue
		}
		var set struct {
			URLs []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		f := get(t, sm.Loc)
		if err := xml.Unmarshal(f.body, &set); err != nil {
			t.Fatalf("%s: %v", sm.Loc, err)
		}
		if len(set.URLs) == 0 || len(set.URLs) > 1000 {
			t.Errorf("%s lists %d URLs, want 1 to 1000", sm.Loc, len(set.URLs))
		}
		for _, u := range set.URLs {
			if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
				t.Errorf("%s: %s: lastmod %q: %v", sm.Loc, u.Loc, u.LastMod, err)
			}
			if _, dup := out[u.Loc]; dup {
				t.Errorf("%s listed twice", u.Loc)
			}
			out[u.Loc] = u.LastMod
		}
	}
	return out
}

func TestSitemapsListEveryLivePublication(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 2500, Seed: 13})
	s.Remove(10)
	s.Remove(2400)
	s.Add()
	urls := sitemapURLs(t, srv)
	truth := s.Truth()
	if len(urls) != len(truth) {
		t.Errorf("sitemaps list %d URLs, want the %d live publications", len(urls), len(truth))
	}
	for _, tr := range truth {
		if _, ok := urls[srv.URL+tr.Path]; !ok {
			t.Errorf("%s (publication %d) is in no sitemap", tr.Path, tr.Index)
		}
	}
}

func TestEdit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 500_000_000, time.UTC)}
	s, srv := serve(t, sitegen.Options{Pages: 300, Seed: 17, Now: clock.Now})
	before, _ := truthAt(s, 40)
	page := get(t, srv.URL+before.Path)
	listings := map[string]string{}
	for _, p := range s.ListingPaths(0) {
		listings[p] = get(t, srv.URL+p).header.Get("ETag")
	}
	others := map[string]string{}
	for _, tr := range s.Truth()[:60] {
		others[tr.Path] = get(t, srv.URL+tr.Path).header.Get("ETag")
	}
	lastmods := sitemapURLs(t, srv)

	s.Edit(40)
	after, _ := truthAt(s, 40)
	if after.Summary == before.Summary {
		t.Fatal("Edit did not change the summary")
	}
	if !truthEqual(sitegen.Truth{Index: after.Index, Path: after.Path, Title: after.Title, Summary: before.Summary,
		Categories: after.Categories, Tags: after.Tags, Downloads: after.Downloads, Publisher: after.Publisher,
		Published: after.Published, Language: after.Language}, before) {
		t.Errorf("Edit changed more than the summary:\n%+v\n%+v", before, after)
	}
	now := get(t, srv.URL+after.Path)
	if now.header.Get("ETag") == page.header.Get("ETag") {
		t.Error("ETag unchanged by Edit")
	}
	lm0, _ := http.ParseTime(page.header.Get("Last-Modified"))
	lm1, _ := http.ParseTime(now.header.Get("Last-Modified"))
	if !lm1.After(lm0) || lm1.Before(clock.Now()) {
		t.Errorf("Last-Modified %v after Edit at %v; was %v", lm1, clock.Now(), lm0)
	}
	if c := get(t, srv.URL+after.Path, "If-None-Match", page.header.Get("ETag")); c.status != http.StatusOK {
		t.Errorf("old ETag after Edit: status %d, want 200", c.status)
	}
	if c := get(t, srv.URL+after.Path, "If-Modified-Since", page.header.Get("Last-Modified")); c.status != http.StatusOK {
		t.Errorf("old Last-Modified after Edit: status %d, want 200", c.status)
	}
	if !strings.Contains(squash(string(now.body)), squash(html.EscapeString(after.Summary))) {
		t.Error("the page does not show the edited summary")
	}
	newmods := sitemapURLs(t, srv)
	for u, lm := range newmods {
		switch {
		case u == srv.URL+after.Path && lm == lastmods[u]:
			t.Errorf("sitemap lastmod of the edited page unchanged: %s", lm)
		case u != srv.URL+after.Path && lm != lastmods[u]:
			t.Errorf("sitemap lastmod of %s changed by editing another page", u)
		}
	}
	// An edit changes that page only: listings show the start of a
	// summary, which an edit keeps.
	for p, etag := range listings {
		if got := get(t, srv.URL+p).header.Get("ETag"); got != etag {
			t.Errorf("%s: ETag changed by editing a publication", p)
		}
	}
	for p, etag := range others {
		if got := get(t, srv.URL+p).header.Get("ETag"); p != after.Path && got != etag {
			t.Errorf("%s: ETag changed by editing another publication", p)
		}
	}
	s.Edit(40)
	again, _ := truthAt(s, 40)
	if again.Summary == after.Summary {
		t.Error("a second Edit did not change the summary")
	}
}

// squash drops white space and hyphens, so that a summary with
// hyphenation breaks compares equal to its clean form.
func squash(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "\n", "", "\t", "").Replace(s)
}

func TestRemoveAndRestore(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 400, Seed: 19})
	victim, _ := truthAt(s, 123)
	// Find the pages whose related block shows the victim.
	var referrers []string
	etags := map[string]string{}
	for _, tr := range s.Truth() {
		f := get(t, srv.URL+tr.Path)
		etags[tr.Path] = f.header.Get("ETag")
		if tr.Index != 123 && bytes.Contains(f.body, []byte(srv.URL+victim.Path)) {
			referrers = append(referrers, tr.Path)
		}
	}
	if len(referrers) == 0 {
		t.Fatalf("no page links to %s: pick another victim", victim.Path)
	}
	s.Remove(123)
	s.Remove(123) // no-op
	if f := get(t, srv.URL+victim.Path); f.status != http.StatusNotFound {
		t.Errorf("GET %s after Remove: status %d, want 404", victim.Path, f.status)
	}
	if _, ok := truthAt(s, 123); ok {
		t.Error("Truth still lists the removed publication")
	}
	if _, ok := sitemapURLs(t, srv)[srv.URL+victim.Path]; ok {
		t.Error("a sitemap still lists the removed publication")
	}
	for _, tr := range s.Truth() {
		f := get(t, srv.URL+tr.Path)
		if bytes.Contains(f.body, []byte(victim.Path)) {
			t.Errorf("%s still links to the removed %s", tr.Path, victim.Path)
		}
		changed := f.header.Get("ETag") != etags[tr.Path]
		if want := slices.Contains(referrers, tr.Path); changed != want {
			t.Errorf("%s: ETag changed %v, want %v (its related block showed the removed page: %v)", tr.Path, changed, want, want)
		}
	}
	checkListingLinks(t, s, srv)

	s.Restore(123)
	if f := get(t, srv.URL+victim.Path); f.status != http.StatusOK {
		t.Errorf("GET %s after Restore: status %d", victim.Path, f.status)
	}
	if got, ok := truthAt(s, 123); !ok || got.Summary != victim.Summary || got.Path != victim.Path {
		t.Errorf("Restore: truth %+v, want %+v", got, victim)
	}
	if _, ok := sitemapURLs(t, srv)[srv.URL+victim.Path]; !ok {
		t.Error("no sitemap lists the restored publication")
	}
	for _, p := range referrers {
		if !bytes.Contains(get(t, srv.URL+p).body, []byte(victim.Path)) {
			t.Errorf("%s: the restored publication is not back in its related block", p)
		}
	}
}

func TestAdd(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s, srv := serve(t, sitegen.Options{Pages: 150, Seed: 23, Now: clock.Now})
	before := get(t, srv.URL+"/resources/").header.Get("ETag")
	i := s.Add()
	if i != 150 || s.Len() != 151 {
		t.Fatalf("Add() = %d, Len() = %d; want 150, 151", i, s.Len())
	}
	tr, ok := truthAt(s, i)
	if !ok {
		t.Fatal("Truth lacks the added publication")
	}
	if tr.Published != "2026-03-01" && len(tr.Published) != 4 {
		t.Errorf("added publication Published = %q", tr.Published)
	}
	if f := get(t, srv.URL+tr.Path); f.status != http.StatusOK {
		t.Errorf("GET %s: status %d", tr.Path, f.status)
	}
	first := get(t, srv.URL+"/resources/")
	if first.header.Get("ETag") == before {
		t.Error("the first listing page's ETag did not change")
	}
	var listed []string
	for _, l := range links(t, srv.URL+"/resources/", first.body) {
		if strings.HasPrefix(l, srv.URL+"/resource/") && !slices.Contains(listed, l) {
			listed = append(listed, l)
		}
	}
	if len(listed) == 0 || listed[0] != srv.URL+tr.Path {
		t.Errorf("first listing page starts with %q, want the added %s", listed[:min(1, len(listed))], tr.Path)
	}
	home := get(t, srv.URL+"/")
	if !bytes.Contains(home.body, []byte(srv.URL+tr.Path)) {
		t.Error("the home page does not show the added publication")
	}
	for _, cat := range tr.Categories {
		p := "/resource-type/" + strings.ToLower(strings.ReplaceAll(cat, " ", "-")) + "/"
		if !bytes.Contains(get(t, srv.URL+p).body, []byte(srv.URL+tr.Path)) {
			t.Errorf("%s does not show the added publication", p)
		}
	}
	if _, ok := sitemapURLs(t, srv)[srv.URL+tr.Path]; !ok {
		t.Error("no sitemap lists the added publication")
	}
	checkListingLinks(t, s, srv)
}

func TestCalendarTrap(t *testing.T) {
	_, srv := serve(t, sitegen.Options{Pages: 20, Seed: 29})
	next := srv.URL + "/events/"
	seen := map[string]bool{}
	for range 30 {
		if seen[next] {
			t.Fatalf("calendar came back to %s", next)
		}
		seen[next] = true
		f := get(t, next)
		if f.status != http.StatusOK {
			t.Fatalf("GET %s: status %d", next, f.status)
		}
		m := regexp.MustCompile(`class="ai1ec-next-page ai1ec-load-view" href="([^"]+)"`).FindSubmatch(f.body)
		if m == nil {
			t.Fatalf("%s: no next link", next)
		}
		next = string(m[1])
	}
	if robots := get(t, srv.URL+"/robots.txt"); bytes.Contains(robots.body, []byte("events")) {
		t.Error("robots.txt warns about the calendar: the trap must be open")
	}
}

func TestCounts(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 50, Seed: 31})
	tr := s.Truth()[0]
	f := get(t, srv.URL+tr.Path)
	get(t, srv.URL+tr.Path)
	get(t, srv.URL+tr.Path, "If-None-Match", f.header.Get("ETag"))
	get(t, srv.URL+"/resources/")
	get(t, srv.URL+"/resources/")
	get(t, srv.URL+"/sitemap_index.xml")
	get(t, srv.URL+"/resource/no-such-thing/")
	get(t, srv.URL+"/robots.txt")
	c := s.Counts()
	want := sitegen.Counts{
		Publication: sitegen.KindCounts{Requests: 4, OK: 2, NotModified: 1, NotFound: 1, Duplicates: 2},
		Listing:     sitegen.KindCounts{Requests: 2, OK: 2, Duplicates: 1},
		Sitemap:     sitegen.KindCounts{Requests: 1, OK: 1},
		Other:       sitegen.KindCounts{Requests: 1, OK: 1},
		Total:       sitegen.KindCounts{Requests: 8, OK: 6, NotModified: 1, NotFound: 1, Duplicates: 3},
	}
	for _, k := range []*sitegen.KindCounts{&c.Publication, &c.Listing, &c.Sitemap, &c.Other, &c.Total} {
		if k.Bytes <= 0 {
			t.Errorf("no bytes counted: %+v", c)
		}
		k.Bytes = 0
	}
	if c != want {
		t.Errorf("Counts() =\n%+v\nwant\n%+v", c, want)
	}
	s.ResetCounts()
	get(t, srv.URL+tr.Path)
	if c := s.Counts(); c.Total.Requests != 1 || c.Total.Duplicates != 0 {
		t.Errorf("after ResetCounts: %+v", c.Total)
	}
}

// TestConcurrentServing serves while the site changes; run with -race.
func TestConcurrentServing(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Pages: 300, Seed: 37, Gzip: true})
	paths := []string{"/", "/resources/", "/resources/page/5/", "/tag/global/", "/sitemap_index.xml", "/resource-sitemap-1.xml", "/feed/"}
	for _, tr := range s.Truth() {
		paths = append(paths, tr.Path)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range 60 {
				p := paths[r.IntN(len(paths))]
				resp, err := client.Get(srv.URL + p)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
					errs <- fmt.Errorf("GET %s: status %d", p, resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Go(func() {
		r := rand.New(rand.NewPCG(99, 1))
		for range 40 {
			i := r.IntN(s.Len())
			switch r.IntN(4) {
			case 0:
				s.Edit(i)
			case 1:
				s.Remove(i)
			case 2:
				s.Restore(i)
			default:
				s.Add()
			}
			s.Truth()
			s.Counts()
			s.ListingPaths(5)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if c := s.Counts(); c.Total.Requests != 8*60 {
		t.Errorf("Counts().Total.Requests = %d, want %d", c.Total.Requests, 8*60)
	}
}

// TestExtractorAgreesWithTruth runs harvest's extractor over a sample of
// publication pages and compares its record with the site's truth.
func TestExtractorAgreesWithTruth(t *testing.T) {
	s, srv := serve(t, sitegen.Options{Seed: 41})
	truth := s.Truth()
	r := rand.New(rand.NewPCG(41, 41))
	for range 50 {
		tr := truth[r.IntN(len(truth))]
		u := srv.URL + tr.Path
		f := get(t, u)
		res, err := extract.Page(u, f.body, "text/html; charset=utf-8", extract.Rules{})
		if err != nil {
			t.Errorf("%s: %v", tr.Path, err)
			continue
		}
		if res.Kind != extract.KindPublication {
			t.Errorf("%s: Kind = %v (%s), want a publication", tr.Path, res.Kind, res.Reason)
			continue
		}
		p := res.Publication
		if p.Title != tr.Title {
			t.Errorf("%s: Title = %q, want %q", tr.Path, p.Title, tr.Title)
		}
		if p.Summary != tr.Summary {
			t.Errorf("%s: Summary =\n%q\nwant\n%q", tr.Path, p.Summary, tr.Summary)
		}
		if !slices.Equal(p.Categories, tr.Categories) {
			t.Errorf("%s: Categories = %q, want %q", tr.Path, p.Categories, tr.Categories)
		}
		if !slices.Equal(p.Tags, tr.Tags) && len(p.Tags)+len(tr.Tags) > 0 {
			t.Errorf("%s: Tags = %q, want %q", tr.Path, p.Tags, tr.Tags)
		}
		var got, want []string
		for _, d := range p.Downloads {
			got = append(got, d.URL+" "+d.Label+" "+d.MediaType)
		}
		for _, d := range tr.Downloads {
			want = append(want, srv.URL+d.Path+" "+d.Label+" "+d.MediaType)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Downloads = %q, want %q", tr.Path, got, want)
		}
		if p.Publisher != tr.Publisher {
			t.Errorf("%s: Publisher = %q, want %q", tr.Path, p.Publisher, tr.Publisher)
		}
		if p.Published != tr.Published {
			t.Errorf("%s: Published = %q, want %q", tr.Path, p.Published, tr.Published)
		}
		if p.Language != tr.Language {
			t.Errorf("%s: Language = %q, want %q", tr.Path, p.Language, tr.Language)
		}
	}
	// Listing pages are never publications.
	for _, p := range s.ListingPaths(10) {
		u := srv.URL + p
		res, err := extract.Page(u, get(t, u).body, "text/html; charset=utf-8", extract.Rules{})
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if res.Kind == extract.KindPublication {
			t.Errorf("%s: a listing page taken for a publication (%s)", p, res.Reason)
		}
	}
}

// discard is a ResponseWriter that keeps only the status and the size:
// the benchmark measures the handler, not a network or a recorder.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(status int)      { d.status = status }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// BenchmarkServe measures the server's cost per response: rendering,
// compression and bookkeeping, without the network.
func BenchmarkServe(b *testing.B) {
	s := sitegen.New(sitegen.Options{Seed: 1, Gzip: true})
	h := s.Handler()
	truth := s.Truth()
	listings := s.ListingPaths(200)
	for _, c := range []struct {
		name, enc string
		paths     []string
		header    string // If-None-Match taken from a first response
	}{
		{"publication/identity", "identity", nil, ""},
		{"publication/gzip", "gzip", nil, ""},
		{"publication/304", "gzip", nil, "If-None-Match"},
		{"listing/identity", "identity", listings, ""},
		{"listing/gzip", "gzip", listings, ""},
		{"sitemap/gzip", "gzip", []string{"/resource-sitemap-2.xml"}, ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			paths := c.paths
			if paths == nil {
				for _, tr := range truth {
					paths = append(paths, tr.Path)
				}
			}
			reqs := make([]*http.Request, len(paths))
			for i, p := range paths {
				reqs[i] = httptest.NewRequest(http.MethodGet, "http://example.test"+p, nil)
				reqs[i].Header.Set("Accept-Encoding", c.enc)
				if c.header != "" {
					d := &discard{h: http.Header{}}
					h.ServeHTTP(d, reqs[i])
					reqs[i].Header.Set(c.header, d.h.Get("ETag"))
				}
			}
			d := &discard{h: http.Header{}}
			var wire int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				clear(d.h)
				d.n = 0
				h.ServeHTTP(d, reqs[i%len(reqs)])
				wire += d.n
			}
			b.ReportMetric(float64(wire)/float64(b.N), "wire-B/op")
		})
	}
}

// BenchmarkNew measures generating a 50,000-publication site, and the
// memory the site keeps (retained-B/page).
func BenchmarkNew(b *testing.B) {
	const pages = 50_000
	var before, after runtime.MemStats
	var s *sitegen.Site
	for b.Loop() {
		s = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		s = sitegen.New(sitegen.Options{Pages: pages, Seed: 1})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/pages, "retained-B/page")
	runtime.KeepAlive(s)
}
