package main

import (
	"bytes"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"harvest/crawler"
	"harvest/harvester"
	"harvest/internal/demosite"
	"harvest/store/sqlite"
)

// unwritableDir is a folder this process may not write in: a folder
// without write permission, or /proc for root (whom permissions do not
// stop).
func unwritableDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		dir := filepath.Join(t.TempDir(), "locked")
		if err := os.Mkdir(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return dir
	}
	if runtime.GOOS != "linux" {
		t.Skip("running as root: no folder is unwritable here")
	}
	return "/proc"
}

// TestFirstUseMessages: the messages a new user meets when something is
// missing or mistyped say what is wrong and what to do, and a failed
// command creates nothing.
func TestFirstUseMessages(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"crawl without config.yaml", []string{"crawl"}, []string{"no config.yaml in this folder", "--url URL", "--config FILE", "harvest init URL"}},
		{"crawl --config missing", []string{"crawl", "--config", "elsewhere.yaml"}, []string{"elsewhere.yaml"}},
		{"missing folder", []string{"crawl", "--url", "http://127.0.0.1:1/", "--db", filepath.Join(dir, "no", "such", "x.db")},
			[]string{"folder " + filepath.Join(dir, "no", "such") + " does not exist"}},
		{"unwritable folder", []string{"crawl", "--url", "http://127.0.0.1:1/", "--db", filepath.Join(unwritableDir(t), "x.db")},
			[]string{"permission denied", "you may not write in folder"}},
		{"a folder for a file", []string{"export", "--db", dir}, []string{"is a folder", "--db wants a file"}},
		{"missing catalogue", []string{"export"}, []string{"catalogue harvest.db does not exist", "harvest crawl --url URL"}},
		{"bare port", []string{"serve", "--addr", "8897", "--db", "x.db"}, []string{`--addr "8897": want host:port, such as 127.0.0.1:8897`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			if err == nil {
				t.Fatalf("harvest %v succeeded, want an error", tt.args)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("harvest %v: error %q lacks %q", tt.args, err, w)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Error("a --db in a missing folder created the folder")
	}

	// With exactly one catalogue in the folder, a missing default
	// catalogue names it.
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "example.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.WriteFile(filepath.Join(dir, "notes.db"), []byte("not a catalogue"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"export", "runs", "changes", "serve"} {
		_, _, err := runCLI(t, cmd)
		if err == nil || !strings.Contains(err.Error(), "example.db is the catalogue in this folder: add --db example.db") {
			t.Errorf("harvest %s: error = %v, want it to name example.db", cmd, err)
		}
	}
}

