package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"harvest"
	"harvest/export"
	"harvest/internal/demosite"
	"harvest/store/sqlite"
)

// recordSchema compiles the shipped JSON Schema of a record, with format
// assertions (date-time) on.
func recordSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(export.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(export.SchemaName, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(export.SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateRecord validates one record's JSON against the schema.
func validateRecord(t *testing.T, s *jsonschema.Schema, what string, record []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(record))
	if err != nil {
		t.Errorf("%s: not JSON: %v", what, err)
		return
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// TestExportMatchesSchema validates every record of the jsonl and json
// exports of a crawled catalogue against the shipped schema.
func TestExportMatchesSchema(t *testing.T) {
	base, db := crawlDemo(t)
	markRemovedByURL(t, db, demosite.Truth()[2].URL)
	withPageFields := saveWithPageFields(t, db, base)
	s := recordSchema(t)

	out, stderr, err := runCLI(t, "export", "--db", db, "--format", "jsonl", "--include-removed")
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		n++
		validateRecord(t, s, fmt.Sprintf("jsonl line %d", n), sc.Bytes())
	}
	if n == 0 {
		t.Fatal("export wrote no records")
	}
	// Every field is exercised: at least the record saved with them has
	// page dates and links elsewhere.
	for _, key := range []string{`"posted":"`, `"modified":"`, `"external_links":[{`} {
		if !strings.Contains(out, key) {
			t.Errorf("no exported record has %s", key)
		}
	}

	out, _, err = runCLI(t, "export", "--db", db, "--format", "json", "--include-removed")
	if err != nil {
		t.Fatal(err)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(out), &arr); err != nil {
		t.Fatal(err)
	}
	if len(arr) != n {
		t.Errorf("json export has %d records, jsonl %d", len(arr), n)
	}
	for i, r := range arr {
		validateRecord(t, s, fmt.Sprintf("json record %d", i), r)
	}

	// CSV: the page dates and links elsewhere in their columns.
	out, _, err = runCLI(t, "export", "--db", db, "--format", "csv", "--include-removed")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	found := false
	for _, r := range rows[1:] {
		if r[col["id"]] != strconv.FormatInt(withPageFields.ID, 10) {
			continue
		}
		found = true
		for name, want := range map[string]string{
			"posted": "2021-03-04", "modified": "2022-11-30",
			"external_links":       "https://publisher.example/r/1?a=1&b=2; https://doi.example/10.1/x",
			"external_link_labels": `View on the publisher's "website"; `,
		} {
			if got := r[col[name]]; got != want {
				t.Errorf("csv %s = %q, want %q", name, got, want)
			}
		}
	}
	if !found {
		t.Errorf("csv has no row for record %d", withPageFields.ID)
	}

	out, _, err = runCLI(t, "export", "--schema")
	if err != nil || out != string(export.Schema) {
		t.Errorf("export --schema = %.80q, %v; want the shipped schema", out, err)
	}
}

// saveWithPageFields saves into a crawled catalogue a record of its
// source that has page dates and links elsewhere, through the store as a
// crawl saves, so that the export's checks cover those fields whatever
// the demo site's pages carry.
func saveWithPageFields(t *testing.T, db, base string) harvest.Publication {
	t.Helper()
	source := exportJSONL(t, db)[0].Source
	catalogue, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer catalogue.Close()
	p := harvest.Publication{
		Source: source, URL: base + "/resource/elsewhere/", CanonicalURL: base + "/resource/elsewhere/",
		Title: "A report published elsewhere", Summary: "Its document lives on the publisher's site.",
		Published: "2019", Posted: "2021-03-04", Modified: "2022-11-30", Language: "en",
		ExternalLinks: []harvest.Link{
			{URL: "https://publisher.example/r/1?a=1&b=2", Label: `View on the publisher's "website"`},
			{URL: "https://doi.example/10.1/x", Label: ""},
		},
	}
	res, err := catalogue.Save(t.Context(), p, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	p.ID = res.ID
	return p
}

// markRemovedByURL marks the record found at path removed, as an
// incremental crawl that lost the page does, and returns its id.
func markRemovedByURL(t *testing.T, db, path string) int64 {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var id int64
	if err := raw.QueryRow(`SELECT id FROM publications WHERE url LIKE ?`, "%"+path).Scan(&id); err != nil {
		t.Fatalf("record at %s: %v", path, err)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	if _, err := raw.Exec(`UPDATE publications SET status = 'removed', removed_at = ?, last_changed = ? WHERE id = ?`, now, now, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestExportSinceAndRemoved(t *testing.T) {
	_, db := crawlDemo(t)
	all := exportJSONL(t, db)
	gone := markRemovedByURL(t, db, demosite.Truth()[2].URL)

	active := exportJSONL(t, db)
	if len(active) != len(all)-1 || slices.ContainsFunc(active, func(p harvest.Publication) bool { return p.ID == gone }) {
		t.Errorf("default export has %d records (of %d), removed record %d present", len(active), len(all), gone)
	}
	out, _, err := runCLI(t, "export", "--db", db, "--include-removed")
	if err != nil {
		t.Fatal(err)
	}
	var removed []int64
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var p harvest.Publication
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		if p.Status == "removed" {
			removed = append(removed, p.ID)
			if p.RemovedAt == nil {
				t.Errorf("removed record %d has no removed_at", p.ID)
			}
		} else if p.Status != "active" {
			t.Errorf("record %d: status %q", p.ID, p.Status)
		}
	}
	if !slices.Equal(removed, []int64{gone}) {
		t.Errorf("--include-removed: removed records %v, want [%d]", removed, gone)
	}

	// --since: the removal is the only change since a moment ago.
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"--since", "2000-01-01"}, len(all) - 1},
		{[]string{"--since", "2000-01-01", "--include-removed"}, len(all)},
		{[]string{"--since", "1h", "--include-removed"}, len(all)},
		{[]string{"--since", time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "--include-removed"}, 0},
	} {
		out, stderr, err := runCLI(t, append([]string{"export", "--db", db}, tt.args...)...)
		if err != nil {
			t.Fatalf("export %v: %v\n%s", tt.args, err, stderr)
		}
		if got := strings.Count(out, "\n"); got != tt.want {
			t.Errorf("export %v: %d records, want %d", tt.args, got, tt.want)
		}
	}
	if _, _, err := runCLI(t, "export", "--db", db, "--since", "last tuesday"); err == nil || !strings.Contains(err.Error(), "--since") {
		t.Errorf("export --since 'last tuesday': error %v, want one naming --since", err)
	}

	// CSV carries the status.
	out, _, err = runCLI(t, "export", "--db", db, "--format", "csv", "--include-removed")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "status")
	if col < 0 {
		t.Fatalf("csv header %v has no status", rows[0])
	}
	statuses := map[string]int{}
	for _, r := range rows[1:] {
		statuses[r[col]]++
	}
	if statuses["removed"] != 1 || statuses["active"] != len(all)-1 {
		t.Errorf("csv statuses = %v", statuses)
	}
}
