package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"harvest"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"harvest/crawler"
	"harvest/harvester"
	"harvest/internal/demosite"
	"harvest/lockfile"
	"harvest/store/sqlite"
)

// moodySite serves the demo site, or misbehaves as a real site does on a
// bad day. It can also go away altogether and come back on the same
// address.
type moodySite struct {
	t    *testing.T
	addr string
	mood atomic.Value // string
	demo http.Handler

	mu  sync.Mutex
	srv *httptest.Server
}

func newMoodySite(t *testing.T) *moodySite {
	s := &moodySite{t: t, demo: demosite.Handler()}
	s.mood.Store("up")
	s.start("127.0.0.1:0")
	t.Cleanup(s.down)
	return s
}

func (s *moodySite) start(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("listen on %s again: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	s.mu.Lock()
	s.srv, s.addr = srv, ln.Addr().String()
	s.mu.Unlock()
}

// down stops the server: connections are refused.
func (s *moodySite) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// up serves again on the same address, in the given mood.
func (s *moodySite) up(mood string) {
	s.mood.Store(mood)
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if !running {
		s.start(s.addr)
	}
}

func (s *moodySite) url() string { return "http://" + s.addr + "/" }

func (s *moodySite) serve(w http.ResponseWriter, r *http.Request) {
	switch s.mood.Load().(string) {
	case "maintenance": // everything, robots.txt included, answers 503
		http.Error(w, "Briefly unavailable for scheduled maintenance.", http.StatusServiceUnavailable)
		return
	case "blank": // every page answers 200 with nothing on it
		if r.URL.Path == "/robots.txt" || strings.HasSuffix(r.URL.Path, ".xml") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><head><title>Coming soon</title></head><body><p>We are updating our site.</p></body></html>")
		return
	case "404": // broken permalinks: every publication page answers 404
		if strings.HasPrefix(r.URL.Path, "/resource/") || strings.HasSuffix(r.URL.Path, ".xml") {
			http.NotFound(w, r)
			return
		}
	}
	s.demo.ServeHTTP(w, r)
}

// statusCounts counts a catalogue's publications by status.
func statusCounts(t *testing.T, db string) map[string]int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT status, COUNT(*) FROM publications GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

func lastRun(t *testing.T, db, source string) harvest.Run {
	t.Helper()
	cat, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	runs, err := cat.Runs(t.Context(), source)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs of %s: %v, %v", source, runs, err)
	}
	return runs[0]
}

// TestSiteDownNeverEmptiesCatalogue crawls the demo site, then crawls it
// again and again while it is down, in maintenance, blank and answering
// 404 for every publication (removed_after: 1, so that every run that
// counts would remove): no run removes anything, until the user confirms;
// a publication seen again is active again.
func TestSiteDownNeverEmptiesCatalogue(t *testing.T) {
	site := newMoodySite(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "catalogue.db")
	cfg := writeConfig(t, dir, fmt.Sprintf(`db: %s
defaults:
  delay: 0s
  retries: 1
sources:
  - name: wp
    start_urls: [%q]
    removed_after: 1
`, db, site.url()))
	crawl := func(extra ...string) (string, error) {
		stdout, stderr, err := runCLI(t, append([]string{"crawl", "--config", cfg, "--quiet"}, extra...)...)
		return stdout + stderr, err
	}
	if out, err := crawl(); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, out)
	}
	active := statusCounts(t, db)["active"]
	if active < 20 {
		t.Fatalf("%d publications after the first crawl; the demo site has more", active)
	}
	unchanged := func(when string) {
		t.Helper()
		if got := statusCounts(t, db); got["active"] != active || got["removed"] != 0 {
			t.Fatalf("%s: catalogue %v, want all %d active", when, got, active)
		}
	}

	for _, tt := range []struct {
		mood, want string
	}{
		{"down", "connection refused"},
		{"maintenance", "503"},
	} {
		if tt.mood == "down" {
			site.down()
		} else {
			site.up(tt.mood)
		}
		for i := range 3 {
			out, err := crawl()
			if err == nil || !strings.Contains(err.Error(), "site unreachable") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s, run %d: error %v, want site unreachable (%s)\n%s", tt.mood, i+1, err, tt.want, out)
			}
			if r := lastRun(t, db, "wp"); r.Status != harvest.RunFailed || !strings.Contains(r.Note, "site unreachable") || r.Removed != 0 {
				t.Errorf("%s, run %d recorded %s (%q), removed %d; want failed, site unreachable, 0", tt.mood, i+1, r.Status, r.Note, r.Removed)
			}
			unchanged(fmt.Sprintf("%s, run %d", tt.mood, i+1))
		}
	}

	// Reached, but nothing there: the removal guard holds.
	for _, mood := range []string{"blank", "404"} {
		site.up(mood)
		for i := range 3 {
			out, err := crawl()
			if err != nil {
				t.Fatalf("%s, run %d: %v\n%s", mood, i+1, err, out)
			}
			r := lastRun(t, db, "wp")
			if r.Status != harvest.RunPartial || !strings.Contains(r.Note, "removal guard") || !strings.Contains(r.Note, "--confirm-removals") {
				t.Errorf("%s, run %d recorded %s (%q); want partial with the removal guard's note", mood, i+1, r.Status, r.Note)
			}
			if !strings.Contains(out, "--confirm-removals") {
				t.Errorf("%s, run %d: the summary does not say how to confirm:\n%s", mood, i+1, out)
			}
			unchanged(fmt.Sprintf("%s, run %d", mood, i+1))
		}
	}

	// The user confirms: the site really dropped them.
	site.up("blank")
	if out, err := crawl("--confirm-removals"); err != nil {
		t.Fatalf("confirmed crawl: %v\n%s", err, out)
	}
	if got := statusCounts(t, db); got["removed"] != active {
		t.Errorf("after --confirm-removals: %v, want all %d removed", got, active)
	}
	// And the site comes back: every record is active again.
	site.up("up")
	if out, err := crawl(); err != nil {
		t.Fatalf("crawl after the site came back: %v\n%s", err, out)
	}
	unchanged("site back")
}

