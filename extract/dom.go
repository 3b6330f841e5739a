package extract

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// DOM access. A page is parsed once (parse) and read through goquery over
// that one tree: newResolver wraps the parsed root in the page's
// goquery.Document (resolver.doc), which page threads through the stages
// (readMeta, collectLinks, the source's selectors, findBody,
// findMainHeading, titleLine, the stripper, newFields). A stage given
// another node of the tree (the entry, a block, a link) wraps it with
// selection, which neither walks nor copies the tree. Searches go through
// Selections with package-level matchers compiled once (FindMatcher, with
// SingleMatcher for a first match; AddBackMatcher, ClosestMatcher,
// ParentsUntilNodes and IsMatcher, Parent, Contents, Next, Contains);
// nodes leave the tree with Remove and raw text is read with Text. Where a
// search must include the node it starts from, as goquery's Find does
// not, or runs once per element or link of the page, the matcher itself
// is used (MatchAll, MatchFirst: no Selection is built); a search that
// stops at each match (the links of the entry, its <time>s, its byline)
// keeps the outermost matches (outermost).
//
// Kept hand-written here, because goquery has nothing with the same
// semantics (each says why on its comment):
//   - the tests on one node (attr, hasAttr, classes, eachClass, hasClass,
//     hasRel, isElement, isHeading, headingLevel, isBlock), which the
//     matchers and walks are built from;
//   - walk, a walk that prunes: it serves the passes that must not enter
//     some subtrees (readMeta, stripNoiseOnly, stripIdentifierLists,
//     findMainHeading, titleLine, moreDates); the line builder (lines.go)
//     recurses on its own for the same reason;
//   - contains and closest, climbs up the parent chain that allocate
//     nothing;
//   - nodeText and boundedText, the text a reader sees;
//   - the glue between the extractor and goquery: matcher, selection,
//     firstNode, outermost, findBody.

