package lockfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestAcquireRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalogue.db.lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	if got, want := l.Path(), path; got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
	pid, err := Holder(path)
	if err != nil {
		t.Fatalf("Holder: %v", err)
	}
	if got, want := pid, os.Getpid(); got != want {
		t.Errorf("Holder = %d, want this process (%d)", got, want)
	}

	// A second lock on the same file fails, even in this process: the
	// lock belongs to the open file, not to the process.
	_, err = Acquire(path)
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second Acquire error = %v, want a *HeldError matching ErrHeld", err)
	}
	if got, want := held.PID, os.Getpid(); got != want {
		t.Errorf("HeldError.PID = %d, want %d", got, want)
	}

	if err := l.Release(); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v, want nil", err)
	}
	if pid, err := Holder(path); err != nil || pid != 0 {
		t.Errorf("Holder after Release = %d, %v; want 0, nil", pid, err)
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if err := l2.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestHolderErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Holder(filepath.Join(dir, "none.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Holder(missing) error = %v, want os.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.lock")
	if err := os.WriteFile(bad, []byte("not a pid\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Holder(bad); err == nil {
		t.Error("Holder(garbage) succeeded, want an error")
	}
}

// TestOtherProcess holds the lock in a child process (this test binary,
// running TestHelperHold) and checks that the error names the child, and
// that the lock is free again once the child is gone, even killed.
func TestOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalogue.db.lock")
	for _, kill := range []bool{false, true} {
		cmd, stdin := startHolder(t, path)
		_, err := Acquire(path)
		var held *HeldError
		if !errors.As(err, &held) {
			t.Fatalf("Acquire while the child holds it: error = %v, want a *HeldError", err)
		}
		if got, want := held.PID, cmd.Process.Pid; got != want {
			t.Errorf("HeldError.PID = %d, want the child's %d (%v)", got, want, err)
		}
		if kill {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		} else {
			stdin.Close() // the child releases and exits
		}
		_ = cmd.Wait()
		l, err := Acquire(path)
		if err != nil {
			t.Fatalf("Acquire after the child exited (killed: %v): %v", kill, err)
		}
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
	}
}

// startHolder starts a child that takes the lock at path and holds it
// until its standard input closes.
func startHolder(t *testing.T, path string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHold$")
	cmd.Env = append(os.Environ(), "LOCKFILE_TEST_HOLD="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v; want \"locked\"", line, err)
	}
	return cmd, stdin
}

// TestHelperHold is the child of TestOtherProcess; it does nothing in a
// normal test run.
func TestHelperHold(t *testing.T) {
	path := os.Getenv("LOCKFILE_TEST_HOLD")
	if path == "" {
		t.Skip("helper process for TestOtherProcess")
	}
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	os.Stdout.WriteString("locked\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := l.Release(); err != nil {
		t.Fatalf("child: %v", err)
	}
}
