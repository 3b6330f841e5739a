package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/charmap"

	"harvest"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".html"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPageErrors(t *testing.T) {
	page := []byte("<html><body><h1>x</h1></body></html>")
	tests := []struct {
		name, url, ct string
		body          []byte
		rules         Rules
	}{
		{"empty body", "https://example.org/", "", nil, Rules{}},
		{"blank body", "https://example.org/", "", []byte(" \n\t "), Rules{}},
		{"relative URL", "/page", "", page, Rules{}},
		{"ftp URL", "ftp://example.org/x", "", page, Rules{}},
		{"bad URL", "http://[::1", "", page, Rules{}},
		{"PDF", "https://example.org/a.pdf", "application/pdf", []byte("%PDF-1.7 ..."), Rules{}},
		{"binary", "https://example.org/", "", []byte("GIF89a\x00\x01\x00\x00"), Rules{}},
		{"bad selector", "https://example.org/", "", page, Rules{Title: "h1[["}},
		{"bad remove selector", "https://example.org/", "", page, Rules{Remove: []string{"div >"}}},
	}
	for _, tt := range tests {
		if res, err := Page(tt.url, tt.body, tt.ct, tt.rules); err == nil {
			t.Errorf("%s: Page = %+v, want an error", tt.name, res)
		}
	}
}

