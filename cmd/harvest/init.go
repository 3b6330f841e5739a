package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"harvest/config"
	"harvest/crawler"
	"harvest/extract"
)

type initFlags struct {
	output    string
	name      string
	delay     time.Duration
	maxPages  int
	userAgent string
	schedule  string
}

func newInitCmd(a *app) *cobra.Command {
	f := &initFlags{}
	cmd := &cobra.Command{
		Use:   "init URL [-o config.yaml] [--name NAME]",
		Short: "Look at a site and write a configured source for it",
		Long: `Look at a site politely (robots.txt, the sitemaps, the start page and a
sample of listing and item pages, one request at a time with the delay) and
write a commented configuration with one source for it: its name, start
URL, allowed domains (www and apex both when both answer), the sitemaps
found, an item_url pattern when the item pages share one URL shape,
exclusions for the traps seen (calendars, feeds, search), a schedule and a
delay; every other key is there, commented out.

When the file exists and is a harvest configuration, the source is added to
its sources, leaving the rest of the file as it was. Then:
harvest crawl --config FILE --source NAME.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd.Context(), a, args[0])
		},
	}
	a.addVerbose(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "config.yaml", "configuration file to write, or to add the source to")
	fl.StringVar(&f.name, "name", "", "source name (default: from the host, e.g. example-org)")
	fl.DurationVar(&f.delay, "delay", config.DefaultDelay, "pause between two requests (0 allowed); also the delay written")
	fl.IntVar(&f.maxPages, "max-pages", 30, "pages looked at, at most")
	fl.StringVar(&f.userAgent, "user-agent", config.DefaultUserAgent, "User-Agent sent with every request")
	fl.StringVar(&f.schedule, "schedule", "@weekly", "cron spec written as the source's schedule")
	return cmd
}

func (f *initFlags) run(ctx context.Context, a *app, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("init %q: want an absolute http or https URL", raw)
	}
	switch {
	case f.delay < 0:
		return usageError("--delay %v: must not be negative", f.delay)
	case f.maxPages < 1:
		return usageError("--max-pages %d: want at least 1", f.maxPages)
	case strings.TrimSpace(f.userAgent) == "":
		return usageError("--user-agent must not be empty")
	}
	name := f.name
	if name == "" {
		name = nameFromHost(u.Host)
	}
	if !config.ValidName(name) {
		return usageError("--name %q: letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	// Refuse what cannot be written before the site is asked anything.
	existing, exists, err := readExisting(f.output, name)
	if err != nil {
		return err
	}

	// Pages, up to 10 sitemaps, robots.txt twice and the www/apex twin,
	// each after the delay.
	a.log.Info("init_probe", "url", raw, "max_pages", f.maxPages, "delay", f.delay,
		"pauses_at_most", (time.Duration(f.maxPages+13) * f.delay).String())
	res, err := crawler.Probe(ctx, crawler.ProbeOptions{
		URL: raw, UserAgent: f.userAgent, Delay: f.delay, MaxPages: f.maxPages,
		Timeout: config.DefaultTimeout, MaxBodySize: config.DefaultMaxBodySize, Logger: a.log,
	})
	if err != nil {
		return fmt.Errorf("init %s: %w", raw, err)
	}
	plan := planSource(name, res, f)
	var out []byte
	if !exists {
		out = []byte(newConfigHeader(time.Now()) + "sources:\n" + plan.render(time.Now(), "  "))
	} else if out, err = appendSource(existing, func(indent string) string { return plan.render(time.Now(), indent) }); err != nil {
		return fmt.Errorf("init %s: %s: %w", raw, f.output, err)
	}
	if err := checkWritten(f.output, out, name, exists, existing); err != nil {
		return fmt.Errorf("init %s: %w", raw, err)
	}
	// The site was asked for a while: the file must still be as it was.
	now, err := os.ReadFile(f.output)
	switch {
	case !exists && err == nil:
		return fmt.Errorf("init %s: %s appeared while init looked at the site; nothing written (run init again)", raw, f.output)
	case exists && (err != nil || !bytes.Equal(now, existing)):
		return fmt.Errorf("init %s: %s changed while init looked at the site; nothing written (run init again)", raw, f.output)
	}
	if err := writeAtomic(f.output, out); err != nil {
		return fmt.Errorf("init %s: %w", raw, err)
	}
	plan.report(a.out, f.output, exists)
	return nil
}

// nameFromHost makes a source name of a host, the name `crawl --url`
// gives the same site (www.example.org:8080 is www.example.org-8080), so
// that a catalogue begun ad hoc goes on under the configured source.
func nameFromHost(host string) string {
	return adhocName(host)
}

// readExisting returns the output file's bytes when it is a harvest
// configuration that has no source of this name, exists false when there
// is no such file, and an error for anything else.
func readExisting(path, name string) (data []byte, exists bool, err error) {
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("init: read %s: %w", path, err)
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		return nil, false, fmt.Errorf("init: %s exists and is not a valid harvest configuration; not touching it (use -o for another file):\n%w", path, err)
	}
	for _, s := range cfg.Sources {
		if s.Name == name {
			return nil, false, fmt.Errorf("init: %s already has a source named %q (choose another with --name)", path, name)
		}
	}
	return data, true, nil
}

// checkWritten checks that the new file is a configuration that loads,
// with the new source, and that an appended file kept its old bytes.
func checkWritten(path string, out []byte, name string, appended bool, old []byte) error {
	cfg, err := config.Parse(path, out)
	if err != nil {
		return fmt.Errorf("the configuration written would not load (nothing written):\n%w", err)
	}
	if _, err := cfg.Source(name); err != nil {
		return fmt.Errorf("the configuration written lacks source %q (a bug in harvest init; nothing written)", name)
	}
	if appended {
		prev, err := config.Parse(path, old)
		if err != nil || len(cfg.Sources) != len(prev.Sources)+1 {
			return errors.New("adding the source would change the other sources (a bug in harvest init; nothing written)")
		}
	}
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// folder and a rename: the file is whole, old or new, never half written.
func writeAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// sourcePlan is what init learnt and chose for the source.
type sourcePlan struct {
	name     string
	start    string
	hosts    []string
	schedule string
	delay    time.Duration
	probe    *crawler.ProbeResult
	itemURL  string
	itemWhy  string // why there is no item_url, when there is none
	exclude  []exclusion
	counts   map[extract.Kind]int
}

type exclusion struct {
	pattern string
	why     string // the kind of trap and an example
}

func planSource(name string, res *crawler.ProbeResult, f *initFlags) *sourcePlan {
	p := &sourcePlan{name: name, start: res.Start, hosts: res.Hosts, schedule: f.schedule, probe: res,
		delay: max(f.delay, res.CrawlDelay), counts: map[extract.Kind]int{}}
	var items, others []string
	for _, pg := range res.Pages {
		p.counts[pg.Kind]++
		if pg.Kind == extract.KindPublication {
			items = append(items, pg.URL)
		} else {
			others = append(others, pg.URL)
		}
	}
	others = append(others, res.Start)
	p.itemURL, p.itemWhy = itemPattern(items, others)
	p.exclude = exclusions(res.Traps, append(items, res.Start))
	return p
}

// itemPattern derives an item_url regexp when every item URL has one
// path shape (the same number of segments, the same fixed segments, the
// same trailing slash or extension, no query) and no other page sampled
// matches it. Otherwise it says why not.
func itemPattern(items, others []string) (pattern, why string) {
	if len(items) < 2 {
		return "", fmt.Sprintf("too few publication pages sampled (%d) to see a URL shape", len(items))
	}
	var segs [][]string
	slash := false
	for i, raw := range items {
		u, err := url.Parse(raw)
		if err != nil || u.RawQuery != "" {
			return "", "some publication URLs have a query string"
		}
		s := strings.Split(strings.Trim(u.Path, "/"), "/")
		hasSlash := strings.HasSuffix(u.Path, "/")
		if i == 0 {
			slash = hasSlash
		} else if hasSlash != slash || len(s) != len(segs[0]) {
			return "", "the publication URLs have different shapes"
		}
		segs = append(segs, s)
	}
	var parts []string
	fixed := 0
	for j := range segs[0] {
		same := true
		for _, s := range segs[1:] {
			if s[j] != segs[0][j] {
				same = false
				break
			}
		}
		switch {
		case same && j < len(segs[0])-1:
			parts = append(parts, regexp.QuoteMeta(segs[0][j]))
			fixed++
		case same:
			return "", "the publication URLs end alike"
		default:
			ext := filepath.Ext(segs[0][j])
			for _, s := range segs[1:] {
				if filepath.Ext(s[j]) != ext {
					ext = ""
					break
				}
			}
			if ext != "" && j == len(segs[0])-1 {
				parts = append(parts, `[^/]+`+regexp.QuoteMeta(ext))
			} else {
				parts = append(parts, `[^/]+`)
			}
		}
	}
	if fixed == 0 {
		return "", "the publication URLs share no fixed path segment"
	}
	pattern = `^https?://[^/]+/` + strings.Join(parts, "/")
	if slash {
		pattern += "/"
	}
	pattern += "$"
	re := regexp.MustCompile(pattern)
	for _, o := range others {
		if re.MatchString(o) {
			return "", fmt.Sprintf("%s would match %s, which is no publication", pattern, o)
		}
	}
	return pattern, ""
}

var calendarSection = regexp.MustCompile(`(?i)^/(events?|calendar|agenda)/`)

// exclusions turns the trap links seen into exclude patterns, one per
// kind of trap, none matching a publication sampled or the start URL.
func exclusions(traps []crawler.TrapLink, keep []string) []exclusion {
	var out []exclusion
	add := func(pattern, why string) {
		for _, e := range out {
			if e.pattern == pattern {
				return
			}
		}
		re := regexp.MustCompile(pattern)
		for _, k := range keep {
			if re.MatchString(k) {
				return
			}
		}
		out = append(out, exclusion{pattern: pattern, why: why})
	}
	for _, t := range traps {
		u, err := url.Parse(t.URL)
		if err != nil {
			continue
		}
		example := commentSafe(u.RequestURI())
		switch t.Kind {
		case "calendar":
			if m := calendarSection.FindStringSubmatch(u.Path); m != nil {
				add("/"+regexp.QuoteMeta(m[1])+"/", "event calendar, e.g. "+example)
			} else {
				add(`/action~|exact_date~|[?&](ai1ec|tribe-bar-date|eventdisplay|ical|outlook-ical|calendar_?date)=`, "event calendar views, e.g. "+example)
			}
		case "feed":
			if u.Query().Has("feed") {
				add(`[?&]feed=`, "feeds, e.g. "+example)
			} else {
				add(`/(feed|rss|atom)/?$`, "feeds, e.g. "+example)
			}
		case "search":
			if u.Query().Has("s") {
				add(`[?&]s=`, "search results, e.g. "+example)
			} else {
				add(`/search/`, "search results, e.g. "+example)
			}
		case "wordpress":
			add(`/(wp-admin|wp-json|wp-login\.php|xmlrpc\.php)`, "WordPress internals, e.g. "+example)
		}
	}
	return out
}

// commentSafe makes a URL the site gave fit in a one-line comment: no
// control characters, at most 100 bytes.
func commentSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if len(s) > 100 {
		s = strings.ToValidUTF8(s[:100], "") + "…"
	}
	return s
}

