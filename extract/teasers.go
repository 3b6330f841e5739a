package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A teaser is a block that presents another page: a title linking to it
// and/or a "Read More" link to it, usually with an excerpt, its terms
// and a "TAGS:" line. Repeated teasers make a listing page, or, on a
// publication page, a related-resources block.

// readMoreRe matches the text of a "Read More"-style link.
var readMoreRe = regexp.MustCompile(`(?i)^(?:\.{2,}|…)?\s*(?:read\s+more|continue\s+reading|read\s+the\s+rest|read\s+full|learn\s+more|view\s+(?:more|details|resource|publication|report)|more(?:\s+info)?)\b.{0,80}$`)

// teaserGroup is a set of sibling teaser units presenting at least two
// different pages.
type teaserGroup struct {
	parent  *html.Node
	units   []*html.Node // in document order
	isUnit  map[*html.Node]bool
	targets map[string]bool
	// teasers is false for a group made only of table rows or list items
	// pairing a page link with a document link: a listing's shape, but on
	// a publication page possibly its own chapters, so never stripped.
	teasers bool
}

// findTeasers finds the teaser groups below body. heading (the page's
// main heading) and its ancestors are never part of a teaser.
func findTeasers(body *html.Node, r *resolver, heading *html.Node) []*teaserGroup {
	type anchor struct {
		a      *html.Node
		target string
		row    bool // a page link beside a document link in a table row or list item
	}
	var anchors []anchor
	for _, n := range outermost(body, linkM) {
		u := r.href(n)
		if u == "" || u == r.page || r.isFile(u) {
			continue
		}
		switch {
		case isTitleLink(n) || isReadMoreLink(n):
			anchors = append(anchors, anchor{n, u, false})
		case isRowLink(n):
			anchors = append(anchors, anchor{n, u, true})
		}
	}
	const mixed = "\x00"
	// Each anchor marks its ancestors with its target; a climb stops
	// where the ancestors above already know it.
	marks := make(map[*html.Node]string, 4*len(anchors))
	for _, an := range anchors {
	climb:
		for p := an.a.Parent; p != nil; p = p.Parent {
			switch marks[p] {
			case "":
				marks[p] = an.target
			case an.target, mixed:
				break climb // the ancestors above already know this target
			default:
				marks[p] = mixed
			}
		}
	}
	holdsHeading := map[*html.Node]bool{} // the heading and its ancestors
	for a := heading; a != nil; a = a.Parent {
		holdsHeading[a] = true
	}
	stop := func(p *html.Node) bool {
		return p == nil || p == body || p.Type != html.ElementNode || holdsHeading[p] ||
			isElement(p, atom.Main, atom.Body, atom.Html) || strings.EqualFold(attr(p, "role"), "main")
	}
	groups := map[*html.Node]*teaserGroup{}
	var order []*html.Node
	for _, an := range anchors {
		if heading != nil && contains(an.a, heading) {
			continue
		}
		unit := an.a
		for p := unit.Parent; !stop(p) && marks[p] == an.target; p = p.Parent {
			unit = p
		}
		if unit.Parent == nil || holdsHeading[unit] {
			continue
		}
		g := groups[unit.Parent]
		if g == nil {
			g = &teaserGroup{parent: unit.Parent, isUnit: map[*html.Node]bool{}, targets: map[string]bool{}}
			groups[unit.Parent] = g
			order = append(order, unit.Parent)
		}
		if !g.isUnit[unit] {
			g.isUnit[unit] = true
			g.units = append(g.units, unit)
		}
		g.targets[an.target] = true
		if !an.row {
			g.teasers = true
		}
	}
	var out []*teaserGroup
	for _, p := range order {
		if g := groups[p]; len(g.targets) >= 2 {
			out = append(out, g)
		}
	}
	return out
}

// isTitleLink reports whether a sits in a heading (h2-h6) or a title
// element near it, or holds such a heading itself (a card that is one
// big link).
func isTitleLink(a *html.Node) bool {
	if subHeadingM.MatchFirst(a) != nil {
		return true // a whole card is the link
	}
	// Three levels up at most, for every link of the page: a loop, where
	// a Selection would allocate per link.
	p := a
	for i := 0; i < 3 && p != nil; i++ {
		p = p.Parent
		if p == nil || p.Type != html.ElementNode {
			return false
		}
		if p.DataAtom == atom.H1 {
			return false
		}
		if isHeading(p) {
			return true
		}
		if eachClass(p, func(c string) bool {
			return containsFold(c, "title") && !containsFold(c, "subtitle")
		}) {
			return true
		}
	}
	return false
}

