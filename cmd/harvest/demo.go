package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/config"
	"harvest/crawler"
	"harvest/harvester"
	"harvest/internal/demosite"
	"harvest/internal/termsafe"
)

func newDemoCmd(a *app) *cobra.Command {
	var (
		db          string
		quiet       bool
		delay       time.Duration
		concurrency int
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Harvest the embedded sample resource library and show what came out",
		Long: `Serve the embedded sample resource library (a WordPress-shaped site with
paginated listings, run-together categories, "...Read More" teasers, related
resources blocks, leaked post-type lists, a windows-1252 page, a publication
under two slugs and a calendar trap) on a loopback port, harvest it into a
temporary catalogue (or --db), and print a summary. No network is needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if delay < 0 || concurrency < 1 || concurrency > 256 {
				return usageError("--delay must not be negative and --concurrency must be 1 to 256")
			}
			ctx := cmd.Context()
			path := db
			temporary := path == ""
			if temporary {
				// Without --db the catalogue is the demo's own: it goes
				// when the demo ends. With --db it is the user's.
				dir, err := os.MkdirTemp("", "harvest-demo-")
				if err != nil {
					return fmt.Errorf("demo: %w", err)
				}
				defer func() {
					if err := os.RemoveAll(dir); err != nil {
						a.log.Warn("demo: remove the temporary catalogue", "dir", dir, "error", err)
					}
				}()
				path = filepath.Join(dir, "harvest.db")
			}
			base, stop, err := serveDemo()
			if err != nil {
				return err
			}
			defer stop()
			fmt.Fprintf(a.out, "Serving the sample resource library at %s\n", base)

			catalogue, err := openCatalogue(ctx, path, true)
			if err != nil {
				return err
			}
			defer catalogue.Close()
			src := config.Source{
				Name: "demo", StartURLs: []string{base + "/"}, Sitemaps: true,
				RemovedAfter: config.DefaultRemovedAfter, MaxRemovals: config.DefaultRemovalLimit,
				Crawl: config.Crawl{
					Delay: delay, Concurrency: concurrency, MaxPages: config.DefaultMaxPages,
					MaxDepth: config.DefaultMaxDepth, Timeout: config.DefaultTimeout,
					MaxBodySize: config.DefaultMaxBodySize, UserAgent: config.DefaultUserAgent,
					Retries: crawler.DefaultRetries,
				},
			}
			opts := harvester.SourceOptions(src, a.log)
			h := &harvester.Harvester{DB: catalogue, Log: a.log, Progress: progressFor(progressModeFor(quiet, a.errOut), a.errOut, a.log)}
			if err := h.Configure(ctx, []config.Source{src}); err != nil {
				return err
			}
			reports, err := h.Crawl(ctx, []crawler.Options{opts})
			if err != nil {
				return err
			}
			return printDemo(ctx, a.out, catalogue, path, temporary, reports[0])
		},
	}
	a.addVerbose(cmd)
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: a new SQLite file in a temporary directory)")
	fl.BoolVar(&quiet, "quiet", false, "no progress bar")
	fl.DurationVar(&delay, "delay", 0, "pause between two requests (the demo site is local, so none by default)")
	fl.IntVar(&concurrency, "concurrency", 4, "requests in flight at once")
	return cmd
}

// serveDemo serves the embedded site on a loopback port.
func serveDemo() (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("demo: listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: demosite.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "harvest: demo server:", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}

func printDemo(ctx context.Context, w io.Writer, db harvest.Catalogue, path string, temporary bool, rep harvester.Report) error {
	var all []harvest.Publication
	if err := db.Each(ctx, harvest.Filter{Sources: []string{rep.Source}}, func(p harvest.Publication) error {
		all = append(all, p)
		return nil
	}); err != nil {
		return fmt.Errorf("demo: read catalogue: %w", err)
	}
	s := rep.Stats
	fmt.Fprintf(w, "\nCrawled %s in %s: %s, %s and %s (listings feed discovery only), %s; %s skipped, %s.\n",
		plural(s.Pages, "page"), roundDuration(rep.Duration), plural(s.Publications, "publication page"),
		plural(s.Listings, "listing page"), plural(s.Others, "other page"), plural(s.Sitemaps, "sitemap"),
		plural(s.Skipped, "URL"), plural(s.Errors, "error"))
	fmt.Fprintf(w, "Catalogue %s: %d publications (%d new, %d changed, %d unchanged, %d found again under another URL and merged).\n",
		path, len(all), rep.Run.New, rep.Run.Changed, rep.Run.Unchanged, rep.Run.Duplicates)

	fmt.Fprintln(w, "\nDuplicates merged (one record, several URLs):")
	merged := 0
	for _, p := range all {
		if len(p.DuplicateURLs) > 0 {
			merged++
			// The site's text, made safe for the terminal.
			fmt.Fprintf(w, "  \"%s\"\n    kept    %s\n", termsafe.String(p.Title), termsafe.String(p.URL))
			for _, d := range p.DuplicateURLs {
				fmt.Fprintf(w, "    also at %s\n", termsafe.String(d))
			}
		}
	}
	if merged == 0 {
		fmt.Fprintln(w, "  none")
	}

	fmt.Fprintln(w, "\nNoise stripped (kind: publication pages it was found on):")
	for _, k := range harvester.SortedNoise(rep.Noise) {
		fmt.Fprintf(w, "  %-40s %d\n", termsafe.String(k)+":", rep.Noise[k])
	}

	fmt.Fprintln(w, "\nA few records in full:")
	var record bytes.Buffer
	enc := json.NewEncoder(&record)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	for _, p := range pickExamples(all) {
		record.Reset()
		if err := enc.Encode(p); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprint(w, "  ")
		if _, err := w.Write(termsafe.JSON(record.Bytes())); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	if temporary {
		fmt.Fprintln(w, "\nThis catalogue was temporary and is removed now; harvest demo --db demo.db keeps one,")
		fmt.Fprintln(w, "then: harvest export --db demo.db --format jsonl|json|csv, harvest serve --db demo.db")
	} else {
		fmt.Fprintf(w, "\nEverything: harvest export --db %s --format jsonl|json|csv\n", path)
	}
	return nil
}

// pickExamples chooses up to three records that show the most: a merged
// duplicate, one with non-ASCII text (the windows-1252 page), and the
// first with several categories and a download.
func pickExamples(all []harvest.Publication) []harvest.Publication {
	var picked []harvest.Publication
	used := map[int64]bool{}
	pick := func(ok func(p harvest.Publication) bool) {
		for _, p := range all {
			if !used[p.ID] && ok(p) {
				used[p.ID] = true
				picked = append(picked, p)
				return
			}
		}
	}
	pick(func(p harvest.Publication) bool {
		return len(p.Categories) > 1 && len(p.Downloads) > 0 && len(p.Tags) > 0
	})
	pick(func(p harvest.Publication) bool { return len(p.DuplicateURLs) > 0 })
	pick(func(p harvest.Publication) bool { return utf8.RuneCountInString(p.Title) != len(p.Title) })
	for len(picked) < 3 && len(picked) < len(all) {
		pick(func(harvest.Publication) bool { return true })
	}
	return picked
}
