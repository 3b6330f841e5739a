package sitegen

import (
	"fmt"
	"strconv"
	"time"
)

// head is the page's own part of <head>, and its body class.
type head struct {
	docTitle    []string // joined by an en dash, texturized
	title       string   // og:title
	description string
	canonical   string
	next, prev  string
	robots      string
	ogType      string
	metas       [][2]string // property (or name: prefix "name:") and content
	bodyClass   string
	jsonLD      func(p *page)
}

const robotsIndex = "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1"

func (s *Site) writeHeadMeta(p *page, base string, h *head) {
	p.s("<title>")
	for k, t := range h.docTitle {
		if k > 0 {
			p.s(" &#8211; ")
		}
		p.tex(t)
	}
	p.s("</title>\n<meta name=\"robots\" content=\"")
	p.s(h.robots)
	p.s("\">\n")
	if h.description != "" {
		p.s("<meta name=\"description\" content=\"")
		p.esc(h.description)
		p.s("\">\n")
	}
	if h.canonical != "" {
		p.s("<link rel=\"canonical\" href=\"")
		p.esc(h.canonical)
		p.s("\">\n")
	}
	if h.prev != "" {
		p.s("<link rel=\"prev\" href=\"")
		p.esc(h.prev)
		p.s("\">\n")
	}
	if h.next != "" {
		p.s("<link rel=\"next\" href=\"")
		p.esc(h.next)
		p.s("\">\n")
	}
	p.s("<meta property=\"og:locale\" content=\"en_US\">\n<meta property=\"og:type\" content=\"")
	p.s(h.ogType)
	p.s("\">\n<meta property=\"og:title\" content=\"")
	p.esc(h.title)
	p.s("\">\n")
	if h.description != "" {
		p.s("<meta property=\"og:description\" content=\"")
		p.esc(h.description)
		p.s("\">\n")
	}
	if h.canonical != "" {
		p.s("<meta property=\"og:url\" content=\"")
		p.esc(h.canonical)
		p.s("\">\n")
	}
	p.s("<meta property=\"og:site_name\" content=\"" + siteName + "\">\n")
	for _, m := range h.metas {
		if len(m[0]) > 5 && m[0][:5] == "name:" {
			p.s("<meta name=\"")
			p.s(m[0][5:])
		} else {
			p.s("<meta property=\"")
			p.s(m[0])
		}
		p.s("\" content=\"")
		p.esc(m[1])
		p.s("\">\n")
	}
	p.s("<meta name=\"twitter:card\" content=\"summary_large_image\">\n<meta name=\"twitter:site\" content=\"@northstar_example\">\n")
	if h.jsonLD != nil {
		p.s("<script type=\"application/ld+json\" class=\"yoast-schema-graph\">")
		h.jsonLD(p)
		p.s("</script>\n")
	}
	p.s("</head>\n<body class=\"")
	p.s(h.bodyClass)
	p.s(" wp-embed-responsive northstar-theme ns-theme-0 has-sidebar\">\n")
}

// siteGraph writes the WebSite and Organization nodes of a Yoast graph.
func siteGraph(p *page, base string) {
	p.s(`{"@type":"WebSite","@id":`)
	p.json(base + "/#website")
	p.s(`,"url":`)
	p.json(base + "/")
	p.s(`,"name":"` + siteName + `","description":`)
	p.json(siteTagline)
	p.s(`,"publisher":{"@id":`)
	p.json(base + "/#organization")
	p.s(`},"inLanguage":"en-US"},{"@type":"Organization","@id":`)
	p.json(base + "/#organization")
	p.s(`,"name":`)
	p.json(siteFullName)
	p.s(`,"url":`)
	p.json(base + "/")
	p.s(`,"sameAs":["https://www.linkedin.com/company/northstar-network-example","https://x.com/northstar_example"]}`)
}

// pub is a publication ready to render: its meta and the parts of its
// state a page shows.
type pub struct {
	meta
	title, slug string
	posted, mod time.Time
}

func (s *Site) pub(idx int, st pubState) pub {
	m := s.meta(idx)
	t := m.title()
	return pub{meta: m, title: t, slug: slugify(t), posted: unix(st.posted), mod: unix(st.mod)}
}

