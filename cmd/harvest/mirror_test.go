package main

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"harvest"
	"harvest/config"
	"harvest/harvester"
	"harvest/store/sqlite"
)

// TestMirrorDownloads: files land in the source's mirror directory, the
// catalogue remembers them across Mirror instances (runs), and a file
// that fails to fetch keeps its last copy, so its record stays unchanged.
func TestMirrorDownloads(t *testing.T) {
	ctx := t.Context()
	const body = "%PDF-1.4 mirrored"
	var failing atomic.Bool
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte(body))
	}))
	defer srv.Close()

	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "harvest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	src := config.Source{Name: "lib", StartURLs: []string{srv.URL + "/"}, MirrorFiles: true, MirrorDir: filepath.Join(dir, "files"),
		Crawl: config.Crawl{Timeout: 5 * time.Second, MaxFileSize: 1 << 20, UserAgent: "test"}}
	log := slog.New(slog.DiscardHandler)
	p := harvest.Publication{Source: "lib", URL: srv.URL + "/r/1", Title: "R",
		Downloads: []harvest.Download{
			{URL: srv.URL + "/files/r.pdf", Label: "PDF", MediaType: "application/pdf"},
			{URL: "mailto:someone@example.org", Label: "Ask"},
		}}
	sum := sha256.Sum256([]byte(body))
	wantPath := filepath.Join(dir, "files", "sha256", hex.EncodeToString(sum[:1]), hex.EncodeToString(sum[:])+".pdf")

	run := func(name string, want harvest.Outcome) {
		t.Helper()
		m, err := harvester.NewMirror(ctx, src, db, log) // a new Mirror per run, as the daemon does
		if err != nil {
			t.Fatal(err)
		}
		q := p
		q.Downloads = append([]harvest.Download(nil), p.Downloads...)
		if err := harvester.MirrorDownloads(ctx, m, db, log, &q); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := q.Downloads[0]
		if d.SHA256 != hex.EncodeToString(sum[:]) || d.Size != int64(len(body)) || d.LocalPath != wantPath {
			t.Errorf("%s: download = %+v, want sha256 %x, size %d, path %s", name, d, sum, len(body), wantPath)
		}
		if q.Downloads[1].SHA256 != "" {
			t.Errorf("%s: mailto download = %+v, want it left alone", name, q.Downloads[1])
		}
		res, err := db.Save(ctx, q, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != want {
			t.Errorf("%s: Outcome = %q, want %q", name, res.Outcome, want)
		}
	}
	run("first", harvest.OutcomeNew)
	if _, err := os.Stat(wantPath); err != nil {
		t.Fatal(err)
	}
	run("304", harvest.OutcomeUnchanged)
	if got := conditional.Load(); got != 1 {
		t.Errorf("304s = %d, want 1", got)
	}
	failing.Store(true)
	run("failing", harvest.OutcomeUnchanged)

	if m, err := harvester.NewMirror(t.Context(), config.Source{Name: "plain"}, db, log); m != nil || err != nil {
		t.Errorf("harvester.NewMirror(no mirror_files) = %v, %v; want nil, nil", m, err)
	}
}
