package demosite

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

type xmlLoc struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// sitemapURLs reads robots.txt, the sitemap index and its sitemaps.
func sitemapURLs(t *testing.T, srv *httptest.Server) []string {
	t.Helper()
	robots := get(t, srv, "/robots.txt")
	var sitemap string
	for _, line := range strings.Split(robots.text, "\n") {
		if v, ok := strings.CutPrefix(line, "Sitemap: "); ok {
			sitemap = v
		}
	}
	if sitemap != srv.URL+"/sitemap_index.xml" {
		t.Fatalf("robots.txt Sitemap = %q", sitemap)
	}
	var index struct {
		XMLName  xml.Name `xml:"sitemapindex"`
		Sitemaps []xmlLoc `xml:"sitemap"`
	}
	p, _ := sitePath(srv, sitemap)
	if err := xml.Unmarshal(get(t, srv, p).raw, &index); err != nil {
		t.Fatalf("sitemap index: %v", err)
	}
	if len(index.Sitemaps) != 2 {
		t.Fatalf("sitemap index lists %d sitemaps, want 2", len(index.Sitemaps))
	}
	var out []string
	for _, sm := range index.Sitemaps {
		if sm.LastMod == "" {
			t.Errorf("sitemap %s: no lastmod", sm.Loc)
		}
		p, ok := sitePath(srv, sm.Loc)
		if !ok {
			t.Fatalf("sitemap %s is not on the site", sm.Loc)
		}
		var set struct {
			XMLName xml.Name `xml:"urlset"`
			URLs    []xmlLoc `xml:"url"`
		}
		if err := xml.Unmarshal(get(t, srv, p).raw, &set); err != nil {
			t.Fatalf("sitemap %s: %v", sm.Loc, err)
		}
		for _, u := range set.URLs {
			out = append(out, u.Loc)
		}
	}
	return out
}

func TestRobotsAndSitemaps(t *testing.T) {
	srv := serve(t)
	robots := get(t, srv, "/robots.txt")
	for _, line := range []string{"User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php", "Disallow: /private/"} {
		if !slices.Contains(strings.Split(robots.text, "\n"), line) {
			t.Errorf("robots.txt lacks %q", line)
		}
	}
	if strings.Contains(robots.text, "/events") {
		t.Errorf("robots.txt mentions the calendar; the trap must be found by the crawler itself")
	}
	urls := sitemapURLs(t, srv)
	for _, u := range urls {
		p, ok := sitePath(srv, u)
		if !ok {
			t.Errorf("sitemap URL %s not on the site", u)
			continue
		}
		if strings.HasPrefix(p, "/private/") {
			t.Errorf("sitemap lists the disallowed %s", p)
		}
		if f := get(t, srv, p); f.status != http.StatusOK {
			t.Errorf("sitemap URL %s: status %d", u, f.status)
		}
	}
	for _, e := range Truth() {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			if !slices.Contains(urls, srv.URL+u) {
				t.Errorf("sitemap lacks %s", u)
			}
		}
	}
	if f := get(t, srv, "/sitemap.xml"); f.status != http.StatusMovedPermanently || f.header.Get("Location") != "/sitemap_index.xml" {
		t.Errorf("/sitemap.xml: %d to %q, want a redirect to the index", f.status, f.header.Get("Location"))
	}
}

