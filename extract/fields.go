package extract

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"harvest"
	"harvest/urlnorm"
)

// fields reads the publication of one noise-stripped page.
type fields struct {
	doc     *goquery.Document // the page (the resolver's)
	body    *html.Node
	meta    *pageMeta
	r       *resolver
	rules   Rules
	heading *html.Node
	scope   *html.Node // the entry: the article holding the main heading
	content *html.Node // the entry's own content block
	order   dateOrder  // how the page writes numeric dates
	// header caches headerLines for the lines starting at headerOf.
	header   []line
	headerOf *line
	// posted is the page's first full posting date and updated the dates
	// marked as updates, found by published.
	posted  dateCand
	updated []dateCand
	// lines caches allLines.
	lines []line
}

// postingAccount reports whether authors from this signal may be the
// CMS account that posted the page rather than the item's authors: the
// byline, JSON-LD and microdata authors, <meta name=author>.
func postingAccount(src string) bool {
	switch src {
	case sigByline, sigJSONLD, sigMicrodata, sigMetaAuthor, sigArticleMeta:
		return true
	}
	return false
}

// accountWordRe matches the words of a CMS account's or desk's name
// rather than a person's.
var accountWordRe = regexp.MustCompile(`(?i)\b(?:team|staff|editors?|editorial|admin|administrator|office|desk|library|communications?|comms|web|website|content|digital|media|marketing|press|redaktion|équipe|equipo|secretariat|secr[ée]tariat)\b`)

// accountNames reports whether every author is such an account name.
func accountNames(authors []string) bool {
	for _, a := range authors {
		if !accountWordRe.MatchString(a) {
			return false
		}
	}
	return len(authors) > 0
}

// allLines are the text lines of the whole (noise-stripped) page.
func (f *fields) allLines() []line {
	if f.lines == nil {
		f.lines = textLines(f.body, nil)
	}
	return f.lines
}

// newFields reads the page of r (its Document, noise stripped) around
// the main heading.
func newFields(r *resolver, m *pageMeta, rules Rules, heading *html.Node) *fields {
	f := &fields{doc: r.doc, body: findBody(r.doc).Nodes[0], meta: m, r: r, rules: rules, heading: heading}
	f.scope = entryScope(f.body, heading)
	f.content = f.contentBlock()
	return f
}

// entryTokens mark the element that holds one whole entry.
var entryTokens = []string{"hentry", "entry", "node", "elementor-location-single", "type-post", "type-page"}

var (
	// entryScopeM matches the element holding one whole entry: an
	// article, a hentry-like or WordPress post-type class, an
	// article-like itemtype.
	entryScopeM = matcher(func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return false
		}
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
	})
	// mainM matches the main content: <main>, role=main.
	mainM = matcher(func(n *html.Node) bool {
		return n.Type == html.ElementNode && (n.DataAtom == atom.Main || strings.EqualFold(attr(n, "role"), "main"))
	})
	// contentBlockM matches an entry's marked content element.
	contentBlockM = matcher(func(n *html.Node) bool { return n.Type == html.ElementNode && isContentBlock(n) })
)

