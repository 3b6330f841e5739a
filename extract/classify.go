package extract

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// signals are the facts about a page's shape that classification uses,
// measured after noise is stripped.
type signals struct {
	heading   bool // a main heading (h1, or the one entry title)
	ownText   int  // length in characters of the longest paragraph outside teasers
	totalText int  // characters of the paragraphs (60 characters or more) outside teasers
	downloads int  // document links outside teasers
	external  int  // links outside teasers to the item on another site ("View on the publisher's website", a DOI)
	teasers   int  // distinct pages presented by repeated teaser blocks
	docMeta   bool // citation_* or Dublin Core metadata about a document
	// headingText is the main heading's text, for recognising site pages.
	headingText string
}

// Shape thresholds, in characters.
const (
	ownTextMin  = 150 // a real paragraph of the page's own content
	ownTextLong = 400 // an abstract long enough to stand without a download
	manyTeasers = 3   // teaser blocks that make a listing
	// articleText is the text of its own (paragraphs outside teasers)
	// that makes a page with a main heading an article whatever else it
	// shows (related teasers, comment lists, share blocks); bodyText is
	// enough for a page without teasers.
	articleText = 1200
	bodyText    = 400
	// staticText is the text that makes a WordPress static page (not one
	// of the site's own pages) an article.
	staticText = 400
	// perTeaserText: a page whose own text (outside teasers) is longer
	// than this per teaser block it shows, and at least bodyText, is an
	// item with a few related teasers, not a listing with an intro.
	perTeaserText = 100
	// headlessText is the text that makes a page without a main heading
	// an article (its title comes from the metadata or <title>).
	headlessText = 1000
)

// wpListingClasses are WordPress body classes of archive-like pages.
var wpListingClasses = map[string]bool{
	"archive": true, "paged": true, "category": true, "tag": true, "search": true,
	"search-results": true, "search-no-results": true, "home": true, "blog": true,
	"post-type-archive": true, "error404": true, "date": true, "author": true, "tax": true,
}

// sitePageRe matches the slugs of a site's own pages (about, contact,
// legal notices, ...), which are not publications even when they link a
// document (a constitution, an annual accounts PDF).
var sitePageRe = regexp.MustCompile(`^(?:about|about-us|who-we-are|our-team|team|staff|people|our-people|contact|contact-us|imprint|impressum|legal|legal-notice|privacy|privacy-policy|privacy-notice|data-protection|datenschutz|terms|terms-of-use|terms-and-conditions|cookies|cookie-policy|accessibility|jobs|careers|vacancies|work-with-us|donate|support-us|get-involved|volunteer|faq|faqs|mission|our-mission|history|our-history|what-we-do|our-work|partners|our-partners|members|our-members|membership|newsletter|subscribe|sitemap|search|login|register|mentions-legales|qui-sommes-nous|a-propos|nous-contacter|contacto|quienes-somos|aviso-legal|uber-uns|ueber-uns|kontakt)$`)

// sitePage returns the slug by which a page is one of the site's own
// pages (the last segment of its URL path, or its heading), or "".
func sitePage(pageURL, heading string) string {
	if u, err := url.Parse(pageURL); err == nil {
		seg := path.Base(strings.TrimSuffix(u.Path, "/"))
		seg = strings.TrimSuffix(seg, path.Ext(seg))
		if slug := strings.ToLower(seg); sitePageRe.MatchString(slug) {
			return slug
		}
	}
	if words := strings.Fields(letters(heading)); len(words) > 0 && len(words) <= 4 {
		if slug := strings.Join(words, "-"); sitePageRe.MatchString(slug) {
			return slug
		}
	}
	return ""
}

// homePage reports whether pageURL is a site's home page: the root path,
// or an index file at the root, without a query.
func homePage(pageURL string) bool {
	u, err := url.Parse(pageURL)
	if err != nil || u.RawQuery != "" {
		return false
	}
	switch strings.ToLower(u.Path) {
	case "", "/", "/index.html", "/index.htm", "/index.php", "/home", "/home/", "/default.aspx":
		return true
	}
	return false
}

// archiveURLRe matches URLs that name archive pages.
var archiveURLRe = regexp.MustCompile(`(?i)/(?:page/\d+|category|tag|tags|author|search)(?:/|$)|[?&](?:s|paged)=`)

