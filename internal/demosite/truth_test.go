package demosite

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

var (
	publishedRE = regexp.MustCompile(`^\d{4}(-\d{2}-\d{2})?$`)
	// hyphenRE finds a hyphen followed by a space: a hyphenation break,
	// or a suspended hyphen when the next word is "and" or "or".
	hyphenRE = regexp.MustCompile(`\w- (\w+)`)
)

func suspendedHyphens(s string) int {
	n := 0
	for _, m := range hyphenRE.FindAllStringSubmatch(s, -1) {
		if m[1] == "and" || m[1] == "or" {
			n++
		}
	}
	return n
}

func TestTruthShape(t *testing.T) {
	truth := Truth()
	if len(truth) < 32 {
		t.Fatalf("len(Truth()) = %d, want at least 32", len(truth))
	}
	seen := map[string]bool{}
	var alts, multiCat, noTags, twoDownloads, suspended, dateOnlyYear int
	for _, e := range truth {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			if seen[u] {
				t.Errorf("URL %s listed twice", u)
			}
			seen[u] = true
			if !strings.HasPrefix(u, "/resource/") || !strings.HasSuffix(u, "/") {
				t.Errorf("URL %s is not a /resource/<slug>/ path", u)
			}
		}
		alts += len(e.AltURLs)
		if e.Title == "" || e.Summary == "" || e.Publisher == "" || len(e.Categories) == 0 || len(e.Downloads) == 0 {
			t.Errorf("%s: incomplete entry %+v", e.URL, e)
		}
		if got, want := e.Language, "en"; got != want {
			t.Errorf("%s: Language = %q, want %q", e.URL, got, want)
		}
		if !publishedRE.MatchString(e.Published) {
			t.Errorf("%s: Published = %q, want YYYY or YYYY-MM-DD", e.URL, e.Published)
		}
		if e.Summary != norm(e.Summary) {
			t.Errorf("%s: Summary white space not normalised", e.URL)
		}
		// The only "- " left in a clean summary is a suspended hyphen.
		for _, m := range hyphenRE.FindAllStringSubmatch(e.Summary, -1) {
			if m[1] != "and" && m[1] != "or" {
				t.Errorf("%s: Summary keeps a hyphenation break %q", e.URL, m[0])
			}
			suspended++
		}
		if len(e.Categories) > 1 {
			multiCat++
		}
		if len(e.Tags) == 0 {
			noTags++
		}
		if len(e.Downloads) > 1 {
			twoDownloads++
		}
		if len(e.Published) == 4 {
			dateOnlyYear++
		}
		for _, d := range e.Downloads {
			if got, want := d.MediaType, mediaType(d.URL); got != want {
				t.Errorf("%s: download %s MediaType = %q, want %q", e.URL, d.URL, got, want)
			}
		}
	}
	if alts != 1 {
		t.Errorf("%d alternative URLs, want exactly 1 (one publication under two slugs)", alts)
	}
	for name, n := range map[string]int{"several categories": multiCat, "no tags": noTags, "two downloads": twoDownloads,
		"suspended hyphens": suspended, "year-only published": dateOnlyYear} {
		if n == 0 {
			t.Errorf("no publication with %s", name)
		}
	}
	if p, l := Stats(); p != len(truth) || l != len(ListingPaths()) {
		t.Errorf("Stats() = %d, %d; want %d, %d", p, l, len(truth), len(ListingPaths()))
	}
}

func TestTruthPagesServeHTML(t *testing.T) {
	srv := serve(t)
	for _, e := range Truth() {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			f := get(t, srv, u)
			if f.status != http.StatusOK {
				t.Errorf("GET %s: status %d, want 200", u, f.status)
			}
			if ct := f.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s: Content-Type %q, want text/html", u, ct)
			}
		}
	}
}

// ownArticle is the page's own <article>: the first one in <main>. The
// related cards are articles too, but in a section after it.
func ownArticle(t *testing.T, doc *html.Node, u string) *html.Node {
	t.Helper()
	main := first(doc, tag("main"))
	if main == nil {
		t.Fatalf("%s: no <main>", u)
	}
	a := first(main, tag("article"))
	if a == nil || !strings.HasPrefix(attr(a, "id"), "post-") {
		t.Fatalf("%s: no post article in <main>", u)
	}
	return a
}

// termLinks returns the names of links under n into /<kind>/.
func termLinks(srv *httptest.Server, n *html.Node, kind string) []string {
	var out []string
	for _, a := range findAll(n, tag("a")) {
		u := links(a, srv.URL+"/")
		if len(u) == 1 && strings.HasPrefix(u[0], srv.URL+"/"+kind+"/") {
			out = append(out, textOf(a))
		}
	}
	return out
}