// TestMistypedURLFails: a crawl of an address where nothing answers fails
// and says why, instead of completing with every URL "skipped".
func TestMistypedURLFails(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "defaults:\n  retries: 0\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := filepath.Join(dir, "typo.db")
	stdout, stderr, err := runCLI(t, "crawl", "--url", "http://"+addr+"/", "--config", cfg, "--db", db, "--quiet")
	if err == nil || !strings.Contains(err.Error(), "site unreachable") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %v, want site unreachable: connection refused\n%s%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "failed") {
		t.Errorf("summary does not say the run failed:\n%s", stdout)
	}
}

// slowDemo serves the demo site with a pause before every answer, and
// counts the pages it served.
func slowDemo(t *testing.T, pause time.Duration) (*httptest.Server, *atomic.Int64) {
	var served atomic.Int64
	demo := demosite.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(pause)
		demo.ServeHTTP(w, r)
		served.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv, &served
}

// TestCancelIsCancelled cancels crawls into a real catalogue at many
// moments: every run is recorded as cancelled and reported as a cancel,
// never as a failure, and the next run resumes and completes.
func TestCancelIsCancelled(t *testing.T) {
	srv, served := slowDemo(t, 5*time.Millisecond)
	db := filepath.Join(t.TempDir(), "cancel.db")
	cat, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	h := &harvester.Harvester{DB: cat, Log: slog.New(slog.DiscardHandler)}
	opts := crawler.Options{
		Source: "demo", StartURLs: []string{srv.URL + "/"}, Sitemaps: true, Concurrency: 4,
		UserAgent: "harvest-test", MaxBodySize: 10 << 20, Retries: 1,
	}
	cancelled := 0
	for i, after := range []int64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55} {
		ctx, cancel := context.WithCancel(t.Context())
		start := served.Load()
		go func() {
			for served.Load() < start+after && ctx.Err() == nil {
				time.Sleep(time.Millisecond) // polling interval, not an assertion
			}
			cancel()
		}()
		rep, err := h.CrawlOne(ctx, opts)
		cancel()
		if rep.Run.Status == harvest.RunOK {
			continue // the cancel came after the end
		}
		cancelled++
		var ce *harvester.CancelledError
		if !errors.As(err, &ce) || !errors.Is(err, context.Canceled) {
			t.Errorf("try %d (cancel after %d pages): error %v, want a cancel", i, after, err)
		}
		if strings.Contains(fmt.Sprint(err), "context canceled") {
			t.Errorf("try %d: the cancel is reported as %q", i, err)
		}
		if r := lastRun(t, db, "demo"); r.Status != harvest.RunCancelled {
			t.Errorf("try %d (cancel after %d pages): run recorded %s (%q), want cancelled", i, after, r.Status, r.Note)
		}
	}
	if cancelled < 5 {
		t.Errorf("only %d of 10 cancels landed during a run: the test proved too little", cancelled)
	}
	rep, err := h.CrawlOne(t.Context(), opts)
	if err != nil || rep.Run.Status != harvest.RunOK {
		t.Errorf("the run after the cancels: %s, %v; want ok", rep.Run.Status, err)
	}
}

// TestSignalIsCancelled stops a real harvest crawl with SIGINT and with
// SIGTERM: exit status 130 and 143, the run recorded as cancelled.
func TestSignalIsCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test: runs without -short")
	}
	bin := buildHarvest(t)
	srv, served := slowDemo(t, 20*time.Millisecond)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		db := filepath.Join(t.TempDir(), "signal.db")
		cmd := exec.CommandContext(t.Context(), bin, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", db, "--quiet")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := served.Load()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the crawl to fetch pages", func() bool { return served.Load() > start+5 })
		_ = cmd.Process.Signal(sig)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
			t.Errorf("%v: exit %v, want status %d\n%s", sig, err, 128+int(sig), stderr.String())
		}
		if !strings.Contains(stderr.String(), "cancelled") || strings.Contains(stderr.String(), "context canceled") {
			t.Errorf("%v: stderr does not say cancelled plainly:\n%s", sig, stderr.String())
		}
		source := strings.Trim(nonName.ReplaceAllString(strings.TrimPrefix(srv.URL, "http://"), "-"), "-")
		if r := lastRun(t, db, source); r.Status != harvest.RunCancelled {
			t.Errorf("%v: run recorded %s (%q), want cancelled", sig, r.Status, r.Note)
		}
	}
}

