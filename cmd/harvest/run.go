package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"time"

	"harvest/config"
	"harvest/crawler"
	"harvest/internal/termsafe"
	"harvest/lockfile"
	"harvest/store"
)

// harvester runs crawls into one catalogue and records each as a run.
type harvester struct {
	db       *store.DB
	log      *slog.Logger
	out      io.Writer // where the progress bar goes
	progress progressMode
	// removedAfterRuns maps a source to the number of complete runs in a
	// row that must miss a publication before it is marked removed
	// (default config.DefaultRemovedAfter); maxRemovals to its removal
	// guard (default config.DefaultRemovalLimit).
	removedAfterRuns map[string]int
	maxRemovals      map[string]config.RemovalLimit
	// confirmRemovals lifts the removal guard for these runs
	// (--confirm-removals).
	confirmRemovals bool
	// waitLock makes a run wait for another run of its source to end
	// instead of failing (--wait).
	waitLock bool
	// files maps a source that mirrors its download files to its mirror.
	files map[string]crawler.Files
}

// configure takes the per-source settings that are not the crawler's:
// removal after missed runs, the removal guard and file mirroring.
func (h *harvester) configure(ctx context.Context, sources []config.Source) error {
	h.removedAfterRuns, h.files = map[string]int{}, map[string]crawler.Files{}
	h.maxRemovals = map[string]config.RemovalLimit{}
	for _, s := range sources {
		h.removedAfterRuns[s.Name] = s.RemovedAfter
		h.maxRemovals[s.Name] = s.MaxRemovals
		m, err := newMirror(ctx, s, h.db, h.log)
		if err != nil {
			return err
		}
		if m != nil {
			h.files[s.Name] = fileMirror{m: m, db: h.db, log: h.log.With("source", s.Name)}
		}
	}
	return nil
}

func (h *harvester) removedAfter(source string) int {
	if n := h.removedAfterRuns[source]; n > 0 {
		return n
	}
	return config.DefaultRemovedAfter
}

func (h *harvester) removalLimit(source string) config.RemovalLimit {
	if l, ok := h.maxRemovals[source]; ok {
		return l
	}
	return config.DefaultRemovalLimit
}

// report is what one source's run did.
type report struct {
	Source   string
	Run      store.Run
	Stats    crawler.Stats
	Duration time.Duration
	// Noise counts the pages from which each kind of noise was stripped.
	Noise map[string]int
	// Held is set when the removal guard kept the run from removing
	// anything; Hints say what the user may want to do.
	Held  store.RemovalResult
	Hints []string
}

// summary is the run's line for the terminal. The run's note and the
// hints can quote what the site sent (an error, a host name): they, and
// the source's name, pass through termsafe.
func (r report) summary() string {
	s := r.Stats
	line := fmt.Sprintf("%s: %s in %s — %s (%s, %s, %d other), %s, "+
		"%d not modified, %d skipped by lastmod, %d gone; "+
		"catalogue: %d new, %d changed, %d unchanged, %s merged, %d removed; %d skipped, %s",
		termsafe.String(r.Source), s.Stopped, roundDuration(r.Duration), plural(s.Pages, "page"),
		plural(s.Publications, "publication"), plural(s.Listings, "listing"), s.Others, plural(s.Sitemaps, "sitemap"),
		s.NotModified, s.SkippedLastmod, s.Gone,
		r.Run.New, r.Run.Changed, r.Run.Unchanged, plural(r.Run.Duplicates, "duplicate"), r.Run.Removed, s.Skipped, plural(s.Errors, "error"))
	if r.Run.Status != "" && r.Run.Status != store.RunOK {
		line += fmt.Sprintf("\n  run %d %s", r.Run.ID, r.Run.Status)
		if r.Run.Note != "" {
			line += ": " + termsafe.String(tidyNote(r.Run.Note))
		}
	}
	for _, h := range r.Hints {
		line += "\n  " + termsafe.String(h)
	}
	return line
}

