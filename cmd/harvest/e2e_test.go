package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"harvest"
	"harvest/export"
	"harvest/internal/demosite"
)

// runCLI runs the harvest command line with args and returns what it
// printed.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

// crawlDemo serves the embedded site and crawls it ad hoc, through the
// command line, into a new catalogue.
func crawlDemo(t *testing.T, extra ...string) (base, db string) {
	t.Helper()
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	db = filepath.Join(t.TempDir(), "catalogue.db")
	args := append([]string{"crawl", "--url", srv.URL + "/", "--delay", "0", "--db", db, "--quiet"}, extra...)
	if _, stderr, err := runCLI(t, args...); err != nil {
		t.Fatalf("harvest crawl: %v\n%s", err, stderr)
	}
	return srv.URL, db
}

func exportJSONL(t *testing.T, db string) []harvest.Publication {
	t.Helper()
	out, stderr, err := runCLI(t, "export", "--db", db, "--format", "jsonl")
	if err != nil {
		t.Fatalf("harvest export: %v\n%s", err, stderr)
	}
	var pubs []harvest.Publication
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p harvest.Publication
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		pubs = append(pubs, p)
	}
	return pubs
}

// TestDemoSiteEndToEnd crawls the demo site with the real crawler into a
// real SQLite file and checks every field of every record against the
// site's hand-written truth.
func TestDemoSiteEndToEnd(t *testing.T) {
	for _, concurrency := range []string{"1", "8"} {
		t.Run("concurrency="+concurrency, func(t *testing.T) {
			base, db := crawlDemo(t, "--concurrency", concurrency)
			checkAgainstTruth(t, base, exportJSONL(t, db), demosite.Truth(), demosite.ListingPaths())
		})
	}
}

// checkAgainstTruth compares a catalogue with the truth of the site served
// at base: one record per publication, every field, no listing page as a
// record.
func checkAgainstTruth(t *testing.T, base string, pubs []harvest.Publication, truth []demosite.Expected, listings []string) {
	t.Helper()
	if len(pubs) != len(truth) {
		t.Errorf("catalogue has %d records, want %d (one per publication)", len(pubs), len(truth))
	}
	byURL := map[string]harvest.Publication{}
	for _, p := range pubs {
		for _, u := range append([]string{p.URL}, p.DuplicateURLs...) {
			if prev, ok := byURL[u]; ok {
				t.Errorf("URL %s belongs to records %d and %d", u, prev.ID, p.ID)
			}
			byURL[u] = p
		}
	}
	for _, l := range listings {
		if p, ok := byURL[base+l]; ok {
			t.Errorf("listing page %s became record %d (%q)", l, p.ID, p.Title)
		}
	}
	for _, want := range truth {
		got, ok := byURL[base+want.URL]
		if !ok {
			t.Errorf("%s: no record", want.URL)
			continue
		}
		urls := append([]string{got.URL}, got.DuplicateURLs...)
		for _, alt := range want.AltURLs {
			if !slices.Contains(urls, base+alt) {
				t.Errorf("%s: record URLs %v lack the duplicate %s", want.URL, urls, alt)
			}
		}
		if len(urls) != 1+len(want.AltURLs) {
			t.Errorf("%s: record URLs = %v, want the page and %v", want.URL, urls, want.AltURLs)
		}
		if !slices.Contains(urls, got.CanonicalURL) {
			t.Errorf("%s: canonical_url %s is none of the record's URLs %v", want.URL, got.CanonicalURL, urls)
		}
		field := func(name string, g, w any) {
			gb, _ := json.Marshal(g)
			wb, _ := json.Marshal(w)
			if !bytes.Equal(gb, wb) {
				t.Errorf("%s: %s = %s, want %s", want.URL, name, gb, wb)
			}
		}
		field("title", got.Title, want.Title)
		field("summary", got.Summary, want.Summary)
		field("categories", got.Categories, nonNil(want.Categories))
		field("tags", got.Tags, nonNil(want.Tags))
		var downloads []harvest.Download
		for _, d := range want.Downloads {
			d.URL = base + d.URL
			downloads = append(downloads, d)
		}
		if downloads == nil {
			downloads = []harvest.Download{}
		}
		field("downloads", got.Downloads, downloads)
		field("publisher", got.Publisher, want.Publisher)
		field("published", got.Published, want.Published)
		field("language", got.Language, want.Language)
		if got.FirstSeen.IsZero() || got.LastSeen.Before(got.FirstSeen) || got.LastChanged.Before(got.FirstSeen) {
			t.Errorf("%s: times first_seen=%v last_seen=%v last_changed=%v", want.URL, got.FirstSeen, got.LastSeen, got.LastChanged)
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestRecrawlKeepsOneRecordEach crawls the site twice into one catalogue:
// the second run finds everything unchanged and adds nothing.
func TestRecrawlKeepsOneRecordEach(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "catalogue.db")
	args := []string{"crawl", "--url", srv.URL + "/", "--delay", "0", "--db", db, "--quiet", "--concurrency", "4"}
	if _, stderr, err := runCLI(t, args...); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, stderr)
	}
	first := exportJSONL(t, db)
	out, stderr, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("second crawl: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "0 new, 0 changed") {
		t.Errorf("second crawl summary = %q, want 0 new, 0 changed", out)
	}
	second := exportJSONL(t, db)
	if len(second) != len(first) {
		t.Fatalf("records after the second crawl = %d, want %d", len(second), len(first))
	}
	for i := range first {
		a, b := first[i], second[i]
		if a.ID != b.ID || a.URL != b.URL || !a.FirstSeen.Equal(b.FirstSeen) || !a.LastChanged.Equal(b.LastChanged) {
			t.Errorf("record %d changed identity or times: %+v -> %+v", a.ID, a, b)
		}
	}
	checkAgainstTruth(t, srv.URL, second, demosite.Truth(), demosite.ListingPaths())
}