// attr returns the value of the named attribute of n, or "". name must
// be lower case: the HTML parser lower-cases attribute names. Kept:
// goquery's Attr needs a Selection and ignores attribute namespaces (it
// reads an SVG xlink:href as href).
func attr(n *html.Node, name string) string {
	if n == nil {
		return ""
	}
	for i := range n.Attr {
		if a := &n.Attr[i]; a.Key == name && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n carries the named (lower-case) attribute.
// Kept: namespace-aware, as attr.
func hasAttr(n *html.Node, name string) bool {
	for i := range n.Attr {
		if a := &n.Attr[i]; a.Key == name && a.Namespace == "" {
			return true
		}
	}
	return false
}

// classes returns the lower-cased class tokens of n. Kept: goquery has
// no list of an element's classes.
func classes(n *html.Node) []string {
	return strings.Fields(strings.ToLower(attr(n, "class")))
}

// eachClass calls fn with each class token of n as written (not
// lower-cased) until fn returns true, and reports whether it did. Kept:
// it does not allocate, and runs on every element of the page.
func eachClass(n *html.Node, fn func(string) bool) bool {
	c := attr(n, "class")
	for c != "" {
		i := 0
		for i < len(c) && isSpaceByte(c[i]) {
			i++
		}
		j := i
		for j < len(c) && !isSpaceByte(c[j]) {
			j++
		}
		if j > i && fn(c[i:j]) {
			return true
		}
		c = c[j:]
	}
	return false
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

// hasClass reports whether n has one of the given (lower-case) class
// tokens, compared ignoring case. Kept: goquery's HasClass compares case
// sensitively, one class at a time, on a Selection.
func hasClass(n *html.Node, names ...string) bool {
	if n == nil {
		return false
	}
	return eachClass(n, func(c string) bool {
		for _, name := range names {
			if len(c) == len(name) && (c == name || strings.EqualFold(c, name)) {
				return true
			}
		}
		return false
	})
}

// relTokens returns the lower-cased tokens of the rel attribute of n.
func relTokens(n *html.Node) []string {
	return strings.Fields(strings.ToLower(attr(n, "rel")))
}

// hasRel reports whether the rel attribute of n holds the (lower-case)
// token, compared ignoring case. Kept: a test on one node that
// per-element matchers call; cascadia's [rel~=token i] reads attributes
// whatever their namespace.
func hasRel(n *html.Node, token string) bool {
	for _, t := range relTokens(n) {
		if t == token {
			return true
		}
	}
	return false
}

// isElement reports whether n is an element of one of the given atoms.
// Kept, as isHeading, headingLevel and isBlock: tests on one node by atom
// that the matchers and walks are built from; a Selection's Is would
// allocate on each call.
func isElement(n *html.Node, atoms ...atom.Atom) bool {
	if n == nil || n.Type != html.ElementNode {
		return false
	}
	for _, a := range atoms {
		if n.DataAtom == a {
			return true
		}
	}
	return false
}

// isHeading reports whether n is an h1 to h6.
func isHeading(n *html.Node) bool {
	return isElement(n, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6)
}

// headingLevel returns 1..6 for h1..h6 and 0 otherwise.
func headingLevel(n *html.Node) int {
	if !isHeading(n) {
		return 0
	}
	return int(n.Data[1] - '0')
}

// blockAtoms are the elements that start a new line of text.
var blockAtoms = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true,
	atom.Html: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true,
	atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true,
	atom.Tr: true, atom.Ul: true,
}

// isBlock reports whether n is a block element (see blockAtoms).
func isBlock(n *html.Node) bool {
	return n != nil && n.Type == html.ElementNode && blockAtoms[n.DataAtom]
}

// matcher makes a goquery.Matcher of a test on one node, for the tests a
// CSS selector cannot state exactly (namespace-aware attributes, class
// tokens compared ignoring case, text). cascadia.Selector is that
// adapter: Match, MatchAll, MatchFirst and Filter over the test.
func matcher(test func(*html.Node) bool) cascadia.Selector {
	return cascadia.Selector(test)
}

// Matchers shared by several files, compiled once.
var (
	bodyM       = cascadia.MustCompile("body")
	imgM        = cascadia.MustCompile("img")
	headingM    = cascadia.MustCompile("h1, h2, h3, h4, h5, h6")
	linkM       = matcher(isLink)         // <a href>
	docLinkM    = matcher(isDocumentLink) // <a href> to a document file
	subHeadingM = cascadia.MustCompile("h2, h3, h4, h5, h6")
)

// selection wraps nodes of the parsed tree that the extractor already
// holds (the node an entry point was given, matches kept from an earlier
// search) in a goquery Selection, in the order given and without
// duplicates, without walking or copying the tree.
func selection(ns ...*html.Node) *goquery.Selection {
	if len(ns) == 0 {
		return new(goquery.Selection)
	}
	s := goquery.NewDocumentFromNode(ns[0]).Selection
	if len(ns) > 1 {
		s = s.AddNodes(ns[1:]...)
	}
	return s
}

// firstNode returns the first node of s, or nil when s is empty (goquery's
// Get panics on an empty Selection).
func firstNode(s *goquery.Selection) *html.Node {
	if s.Length() == 0 {
		return nil
	}
	return s.Nodes[0]
}

// outermost returns the nodes of the subtree rooted at root (root
// included) that m matches and that no other match holds, in document
// order: what a walk visits when it stops at each match. (A link can hold
// another: the parser keeps an <a> opened in a table cell inside the
// <a> around the table.) goquery has no search that stops at a match.
func outermost(root *html.Node, m goquery.Matcher) []*html.Node {
	all := m.MatchAll(root)
	out := all[:0]
	for _, n := range all {
		// In document order a match nested in a kept one follows it,
		// with only the kept one's descendants between them.
		if len(out) > 0 && contains(out[len(out)-1], n) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// walk calls fn for n and its descendants in document order. When fn
// returns false the children of that node are skipped. Kept: goquery has
// no walk that prunes (see above).
func walk(n *html.Node, fn func(*html.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling // fn may detach c
		walk(c, fn)
		c = next
	}
}

// contains reports whether d is n or one of its descendants. Kept:
// goquery's Contains leaves n itself out and needs a Selection; this
// allocates nothing (outermost calls it per match).
func contains(n, d *html.Node) bool {
	for ; d != nil; d = d.Parent {
		if d == n {
			return true
		}
	}
	return false
}

// closest returns the nearest ancestor of n (n included) for which keep
// returns true, or nil. Kept: ClosestMatcher allocates Selections on each
// call, and insideEntry climbs from many elements of every page.
func closest(n *html.Node, keep func(*html.Node) bool) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && keep(n) {
			return n
		}
	}
	return nil
}

// nodeText is the visible text of n with white space normalised; block
// elements and <br> separate words so that "<p>a</p><p>b</p>" reads
// "a b", while adjacent inline elements run together as a browser shows
// them. Kept: goquery's Text joins the text nodes as written.
func nodeText(n *html.Node) string {
	var b strings.Builder
	writeText(&b, n)
	return normSpace(b.String())
}

func writeText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.CommentNode:
		return
	}
	sep := isBlock(n) || isElement(n, atom.Br)
	if sep {
		b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeText(b, c)
	}
	if sep {
		b.WriteByte(' ')
	}
}

// findBody returns the page's <body>, or the whole Document when it has
// none (a frameset page): what the passes over the visible page read.
func findBody(doc *goquery.Document) *goquery.Selection {
	if b := doc.FindMatcher(goquery.SingleMatcher(bodyM)); b.Length() > 0 {
		return b.First() // SingleMatcher stops at one match per child subtree
	}
	return doc.Selection
}

// boundedText returns nodeText(n) when n's text is at most limit bytes
// (after white space is normalised), and false otherwise, without
// building the text of large subtrees: a first pass counts the text and
// stops early. Kept, as nodeText.
func boundedText(n *html.Node, limit int) (string, bool) {
	size, over := 0, false // bytes of text without surrounding white space
	var count func(*html.Node)
	count = func(c *html.Node) {
		for k := c.FirstChild; k != nil && !over; k = k.NextSibling {
			switch k.Type {
			case html.TextNode:
				if size += len(strings.TrimSpace(k.Data)); size > limit*2 {
					over = true
				}
			case html.ElementNode, html.DocumentNode:
				count(k)
			}
		}
	}
	if n.Type == html.TextNode {
		size = len(strings.TrimSpace(n.Data))
		over = size > limit*2
	} else {
		count(n)
	}
	if over {
		return "", false
	}
	if size == 0 {
		return "", true
	}
	if c := n.FirstChild; c != nil && c.NextSibling == nil && c.Type == html.TextNode {
		if t := normSpace(c.Data); len(t) <= limit { // one text node: the common case
			return t, true
		}
		return "", false
	}
	t := nodeText(n)
	if len(t) > limit {
		return "", false
	}
	return t, true
}
