// Package harvester runs the crawl of one source as a run of the catalogue:
// it takes the source's lock, starts (or resumes) the run, crawls into the
// catalogue, carries out the removals the run's end decides under the
// removal guard, and records how the run ended. It knows no SQL and no
// HTML: the catalogue is a harvest.Catalogue, the pages the crawler's.
package harvester

import (
	"context"
	"errors"
	"fmt"
	"harvest"
	"log/slog"
	"net"
	"sort"
	"strings"
	"time"

	"harvest/config"
	"harvest/crawler"
)

// Harvester runs crawls into one catalogue and records each as a run.
type Harvester struct {
	DB  harvest.Catalogue
	Log *slog.Logger
	// Progress, when set, makes a progress display for a run.
	Progress func(opts crawler.Options) Progress
	// RemovedAfterRuns maps a source to the number of complete runs in a
	// row that must miss a publication before it is marked removed
	// (default config.DefaultRemovedAfter); MaxRemovals to its removal
	// guard (default config.DefaultRemovalLimit).
	RemovedAfterRuns map[string]int
	MaxRemovals      map[string]config.RemovalLimit
	// ConfirmRemovals lifts the removal guard for these runs
	// (--confirm-removals).
	ConfirmRemovals bool
	// WaitLock makes a run wait for another run of its source to end
	// instead of failing (--wait).
	WaitLock bool
	// Files maps a source that mirrors its download files to its mirror.
	Files map[string]crawler.Files
	// Worker is this process's part in shared runs, on a catalogue that
	// has them (harvest.SharedRuns): there every crawl is a shared run,
	// which other workers may join. Zero values are filled in.
	Worker Worker
	// NoLinkCheck turns the download link check off for these runs
	// (--no-link-check); check_links: false does for one source.
	NoLinkCheck bool
	// specs are the sources' configurations, for shared runs; linkOpts
	// the link checker's options of the sources that check their links.
	specs    map[string][]byte
	linkOpts map[string]crawler.LinkOptions
}

// Progress shows one run's progress.
type Progress interface {
	Update(crawler.Stats)
	Finish()
}

// Configure takes the per-source settings that are not the crawler's:
// removal after missed runs, the removal guard and file mirroring.
func (h *Harvester) Configure(ctx context.Context, sources []config.Source) error {
	h.RemovedAfterRuns, h.Files = map[string]int{}, map[string]crawler.Files{}
	h.MaxRemovals = map[string]config.RemovalLimit{}
	h.specs = map[string][]byte{}
	h.linkOpts = map[string]crawler.LinkOptions{}
	for _, s := range sources {
		spec, err := Spec(s)
		if err != nil {
			return err
		}
		h.specs[s.Name] = spec
		h.RemovedAfterRuns[s.Name] = s.RemovedAfter
		h.MaxRemovals[s.Name] = s.MaxRemovals
		if !s.NoLinkCheck {
			h.linkOpts[s.Name] = crawler.LinkOptionsOf(SourceOptions(s, h.Log))
		}
		m, err := NewMirror(ctx, s, h.DB, h.Log)
		if err != nil {
			return err
		}
		if m != nil {
			h.Files[s.Name] = fileMirror{m: m, db: h.DB, log: h.Log.With("source", s.Name)}
		}
	}
	return nil
}

func (h *Harvester) removedAfter(source string) int {
	if n := h.RemovedAfterRuns[source]; n > 0 {
		return n
	}
	return config.DefaultRemovedAfter
}

func (h *Harvester) removalLimit(source string) config.RemovalLimit {
	if l, ok := h.MaxRemovals[source]; ok {
		return l
	}
	return config.DefaultRemovalLimit
}

// Report is what one source's run did.
type Report struct {
	Source   string
	Run      harvest.Run
	Stats    crawler.Stats
	Duration time.Duration
	// Noise counts the pages from which each kind of noise was stripped.
	Noise map[string]int
	// Held is set when the removal guard kept the run from removing
	// anything; Hints say what the user may want to do.
	Held  harvest.RemovalResult
	Hints []string
	// Links is what the run's download link check did.
	Links LinkStats
	// linkIDs are the records a shared run saw, kept by the worker that
	// ends it for the link check.
	linkIDs []int64
}

