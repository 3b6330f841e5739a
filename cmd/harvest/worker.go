package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/config"
	"harvest/harvester"
)

// workerPoll is how often an idle worker looks for runs to join.
const workerPoll = 2 * time.Second

func newWorkerCmd(a *app) *cobra.Command {
	var (
		db          string
		concurrency int
		exitIdle    bool
		lease       time.Duration
	)
	cmd := &cobra.Command{
		Use:   "worker --db postgres://… [--concurrency N] [--exit-when-idle]",
		Short: "Crawl the runs in progress of a PostgreSQL catalogue, with any number of other workers",
		Long: `Join the runs in progress of a PostgreSQL catalogue (started by harvest crawl or
by harvest schedule) and crawl them with the other workers, on this machine
or others, until stopped (SIGINT, SIGTERM): URLs are leased one by one from
the run's frontier in the database, each host keeps its delay across all
workers, and robots.txt is read once for all. A worker takes the run with the
fewest workers first; the worker that finds a run's frontier drained ends the
run (removals, the run's record). A worker that is stopped or killed loses
nothing: its leases lapse (--lease) and the others take its URLs.

The sources' configuration travels with the run: a worker needs no
configuration file. With --exit-when-idle the worker exits once no run is in
progress.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if concurrency < 0 || concurrency > 256 {
				return usageError("--concurrency %d: want 1 to 256 (0: each source's own)", concurrency)
			}
			if lease < 3*time.Second {
				return usageError("--lease %v: want at least 3s", lease)
			}
			softMemoryLimit()
			cat, runs, err := openShared(ctx, db, "worker")
			if err != nil {
				return err
			}
			defer cat.Close()
			w := harvester.Worker{Runs: runs, Owner: harvester.NewOwner(), Lease: lease}
			a.log.Info("worker_starting", "db", cat.String(), "worker", w.Owner)
			return work(ctx, a, cat, w, concurrency, exitIdle)
		},
	}
	a.addVerbose(cmd)
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "PostgreSQL catalogue (postgres://user@host/db)")
	fl.IntVar(&concurrency, "concurrency", 0, "requests in flight at once (default: each source's concurrency)")
	fl.BoolVar(&exitIdle, "exit-when-idle", false, "exit once no run is in progress")
	fl.DurationVar(&lease, "lease", harvester.DefaultLease, "how long this worker's URLs stay leased if it dies (renewed every third of it while alive)")
	return cmd
}

// openShared opens the PostgreSQL catalogue a shared command needs.
func openShared(ctx context.Context, db, command string) (harvest.Catalogue, harvest.SharedRuns, error) {
	if db == "" {
		return nil, nil, usageError("%s needs --db postgres://… (a PostgreSQL catalogue that many processes share)", command)
	}
	cat, err := openCatalogue(ctx, db, true)
	if err != nil {
		return nil, nil, err
	}
	runs, ok := cat.(harvest.SharedRuns)
	if !ok {
		cat.Close()
		return nil, nil, usageError("%s: --db %s is a SQLite catalogue, which one process crawls at a time; %s needs a postgres:// catalogue", command, db, command)
	}
	return cat, runs, nil
}

// work joins runs in progress until ctx ends (or, with exitIdle, until
// none is left).
func work(ctx context.Context, a *app, cat harvest.Catalogue, w harvester.Worker, concurrency int, exitIdle bool) error {
	h := &harvester.Harvester{DB: cat, Log: a.log, Worker: w}
	// Workers started together would all pick the same run first: a
	// short random pause spreads them over the runs in progress.
	if err := sleepCtx(ctx, time.Duration(rand.Int64N(int64(500*time.Millisecond)))); err != nil {
		return nil
	}
	for {
		active, err := w.Runs.ActiveRuns(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if len(active) == 0 {
			if exitIdle {
				a.log.Info("worker_idle", "worker", w.Owner)
				return nil
			}
			if err := sleepCtx(ctx, workerPoll); err != nil {
				return nil
			}
			continue
		}
		run := active[0]
		src, err := harvester.SourceOf(run)
		if err != nil {
			return err
		}
		if err := h.Configure(ctx, []config.Source{src}); err != nil {
			return err
		}
		opts := harvester.SourceOptions(src, a.log)
		if concurrency > 0 {
			opts.Concurrency = concurrency
		}
		rep, err := h.CrawlShared(ctx, w, run, opts)
		var cancelled *harvester.CancelledError
		switch {
		case errors.As(err, &cancelled) || ctx.Err() != nil:
			a.log.Info("worker_stopped", "worker", w.Owner, "run", run.ID)
			return nil
		case err != nil:
			// One run that failed this worker (its site, its frontier)
			// does not stop it: the run goes on with the others.
			a.log.Error("worker_run_failed", "worker", w.Owner, "run", run.ID, "source", run.Source, "error", err)
			if err := sleepCtx(ctx, workerPoll); err != nil {
				return nil
			}
		default:
			if rep.Run.Status != "" && rep.Run.Status != harvest.RunRunning {
				fmt.Fprintln(a.out, summary(rep))
			}
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
