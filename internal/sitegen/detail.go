package sitegen

import (
	"slices"
	"strconv"
	"time"
)

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
			p.s(tagSlugs[t])
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
func (s *Site) detail(p *page, base string, b *pub, edits uint32, related []pub) int {
	url := base + b.path()
	cite := b.citationYear(b.posted)
	text, _ := s.summary(&b.meta, cite, edits)
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
			if slices.Contains(b.types, tReports) {
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
			p.s(typeSlugs[t])
		}
		for _, t := range b.tags {
			p.s(" tag-")
			p.s(tagSlugs[t])
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
			p.s(typeSlugs[t])
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
				p.s(tagSlugs[t])
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
			p.s(typeSlugs[t])
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
				p.s(tagSlugs[t])
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
			p.s(typeSlugs[t])
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
				p.s(tagSlugs[t])
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
