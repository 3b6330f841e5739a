package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Leaked CMS identifier lists are recognised by their shape, not by
// their words: a run of at least MinIdentifierRun consecutive lines or
// sibling elements, each a single identifier-like token (lower-case ASCII
// words joined by "_" or "-"), of which at least a third contain "_" or
// "-". The run may be separate elements (<p>, <div>, <li>, <span>, ...)
// or lines of one block separated by <br> or newlines.

// stripIdentifierLists removes every such run below root. It walks the
// page, each element's runs removed before its children are visited, and
// does not enter <head>, scripts or styles: goquery has no walk that
// prunes, and a search would first collect elements that the removals
// then take out of the page.
func stripIdentifierLists(root *html.Node, log *noiseLog) {
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return true
		}
		if isElement(n, atom.Head, atom.Script, atom.Style) {
			return false
		}
		stripElementRuns(n, log)
		stripLineRuns(n, log)
		return true
	})
}

// stripElementRuns removes runs of child elements of n that each hold a
// single identifier. White space, comments and <br> between them do not
// break a run; any other text does.
func stripElementRuns(n *html.Node, log *noiseLog) {
	var run []*html.Node
	var tokens []string
	flush := func() {
		if isIdentifierRun(tokens) {
			selection(run...).Remove()
			log.add(noiseIdentifiers, 1, len(run))
		}
		run, tokens = run[:0], tokens[:0]
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode, isElement(c, atom.Br):
		case c.Type == html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				flush()
			}
		case c.Type == html.ElementNode:
			if t, ok := soleText(c); ok && isIdentifier(t) {
				run = append(run, c)
				tokens = append(tokens, t)
			} else {
				flush()
			}
		}
		c = next
	}
	flush()
}

// soleText returns the text of an element that holds nothing but one
// short piece of text, possibly through a chain of single elements
// (<li><a>post</a></li>), ignoring <br>s, comments and white space; ok
// is false for anything else. It is the cheap test for an identifier
// line.
func soleText(n *html.Node) (string, bool) {
	for depth := 0; depth < 8; depth++ {
		var only *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.CommentNode, isElement(c, atom.Br):
				continue
			case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
				continue
			}
			if only != nil {
				return "", false
			}
			only = c
		}
		switch {
		case only == nil:
			return "", false
		case only.Type == html.TextNode:
			t := strings.TrimSpace(only.Data)
			return t, len(t) <= 64
		case only.Type != html.ElementNode:
			return "", false
		}
		n = only
	}
	return "", false
}

// piece is part of one line of text: a text node segment or an inline
// element.
type piece struct {
	node *html.Node
	seg  int // segment index within a text node split at newlines; -1 for elements
}

type textLine struct {
	pieces []piece
	brs    []*html.Node // <br> elements that end this line
	text   string
}

// stripLineRuns removes runs of identifier lines inside the direct
// content of n, where lines are separated by <br> or newlines in text.
func stripLineRuns(n *html.Node, log *noiseLog) {
	hasText := false
	breaks := 0 // line breaks among the direct content: a run needs several
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				hasText = true
			}
			breaks += strings.Count(c.Data, "\n")
		case isElement(c, atom.Br):
			breaks++
		}
	}
	if !hasText || breaks < MinIdentifierRun-1 {
		return
	}
	var lines []textLine
	var cur textLine
	var sb strings.Builder
	endLine := func() {
		cur.text = normSpace(sb.String())
		lines = append(lines, cur)
		cur = textLine{}
		sb.Reset()
	}
	barrier := func() {
		endLine()
		lines = append(lines, textLine{text: "\x00"}) // a block element: runs never cross it
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			for i, seg := range strings.Split(c.Data, "\n") {
				if i > 0 {
					endLine()
				}
				cur.pieces = append(cur.pieces, piece{node: c, seg: i})
				sb.WriteString(seg)
			}
		case isElement(c, atom.Br):
			cur.brs = append(cur.brs, c)
			endLine()
		case c.Type == html.ElementNode && !isBlock(c):
			t, ok := boundedText(c, 64)
			if !ok {
				t = "\x00" // a long inline element: not an identifier
			}
			cur.pieces = append(cur.pieces, piece{node: c, seg: -1})
			sb.WriteString(" " + t + " ")
		case c.Type == html.ElementNode:
			barrier()
		}
	}
	endLine()

	removeSeg := map[*html.Node]map[int]bool{}
	var run []textLine
	var tokens []string
	flush := func() {
		if isIdentifierRun(tokens) {
			var removed []*html.Node // the run's inline elements and the <br>s inside it
			for i, l := range run {
				for _, p := range l.pieces {
					if p.seg < 0 {
						removed = append(removed, p.node)
						continue
					}
					if removeSeg[p.node] == nil {
						removeSeg[p.node] = map[int]bool{}
					}
					removeSeg[p.node][p.seg] = true
				}
				if i < len(run)-1 {
					removed = append(removed, l.brs...)
				}
			}
			selection(removed...).Remove()
			log.add(noiseIdentifiers, 1, len(run))
		}
		run, tokens = run[:0], tokens[:0]
	}
	for _, l := range lines {
		switch {
		case l.text == "":
			// blank lines do not break a run
		case isIdentifier(l.text):
			run = append(run, l)
			tokens = append(tokens, l.text)
		default:
			flush()
		}
	}
	flush()
	for t, segs := range removeSeg {
		parts := strings.Split(t.Data, "\n")
		kept := parts[:0]
		for i, p := range parts {
			if !segs[i] {
				kept = append(kept, p)
			}
		}
		t.Data = strings.Join(kept, "\n")
	}
}
