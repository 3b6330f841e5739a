package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"harvest"
)

// sourceLockKey is the session advisory lock key of a source's run lock.
const sourceLockKey = `hashtextextended('harvest-source:' || $1, 0)`

// lockPoll is how often a waiting LockSource tries the lock again.
const lockPoll = 250 * time.Millisecond

// LockSource takes the source's run lock: a session advisory lock held on
// a connection taken from the pool for as long as the lock is held, so
// that it is released when unlocked, or when the process holding it dies
// and its connection closes. With wait set it waits for the lock (until
// ctx is done), trying it every lockPoll; without, a lock held elsewhere
// is ErrSourceBusy.
func (db *DB) LockSource(ctx context.Context, source string, wait bool) (func() error, error) {
	source = pgText(source)
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock source %s: %w", source, err)
	}
	for {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+sourceLockKey+`)`, source).Scan(&ok); err != nil {
			// Closed rather than returned to the pool, so that no lock
			// it might hold outlives this call.
			conn.Hijack().Close(context.Background())
			return nil, fmt.Errorf("lock source %s: %w", source, err)
		}
		if ok {
			break
		}
		if !wait {
			conn.Release()
			return nil, fmt.Errorf("lock source %s: %w", source, harvest.ErrSourceBusy)
		}
		// Waiting polls rather than blocking in pg_advisory_lock: a
		// blocked wait cut by ctx would leave a server process waiting
		// until it notices its connection closed, and taking the lock
		// meanwhile.
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, fmt.Errorf("lock source %s: %w", source, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
	db.mu.Lock()
	if db.held == nil {
		db.held = map[*pgxpool.Conn]bool{}
	}
	db.held[conn] = true
	db.mu.Unlock()
	var once sync.Once
	var unlockErr error
	return func() error {
		once.Do(func() {
			db.mu.Lock()
			held := db.held[conn]
			delete(db.held, conn)
			db.mu.Unlock()
			if !held {
				return // closed by Close: the lock went with its session
			}
			var released bool
			err := conn.QueryRow(context.Background(), `SELECT pg_advisory_unlock(`+sourceLockKey+`)`, source).Scan(&released)
			if err != nil || !released {
				// Closing the session releases its locks whatever happened.
				conn.Hijack().Close(context.Background())
				if err == nil {
					err = fmt.Errorf("lock was not held")
				}
				unlockErr = fmt.Errorf("unlock source %s: %w", source, err)
				return
			}
			conn.Release()
		})
		return unlockErr
	}, nil
}

var _ harvest.Catalogue = (*DB)(nil)
