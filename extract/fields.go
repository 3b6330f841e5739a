package extract

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"harvest"
	"harvest/urlnorm"
)

// fields reads the publication of one noise-stripped page.
type fields struct {
	root    *html.Node
	body    *html.Node
	meta    *pageMeta
	r       *resolver
	rules   Rules
	heading *html.Node
	scope   *html.Node // the entry: the article holding the main heading
	content *html.Node // the entry's own content block
	doc     *goquery.Document
}

func newFields(root *html.Node, m *pageMeta, r *resolver, rules Rules, heading *html.Node) *fields {
	f := &fields{root: root, body: findBody(root), meta: m, r: r, rules: rules, heading: heading}
	f.doc = goquery.NewDocumentFromNode(root)
	f.scope = entryScope(f.body, heading)
	f.content = f.contentBlock()
	return f
}

// entryTokens mark the element that holds one whole entry.
var entryTokens = []string{"hentry", "entry", "node", "elementor-location-single", "type-post", "type-page"}

func isEntry(n *html.Node) bool {
	if n.DataAtom == atom.Article || hasClass(n, entryTokens...) {
		return true
	}
	for _, c := range classes(n) {
		if strings.HasPrefix(c, "type-") && c != "type-attachment" {
			return true
		}
	}
	it := strings.ToLower(attr(n, "itemtype"))
	return strings.Contains(it, "article") || strings.Contains(it, "creativework") || strings.Contains(it, "report")
}

// entryScope is the element holding the entry: the nearest article (or
// hentry-like element) around the main heading, else the main content,
// else the body.
func entryScope(body, heading *html.Node) *html.Node {
	isMain := func(n *html.Node) bool {
		return n.DataAtom == atom.Main || strings.EqualFold(attr(n, "role"), "main")
	}
	if heading != nil {
		if a := closest(heading.Parent, isEntry); a != nil && contains(body, a) {
			return a
		}
		if m := closest(heading.Parent, isMain); m != nil {
			return m
		}
	}
	if m := firstElement(body, isMain); m != nil {
		return m
	}
	return body
}

// contentBlock is the source's Content selector match, else the entry's
// marked content element, else the entry itself.
func (f *fields) contentBlock() *html.Node {
	if n := f.first(f.rules.Content); n != nil {
		return n
	}
	if n := firstElement(f.scope, func(n *html.Node) bool { return n != f.scope && isContentBlock(n) }); n != nil {
		return n
	}
	return f.scope
}

// first returns the first match of a selector, or nil.
func (f *fields) first(sel string) *html.Node {
	if strings.TrimSpace(sel) == "" {
		return nil
	}
	if s := f.doc.Find(sel); s.Length() > 0 {
		return s.Get(0)
	}
	return nil
}

// all returns every match of a selector.
func (f *fields) all(sel string) []*html.Node {
	if strings.TrimSpace(sel) == "" {
		return nil
	}
	return f.doc.Find(sel).Nodes
}

// wide is the part of the page searched for terms, dates and downloads:
// the entry, or the content block when a source rule put it elsewhere.
func (f *fields) wide() *html.Node {
	if contains(f.scope, f.content) {
		return f.scope
	}
	return f.content
}

// publication extracts every field.
func (f *fields) publication() harvest.Publication {
	p := harvest.Publication{URL: f.r.page, CanonicalURL: f.canonical()}
	host := ""
	if u, err := url.Parse(f.r.page); err == nil {
		host = u.Hostname()
	}
	p.Title = f.title(host)

	contentLines := textLines(f.content, nil)
	wideLines := contentLines
	if f.wide() != f.content {
		wideLines = textLines(f.wide(), nil)
	}

	p.Summary = f.summary(contentLines, wideLines, p.Title)
	p.Categories, p.Tags = f.terms(wideLines)
	p.Downloads = f.downloads()

	cite, hasCite := findCitation(wideLines, p.Title)
	labelled, labelledYear := labelledPublisher(wideLines)
	docYear := cite.year
	if !hasCite {
		docYear = labelledYear
	}
	p.Publisher = f.publisher(cite, hasCite, labelled)
	p.Published = f.published(wideLines, docYear)
	p.Language = f.meta.language()
	p.Normalize()
	return p
}

func (f *fields) canonical() string {
	if f.meta.canonical != "" {
		if u := f.r.resolve(f.meta.canonical); u != "" && urlnorm.SameSite(u, f.r.page) {
			return u
		}
	}
	return f.r.page
}

func (f *fields) title(host string) string {
	if n := f.first(f.rules.Title); n != nil {
		if t := cleanText(nodeText(n)); t != "" {
			return capText(t, titleLimit)
		}
	}
	return titleOf(f.meta, f.heading, host)
}

func (f *fields) summary(contentLines, wideLines []line, title string) string {
	if n := f.first(f.rules.Summary); n != nil {
		if s := cleanSummary(nodeText(n)); s != "" {
			return s
		}
	}
	para := firstParagraph(contentLines, title)
	if para == "" && f.wide() != f.content {
		para = firstParagraph(wideLines, title)
	}
	desc := f.meta.first("og:description", "description", "twitter:description")
	if desc == "" {
		desc = f.meta.ld.str("description")
	}
	if desc == "" {
		desc = f.meta.first("dc.description", "dcterms.abstract", "citation_abstract")
	}
	return chooseSummary(para, desc)
}

