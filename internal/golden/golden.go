// Package golden reads the hand-written truth kept beside saved pages
// (<name>.json beside <name>.html) and scores an extractor against it.
// It does not import the extractor: the caller runs it.
package golden

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
	"unicode"

	"harvest"
)

// Page is the hand-written truth about one saved page, kept as
// <name>.json beside <name>.html: how the page was fetched (its URL and
// Content-Type) and what Page must find. The accuracy report reads the
// kind and the publication; the package's golden test compares every
// member.
type Page struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Kind        string `json:"kind"`
	Reason      string `json:"reason,omitempty"`
	// Publication is null unless the page is a publication.
	Publication *Record           `json:"publication"`
	Sources     map[string]string `json:"sources,omitempty"`
	Links       []string          `json:"links,omitempty"`
	Noise       []string          `json:"noise,omitempty"`
	// KnownMisses names the publication fields the extractor is known to
	// get wrong on this page, each with the reason. The golden test skips
	// them (and fails once they are right, so that the entry goes); the
	// accuracy report counts them as the misses they are.
	KnownMisses map[string]string `json:"known_misses,omitempty"`
}

// Record is the part of a publication the extractor fills.
type Record struct {
	URL          string             `json:"url"`
	CanonicalURL string             `json:"canonical_url"`
	Title        string             `json:"title"`
	Summary      string             `json:"summary"`
	Categories   []string           `json:"categories"`
	Tags         []string           `json:"tags"`
	Downloads    []harvest.Download `json:"downloads"`
	Authors      []string           `json:"authors"`
	Publisher    string             `json:"publisher"`
	Published    string             `json:"published"`
	Language     string             `json:"language"`
	Image        string             `json:"image"`
	SiteName     string             `json:"site_name"`
	Type         string             `json:"type"`
}

// RecordOf returns the golden form of a publication.
func RecordOf(p harvest.Publication) *Record {
	p.Normalize()
	return &Record{
		URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Summary: p.Summary,
		Categories: p.Categories, Tags: p.Tags, Downloads: p.Downloads, Authors: p.Authors,
		Publisher: p.Publisher, Published: p.Published, Language: p.Language,
		Image: p.Image, SiteName: p.SiteName, Type: p.Type,
	}
}

// Of returns the golden form of an extraction result, for a page fetched
// from url with the given Content-Type: pub is nil unless kind is
// "publication".
func Of(url, contentType, kind, reason string, pub *harvest.Publication, links, noise []string, sources map[string]string) Page {
	g := Page{URL: url, ContentType: contentType, Kind: kind, Reason: reason, Links: links, Noise: noise, Sources: sources}
	if pub != nil {
		g.Publication = RecordOf(*pub)
	}
	return g
}

// Extractor runs the extractor under test over one page.
type Extractor func(url, contentType string, body []byte) (Page, error)

// Case is one page of a golden directory.
type Case struct {
	Name string // the file name without .html
	Body []byte
	Want Page
}

