package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"harvest/crawler"
	"harvest/store"
)

// harvester runs crawls into one catalogue and records each as a run.
type harvester struct {
	db       *store.DB
	log      *slog.Logger
	out      io.Writer // where the progress bar goes
	progress bool
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
	return fmt.Sprintf("%s: %s in %s — %d pages (%d publications, %d listings, %d other), %d sitemaps; "+
		"catalogue: %d new, %d changed, %d unchanged, %d duplicates merged; %d skipped, %d errors",
		r.Source, s.Stopped, r.Duration.Round(time.Millisecond), s.Pages, s.Publications, s.Listings, s.Others,
		s.Sitemaps, r.Run.New, r.Run.Changed, r.Run.Unchanged, r.Run.Duplicates, s.Skipped, s.Errors)
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
	var mu sync.Mutex
	sink := func(ctx context.Context, f crawler.Found) error {
		res, err := h.db.Save(ctx, f.Publication, time.Now().UTC())
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		switch res.Outcome {
		case store.OutcomeNew:
			run.New++
		case store.OutcomeChanged:
			run.Changed++
		case store.OutcomeUnchanged:
			run.Unchanged++
		case store.OutcomeDuplicate:
			run.Duplicates++
		}
		for _, n := range f.Noise {
			rep.Noise[noiseKind(n)]++
		}
		return nil
	}
	bar := h.bar(opts.Source)
	if bar != nil {
		opts.Progress = func(s crawler.Stats) {
			bar.Describe(fmt.Sprintf("%s: %d pages done, %d queued, %d items, %d errors", opts.Source, s.Pages, s.Queued, s.Publications, s.Errors))
			_ = bar.Add(1)
		}
	}
	stats, crawlErr := crawler.Run(ctx, opts, sink)
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(h.out)
	}
	rep.Stats = stats
	run.Finished = time.Now().UTC()
	rep.Duration = run.Finished.Sub(started)
	run.Pages, run.Errors = stats.Pages, stats.Errors
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
	rep.Run = run
	// The run record is written even when the crawl was cancelled, so
	// that the catalogue says how its last run ended.
	if err := h.db.FinishRun(context.WithoutCancel(ctx), run); err != nil {
		return rep, errors.Join(crawlErr, err)
	}
	h.log.Info("run_finished", "source", opts.Source, "status", run.Status, "pages", stats.Pages,
		"publications", stats.Publications, "new", run.New, "changed", run.Changed,
		"unchanged", run.Unchanged, "duplicates", run.Duplicates, "errors", stats.Errors)
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