func (b *pub) path() string { return "/resource/" + b.slug + "/" }

// card writes a teaser of publication b, as listings and related blocks
// show it: linked title, types run together, a 200-character excerpt
// ending in "...Read More", and a TAGS line.
func (s *Site) card(p *page, base string, b *pub) {
	p.s("<article id=\"post-")
	p.i(b.id)
	p.s("\" class=\"resource-card post-")
	p.i(b.id)
	p.s(" resource type-resource status-publish hentry\">\n\t<h3 class=\"resource-card__title\"><a href=\"")
	p.s(base)
	p.s(b.path())
	p.s("\">")
	p.tex(b.title)
	p.s("</a></h3>\n\t<div class=\"resource-card__types\">")
	for _, t := range b.types {
		p.s("<span class=\"resource-type\">")
		p.s(typeNames[t])
		p.s("</span>")
	}
	p.s("</div>\n\t<p class=\"resource-card__excerpt\">")
	text, _ := s.summaryBase(&b.meta, b.citationYear(b.posted))
	p.esc(excerpt(text, 200))
	p.s("...<a href=\"")
	p.s(b.path())
	p.s("\" class=\"read-more\">Read More</a></p>\n")
	if len(b.tags) > 0 {
		p.s("\t<p class=\"resource-card__tags\">TAGS: ")
		for k, t := range b.tags {
			if k > 0 {
				p.s(", ")
			}
			p.s("<a href=\"")
			p.s(base)
			p.s("/tag/")
			p.s(termSlug(tagNames[t]))
			p.s("/\">")
			p.s(tagNames[t])
			p.s("</a>")
		}
		p.s("</p>\n")
	}
	p.s("</article>\n")
}

