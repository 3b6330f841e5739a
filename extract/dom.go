package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// attr returns the value of the named attribute of n, or "".
func attr(n *html.Node, name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, name) {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n carries the named attribute.
func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, name) {
			return true
		}
	}
	return false
}

// classes returns the lower-cased class tokens of n.
func classes(n *html.Node) []string {
	return strings.Fields(strings.ToLower(attr(n, "class")))
}

// hasClass reports whether n has one of the given class tokens.
func hasClass(n *html.Node, names ...string) bool {
	for _, c := range classes(n) {
		for _, name := range names {
			if c == name {
				return true
			}
		}
	}
	return false
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

// boundedText returns nodeText(n) when n's raw text is at most limit
// bytes (after trimming), and false otherwise, without building the text
// of large subtrees.
func boundedText(n *html.Node, limit int) (string, bool) {
	var b strings.Builder
	over := false
	size := 0 // bytes of text without surrounding white space
	var visit func(*html.Node)
	visit = func(c *html.Node) {
		if over {
			return
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			if size += len(strings.TrimSpace(c.Data)); size > limit*2 {
				over = true
			}
			return
		case html.CommentNode:
			return
		}
		sep := isBlock(c) || isElement(c, atom.Br)
		if sep {
			b.WriteByte(' ')
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			visit(k)
		}
		if sep {
			b.WriteByte(' ')
		}
	}
	visit(n)
	if over {
		return "", false
	}
	t := normSpace(b.String())
	if len(t) > limit {
		return "", false
	}
	return t, true
}
