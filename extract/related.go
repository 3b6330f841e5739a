package extract

import (
	"regexp"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// countItems counts the entries of a related block: its articles, else
// its list items, else its headings, else its distinct links.
func countItems(n *html.Node) int {
	for _, keep := range []func(*html.Node) bool{
		func(c *html.Node) bool { return c.DataAtom == atom.Article },
		func(c *html.Node) bool { return c.DataAtom == atom.Li },
		func(c *html.Node) bool { return isHeading(c) && firstElement(c, isLink) != nil },
	} {
		if k := len(elements(n, keep)); k > 0 {
			return k
		}
	}
	seen := map[string]bool{}
	for _, a := range elements(n, isLink) {
		seen[attr(a, "href")] = true
	}
	return len(seen)
}

func isLink(n *html.Node) bool {
	return n.DataAtom == atom.A && hasAttr(n, "href")
}

// relatedHeadingRe matches headings that introduce other publications.
var relatedHeadingRe = regexp.MustCompile(`(?i)^(?:(?:related|similar)(?:\s+(?:resources?|publications?|posts?|articles?|content|reading|items?|reports?|documents?|tools?|news|stories|links))?|you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)|more\s+(?:publications|resources|posts|articles|reports|like\s+this|on\s+this\s+topic)|see\s+also|further\s+reading|recommended(?:\s+(?:reading|resources|for\s+you))?|other\s+(?:publications|resources|reports))\s*[:.…]?$`)

// stripRelatedHeadings removes a "Related resources"-style heading with
// the block that follows it: its following siblings up to the next
// heading of the same or a higher level.
func (s *stripper) stripRelatedHeadings() {
	var heads []*html.Node
	walk(s.root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if !isHeading(n) && !isElement(n, atom.P, atom.Div, atom.Span, atom.Strong, atom.B) {
			return true
		}
		t, ok := boundedText(n, 60)
		if ok && t != "" && relatedHeadingRe.MatchString(t) && firstElement(n, isLink) == nil {
			heads = append(heads, n)
			return false
		}
		return true
	})
	for _, h := range heads {
		if !attached(s.root, h) {
			continue
		}
		level := headingLevel(h)
		if level == 0 {
			level = 2
		}
		unit := h
		text := nodeText(h)
		for p := unit.Parent; p != nil && !s.protected(p) && nodeText(p) == text; p = p.Parent {
			unit = p
		}
		if s.protected(unit) {
			continue
		}
		removed := []*html.Node{unit}
		for sib := unit.NextSibling; sib != nil; sib = sib.NextSibling {
			if sib.Type == html.ElementNode {
				if s.protected(sib) || startsSection(sib, level) {
					break
				}
			}
			removed = append(removed, sib)
		}
		items := 0
		for _, n := range removed[1:] {
			if n.Type == html.ElementNode {
				items += countItems(n)
			}
		}
		for _, n := range removed {
			detach(n)
		}
		s.log.add(noiseRelated, 1, items)
	}
}

// startsSection reports whether n is or holds a heading of level <= level.
func startsSection(n *html.Node, level int) bool {
	return firstElement(n, func(c *html.Node) bool {
		l := headingLevel(c)
		return l > 0 && l <= level
	}) != nil
}