// Crawl runs each source in turn. A source whose run fails does not stop
// the others; the error returned joins every failure.
func (h *Harvester) Crawl(ctx context.Context, sources []crawler.Options) ([]Report, error) {
	var reports []Report
	var errs []error
	for _, opts := range sources {
		var (
			rep Report
			err error
		)
		if runs, ok := h.DB.(harvest.SharedRuns); ok {
			rep, err = h.crawlOpen(ctx, runs, opts)
		} else {
			rep, err = h.CrawlOne(ctx, opts)
		}
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

// CancelledError is a run stopped by a cancel (SIGINT, SIGTERM, the
// daemon stopping): not a failure. It matches context.Canceled.
type CancelledError struct {
	source string
	runID  int64
	// shared: a worker left a shared run, which goes on without it.
	shared bool
}

func (e *CancelledError) Error() string {
	if e.shared {
		return fmt.Sprintf("%s: left run %d; it goes on with the other workers, or the next harvest crawl or worker that joins it", e.source, e.runID)
	}
	return fmt.Sprintf("%s: run %d cancelled; the next crawl of %s resumes it", e.source, e.runID, e.source)
}

func (e *CancelledError) Unwrap() error { return context.Canceled }

// lockSource takes the source's run lock, waiting for it with WaitLock.
func (h *Harvester) lockSource(ctx context.Context, source string) (func() error, error) {
	unlock, err := h.DB.LockSource(ctx, source, h.WaitLock)
	if errors.Is(err, harvest.ErrSourceBusy) {
		return nil, fmt.Errorf("source %s is being crawled: %w (a harvest crawl or schedule; wait for it to end, or use crawl --wait)", source, err)
	}
	return unlock, err
}

func (h *Harvester) CrawlOne(ctx context.Context, opts crawler.Options) (Report, error) {
	rep := Report{Source: opts.Source, Noise: map[string]int{}}
	unlock, err := h.lockSource(ctx, opts.Source)
	if err != nil {
		return rep, err
	}
	defer func() {
		if err := unlock(); err != nil {
			h.Log.Error("lock_release_failed", "source", opts.Source, "error", err)
		}
	}()
	// The catalogue's bookkeeping is never cut by a cancel: a cancelled
	// run is recorded as such, its frontier kept for the next run.
	end := context.WithoutCancel(ctx)
	started := time.Now().UTC()
	id, err := h.DB.StartRun(end, opts.Source, started)
	if err != nil {
		return rep, err
	}
	run := harvest.Run{ID: id, Source: opts.Source, Started: started}
	// An unfinished run of the source (killed, cancelled) left its
	// frontier: this run continues it, and what it finds counts from the
	// time that crawl began.
	var (
		resumedSince time.Time
		resumeFrom   []harvest.FrontierEntry
	)
	prev, entries, resume, err := h.DB.LoadFrontier(end, opts.Source)
	if err != nil {
		return rep, h.finishFailed(end, &rep, run, err)
	}
	if resume {
		run.ResumedFrom, resumedSince = prev.RunID, prev.Started
		resumeFrom = entries
		h.Log.Info("run_resumed", "source", opts.Source, "from_run", prev.RunID, "urls", len(entries))
	} else if err := h.DB.BeginFrontier(end, opts.Source, id, started); err != nil {
		return rep, h.finishFailed(end, &rep, run, err)
	}
	sink := newCatalogueSink(h.DB, opts.Source, &run, rep.Noise)
	opts.Memory, opts.Journal = sink, sink
	if f := h.Files[opts.Source]; f != nil {
		opts.Files = f
	}
	var prog Progress
	if h.Progress != nil {
		prog = h.Progress(opts)
		opts.Progress = prog.Update
	}
	// The resumed frontier goes to the crawler alone: opts lives on
	// after the crawl (and in the progress display), and holding the
	// entries there would keep every URL's strings for the whole run.
	crawlOpts := opts
	crawlOpts.Resume = resumeFrom
	// The crawl and the link check after it read robots.txt once.
	robots := crawler.NewRobotsMemory()
	crawlOpts.Robots = robots
	stats, crawlErr := crawler.Run(ctx, crawlOpts, sink)
	crawlErr = errors.Join(crawlErr, sink.flushTouches(end))
	if prog != nil {
		prog.Finish()
	}
	rep.Stats = stats
	run.Pages, run.Errors = stats.Pages, stats.Errors
	run.NotModified, run.SkippedLastmod = stats.NotModified, stats.SkippedLastmod

	endErr := h.endRun(end, &rep, &run, opts, sink, crawlErr, resumedSince)
	if stats.Stopped != harvest.StopFailed && stats.Stopped != harvest.StopCancelled {
		// The links of the records this run saw, before the run's record
		// is written and under the source's lock. A cancel cuts the
		// check short; it never fails the run.
		rep.Links = h.checkLinks(ctx, opts.Source, sink.seenIDs(), nil, robots)
	}
	run.Finished = time.Now().UTC()
	rep.Duration = run.Finished.Sub(started)
	switch stats.Stopped {
	case harvest.StopComplete:
		run.Status = harvest.RunOK
		if stats.Errors > 0 {
			run.Status = harvest.RunPartial
			run.Note = Plural(stats.Errors, "page") + " failed"
		}
	case harvest.StopMaxPages:
		run.Status, run.Note = harvest.RunPartial, fmt.Sprintf("stopped at the page cap (%d pages)", opts.MaxPages)
	case harvest.StopCancelled:
		run.Status, run.Note = harvest.RunCancelled, "cancelled"
	default:
		run.Status = harvest.RunFailed
		if crawlErr != nil {
			run.Note = crawlErr.Error()
		}
	}
	if rep.Held.Held > 0 {
		if run.Status == harvest.RunOK {
			run.Status = harvest.RunPartial
		}
		run.Note = JoinNote(run.Note, heldNote(opts.Source, rep.Held))
	}
	if run.ResumedFrom != 0 {
		run.Note = JoinNote(fmt.Sprintf("resumed run %d", run.ResumedFrom), run.Note)
	}
	rep.Hints = append(rep.Hints, offsiteHints(stats)...)
	rep.Run = run
	// The run record is written even when the crawl was cancelled, so
	// that the catalogue says how its last run ended.
	if err := h.DB.FinishRun(end, run); err != nil {
		return rep, errors.Join(crawlErr, endErr, err)
	}
	h.Log.Info("run_finished", "source", opts.Source, "status", run.Status, "pages", stats.Pages,
		"publications", stats.Publications, "new", run.New, "changed", run.Changed,
		"unchanged", run.Unchanged, "duplicates", run.Duplicates, "removed", run.Removed,
		"not_modified", stats.NotModified, "skipped_lastmod", stats.SkippedLastmod, "errors", stats.Errors,
		"seconds", rep.Duration.Round(100*time.Millisecond).Seconds(), "db_seconds", sink.dbTime.Round(100*time.Millisecond).Seconds(), "peak_goroutines", stats.PeakGoroutines)
	if rep.Held.Held > 0 {
		h.Log.Warn("removals_held", "source", opts.Source, "would_remove", rep.Held.Held,
			"active", rep.Held.Active, "max_removals", rep.Held.Limit)
	}
	if stats.Stopped == harvest.StopCancelled {
		return rep, errors.Join(&CancelledError{source: opts.Source, runID: run.ID}, endErr)
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
func (h *Harvester) endRun(ctx context.Context, rep *Report, run *harvest.Run, opts crawler.Options,
	sink *catalogueSink, crawlErr error, resumedSince time.Time) error {
	stats := rep.Stats
	var errs []error
	plan := harvest.RemovalPlan{Gone: sink.goneURLs(), At: time.Now().UTC()}
	if stats.Stopped == harvest.StopComplete && stats.Errors == 0 && stats.StartsFailed == 0 && crawlErr == nil {
		plan.Sweep, plan.Seen, plan.Since, plan.Threshold = true, sink.seenIDs(), resumedSince, h.removedAfter(opts.Source)
	}
	if !h.ConfirmRemovals {
		plan.Limit = h.removalLimit(opts.Source).Limit
	}
	if stats.Stopped != harvest.StopFailed && (plan.Sweep || len(plan.Gone) > 0) {
		res, err := h.DB.Remove(ctx, opts.Source, plan)
		errs = append(errs, err)
		run.Removed += res.Removed
		if res.Held > 0 {
			rep.Held = res
		}
	}
	// A run that completed has nothing left to resume; nor has one that
	// never reached the site, unless it was itself resuming an
	// interrupted run (whose progress is kept for the next try).
	if stats.Stopped == harvest.StopComplete || stats.Stopped == harvest.StopMaxPages ||
		(errors.Is(crawlErr, crawler.ErrUnreachable) && run.ResumedFrom == 0) {
		errs = append(errs, h.DB.ClearFrontier(ctx, opts.Source))
	}
	return errors.Join(errs...)
}

// finishFailed records a run that failed before it crawled.
func (h *Harvester) finishFailed(ctx context.Context, rep *Report, run harvest.Run, err error) error {
	run.Status, run.Note, run.Finished = harvest.RunFailed, err.Error(), time.Now().UTC()
	rep.Run = run
	return errors.Join(err, h.DB.FinishRun(ctx, run))
}

// heldNote says why a run removed nothing and how to confirm.
func heldNote(source string, r harvest.RemovalResult) string {
	return fmt.Sprintf("removal guard: this run would mark %d of %d active publications removed, more than max_removals allows (%d); "+
		"nothing was removed. If the site really dropped them, run `harvest crawl --source %s --confirm-removals` "+
		"(or raise max_removals for %s in the configuration)", r.Held, r.Active, r.Limit, source, source)
}

func JoinNote(a, b string) string {
	a, b = TidyNote(a), TidyNote(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// TidyNote trims a note's blanks and trailing separators, so that joined
// notes never end in a stray ";".
func TidyNote(s string) string {
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

// SortedNoise lists noise kinds, most frequent first.
func SortedNoise(m map[string]int) []string {
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

// Plural is "1 page", "2 pages".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
