package main

import (
	"database/sql"
	"fmt"
	"harvest"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"harvest/internal/demosite"
	"harvest/store/sqlite"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildHarvest builds the harvest binary once for the tests that kill it.
func buildHarvest(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "harvest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "harvest")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// slowSite serves the demo site slowly and counts the page requests it
// answers, telling the test when a number of them have been served.
type slowSite struct {
	mu     sync.Mutex
	pages  map[string]int
	served int
	at     int
	reach  chan struct{}
}

func (s *slowSite) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // a slow site, so that the kill lands mid-crawl
		next.ServeHTTP(w, r)
		if strings.HasSuffix(r.URL.Path, ".xml") || r.URL.Path == "/robots.txt" {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.pages[r.URL.Path]++
		s.served++
		if s.served == s.at && s.reach != nil {
			close(s.reach)
			s.reach = nil
		}
	})
}

func (s *slowSite) reset() (served int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	served, s.served = s.served, 0
	s.pages = map[string]int{}
	return served
}

// TestResumeAfterKill kills a crawl with SIGKILL mid-way; the next run
// continues from the frontier in the catalogue, and the catalogue ends
// complete, intact and without duplicates.
func TestResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the harvest binary")
	}
	bin := buildHarvest(t)
	// The test keeps its own copy of the channel: the handler clears
	// site.reach under site.mu once it closes it, so reading the field
	// here, while the server runs, would race with that write.
	reached := make(chan struct{})
	site := &slowSite{pages: map[string]int{}, at: 25, reach: reached}
	srv := httptest.NewServer(site.wrap(demosite.Handler()))
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "resume.db")
	args := []string{"crawl", "--url", srv.URL + "/", "--delay", "0", "--concurrency", "2", "--db", db, "--quiet"}

	cmd := exec.CommandContext(t.Context(), bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the crawl never reached 25 pages")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no chance to clean up
		t.Fatal(err)
	}
	_ = cmd.Wait()
	before := site.reset()

	if _, stderr, err := runCLI(t, args...); err != nil {
		t.Fatalf("resumed crawl: %v\n%s", err, stderr)
	}
	after := site.reset()

	// Run the same crawl uninterrupted, for the number of pages a whole
	// crawl fetches.
	whole := filepath.Join(t.TempDir(), "whole.db")
	if _, _, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", whole, "--quiet"); err != nil {
		t.Fatal(err)
	}
	total := site.reset()
	if after >= total {
		t.Errorf("the resumed run fetched %d pages, a whole crawl %d: it started over instead of resuming (%d before the kill)", after, total, before)
	}

	checkAgainstTruth(t, srv.URL, exportJSONL(t, db), demosite.Truth(), demosite.ListingPaths())

	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var integrity string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
	catalogue, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	runs, err := catalogue.Runs(t.Context(), "")
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs = %+v, %v; want the killed one and the resumed one", runs, err)
	}
	if runs[0].ResumedFrom != runs[1].ID || runs[0].Status != harvest.RunOK {
		t.Errorf("last run = %+v, want an ok run resumed from run %d", runs[0], runs[1].ID)
	}
	if runs[1].Status != harvest.RunRunning {
		t.Errorf("killed run status = %q, want running (it never finished)", runs[1].Status)
	}
	if _, _, ok, _ := catalogue.LoadFrontier(t.Context(), runs[0].Source); ok {
		t.Error("the frontier is still there after the resumed run completed")
	}
}
