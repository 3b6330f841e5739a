package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"harvest/internal/demosite"
)

// TestExportWhileCrawling reads the catalogue with export again and again
// while a crawl writes it: no reader ever sees "database is locked".
func TestExportWhileCrawling(t *testing.T) {
	site := &slowSite{pages: map[string]int{}}
	srv := httptest.NewServer(site.wrap(demosite.Handler()))
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "busy.db")
	// The first crawl creates the catalogue; the second writes while the
	// exports read.
	if _, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", db, "--quiet", "--max-pages", "5"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", db, "--quiet", "--concurrency", "4")
		done <- err
	}()
	reads := 0
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("crawl: %v", err)
			}
			if reads < 3 {
				t.Errorf("only %d exports ran during the crawl", reads)
			}
			return
		default:
		}
		for _, format := range []string{"jsonl", "csv"} {
			_, stderr, err := runCLI(t, "export", "--db", db, "--format", format)
			if err != nil {
				t.Fatalf("export during a crawl: %v\n%s", err, stderr)
			}
			if strings.Contains(strings.ToLower(stderr), "locked") {
				t.Fatalf("export reported a lock: %s", stderr)
			}
		}
		if _, stderr, err := runCLI(t, "changes", "--db", db, "--since", "1h"); err != nil {
			t.Fatalf("changes during a crawl: %v\n%s", err, stderr)
		}
		reads++
	}
}
