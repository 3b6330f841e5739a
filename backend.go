package harvest

import (
	"context"
	"time"
)

// The interfaces the parts meet at. A catalogue backend (store/sqlite,
// store/postgres) implements Catalogue; the web side takes only a
// CatalogueReader; the run lifecycle (package harvester) takes a
// Catalogue and, for a run crawled by many workers, a SharedFrontier.

// CatalogueReader is the read-only side of a catalogue.
type CatalogueReader interface {
	// Get returns one record, or ErrNotFound.
	Get(ctx context.Context, id int64) (Publication, error)
	// Each calls fn with every record f selects, in id order, from one
	// consistent read.
	Each(ctx context.Context, f Filter, fn func(Publication) error) error
	Count(ctx context.Context, f Filter) (int, error)
	// Search returns one page of the records q selects; the search text
	// is the user's (ParseSearch): the backend renders it in its own
	// full-text syntax.
	Search(ctx context.Context, q Query) (Results, error)
	Sources(ctx context.Context) ([]SourceSummary, error)
	Facets(ctx context.Context, status string) (Facets, error)
	Revisions(ctx context.Context, id int64) (revs []Revision, ok bool, err error)
	Runs(ctx context.Context, source string) ([]Run, error)
	RunsPage(ctx context.Context, source string, after int64, limit int) (runs []Run, more bool, err error)
	// Version changes whenever what the catalogue serves changes.
	Version(ctx context.Context) (Version, error)
	// EarliestChange returns the earliest last_changed of any record (to
	// the second, UTC), or the zero time when the catalogue is empty.
	// Records are never deleted and last_changed only moves forward, so
	// no record will ever have an earlier one (OAI-PMH's
	// earliestDatestamp).
	EarliestChange(ctx context.Context) (time.Time, error)
}

// Publications is where crawled publications are saved, deduplicated.
type Publications interface {
	Save(ctx context.Context, p Publication, seen time.Time) (SaveResult, error)
	// SavePage saves p and, when page is not nil, what its page taught,
	// in one transaction.
	SavePage(ctx context.Context, p Publication, seen time.Time, page *PageMemory) (SaveResult, error)
	SaveBatch(ctx context.Context, batch []Seen) ([]SaveResult, error)
}

// PageMemories remembers what earlier runs learned of each page.
type PageMemories interface {
	Page(ctx context.Context, source, url string) (PageMemory, bool, error)
	RememberPage(ctx context.Context, source string, m PageMemory) error
	// TouchPage marks the record of a publication page seen (a 304, an
	// unchanged lastmod) and returns its id, or 0 when none is known.
	TouchPage(ctx context.Context, source, url string, seen time.Time) (int64, error)
	TouchPages(ctx context.Context, source string, urls []string, seen time.Time) ([]int64, error)
	// MarkGone marks removed the active record whose URL answered 404 or
	// 410.
	MarkGone(ctx context.Context, source, url string, at time.Time) (bool, error)
}

// Removals carries out what a run's end decides.
type Removals interface {
	Remove(ctx context.Context, source string, plan RemovalPlan) (RemovalResult, error)
	SweepMissed(ctx context.Context, source string, seen []int64, since time.Time, threshold int, at time.Time) (int, error)
}

// RunLog records runs.
type RunLog interface {
	StartRun(ctx context.Context, source string, started time.Time) (int64, error)
	FinishRun(ctx context.Context, r Run) error
}

// FileMemory remembers the files mirrored for download URLs.
type FileMemory interface {
	LookupFile(ctx context.Context, rawURL string) (MirroredFile, bool, error)
	RememberFile(ctx context.Context, rawURL string, f MirroredFile) error
}

// FrontierJournal keeps the frontier of a source's run crawled by one
// process, so that an interrupted run can be resumed.
type FrontierJournal interface {
	// BeginFrontier starts run runID's frontier, dropping what an earlier
	// run left.
	BeginFrontier(ctx context.Context, source string, runID int64, started time.Time) error
	// LoadFrontier returns the frontier an unfinished run left, if any.
	LoadFrontier(ctx context.Context, source string) (FrontierRun, []FrontierEntry, bool, error)
	// ApplyFrontier applies the crawler's changes, in order.
	ApplyFrontier(ctx context.Context, source, owner string, ops []FrontierOp) error
	ClearFrontier(ctx context.Context, source string) error
}

// SourceLocks keeps one run of a source at a time on one catalogue,
// whichever process starts it.
type SourceLocks interface {
	// LockSource takes the source's run lock, waiting for it when wait is
	// set; ErrSourceBusy when it is held and wait is not set.
	LockSource(ctx context.Context, source string, wait bool) (unlock func() error, err error)
}

// Catalogue is a catalogue backend: everything a crawl, a schedule, an
// export and a server need of it.
type Catalogue interface {
	CatalogueReader
	Publications
	PageMemories
	Removals
	RunLog
	FileMemory
	FrontierJournal
	SourceLocks
	// LinkChecks and LinkReader keep the health of download links
	// (links.go).
	LinkChecks
	LinkReader
	// SetTotalLag lets counted totals be up to lag old while the
	// catalogue is written (a server's choice; exact by default).
	SetTotalLag(lag time.Duration)
	// String names the catalogue for messages (a path, a redacted DSN).
	String() string
	Close() error
}
