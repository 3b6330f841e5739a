package harvest

import "time"

// FrontierEntry is one URL of a source's current run.
type FrontierEntry struct {
	Key, URL string
	Depth    int
	Sitemap  bool
	Optional bool
	// Lastmod is the lastmod of the sitemap entry that listed the URL.
	Lastmod string
	// State is EntryQueued, EntryLeased or EntryDone.
	State string
}

// Frontier operations, applied in order.
const (
	FrontierPush  = "push"  // queue a URL (a URL already present is left alone)
	FrontierLease = "lease" // a worker took it
	FrontierDone  = "done"  // fetched and handled
)

// FrontierOp is one change to a frontier.
type FrontierOp struct {
	Op    string
	Entry FrontierEntry
}

// FrontierRun is the run a saved frontier belongs to.
type FrontierRun struct {
	RunID   int64
	Started time.Time
}

// States of a frontier entry.
const (
	EntryQueued = "queued"
	EntryLeased = "leased"
	EntryDone   = "done"
)
