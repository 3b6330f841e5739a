package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"harvest"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		in, match, exclude string
	}{
		{"", "", ""},
		{"   ", "", ""},
		{"fisheries", `"fisheries"`, ""},
		{"forced labour", `"forced" "labour"`, ""},
		{`"forced labour"`, `"forced labour"`, ""},
		{`"forced labour`, `"forced labour"`, ""}, // unbalanced: to the end
		{`fish*`, `"fish*"`, ""},
		{`"crew chan"*`, `"crew chan*"`, ""},
		{`*`, "", ""},
		{`***`, "", ""},
		{`"`, "", ""},
		{`""`, "", ""},
		{`-`, "", ""},
		{`fish -ports`, `"fish"`, `"ports"`},
		{`-ports`, "", `"ports"`},
		{`-"supply chains" -ports`, "", `"supply chains" OR "ports"`},
		{`fish OR ports`, `("fish" OR "ports")`, ""},
		{`a OR b OR c d`, `("a" OR "b" OR "c") "d"`, ""},
		{`OR fish OR`, `"fish"`, ""},
		{`fish or ports`, `"fish" "or" "ports"`, ""},
		{`fish AND ports`, `"fish" "AND" "ports"`, ""},
		{`fish NOT ports`, `"fish" "NOT" "ports"`, ""},
		{`fish NEAR/3 ports`, `"fish" "NEAR 3" "ports"`, ""},
		{`title:fish`, `"title fish"`, ""},
		{`(fish OR ports)`, `("fish" OR "ports")`, ""},
		{`fish-ports`, `"fish ports"`, ""},
		{`a*b`, `"a b"`, ""},
		{`'quoted' it's`, `"quoted" "it s"`, ""},
		{`<script>alert(1)</script>`, `"script alert 1 script"`, ""},
		{`Pêche côtière`, `"Pêche" "côtière"`, ""},
		{`^fish`, `"fish"`, ""},
	}
	for _, tt := range tests {
		got := ParseText(tt.in)
		if got.Match != tt.match || got.Exclude != tt.exclude {
			t.Errorf("ParseText(%q) = {%q, %q}, want {%q, %q}", tt.in, got.Match, got.Exclude, tt.match, tt.exclude)
		}
	}
}

// searchDB is a catalogue of a few records whose words say where they
// occur.
func searchDB(t *testing.T) (*DB, map[string]int64) {
	t.Helper()
	db := openTest(t)
	ids := map[string]int64{}
	add := func(key string, p harvest.Publication, seen time.Time) {
		t.Helper()
		p.Source, p.CanonicalURL = "s", p.URL
		res, err := db.Save(t.Context(), p, seen)
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = res.ID
	}
	add("title", harvest.Publication{URL: "https://ex.org/1", Title: "Fisheries and forced labour",
		Summary: "A report.", Tags: []string{"ports"}}, t0)
	add("summary", harvest.Publication{URL: "https://ex.org/2", Title: "Crew change",
		Summary: "Seafarers stranded at sea, far from fisheries and farms.", Categories: []string{"Policy briefs"}}, t0.Add(time.Hour))
	add("tag", harvest.Publication{URL: "https://ex.org/3", Title: "Cold chains",
		Summary: "Hidden costs.", Tags: []string{"Fisheries", "Supply chains"}, Publisher: "Lantern Institute"}, t0.Add(2*time.Hour))
	add("none", harvest.Publication{URL: "https://ex.org/4", Title: "Grievance mechanisms",
		Summary: "On board.", Categories: []string{"Toolkits"}, Publisher: "Pêcheurs Unis"}, t0.Add(3*time.Hour))
	return db, ids
}

func searchIDs(t *testing.T, db *DB, q harvest.Query) []int64 {
	t.Helper()
	res, err := db.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	var ids []int64
	for _, p := range res.Publications {
		ids = append(ids, p.ID)
	}
	if res.Total < len(ids) {
		t.Errorf("Search(%+v): total %d < %d results", q, res.Total, len(ids))
	}
	return ids
}