// TestOneRunPerSource: a second crawl of a source that is being crawled
// says who holds it and exits non-zero; with --wait it waits its turn.
func TestOneRunPerSource(t *testing.T) {
	site := newBlockingSite(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "lock.db")
	cfg := writeConfig(t, dir, fmt.Sprintf("db: %s\ndefaults:\n  delay: 0s\nsources:\n  - name: wp\n    sitemaps: false\n    start_urls: [%q]\n", db, site.URL+"/"))
	_, firstErr, first := startCLI(t.Context(), "crawl", "--config", cfg, "--quiet")
	waitFor(t, "the first crawl to reach the site", func() bool { return site.requests.Load() > 0 })

	_, _, err := runCLI(t, "crawl", "--config", cfg, "--quiet")
	if err == nil || !strings.Contains(err.Error(), "source wp is being crawled") || !strings.Contains(err.Error(), "held by process") {
		t.Errorf("second crawl: %v; want it refused, naming the holder", err)
	}
	_, _, second := startCLI(t.Context(), "crawl", "--config", cfg, "--quiet", "--wait")
	time.Sleep(300 * time.Millisecond) // let the waiting crawl try the lock; not an assertion
	site.release()
	if err := waitExit(t, first); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, firstErr.String())
	}
	if err := waitExit(t, second); err != nil {
		t.Errorf("the crawl that waited: %v", err)
	}
	cat := testCatalogue(t, db)
	if runs := runsOf(t, cat, "wp"); len(runs) != 2 || countStatus(runs, harvest.RunOK) != 2 {
		t.Errorf("runs = %+v; want two ok runs, one after the other", runs)
	}
}

// TestOffsiteHint: a site whose links all lead to another host says so,
// and how to allow it.
func TestOffsiteHint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	other := httptest.NewUnstartedServer(demosite.Handler())
	other.Listener.Close()
	other.Listener = ln
	other.Start()
	t.Cleanup(other.Close)
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `<html><body class="home blog"><h1>Moved</h1><a href="%[1]s/">Home</a> <a href="%[1]s/resources/">Publications</a> <a href="%[1]s/about/">About</a></body></html>`, other.URL)
	}))
	t.Cleanup(home.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "hint.db")
	cfg := writeConfig(t, dir, fmt.Sprintf("db: %s\ndefaults:\n  delay: 0s\nsources:\n  - name: moved\n    allow_private_networks: true\n    start_urls: [%q]\n", db, home.URL+"/"))
	stdout, _, err := runCLI(t, "crawl", "--config", cfg, "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "point to "+strings.TrimPrefix(other.URL, "http://")) || !strings.Contains(stdout, "--allow-domain 127.0.0.2") {
		t.Errorf("summary gives no hint about 127.0.0.2:\n%s", stdout)
	}
	stdout, _, err = runCLI(t, "crawl", "--config", cfg, "--quiet", "--allow-domain", "127.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	if got := statusCounts(t, db)["active"]; got < 20 {
		t.Errorf("with --allow-domain 127.0.0.2: %d publications, want the demo site's\n%s", got, stdout)
	}
}

// TestScheduleSkipsSourceBeingCrawled: while a harvest crawl holds a
// source, the daemon's runs of it are skipped (a warning), not failed,
// and nothing is recorded for them.
func TestScheduleSkipsSourceBeingCrawled(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "catalogue.db")
	db := testCatalogue(t, path)
	held, err := lockfile.Acquire(sqlite.SourceLockPath(path, "wp"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	h := &harvester.Harvester{DB: db, Log: log}
	s := &scheduler{log: log, stopTimeout: exitTimeout / 2}
	s.run = func(ctx context.Context, opts crawler.Options) error {
		_, err := h.Crawl(ctx, []crawler.Options{opts})
		return err
	}
	opts := crawler.Options{Source: "wp", StartURLs: []string{srv.URL + "/"}, Concurrency: 2, UserAgent: "harvest-test", Logger: log}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- s.serve(ctx, []entry{{opts: opts, spec: "every 50ms", schedule: every(50 * time.Millisecond)}})
	}()
	waitFor(t, "two skipped runs while a crawl holds the source", func() bool {
		return len(logs.logged("run_skipped", "wp")) >= 2
	})
	if len(logs.logged("run_failed", "wp")) > 0 || len(runsOf(t, db, "wp")) > 0 {
		t.Error("a run skipped for the lock was recorded or logged as failed")
	}
	if err := held.Release(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a run once the crawl ends", func() bool {
		return countStatus(runsOf(t, db, "wp"), harvest.RunOK) >= 1
	})
	cancel()
	if err := waitExit(t, done); err != nil {
		t.Fatalf("serve returned %v, want nil", err)
	}
}
