package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// app holds what every subcommand shares: where output and logs go.
type app struct {
	out, errOut io.Writer
	verbose     bool
	log         *slog.Logger
}

func newRootCmd() *cobra.Command {
	a := &app{out: os.Stdout, errOut: os.Stderr}
	root := &cobra.Command{
		Use:   "harvest",
		Short: "Crawl publication resource libraries into a clean, deduplicated SQLite catalogue",
		Long: `harvest crawls the publication pages of resource-library websites (most are
WordPress), extracts each publication's title, summary, categories, tags and
download links, strips CMS noise, and keeps the results deduplicated in SQLite.

Start with "harvest demo".`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			a.out, a.errOut = cmd.OutOrStdout(), cmd.ErrOrStderr()
			level := slog.LevelInfo
			if a.verbose {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: level}))
		},
	}
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log every page (debug level)")
	root.AddCommand(newCrawlCmd(a), newExportCmd(a), newDemoCmd(a))
	return root
}

// isTerminal reports whether w is a terminal (for the progress bar).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// usageError marks a bad flag or argument.
func usageError(format string, args ...any) error {
	return fmt.Errorf("usage: "+format, args...)
}
