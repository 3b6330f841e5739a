// Package extract turns one HTML page into a publication record. It is a
// pure function over (page URL, body, rules): no I/O, no shared state.
//
// Page decodes the body (BOM, Content-Type charset, <meta charset> in the
// first 64 KB, else UTF-8 when valid, else windows-1252), collects the
// page's links, strips noise, classifies the page and, for a
// publication, reads its fields. Pages nested deeper than 512 elements
// are rejected by the HTML parser.
//
// # Classification
//
// Source rules first (ItemURL, Item: a page failing a rule that is set is
// never a publication). Otherwise, in order: WordPress body classes
// (archive, paged, category, tag, tax-*, search, home, blog,
// post-type-archive, date, author, error404 make a listing; single,
// single-<type>, postid-N a publication; attachment pages are other; a
// static page, page-id-N, is a publication only with a main heading, its
// own text and a download), JSON-LD types (Article, Report,
// ScholarlyArticle, CreativeWork, DigitalDocument, ... against
// CollectionPage, ItemList, SearchResultsPage, Blog), the site's own
// pages by URL slug or heading (about, contact, privacy-policy, ...: other),
// og:type article,
// archive-like URLs (/page/N/, /category/, /tag/, ?s=, ?paged=), and last
// the page's shape: a main heading, a paragraph of its own (75
// characters or more) and a download (or citation_* / Dublin Core
// metadata) make a publication; three or more teaser blocks make a
// listing unless the page also has a main heading and a paragraph of its
// own of at least 150 characters with a download, or of at least 400
// characters without. A teaser is a block presenting another page: a
// linked title or a "Read More" link, or a table row or list item pairing
// a page link with a document link.
//
// # Noise
//
// Removed before any field is read, each kind reported once in
// Result.Noise: the source's Remove selectors; scripts, styles, embeds,
// forms; navigation, the site header and footer (not an entry's own
// header or footer); sidebars and widgets; comments; share buttons;
// cookie banners; breadcrumbs; pagination; screen-reader text; related
// blocks (by class, or a "Related resources"-style heading with the
// block after it); leaked CMS identifier lists (see MinIdentifierRun);
// and, on publication pages, repeated teaser blocks presenting other
// pages (a linked title and/or a "Read More" link each).
//
// # Fields and their priorities
//
// Every field takes the source's selector first when it matches, else:
//   - Title: og:title, JSON-LD headline/name, the visible entry heading,
//     <title>; a site-name prefix or suffix is removed only when it is the
//     site's name (og:site_name, JSON-LD WebSite, the host name) or when
//     the rest is exactly the visible heading. og:title is skipped when
//     it is only the site name or shares no word with the heading.
//   - Summary: the first substantive paragraph of the content (at least
//     60 characters and 8 words; not a citation, download, share, byline,
//     date or labelled line), unless the page description is longer and
//     not cut short; cleaned of "Read More" and teaser ellipses, PDF
//     hyphenation repaired, at most SummaryLimit characters.
//   - Categories and tags: term links in the entry (rel="category tag",
//     .cat-links, rel="tag", .tags-links, taxonomy links such as
//     /resource-type/x/ in its header, meta or footer; a folder named for
//     a category, type, collection or series makes a category, one named
//     for a tag, keyword, topic, theme, subject or region a tag, even
//     when rel="tag"), labelled lines ("Tags:", "Keywords:", "Topics:" make tags;
//     "Categories:", "Type:", "Resource type:" categories; each term
//     element read on its own, plain text split on , ; |), then
//     article:section/article:tag and JSON-LD articleSection/keywords;
//     de-duplicated ignoring case, first spelling kept; "Uncategorized"
//     dropped. Only the entry is read: never related blocks or teasers.
//   - Downloads: document links in the entry (by extension, by
//     wp-content/uploads path, by "Download" text), then JSON-LD
//     encodings and citation_pdf_url.
//   - Publisher: the citation line "<Title> - <Publisher>, <YYYY>", a
//     "Publisher: X" or "Published by X, <YYYY>." line, citation_publisher
//     / DC.publisher, the JSON-LD publisher.
//   - Published: metadata dates, the entry's <time> (published before
//     updated), "Date:" lines; the year of the citation (or "Published
//     by") line wins when it differs from the date's year (the document's
//     own year beats its posting date); YYYY when only a year is known.
//   - Language: <html lang>, og:locale, Content-Language, JSON-LD
//     inLanguage, reduced to the primary subtag.
package extract

import (
	"regexp"

	"harvest"
)

// Kind says what a page is to the crawler.
type Kind string

const (
	// KindPublication is a page about one publication: it becomes a record.
	KindPublication Kind = "publication"
	// KindListing is an archive, category, tag, search or home page: it
	// feeds discovery only.
	KindListing Kind = "listing"
	// KindOther is any other page (about, contact, ...): discovery only.
	KindOther Kind = "other"
)

// Rules are per-source overrides. Every field is optional; an empty
// selector leaves the generic rule for that field in force.
type Rules struct {
	// ItemURL, when set, decides which pages are publications: those whose
	// URL matches it. Pages that do not match are never publications.
	ItemURL *regexp.Regexp
	// Item, when set, is a CSS selector whose presence marks a publication.
	Item string
	// Content is the publication's own content block.
	Content string
	// Field selectors: Title and Summary take the text of the first match;
	// Categories and Tags the text of every match (one term each);
	// Downloads every matching <a href>; Publisher and Published the text
	// of the first match.
	Title, Summary, Categories, Tags, Downloads, Publisher, Published string
	// Remove lists extra selectors stripped as noise before extraction.
	Remove []string
}

// Result is what Page found.
type Result struct {
	Kind Kind
	// Reason says why Kind was chosen (for logs and debugging).
	Reason string
	// Publication is filled when Kind is KindPublication: URL,
	// CanonicalURL and the extracted fields. Source, ID and the times are
	// left for the caller and the store.
	Publication harvest.Publication
	// Links are the page's absolute, normalised http(s) links in document
	// order, without duplicates, without links to documents (PDF, ...) and
	// without fragments: candidates for discovery. Listing and related
	// blocks are included (that is how detail pages are found).
	Links []string
	// Noise describes what was stripped, one short line per kind, e.g.
	// "leaked CMS identifier list (22 lines)".
	Noise []string
	// Sources says, for each field of a publication that has a value,
	// which signal it came from ("json-ld", "citation_meta", "og",
	// "visible:h1", "citation-line", ...; see the package documentation).
	// A field filled from several signals (downloads) names them joined
	// by "+". Nil unless Kind is KindPublication.
	Sources map[string]string
}
