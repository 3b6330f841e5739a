package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"harvest/internal/sitegen"
)

// Usage is what one contestant cost, measured from outside its process.
type Usage struct {
	Wall, User, Sys time.Duration
	MaxRSS          int64 // bytes
}

// CPU is user plus system time.
func (u Usage) CPU() time.Duration { return u.User + u.Sys }

// Run starts cmd, waits for it and measures it. The command's standard
// error is returned too (harvest logs its run summary there).
func Run(cmd *exec.Cmd) (Usage, string, error) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	u := Usage{Wall: time.Since(start)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u.User = time.Duration(ru.Utime.Nano())
			u.Sys = time.Duration(ru.Stime.Nano())
			u.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	if err != nil {
		return u, stderr.String(), fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, tail(stderr.String(), 2000))
	}
	return u, stderr.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// SiteHandler serves a generated site with two extra routes for the
// benchmark: /__bench/counts (the site's request counts as JSON) and
// /__bench/reset.
func SiteHandler(site *sitegen.Site) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/__bench/counts", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(site.Counts())
	})
	mux.HandleFunc("/__bench/reset", func(w http.ResponseWriter, _ *http.Request) {
		site.ResetCounts()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("/", site.Handler())
	return mux
}

// Counts asks a site served by SiteHandler for its counts, resetting them
// when reset is set.
func Counts(ctx context.Context, base string, reset bool) (sitegen.Counts, error) {
	var c sitegen.Counts
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/__bench/counts", nil)
	if err != nil {
		return c, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return c, fmt.Errorf("site counts: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		return c, fmt.Errorf("site counts: %w", err)
	}
	if reset {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/__bench/reset", nil)
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			return c, fmt.Errorf("site reset: %w", err)
		}
		r2.Body.Close()
	}
	return c, nil
}

// StartSite starts the site child process (cmd prints its address on its
// first line of standard output) and returns the address and a stop
// function.
func StartSite(cmd *exec.Cmd) (string, func(), error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start site: %w", err)
	}
	stop := func() {
		stdin.Close() // the site exits when its standard input closes
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("site address: %w", err)
	}
	go io.Copy(io.Discard, out)
	addr := strings.TrimSpace(line)
	if addr == "" {
		stop()
		return "", nil, errors.New("site printed no address")
	}
	return addr, stop, nil
}

// LogRecord finds the last JSON log record with the given message in a
// harvest process's standard error.
func LogRecord(stderr, msg string) map[string]any {
	var found map[string]any
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.Contains(line, `"msg":"`+msg+`"`) {
			continue
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil {
			found = rec
		}
	}
	return found
}
