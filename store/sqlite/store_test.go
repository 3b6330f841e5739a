package sqlite

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"harvest"
)

// openTest opens a fresh catalogue in a temporary directory and closes it
// when the test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "harvest.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// pub is a publication of source at url (its own canonical URL) with the
// given title and download files.
func pub(source, url, title string, files ...string) harvest.Publication {
	p := harvest.Publication{Source: source, URL: url, CanonicalURL: url, Title: title}
	for _, f := range files {
		p.Downloads = append(p.Downloads, harvest.Download{URL: f, Label: "Download", MediaType: "application/pdf"})
	}
	return p
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestOpenTwice(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "sub dir", "cat?alogue.db")
	// Open never creates a folder.
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("Open in a missing folder: %v, want an error", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatal("Open created the missing folder")
	}
	if err := os.Mkdir(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Save(ctx, pub("s", "https://ex.org/a", "A"), t0); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer db.Close()
	n, err := db.Count(ctx, harvest.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, 1; got != want {
		t.Errorf("Count after reopen = %d, want %d", got, want)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var applied int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if got, want := applied, len(ms); got != want {
		t.Errorf("schema_migrations rows = %d, want %d", got, want)
	}
	var mode string
	if err := db.read.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if got, want := mode, "wal"; got != want {
		t.Errorf("journal_mode = %q, want %q", got, want)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "harvest.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future.sql', '2030-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("Open of a newer schema succeeded")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open error = %v, want ErrSchemaTooNew", err)
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		if db, err := Open(t.Context(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

func TestGetNotFound(t *testing.T) {
	db := openTest(t)
	_, err := db.Get(t.Context(), 42)
	if !errors.Is(err, harvest.ErrNotFound) {
		t.Errorf("Get(42) error = %v, want ErrNotFound", err)
	}
}
