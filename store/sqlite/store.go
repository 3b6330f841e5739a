// Package store keeps the catalogue in SQLite. It knows no HTML.
//
// A catalogue is one SQLite file in WAL mode. Writes go through a pool of
// one connection (one writer, each Save one transaction); reads go through
// a separate pool, so a long Each can stream while a crawl saves. The
// schema is created and migrated on Open by the embedded migrations.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"harvest/store/internal/counts"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3"
)

// DB is an open catalogue. It is safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: the only writer
	read  *sql.DB // readers; query-only connections
	// counts caches query totals for the current catalogue version.
	counts counts.Cache
	// saves carries SavePage calls to the one goroutine that writes them,
	// several to a transaction (see saver); quit stops it.
	saves     chan saveRequest
	quit      chan struct{}
	saverDone chan struct{}
	closeOnce sync.Once
}

// Per-connection settings, applied by the driver to every new connection.
const (
	writeParams = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_txlock=immediate&_synchronous=NORMAL&_stmt_cache_size=32"
	readParams  = "_busy_timeout=5000&_foreign_keys=on&_txlock=deferred&_query_only=on&_stmt_cache_size=16"
)

// Open opens the catalogue at path, creating the file if needed (its
// folder must exist: Open never creates one), and brings its schema up to
// date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("open catalogue %q: a file path is required", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	if _, err := os.Stat(filepath.Dir(abs)); err != nil {
		return nil, fmt.Errorf("open catalogue %s: folder: %w", path, err)
	}

	write, err := sql.Open("sqlite3", dsn(abs, writeParams))
	if err != nil {
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}

	// The read pool opens after the migrations so that its connections
	// find the file already in WAL mode.
	read, err := sql.Open("sqlite3", dsn(abs, readParams))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(5 * time.Minute)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	db := &DB{path: path, write: write, read: read,
		saves: make(chan saveRequest), quit: make(chan struct{}), saverDone: make(chan struct{})}
	go db.saver()
	return db, nil
}

// dsn builds a file: URI for the driver, so that any character in the
// path (a '?', a space) reaches SQLite escaped.
func dsn(abs, params string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: params}
	if u.Path != "" && u.Path[0] != '/' { // a Windows drive letter
		u.Path = "/" + u.Path
	}
	return u.String()
}

// Path is the catalogue file's path, as given to Open.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.quit)
		<-db.saverDone
	})
	err := errors.Join(db.read.Close(), db.write.Close())
	if err != nil {
		return fmt.Errorf("close catalogue %s: %w", db.path, err)
	}
	return nil
}

// timeLayout is how times are stored: UTC, to the second, sortable as text.
const timeLayout = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t.UTC().Truncate(time.Second), nil
}
