package sitegen

import (
	"fmt"
	"strconv"
)

// listing is one page of an archive, ready to render.
type listing struct {
	kind       string // "home", "resources", "resource-type", "tag"
	term       int
	root       string // path of the archive's first page
	n, pages   int
	items      []pub
	noneListed bool
}

func (l *listing) pageURL(base string, i int) string {
	if i == 1 {
		return base + l.root
	}
	return base + l.root + "page/" + strconv.Itoa(i) + "/"
}

// listingPage renders an archive page's head part into p and returns
// where its main part starts.
func (s *Site) listingPage(p *page, base string, l *listing) int {
	h := &head{robots: robotsIndex, ogType: "website", canonical: l.pageURL(base, l.n)}
	var heading, intro, title, class string
	switch l.kind {
	case "home":
		heading, title = "Latest resources", siteName
		intro = "The " + siteFullName + " helps companies find and end forced labour and human trafficking in their operations and supply chains."
		class = "home blog"
		h.docTitle = []string{siteName, siteTagline}
		h.description = siteTagline
	case "resources":
		heading, title = "Resources", "Resources"
		intro = "Guidance, tools, reports and case studies from the network and its partners."
		class = "archive post-type-archive post-type-archive-resource"
	case "resource-type":
		name := typeNames[l.term]
		heading, title = "Resource type: "+name, name+" Archives"
		class = fmt.Sprintf("archive tax-resource-type term-%s term-%d", slugify(name), typeID(l.term))
	default:
		name := tagNames[l.term]
		heading, title = "Tag: "+name, name+" Archives"
		class = fmt.Sprintf("archive tag tag-%s tag-%d", slugify(name), tagID(l.term))
	}
	if l.kind != "home" {
		h.description = intro
		if l.n > 1 {
			class += fmt.Sprintf(" paged paged-%d", l.n)
			h.docTitle = []string{title, fmt.Sprintf("Page %d of %d", l.n, l.pages), siteName}
		} else {
			h.docTitle = []string{title, siteName}
		}
	}
	if l.n > 1 {
		h.prev = l.pageURL(base, l.n-1)
	}
	if l.n < l.pages {
		h.next = l.pageURL(base, l.n+1)
	}
	h.title, h.bodyClass = title, class
	h.jsonLD = func(p *page) {
		p.s(`{"@context":"https://schema.org","@graph":[`)
		siteGraph(p, base)
		p.s(`,{"@type":"CollectionPage","@id":`)
		p.json(h.canonical)
		p.s(`,"url":`)
		p.json(h.canonical)
		p.s(`,"name":`)
		p.json(title)
		p.s(`,"isPartOf":{"@id":`)
		p.json(base + "/#website")
		p.s(`},"inLanguage":"en-US"}]}`)
	}
	s.writeHeadMeta(p, base, h)
	split := len(p.b)

	p.s("\n<header class=\"page-header\">\n\t<h1 class=\"page-title\">")
	p.esc(heading)
	p.s("</h1>\n")
	if intro != "" {
		p.s("\t<div class=\"archive-description\"><p>")
		p.esc(intro)
		p.s("</p></div>\n")
	}
	p.s("</header>\n")
	if len(l.items) == 0 {
		p.s("<section class=\"no-results not-found\"><p>Sorry, but nothing matched your search terms. Please try again with some different keywords.</p></section>\n")
	} else {
		p.s("<div class=\"resource-grid\">\n")
		for k := range l.items {
			s.card(p, base, &l.items[k])
		}
		p.s("</div>\n")
	}
	if l.pages > 1 && l.kind != "home" {
		p.s("<nav class=\"navigation pagination\" aria-label=\"Resources\">\n\t<h2 class=\"screen-reader-text\">Resources navigation</h2>\n\t<div class=\"nav-links\">")
		if l.n > 1 {
			p.s("<a class=\"prev page-numbers\" href=\"")
			p.s(l.pageURL(base, l.n-1))
			p.s("\">« Previous</a>\n")
		}
		dots := false
		for i := 1; i <= l.pages; i++ {
			switch {
			case i == l.n:
				p.s("<span aria-current=\"page\" class=\"page-numbers current\">")
				p.s(thousands(i))
				p.s("</span>\n")
				dots = false
			case i == 1 || i == l.pages || i >= l.n-2 && i <= l.n+2:
				p.s("<a class=\"page-numbers\" href=\"")
				p.s(l.pageURL(base, i))
				p.s("\">")
				p.s(thousands(i))
				p.s("</a>\n")
				dots = false
			case !dots:
				p.s("<span class=\"page-numbers dots\">&hellip;</span>\n")
				dots = true
			}
		}
		if l.n < l.pages {
			p.s("<a class=\"next page-numbers\" href=\"")
			p.s(l.pageURL(base, l.n+1))
			p.s("\">Next »</a>")
		}
		p.s("</div>\n</nav>\n")
	}
	if l.kind == "home" {
		p.s("<p class=\"view-all\"><a href=\"")
		p.s(base)
		p.s("/resources/\" class=\"button\">Browse all resources »</a></p>\n")
	}
	return split
}