// quote is a YAML single-quoted scalar.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// commentColumn is where line comments start, as in the reference
// config.yaml.
const commentColumn = 40

// line is key (already indented) with a comment at the comment column.
func line(b *strings.Builder, text, comment string) {
	b.WriteString(text)
	if comment != "" {
		pad := commentColumn - len(text)
		if pad < 1 {
			pad = 1
		}
		b.WriteString(strings.Repeat(" ", pad) + "# " + comment)
	}
	b.WriteString("\n")
}

// render writes the source as a YAML sequence item whose dash is at
// indent: the chosen keys set, every other key commented out.
func (p *sourcePlan) render(now time.Time, indent string) string {
	var b strings.Builder
	l := func(text, comment string) { line(&b, indent+text, comment) }
	host := p.hosts[0]
	fmt.Fprintf(&b, indent+"# %s: written by `harvest init` on %s after looking at %s\n", host, now.UTC().Format("2006-01-02"), plural(len(p.probe.Pages), "page"))
	fmt.Fprintf(&b, indent+"# (%s).\n", p.countsText())
	l("- name: "+p.name, "required: letters, digits, '.', '_', '-'")
	l("  start_urls:", "required: where the crawl starts")
	l("    - "+quote(p.start), "")
	why := "hosts the crawl may visit"
	if len(p.hosts) > 1 {
		why += " (all of these answered)"
	}
	l("  allowed_domains:", why)
	for _, h := range p.hosts {
		l("    - "+quote(h), "")
	}
	l("  schedule: "+strings.TrimSpace(fmt.Sprintf("%q", p.schedule)), "cron spec (5 fields, or @daily/@weekly/...), for `harvest schedule`")
	l("  # timezone: Europe/London", "time zone of the schedule (IANA name; default: local; not CRON_TZ= in the spec)")
	l("  # jitter: 30m", "start each scheduled run after a random pause of up to this (Go duration; default 0)")
	if len(p.probe.Sitemaps) == 0 {
		l("  sitemaps: true", "read robots.txt Sitemap lines, /sitemap.xml, /wp-sitemap.xml (none found now)")
	} else {
		l("  sitemaps: true", fmt.Sprintf("read robots.txt Sitemap lines, /sitemap.xml, /wp-sitemap.xml; found %s listing %s:", plural(len(p.probe.Sitemaps), "file"), plural(len(p.probe.SitemapPages), "page URL")))
		for _, s := range p.probe.Sitemaps {
			l("  #   "+commentSafe(s), "")
		}
	}
	delayWhy := "pause between two requests to one host (Go duration; 0 allowed)"
	if p.probe.CrawlDelay > 0 {
		delayWhy += fmt.Sprintf("; robots.txt asks for Crawl-delay %s", p.probe.CrawlDelay)
	}
	l("  delay: "+p.delay.String(), delayWhy)
	if len(p.exclude) == 0 {
		l("  # exclude: []", "URL regexps never fetched (no trap seen beyond the built-in rules)")
	} else {
		l("  exclude:", "URL regexps never fetched (traps init saw)")
		for _, e := range p.exclude {
			l("    - "+quote(e.pattern), e.why)
		}
	}
	l("  # include: []", "when set, only URLs matching one of these are fetched (start URLs always are)")
	if p.itemURL != "" {
		l("  item_url: "+quote(p.itemURL), "exactly the pages whose URL matches are publications (every publication sampled did)")
	} else {
		l("  # item_url: '/resource/[^/]+/$'", "when set, exactly the pages whose URL matches are publications")
		l("  #", "not set: "+p.itemWhy)
	}
	for _, kv := range [][2]string{
		{"# allow_private_networks: false", "true lets the crawl reach private, loopback and link-local addresses"},
		{"# removed_after: 2", "complete runs in a row that must miss a publication before it is marked removed"},
		{"# max_removals: 10%", "one run removes at most this many (a count, or a share of the active ones, at least 5)"},
		{"# mirror_files: true", "keep a local copy of every download file (PDF, ...); default false"},
		{"# mirror_dir: mirror/" + p.name, "required with mirror_files: where the copies go, relative to this file"},
		{"# max_file_size: 100MB", "larger download files are refused, never truncated"},
		{"# concurrency: 4", "requests in flight at once (a delay makes it one at a time per host)"},
		{"# max_pages: 10000", "pages fetched per run at most (0 = no limit)"},
		{"# max_depth: 20", "link hops from a start URL at most (0 = no limit)"},
		{"# max_pagination: 2000", "pages of one listing's pagination followed at most"},
		{"# timeout: 30s", "one request, headers and body"},
		{"# max_body_size: 10MB", "larger responses are refused, never truncated"},
		{"# retries: 3", "a fetch that may pass (5xx, 429, a broken connection) is retried this often"},
		{"# user_agent: \"harvest/0.1 (+https://example.org/contact)\"", "default names harvest and a URL"},
		{"# selectors:", "CSS selectors overriding the generic extractor, field by field"},
		{"#   item: \"body.single\"", "presence marks a publication page"},
		{"#   content: \".entry-content\"", "the publication's own content block"},
		{"#   title: \"h1.entry-title\"", ""},
		{"#   summary: \".entry-content > p:first-of-type\"", ""},
		{"#   categories: \".resource-type a\"", ""},
		{"#   tags: \".resource-tags a\"", ""},
		{"#   downloads: \"a.download\"", ""},
		{"#   publisher: \".publisher\"", ""},
		{"#   published: \"time.published\"", ""},
		{"#   remove: [\".related-resources\"]", "extra noise to strip"},
	} {
		l("  "+kv[0], kv[1])
	}
	return b.String()
}

