package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// line is one line of visible text: the inline content between two block
// boundaries or <br>s.
type line struct {
	text  string
	block *html.Node   // the innermost block element holding the line
	links []*html.Node // <a href> elements in the line
	// leaves are the inline elements of the line that hold text and no
	// inline element with text of their own: the term elements of a term
	// list, each read on its own so that adjacent ones stay separate.
	leaves []*html.Node
}

// textLines splits the visible text below root into lines, in document
// order. Elements for which skip returns true are left out. The line
// builder walks the tree itself: a line ends at block boundaries and
// <br>s met on the way down and skipped subtrees are not entered, which
// no search over the tree gives.
func textLines(root *html.Node, skip func(*html.Node) bool) []line {
	b := &lineBuilder{skip: skip, block: root}
	b.visit(root)
	b.flush()
	return b.lines
}

// plainLines is textLines without each line's links and leaves, for
// callers that only read the text (cheaper).
func plainLines(root *html.Node, skip func(*html.Node) bool) []line {
	b := &lineBuilder{skip: skip, block: root, plain: true}
	b.visit(root)
	b.flush()
	return b.lines
}

type lineBuilder struct {
	lines  []line
	cur    strings.Builder
	links  []*html.Node
	leaves []*html.Node
	block  *html.Node
	skip   func(*html.Node) bool
	plain  bool // no links or leaves
}

func (b *lineBuilder) flush() {
	if t := normSpace(b.cur.String()); t != "" {
		b.lines = append(b.lines, line{text: t, block: b.block, links: b.links, leaves: b.leaves})
	}
	b.cur.Reset()
	b.links, b.leaves = nil, nil
}

func (b *lineBuilder) visit(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.cur.WriteString(n.Data)
		return
	case html.CommentNode:
		return
	case html.ElementNode:
		if b.skip != nil && b.skip(n) {
			return
		}
		if isElement(n, atom.Script, atom.Style, atom.Noscript, atom.Template) {
			return
		}
	}
	if isElement(n, atom.Br) {
		b.flush()
		return
	}
	if isBlock(n) {
		b.flush()
		saved := b.block
		b.block = n
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.visit(c)
		}
		b.flush()
		b.block = saved
		return
	}
	if n.Type == html.ElementNode && !b.plain {
		if isLink(n) {
			b.links = append(b.links, n)
		}
		if isLeaf(n) {
			b.leaves = append(b.leaves, n)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.visit(c)
	}
}

// hasText reports whether n holds any text other than white space.
func hasText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return true
			}
		case html.ElementNode:
			if hasText(c) {
				return true
			}
		}
	}
	return false
}

// leafM matches the leaf elements (see isLeaf).
var leafM = matcher(func(n *html.Node) bool { return n.Type == html.ElementNode && isLeaf(n) })

// isLeaf reports whether the inline element n holds text of its own and
// no inline element child that holds text.
func isLeaf(n *html.Node) bool {
	own := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				own = true
			}
		case html.ElementNode:
			if hasText(c) {
				return false
			}
		}
	}
	return own
}
