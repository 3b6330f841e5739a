package extract

import (
	"regexp"
	"strings"

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

// relatedFirstWords are the first words of relatedHeadingRe.
var relatedFirstWords = []string{"related", "similar", "you", "more", "see", "further", "recommended", "other"}

// mayStartRelated is a cheap test before relatedHeadingRe: the first
// word of n's text must be one a related-block heading starts with.
func mayStartRelated(n *html.Node) bool {
	for c := n.FirstChild; c != nil; {
		switch c.Type {
		case html.TextNode:
			if t := strings.TrimSpace(c.Data); t != "" {
				end := 0
				for end < len(t) && end < 12 && (t[end]|0x20 >= 'a' && t[end]|0x20 <= 'z') {
					end++
				}
				for _, w := range relatedFirstWords {
					if strings.EqualFold(t[:end], w) {
						return true
					}
				}
				return false
			}
		case html.ElementNode:
			if c.FirstChild != nil {
				c = c.FirstChild
				continue
			}
		}
		for c.NextSibling == nil {
			c = c.Parent
			if c == n || c == nil {
				return false
			}
		}
		c = c.NextSibling
	}
	return false
}

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
		if !mayStartRelated(n) {
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
