package demosite

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// chrome fills what every page shares: header, sidebar, footer.
func (s *site) chrome(r *http.Request) *layoutView {
	d := s.data
	v := &layoutView{
		Base:        baseURL(r),
		Site:        d.Site,
		OGType:      "website",
		Robots:      "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1",
		PrivatePath: "/private/" + d.Private.Slug + "/",
	}
	for _, t := range d.Types {
		v.Types = append(v.Types, termView{Name: t.Name, Slug: t.Slug, ID: t.ID, Count: d.countBy(t.Name, false)})
	}
	for _, e := range d.listed() {
		if len(v.Recent) == 5 {
			break
		}
		if !e.IsAlt {
			v.Recent = append(v.Recent, s.card(v.Base, e))
		}
	}
	lo, hi := math.MaxInt, 0
	for _, t := range d.Tags {
		n := d.countBy(t.Name, true)
		lo, hi = min(lo, n), max(hi, n)
	}
	for i, t := range d.Tags {
		n := d.countBy(t.Name, true)
		if n == 0 {
			continue
		}
		size := 8.0
		if hi > lo {
			size += 14 * float64(n-lo) / float64(hi-lo)
		}
		v.Cloud = append(v.Cloud, cloudTag{
			termView: termView{Name: t.Name, Slug: t.Slug, ID: t.ID, Count: n},
			Pos:      i + 1,
			Size:     strconv.FormatFloat(size, 'f', 3, 64),
		})
	}
	v.JSONLD = mustJSON(map[string]any{"@context": "https://schema.org", "@graph": s.siteGraph(v.Base)})
	return v
}

func (s *site) siteGraph(base string) []any {
	return []any{
		map[string]any{"@type": "WebSite", "@id": base + "/#website", "url": base + "/", "name": s.data.Site.Name,
			"description": s.data.Site.Tagline, "publisher": map[string]any{"@id": base + "/#organization"}, "inLanguage": "en-US"},
		map[string]any{"@type": "Organization", "@id": base + "/#organization", "name": s.data.Site.FullName, "url": base + "/"},
	}
}

func (s *site) terms(names []string, tag bool) []termView {
	var out []termView
	for _, n := range names {
		t := s.data.typeBy(n)
		if tag {
			t = s.data.tagBy(n)
		}
		out = append(out, termView{Name: t.Name, Slug: t.Slug, ID: t.ID})
	}
	return out
}

func (s *site) card(base string, e entry) cardView {
	return cardView{
		Base:      base,
		ID:        e.ID,
		Path:      e.Path(),
		TitleHTML: texturize(e.Title),
		Types:     s.terms(e.Types, false),
		Tags:      s.terms(e.Tags, true),
		Excerpt:   excerpt(e.Summary, 200),
	}
}

func docTitle(parts ...string) template.HTML {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(" &#8211; ")
		}
		b.WriteString(string(texturize(p)))
	}
	return template.HTML(b.String())
}

