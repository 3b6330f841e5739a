package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// titleSeparators join a title and a site name in <title> and og:title.
var titleSeparators = []string{" – ", " | ", " - ", " — ", " :: ", " » ", " · ", " : "}

// stripSiteName removes a site-name prefix or suffix from title. A part
// is removed only when it is one of the site's names (or the site's host
// name spelled out), or when what remains is exactly the page's visible
// heading; a real title containing a dash is never cut.
func stripSiteName(title string, names []string, host, heading string) string {
	title = cleanText(title)
	for changed := true; changed; {
		changed = false
		for _, sep := range titleSeparators {
			if i := strings.LastIndex(title, sep); i > 0 {
				rest, part := title[:i], title[i+len(sep):]
				if isSiteName(part, names, host) || (heading != "" && sameText(rest, heading) && !sameText(title, heading)) {
					title, changed = strings.TrimSpace(rest), true
					break
				}
			}
			if i := strings.Index(title, sep); i > 0 {
				part, rest := title[:i], title[i+len(sep):]
				if isSiteName(part, names, host) || (heading != "" && sameText(rest, heading) && !sameText(title, heading)) {
					title, changed = strings.TrimSpace(rest), true
					break
				}
			}
		}
	}
	return title
}

// isSiteName reports whether s names the site: one of its declared names
// (compared by letters and digits), or its host name without "www." and
// with or without the top-level domain ("example.org" matches "Example
// Org" and "Example").
func isSiteName(s string, names []string, host string) bool {
	ls := letters(s)
	if ls == "" {
		return false
	}
	for _, n := range names {
		if letters(n) == ls {
			return true
		}
	}
	if host == "" {
		return false
	}
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	flat := strings.ReplaceAll(ls, " ", "")
	if flat == strings.ReplaceAll(letters(host), " ", "") {
		return true
	}
	if i := strings.LastIndexByte(host, '.'); i > 0 {
		return flat == strings.ReplaceAll(letters(host[:i]), " ", "")
	}
	return false
}

// headingTokens mark the element holding an entry's title.
var headingTokens = []string{"entry-title", "page-title", "post-title", "article-title", "node__title", "single-title", "elementor-heading-title"}

// headerWrapTokens mark the element wrapping an entry's title heading
// (Joomla's <div class="page-header"><h2>).
var headerWrapTokens = []string{"page-header", "article-header", "item-header"}

// findMainHeading returns the page's main heading: an h1 (preferring one
// marked as the entry title and one inside the article or main content),
// or the page's only entry-title element. Site titles and logos in the
// header or navigation are not candidates.
func findMainHeading(body *html.Node) *html.Node {
	var best *html.Node
	bestScore := -1
	var titled []*html.Node
	walk(body, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if n.DataAtom == atom.Nav || isElement(n, atom.Script, atom.Style, atom.Template) {
			return false
		}
		marked := hasClass(n, headingTokens...) || strings.EqualFold(attr(n, "itemprop"), "headline") ||
			headingLevel(n) > 0 && headingLevel(n) <= 3 && hasClass(n.Parent, headerWrapTokens...)
		if marked && (isHeading(n) || n.DataAtom == atom.Div || n.DataAtom == atom.Span) {
			titled = append(titled, n)
		}
		if n.DataAtom != atom.H1 || notHeading(n) {
			return true
		}
		score := 2
		if marked {
			score += 2
		}
		if insideEntry(n) {
			score++
		}
		if score > bestScore {
			best, bestScore = n, score
		}
		return false
	})
	if best != nil {
		return best
	}
	if len(titled) == 1 && !notHeading(titled[0]) {
		return titled[0]
	}
	return nil
}

// notHeading reports whether a heading candidate is in fact a site title,
// a logo or empty.
func notHeading(n *html.Node) bool {
	if hasClass(n, "site-title", "site-name", "logo", "site-logo", "brand") {
		return true
	}
	if t, ok := boundedText(n, titleLimit); !ok || t == "" {
		return true
	}
	return closest(n, func(a *html.Node) bool {
		return a.DataAtom == atom.Nav || strings.EqualFold(attr(a, "role"), "banner") ||
			(a.DataAtom == atom.Header && !insideEntry(a) && !tokenMatch(a, entryHeaderRe)) ||
			tokenMatch(a, siteHeaderRe) && !insideEntry(a)
	}) != nil
}

// titleOf chooses the page's title: og:title, the JSON-LD headline or
// name, the visible entry heading, then <title>, each without a site
// name. og:title is skipped when it is only the site name, or when a
// visible heading exists and og:title shares nothing with it (a site that
// gives every page the same og:title).
func titleOf(m *pageMeta, heading *html.Node, host string) string {
	names := m.siteNames()
	var visible string
	if heading != nil {
		visible = cleanText(nodeText(heading))
	}
	accept := func(t string) string {
		t = stripSiteName(t, names, host, visible)
		if t == "" || isSiteName(t, names, host) || utf8.RuneCountInString(t) > titleLimit {
			return ""
		}
		return t
	}
	if t := accept(m.first("og:title")); t != "" {
		if visible == "" || resembles(t, visible) || overlaps(t, visible) {
			return t
		}
	}
	for _, key := range []string{"headline", "name"} {
		if t := accept(m.ld.str(key)); t != "" {
			if visible == "" || resembles(t, visible) || overlaps(t, visible) {
				return t
			}
		}
	}
	if t := accept(visible); t != "" {
		return t
	}
	if t := accept(m.titleTag); t != "" {
		return t
	}
	return accept(m.first("twitter:title", "citation_title", "dc.title", "dcterms.title"))
}

// overlaps reports whether two titles share at least one word of four
// letters or more.
func overlaps(a, b string) bool {
	words := map[string]bool{}
	for _, w := range strings.Fields(letters(a)) {
		if len(w) >= 4 {
			words[w] = true
		}
	}
	for _, w := range strings.Fields(letters(b)) {
		if words[w] {
			return true
		}
	}
	return false
}
