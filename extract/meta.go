package extract

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageMeta is what the page says about itself outside its visible text:
// <meta> tags, <link rel=canonical>, <html lang>, body classes, <title>
// and JSON-LD. It is read before noise is stripped (scripts go with it).
type pageMeta struct {
	// props maps a lower-cased meta property, name or itemprop to its
	// values in document order.
	props       map[string][]string
	canonical   string // raw href of <link rel=canonical>
	htmlLang    string
	bodyClasses []string
	titleTag    string
	ld          *jsonLD
	// items are the elements carrying microdata itemscope and itemtype.
	items []*html.Node
	// micro is the microdata item describing the publication, when the
	// page has one (set once the main heading is known).
	micro *microItem
	// siteTitle is the text of the site's name in its header (the
	// .site-title element or the home link), read before noise is
	// stripped.
	siteTitle string
}

// readMeta reads the page's metadata from its Document.
func readMeta(doc *goquery.Document) *pageMeta {
	m := &pageMeta{props: map[string][]string{}, ld: &jsonLD{}}
	var ldScripts []string
	// One walk over the page reads it all. It is a walk rather than
	// searches: it stops at embedded documents and raw text (<svg>,
	// <template>, <noscript>, scripts, styles, <title>), whose metas,
	// items and links are not the page's own; goquery has no search that
	// prunes, and a search per kind would cross the page several times.
	walk(doc.Nodes[0], func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Html:
			if m.htmlLang == "" {
				m.htmlLang = attr(n, "lang")
				if m.htmlLang == "" {
					m.htmlLang = attr(n, "xml:lang")
				}
			}
		case atom.Body:
			if m.bodyClasses == nil {
				m.bodyClasses = classes(n)
			}
		case atom.Svg:
			return false
		case atom.Title:
			if m.titleTag == "" && selection(n).ClosestMatcher(svgM).Length() == 0 {
				m.titleTag = nodeText(n)
			}
			return false
		case atom.Meta:
			content, ok := metaContent(n)
			if !ok {
				return true
			}
			for _, key := range []string{"property", "name", "itemprop"} {
				for _, k := range strings.Fields(strings.ToLower(attr(n, key))) {
					k = metaKey(k)
					m.props[k] = append(m.props[k], content)
				}
			}
			if he := strings.ToLower(strings.TrimSpace(attr(n, "http-equiv"))); he != "" {
				m.props["http-equiv:"+he] = append(m.props["http-equiv:"+he], content)
			}
		case atom.Link:
			if hasRel(n, "canonical") && m.canonical == "" {
				m.canonical = attr(n, "href")
			}
		case atom.Script:
			if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") {
				ldScripts = append(ldScripts, selection(n).Text())
			}
			return false
		case atom.Style, atom.Template, atom.Noscript:
			return false
		}
		if hasAttr(n, "itemscope") && hasAttr(n, "itemtype") {
			m.items = append(m.items, n)
		}
		if m.siteTitle == "" && isSiteTitle(n) {
			t, ok := boundedText(n, 120)
			if ok && t == "" {
				t = logoAlt(n)
			}
			if ok && !genericHomeName(t) {
				m.siteTitle = t
			}
		}
		return true
	})
	for _, s := range ldScripts {
		m.ld.add(s)
	}
	return m
}

// metaKey normalises a meta name: Dublin Core is written "DC.title",
// "dc:title" or "DCTERMS.issued"; all become "dc.title", "dcterms.issued".
func metaKey(k string) string {
	switch {
	case strings.HasPrefix(k, "dc:"):
		return "dc." + k[3:]
	case strings.HasPrefix(k, "dcterms:"):
		return "dcterms." + k[8:]
	}
	return k
}

// isSiteTitle reports whether n holds the site's name in its header: an
// element classed as the site title or name, or a link to the home page
// in the site's header, branding or a heading (a sidebar's "<h3><a
// href="/">Site</a></h3>").
func isSiteTitle(n *html.Node) bool {
	if hasClass(n, "site-title", "site-name", "site-branding__name", "navbar-brand", "site-logo-text", "logo-text", "brand-name") {
		return true
	}
	if n.DataAtom != atom.A || !(hasRel(n, "home") || homeHrefRe.MatchString(strings.TrimSpace(attr(n, "href")))) {
		return false
	}
	return selection(n).Parent().ClosestMatcher(brandingM).Length() > 0
}

// brandingM matches the elements that hold a site's name: a heading, the
// site header, its branding.
var brandingM = matcher(func(a *html.Node) bool {
	if a.Type != html.ElementNode {
		return false
	}
	if isHeading(a) || a.DataAtom == atom.Header || strings.EqualFold(attr(a, "role"), "banner") ||
		hasClass(a, "site-branding", "site-header", "header", "masthead", "branding") {
		return true
	}
	switch strings.ToLower(attr(a, "id")) {
	case "header", "masthead", "site-header", "branding", "logo":
		return true
	}
	return false
})

// svgM matches an <svg>.
var svgM = cascadia.MustCompile("svg")

// homeHrefRe matches a link to a site's home page.
var homeHrefRe = regexp.MustCompile(`^(?:/|\./|https?://[^/?#]+/?)$`)

// logoAlt returns the alt text of the logo image in n, without a
// trailing "logo".
func logoAlt(n *html.Node) string {
	img := imgM.MatchFirst(n) // n included: the logo may be the element itself
	if img == nil {
		return ""
	}
	alt := cleanText(attr(img, "alt"))
	for _, suffix := range []string{" logo", " Logo", " LOGO"} {
		alt = strings.TrimSuffix(alt, suffix)
	}
	return alt
}

// genericHomeName reports whether a home link's text is a word for
// "home" rather than the site's name.
func genericHomeName(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "home", "homepage", "home page", "startseite", "accueil", "inicio", "start", "logo", "menu":
		return true
	}
	return false
}

func metaContent(n *html.Node) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == "content" {
			return strings.TrimSpace(a.Val), true
		}
	}
	return "", false
}

// first returns the first non-empty value of the first key that has one.
func (m *pageMeta) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range m.props[k] {
			if v = cleanText(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// all returns every non-empty value of the given keys.
func (m *pageMeta) all(keys ...string) []string {
	var out []string
	for _, k := range keys {
		for _, v := range m.props[k] {
			if v = cleanText(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// siteNames are the names the site calls itself, used to strip a site
// name from titles.
func (m *pageMeta) siteNames() []string {
	var names []string
	names = dedupeFold(names, m.all("og:site_name", "application-name", "apple-mobile-web-app-title")...)
	names = dedupeFold(names, m.ld.siteNames()...)
	names = dedupeFold(names, m.ld.publisher(), m.siteTitle)
	var out []string
	for _, n := range names {
		if n = strings.TrimPrefix(n, "@"); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// primaryLanguage returns the primary subtag of a language tag or locale,
// lower-cased: "en-US" and "en_GB" give "en". It returns "" for anything
// that is not a language tag.
func primaryLanguage(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, ",;"); i >= 0 {
		tag = tag[:i]
	}
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return tag
}
