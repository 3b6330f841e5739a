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
// the crawler finds detail pages. The page is the resolver's Document.
func collectLinks(r *resolver) []string {
	seen := map[string]bool{}
	links := []string{}
	for _, n := range r.doc.FindMatcher(crawlLinkM).Nodes {
		u := r.href(n)
		if u == "" || seen[u] || r.isFile(u) {
			continue
		}
		seen[u] = true
		links = append(links, u)
	}
	return links
}

// crawlLinkM matches the elements collectLinks reads: <a>, <area>, and
// <link rel=next|prev|previous>.
var crawlLinkM = matcher(func(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.A, atom.Area:
		return true
	case atom.Link:
		return hasRel(n, "next") || hasRel(n, "prev") || hasRel(n, "previous")
	}
	return false
})