// crawl runs each source in turn. A source whose run fails does not stop
// the others; the error returned joins every failure.
func (h *harvester) crawl(ctx context.Context, sources []crawler.Options) ([]report, error) {
	var reports []report
	var errs []error
	for _, opts := range sources {
		rep, err := h.crawlOne(ctx, opts)
		reports = append(reports, rep)
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	return reports, errors.Join(errs...)
}

// cancelledError is a run stopped by a cancel (SIGINT, SIGTERM, the
// daemon stopping): not a failure. It matches context.Canceled.
type cancelledError struct {
	source string
	runID  int64
}

func (e *cancelledError) Error() string {
	return fmt.Sprintf("%s: run %d cancelled; the next crawl of %s resumes it", e.source, e.runID, e.source)
}

func (e *cancelledError) Unwrap() error { return context.Canceled }

// sourceLockPath is the lock that keeps one run of a source at a time on
// one catalogue, whichever command starts it.
func sourceLockPath(db, source string) string {
	return db + ".source-" + strings.Trim(nonName.ReplaceAllString(source, "-"), "-") + ".lock"
}

// lockSource takes the source's run lock, waiting for it with --wait.
func (h *harvester) lockSource(ctx context.Context, source string) (*lockfile.Lock, error) {
	path := sourceLockPath(h.db.Path(), source)
	var (
		lock *lockfile.Lock
		err  error
	)
	if h.waitLock {
		lock, err = lockfile.AcquireWait(ctx, path, time.Second)
	} else {
		lock, err = lockfile.Acquire(path)
	}
	if errors.Is(err, lockfile.ErrHeld) {
		return nil, fmt.Errorf("source %s is being crawled: %w (a harvest crawl or schedule; wait for it to end, or use crawl --wait)", source, err)
	}
	if err != nil {
		return nil, fmt.Errorf("lock source %s: %w", source, err)
	}
	return lock, nil
}

func (h *harvester) crawlOne(ctx context.Context, opts crawler.Options) (report, error) {
	rep := report{Source: opts.Source, Noise: map[string]int{}}
	lock, err := h.lockSource(ctx, opts.Source)
	if err != nil {
		return rep, err
	}
	defer func() {
		if err := lock.Release(); err != nil {
			h.log.Error("lock_release_failed", "source", opts.Source, "error", err)
		}
	}()
	// The catalogue's bookkeeping is never cut by a cancel: a cancelled
	// run is recorded as such, its frontier kept for the next run.
	end := context.WithoutCancel(ctx)
	started := time.Now().UTC()
	id, err := h.db.StartRun(end, opts.Source, started)
	if err != nil {
		return rep, err
	}
	run := store.Run{ID: id, Source: opts.Source, Started: started}
	// An unfinished run of the source (killed, cancelled) left its
	// frontier: this run continues it, and what it finds counts from the
	// time that crawl began.
	var (
		resumedSince time.Time
		resumeFrom   []crawler.Entry
	)
	prev, entries, resume, err := h.db.LoadFrontier(end, opts.Source)
	if err != nil {
		return rep, h.finishFailed(end, &rep, run, err)
	}
	if resume {
		run.ResumedFrom, resumedSince = prev.RunID, prev.Started
		resumeFrom = resumeEntries(entries)
		h.log.Info("run_resumed", "source", opts.Source, "from_run", prev.RunID, "urls", len(entries))
	} else if err := h.db.BeginFrontier(end, opts.Source, id, started); err != nil {
		return rep, h.finishFailed(end, &rep, run, err)
	}
	sink := newCatalogueSink(h.db, opts.Source, &run, rep.Noise)
	opts.Memory, opts.Journal = sink, sink
	if f := h.files[opts.Source]; f != nil {
		opts.Files = f
	}
	var prog *progress
	if h.progress != progressNone {
		prog = newProgress(h.progress, h.out, h.log, opts)
		opts.Progress = prog.update
	}
	// The resumed frontier goes to the crawler alone: opts lives on
	// after the crawl (and in the progress display), and holding the
	// entries there would keep every URL's strings for the whole run.
	crawlOpts := opts
	crawlOpts.Resume = resumeFrom
	stats, crawlErr := crawler.Run(ctx, crawlOpts, sink)
	crawlErr = errors.Join(crawlErr, sink.flushTouches(end))
	if prog != nil {
		prog.finish()
	}
	rep.Stats = stats
	run.Pages, run.Errors = stats.Pages, stats.Errors
	run.NotModified, run.SkippedLastmod = stats.NotModified, stats.SkippedLastmod

	endErr := h.endRun(end, &rep, &run, opts, sink, crawlErr, resumedSince)
	run.Finished = time.Now().UTC()
	rep.Duration = run.Finished.Sub(started)
	switch stats.Stopped {
	case crawler.StopComplete:
		run.Status = store.RunOK
		if stats.Errors > 0 {
			run.Status = store.RunPartial
			run.Note = plural(stats.Errors, "page") + " failed"
		}
	case crawler.StopMaxPages:
		run.Status, run.Note = store.RunPartial, fmt.Sprintf("stopped at the page cap (%d pages)", opts.MaxPages)
	case crawler.StopCancelled:
		run.Status, run.Note = store.RunCancelled, "cancelled"
	default:
		run.Status = store.RunFailed
		if crawlErr != nil {
			run.Note = crawlErr.Error()
		}
	}
	if rep.Held.Held > 0 {
		if run.Status == store.RunOK {
			run.Status = store.RunPartial
		}
		run.Note = joinNote(run.Note, heldNote(opts.Source, rep.Held))
	}
	if run.ResumedFrom != 0 {
		run.Note = joinNote(fmt.Sprintf("resumed run %d", run.ResumedFrom), run.Note)
	}
	rep.Hints = append(rep.Hints, offsiteHints(stats)...)
	rep.Run = run
	// The run record is written even when the crawl was cancelled, so
	// that the catalogue says how its last run ended.
	if err := h.db.FinishRun(end, run); err != nil {
		return rep, errors.Join(crawlErr, endErr, err)
	}
	h.log.Info("run_finished", "source", opts.Source, "status", run.Status, "pages", stats.Pages,
		"publications", stats.Publications, "new", run.New, "changed", run.Changed,
		"unchanged", run.Unchanged, "duplicates", run.Duplicates, "removed", run.Removed,
		"not_modified", stats.NotModified, "skipped_lastmod", stats.SkippedLastmod, "errors", stats.Errors,
		"seconds", seconds(rep.Duration), "db_seconds", seconds(sink.dbTime), "peak_goroutines", stats.PeakGoroutines)
	if rep.Held.Held > 0 {
		h.log.Warn("removals_held", "source", opts.Source, "would_remove", rep.Held.Held,
			"active", rep.Held.Active, "max_removals", rep.Held.Limit)
	}
	if stats.Stopped == crawler.StopCancelled {
		return rep, errors.Join(&cancelledError{source: opts.Source, runID: run.ID}, endErr)
	}
	return rep, errors.Join(crawlErr, endErr)
}

// endRun carries out what a run's end decides in the catalogue: the
// removals (pages that answered 404 or 410; and, for a run that covered
// the whole site, the publications it missed), under the removal guard,
// and the frontier's end.
//
// A run covered the whole site — and may count a publication it did not
// find as missed — when it completed (not cancelled, not at the page
// cap, not failed), reached every start URL, and had no failed fetch
// (transport error, 5xx after retries, robots.txt unavailable, an
// unreadable page). A failed run removes nothing at all.
func (h *harvester) endRun(ctx context.Context, rep *report, run *store.Run, opts crawler.Options,
	sink *catalogueSink, crawlErr error, resumedSince time.Time) error {
	stats := rep.Stats
	var errs []error
	plan := store.RemovalPlan{Gone: sink.goneURLs(), At: time.Now().UTC()}
	if stats.Stopped == crawler.StopComplete && stats.Errors == 0 && stats.StartsFailed == 0 && crawlErr == nil {
		plan.Sweep, plan.Seen, plan.Since, plan.Threshold = true, sink.seenIDs(), resumedSince, h.removedAfter(opts.Source)
	}
	if !h.confirmRemovals {
		plan.Limit = h.removalLimit(opts.Source).Limit
	}
	if stats.Stopped != crawler.StopFailed && (plan.Sweep || len(plan.Gone) > 0) {
		res, err := h.db.Remove(ctx, opts.Source, plan)
		errs = append(errs, err)
		run.Removed += res.Removed
		if res.Held > 0 {
			rep.Held = res
		}
	}
	// A run that completed has nothing left to resume; nor has one that
	// never reached the site, unless it was itself resuming an
	// interrupted run (whose progress is kept for the next try).
	if stats.Stopped == crawler.StopComplete || stats.Stopped == crawler.StopMaxPages ||
		(errors.Is(crawlErr, crawler.ErrUnreachable) && run.ResumedFrom == 0) {
		errs = append(errs, h.db.ClearFrontier(ctx, opts.Source))
	}
	return errors.Join(errs...)
}

// finishFailed records a run that failed before it crawled.
func (h *harvester) finishFailed(ctx context.Context, rep *report, run store.Run, err error) error {
	run.Status, run.Note, run.Finished = store.RunFailed, err.Error(), time.Now().UTC()
	rep.Run = run
	return errors.Join(err, h.db.FinishRun(ctx, run))
}

// heldNote says why a run removed nothing and how to confirm.
func heldNote(source string, r store.RemovalResult) string {
	return fmt.Sprintf("removal guard: this run would mark %d of %d active publications removed, more than max_removals allows (%d); "+
		"nothing was removed. If the site really dropped them, run `harvest crawl --source %s --confirm-removals` "+
		"(or raise max_removals for %s in the configuration)", r.Held, r.Active, r.Limit, source, source)
}

func joinNote(a, b string) string {
	a, b = tidyNote(a), tidyNote(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// tidyNote trims a note's blanks and trailing separators, so that joined
// notes never end in a stray ";".
func tidyNote(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), "; \t\n")
}

// offsiteHints tell the user when most links of some pages lead to a host
// outside the source: the site may live under another name.
func offsiteHints(s crawler.Stats) []string {
	var hints []string
	for _, o := range s.Offsite {
		if s.Publications > 0 && o.Pages*10 < s.Pages {
			continue // a few pages of outside links on a site that was harvested
		}
		hints = append(hints, fmt.Sprintf("hint: most links of %d page(s) point to %s, outside this source; "+
			"to crawl it too, add --allow-domain %s (or allowed_domains in the configuration)", o.Pages, o.Host, hostOnly(o.Host)))
	}
	return hints
}

// hostOnly drops the port of host:port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// noiseKind reduces an extractor noise note ("leaked CMS identifier list
// (22 lines)") to its kind, for counting.
func noiseKind(note string) string {
	if i := strings.Index(note, " ("); i > 0 {
		return note[:i]
	}
	return note
}

// sortedNoise lists noise kinds, most frequent first.
func sortedNoise(m map[string]int) []string {
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if m[kinds[i]] != m[kinds[j]] {
			return m[kinds[i]] > m[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	return kinds
}
