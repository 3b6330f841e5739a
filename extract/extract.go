// Package extract turns one HTML page into a publication record. It is a
// pure function over (page URL, body, rules): no I/O, no shared state.
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
}
