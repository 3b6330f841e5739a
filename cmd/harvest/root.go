package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"harvest/internal/termsafe"
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
			log, err := newLogger(a.errOut, a.logFormat, level)
			if err != nil {
				return err
			}
			a.log = log
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
	root.PersistentFlags().StringVar(&a.logFormat, "log-format", "text", "log format on standard error: text or json")
	root.Version = versionString()
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(newVersionCmd(a), newInitCmd(a), newCrawlCmd(a), newExportCmd(a), newDemoCmd(a), newScheduleCmd(a), newWorkerCmd(a), newRunsCmd(a), newChangesCmd(a), newServeCmd(a), newExtractCmd(a),
		newBenchCmd(a), newBenchSiteCmd(), newBenchCollyCmd(), newBenchCheckCmd())
	root.AddCommand(newLinksCmd(a))
	return root
}

// addVerbose registers -v on a command that fetches pages: there it
// logs every page.
func (a *app) addVerbose(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&a.verbose, "verbose", "v", false, "log every page (debug level)")
}

// newLogger returns the logger of every command: text or JSON lines on w.
// Log lines carry what sites wrote (URLs, titles, server errors): every
// string value and the message pass through termsafe, so that no control
// character or bidirectional override reaches the terminal raw.
func newLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: termsafe.ReplaceAttr}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError("--log-format %q: want text or json", format)
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