// crawl is a tiny polite crawler: breadth first from "/", same host,
// robots.txt's disallowed prefixes and documents not fetched, the calendar
// not followed past its first page. It returns the pages fetched and every
// URL seen in a link.
func crawl(t *testing.T, srv *httptest.Server) (fetchedPaths, linked map[string]bool) {
	t.Helper()
	fetchedPaths, linked = map[string]bool{}, map[string]bool{}
	queue := []string{"/"}
	linked["/"] = true
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if len(fetchedPaths) > 400 {
			t.Fatalf("crawl did not end after 400 pages")
		}
		f := get(t, srv, p)
		fetchedPaths[p] = true
		if f.status != http.StatusOK {
			t.Errorf("link to %s: status %d", p, f.status)
			continue
		}
		for _, l := range links(parse(t, f.text), srv.URL+p) {
			lp, ok := sitePath(srv, l)
			if !ok || linked[lp] {
				continue
			}
			linked[lp] = true
			switch {
			case strings.HasPrefix(lp, "/wp-admin/"), strings.HasPrefix(lp, "/private/"),
				strings.HasPrefix(lp, "/events/action~"), strings.HasPrefix(lp, "/wp-content/"),
				path.Ext(lp) != "":
				continue
			}
			queue = append(queue, lp)
		}
	}
	return fetchedPaths, linked
}

func TestReachability(t *testing.T) {
	srv := serve(t)
	fetchedPaths, linked := crawl(t, srv)
	inSitemap := map[string]bool{}
	for _, u := range sitemapURLs(t, srv) {
		p, _ := sitePath(srv, u)
		inSitemap[p] = true
	}
	var sitemapOnly []string
	for _, e := range Truth() {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			switch {
			case fetchedPaths[u]:
			case inSitemap[u]:
				sitemapOnly = append(sitemapOnly, u)
			default:
				t.Errorf("%s reachable neither by links from / nor by the sitemap", u)
			}
		}
		for _, u := range e.AltURLs {
			if !fetchedPaths[u] {
				t.Errorf("second slug %s not reachable by links", u)
			}
		}
	}
	if len(sitemapOnly) < 2 || len(sitemapOnly) > 3 {
		t.Errorf("sitemap-only publications %q: want 2 or 3", sitemapOnly)
	}
	var private bool
	for l := range linked {
		if strings.HasPrefix(l, "/private/") {
			private = true
			if f := get(t, srv, l); f.status != http.StatusOK || !strings.Contains(f.text, "single-resource") {
				t.Errorf("%s: want a publication-looking page behind the disallowed link", l)
			}
		}
		if strings.HasPrefix(l, "/wp-content/uploads/") {
			if f := get(t, srv, l); f.status != http.StatusOK {
				t.Errorf("document link %s: status %d", l, f.status)
			}
		}
	}
	if !private {
		t.Errorf("no page links into /private/")
	}
	for _, p := range ListingPaths() {
		if !fetchedPaths[p] {
			t.Errorf("listing %s not reachable by links", p)
		}
	}
}

func TestListings(t *testing.T) {
	srv := serve(t)
	paths := ListingPaths()
	for _, p := range paths {
		f := get(t, srv, p)
		if f.status != http.StatusOK {
			t.Errorf("GET %s: status %d", p, f.status)
			continue
		}
		doc := parse(t, f.text)
		body := attr(first(doc, tag("body")), "class")
		if !strings.Contains(body, "archive") && !strings.Contains(body, "home") || strings.Contains(body, "single") {
			t.Errorf("%s: body class %q is not a listing's", p, body)
		}
		if strings.Contains(p, "/page/") != strings.Contains(body, "paged") {
			t.Errorf("%s: body class %q and pagination disagree", p, body)
		}
		cards := findAll(doc, class("resource-card"))
		if len(cards) == 0 || len(cards) > perPage {
			t.Errorf("%s: %d teasers", p, len(cards))
		}
	}
	doc := parse(t, get(t, srv, "/resources/").text)
	next := first(doc, class("next"))
	if next == nil || textOf(next) != "Next »" || attr(next, "href") != srv.URL+"/resources/page/2/" {
		t.Errorf("/resources/: no Next » link to page 2")
	}
	if !slices.Contains(paths, "/resources/page/4/") {
		t.Errorf("want the resource archive on at least 4 pages, have %q", paths)
	}
	if f := get(t, srv, "/resources/page/1/"); f.status != http.StatusMovedPermanently {
		t.Errorf("/resources/page/1/: status %d, want a redirect", f.status)
	}
	if f := get(t, srv, "/resource/fair-recruitment-roadmap"); f.status != http.StatusMovedPermanently ||
		f.header.Get("Location") != "/resource/fair-recruitment-roadmap/" {
		t.Errorf("path without slash: %d to %q, want a redirect", f.status, f.header.Get("Location"))
	}
	if f := get(t, srv, "/?s=recruitment"); f.status != http.StatusOK || !strings.Contains(f.text, "search-results") {
		t.Errorf("search: status %d", f.status)
	}
	for _, p := range []string{"/about/", "/contact/", "/privacy-policy/"} {
		if f := get(t, srv, p); f.status != http.StatusOK || !strings.Contains(f.text, "page-id-") {
			t.Errorf("GET %s: status %d", p, f.status)
		}
	}
	if f := get(t, srv, "/contact/"); !strings.Contains(f.text, `<form action="`+srv.URL+`/contact/`) {
		t.Errorf("/contact/ has no form")
	}
}