// isRowLink reports whether a links to a page from a table row or list
// item that also holds a document link (a publication table: title,
// type, year, PDF).
func isRowLink(a *html.Node) bool {
	p := a.Parent
	for i := 0; i < 4 && p != nil; i, p = i+1, p.Parent {
		if isElement(p, atom.Tr, atom.Li) {
			return docLinkM.MatchFirst(p) != nil
		}
	}
	return false
}

// isReadMoreLink reports whether a is a "Read More"-style link, by its
// class or its text.
func isReadMoreLink(a *html.Node) bool {
	if eachClass(a, func(c string) bool {
		return containsFold(c, "more-link") || containsFold(c, "read-more") || containsFold(c, "readmore")
	}) {
		return true
	}
	t, ok := boundedText(a, 100)
	return ok && t != "" && readMoreRe.MatchString(t)
}

// teaserCount is the number of distinct pages the groups present.
func teaserCount(groups []*teaserGroup) int {
	seen := map[string]bool{}
	for _, g := range groups {
		for t := range g.targets {
			seen[t] = true
		}
	}
	return len(seen)
}

// unitSet returns the set of the groups' teaser units.
func unitSet(groups []*teaserGroup) map[*html.Node]bool {
	set := map[*html.Node]bool{}
	for _, g := range groups {
		for _, u := range g.units {
			set[u] = true
		}
	}
	return set
}

// teaserLeftoverLimit is the longest text (in characters) of a sibling
// removed along with teasers: the terms, "TAGS:" line or excerpt of a
// teaser whose parts are siblings rather than one block.
const teaserLeftoverLimit = 400

// removeTeasers strips the groups from a publication page as related
// blocks: the units, the short pieces between and after them (the parts
// of flat teasers) and containers left with nothing of substance.
func removeTeasers(groups []*teaserGroup, heading *html.Node, log *noiseLog) {
	keep := func(n *html.Node) bool {
		return isElement(n, atom.Main, atom.Body, atom.Html) || strings.EqualFold(attr(n, "role"), "main") ||
			(heading != nil && contains(n, heading))
	}
	short := func(n *html.Node) bool {
		if n.Type == html.TextNode {
			return utf8.RuneCountInString(strings.TrimSpace(n.Data)) <= teaserLeftoverLimit
		}
		if n.Type != html.ElementNode {
			return true
		}
		if keep(n) || startsSection(n, 3) || docLinkM.MatchFirst(n) != nil {
			return false
		}
		_, ok := boundedText(n, teaserLeftoverLimit)
		return ok
	}
	for _, g := range groups {
		if !g.teasers || g.parent.Parent == nil && g.parent.Type != html.DocumentNode {
			continue // rows of a table, or detached with an earlier group
		}
		// The units' siblings, text included: from the first unit, the
		// units and short pieces up to the last unit and the short
		// pieces after it.
		first, last := g.units[0], g.units[len(g.units)-1]
		siblings := selection(g.parent).Contents().Nodes
		var doomed []*html.Node
		inRange := false
	scan:
		for i, c := range siblings {
			if c == first {
				inRange = true
			}
			if inRange && (g.isUnit[c] || short(c)) {
				doomed = append(doomed, c)
			} else if inRange {
				break
			}
			if c == last {
				for _, s := range siblings[i+1:] {
					if !short(s) {
						break scan
					}
					doomed = append(doomed, s)
				}
				break
			}
		}
		// With the units not reached above (a long sibling between them).
		selection(append(doomed, g.units...)...).Remove()
		p := g.parent
		for p != nil && p.Type == html.ElementNode && !keep(p) {
			if _, ok := boundedText(p, 120); !ok || docLinkM.MatchFirst(p) != nil {
				break
			}
			up := p.Parent
			selection(p).Remove()
			p = up
		}
		log.add(noiseRelated, 1, len(g.targets))
	}
}

// isDocumentLink reports whether n is a link to a document file.
func isDocumentLink(n *html.Node) bool {
	if !isLink(n) {
		return false
	}
	h := attr(n, "href")
	return isDocumentExt(h) || (isUploadPath(h) && !mediaExts[extension(h)])
}
