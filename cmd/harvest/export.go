package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/config"
	"harvest/export"
	"harvest/store"
)

func newExportCmd(a *app) *cobra.Command {
	var (
		format, output, db, configPath string
		sources                        []string
	)
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv|json] [--source NAME]... [-o FILE]",
		Short: "Write the catalogue as JSON lines, a JSON array or CSV",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(export.Formats, format) {
				return usageError("--format %q: want one of %s", format, strings.Join(export.Formats, ", "))
			}
			path := db
			if path == "" {
				path = config.DefaultDB
				if cfg, err := config.Load(configPath); err == nil && cfg.DB != "" {
					path = cfg.DB
				} else if err != nil && cmd.Flags().Changed("config") {
					return err
				}
			}
			if err := exitIfMissing(path); err != nil {
				return err
			}
			out := a.out
			var file *os.File
			if output != "" && output != "-" {
				f, err := os.Create(output)
				if err != nil {
					return fmt.Errorf("export: %w", err)
				}
				file, out = f, f
			}
			w, err := export.New(out, format)
			if err != nil {
				return usageError("--format: %v", err)
			}
			catalogue, err := store.Open(cmd.Context(), path)
			if err != nil {
				return err
			}
			defer catalogue.Close()
			n := 0
			err = catalogue.Each(cmd.Context(), store.Filter{Sources: sources}, func(p harvest.Publication) error {
				n++
				return w.Write(p)
			})
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if file != nil {
				if cerr := file.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				return fmt.Errorf("export %s: %w", path, err)
			}
			if output != "" && output != "-" {
				fmt.Fprintf(a.errOut, "exported %d publications to %s\n", n, output)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "jsonl", "output format: "+strings.Join(export.Formats, ", "))
	fl.StringArrayVar(&sources, "source", nil, "export only this source (repeatable)")
	fl.StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	fl.StringVar(&db, "db", "", "SQLite catalogue (default: the config's db, else ./harvest.db)")
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file (for its db)")
	return cmd
}
