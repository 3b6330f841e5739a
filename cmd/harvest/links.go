package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/internal/termsafe"
)

func newLinksCmd(a *app) *cobra.Command {
	var (
		db, configPath string
		sources        []string
		broken         bool
	)
	cmd := &cobra.Command{
		Use:   "links [--broken] [--source NAME]... [--db PATH]",
		Short: "List the download links of the publications and their health, broken first",
		Long: `List the download links of the active publications as the last run of their
source checked them: the publication, the link, its state (ok, failing, broken,
skipped) and what is wrong (not_found, gone, host_gone, html, server_error,
...), the HTTP status, the media type and size the server gave, when it was
checked and since when it is broken. Broken links come first, the longest
broken first. A broken link never removes a publication.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			fmt.Fprintln(tw, "ID\tTITLE\tURL\tSTATE\tKIND\tHTTP\tMEDIA TYPE\tSIZE\tCHECKED\tBROKEN SINCE")
			n, nBroken := 0, 0
			q := harvest.LinkQuery{Sources: sources, Broken: broken, Limit: harvest.MaxLimit}
			for {
				links, more, err := catalogue.Links(cmd.Context(), q)
				if err != nil {
					return fmt.Errorf("links: %w", err)
				}
				for _, l := range links {
					n++
					since := "-"
					if l.BrokenSince != nil {
						nBroken++
						since = l.BrokenSince.Format(time.RFC3339)
					}
					// The site's text, made safe for the terminal (see
					// harvest changes).
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.PublicationID,
						termsafe.String(l.Title), termsafe.String(l.URL), l.State, dash(l.Kind), dash(httpStatus(l.Status)),
						dash(termsafe.String(l.MediaType)), dash(size(l.Size)), l.Checked.Format(time.RFC3339), since)
				}
				if !more {
					break
				}
				q.Offset += len(links)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			what := "download link"
			if broken {
				what = "broken download link"
			}
			fmt.Fprintf(a.errOut, "%s (%d broken)\n", plural(n, what), nBroken)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&broken, "broken", false, "only the broken links")
	fl.StringArrayVar(&sources, "source", nil, "only the links of this source (repeatable)")
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file (for its db)")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func httpStatus(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func size(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}
