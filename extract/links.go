package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// collectLinks returns the crawl candidates of the whole page: every
// <a href> and <area href>, and <link rel=next/prev>, resolved,
// normalised, http(s) only, without fragments, without links to files
// (documents, images, media, uploads), de-duplicated, in document order.
// It runs before noise is stripped: listings and related blocks are how
// the crawler finds detail pages.
func collectLinks(root *html.Node, r *resolver) []string {
	seen := map[string]bool{}
	links := []string{}
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.A, atom.Area:
		case atom.Link:
			if !hasRel(n, "next") && !hasRel(n, "prev") && !hasRel(n, "previous") {
				return false
			}
		default:
			return true
		}
		u := r.href(n)
		if u == "" || seen[u] || r.isFile(u) {
			return true
		}
		seen[u] = true
		links = append(links, u)
		return true
	})
	return links
}