func TestSearchRanksAndFilters(t *testing.T) {
	db, id := searchDB(t)
	tests := []struct {
		name string
		q    harvest.Query
		want []int64
	}{
		{"title beats tag beats summary", harvest.Query{Text: "fisheries"}, []int64{id["title"], id["tag"], id["summary"]}},
		{"all words", harvest.Query{Text: "fisheries ports"}, []int64{id["title"]}},
		{"phrase", harvest.Query{Text: `"supply chains"`}, []int64{id["tag"]}},
		{"prefix", harvest.Query{Text: "seafar*"}, []int64{id["summary"]}},
		{"category", harvest.Query{Text: "toolkits"}, []int64{id["none"]}},
		{"publisher", harvest.Query{Text: "lantern"}, []int64{id["tag"]}},
		{"diacritics ignored", harvest.Query{Text: "pecheurs"}, []int64{id["none"]}},
		{"exclusion", harvest.Query{Text: "fisheries -ports"}, []int64{id["tag"], id["summary"]}},
		{"exclusion alone", harvest.Query{Text: "-fisheries"}, []int64{id["none"]}},
		{"or", harvest.Query{Text: "crew OR grievance"}, []int64{id["summary"], id["none"]}},
		{"filter and text", harvest.Query{Text: "fisheries", Filter: harvest.Filter{Tag: "fisheries"}}, []int64{id["tag"]}},
		{"tag case ignored", harvest.Query{Filter: harvest.Filter{Tag: "SUPPLY CHAINS"}}, []int64{id["tag"]}},
		{"category", harvest.Query{Filter: harvest.Filter{Category: "policy briefs"}}, []int64{id["summary"]}},
		{"since", harvest.Query{Filter: harvest.Filter{Since: t0.Add(2 * time.Hour)}}, []int64{id["tag"], id["none"]}},
		{"newest first", harvest.Query{Order: harvest.OrderNewest}, []int64{id["none"], id["tag"], id["summary"], id["title"]}},
		{"no terms: id order", harvest.Query{Text: `"*"`}, []int64{id["title"], id["summary"], id["tag"], id["none"]}},
		{"unknown source", harvest.Query{Filter: harvest.Filter{Sources: []string{"t"}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := searchIDs(t, db, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSearchNeverErrors runs texts full of FTS syntax through a real
// index.
func TestSearchNeverErrors(t *testing.T) {
	db, _ := searchDB(t)
	for _, text := range nastyTexts {
		for _, order := range []harvest.Order{"", harvest.OrderNewest} {
			if _, err := db.Search(t.Context(), harvest.Query{Text: text, Order: order}); err != nil {
				t.Errorf("Search(%q): %v", text, err)
			}
		}
	}
}

var nastyTexts = []string{
	`"`, `""`, `"""`, `"fish`, `fish"`, `"fish" "`, `*`, `**`, `fish**`, `*fish`, `-`, `--`, `-*`, `- fish`,
	`OR`, `OR OR`, `fish OR`, `OR fish`, `AND`, `NOT`, `fish NOT`, `NOT fish`, `NEAR`, `fish NEAR ports`,
	`fish NEAR/2 ports`, `NEAR/x`, `(`, `)`, `(fish`, `fish)`, `((fish OR ports) AND -x)`, `title:`,
	`title:fish`, `summary:"x"`, `:`, `^`, `^fish`, `fish^`, `'`, `\`, `\"`, `%`, `_`, `fish%`, `;--`,
	`'); DROP TABLE publications; --`, `<script>alert(1)</script>`, "\x00", "fish\x00ports", "\u00a0",
	"\uFFFD", "\xff\xfe", `🐟`, `漁業`, `é*`, `-"supply chains"*`, `"a"*"b"*`, `a OR -b`, `-a OR b`,
	`MATCH`, `docid:1`, `*:*`, `a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p* q* r* s* t* u* v* w* x* y* z*`,
}

func FuzzParseText(f *testing.F) {
	for _, s := range nastyTexts {
		f.Add(s)
	}
	db, err := Open(f.Context(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if _, err := db.Save(f.Context(), pub("s", "https://ex.org/a", "Fish and ports"), t0); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := db.Search(t.Context(), harvest.Query{Text: text}); err != nil {
			t.Errorf("Search(%q): %v", text, err)
		}
	})
}

func TestSearchPaging(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	var all []int64
	for i := range 23 {
		p := pub("s", fmt.Sprintf("https://ex.org/p/%d", i), fmt.Sprintf("Report %d on fisheries", i))
		if i%3 == 0 {
			p.Summary = "More fisheries, fisheries everywhere."
		}
		// Several records share a first_seen, so that the newest order's
		// ties are broken by id.
		res, err := db.Save(ctx, p, t0.Add(time.Duration(i/4)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, res.ID)
	}
	for _, q := range []harvest.Query{
		{Limit: 5},
		{Limit: 5, Order: harvest.OrderNewest},
		{Limit: 4, Text: "fisheries"},
		{Limit: 1, Text: "report"},
		{Limit: 500, Text: "fish*"},
	} {
		t.Run(fmt.Sprintf("%s/%s/%d", q.Text, q.Order, q.Limit), func(t *testing.T) {
			whole := q
			whole.Limit = harvest.MaxLimit
			want := searchIDs(t, db, whole)
			var got []int64
			for page := 0; ; page++ {
				if page > len(all) {
					t.Fatal("paging does not end")
				}
				res, err := db.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != len(all) {
					t.Errorf("total = %d, want %d", res.Total, len(all))
				}
				if len(res.Publications) > q.Limit || (res.Next != "" && len(res.Publications) != q.Limit) {
					t.Errorf("page %d has %d records (limit %d, next %q)", page, len(res.Publications), q.Limit, res.Next)
				}
				for _, p := range res.Publications {
					got = append(got, p.ID)
				}
				if res.Next == "" {
					break
				}
				q.Cursor = res.Next
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages gave %v, want %v", got, want)
			}
			if len(got) != len(all) {
				t.Errorf("pages gave %d records, want %d", len(got), len(all))
			}
		})
	}

	first, err := db.Search(ctx, harvest.Query{Limit: 2, Text: "fisheries"})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	for _, q := range []harvest.Query{
		{Limit: 2, Text: "fisheries", Cursor: "not a cursor"},
		{Limit: 2, Text: "fisheries", Cursor: "eyJ2IjoxfQ"}, // {"v":1}
		{Limit: 2, Text: "report", Cursor: first.Next},
		{Limit: 2, Text: "fisheries", Order: harvest.OrderNewest, Cursor: first.Next},
		{Limit: 2, Text: "fisheries", Filter: harvest.Filter{Tag: "x"}, Cursor: first.Next},
	} {
		if _, err := db.Search(ctx, q); !errors.Is(err, harvest.ErrBadCursor) {
			t.Errorf("Search(%+v) = %v, want ErrBadCursor", q, err)
		}
	}
	if _, err := db.Search(ctx, harvest.Query{Limit: 3, Text: "fisheries", Cursor: first.Next}); err != nil {
		t.Errorf("another limit with the same query: %v", err)
	}
	for _, q := range []harvest.Query{{Limit: -1}, {Limit: harvest.MaxLimit + 1}, {Order: "random"}, {Order: harvest.OrderRank}} {
		if _, err := db.Search(ctx, q); !errors.Is(err, harvest.ErrBadQuery) {
			t.Errorf("Search(%+v) = %v, want ErrBadQuery", q, err)
		}
	}
}

// TestSearchIndexFollowsChanges checks the triggers: a changed record is
// found by its new words only; a deleted one is gone; a record seen again
// unchanged stays found.
func TestSearchIndexFollowsChanges(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	p := pub("s", "https://ex.org/a", "Fisheries report")
	res, err := db.Save(ctx, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Save(ctx, p, t0.Add(time.Hour)); err != nil { // unchanged
		t.Fatal(err)
	}
	if got := searchIDs(t, db, harvest.Query{Text: "fisheries"}); !slices.Equal(got, []int64{res.ID}) {
		t.Errorf("after an unchanged save: %v", got)
	}
	p.Title = "Ports report"
	p.Tags = []string{"dockers"}
	if _, err := db.Save(ctx, p, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]int64{"fisheries": nil, "ports": {res.ID}, "dockers": {res.ID}, "report": {res.ID}} {
		if got := searchIDs(t, db, harvest.Query{Text: text}); !slices.Equal(got, want) {
			t.Errorf("after a change, %q finds %v, want %v", text, got, want)
		}
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM publications WHERE id = ?`, res.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, db, harvest.Query{Text: "ports"}); got != nil {
		t.Errorf("after a delete: %v", got)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM publication_search WHERE publication_search MATCH 'report'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("index still has the deleted record: %d, %v", n, err)
	}
}

// TestSearchMigrationIndexesExistingRecords opens a catalogue written
// before the search migration: its records are searchable at once.
func TestSearchMigrationIndexesExistingRecords(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	abs, _ := filepath.Abs(path)
	raw, err := sql.Open("sqlite3", dsn(abs, writeParams))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:2] {
		if err := apply(ctx, raw, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO publications (id, source, url, url_key, canonical_url, canonical_key,
		title, summary, tags, content_hash, first_seen, last_seen, last_changed)
		VALUES (7, 's', 'https://ex.org/a', 'k', 'https://ex.org/a', 'k', 'Old record', 'About trawlers.', '["ports"]',
		'h', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, text := range []string{"trawlers", "old", "ports"} {
		if got := searchIDs(t, db, harvest.Query{Text: text}); !slices.Equal(got, []int64{7}) {
			t.Errorf("%q finds %v, want [7]", text, got)
		}
	}
}

func TestSourcesFacetsAndRevisions(t *testing.T) {
	ctx := t.Context()
	db, id := searchDB(t)
	if _, err := db.write.ExecContext(ctx, `UPDATE publications SET status = 'removed', removed_at = ? WHERE id = ?`,
		formatTime(t0), id["none"]); err != nil {
		t.Fatal(err)
	}
	runID, err := db.StartRun(ctx, "s", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: runID, Finished: t0.Add(time.Minute), Status: harvest.RunPartial, Pages: 9, Errors: 2}); err != nil {
		t.Fatal(err)
	}
	later, err := db.StartRun(ctx, "s", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: later, Finished: t0.Add(2 * time.Hour), Status: harvest.RunOK, Pages: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartRun(ctx, "other", t0); err != nil {
		t.Fatal(err)
	}

	sources, err := db.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 2 || sources[0].Name != "other" || sources[1].Name != "s" {
		t.Fatalf("sources = %+v", sources)
	}
	s := sources[1]
	if s.Publications["active"] != 3 || s.Publications["removed"] != 1 || s.Pages != 14 || s.Errors != 2 ||
		s.Runs[harvest.RunOK] != 1 || s.Runs[harvest.RunPartial] != 1 || s.LastRun == nil || s.LastRun.ID != later {
		t.Errorf("source s = %+v (last run %+v)", s, s.LastRun)
	}
	if o := sources[0]; len(o.Publications) != 0 || o.Runs[harvest.RunRunning] != 1 || o.LastRun == nil {
		t.Errorf("source other = %+v", o)
	}

	f, err := db.Facets(ctx, "active")
	if err != nil {
		t.Fatal(err)
	}
	if want := []harvest.TermCount{{Value: "s", Count: 3}}; !slices.Equal(f.Sources, want) {
		t.Errorf("sources = %v, want %v", f.Sources, want)
	}
	if want := []harvest.TermCount{{Value: "Policy briefs", Count: 1}}; !slices.Equal(f.Categories, want) { // Toolkits is removed
		t.Errorf("categories = %v, want %v", f.Categories, want)
	}
	if want := []harvest.TermCount{{Value: "Fisheries", Count: 1}, {Value: "Supply chains", Count: 1}, {Value: "ports", Count: 1}}; !slices.Equal(f.Tags, want) {
		t.Errorf("tags = %v, want %v", f.Tags, want)
	}
	if got := searchIDs(t, db, harvest.Query{Filter: harvest.Filter{Status: "removed"}}); !slices.Equal(got, []int64{id["none"]}) {
		t.Errorf("removed records = %v", got)
	}

	// A change keeps the earlier version as a revision, where the
	// catalogue keeps revisions.
	p := harvest.Publication{Source: "s", URL: "https://ex.org/1", CanonicalURL: "https://ex.org/1", Title: "Fisheries, revised", Tags: []string{"ports"}}
	if _, err := db.Save(ctx, p, t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	revs, ok, err := db.Revisions(ctx, id["title"])
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		if len(revs) != 1 || revs[0].Publication.Title != "Fisheries and forced labour" || !revs[0].Replaced.Equal(t0.Add(5*time.Hour)) {
			t.Errorf("revisions = %+v", revs)
		}
	}
	if _, err := db.write.ExecContext(ctx, `DROP TABLE IF EXISTS revisions`); err != nil {
		t.Fatal(err)
	}
	if revs, ok, err := db.Revisions(ctx, id["title"]); err != nil || ok || revs != nil {
		t.Errorf("without a revisions table: %v, %v, %v; want nil, false, nil", revs, ok, err)
	}
}
