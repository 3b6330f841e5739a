package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"harvest"
)

// The page's own dates (posted, modified) and the links to the
// publication elsewhere (external_links), through the API, the pages and
// the feed.

func TestAPIPageDatesAndLinks(t *testing.T) {
	f := newFixture(t)
	want, err := f.db.Get(t.Context(), f.plain)
	if err != nil {
		t.Fatal(err)
	}
	if want.Posted != "2021-03-04" || want.Modified != "2022-11-30" || len(want.ExternalLinks) != 2 {
		t.Fatalf("fixture record = %+v", want)
	}
	var one harvest.Publication
	f.getJSON(t, "/api/publications/"+itoa(f.plain), http.StatusOK, &one)
	var page publicationsPage
	f.getJSON(t, "/api/publications?q=seafarers", http.StatusOK, &page)
	if len(page.Publications) != 1 {
		t.Fatalf("search found %d records, want 1", len(page.Publications))
	}
	for where, got := range map[string]harvest.Publication{"record": one, "list": page.Publications[0]} {
		if got.Posted != want.Posted || got.Modified != want.Modified || !reflect.DeepEqual(got.ExternalLinks, want.ExternalLinks) {
			t.Errorf("%s: posted %q modified %q links %+v, want %q %q %+v", where,
				got.Posted, got.Modified, got.ExternalLinks, want.Posted, want.Modified, want.ExternalLinks)
		}
	}

	// A record without them: no dates, and links [] (never null).
	_, body := f.get(t, "/api/publications/"+itoa(f.gone))
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["posted"]; ok {
		t.Errorf("posted present without a date: %s", body)
	}
	if _, ok := raw["modified"]; ok {
		t.Errorf("modified present without a date: %s", body)
	}
	if got := string(raw["external_links"]); got != "[]" {
		t.Errorf("external_links = %s, want []", got)
	}
	// Hostile labels and URLs are JSON text, with markup escaped.
	_, body = f.get(t, "/api/publications/"+itoa(f.evil))
	if bytes.Contains(body, []byte("<iframe")) || bytes.Contains(body, []byte("<script")) {
		t.Errorf("API record carries raw markup: %s", body)
	}
}

// elsewhereLinks returns the <a> elements of the page's ul.elsewhere
// lists, and the text of their items that are not links.
func elsewhereLinks(t *testing.T, body []byte) (links []*html.Node, unlinked []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "ul" || !slices.Contains(strings.Fields(attr(n, "class")), "elsewhere") {
			continue
		}
		for li := range n.ChildNodes() {
			if li.Type != html.ElementNode {
				continue
			}
			for c := range li.Descendants() {
				if c.Type != html.ElementNode {
					continue
				}
				switch {
				case c.Data == "a":
					links = append(links, c)
				case c.Data == "span" && attr(c, "class") == "unsafe":
					unlinked = append(unlinked, textOf(c))
				}
			}
		}
	}
	return links, unlinked
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func TestPagesShowDatesAndLinks(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
		contains   []string // in the HTML as sent
		links      map[string]string
	}{
		{
			name: "publication page", path: "/publications/" + itoa(f.plain),
			contains: []string{
				`<dt>Posted</dt><dd><time datetime="2021-03-04">4 Mar 2021</time></dd>`,
				`<dt>Modified</dt><dd><time datetime="2022-11-30">30 Nov 2022</time></dd>`,
				"<h2>On other sites</h2>",
				`href="https://publisher.example/reports/ports?a=1&amp;b=2"`,
				"View on the publisher&#39;s website",
			},
			links: map[string]string{
				"https://publisher.example/reports/ports?a=1&b=2": "View on the publisher's website",
				"https://doi.example/10.1/ports":                  "doi.example", // no label: the site
			},
		},
		{
			name: "list", path: "/?source=lantern",
			contains: []string{
				`· posted <time datetime="2021-03-04">4 Mar 2021</time>`,
				`· modified <time datetime="2022-11-30">30 Nov 2022</time>`,
			},
			links: map[string]string{
				"https://publisher.example/reports/ports?a=1&b=2": "View on the publisher's website",
				"https://doi.example/10.1/ports":                  "doi.example",
				// The hostile record's web link is a link, its label text.
				`https://evil.example/r?x=%22%3e%3cscript%3ealert%281%29%3c/script%3e`: evilLinkLabel,
			},
		},
		{
			name: "hostile record's page", path: "/publications/" + itoa(f.evil),
			contains: []string{
				// Not dates: shown as the text they are, escaped.
				`<dt>Posted</dt><dd>2021-03-04&#34;&gt;&lt;script&gt;alert(&#39;posted&#39;)&lt;/script&gt;</dd>`,
				`<dt>Modified</dt><dd>&lt;i&gt;yesterday&lt;/i&gt;</dd>`,
				`&lt;iframe src=&#34;https://evil.example/&#34;&gt;&lt;/iframe&gt; View &amp; &#34;share&#34;`,
			},
			links: map[string]string{
				`https://evil.example/r?x=%22%3e%3cscript%3ealert%281%29%3c/script%3e`: evilLinkLabel,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", tt.path, resp.StatusCode)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'; style-src 'self'") {
				t.Errorf("CSP = %q", csp)
			}
			for _, want := range tt.contains {
				if !bytes.Contains(body, []byte(want)) {
					t.Errorf("page lacks %s", want)
				}
			}
			links, unlinked := elsewhereLinks(t, body)
			got := map[string]string{}
			for _, a := range links {
				got[attr(a, "href")] = textOf(a)
				rel := strings.Fields(attr(a, "rel"))
				if !slices.Contains(rel, "noopener") || !slices.Contains(rel, "nofollow") {
					t.Errorf("link %s: rel %q, want noopener and nofollow", attr(a, "href"), attr(a, "rel"))
				}
				if attr(a, "target") != "" || attr(a, "style") != "" {
					t.Errorf("link %s has target or style attributes", attr(a, "href"))
				}
			}
			if !reflect.DeepEqual(got, tt.links) {
				t.Errorf("links elsewhere = %q, want %q", got, tt.links)
			}
			// The javascript: link of the hostile record: its label as
			// text, not linked.
			if strings.Contains(tt.path, itoa(f.evil)) || tt.path == "/?source=lantern" {
				if !slices.Contains(unlinked, `<script>alert("elsewhere")</script>`) {
					t.Errorf("the javascript: link is not shown unlinked: %q", unlinked)
				}
			}
		})
	}
}

