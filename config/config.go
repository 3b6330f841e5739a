// Package config loads and validates harvest's YAML configuration. Every
// error names the file, the line and the field, and what is allowed.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Defaults applied where neither the source nor the defaults block says.
const (
	DefaultDelay       = time.Second
	DefaultConcurrency = 4
	DefaultMaxDepth    = 20
	DefaultMaxPages    = 10000
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBodySize = 10 << 20
	DefaultMaxFileSize = 100 << 20
	DefaultRetries     = 3
	// DefaultRemovedAfter is how many complete runs in a row must miss a
	// publication before it is marked removed.
	DefaultRemovedAfter = 2
	// DefaultMaxRemovalsPercent and DefaultMinRemovals make the default
	// removal guard: one run may mark at most 10 % of a source's active
	// publications removed, and at least 5.
	DefaultMaxRemovalsPercent = 10
	DefaultMinRemovals        = 5
	DefaultUserAgent          = "harvest/0.1 (+https://github.com/harvest-catalogue/harvest; publication metadata harvester)"
	DefaultDB                 = "harvest.db"
)

// Config is a validated configuration file.
type Config struct {
	// Path is the file the configuration came from.
	Path     string
	DB       string
	Defaults Crawl
	Sources  []Source
}

// Crawl holds the politeness and limit settings shared by defaults and
// sources.
type Crawl struct {
	Delay       time.Duration
	Concurrency int
	MaxPages    int
	MaxDepth    int
	Timeout     time.Duration
	MaxBodySize int64
	// MaxFileSize caps each mirrored download file (mirror_files).
	MaxFileSize int64
	// Retries is how often a fetch that may pass (5xx, 429, a broken
	// connection) is tried again, with exponential backoff.
	Retries int
	// MaxPagination bounds the pages followed in one pagination sequence
	// of a listing (0: the crawler's default, 2000).
	MaxPagination int
	UserAgent     string
}

// RemovalLimit is the most publications one run of a source may mark
// removed (like rsync's --max-delete): past it, the run removes nothing.
type RemovalLimit struct {
	// Count, when Percent is 0, is the limit itself (0: a run removes
	// nothing without confirmation).
	Count int
	// Percent, when set, makes the limit that share of the source's
	// active publications, and at least DefaultMinRemovals.
	Percent float64
}

// DefaultRemovalLimit is 10 % of the active publications, at least 5.
var DefaultRemovalLimit = RemovalLimit{Percent: DefaultMaxRemovalsPercent}

// Limit is the most publications a run may remove from a source with
// active publications.
func (l RemovalLimit) Limit(active int) int {
	if l.Percent <= 0 {
		return l.Count
	}
	n := int(math.Ceil(float64(active) * l.Percent / 100))
	return max(n, DefaultMinRemovals)
}

