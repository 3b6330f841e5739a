package harvest

import (
	"errors"
	"time"
)

// Record statuses.
const (
	StatusActive  = "active"
	StatusRemoved = "removed"
)

// ErrNotFound is returned when a record asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// ErrSourceBusy is returned by LockSource when another run of the source
// holds its lock.
var ErrSourceBusy = errors.New("source is being crawled")

// Outcome says what Save did with a publication.
type Outcome string

const (
	// OutcomeNew: no record knew it; one was created.
	OutcomeNew Outcome = "new"
	// OutcomeChanged: found under its record's own URL with different
	// content; the record's fields were rewritten.
	OutcomeChanged Outcome = "changed"
	// OutcomeUnchanged: found under its record's own URL, same content.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeDuplicate: the same publication found under another URL; the
	// URL was added to the record's duplicates and its content ignored.
	OutcomeDuplicate Outcome = "duplicate"
)

// SaveResult is the record a saved publication went to and what happened.
type SaveResult struct {
	ID      int64
	Outcome Outcome
}

// Seen is a publication found at a crawl time, for SaveBatch.
type Seen struct {
	Publication Publication
	At          time.Time
}

// Filter selects records. The zero Filter selects every record; each
// field set narrows the selection (all of them must hold).
type Filter struct {
	// Sources, when not empty, keeps the records of these sources only.
	Sources []string
	// Status, when not empty, keeps the records with this status only
	// ("active" or "removed"). Empty keeps both.
	Status string
	// Tag, when not empty, keeps the records with this tag (ASCII case
	// ignored).
	Tag string
	// Category, when not empty, keeps the records in this category (ASCII
	// case ignored).
	Category string
	// Since, when not zero, keeps the records that changed at or after it:
	// new, changed, removed or back again (last_changed >= Since).
	Since time.Time
	// Until, when not zero, keeps the records whose last change was at or
	// before it (last_changed <= Until). Times are compared to the second,
	// as they are stored: Until is truncated to its second. With Since it
	// makes a window, as OAI-PMH's from and until do.
	Until time.Time
}

// Order is the order of search results.
type Order string

const (
	// OrderID is ascending id: the export's order, and the one in which
	// records added later come last.
	OrderID Order = "id"
	// OrderNewest is newest first: first_seen descending, then id
	// descending.
	OrderNewest Order = "newest"
	// OrderRank is by relevance to the text searched for, best first,
	// then ascending id. It needs search terms.
	OrderRank Order = "rank"
)

// Search limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	// maxTerms is how many terms of a search text are used; the rest are
	// ignored (FTS bounds the depth of a query expression).
	maxTerms = 32
)

// ErrBadCursor is returned by Search for a cursor it did not make, or one
// made for another query.
var ErrBadCursor = errors.New("invalid cursor")

// ErrBadQuery is returned by Search for an unknown order or a limit out
// of range.
var ErrBadQuery = errors.New("invalid query")

// Query is one page of a search: the records its filter selects (and that
// match its text, when set), in its order, after its cursor.
type Query struct {
	Filter
	// Text is searched for in the title, summary, tags, categories and
	// publisher; see ParseText for its syntax. Any text is accepted.
	Text string
	// Order defaults to OrderRank when Text has search terms, else OrderID.
	Order Order
	// Limit is the page size: 0 means DefaultLimit; at most MaxLimit.
	Limit int
	// Cursor continues a search from the Next of its previous page.
	Cursor string
}

// Results is one page of search results.
type Results struct {
	Publications []Publication
	// Total is how many records the query selects on all pages.
	Total int
	// Next is the cursor of the next page; empty on the last page.
	Next string
	// Order is the order the results are in.
	Order Order
}

// SourceSummary is what the catalogue holds of one source.
type SourceSummary struct {
	Name string
	// Publications counts its records by status (active, removed).
	Publications map[string]int
	// Runs counts its runs by run status (ok, partial, ...).
	Runs map[string]int
	// Pages and Errors are summed over all its runs.
	Pages, Errors int
	// LastRun is its latest run (by start); nil if it was never crawled.
	LastRun *Run
}

// TermCount is a value of a facet (a source, category or tag) and how
// many records have it.
type TermCount struct {
	Value string
	Count int
}

// Facets are the values the records can be filtered by, most common
// first.
type Facets struct {
	Sources, Categories, Tags []TermCount
}

// Revision is an earlier version of a record's content.
type Revision struct {
	ID int64
	// Replaced is when this version stopped being current.
	Replaced time.Time
	// Publication holds the version's content fields (title, summary,
	// categories, tags, downloads, publisher, published, language,
	// authors, image, site name, type, posted, modified, external links;
	// versions replaced before migration 0006 have none of the last
	// three); its other fields are zero.
	Publication Publication
}

// PageMemory is what an earlier run learned about a publication page.
type PageMemory struct {
	URL           string
	PublicationID int64
	ETag          string
	LastModified  string
	Fetched       time.Time
	// Links are the page's in-scope links, so that a page answered 304
	// still feeds discovery.
	Links []string
}

// RemovalPlan is what one run asks the catalogue to mark removed when it
// ends.
type RemovalPlan struct {
	// Gone are the URLs that answered 404 or 410 during the run: the
	// records whose own (or canonical) URL they are go.
	Gone []string
	// Sweep is set for a run that covered the whole site: every active
	// record it did not see (Seen, or, for a run that resumed an
	// interrupted one, last seen at or after Since) has missed one more
	// run, and those that have missed Threshold runs in a row go.
	Sweep     bool
	Seen      []int64
	Since     time.Time
	Threshold int
	// Limit, when set, is the most records the run may remove, given how
	// many of the source's publications are active. Past it the run
	// removes nothing (the misses are still counted).
	Limit func(active int) int
	At    time.Time
}

// RemovalResult says what Remove did.
type RemovalResult struct {
	Removed int
	// Held is how many records the run would have removed when that was
	// over its Limit (then Removed is 0); Active and Limit are the
	// figures it was held by.
	Held, Active, Limit int
}

// MirroredFile is what the catalogue remembers of the latest file fetched
// for a download URL: its hash, where its local copy is, and the
// validators for the next conditional GET.
type MirroredFile struct {
	URL          string
	SHA256       string
	Size         int64
	MediaType    string
	Path         string
	ETag         string
	LastModified string
	Fetched      time.Time // stored to the second
}

// Version identifies the state of the catalogue: N grows by one or more
// with every write to its records or runs (a save, a change, a removal, a
// record seen again, a run started or finished), and Changed is when the
// last such write was made. Two reads that see the same N see the same
// catalogue, so N makes an HTTP validator and a cache key.
type Version struct {
	N       int64
	Changed time.Time
}
