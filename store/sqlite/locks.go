package sqlite

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"harvest"
	"harvest/lockfile"
)

var nonName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// SourceLockPath is the lock file that keeps one run of a source at a
// time on the catalogue at path, whichever process starts it.
func SourceLockPath(path, source string) string {
	return path + ".source-" + strings.Trim(nonName.ReplaceAllString(source, "-"), "-") + ".lock"
}

// LockSource takes the source's run lock (a lock file beside the
// catalogue), waiting for it when wait is set.
func (db *DB) LockSource(ctx context.Context, source string, wait bool) (func() error, error) {
	path := SourceLockPath(db.path, source)
	var (
		lock *lockfile.Lock
		err  error
	)
	if wait {
		lock, err = lockfile.AcquireWait(ctx, path, time.Second)
	} else {
		lock, err = lockfile.Acquire(path)
	}
	if errors.Is(err, lockfile.ErrHeld) {
		return nil, fmt.Errorf("%w: %w", harvest.ErrSourceBusy, err)
	}
	if err != nil {
		return nil, fmt.Errorf("lock source %s: %w", source, err)
	}
	return lock.Release, nil
}

// String names the catalogue: its path.
func (db *DB) String() string { return db.path }

var _ harvest.Catalogue = (*DB)(nil)