func (l RemovalLimit) String() string {
	if l.Percent > 0 {
		return strconv.FormatFloat(l.Percent, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(l.Count)
}

// Source is one configured site.
type Source struct {
	Name           string
	StartURLs      []string
	AllowedDomains []string
	Schedule       string
	Timezone       string
	Jitter         time.Duration // a scheduled run starts after a random pause shorter than this (0: none)
	Sitemaps       bool
	Include        []*regexp.Regexp
	Exclude        []*regexp.Regexp
	ItemURL        *regexp.Regexp
	Selectors      Selectors
	// MirrorFiles: keep a local copy of every download file in MirrorDir
	// (an absolute path; set whenever MirrorFiles is).
	MirrorFiles bool
	MirrorDir   string
	// NoLinkCheck turns the check of download links at the end of each
	// run off (check_links: false; checked by default).
	NoLinkCheck bool
	// RemovedAfter is how many complete runs in a row must miss a
	// publication before it is marked removed.
	RemovedAfter int
	// MaxRemovals guards against a run that would remove too much.
	MaxRemovals RemovalLimit
	// AllowPrivateNetworks lets the crawl reach private, loopback and
	// link-local addresses other than its start hosts'.
	AllowPrivateNetworks bool
	Crawl
}

// Selectors are per-source CSS selectors overriding the generic
// extractor field by field.
type Selectors struct {
	Item       string   `yaml:"item"`
	Content    string   `yaml:"content"`
	Title      string   `yaml:"title"`
	Summary    string   `yaml:"summary"`
	Categories string   `yaml:"categories"`
	Tags       string   `yaml:"tags"`
	Downloads  string   `yaml:"downloads"`
	Publisher  string   `yaml:"publisher"`
	Published  string   `yaml:"published"`
	Remove     []string `yaml:"remove"`
}

// Source returns the named source, or an error listing the known names.
func (c *Config) Source(name string) (Source, error) {
	names := make([]string, 0, len(c.Sources))
	for _, s := range c.Sources {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Source{}, fmt.Errorf("%s: unknown source %q (configured: %s)", c.Path, name, strings.Join(names, ", "))
}

// raw mirrors the file; unknown keys are rejected by the decoder.
type raw struct {
	DB       string   `yaml:"db"`
	Defaults rawCrawl `yaml:"defaults"`
	Sources  []rawSrc `yaml:"sources"`
}

type rawCrawl struct {
	Delay       string `yaml:"delay"`
	Concurrency *int   `yaml:"concurrency"`
	MaxPages    *int   `yaml:"max_pages"`
	MaxDepth    *int   `yaml:"max_depth"`
	Timeout     string `yaml:"timeout"`
	MaxBodySize string `yaml:"max_body_size"`
	MaxFileSize string `yaml:"max_file_size"`
	UserAgent   string `yaml:"user_agent"`
	Retries     *int   `yaml:"retries"`
	// MaxPagination is max_pagination.
	MaxPagination *int `yaml:"max_pagination"`
}

type rawSrc struct {
	Name           string    `yaml:"name"`
	StartURLs      []string  `yaml:"start_urls"`
	AllowedDomains []string  `yaml:"allowed_domains"`
	Schedule       string    `yaml:"schedule"`
	Timezone       string    `yaml:"timezone"`
	Jitter         string    `yaml:"jitter"`
	Sitemaps       *bool     `yaml:"sitemaps"`
	Include        []string  `yaml:"include"`
	Exclude        []string  `yaml:"exclude"`
	ItemURL        string    `yaml:"item_url"`
	Selectors      Selectors `yaml:"selectors"`
	MirrorFiles    bool      `yaml:"mirror_files"`
	MirrorDir      string    `yaml:"mirror_dir"`
	CheckLinks     *bool     `yaml:"check_links"`
	RemovedAfter   *int      `yaml:"removed_after"`
	MaxRemovals    string    `yaml:"max_removals"`
	AllowPrivate   bool      `yaml:"allow_private_networks"`
	rawCrawl       `yaml:",inline"`
}

// Error is a configuration error at one place in one file.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse validates data as the configuration file named path. Every problem
// is reported, each with its file:line and the key's path: those the YAML
// decoder finds (unknown keys, values of the wrong type) and those of the
// validation of what could be decoded.
func Parse(path string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(path, err, nil)
	}
	lines := map[string]int{}
	walk(&root, "", lines)

	var r raw
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var decodeErrs error
	if err := dec.Decode(&r); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, yamlError(path, err, lines)
		}
		// A type error leaves the rest decoded: validate that too, so
		// that one run shows every mistake.
		decodeErrs = yamlError(path, err, lines)
	}
	v := validator{file: path, lines: lines, skipLines: errorLines(decodeErrs)}
	cfg := &Config{Path: path, DB: r.DB}
	base := Crawl{
		Delay: DefaultDelay, Concurrency: DefaultConcurrency, MaxPages: DefaultMaxPages,
		MaxDepth: DefaultMaxDepth, Timeout: DefaultTimeout, MaxBodySize: DefaultMaxBodySize,
		MaxFileSize: DefaultMaxFileSize, UserAgent: DefaultUserAgent, Retries: DefaultRetries,
	}
	cfg.Defaults = v.crawl("defaults", r.Defaults, base)
	seen := map[string]bool{}
	for i, rs := range r.Sources {
		cfg.Sources = append(cfg.Sources, v.source(fmt.Sprintf("sources[%d]", i), rs, cfg.Defaults, seen))
	}
	if decodeErrs != nil || len(v.errs) > 0 {
		return nil, sortErrors(append(unjoin(decodeErrs), v.errs...))
	}
	return cfg, nil
}