func (p *sourcePlan) countsText() string {
	return plural(p.counts[extract.KindPublication], "publication") + ", " + plural(p.counts[extract.KindListing], "listing") +
		", " + plural(p.counts[extract.KindOther], "other page")
}

// report prints what init found and what to run next.
func (p *sourcePlan) report(w io.Writer, path string, appended bool) {
	verb := "wrote"
	if appended {
		verb = "added to"
	}
	fmt.Fprintf(w, "Looked at %s of %s: %s.\n", plural(len(p.probe.Pages), "page"), p.start, p.countsText())
	robots := "none (everything allowed)"
	if p.probe.Robots {
		robots = "found"
		if p.probe.CrawlDelay > 0 {
			robots += fmt.Sprintf(", Crawl-delay %s", p.probe.CrawlDelay)
		}
	}
	fmt.Fprintf(w, "  robots.txt:      %s\n", robots)
	fmt.Fprintf(w, "  hosts:           %s\n", strings.Join(p.hosts, ", "))
	if len(p.probe.Sitemaps) == 0 {
		fmt.Fprintf(w, "  sitemaps:        none found\n")
	} else {
		fmt.Fprintf(w, "  sitemaps:        %s (%s)\n", strings.Join(p.probe.Sitemaps, ", "), plural(len(p.probe.SitemapPages), "page URL"))
	}
	if p.itemURL != "" {
		fmt.Fprintf(w, "  item_url:        %s\n", p.itemURL)
	} else {
		fmt.Fprintf(w, "  item_url:        not set (%s)\n", p.itemWhy)
	}
	if len(p.exclude) == 0 {
		fmt.Fprintf(w, "  exclude:         nothing beyond the built-in trap rules\n")
	}
	for i, e := range p.exclude {
		label := ""
		if i == 0 {
			label = "exclude:"
		}
		fmt.Fprintf(w, "  %-16s %s  (%s)\n", label, e.pattern, e.why)
	}
	fmt.Fprintf(w, "  schedule, delay: %s, %s\n", p.schedule, p.delay)
	fmt.Fprintf(w, "Source %q %s %s. Next:\n  harvest crawl --config %s --source %s\n", p.name, verb, path, path, p.name)
}

