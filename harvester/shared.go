package harvester

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"harvest"
	"harvest/config"
	"harvest/crawler"
)

// A shared run is crawled by any number of workers (harvest crawl, harvest
// worker, harvest schedule --crawl) on one PostgreSQL catalogue. Each
// worker leases URLs from the run's frontier, saves what it finds and
// writes its marks (records seen, pages gone) and counts as it goes; the
// run ends when its frontier is drained, and the worker that sees it first
// ends it: the removals, under the same rules as a run crawled alone, and
// the run's record. A cancelled or killed worker never ends a run: its
// leases lapse and the others (or the next to join) take its URLs.

// DefaultLease is how long a worker's leases last without a heartbeat
// (renewed every third of it): a killed worker's URLs are taken over
// after at most this long.
const DefaultLease = time.Minute

// Worker is one process's part in shared runs.
type Worker struct {
	Runs  harvest.SharedRuns
	Owner string
	// Lease is how long this worker's leases last without renewal
	// (DefaultLease when zero).
	Lease time.Duration
	// Poll is how long a worker waits before asking again for URLs that
	// other workers still hold (default 200ms).
	Poll time.Duration
}

// NewOwner names this process among the workers: host, pid and a random
// part (a restarted process with the same pid is another worker).
func NewOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

func (w Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return DefaultLease
}

// Spec is a source's configuration as a shared run keeps it.
func Spec(s config.Source) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", s.Name, err)
	}
	return b, nil
}

// SourceOf reads a shared run's source configuration back.
func SourceOf(run harvest.SharedRun) (config.Source, error) {
	var s config.Source
	if err := json.Unmarshal(run.Spec, &s); err != nil {
		return s, fmt.Errorf("run %d of %s: source configuration: %w", run.ID, run.Source, err)
	}
	return s, nil
}

// Spec returns the configuration of a configured source, as a shared run
// keeps it.
func (h *Harvester) Spec(source string) ([]byte, error) {
	spec, ok := h.specs[source]
	if !ok {
		return nil, fmt.Errorf("source %s: no configuration to share with workers (Configure it first)", source)
	}
	return spec, nil
}

// crawlOpen starts the source's shared run, or joins the one in progress,
// and crawls it.
func (h *Harvester) crawlOpen(ctx context.Context, runs harvest.SharedRuns, opts crawler.Options) (Report, error) {
	spec, err := h.Spec(opts.Source)
	if err != nil {
		return Report{Source: opts.Source}, err
	}
	run, started, err := runs.OpenRun(ctx, opts.Source, spec, opts.MaxPages)
	if err != nil {
		return Report{Source: opts.Source}, err
	}
	if started {
		h.Log.Info("run_started", "source", opts.Source, "run", run.ID)
	}
	w := h.Worker
	if w.Runs == nil {
		w.Runs = runs
	}
	if w.Owner == "" {
		w.Owner = NewOwner()
	}
	return h.CrawlShared(ctx, w, run, opts)
}