// detail renders publication b's own head part into p and returns where
// its main part starts.
func (s *Site) detail(p *page, base string, b *pub, ver uint32, related []pub) int {
	url := base + b.path()
	cite := b.citationYear(b.posted)
	text, _ := s.summary(&b.meta, cite, ver)
	downloads := b.downloads(b.slug, b.posted)
	showDate := !b.hideDate
	modified := showDate && b.mod.After(b.posted)
	h := &head{
		docTitle: []string{b.title, siteName}, title: b.title, canonical: url,
		robots: robotsIndex, ogType: "article",
		bodyClass: "resource-template-default single single-resource postid-" + strconv.Itoa(b.id),
	}
	if b.variant != variantB {
		h.description = description(text)
	} else {
		h.bodyClass += " resource-library-single"
	}
	if showDate {
		h.metas = append(h.metas, [2]string{"article:published_time", b.posted.Format(wpTime)})
		if modified {
			h.metas = append(h.metas, [2]string{"article:modified_time", b.mod.Format(wpTime)})
		}
	}
	if b.variant == variantC {
		for _, t := range b.types {
			h.metas = append(h.metas, [2]string{"article:section", typeNames[t]})
		}
		for _, t := range b.tags {
			h.metas = append(h.metas, [2]string{"article:tag", tagNames[t]})
		}
		h.metas = append(h.metas, [2]string{"name:citation_pdf_url", base + downloads[0].path})
	}
	h.jsonLD = func(p *page) {
		p.s(`{"@context":"https://schema.org","@graph":[`)
		siteGraph(p, base)
		p.s(`,{"@type":"WebPage","@id":`)
		p.json(url)
		p.s(`,"url":`)
		p.json(url)
		p.s(`,"name":`)
		p.json(b.title + " – " + siteName)
		p.s(`,"isPartOf":{"@id":`)
		p.json(base + "/#website")
		p.s(`},"breadcrumb":{"@id":`)
		p.json(url + "#breadcrumb")
		p.s(`},"inLanguage":"en-US"`)
		if showDate {
			p.s(`,"datePublished":"`)
			p.time(b.posted, wpTime)
			p.s(`"`)
			if modified {
				p.s(`,"dateModified":"`)
				p.time(b.mod, wpTime)
				p.s(`"`)
			}
		}
		p.s(`},{"@type":"BreadcrumbList","@id":`)
		p.json(url + "#breadcrumb")
		p.s(`,"itemListElement":[{"@type":"ListItem","position":1,"name":"Home","item":`)
		p.json(base + "/")
		p.s(`},{"@type":"ListItem","position":2,"name":"Resources","item":`)
		p.json(base + "/resources/")
		p.s(`},{"@type":"ListItem","position":3,"name":`)
		p.json(b.title)
		p.s(`}]}`)
		if b.variant == variantC {
			kind := "Article"
			if containsInt(b.types, tReports) {
				kind = "Report"
			}
			p.s(`,{"@type":"` + kind + `","@id":`)
			p.json(url + "#article")
			p.s(`,"headline":`)
			p.json(b.title)
			p.s(`,"name":`)
			p.json(b.title)
			p.s(`,"description":`)
			p.json(h.description)
			p.s(`,"articleSection":[`)
			for k, t := range b.types {
				if k > 0 {
					p.s(",")
				}
				p.json(typeNames[t])
			}
			p.s(`],"inLanguage":"en-US","author":{"@type":"Organization","name":`)
			p.json(b.publisher)
			p.s(`},"publisher":{"@id":`)
			p.json(base + "/#organization")
			p.s(`},"mainEntityOfPage":{"@id":`)
			p.json(url)
			p.s(`},"associatedMedia":{"@type":"MediaObject","contentUrl":`)
			p.json(base + downloads[0].path)
			p.s(`,"encodingFormat":"application/pdf"}`)
			if len(b.tags) > 0 {
				p.s(`,"keywords":[`)
				for k, t := range b.tags {
					if k > 0 {
						p.s(",")
					}
					p.json(tagNames[t])
				}
				p.s(`]`)
			}
			if showDate {
				p.s(`,"datePublished":"`)
				p.time(b.posted, wpTime)
				p.s(`"`)
				if modified {
					p.s(`,"dateModified":"`)
					p.time(b.mod, wpTime)
					p.s(`"`)
				}
			}
			p.s(`}`)
		}
		p.s(`]}`)
	}
	s.writeHeadMeta(p, base, h)
	split := len(p.b)

	p.s("\n<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\"><span><a href=\"")
	p.s(base)
	p.s("/\">Home</a></span> » <span><a href=\"")
	p.s(base)
	p.s("/resources/\">Resources</a></span> » <span class=\"breadcrumb_last\" aria-current=\"page\">")
	p.tex(b.title)
	p.s("</span></nav>\n")
	citation := func(link string) {
		p.tex(b.title)
		if b.variant == variantC {
			p.s("</em>")
		}
		p.s(" - ")
		p.esc(b.publisher)
		p.s(", ")
		p.i(cite)
		p.s(" <a href=\"")
		p.s(downloads[0].path)
		p.s(link)
		p.s(downloads[0].label)
		p.s("</a>")
	}
	switch b.variant {
	case variantA:
		p.s("<article id=\"post-")
		p.i(b.id)
		p.s("\" class=\"post-")
		p.i(b.id)
		p.s(" resource type-resource status-publish hentry")
		for _, t := range b.types {
			p.s(" resource-type-")
			p.s(termSlug(typeNames[t]))
		}
		for _, t := range b.tags {
			p.s(" tag-")
			p.s(termSlug(tagNames[t]))
		}
		p.s("\">\n\t<header class=\"entry-header\">\n\t\t<h1 class=\"entry-title\">")
		p.tex(b.title)
		p.s("</h1>\n\t\t<div class=\"entry-meta\">\n\t\t\t")
		if showDate {
			p.s("<span class=\"posted-on\">Posted on <a href=\"")
			p.s(url)
			p.s("\" rel=\"bookmark\"><time class=\"entry-date published\" datetime=\"")
			p.time(b.posted, wpTime)
			p.s("\">")
			p.time(b.posted, "January 2, 2006")
			p.s("</time>")
			if modified {
				p.s("<time class=\"updated\" datetime=\"")
				p.time(b.mod, wpTime)
				p.s("\">")
				p.time(b.mod, "January 2, 2006")
				p.s("</time>")
			}
			p.s("</a></span>")
		}
		p.s("\n\t\t\t<span class=\"byline\"> by <span class=\"author vcard\">Network Secretariat</span></span>\n\t\t\t<span class=\"cat-links\">Posted in ")
		for k, t := range b.types {
			if k > 0 {
				p.s(", ")
			}
			p.s("<a href=\"")
			p.s(base)
			p.s("/resource-type/")
			p.s(termSlug(typeNames[t]))
			p.s("/\" rel=\"category tag\">")
			p.s(typeNames[t])
			p.s("</a>")
		}
		p.s("</span>\n\t\t</div>\n\t</header>\n\t<div class=\"entry-content\">\n\t\t<p>")
		p.esc(text)
		p.s("</p>\n\t\t<p class=\"citation\">")
		citation("\" class=\"download-link\" target=\"_blank\" rel=\"noopener\">")
		p.s("</p>\n")
		moreDownloads(p, downloads)
		writeLeak(p, b)
		p.s("\t</div>\n\t<footer class=\"entry-footer\">\n\t\t")
		if len(b.tags) > 0 {
			p.s("<span class=\"tags-links\">Tagged ")
			for k, t := range b.tags {
				if k > 0 {
					p.s(", ")
				}
				p.s("<a href=\"")
				p.s(base)
				p.s("/tag/")
				p.s(termSlug(tagNames[t]))
				p.s("/\" rel=\"tag\">")
				p.s(tagNames[t])
				p.s("</a>")
			}
			p.s("</span>\n\t\t")
		}
		share(p, url, b.title)
		p.s("\t</footer>\n</article>\n")
	case variantB:
		p.s("<article id=\"post-")
		p.i(b.id)
		p.s("\" class=\"resource-single post-")
		p.i(b.id)
		p.s(" resource type-resource status-publish hentry\">\n\t<header class=\"resource-header\">\n\t\t<div class=\"resource-header__types\">")
		for _, t := range b.types {
			p.s("<a href=\"")
			p.s(base)
			p.s("/resource-type/")
			p.s(termSlug(typeNames[t]))
			p.s("/\" class=\"resource-type\">")
			p.s(typeNames[t])
			p.s("</a>")
		}
		p.s("</div>\n\t\t<h1 class=\"resource-header__title\">")
		p.tex(b.title)
		p.s("</h1>\n\t</header>\n\t<div class=\"resource-body\">\n\t\t<p>")
		p.esc(text)
		p.s("</p>\n\t\t<div class=\"resource-citation\">")
		citation("\" target=\"_blank\">")
		p.s("</div>\n")
		moreDownloads(p, downloads)
		if len(b.tags) > 0 {
			p.s("\t\t<p class=\"resource-tags\">TAGS: ")
			for k, t := range b.tags {
				if k > 0 {
					p.s(", ")
				}
				p.s("<a href=\"")
				p.s(base)
				p.s("/tag/")
				p.s(termSlug(tagNames[t]))
				p.s("/\">")
				p.s(tagNames[t])
				p.s("</a>")
			}
			p.s("</p>\n")
		}
		writeLeak(p, b)
		p.s("\t</div>\n\t")
		share(p, url, b.title)
		p.s("</article>\n")
	default:
		p.s("<article id=\"post-")
		p.i(b.id)
		p.s("\" class=\"post-")
		p.i(b.id)
		p.s(" resource type-resource status-publish has-post-thumbnail hentry\">\n\t<header class=\"entry-header\">\n\t\t<h1 class=\"entry-title\">")
		p.tex(b.title)
		p.s("</h1>\n")
		if showDate {
			p.s("\t\t<div class=\"entry-date\">Published <time datetime=\"")
			p.time(b.posted, wpTime)
			p.s("\">")
			p.time(b.posted, "January 2, 2006")
			p.s("</time></div>\n")
		}
		p.s("\t</header>\n\t<div class=\"entry-content\">\n\t\t<p class=\"lead\">")
		p.esc(text)
		p.s("</p>\n\t\t<p><em>")
		citation("\">")
		p.s("</p>\n")
		moreDownloads(p, downloads)
		writeLeak(p, b)
		p.s("\t</div>\n\t<aside class=\"resource-meta\">\n\t\t<dl>\n\t\t\t<dt>Resource type</dt>\n\t\t\t<dd>")
		for k, t := range b.types {
			if k > 0 {
				p.s(" / ")
			}
			p.s("<a href=\"/resource-type/")
			p.s(termSlug(typeNames[t]))
			p.s("/\">")
			p.s(typeNames[t])
			p.s("</a>")
		}
		p.s("</dd>\n")
		if len(b.tags) > 0 {
			p.s("\t\t\t<dt>Topics</dt>\n\t\t\t<dd>")
			for k, t := range b.tags {
				if k > 0 {
					p.s(" · ")
				}
				p.s("<a href=\"/tag/")
				p.s(termSlug(tagNames[t]))
				p.s("/\">")
				p.s(tagNames[t])
				p.s("</a>")
			}
			p.s("</dd>\n")
		}
		p.s("\t\t</dl>\n\t</aside>\n\t")
		share(p, url, b.title)
		p.s("</article>\n")
	}
	p.s("\n<section class=\"related-resources\">\n\t<h2 class=\"related-resources__title\">Related Resources</h2>\n\t<div class=\"related-resources__grid\">\n\t")
	for k := range related {
		s.card(p, base, &related[k])
	}
	p.s("\n\t</div>\n</section>\n\n<div id=\"comments\" class=\"comments-area\"><p class=\"no-comments\">Comments are closed.</p></div>\n\n")
	return split
}