// newConfigHeader is the start of a new configuration file: what the
// reference config.yaml says about it, and the keys not set, commented
// out.
func newConfigHeader(now time.Time) string {
	return `# harvest configuration, written by ` + "`harvest init`" + ` on ` + now.UTC().Format("2006-01-02") + `.
#
# Every key is optional unless marked "required". Unknown keys are an error
# (harvest names the file, line and field), so a typo never goes unnoticed.
# Keys commented out show what else can be set; config.yaml in the harvest
# repository describes them all. Add a site with: harvest init URL -o FILE.

# The SQLite catalogue. ` + "`--db`" + ` on the command line wins over this.
# db: harvest.db

# Settings every source inherits; a source may override any of them.
# defaults:
#   delay: 1s              # pause between two requests to one host (Go duration; 0 allowed)
#   concurrency: 4         # requests in flight at once for one source
#   max_pages: 10000       # pages fetched per run at most (0 = no limit)
#   max_depth: 20          # link hops from a start URL at most (0 = no limit)
#   max_pagination: 2000   # pages of one listing's pagination followed at most
#   timeout: 30s           # one request, headers and body
#   max_body_size: 10MB    # larger responses are refused, never truncated
#   retries: 3             # a fetch that may pass (500/502/503/504, 429, a broken connection) is retried this often
#   max_file_size: 100MB   # a mirrored download file larger than this is refused (see mirror_files)
#   user_agent: "harvest/0.1 (+https://example.org/contact)"   # default names harvest and a URL

`
}

