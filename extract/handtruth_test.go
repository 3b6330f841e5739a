package extract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"

	"harvest"
	"harvest/extract"
)

// handTruthDir holds the hand-truth set: pages from sites unlike the
// golden fixtures, each <name>.html with a <name>.json whose expected
// values were written by hand from the page before the extractor ran on
// it. Unlike testdata/*.json (the extractor's own accepted output, a
// change detector), these files are the truth the extractor is measured
// against.
const handTruthDir = "testdata/handtruth"

// handTruth is one <name>.json of the hand-truth set. A field left out
// is not scored; a list given as [] says the page has none (only used
// for downloads, where a page offers decoys).
type handTruth struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Kind        string `json:"kind"`

	Title *string `json:"title"`
	// SummaryStarts is the first words of the correct summary (the
	// page's own description or first real paragraph); SummaryContains,
	// when given, is text the summary must also hold (to catch a
	// description cut short with "…").
	SummaryStarts   *string `json:"summary_starts"`
	SummaryContains *string `json:"summary_contains"`

	Published *string `json:"published"`
	Posted    *string `json:"posted"`
	Modified  *string `json:"modified"`

	Authors  *[]string `json:"authors"`
	Language *string   `json:"language"`
	Type     *string   `json:"type"`

	Tags       *[]string `json:"tags"`
	Categories *[]string `json:"categories"`

	Downloads     *[]string `json:"downloads"`
	ExternalLinks *[]string `json:"external_links"`
}

// handTruthFields is the order of the report.
var handTruthFields = []string{
	"kind", "title", "summary", "published", "posted", "modified",
	"authors", "language", "type", "tags", "categories", "downloads",
	"external_links",
}

// TestHandTruth runs the extractor over every page of testdata/handtruth
// and scores each field against the hand-written truth: kind, title,
// published, posted, modified, language and type exactly (after
// normalisation); the summary by its opening words; authors, downloads
// and external links as sets; tags and categories by set F1. Only kind
// is scored on pages that are not publications.
//
// The floors are the accuracy the extractor reached when the set was
// written, rounded down to 0.05: raise them as the extractor improves,
// never lower them to make a change pass. Run with -v for the misses:
//
//	go test ./extract -run TestHandTruth -v
func TestHandTruth(t *testing.T) {
	floors := map[string]float64{
		"kind":           1.00,
		"title":          0.95,
		"summary":        0.75,
		"published":      0.90,
		"posted":         0.90,
		"modified":       0.70,
		"authors":        0.65,
		"language":       1.00,
		"type":           0.65,
		"tags":           0.60,
		"categories":     0.40,
		"downloads":      0.80,
		"external_links": 1.00,
	}

	cases := readHandTruth(t)
	if len(cases) < 30 {
		t.Fatalf("hand-truth set has %d pages, want at least 30", len(cases))
	}
	nonPub := 0
	for _, c := range cases {
		if c.want.Kind != string(extract.KindPublication) {
			nonPub++
		}
	}
	if nonPub < 4 {
		t.Errorf("hand-truth set has %d pages that are not publications, want at least 4", nonPub)
	}

	scores := map[string]*fieldTally{}
	for _, f := range handTruthFields {
		scores[f] = &fieldTally{}
	}
	var misses []string
	for _, c := range cases {
		res, err := extract.Page(c.want.URL, c.body, c.want.ContentType, extract.Rules{})
		if err != nil {
			t.Errorf("%s: Page: %v", c.name, err)
			continue
		}
		for _, s := range scoreHandTruth(c.want, res) {
			tally := scores[s.field]
			tally.n++
			tally.sum += s.score
			if s.score == 1 {
				tally.correct++
			} else {
				misses = append(misses, fmt.Sprintf("%s %s (score %.2f)\n\twant: %s\n\tgot:  %s", c.name, s.field, s.score, s.want, s.got))
			}
		}
	}

	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "field\tn\tcorrect\taccuracy\tfloor\n")
	for _, f := range handTruthFields {
		s := scores[f]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.2f\n", f, s.n, s.correct, s.accuracy(), floors[f])
	}
	tw.Flush()
	t.Logf("hand truth, %d pages (%d not publications):\n%s", len(cases), nonPub, buf.String())

	if testing.Verbose() && len(misses) > 0 {
		t.Logf("misses (%d):\n%s", len(misses), strings.Join(misses, "\n"))
	}

	for _, f := range handTruthFields {
		floor, ok := floors[f]
		if !ok {
			t.Errorf("no floor for field %s", f)
			continue
		}
		s := scores[f]
		if s.n == 0 {
			t.Errorf("field %s: no page scores it", f)
			continue
		}
		if acc := s.accuracy(); acc+1e-9 < floor {
			t.Errorf("field %s: accuracy %.3f (%d/%d correct) is below its floor %.2f", f, acc, s.correct, s.n, floor)
		}
	}
}

type fieldTally struct {
	n, correct int
	sum        float64
}

func (s fieldTally) accuracy() float64 {
	if s.n == 0 {
		return 0
	}
	return s.sum / float64(s.n)
}

type handTruthCase struct {
	name string
	body []byte
	want handTruth
}

