package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"harvest/web"
)

func newServeCmd(a *app) *cobra.Command {
	var addr, db, configPath string
	var noResponseCache bool
	var oai web.OAIOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--db PATH]",
		Short: "Serve the catalogue read-only: JSON API, Atom feed, metrics and a catalogue page",
		Long: `Serve the catalogue over HTTP until interrupted, read-only:

  /                        the catalogue page: search, filters, publications
  /api/publications        JSON; q, source, tag, category, since, status, order, limit, cursor
  /api/publications/{id}   one record (the export's schema)
  /api/sources, /api/runs  each source with its last run and counts; the runs
  /api/schema              the JSON Schema of a record
  /feed.atom               the newest publications (source, tag, category, q)
  /oai                     OAI-PMH 2.0 for harvesters (oai_dc; sets per source
                           and category; --oai-* name the repository)
  /healthz, /metrics       health check; Prometheus metrics

Listings and records carry an ETag and a Last-Modified from the catalogue's
change counter and are answered 304 Not Modified while the catalogue has not
changed; answers are kept in memory until it changes (--no-response-cache
renders every one).

On SIGINT or SIGTERM it stops accepting connections and lets requests in
flight finish.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAddr("--addr", addr); err != nil {
				return err
			}
			path, _, err := catalogueFlag(cmd, db, configPath)
			if err != nil {
				return err
			}
			catalogue, err := openCatalogue(cmd.Context(), path, false)
			if err != nil {
				return err
			}
			defer catalogue.Close()
			ln, link, err := listen("--addr", addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "serving %s at %s (Ctrl-C stops)\n", path, link)
			a.log.Info("serve", "addr", ln.Addr().String(), "db", path)
			opts := []web.Option{web.WithOAI(oai)}
			if noResponseCache {
				opts = append(opts, web.WithoutResponseCache())
			}
			// A counted total (a search's, a tag's) may be a second old
			// while a crawl writes (store.DB.SetTotalLag).
			catalogue.SetTotalLag(time.Second)
			return web.Serve(cmd.Context(), ln, web.New(catalogue, a.log, opts...), a.log)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file (for its db)")
	fl.StringVar(&oai.RepositoryName, "oai-name", "", "OAI-PMH repositoryName (default \"harvest catalogue\")")
	fl.StringVar(&oai.AdminEmail, "oai-admin-email", "", "OAI-PMH adminEmail (default admin@harvest.invalid, a placeholder)")
	fl.StringVar(&oai.RepositoryIdentifier, "oai-repository-id", "", "the domain name in OAI-PMH identifiers, oai:<it>:<id> (default: the host the request came to)")
	fl.BoolVar(&noResponseCache, "no-response-cache", false, "render every answer (for measuring; the default keeps answers until the catalogue changes)")
	return cmd
}