// ReadDir reads every <name>.json of fsys that has a <name>.html
// beside it, in name order.
func ReadDir(fsys fs.FS) ([]Case, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, n := range names {
		name := strings.TrimSuffix(n, ".json")
		body, err := fs.ReadFile(fsys, name+".html")
		if err != nil {
			continue // a JSON file that is not a golden page
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var g Page
		if err := json.Unmarshal(b, &g); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if g.URL == "" {
			return nil, fmt.Errorf("%s: no url (the address the page was fetched from)", n)
		}
		out = append(out, Case{Name: name, Body: body, Want: g})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no pages with golden JSON (<name>.html beside <name>.json)")
	}
	return out, nil
}

// FieldScore is one line of the accuracy report.
type FieldScore struct {
	Field  string  `json:"field"`
	Metric string  `json:"metric"`
	Score  float64 `json:"score"` // 0..1
	Pages  int     `json:"pages"` // pages scored
}

// Miss is one field of one page that differs from its truth.
type Miss struct {
	Page, Field string
	Got, Want   string
}

// Accuracy is the extractor's per-field accuracy over pages with known
// truth.
type Accuracy struct {
	Pages        int          `json:"pages"`
	Publications int          `json:"publications"` // pages whose truth is a publication
	Fields       []FieldScore `json:"fields"`
	Misses       []Miss       `json:"-"`
}

// Evaluate runs the extractor over every case and scores the results against the
// truth: kind exact over all pages; over the pages whose truth is a
// publication, title exact, summary token F1, categories and tags set F1
// (ignoring case), downloads precision and recall (by URL, over all
// pages together), and published, authors, publisher, language, type,
// image and site name exact. A page that fails to extract scores zero.
func Evaluate(cases []Case, extract Extractor) Accuracy {
	var sc scorer
	for _, c := range cases {
		got, err := extract(c.Want.URL, c.Want.ContentType, c.Body)
		if err != nil {
			got = Page{Kind: "error: " + err.Error()}
		}
		sc.add(c.Name, got, c.Want)
	}
	return sc.result()
}

// EvaluateDir reads the golden pages of fsys and evaluates them.
func EvaluateDir(fsys fs.FS, extract Extractor) (Accuracy, error) {
	cases, err := ReadDir(fsys)
	if err != nil {
		return Accuracy{}, err
	}
	return Evaluate(cases, extract), nil
}

// exactFields are the fields scored by exact match, in report order.
var exactFields = []string{"published", "authors", "publisher", "language", "type", "image", "site_name"}

type scorer struct {
	pages, pubs, kindOK int
	titleOK             int
	summaryF1           float64
	catF1, tagF1        float64
	dlTP, dlGot, dlWant int
	exact               map[string]int
	misses              []Miss
}

func (s *scorer) add(name string, got, want Page) {
	s.pages++
	if got.Kind == want.Kind {
		s.kindOK++
	} else {
		s.misses = append(s.misses, Miss{name, "kind", got.Kind, want.Kind})
	}
	if want.Kind != "publication" || want.Publication == nil {
		return
	}
	s.pubs++
	w := want.Publication
	g := got.Publication
	if g == nil {
		g = &Record{}
	}
	miss := func(field string, gv, wv any) {
		s.misses = append(s.misses, Miss{name, field, compact(gv), compact(wv)})
	}
	if g.Title == w.Title {
		s.titleOK++
	} else {
		miss("title", g.Title, w.Title)
	}
	f1 := tokenF1(g.Summary, w.Summary)
	s.summaryF1 += f1
	if f1 < 1 {
		miss("summary", g.Summary, w.Summary)
	}
	cf, tf := setF1(g.Categories, w.Categories), setF1(g.Tags, w.Tags)
	s.catF1 += cf
	s.tagF1 += tf
	if cf < 1 {
		miss("categories", g.Categories, w.Categories)
	}
	if tf < 1 {
		miss("tags", g.Tags, w.Tags)
	}
	wantURLs := map[string]bool{}
	for _, d := range w.Downloads {
		wantURLs[d.URL] = true
	}
	tp := 0
	for _, d := range g.Downloads {
		if wantURLs[d.URL] {
			tp++
		}
	}
	s.dlTP += tp
	s.dlGot += len(g.Downloads)
	s.dlWant += len(w.Downloads)
	if tp != len(w.Downloads) || tp != len(g.Downloads) {
		miss("downloads", urls(g.Downloads), urls(w.Downloads))
	}
	if s.exact == nil {
		s.exact = map[string]int{}
	}
	gv, wv := exactValues(g), exactValues(w)
	for _, f := range exactFields {
		if gv[f] == wv[f] {
			s.exact[f]++
		} else {
			miss(f, gv[f], wv[f])
		}
	}
}

func (s *scorer) result() Accuracy {
	a := Accuracy{Pages: s.pages, Publications: s.pubs, Misses: s.misses}
	ratio := func(n, d int) float64 {
		if d == 0 {
			return 1
		}
		return float64(n) / float64(d)
	}
	mean := func(sum float64) float64 {
		if s.pubs == 0 {
			return 1
		}
		return sum / float64(s.pubs)
	}
	a.Fields = []FieldScore{
		{"kind", "exact", ratio(s.kindOK, s.pages), s.pages},
		{"title", "exact", ratio(s.titleOK, s.pubs), s.pubs},
		{"summary", "token F1 (mean)", mean(s.summaryF1), s.pubs},
		{"categories", "set F1 (mean)", mean(s.catF1), s.pubs},
		{"tags", "set F1 (mean)", mean(s.tagF1), s.pubs},
		{"downloads", "precision", ratio(s.dlTP, s.dlGot), s.pubs},
		{"downloads", "recall", ratio(s.dlTP, s.dlWant), s.pubs},
	}
	for _, f := range exactFields {
		a.Fields = append(a.Fields, FieldScore{f, "exact", ratio(s.exact[f], s.pubs), s.pubs})
	}
	return a
}

// WriteText prints the report as a table, then each miss.
func (a Accuracy) WriteText(w io.Writer, misses bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%d pages, %d publications\n", a.Pages, a.Publications)
	fmt.Fprintln(tw, "field\tmetric\tscore\tpages")
	for _, f := range a.Fields {
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%d\n", f.Field, f.Metric, f.Score, f.Pages)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !misses {
		return nil
	}
	for _, m := range a.Misses {
		if _, err := fmt.Fprintf(w, "miss %s %s: got %s, want %s\n", m.Page, m.Field, m.Got, m.Want); err != nil {
			return err
		}
	}
	return nil
}

func exactValues(r *Record) map[string]string {
	return map[string]string{
		"published": r.Published, "authors": compact(nonNilStrings(r.Authors)), "publisher": r.Publisher,
		"language": r.Language, "type": r.Type, "image": r.Image, "site_name": r.SiteName,
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func urls(ds []harvest.Download) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.URL)
	}
	return out
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// tokenF1 is the F1 score of the word tokens (letters and digits, lower
// case) of got against want, counting repeated tokens; 1 when both are
// empty.
func tokenF1(got, want string) float64 {
	g, w := words(got), words(want)
	if len(g) == 0 && len(w) == 0 {
		return 1
	}
	if len(g) == 0 || len(w) == 0 {
		return 0
	}
	counts := map[string]int{}
	for _, t := range w {
		counts[t]++
	}
	common := 0
	for _, t := range g {
		if counts[t] > 0 {
			counts[t]--
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(len(g)), float64(common)/float64(len(w))
	return 2 * p * r / (p + r)
}

// setF1 is the F1 score of two term sets compared ignoring case; 1 when
// both are empty.
func setF1(got, want []string) float64 {
	gs, ws := foldSet(got), foldSet(want)
	if len(gs) == 0 && len(ws) == 0 {
		return 1
	}
	if len(gs) == 0 || len(ws) == 0 {
		return 0
	}
	common := 0
	for t := range gs {
		if ws[t] {
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(len(gs)), float64(common)/float64(len(ws))
	return 2 * p * r / (p + r)
}

func foldSet(terms []string) map[string]bool {
	set := map[string]bool{}
	for _, t := range terms {
		set[strings.ToLower(strings.TrimSpace(t))] = true
	}
	return set
}

// words returns the lower-cased runs of letters and digits of s.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
