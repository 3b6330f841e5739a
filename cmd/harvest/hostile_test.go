package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"harvest"
	"harvest/export"
	"harvest/harvester"
	"harvest/internal/citeread"
	"harvest/internal/termsafe"
	"harvest/internal/tinypdf"
	"harvest/store/sqlite"
	"harvest/web"
)

// The hostile corpus: what a site that wants to harm harvest's user can
// write into the fields of a publication page.
const (
	corpusHyperlink = `=HYPERLINK("http://evil.example/","click")`
	corpusCmd       = `+cmd|' /C calc'!A0`
	corpusScript    = `<script>alert(2)</script>`
	corpusImg       = `<img src=x onerror=alert(1)>`
	corpusHover     = `<b onmouseover=alert(4)>x`
	corpusRIS       = "\nER  - \nTY  - JOUR\n"
	corpusRLO       = "\u202e"
	corpusSQL       = `Reports'); DROP TABLE publications; --`
)

// corpusBig is a 100 KB string.
var corpusBig = strings.Repeat("A very long paragraph of harvested words. ", 2500)[:100<<10]

// hostilePage is the one publication page of the hostile site, as served
// (bytes, since it holds bytes that are not UTF-8). {{BASE}} becomes the
// site's address.
func hostilePage() []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hostile Library - ` + html.EscapeString(corpusHyperlink+" "+corpusImg) + ` Report ` + corpusRLO + `fdp.exe</title>
<meta name="citation_author" content="=Mallory Author">
<link rel="canonical" href="{{BASE}}/library/hostile-report/">
</head>
<body>
<div id="content">
<h1>` + html.EscapeString(corpusHyperlink+" "+corpusImg) + ` Report ` + corpusRLO + `fdp.exe</h1>
<p class="lead">` + html.EscapeString(corpusCmd+" "+corpusScript) + ` "double" and 'single' quotes, a tab` + "\t" + `here, a CR` + "\r" +
		`here, a NUL` + "\x00" + `here, ESC` + "\x1b[31m" + `red, a C1 CSI` + "\u009b" + `31m and invalid `)
	b.Write([]byte{0xff, 0xfe})
	b.WriteString(` bytes; this report describes what a hostile site can write.</p>