func moreDownloads(p *page, ds []download) {
	for _, d := range ds[1:] {
		p.s("\t\t<p>")
		p.s(d.intro)
		p.s(" <a href=\"")
		p.s(d.path)
		p.s("\">")
		p.s(d.label)
		p.s("</a></p>\n")
	}
}

// writeLeak writes the post-type names a misbehaving plugin prints into
// the content.
func writeLeak(p *page, b *pub) {
	list := leakLists[b.leak]
	switch b.leakStyle {
	case 2:
		p.s("\t\t<p>")
		for k, x := range list {
			if k > 0 {
				p.s("<br>\n")
			}
			p.s(x)
		}
		p.s("</p>\n")
	case 1:
		for _, x := range list {
			p.s("<div>")
			p.s(x)
			p.s("</div>\n")
		}
	default:
		for _, x := range list {
			p.s("<p>")
			p.s(x)
			p.s("</p>\n")
		}
	}
}

// share writes Jetpack's sharing buttons.
func share(p *page, url, title string) {
	p.s("<div class=\"sharedaddy sd-sharing-enabled\">\n\t<div class=\"robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing\">\n\t\t<h3 class=\"sd-title\">Share this:</h3>\n\t\t<div class=\"sd-content\">\n\t\t\t<ul>\n")
	p.s("\t\t\t\t<li class=\"share-twitter\"><a rel=\"nofollow noopener noreferrer\" class=\"share-twitter sd-button\" href=\"https://twitter.com/intent/tweet?url=")
	p.query(url)
	p.s("&amp;text=")
	p.query(title)
	p.s("\" target=\"_blank\" title=\"Click to share on X\"><span>X</span></a></li>\n")
	p.s("\t\t\t\t<li class=\"share-facebook\"><a rel=\"nofollow noopener noreferrer\" class=\"share-facebook sd-button\" href=\"https://www.facebook.com/sharer/sharer.php?u=")
	p.query(url)
	p.s("\" target=\"_blank\" title=\"Click to share on Facebook\"><span>Facebook</span></a></li>\n")
	p.s("\t\t\t\t<li class=\"share-linkedin\"><a rel=\"nofollow noopener noreferrer\" class=\"share-linkedin sd-button\" href=\"https://www.linkedin.com/shareArticle?mini=true&amp;url=")
	p.query(url)
	p.s("\" target=\"_blank\" title=\"Click to share on LinkedIn\"><span>LinkedIn</span></a></li>\n")
	p.s("\t\t\t\t<li class=\"share-email\"><a rel=\"nofollow noopener noreferrer\" class=\"share-email sd-button\" href=\"mailto:?subject=")
	p.query(title)
	p.s("&amp;body=")
	p.query(url)
	p.s("\" title=\"Click to email a link to a friend\"><span>Email</span></a></li>\n")
	p.s("\t\t\t\t<li class=\"share-print\"><a rel=\"nofollow noopener noreferrer\" class=\"share-print sd-button\" href=\"#print\" title=\"Click to print\"><span>Print</span></a></li>\n\t\t\t</ul>\n\t\t</div>\n\t</div>\n</div>\n")
}

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
		class = fmt.Sprintf("archive tax-resource-type term-%s term-%d", termSlug(name), typeID(l.term))
	default:
		name := tagNames[l.term]
		heading, title = "Tag: "+name, name+" Archives"
		class = fmt.Sprintf("archive tag tag-%s tag-%d", termSlug(name), tagID(l.term))
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