var (
	yamlLine     = regexp.MustCompile(`line (\d+): (.*)`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	typeMismatch = regexp.MustCompile(`^cannot unmarshal !!(\w+)(?: ` + "`(.*)`" + `)? into (\S+)$`)
)

// yamlError turns the YAML library's messages into file:line errors, one
// per problem, each naming the key's path (found in lines, the line of
// every key) and, for a misspelt key, the key that was probably meant.
func yamlError(path string, err error, lines map[string]int) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		sm := yamlLine.FindStringSubmatch(m)
		if sm == nil {
			errs = append(errs, &Error{File: path, Msg: m})
			continue
		}
		n, _ := strconv.Atoi(sm[1])
		msg, field := sm[2], ""
		if fm := unknownField.FindStringSubmatch(msg); fm != nil {
			field = keyAt(lines, n, fm[1])
			msg = "unknown key"
			if s := closestKey(fm[1], keysOf[fm[2]]); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (see config.yaml in the repository for the allowed keys)"
			}
		} else if tm := typeMismatch.FindStringSubmatch(msg); tm != nil {
			field = keyAt(lines, n, "")
			msg = fmt.Sprintf("want %s, got %s", goTypeWords(tm[3]), yamlValueWords(tm[1], tm[2]))
		}
		errs = append(errs, &Error{File: path, Line: n, Field: field, Msg: msg})
	}
	return errors.Join(errs...)
}

// keyAt is the path of the key on line n (named name, when given); the
// deepest key when several start there.
func keyAt(lines map[string]int, n int, name string) string {
	best := ""
	for p, l := range lines {
		if l != n {
			continue
		}
		if name != "" && p != name && !strings.HasSuffix(p, "."+name) {
			continue
		}
		if strings.HasSuffix(p, "]") {
			continue // the key, not an item of its flow list
		}
		if len(p) > len(best) || (len(p) == len(best) && p < best) {
			best = p
		}
	}
	if best == "" {
		return name
	}
	return best
}

// keysOf lists the keys each part of the file allows, by the Go type the
// decoder names in its messages.
var keysOf = map[string][]string{
	"config.raw":       yamlKeys(reflect.TypeFor[raw]()),
	"config.rawSrc":    yamlKeys(reflect.TypeFor[rawSrc]()),
	"config.rawCrawl":  yamlKeys(reflect.TypeFor[rawCrawl]()),
	"config.Selectors": yamlKeys(reflect.TypeFor[Selectors]()),
}