func TestDecode(t *testing.T) {
	win1250, err := charmap.Windows1250.NewEncoder().String("Zpráva o pracovních podmínkách – Łódź")
	if err != nil {
		t.Fatal(err)
	}
	latin1, err := charmap.ISO8859_1.NewEncoder().String("Straße für Arbeit")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ct string
		body     []byte
		want     string
	}{
		{"utf-8", "", []byte("<p>Café – naïve</p>"), "Café – naïve"},
		{"utf-8 BOM", "", []byte("\xef\xbb\xbf<p>Café</p>"), "Café"},
		{"header", "text/html; charset=ISO-8859-1", []byte("<p>" + latin1 + "</p>"), "Straße für Arbeit"},
		{"header beats meta", "text/html; charset=iso-8859-1", []byte(`<meta charset="utf-8"><p>` + latin1 + "</p>"), "Straße für Arbeit"},
		{"meta after 1024 bytes", "", []byte("<!--" + strings.Repeat("x", 2000) + `--><meta charset="windows-1250"><p>` + win1250 + "</p>"), "Zpráva o pracovních podmínkách – Łódź"},
		{"undeclared 8-bit", "", []byte("<p>" + latin1 + "</p>"), "Straße für Arbeit"},
		{"invalid utf-8 declared", "text/html; charset=utf-8", []byte("<p>ok \xff\xfe bytes</p>"), "ok ÿþ bytes"},
		{"meta utf-16 in an ascii page", "", []byte(`<meta charset="utf-16"><p>Café</p>`), "Café"},
		{"meta naming the replacement encoding", "", []byte(`<meta charset="iso-2022-kr"><p>Café</p>`), "Café"},
		{"windows-1253 undefined byte", "text/html; charset=windows-1253", []byte("<p>\xc1\xaa\xe8\xde\xed\xe1</p>"), "Αθήνα"},
		{"utf-16", "", append([]byte{0xff, 0xfe}, utf16le("<p>Hi é</p>")...), "Hi é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := parse(tt.body, tt.ct)
			if err != nil {
				t.Fatal(err)
			}
			if got := nodeText(findBody(goquery.NewDocumentFromNode(root)).Nodes[0]); got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func utf16le(s string) []byte {
	var b bytes.Buffer
	for _, r := range s {
		b.WriteByte(byte(r))
		b.WriteByte(byte(r >> 8))
	}
	return b.Bytes()
}

// TestInvalidBytesNeverReachFields feeds a page of broken UTF-8 declared
// as UTF-8 and checks every field.
func TestInvalidBytesNeverReachFields(t *testing.T) {
	body := []byte("<html lang=\"en\"><body class=\"single\"><h1>Bad \xc3\x28 title\x01</h1><p>A paragraph with \xff broken bytes and \x00 a NUL, long enough to count as a summary of its own content here.</p><p>Tags: a\xfe, b</p></body></html>")
	res, err := Page("https://example.org/x", body, "text/html; charset=utf-8", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	checkUTF8Lenient(t, res)
}

// checkUTF8Lenient fails when a field or link of res is not valid UTF-8
// or holds a control character or U+FFFD.
func checkUTF8Lenient(t *testing.T, res *Result) {
	t.Helper()
	p := res.Publication
	all := []string{p.URL, p.CanonicalURL, p.Title, p.Summary, p.Publisher, p.Published, p.Language, p.Image, p.SiteName, p.Type}
	all = append(all, p.Categories...)
	all = append(all, p.Tags...)
	all = append(all, p.Authors...)
	for _, d := range p.Downloads {
		all = append(all, d.URL, d.Label, d.MediaType)
	}
	all = append(all, res.Links...)
	for _, s := range all {
		if !isCleanText(s) {
			t.Errorf("field holds invalid text: %q", s)
		}
	}
}

func isCleanText(s string) bool {
	return strings.ToValidUTF8(s, "") == s && !strings.ContainsFunc(s, isControl) && !strings.ContainsRune(s, '\uFFFD')
}

func TestRules(t *testing.T) {
	body := readFixture(t, "seed-resource")
	const u = "https://coalition.example.org/resource/forced-labour-at-sea/"
	t.Run("ItemURL miss", func(t *testing.T) {
		res, err := Page(u, body, "", Rules{ItemURL: regexp.MustCompile(`/publication/`)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind == KindPublication {
			t.Errorf("Kind = %s (%s), want not a publication", res.Kind, res.Reason)
		}
	})
	t.Run("ItemURL match on a listing", func(t *testing.T) {
		res, err := Page("https://coalition.example.org/resource-type/guidance/", readFixture(t, "wp-category"), "", Rules{ItemURL: regexp.MustCompile(`/resource-type/`)})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Kind, KindPublication; got != want {
			t.Errorf("Kind = %s, want %s", got, want)
		}
		if got, want := res.Reason, "rules: URL matches the item pattern"; got != want {
			t.Errorf("Reason = %q, want %q", got, want)
		}
	})
	t.Run("Item selector", func(t *testing.T) {
		res, err := Page(u, body, "", Rules{Item: "article.type-resource .entry-content"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Kind, KindPublication; got != want {
			t.Errorf("Kind = %s, want %s", got, want)
		}
		res, err = Page(u, body, "", Rules{Item: "div.no-such-thing"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind == KindPublication {
			t.Errorf("Kind = %s with an absent item selector", res.Kind)
		}
	})
	t.Run("field selectors", func(t *testing.T) {
		page := []byte(`<html><body class="single"><div class="pub">
<h1>Generic heading</h1>
<h2 class="t">Custom  Title</h2>
<div class="s">The summary a source rule points at, which is not the first paragraph of the page.</div>
<span class="c">Cat A</span><span class="c">Cat B</span>
<span class="g">Tag A</span><span class="g">Tag B</span><span class="g">tag a</span>
<div class="files"><a href="/x/report">Report file</a> <a href="/x/annex.xlsx" title="Annex"></a></div>
<span class="p">Custom Publisher</span>
<span class="d">4 May 2020</span>
<div class="ad">Advert text</div>
<p>A generic paragraph that the generic rule would take as the summary of the page if no rule said otherwise.</p>
<p>Tags: generic</p>
</div></body></html>`)
		res, err := Page("https://example.org/p/1", page, "", Rules{
			Title: ".t", Summary: ".s", Categories: ".c", Tags: ".g", Downloads: ".files",
			Publisher: ".p", Published: ".d", Remove: []string{".ad"}, Content: ".pub",
		})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Publication
		if got, want := p.Title, "Custom Title"; got != want {
			t.Errorf("Title = %q, want %q", got, want)
		}
		if got, want := p.Summary, "The summary a source rule points at, which is not the first paragraph of the page."; got != want {
			t.Errorf("Summary = %q, want %q", got, want)
		}
		if got, want := strings.Join(p.Categories, "|"), "Cat A|Cat B"; got != want {
			t.Errorf("Categories = %q, want %q", got, want)
		}
		if got, want := strings.Join(p.Tags, "|"), "Tag A|Tag B"; got != want {
			t.Errorf("Tags = %q, want %q", got, want)
		}
		if got, want := js(p.Downloads), js([]harvest.Download{
			{URL: "https://example.org/x/report", Label: "Report file"},
			{URL: "https://example.org/x/annex.xlsx", Label: "Annex", MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		}); got != want {
			t.Errorf("Downloads = %s, want %s", got, want)
		}
		if got, want := p.Publisher, "Custom Publisher"; got != want {
			t.Errorf("Publisher = %q, want %q", got, want)
		}
		if got, want := p.Published, "2020-05-04"; got != want {
			t.Errorf("Published = %q, want %q", got, want)
		}
		if got, want := strings.Join(res.Noise, "|"), "removed by source rules"; got != want {
			t.Errorf("Noise = %q, want %q", got, want)
		}
	})
	t.Run("selectors matching nothing fall back", func(t *testing.T) {
		res, err := Page(u, body, "", Rules{Title: ".nothing", Tags: ".nothing", Summary: ".nothing"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Publication.Title, "Forced Labour at Sea: Evidence from Seafood Supply Chains"; got != want {
			t.Errorf("Title = %q, want %q", got, want)
		}
	})
}

func TestCardListing(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><body><h1>Publications</h1><div class="grid">`)
	for _, slug := range []string{"a", "b", "c", "d"} {
		b.WriteString(`<a class="card" href="/pubs/` + slug + `/"><h3>Report ` + slug + `</h3><p>A short description of the report.</p></a>`)
	}
	b.WriteString(`</div></body></html>`)
	res, err := Page("https://example.org/pubs/", []byte(b.String()), "", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Kind, KindListing; got != want {
		t.Errorf("Kind = %s (%s), want %s", got, res.Reason, want)
	}
	if got, want := len(res.Links), 4; got != want {
		t.Errorf("len(Links) = %d, want %d", got, want)
	}
}

// TestRelatedBlocks checks that each form of related block is stripped
// as noise and that nothing of it reaches the fields.
func TestRelatedBlocks(t *testing.T) {
	const own = `<h1 class="entry-title">Own Title</h1><div class="entry-content"><p>The page's own summary is long enough to be a real paragraph of its own content, written for this test.</p><p>Tags: Own</p></div>`
	tests := []struct{ name, block, noise string }{
		{"heading you may also like", `<h4>You may also like</h4><ul><li><a href="/r/1">One</a> Tags: Global</li><li><a href="/r/2">Two</a></li></ul>`, "related resources block (2 items)"},
		{"heading more publications", `<div><h2>More publications:</h2></div><div class="grid"><p><a href="/r/1">One</a></p><p>TAGS: Global</p><p><a href="/r/2">Two</a></p></div>`, "related resources block (2 items)"},
		{"class yarpp", `<div class="yarpp yarpp-related"><ol><li><a href="/r/1">One</a><br>Tags: Global</li><li><a href="/r/2">Two</a></li><li><a href="/r/3">Three</a></li></ol></div>`, "related resources block (3 items)"},
		{"teasers", `<div class="loop"><div><h3><a href="/r/1">One</a></h3><p>Excerpt one...<a href="/r/1">Read More</a></p><p>TAGS: Global</p></div><div><h3><a href="/r/2">Two</a></h3><p>TAGS: Global</p></div></div>`, "related resources block (2 items)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><body class="single postid-1"><article class="hentry">` + own + tt.block + `</article></body></html>`
			res, err := Page("https://example.org/own/", []byte(page), "", Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(res.Publication.Tags, "|"), "Own"; got != want {
				t.Errorf("Tags = %q, want %q", got, want)
			}
			if got := strings.Join(res.Noise, "|"); got != tt.noise {
				t.Errorf("Noise = %q, want %q", got, tt.noise)
			}
			if got, want := res.Publication.Title, "Own Title"; got != want {
				t.Errorf("Title = %q, want %q", got, want)
			}
		})
	}
}
