package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"harvest/config"
	"harvest/crawler"
	"harvest/harvester"
)

// crawlFlags are the flags shared by crawl (and, in part, demo).
type crawlFlags struct {
	configPath  string
	sources     []string
	urls        []string
	db          string
	delay       time.Duration
	concurrency int
	maxPages    int
	maxDepth    int
	userAgent   string
	quiet       bool
	// maxPagination, allowDomains, confirmRemovals and wait are crawl's
	// own (not demo's).
	maxPagination   int
	allowDomains    []string
	confirmRemovals bool
	wait            bool
	// noLinkCheck skips the check of download links at the runs' end.
	noLinkCheck bool
	// lease is how long a shared run's URLs stay leased to this process
	// if it dies (PostgreSQL catalogues).
	lease time.Duration
}

func newCrawlCmd(a *app) *cobra.Command {
	f := &crawlFlags{}
	cmd := &cobra.Command{
		Use:   "crawl [--config FILE] [--source NAME]... | harvest crawl --url URL [--url URL]...",
		Short: "Crawl the configured sources, or any site by URL, once",
		Long: `Crawl the sources of the configuration file once (all of them, or those named
with --source), or harvest a site nobody configured with --url: the crawl stays
on the start URLs' hosts, follows listing and pagination links, reads the
sitemaps and uses the generic extractor.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			softMemoryLimit()
			cfg, err := f.loadConfig(cmd)
			if err != nil {
				return err
			}
			sources, opts, err := f.runOptions(cmd, cfg, a)
			if err != nil {
				return err
			}
			db, err := openCatalogue(cmd.Context(), f.dbPath(cfg), true)
			if err != nil {
				return err
			}
			defer db.Close()
			h := &harvester.Harvester{DB: db, Log: a.log, Progress: progressFor(progressModeFor(f.quiet, a.errOut), a.errOut, a.log),
				ConfirmRemovals: f.confirmRemovals, WaitLock: f.wait, Worker: harvester.Worker{Lease: f.lease}}
			if err := h.Configure(cmd.Context(), sources); err != nil {
				return err
			}
			reports, err := h.Crawl(cmd.Context(), opts)
			for _, r := range reports {
				fmt.Fprintln(a.out, summary(r))
			}
			return err
		},
	}
	a.addVerbose(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.configPath, "config", "config.yaml", "configuration file (ignored with --url unless given explicitly)")
	fl.StringArrayVar(&f.sources, "source", nil, "crawl only this configured source (repeatable)")
	fl.StringArrayVar(&f.urls, "url", nil, "harvest this site without configuration (repeatable)")
	fl.StringArrayVar(&f.allowDomains, "allow-domain", nil, "also crawl this host (repeatable; adds to the sources' allowed_domains)")
	fl.IntVar(&f.maxPagination, "max-pagination", 0, "pages followed in one listing's pagination at most (default 2000)")
	fl.BoolVar(&f.confirmRemovals, "confirm-removals", false, "let this run mark more publications removed than max_removals allows")
	fl.DurationVar(&f.lease, "lease", harvester.DefaultLease, "on PostgreSQL: how long this process's URLs stay leased if it dies (renewed every third of it while alive)")
	fl.BoolVar(&f.noLinkCheck, "no-link-check", false, "do not check the download links of the publications at the end of each run")
	fl.BoolVar(&f.wait, "wait", false, "wait for a run of the same source (another crawl, a schedule) to end instead of exiting")
	f.addCommon(cmd)
	return cmd
}

// addCommon registers the flags that crawl and demo share.
func (f *crawlFlags) addCommon(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.DurationVar(&f.delay, "delay", config.DefaultDelay, "pause between two requests to one host (0 allowed)")
	fl.IntVar(&f.concurrency, "concurrency", config.DefaultConcurrency, "requests in flight at once")
	fl.IntVar(&f.maxPages, "max-pages", config.DefaultMaxPages, "pages fetched per source at most (0: no limit)")
	fl.IntVar(&f.maxDepth, "max-depth", config.DefaultMaxDepth, "link hops from a start URL at most (0: no limit)")
	fl.StringVar(&f.userAgent, "user-agent", config.DefaultUserAgent, "User-Agent sent with every request")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress bar")
}

// loadConfig reads the configuration: always for configured crawls, and
// for --url crawls only when --config was given.
func (f *crawlFlags) loadConfig(cmd *cobra.Command) (*config.Config, error) {
	explicit := cmd.Flags().Changed("config")
	if len(f.urls) > 0 && !explicit {
		if len(f.sources) > 0 {
			return nil, usageError("--source and --url exclude each other")
		}
		return nil, nil
	}
	cfg, err := config.Load(f.configPath)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, fmt.Errorf("no %s in this folder: harvest crawl --url URL harvests a site without one, --config FILE reads another file, and harvest init URL writes one", f.configPath)
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

func (f *crawlFlags) dbPath(cfg *config.Config) string {
	switch {
	case f.db != "":
		return f.db
	case cfg != nil && cfg.DB != "":
		return cfg.DB
	}
	return config.DefaultDB
}

// runOptions turns the configuration and flags into one crawler.Options
// per source, checking every flag before the catalogue is touched.
func (f *crawlFlags) runOptions(cmd *cobra.Command, cfg *config.Config, a *app) ([]config.Source, []crawler.Options, error) {
	if err := f.check(); err != nil {
		return nil, nil, err
	}
	var sources []config.Source
	switch {
	case len(f.urls) > 0:
		adhoc, err := adhocSource(f.urls, cfg)
		if err != nil {
			return nil, nil, err
		}
		sources = []config.Source{adhoc}
	case len(f.sources) > 0:
		for _, name := range f.sources {
			s, err := cfg.Source(name)
			if err != nil {
				return nil, nil, err
			}
			sources = append(sources, s)
		}
	default:
		if len(cfg.Sources) == 0 {
			return nil, nil, fmt.Errorf("%s: no sources configured (add one, or use --url)", cfg.Path)
		}
		sources = cfg.Sources
	}
	var opts []crawler.Options
	for i := range sources {
		f.override(cmd, &sources[i].Crawl)
		sources[i].AllowedDomains = append(sources[i].AllowedDomains, f.allowDomains...)
		// In the source's configuration, so that a shared run's workers
		// (whichever ends the run) skip the check too.
		sources[i].NoLinkCheck = sources[i].NoLinkCheck || f.noLinkCheck
		opts = append(opts, harvester.SourceOptions(sources[i], a.log))
	}
	return sources, opts, nil
}

func (f *crawlFlags) check() error {
	switch {
	case f.delay < 0:
		return usageError("--delay %v: must not be negative", f.delay)
	case f.concurrency < 1 || f.concurrency > 256:
		return usageError("--concurrency %d: want 1 to 256", f.concurrency)
	case f.maxPages < 0:
		return usageError("--max-pages %d: must not be negative", f.maxPages)
	case f.maxDepth < 0:
		return usageError("--max-depth %d: must not be negative", f.maxDepth)
	case strings.TrimSpace(f.userAgent) == "":
		return usageError("--user-agent must not be empty")
	case f.lease < 3*time.Second:
		return usageError("--lease %v: want at least 3s", f.lease)
	case f.maxPagination < 0:
		return usageError("--max-pagination %d: must not be negative", f.maxPagination)
	}
	for _, d := range f.allowDomains {
		if strings.TrimSpace(d) == "" || strings.ContainsAny(d, "/ ") {
			return usageError("--allow-domain %q: want a host name such as www.example.org", d)
		}
	}
	return nil
}

// override applies the flags given on the command line over a source's
// settings.
func (f *crawlFlags) override(cmd *cobra.Command, c *config.Crawl) {
	fl := cmd.Flags()
	if fl.Changed("delay") {
		c.Delay = f.delay
	}
	if fl.Changed("concurrency") {
		c.Concurrency = f.concurrency
	}
	if fl.Changed("max-pages") {
		c.MaxPages = f.maxPages
	}
	if fl.Changed("max-depth") {
		c.MaxDepth = f.maxDepth
	}
	if fl.Changed("user-agent") {
		c.UserAgent = f.userAgent
	}
	if fl.Changed("max-pagination") {
		c.MaxPagination = f.maxPagination
	}
}

var nonName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// adhocSource makes a source for sites nobody configured: named after the
// first URL's host, staying on the start URLs' hosts, with the
// configuration's defaults (or the built-in ones).
func adhocSource(urls []string, cfg *config.Config) (config.Source, error) {
	s := config.Source{Sitemaps: true, MaxRemovals: config.DefaultRemovalLimit, RemovedAfter: config.DefaultRemovedAfter}
	if cfg != nil {
		s.Crawl = cfg.Defaults
	} else {
		s.Crawl = config.Crawl{
			Delay: config.DefaultDelay, Concurrency: config.DefaultConcurrency,
			MaxPages: config.DefaultMaxPages, MaxDepth: config.DefaultMaxDepth,
			Timeout: config.DefaultTimeout, MaxBodySize: config.DefaultMaxBodySize,
			UserAgent: config.DefaultUserAgent, Retries: config.DefaultRetries,
		}
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return s, usageError("--url %q: want an absolute http or https URL", raw)
		}
		if s.Name == "" {
			s.Name = adhocName(u.Host)
		}
		s.StartURLs = append(s.StartURLs, raw)
	}
	return s, nil
}

// adhocName is the source name of a site crawled by URL: its host (and
// port), with every character a name may not hold made a "-".
func adhocName(host string) string {
	n := strings.Trim(nonName.ReplaceAllString(host, "-"), "-")
	if n == "" {
		return "site"
	}
	return n
}

// catalogueFlag finds the catalogue a reading command (export, changes,
// runs, serve) opens: --db, else the config's db, else ./harvest.db. It
// returns the configuration too when there is one (for its source names):
// config.yaml when present, the --config file always (then it must load).
func catalogueFlag(cmd *cobra.Command, db, configPath string) (string, *config.Config, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		if cmd.Flags().Changed("config") {
			return "", nil, err
		}
		cfg = nil
	}
	path := db
	if path == "" {
		path = config.DefaultDB
		if cfg != nil && cfg.DB != "" {
			path = cfg.DB
		}
	}
	return path, cfg, nil
}

// defaultMemoryLimit is the soft memory limit of a crawl when GOMEMLIMIT
// does not set one: the garbage collector works harder as the heap nears
// it, so that a long crawl's footprint stays flat instead of doubling its
// live heap. It is not a cap: a crawl that needs more gets more.
const defaultMemoryLimit = 120 << 20

// defaultGCPercent is the crawl's GOGC when the environment sets none. A
// crawl's live heap is small (tens of MB) and its garbage large (every
// page's tree is thrown away), so the default 100 collects very often:
// 200 cut the first crawl's CPU by about 8 % in harvest bench, and the
// memory limit above still bounds the heap.
const defaultGCPercent = 200

func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