// yamlKeys lists the yaml keys of a struct type, inlined structs included.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			keys = append(keys, yamlKeys(f.Type)...)
			continue
		}
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// closestKey is the allowed key nearest to a misspelt one, when one is
// near enough to be what was meant.
func closestKey(key string, allowed []string) string {
	best, bestDist := "", 0
	for _, k := range allowed {
		d := editDistance(strings.ToLower(key), k)
		limit := max(1, min(3, len(k)/3))
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (optimal string
// alignment) of a and b, in bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// goTypeWords says what a Go type of the raw config wants, in words.
func goTypeWords(t string) string {
	switch {
	case t == "int" || t == "*int":
		return "a whole number"
	case t == "bool" || t == "*bool":
		return "true or false"
	case t == "string":
		return "a single value (text)"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "config."):
		return "a mapping of keys"
	}
	return t
}

// yamlValueWords names the value the file holds.
func yamlValueWords(tag, value string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "null":
		return "nothing"
	}
	if value == "" {
		return "a " + tag
	}
	return "`" + value + "`"
}

// errorLines are the lines of the file:line errors in err.
func errorLines(err error) map[int]bool {
	lines := map[int]bool{}
	for _, e := range unjoin(err) {
		var ce *Error
		if errors.As(e, &ce) && ce.Line > 0 {
			lines[ce.Line] = true
		}
	}
	return lines
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// sortErrors joins errs in the order of their lines in the file.
func sortErrors(errs []error) error {
	line := func(e error) int {
		var ce *Error
		if errors.As(e, &ce) {
			return ce.Line
		}
		return 0
	}
	slices.SortStableFunc(errs, func(a, b error) int { return line(a) - line(b) })
	return errors.Join(errs...)
}

// walk records the line of every mapping key and sequence item under its
// dotted path ("sources[0].delay").
func walk(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walk(c, path, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			lines[p] = k.Line
			walk(val, p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[p] = c.Line
			walk(c, p, lines)
		}
	}
}

type validator struct {
	file  string
	lines map[string]int
	errs  []error
	// skipLines are lines the decoder already reported: a value of the
	// wrong type is not also reported as missing.
	skipLines map[int]bool
}

func (v *validator) fail(field, format string, args ...any) {
	line := v.lines[field]
	for p := field; line == 0 && p != ""; {
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
		line = v.lines[p]
	}
	if v.skipLines[line] && line > 0 {
		return
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) crawl(prefix string, r rawCrawl, base Crawl) Crawl {
	c := base
	if r.Delay != "" {
		c.Delay = v.duration(prefix+".delay", r.Delay, true)
	}
	if r.Timeout != "" {
		c.Timeout = v.duration(prefix+".timeout", r.Timeout, false)
	}
	if r.Concurrency != nil {
		c.Concurrency = v.positive(prefix+".concurrency", *r.Concurrency, 1, 256)
	}
	if r.MaxPages != nil {
		c.MaxPages = v.positive(prefix+".max_pages", *r.MaxPages, 0, 1<<30)
	}
	if r.MaxDepth != nil {
		c.MaxDepth = v.positive(prefix+".max_depth", *r.MaxDepth, 0, 1000)
	}
	if r.Retries != nil {
		c.Retries = v.positive(prefix+".retries", *r.Retries, 0, 10)
	}
	if r.MaxPagination != nil {
		c.MaxPagination = v.positive(prefix+".max_pagination", *r.MaxPagination, 1, 1<<20)
	}
	if r.MaxBodySize != "" {
		n, err := ParseSize(r.MaxBodySize)
		if err != nil {
			v.fail(prefix+".max_body_size", "%v", err)
		}
		c.MaxBodySize = n
	}
	if r.MaxFileSize != "" {
		n, err := ParseSize(r.MaxFileSize)
		if err != nil {
			v.fail(prefix+".max_file_size", "%v", err)
		}
		c.MaxFileSize = n
	}
	if r.UserAgent != "" {
		c.UserAgent = r.UserAgent
	}
	return c
}

func (v *validator) duration(field, s string, zeroOK bool) time.Duration {
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		v.fail(field, "%q must not be negative", s)
		return 0
	}
	if err != nil || (d == 0 && !zeroOK) {
		allowed := "a positive Go duration such as 500ms, 2s, 1m"
		if zeroOK {
			allowed = "a Go duration such as 0, 500ms, 2s, 1m"
		}
		v.fail(field, "invalid duration %q (want %s)", s, allowed)
		return 0
	}
	return d
}

func (v *validator) positive(field string, n, lo, hi int) int {
	if n < lo || n > hi {
		v.fail(field, "%d is out of range (want %d to %d)", n, lo, hi)
	}
	return n
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// ValidName reports whether name may name a source: letters, digits,
// '.', '_' and '-', starting with a letter or digit.
func ValidName(name string) bool { return namePattern.MatchString(name) }

func (v *validator) source(prefix string, r rawSrc, defaults Crawl, seen map[string]bool) Source {
	s := Source{
		Name: r.Name, Schedule: r.Schedule, Timezone: r.Timezone, Sitemaps: true,
		Selectors: r.Selectors, AllowedDomains: r.AllowedDomains,
	}
	switch {
	case r.Name == "":
		v.fail(prefix+".name", "missing (every source needs a name: letters, digits, '.', '_' or '-')")
	case !namePattern.MatchString(r.Name):
		v.fail(prefix+".name", "%q is not allowed (letters, digits, '.', '_' or '-')", r.Name)
	case seen[r.Name]:
		v.fail(prefix+".name", "duplicate source name %q", r.Name)
	}
	seen[r.Name] = true
	if len(r.StartURLs) == 0 {
		v.fail(prefix+".start_urls", "missing (at least one http or https URL)")
	}
	for i, u := range r.StartURLs {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			v.fail(fmt.Sprintf("%s.start_urls[%d]", prefix, i), "invalid URL %q (want an absolute http or https URL)", u)
			continue
		}
		s.StartURLs = append(s.StartURLs, u)
	}
	switch {
	case r.Schedule == "":
	case strings.HasPrefix(r.Schedule, "TZ=") || strings.HasPrefix(r.Schedule, "CRON_TZ="):
		// The timezone key says it once; cron's parser also panics on a
		// prefix without a spec after it.
		v.fail(prefix+".schedule", "%q: give the time zone with the timezone key, not in the spec", r.Schedule)
	default:
		if _, err := cron.ParseStandard(r.Schedule); err != nil {
			v.fail(prefix+".schedule", "invalid cron spec %q: %v (want 5 fields such as \"0 3 * * 1\" or a descriptor such as @weekly)", r.Schedule, err)
		}
	}
	if r.Timezone != "" {
		if _, err := time.LoadLocation(r.Timezone); err != nil {
			v.fail(prefix+".timezone", "unknown time zone %q (want an IANA name such as Europe/London)", r.Timezone)
		}
	}
	if r.Jitter != "" {
		s.Jitter = v.duration(prefix+".jitter", r.Jitter, true)
	}
	s.AllowPrivateNetworks = r.AllowPrivate
	s.RemovedAfter = DefaultRemovedAfter
	if r.RemovedAfter != nil {
		s.RemovedAfter = v.positive(prefix+".removed_after", *r.RemovedAfter, 1, 1000)
	}
	s.MaxRemovals = DefaultRemovalLimit
	if r.MaxRemovals != "" {
		l, err := ParseRemovalLimit(r.MaxRemovals)
		if err != nil {
			v.fail(prefix+".max_removals", "%v", err)
		}
		s.MaxRemovals = l
	}
	if r.Sitemaps != nil {
		s.Sitemaps = *r.Sitemaps
	}
	s.Include = v.regexps(prefix+".include", r.Include)
	s.Exclude = v.regexps(prefix+".exclude", r.Exclude)
	if r.ItemURL != "" {
		if re := v.regexps(prefix+".item_url", []string{r.ItemURL}); len(re) == 1 {
			s.ItemURL = re[0]
		}
	}
	v.selectors(prefix+".selectors", r.Selectors)
	s.MirrorFiles = r.MirrorFiles
	s.NoLinkCheck = r.CheckLinks != nil && !*r.CheckLinks
	if r.MirrorDir != "" {
		s.MirrorDir = v.dir(prefix+".mirror_dir", r.MirrorDir)
	} else if r.MirrorFiles {
		v.fail(prefix+".mirror_files", "mirror_dir is required when mirror_files is true (the directory for the files, relative to the configuration file)")
	}
	s.Crawl = v.crawl(prefix, r.rawCrawl, defaults)
	return s
}

// dir returns a directory path from the file as an absolute path;
// relative paths are relative to the configuration file's directory.
func (v *validator) dir(field, dir string) string {
	if strings.TrimSpace(dir) == "" || strings.ContainsRune(dir, 0) {
		v.fail(field, "invalid directory %q (want a path, absolute or relative to the configuration file)", dir)
		return ""
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(v.file), dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		v.fail(field, "invalid directory %q: %v", dir, err)
		return ""
	}
	return abs
}

// selectors checks that every CSS selector parses.
func (v *validator) selectors(prefix string, sel Selectors) {
	fields := []struct{ name, sel string }{
		{"item", sel.Item}, {"content", sel.Content}, {"title", sel.Title}, {"summary", sel.Summary},
		{"categories", sel.Categories}, {"tags", sel.Tags}, {"downloads", sel.Downloads},
		{"publisher", sel.Publisher}, {"published", sel.Published},
	}
	for i, r := range sel.Remove {
		fields = append(fields, struct{ name, sel string }{fmt.Sprintf("remove[%d]", i), r})
	}
	for _, f := range fields {
		if strings.TrimSpace(f.sel) == "" {
			continue
		}
		if _, err := cascadia.ParseGroup(f.sel); err != nil {
			v.fail(prefix+"."+f.name, "invalid CSS selector %q: %v", f.sel, err)
		}
	}
}

func (v *validator) regexps(field string, pats []string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for i, p := range pats {
		re, err := regexp.Compile(p)
		if err != nil {
			f := field
			if !strings.HasSuffix(field, "item_url") {
				f = fmt.Sprintf("%s[%d]", field, i)
			}
			v.fail(f, "invalid regular expression %q: %v", p, err)
			continue
		}
		out = append(out, re)
	}
	return out
}

// ParseRemovalLimit reads a removal limit: a count ("25", "0") or a
// percentage of the active publications ("10%", at least 5).
func ParseRemovalLimit(s string) (RemovalLimit, error) {
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f <= 0 || f > 100 {
			return RemovalLimit{}, fmt.Errorf("invalid limit %q (want a count such as 25, or a percentage above 0 and up to 100%% such as 10%%)", s)
		}
		return RemovalLimit{Percent: f}, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 {
		return RemovalLimit{}, fmt.Errorf("invalid limit %q (want a count such as 25, or a percentage above 0 and up to 100%% such as 10%%)", s)
	}
	return RemovalLimit{Count: n}, nil
}

// ParseSize reads a byte count such as 10485760, 512KB, 10MB or 1GB.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size %q (want a positive byte count such as 10MB, 512KB or 1048576)", s)
	}
	return n * mult, nil
}
