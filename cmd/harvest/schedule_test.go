package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"harvest"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"harvest/crawler"
	"harvest/harvester"
	"harvest/internal/demosite"
	"harvest/lockfile"
	"harvest/store/sqlite"
)

// Generous bounds: waits poll the thing waited for and end as soon as it
// happens; these only decide when a test gives up.
const (
	waitTimeout = 30 * time.Second
	exitTimeout = 10 * time.Second
)

// syncBuffer collects what the daemon's goroutines write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// records parses the JSON log lines written so far.
func (s *syncBuffer) records() []map[string]any {
	var recs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			recs = append(recs, m)
		}
	}
	return recs
}

// logged returns the records with message msg (and source, when given).
func (s *syncBuffer) logged(msg, source string) []map[string]any {
	var out []map[string]any
	for _, r := range s.records() {
		if r["msg"] == msg && (source == "" || r["source"] == source) {
			out = append(out, r)
		}
	}
	return out
}

// startCLI runs the command line in the background with ctx, as main
// does with its signal context.
func startCLI(ctx context.Context, args ...string) (stdout, stderr *syncBuffer, done <-chan error) {
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	ch := make(chan error, 1)
	go func() { ch <- cmd.ExecuteContext(ctx) }()
	return stdout, stderr, ch
}

// waitFor polls cond until it holds, failing the test after waitTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", waitTimeout, what)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not an assertion
	}
}

// waitExit waits for a daemon to return, failing the test after
// exitTimeout.
func waitExit(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(exitTimeout):
		t.Fatalf("the daemon did not return within %s of being stopped", exitTimeout)
		return nil
	}
}

// testCatalogue creates the catalogue at path before any daemon opens it,
// so that the test can read its runs.
func testCatalogue(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func runsOf(t *testing.T, db harvest.Catalogue, source string) []harvest.Run {
	t.Helper()
	runs, err := db.Runs(t.Context(), source)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func countStatus(runs []harvest.Run, status string) int {
	n := 0
	for _, r := range runs {
		if r.Status == status {
			n++
		}
	}
	return n
}

func writeConfig(t *testing.T, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// blockingSite is a site whose every request waits until release is
// called (or the client gives up); then it serves one small page.
type blockingSite struct {
	*httptest.Server
	requests atomic.Int64
	release  func()
}

func newBlockingSite(t *testing.T) *blockingSite {
	t.Helper()
	ch := make(chan struct{})
	s := &blockingSite{release: sync.OnceFunc(func() { close(ch) })}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html lang=en><head><title>Slow</title></head><body><h1>Slow</h1></body></html>")
	}))
	t.Cleanup(s.Server.Close)
	t.Cleanup(s.release) // runs first: no handler is left waiting
	return s
}

// every is a schedule firing at a fixed interval; cron's own @every
// rounds to whole seconds.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// TestScheduleDaemon runs harvest schedule with a per-second spec against
// the demo site: the source runs again and again, the source without a
// schedule never, and the daemon stops cleanly when its context ends.
func TestScheduleDaemon(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "catalogue.db")
	cfg := writeConfig(t, dir, "db: "+dbPath+"\n"+
		"defaults:\n  delay: 0\n"+
		"sources:\n"+
		"  - name: demo\n    start_urls: ['"+srv.URL+"/']\n    schedule: '@every 1s'\n    jitter: 100ms\n"+
		"  - name: manual\n    start_urls: ['"+srv.URL+"/about/']\n")
	db := testCatalogue(t, dbPath)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, logs, done := startCLI(ctx, "schedule", "--config", cfg, "--log-format", "json")
	waitFor(t, "two complete runs of demo", func() bool {
		return countStatus(runsOf(t, db, "demo"), harvest.RunOK) >= 2
	})
	cancel()
	if err := waitExit(t, done); err != nil {
		t.Fatalf("harvest schedule returned %v after being stopped, want nil\n%s", err, logs)
	}

	if n, err := db.Count(t.Context(), harvest.Filter{}); err != nil || n != len(demosite.Truth()) {
		t.Errorf("catalogue holds %d publications (%v), want %d", n, err, len(demosite.Truth()))
	}
	if runs := runsOf(t, db, "manual"); len(runs) != 0 {
		t.Errorf("source without a schedule ran %d times, want never", len(runs))
	}
	for _, r := range runsOf(t, db, "demo") {
		if r.Status == harvest.RunRunning {
			t.Errorf("run %d is still recorded as running after the daemon stopped", r.ID)
		}
	}
	if len(logs.logged("source_not_scheduled", "manual")) != 1 {
		t.Errorf("no source_not_scheduled record for manual in\n%s", logs)
	}
	sched := logs.logged("source_scheduled", "demo")
	if len(sched) != 1 || sched[0]["schedule"] != "@every 1s" {
		t.Errorf("source_scheduled records for demo = %v, want one with schedule @every 1s", sched)
	}
	for _, r := range logs.logged("run_due", "demo") {
		if d, ok := r["jitter"].(float64); !ok || d < 0 || time.Duration(d) >= 100*time.Millisecond {
			t.Errorf("run_due jitter = %v, want a duration in [0, 100ms)", r["jitter"])
		}
	}
	if len(logs.logged("scheduler_stopped", "")) != 1 {
		t.Errorf("no scheduler_stopped record in\n%s", logs)
	}
	// The lock went with the daemon.
	l, err := lockfile.Acquire(dbPath + ".lock")
	if err != nil {
		t.Fatalf("lock after the daemon stopped: %v", err)
	}
	l.Release()
}

