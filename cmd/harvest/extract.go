package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"harvest"
	"harvest/config"
	"harvest/extract"
	"harvest/harvester"
	"harvest/internal/golden"
	"harvest/internal/termsafe"
	"harvest/urlnorm"
)

// extractFlags are the flags of harvest extract.
type extractFlags struct {
	url        string
	rules      string
	configPath string
	golden     string
	misses     bool
}

func newExtractCmd(a *app) *cobra.Command {
	f := &extractFlags{}
	cmd := &cobra.Command{
		Use:   "extract [--url URL] [--rules SOURCE] [--config FILE] FILE|-... | harvest extract --golden DIR",
		Short: "Run the extractor on saved pages: what it finds, and from which signal",
		Long: `Run the extractor offline on saved pages and print one JSON line per file:
the file, what the page is (kind, reason), the record's fields (for every
kind of page, not only publications), and "sources": the signal each field
came from (json-ld, citation_meta, og, visible:h1, ...). This is how to debug
a site before configuring it. A file named - is standard input.

Links in a page are resolved against --url; without it, against the page's
own <link rel=canonical> or og:url; a page that declares neither is still
extracted, its links left relative (root-relative paths such as
/files/report.pdf), with a warning on standard error. --rules applies the
selectors and item_url of a configured source.

With --golden DIR, run the extractor over every DIR/<name>.html that has a
DIR/<name>.json truth file (the format of extract/testdata) and print the
per-field accuracy report.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.golden != "" {
				if len(args) > 0 || f.url != "" || f.rules != "" {
					return usageError("--golden takes a directory and no files, --url or --rules")
				}
				return runGolden(a, f.golden, f.misses)
			}
			if len(args) == 0 {
				return usageError("extract needs at least one saved page, or - for standard input (or --golden DIR)")
			}
			if n := slices.Index(args, "-"); n >= 0 && slices.Index(args[n+1:], "-") >= 0 {
				return usageError("extract: - (standard input) can be given once")
			}
			rules := extract.Rules{}
			if f.rules != "" {
				cfg, err := config.Load(f.configPath)
				if err != nil {
					return err
				}
				s, err := cfg.Source(f.rules)
				if err != nil {
					return err
				}
				rules = harvester.RulesFor(s)
			}
			// Each line is written through termsafe.JSON: the same JSON,
			// with no character that steers or reorders a terminal raw.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			failed := 0
			for _, file := range args {
				line, err := extractFile(a, cmd.InOrStdin(), file, f.url, rules)
				if err != nil {
					a.log.Error("extract failed", "file", file, "err", err)
					failed++
					continue
				}
				buf.Reset()
				if err := enc.Encode(line); err != nil {
					return err
				}
				if _, err := a.out.Write(termsafe.JSON(buf.Bytes())); err != nil {
					return err
				}
			}
			if failed > 0 {
				return fmt.Errorf("extract: %d of %d files failed", failed, len(args))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "the address the pages were saved from (default: each page's canonical link or og:url; links stay relative without either)")
	fl.StringVar(&f.rules, "rules", "", "apply the selectors and item_url of this configured source")
	fl.StringVar(&f.configPath, "config", "config.yaml", "configuration file (read with --rules)")
	fl.StringVar(&f.golden, "golden", "", "print the accuracy report over the pages of this directory that have golden JSON")
	fl.BoolVar(&f.misses, "misses", false, "with --golden: also list every field that differs from the truth")
	return cmd
}

// extractLine is what harvest extract prints for one file: the file, what
// the page is, the record's fields (whatever the kind of page), and the
// signal of each field. Its fields are the content fields of
// harvest.Publication, with the same JSON names; the bookkeeping of a
// catalogue record (id, source, status, times) has no place here.
type extractLine struct {
	File          string             `json:"file"`
	Kind          extract.Kind       `json:"kind"`
	Reason        string             `json:"reason"`
	URL           string             `json:"url"`
	CanonicalURL  string             `json:"canonical_url"`
	Title         string             `json:"title"`
	Summary       string             `json:"summary"`
	Categories    []string           `json:"categories"`
	Tags          []string           `json:"tags"`
	Downloads     []harvest.Download `json:"downloads"`
	Authors       []string           `json:"authors"`
	Publisher     string             `json:"publisher"`
	Published     string             `json:"published,omitempty"`
	Posted        string             `json:"posted,omitempty"`
	Modified      string             `json:"modified,omitempty"`
	ExternalLinks []harvest.Link     `json:"external_links"`
	Language      string             `json:"language"`
	Image         string             `json:"image"`
	SiteName      string             `json:"site_name"`
	Type          string             `json:"type"`
	Sources       map[string]string  `json:"sources"`
}

// extractFile runs the extractor on one saved page: file, or stdin when
// file is "-". Without pageURL, the page's declared address is used;
// without one, the page is extracted with no address (its links stay
// relative) and a warning says so.
func extractFile(a *app, stdin io.Reader, file, pageURL string, rules extract.Rules) (*extractLine, error) {
	var body []byte
	var err error
	if file == "-" {
		body, err = io.ReadAll(stdin)
		if err != nil {
			err = fmt.Errorf("read standard input: %w", err)
		}
	} else {
		body, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, err
	}
	if kind, ok := htmlLike(body); !ok {
		return nil, fmt.Errorf("%s is not an HTML page (it reads as %s): harvest extract takes web pages saved as HTML", file, kind)
	}
	if pageURL != "" {
		if _, err := urlnorm.Normalize(pageURL); err != nil {
			// A bad --url does not stop the extraction: the page's own
			// address is used, as without --url.
			a.log.Warn("--url is not an absolute http(s) address; using the page's own", "file", file, "url", pageURL, "reason", err)
			pageURL = ""
		}
	}
	if pageURL == "" {
		declared, err := extract.DeclaredURL(body, "")
		if err != nil {
			a.log.Warn("no address for the page: its links stay relative; give the address it was saved from with --url",
				"file", file, "reason", err)
		}
		pageURL = declared
	}
	res, err := extract.Inspect(pageURL, body, "", rules)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := res.Publication
	p.Normalize()
	sources := res.Sources
	if sources == nil {
		sources = map[string]string{}
	}
	return &extractLine{
		File: file, Kind: res.Kind, Reason: res.Reason,
		URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Summary: p.Summary,
		Categories: p.Categories, Tags: p.Tags, Downloads: p.Downloads, Authors: p.Authors,
		Publisher: p.Publisher, Published: p.Published, Posted: p.Posted, Modified: p.Modified,
		ExternalLinks: p.ExternalLinks, Language: p.Language,
		Image: p.Image, SiteName: p.SiteName, Type: p.Type, Sources: sources,
	}, nil
}

// htmlLike reports whether body can be a saved web page: text, by the
// sniffing rules browsers use (an HTML page without its tags is text
// too). Otherwise it names what the bytes look like.
func htmlLike(body []byte) (string, bool) {
	kind := http.DetectContentType(body)
	mediaType, _, _ := strings.Cut(kind, ";")
	if strings.HasPrefix(mediaType, "text/") {
		return mediaType, true
	}
	if mediaType == "application/octet-stream" {
		return "binary data", false
	}
	return mediaType, false
}

// runGolden prints the accuracy report over a directory of golden pages.
func runGolden(a *app, dir string, misses bool) error {
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return usageError("--golden %s: not a directory", dir)
	}
	acc, err := golden.EvaluateDir(os.DirFS(dir), func(url, contentType string, body []byte) (golden.Page, error) {
		res, err := extract.Page(url, body, contentType, extract.Rules{})
		if err != nil {
			return golden.Page{}, err
		}
		var pub *harvest.Publication
		if res.Kind == extract.KindPublication {
			pub = &res.Publication
		}
		return golden.Of(url, contentType, string(res.Kind), res.Reason, pub, res.Links, res.Noise, res.Sources), nil
	})
	if err != nil {
		return fmt.Errorf("golden %s: %w", dir, err)
	}
	// The misses quote what the pages say: each line of the report
	// passes through termsafe.
	var report strings.Builder
	if err := acc.WriteText(&report, misses); err != nil {
		return err
	}
	_, err = io.WriteString(a.out, termsafe.Lines(report.String()))
	return err
}
