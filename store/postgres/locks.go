package postgres

import (
	"context"
	"fmt"
	"sync"

	"harvest"
)

// sourceLockKey is the session advisory lock key of a source's run lock.
const sourceLockKey = `hashtextextended('harvest-source:' || $1, 0)`

// LockSource takes the source's run lock: a session advisory lock held on
// a connection taken from the pool for as long as the lock is held, so
// that it is released when unlocked, or when the process holding it dies
// and its connection closes. With wait set it waits for the lock (until
// ctx is done); without, a lock held elsewhere is ErrSourceBusy.
func (db *DB) LockSource(ctx context.Context, source string, wait bool) (func() error, error) {
	source = pgText(source)
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock source %s: %w", source, err)
	}
	if wait {
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+sourceLockKey+`)`, source); err != nil {
			// The wait was cut (ctx) or failed: the connection is closed
			// rather than returned, so that no lock it might have been
			// granted meanwhile outlives this call.
			conn.Hijack().Close(context.Background())
			return nil, fmt.Errorf("lock source %s: %w", source, err)
		}
	} else {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+sourceLockKey+`)`, source).Scan(&ok); err != nil {
			conn.Hijack().Close(context.Background())
			return nil, fmt.Errorf("lock source %s: %w", source, err)
		}
		if !ok {
			conn.Release()
			return nil, fmt.Errorf("lock source %s: %w", source, harvest.ErrSourceBusy)
		}
	}
	var once sync.Once
	var unlockErr error
	return func() error {
		once.Do(func() {
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
