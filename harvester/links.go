package harvester

import (
	"context"
	"errors"
	"sync"
	"time"

	"harvest"
	"harvest/crawler"
	"harvest/urlnorm"
)

// Download link health (README, "Download link health"): when a run of a
// source ends, the download links of every record the run saw are
// checked once (crawler.LinkChecker) and the checks kept in the
// catalogue (harvest.LinkChecks). A run crawled alone checks them
// before its record is written, under the source's lock; a shared run
// is checked by the worker that ends it, after the run's record is
// written (the other workers are not kept waiting), from the records all
// workers saw. A check that fails, or a catalogue that cannot record it,
// never fails the run: it is logged. A broken link never removes a
// publication: removal follows the publication's page alone.

// LinkStats count what a run's link check did.
type LinkStats struct {
	Links, OK, Failing, Broken, Skipped int
	// FilesChanged counts the files whose validator or size changed;
	// RecordsChanged the records marked changed for them.
	FilesChanged, RecordsChanged int
}

// sharedLinks is what a shared run's link check shares with its crawl.
type sharedLinks struct {
	runs  harvest.SharedRuns
	owner string
	since time.Time
}

// checksLinks reports whether the source's runs check its download
// links.
func (h *Harvester) checksLinks(source string) bool {
	_, ok := h.linkOpts[source]
	return ok && !h.NoLinkCheck
}

// checkLinks checks the download links of the records ids (of one run of
// source) and records each check. It returns what it did; errors are
// logged, not returned.
//
// shared, when set, is the shared run's: its host gate and robots.txt
// cache (since the run started) keep the check to the run's pace; robots,
// for a run crawled alone, holds the robots.txt its crawl read.
func (h *Harvester) checkLinks(ctx context.Context, source string, ids []int64, shared *sharedLinks, robots harvest.RobotsCache) LinkStats {
	var st LinkStats
	if !h.checksLinks(source) || len(ids) == 0 {
		return st
	}
	log := h.Log.With("source", source)
	links, err := h.linksOf(ctx, source, ids)
	if err != nil {
		log.Warn("link_check_failed", "err", err)
		return st
	}
	if len(links) == 0 {
		return st
	}
	opts := h.linkOpts[source]
	if shared != nil {
		opts.Hosts, opts.Robots, opts.RobotsSince = shared.runs.Hosts(shared.owner), shared.runs.Robots(), shared.since
	} else {
		opts.Robots = robots
		// The crawl's last request may have just ended: the checker's
		// pace starts afresh, so it waits the delay first.
		if err := sleepCtx(ctx, opts.Delay); err != nil {
			return st
		}
	}
	checker, err := crawler.NewLinkChecker(ctx, opts)
	if err != nil {
		log.Warn("link_check_failed", "err", err)
		return st
	}
	defer checker.Close()

	// The checker keeps each host to its pace; workers only let hosts be
	// checked side by side, as many as the crawl's concurrency.
	work := make(chan crawler.Link)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range max(opts.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range work {
				c, changed, ok := checker.Check(ctx, l)
				if !ok {
					continue
				}
				n, err := h.DB.RecordLinkCheck(ctx, c, changed)
				if err != nil {
					log.Warn("link_record_failed", "url", l.URL, "err", err)
					continue
				}
				if c.State == harvest.LinkBroken && (!l.Known || l.Last.State != harvest.LinkBroken) {
					log.Warn("link_broken", "url", l.URL, "kind", c.Kind, "status", c.Status, "err", c.Error)
				}
				mu.Lock()
				st.Links++
				switch c.State {
				case harvest.LinkOK:
					st.OK++
				case harvest.LinkFailing:
					st.Failing++
				case harvest.LinkBroken:
					st.Broken++
				case harvest.LinkSkipped:
					st.Skipped++
				}
				if changed {
					st.FilesChanged++
					st.RecordsChanged += n
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, l := range links {
		select {
		case work <- l:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if ctx.Err() != nil {
		log.Info("link_check_cancelled", "checked", st.Links, "links", len(links))
	}
	log.Info("links_checked", "links", st.Links, "ok", st.OK, "failing", st.Failing, "broken", st.Broken,
		"skipped", st.Skipped, "files_changed", st.FilesChanged, "records_changed", st.RecordsChanged)
	return st
}

// linksOf lists the distinct http(s) download links of the records ids,
// each with the media type its first link said and its last check.
func (h *Harvester) linksOf(ctx context.Context, source string, ids []int64) ([]crawler.Link, error) {
	var links []crawler.Link
	seen := map[string]bool{}
	for _, id := range ids {
		p, err := h.DB.Get(ctx, id)
		if errors.Is(err, harvest.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if p.Status != harvest.StatusActive {
			continue
		}
		for _, d := range p.Downloads {
			key, err := urlnorm.Key(d.URL)
			if err != nil || seen[key] {
				continue // not http(s) (mailto:), or listed already
			}
			seen[key] = true
			links = append(links, crawler.Link{URL: d.URL, MediaType: d.MediaType})
		}
	}
	urls := make([]string, len(links))
	for i, l := range links {
		urls[i] = l.URL
	}
	last, err := h.DB.LastLinkChecks(ctx, source, urls)
	if err != nil {
		return nil, err
	}
	for i := range links {
		links[i].Last, links[i].Known = last[links[i].URL]
	}
	return links, nil
}
