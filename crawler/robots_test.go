package crawler

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// TestRobotsStatus follows RFC 9309: 4xx allows everything, 5xx and an
// unreachable host disallow everything for now and are asked again later.
func TestRobotsStatus(t *testing.T) {
	var status atomic.Int32
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if s := int(status.Load()); s != 200 {
			w.WriteHeader(s)
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n")
	}))
	t.Cleanup(srv.Close)
	defer func(d time.Duration) { robotsRetry = d }(robotsRetry)
	robotsRetry = 50 * time.Millisecond
	page, _ := url.Parse(srv.URL + "/page")
	private, _ := url.Parse(srv.URL + "/private/x")

	for _, tt := range []struct {
		status          int
		page, privateOK bool
	}{
		{404, true, true},
		{403, true, true},
		{503, false, false},
		{500, false, false},
		{200, true, false},
	} {
		status.Store(int32(tt.status))
		r := newRobots(srv.Client(), "harvest-test", slog.New(slog.DiscardHandler))
		if got := r.allowed(t.Context(), page); got != tt.page {
			t.Errorf("robots.txt %d: /page allowed = %v, want %v", tt.status, got, tt.page)
		}
		if got := r.allowed(t.Context(), private); got != tt.privateOK {
			t.Errorf("robots.txt %d: /private/x allowed = %v, want %v", tt.status, got, tt.privateOK)
		}
	}

	// A 5xx is asked again once the retry time has passed.
	status.Store(503)
	r := newRobots(srv.Client(), "harvest-test", slog.New(slog.DiscardHandler))
	if r.allowed(t.Context(), page) {
		t.Fatal("allowed during a 503")
	}
	status.Store(200)
	before := asked.Load()
	if r.allowed(t.Context(), page) {
		t.Error("asked again before the retry time")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !r.allowed(t.Context(), page) {
		if time.Now().After(deadline) {
			t.Fatal("robots.txt never asked again after a 503")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if asked.Load() <= before {
		t.Error("robots.txt was not fetched again")
	}
	if e := r.entry(t.Context(), page); e.delay != 2*time.Second {
		t.Errorf("Crawl-delay = %v, want 2s", e.delay)
	}

	// Unreachable: disallowed.
	dead, _ := url.Parse("http://127.0.0.1:1/page")
	r = newRobots(&http.Client{Timeout: time.Second}, "harvest-test", slog.New(slog.DiscardHandler))
	if r.allowed(t.Context(), dead) {
		t.Error("an unreachable host is allowed")
	}
}