// terms gathers the page's own categories and tags: the source's
// selectors when they match, else term links and labelled lines in the
// entry, then article:section / article:tag and JSON-LD articleSection /
// keywords. The keywords <meta> is not read: many sites put one
// site-wide SEO list there. Lists are de-duplicated ignoring case, first
// spelling kept; WordPress's default category "Uncategorized" is dropped.
func (f *fields) terms(lines []line) (cats, tags []string) {
	var ruleCats, ruleTags []string
	for _, n := range f.all(f.rules.Categories) {
		ruleCats = append(ruleCats, cleanTerm(nodeText(n)))
	}
	for _, n := range f.all(f.rules.Tags) {
		ruleTags = append(ruleTags, cleanTerm(nodeText(n)))
	}
	mc, mt := termsInMarkup(f.wide(), lines, f.r)
	cats = dedupeFold(cats, ruleCats...)
	if len(cats) == 0 {
		cats = dedupeFold(cats, mc...)
		cats = dedupeFold(cats, f.meta.all("article:section")...)
		cats = dedupeFold(cats, f.meta.ld.strList("articleSection")...)
	}
	tags = dedupeFold(tags, ruleTags...)
	if len(tags) == 0 {
		tags = dedupeFold(tags, mt...)
		for _, t := range f.meta.all("article:tag") {
			tags = dedupeFold(tags, cleanTerm(t))
		}
		tags = dedupeFold(tags, f.meta.ld.strList("keywords")...)
	}
	return dropDefaultCategory(cats), tags
}

func (f *fields) downloads() []harvest.Download {
	var out []harvest.Download
	if f.rules.Downloads != "" {
		out = linksAsDownloads(f.all(f.rules.Downloads), f.r)
	}
	if len(out) == 0 {
		out = downloadsIn(f.wide(), f.r)
	}
	for _, m := range f.meta.ld.media() {
		if u := f.r.resolve(m.url); u != "" && !mediaExts[extension(u)] {
			label := m.name
			if label == "" {
				label = cleanText(fileName(u))
			}
			out = addDownload(out, harvest.Download{URL: u, Label: label, MediaType: mediaType(m.format, u)})
		}
	}
	for _, raw := range f.meta.all("citation_pdf_url") {
		if u := f.r.resolve(raw); u != "" {
			out = addDownload(out, harvest.Download{URL: u, Label: cleanText(fileName(u)), MediaType: "application/pdf"})
		}
	}
	return out
}

// publisher: the source's selector, the citation line, a "Publisher:" or
// "Published by" line, citation_publisher / Dublin Core metadata, and only
// then the JSON-LD publisher (often the site itself).
func (f *fields) publisher(cite citation, hasCite bool, labelled string) string {
	if n := f.first(f.rules.Publisher); n != nil {
		if p := cleanPublisher(nodeText(n)); p != "" {
			return p
		}
	}
	if hasCite {
		return cite.publisher
	}
	if labelled != "" {
		return labelled
	}
	if p := cleanPublisher(f.meta.first("citation_publisher", "dc.publisher", "dcterms.publisher")); p != "" {
		return p
	}
	return cleanPublisher(f.meta.ld.publisher())
}

var (
	dateLabelRe = regexp.MustCompile(`(?i)^(?:date|published|published\s+on|publication\s+date|date\s+published|date\s+of\s+publication|release\s+date|issued|year|publication\s+year|year\s+of\s+publication)\s*[:：]\s*(.+)$`)
	yearRe      = regexp.MustCompile(`\b((?:18|19|20)\d{2})\b`)
)

// published: the source's selector; otherwise metadata dates, the
// entry's <time> elements (published before updated) and "Date:" lines,
// combined by choosePublished with the document's year (from the citation
// line, else from a "Published by X, 2021" line).
func (f *fields) published(lines []line, citeYear string) string {
	if n := f.first(f.rules.Published); n != nil {
		t := nodeText(n)
		if d := parseDate(t); d != "" {
			return d
		}
		if m := yearRe.FindStringSubmatch(t); m != nil {
			return m[1]
		}
	}
	var cands []string
	for _, k := range []string{"article:published_time", "og:article:published_time", "datepublished"} {
		cands = append(cands, parseDate(f.meta.first(k)))
	}
	cands = append(cands, parseDate(f.meta.ld.datePublished()))
	for _, k := range []string{"citation_publication_date", "citation_date", "dc.date", "dc.date.issued", "dcterms.issued", "dcterms.date", "dc.date.created", "dcterms.created"} {
		cands = append(cands, parseDate(f.meta.first(k)))
	}
	times := entryTimes(f.wide())
	for _, t := range times {
		if !t.updated {
			cands = append(cands, t.date)
		}
	}
	for _, l := range lines {
		if m := dateLabelRe.FindStringSubmatch(l.text); m != nil {
			d := parseDate(m[1])
			if d == "" && len(m[1]) < 40 {
				if y := yearRe.FindStringSubmatch(m[1]); y != nil {
					d = y[1]
				}
			}
			cands = append(cands, d)
		}
	}
	for _, t := range times {
		if t.updated {
			cands = append(cands, t.date)
		}
	}
	return choosePublished(cands, citeYear)
}
