package main

import (
	"fmt"
	"harvest"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"harvest/crawler"
	"harvest/harvester"
	"harvest/internal/termsafe"
)

// progressMode is how a crawl shows its progress.
type progressMode int

const (
	progressNone progressMode = iota // --quiet
	progressBar                      // a line redrawn on a terminal
	progressLog                      // a log record every progressLogEvery (stderr is a file or a pipe)
)

// progressModeFor is the mode for a command's standard error.
func progressModeFor(quiet bool, w io.Writer) progressMode {
	switch {
	case quiet:
		return progressNone
	case isTerminal(w):
		return progressBar
	}
	return progressLog
}

// progressLogEvery is how often a crawl whose standard error is not a
// terminal logs its progress.
var progressLogEvery = 30 * time.Second

// progress shows one run's progress: a bar on a terminal, a log record
// now and then otherwise, and, once the sitemaps are read, how many URLs
// are known and how long the per-host delay makes the run.
type progress struct {
	mode   progressMode
	out    io.Writer
	log    *slog.Logger
	opts   crawler.Options
	start  time.Time
	bar    *progressbar.ProgressBar
	mu     sync.Mutex
	told   bool // the estimate was given
	logged time.Time
}

func newProgress(mode progressMode, out io.Writer, log *slog.Logger, opts crawler.Options) *progress {
	p := &progress{mode: mode, out: out, log: log, opts: opts, start: time.Now(), logged: time.Now()}
	if mode == progressBar {
		p.bar = progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(out),
			progressbar.OptionSetDescription(termsafe.String(opts.Source)+": starting"),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// update is the crawler's Progress callback.
func (p *progress) Update(s crawler.Stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.estimate(s)
	switch p.mode {
	case progressBar:
		p.bar.Describe(p.line(s))
		_ = p.bar.Add(1)
	case progressLog:
		if time.Since(p.logged) >= progressLogEvery {
			p.logged = time.Now()
			p.log.Info("crawl_progress", "source", p.opts.Source, "pages", s.Pages, "publications", s.Publications,
				"queued", s.Queued, "errors", s.Errors, "elapsed", roundDuration(time.Since(p.start)),
				"pages_per_second", rate(s.Pages, time.Since(p.start)))
		}
	}
}

// finish ends the bar.
func (p *progress) Finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.out)
	}
}

// line is the bar's text: counts with their nouns, and the rate once
// there is one to speak of.
func (p *progress) line(s crawler.Stats) string {
	parts := []string{
		plural(s.Pages, "page"), plural(s.Publications, "publication"),
		fmt.Sprintf("%d queued", s.Queued), plural(s.Errors, "error"),
	}
	elapsed := time.Since(p.start)
	if s.Pages >= 5 && elapsed >= 2*time.Second {
		parts = append(parts, fmt.Sprintf("%s pages/s", formatRate(rate(s.Pages, elapsed))))
	}
	return termsafe.String(p.opts.Source) + ": " + strings.Join(parts, ", ")
}

// estimate says, once, how many URLs the sitemaps named and roughly how
// long the per-host delay makes the run; without a sitemap, after the
// first pages, what the delay allows.
func (p *progress) estimate(s crawler.Stats) {
	if p.told || p.mode == progressNone {
		return
	}
	var msg string
	switch {
	case s.Sitemaps > 0 && s.SitemapsQueued == 0:
		known := s.Pages + s.Queued
		if p.opts.MaxPages > 0 {
			known = min(known, p.opts.MaxPages)
		}
		msg = fmt.Sprintf("%s: %s known from the sitemaps", p.opts.Source, plural(known, "URL"))
		if p.opts.Delay > 0 {
			msg += fmt.Sprintf("; at one request per %s to each host that is about %s", roundDuration(p.opts.Delay),
				roundDuration(time.Duration(known)*p.opts.Delay))
		}
	case s.Sitemaps == 0 && s.SitemapsQueued == 0 && s.Pages >= 10:
		msg = fmt.Sprintf("%s: no sitemap; the site is found by its links", p.opts.Source)
		if p.opts.Delay > 0 {
			msg += fmt.Sprintf(", at one request per %s to each host (%d pages an hour)", roundDuration(p.opts.Delay),
				int(time.Hour/p.opts.Delay))
		}
	default:
		return
	}
	p.told = true
	if p.opts.Delay > 0 {
		msg += " (--delay sets the pause; a site of your own can take --delay 0)"
	}
	if p.mode == progressBar {
		_ = p.bar.Clear()
		fmt.Fprintln(p.out, termsafe.String(msg))
		return
	}
	p.log.Info("crawl_estimate", "source", p.opts.Source, "message", msg)
}

// plural is "1 page", "2 pages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// rate is n per second over d, to one decimal.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(float64(n)/d.Seconds()*10) / 10
}

func formatRate(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.1f", r)
}

// roundDuration rounds a duration for people: tenths of a second under a
// minute, seconds under an hour, minutes beyond.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(10 * time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	case d < time.Hour:
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

// seconds is d in seconds to one decimal, for logs.
func seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*10) / 10
}

// summary is the run's line for the terminal. The run's note and the
// hints can quote what the site sent (an error, a host name): they, and
// the source's name, pass through termsafe.
func summary(r harvester.Report) string {
	s := r.Stats
	line := fmt.Sprintf("%s: %s in %s — %s (%s, %s, %d other), %s, "+
		"%d not modified, %d skipped by lastmod, %d gone; "+
		"catalogue: %d new, %d changed, %d unchanged, %s merged, %d removed; %d skipped, %s",
		termsafe.String(r.Source), s.Stopped, roundDuration(r.Duration), plural(s.Pages, "page"),
		plural(s.Publications, "publication"), plural(s.Listings, "listing"), s.Others, plural(s.Sitemaps, "sitemap"),
		s.NotModified, s.SkippedLastmod, s.Gone,
		r.Run.New, r.Run.Changed, r.Run.Unchanged, plural(r.Run.Duplicates, "duplicate"), r.Run.Removed, s.Skipped, plural(s.Errors, "error"))
	if r.Run.Status != "" && r.Run.Status != harvest.RunOK {
		line += fmt.Sprintf("\n  run %d %s", r.Run.ID, r.Run.Status)
		if r.Run.Note != "" {
			line += ": " + termsafe.String(harvester.TidyNote(r.Run.Note))
		}
	}
	for _, h := range r.Hints {
		line += "\n  " + termsafe.String(h)
	}
	return line
}

// progressFor makes the harvester's progress displays in mode (nil for
// none).
func progressFor(mode progressMode, out io.Writer, log *slog.Logger) func(crawler.Options) harvester.Progress {
	if mode == progressNone {
		return nil
	}
	return func(opts crawler.Options) harvester.Progress { return newProgress(mode, out, log, opts) }
}
