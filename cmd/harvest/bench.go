package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/internal/bench"
	"harvest/internal/sitegen"
	"harvest/store/sqlite"
)

func newBenchCmd(a *app) *cobra.Command {
	var (
		pages, concurrency int
		seed               int64
		noColly            bool
		keep               string
	)
	cmd := &cobra.Command{
		Use:   "bench [--pages N] [--concurrency N]",
		Short: "Benchmark a full crawl and a re-crawl of a generated site against a plain colly program",
		Long: `Generate a deterministic WordPress-shaped site of N publication pages (about
55 KB each, gzip), serve it on loopback from a child process, and measure, each
contestant in a process of its own: a plain colly v2 program (async,
parallelism N, goquery selectors, JSON lines out), a full harvest crawl into a
fresh catalogue with politeness off, and a re-crawl of the unchanged site. The
catalogue is checked against the site's ground truth. Prints pages/s, CPU-ms
per page (user+sys), peak RSS, goroutines at peak, the SQLite share of the
crawl, duplicate fetches, and whether the targets are met.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pages < 1 || concurrency < 1 {
				return usageError("--pages and --concurrency must be positive")
			}
			return runBench(cmd.Context(), a.out, benchOptions{pages: pages, concurrency: concurrency, seed: seed, colly: !noColly, keep: keep})
		},
	}
	a.addVerbose(cmd)
	fl := cmd.Flags()
	fl.IntVar(&pages, "pages", sitegen.DefaultPages, "publication pages of the generated site")
	fl.IntVar(&concurrency, "concurrency", 16, "requests in flight, for harvest and for colly")
	fl.Int64Var(&seed, "seed", 1, "which generated site")
	fl.BoolVar(&noColly, "no-colly", false, "skip the plain colly baseline")
	fl.StringVar(&keep, "keep", "", "keep the catalogue in this directory (default: a temporary one, removed)")
	cmd.AddCommand(newBenchCatalogueCmd(a))
	return cmd
}

// newBenchSiteCmd serves a generated site until its standard input
// closes: the benchmark's site, in a process of its own so that its cost
// is not counted to the crawler.
func newBenchSiteCmd() *cobra.Command {
	var (
		pages int
		seed  int64
	)
	cmd := &cobra.Command{
		Use:    "bench-site",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			site := sitegen.New(sitegen.Options{Pages: pages, Seed: seed, Gzip: true})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: bench.SiteHandler(site), ReadHeaderTimeout: 10 * time.Second}
			go srv.Serve(ln)
			fmt.Fprintln(cmd.OutOrStdout(), ln.Addr().String())
			_, _ = io.Copy(io.Discard, cmd.InOrStdin()) // until the benchmark closes our input
			ctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), 2*time.Second)
			defer cancel()
			return srv.Shutdown(ctx)
		},
	}
	cmd.Flags().IntVar(&pages, "pages", sitegen.DefaultPages, "publication pages")
	cmd.Flags().Int64Var(&seed, "seed", 1, "which site")
	return cmd
}

// newBenchCollyCmd runs the plain colly baseline.
func newBenchCollyCmd() *cobra.Command {
	var (
		start       string
		concurrency int
		out         string
		careful     bool
	)
	cmd := &cobra.Command{
		Use:    "bench-colly",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(f)
			run := bench.RunColly
			if careful {
				run = bench.RunCollyCareful
			}
			n, err := run(cmd.Context(), start, concurrency, w)
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			f.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "colly: %d responses\n", n)
			return err
		},
	}
	cmd.Flags().StringVar(&start, "url", "", "start URL")
	cmd.Flags().IntVar(&concurrency, "concurrency", 16, "parallelism")
	cmd.Flags().StringVar(&out, "out", os.DevNull, "JSON lines output")
	cmd.Flags().BoolVar(&careful, "careful", false, "the careful program: a seen set before Visit, a transport sized to the parallelism")
	return cmd
}

type benchOptions struct {
	pages, concurrency int
	seed               int64
	colly              bool
	keep               string
}

// benchRow is one contestant's figures.
type benchRow struct {
	name       string
	usage      bench.Usage
	counts     sitegen.Counts
	goroutines string
	dbShare    string
	note       string
}

func (r benchRow) served() int64 { return r.counts.Total.OK + r.counts.Total.NotModified }

func (r benchRow) pagesPerSecond() float64 {
	return float64(r.served()) / r.usage.Wall.Seconds()
}

func (r benchRow) cpuPerPage() float64 {
	if r.served() == 0 {
		return 0
	}
	return float64(r.usage.CPU().Microseconds()) / 1000 / float64(r.served())
}

func runBench(ctx context.Context, w io.Writer, o benchOptions) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	dir := o.keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "harvest-bench-"); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	fmt.Fprintf(w, "Generating and serving a site of %d publication pages (seed %d, gzip) on loopback...\n", o.pages, o.seed)
	addr, stop, err := bench.StartSite(exec.CommandContext(ctx, exe, "bench-site", "--pages", strconv.Itoa(o.pages), "--seed", strconv.FormatInt(o.seed, 10)))
	if err != nil {
		return err
	}
	defer stop()
	base := "http://" + addr
	if _, err := bench.Counts(ctx, base, true); err != nil {
		return err
	}
	conc := strconv.Itoa(o.concurrency)
	var rows []benchRow

	if o.colly {
		for _, p := range []struct {
			name string
			args []string
		}{
			{"colly, Visit on every link", nil},
			{"colly + seen set + sized transport", []string{"--careful"}},
		} {
			fmt.Fprintf(w, "Running the colly program (%s)...\n", p.name)
			args := append([]string{"bench-colly", "--url", base + "/", "--concurrency", conc, "--out", filepath.Join(dir, "colly.jsonl")}, p.args...)
			u, _, err := bench.Run(exec.CommandContext(ctx, exe, args...))
			if err != nil {
				return err
			}
			c, err := bench.Counts(ctx, base, true)
			if err != nil {
				return err
			}
			rows = append(rows, benchRow{name: p.name, usage: u, counts: c, goroutines: "-", dbShare: "-"})
		}
	}

	db := filepath.Join(dir, "bench.db")
	// The crawls compared with colly's check no download links (colly's
	// programs do not); a last re-crawl with the checks on says what they
	// add.
	crawl := func(name string, extra ...string) (benchRow, error) {
		fmt.Fprintf(w, "Running harvest (%s)...\n", name)
		args := append([]string{"crawl", "--url", base + "/", "--delay", "0",
			"--concurrency", conc, "--max-pages", "0", "--max-depth", "0", "--db", db, "--quiet", "--log-format", "json"}, extra...)
		u, stderr, err := bench.Run(exec.CommandContext(ctx, exe, args...))
		if err != nil {
			return benchRow{}, err
		}
		c, err := bench.Counts(ctx, base, true)
		if err != nil {
			return benchRow{}, err
		}
		row := benchRow{name: "harvest (" + name + ")", usage: u, counts: c, goroutines: "?", dbShare: "?"}
		if rec := bench.LogRecord(stderr, "run_finished"); rec != nil {
			row.goroutines = fmt.Sprint(rec["peak_goroutines"])
			if secs, ok := rec["seconds"].(float64); ok && secs > 0 {
				dbs, _ := rec["db_seconds"].(float64)
				// Catalogue calls run on up to `concurrency` workers at
				// once but one writer: the share is of the wall time.
				row.dbShare = fmt.Sprintf("%.0f %%", 100*dbs/secs/float64(o.concurrency))
			}
			row.note = fmt.Sprintf("%v not modified, %v skipped by lastmod, %v new, %v changed, %v unchanged",
				rec["not_modified"], rec["skipped_lastmod"], rec["new"], rec["changed"], rec["unchanged"])
		}
		return row, nil
	}
	first, err := crawl("first crawl", "--no-link-check")
	if err != nil {
		return err
	}
	rows = append(rows, first)
	acc, err := runBenchCheck(ctx, exe, db, base, o)
	if err != nil {
		return err
	}
	again, err := crawl("re-crawl, unchanged site", "--no-link-check")
	if err != nil {
		return err
	}
	rows = append(rows, again)
	checked, err := crawl("re-crawl with link checks")
	if err != nil {
		return err
	}
	rows = append(rows, checked)

	fmt.Fprintf(w, "\nharvest bench: %d publication pages, concurrency %d, %s/%s, %d cores, %s\n\n",
		o.pages, o.concurrency, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "contestant\tresponses\tpages/s\tCPU-ms/page\tpeak RSS MB\tgoroutines\tSQLite share\tduplicate fetches\tdetail pages in full\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.0f\t%s\t%s\t%d\t%d\t\n", r.name, r.served(), r.pagesPerSecond(), r.cpuPerPage(),
			float64(r.usage.MaxRSS)/(1<<20), r.goroutines, r.dbShare, r.counts.Total.Duplicates, r.counts.Publication.OK)
	}
	tw.Flush()
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(w, "%s: %s\n", r.name, r.note)
		}
	}
	fmt.Fprintf(w, "\ncatalogue vs ground truth: %d of %d publications found, %d exact in every field, %d records that are no publication",
		acc.Found, acc.Expected, acc.Exact, acc.Extra)
	if len(acc.Wrong) > 0 {
		fmt.Fprintf(w, "; fields wrong: %v", acc.Wrong)
	}
	fmt.Fprintln(w)

	// The targets of the performance issue.
	fmt.Fprintln(w, "\ntargets:")
	check := func(ok bool, format string, args ...any) {
		mark := "met    "
		if !ok {
			mark = "NOT MET"
		}
		fmt.Fprintf(w, "  %s  %s\n", mark, fmt.Sprintf(format, args...))
	}
	h, re := first, again
	if o.colly {
		// The targets are against the careful program; the naive one is
		// shown for comparison.
		naive, c := rows[0], rows[1]
		check(h.pagesPerSecond() >= 1.2*c.pagesPerSecond(), "pages/s at least 1.2x the careful colly program's: %.0f vs %.0f (%.2fx; %.2fx the naive one's)",
			h.pagesPerSecond(), c.pagesPerSecond(), h.pagesPerSecond()/c.pagesPerSecond(), h.pagesPerSecond()/naive.pagesPerSecond())
		check(h.cpuPerPage() <= 0.8*c.cpuPerPage(), "CPU-ms per page at most 0.8x the careful colly program's: %.2f vs %.2f (%.2fx; %.2fx the naive one's)",
			h.cpuPerPage(), c.cpuPerPage(), h.cpuPerPage()/c.cpuPerPage(), h.cpuPerPage()/naive.cpuPerPage())
	}
	check(h.counts.Total.Duplicates == 0, "no duplicate fetches: %d", h.counts.Total.Duplicates)
	limit := int64(100 << 20)
	if o.pages > 5000 {
		limit = 150 << 20
	}
	check(max(h.usage.MaxRSS, re.usage.MaxRSS) <= limit, "peak RSS at most %d MB, first crawl and re-crawl: %.0f MB and %.0f MB",
		limit>>20, float64(h.usage.MaxRSS)/(1<<20), float64(re.usage.MaxRSS)/(1<<20))
	check(re.usage.CPU() <= h.usage.CPU()/10, "re-crawl CPU at most a tenth of the first crawl's: %s vs %s (%.1f %%)",
		re.usage.CPU().Round(time.Millisecond), h.usage.CPU().Round(time.Millisecond), 100*float64(re.usage.CPU())/float64(h.usage.CPU()))
	check(re.counts.Publication.OK == 0, "re-crawl fetches no detail page in full: %d", re.counts.Publication.OK)
	fmt.Fprintf(w, "  (info)   re-crawl with the download links checked: %s CPU, %.1f %% of the first crawl's, %d more requests\n",
		checked.usage.CPU().Round(time.Millisecond), 100*float64(checked.usage.CPU())/float64(h.usage.CPU()), checked.served()-re.served())
	check(acc.Found == acc.Expected && acc.Extra == 0, "every publication present, one record each: %d/%d, %d extra", acc.Found, acc.Expected, acc.Extra)
	return nil
}

func checkBenchCatalogue(ctx context.Context, db, base string, o benchOptions) (bench.Accuracy, error) {
	catalogue, err := sqlite.Open(ctx, db)
	if err != nil {
		return bench.Accuracy{}, err
	}
	defer catalogue.Close()
	var records []harvest.Publication
	if err := catalogue.Each(ctx, harvest.Filter{}, func(p harvest.Publication) error {
		records = append(records, p)
		return nil
	}); err != nil {
		return bench.Accuracy{}, err
	}
	truth := sitegen.New(sitegen.Options{Pages: o.pages, Seed: o.seed, Gzip: true}).Truth()
	return bench.Check(strings.TrimSuffix(base, "/"), truth, records), nil
}

// runBenchCheck checks the catalogue against the site's truth in a child
// process. The benchmark's own process must stay small: Linux starts a
// child's peak RSS (getrusage's ru_maxrss) at its parent's when the
// child is started with vfork and exec, as os/exec does, so a parent that
// had read 50,000 records would be reported as every later contestant's
// peak.
func runBenchCheck(ctx context.Context, exe, db, base string, o benchOptions) (bench.Accuracy, error) {
	out, err := exec.CommandContext(ctx, exe, "bench-check", "--db", db, "--url", base,
		"--pages", strconv.Itoa(o.pages), "--seed", strconv.FormatInt(o.seed, 10)).Output()
	if err != nil {
		return bench.Accuracy{}, fmt.Errorf("bench: check the catalogue: %w", err)
	}
	var acc bench.Accuracy
	if err := json.Unmarshal(out, &acc); err != nil {
		return bench.Accuracy{}, fmt.Errorf("bench: check the catalogue: %w", err)
	}
	return acc, nil
}

// newBenchCheckCmd checks a benchmark catalogue against the generated
// site's truth and prints the accuracy as JSON.
func newBenchCheckCmd() *cobra.Command {
	var (
		db, base string
		o        benchOptions
	)
	cmd := &cobra.Command{
		Use:    "bench-check",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			acc, err := checkBenchCatalogue(cmd.Context(), db, base, o)
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(acc)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "the benchmark's catalogue")
	cmd.Flags().StringVar(&base, "url", "", "the site's base URL")
	cmd.Flags().IntVar(&o.pages, "pages", sitegen.DefaultPages, "publication pages")
	cmd.Flags().Int64Var(&o.seed, "seed", 1, "which site")
	return cmd
}

// newBenchCatalogueCmd fills a catalogue with synthetic publications,
// for measuring how a large catalogue serves.
func newBenchCatalogueCmd(a *app) *cobra.Command {
	var (
		n, sources, batch int
		seed              int64
		db                string
		removed           float64
	)
	cmd := &cobra.Command{
		Use:   "catalogue --publications N --db FILE",
		Short: "Fill a catalogue with N synthetic publications, directly through the store (no crawl)",
		Long: `Fill the catalogue FILE with N synthetic publications, saved through the
store as a crawl saves them (the same identity rules, triggers and indexes) but
in batched transactions, without crawling: realistic titles and summaries,
several sources (--sources, a skewed share each), tags and categories from
vocabularies of a few hundred terms, publication dates over 20 years and
first-seen times over ten. A share of the records (--removed) is then marked
removed, as sites take pages down. Deterministic for a --seed. For the load run
of the serving section of the README (harvest serve on a large catalogue).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 || sources < 1 || batch < 1 {
				return usageError("--publications, --sources and --batch must be positive")
			}
			if db == "" {
				return usageError("--db is required")
			}
			if removed < 0 || removed > 1 {
				return usageError("--removed must be between 0 and 1")
			}
			return runBenchCatalogue(cmd.Context(), a.out, benchCatalogueOptions{
				path: db, n: n, sources: sources, batch: batch, seed: seed, removed: removed,
			})
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&n, "publications", 10000, "synthetic publications to save")
	fl.StringVar(&db, "db", "", "catalogue to fill: a SQLite file (created if missing) or postgres://…")
	fl.IntVar(&sources, "sources", 200, "sources the publications belong to")
	fl.IntVar(&batch, "batch", 2000, "publications saved per transaction")
	fl.Int64Var(&seed, "seed", 1, "which synthetic catalogue")
	fl.Float64Var(&removed, "removed", 0.01, "share of the publications then marked removed")
	return cmd
}

