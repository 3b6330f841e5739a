package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// app holds what every subcommand shares: where output and logs go.
type app struct {
	out, errOut io.Writer
	verbose     bool
	cpuProfile  string
	stopProfile func()
	logFormat   string // text or json
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
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.out, a.errOut = cmd.OutOrStdout(), cmd.ErrOrStderr()
			level := slog.LevelInfo
			if a.verbose {
				level = slog.LevelDebug
			}
			opts := &slog.HandlerOptions{Level: level}
			switch a.logFormat {
			case "text":
				a.log = slog.New(slog.NewTextHandler(a.errOut, opts))
			case "json":
				a.log = slog.New(slog.NewJSONHandler(a.errOut, opts))
			default:
				return usageError("--log-format %q: want text or json", a.logFormat)
			}
			if a.cpuProfile != "" {
				f, err := os.Create(a.cpuProfile)
				if err != nil {
					return fmt.Errorf("cpu profile: %w", err)
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					f.Close()
					return fmt.Errorf("cpu profile: %w", err)
				}
				a.stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
			}
			return nil
		},
		PersistentPostRun: func(*cobra.Command, []string) {
			if a.stopProfile != nil {
				a.stopProfile()
			}
		},
	}
	root.PersistentFlags().StringVar(&a.cpuProfile, "cpuprofile", "", "write a CPU profile (go tool pprof) to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log every page (debug level)")
	root.PersistentFlags().StringVar(&a.logFormat, "log-format", "text", "log format on standard error: text or json")
	root.AddCommand(newCrawlCmd(a), newExportCmd(a), newDemoCmd(a), newScheduleCmd(a), newRunsCmd(a), newChangesCmd(a), newServeCmd(a), newExtractCmd(a),
		newBenchCmd(a), newBenchSiteCmd(), newBenchCollyCmd())
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