// TestScheduleSkipsOverlappingRuns keeps one run of a source blocked on a
// site that does not answer while ticks keep coming: only that run is in
// flight, the others are skipped and logged; once the site answers,
// runs go on.
func TestScheduleSkipsOverlappingRuns(t *testing.T) {
	site := newBlockingSite(t)
	db := testCatalogue(t, filepath.Join(t.TempDir(), "catalogue.db"))
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	h := &harvester.Harvester{DB: db, Log: log}
	var inFlight, maxInFlight atomic.Int64
	s := &scheduler{log: log, stopTimeout: exitTimeout / 2}
	s.run = func(ctx context.Context, opts crawler.Options) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		_, err := h.Crawl(ctx, []crawler.Options{opts})
		return err
	}
	opts := crawler.Options{
		Source: "slow", StartURLs: []string{site.URL + "/"}, Concurrency: 1,
		Timeout: time.Minute, UserAgent: "harvest-test", Logger: log,
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- s.serve(ctx, []entry{{opts: opts, spec: "every 50ms", schedule: every(50 * time.Millisecond)}})
	}()

	waitFor(t, "three skipped runs while the first one blocks", func() bool {
		return len(logs.logged("run_skipped", "slow")) >= 3
	})
	if runs := runsOf(t, db, "slow"); len(runs) != 1 || runs[0].Status != harvest.RunRunning {
		t.Errorf("runs while the first blocks = %+v, want one, running", runs)
	}
	if r := logs.logged("run_skipped", "slow")[0]; r["level"] != "WARN" {
		t.Errorf("run_skipped level = %v, want WARN", r["level"])
	}

	site.release()
	waitFor(t, "two finished runs once the site answers", func() bool {
		return countStatus(runsOf(t, db, "slow"), harvest.RunOK) >= 2
	})
	cancel()
	if err := waitExit(t, done); err != nil {
		t.Fatalf("serve returned %v, want nil", err)
	}
	if got := maxInFlight.Load(); got != 1 {
		t.Errorf("at most %d runs of one source were in flight at once, want 1", got)
	}
}

// TestScheduleRecoversPanics: a run that panics is recovered and logged,
// and later runs of the same source are not skipped for it.
func TestScheduleRecoversPanics(t *testing.T) {
	logs := &syncBuffer{}
	var calls atomic.Int64
	s := &scheduler{log: slog.New(slog.NewJSONHandler(logs, nil)), stopTimeout: exitTimeout / 2}
	s.run = func(context.Context, crawler.Options) error {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- s.serve(ctx, []entry{{opts: crawler.Options{Source: "fragile"}, spec: "every 20ms", schedule: every(20 * time.Millisecond)}})
	}()
	waitFor(t, "three runs, the first of which panicked", func() bool { return calls.Load() >= 3 })
	cancel()
	if err := waitExit(t, done); err != nil {
		t.Fatalf("serve returned %v, want nil", err)
	}
	panics := logs.logged("run_panicked", "fragile")
	if len(panics) != 1 {
		t.Fatalf("%d run_panicked records, want 1:\n%s", len(panics), logs)
	}
	if got := panics[0]["error"]; got != "boom" {
		t.Errorf("run_panicked error = %v, want boom", got)
	}
	if stack, _ := panics[0]["stack"].(string); !strings.Contains(stack, "goroutine") {
		t.Errorf("run_panicked stack = %q, want a stack trace", stack)
	}
}