type benchCatalogueOptions struct {
	path              string
	n, sources, batch int
	seed              int64
	removed           float64
}

func runBenchCatalogue(ctx context.Context, w io.Writer, o benchCatalogueOptions) error {
	start := time.Now()
	db, err := openCatalogue(ctx, o.path, true)
	if err != nil {
		return fmt.Errorf("bench catalogue: %w", err)
	}
	defer db.Close()
	gen := bench.NewCatalogueGen(o.seed, o.sources, o.n)
	outcomes := map[harvest.Outcome]int{}
	batch := make([]harvest.Seen, 0, o.batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bench catalogue: %w", err)
		}
		res, err := db.SaveBatch(ctx, batch)
		if err != nil {
			return fmt.Errorf("bench catalogue: %w", err)
		}
		for _, r := range res {
			outcomes[r.Outcome]++
		}
		batch = batch[:0]
		return nil
	}
	var gone []harvest.Publication
	every := 0
	if o.removed > 0 {
		every = max(1, int(1/o.removed))
	}
	for i := range o.n {
		p, at := gen.Next(i)
		batch = append(batch, harvest.Seen{Publication: p, At: at})
		if every > 0 && i%every == every-1 {
			gone = append(gone, p)
		}
		if len(batch) == o.batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	saved := time.Since(start)
	removedAt := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	nRemoved := 0
	for _, p := range gone {
		ok, err := db.MarkGone(ctx, p.Source, p.URL, removedAt)
		if err != nil {
			return fmt.Errorf("bench catalogue: %w", err)
		}
		if ok {
			nRemoved++
		}
	}
	// A bulk load leaves PostgreSQL's planner statistics behind.
	if a, ok := db.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			return fmt.Errorf("bench catalogue: %w", err)
		}
	}
	total, err := db.Count(ctx, harvest.Filter{})
	if err != nil {
		return fmt.Errorf("bench catalogue: %w", err)
	}
	f, err := db.Facets(ctx, "")
	if err != nil {
		return fmt.Errorf("bench catalogue: %w", err)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(w, "bench catalogue: %d publications saved in %s (%.0f/s; %d new, %d unchanged, %d duplicates), %d marked removed\n",
		o.n, saved.Round(time.Millisecond), float64(o.n)/saved.Seconds(),
		outcomes[harvest.OutcomeNew], outcomes[harvest.OutcomeUnchanged], outcomes[harvest.OutcomeDuplicate], nRemoved)
	fmt.Fprintf(w, "catalogue %s: %d records, %d sources, %d categories, %d tags; %s in all\n",
		db, total, len(f.Sources), len(f.Categories), len(f.Tags), elapsed.Round(time.Millisecond))
	return nil
}
