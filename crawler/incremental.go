package crawler

import (
	"context"
	"fmt"
	"harvest"
	"runtime/debug"
	"strings"
	"time"
)

// Memory recalls pages fetched by earlier runs. Those are requested
// conditionally (If-None-Match, If-Modified-Since); a publication page is
// not requested at all when a sitemap's lastmod for it is no newer than
// its last fetch. A page that answers 304 is unchanged, and its
// remembered links are queued as if it had been read: a listing is thus
// always re-read, either in full or by the server's word that it has not
// changed. Pages it does not know are fetched in full.
type Memory interface {
	Recall(ctx context.Context, url string) (harvest.PageMemory, bool, error)
	// Remember keeps what a listing or other page taught (publication
	// pages are remembered by the sink, with their record). Only pages
	// served with a validator (ETag or Last-Modified) are remembered.
	Remember(ctx context.Context, url string, m harvest.PageMemory) error
}

// Journal keeps the frontier outside the process. It is given every
// change, in order and in batches; what it keeps of a crash must be a
// prefix of what it was given.
type Journal interface {
	Write(ctx context.Context, ops []harvest.FrontierOp) error
}

// journalEvery is how often the frontier is written to the journal.
const journalEvery = 200 * time.Millisecond

// flushJournal writes the frontier's changes until ctx ends, then once
// more. A journal that cannot be written stops the run.
//
// The writes get a context that a cancel does not cut: a cancelled run's
// journal is written to its end, so that the next run resumes it, and a
// cancel is never reported as a failed write.
func (r *run) flushJournal(ctx context.Context, stop <-chan struct{}) {
	ctx = context.WithoutCancel(ctx)
	t := time.NewTicker(journalEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.writeJournal(ctx)
		case <-stop:
			r.writeJournal(ctx)
			return
		}
	}
}

func (r *run) writeJournal(ctx context.Context) {
	ops := r.local.takeOps()
	if len(ops) == 0 {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("journal_panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.fail(fmt.Errorf("write the frontier journal: panic: %v", p))
		}
	}()
	if err := r.opts.Journal.Write(ctx, ops); err != nil {
		r.fail(err)
	}
}

// lastmodTime reads a sitemap <lastmod> (W3C datetime: a date, or a date
// and time with a zone).
func lastmodTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
