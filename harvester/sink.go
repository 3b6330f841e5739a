package harvester

import (
	"context"
	"fmt"
	"harvest"
	"os"
	"slices"
	"sync"
	"time"

	"harvest/crawler"
)

// catalogueSink connects one run of the crawler to the catalogue: it saves
// what the crawl finds (crawler.Sink), remembers publication pages for
// conditional requests (crawler.Memory) and keeps the frontier so that an
// interrupted run resumes (crawler.Journal).
type catalogueSink struct {
	db     harvest.Catalogue
	source string
	owner  string // who holds the frontier's leases
	// shared, when set, is the run's shared record (a run crawled by
	// many workers): what each worker sees and finds gone is written
	// there at once, so that the run's end is right whoever ends it.
	shared harvest.SharedRuns
	runID  int64

	mu    sync.Mutex
	run   *harvest.Run
	noise map[string]int
	seen  map[int64]struct{} // records this run found
	gone  []string           // pages that answered 404 or 410
	// touches are unchanged pages not yet written; flushMu keeps their
	// writes in order.
	touches []string
	flushMu sync.Mutex
	// dbTime is the time spent in catalogue calls, for the share of a
	// run that SQLite takes.
	dbTime time.Duration
}

// timed adds the time since start to the catalogue time.
func (c *catalogueSink) timed(start time.Time) {
	d := time.Since(start)
	c.mu.Lock()
	c.dbTime += d
	c.mu.Unlock()
}

func newCatalogueSink(db harvest.Catalogue, source string, run *harvest.Run, noise map[string]int) *catalogueSink {
	host, _ := os.Hostname()
	return &catalogueSink{
		db: db, source: source, run: run, noise: noise, seen: map[int64]struct{}{},
		owner: fmt.Sprintf("%s:%d", host, os.Getpid()),
	}
}

func (c *catalogueSink) Publication(ctx context.Context, f crawler.Found) error {
	now := time.Now().UTC()
	defer c.timed(time.Now())
	res, err := c.db.SavePage(ctx, f.Publication, now, &harvest.PageMemory{
		URL: f.URL, ETag: f.ETag, LastModified: f.LastModified, Fetched: now, Links: f.Links,
	})
	if err != nil {
		return err
	}
	if c.shared != nil {
		if err := c.shared.Seen(ctx, c.runID, []int64{res.ID}); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[res.ID] = struct{}{}
	switch res.Outcome {
	case harvest.OutcomeNew:
		c.run.New++
	case harvest.OutcomeChanged:
		c.run.Changed++
	case harvest.OutcomeUnchanged:
		c.run.Unchanged++
	case harvest.OutcomeDuplicate:
		c.run.Duplicates++
	}
	for _, n := range f.Noise {
		c.noise[noiseKind(n)]++
	}
	return nil
}

// touchBatch is how many unchanged pages are recorded in one transaction.
const touchBatch = 256

// Unchanged records a page found unchanged. Touches are batched: they are
// written when the batch is full, before every frontier write (so that a
// page journaled as done always has its touch), and at the end of the run.
func (c *catalogueSink) Unchanged(ctx context.Context, url string) error {
	c.mu.Lock()
	c.touches = append(c.touches, url)
	// A shared run's page is marked done as soon as it is handled: its
	// touch cannot wait for a journal write.
	full := len(c.touches) >= touchBatch || c.shared != nil
	c.mu.Unlock()
	if full {
		return c.flushTouches(ctx)
	}
	return nil
}

// flushTouches writes the pending touches.
func (c *catalogueSink) flushTouches(ctx context.Context) error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	urls := c.touches
	c.touches = nil
	c.mu.Unlock()
	if len(urls) == 0 {
		return nil
	}
	defer c.timed(time.Now())
	ids, err := c.db.TouchPages(ctx, c.source, urls, time.Now().UTC())
	if err != nil {
		return err
	}
	if c.shared != nil {
		var found []int64
		for _, id := range ids {
			if id != 0 {
				found = append(found, id)
			}
		}
		if err := c.shared.Seen(ctx, c.runID, found); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if id != 0 {
			c.seen[id] = struct{}{}
			c.run.Unchanged++
		}
	}
	return nil
}

// Gone notes a page that answered 404 or 410. The record it is the URL of
// is removed when the run ends, with the run's other removals and under
// the same guard (see harvester.endRun), not at once: a site that answers
// 404 everywhere (broken permalinks, a misconfigured server) must not
// empty the catalogue page by page.
func (c *catalogueSink) Gone(ctx context.Context, url string, _ int) error {
	if c.shared != nil {
		if err := c.shared.Gone(ctx, c.runID, url); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.gone = append(c.gone, url)
	c.mu.Unlock()
	return nil
}

// goneURLs lists the pages that answered 404 or 410.
func (c *catalogueSink) goneURLs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.gone)
}

func (c *catalogueSink) Recall(ctx context.Context, url string) (harvest.PageMemory, bool, error) {
	defer c.timed(time.Now())
	return c.db.Page(ctx, c.source, url)
}

func (c *catalogueSink) Remember(ctx context.Context, url string, m harvest.PageMemory) error {
	defer c.timed(time.Now())
	m.URL = url
	return c.db.RememberPage(ctx, c.source, m)
}

func (c *catalogueSink) Write(ctx context.Context, ops []harvest.FrontierOp) error {
	if err := c.flushTouches(ctx); err != nil {
		return err
	}
	defer c.timed(time.Now())
	return c.db.ApplyFrontier(ctx, c.source, c.owner, ops)
}

// seenIDs lists the records this run found.
func (c *catalogueSink) seenIDs() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]int64, 0, len(c.seen))
	for id := range c.seen {
		ids = append(ids, id)
	}
	return ids
}
