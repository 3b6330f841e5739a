package harvest

import (
	"context"
	"time"
)

// The shared side of a catalogue: what lets many harvest processes, on
// many machines, crawl one run of a source together (store/postgres).
// Everything one process keeps of a run in memory when it crawls alone —
// the frontier, the hosts' pace, robots.txt, the page budget, the records
// seen and the pages gone — lives in the database instead, so that any
// process may join a run, die, or finish it.

// SharedFrontier is one run's frontier, leased URL by URL.
type SharedFrontier interface {
	// Add queues the entries whose Key the run has not seen and reports,
	// for each, whether it was new. A known entry still queued takes a
	// sitemap lastmod it did not have.
	Add(ctx context.Context, entries []FrontierEntry) ([]bool, error)
	// Claim marks key seen and being fetched now (a redirect's target)
	// and reports whether it was new.
	Claim(ctx context.Context, e FrontierEntry) (bool, error)
	// Lease hands this worker up to n queued entries (sitemaps first, then
	// pages in the order they were found, pages only while the run's page
	// budget lasts). An entry whose lease expired (its worker died) is
	// queued again. None when nothing can be handed out now.
	Lease(ctx context.Context, n int) ([]FrontierEntry, error)
	// Done marks this worker's leased entry done; Release puts it back
	// in the queue (a fetch that failed or was cut short).
	Done(ctx context.Context, key string) error
	Release(ctx context.Context, key string) error
	// Extend renews this worker's leases and says it is alive.
	Extend(ctx context.Context) error
	// State counts what is left: queued entries (pages and sitemaps),
	// entries leased by live workers, and whether queued pages remain that
	// the page budget will not let anyone fetch.
	State(ctx context.Context) (queued, leased int, capped bool, err error)
}

// HostGate keeps every host to its pace across all the processes that
// crawl it: with a delay, one request at a time, each starting at least
// the delay after the previous one ended.
type HostGate interface {
	// Acquire waits until host may take a request (no other in flight
	// anywhere when delay > 0; not paused) and takes it; release ends
	// it and starts the delay.
	Acquire(ctx context.Context, host string, delay time.Duration) (release func(), err error)
	// Pause holds every request to host until the given time
	// (Retry-After).
	Pause(ctx context.Context, host string, until time.Time) error
}

// RobotsCache keeps each host's robots.txt for every process.
type RobotsCache interface {
	// Robots returns the answer stored for host (status 0: a transport
	// error) if it was fetched at or after since.
	Robots(ctx context.Context, host string, since time.Time) (status int, body []byte, ok bool, err error)
	PutRobots(ctx context.Context, host string, status int, body []byte) error
}

// SharedRun is one run as many workers crawl it.
type SharedRun struct {
	ID      int64
	Source  string
	Started time.Time
	// Spec is the source's configuration (config.Source as JSON): what
	// a worker needs to crawl it without the configuration file.
	Spec []byte
	// Workers counts the live workers crawling it.
	Workers int
}

// RunCounts are what workers add to a shared run's record.
type RunCounts struct {
	Pages, Errors, StartsFailed         int
	New, Changed, Unchanged, Duplicates int
	NotModified, SkippedLastmod         int
}

// SharedRuns is the catalogue side of runs crawled by many workers.
type SharedRuns interface {
	// OpenRun returns the source's run in progress, or starts one (a
	// runs record, a frontier): one at a time per source, whoever asks.
	OpenRun(ctx context.Context, source string, spec []byte, maxPages int) (run SharedRun, started bool, err error)
	// ActiveRuns lists the runs in progress, fewest workers first.
	ActiveRuns(ctx context.Context) ([]SharedRun, error)
	// Join makes owner a worker of run id (seen alive until its leases
	// lapse) and returns the run's frontier as owner sees it; leases last
	// lease, renewed by Extend.
	Join(ctx context.Context, id int64, owner string, lease time.Duration) (SharedFrontier, error)
	// Leave says owner stopped working on run id.
	Leave(ctx context.Context, id int64, owner string) error
	// LiveWorkers counts the workers of run id other than owner that are
	// alive and have not left.
	LiveWorkers(ctx context.Context, id int64, owner string) (int, error)
	Hosts(owner string) HostGate
	Robots() RobotsCache
	// Seen marks records found by run id; Gone notes pages that answered
	// 404 or 410 during it. SeenIDs and GoneURLs read them back.
	Seen(ctx context.Context, id int64, ids []int64) error
	Gone(ctx context.Context, id int64, url string) error
	SeenIDs(ctx context.Context, id int64) ([]int64, error)
	GoneURLs(ctx context.Context, id int64) ([]string, error)
	// AddCounts adds a worker's counts to the run's.
	AddCounts(ctx context.Context, id int64, c RunCounts) error
	Counts(ctx context.Context, id int64) (RunCounts, error)
	// ClaimFinish lets one worker end a drained run: true for the one
	// that may (until it lets go of it for lease, then another may).
	ClaimFinish(ctx context.Context, id int64, owner string, lease time.Duration) (bool, error)
	// Finished ends run id's shared state (its frontier and marks go);
	// its runs record is written by FinishRun.
	Finished(ctx context.Context, id int64) error
	// RunEnded reports whether run id has ended (finished by a worker).
	RunEnded(ctx context.Context, id int64) (bool, error)
	// LeaderLock makes the caller the one scheduler that acts, waiting
	// while another is; unlock gives it up.
	LeaderLock(ctx context.Context, name string) (unlock func() error, err error)
}