// staticText is the body of the site's ordinary pages.
var staticText = map[string][]string{
	"/about/": {
		"The " + siteFullName + " is a membership organisation of companies, investors and expert bodies that share a commitment to prevent, detect and remedy forced labour wherever it occurs in their operations and value chains.",
		"Founded in 2017, the network publishes practical guidance, convenes working groups on recruitment, remediation and responsible purchasing, and supports members in their dialogue with trade unions, civil society and governments.",
		"Our secretariat is based in London, with staff in Bangkok, Nairobi and São Paulo.",
	},
	"/about/members/": {
		"Members of the network include brands and retailers, manufacturers, logistics and hospitality companies, banks and asset managers, and a growing number of public buyers.",
		"All members sign up to the network’s principles, report annually on their progress and take part in at least one working group.",
	},
	"/contact/": {
		"For general questions about the network and its work, write to info@northstar.example or call +44 20 7946 0321 during UK office hours.",
		"Media enquiries: press@northstar.example. We aim to answer every message within two working days.",
	},
	"/privacy-policy/": {
		"This policy explains what personal data the " + siteFullName + " collects when you use this website, subscribe to our newsletter or attend our events, why we collect it and how long we keep it.",
		"We collect the minimum of data needed to provide our services. We never sell personal data, and we share it with processors only under written agreements that protect it.",
		"You can ask us at any time for a copy of the data we hold about you, or for its correction or deletion.",
	},
	"/cookie-policy/": {
		"This website uses a small number of cookies: one to remember your cookie choice, and, if you accept them, analytics cookies that help us understand which resources are most useful.",
		"You can change your choice at any time by clearing the cookies of this site in your browser.",
	},
	"/newsletter/": {
		"Our monthly newsletter brings you new guidance and tools, news from members and partners, and invitations to webinars and events.",
		"Use the form in the sidebar to subscribe. You can unsubscribe at any time with the link at the end of each issue.",
	},
}