// genericKind decides what a page is without source rules. In order:
// WordPress body classes, JSON-LD types, og:type, archive-like URLs and
// finally the shape of the page.
func genericKind(m *pageMeta, pageURL string, sig signals) (Kind, string) {
	bc := map[string]bool{}
	for _, c := range m.bodyClasses {
		bc[c] = true
	}
	for _, c := range m.bodyClasses {
		if wpListingClasses[c] || strings.HasPrefix(c, "tax-") || strings.HasPrefix(c, "post-type-archive-") {
			return KindListing, "WordPress body class " + c
		}
	}
	single := ""
	for _, c := range m.bodyClasses {
		if c == "single" || strings.HasPrefix(c, "postid-") ||
			(strings.HasPrefix(c, "single-") && !strings.HasPrefix(c, "single-format-")) {
			if single == "" || strings.HasPrefix(c, "single-") && !strings.HasPrefix(single, "single-") {
				single = c
			}
		}
	}
	if single != "" {
		if bc["attachment"] || bc["single-attachment"] {
			return KindOther, "WordPress attachment page"
		}
		return KindPublication, "WordPress body class " + single
	}
	if homePage(pageURL) && !strings.HasPrefix(pageURL, placeholderBase) {
		return KindListing, "the site's home page"
	}
	site := sitePage(pageURL, sig.headingText)
	for _, c := range m.bodyClasses {
		if c == "page" || strings.HasPrefix(c, "page-id-") {
			if site != "" {
				return KindOther, "WordPress static page, a site page (" + site + ")"
			}
			if sig.heading && sig.downloads > 0 && sig.ownText >= ownTextMin/2 {
				return KindPublication, fmt.Sprintf("WordPress static page with a main heading, its own text and %s", plural(sig.downloads, "download"))
			}
			if sig.heading && sig.totalText >= staticText && (sig.teasers < manyTeasers || sig.totalText >= perTeaserText*sig.teasers) ||
				sig.totalText >= articleText {
				return KindPublication, fmt.Sprintf("WordPress static page with a main heading and an article's text (%d characters)", sig.totalText)
			}
			return KindOther, fmt.Sprintf("WordPress static page without publication shape (heading %v, %d characters of own text)", sig.heading, sig.totalText)
		}
	}
	if t := m.ld.publicationType(); t != "" {
		return KindPublication, "JSON-LD type " + m.ld.typeName(t)
	}
	if t := m.ld.listingType(); t != "" {
		return KindListing, "JSON-LD type " + m.ld.typeName(t)
	}
	if m.first("citation_title") != "" {
		// Google Scholar's inclusion guidelines: citation_* metas go on
		// the page of one document, never on listings.
		return KindPublication, "Highwire citation_title metadata"
	}
	if site != "" {
		return KindOther, "a site page (" + site + ")"
	}
	og := strings.ToLower(m.first("og:type"))
	if og == "article" || og == "book" {
		// A page that says it is an article is one, unless it is nothing
		// but teasers: less own text than half a line per teaser block.
		if sig.teasers >= manyTeasers && sig.ownText < ownTextMin && sig.downloads == 0 && sig.totalText < perTeaserText/2*sig.teasers {
			return KindListing, fmt.Sprintf("og:type %s, but the page is %s and no content of its own (%d characters)", og, plural(sig.teasers, "teaser block"), sig.totalText)
		}
		return KindPublication, "og:type " + og
	}
	if archiveURLRe.MatchString(pageURL) {
		return KindListing, "URL of an archive page"
	}
	return shapeKind(sig)
}

// shapeKind decides by the shape of the page: a main heading, a real
// paragraph of its own and download links (or document metadata) make a
// publication; many teaser blocks without such content make a listing.
// A page that is one item (a report, an article, a post, a news story)
// has its own heading and body whatever else it shows; a listing's text
// is its teasers'. og:type "website", which many sites give every page,
// says nothing either way.
func shapeKind(sig signals) (Kind, string) {
	evidence := sig.downloads > 0 || sig.docMeta || sig.external > 0
	own := sig.heading && sig.ownText >= ownTextMin
	if sig.teasers >= manyTeasers {
		if own && (evidence || sig.ownText >= ownTextLong) || sig.heading && sig.totalText >= articleText ||
			sig.heading && sig.totalText >= bodyText && sig.totalText >= perTeaserText*sig.teasers {
			return KindPublication, fmt.Sprintf("page shape: main heading, own text (%d characters) and %s beside %s",
				sig.totalText, plural(sig.downloads, "download"), plural(sig.teasers, "teaser block"))
		}
		return KindListing, fmt.Sprintf("page shape: %s and %d characters of own text", plural(sig.teasers, "teaser block"), sig.totalText)
	}
	if sig.heading && evidence && sig.ownText >= ownTextMin/2 {
		return KindPublication, fmt.Sprintf("page shape: main heading, own text and %s", plural(sig.downloads, "download"))
	}
	if sig.heading && (sig.ownText >= ownTextMin || sig.totalText >= bodyText) {
		return KindPublication, fmt.Sprintf("page shape: main heading and own text (%d characters)", sig.totalText)
	}
	if !sig.heading && sig.totalText >= headlessText {
		return KindPublication, fmt.Sprintf("page shape: no main heading, but an article's text (%d characters)", sig.totalText)
	}
	if sig.teasers >= 2 {
		return KindListing, "page shape: " + plural(sig.teasers, "teaser block")
	}
	return KindOther, fmt.Sprintf("no publication or listing signals (heading %v, %d characters of own text)", sig.heading, sig.totalText)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
