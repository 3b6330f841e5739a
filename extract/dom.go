package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// attr returns the value of the named attribute of n, or "". name must
// be lower case: the HTML parser lower-cases attribute names.
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
func hasAttr(n *html.Node, name string) bool {
	for i := range n.Attr {
		if a := &n.Attr[i]; a.Key == name && a.Namespace == "" {
			return true
		}
	}
	return false
}

// classes returns the lower-cased class tokens of n.
func classes(n *html.Node) []string {
	return strings.Fields(strings.ToLower(attr(n, "class")))
}

// eachClass calls fn with each class token of n as written (not
// lower-cased) until fn returns true, and reports whether it did. It
// does not allocate.
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
// tokens, compared ignoring case.
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

func hasRel(n *html.Node, token string) bool {
	for _, t := range relTokens(n) {
		if t == token {
			return true
		}
	}
	return false
}

// isElement reports whether n is an element of one of the given atoms.
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

func isBlock(n *html.Node) bool {
	return n != nil && n.Type == html.ElementNode && blockAtoms[n.DataAtom]
}

// walk calls fn for n and its descendants in document order. When fn
// returns false the children of that node are skipped.
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

// elements returns the element descendants of n (n included) for which
// keep returns true, in document order.
func elements(n *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && keep(c) {
			out = append(out, c)
		}
		return true
	})
	return out
}

// firstElement returns the first element below n (n included) for which
// keep returns true.
func firstElement(n *html.Node, keep func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found != nil {
			return false
		}
		if c.Type == html.ElementNode && keep(c) {
			found = c
			return false
		}
		return true
	})
	return found
}

// contains reports whether d is n or one of its descendants.
func contains(n, d *html.Node) bool {
	for ; d != nil; d = d.Parent {
		if d == n {
			return true
		}
	}
	return false
}

// attached reports whether n is still part of the tree rooted at root.
func attached(root, n *html.Node) bool {
	return n != nil && contains(root, n)
}

// closest returns the nearest ancestor of n (n included) for which keep
// returns true, or nil.
func closest(n *html.Node, keep func(*html.Node) bool) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && keep(n) {
			return n
		}
	}
	return nil
}

// detach removes n from its parent, if it has one.
func detach(n *html.Node) {
	if n != nil && n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// rawText is the concatenated text of n's descendants, as the page has it.
func rawText(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return c.Type != html.CommentNode
	})
	return b.String()
}

// nodeText is the visible text of n with white space normalised; block
// elements and <br> separate words so that "<p>a</p><p>b</p>" reads
// "a b", while adjacent inline elements run together as a browser shows
// them.
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

// findBody returns the <body> element of the document rooted at root.
func findBody(root *html.Node) *html.Node {
	if b := firstElement(root, func(n *html.Node) bool { return n.DataAtom == atom.Body }); b != nil {
		return b
	}
	return root
}

// boundedText returns nodeText(n) when n's text is at most limit bytes
// (after white space is normalised), and false otherwise, without
// building the text of large subtrees: a first pass counts the text and
// stops early.
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