<p>-2+3 starts this paragraph; record separators` + corpusRIS + ` and more words.</p>
<p>` + corpusBig + `</p>
<p class="meta">
Publisher: Hostile Publisher<br>
Date: 21 August 2023<br>
Tags: @SUM(1+1); ` + html.EscapeString(corpusHover) + `<br>
</p>
<p class="download"><a href="/files/report.pdf">=1+1 Download the report (PDF)</a></p>
</div>
</body>
</html>
`)
	return b.Bytes()
}

// hostileSite serves a library of one hostile publication page: a home
// page linking to it, to an address holding a right-to-left override,
// and mostly to a host whose name holds one (so that the crawl's summary
// hints at it); the page; and its PDF.
func hostileSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Hostile Library</title></head><body>
<h1>Library</h1><ul>
<li><a href="/library/hostile-report/">`+html.EscapeString(corpusHyperlink)+`</a></li>
<li><a href="/library/`+corpusRLO+`gone/">gone `+corpusRLO+`</a></li>
<li><a href="http://`+corpusRLO+`moc.elgoog.example/1">1</a></li>
<li><a href="http://`+corpusRLO+`moc.elgoog.example/2">2</a></li>
<li><a href="http://`+corpusRLO+`moc.elgoog.example/3">3</a></li>
<li><a href="http://`+corpusRLO+`moc.elgoog.example/4">4</a></li>
</ul></body></html>`)
	})
	mux.HandleFunc("/library/hostile-report/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(bytes.ReplaceAll(hostilePage(), []byte("{{BASE}}"), []byte("http://"+r.Host)))
	})
	mux.HandleFunc("/files/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(tinypdf.New("Hostile report"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// rawHostile is a record saved straight through the store, with what the
// extractor would have removed (NUL, ESC, CR, tabs, line breaks, C1
// controls, bytes that are not UTF-8) in every text field.
func rawHostile(source, base string) harvest.Publication {
	return harvest.Publication{
		Source: source, URL: base + "/raw-" + corpusRLO + "/", CanonicalURL: base + "/raw-" + corpusRLO + "/",
		Title:         corpusHyperlink + " " + corpusScript + " " + corpusRLO + "RTL\u202c NUL\x00 ESC\x1b[2J\x1b]0;owned\x07 CSI\u009b31m bad\xff\xfe end",
		Summary:       corpusCmd + corpusRIS + `"double" 'single' tab` + "\there cr\rhere\u2028" + corpusImg + corpusBig,
		Categories:    []string{"-2+3", corpusSQL},
		Tags:          []string{"@SUM(1+1)", corpusHover, "\u2066isolate\u2069"},
		Downloads:     []harvest.Download{{URL: base + "/files/raw.pdf", Label: "\t=1+1 " + corpusImg, MediaType: "application/pdf"}},
		Authors:       []string{"-2+3 Author" + corpusRLO},
		Publisher:     " =Publisher",
		ExternalLinks: []harvest.Link{{URL: "https://doi.example/10.1/x", Label: "\r@label " + corpusScript}},
		SiteName:      "@site", Type: "-5", Language: "en",
	}
}

// hostileFixture is a catalogue holding the hostile corpus: the record
// crawled from hostileSite and rawHostile, with what each crawl wrote.
type hostileFixture struct {
	base, db       string
	crawled, raw   harvest.Publication
	stdout, stderr []string // of each crawl
}

// newHostileFixture crawls the hostile site through the command line
// twice (logs as JSON, then as text, both at debug level) and saves
// rawHostile through the store twice, under two URLs, so that it has a
// duplicate.
func newHostileFixture(t *testing.T) *hostileFixture {
	t.Helper()
	srv := hostileSite(t)
	f := &hostileFixture{base: srv.URL, db: filepath.Join(t.TempDir(), "catalogue.db")}
	for _, format := range []string{"json", "text"} {
		stdout, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", f.db, "--quiet",
			"--verbose", "--log-format", format)
		if err != nil {
			t.Fatalf("harvest crawl: %v\n%s", err, stderr)
		}
		f.stdout, f.stderr = append(f.stdout, stdout), append(f.stderr, stderr)
	}
	pubs := exportJSONL(t, f.db)
	if len(pubs) != 1 || pubs[0].URL != srv.URL+"/library/hostile-report/" {
		t.Fatalf("crawl made %d records, want the hostile page's: %+v", len(pubs), pubs)
	}
	catalogue, err := sqlite.Open(t.Context(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	raw := rawHostile(pubs[0].Source, srv.URL)
	res, err := catalogue.Save(t.Context(), raw, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	raw.URL, raw.CanonicalURL = srv.URL+"/raw-copy/", srv.URL+"/raw-copy/"
	if dup, err := catalogue.Save(t.Context(), raw, time.Now().UTC()); err != nil || dup.Outcome != harvest.OutcomeDuplicate {
		t.Fatalf("second save: %+v %v, want a duplicate", dup, err)
	}
	if f.crawled, err = catalogue.Get(t.Context(), pubs[0].ID); err != nil {
		t.Fatal(err)
	}
	if f.raw, err = catalogue.Get(t.Context(), res.ID); err != nil {
		t.Fatal(err)
	}
	// The crawl kept what the extractor keeps: the markup and formulas
	// as text, the override; the raw record kept everything.
	if !strings.HasPrefix(f.crawled.Title, corpusHyperlink+" "+corpusImg) || !strings.Contains(f.crawled.Title, corpusRLO) ||
		!strings.HasPrefix(f.crawled.Summary, corpusCmd) || !slices.Contains(f.crawled.Tags, "@SUM(1+1)") ||
		!slices.Contains(f.crawled.Tags, corpusHover) || len(f.crawled.Downloads) != 1 ||
		!strings.HasPrefix(f.crawled.Downloads[0].Label, "=1+1") || !slices.Contains(f.crawled.Authors, "=Mallory Author") {
		t.Fatalf("the crawl did not carry the corpus into the record: %+v", f.crawled)
	}
	if f.raw.Title != rawHostile("", "").Title || f.raw.Summary != rawHostile("", "").Summary {
		t.Fatalf("the store changed the raw record: %q", f.raw.Title)
	}
	return f
}

func (f *hostileFixture) records() []harvest.Publication {
	return []harvest.Publication{f.crawled, f.raw}
}

// textFields lists a record's text fields, each with its name.
func textFields(p harvest.Publication) map[string]string {
	m := map[string]string{
		"title": p.Title, "summary": p.Summary, "publisher": p.Publisher, "site_name": p.SiteName, "type": p.Type,
		"url": p.URL, "source": p.Source,
	}
	for i, s := range p.Categories {
		m[fmt.Sprint("category ", i)] = s
	}
	for i, s := range p.Tags {
		m[fmt.Sprint("tag ", i)] = s
	}
	for i, s := range p.Authors {
		m[fmt.Sprint("author ", i)] = s
	}
	for i, d := range p.Downloads {
		m[fmt.Sprint("download label ", i)] = d.Label
	}
	for i, l := range p.ExternalLinks {
		m[fmt.Sprint("link label ", i)] = l.Label
	}
	for i, u := range p.DuplicateURLs {
		m[fmt.Sprint("duplicate ", i)] = u
	}
	return m
}

// jsonText is s as encoding/json writes it: each byte that is not UTF-8
// becomes U+FFFD.
func jsonText(s string) string { return string([]rune(s)) }

// checkSameText compares the text fields of a record read back from an
// output with the stored record's, through want (what the output's
// syntax cannot carry: jsonText for JSON).
func checkSameText(t *testing.T, where string, got, stored harvest.Publication, want func(string) string) {
	t.Helper()
	g, s := textFields(got), textFields(stored)
	if len(g) != len(s) {
		t.Errorf("%s: %d text fields, stored %d", where, len(g), len(s))
	}
	for name, v := range s {
		if g[name] != want(v) {
			t.Errorf("%s: %s = %.200q, want %.200q", where, name, g[name], want(v))
		}
	}
}

// checkNoControls fails for each line of out (lines may end with CR)
// that carries a control character: the citation formats cannot escape
// them and fold them into spaces. (Bidirectional characters are text
// there, as in CSV.)
func checkNoControls(t *testing.T, where, out string) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if strings.ContainsFunc(strings.TrimSuffix(line, "\r"), unicode.IsControl) || !utf8.ValidString(line) {
			t.Errorf("%s, line %d: a control character or a byte that is not UTF-8: %.300q", where, i+1, line)
		}
	}
}

// checkTerminalSafe fails for each line of out that carries a character
// that steers or reorders a terminal.
func checkTerminalSafe(t *testing.T, where, out string) {
	t.Helper()
	if out == "" {
		t.Errorf("%s: no output", where)
	}
	for i, line := range strings.Split(out, "\n") {
		if !termsafe.Clean(line) {
			t.Errorf("%s, line %d: raw control or bidirectional characters: %.300q", where, i+1, line)
		}
	}
}

// TestHostileTextStaysInertInEveryOutput pushes the hostile corpus
// through a real crawl (and straight through the store, with what the
// extractor removes) into a real catalogue, then through every output,
// each read back by a real reader.
func TestHostileTextStaysInertInEveryOutput(t *testing.T) {
	f := newHostileFixture(t)
	byID := map[int64]harvest.Publication{f.crawled.ID: f.crawled, f.raw.ID: f.raw}

	t.Run("crawl summary and logs", func(t *testing.T) {
		for i, format := range []string{"json", "text"} {
			checkTerminalSafe(t, "crawl summary", strings.TrimSuffix(f.stdout[i], "\n"))
			checkTerminalSafe(t, "crawl log as "+format, strings.TrimSuffix(f.stderr[i], "\n"))
			// The home page's links lead to a host whose name starts with
			// a right-to-left override: the hint names it, escaped (raw,
			// it would show the --allow-domain to type as google.com).
			if !strings.Contains(f.stdout[i], `add --allow-domain \u202emoc.elgoog.example`) {
				t.Errorf("crawl summary lacks the escaped hint:\n%s", f.stdout[i])
			}
			if !strings.Contains(f.stderr[i], "page_read") {
				t.Errorf("log as %s has no page lines (debug level):\n%s", format, f.stderr[i])
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		rows := func(args ...string) map[string][]string {
			out, stderr, err := runCLI(t, append([]string{"export", "--db", f.db, "--format", "csv"}, args...)...)
			if err != nil {
				t.Fatalf("export %v: %v\n%s", args, err, stderr)
			}
			all, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatalf("export %v is not CSV: %v", args, err)
			}
			if len(all) != 3 || !slices.Equal(all[0], export.CSVHeader) {
				t.Fatalf("export %v: %d rows, header %v", args, len(all), all[0])
			}
			byID := map[string][]string{}
			for _, r := range all[1:] {
				byID[r[0]] = r
			}
			return byID
		}
		safe, raw := rows(), rows("--csv-raw")
		col := map[string]int{}
		for i, name := range export.CSVHeader {
			col[name] = i
		}
		neutralised := 0
		for _, p := range f.records() {
			id := idText(p.ID)
			s, r := safe[id], raw[id]
			// --csv-raw: the text exactly as stored.
			for name, want := range map[string]string{
				"title": p.Title, "summary": p.Summary, "tags": strings.Join(p.Tags, export.ListSeparator),
				"categories": strings.Join(p.Categories, export.ListSeparator), "authors": strings.Join(p.Authors, export.ListSeparator),
				"publisher": p.Publisher, "download_labels": p.Downloads[0].Label, "site_name": p.SiteName, "type": p.Type,
				"url": p.URL,
			} {
				if got := r[col[name]]; got != want {
					t.Errorf("record %d --csv-raw %s = %.200q, want %.200q", p.ID, name, got, want)
				}
			}
			// By default: no cell starts a formula; a cell that did has
			// an apostrophe before the same text.
			for i, cell := range s {
				if export.NeutralizeCell(cell) != cell {
					t.Errorf("record %d %s = %.100q starts a formula", p.ID, export.CSVHeader[i], cell)
				}
				switch {
				case cell == r[i]:
				case cell == "'"+r[i] && export.NeutralizeCell(r[i]) != r[i]:
					neutralised++
				default:
					t.Errorf("record %d %s = %.100q, raw %.100q", p.ID, export.CSVHeader[i], cell, r[i])
				}
			}
			for _, name := range []string{"title", "summary", "tags", "download_labels", "authors"} {
				if !strings.HasPrefix(s[col[name]], "'") {
					t.Errorf("record %d %s = %.100q, want it neutralised", p.ID, name, s[col[name]])
				}
			}
		}
		if neutralised < 10 {
			t.Errorf("%d cells neutralised: the corpus does not reach the CSV", neutralised)
		}
	})

	t.Run("jsonl and json", func(t *testing.T) {
		for _, format := range []string{"jsonl", "json"} {
			out, stderr, err := runCLI(t, "export", "--db", f.db, "--format", format)
			if err != nil {
				t.Fatalf("export %s: %v\n%s", format, err, stderr)
			}
			checkTerminalSafe(t, "export "+format, out)
			var got []harvest.Publication
			if format == "json" {
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("export json: %v", err)
				}
			} else {
				for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
					var p harvest.Publication
					if err := json.Unmarshal([]byte(line), &p); err != nil {
						t.Fatalf("export jsonl line %.200q: %v", line, err)
					}
					got = append(got, p)
				}
			}
			if len(got) != 2 {
				t.Fatalf("export %s: %d records, want 2", format, len(got))
			}
			for _, p := range got {
				checkSameText(t, "export "+format, p, byID[p.ID], jsonText)
			}
		}
	})

	t.Run("citation formats", func(t *testing.T) {
		exportAs := func(format string) []byte {
			out, stderr, err := runCLI(t, "export", "--db", f.db, "--format", format)
			if err != nil {
				t.Fatalf("export %s: %v\n%s", format, err, stderr)
			}
			checkNoControls(t, "export "+format, out)
			return []byte(out)
		}
		ps := f.records()
		slices.SortFunc(ps, func(a, b harvest.Publication) int { return int(a.ID - b.ID) })
		items := citeread.ValidateCSL(t, filepath.Join("..", "..", "export", "testdata", "csl-data.json"), exportAs("csl-json"))
		mods := citeread.Bibutils(t, "ris2xml", exportAs("ris"), "-nl", "-nt")
		entries := citeread.PyBibTeX(t, exportAs("bibtex"))
		if len(items) != 2 || len(mods) != 2 || len(entries) != 2 {
			t.Fatalf("CSL-JSON %d items, RIS %d references, BibTeX %d entries; want 2 each", len(items), len(mods), len(entries))
		}
		oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
		risLine := func(s string) string {
			return strings.TrimSpace(regexp.MustCompile(`[\p{Cc}\x{2028}\x{2029}]+`).ReplaceAllString(jsonText(s), " "))
		}
		bibLine := func(s string) string {
			return strings.Join(strings.FieldsFunc(jsonText(s), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
		}
		for i, p := range ps {
			if got := items[i]["title"]; got != jsonText(oneLine(p.Title)) || items[i]["abstract"] != jsonText(p.Summary) {
				t.Errorf("CSL-JSON record %d: title %.200q, abstract %.200q", p.ID, got, items[i]["abstract"])
			}
			if mods[i].TitleText() != risLine(p.Title) || mods[i].Abstract != risLine(p.Summary) {
				t.Errorf("RIS record %d: title %.200q, abstract %.200q; want %.200q, %.200q", p.ID, mods[i].TitleText(), mods[i].Abstract, risLine(p.Title), risLine(p.Summary))
			}
			if u := entries[i].Unicode; u["title"] != bibLine(p.Title) || u["abstract"] != bibLine(p.Summary) {
				t.Errorf("BibTeX record %d: title %.200q, abstract %.200q; want %.200q, %.200q", p.ID, u["title"], u["abstract"], bibLine(p.Title), bibLine(p.Summary))
			}
		}
	})

	catalogue, err := sqlite.Open(t.Context(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	srv := httptest.NewServer(web.New(catalogue, nil))
	defer srv.Close()

	t.Run("api", func(t *testing.T) {
		for _, p := range f.records() {
			resp, body := httpGet(t, srv.URL+"/api/publications/"+idText(p.ID))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET record %d: %d", p.ID, resp.StatusCode)
			}
			for _, bad := range []string{"<script", "<img", "<b "} {
				if bytes.Contains(body, []byte(bad)) {
					t.Errorf("record %d: %q raw in the JSON", p.ID, bad)
				}
			}
			checkTerminalSafe(t, "api record", string(body))
			var got harvest.Publication
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			checkSameText(t, "api", got, p, jsonText)
		}
		found := apiList(t, srv, "/api/publications?q=HYPERLINK")
		if found.Total != 2 {
			t.Errorf("search for HYPERLINK: %d records, want 2", found.Total)
		}
		// SQL in a field and in a filter is text: it finds the record
		// that has it, and the table is still there.
		if found := apiList(t, srv, "/api/publications?category="+url.QueryEscape(corpusSQL)); found.Total != 1 {
			t.Errorf("category %q: %d records, want 1", corpusSQL, found.Total)
		}
		if found := apiList(t, srv, "/api/publications?q="+url.QueryEscape(corpusSQL)); found.Total != 1 {
			t.Errorf("search for %q: %d records, want 1", corpusSQL, found.Total)
		}
		if found := apiList(t, srv, "/api/publications"); found.Total != 2 {
			t.Errorf("%d records after the SQL queries, want 2", found.Total)
		}
	})

	t.Run("feed", func(t *testing.T) {
		resp, body := httpGet(t, srv.URL+"/feed.atom")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("feed: %d", resp.StatusCode)
		}
		// Well-formed: every token reads, strictly.
		dec := xml.NewDecoder(bytes.NewReader(body))
		dec.Strict = true
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("feed is not well-formed XML: %v", err)
			}
		}
		type link struct {
			Rel   string `xml:"rel,attr"`
			Href  string `xml:"href,attr"`
			Title string `xml:"title,attr"`
		}
		var feed struct {
			Entries []struct {
				Title      string   `xml:"http://www.w3.org/2005/Atom title"`
				Summary    string   `xml:"http://www.w3.org/2005/Atom summary"`
				Authors    []string `xml:"http://www.w3.org/2005/Atom author>name"`
				Links      []link   `xml:"http://www.w3.org/2005/Atom link"`
				Categories []struct {
					Term  string `xml:"term,attr"`
					Label string `xml:"label,attr"`
				} `xml:"http://www.w3.org/2005/Atom category"`
			} `xml:"http://www.w3.org/2005/Atom entry"`
		}
		if err := xml.Unmarshal(body, &feed); err != nil {
			t.Fatal(err)
		}
		if len(feed.Entries) != 2 {
			t.Fatalf("feed has %d entries, want 2", len(feed.Entries))
		}
		for _, e := range feed.Entries {
			i := slices.IndexFunc(e.Links, func(l link) bool { return l.Rel == "related" && strings.Contains(l.Href, "/publications/") })
			if i < 0 {
				t.Fatalf("entry %q has no link to its catalogue page", e.Title)
			}
			id := e.Links[i].Href[strings.LastIndex(e.Links[i].Href, "/")+1:]
			p := byID[mustID(t, id)]
			got := harvest.Publication{Title: e.Title, Summary: e.Summary, Authors: e.Authors}
			want := harvest.Publication{Title: xmlText(p.Title), Summary: xmlText(p.Summary)}
			for _, a := range p.Authors {
				want.Authors = append(want.Authors, xmlText(a))
			}
			for _, c := range e.Categories {
				got.Tags = append(got.Tags, c.Term, c.Label)
			}
			for _, c := range append(slices.Clone(p.Categories), p.Tags...) {
				want.Tags = append(want.Tags, xmlText(c), xmlText(c))
			}
			for _, l := range e.Links {
				if l.Rel == "enclosure" || (l.Rel == "related" && !strings.Contains(l.Href, "/publications/")) {
					got.Tags = append(got.Tags, l.Title)
				}
			}
			for _, d := range p.Downloads {
				want.Tags = append(want.Tags, xmlText(d.Label))
			}
			for _, l := range p.ExternalLinks {
				want.Tags = append(want.Tags, xmlText(strings.TrimSpace(l.Label))) // the page's link text
			}
			checkSameText(t, "feed", got, want, func(s string) string { return s })
		}
	})

	t.Run("page", func(t *testing.T) {
		paths := []string{"/", "/?q=HYPERLINK", "/?tag=" + url.QueryEscape(corpusHover)}
		for _, p := range f.records() {
			paths = append(paths, "/publications/"+idText(p.ID))
		}
		for _, path := range paths {
			resp, body := httpGet(t, srv.URL+path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			doc, err := html.Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for n := range doc.Descendants() {
				switch n.Type {
				case html.ElementNode:
					if n.Data == "script" || n.Data == "img" || n.Data == "b" {
						t.Errorf("GET %s: harvested markup became a <%s> element", path, n.Data)
					}
					for _, a := range n.Attr {
						if strings.HasPrefix(a.Key, "on") ||
							((a.Key == "href" || a.Key == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:")) {
							t.Errorf("GET %s: <%s %s=%q>", path, n.Data, a.Key, a.Val)
						}
					}
				case html.TextNode:
					text.WriteString(n.Data)
				}
			}
			if path != "/?tag="+url.QueryEscape(corpusHover) && !strings.Contains(text.String(), corpusHyperlink) {
				t.Errorf("GET %s: the hostile titles are not shown as text", path)
			}
		}
		// The publication pages show the title as text, exactly.
		for _, p := range f.records() {
			_, body := httpGet(t, srv.URL+"/publications/"+idText(p.ID))
			doc, err := html.Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var h1 string
			for n := range doc.Descendants() {
				if n.Type == html.ElementNode && n.Data == "h1" {
					for c := range n.Descendants() {
						if c.Type == html.TextNode {
							h1 += c.Data
						}
					}
				}
			}
			if want := htmlText(p.Title); h1 != want {
				t.Errorf("record %d heading = %q, want %q", p.ID, h1, want)
			}
		}
	})

	t.Run("changes", func(t *testing.T) {
		out, stderr, err := runCLI(t, "changes", "--db", f.db, "--since", "1h")
		if err != nil {
			t.Fatalf("changes: %v\n%s", err, stderr)
		}
		checkTerminalSafe(t, "changes", strings.TrimSuffix(out, "\n"))
		// A line break or a tab in a title forges no row or column.
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Errorf("changes printed %d lines, want a header and 2 rows:\n%s", len(lines), out)
		}
		if !strings.Contains(out, `\u202eRTL\u202c NUL\x00 ESC\x1b[2J\x1b]0;owned\x07 CSI\u009b31m bad\xff\xfe end`) {
			t.Errorf("changes does not show the raw title's controls as escapes:\n%s", out)
		}
		out, stderr, err = runCLI(t, "changes", "--db", f.db, "--since", "1h", "--format", "jsonl")
		if err != nil {
			t.Fatalf("changes jsonl: %v\n%s", err, stderr)
		}
		checkTerminalSafe(t, "changes jsonl", strings.TrimSuffix(out, "\n"))
		for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
			var p harvest.Publication
			if err := json.Unmarshal([]byte(line), &p); err != nil {
				t.Fatalf("changes jsonl: %v", err)
			}
			checkSameText(t, "changes jsonl", p, byID[p.ID], jsonText)
		}
	})

	t.Run("demo output", func(t *testing.T) {
		var out bytes.Buffer
		if err := printDemo(t.Context(), &out, catalogue, f.db, false, harvester.Report{Source: f.crawled.Source}); err != nil {
			t.Fatal(err)
		}
		checkTerminalSafe(t, "demo", strings.TrimSuffix(out.String(), "\n"))
		for _, want := range []string{
			`kept    ` + f.base + `/raw-\u202e/`, `also at ` + f.base + `/raw-copy/`,
			`RTL\u202c NUL\x00 ESC\x1b[2J`,     // the merged duplicate's title
			`RTL\u202c NUL\u0000 ESC\u001b[2J`, // the record in full, as JSON
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("demo output lacks %s:\n%.3000s", want, out.String())
			}
		}
	})

	t.Run("browser", func(t *testing.T) {
		var pages []string
		for _, p := range f.records() {
			pages = append(pages, srv.URL+"/publications/"+idText(p.ID))
		}
		pages = append(pages, srv.URL+"/", srv.URL+"/?tag="+url.QueryEscape(corpusHover))
		headings := browse(t, pages)
		for i, p := range f.records() {
			if want := strings.TrimSpace(p.Title); i == 0 && headings[i] != want {
				t.Errorf("Chromium shows the crawled record's heading as %q, want %q", headings[i], want)
			}
		}
	})
}