// TestExportFormats checks that CSV and JSON carry what JSON lines carry.
func TestExportFormats(t *testing.T) {
	_, db := crawlDemo(t)
	jsonl := exportJSONL(t, db)

	out, _, err := runCLI(t, "export", "--db", db, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var arr []harvest.Publication
	if err := json.Unmarshal([]byte(out), &arr); err != nil {
		t.Fatalf("json export is not a JSON array: %v", err)
	}
	a, _ := json.Marshal(arr)
	b, _ := json.Marshal(jsonl)
	if !bytes.Equal(a, b) {
		t.Error("json export differs from jsonl export")
	}

	file := filepath.Join(t.TempDir(), "out.csv")
	if _, _, err := runCLI(t, "export", "--db", db, "--format", "csv", "-o", file); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("csv export: %v", err)
	}
	if len(rows) != len(jsonl)+1 {
		t.Fatalf("csv rows = %d, want header + %d", len(rows), len(jsonl))
	}
	if !slices.Equal(rows[0], export.CSVHeader) {
		t.Errorf("csv header = %v", rows[0])
	}
	for i, p := range jsonl {
		r := rows[i+1]
		if r[4] != p.Title || r[5] != p.Summary || r[6] != strings.Join(p.Categories, "; ") || r[7] != strings.Join(p.Tags, "; ") {
			t.Errorf("csv row %d = %v, want the record %+v", i+1, r, p)
		}
	}

	out, _, err = runCLI(t, "export", "--db", db, "--source", "nobody")
	if err == nil || out != "" || !strings.Contains(err.Error(), `--source "nobody": unknown source (known: `) {
		t.Errorf("export of an unknown source = %q, %v; want nothing and an error naming the known sources", out, err)
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("sources:\n  - name: a\n    start_urls: [http://a.example/]\n    delay: soon\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "never.db")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"crawl", "--config", bad, "--db", db}, "bad.yaml:4: sources[0].delay"},
		{[]string{"crawl", "--config", "../../config.yaml", "--source", "nope", "--db", db}, `unknown source "nope"`},
		{[]string{"crawl", "--url", "ftp://x.example/", "--db", db}, "--url"},
		{[]string{"crawl", "--url", "http://x.example/", "--delay", "-1s", "--db", db}, "--delay"},
		{[]string{"crawl", "--url", "http://x.example/", "--concurrency", "0", "--db", db}, "--concurrency"},
		{[]string{"export", "--db", db}, "does not exist"},
		{[]string{"export", "--db", db, "--format", "xml"}, "--format"},
	}
	for _, tt := range tests {
		_, _, err := runCLI(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("harvest %v: error = %v, want one containing %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a failed command created the catalogue %s", db)
	}
}

func TestDemoCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	out, stderr, err := runCLI(t, "demo", "--db", db, "--quiet")
	if err != nil {
		t.Fatalf("harvest demo: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"34 publications", "Duplicates merged", "also at", "Noise stripped",
		"leaked CMS identifier list", "related resources block", "A few records in full", `"downloads"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

// TestConfiguredCrawl crawls the demo site as a configured source whose
// selectors override the generic extractor field by field.
func TestConfiguredCrawl(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "configured.db")
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "db: " + db + "\n" +
		"defaults:\n  delay: 0\n" +
		"sources:\n" +
		"  - name: lantern\n" +
		"    start_urls: [" + srv.URL + "/resources/]\n" +
		"    item_url: '/resource/[^/]+/$'\n" +
		"    exclude: ['/tag/']\n" +
		"    selectors:\n" +
		"      summary: h1\n" +
		"  - name: other\n" +
		"    start_urls: [" + srv.URL + "/about/]\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCLI(t, "crawl", "--config", cfg, "--source", "lantern", "--quiet")
	if err != nil {
		t.Fatalf("harvest crawl --config: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "lantern: complete") || strings.Contains(out, "other:") {
		t.Errorf("summary = %q, want the lantern source alone", out)
	}
	pubs := exportJSONL(t, db)
	if got, want := len(pubs), len(demosite.Truth()); got != want {
		t.Errorf("records = %d, want %d", got, want)
	}
	for _, p := range pubs {
		if p.Source != "lantern" {
			t.Errorf("record %d: source = %q, want lantern", p.ID, p.Source)
		}
		if p.Summary != p.Title {
			t.Errorf("record %d: summary = %q, want the h1 (%q) as the selector says", p.ID, p.Summary, p.Title)
		}
		if len(p.Downloads) == 0 {
			t.Errorf("record %d: no downloads (fields without a selector keep the generic rule)", p.ID)
		}
	}
}

// TestCrawlMirrorsFiles crawls the demo site with mirror_files on: every
// download of every record has its file in the mirror directory.
func TestCrawlMirrorsFiles(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "mirrored.db")
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "db: " + db + "\ndefaults:\n  delay: 0\nsources:\n" +
		"  - name: lantern\n    start_urls: [" + srv.URL + "/]\n    mirror_files: true\n    mirror_dir: files\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCLI(t, "crawl", "--config", cfg, "--quiet"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	pubs := exportJSONL(t, db)
	if len(pubs) == 0 {
		t.Fatal("no records")
	}
	mirrorDir := filepath.Join(dir, "files")
	for _, p := range pubs {
		for _, d := range p.Downloads {
			if len(d.SHA256) != 64 || d.Size <= 0 {
				t.Errorf("%s: download %s not mirrored: %+v", p.URL, d.URL, d)
				continue
			}
			rel, err := filepath.Rel(mirrorDir, d.LocalPath)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s: local path %s is outside %s", p.URL, d.LocalPath, mirrorDir)
			}
			if st, err := os.Stat(d.LocalPath); err != nil || st.Size() != d.Size {
				t.Errorf("%s: file %s: %v", p.URL, d.LocalPath, err)
			}
		}
	}
}
