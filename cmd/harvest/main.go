// Command harvest crawls publication resource libraries and keeps a
// deduplicated catalogue of their publications in SQLite.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // schedules name IANA zones; do not depend on the host's database

	"harvest/internal/termsafe"
)

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (s signalCause) Error() string { return "stopped by " + s.sig.String() }

// exitCode is the exit status for err: 0 without one; 128 + the signal's
// number when a signal cancelled the command (130 for SIGINT, 143 for
// SIGTERM), as shells do; 1 for every other failure.
func exitCode(ctx context.Context, err error) int {
	if err == nil {
		return 0
	}
	var sc signalCause
	if errors.Is(err, context.Canceled) && errors.As(context.Cause(ctx), &sc) {
		if n, ok := sc.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return 1
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		// A second signal ends the process at once (the catalogue is
		// safe even then: every write is a transaction).
		signal.Stop(sigs)
		cancel(signalCause{s})
	}()
	err := newRootCmd().ExecuteContext(ctx)
	signal.Stop(sigs)
	if err != nil {
		printError(os.Stderr, err)
	}
	os.Exit(exitCode(ctx, err))
}

// printError prints the error a command ended with. An error can quote
// what a site sent (a URL, a server's message): each of its lines (the
// errors of several sources are joined by line breaks) passes through
// termsafe.
func printError(w io.Writer, err error) {
	fmt.Fprintln(w, "harvest:", termsafe.Lines(err.Error()))
}
