package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"harvest"
	"harvest/internal/golden"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the extractor's output, keeping url, content_type and known_misses (review the diff line by line)")

// TestGolden runs the extractor over every page of testdata/ and compares
// every member of the result with the hand-written <name>.json: kind,
// reason, links, noise, every publication field and the signal of each.
func TestGolden(t *testing.T) {
	cases, err := golden.ReadDir(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			res, err := Page(c.Want.URL, c.Body, c.Want.ContentType, Rules{})
			if err != nil {
				t.Fatalf("Page: %v", err)
			}
			got := goldenOf(c.Want.URL, c.Want.ContentType, res)
			got.KnownMisses = c.Want.KnownMisses
			if *update {
				writeGolden(t, filepath.Join("testdata", c.Name+".json"), got)
				return
			}
			compareGolden(t, got, c.Want)
			checkUTF8(t, got)
		})
	}
}

func writeGolden(t *testing.T, path string, g golden.Page) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		t.Fatal(err)
	}
	b := stringListRe.ReplaceAllFunc(buf.Bytes(), func(m []byte) []byte {
		items := stringItemRe.FindAll(m, -1)
		flat := append([]byte("["), bytes.Join(items, []byte(", "))...)
		flat = append(flat, ']')
		if len(flat) > 100 {
			return m
		}
		return flat
	})
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Short lists of strings are written on one line, as the golden files
// are written by hand.
var (
	stringListRe = regexp.MustCompile(`\[\n\s+"(?:[^"\\]|\\.)*"(?:,\n\s+"(?:[^"\\]|\\.)*")*\n\s+\]`)
	stringItemRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

func compareGolden(t *testing.T, got, want golden.Page) {
	t.Helper()
	same(t, "Kind", got.Kind, want.Kind)
	same(t, "Reason", got.Reason, want.Reason)
	same(t, "Links", nonNilList(got.Links), nonNilList(want.Links))
	same(t, "Noise", nonNilList(got.Noise), nonNilList(want.Noise))
	if (got.Publication == nil) != (want.Publication == nil) {
		t.Errorf("Publication = %s, want %s", js(got.Publication), js(want.Publication))
		return
	}
	if got.Publication == nil {
		return
	}
	g, w := got.Publication, want.Publication
	fields := []struct {
		name      string
		got, want any
	}{
		{"url", g.URL, w.URL},
		{"canonical_url", g.CanonicalURL, w.CanonicalURL},
		{"title", g.Title, w.Title},
		{"summary", g.Summary, w.Summary},
		{"categories", nonNilList(g.Categories), nonNilList(w.Categories)},
		{"tags", nonNilList(g.Tags), nonNilList(w.Tags)},
		{"downloads", g.Downloads, w.Downloads},
		{"authors", nonNilList(g.Authors), nonNilList(w.Authors)},
		{"publisher", g.Publisher, w.Publisher},
		{"published", g.Published, w.Published},
		{"language", g.Language, w.Language},
		{"image", g.Image, w.Image},
		{"site_name", g.SiteName, w.SiteName},
		{"type", g.Type, w.Type},
	}
	for _, f := range fields {
		if why, known := want.KnownMisses[f.name]; known {
			if reflect.DeepEqual(js(f.got), js(f.want)) {
				t.Errorf("%s is right now: remove it from known_misses (%s)", f.name, why)
			}
			continue
		}
		same(t, f.name, f.got, f.want)
	}
	for k := range want.KnownMisses {
		if !knownField(k) {
			t.Errorf("known_misses names %q, which is no field", k)
		}
	}
	gs, ws := map[string]string{}, map[string]string{}
	for k, v := range got.Sources {
		if _, known := want.KnownMisses[k]; !known {
			gs[k] = v
		}
	}
	for k, v := range want.Sources {
		if _, known := want.KnownMisses[k]; !known {
			ws[k] = v
		}
	}
	same(t, "Sources", gs, ws)
}

func knownField(f string) bool {
	switch f {
	case "title", "summary", "categories", "tags", "downloads", "authors", "publisher", "published", "language", "image", "site_name", "type", "url", "canonical_url":
		return true
	}
	return false
}

func nonNilList[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func same(t *testing.T, field string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n%s\nwant\n%s", field, js(got), js(want))
	}
}

func js(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// checkUTF8 fails when any string of the result is not valid UTF-8 or
// holds a control character or replacement character.
func checkUTF8(t *testing.T, g golden.Page) {
	t.Helper()
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if !utf8.ValidString(x) || strings.ContainsAny(x, "\uFFFD\x00\r\n\t") {
				t.Errorf("bad text in result: %q", x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	walk(v)
}

// TestFixturesListed keeps pages and golden files in step.
func TestFixturesListed(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if _, err := os.Stat(strings.TrimSuffix(p, ".html") + ".json"); err != nil {
			t.Errorf("%s has no golden JSON: write the truth first", p)
		}
	}
	if len(pages) < 40 {
		t.Errorf("corpus has %d pages, want at least 40", len(pages))
	}
}

// TestAccuracy prints the accuracy report over the corpus (go test -v
// -run TestAccuracy ./extract) and checks that it agrees with the golden
// test: every field exact, except the known misses.
func TestAccuracy(t *testing.T) {
	a, err := golden.EvaluateDir(os.DirFS("testdata"), goldenExtract)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := a.WriteText(&b, true); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
	cases, err := golden.ReadDir(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	known := 0
	for _, c := range cases {
		known += len(c.Want.KnownMisses)
	}
	if got := len(a.Misses); got != known {
		t.Errorf("accuracy report has %d misses, want %d (the known misses)", got, known)
	}
}

// TestHoldout prints the accuracy report over testdata/holdout/: pages
// written after the extractor's rules were settled, to measure how it
// does on pages it was not tuned on (go test -v -run TestHoldout
// ./extract). It checks nothing but that the report runs: the figures
// are the point, and they go in the README.
func TestHoldout(t *testing.T) {
	a, err := golden.EvaluateDir(os.DirFS(filepath.Join("testdata", "holdout")), goldenExtract)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := a.WriteText(&b, true); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
	if a.Pages == 0 {
		t.Fatal("no holdout pages")
	}
	// Floors: the hand-written truth of these pages, at the accuracy
	// reached (rounded down to 0.05). Raise them; never lower them to let
	// a change through.
	floors := map[string]float64{
		"kind": 0.85, "title": 0.85, "summary": 0.80, "categories": 1.00, "tags": 0.85,
		"downloads": 0.85, "published": 0.85, "authors": 0.85, "publisher": 1.00,
		"language": 0.85, "type": 0.85, "image": 1.00, "site_name": 0.75,
	}
	for _, f := range a.Fields {
		key := f.Field
		if key == "downloads" && f.Metric != "recall" {
			continue // precision and recall: the floor is on recall
		}
		if floor, ok := floors[key]; ok && f.Score < floor {
			t.Errorf("holdout %s %s = %.3f, below its floor %.2f", f.Field, f.Metric, f.Score, floor)
		}
	}
}

// goldenOf is the golden form of an extraction result.
func goldenOf(url, contentType string, r *Result) golden.Page {
	var pub *harvest.Publication
	if r.Kind == KindPublication {
		pub = &r.Publication
	}
	return golden.Of(url, contentType, string(r.Kind), r.Reason, pub, r.Links, r.Noise, r.Sources)
}

// goldenExtract runs Page for the golden harness.
func goldenExtract(url, contentType string, body []byte) (golden.Page, error) {
	res, err := Page(url, body, contentType, Rules{})
	if err != nil {
		return golden.Page{}, err
	}
	return goldenOf(url, contentType, res), nil
}