// entryScope is the element holding the entry: the nearest article (or
// hentry-like element) around the main heading, else the main content,
// else the body.
func entryScope(body, heading *html.Node) *html.Node {
	if heading != nil {
		up := selection(heading).Parent()
		if a := firstNode(up.ClosestMatcher(entryScopeM)); a != nil && contains(body, a) {
			return a
		}
		if m := firstNode(up.ClosestMatcher(mainM)); m != nil {
			return m
		}
	}
	if m := mainM.MatchFirst(body); m != nil { // body included
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
	if n := firstNode(selection(f.scope).FindMatcher(goquery.SingleMatcher(contentBlockM))); n != nil {
		return n
	}
	return f.scope
}

// first returns the first match of a selector in the page, or nil.
func (f *fields) first(sel string) *html.Node {
	return selectFirst(f.doc.Selection, sel)
}

// all returns every match of a selector in the page.
func (f *fields) all(sel string) []*html.Node {
	return selectAll(f.doc.Selection, sel)
}

// headerLines returns the lines of the entry before its first
// substantive paragraph (the heading, byline, meta and series lines),
// computed once per page for the entry's lines.
func (f *fields) headerLines(lines []line) []line {
	if len(lines) == 0 {
		return nil
	}
	if f.headerOf != &lines[0] {
		n := len(lines)
		for i, l := range lines {
			if substantive(l, "") {
				n = i
				break
			}
		}
		f.header, f.headerOf = lines[:n:n], &lines[0]
	}
	return f.header
}

// headingText is the main heading's text, or "".
func (f *fields) headingText() string {
	if f.heading == nil {
		return ""
	}
	return cleanText(nodeText(f.heading))
}

// wide is the part of the page searched for terms, dates and downloads:
// the entry, or the content block when a source rule put it elsewhere.
func (f *fields) wide() *html.Node {
	if contains(f.scope, f.content) {
		return f.scope
	}
	return f.content
}

// publication extracts every field and records in src the signal each
// came from.
func (f *fields) publication(src sourceSet) harvest.Publication {
	p := harvest.Publication{URL: f.r.page, CanonicalURL: f.canonical()}
	host := ""
	if u, err := url.Parse(f.r.page); err == nil {
		host = u.Hostname()
	}
	var s string
	p.Title, s = f.title(host)
	src.set("title", s, p.Title == "")

	contentLines := textLines(f.content, nil)
	wideLines := contentLines
	if f.wide() != f.content {
		wideLines = textLines(f.wide(), nil)
	}
	f.order = f.dateOrder(wideLines)

	p.Downloads, s = f.downloads()
	src.set("downloads", s, len(p.Downloads) == 0)
	p.Summary, s = f.summary(contentLines, wideLines, p.Title, len(p.Downloads) > 0 || f.meta.docMeta())
	src.set("summary", s, p.Summary == "")
	var cs, ts string
	p.Categories, p.Tags, cs, ts = f.terms(wideLines)
	src.set("categories", cs, len(p.Categories) == 0)
	src.set("tags", ts, len(p.Tags) == 0)
	p.Authors, s = f.authors(wideLines)
	cite, hasCite := findCitation(wideLines, p.Title)
	labelled, labelledYear := labelledPublisher(wideLines)
	if (hasCite && cite.publisher != "" || labelled != "") && postingAccount(s) && accountNames(p.Authors) {
		// The item names its publisher ("<Title> - <Publisher>, 2019",
		// "Publisher: ...") and the byline is a CMS account ("Resource
		// Library Team", "Web Editor"): the account posted the page, it
		// did not write the item.
		p.Authors, s = nil, ""
	}
	src.set("authors", s, len(p.Authors) == 0)

	var ps string
	p.Publisher, ps = f.publisher(cite, hasCite, labelled)
	src.set("publisher", ps, p.Publisher == "")
	docYear, yearSrc := "", ""
	switch {
	case hasCite:
		docYear, yearSrc = cite.year, sigCiteLine
	case labelledYear != "":
		docYear, yearSrc = labelledYear, sigLabelled
	}
	p.Published, s = f.published(wideLines, docYear, yearSrc)
	src.set("published", s, p.Published == "")
	p.Posted = f.posted.date
	src.set("posted", f.posted.src, p.Posted == "")
	p.Modified, s = f.modified(wideLines, f.updated)
	src.set("modified", s, p.Modified == "")
	p.Language, s = f.language(contentLines)
	src.set("language", s, p.Language == "")
	p.Image, s = f.image()
	src.set("image", s, p.Image == "")
	p.SiteName, s = f.siteName(host)
	src.set("site_name", s, p.SiteName == "")
	p.Type, s = f.pubType(wideLines, p.Categories, p.Title)
	src.set("type", s, p.Type == "")
	p.ExternalLinks = f.externalLinks()
	src.set("external_links", sigContent, len(p.ExternalLinks) == 0)
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

// title chooses the title, by signal: citation_title and DC.title
// (bibliographic: the document's exact title, written for indexers),
// JSON-LD headline or name, microdata headline or name, og:title,
// twitter:title, the visible main heading and last <title>. Each loses a
// site-name prefix or suffix (see stripSiteName). A metadata title is
// skipped when it is only the site's name, or when the page has a
// visible heading and the title shares no word with it (a site that
// gives every page the same metadata); and it gives way to the visible
// heading when the heading is the same title with a subtitle added.
func (f *fields) title(host string) (string, string) {
	if n := f.first(f.rules.Title); n != nil {
		if t := cleanText(nodeText(n)); t != "" {
			return capText(t, titleLimit), sigRules
		}
	}
	m := f.meta
	names := m.siteNames()
	var visible string
	if f.heading != nil {
		visible = cleanText(nodeText(f.heading))
	}
	accept := func(t string) string {
		t = stripSiteName(t, names, host, visible)
		if t == "" || isSiteName(t, names, host) || utf8.RuneCountInString(t) > titleLimit {
			return ""
		}
		return t
	}
	cands := []struct{ raw, src string }{
		{m.first("citation_title"), sigCitation},
		{m.first("dc.title", "dcterms.title"), sigDublinCore},
		{m.first("eprints.title"), sigEPrints},
		{m.ld.str("headline"), sigJSONLD},
		{m.ld.str("name"), sigJSONLD},
		{m.micro.first("headline"), sigMicrodata},
		{m.micro.first("name"), sigMicrodata},
		{m.first("og:title"), sigOG},
		{m.first("twitter:title"), sigTwitter},
	}
	tag := letters(m.titleTag)
	var unlike string // the first metadata title unlike the heading
	unlikeSrc := ""
	for _, c := range cands {
		t := accept(c.raw)
		if t == "" {
			continue
		}
		if visible == "" {
			return t, c.src
		}
		lt, lv := letters(t), letters(visible)
		if resembles(t, visible) || overlaps(t, visible) {
			if len(lv) > len(lt) && strings.HasPrefix(lv, lt+" ") && utf8.RuneCountInString(visible) <= titleLimit {
				return visible, sigHeading // the heading adds a subtitle
			}
			if len(lv) < len(lt) && len(strings.Fields(lv)) >= 2 && strings.Contains(" "+lt+" ", " "+lv+" ") {
				// The metadata adds a kicker or a tail ("Brexit: <heading>",
				// "<heading> - recipe by x"): the heading is the title.
				return visible, sigHeading
			}
			if c.src != sigCitation && c.src != sigDublinCore && c.src != sigEPrints && !resembles(t, visible) &&
				utf8.RuneCountInString(visible) <= titleLimit {
				// Two wordings of one title: an SEO headline in the
				// metadata, and the one readers see.
				return visible, sigHeading
			}
			return t, c.src
		}
		if unlike == "" && tag != "" && strings.Contains(" "+tag+" ", " "+lt+" ") {
			unlike, unlikeSrc = t, c.src
		}
	}
	if unlike != "" && !strings.Contains(" "+tag+" ", " "+letters(visible)+" ") {
		// The metadata title agrees with <title> and the heading is in
		// neither: the heading is the site's (a logo, a section name).
		return unlike, unlikeSrc
	}
	if t := accept(visible); t != "" {
		return t, sigHeading
	}
	if t := accept(m.titleTag); t != "" {
		return t, sigTitleTag
	}
	return "", ""
}

// summary chooses the summary: the source's selector; else the first
// substantive paragraph of the content, or a description when that is
// fuller (see chooseSummary). The description considered is the first
// of: the bibliographic abstract (citation_abstract, DCTERMS.abstract,
// DC.description, eprints.abstract), the JSON-LD description or abstract,
// the microdata description, og:description, <meta name=description>,
// twitter:description. A description of which less than a third of the
// words occur in the title and the paragraph is a site-wide blurb and is
// not used when there is a paragraph.
func (f *fields) summary(contentLines, wideLines []line, title string, document bool) (string, string) {
	if n := f.first(f.rules.Summary); n != nil {
		if s := cleanSummary(nodeText(n)); s != "" {
			return s, sigRules
		}
	}
	lines := contentLines
	para := firstParagraph(contentLines, title)
	if para == "" && f.wide() != f.content {
		lines = wideLines
		para = firstParagraph(wideLines, title)
	}
	m := f.meta
	cands := []struct{ text, src string }{
		{m.first("citation_abstract"), sigCitation},
		{m.first("dcterms.abstract", "dc.description.abstract", "dc.description", "dcterms.description"), sigDublinCore},
		{m.first("eprints.abstract"), sigEPrints},
		{m.ld.description(), sigJSONLD},
		{m.micro.first("description"), sigMicrodata},
		{m.first("og:description"), sigOG},
		{m.first("description"), sigMetaDesc},
		{m.first("twitter:description"), sigTwitter},
	}
	type usable struct{ text, src string }
	var descs []usable
	for _, c := range cands {
		if d := cleanText(markupTagRe.ReplaceAllString(c.text, " ")); usableDescription(d, title) {
			descs = append(descs, usable{d, c.src})
		}
	}
	names := m.siteNames()
	if u, err := url.Parse(f.r.page); err == nil && u.Hostname() != "" {
		// The site's address names it too ("News daily at example.de!").
		names = append(names, strings.TrimPrefix(u.Hostname(), "www."))
	}
	desc, descSrc := "", ""
	if len(descs) > 0 {
		desc, descSrc = descs[0].text, descs[0].src
	}
	// A description the CMS made from the content (the first paragraph's
	// beginning, or cut mid-sentence) gives way to another that someone
	// wrote: a meta description that says something else, whole. Not on
	// the page of a document, where the paragraph such a description
	// begins is the abstract (see chooseSummary).
	if !document && derivedDescription(desc, lines) {
		for _, d := range descs[1:] {
			if letters(d.text) != letters(desc) && !derivedDescription(d.text, lines) &&
				(para == "" || !siteBlurb(d.text, title, para, names, m.titleTag)) {
				desc, descSrc = d.text, d.src
				break
			}
		}
	}
	if para != "" && desc != "" && siteBlurb(desc, title, para, names, m.titleTag) {
		desc = "" // a site-wide blurb about the organisation, not about this page
	}
	s, src := chooseSummary(para, desc, lines, document)
	switch {
	case s == "":
		return "", ""
	case src == "desc":
		return s, descSrc
	}
	return s, sigContent
}

// terms gathers the page's own categories and tags, each from the first
// signal that has any: the source's selectors; term links and labelled
// lines in the entry (what the page shows as this publication's terms);
// then, for categories, article:section, JSON-LD articleSection and
// microdata articleSection or genre; for tags, article:tag, JSON-LD
// keywords, microdata keywords, citation_keywords, DC.subject and
// eprints.keywords, and last <meta name="keywords"> (last, and only on
// pages no CMS built: many sites put one site-wide SEO list there). Lists are de-duplicated
// ignoring case, first spelling kept; WordPress's default category
// "Uncategorized" is dropped.
func (f *fields) terms(lines []line) (cats, tags []string, catSrc, tagSrc string) {
	var ruleCats, ruleTags []string
	for _, n := range f.all(f.rules.Categories) {
		ruleCats = append(ruleCats, cleanTerm(nodeText(n)))
	}
	for _, n := range f.all(f.rules.Tags) {
		ruleTags = append(ruleTags, cleanTerm(nodeText(n)))
	}
	mk := termsInMarkup(f.wide(), lines, f.r)
	m := f.meta
	cleanAll := func(vs []string) []string {
		var out []string
		for _, v := range vs {
			out = append(out, cleanTerm(v))
		}
		return out
	}
	splitAll := func(vs []string) []string {
		var out []string
		for _, v := range vs {
			out = append(out, splitTerms(v)...)
		}
		return out
	}
	catCands := []struct {
		terms []string
		src   string
	}{
		{ruleCats, sigRules},
		{mk.cats, mk.catSrc},
		{f.notSection(cleanAll(m.all("article:section"))), sigArticleMeta},
		{f.notSection(m.ld.strList("articleSection")), sigJSONLD},
		{cleanAll(append(m.micro.all("articlesection"), m.micro.all("genre")...)), sigMicrodata},
	}
	for _, c := range catCands {
		if cats = dropDefaultCategory(dedupeFold(nil, c.terms...)); len(cats) > 0 {
			catSrc = c.src
			break
		}
	}
	tagCands := []struct {
		terms []string
		src   string
	}{
		{ruleTags, sigRules},
		{mk.tags, mk.tagSrc},
		{cleanAll(m.all("article:tag")), sigArticleMeta},
		{m.ld.strList("keywords"), sigJSONLD},
		{splitAll(m.micro.all("keywords")), sigMicrodata},
		{splitAll(m.all("citation_keywords", "citation_keyword")), sigCitation},
		{splitAll(m.all("dc.subject", "dcterms.subject")), sigDublinCore},
		{splitAll(m.all("eprints.keywords")), sigEPrints},
		{f.pageKeywords(), sigMetaKw},
	}
	for _, c := range tagCands {
		if tags = dedupeFold(nil, c.terms...); len(tags) > 0 {
			tagSrc = c.src
			break
		}
	}
	return cats, tags, catSrc, tagSrc
}

// pageKeywords returns the terms of <meta name="keywords"> on a page
// that no CMS built: WordPress SEO plugins, Drupal and Joomla modules and
// site builders fill it with one site-wide list, so on a page that names
// its generator, its site (og:site_name) or carries WordPress body
// classes it is not read.
func (f *fields) pageKeywords() []string {
	m := f.meta
	if m.first("generator", "og:site_name") != "" || len(m.bodyClasses) > 0 {
		return nil
	}
	var out []string
	for _, v := range m.all("keywords") {
		out = append(out, splitTerms(v)...)
	}
	return out
}

// notSection drops section names that are a generic folder of the page's
// own URL (Hugo's article:section "posts" for /posts/x/): the container
// of every post, not a category. "Commentary" for /commentary/x/ stays.
func (f *fields) notSection(terms []string) []string {
	u, err := url.Parse(f.r.page)
	if err != nil {
		return terms
	}
	folders := map[string]bool{}
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		folders[strings.ToLower(seg)] = true
	}
	out := terms[:0:0]
	for _, t := range terms {
		if lt := strings.ToLower(t); !folders[lt] || !containerSections[lt] {
			out = append(out, t)
		}
	}
	return out
}

// containerSections are the names static site generators and CMSs give
// the folder that holds every post: as a section they say nothing.
var containerSections = set("posts", "post", "blog", "blogs", "articles", "article", "news", "pages", "page", "content", "entries", "stories", "items")

// downloads: the source's selector, else the document links of the
// entry; then the files JSON-LD names (encoding, associatedMedia,
// distribution) and citation_pdf_url, added when not already there.
func (f *fields) downloads() ([]harvest.Download, string) {
	var out []harvest.Download
	var srcs []string
	if f.rules.Downloads != "" {
		if out = linksAsDownloads(f.all(f.rules.Downloads), f.r); len(out) > 0 {
			srcs = append(srcs, sigRules)
		}
	}
	if len(out) == 0 {
		if out = downloadsIn(f.wide(), f.r); len(out) > 0 {
			srcs = append(srcs, sigContent)
		}
	}
	add := func(d harvest.Download, src string) {
		n := len(out)
		if out = addDownload(out, d); len(out) > n {
			srcs = append(srcs, src)
		}
	}
	for _, m := range f.meta.ld.media() {
		if u := f.r.resolve(m.url); u != "" && !mediaExts[extension(u)] {
			label := m.name
			if label == "" {
				label = cleanText(fileName(u))
			}
			add(harvest.Download{URL: u, Label: label, MediaType: mediaType(m.format, u)}, sigJSONLD)
		}
	}
	for _, raw := range f.meta.all("citation_pdf_url") {
		if u := f.r.resolve(raw); u != "" {
			add(harvest.Download{URL: u, Label: cleanText(fileName(u)), MediaType: "application/pdf"}, sigCitation)
		}
	}
	return out, joinSignals(srcs)
}

// publisher, by signal: the source's selector; the citation line "<Title>
// - <Publisher>, <YYYY>" and a "Publisher:" or "Published by" line (the
// page naming who published the document); citation_publisher or
// citation_technical_report_institution, DC.publisher, eprints.publisher
// (bibliographic); and only then the JSON-LD or microdata publisher,
// which on most sites is the site itself.
func (f *fields) publisher(cite citation, hasCite bool, labelled string) (string, string) {
	if n := f.first(f.rules.Publisher); n != nil {
		if p := cleanPublisher(nodeText(n)); p != "" {
			return p, sigRules
		}
	}
	if hasCite {
		return cite.publisher, sigCiteLine
	}
	if labelled != "" {
		return labelled, sigLabelled
	}
	m := f.meta
	cands := []struct{ raw, src string }{
		{m.first("citation_publisher", "citation_technical_report_institution"), sigCitation},
		{m.first("dc.publisher", "dcterms.publisher"), sigDublinCore},
		{m.first("eprints.publisher", "eprints.institution"), sigEPrints},
		{m.ld.publisher(), sigJSONLD},
		{firstOf(m.micro.names("publisher")), sigMicrodata},
	}
	for _, c := range cands {
		if p := cleanPublisher(c.raw); p != "" {
			return p, c.src
		}
	}
	return "", ""
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// language, by signal: citation_language and DC.language (the
// document's language, which on a repository can differ from the
// interface's), <html lang>, JSON-LD inLanguage, microdata inLanguage,
// og:locale, Content-Language, <meta name=language>; reduced to the
// primary subtag.
var (
	// dateLabelRe is a line labelling the publication date.
	dateLabelRe = regexp.MustCompile(`(?i)^(?:date|published|published\s+on|posted\s+on|publication\s+date|date\s+published|date\s+of\s+publication|release\s+date|released|issued|date\s+issued|issue\s+date|year|publication\s+year|year\s+of\s+publication|datum|erscheinungsdatum|ver[öo]ffentlicht(?:\s+am)?|date\s+de\s+publication|publi[ée]\s+le|fecha(?:\s+de\s+publicaci[óo]n)?)\s*[:：]\s*(.+)$`)
	// updatedLabelRe is a line labelling a later date: never the
	// publication date when one exists.
	updatedLabelRe = regexp.MustCompile(`(?i)^(?:(?:last\s+)?(?:updated|modified|revised|reviewed)(?:\s+on)?|last\s+modified|last\s+update|page\s+last\s+(?:updated|reviewed)|mis\s+[àa]\s+jour|aktualisiert|zuletzt\s+ge[äa]ndert|actualizado)\b`)
	// otherDateLabelRe is a line whose date is not the publication's: a
	// repository's deposit and availability dates, the date a page was
	// accessed, printed or generated (the crawl date, in effect), a
	// copyright notice.
	otherDateLabelRe = regexp.MustCompile(`(?i)^(?:date\s+(?:deposited|accessioned|available|accepted|submitted|created)|deposited(?:\s+on)?|accessed(?:\s+on)?|retrieved(?:\s+on)?|printed(?:\s+on)?|generated(?:\s+on)?|downloaded(?:\s+on)?|today\b|submitted|accepted|\(c\))`)
	yearRe           = regexp.MustCompile(`\b((?:18|19|20)\d{2})\b`)
)

// otherDate reports whether a line's date is not the publication's (see
// otherDateLabelRe), or the line is a copyright or rights notice.
func otherDate(s string) bool {
	return strings.Contains(s, "©") || containsFold(s, "copyright") || containsFold(s, "rights reserved") || otherDateLabelRe.MatchString(s)
}

// dateLabelsOnly are date labels standing alone, their value on the next
// line (<dt>Date</dt><dd>...</dd>, <th>Published</th><td>...</td>).
var dateLabelsOnly = []string{"date", "published", "publication date", "date published", "date of publication", "issued", "date issued", "year", "release date", "datum", "fecha"}

// dateCand is a candidate publication date and its signal.
type dateCand struct{ date, src string }

// published chooses the publication date. The source's selector first;
// else, by signal:
//   - bibliographic metadata (citation_publication_date, citation_date,
//     DCTERMS.issued, DC.date.issued, DC.date, eprints.date): the date of
//     the document itself; a repository's DCTERMS.available or
//     dateAccepted (the deposit) are never read;
//   - the page's own posting date: JSON-LD datePublished,
//     article:published_time, microdata datePublished, the entry's
//     <time> elements (published ones), "Date:"/"Published:" lines, a
//     date written in the entry's header or meta line, the URL path
//     (/2021/07/14/);
//   - last, and only when no other date exists, a date marked as an
//     update (<time class="updated">, "Last updated:").
//
// A bibliographic full date wins. Otherwise the first full posting date
// wins unless the document's own year (from bibliographic metadata, the
// citation line or a "Published by X, 2021" line) differs from its year:
// the document's year beats the date it was posted. With no full date, a
// year. Dates of footers, copyright notices, deposits and "accessed on"
// lines are never read, nor is anything outside the entry.
func (f *fields) published(lines []line, docYear, yearSrc string) (string, string) {
	if n := f.first(f.rules.Published); n != nil {
		t := nodeText(n)
		if d := parseDateOrder(t, f.order); d != "" {
			return d, sigRules
		}
		if d := dateInText(t, f.order); d != "" {
			return d, sigRules
		}
		if m := yearRe.FindStringSubmatch(t); m != nil {
			return m[1], sigRules
		}
	}
	m := f.meta
	var biblio []dateCand
	for _, k := range []string{"citation_publication_date", "citation_date"} {
		biblio = append(biblio, dateCand{parseDate(m.first(k)), sigCitation})
	}
	for _, k := range []string{"dcterms.issued", "dc.date.issued", "dc.date", "dcterms.date"} {
		biblio = append(biblio, dateCand{parseDate(m.first(k)), sigDublinCore})
	}
	biblio = append(biblio, dateCand{parseDate(m.first("eprints.date")), sigEPrints})
	for _, c := range biblio {
		if len(c.date) == 10 {
			return c.date, c.src
		}
	}
	for _, c := range biblio {
		if len(c.date) == 4 {
			docYear, yearSrc = c.date, c.src
			break
		}
	}

	// The structured values, as written: a UTC timestamp's day may not be
	// the publisher's (see publisherDay).
	stamps := []string{
		m.ld.datePublished(), m.first("article:published_time", "og:article:published_time"),
		m.micro.first("datepublished"), m.first("datepublished"),
	}
	posting := []dateCand{
		{parseDate(stamps[0]), sigJSONLD},
		{parseDate(stamps[1]), sigArticleMeta},
		{parseDate(stamps[2]), sigMicrodata},
		{parseDate(stamps[3]), sigMicrodata},
	}
	times := entryTimes(f.wide())
	for _, t := range times {
		if !t.updated {
			posting = append(posting, dateCand{t.date, sigTime})
		}
	}
	labelled, updated := f.labelledDates(lines)
	posting = append(posting, labelled...)
	posting = append(posting, dateCand{f.headerDate(lines), sigDateText}, dateCand{dateline(lines, f.order), sigDateText})
	if u, err := url.Parse(f.r.page); err == nil {
		posting = append(posting, dateCand{urlDate(u.Path), sigURLPath})
	}
	full, year := dateCand{}, dateCand{}
	fullAt := -1
	for i, c := range posting {
		switch {
		case len(c.date) == 10 && full.date == "":
			full, fullAt = c, i
		case len(c.date) == 4 && year.date == "":
			year = c
		}
	}
	if fullAt >= 0 && fullAt < len(stamps) {
		// A UTC timestamp: the publisher's day when another signal of
		// the page (its visible date, its URL, a timestamp with the
		// publisher's own offset) shows the neighbouring day.
		full.date = publisherDay(full.date, utcHour(stamps[fullAt]), func(day string) bool {
			for j, c := range posting {
				if j != fullAt && c.date == day && (j >= len(stamps) || utcHour(stamps[j]) < 0) {
					return true
				}
			}
			return false
		})
	}
	if full.date == "" {
		// The extensive search: wider, and less trusted (see moreDates).
		if d := f.moreDates(f.doc.Nodes[0]); d != "" {
			full = dateCand{d, sigDateText}
		} else if d := labelledDateAnywhere(f.allLines(), f.order); d != "" {
			full = dateCand{d, sigDateText}
		}
	}
	f.posted, f.updated = full, updated
	switch {
	case docYear != "" && full.date != "" && full.date[:4] == docYear:
		return full.date, full.src
	case docYear != "":
		return docYear, yearSrc
	case full.date != "":
		return full.date, full.src
	case year.date != "":
		return year.date, year.src
	}
	for _, t := range times {
		if t.updated {
			updated = append(updated, dateCand{t.date, sigTime})
		}
	}
	for _, c := range updated {
		if c.date != "" {
			return c.date, c.src
		}
	}
	return "", ""
}

// labelledDates reads the entry's labelled date lines: publication
// dates ("Date: ...", or a "Date" label with its value on the next line)
// and update dates ("Last updated: ...").
func (f *fields) labelledDates(lines []line) (published, updated []dateCand) {
	value := func(s string) string {
		if d := parseDateOrder(s, f.order); d != "" {
			return d
		}
		if d := dateInText(s, f.order); d != "" {
			return d
		}
		if len(s) < 40 {
			if y := yearRe.FindStringSubmatch(s); y != nil {
				return y[1]
			}
		}
		return ""
	}
	for i, l := range lines {
		switch {
		case otherDate(l.text):
		case updatedLabelRe.MatchString(l.text):
			if d := dateInText(l.text, f.order); d != "" {
				updated = append(updated, dateCand{d, sigLabelled})
			}
		default:
			if m := dateLabelRe.FindStringSubmatch(l.text); m != nil {
				published = append(published, dateCand{value(m[1]), sigLabelled})
			} else if labelOnly(l.text, dateLabelsOnly...) && i+1 < len(lines) && len(lines[i+1].text) < 60 {
				published = append(published, dateCand{value(lines[i+1].text), sigLabelled})
			}
		}
	}
	return published, updated
}

// headerDate returns a date written in the entry before its first
// substantive paragraph (the byline or meta line: "Posted on 3 March
// 2021", "July 14, 2021 · 5 min read"), or "".
func (f *fields) headerDate(lines []line) string {
	for _, l := range f.headerLines(lines) {
		if utf8.RuneCountInString(l.text) > 160 || otherDate(l.text) || updatedLabelRe.MatchString(l.text) {
			continue
		}
		if d := dateInText(l.text, f.order); d != "" {
			return d
		}
	}
	return ""
}

// numericDateRe finds numeric dates, to learn which order a page uses.
var numericDateRe = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/\d{4}\b`)

// dateOrder learns how the page writes numeric dates: from a date on the
// page whose day is over 12 (evidence beats declarations: WordPress
// declares en-US on sites that write dates day first), else from its
// locale (en-US: month first; any other region or language: day first).
func (f *fields) dateOrder(lines []line) dateOrder {
	for _, l := range lines {
		if strings.IndexByte(l.text, '/') < 0 {
			continue
		}
		for _, m := range numericDateRe.FindAllStringSubmatch(l.text, -1) {
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			switch {
			case a > 12 && b <= 12:
				return dayFirst
			case b > 12 && a <= 12:
				return monthFirst
			}
		}
	}
	for _, loc := range []string{f.meta.first("og:locale"), f.meta.htmlLang} {
		loc = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(loc), "_", "-"))
		switch {
		case loc == "":
			continue
		case loc == "en-us":
			return monthFirst
		case strings.HasPrefix(loc, "en-") || !strings.HasPrefix(loc, "en"):
			return dayFirst
		}
	}
	return orderUnknown
}
