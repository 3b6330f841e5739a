package crawler

import (
	"context"
	"errors"
	"sync"
	"time"

	"harvest"
)

// Shared makes a run one of many processes crawling one run together: the
// frontier, the hosts' pace and robots.txt live in the database (package
// harvest's shared interfaces), so that every URL is fetched once, by
// whichever process leases it, and each host keeps its delay whoever
// fetches from it. Options.Journal and Options.Resume are then unused: the
// shared frontier is its own journal.
type Shared struct {
	Frontier harvest.SharedFrontier
	Hosts    harvest.HostGate
	Robots   harvest.RobotsCache
	// Since is when the run began: a robots.txt fetched since then by any
	// process is reused.
	Since time.Time
	// Heartbeat is how often this process renews its leases (default 5s).
	Heartbeat time.Duration
	// Poll is how long to wait before asking again when nothing can be
	// leased but other processes still hold leases (default 200ms).
	Poll time.Duration
}

// queue is where a run's tasks wait: the in-memory frontier of a run
// crawled by one process, or a shared frontier.
type queue interface {
	push(key string, t task) bool
	claim(key string) bool
	next(ctx context.Context) (task, bool)
	done(t task)
	release(t task)
	state() (queued int, capped bool)
	sitemapsQueued() int
}

// sharedQueue is a queue over a harvest.SharedFrontier. The URLs a page
// discovers are added in one batch before the page is marked done, so a
// process that dies never loses a URL: either the page is fetched again
// or what it found is in the database.
type sharedQueue struct {
	f     harvest.SharedFrontier
	batch int
	poll  time.Duration
	fail  func(error)

	mu      sync.Mutex
	pending []harvest.FrontierEntry
	added   hashSet // keys this process already sent
	ready   []task
	queued  int
	capped  bool
	closed  bool
	flushMu sync.Mutex
}

func newSharedQueue(f harvest.SharedFrontier, batch int, poll time.Duration, fail func(error)) *sharedQueue {
	if batch < 1 {
		batch = 1
	}
	if poll <= 0 {
		poll = 200 * time.Millisecond
	}
	return &sharedQueue{f: f, batch: batch, poll: poll, fail: fail}
}

func entryOf(t task) harvest.FrontierEntry {
	return harvest.FrontierEntry{Key: t.key, URL: t.url, Depth: t.depth, Sitemap: t.kind == taskSitemap,
		Optional: t.optional, Lastmod: t.lastmod, State: harvest.EntryQueued}
}

func taskOf(e harvest.FrontierEntry) task {
	kind := taskPage
	if e.Sitemap {
		kind = taskSitemap
	}
	return task{key: e.Key, url: e.URL, depth: e.Depth, kind: kind, optional: e.Optional, lastmod: e.Lastmod}
}

// push queues t for the next flush. It reports whether the URL is new to
// this process: whether it is new to the run, the database decides.
func (q *sharedQueue) push(key string, t task) bool {
	t.key = key
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	if !q.added.add(hashOf(key)) && t.lastmod == "" {
		return false
	}
	q.pending = append(q.pending, entryOf(t))
	return true
}

// flush adds the pending URLs to the shared frontier.
func (q *sharedQueue) flush(ctx context.Context) error {
	q.flushMu.Lock()
	defer q.flushMu.Unlock()
	q.mu.Lock()
	pending := q.pending
	q.pending = nil
	q.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	_, err := q.f.Add(context.WithoutCancel(ctx), pending)
	return err
}

func (q *sharedQueue) claim(key string) bool {
	q.mu.Lock()
	q.added.add(hashOf(key))
	q.mu.Unlock()
	// The frontier keeps the key as the URL of a claimed row: it is done
	// as it is claimed, and never fetched from the frontier.
	ok, err := q.f.Claim(context.Background(), harvest.FrontierEntry{Key: key, URL: key})
	if err != nil {
		q.fail(err)
		return false
	}
	return ok
}

// next leases tasks from the shared frontier, waiting while other
// processes hold leases (their pages may still add URLs), and returns
// false once the run is drained, its page budget spent, or ctx ends.
func (q *sharedQueue) next(ctx context.Context) (task, bool) {
	for {
		if ctx.Err() != nil {
			return task{}, false
		}
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return task{}, false
		}
		if len(q.ready) > 0 {
			t := q.ready[0]
			q.ready = q.ready[1:]
			q.mu.Unlock()
			return t, true
		}
		q.mu.Unlock()
		if err := q.flush(ctx); err != nil {
			q.fail(err)
			return task{}, false
		}
		entries, err := q.f.Lease(ctx, q.batch)
		if err != nil {
			if ctx.Err() == nil {
				q.fail(err)
			}
			return task{}, false
		}
		if len(entries) > 0 {
			q.mu.Lock()
			for _, e := range entries {
				q.ready = append(q.ready, taskOf(e))
			}
			q.mu.Unlock()
			continue
		}
		queued, leased, capped, err := q.f.State(ctx)
		if err != nil {
			if ctx.Err() == nil {
				q.fail(err)
			}
			return task{}, false
		}
		q.mu.Lock()
		q.queued, q.capped = queued, capped
		if leased == 0 && (queued == 0 || capped) {
			q.closed = true
			q.mu.Unlock()
			return task{}, false
		}
		q.mu.Unlock()
		if sleep(ctx, q.poll) != nil {
			return task{}, false
		}
	}
}

func (q *sharedQueue) done(t task) {
	ctx := context.Background()
	if err := q.flush(ctx); err != nil {
		q.fail(err)
		return
	}
	if err := q.f.Done(ctx, t.key); err != nil {
		q.fail(err)
	}
}

func (q *sharedQueue) release(t task) {
	ctx := context.Background()
	if err := q.flush(ctx); err != nil {
		q.fail(err)
	}
	if err := q.f.Release(ctx, t.key); err != nil {
		q.fail(err)
	}
}

// giveBack releases the tasks leased but not started, when the run ends
// for this process.
func (q *sharedQueue) giveBack() error {
	q.mu.Lock()
	ready := q.ready
	q.ready, q.closed = nil, true
	q.mu.Unlock()
	var errs []error
	errs = append(errs, q.flush(context.Background()))
	for _, t := range ready {
		errs = append(errs, q.f.Release(context.Background(), t.key))
	}
	return errors.Join(errs...)
}

func (q *sharedQueue) state() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.queued + len(q.ready), q.capped
}

func (q *sharedQueue) sitemapsQueued() int { return 0 }

// heartbeat renews this process's leases until stop is closed.
func (q *sharedQueue) heartbeat(ctx context.Context, every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := q.f.Extend(context.WithoutCancel(ctx)); err != nil && ctx.Err() == nil {
				q.fail(err)
				return
			}
		}
	}
}