// mustID parses a record id.
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}

// xmlText is s as an XML 1.0 document can carry it (encoding/xml writes
// U+FFFD for each character XML does not allow, and for each byte that
// is not UTF-8).
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 0x09 || r == 0x0a || r == 0x0d || (r >= 0x20 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || r >= 0x10000 {
			b.WriteRune(r)
		} else {
			b.WriteRune(utf8.RuneError)
		}
	}
	return b.String()
}

// htmlText is s as golang.org/x/net/html reads it back from
// html/template's output: NUL as U+FFFD, a carriage return as a line
// break (HTML's input stream normalises line ends). Bytes that are not
// UTF-8 pass through both as they are (a browser shows U+FFFD).
func htmlText(s string) string {
	return strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "\uFFFD").Replace(s)
}

// TestHostileExtractLogs runs harvest extract on saved copies of the
// hostile page whose file names carry an escape sequence and a
// right-to-left override: the warning and the error name the file, in
// both log formats, with the characters shown as escapes.
func TestHostileExtractLogs(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "report\x1b[31m"+corpusRLO+"lmth.html")
	// Without its canonical link, the page has no address: a warning.
	saved := bytes.ReplaceAll(hostilePage(), []byte(`<link rel="canonical" href="{{BASE}}/library/hostile-report/">`), nil)
	if err := os.WriteFile(name, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "gone"+corpusRLO+"\x07.html")
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, err := runCLI(t, "extract", "--log-format", format, name, missing)
			if err == nil || !strings.Contains(err.Error(), "1 of 2 files failed") {
				t.Errorf("extract error = %v, want one failed file", err)
			}
			checkTerminalSafe(t, "extract log", strings.TrimSuffix(stderr, "\n"))
			logged := stderr
			if format == "json" {
				logged = jsonLogValues(t, stderr)
			}
			for _, want := range []string{"no address for the page", "extract failed", `\x1b[31m\u202elmth.html`, `gone\u202e\x07.html`} {
				if !strings.Contains(logged, want) {
					t.Errorf("extract log lacks %s:\n%s", want, stderr)
				}
			}
			checkTerminalSafe(t, "extract output", strings.TrimSuffix(stdout, "\n"))
			var line extractLine
			if err := json.Unmarshal([]byte(stdout), &line); err != nil {
				t.Fatal(err)
			}
			if line.File != name || !strings.HasPrefix(line.Title, corpusHyperlink) || !strings.Contains(line.Title, corpusRLO) {
				t.Errorf("extract line: file %q title %q, want the file's name and the title as found", line.File, line.Title)
			}
		})
	}
}

