package extract

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
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
// header or navigation are not candidates. body is the page's <body>
// (see findBody).
func findMainHeading(body *goquery.Selection) *html.Node {
	var best *html.Node
	bestScore := -1
	var titled []*html.Node
	// A walk rather than a search: it does not enter navigation, scripts
	// or templates, nor an h1 once scored (goquery has no search that
	// prunes).
	walk(body.Nodes[0], func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if n.DataAtom == atom.Nav || isElement(n, atom.Script, atom.Style, atom.Template) {
			return false
		}
		candidate := isHeading(n) || n.DataAtom == atom.Div || n.DataAtom == atom.Span
		if !candidate {
			return true
		}
		marked := hasClass(n, headingTokens...) || strings.EqualFold(attr(n, "itemprop"), "headline") ||
			headingLevel(n) > 0 && headingLevel(n) <= 3 && hasClass(n.Parent, headerWrapTokens...)
		if marked {
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

// titleLine finds the visible title of a page without heading markup:
// the first paragraph-like element whose text is the page's <title>, or
// one side of it when <title> joins two parts with a separator, below
// body (see findBody).
func titleLine(body *goquery.Selection, titleTag string) *html.Node {
	title := cleanText(titleTag)
	if title == "" {
		return nil
	}
	parts := []string{title}
	for _, sep := range titleSeparators {
		if i := strings.Index(title, sep); i > 0 {
			parts = append(parts, title[:i], title[i+len(sep):])
		}
		if i := strings.LastIndex(title, sep); i > 0 {
			parts = append(parts, title[:i], title[i+len(sep):])
		}
	}
	minLen, maxLen := len(title), 0
	partLetters := make([]string, len(parts))
	for i, p := range parts {
		partLetters[i] = letters(p)
		minLen, maxLen = min(minLen, len(p)), max(maxLen, len(p))
	}
	var found *html.Node
	// A walk rather than a search: it does not enter the site's header,
	// footer, navigation, sidebars or title, scripts or links (goquery has
	// no search that prunes), and stops at the first match.
	walk(body.Nodes[0], func(n *html.Node) bool {
		if found != nil || n.Type != html.ElementNode {
			return found == nil
		}
		if isElement(n, atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Script, atom.Style, atom.Template, atom.Title, atom.A) {
			return false
		}
		switch strings.ToLower(attr(n, "role")) {
		case "banner", "contentinfo", "navigation", "complementary":
			return false
		}
		if tokenMatch(n, tokSiteHeader|tokSiteFooter|tokSidebar) || hasClass(n, "site-title", "site-name", "logo") {
			return false
		}
		if !isHeading(n) && !isElement(n, atom.P, atom.Div, atom.Strong, atom.B, atom.Span, atom.Font, atom.Center) {
			return true
		}
		t, ok := boundedText(n, titleLimit)
		if !ok || t == "" {
			return true
		}
		if len(t) < minLen/2 || len(t) > maxLen*2 {
			return true // too short or too long to be one of the parts
		}
		lt := letters(t)
		for _, p := range partLetters {
			if len(p) >= 8 && lt == p {
				found = n
				return false
			}
		}
		return true
	})
	if found != nil && notHeading(found) {
		return nil
	}
	return found
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
	return selection(n).ClosestMatcher(siteChromeM).Length() > 0
}

// siteChromeM matches the site's navigation and header, where a heading
// is the site's, not the page's.
var siteChromeM = matcher(func(a *html.Node) bool {
	return a.Type == html.ElementNode && (a.DataAtom == atom.Nav || strings.EqualFold(attr(a, "role"), "banner") ||
		(a.DataAtom == atom.Header && !insideEntry(a) && !tokenMatch(a, tokEntryHeader)) ||
		tokenMatch(a, tokSiteHeader) && !insideEntry(a))
})

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