// static renders an ordinary page (or the 404 page when path is "").
func (s *Site) static(p *page, base, path, title string, id int) int {
	h := &head{robots: robotsIndex, ogType: "article", title: title, docTitle: []string{title, siteName}}
	if path == "" {
		h.robots = "noindex, follow"
		h.bodyClass = "error404"
		h.title = "Page not found"
		h.docTitle = []string{"Page not found", siteName}
	} else {
		h.canonical = base + path
		h.bodyClass = fmt.Sprintf("page-template-default page page-id-%d", id)
	}
	s.writeHeadMeta(p, base, h)
	split := len(p.b)
	if path == "" {
		p.s("\n<section class=\"error-404 not-found\">\n\t<header class=\"page-header\"><h1 class=\"page-title\">Oops! That page can’t be found.</h1></header>\n\t<div class=\"page-content\"><p>It looks like nothing was found at this location. Maybe try one of the links below or a search?</p>\n\t<p><a href=\"")
		p.s(base)
		p.s("/resources/\">Browse all resources</a></p></div>\n</section>\n")
		return split
	}
	p.s("\n<article id=\"post-")
	p.i(id)
	p.s("\" class=\"post-")
	p.i(id)
	p.s(" page type-page status-publish hentry\">\n\t<header class=\"entry-header\"><h1 class=\"entry-title\">")
	p.esc(title)
	p.s("</h1></header>\n\t<div class=\"entry-content\">\n")
	for _, para := range staticText[path] {
		p.s("\t\t<p>")
		p.esc(para)
		p.s("</p>\n")
	}
	p.s("\t</div>\n</article>\n")
	return split
}
