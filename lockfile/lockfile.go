// Package lockfile keeps a resource to one process at a time with an
// advisory lock on a file that also names the holder's process id.
//
// The operating system releases the lock when its holder exits, however
// it exits (kill -9 included), so a lock is never left stale: the file
// may remain, with the last holder's PID in it, but the next Acquire
// takes it over.
package lockfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// ErrHeld is matched (errors.Is) by the error Acquire returns when
// another process holds the lock.
var ErrHeld = errors.New("lock held by another process")

// HeldError says who holds a lock that could not be taken.
type HeldError struct {
	Path string
	PID  int // 0 when the lock file names no process (yet)
}

func (e *HeldError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("%s is held by another process", e.Path)
	}
	return fmt.Sprintf("%s is held by process %d", e.Path, e.PID)
}

// Unwrap makes errors.Is(err, ErrHeld) true.
func (e *HeldError) Unwrap() error { return ErrHeld }

// Lock is a lock this process holds.
type Lock struct {
	f *flock.Flock
}

// Acquire takes the lock at path without waiting, creating the file if
// needed, and writes this process's PID into it. When another process
// holds it, the error is a *HeldError naming that process.
func Acquire(path string) (*Lock, error) {
	f := flock.New(path, flock.SetPermissions(0o644))
	ok, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		pid, _ := Holder(path) // unknown is fine: the message says so
		return nil, &HeldError{Path: path, PID: pid}
	}
	// The lock is advisory: it binds the file descriptor flock holds, so
	// the PID may be written through another one.
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, errors.Join(fmt.Errorf("lock %s: write pid: %w", path, err), f.Unlock())
	}
	return &Lock{f: f}, nil
}

// AcquireWait takes the lock at path, waiting (polling every interval)
// while another process holds it, until ctx ends.
func AcquireWait(ctx context.Context, path string, every time.Duration) (*Lock, error) {
	for {
		l, err := Acquire(path)
		if !errors.Is(err, ErrHeld) {
			return l, err
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("wait for %w: %w", err, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// Holder returns the PID written in the lock file at path (the current
// holder's while the lock is held; 0 when the file names none).
func Holder(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("lock %s: %w", path, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return 0, nil
	}
	pid, err := strconv.Atoi(s)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("lock %s: %q is not a process id", path, s)
	}
	return pid, nil
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.f.Path() }

// Release empties the lock file (so that it names no process) and
// releases the lock. The file is not removed: removing a locked file
// lets two processes each lock a different file of the same name.
func (l *Lock) Release() error {
	if !l.f.Locked() {
		return nil
	}
	terr := os.Truncate(l.f.Path(), 0)
	if err := l.f.Unlock(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.f.Path(), err)
	}
	if terr != nil {
		return fmt.Errorf("unlock %s: %w", l.f.Path(), terr)
	}
	return nil
}
