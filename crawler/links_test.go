package crawler

import (
	"errors"
	"testing"
	"time"

	"harvest"
)

// TestJudgeLink: the rules that turn what a check saw into a link's
// state, from its last check.
func TestJudgeLink(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0.Add(24 * time.Hour)
	const u = "https://ex.org/r.pdf"
	okLast := harvest.LinkCheck{URL: u, State: harvest.LinkOK, Status: 200, MediaType: "application/pdf", Size: 100, ETag: `"a"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT", Checked: t0}
	brokenLast := okLast
	brokenLast.State, brokenLast.Kind, brokenLast.Status, brokenLast.BrokenSince = harvest.LinkBroken, harvest.LinkNotFound, 404, &t0
	htmlLast := harvest.LinkCheck{URL: u, State: harvest.LinkBroken, Kind: harvest.LinkHTML, Status: 200, MediaType: "text/html", ETag: `"h"`, Checked: t0, BrokenSince: &t0}
	failing := func(n int) harvest.LinkCheck {
		c := okLast
		c.State, c.Kind, c.Status, c.Failures = harvest.LinkFailing, harvest.LinkServerError, 503, n
		return c
	}
	pdf := observation{status: 200, mediaType: "application/pdf", size: 100, etag: `"a"`, lastModified: okLast.LastModified}
	html := observation{status: 200, mediaType: "text/html", etag: `"h"`, html: true}
	with := func(o observation, f func(*observation)) observation { f(&o); return o }

	for _, tc := range []struct {
		name     string
		declared string
		last     *harvest.LinkCheck
		o        observation
		state    string
		kind     string
		since    *time.Time // broken since
		changed  bool
		failures int
	}{
		{name: "first check, a PDF", declared: "application/pdf", o: pdf, state: harvest.LinkOK},
		{name: "same file", last: &okLast, o: pdf, state: harvest.LinkOK},
		{name: "304 keeps it", last: &okLast, o: observation{status: 304}, state: harvest.LinkOK},
		{name: "304 after a 404: back", last: &brokenLast, o: observation{status: 304}, state: harvest.LinkOK},
		{name: "304 of the HTML page: still broken", last: &htmlLast, o: observation{status: 304}, state: harvest.LinkBroken, kind: harvest.LinkHTML, since: &t0},
		{name: "ETag changed", last: &okLast, o: with(pdf, func(o *observation) { o.etag = `"b"` }), state: harvest.LinkOK, changed: true},
		{name: "weak ETag is the same", last: &okLast, o: with(pdf, func(o *observation) { o.etag = `W/"a"` }), state: harvest.LinkOK},
		{name: "size changed", last: &okLast, o: with(pdf, func(o *observation) { o.size = 200 }), state: harvest.LinkOK, changed: true},
		{name: "Last-Modified changed", last: &okLast, o: with(pdf, func(o *observation) { o.lastModified = "Sun, 02 Mar 2025 10:00:00 GMT" }), state: harvest.LinkOK, changed: true},
		{name: "no ETag now: not a change", last: &okLast, o: with(pdf, func(o *observation) { o.etag, o.lastModified = "", "" }), state: harvest.LinkOK},
		{name: "404", last: &okLast, o: observation{status: 404}, state: harvest.LinkBroken, kind: harvest.LinkNotFound, since: &now},
		{name: "404 again keeps its first time", last: &brokenLast, o: observation{status: 404}, state: harvest.LinkBroken, kind: harvest.LinkNotFound, since: &t0},
		{name: "410", o: observation{status: 410}, state: harvest.LinkBroken, kind: harvest.LinkGone, since: &now},
		{name: "host gone", last: &okLast, o: observation{err: errors.New("connection refused"), hostGone: true}, state: harvest.LinkBroken, kind: harvest.LinkHostGone, since: &now},
		{name: "HTML where a PDF was linked", declared: "application/pdf", o: html, state: harvest.LinkBroken, kind: harvest.LinkHTML, since: &now},
		{name: "HTML where a PDF was served", last: &okLast, o: html, state: harvest.LinkBroken, kind: harvest.LinkHTML, since: &now},
		{name: "HTML again", last: &htmlLast, o: html, state: harvest.LinkBroken, kind: harvest.LinkHTML, since: &t0},
		{name: "HTML for a link that said nothing", o: html, state: harvest.LinkOK},
		{name: "the PDF is back", last: &htmlLast, o: pdf, state: harvest.LinkOK},
		{name: "503 once: failing", last: &okLast, o: observation{status: 503}, state: harvest.LinkFailing, kind: harvest.LinkServerError, failures: 1},
		{name: "timeout: failing", last: &okLast, o: observation{err: errors.New("timeout")}, state: harvest.LinkFailing, kind: harvest.LinkNetwork, failures: 1},
		{name: "403: failing", o: observation{status: 403}, state: harvest.LinkFailing, kind: harvest.LinkHTTPError, failures: 1},
		{name: "429: failing", o: observation{status: 429}, state: harvest.LinkFailing, kind: harvest.LinkRateLimited, failures: 1},
		{name: "503 twice", last: ptr(failing(1)), o: observation{status: 503}, state: harvest.LinkFailing, kind: harvest.LinkServerError, failures: 2},
		{name: "503 three runs in a row: broken", last: ptr(failing(2)), o: observation{status: 503}, state: harvest.LinkBroken, kind: harvest.LinkServerError, since: &now, failures: 3},
		{name: "failing, then fine", last: ptr(failing(2)), o: pdf, state: harvest.LinkOK},
		{name: "robots.txt", last: &brokenLast, o: observation{skip: harvest.LinkRobots}, state: harvest.LinkSkipped, kind: harvest.LinkRobots},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := Link{URL: u, MediaType: tc.declared}
			if tc.last != nil {
				l.Last, l.Known = *tc.last, true
			}
			c, changed := judgeLink(l, tc.o, now)
			if c.State != tc.state || c.Kind != tc.kind || changed != tc.changed || c.Failures != tc.failures {
				t.Errorf("state %q kind %q changed %v failures %d; want %q %q %v %d",
					c.State, c.Kind, changed, c.Failures, tc.state, tc.kind, tc.changed, tc.failures)
			}
			switch {
			case tc.since == nil && c.BrokenSince != nil:
				t.Errorf("broken since %v, want not broken", c.BrokenSince)
			case tc.since != nil && (c.BrokenSince == nil || !c.BrokenSince.Equal(*tc.since)):
				t.Errorf("broken since %v, want %v", c.BrokenSince, tc.since)
			}
			if changed && (c.Changed == nil || !c.Changed.Equal(now)) {
				t.Errorf("changed, but Changed = %v", c.Changed)
			}
			if !c.Checked.Equal(now) || c.URL != u {
				t.Errorf("checked %v, url %s", c.Checked, c.URL)
			}
			if tc.o.status == 304 && tc.last != nil && (c.ETag != tc.last.ETag || c.MediaType != tc.last.MediaType || c.Size != tc.last.Size) {
				t.Errorf("304 changed the file's record: %+v, was %+v", c, *tc.last)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
