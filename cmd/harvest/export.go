package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/export"
)

func newExportCmd(a *app) *cobra.Command {
	var (
		format, output, db, configPath, since string
		sources                               []string
		includeRemoved, schema, csvRaw        bool
	)
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv|json|csl-json|ris|bibtex] [--csv-raw] [--source NAME]... [--since TIME] [--include-removed] [-o FILE]",
		Short: "Write the catalogue as JSON lines, a JSON array, CSV, or references (CSL-JSON, RIS, BibTeX)",
		Long: `Write the catalogue as JSON lines, a JSON array or CSV, one record at a time,
ordered by id. Records the sites no longer have (status "removed") are left
out unless --include-removed is given. --schema prints the JSON Schema of a
record instead.

For reference managers (Zotero, Mendeley, JabRef, EndNote) and citation
processors, --format csl-json writes CSL-JSON, --format ris RIS and --format
bibtex BibTeX (UTF-8), one reference per record: the type, authors (people
split into family and given names, organisations kept whole), published
date, publisher, language, page URL, summary as abstract, tags and
categories as keywords, and the day last seen as access date. Zotero:
File > Import… the file; JabRef: open the .bib. The README's "Citation
formats" section has the mapping and the escaping rules.

Every field was written by a website harvest does not control. In CSV, a
text cell that a spreadsheet would read as a formula (one starting with =, +,
-, @, a tab or a carriage return, also after leading spaces) gets a leading
apostrophe, which makes the spreadsheet show it as text; --csv-raw writes the
cells exactly as harvested, for programs that read CSV as data. The JSON
formats write characters that could steer a terminal (control characters,
bidirectional overrides) as \u escapes, which decode to the same text.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if schema {
				_, err := a.out.Write(export.Schema)
				return err
			}
			if !slices.Contains(export.Formats, format) {
				return usageError("--format %q: want one of %s", format, strings.Join(export.Formats, ", "))
			}
			if csvRaw && format != "csv" {
				return usageError("--csv-raw applies to --format csv only")
			}
			filter := harvest.Filter{Sources: sources, Status: harvest.StatusActive}
			if includeRemoved {
				filter.Status = ""
			}
			if since != "" {
				t, err := export.ParseSince(since, time.Now())
				if err != nil {
					return usageError("--since: %v", err)
				}
				filter.Since = t
			}
			path, cfg, err := catalogueFlag(cmd, db, configPath)
			if err != nil {
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
			w, err := export.NewWithOptions(out, format, export.Options{RawCSV: csvRaw})
			if err != nil {
				return usageError("--format: %v", err)
			}
			catalogue, err := openCatalogue(cmd.Context(), path, false)
			if err != nil {
				return err
			}
			defer catalogue.Close()
			if err := checkSourceNames(cmd.Context(), catalogue, cfg, sources); err != nil {
				return err
			}
			n := 0
			err = catalogue.Each(cmd.Context(), filter, func(p harvest.Publication) error {
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
				fmt.Fprintf(a.errOut, "exported %s to %s\n", plural(n, "publication"), output)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "jsonl", "output format: "+strings.Join(export.Formats, ", "))
	fl.BoolVar(&csvRaw, "csv-raw", false, "CSV: write cells exactly as harvested, without an apostrophe before a cell a spreadsheet would read as a formula (=, +, -, @)")
	fl.StringArrayVar(&sources, "source", nil, "export only this source (repeatable)")
	fl.StringVar(&since, "since", "", "export only records new, changed or removed since TIME (2025-03-01, an RFC 3339 time, or an age: 36h, 7d)")
	fl.BoolVar(&includeRemoved, "include-removed", false, `also export records the sites no longer have (status "removed")`)
	fl.BoolVar(&schema, "schema", false, "print the JSON Schema of an exported record and exit")
	fl.StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	fl.StringVar(&db, "db", "", "catalogue: a SQLite file or postgres://… (default: the config's db, else ./harvest.db)")
	fl.StringVar(&configPath, "config", "config.yaml", "configuration file (for its db)")
	return cmd
}
