package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"harvest/config"
	"harvest/crawler"
	"harvest/store"
)

// harvester runs crawls into one catalogue and records each as a run.
type harvester struct {
	db       *store.DB
	log      *slog.Logger
	out      io.Writer // where the progress bar goes
	progress bool
	// removedAfterRuns maps a source to the number of complete runs in a
	// row that must miss a publication before it is marked removed
	// (default config.DefaultRemovedAfter).
	removedAfterRuns map[string]int
	// files maps a source that mirrors its download files to its mirror.
	files map[string]crawler.Files
}

// configure takes the per-source settings that are not the crawler's:
// removal after missed runs and file mirroring.
func (h *harvester) configure(ctx context.Context, sources []config.Source) error {
	h.removedAfterRuns, h.files = map[string]int{}, map[string]crawler.Files{}
	for _, s := range sources {
		h.removedAfterRuns[s.Name] = s.RemovedAfter
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

// report is what one source's run did.
type report struct {
	Source   string
	Run      store.Run
	Stats    crawler.Stats
	Duration time.Duration
	// Noise counts the pages from which each kind of noise was stripped.
	Noise map[string]int
}

func (r report) summary() string {
	s := r.Stats
	return fmt.Sprintf("%s: %s in %s — %d pages (%d publications, %d listings, %d other), %d sitemaps, "+
		"%d not modified, %d skipped by lastmod, %d gone; "+
		"catalogue: %d new, %d changed, %d unchanged, %d duplicates merged, %d removed; %d skipped, %d errors",
		r.Source, s.Stopped, r.Duration.Round(time.Millisecond), s.Pages, s.Publications, s.Listings, s.Others,
		s.Sitemaps, s.NotModified, s.SkippedLastmod, s.Gone,
		r.Run.New, r.Run.Changed, r.Run.Unchanged, r.Run.Duplicates, r.Run.Removed, s.Skipped, s.Errors)
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

func (h *harvester) crawlOne(ctx context.Context, opts crawler.Options) (report, error) {
	started := time.Now().UTC()
	rep := report{Source: opts.Source, Noise: map[string]int{}}
	id, err := h.db.StartRun(ctx, opts.Source, started)
	if err != nil {
		return rep, err
	}
	run := store.Run{ID: id, Source: opts.Source, Started: started}
	// An unfinished run of the source (killed, cancelled) left its
	// frontier: this run continues it, and what it finds counts from the
	// time that crawl began.
	var resumedSince time.Time
	prev, entries, resume, err := h.db.LoadFrontier(ctx, opts.Source)
	if err != nil {
		return rep, err
	}
	if resume {
		run.ResumedFrom, resumedSince = prev.RunID, prev.Started
		opts.Resume = resumeEntries(entries)
		h.log.Info("run_resumed", "source", opts.Source, "from_run", prev.RunID, "urls", len(entries))
	} else if err := h.db.BeginFrontier(ctx, opts.Source, id, started); err != nil {
		return rep, err
	}
	sink := newCatalogueSink(h.db, opts.Source, &run, rep.Noise)
	opts.Memory, opts.Journal = sink, sink
	if f := h.files[opts.Source]; f != nil {
		opts.Files = f
	}
	bar := h.bar(opts.Source)
	if bar != nil {
		opts.Progress = func(s crawler.Stats) {
			bar.Describe(fmt.Sprintf("%s: %d pages done, %d queued, %d items, %d errors", opts.Source, s.Pages, s.Queued, s.Publications, s.Errors))
			_ = bar.Add(1)
		}
	}
	stats, crawlErr := crawler.Run(ctx, opts, sink)
	end := context.WithoutCancel(ctx)
	crawlErr = errors.Join(crawlErr, sink.flushTouches(end))
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(h.out)
	}
	rep.Stats = stats
	run.Pages, run.Errors = stats.Pages, stats.Errors
	run.NotModified, run.SkippedLastmod = stats.NotModified, stats.SkippedLastmod
	var endErr error
	if stats.Stopped == crawler.StopComplete && stats.Errors == 0 && crawlErr == nil {
		// Only a run that saw the whole site may call a publication it
		// did not find missing.
		n, err := h.db.SweepMissed(end, opts.Source, sink.seenIDs(), resumedSince, h.removedAfter(opts.Source), time.Now().UTC())
		run.Removed += n
		endErr = errors.Join(endErr, err)
	}
	if stats.Stopped == crawler.StopComplete || stats.Stopped == crawler.StopMaxPages {
		endErr = errors.Join(endErr, h.db.ClearFrontier(end, opts.Source))
	}
	run.Finished = time.Now().UTC()
	rep.Duration = run.Finished.Sub(started)
	switch stats.Stopped {
	case crawler.StopComplete:
		run.Status = store.RunOK
		if stats.Errors > 0 {
			run.Status = store.RunPartial
			run.Note = fmt.Sprintf("%d pages failed", stats.Errors)
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
	if run.ResumedFrom != 0 {
		run.Note = strings.TrimSpace(fmt.Sprintf("resumed run %d; %s", run.ResumedFrom, run.Note))
	}
	rep.Run = run
	// The run record is written even when the crawl was cancelled, so
	// that the catalogue says how its last run ended.
	if err := h.db.FinishRun(end, run); err != nil {
		return rep, errors.Join(crawlErr, endErr, err)
	}
	if endErr != nil {
		return rep, errors.Join(crawlErr, endErr)
	}
	h.log.Info("run_finished", "source", opts.Source, "status", run.Status, "pages", stats.Pages,
		"publications", stats.Publications, "new", run.New, "changed", run.Changed,
		"unchanged", run.Unchanged, "duplicates", run.Duplicates, "removed", run.Removed,
		"not_modified", stats.NotModified, "skipped_lastmod", stats.SkippedLastmod, "errors", stats.Errors,
		"seconds", rep.Duration.Seconds(), "db_seconds", sink.dbTime.Seconds(), "peak_goroutines", stats.PeakGoroutines)
	return rep, crawlErr
}

func (h *harvester) bar(source string) *progressbar.ProgressBar {
	if !h.progress {
		return nil
	}
	return progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(h.out),
		progressbar.OptionSetDescription(source),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("pages"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
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
