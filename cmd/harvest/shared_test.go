package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"harvest"
	"harvest/internal/bench"
	"harvest/internal/demosite"
	"harvest/internal/sitegen"
	"harvest/store/postgres"
	"harvest/store/postgres/pgtest"
	"harvest/web"
)

// The shared-run tests run harvest processes against a real PostgreSQL
// (HARVEST_TEST_POSTGRES; skipped without it, failed under CI=true) and a
// generated site whose server keeps its own request log.

// request is one request as the site's server saw it.
type request struct {
	path       string
	start, end time.Time
}

// loggedSite serves h and logs every request.
type loggedSite struct {
	mu  sync.Mutex
	log []request
	h   http.Handler
}

func (s *loggedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.h.ServeHTTP(w, r)
	s.mu.Lock()
	s.log = append(s.log, request{path: r.URL.RequestURI(), start: start, end: time.Now()})
	s.mu.Unlock()
}

func (s *loggedSite) take() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.log
	s.log = nil
	return out
}

// startProcess starts the harvest binary with args, its output kept for
// the test's log.
func startProcess(t *testing.T, bin string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	var out syncBuffer
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// waitRun waits until the catalogue at dsn has a run in progress.
func waitRun(t *testing.T, dsn string) harvest.SharedRun {
	t.Helper()
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		runs, err := db.ActiveRuns(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 {
			return runs[0]
		}
	}
	t.Fatal("no run started within 30s")
	return harvest.SharedRun{}
}

// comparable strips what differs between two catalogues holding the same
// records: ids and the times of the crawls.
func comparable(ps []harvest.Publication) map[string]harvest.Publication {
	out := map[string]harvest.Publication{}
	for _, p := range ps {
		p.ID = 0
		p.FirstSeen, p.LastSeen, p.LastChanged, p.RemovedAt = time.Time{}, time.Time{}, time.Time{}, nil
		slices.Sort(p.DuplicateURLs)
		out[p.URL] = p
	}
	return out
}

// TestSharedWorkers is done-when (a): three processes on one PostgreSQL
// catalogue (a harvest crawl that starts the run and two harvest workers
// that join it) crawl a 2,000-page site; the export equals a single
// process's SQLite catalogue record for record, no URL is fetched twice,
// and the per-host delay holds across the processes, by the server's own
// request log.
func TestSharedWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("three processes crawl a 2,000-page site")
	}
	dsn := pgtest.DSN(t)
	bin := buildHarvest(t)
	site := &loggedSite{h: sitegen.New(sitegen.Options{Pages: 2000, Seed: 11, Gzip: true}).Handler()}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)

	// The single process, on SQLite.
	sqliteDB := filepath.Join(t.TempDir(), "single.db")
	if _, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--concurrency", "8",
		"--max-pages", "0", "--max-depth", "0", "--db", sqliteDB, "--quiet"); err != nil {
		t.Fatalf("single-process crawl: %v\n%s", err, stderr)
	}
	want := comparable(exportJSONL(t, sqliteDB))
	site.take()

	// Three processes, on PostgreSQL, with a delay.
	const delay = 5 * time.Millisecond
	first, firstOut := startProcess(t, bin, "crawl", "--url", srv.URL+"/", "--db", dsn, "--delay", delay.String(),
		"--concurrency", "4", "--max-pages", "0", "--max-depth", "0", "--quiet", "-v")
	waitRun(t, dsn)
	w1, w1Out := startProcess(t, bin, "worker", "--db", dsn, "--exit-when-idle", "--concurrency", "4", "-v")
	w2, w2Out := startProcess(t, bin, "worker", "--db", dsn, "--exit-when-idle", "--concurrency", "4", "-v")
	for i, p := range []struct {
		cmd *exec.Cmd
		out *syncBuffer
	}{{first, firstOut}, {w1, w1Out}, {w2, w2Out}} {
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, p.out.String())
		}
		if !strings.Contains(p.out.String(), `"msg":"run_left"`) && !strings.Contains(p.out.String(), "msg=run_left") {
			t.Errorf("process %d never worked on the run:\n%s", i, p.out.String())
		}
		if n := pagesOf(p.out.String()); n == 0 {
			t.Errorf("process %d fetched no page; the test proved less than it should", i)
		} else {
			t.Logf("process %d fetched %d pages", i, n)
		}
	}
	got := comparable(exportJSONL(t, dsn))
	if len(got) != len(want) {
		t.Errorf("PostgreSQL export has %d records, the single process's %d", len(got), len(want))
	}
	for u, w := range want {
		g, ok := got[u]
		if !ok {
			t.Errorf("%s: missing from the shared run's export", u)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s differs:\n got %+v\nwant %+v", u, g, w)
		}
	}

	log := site.take()
	seen := map[string]int{}
	for _, r := range log {
		seen[r.path]++
	}
	for p, n := range seen {
		if n > 1 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
	slices.SortFunc(log, func(a, b request) int { return a.start.Compare(b.start) })
	short := 0
	for i := 1; i < len(log); i++ {
		if gap := log[i].start.Sub(log[i-1].end); gap < delay-time.Millisecond {
			short++
			if short <= 5 {
				t.Errorf("%s started %v after %s ended (delay %v)", log[i].path, gap, log[i-1].path, delay)
			}
		}
	}
	if short > 5 {
		t.Errorf("%d requests in all started before the delay", short)
	}
	t.Logf("%d requests, %d records", len(log), len(got))
}