// TestHostileGoldenReport runs harvest extract --golden --misses over the
// hostile page with a truth that disagrees: the misses quote what the
// page says, made terminal-safe.
func TestHostileGoldenReport(t *testing.T) {
	dir := t.TempDir()
	base := "https://hostile.example"
	page := bytes.ReplaceAll(hostilePage(), []byte("{{BASE}}"), []byte(base))
	truth := `{"url": "` + base + `/library/hostile-report/", "content_type": "text/html", "kind": "publication",
		"publication": {"title": "Another title", "tags": ["x"]}}`
	for name, b := range map[string][]byte{"hostile.html": page, "hostile.json": []byte(truth)} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, err := runCLI(t, "extract", "--golden", dir, "--misses")
	if err != nil {
		t.Fatalf("extract --golden: %v\n%s", err, stderr)
	}
	checkTerminalSafe(t, "golden report", strings.TrimSuffix(out, "\n"))
	if !strings.Contains(out, "miss hostile title") || !strings.Contains(out, `Report \u202efdp.exe`) {
		t.Errorf("the report does not show the title's miss with the override escaped:\n%s", out)
	}
}

// jsonLogValues decodes JSON log lines and returns their values, one
// line each.
func jsonLogValues(t *testing.T, log string) string {
	t.Helper()
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimSpace(log), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		for _, v := range m {
			fmt.Fprint(&b, v, " ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestHostileRedirect crawls a site whose every answer redirects to a
// host whose name starts with a right-to-left override: net/url keeps the
// name raw in the resolver's error, and through it the name reaches the
// log, the run's note, the summary, the runs table and the command's
// error, each made terminal-safe.
func TestHostileRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://"+corpusRLO+"moc.elgoog.example/")
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "catalogue.db")
			stdout, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", db, "--quiet", "--log-format", format)
			if err == nil || !strings.Contains(err.Error(), corpusRLO+"moc.elgoog.example") {
				t.Fatalf("crawl error = %v, want one naming the host the site redirects to", err)
			}
			var printed bytes.Buffer
			printError(&printed, err)
			runs, _, rerr := runCLI(t, "runs", "--db", db)
			if rerr != nil {
				t.Fatal(rerr)
			}
			logged := stderr
			if format == "json" {
				logged = jsonLogValues(t, stderr)
			}
			for name, out := range map[string]string{"summary": stdout, "log": stderr, "log values": logged, "error": printed.String(), "runs": runs} {
				checkTerminalSafe(t, name, strings.TrimSuffix(out, "\n"))
				if !strings.Contains(out, `\u202emoc.elgoog.example`) {
					t.Errorf("%s does not show the host's name escaped:\n%s", name, out)
				}
			}
		})
	}
}

