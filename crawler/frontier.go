package crawler

import (
	"context"
	"harvest"
	"sync"
)

// taskKind tells a worker what to do with a URL.
type taskKind int

const (
	taskPage taskKind = iota
	taskSitemap
)

type task struct {
	key   string
	url   string
	depth int
	kind  taskKind
	// lastmod is the lastmod of the sitemap entry that listed the URL.
	lastmod string
	// optional marks URLs guessed by harvest (/sitemap.xml): a 404 there
	// is no error.
	optional bool
}

// frontier is the run's queue and its set of URLs already seen; the page
// queue never holds more URLs than the page cap leaves to fetch. Its
// memory is what a large site costs, so it is kept compact: the seen set
// and the lastmods hold 128-bit hashes of the keys, not the keys (see
// urlHash), and the queues pack their tasks (see taskQueue). Claiming
// a URL and queueing it are one step under one lock, so two workers that
// discover the same URL at once cannot both fetch it. Sitemaps go before
// pages: they list the detail pages directly.
type frontier struct {
	mu       sync.Mutex
	cond     *sync.Cond
	seen     hashSet
	pages    taskQueue
	sitemaps taskQueue
	// sitemapsOut counts the sitemaps handed out and not yet finished.
	sitemapsOut int
	inFlight    int
	closed      bool
	// pageBudget is how many more page tasks may be handed out; negative
	// means no limit.
	pageBudget int
	capped     bool
	// lastmods keeps the sitemap lastmod of URLs queued before a sitemap
	// listed them.
	lastmods map[urlHash]string
	// journal, when on, collects every change in order for the Journal.
	journal bool
	ops     []harvest.FrontierOp
}

func newFrontier(maxPages int) *frontier {
	f := &frontier{pageBudget: -1}
	if maxPages > 0 {
		f.pageBudget = maxPages
	}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// claim marks key as seen and reports whether it was new.
func (f *frontier) claim(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.claimLocked(key)
}

func (f *frontier) claimLocked(key string) bool {
	return f.seen.add(hashOf(key))
}

// push queues t under key unless key was seen before.
func (f *frontier) push(key string, t task) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	if t.kind == taskPage && f.pageBudget >= 0 && f.pages.len() >= f.pageBudget {
		// The queue already holds more pages than the run may still
		// fetch: the queue stays bounded by the page cap.
		if !f.seen.has(hashOf(key)) {
			f.capped = true
		}
		return false
	}
	if !f.claimLocked(key) {
		if t.lastmod != "" {
			if f.lastmods == nil {
				f.lastmods = map[urlHash]string{}
			}
			f.lastmods[hashOf(key)] = t.lastmod
		}
		return false
	}
	t.key = key
	f.record(harvest.FrontierPush, t)
	f.queueLocked(t)
	return true
}

// restore puts back a URL of an interrupted run: done ones are only
// marked seen, the others queued again. Nothing is journaled: the
// journal has them already.
func (f *frontier) restore(t task, done bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.claimLocked(t.key) || done {
		return
	}
	f.queueLocked(t)
}

func (f *frontier) queueLocked(t task) {
	if t.kind == taskSitemap {
		f.sitemaps.push(t)
	} else {
		f.pages.push(t)
	}
	f.cond.Signal()
}

func (f *frontier) record(op string, t task) {
	if !f.journal {
		return
	}
	f.ops = append(f.ops, harvest.FrontierOp{Op: op, Entry: harvest.FrontierEntry{
		Key: t.key, URL: t.url, Depth: t.depth, Sitemap: t.kind == taskSitemap,
		Optional: t.optional, Lastmod: t.lastmod,
	}})
}

// takeOps hands over the journal entries collected so far.
func (f *frontier) takeOps() []harvest.FrontierOp {
	f.mu.Lock()
	defer f.mu.Unlock()
	ops := f.ops
	f.ops = nil
	return ops
}

// next blocks until a task is ready, and returns false when the crawl is
// over: nothing queued and nothing in flight, the page budget spent, or
// the context cancelled. Every task returned must be finished with done.
func (f *frontier) next(ctx context.Context) (task, bool) {
	stop := context.AfterFunc(ctx, func() {
		f.mu.Lock()
		f.closed = true
		f.cond.Broadcast()
		f.mu.Unlock()
	})
	defer stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		if f.closed {
			return task{}, false
		}
		if f.sitemaps.len() > 0 {
			t := f.sitemaps.pop()
			f.inFlight++
			f.sitemapsOut++
			f.record(harvest.FrontierLease, t)
			return t, true
		}
		if f.pages.len() > 0 {
			if f.pageBudget == 0 {
				f.capped = true
			} else {
				t := f.pages.pop()
				if t.lastmod == "" && len(f.lastmods) > 0 {
					h := hashOf(t.key)
					if lm, ok := f.lastmods[h]; ok {
						t.lastmod = lm
						delete(f.lastmods, h)
					}
				}
				if f.pageBudget > 0 {
					f.pageBudget--
				}
				f.inFlight++
				f.record(harvest.FrontierLease, t)
				return t, true
			}
		}
		if f.inFlight == 0 {
			f.closed = true
			f.cond.Broadcast()
			return task{}, false
		}
		f.cond.Wait()
	}
}

// done finishes a task handed out by next.
func (f *frontier) done(t task) {
	f.mu.Lock()
	f.record(harvest.FrontierDone, t)
	f.inFlight--
	if t.kind == taskSitemap {
		f.sitemapsOut--
	}
	f.cond.Broadcast()
	f.mu.Unlock()
}

// release finishes a task handed out by next without marking it done: it
// failed or was cut short, and a resumed run fetches it again.
func (f *frontier) release(t task) {
	f.mu.Lock()
	f.inFlight--
	if t.kind == taskSitemap {
		f.sitemapsOut--
	}
	f.cond.Broadcast()
	f.mu.Unlock()
}

// sitemapsQueued counts the sitemaps waiting to be read or being read.
func (f *frontier) sitemapsQueued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sitemaps.len() + f.sitemapsOut
}

// state reports the queue length and whether the page budget cut the
// crawl short.

func (f *frontier) state() (queued int, capped bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pages.len() + f.sitemaps.len(), f.capped || (f.pageBudget == 0 && f.pages.len() > 0)
}