// pagesOf sums the pages of a process's run_left log records.
func pagesOf(logs string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, "run_left") {
			continue
		}
		var pages int
		if i := strings.Index(line, "pages="); i >= 0 {
			fmt.Sscanf(line[i:], "pages=%d", &pages)
		}
		n += pages
	}
	return n
}

// TestSharedWorkerKilled is done-when (b): one of three workers is
// SIGKILLed mid-run; the others finish its leased URLs once its leases
// lapse, nothing is lost or duplicated, and harvest runs shows one run.
func TestSharedWorkerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("kills one of three processes crawling a 2,000-page site")
	}
	dsn := pgtest.DSN(t)
	bin := buildHarvest(t)
	site := sitegen.New(sitegen.Options{Pages: 2000, Seed: 12, Gzip: true})
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)

	first, firstOut := startProcess(t, bin, "crawl", "--url", srv.URL+"/", "--db", dsn, "--delay", "0",
		"--concurrency", "4", "--max-pages", "0", "--max-depth", "0", "--quiet", "--lease", "4s")
	waitRun(t, dsn)
	victim, victimOut := startProcess(t, bin, "worker", "--db", dsn, "--exit-when-idle", "--lease", "4s")
	other, otherOut := startProcess(t, bin, "worker", "--db", dsn, "--exit-when-idle", "--lease", "4s")
	time.Sleep(1500 * time.Millisecond)
	if err := victim.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()
	if strings.Contains(victimOut.String(), "run_finished") {
		t.Log("the killed worker had already finished; the test proved less than it should")
	}
	for i, p := range []struct {
		cmd *exec.Cmd
		out *syncBuffer
	}{{first, firstOut}, {other, otherOut}} {
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, p.out.String())
		}
	}
	byURL := recordsByURL(t, dsn) // fails on a URL held by two records
	records := exportJSONL(t, dsn)
	acc := bench.Check(srv.URL, site.Truth(), records)
	if acc.Found != 2000 || acc.Extra != 0 || acc.Exact != 2000 {
		t.Errorf("after the kill: %d of 2000 found, %d exact, %d extra, wrong %v", acc.Found, acc.Exact, acc.Extra, acc.Wrong)
	}
	out, stderr, err := runCLI(t, "runs", "--db", dsn)
	if err != nil {
		t.Fatalf("harvest runs: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], " ok") {
		t.Errorf("harvest runs shows %d runs, want one run ok:\n%s", len(lines)-1, out)
	}
	t.Logf("%d URLs recorded", len(byURL))
}