// TestSummaryIsTerminalSafe checks the run summary with what a site can
// put into a run's note (an error quoting it) and hints (a host name).
func TestSummaryIsTerminalSafe(t *testing.T) {
	tests := []struct {
		name  string
		rep   harvester.Report
		want  []string
		lines int
	}{
		{"clean", harvester.Report{Source: "demo", Run: harvest.Run{ID: 3, Status: harvest.RunPartial, Note: "2 pages failed"}},
			[]string{"demo: ", "\n  run 3 partial: 2 pages failed"}, 2},
		{"note with an escape sequence and an override", harvester.Report{Source: "demo",
			Run: harvest.Run{ID: 4, Status: harvest.RunFailed, Note: "site unreachable: Get \"http://x.example/\x1b[2J\u202e\": EOF\nforged line"}},
			[]string{`run 4 failed: site unreachable: Get "http://x.example/\x1b[2J\u202e": EOF\nforged line`}, 2},
		{"hint naming a hostile host", harvester.Report{Source: "demo", Hints: []string{"hint: see " + corpusRLO + "moc.elgoog\u0085"}},
			[]string{"\n  hint: see \\u202emoc.elgoog\\u0085"}, 2},
		{"hostile source name", harvester.Report{Source: "x\x1b[2J"}, []string{`x\x1b[2J: `}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(tt.rep)
			checkTerminalSafe(t, "summary", got)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("summary = %q, want it to contain %q", got, want)
				}
			}
			if n := strings.Count(got, "\n") + 1; n != tt.lines {
				t.Errorf("summary has %d lines, want %d: %q", n, tt.lines, got)
			}
		})
	}
}