// TestUnknownSourceEverywhere: a --source that names nothing is an error
// wherever a source is named, listing the known ones.
func TestUnknownSourceEverywhere(t *testing.T) {
	_, db := crawlDemo(t)
	sources, _, err := runCLI(t, "runs", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Fields(strings.Split(sources, "\n")[1])[1]
	for _, args := range [][]string{
		{"export", "--db", db, "--source", "nope"},
		{"changes", "--db", db, "--source", "nope"},
		{"runs", "--db", db, "--source", "nope"},
		{"runs", "--db", db, "--source", name, "--source", "nope"},
	} {
		out, _, err := runCLI(t, args...)
		if err == nil || !strings.Contains(err.Error(), `--source "nope": unknown source (known: 127.0.0.1-`) || out != "" {
			t.Errorf("harvest %v = %q, %v; want nothing and an error listing the known sources", args, out, err)
		}
	}
	// runs takes --source more than once, like export and changes.
	out, _, err := runCLI(t, "runs", "--db", db, "--source", name, "--source", name)
	if err != nil || strings.Count(out, "\n") != 2 {
		t.Errorf("runs --source %s twice: %v\n%s", name, err, out)
	}
}

// TestFlagsWhereTheyMeanSomething: -v (log every page) is a flag of the
// commands that fetch pages only; --version and version print the build.
func TestFlagsWhereTheyMeanSomething(t *testing.T) {
	for _, cmd := range []string{"export", "runs", "serve", "changes"} {
		if _, _, err := runCLI(t, cmd, "-v", "--help"); err == nil || !strings.Contains(err.Error(), "unknown shorthand flag: 'v'") {
			t.Errorf("harvest %s -v: error = %v, want -v unknown", cmd, err)
		}
	}
	for _, cmd := range []string{"crawl", "demo", "schedule", "bench", "init"} {
		if _, _, err := runCLI(t, cmd, "-v", "--help"); err != nil {
			t.Errorf("harvest %s -v --help: %v", cmd, err)
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, _, err := runCLI(t, args...)
		if err != nil || !strings.HasPrefix(out, "harvest ") || !strings.Contains(out, "go1.") {
			t.Errorf("harvest %v = %q, %v; want the version", args, out, err)
		}
	}
	help, _, err := runCLI(t, "crawl", "--help")
	if err != nil || !strings.Contains(help, "| harvest crawl --url URL") {
		t.Errorf("crawl usage = %q, want both forms to start with harvest", help)
	}
}

// TestExtractRefusesBinaryFiles: a file that is not a web page gets an
// error that says so, not advice about --url.
func TestExtractRefusesBinaryFiles(t *testing.T) {
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.html")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI(t, "extract", pdf)
	if err == nil || !strings.Contains(stderr, "is not an HTML page (it reads as application/pdf)") || strings.Contains(stderr, "--url") {
		t.Errorf("extract on a PDF: %v\n%s\nwant an error saying it is no HTML page, without --url advice", err, stderr)
	}
	out, _, err := runCLIInput(t, "<html><head><title>From stdin</title></head><body><h1>From stdin</h1></body></html>", "extract", "--url", "https://x.example/a/", "-")
	if err != nil || !strings.Contains(out, `"title":"From stdin"`) {
		t.Errorf("extract - = %q, %v; want the page read from standard input", out, err)
	}
}

// TestDemoRemovesItsTemporaryCatalogue: without --db the demo's catalogue
// is gone when it ends; with --db it stays.
func TestDemoRemovesItsTemporaryCatalogue(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	out, stderr, err := runCLI(t, "demo", "--quiet")
	if err != nil {
		t.Fatalf("harvest demo: %v\n%s", err, stderr)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "harvest-demo-*"))
	if len(left) != 0 {
		t.Errorf("demo left %v behind", left)
	}
	if !strings.Contains(out, "harvest demo --db demo.db keeps one") {
		t.Errorf("demo output does not say how to keep the catalogue:\n%s", out)
	}
}

// TestServeAddresses: an address on every interface is printed as a URL
// one can open; a port in use is said so (not a usage error).
func TestServeAddresses(t *testing.T) {
	ln, link, err := listen("--addr", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if want := "http://127.0.0.1:" + strconv.Itoa(port) + "/"; link != want {
		t.Errorf("listen(:0) URL = %q, want %q", link, want)
	}
	_, _, err = listen("--addr", "127.0.0.1:"+strconv.Itoa(port))
	if err == nil || !strings.Contains(err.Error(), "the port is in use") || strings.HasPrefix(err.Error(), "usage:") {
		t.Errorf("listen on a port in use: %v, want a plain error saying the port is in use", err)
	}
}

// TestProgressText: the progress line counts with the right nouns and
// shows no rate before there is one; the estimate, once the sitemaps are
// read, names the URLs known and the time the delay implies.
func TestProgressText(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(progressNone, &out, slog.New(slog.DiscardHandler), crawler.Options{Source: "wp", Delay: time.Second})
	if got, want := p.line(crawler.Stats{Pages: 1, Publications: 1, Queued: 3, Errors: 0}), "wp: 1 page, 1 publication, 3 queued, 0 errors"; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if got := p.line(crawler.Stats{}); strings.Contains(got, "/s") || strings.Contains(got, "/hr") {
		t.Errorf("line with nothing done shows a rate: %q", got)
	}
	p.start = time.Now().Add(-10 * time.Second)
	if got := p.line(crawler.Stats{Pages: 81}); !strings.HasSuffix(got, ", 8.1 pages/s") {
		t.Errorf("line = %q, want the rate 8.1 pages/s", got)
	}

	var logs bytes.Buffer
	p = newProgress(progressLog, &out, slog.New(slog.NewTextHandler(&logs, nil)), crawler.Options{Source: "wp", Delay: time.Second, MaxPages: 10000})
	p.Update(crawler.Stats{Pages: 1, Sitemaps: 1, SitemapsQueued: 2, Queued: 40})
	if strings.Contains(logs.String(), "crawl_estimate") {
		t.Errorf("estimate given while sitemaps are still queued: %s", logs.String())
	}
	p.Update(crawler.Stats{Pages: 3, Sitemaps: 3, Queued: 329})
	p.Update(crawler.Stats{Pages: 4, Sitemaps: 3, Queued: 330})
	if got := strings.Count(logs.String(), "crawl_estimate"); got != 1 {
		t.Fatalf("%d estimates, want 1:\n%s", got, logs.String())
	}
	for _, want := range []string{"332 URLs known from the sitemaps", "about 5m32s", "--delay 0"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("estimate lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestProgressLogWhenNotATerminal: when standard error is not a terminal
// a crawl logs a progress record every progressLogEvery.
func TestProgressLogWhenNotATerminal(t *testing.T) {
	old := progressLogEvery
	progressLogEvery = 0
	t.Cleanup(func() { progressLogEvery = old })
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "c.db")
	_, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", db)
	if err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	if n := strings.Count(stderr, "msg=crawl_progress"); n < 5 {
		t.Errorf("%d progress records, want one per fetch with progressLogEvery 0:\n%.2000s", n, stderr)
	}
	for _, want := range []string{"source=127.0.0.1-", "pages=", "publications=", "queued=", "pages_per_second="} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress records lack %s", want)
		}
	}
	if !strings.Contains(stderr, "msg=run_finished") {
		t.Error("no run_finished record")
	}
	if !strings.Contains(stderr, "msg=crawl_estimate") {
		t.Error("no crawl_estimate record")
	}
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "run_finished") {
			for _, f := range strings.Fields(line) {
				if v, ok := strings.CutPrefix(f, "seconds="); ok && len(v) > 6 {
					t.Errorf("run_finished seconds=%s: want it rounded", v)
				}
			}
		}
	}
}

func TestTidyNote(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"resumed run 3", "", "resumed run 3"},
		{"resumed run 3", "2 pages failed; ", "resumed run 3; 2 pages failed"},
		{"", " cancelled;", "cancelled"},
	} {
		if got := harvester.JoinNote(tt.a, tt.b); got != tt.want {
			t.Errorf("harvester.JoinNote(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
	if got := roundDuration(6*time.Minute + 19771*time.Millisecond); got.String() != "6m20s" {
		t.Errorf("roundDuration = %s, want 6m20s", got)
	}
}