// CrawlShared works on one shared run until its frontier is drained (or
// ctx ends), and ends the run when this worker is the one to.
func (h *Harvester) CrawlShared(ctx context.Context, w Worker, run harvest.SharedRun, opts crawler.Options) (Report, error) {
	rep := Report{Source: opts.Source, Noise: map[string]int{}}
	end := context.WithoutCancel(ctx)
	started := time.Now()
	front, err := w.Runs.Join(ctx, run.ID, w.Owner, w.lease())
	if err != nil {
		return rep, err
	}
	rec := harvest.Run{ID: run.ID, Source: run.Source, Started: run.Started}
	sink := newCatalogueSink(h.DB, opts.Source, &rec, rep.Noise)
	sink.shared, sink.runID, sink.owner = w.Runs, run.ID, w.Owner
	opts.Memory, opts.Journal, opts.Resume = sink, nil, nil
	opts.Shared = &crawler.Shared{
		Frontier: front, Hosts: w.Runs.Hosts(w.Owner), Robots: w.Runs.Robots(),
		Since: run.Started, Heartbeat: w.lease() / 3, Poll: w.Poll,
	}
	if f := h.Files[opts.Source]; f != nil {
		opts.Files = f
	}
	var prog Progress
	if h.Progress != nil {
		prog = h.Progress(opts)
		opts.Progress = prog.Update
	}
	h.Log.Info("run_joined", "source", opts.Source, "run", run.ID, "worker", w.Owner)
	stats, crawlErr := crawler.Run(ctx, opts, sink)
	crawlErr = errors.Join(crawlErr, sink.flushTouches(end))
	if prog != nil {
		prog.Finish()
	}
	rep.Stats = stats
	counts := harvest.RunCounts{
		Pages: stats.Pages, Errors: stats.Errors, StartsFailed: stats.StartsFailed,
		New: rec.New, Changed: rec.Changed, Unchanged: rec.Unchanged, Duplicates: rec.Duplicates,
		NotModified: stats.NotModified, SkippedLastmod: stats.SkippedLastmod,
	}
	if errors.Is(crawlErr, crawler.ErrUnreachable) {
		// This worker reached nothing of the site: a count of the run,
		// not this worker's failure; the run's end decides.
		crawlErr = nil
	}
	if err := w.Runs.AddCounts(end, run.ID, counts); err != nil {
		return rep, errors.Join(crawlErr, err)
	}
	leaveErr := w.Runs.Leave(end, run.ID, w.Owner)
	rep.Duration = time.Since(started)
	h.Log.Info("run_left", "source", opts.Source, "run", run.ID, "worker", w.Owner, "stopped", stats.Stopped,
		"pages", stats.Pages, "publications", stats.Publications, "errors", stats.Errors)
	rep.Run = rec
	switch {
	case stats.Stopped == harvest.StopCancelled:
		return rep, errors.Join(&CancelledError{source: opts.Source, runID: run.ID, shared: true}, leaveErr)
	case crawlErr != nil:
		// A catalogue or frontier that failed this worker: the run goes on
		// with the others, its leases lapse.
		return rep, errors.Join(crawlErr, leaveErr)
	}
	done, err := h.finishShared(end, w, run, &rep, opts)
	if err != nil || done {
		if done && rep.Run.Status != harvest.RunFailed {
			// The worker that ends the run checks the download links of
			// every record the run saw, once the run is recorded.
			rep.Links = h.checkLinks(ctx, opts.Source, rep.linkIDs, &sharedLinks{runs: w.Runs, owner: w.Owner, since: run.Started}, nil)
		}
		return rep, errors.Join(err, leaveErr, runFailed(rep.Run))
	}
	// Another worker is ending the run: wait for its record.
	for {
		ended, err := w.Runs.RunEnded(ctx, run.ID)
		if err != nil {
			return rep, err
		}
		if ended {
			break
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return rep, errors.Join(&CancelledError{source: opts.Source, runID: run.ID, shared: true}, leaveErr)
		}
	}
	if r, ok, err := h.runRecord(end, run.Source, run.ID); err == nil && ok {
		rep.Run = r
	}
	return rep, errors.Join(leaveErr, runFailed(rep.Run))
}

// runFailed is the error of a shared run that ended failed: as for a run
// crawled alone, the command that crawled it fails.
func runFailed(r harvest.Run) error {
	if r.Status != harvest.RunFailed {
		return nil
	}
	return fmt.Errorf("%s: run %d failed: %s: %w", r.Source, r.ID, r.Note, crawler.ErrUnreachable)
}

// runRecord reads one run's record.
func (h *Harvester) runRecord(ctx context.Context, source string, id int64) (harvest.Run, bool, error) {
	runs, err := h.DB.Runs(ctx, source)
	if err != nil {
		return harvest.Run{}, false, err
	}
	for _, r := range runs {
		if r.ID == id {
			return r, true, nil
		}
	}
	return harvest.Run{}, false, nil
}

