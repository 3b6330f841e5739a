package sitegen

import "fmt"

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
