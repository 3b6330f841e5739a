package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/export"
	"harvest/internal/termsafe"
)

// change kinds, as `harvest changes` prints them.
const (
	changeNew     = "new"
	changeChanged = "changed"
	changeRemoved = "removed"
)

// changeKind says what happened to p since the given time.
func changeKind(p harvest.Publication, since time.Time) string {
	switch {
	case p.Status == harvest.StatusRemoved:
		return changeRemoved
	case !p.FirstSeen.Before(since):
		return changeNew
	}
	return changeChanged
}

func newChangesCmd(a *app) *cobra.Command {
	var (
		since, db, configPath, format string
		sources                       []string
	)
	cmd := &cobra.Command{
		Use:   "changes [--since TIME] [--source NAME]...",
		Short: "List the publications that are new, changed or removed since a time",
		Long: `List the publications that are new, changed or removed since a time
(default: the last 7 days): RFC 3339, a date, or an age such as 36h or 7d.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := export.ParseSince(since, time.Now())
			if err != nil {
				return usageError("--since: %v", err)
			}
			if format != "text" && format != "jsonl" {
				return usageError("--format %q: want text or jsonl", format)
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
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			var line bytes.Buffer
			enc := json.NewEncoder(&line)
			enc.SetEscapeHTML(false)
			if format == "text" {
				fmt.Fprintln(tw, "CHANGE\tWHEN\tSOURCE\tTITLE\tURL")
			}
			n := 0
			err = catalogue.Each(cmd.Context(), harvest.Filter{Sources: sources, Since: t}, func(p harvest.Publication) error {
				n++
				kind := changeKind(p, t)
				if format == "jsonl" {
					line.Reset()
					if err := enc.Encode(struct {
						Change string `json:"change"`
						harvest.Publication
					}{kind, p}); err != nil {
						return err
					}
					_, err := a.out.Write(termsafe.JSON(line.Bytes()))
					return err
				}
				// The site's text, made safe for the terminal: a tab or a
				// line break in a title cannot shift a column or forge a
				// row, an escape sequence or a bidirectional override
				// cannot steer or reorder what is shown.
				_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", kind, p.LastChanged.Format(time.RFC3339),
					termsafe.String(p.Source), termsafe.String(p.Title), termsafe.String(p.URL))
				return err
			})
			if err != nil {
				return fmt.Errorf("changes: %w", err)
			}
			if format == "text" {
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(a.errOut, "%s new, changed or removed since %s\n", plural(n, "publication"), t.Format(time.RFC3339))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&since, "since", "7d", "since when: RFC 3339, a date, or an age (36h, 7d)")
	fl.StringArrayVar(&sources, "source", nil, "only this source (repeatable)")
	fl.StringVar(&format, "format", "text", "text or jsonl")
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file (for its db)")
	return cmd
}