// TestScheduleStopCancelsRuns stops the daemon while a run is in flight:
// the command returns nil within a few seconds and the run is recorded as
// cancelled.
func TestScheduleStopCancelsRuns(t *testing.T) {
	site := newBlockingSite(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "catalogue.db")
	cfg := writeConfig(t, dir, "sources:\n  - name: slow\n    start_urls: ['"+site.URL+"/']\n    schedule: '@every 1s'\n    delay: 0\n")
	db := testCatalogue(t, dbPath)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, logs, done := startCLI(ctx, "schedule", "--config", cfg, "--db", dbPath)
	waitFor(t, "a run in flight", func() bool {
		return site.requests.Load() > 0 && countStatus(runsOf(t, db, "slow"), harvest.RunRunning) == 1
	})
	cancel() // what SIGINT or SIGTERM does through signal.NotifyContext
	if err := waitExit(t, done); err != nil {
		t.Fatalf("harvest schedule returned %v after being stopped, want nil\n%s", err, logs)
	}
	runs := runsOf(t, db, "slow")
	if len(runs) != 1 {
		t.Fatalf("%d runs recorded, want 1: %+v", len(runs), runs)
	}
	if got, want := runs[0].Status, harvest.RunCancelled; got != want {
		t.Errorf("run status = %q, want %q", got, want)
	}
	if runs[0].Finished.IsZero() {
		t.Error("the cancelled run has no end time")
	}
}

// TestScheduleLock: a second daemon on the same catalogue says which
// process holds it and fails; so does --once.
func TestScheduleLock(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "catalogue.db")
	cfg := writeConfig(t, dir, "sources:\n  - name: a\n    start_urls: ['http://127.0.0.1:1/']\n    schedule: '@daily'\n")
	held, err := lockfile.Acquire(dbPath + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	for _, args := range [][]string{
		{"schedule", "--config", cfg, "--db", dbPath},
		{"schedule", "--config", cfg, "--db", dbPath, "--once"},
	} {
		_, _, err := runCLI(t, args...)
		if !errors.Is(err, lockfile.ErrHeld) {
			t.Fatalf("%v: error = %v, want one matching lockfile.ErrHeld", args, err)
		}
		if pid := strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), "process "+pid) {
			t.Errorf("%v: error %q does not name the holder, process %s", args, err, pid)
		}
	}
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the catalogue was created (%v) although the lock was refused", err)
	}
}

// TestScheduleOnce runs every scheduled source once, without jitter, and
// leaves the others alone.
func TestScheduleOnce(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "catalogue.db")
	cfg := writeConfig(t, dir, "db: "+dbPath+"\n"+
		"defaults:\n  delay: 0\n"+
		"sources:\n"+
		// An hour of jitter: --once must not wait for it.
		"  - name: demo\n    start_urls: ['"+srv.URL+"/']\n    schedule: '0 3 * * 1'\n    timezone: Asia/Tokyo\n    jitter: 1h\n"+
		"  - name: manual\n    start_urls: ['"+srv.URL+"/about/']\n")
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	stdout, stderr, done := startCLI(ctx, "schedule", "--config", cfg, "--once", "--log-format", "json")
	if err := <-done; err != nil {
		t.Fatalf("harvest schedule --once: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout.String(), "demo: complete") || strings.Contains(stdout.String(), "manual:") {
		t.Errorf("summary = %q, want the demo source alone", stdout)
	}
	db := testCatalogue(t, dbPath)
	if runs := runsOf(t, db, "demo"); len(runs) != 1 || runs[0].Status != harvest.RunOK {
		t.Errorf("demo runs = %+v, want one, ok", runs)
	}
	if runs := runsOf(t, db, "manual"); len(runs) != 0 {
		t.Errorf("manual ran %d times, want never", len(runs))
	}
	if len(stderr.logged("source_not_scheduled", "manual")) != 1 {
		t.Errorf("no source_not_scheduled record for manual in\n%s", stderr)
	}
}

// TestScheduleOnceFailures: with --once, a failed or panicking run does
// not stop the others, and the result is an error.
func TestScheduleOnceFailures(t *testing.T) {
	errBroken := errors.New("catalogue broken")
	var ran []string
	logs := &syncBuffer{}
	s := &scheduler{log: slog.New(slog.NewJSONHandler(logs, nil))}
	s.run = func(_ context.Context, opts crawler.Options) error {
		ran = append(ran, opts.Source)
		switch opts.Source {
		case "fails":
			return errBroken
		case "panics":
			panic("boom")
		}
		return nil
	}
	var entries []entry
	for _, name := range []string{"fails", "panics", "fine"} {
		entries = append(entries, entry{opts: crawler.Options{Source: name}})
	}
	err := s.once(t.Context(), entries)
	if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), "panics panicked: boom") {
		t.Errorf("once error = %v, want the failure and the panic", err)
	}
	if got, want := strings.Join(ran, ","), "fails,panics,fine"; got != want {
		t.Errorf("ran %s, want %s", got, want)
	}
	if len(logs.logged("run_panicked", "panics")) != 1 {
		t.Errorf("no run_panicked record in\n%s", logs)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ran = nil
	if err := s.once(ctx, entries); !errors.Is(err, context.Canceled) || len(ran) != 0 {
		t.Errorf("once on a cancelled context: error %v, ran %v; want context.Canceled and nothing run", err, ran)
	}
}

