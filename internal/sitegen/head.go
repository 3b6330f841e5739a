package sitegen

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
