package main

import (
	"fmt"
	"harvest"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"harvest/harvester"
	"harvest/internal/termsafe"
)

func newRunsCmd(a *app) *cobra.Command {
	var (
		db, configPath string
		sources        []string
		limit          int
	)
	cmd := &cobra.Command{
		Use:   "runs [--source NAME]... [--limit N] [--db PATH]",
		Short: "List the crawl runs recorded in the catalogue, newest first",
		Long: `List the runs recorded in the catalogue, newest first: when each started, how
long it took, the pages fetched, the publication pages answered 304 Not
Modified or not requested because their sitemap lastmod was not newer, the
publications new, changed, unchanged and marked removed, the duplicates merged,
the pages that failed, and how the run ended (ok, partial, cancelled, failed,
or running) with a note.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usageError("--limit %d: must not be negative", limit)
			}
			path, cfg, err := catalogueFlag(cmd, db, configPath)
			if err != nil {
				return err
			}
			catalogue, err := openCatalogue(cmd.Context(), path, false)
			if err != nil {
				return err
			}
			defer catalogue.Close()
			if err := checkSourceNames(cmd.Context(), catalogue, cfg, sources); err != nil {
				return err
			}
			runs, err := catalogue.Runs(cmd.Context(), "")
			if err != nil {
				return err
			}
			if len(sources) > 0 {
				runs = slices.DeleteFunc(runs, func(r harvest.Run) bool { return !slices.Contains(sources, r.Source) })
			}
			if len(runs) == 0 {
				fmt.Fprintln(a.out, "no runs recorded")
				return nil
			}
			if limit > 0 && len(runs) > limit {
				runs = runs[:limit]
			}
			return printRuns(a.out, runs)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&sources, "source", nil, "only the runs of this source (repeatable)")
	fl.IntVar(&limit, "limit", 20, "the newest N runs at most (0: all)")
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file (for its db)")
	return cmd
}

// printRuns writes runs as a table, one row per run. Adding a column is
// adding a line here.
func printRuns(w io.Writer, runs []harvest.Run) error {
	columns := []struct {
		name  string
		value func(harvest.Run) string
	}{
		{"ID", func(r harvest.Run) string { return strconv.FormatInt(r.ID, 10) }},
		{"SOURCE", func(r harvest.Run) string { return termsafe.String(r.Source) }},
		{"STARTED", func(r harvest.Run) string { return r.Started.Local().Format("2006-01-02 15:04:05") }},
		{"DURATION", runDuration},
		{"PAGES", func(r harvest.Run) string { return strconv.Itoa(r.Pages) }},
		{"NOT-MODIFIED", func(r harvest.Run) string { return strconv.Itoa(r.NotModified) }},
		{"LASTMOD-SKIPPED", func(r harvest.Run) string { return strconv.Itoa(r.SkippedLastmod) }},
		{"NEW", func(r harvest.Run) string { return strconv.Itoa(r.New) }},
		{"CHANGED", func(r harvest.Run) string { return strconv.Itoa(r.Changed) }},
		{"UNCHANGED", func(r harvest.Run) string { return strconv.Itoa(r.Unchanged) }},
		{"REMOVED", func(r harvest.Run) string { return strconv.Itoa(r.Removed) }},
		{"DUPLICATES", func(r harvest.Run) string { return strconv.Itoa(r.Duplicates) }},
		{"ERRORS", func(r harvest.Run) string { return strconv.Itoa(r.Errors) }},
		{"STATUS", func(r harvest.Run) string { return r.Status }},
		// A note can quote what a site sent (an error): made safe for
		// the terminal.
		{"NOTE", func(r harvest.Run) string {
			return termsafe.String(harvester.TidyNote(strings.Join(strings.Fields(r.Note), " ")))
		}},
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cells := make([]string, len(columns))
	for i, c := range columns {
		cells[i] = c.name
	}
	fmt.Fprintln(tw, strings.Join(cells, "\t"))
	for _, r := range runs {
		for i, c := range columns {
			cells[i] = c.value(r)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// runDuration is how long a finished run took ("-" while it runs, or when
// it never recorded its end).
func runDuration(r harvest.Run) string {
	if r.Finished.IsZero() {
		return "-"
	}
	return r.Finished.Sub(r.Started).Round(time.Second).String()
}
