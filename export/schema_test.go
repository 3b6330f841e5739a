package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"harvest"
)

// compileSchema compiles Schema with format assertions on.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatalf("%s: %v", SchemaName, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaName, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaName)
	if err != nil {
		t.Fatalf("%s: %v", SchemaName, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, record []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(record))
	if err != nil {
		t.Fatalf("record %s: %v", record, err)
	}
	return s.Validate(v)
}

// TestSchemaDescribesRecords validates the records of both JSON formats
// against the schema, and checks that the schema rejects what it must.
func TestSchemaDescribesRecords(t *testing.T) {
	s := compileSchema(t)
	records := sample()
	removed := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for i := range records {
		records[i].Status = "active"
		records[i].CanonicalURL = records[i].URL
		records[i].FirstSeen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		records[i].LastSeen, records[i].LastChanged = records[i].FirstSeen, records[i].FirstSeen
	}
	records[1].Status, records[1].RemovedAt = "removed", &removed
	for _, line := range strings.Split(strings.TrimSpace(write(t, "jsonl", records)), "\n") {
		if err := validate(t, s, []byte(line)); err != nil {
			t.Errorf("jsonl record %s: %v", line, err)
		}
	}
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(write(t, "json", records)), &arr); err != nil {
		t.Fatal(err)
	}
	for _, r := range arr {
		if err := validate(t, s, r); err != nil {
			t.Errorf("json record %s: %v", r, err)
		}
	}

	good, err := json.Marshal(records[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(m map[string]any){
		"no title":             func(m map[string]any) { delete(m, "title") },
		"published as words":   func(m map[string]any) { m["published"] = "March 2021" },
		"unknown status":       func(m map[string]any) { m["status"] = "gone" },
		"time without zone":    func(m map[string]any) { m["first_seen"] = "2026-01-02 03:04:05" },
		"null tags":            func(m map[string]any) { m["tags"] = nil },
		"unknown field":        func(m map[string]any) { m["colour"] = "red" },
		"download without url": func(m map[string]any) { m["downloads"] = []any{map[string]any{"label": "x", "media_type": ""}} },
		"posted as words":      func(m map[string]any) { m["posted"] = "4 March 2021" },
		"posted year only":     func(m map[string]any) { m["posted"] = "2021" },
		"posted with a time":   func(m map[string]any) { m["posted"] = "2021-03-04T10:00:00Z" },
		"modified month 13":    func(m map[string]any) { m["modified"] = "2021-13-01" },
		"modified not a day":   func(m map[string]any) { m["modified"] = "2021-02-30" },
		"null external links":  func(m map[string]any) { m["external_links"] = nil },
		"no external links":    func(m map[string]any) { delete(m, "external_links") },
		"link without url":     func(m map[string]any) { m["external_links"] = []any{map[string]any{"label": "x"}} },
		"link without label":   func(m map[string]any) { m["external_links"] = []any{map[string]any{"url": "https://a.example/"}} },
		"link with empty url":  func(m map[string]any) { m["external_links"] = []any{map[string]any{"url": "", "label": ""}} },
		"link as a string":     func(m map[string]any) { m["external_links"] = []any{"https://a.example/"} },
		"link with extra key": func(m map[string]any) {
			m["external_links"] = []any{map[string]any{"url": "https://a.example/", "label": "", "rel": "x"}}
		},
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		bad, _ := json.Marshal(m)
		if err := validate(t, s, bad); err == nil {
			t.Errorf("%s: the schema accepts %s", name, bad)
		}
	}
}

// apiOnly are the properties of the API's record that exports lack.
var apiOnly = map[string]bool{"link_health": true}

// TestSchemaDescribesLinkHealth validates the API's record, with its
// link_health, against the schema.
func TestSchemaDescribesLinkHealth(t *testing.T) {
	s := compileSchema(t)
	p := sample()[0]
	p.Status, p.CanonicalURL = "active", p.URL
	p.Normalize()
	p.FirstSeen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p.LastSeen, p.LastChanged = p.FirstSeen, p.FirstSeen
	since := p.FirstSeen.Add(time.Hour)
	record := struct {
		harvest.Publication
		LinkHealth []harvest.LinkCheck `json:"link_health"`
	}{p, []harvest.LinkCheck{
		{Source: "a", URL: "https://a.example/r.pdf", State: harvest.LinkOK, Status: 200, MediaType: "application/pdf", Size: 10, ETag: `"x"`, Checked: since, Changed: &since},
		{Source: "a", URL: "https://a.example/gone.pdf", State: harvest.LinkBroken, Kind: harvest.LinkNotFound, Status: 404, Checked: since, BrokenSince: &since, Error: "404 Not Found"},
		{Source: "a", URL: "https://b.example/x.pdf", State: harvest.LinkFailing, Kind: harvest.LinkNetwork, Checked: since, Failures: 1, Error: "timeout"},
	}}
	good, err := json.Marshal(record)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, s, good); err != nil {
		t.Errorf("record with link health %s: %v", good, err)
	}
	for name, change := range map[string]func(h map[string]any){
		"unknown state":    func(h map[string]any) { h["state"] = "dead" },
		"no checked":       func(h map[string]any) { delete(h, "checked") },
		"unknown field":    func(h map[string]any) { h["colour"] = "red" },
		"broken since day": func(h map[string]any) { h["broken_since"] = "2026-01-02" },
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		change(m["link_health"].([]any)[0].(map[string]any))
		bad, _ := json.Marshal(m)
		if err := validate(t, s, bad); err == nil {
			t.Errorf("%s: the schema accepts %s", name, bad)
		}
	}
}

// TestSchemaNamesEveryField keeps the schema and the record type in step.
func TestSchemaNamesEveryField(t *testing.T) {
	var doc struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(Schema, &doc); err != nil {
		t.Fatal(err)
	}
	removed := time.Now()
	p := harvest.Publication{Published: "2021", Posted: "2021-03-04", Modified: "2021-03-05", RemovedAt: &removed, Status: "removed"}
	b, _ := json.Marshal(p)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		if _, ok := doc.Properties[k]; !ok {
			t.Errorf("record field %q is not in %s", k, SchemaName)
		}
	}
	for k := range doc.Properties {
		if _, ok := m[k]; !ok && !apiOnly[k] {
			t.Errorf("%s names %q, which records lack", SchemaName, k)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2025-03-01T12:00:00Z":      time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		"2025-03-01T14:00:00+02:00": time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		"2025-03-01":                time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		"36h":                       now.Add(-36 * time.Hour),
		"7d":                        time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC),
		"2w":                        time.Date(2026, 2, 24, 12, 0, 0, 0, time.UTC),
		" 0 ":                       now,
	} {
		got, err := ParseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "yesterday", "2025-13-01", "-1h", "-2d", "1y", "d", "2025-03-01T12:00:00"} {
		if _, err := ParseSince(in, now); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
			t.Errorf("ParseSince(%q) error = %v, want one saying what is accepted", in, err)
		}
	}
}