// readHandTruth reads every <name>.html / <name>.json pair; a file
// without its partner is an error, so that no page drops out unnoticed.
func readHandTruth(t *testing.T) []handTruthCase {
	t.Helper()
	entries, err := os.ReadDir(handTruthDir)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch filepath.Ext(n) {
		case ".html":
			if !have[strings.TrimSuffix(n, ".html")+".json"] {
				t.Errorf("%s has no .json beside it", n)
				continue
			}
			names = append(names, strings.TrimSuffix(n, ".html"))
		case ".json":
			if !have[strings.TrimSuffix(n, ".json")+".html"] {
				t.Errorf("%s has no .html beside it", n)
			}
		}
	}
	sort.Strings(names)
	var out []handTruthCase
	for _, name := range names {
		body, err := os.ReadFile(filepath.Join(handTruthDir, name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(handTruthDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var want handTruth
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		if want.URL == "" || want.Kind == "" {
			t.Fatalf("%s.json: url and kind are required", name)
		}
		out = append(out, handTruthCase{name: name, body: body, want: want})
	}
	return out
}

// fieldScore is one scored field of one page: 1 is right, 0 wrong, and
// tags and categories score their F1 in between.
type fieldScore struct {
	field     string
	want, got string
	score     float64
}

func scoreHandTruth(want handTruth, res *extract.Result) []fieldScore {
	out := []fieldScore{{
		field: "kind", want: want.Kind, got: string(res.Kind),
		score: boolScore(string(res.Kind) == want.Kind),
	}}
	if want.Kind != string(extract.KindPublication) {
		return out
	}
	p := res.Publication
	if res.Kind != extract.KindPublication {
		// No record at all: every field of it is missed, even one the
		// page was expected to leave empty (downloads: []).
		defer func() {
			for i := 1; i < len(out); i++ {
				out[i].score, out[i].got = 0, "(no record: page taken for "+string(res.Kind)+")"
			}
		}()
	}
	exact := func(field string, w *string, got string, norm func(string) string) {
		if w == nil {
			return
		}
		out = append(out, fieldScore{field: field, want: *w, got: got, score: boolScore(norm(got) == norm(*w))})
	}
	exact("title", want.Title, p.Title, normSpace)
	if want.SummaryStarts != nil || want.SummaryContains != nil {
		got := normText(p.Summary)
		ok := true
		var w []string
		if want.SummaryStarts != nil {
			ok = ok && strings.HasPrefix(got, normText(*want.SummaryStarts))
			w = append(w, *want.SummaryStarts+" …")
		}
		if want.SummaryContains != nil {
			ok = ok && strings.Contains(got, normText(*want.SummaryContains))
			w = append(w, "… "+*want.SummaryContains+" …")
		}
		out = append(out, fieldScore{field: "summary", want: strings.Join(w, " "), got: clip(p.Summary, 140), score: boolScore(ok)})
	}
	exact("published", want.Published, p.Published, strings.TrimSpace)
	exact("posted", want.Posted, p.Posted, strings.TrimSpace)
	exact("modified", want.Modified, p.Modified, strings.TrimSpace)
	if want.Authors != nil {
		out = append(out, setScore("authors", *want.Authors, p.Authors, normName, false))
	}
	exact("language", want.Language, p.Language, primarySubtag)
	exact("type", want.Type, p.Type, normText)
	if want.Tags != nil {
		out = append(out, setScore("tags", *want.Tags, p.Tags, normText, true))
	}
	if want.Categories != nil {
		out = append(out, setScore("categories", *want.Categories, p.Categories, normText, true))
	}
	if want.Downloads != nil {
		out = append(out, setScore("downloads", *want.Downloads, downloadURLs(p.Downloads), strings.TrimSpace, false))
	}
	if want.ExternalLinks != nil {
		out = append(out, setScore("external_links", *want.ExternalLinks, linkURLs(p.ExternalLinks), strings.TrimSpace, false))
	}
	return out
}

// setScore compares two lists as sets of normalised values: by F1 when
// f1 is set, else 1 for equal sets and 0 otherwise.
func setScore(field string, want, got []string, norm func(string) string, f1 bool) fieldScore {
	w, g := normSet(want, norm), normSet(got, norm)
	hits := 0
	for v := range g {
		if w[v] {
			hits++
		}
	}
	var score float64
	switch {
	case len(w) == 0 && len(g) == 0:
		score = 1
	case !f1:
		score = boolScore(hits == len(w) && hits == len(g))
	case hits > 0:
		score = 2 * float64(hits) / float64(len(w)+len(g))
	}
	return fieldScore{field: field, want: listString(want), got: listString(got), score: score}
}

func normSet(list []string, norm func(string) string) map[string]bool {
	out := map[string]bool{}
	for _, v := range list {
		if n := norm(v); n != "" {
			out[n] = true
		}
	}
	return out
}

func boolScore(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}

// normSpace collapses runs of white space (no-break spaces included).
func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// normText collapses white space and folds case.
func normText(s string) string { return strings.ToLower(normSpace(s)) }

// normName folds an author's name so that the form a signal writes it in
// does not count: "Souza, Ana Paula" and "Ana Paula Souza" are the same
// person, and an honorific ("Dr.") is not part of the name.
func normName(s string) string {
	s = normText(s)
	if surname, given, ok := strings.Cut(s, ","); ok && !strings.Contains(given, ",") &&
		strings.TrimSpace(surname) != "" && strings.TrimSpace(given) != "" {
		s = strings.TrimSpace(given) + " " + strings.TrimSpace(surname)
	}
	words := strings.Fields(s)
	for len(words) > 1 {
		switch strings.TrimSuffix(words[0], ".") {
		case "dr", "prof", "mr", "mrs", "ms":
			words = words[1:]
			continue
		}
		break
	}
	return strings.Join(words, " ")
}

// primarySubtag is the language's primary subtag: "pt" for "pt_BR".
func primarySubtag(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s, _, _ = strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	return s
}

func downloadURLs(ds []harvest.Download) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.URL)
	}
	return out
}

func linkURLs(ls []harvest.Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.URL)
	}
	return out
}

func listString(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	return "[" + strings.Join(l, " | ") + "]"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