// finishShared ends a drained run when this worker is the one to: it waits
// for the other workers to add their counts, carries out the removals the
// run decides (the same rules as a run crawled alone, from the marks in the
// database), and writes the run's record. It reports whether it ended
// the run.
func (h *Harvester) finishShared(ctx context.Context, w Worker, run harvest.SharedRun, rep *Report, opts crawler.Options) (bool, error) {
	ok, err := w.Runs.ClaimFinish(ctx, run.ID, w.Owner, w.lease())
	if err != nil || !ok {
		return false, err
	}
	// The other workers add their counts as they leave; one that died
	// is waited for no longer than a lease.
	for deadline := time.Now().Add(w.lease()); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		n, err := w.Runs.LiveWorkers(ctx, run.ID, w.Owner)
		if err != nil {
			return false, err
		}
		if n == 0 {
			break
		}
	}
	c, err := w.Runs.Counts(ctx, run.ID)
	if err != nil {
		return false, err
	}
	rec := harvest.Run{
		ID: run.ID, Source: run.Source, Started: run.Started,
		Pages: c.Pages, Errors: c.Errors, New: c.New, Changed: c.Changed, Unchanged: c.Unchanged,
		Duplicates: c.Duplicates, NotModified: c.NotModified, SkippedLastmod: c.SkippedLastmod,
	}
	gone, err := w.Runs.GoneURLs(ctx, run.ID)
	if err != nil {
		return false, err
	}
	if h.checksLinks(opts.Source) {
		// Read before Finished drops the run's marks.
		if rep.linkIDs, err = w.Runs.SeenIDs(ctx, run.ID); err != nil {
			return false, err
		}
	}
	capped := rep.Stats.Stopped == harvest.StopMaxPages
	reached := c.Pages+c.NotModified+c.SkippedLastmod > 0
	plan := harvest.RemovalPlan{Gone: gone, At: time.Now().UTC()}
	if !capped && reached && c.Errors == 0 && c.StartsFailed == 0 {
		seen, err := w.Runs.SeenIDs(ctx, run.ID)
		if err != nil {
			return false, err
		}
		// Every record the run saved or touched was last seen after it
		// began, whichever worker (alive or not) found it.
		plan.Sweep, plan.Seen, plan.Since, plan.Threshold = true, seen, run.Started, h.removedAfter(opts.Source)
	}
	if !h.ConfirmRemovals {
		plan.Limit = h.removalLimit(opts.Source).Limit
	}
	var errs []error
	if reached && (plan.Sweep || len(plan.Gone) > 0) {
		res, err := h.DB.Remove(ctx, opts.Source, plan)
		errs = append(errs, err)
		rec.Removed += res.Removed
		if res.Held > 0 {
			rep.Held = res
		}
	}
	switch {
	case !reached:
		rec.Status, rec.Note = harvest.RunFailed, "no page of the site could be fetched"
	case capped:
		rec.Status, rec.Note = harvest.RunPartial, fmt.Sprintf("stopped at the page cap (%d pages)", opts.MaxPages)
	case c.Errors > 0:
		rec.Status, rec.Note = harvest.RunPartial, Plural(c.Errors, "page")+" failed"
	default:
		rec.Status = harvest.RunOK
	}
	if rep.Held.Held > 0 {
		if rec.Status == harvest.RunOK {
			rec.Status = harvest.RunPartial
		}
		rec.Note = JoinNote(rec.Note, heldNote(opts.Source, rep.Held))
	}
	rec.Finished = time.Now().UTC()
	errs = append(errs, h.DB.FinishRun(ctx, rec), w.Runs.Finished(ctx, run.ID))
	rep.Run = rec
	h.Log.Info("run_finished", "source", opts.Source, "run", run.ID, "status", rec.Status, "pages", c.Pages,
		"new", rec.New, "changed", rec.Changed, "unchanged", rec.Unchanged, "duplicates", rec.Duplicates,
		"removed", rec.Removed, "errors", c.Errors, "worker", w.Owner)
	if rep.Held.Held > 0 {
		h.Log.Warn("removals_held", "source", opts.Source, "would_remove", rep.Held.Held,
			"active", rep.Held.Active, "max_removals", rep.Held.Limit)
	}
	return true, errors.Join(errs...)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
