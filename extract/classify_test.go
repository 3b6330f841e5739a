package extract

import (
	"strings"
	"testing"
)

func TestGenericKind(t *testing.T) {
	pub := signals{heading: true, ownText: 600, downloads: 1}
	tests := []struct {
		name       string
		body       string // body classes
		ld, ogType string
		url        string
		sig        signals
		kind       Kind
		reason     string
	}{
		{"wp single", "post-template-default single single-post postid-7", "", "", "", signals{}, KindPublication, "WordPress body class single-post"},
		{"wp custom type", "resource-template-default single single-resource postid-3 single-format-standard", "", "", "", signals{}, KindPublication, "WordPress body class single-resource"},
		{"wp archive", "archive category category-guidance", "", "article", "", pub, KindListing, "WordPress body class archive"},
		{"wp taxonomy", "tax-resource_type term-guidance", "", "", "", pub, KindListing, "WordPress body class tax-resource_type"},
		{"wp search", "search search-results", "", "", "", signals{}, KindListing, "WordPress body class search"},
		{"wp 404", "error404", "", "", "", signals{}, KindListing, "WordPress body class error404"},
		{"wp attachment", "attachment single single-attachment postid-9 attachmentid-9", "", "", "", pub, KindOther, "WordPress attachment page"},
		{"wp static page", "page-template-default page page-id-2", "", "article", "", signals{heading: true, ownText: 900}, KindOther, "WordPress static page without publication shape (heading true, 0 characters of own text)"},
		{"wp static page with a report", "page page-id-40", "", "", "", pub, KindPublication, "WordPress static page with a main heading, its own text and 1 download"},
		{"json-ld report", "", `{"@type":"Report"}`, "website", "", signals{}, KindPublication, "JSON-LD type Report"},
		{"json-ld graph article", "", `{"@graph":[{"@type":"WebSite"},{"@type":["Thing","ScholarlyArticle"]}]}`, "", "", signals{}, KindPublication, "JSON-LD type ScholarlyArticle"},
		{"json-ld collection", "", `{"@graph":[{"@type":"CollectionPage"},{"@type":"WebSite"}]}`, "", "", pub, KindListing, "JSON-LD type CollectionPage"},
		{"og article", "", "", "article", "", signals{heading: true}, KindPublication, "og:type article"},
		{"og article over teasers", "", "", "article", "", signals{teasers: 8}, KindListing, "og:type article, but the page is 8 teaser blocks and no content of its own (0 characters)"},
		{"og article with a little text beside teasers", "", "", "article", "", signals{heading: true, ownText: 120, totalText: 210, teasers: 4}, KindPublication, "og:type article"},
		{"archive url", "", "", "", "https://example.org/news/page/3/", pub, KindListing, "URL of an archive page"},
		{"shape publication", "", "", "", "", pub, KindPublication, "page shape: main heading, own text and 1 download"},
		{"shape publication with related", "", "", "", "", signals{heading: true, ownText: 300, totalText: 700, downloads: 2, teasers: 4}, KindPublication, "page shape: main heading, own text (700 characters) and 2 downloads beside 4 teaser blocks"},
		{"article with twelve related teasers", "", "", "", "", signals{heading: true, ownText: 300, totalText: 2400, teasers: 12}, KindPublication, "page shape: main heading, own text (2400 characters) and 0 downloads beside 12 teaser blocks"},
		{"article without download", "", "", "", "", signals{heading: true, ownText: 320, totalText: 900}, KindPublication, "page shape: main heading and own text (900 characters)"},
		{"home page", "", "", "", "https://example.org/", signals{heading: true, ownText: 500, totalText: 900}, KindListing, "the site's home page"},
		{"home index", "", "", "website", "https://example.org/index.html", pub, KindListing, "the site's home page"},
		{"shape listing", "", "", "", "", signals{heading: true, ownText: 120, teasers: 6}, KindListing, "page shape: 6 teaser blocks and 0 characters of own text"},
		{"item with a few related teasers", "", "", "", "", signals{heading: true, ownText: 140, totalText: 500, teasers: 4}, KindPublication, "page shape: main heading, own text (500 characters) and 0 downloads beside 4 teaser blocks"},
		{"listing with an intro", "", "", "", "", signals{heading: true, ownText: 140, totalText: 500, teasers: 12}, KindListing, "page shape: 12 teaser blocks and 500 characters of own text"},
		{"shape other", "", "", "", "", signals{heading: true, ownText: 100, totalText: 100}, KindOther, "no publication or listing signals (heading true, 100 characters of own text)"},
		{"og website says nothing", "", "", "website", "", signals{heading: true, ownText: 100, totalText: 100}, KindOther, "no publication or listing signals (heading true, 100 characters of own text)"},
		{"no heading, an article's text", "", "", "", "", signals{ownText: 300, totalText: 1500}, KindPublication, "page shape: no main heading, but an article's text (1500 characters)"},
		{"wp static article", "page page-id-9", "", "", "", signals{heading: true, ownText: 300, totalText: 700}, KindPublication, "WordPress static page with a main heading and an article's text (700 characters)"},
		{"og website article", "", "", "website", "", signals{heading: true, ownText: 600, totalText: 1500}, KindPublication, "page shape: main heading and own text (1500 characters)"},
		{"doc meta", "", "", "", "", signals{heading: true, ownText: 200, docMeta: true}, KindPublication, "page shape: main heading, own text and 0 downloads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &pageMeta{props: map[string][]string{}, ld: &jsonLD{}, bodyClasses: strings.Fields(tt.body)}
			if tt.ld != "" {
				m.ld.add(tt.ld)
			}
			if tt.ogType != "" {
				m.props["og:type"] = []string{tt.ogType}
			}
			u := tt.url
			if u == "" {
				u = "https://example.org/item/"
			}
			kind, reason := genericKind(m, u, tt.sig)
			if kind != tt.kind || reason != tt.reason {
				t.Errorf("genericKind = %s, %q, want %s, %q", kind, reason, tt.kind, tt.reason)
			}
		})
	}
}
