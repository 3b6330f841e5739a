package main

import (
	"database/sql"
	"math/rand/v2"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"harvest"
	"harvest/internal/bench"
	"harvest/internal/sitegen"
	"harvest/store/postgres/pgtest"
)

// TestCrashSafety kills crawls of a 2,000-page site with SIGKILL at ten
// random moments. After each kill the catalogue passes PRAGMA
// integrity_check and still holds every publication it held before, once;
// the next run completes the catalogue.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills ten crawls of a 2,000-page site")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	crashSafety(t, db, func() { checkIntegrity(t, db) })
}

// TestCrashSafetyPostgres is TestCrashSafety on a PostgreSQL catalogue
// (done-when (d) of the scale-out): each crawl after a kill joins the run
// in progress and takes over the killed process's URLs once their leases
// lapse (--lease 3s).
func TestCrashSafetyPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("kills ten crawls of a 2,000-page site")
	}
	crashSafety(t, pgtest.DSN(t), func() {}, "--lease", "3s")
}

// crashSafety kills ten crawls into db at random moments, checking after
// each kill that no record held before is lost or moved, then lets one
// crawl end and checks the catalogue against the site's truth.
func crashSafety(t *testing.T, db string, integrity func(), extra ...string) {
	bin := buildHarvest(t)
	site := sitegen.New(sitegen.Options{Pages: 2000, Seed: 7, Gzip: true})
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	args := append([]string{"crawl", "--url", srv.URL + "/", "--delay", "0", "--concurrency", "8",
		"--max-pages", "0", "--max-depth", "0", "--db", db, "--quiet"}, extra...)
	rng := rand.New(rand.NewPCG(7, 7))

	held := map[string]int64{} // publication URL -> record id, as recorded so far
	for kill := 1; kill <= 10; kill++ {
		cmd := exec.CommandContext(t.Context(), bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(200+rng.IntN(1300)) * time.Millisecond) // a random moment
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		integrity()
		now := recordsByURL(t, db)
		for u, id := range held {
			if now[u] != id {
				t.Fatalf("kill %d: %s was record %d before, now %d", kill, u, id, now[u])
			}
		}
		held = now
		t.Logf("kill %d: %d publications recorded", kill, len(held))
	}
	if len(held) >= 2000 {
		t.Log("every kill came too late to interrupt anything; the test proved less than it should")
	}
	if _, stderr, err := runCLI(t, args...); err != nil {
		t.Fatalf("the run after the kills: %v\n%s", err, stderr)
	}
	integrity()
	records := exportJSONL(t, db)
	acc := bench.Check(srv.URL, site.Truth(), records)
	if acc.Found != 2000 || acc.Extra != 0 || acc.Exact != 2000 {
		t.Errorf("after the kills and one more run: %d of 2000 found, %d exact, %d extra, wrong %v", acc.Found, acc.Exact, acc.Extra, acc.Wrong)
	}
}

func checkIntegrity(t *testing.T, db string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var res string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
}

// recordsByURL maps every URL of every record to the record's id, failing
// on a URL that belongs to two records.
func recordsByURL(t *testing.T, db string) map[string]int64 {
	t.Helper()
	catalogue, err := openCatalogue(t.Context(), db, false)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	out := map[string]int64{}
	err = catalogue.Each(t.Context(), harvest.Filter{}, func(p harvest.Publication) error {
		for _, u := range append([]string{p.URL}, p.DuplicateURLs...) {
			if prev, ok := out[u]; ok {
				t.Errorf("%s belongs to records %d and %d", u, prev, p.ID)
			}
			out[u] = p.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
