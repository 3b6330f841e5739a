package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// extractLines runs harvest extract and decodes its JSON lines.
func extractLines(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out, stderr, err := runCLI(t, append([]string{"extract"}, args...)...)
	if err != nil {
		t.Fatalf("harvest extract %v: %v\n%s", args, err, stderr)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

const extractFixtures = "../../extract/testdata"

func TestExtractCommand(t *testing.T) {
	page := filepath.Join(extractFixtures, "jsonld-graph-report.html")
	lines := extractLines(t, page)
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1", len(lines))
	}
	got := lines[0]
	for k, want := range map[string]any{
		"file":      page,
		"kind":      "publication",
		"url":       "https://harbourrights.example.org/resources/debt-and-delay/",
		"title":     "Debt and Delay: Recruitment Costs in the Palm Oil Sector",
		"publisher": "Harbour Rights Alliance",
		"published": "2022-09-20",
		"type":      "report",
		"site_name": "Harbour Rights Alliance",
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if a, _ := json.Marshal(got["authors"]); string(a) != `["Nurul Aziz","Tom Becker"]` {
		t.Errorf("authors = %s", a)
	}
	sources, _ := got["sources"].(map[string]any)
	if sources["title"] != "json-ld" || sources["summary"] != "visible:content" || sources["categories"] != "visible:term-links" {
		t.Errorf("sources = %v", sources)
	}
}

// TestExtractLineOrder checks the order of a line's members: file, the
// record's fields, sources last.
func TestExtractLineOrder(t *testing.T) {
	out, _, err := runCLI(t, "extract", filepath.Join(extractFixtures, "wp-post.html"), "--url", "https://blog.example.net/2023/06/14/garment-audit-findings/")
	if err != nil {
		t.Fatal(err)
	}
	file, title, sources := strings.Index(out, `"file"`), strings.Index(out, `"title"`), strings.Index(out, `"sources"`)
	if !(file == 1 && file < title && title < sources) {
		t.Errorf("member order: file at %d, title at %d, sources at %d in %s", file, title, sources, out)
	}
	if strings.Contains(out, `\u0026`) {
		t.Errorf("HTML-escaped output: %s", out)
	}
}

func TestExtractURLFlag(t *testing.T) {
	page := filepath.Join(extractFixtures, "plain.html") // no canonical link, no og:url
	if _, _, err := runCLI(t, "extract", page); err == nil || !strings.Contains(err.Error(), "1 of 1 files failed") {
		t.Errorf("extract without --url or canonical = %v, want a failure", err)
	}
	lines := extractLines(t, "--url", "http://www.example.edu/~lab/papers/wage-theft.html", page)
	dl, _ := lines[0]["downloads"].([]any)
	if len(dl) != 3 {
		t.Fatalf("downloads = %v", lines[0]["downloads"])
	}
	if u := dl[0].(map[string]any)["url"]; u != "http://www.example.edu/~lab/papers/data/survey-2019.xlsx" {
		t.Errorf("first download = %v, want it resolved against --url", u)
	}
}

func TestExtractSeveralFiles(t *testing.T) {
	a := filepath.Join(extractFixtures, "dspace-item.html")
	b := filepath.Join(extractFixtures, "listing-hugo-tags.html")
	lines := extractLines(t, "--url", "https://repository.example.edu/handle/10500/4021", a, b)
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	if lines[0]["file"] != a || lines[1]["file"] != b {
		t.Errorf("files = %v, %v", lines[0]["file"], lines[1]["file"])
	}
	if lines[0]["kind"] != "publication" || lines[0]["type"] != "report" {
		t.Errorf("dspace: kind %v type %v", lines[0]["kind"], lines[0]["type"])
	}
}

func TestExtractRules(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(`sources:
  - name: coalition
    start_urls: [https://harbourrights.example.org/resources/]
    selectors:
      title: ".entry-meta time.published"
      tags: ".cat-links a"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(extractFixtures, "jsonld-graph-report.html")
	lines := extractLines(t, "--config", cfg, "--rules", "coalition", page)
	got := lines[0]
	if got["title"] != "September 20, 2022" {
		t.Errorf("title = %v, want the rule's selector to win", got["title"])
	}
	if tags, _ := json.Marshal(got["tags"]); string(tags) != `["Research Reports"]` {
		t.Errorf("tags = %s", tags)
	}
	if s, _ := got["sources"].(map[string]any); s["title"] != "rules" || s["tags"] != "rules" {
		t.Errorf("sources = %v", got["sources"])
	}
	if _, _, err := runCLI(t, "extract", "--config", cfg, "--rules", "nosuch", page); err == nil {
		t.Error("extract --rules with an unknown source succeeded")
	}
}

func TestExtractGolden(t *testing.T) {
	out, stderr, err := runCLI(t, "extract", "--golden", extractFixtures)
	if err != nil {
		t.Fatalf("extract --golden: %v\n%s", err, stderr)
	}
	for _, want := range []string{"publications", "title", "exact", "summary", "token F1", "downloads", "recall", "published", "authors"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "miss ") {
		t.Errorf("report lists misses without --misses:\n%s", out)
	}
}

func TestExtractErrors(t *testing.T) {
	page := filepath.Join(extractFixtures, "wp-post.html")
	tests := [][]string{
		{"extract"},
		{"extract", "--golden", extractFixtures, page},
		{"extract", "--golden", page},
		{"extract", "--golden", t.TempDir()},
		{"extract", filepath.Join(t.TempDir(), "missing.html")},
	}
	for _, args := range tests {
		if _, _, err := runCLI(t, args...); err == nil {
			t.Errorf("harvest %v succeeded, want an error", args)
		}
	}
}
