package harvest

import "time"

// Run statuses.
const (
	RunRunning   = "running"
	RunOK        = "ok"
	RunPartial   = "partial" // ended early: errors, page cap
	RunCancelled = "cancelled"
	RunFailed    = "failed"
)

// Run is one crawl of one source.
type Run struct {
	ID                                  int64
	Source                              string
	Started, Finished                   time.Time // Finished is zero while running
	Pages, Errors                       int
	New, Changed, Unchanged, Duplicates int
	// NotModified counts publication pages answered 304; SkippedLastmod
	// those not requested because their sitemap lastmod was not newer
	// than their last fetch; Removed the records this run marked removed.
	NotModified, SkippedLastmod, Removed int
	// ResumedFrom is the run whose frontier this run continued (0: none).
	ResumedFrom int64
	Status      string // one of the Run* constants
	Note        string
}

// Why a crawl stopped (crawler.Stats.Stopped); a run's status (Run*)
// follows from it and from the errors counted.
const (
	StopComplete  = "complete"
	StopMaxPages  = "max-pages"
	StopCancelled = "cancelled"
	StopFailed    = "failed"
)