func TestPrintError(t *testing.T) {
	var buf bytes.Buffer
	printError(&buf, errors.Join(errors.New("a: run 1 failed: \x1b]0;title\x07"+corpusRLO), errors.New("b: ok")))
	if got, want := buf.String(), "harvest: a: run 1 failed: \\x1b]0;title\\x07\\u202e\nb: ok\n"; got != want {
		t.Errorf("printError = %q, want %q", got, want)
	}
}

func TestPrintRunsHostileNote(t *testing.T) {
	var buf bytes.Buffer
	runs := []harvest.Run{{ID: 1, Source: "demo", Started: time.Now(), Status: harvest.RunFailed, Note: "Get \"http://x/\x1b[2J\u202e\u009b\": EOF"}}
	if err := printRuns(&buf, runs); err != nil {
		t.Fatal(err)
	}
	checkTerminalSafe(t, "runs", strings.TrimSuffix(buf.String(), "\n"))
	if !strings.Contains(buf.String(), `Get "http://x/\x1b[2J\u202e\u009b": EOF`) {
		t.Errorf("runs note not escaped:\n%s", buf.String())
	}
}

// browse opens each page in headless Chromium (see TestBrowser), fails
// if a JavaScript dialog opens or the document holds a script or an
// event handler attribute, and returns the text of each page's first h1.
// Without Chromium it skips, except in CI.
func browse(t *testing.T, pages []string) []string {
	t.Helper()
	ctx, dialogs := headlessChromium(t)
	// What harvested markup would have become, had it become markup.
	const active = `document.querySelectorAll("script, img, iframe, b").length +
		[...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).length`
	var headings []string
	for _, u := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("load %s: %v", u, err)
		}
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](active))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if n != 0 {
			t.Errorf("%s: %d script, image or event handler elements in the document", u, n)
		}
		h1, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("h1") || {}).textContent || ""`))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		headings = append(headings, strings.TrimSpace(h1))
	}
	// Give an onerror or a timer a moment to fire.
	time.Sleep(500 * time.Millisecond)
	if n := dialogs.Load(); n > 0 {
		t.Errorf("%d JavaScript dialogs opened: harvested script ran", n)
	}
	return headings
}
