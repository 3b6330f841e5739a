// Package postgres is the PostgreSQL catalogue: the same records, runs,
// page memory, search and removal rules as store/sqlite, for many
// harvest processes on many machines at once, and the shared frontier
// their workers crawl from. It knows no HTML.
package postgres

import (
	"context"
	"fmt"
	"harvest/store/internal/counts"
	"net/url"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a catalogue in a PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	name string // the DSN without its password, for messages

	// counts caches query totals for the current catalogue version.
	counts counts.Cache

	// held are the connections holding source locks (LockSource), closed
	// by Close: the pool's Close waits for every connection taken from it.
	mu   sync.Mutex
	held map[*pgxpool.Conn]bool
}

// IsDSN reports whether target names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsDSN(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open connects to the database at dsn and brings its schema up to date
// (under an advisory lock: processes starting together migrate once).
func Open(ctx context.Context, dsn string) (*DB, error) {
	name := Redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open catalogue %s: %w", name, err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open catalogue %s: %w", name, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", name, err)
	}
	db := &DB{pool: pool, name: name}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", name, err)
	}
	return db, nil
}

// Redact returns dsn without its password.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// String names the catalogue: its DSN without the password.
func (db *DB) String() string { return db.name }

// Pool is the connection pool, for the shared frontier and tests.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool, releasing the source locks still held.
func (db *DB) Close() error {
	db.mu.Lock()
	for conn := range db.held {
		conn.Hijack().Close(context.Background())
	}
	db.held = nil
	db.mu.Unlock()
	db.pool.Close()
	return nil
}

// Analyze refreshes the planner's statistics. PostgreSQL's autovacuum does
// it as tables grow, but not at once: after a bulk load (harvest bench
// catalogue) the planner would go on reading the stale ones, and a search
// that should stop after its window scans every match.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze %s: %w", db.name, err)
	}
	return nil
}