// appendSource adds block (a source rendered at the indent given) to the sources
// of an existing configuration, leaving every other byte as it was: the
// block goes after the last source (before the next top-level key and its
// comments, when sources is not the last key), indented as the existing
// sources are.
func appendSource(data []byte, block func(indent string) string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	text := data
	if len(text) > 0 && text[len(text)-1] != '\n' {
		text = append(slices.Clip(text), '\n')
	}
	if len(doc.Content) == 0 {
		return append(text, []byte("sources:\n"+block("  "))...), nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 {
		return nil, errors.New("the file is not a block mapping; add the source by hand")
	}
	keyAt := -1
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sources" {
			keyAt = i
		}
	}
	if keyAt < 0 {
		return append(text, []byte("\nsources:\n"+block("  "))...), nil
	}
	seq := root.Content[keyAt+1]
	lines := bytes.SplitAfter(text, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	indent := "  "
	switch {
	case seq.Kind == yaml.ScalarNode && seq.Tag == "!!null":
	case seq.Kind == yaml.SequenceNode && seq.Style&yaml.FlowStyle == 0 && len(seq.Content) > 0:
		first := lines[seq.Content[0].Line-1]
		dash := bytes.IndexByte(first, '-')
		if dash < 0 || len(bytes.TrimLeft(first[:dash], " ")) != 0 {
			return nil, errors.New("cannot tell how the sources are indented; add the source by hand")
		}
		indent = string(first[:dash])
	default:
		return nil, errors.New("sources is not a block list (sources: [] or similar); write it as a block list or add the source by hand")
	}
	insert := len(lines) // before this line index
	if keyAt+2 < len(root.Content) {
		next := root.Content[keyAt+2].Line - 1
		// The next key's own comments and blank lines before it stay
		// with it.
		insert = next
		for insert > 0 {
			l := lines[insert-1]
			if t := bytes.TrimSpace(l); len(t) == 0 || (l[0] == '#') {
				insert--
				continue
			}
			break
		}
	}
	var out bytes.Buffer
	for _, l := range lines[:insert] {
		out.Write(l)
	}
	if insert > 0 && insert != root.Content[keyAt].Line && len(bytes.TrimSpace(lines[insert-1])) > 0 {
		out.WriteString("\n") // a blank line after the source before
	}
	out.WriteString(block(indent))
	if insert < len(lines) && len(bytes.TrimSpace(lines[insert])) > 0 {
		out.WriteString("\n")
	}
	for _, l := range lines[insert:] {
		out.Write(l)
	}
	return out.Bytes(), nil
}
