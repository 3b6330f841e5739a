package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"harvest/crawler"
	"harvest/store"
)

// catalogueSink connects one run of the crawler to the catalogue: it saves
// what the crawl finds (crawler.Sink), remembers publication pages for
// conditional requests (crawler.Memory) and keeps the frontier so that an
// interrupted run resumes (crawler.Journal).
type catalogueSink struct {
	db     *store.DB
	source string
	owner  string // who holds the frontier's leases

	mu    sync.Mutex
	run   *store.Run
	noise map[string]int
	seen  map[int64]struct{} // records this run found
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

func newCatalogueSink(db *store.DB, source string, run *store.Run, noise map[string]int) *catalogueSink {
	host, _ := os.Hostname()
	return &catalogueSink{
		db: db, source: source, run: run, noise: noise, seen: map[int64]struct{}{},
		owner: fmt.Sprintf("%s:%d", host, os.Getpid()),
	}
}

func (c *catalogueSink) Publication(ctx context.Context, f crawler.Found) error {
	now := time.Now().UTC()
	defer c.timed(time.Now())
	res, err := c.db.Save(ctx, f.Publication, now)
	if err != nil {
		return err
	}
	if err := c.db.RememberPage(ctx, c.source, store.PageMemory{
		URL: f.URL, PublicationID: res.ID, ETag: f.ETag, LastModified: f.LastModified,
		Fetched: now, Links: f.Links,
	}); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[res.ID] = struct{}{}
	switch res.Outcome {
	case store.OutcomeNew:
		c.run.New++
	case store.OutcomeChanged:
		c.run.Changed++
	case store.OutcomeUnchanged:
		c.run.Unchanged++
	case store.OutcomeDuplicate:
		c.run.Duplicates++
	}
	for _, n := range f.Noise {
		c.noise[noiseKind(n)]++
	}
	return nil
}

func (c *catalogueSink) Unchanged(ctx context.Context, url string) error {
	defer c.timed(time.Now())
	id, err := c.db.TouchPage(ctx, c.source, url, time.Now().UTC())
	if err != nil {
		return err
	}
	if id != 0 {
		c.mu.Lock()
		c.seen[id] = struct{}{}
		c.run.Unchanged++
		c.mu.Unlock()
	}
	return nil
}

func (c *catalogueSink) Gone(ctx context.Context, url string, _ int) error {
	defer c.timed(time.Now())
	removed, err := c.db.MarkGone(ctx, c.source, url, time.Now().UTC())
	if err != nil {
		return err
	}
	if removed {
		c.mu.Lock()
		c.run.Removed++
		c.mu.Unlock()
	}
	return nil
}

func (c *catalogueSink) Recall(ctx context.Context, url string) (crawler.Remembered, bool, error) {
	defer c.timed(time.Now())
	m, ok, err := c.db.Page(ctx, c.source, url)
	if err != nil || !ok || m.PublicationID == 0 {
		return crawler.Remembered{}, false, err
	}
	return crawler.Remembered{ETag: m.ETag, LastModified: m.LastModified, Fetched: m.Fetched, Links: m.Links}, true, nil
}

func (c *catalogueSink) Write(ctx context.Context, ops []crawler.JournalOp) error {
	defer c.timed(time.Now())
	out := make([]store.FrontierOp, len(ops))
	for i, op := range ops {
		e := op.Entry
		out[i] = store.FrontierOp{Op: op.Op, Entry: store.FrontierEntry{
			Key: e.Key, URL: e.URL, Depth: e.Depth, Sitemap: e.Sitemap, Optional: e.Optional, Lastmod: e.Lastmod,
		}}
	}
	return c.db.ApplyFrontier(ctx, c.source, c.owner, out)
}

// resumeEntries converts a saved frontier for the crawler.
func resumeEntries(entries []store.FrontierEntry) []crawler.Entry {
	out := make([]crawler.Entry, len(entries))
	for i, e := range entries {
		out[i] = crawler.Entry{
			Key: e.Key, URL: e.URL, Depth: e.Depth, Sitemap: e.Sitemap, Optional: e.Optional,
			Lastmod: e.Lastmod, Done: e.State == "done",
		}
	}
	return out
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