// detail renders a publication page: e is the entry, p its path (under
// /resource/ or, for the members' page, /private/).
func (s *site) detail(w http.ResponseWriter, r *http.Request, e entry, p string) {
	v := s.chrome(r)
	url := v.Base + p
	dv := &detailView{
		Base: v.Base, URL: url, Title: e.Title, ID: e.ID, Variant: e.Variant,
		Summary: e.Summary, Publisher: e.Publisher, Year: e.Year, Downloads: e.Downloads,
		Types: s.terms(e.Types, false), Tags: s.terms(e.Tags, true),
		Leak: s.data.LeakLists[e.Leak], LeakStyle: e.LeakStyle,
		TitleHTML: texturize(e.Title), CitationHTML: texturize(e.Title),
	}
	v.Title, v.Canonical, v.OGType = e.Title, url, "article"
	v.DocTitle = docTitle(e.Title, s.data.Site.Name)
	if e.Charset != "" {
		// A page from an older part of the site, saved in windows-1252:
		// its own text keeps its characters rather than references.
		v.Charset = e.Charset
		dv.TitleHTML, dv.CitationHTML = plainHTML(e.Title), plainHTML(e.Title)
		v.DocTitle = plainHTML(e.Title + " – " + s.data.Site.Name)
	}
	if !e.HideDate {
		dv.HasDate = true
		dv.DateISO, dv.DateHuman = e.posted.Format(wpTime), e.posted.Format("January 2, 2006")
		v.Metas = append(v.Metas, metaTag{Property: "article:published_time", Content: dv.DateISO})
		if e.Modified != "" {
			m, _ := time.Parse(time.DateOnly, e.Modified)
			m = m.Add(14*time.Hour + 5*time.Minute)
			dv.ModISO, dv.ModHuman = m.Format(wpTime), m.Format("January 2, 2006")
			v.Metas = append(v.Metas, metaTag{Property: "article:modified_time", Content: dv.ModISO})
		}
	}
	if e.Variant != "b" {
		v.Description = description(e.Summary)
	}
	for _, rel := range s.data.related(e) {
		dv.Related = append(dv.Related, s.card(v.Base, rel))
	}
	v.BodyClass = fmt.Sprintf("resource-template-default single single-resource postid-%d wp-embed-responsive lantern-theme has-sidebar", e.ID)
	if e.Variant == "b" {
		v.BodyClass = fmt.Sprintf("resource-template-default single single-resource postid-%d resource-library-single", e.ID)
	}
	graph := s.siteGraph(v.Base)
	page := map[string]any{"@type": "WebPage", "@id": url, "url": url, "name": e.Title + " – " + s.data.Site.Name,
		"isPartOf": map[string]any{"@id": v.Base + "/#website"}, "breadcrumb": map[string]any{"@id": url + "#breadcrumb"}, "inLanguage": "en-US"}
	if dv.HasDate {
		page["datePublished"] = dv.DateISO
		if dv.ModISO != "" {
			page["dateModified"] = dv.ModISO
		}
	}
	graph = append(graph, page, map[string]any{"@type": "BreadcrumbList", "@id": url + "#breadcrumb", "itemListElement": []any{
		map[string]any{"@type": "ListItem", "position": 1, "name": "Home", "item": v.Base + "/"},
		map[string]any{"@type": "ListItem", "position": 2, "name": "Resources", "item": v.Base + "/resources/"},
		map[string]any{"@type": "ListItem", "position": 3, "name": e.Title},
	}})
	if e.Variant == "c" {
		for _, t := range e.Types {
			v.Metas = append(v.Metas, metaTag{Property: "article:section", Content: t})
		}
		for _, t := range e.Tags {
			v.Metas = append(v.Metas, metaTag{Property: "article:tag", Content: t})
		}
		pdf := v.Base + e.Downloads[0].URL
		v.Metas = append(v.Metas, metaTag{Name: "citation_pdf_url", Content: pdf})
		kind := "Article"
		if slices.Contains(e.Types, "Reports") {
			kind = "Report"
		}
		art := map[string]any{"@type": kind, "@id": url + "#article", "headline": e.Title, "name": e.Title,
			"description": v.Description, "articleSection": e.Types, "inLanguage": "en-US",
			"author":           map[string]any{"@type": "Organization", "name": e.Publisher},
			"publisher":        map[string]any{"@id": v.Base + "/#organization"},
			"mainEntityOfPage": map[string]any{"@id": url},
			"associatedMedia":  map[string]any{"@type": "MediaObject", "contentUrl": pdf, "encodingFormat": "application/pdf"},
		}
		if len(e.Tags) > 0 {
			art["keywords"] = e.Tags
		}
		if dv.HasDate {
			art["datePublished"] = dv.DateISO
			if dv.ModISO != "" {
				art["dateModified"] = dv.ModISO
			}
		}
		graph = append(graph, art)
	}
	v.JSONLD = mustJSON(map[string]any{"@context": "https://schema.org", "@graph": graph})
	v.Detail = dv
	s.render(w, http.StatusOK, "detail", v)
}

