package extract

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"harvest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the extractor's output (review the diff line by line)")

// fixture is one saved page: testdata/<name>.html, read as if fetched
// from url with the given Content-Type header.
type fixture struct {
	name        string
	url         string
	contentType string
}

var fixtures = []fixture{
	{"seed-resource", "https://coalition.example.org/resource/forced-labour-at-sea/", "text/html; charset=UTF-8"},
	{"seed-br-list", "https://Coalition.Example.org:443/resource/fair-recruitment-toolkit/", "text/html"},
	{"wp-post", "https://blog.example.net/2023/06/14/garment-audit-findings/", "text/html; charset=utf-8"},
	{"wp-category", "https://coalition.example.org/resource-type/guidance/", ""},
	{"wp-archive-paged", "https://news.example.org/page/2/", "text/html"},
	{"win1252", "http://archive.example.fr/publications/migration-saisonniere.html", ""},
	{"latin1-header", "http://old.example.de/berichte/fleisch.html", "text/html; charset=ISO-8859-1"},
	{"title-suffix", "https://institute.example.com/research/pre-war-post-war-labour-migration/", "text/html"},
	{"og-jsonld", "https://app.example.io/reports/7f3a", "text/html; charset=utf-8"},
	{"drupal", "https://www.ministerium.example.de/publikationen/lieferkettenbericht-2022", "text/html; charset=UTF-8"},
	{"plain", "http://www.example.edu/~lab/papers/wage-theft.html", "text/html"},
	{"canonical-offsite", "https://www.example-ngo.org/news/field-notes-brick-kilns/?utm_source=newsletter&utm_medium=email&utm_campaign=june&lang=en", "text/html"},
	{"wp-about", "https://coalition.example.org/about/", "text/html; charset=UTF-8"},
	{"seed-flat", "https://library.example.org/resources/construction-baseline-study/", "text/html"},
	{"listing-shape", "https://library.example.org/resources/?topic=wages", "text/html"},
}

// goldenPublication is the part of a Publication the extractor fills.
type goldenPublication struct {
	URL          string             `json:"url"`
	CanonicalURL string             `json:"canonical_url"`
	Title        string             `json:"title"`
	Summary      string             `json:"summary"`
	Categories   []string           `json:"categories"`
	Tags         []string           `json:"tags"`
	Downloads    []harvest.Download `json:"downloads"`
	Publisher    string             `json:"publisher"`
	Published    string             `json:"published"`
	Language     string             `json:"language"`
}

// golden is the whole Result of a fixture as testdata/<name>.json holds
// it: publication is null unless the page is a publication; links is
// the full list.
type golden struct {
	Kind        Kind               `json:"kind"`
	Reason      string             `json:"reason"`
	Publication *goldenPublication `json:"publication"`
	Links       []string           `json:"links"`
	Noise       []string           `json:"noise"`
}

func toGolden(r *Result) golden {
	g := golden{Kind: r.Kind, Reason: r.Reason, Links: r.Links, Noise: r.Noise}
	if r.Kind == KindPublication {
		p := r.Publication
		g.Publication = &goldenPublication{
			URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Summary: p.Summary,
			Categories: p.Categories, Tags: p.Tags, Downloads: p.Downloads,
			Publisher: p.Publisher, Published: p.Published, Language: p.Language,
		}
	}
	return g
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", fx.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Page(fx.url, body, fx.contentType, Rules{})
			if err != nil {
				t.Fatalf("Page: %v", err)
			}
			got := toGolden(res)
			path := filepath.Join("testdata", fx.name+".json")
			if *update {
				b, err := json.MarshalIndent(got, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want golden
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			compareGolden(t, got, want)
			checkUTF8(t, got)
		})
	}
}

func compareGolden(t *testing.T, got, want golden) {
	t.Helper()
	same(t, "Kind", got.Kind, want.Kind)
	same(t, "Reason", got.Reason, want.Reason)
	same(t, "Links", got.Links, want.Links)
	same(t, "Noise", got.Noise, want.Noise)
	if (got.Publication == nil) != (want.Publication == nil) {
		t.Errorf("Publication = %s, want %s", js(got.Publication), js(want.Publication))
		return
	}
	if got.Publication == nil {
		return
	}
	g, w := got.Publication, want.Publication
	same(t, "URL", g.URL, w.URL)
	same(t, "CanonicalURL", g.CanonicalURL, w.CanonicalURL)
	same(t, "Title", g.Title, w.Title)
	same(t, "Summary", g.Summary, w.Summary)
	same(t, "Categories", g.Categories, w.Categories)
	same(t, "Tags", g.Tags, w.Tags)
	same(t, "Downloads", g.Downloads, w.Downloads)
	same(t, "Publisher", g.Publisher, w.Publisher)
	same(t, "Published", g.Published, w.Published)
	same(t, "Language", g.Language, w.Language)
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
func checkUTF8(t *testing.T, g golden) {
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

// TestFixturesListed keeps the fixture table and testdata in step.
func TestFixturesListed(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, fx := range fixtures {
		listed[fx.name] = true
	}
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		if !listed[name] {
			t.Errorf("testdata/%s.html has no entry in fixtures", name)
		}
	}
}