func TestCalendarTrap(t *testing.T) {
	srv := serve(t)
	p, seen := "/events/", map[string]bool{}
	for i := 0; i < 30; i++ {
		f := get(t, srv, p)
		if f.status != http.StatusOK {
			t.Fatalf("GET %s: status %d", p, f.status)
		}
		seen[p] = true
		next := first(parse(t, f.text), class("ai1ec-next-month"))
		if next == nil || !strings.HasPrefix(textOf(next), "Next month") {
			t.Fatalf("%s: no Next month link", p)
		}
		u, _ := sitePath(srv, attr(next, "href"))
		if !regexp.MustCompile(`^/events/action~month/exact_date~\d+/$`).MatchString(u) || seen[u] {
			t.Fatalf("%s: Next month links to %q", p, u)
		}
		p = u
	}
}

func TestNotFound(t *testing.T) {
	srv := serve(t)
	for _, p := range []string{"/no-such-page/", "/resource/no-such-publication/", "/resources/page/99/",
		"/resources/page/0/", "/tag/no-such-tag/", "/resource-type/nope/", "/resource/", "/private/other/",
		"/wp-content/uploads/2020/01/missing.pdf", "/events/action~year/exact_date~1/", "/feed/x"} {
		f := get(t, srv, p)
		if f.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, f.status)
		}
		if ct := f.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(f.text, "error404") {
			t.Errorf("GET %s: not the 404 page (%s)", p, ct)
		}
	}
	if f := get(t, srv, "/wp-admin/"); f.status != http.StatusForbidden {
		t.Errorf("GET /wp-admin/: status %d, want 403", f.status)
	}
}

// TestTemplateVariants makes sure the extractor meets all three ways of
// marking a page's own terms, and the other variations the site promises.
func TestTemplateVariants(t *testing.T) {
	srv := serve(t)
	count := map[string]int{}
	for _, e := range Truth() {
		f := get(t, srv, e.URL)
		marks := map[string]string{
			"theme cat-links":     `rel="category tag"`,
			"run-together header": `class="resource-header__types"`,
			"article:tag metas":   `property="article:section"`,
			"JSON-LD headline":    `"headline":`,
			"leak as <br> block":  "<br>\nnav_menu_item",
			"leak as <div>s":      "<div>nav_menu_item</div>",
			"leak as <p>s":        "<p>nav_menu_item</p>",
			"no date":             "",
			"modified time":       `<time class="updated"`,
		}
		for name, m := range marks {
			if m != "" && strings.Contains(f.text, m) {
				count[name]++
			}
		}
		if !strings.Contains(f.text, "article:published_time") {
			count["no date"]++
		}
	}
	for name, n := range count {
		if n < 2 {
			t.Errorf("%s: %d pages, want at least 2", name, n)
		}
	}
	if len(count) != 9 {
		t.Errorf("variations present: %v", count)
	}
}
