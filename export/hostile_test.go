package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"harvest"
)

func TestNeutralizeCell(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"Annual report 2022", "Annual report 2022"},
		{`=HYPERLINK("http://evil.example/","click")`, `'=HYPERLINK("http://evil.example/","click")`},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+cmd", "'+cmd"},
		{"-2+3", "'-2+3"},
		{"-5", "'-5"}, // text in a record, not a number
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\tindented", "'\tindented"},
		{"\r=1+1", "'\r=1+1"},
		{"\rx", "'\rx"},
		{" =1+1", "' =1+1"},
		{"\u00a0\u3000+1", "'\u00a0\u3000+1"},
		{"\n@SUM(A1)", "'\n@SUM(A1)"},
		{"\u200f=1", "'\u200f=1"},         // a right-to-left mark first
		{"\u202e-1", "'\u202e-1"},         // an override first
		{"\x00=1", "'\x00=1"},             // NUL first
		{"\uff1dSUM(1)", "'\uff1dSUM(1)"}, // full-width equals sign
		{"'=1", "'=1"},                    // already text in a spreadsheet
		{"a=1", "a=1"},
		{"Report: =1", "Report: =1"},
		{"2021-03-04", "2021-03-04"},
		{"http://x.example/a.pdf", "http://x.example/a.pdf"},
		{"   ", "   "},
	}
	for _, tt := range tests {
		if got := NeutralizeCell(tt.in); got != tt.want {
			t.Errorf("NeutralizeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// hostileRecord has a formula, or the start of one, in every text field
// a site can write, and harvest's own values in the rest.
func hostileRecord() harvest.Publication {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	removed := t0.Add(time.Hour)
	return harvest.Publication{
		ID: 7, Source: "-src", URL: "http://x.example/a/", CanonicalURL: "http://x.example/a/",
		Title: `=HYPERLINK("http://evil.example/","click")`, Summary: "+cmd|' /C calc'!A0\n\"quoted\", line two",
		Categories: []string{"-2+3", "Reports"}, Tags: []string{"@SUM(1+1)"},
		Downloads: []harvest.Download{{URL: "http://x.example/a.pdf", Label: "\t=1+1", MediaType: "application/pdf"}},
		Publisher: "\r=2", Published: "2021", Language: "en",
		Authors: []string{" =Author"}, Image: "http://x.example/i.png", SiteName: "@site", Type: "-5",
		Posted: "2021-03-04", Modified: "2022-11-30",
		ExternalLinks: []harvest.Link{{URL: "http://doi.example/1", Label: "=1+1"}},
		Status:        "removed", RemovedAt: &removed,
		FirstSeen: t0, LastSeen: t0, LastChanged: t0,
		DuplicateURLs: []string{"http://x.example/b/"},
	}
}

// readCSV writes p as CSV with o and reads it back with encoding/csv.
func readCSV(t *testing.T, o Options, ps ...harvest.Publication) [][]string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWithOptions(&buf, "csv", o)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("invalid CSV: %v\n%s", err, buf.String())
	}
	return rows
}

func TestCSVNeutralizesFormulas(t *testing.T) {
	p := hostileRecord()
	safe := readCSV(t, Options{}, p)
	raw := readCSV(t, Options{RawCSV: true}, p)
	if len(safe) != 2 || len(raw) != 2 {
		t.Fatalf("rows: %d and %d, want header + 1", len(safe), len(raw))
	}
	want := map[string]string{
		"source": "'-src", "title": `'=HYPERLINK("http://evil.example/","click")`,
		"summary": "'+cmd|' /C calc'!A0\n\"quoted\", line two", "categories": "'-2+3; Reports", "tags": "'@SUM(1+1)",
		"download_labels": "'\t=1+1", "publisher": "'\r=2", "authors": "' =Author", "site_name": "'@site", "type": "'-5",
		"external_link_labels": "'=1+1",
		// harvest's own values and what no formula starts: as they are
		"id": "7", "url": "http://x.example/a/", "downloads": "http://x.example/a.pdf", "published": "2021",
		"first_seen": "2026-01-02T03:04:05Z", "status": "removed", "removed_at": "2026-01-02T04:04:05Z",
		"posted": "2021-03-04",
	}
	for i, name := range CSVHeader {
		if w, ok := want[name]; ok && safe[1][i] != w {
			t.Errorf("%s = %q, want %q", name, safe[1][i], w)
		}
		if got := safe[1][i]; startsFormula(got) {
			t.Errorf("%s = %q starts a formula", name, got)
		}
		// --csv-raw: every cell exactly as harvested.
		if got, w := raw[1][i], strings.TrimPrefix(safe[1][i], "'"); got != w && !csvGenerated[name] {
			t.Errorf("raw %s = %q, want %q", name, got, w)
		}
	}
	if !reflect.DeepEqual(safe[0], CSVHeader) || !reflect.DeepEqual(raw[0], CSVHeader) {
		t.Errorf("headers %v, %v", safe[0], raw[0])
	}
}

// startsFormula reports whether a spreadsheet would read cell as a
// formula.
func startsFormula(cell string) bool {
	return NeutralizeCell(cell) != cell
}

// TestJSONFormatsEscapeTerminalControls checks that the JSON formats keep
// every value and write no character that steers a terminal.
func TestJSONFormatsEscapeTerminalControls(t *testing.T) {
	p := hostileRecord()
	p.Title = "Report\u202e\x1b[2J\u009b31m\x00 end\u2028"
	p.Tags = []string{"\u2066tag\u2069"}
	for _, format := range []string{"jsonl", "json"} {
		out := write(t, format, []harvest.Publication{p})
		for _, r := range out {
			if r == '\u202e' || r == '\u009b' || r == '\u2066' || r == '\u2028' || r == 0x1b || r == 0 {
				t.Errorf("%s: raw %U in the output", format, r)
			}
		}
		if !strings.Contains(out, `Report\u202e\u001b[2J\u009b31m\u0000 end\u2028`) {
			t.Errorf("%s: title not escaped as expected:\n%s", format, out)
		}
		var got harvest.Publication
		data := []byte(out)
		if format == "json" {
			var all []harvest.Publication
			if err := json.Unmarshal(data, &all); err != nil || len(all) != 1 {
				t.Fatalf("%s: %v", format, err)
			}
			got = all[0]
		} else if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if got.Title != p.Title || !reflect.DeepEqual(got.Tags, p.Tags) {
			t.Errorf("%s: round trip title %q tags %q, want %q %q", format, got.Title, got.Tags, p.Title, p.Tags)
		}
	}
}