// TestRevisionShowsPageDatesAndLinks: a change of the dates or links is
// shown in the history with the earlier values.
func TestRevisionShowsPageDatesAndLinks(t *testing.T) {
	old := harvest.Publication{Title: "T", Posted: "2021-03-04", ExternalLinks: []harvest.Link{{URL: "https://a.example/", Label: "A"}}}
	tests := []struct {
		name string
		new  harvest.Publication
		want []fieldChange
	}{
		{"same", old, nil},
		{"posted", harvest.Publication{Title: "T", Posted: "2021-03-05", ExternalLinks: old.ExternalLinks},
			[]fieldChange{{"Posted", "2021-03-04"}}},
		{"modified", harvest.Publication{Title: "T", Posted: "2021-03-04", Modified: "2022-01-01", ExternalLinks: old.ExternalLinks},
			[]fieldChange{{"Modified", "(empty)"}}},
		{"links", harvest.Publication{Title: "T", Posted: "2021-03-04"},
			[]fieldChange{{"On other sites", "A https://a.example/"}}},
	}
	for _, tt := range tests {
		if got := changes(old, tt.new); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: changes = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestFeedPublishedIsPosted: an entry is published when its page was
// posted, where the page says; else when the catalogue first saw it. Its
// links elsewhere are related links (web addresses only).
func TestFeedPublishedIsPosted(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/feed.atom?limit=200")
	parseAtom(t, body)
	var doc struct {
		Entries []struct {
			Title     string `xml:"http://www.w3.org/2005/Atom title"`
			Published string `xml:"http://www.w3.org/2005/Atom published"`
			Links     []struct {
				Rel   string `xml:"rel,attr"`
				Href  string `xml:"href,attr"`
				Title string `xml:"title,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	published := map[string]string{}
	related := map[string][]string{}
	for _, e := range doc.Entries {
		published[e.Title] = e.Published
		for _, l := range e.Links {
			if l.Rel == "related" && l.Title != "in the catalogue" {
				related[e.Title] = append(related[e.Title], l.Title+" "+l.Href)
			}
		}
	}
	for title, want := range map[string]string{
		"Ports and seafarers": "2021-03-04T00:00:00Z", // posted
		evilTitle:             "2025-03-01T13:00:00Z", // posted is not a date: first seen
		"Second title":        "2025-03-01T15:00:00Z", // no posted: first seen
	} {
		if got := published[title]; got != want {
			t.Errorf("%q published %q, want %q", title, got, want)
		}
	}
	if got, want := related["Ports and seafarers"], []string{
		"View on the publisher's website https://publisher.example/reports/ports?a=1&b=2",
		"doi.example https://doi.example/10.1/ports",
	}; !slices.Equal(got, want) {
		t.Errorf("related links = %q, want %q", got, want)
	}
	if got, want := related[evilTitle], []string{evilLinkLabel + ` https://evil.example/r?x="><script>alert(1)</script>`}; !slices.Equal(got, want) {
		t.Errorf("hostile record's related links = %q, want %q (the javascript: one left out)", got, want)
	}
}
