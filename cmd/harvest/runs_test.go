package main

import (
	"bytes"
	"harvest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunsCommand(t *testing.T) {
	base, db := crawlDemo(t)
	if _, stderr, err := runCLI(t, "crawl", "--url", base+"/", "--delay", "0", "--db", db, "--quiet"); err != nil {
		t.Fatalf("second crawl: %v\n%s", err, stderr)
	}
	out, stderr, err := runCLI(t, "runs", "--db", db)
	if err != nil {
		t.Fatalf("harvest runs: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("harvest runs printed %d lines, want a header and 2 runs:\n%s", len(lines), out)
	}
	header := lines[0]
	for _, col := range []string{"ID", "SOURCE", "STARTED", "DURATION", "PAGES", "NOT-MODIFIED", "LASTMOD-SKIPPED", "NEW", "CHANGED", "UNCHANGED", "REMOVED", "DUPLICATES", "ERRORS", "STATUS", "NOTE"} {
		if !strings.Contains(" "+header+" ", " "+col+" ") {
			t.Errorf("header %q has no column %s", header, col)
		}
	}
	// Newest first: the recrawl found nothing new.
	newest, oldest := lines[1], lines[2]
	if cell(header, newest, "ID") != "2" || cell(header, oldest, "ID") != "1" {
		t.Errorf("run ids %s, %s; want 2 then 1", cell(header, newest, "ID"), cell(header, oldest, "ID"))
	}
	if cell(header, oldest, "NEW") == "0" || cell(header, oldest, "STATUS") != harvest.RunOK {
		t.Errorf("first run row = %q, want new publications and status ok", oldest)
	}
	if cell(header, newest, "NEW") != "0" || cell(header, newest, "UNCHANGED") == "0" || cell(header, newest, "STATUS") != harvest.RunOK {
		t.Errorf("second run row = %q, want nothing new, every publication unchanged, status ok", newest)
	}

	out, _, err = runCLI(t, "runs", "--db", db, "--limit", "1")
	if err != nil || strings.Count(out, "\n") != 2 {
		t.Errorf("runs --limit 1: %v\n%s\nwant a header and one run", err, out)
	}
	out, _, err = runCLI(t, "runs", "--db", db, "--source", "nope")
	if err == nil || out != "" || !strings.Contains(err.Error(), `--source "nope": unknown source`) {
		t.Errorf("runs --source nope = %q, %v; want an unknown-source error", out, err)
	}
	if _, _, err := runCLI(t, "runs", "--db", filepath.Join(t.TempDir(), "none.db")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("runs on a missing catalogue: error = %v, want does not exist", err)
	}
	if _, _, err := runCLI(t, "runs", "--db", db, "--limit", "-1"); err == nil || !strings.Contains(err.Error(), "--limit") {
		t.Errorf("runs --limit -1: error = %v, want a usage error", err)
	}
}

func TestPrintRuns(t *testing.T) {
	started := time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)
	runs := []harvest.Run{
		{ID: 7, Source: "respect", Started: started, Status: harvest.RunRunning},
		{ID: 6, Source: "respect", Started: started.Add(-time.Hour), Finished: started.Add(-time.Hour + 95*time.Second),
			Pages: 120, NotModified: 90, SkippedLastmod: 10, New: 3, Changed: 2, Unchanged: 100, Removed: 5, Duplicates: 1, Errors: 4,
			Status: harvest.RunPartial, Note: "4 pages\tfailed\n(see the log)"},
	}
	var b bytes.Buffer
	if err := printRuns(&b, runs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("printed %d lines, want 3:\n%s", len(lines), b.String())
	}
	header, running, finished := lines[0], lines[1], lines[2]
	want := map[string]string{
		"ID": "7", "SOURCE": "respect", "STARTED": started.Local().Format("2006-01-02"), "DURATION": "-",
		"PAGES": "0", "NEW": "0", "ERRORS": "0", "STATUS": "running",
	}
	for col, w := range want {
		if got := cell(header, running, col); got != w {
			t.Errorf("running row: %s = %q, want %q", col, got, w)
		}
	}
	if got, want := cell(header, finished, "DURATION"), "1m35s"; got != want {
		t.Errorf("finished row: DURATION = %q, want %q", got, want)
	}
	for col, w := range map[string]string{"PAGES": "120", "NOT-MODIFIED": "90", "LASTMOD-SKIPPED": "10", "NEW": "3",
		"CHANGED": "2", "UNCHANGED": "100", "REMOVED": "5", "DUPLICATES": "1", "ERRORS": "4", "STATUS": "partial"} {
		if got := cell(header, finished, col); got != w {
			t.Errorf("finished row: %s = %q, want %q", col, got, w)
		}
	}
	if got, want := finished[strings.Index(header, "NOTE"):], "4 pages failed (see the log)"; got != want {
		t.Errorf("finished row: NOTE = %q, want %q (on one line)", got, want)
	}
}

// cell returns the first word of row under the header's column name
// (tabwriter aligns every column with its header).
func cell(header, row, name string) string {
	i := strings.Index(" "+header+" ", " "+name+" ")
	if i < 0 || i > len(row) {
		return ""
	}
	if f := strings.Fields(row[i:]); len(f) > 0 {
		return f[0]
	}
	return ""
}
