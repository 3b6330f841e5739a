package extract

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Matchers of the entries of a related block.
var (
	articleM       = cascadia.MustCompile("article")
	listItemM      = cascadia.MustCompile("li")
	linkedHeadingM = matcher(func(n *html.Node) bool { return headingM.Match(n) && linkM.MatchFirst(n) != nil })
	itemMatchers   = []goquery.Matcher{articleM, listItemM, linkedHeadingM}
)

// countItems counts the entries of a related block (the block itself
// included): its articles, else its list items, else its headings, else
// its distinct links.
func countItems(n *html.Node) int {
	block := selection(n)
	for _, m := range itemMatchers {
		if k := block.FindMatcher(m).AddBackMatcher(m).Length(); k > 0 {
			return k
		}
	}
	seen := map[string]bool{}
	for _, a := range block.FindMatcher(linkM).AddBackMatcher(linkM).Nodes {
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

// relatedHeadingM matches a "Related resources"-style heading (or a
// paragraph, div or bold line standing for one) without a link.
var relatedHeadingM = matcher(func(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if !isHeading(n) && !isElement(n, atom.P, atom.Div, atom.Span, atom.Strong, atom.B) {
		return false
	}
	if !mayStartRelated(n) {
		return false
	}
	t, ok := boundedText(n, 60)
	return ok && t != "" && relatedHeadingRe.MatchString(t) && linkM.MatchFirst(n) == nil
})

// stripRelatedHeadings removes a "Related resources"-style heading with
// the block that follows it: its following siblings up to the next
// heading of the same or a higher level.
func (s *stripper) stripRelatedHeadings() {
	for _, h := range outermost(s.root, relatedHeadingM) {
		if !s.doc.Contains(h) { // removed with an earlier heading's block
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
		selection(removed...).Remove()
		s.log.add(noiseRelated, 1, items)
	}
}

// sectionM[l] matches the headings of level l or higher (h1 to hl).
var sectionM = func() (m [7]cascadia.Selector) {
	tags := []string{"h1", "h2", "h3", "h4", "h5", "h6"}
	for l := 1; l <= 6; l++ {
		m[l] = cascadia.MustCompile(strings.Join(tags[:l], ", "))
	}
	return m
}()

// startsSection reports whether n is or holds a heading of level <= level
// (1 to 6).
func startsSection(n *html.Node, level int) bool {
	return sectionM[level].MatchFirst(n) != nil
}