// TestSharedTwoSources is done-when (c): two sources, each host with a
// delay; two workers crawl them in about half the wall time of one. The
// ratio is logged (and written in the README), not asserted: timings on a
// shared machine are noise. What is asserted: both runs end ok with every
// publication, and with two workers each worked on a source of its own.
func TestSharedTwoSources(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls two sites twice with a delay")
	}
	bin := buildHarvest(t)
	var sites [2]*sitegen.Site
	var urls [2]string
	for i := range sites {
		sites[i] = sitegen.New(sitegen.Options{Pages: 120, Seed: int64(20 + i), Gzip: true})
		srv := httptest.NewServer(sites[i].Handler())
		t.Cleanup(srv.Close)
		urls[i] = srv.URL
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	var b bytes.Buffer
	b.WriteString("defaults:\n  delay: 20ms\n  concurrency: 2\n  max_pages: 0\n  max_depth: 0\nsources:\n")
	for i, u := range urls {
		fmt.Fprintf(&b, "  - name: site%d\n    start_urls: [%q]\n    schedule: \"@daily\"\n    sitemaps: true\n", i, u+"/")
	}
	if err := os.WriteFile(cfg, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	crawlWith := func(workers int) time.Duration {
		dsn := pgtest.DSN(t)
		if _, stderr, err := runCLI(t, "schedule", "--once", "--config", cfg, "--db", dsn); err != nil {
			t.Fatalf("schedule --once: %v\n%s", err, stderr)
		}
		start := time.Now()
		var procs []*exec.Cmd
		var outs []*syncBuffer
		for range workers {
			p, out := startProcess(t, bin, "worker", "--db", dsn, "--exit-when-idle", "-v")
			procs, outs = append(procs, p), append(outs, out)
			// Longer than a worker's random start (under 500 ms): the
			// first has joined a run before the second looks.
			time.Sleep(800 * time.Millisecond)
		}
		for i, p := range procs {
			if err := p.Wait(); err != nil {
				t.Fatalf("worker %d: %v\n%s", i, err, outs[i].String())
			}
		}
		took := time.Since(start)
		out, _, err := runCLI(t, "runs", "--db", dsn)
		if err != nil || strings.Count(out, " ok ") != 2 {
			t.Errorf("%d workers: runs:\n%s", workers, out)
		}
		for i, u := range urls {
			records := exportJSONL(t, dsn)
			if acc := bench.Check(u, sites[i].Truth(), records); acc.Found != 120 || acc.Exact != 120 {
				t.Errorf("%d workers: site%d: %d of 120 found, %d exact", workers, i, acc.Found, acc.Exact)
			}
		}
		if workers == 2 {
			// Each worker first took a source of its own: the run with
			// the fewest workers.
			first := map[string]int{}
			for i, out := range outs {
				m := regexp.MustCompile(`msg=run_joined source=(\S+)`).FindStringSubmatch(out.String())
				if m == nil {
					t.Errorf("worker %d joined no run:\n%s", i, out.String())
					continue
				}
				first[m[1]]++
			}
			if len(first) != 2 {
				t.Errorf("the two workers first joined %v; want one source each", first)
			}
		}
		return took
	}
	one := crawlWith(1)
	two := crawlWith(2)
	t.Logf("two sources, delay 20ms: one worker %v, two workers %v: ratio %.2f", one.Round(time.Millisecond),
		two.Round(time.Millisecond), two.Seconds()/one.Seconds())
}

// TestSharedSiteDown: the outage rules hold for a shared run. A catalogue
// crawled from a site is crawled again three times while the site is down:
// each run fails, nothing is removed.
func TestSharedSiteDown(t *testing.T) {
	dsn := pgtest.DSN(t)
	srv := httptest.NewServer(sitegen.New(sitegen.Options{Pages: 40, Seed: 5}).Handler())
	base := srv.URL
	// No retries: a site that is down fails at once.
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("defaults:\n  retries: 0\n  delay: 0s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"crawl", "--url", base + "/", "--config", cfg, "--db", dsn, "--quiet"}
	if _, stderr, err := runCLI(t, args...); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, stderr)
	}
	before := exportJSONL(t, dsn)
	if len(before) != 40 {
		t.Fatalf("first crawl recorded %d publications, want 40", len(before))
	}
	srv.Close()
	for i := range 3 {
		_, stderr, err := runCLI(t, args...)
		if err == nil {
			t.Errorf("crawl %d of a site that is down succeeded:\n%s", i+1, stderr)
		}
	}
	after := exportJSONL(t, dsn)
	if len(after) != 40 {
		t.Errorf("after three crawls of a site that is down: %d active publications, want 40", len(after))
	}
	out, _, err := runCLI(t, "runs", "--db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, " failed "); n != 3 {
		t.Errorf("runs: %d failed, want 3:\n%s", n, out)
	}
}

