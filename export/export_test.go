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

func sample() []harvest.Publication {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []harvest.Publication{
		{
			ID: 1, Source: "demo", URL: "http://x.example/a/", CanonicalURL: "http://x.example/a/",
			Title: `A "quoted", <b>title</b>`, Summary: "Line one,\nline two.",
			Categories: []string{"Guidance", "Publications"}, Tags: []string{"Global"},
			Downloads: []harvest.Download{{URL: "http://x.example/a.pdf", Label: "DOWNLOAD", MediaType: "application/pdf"}},
			Publisher: "OSCE", Published: "2021", Language: "en",
			Posted: "2021-03-04", Modified: "2022-11-30",
			ExternalLinks: []harvest.Link{
				{URL: "https://publisher.example/r?a=1&b=2", Label: `View on the publisher's "website", here`},
				{URL: "https://doi.example/10.1/x", Label: "=HYPERLINK(\"http://evil.example\")"},
			},
			FirstSeen: t0, LastSeen: t0, LastChanged: t0,
			DuplicateURLs: []string{"http://x.example/a-2/"},
		},
		{ID: 2, Source: "demo", URL: "http://x.example/b/", Title: "B"},
	}
}

func write(t *testing.T, format string, ps []harvest.Publication) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, format)
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
	return buf.String()
}

func TestJSONL(t *testing.T) {
	out := write(t, "jsonl", sample())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), out)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"categories", "tags", "downloads", "external_links", "duplicate_urls"} {
		if v, ok := got[key].([]any); !ok || len(v) != 0 {
			t.Errorf("%s = %#v, want []", key, got[key])
		}
	}
	for _, key := range []string{"published", "posted", "modified"} {
		if _, ok := got[key]; ok {
			t.Errorf("%s present for an unknown date: %v", key, got[key])
		}
	}
	if !strings.Contains(lines[0], `<b>title</b>`) {
		t.Errorf("HTML escaped in JSON line: %s", lines[0])
	}
	var first harvest.Publication
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Downloads[0].MediaType != "application/pdf" || first.DuplicateURLs[0] != "http://x.example/a-2/" || !first.FirstSeen.Equal(sample()[0].FirstSeen) {
		t.Errorf("round trip lost fields: %+v", first)
	}
	want := sample()[0]
	if first.Posted != want.Posted || first.Modified != want.Modified || !reflect.DeepEqual(first.ExternalLinks, want.ExternalLinks) {
		t.Errorf("round trip: posted %q modified %q links %+v, want %q %q %+v",
			first.Posted, first.Modified, first.ExternalLinks, want.Posted, want.Modified, want.ExternalLinks)
	}
	if !strings.Contains(lines[0], `"posted":"2021-03-04","modified":"2022-11-30","external_links":[{"url":"https://publisher.example/r?a=1&b=2",`) {
		t.Errorf("line lacks the page dates and links as written: %s", lines[0])
	}
}

func TestJSONArray(t *testing.T) {
	for _, n := range []int{0, 1, 2} {
		var got []harvest.Publication
		if err := json.Unmarshal([]byte(write(t, "json", sample()[:n])), &got); err != nil {
			t.Fatalf("%d records: invalid JSON: %v", n, err)
		}
		if len(got) != n {
			t.Errorf("got %d records, want %d", len(got), n)
		}
		if n > 0 && (got[0].Posted != "2021-03-04" || got[0].Modified != "2022-11-30" || len(got[0].ExternalLinks) != 2) {
			t.Errorf("%d records: first = %+v, want its page dates and links", n, got[0])
		}
		if n > 1 && (got[1].ExternalLinks == nil || len(got[1].ExternalLinks) != 0) {
			t.Errorf("second record's links = %#v, want []", got[1].ExternalLinks)
		}
	}
}

func TestCSV(t *testing.T) {
	rows, err := csv.NewReader(strings.NewReader(write(t, "csv", sample()))).ReadAll()
	if err != nil {
		t.Fatalf("invalid CSV: %v", err)
	}
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want header + 2", len(rows))
	}
	if got, want := strings.Join(rows[0], ","), strings.Join(CSVHeader, ","); got != want {
		t.Errorf("header = %s, want %s", got, want)
	}
	r := rows[1]
	for i, want := range map[int]string{4: `A "quoted", <b>title</b>`, 5: "Line one,\nline two.", 6: "Guidance; Publications", 8: "http://x.example/a.pdf", 11: "2021", 13: "2026-01-02T03:04:05Z"} {
		if r[i] != want {
			t.Errorf("column %s = %q, want %q", CSVHeader[i], r[i], want)
		}
	}
	// The columns added with the page dates and external links come last,
	// so every earlier column keeps its place.
	if got, want := strings.Join(CSVHeader[len(CSVHeader)-6:], ","), "status,removed_at,posted,modified,external_links,external_link_labels"; got != want {
		t.Errorf("last columns = %s, want %s", got, want)
	}
	col := map[string]int{}
	for i, name := range CSVHeader {
		col[name] = i
	}
	tests := []struct {
		row          int
		column, want string
	}{
		{1, "posted", "2021-03-04"},
		{1, "modified", "2022-11-30"},
		{1, "external_links", "https://publisher.example/r?a=1&b=2; https://doi.example/10.1/x"},
		// Labels as harvested: quoted by the CSV writer, not rewritten.
		{1, "external_link_labels", `View on the publisher's "website", here; =HYPERLINK("http://evil.example")`},
		{2, "posted", ""},
		{2, "modified", ""},
		{2, "external_links", ""},
		{2, "external_link_labels", ""},
	}
	for _, tt := range tests {
		if got := rows[tt.row][col[tt.column]]; got != tt.want {
			t.Errorf("row %d %s = %q, want %q", tt.row, tt.column, got, tt.want)
		}
	}
	if out := write(t, "csv", sample()[:1]); !strings.Contains(out, `"View on the publisher's ""website"", here; =HYPERLINK(""http://evil.example"")"`) {
		t.Errorf("labels not quoted as RFC 4180 says:\n%s", out)
	}
	rows, err = csv.NewReader(strings.NewReader(write(t, "csv", nil))).ReadAll()
	if err != nil || len(rows) != 1 {
		t.Errorf("empty export: rows=%v err=%v, want the header alone", rows, err)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "xml"); err == nil || !strings.Contains(err.Error(), "jsonl") {
		t.Errorf("New(xml) error = %v, want one naming the formats", err)
	}
}
