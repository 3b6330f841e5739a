package extract

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// noiseKind is a kind of page furniture stripped before fields are read.
type noiseKind int

const (
	noiseRules noiseKind = iota
	noiseScripts
	noiseEmbeds
	noiseForms
	noiseNav
	noiseHeader
	noiseFooter
	noiseSidebar
	noiseComments
	noiseShare
	noiseCookie
	noiseBreadcrumbs
	noisePagination
	noiseHidden
	noiseIdentifiers
	noiseRelated
	noiseKinds
)

var noiseLabels = [noiseKinds]string{
	noiseRules:       "removed by source rules",
	noiseScripts:     "scripts and styles",
	noiseEmbeds:      "embedded frames and graphics",
	noiseForms:       "forms",
	noiseNav:         "navigation",
	noiseHeader:      "site header",
	noiseFooter:      "site footer",
	noiseSidebar:     "sidebars and widgets",
	noiseComments:    "comments",
	noiseShare:       "share buttons",
	noiseCookie:      "cookie banner",
	noiseBreadcrumbs: "breadcrumbs",
	noisePagination:  "pagination",
	noiseHidden:      "screen-reader text",
}

// noiseLog counts what was stripped, per kind.
type noiseLog struct {
	blocks [noiseKinds]int // elements or blocks removed
	items  [noiseKinds]int // lines (identifier lists) or items (related blocks)
}

func (l *noiseLog) add(k noiseKind, blocks, items int) {
	l.blocks[k] += blocks
	l.items[k] += items
}

// lines describes the noise found, one short line per kind, in a fixed
// order of kinds.
func (l *noiseLog) lines() []string {
	out := []string{}
	for k := noiseKind(0); k < noiseKinds; k++ {
		n := l.blocks[k]
		if n == 0 {
			continue
		}
		switch k {
		case noiseIdentifiers:
			out = append(out, counted("leaked CMS identifier list", n, l.items[k], "lines"))
		case noiseRelated:
			out = append(out, counted("related resources block", n, l.items[k], "items"))
		default:
			out = append(out, noiseLabels[k])
		}
	}
	return out
}

func counted(label string, blocks, items int, unit string) string {
	if blocks == 1 {
		return fmt.Sprintf("%s (%d %s)", label, items, unit)
	}
	return fmt.Sprintf("%ss (%d blocks, %d %s)", label, blocks, items, unit)
}

// contentTokens mark the element holding an entry's own content.
var contentTokens = []string{
	"entry-content", "post-content", "article-content", "article-body", "entry-body",
	"post-body", "field--name-body", "node__content", "elementor-widget-theme-post-content",
	"page-content", "single-content", "td-post-content", "the-content",
}

var contentTokenSet = set(contentTokens...)

func isContentBlock(n *html.Node) bool {
	return hasClass(n, contentTokens...) || strings.EqualFold(attr(n, "itemprop"), "articleBody")
}

// insideEntry reports whether n sits inside an article or the main
// content, where a <header> or <footer> belongs to the entry.
// It runs on many elements of every page (from the noise walk and the
// heading search), so it climbs with the matcher rather than through a
// Selection, which would allocate on each call.
func insideEntry(n *html.Node) bool {
	return closest(n.Parent, entryM.Match) != nil
}

// entryM matches an article or the main content.
var entryM = matcher(func(a *html.Node) bool {
	return a.Type == html.ElementNode && (a.DataAtom == atom.Article || a.DataAtom == atom.Main ||
		strings.EqualFold(attr(a, "role"), "main") || hasClass(a, "hentry", "entry", "node"))
})

// stripper removes noise from one document. The main heading and its
// ancestors, <main> and content blocks are protected from removal by
// the generic rules.
type stripper struct {
	doc     *goquery.Document // the page
	root    *html.Node        // the page's root node, doc.Nodes[0] (set by strip)
	heading *html.Node
	log     *noiseLog
	memo    map[string]tokenSet // furniture per class token: tokens repeat on every teaser
	// headingPath holds the heading and its ancestors, which are
	// protected (filled on first use; the heading does not move).
	headingPath map[*html.Node]bool
}

func (s *stripper) protected(n *html.Node) bool {
	return s.protectedTok(n, s.tokens(n))
}

// protectedTok is protected for an element whose tokens are known.
func (s *stripper) protectedTok(n *html.Node, tok tokenSet) bool {
	switch n.DataAtom {
	case atom.Html, atom.Head, atom.Body, atom.Main:
		return true
	}
	if tok&tokContent != 0 || strings.EqualFold(attr(n, "itemprop"), "articleBody") || strings.EqualFold(attr(n, "role"), "main") {
		return true
	}
	if s.heading == nil {
		return false
	}
	if s.headingPath == nil {
		s.headingPath = map[*html.Node]bool{}
		for a := s.heading; a != nil; a = a.Parent {
			s.headingPath[a] = true
		}
	}
	return s.headingPath[n]
}