// TestSchedulerLeader: two schedulers on one PostgreSQL catalogue. One
// leads and starts the due run (for the workers); the other waits as a
// standby, and takes over when the leader is killed.
func TestSchedulerLeader(t *testing.T) {
	dsn := pgtest.DSN(t)
	bin := buildHarvest(t)
	srv := httptest.NewServer(sitegen.New(sitegen.Options{Pages: 10, Seed: 3}).Handler())
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	conf := fmt.Sprintf("sources:\n  - name: s\n    start_urls: [%q]\n    schedule: \"@every 1s\"\n", srv.URL+"/")
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	a, aOut := startProcess(t, bin, "schedule", "--config", cfg, "--db", dsn)
	waitLog(t, aOut, "scheduler_leader")
	b, bOut := startProcess(t, bin, "schedule", "--config", cfg, "--db", dsn)
	waitLog(t, bOut, "scheduler_standby")
	waitLog(t, aOut, "run_started")
	time.Sleep(1500 * time.Millisecond)
	if strings.Contains(bOut.String(), "scheduler_leader") {
		t.Fatalf("two leaders at once:\n%s\n---\n%s", aOut.String(), bOut.String())
	}
	if !strings.Contains(aOut.String(), "run_skipped") {
		t.Errorf("the leader started a second run of a source whose run is in progress:\n%s", aOut.String())
	}
	_ = a.Process.Kill()
	_ = a.Wait()
	waitLog(t, bOut, "scheduler_leader")
	_ = b.Process.Kill()
	_ = b.Wait()
	out, _, err := runCLI(t, "runs", "--db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 {
		t.Errorf("runs: want the one run started, for the workers:\n%s", out)
	}
}

// waitLog waits for a process's output to show a log message.
func waitLog(t *testing.T, out *syncBuffer, msg string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(out.String(), "msg="+msg) || strings.Contains(out.String(), `"msg":"`+msg+`"`) {
			return
		}
	}
	t.Fatalf("no %s within 20s:\n%s", msg, out.String())
}

// TestServePostgres: a PostgreSQL catalogue serves the API as a SQLite one
// does: the API lists every record the export holds, and a search finds
// them by their words.
func TestServePostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	if _, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--db", dsn, "--delay", "0", "--quiet"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	records := exportJSONL(t, dsn)
	cat, err := openCatalogue(t.Context(), dsn, false)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	api := httptest.NewServer(web.New(cat, slog.New(slog.DiscardHandler)))
	t.Cleanup(api.Close)
	var page struct {
		Publications []harvest.Publication `json:"publications"`
		Total        int                   `json:"total"`
	}
	getJSON(t, api.URL+"/api/publications?limit=500", &page)
	if page.Total != len(records) || len(page.Publications) != len(records) {
		t.Errorf("API lists %d of total %d, export has %d", len(page.Publications), page.Total, len(records))
	}
	getJSON(t, api.URL+"/api/publications?q="+url.QueryEscape(`"forced labour"`), &page)
	if page.Total == 0 {
		t.Error(`search "forced labour" found nothing`)
	}
	for _, p := range page.Publications {
		text := strings.ToLower(p.Title + " " + p.Summary + " " + strings.Join(p.Tags, " ") + " " + strings.Join(p.Categories, " "))
		if !strings.Contains(text, "forced labour") {
			t.Errorf("search \"forced labour\" found %q", p.Title)
		}
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}
