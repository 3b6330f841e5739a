package main

import (
	"context"
	"errors"
	"fmt"
	"harvest"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"harvest/config"
	"harvest/crawler"
	"harvest/harvester"
	"harvest/lockfile"
	"harvest/store/postgres"
	"harvest/web"
)

// stopTimeout bounds the wait for in-flight runs once the daemon is told
// to stop. Cancelled runs end within a second or two; this only guards
// against one that does not.
const stopTimeout = 8 * time.Second

func newScheduleCmd(a *app) *cobra.Command {
	var (
		configPath, db, serveAddr string
		once, confirmRemovals     bool
		crawlToo                  bool
	)
	cmd := &cobra.Command{
		Use:   "schedule [--config FILE] [--db PATH] [--once] [--serve ADDR]",
		Short: "Crawl each configured source on its schedule, until stopped",
		Long: `Run until stopped (SIGINT, SIGTERM), crawling each source of the configuration
on its schedule: a cron spec ("0 3 * * 1", five fields) or a descriptor
(@daily, @weekly, @every 6h), in the source's timezone, after a random pause of
up to its jitter. A run still going when the next is due is skipped, and the
skip logged. Sources without a schedule are not crawled.

One harvest schedule runs per catalogue: a lock next to it (<db>.lock) names
the process that holds it. With --once, every source that has a schedule is
crawled once, one after the other (no jitter), and the command exits: non-zero
when a run failed. Use it, or harvest crawl, from the system's cron instead of
the daemon.

On a PostgreSQL catalogue (--db postgres://…) any number of schedulers may
run: one acts (the leader, by an advisory lock in the database) and the others
wait as standbys, taking over when it stops. The leader starts each due run
and leaves the crawling to harvest worker processes, unless --crawl is given:
then it crawls its runs too (other workers may join them).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if confirmRemovals && !once {
				return usageError("--confirm-removals only goes with --once (a daemon must keep its removal guard)")
			}
			if serveAddr != "" {
				if err := checkAddr("--serve", serveAddr); err != nil {
					return err
				}
			}
			softMemoryLimit()
			cfg, err := config.Load(configPath)
			if errors.Is(err, fs.ErrNotExist) && !cmd.Flags().Changed("config") {
				return fmt.Errorf("no %s in this folder: harvest schedule runs the sources of a configuration file (--config FILE names another; harvest init URL writes one)", configPath)
			}
			if err != nil {
				return err
			}
			entries, err := scheduledSources(cfg, a)
			if err != nil {
				return err
			}
			path := db
			if path == "" {
				path = cfg.DB
			}
			if path == "" {
				path = config.DefaultDB
			}
			if crawlToo && !postgres.IsDSN(path) {
				return usageError("--crawl goes with a PostgreSQL catalogue (--db postgres://…): on SQLite the scheduler always crawls")
			}
			lockName := path + ".lock"
			if !postgres.IsDSN(path) {
				lock, err := lockCatalogue(path)
				if err != nil {
					return err
				}
				defer func() {
					if err := lock.Release(); err != nil {
						a.log.Error("lock_release_failed", "error", err)
					}
				}()
				lockName = lock.Path()
			}
			catalogue, err := openCatalogue(ctx, path, true)
			if err != nil {
				return err
			}
			defer catalogue.Close()
			runs, shared := catalogue.(harvest.SharedRuns)
			if shared {
				lockName = "advisory lock harvest-leader:schedule"
				a.log.Info("scheduler_standby", "db", catalogue.String(), "pid", os.Getpid())
				unlock, err := runs.LeaderLock(ctx, "schedule")
				if err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return err
				}
				defer unlock()
				a.log.Info("scheduler_leader", "db", catalogue.String(), "pid", os.Getpid())
			}
			h := &harvester.Harvester{DB: catalogue, Log: a.log, ConfirmRemovals: confirmRemovals, Progress: progressFor(progressLog, a.errOut, a.log)}
			if err := h.Configure(ctx, cfg.Sources); err != nil {
				return err
			}
			s := &scheduler{log: a.log, stopTimeout: stopTimeout}
			s.run = func(ctx context.Context, opts crawler.Options) error {
				if shared && !crawlToo {
					return startRun(ctx, a, h, runs, opts)
				}
				reports, err := h.Crawl(ctx, []crawler.Options{opts})
				if once {
					for _, r := range reports {
						fmt.Fprintln(a.out, summary(r))
					}
				}
				return err
			}
			if once {
				return s.once(ctx, entries)
			}
			a.log.Info("scheduler_starting", "db", catalogue.String(), "lock", lockName, "pid", os.Getpid())
			if serveAddr == "" {
				return s.serve(ctx, entries)
			}
			// Serve the catalogue (API, feed, page) while scheduling; the
			// server stops with the daemon.
			ln, link, err := listen("--serve", serveAddr)
			if err != nil {
				return err
			}
			a.log.Info("serving", "addr", ln.Addr().String(), "url", link)
			g, gctx := errgroup.WithContext(ctx)
			catalogue.SetTotalLag(time.Second) // as harvest serve
			g.Go(func() error { return web.Serve(gctx, ln, web.New(catalogue, a.log), a.log) })
			g.Go(func() error { return s.serve(gctx, entries) })
			return g.Wait()
		},
	}
	a.addVerbose(cmd)
	fl := cmd.Flags()
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file")
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.BoolVar(&crawlToo, "crawl", false, "on PostgreSQL: crawl the runs this scheduler starts too (default: leave them to harvest worker)")
	fl.BoolVar(&once, "once", false, "crawl every scheduled source once, one after the other, and exit")
	fl.BoolVar(&confirmRemovals, "confirm-removals", false, "with --once: let these runs mark more publications removed than max_removals allows")
	fl.StringVar(&serveAddr, "serve", "", "also serve the catalogue (API, feed, page) on this address, e.g. 127.0.0.1:8080")
	return cmd
}

// startRun starts a source's shared run for the workers to crawl, or
// finds the one in progress.
func startRun(ctx context.Context, a *app, h *harvester.Harvester, runs harvest.SharedRuns, opts crawler.Options) error {
	spec, err := h.Spec(opts.Source)
	if err != nil {
		return err
	}
	run, started, err := runs.OpenRun(ctx, opts.Source, spec, opts.MaxPages)
	if err != nil {
		return err
	}
	if !started {
		a.log.Info("run_skipped", "source", opts.Source, "reason", "run in progress", "run", run.ID)
		return nil
	}
	a.log.Info("run_started", "source", opts.Source, "run", run.ID, "for", "workers")
	return nil
}

// lockCatalogue takes the lock that keeps one daemon per catalogue.
func lockCatalogue(db string) (*lockfile.Lock, error) {
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		return nil, fmt.Errorf("lock catalogue %s: %w", db, err)
	}
	lock, err := lockfile.Acquire(db + ".lock")
	if errors.Is(err, lockfile.ErrHeld) {
		return nil, fmt.Errorf("catalogue %s is in use: %w (a harvest schedule; stop it or wait for it to end)", db, err)
	}
	return lock, err
}

// entry is one scheduled source.
type entry struct {
	opts     crawler.Options
	spec     string // as configured, for the logs
	timezone string // "" is the local time zone
	schedule cron.Schedule
	jitter   time.Duration
}

// scheduledSources returns an entry for every source with a schedule,
// logging those without one.
func scheduledSources(cfg *config.Config, a *app) ([]entry, error) {
	var entries []entry
	for _, s := range cfg.Sources {
		if s.Schedule == "" {
			a.log.Info("source_not_scheduled", "source", s.Name, "reason", "no schedule in "+cfg.Path)
			continue
		}
		sched, err := parseSchedule(s.Schedule, s.Timezone)
		if err != nil {
			return nil, fmt.Errorf("%s: source %s: %w", cfg.Path, s.Name, err)
		}
		entries = append(entries, entry{
			opts: harvester.SourceOptions(s, a.log), spec: s.Schedule, timezone: s.Timezone,
			schedule: sched, jitter: s.Jitter,
		})
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no source has a schedule (give one a schedule such as \"@daily\" or \"0 3 * * 1\")", cfg.Path)
	}
	return entries, nil
}

// parseSchedule reads a standard cron spec or descriptor, in the time
// zone tz (the local one when empty).
func parseSchedule(spec, tz string) (cron.Schedule, error) {
	full := spec
	if tz != "" {
		full = "CRON_TZ=" + tz + " " + spec
	}
	s, err := cron.ParseStandard(full)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// scheduler runs sources on their schedules (serve) or once each (once).
type scheduler struct {
	log *slog.Logger
	// run crawls one source once into the catalogue; tests replace it.
	run         func(ctx context.Context, opts crawler.Options) error
	stopTimeout time.Duration
}

// serve runs the entries on their schedules until ctx is cancelled, then
// stops the scheduler and waits (at most stopTimeout) for the runs in
// flight, which see the same cancellation, to record how they ended.
func (s *scheduler) serve(ctx context.Context, entries []entry) error {
	c := cron.New(cron.WithLogger(cronLogger{ctx: ctx, log: s.log.With("component", "cron"), info: slog.LevelDebug}))
	now := time.Now()
	for _, e := range entries {
		l := cronLogger{ctx: ctx, log: s.log.With("source", e.opts.Source), info: slog.LevelWarn}
		// SkipIfStillRunning must wrap Recover, not the other way round:
		// cron's skip wrapper hands its token back only when the job
		// returns, so a panic unwinding through it would have every later
		// run of the source skipped.
		c.Schedule(e.schedule, cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l)).Then(s.job(ctx, e)))
		tz := e.timezone
		if tz == "" {
			tz = "local"
		}
		s.log.Info("source_scheduled", "source", e.opts.Source, "schedule", e.spec, "timezone", tz,
			"jitter", e.jitter, "next", e.schedule.Next(now))
	}
	c.Start()
	s.log.Info("scheduler_started", "sources", len(entries))
	<-ctx.Done()
	s.log.Info("scheduler_stopping", "reason", context.Cause(ctx))
	stopped := c.Stop()
	timer := time.NewTimer(s.stopTimeout)
	defer timer.Stop()
	select {
	case <-stopped.Done():
		s.log.Info("scheduler_stopped")
		return nil
	case <-timer.C:
		return fmt.Errorf("schedule: runs still going %s after the stop signal", s.stopTimeout)
	}
}

// job is what cron runs for e: a random pause of up to e's jitter, then
// one run. Both end when ctx is cancelled. It is the boundary where a
// failed run is logged.
func (s *scheduler) job(ctx context.Context, e entry) cron.Job {
	log := s.log.With("source", e.opts.Source)
	return cron.FuncJob(func() {
		if ctx.Err() != nil {
			return // due just as the daemon stops
		}
		var pause time.Duration
		if e.jitter > 0 {
			pause = rand.N(e.jitter)
		}
		log.Info("run_due", "jitter", pause)
		if pause > 0 {
			t := time.NewTimer(pause)
			select {
			case <-ctx.Done():
				t.Stop()
				log.Info("run_cancelled", "reason", "stopped during the jitter pause")
				return
			case <-t.C:
			}
		}
		switch err := s.run(ctx, e.opts); {
		case err == nil || ctx.Err() != nil:
		case errors.Is(err, lockfile.ErrHeld):
			// A harvest crawl of the same source is running.
			log.Warn("run_skipped", "reason", err.Error())
		default:
			log.Error("run_failed", "error", err)
		}
	})
}

// once runs every entry once, one after the other and without jitter (the
// system's cron decides when). A failed or panicking run does not stop
// the others; the error returned joins every failure.
func (s *scheduler) once(ctx context.Context, entries []entry) error {
	var errs []error
	for _, e := range entries {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("%s: not run: %w", e.opts.Source, context.Cause(ctx)))
			continue
		}
		if err := s.runRecovered(ctx, e.opts); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// runRecovered is s.run with a panic turned into an error (and its stack
// logged), as cron.Recover does for the daemon.
func (s *scheduler) runRecovered(ctx context.Context, opts crawler.Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("run_panicked", "source", opts.Source, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("run of %s panicked: %v", opts.Source, r)
		}
	}()
	return s.run(ctx, opts)
}

// cronLogger adapts slog to cron.Logger. Info messages go out at the
// level info: debug for the scheduler's own bookkeeping (start, wake,
// run), warn for the wrappers around one source's job, whose only info
// message is a skipped run. The wrappers' messages are renamed to this
// program's style; the scheduler's get a "cron_" prefix.
type cronLogger struct {
	ctx  context.Context
	log  *slog.Logger
	info slog.Level
}

var cronMessages = map[string]string{"skip": "run_skipped", "panic": "run_panicked"}

func (l cronLogger) name(msg string) string {
	if n, ok := cronMessages[msg]; ok {
		return n
	}
	return "cron_" + msg
}

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Log(l.ctx, l.info, l.name(msg), keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Log(l.ctx, slog.LevelError, l.name(msg), append([]any{"error", err}, keysAndValues...)...)
}