// archiveItems lists the teasers of an archive, newest first.
func (s *site) archiveItems(kind, slug string) []entry {
	var out []entry
	for _, e := range s.data.listed() {
		switch kind {
		case "resource-type":
			if !slices.Contains(e.Types, s.data.typeBy(slug).Name) {
				continue
			}
		case "tag":
			if !slices.Contains(e.Tags, s.data.tagBy(slug).Name) {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// listing renders page n of an archive whose first page is at root.
func (s *site) listing(w http.ResponseWriter, r *http.Request, kind, slug, root string, n int, items []entry) {
	v := s.chrome(r)
	lv := &listingView{}
	pages := max(1, (len(items)+perPage-1)/perPage)
	pageURL := func(i int) string {
		if i == 1 {
			return v.Base + root
		}
		return v.Base + root + "page/" + strconv.Itoa(i) + "/"
	}
	for _, e := range items[min(len(items), (n-1)*perPage):min(len(items), n*perPage)] {
		lv.Items = append(lv.Items, s.card(v.Base, e))
	}
	if pages > 1 {
		for i := 1; i <= pages; i++ {
			lv.Pages = append(lv.Pages, pageLink{N: i, URL: pageURL(i), Current: i == n})
		}
		if n > 1 {
			lv.PrevURL, v.Prev = pageURL(n-1), pageURL(n-1)
		}
		if n < pages {
			lv.NextURL, v.Next = pageURL(n+1), pageURL(n+1)
		}
	}
	var class, title string
	switch kind {
	case "resources":
		lv.Heading, title = "Resources", "Resources"
		lv.Intro = "Guidance, tools, reports and case studies from the coalition and its partners."
		class = "archive post-type-archive post-type-archive-resource"
	case "resource-type":
		t := s.data.typeBy(slug)
		lv.Heading, title = "Resource type: "+t.Name, t.Name+" Archives"
		class = fmt.Sprintf("archive tax-resource-type term-%s term-%d", t.Slug, t.ID)
	case "tag":
		t := s.data.tagBy(slug)
		lv.Heading, title = "Tag: "+t.Name, t.Name+" Archives"
		class = fmt.Sprintf("archive tag tag-%s tag-%d", t.Slug, t.ID)
	}
	if n > 1 {
		class += fmt.Sprintf(" paged paged-%d", n)
		v.DocTitle = docTitle(title, fmt.Sprintf("Page %d of %d", n, pages), s.data.Site.Name)
	} else {
		v.DocTitle = docTitle(title, s.data.Site.Name)
	}
	v.BodyClass = class + " wp-embed-responsive lantern-theme has-sidebar"
	v.Title, v.Canonical, v.Description = title, pageURL(n), lv.Intro
	v.JSONLD = s.collectionGraph(v, title)
	v.Listing = lv
	s.render(w, http.StatusOK, "listing", v)
}

func (s *site) collectionGraph(v *layoutView, name string) template.JS {
	graph := append(s.siteGraph(v.Base), map[string]any{"@type": "CollectionPage", "@id": v.Canonical, "url": v.Canonical,
		"name": name, "isPartOf": map[string]any{"@id": v.Base + "/#website"}, "inLanguage": "en-US"})
	return mustJSON(map[string]any{"@context": "https://schema.org", "@graph": graph})
}

// home shows the latest resources.
func (s *site) home(w http.ResponseWriter, r *http.Request) {
	v := s.chrome(r)
	lv := &listingView{Heading: "Latest resources", MoreURL: v.Base + "/resources/",
		Intro: "The " + s.data.Site.FullName + " helps companies find and end forced labour and human trafficking in their operations and supply chains."}
	for _, e := range s.data.listed() {
		if len(lv.Items) == 8 {
			break
		}
		if !e.IsAlt {
			lv.Items = append(lv.Items, s.card(v.Base, e))
		}
	}
	v.IsHome, v.Title, v.Canonical, v.Description = true, s.data.Site.Name, v.Base+"/", s.data.Site.Tagline
	v.DocTitle = docTitle(s.data.Site.Name, s.data.Site.Tagline)
	v.BodyClass = "home blog wp-embed-responsive lantern-theme has-sidebar"
	v.JSONLD = s.collectionGraph(v, s.data.Site.Name)
	v.Listing = lv
	s.render(w, http.StatusOK, "listing", v)
}

// search answers the header's search form (?s=...).
func (s *site) search(w http.ResponseWriter, r *http.Request, q string) {
	v := s.chrome(r)
	lv := &listingView{Heading: "Search Results for: " + q}
	needle := strings.ToLower(strings.TrimSpace(q))
	for _, e := range s.data.listed() {
		if needle != "" && (strings.Contains(strings.ToLower(e.Title), needle) || strings.Contains(strings.ToLower(e.Summary), needle)) {
			lv.Items = append(lv.Items, s.card(v.Base, e))
		}
	}
	v.Query, v.Title = q, lv.Heading
	v.DocTitle = docTitle(lv.Heading, s.data.Site.Name)
	v.BodyClass = "search search-results wp-embed-responsive lantern-theme has-sidebar"
	if len(lv.Items) == 0 {
		v.BodyClass = "search search-no-results wp-embed-responsive lantern-theme has-sidebar"
	}
	v.Robots = "noindex, follow"
	v.Listing = lv
	s.render(w, http.StatusOK, "listing", v)
}

// static renders the about, contact and privacy pages.
func (s *site) static(w http.ResponseWriter, r *http.Request, kind string) {
	v := s.chrome(r)
	sv := &staticView{Kind: kind}
	switch kind {
	case "about":
		sv.ID, sv.Heading = 2, "About the coalition"
	case "contact":
		sv.ID, sv.Heading, sv.Sent = 9, "Contact", r.Method == http.MethodPost
	default:
		sv.ID, sv.Heading, sv.Kind = 3, "Privacy policy", "privacy"
	}
	v.Title, v.Canonical = sv.Heading, v.Base+"/"+kind+"/"
	v.DocTitle = docTitle(sv.Heading, s.data.Site.Name)
	v.BodyClass = fmt.Sprintf("page-template-default page page-id-%d wp-embed-responsive lantern-theme has-sidebar", sv.ID)
	v.Static = sv
	s.render(w, http.StatusOK, "page", v)
}

// notFound is WordPress's 404 page.
func (s *site) notFound(w http.ResponseWriter, r *http.Request) {
	v := s.chrome(r)
	v.Title, v.Robots = "Page not found", "noindex, follow"
	v.DocTitle = docTitle("Page not found", s.data.Site.Name)
	v.BodyClass = "error404 wp-embed-responsive lantern-theme has-sidebar"
	v.Static = &staticView{Kind: "notfound", Heading: "Oops! That page can’t be found."}
	s.render(w, http.StatusNotFound, "page", v)
}
