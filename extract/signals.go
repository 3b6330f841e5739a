package extract

import "strings"

// Signal names: where a field's value came from, as Result.Sources
// reports it. Metadata signals are named after the markup they read;
// signals read from the visible page start with "visible:".
const (
	sigRules       = "rules"         // the source's CSS selector
	sigJSONLD      = "json-ld"       // schema.org JSON-LD
	sigMicrodata   = "microdata"     // schema.org microdata (itemprop)
	sigCitation    = "citation_meta" // Highwire / Google Scholar citation_* metas
	sigDublinCore  = "dublin-core"   // DC.* / DCTERMS.* metas
	sigEPrints     = "eprints_meta"  // eprints.* metas (EPrints repositories)
	sigOG          = "og"            // OpenGraph og:* metas
	sigArticleMeta = "article_meta"  // OpenGraph article:* metas
	sigTwitter     = "twitter"       // twitter:* card metas
	sigMetaDesc    = "meta:description"
	sigMetaKw      = "meta:keywords"
	sigMetaAuthor  = "meta:author"
	sigMetaLang    = "meta:language"
	sigAppName     = "meta:application-name"
	sigHTTPEquiv   = "http-equiv"   // <meta http-equiv="content-language">
	sigHTMLLang    = "html-lang"    // <html lang>
	sigContentLang = "visible:lang" // a lang attribute on the entry or its content
	sigDetected    = "detected"     // detected from the content's text
	sigTitleTag    = "title-tag"    // <title>
	sigURLPath     = "url-path"     // a date in the page's URL path
	sigCiteLine    = "citation-line"
	sigHeading     = "visible:h1"            // the main heading
	sigContent     = "visible:content"       // the entry's content block
	sigTime        = "visible:time"          // <time> elements of the entry
	sigTermLinks   = "visible:term-links"    // category and tag links of the entry
	sigLabelled    = "visible:labelled-line" // "Publisher:", "Date:", "TAGS:", "Author(s):", "Type:" lines
	sigByline      = "visible:byline"        // "By X", author links and elements
	sigDateText    = "visible:date"          // a date written in the entry's header or meta line
	sigImage       = "visible:image"         // the entry's featured image
	sigSiteTitle   = "visible:site-title"    // the site's name in its header
	sigCategory    = "visible:category"      // a category naming a kind of publication (type)
	sigTitleWords  = "visible:title-words"   // the title's own words name a kind ("Toolkit on ...", "... Handbook")
	sigSeries      = "visible:series-line"   // a series label such as "Working paper 2017/4" (type)
)

// sourceSet records the signal that gave each field.
type sourceSet map[string]string

// set records src for field when the value is not empty.
func (s sourceSet) set(field, src string, empty bool) {
	if !empty && src != "" {
		s[field] = src
	}
}

// joinSignals joins the distinct signals of a field that takes values
// from several ("visible:content+citation_meta").
func joinSignals(srcs []string) string {
	var out []string
	for _, s := range srcs {
		dup := false
		for _, o := range out {
			if o == s {
				dup = true
				break
			}
		}
		if !dup && s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "+")
}
