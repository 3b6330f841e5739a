package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"harvest"
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
	// Without --url: extracted all the same, links relative, a warning.
	out, stderr, err := runCLI(t, "extract", page)
	if err != nil {
		t.Fatalf("extract without --url or canonical: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "--url") || strings.Contains(out, "http://www.example.edu/") {
		t.Errorf("without --url: stderr %q, stdout %s; want a warning and no absolute link to the site", stderr, out)
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

// Saved pages of the tests below: a publication with a canonical link, the
// same page without it, and a listing.
const (
	canonicalPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Wage Theft in Harbour Towns – Lantern Library</title>
<link rel="canonical" href="https://library.example.org/reports/wage-theft/">
</head>
<body class="post-template-default single single-post postid-41">
<main><article class="post-41 post type-post status-publish">
<h1 class="entry-title">Wage Theft in Harbour Towns</h1>
<div class="entry-content">
<p>A survey of unpaid wages among dock workers in three harbour towns, with the workers' own accounts.</p>
<p><a href="../../files/wage-theft.pdf">Download the report (PDF)</a></p>
<p><a href="/files/wage-theft-annex.pdf">Annex</a></p>
</div>
</article></main>
</body></html>
`
	listingPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reports – Lantern Library</title>
<link rel="canonical" href="https://library.example.org/category/reports/">
</head>
<body class="archive category category-reports">
<main><h1 class="page-title">Category: Reports</h1>
<article class="post-41 post"><h2 class="entry-title"><a href="/reports/wage-theft/">Wage Theft in Harbour Towns</a></h2><p>A survey of unpaid wages.</p></article>
<article class="post-42 post"><h2 class="entry-title"><a href="/reports/crew-change/">Crew Change</a></h2><p>Seafarers stranded.</p></article>
</main></body></html>
`
)

// barePage is canonicalPage without its canonical link: a page that
// declares no address.
var barePage = strings.Replace(canonicalPage,
	`<link rel="canonical" href="https://library.example.org/reports/wage-theft/">`+"\n", "", 1)

// writePages writes name -> HTML into a new directory and returns the
// files' paths by name.
func writePages(t *testing.T, pages map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	paths := map[string]string{}
	for name, body := range pages {
		paths[name] = filepath.Join(dir, name)
		if err := os.WriteFile(paths[name], []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// runCLIInput runs harvest with args and stdin as standard input.
func runCLIInput(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

// decodeLines decodes harvest extract's JSON lines.
func decodeLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// downloadURLs lists the download URLs of an extract line.
func downloadURLs(line map[string]any) []string {
	var out []string
	dl, _ := line["downloads"].([]any)
	for _, d := range dl {
		if m, ok := d.(map[string]any); ok {
			u, _ := m["url"].(string)
			out = append(out, u)
		}
	}
	return out
}

// warnings counts the warnings of harvest's log on stderr that name file.
func warnings(stderr, file string) int {
	n := 0
	for line := range strings.SplitSeq(stderr, "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "file="+file) {
			n++
		}
	}
	return n
}

// TestExtractAddress: which address a page's links are resolved against,
// with and without --url, for files and for standard input.
func TestExtractAddress(t *testing.T) {
	paths := writePages(t, map[string]string{"canonical.html": canonicalPage, "bare.html": barePage})
	canonical, bare := paths["canonical.html"], paths["bare.html"]
	const (
		declared = "https://library.example.org/reports/wage-theft/"
		given    = "https://mirror.example.net/a/b/"
	)
	tests := []struct {
		name      string
		stdin     string
		args      []string
		file      string   // the "file" of the line
		url       string   // the "url" of the line; "" when not checked
		downloads []string // nil: root-relative, checked below
		warned    bool     // a warning saying links stay relative
		badURL    bool     // a warning that --url is no http(s) address
	}{
		{
			name: "no --url, a canonical link", args: []string{canonical}, file: canonical, url: declared,
			downloads: []string{"https://library.example.org/files/wage-theft.pdf", "https://library.example.org/files/wage-theft-annex.pdf"},
		},
		{
			name: "--url wins over the canonical link", args: []string{"--url", given, canonical}, file: canonical, url: given,
			downloads: []string{"https://mirror.example.net/files/wage-theft.pdf", "https://mirror.example.net/files/wage-theft-annex.pdf"},
		},
		{
			name: "no --url, no address", args: []string{bare}, file: bare, warned: true,
		},
		{
			name: "standard input, --url", stdin: barePage, args: []string{"--url", given, "-"}, file: "-", url: given,
			downloads: []string{"https://mirror.example.net/files/wage-theft.pdf", "https://mirror.example.net/files/wage-theft-annex.pdf"},
		},
		{
			name: "standard input, a canonical link", stdin: canonicalPage, args: []string{"-"}, file: "-", url: declared,
			downloads: []string{"https://library.example.org/files/wage-theft.pdf", "https://library.example.org/files/wage-theft-annex.pdf"},
		},
		{
			name: "standard input, no address", stdin: barePage, args: []string{"-"}, file: "-", warned: true,
		},
		{
			name: "a --url that is no http address: the page's own", args: []string{"--url", "xhttps://typo.example/", canonical}, file: canonical, url: declared, badURL: true,
			downloads: []string{"https://library.example.org/files/wage-theft.pdf", "https://library.example.org/files/wage-theft-annex.pdf"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, err := runCLIInput(t, tt.stdin, append([]string{"extract"}, tt.args...)...)
			if err != nil {
				t.Fatalf("harvest extract %v: %v\n%s", tt.args, err, stderr)
			}
			lines := decodeLines(t, out)
			if len(lines) != 1 {
				t.Fatalf("%d lines, want 1:\n%s", len(lines), out)
			}
			line := lines[0]
			if line["file"] != tt.file || line["kind"] != "publication" || line["title"] != "Wage Theft in Harbour Towns" {
				t.Errorf("file %v kind %v title %v", line["file"], line["kind"], line["title"])
			}
			if tt.url != "" && line["url"] != tt.url {
				t.Errorf("url = %v, want %s", line["url"], tt.url)
			}
			got := downloadURLs(line)
			if tt.downloads != nil && !slices.Equal(got, tt.downloads) {
				t.Errorf("downloads = %q, want %q", got, tt.downloads)
			}
			if tt.warned {
				// Root-relative: neither resolved against a made-up
				// host nor left as written ("../../files/...").
				if len(got) != 2 || got[1] != "/files/wage-theft-annex.pdf" || !strings.HasPrefix(got[0], "/files/") {
					t.Errorf("downloads = %q, want root-relative paths", got)
				}
				if strings.Contains(out, "://") {
					t.Errorf("absolute URL in a page without address: %s", out)
				}
			}
			n := warnings(stderr, tt.file)
			switch {
			case tt.warned && (n != 1 || !strings.Contains(stderr, "relative") || !strings.Contains(stderr, "--url")):
				t.Errorf("stderr = %q, want one warning that links stay relative and to pass --url", stderr)
			case tt.badURL && (!strings.Contains(stderr, "--url is not an absolute http(s) address") || !strings.Contains(stderr, "level=WARN")):
				t.Errorf("stderr = %q, want a warning that --url is no http(s) address", stderr)
			case !tt.warned && !tt.badURL && stderr != "":
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

// TestExtractWarnsPerFile: one warning for each file without an address,
// none for the others; every file printed, in order.
func TestExtractWarnsPerFile(t *testing.T) {
	paths := writePages(t, map[string]string{"a.html": barePage, "b.html": canonicalPage, "c.html": barePage})
	out, stderr, err := runCLIInput(t, "", "extract", paths["a.html"], paths["b.html"], paths["c.html"])
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var files []any
	for _, l := range decodeLines(t, out) {
		files = append(files, l["file"])
	}
	if want := []any{paths["a.html"], paths["b.html"], paths["c.html"]}; !slices.Equal(files, want) {
		t.Errorf("files = %v, want %v", files, want)
	}
	for name, want := range map[string]int{"a.html": 1, "b.html": 0, "c.html": 1} {
		if got := warnings(stderr, paths[name]); got != want {
			t.Errorf("%s: %d warnings, want %d:\n%s", name, got, want, stderr)
		}
	}
	if got := strings.Count(stderr, "level=WARN"); got != 2 {
		t.Errorf("%d warnings in all, want 2:\n%s", got, stderr)
	}
}

func TestExtractStdinOnce(t *testing.T) {
	if _, _, err := runCLIInput(t, canonicalPage, "extract", "-", "-"); err == nil || !strings.Contains(err.Error(), "once") {
		t.Errorf("extract - - = %v, want an error saying standard input is read once", err)
	}
	// An empty standard input fails as an empty file does: logged under
	// its name, counted, no crash.
	_, stderr, err := runCLIInput(t, "", "extract", "--url", "https://a.example/x", "-")
	if err == nil || !strings.Contains(err.Error(), "1 of 1 files failed") || !strings.Contains(stderr, "file=-") {
		t.Errorf("extract of an empty standard input: %v\n%s", err, stderr)
	}
}

// TestExtractEveryKind: a page that is not a publication gets its line
// with kind and reason and every field, as a publication does.
func TestExtractEveryKind(t *testing.T) {
	paths := writePages(t, map[string]string{"listing.html": listingPage})
	out, stderr, err := runCLIInput(t, "", "extract", paths["listing.html"])
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	lines := decodeLines(t, out)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	line := lines[0]
	if line["kind"] != "listing" || line["reason"] == "" {
		t.Errorf("kind %v reason %v, want a listing and why", line["kind"], line["reason"])
	}
	if line["title"] != "Category: Reports" || line["url"] != "https://library.example.org/category/reports/" {
		t.Errorf("title %v url %v, want the listing's own", line["title"], line["url"])
	}
	for _, key := range []string{"file", "kind", "reason", "url", "canonical_url", "title", "summary", "categories", "tags",
		"downloads", "authors", "publisher", "external_links", "language", "image", "site_name", "type", "sources"} {
		if _, ok := line[key]; !ok {
			t.Errorf("line lacks %q: %s", key, out)
		}
	}
	if links, ok := line["external_links"].([]any); !ok || links == nil {
		t.Errorf("external_links = %#v, want a list", line["external_links"])
	}
}

// TestExtractLineHasEveryField keeps extractLine in step with the record:
// every content field of harvest.Publication, under the same JSON name
// and with the same omitempty, is printed.
func TestExtractLineHasEveryField(t *testing.T) {
	bookkeeping := []string{"id", "source", "status", "removed_at", "first_seen", "last_seen", "last_changed", "duplicate_urls"}
	tags := func(typ reflect.Type) map[string]string {
		out := map[string]string{}
		for f := range typ.Fields() {
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			out[name] = opts
		}
		return out
	}
	line := tags(reflect.TypeFor[extractLine]())
	for name, opts := range tags(reflect.TypeFor[harvest.Publication]()) {
		if slices.Contains(bookkeeping, name) {
			continue
		}
		got, ok := line[name]
		if !ok {
			t.Errorf("harvest extract does not print %q", name)
		} else if got != opts {
			t.Errorf("%q: json options %q, the record's are %q", name, got, opts)
		}
	}
}