// tokens is tokens(n) with a memo per class token.
func (s *stripper) tokens(n *html.Node) tokenSet {
	if s.memo == nil {
		s.memo = make(map[string]tokenSet, 64)
	}
	var set tokenSet
	add := func(tok string) {
		v, ok := s.memo[tok]
		if !ok {
			v = furniture(lowerASCII(tok))
			s.memo[tok] = v
		}
		set |= v
	}
	eachClass(n, func(c string) bool {
		add(c)
		return false
	})
	if id := attr(n, "id"); id != "" {
		add(id)
	}
	return set
}

// classifyNoise returns the kind of noise n is, if any.
func (s *stripper) classifyNoise(n *html.Node, tok tokenSet) (noiseKind, bool) {
	label := strings.ToLower(attr(n, "aria-label"))
	if tok&tokBreadcrumb != 0 || strings.Contains(label, "breadcrumb") {
		return noiseBreadcrumbs, true
	}
	if tok&tokPagination != 0 {
		return noisePagination, true
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Link:
		return noiseScripts, true
	case atom.Iframe, atom.Svg, atom.Object, atom.Embed, atom.Canvas, atom.Video, atom.Audio, atom.Math:
		return noiseEmbeds, true
	case atom.Form, atom.Select, atom.Textarea, atom.Button, atom.Input:
		return noiseForms, true
	case atom.Nav:
		return noiseNav, true
	case atom.Aside:
		return noiseSidebar, true
	case atom.Header:
		if !insideEntry(n) && tok&tokEntryHeader == 0 {
			return noiseHeader, true
		}
	case atom.Footer:
		if !insideEntry(n) && tok&tokEntryHeader == 0 {
			return noiseFooter, true
		}
	}
	if n.Namespace == "svg" {
		return noiseEmbeds, true
	}
	role := strings.ToLower(attr(n, "role"))
	switch {
	case role == "navigation" || tok&tokNav != 0:
		return noiseNav, true
	case role == "banner" || tok&tokSiteHeader != 0 && !insideEntry(n):
		return noiseHeader, true
	case role == "contentinfo" || tok&tokSiteFooter != 0 && !insideEntry(n):
		return noiseFooter, true
	case role == "complementary" || tok&tokSidebar != 0 || strings.EqualFold(attr(n, "id"), "secondary"):
		return noiseSidebar, true
	case tok&tokComments != 0:
		return noiseComments, true
	case tok&tokShare != 0:
		return noiseShare, true
	case tok&tokCookie != 0 || role == "alertdialog" && strings.Contains(label, "cookie"):
		return noiseCookie, true
	case tok&tokHidden != 0 || hasAttr(n, "hidden"):
		return noiseHidden, true
	case tok&tokRelated != 0:
		return noiseRelated, true
	}
	return 0, false
}

// strip removes the noise of the page: the source's own selectors, page
// furniture recognised by element and class, related blocks (by class
// and by a "Related resources"-style heading) and leaked identifier
// lists.
func (s *stripper) strip(rules Rules) {
	s.root = s.doc.Nodes[0]
	for _, sel := range rules.Remove {
		if m := ruleMatcher(sel); m != nil {
			if found := s.doc.FindMatcher(m); found.Length() > 0 {
				s.log.add(noiseRules, found.Length(), 0)
				found.Remove()
			}
		}
	}
	s.stripNoiseOnly()
	s.stripRelatedHeadings()
	stripIdentifierLists(s.root, s.log)
}

// stripNoiseOnly removes page furniture recognised by element, role,
// class and id. It walks the page rather than searching it: a walk stops
// at each piece of furniture, so that furniture inside furniture (the
// navigation in the site header) is neither classified nor counted again,
// and does not enter <head>; goquery has no search that prunes.
func (s *stripper) stripNoiseOnly() {
	var doomed []*html.Node
	var kinds []noiseKind
	walk(s.root, func(n *html.Node) bool {
		if n.Type == html.CommentNode {
			doomed = append(doomed, n)
			kinds = append(kinds, noiseKinds)
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if n.DataAtom == atom.Head {
			return false
		}
		tok := s.tokens(n)
		if s.protectedTok(n, tok) {
			return true
		}
		if k, ok := s.classifyNoise(n, tok); ok {
			doomed = append(doomed, n)
			kinds = append(kinds, k)
			return false
		}
		return true
	})
	for i, n := range doomed {
		k := kinds[i]
		switch {
		case k == noiseKinds: // an HTML comment: not worth a line
		case k == noiseRelated:
			s.log.add(k, 1, countItems(n))
		default:
			s.log.add(k, 1, 0)
		}
	}
	selection(doomed...).Remove()
}