// TestScheduleJitterCancelled: a run waiting out its jitter when the
// daemon stops never starts.
func TestScheduleJitterCancelled(t *testing.T) {
	logs := &syncBuffer{}
	var calls atomic.Int64
	s := &scheduler{log: slog.New(slog.NewJSONHandler(logs, nil))}
	s.run = func(context.Context, crawler.Options) error { calls.Add(1); return nil }
	ctx, cancel := context.WithCancel(t.Context())
	job := s.job(ctx, entry{opts: crawler.Options{Source: "late"}, jitter: time.Hour})
	done := make(chan error, 1)
	go func() { job.Run(); done <- nil }()
	waitFor(t, "the run to be due", func() bool { return len(logs.logged("run_due", "late")) == 1 })
	cancel()
	waitExit(t, done)
	if calls.Load() != 0 {
		t.Error("the run started although the daemon stopped during its jitter")
	}
	if len(logs.logged("run_cancelled", "late")) != 1 {
		t.Errorf("no run_cancelled record in\n%s", logs)
	}
}

func TestScheduleErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "sources:\n  - name: a\n    start_urls: ['http://127.0.0.1:1/']\n")
	db := filepath.Join(dir, "catalogue.db")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"schedule", "--config", cfg, "--db", db}, "no source has a schedule"},
		{[]string{"schedule", "--config", cfg, "--db", db, "--once"}, "no source has a schedule"},
		{[]string{"schedule", "--config", filepath.Join(dir, "none.yaml"), "--db", db}, "read config"},
		{[]string{"schedule", "--config", cfg, "--log-format", "xml"}, `--log-format "xml"`},
	}
	for _, tt := range tests {
		_, _, err := runCLI(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error = %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	from := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) // a Monday, noon UTC
	tests := []struct {
		spec, tz string
		want     time.Time
	}{
		{"0 3 * * 1", "Asia/Tokyo", time.Date(2026, 3, 8, 18, 0, 0, 0, time.UTC)}, // Monday 03:00 in Tokyo
		{"@daily", "Europe/Paris", time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC)},  // midnight in Paris
		{"30 6 * * *", "UTC", time.Date(2026, 3, 3, 6, 30, 0, 0, time.UTC)},
		{"@every 90s", "Asia/Tokyo", from.Add(90 * time.Second)},
	}
	for _, tt := range tests {
		s, err := parseSchedule(tt.spec, tt.tz)
		if err != nil {
			t.Errorf("parseSchedule(%q, %q): %v", tt.spec, tt.tz, err)
			continue
		}
		if got := s.Next(from); !got.Equal(tt.want) {
			t.Errorf("parseSchedule(%q, %q).Next(%v) = %v, want %v", tt.spec, tt.tz, from, got.UTC(), tt.want)
		}
	}
	if _, err := parseSchedule("every day", ""); err == nil {
		t.Error("parseSchedule(every day) succeeded, want an error")
	}
}

// TestScheduleServes runs the daemon with --serve: the catalogue's API
// answers while sources are crawled on schedule, and both stop together.
func TestScheduleServes(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "catalogue.db")
	cfg := writeConfig(t, dir, "db: "+dbPath+"\ndefaults:\n  delay: 0\nsources:\n"+
		"  - name: demo\n    start_urls: ['"+srv.URL+"/']\n    schedule: '@every 1s'\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := testCatalogue(t, dbPath)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, logs, done := startCLI(ctx, "schedule", "--config", cfg, "--serve", addr)
	waitFor(t, "a run of demo", func() bool { return countStatus(runsOf(t, db, "demo"), harvest.RunOK) >= 1 })
	var body []byte
	waitFor(t, "the API to list publications", func() bool {
		resp, err := http.Get("http://" + addr + "/api/publications?limit=5")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ = io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK && strings.Contains(string(body), `"title"`)
	})
	cancel()
	if err := waitExit(t, done); err != nil {
		t.Fatalf("harvest schedule --serve returned %v after being stopped\n%s", err, logs)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the server still answers after the daemon stopped")
	}
}