// TestTruthMatchesPages checks every hand-written expectation against what
// the pages actually show.
func TestTruthMatchesPages(t *testing.T) {
	srv := serve(t)
	var repaired int
	for _, e := range Truth() {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			f := get(t, srv, u)
			doc := parse(t, f.text)
			if got, want := textOf(first(doc, tag("title"))), e.Title+" – "+SiteName; got != want {
				t.Errorf("%s: <title> = %q, want %q", u, got, want)
			}
			if got := metaContent(doc, "og:title"); len(got) != 1 || got[0] != e.Title {
				t.Errorf("%s: og:title = %q, want %q", u, got, e.Title)
			}
			canon := first(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
			if canon == nil || attr(canon, "href") != srv.URL+u {
				t.Errorf("%s: canonical is not the page itself", u)
			}
			if got := attr(first(doc, tag("html")), "lang"); got != "en-US" {
				t.Errorf("%s: lang = %q", u, got)
			}
			if body := attr(first(doc, tag("body")), "class"); !strings.Contains(body, "single ") || !strings.Contains(body, "postid-") {
				t.Errorf("%s: body class %q lacks single/postid", u, body)
			}
			art := ownArticle(t, doc, u)
			if got := textOf(first(art, tag("h1"))); got != e.Title {
				t.Errorf("%s: h1 = %q, want %q", u, got, e.Title)
			}
			content := first(art, func(n *html.Node) bool { return hasClass(n, "entry-content") || hasClass(n, "resource-body") })
			if content == nil {
				t.Fatalf("%s: no content block", u)
			}
			// The summary paragraph as shown, breaks and all, is the
			// expected summary once the breaks are mended.
			shown := textOf(first(content, tag("p")))
			squash := strings.NewReplacer(" ", "", "-", "")
			if squash.Replace(shown) != squash.Replace(e.Summary) {
				t.Errorf("%s: summary on the page\n%q\ndoes not match the expected\n%q", u, shown, e.Summary)
			}
			if got, want := suspendedHyphens(shown), suspendedHyphens(e.Summary); got != want {
				t.Errorf("%s: %d suspended hyphens on the page, %d expected", u, got, want)
			}
			if shown != e.Summary && u == e.URL {
				repaired++
			}
			year := e.Published[:4]
			citation := e.Title + " - " + e.Publisher + ", " + year + " " + e.Downloads[0].Label
			if !strings.Contains(textOf(content), citation) {
				t.Errorf("%s: no citation line %q", u, citation)
			}
			if got := termLinks(srv, art, "resource-type"); !slices.Equal(got, e.Categories) {
				t.Errorf("%s: own categories %q, want %q", u, got, e.Categories)
			}
			if got := termLinks(srv, art, "tag"); !slices.Equal(got, e.Tags) {
				t.Errorf("%s: own tags %q, want %q", u, got, e.Tags)
			}
			for _, d := range e.Downloads {
				found := false
				for _, a := range findAll(content, tag("a")) {
					if l := links(a, srv.URL+u); len(l) == 1 && l[0] == srv.URL+d.URL && textOf(a) == d.Label {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: no link %q to %s in the content", u, d.Label, d.URL)
				}
			}
			pub := metaContent(doc, "article:published_time")
			switch {
			case len(e.Published) == 10 && (len(pub) != 1 || !strings.HasPrefix(pub[0], e.Published)):
				t.Errorf("%s: article:published_time %q, want %s", u, pub, e.Published)
			case len(e.Published) == 4 && len(pub) == 1 && strings.HasPrefix(pub[0], e.Published):
				t.Errorf("%s: published %q is in the citation year: want the full date", u, pub)
			}
		}
	}
	if repaired < 5 {
		t.Errorf("%d summaries carry hyphenation breaks, want at least 5", repaired)
	}
}

func TestDocuments(t *testing.T) {
	srv := serve(t)
	for _, e := range Truth() {
		for _, d := range e.Downloads {
			f := get(t, srv, d.URL)
			if f.status != http.StatusOK {
				t.Errorf("GET %s: status %d", d.URL, f.status)
				continue
			}
			if got := f.header.Get("Content-Type"); got != d.MediaType {
				t.Errorf("GET %s: Content-Type %q, want %q", d.URL, got, d.MediaType)
			}
			if d.MediaType != "application/pdf" {
				continue
			}
			if !bytes.HasPrefix(f.raw, []byte("%PDF-1.")) || !bytes.HasSuffix(f.raw, []byte("%%EOF\n")) {
				t.Errorf("GET %s: not a PDF", d.URL)
			}
			// The xref offsets must point at the objects.
			m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(f.raw)
			if m == nil || !bytes.HasPrefix(f.raw[atoi(t, string(m[1])):], []byte("xref\n")) {
				t.Errorf("GET %s: startxref does not point at the xref table", d.URL)
			}
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("atoi %q: %v", s, err)
	}
	return n
}

func TestRelatedBlocks(t *testing.T) {
	srv := serve(t)
	byURL := map[string]Expected{}
	for _, e := range Truth() {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			byURL[u] = e
		}
	}
	blocks := map[string][]string{}
	for _, e := range Truth() {
		self := append([]string{e.URL}, e.AltURLs...)
		for _, u := range self {
			doc := parse(t, get(t, srv, u).text)
			sec := first(doc, class("related-resources"))
			if sec == nil {
				t.Errorf("%s: no related block", u)
				continue
			}
			cards := findAll(sec, class("resource-card"))
			if len(cards) < 3 || len(cards) > 4 {
				t.Errorf("%s: %d related cards, want 3 or 4", u, len(cards))
			}
			for _, c := range cards {
				l := links(first(c, tag("h3")), srv.URL+u)
				if len(l) != 1 {
					t.Fatalf("%s: related card without a title link", u)
				}
				p, _ := sitePath(srv, l[0])
				blocks[u] = append(blocks[u], p)
				if slices.Contains(self, p) {
					t.Errorf("%s: related block lists the page itself (%s)", u, p)
				}
				other, ok := byURL[p]
				if !ok {
					t.Errorf("%s: related card links to %s, not a publication", u, p)
					continue
				}
				if got, want := textOf(first(c, class("resource-card__types"))), strings.Join(other.Categories, ""); got != want {
					t.Errorf("%s: related types %q, want them run together as %q", u, got, want)
				}
				ex := first(c, class("resource-card__excerpt"))
				if txt := textOf(ex); !strings.HasSuffix(txt, "...Read More") {
					t.Errorf("%s: related teaser %q does not end in ...Read More", u, txt)
				}
				if rm := links(first(ex, tag("a")), srv.URL+u); len(rm) != 1 || rm[0] != l[0] {
					t.Errorf("%s: Read More links to %q, want %s", u, rm, l[0])
				}
				var tags string
				if tl := first(c, class("resource-card__tags")); tl != nil {
					tags = textOf(tl)
				}
				if want := "TAGS: " + strings.Join(other.Tags, ", "); len(other.Tags) > 0 && tags != want || len(other.Tags) == 0 && tags != "" {
					t.Errorf("%s: related TAGS line %q, want the other publication's %q", u, tags, want)
				}
			}
		}
		if len(e.AltURLs) > 0 && slices.Equal(blocks[e.URL], blocks[e.AltURLs[0]]) {
			t.Errorf("%s and %s: identical related blocks, want them slightly different", e.URL, e.AltURLs[0])
		}
	}
}

func TestWindows1252Page(t *testing.T) {
	srv := serve(t)
	var pages []string
	for _, e := range Truth() {
		for _, u := range append([]string{e.URL}, e.AltURLs...) {
			f := get(t, srv, u)
			if !strings.Contains(f.header.Get("Content-Type"), "windows-1252") {
				if !utf8.Valid(f.raw) {
					t.Errorf("%s: served as UTF-8 but not valid UTF-8", u)
				}
				continue
			}
			pages = append(pages, u)
			if utf8.Valid(f.raw) {
				t.Errorf("%s: windows-1252 bytes are valid UTF-8: wrong decoding would not show", u)
			}
			if !bytes.Contains(f.raw, []byte(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">`)) {
				t.Errorf("%s: no http-equiv charset declaration", u)
			}
			if !strings.Contains(f.text, e.Title) {
				t.Errorf("%s: decoded text lacks the title %q", u, e.Title)
			}
			for _, s := range []string{"“", "”", "’", "–", "é", "ü"} {
				if !strings.Contains(e.Title+e.Summary, s) || !strings.Contains(f.text, s) {
					t.Errorf("%s: %q missing from the page's own text", u, s)
				}
			}
		}
	}
	if want := []string{"/resource/seasonal-workers-rights-agriculture-pilots/"}; !slices.Equal(pages, want) {
		t.Errorf("windows-1252 pages = %q, want %q", pages, want)
	}
}
