package postgres

import (
	"context"
	"errors"
	"harvest/store/identity"
	"harvest/store/postgres/pgtest"
	"slices"
	"strings"
	"testing"

	"harvest"
)

// TestContentHashMatchesSQLite: the content hash is store/sqlite's, byte
// for byte (the values are those its tests pin).
func TestContentHashMatchesSQLite(t *testing.T) {
	p := harvest.Publication{Title: "A report", Summary: "S", Categories: []string{"c"}, Tags: []string{"t"},
		Downloads: []harvest.Download{{URL: "https://ex.org/a.pdf", Label: "PDF", MediaType: "application/pdf"}},
		Publisher: "P", Published: "2024", Language: "en"}
	if got, want := identity.ContentHash(&p), "011d62298d23e2d8122659e26059af43d9b541a1ac76b7218b98e22f800095ff"; got != want {
		t.Errorf("hash = %s, want %s", got, want)
	}
	p.Authors, p.Image, p.SiteName, p.Type = []string{"Ann Author"}, "https://ex.org/c.png", "Ex", "report"
	p.ExternalLinks = []harvest.Link{}
	if got, want := identity.ContentHash(&p), "f9496a02f05f2b1b9a1bf6fa23d2d1df8450d695e675a1b46ea7525f411b6b74"; got != want {
		t.Errorf("hash = %s, want %s", got, want)
	}
}

func TestParseText(t *testing.T) {
	tests := []struct{ in, match, exclude string }{
		{"", "", ""},
		{"fisheries", `'fisheries'`, ""},
		{"Forced labour", `'forced' & 'labour'`, ""},
		{`"forced labour"`, `('forced' <-> 'labour')`, ""},
		{`"forced labour`, `('forced' <-> 'labour')`, ""},
		{`fish*`, `'fish':*`, ""},
		{`"crew chan"*`, `('crew' <-> 'chan':*)`, ""},
		{`*`, "", ""},
		{`fish -ports`, `'fish'`, `'ports'`},
		{`-"supply chains" -ports`, "", `('supply' <-> 'chains') | 'ports'`},
		{`a OR b OR c d`, `('a' | 'b' | 'c') & 'd'`, ""},
		{`fish & ports | !x`, `'fish' & 'ports' & 'x'`, ""},
		{`'quoted' it's`, `'quoted' & ('it' <-> 's')`, ""},
		{`Pêche CÔTIÈRE`, `'peche' & 'cotiere'`, ""},
		{`漁業`, `'漁業'`, ""},
		{"\u0301 e\u0301", `'e'`, ""},
	}
	for _, tt := range tests {
		got := ParseText(tt.in)
		if got.Match != tt.match || got.Exclude != tt.exclude {
			t.Errorf("ParseText(%q) = {%q, %q}, want {%q, %q}", tt.in, got.Match, got.Exclude, tt.match, tt.exclude)
		}
	}
}

func TestSearchDocument(t *testing.T) {
	p := harvest.Publication{Title: "Pêche côtière", Tags: []string{"Fish-ports"}, Summary: "it's", Publisher: "漁業"}
	if got, want := searchDocument(&p), `'peche':1A 'cotiere':2A 'fish':11B 'ports':12B '漁業':21C 's':31D 'it':30D`; !sameLexemes(got, want) {
		t.Errorf("searchDocument = %s, want %s", got, want)
	}
	long := harvest.Publication{Title: strings.Repeat("x", 3000) + " ok", Summary: strings.Repeat("word ", 20000)}
	doc := searchDocument(&long)
	if strings.Contains(doc, "xxx") || !strings.Contains(doc, "'ok':1A") {
		t.Errorf("a word too long for a lexeme was kept, or the next lost: %.80s", doc)
	}
}

func sameLexemes(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// TestSearchSpecialText: words of other scripts, text PostgreSQL cannot
// store as it is (NUL, invalid UTF-8), huge fields: saved, read back and
// found.
func TestSearchSpecialText(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	p := pub("lib", "https://ex.org/a", "漁業の報告 Fischerei-Bericht", "https://ex.org/a.pdf")
	p.Summary = "nul\x00byte and bad \xff utf-8, " + strings.Repeat("filler ", 50000)
	p.Tags = []string{"tag\x00one"}
	res, err := db.Save(ctx, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Summary, "nul\uFFFDbyte and bad \uFFFD utf-8") || got.Tags[0] != "tag\uFFFDone" {
		t.Errorf("stored text = %.40q, tags %q", got.Summary, got.Tags)
	}
	if again, err := db.Save(ctx, p, t0); err != nil || again.Outcome != harvest.OutcomeUnchanged {
		t.Errorf("saved again: %+v, %v; want unchanged", again, err)
	}
	for _, text := range []string{"漁業の報告", "fischerei", `"fischerei bericht"`, "filler", "byte", "tag"} {
		r, err := db.Search(ctx, harvest.Query{Text: text})
		if err != nil || len(r.Publications) != 1 {
			t.Errorf("Search(%q) = %d records, %v; want 1", text, len(r.Publications), err)
		}
	}
}

func TestOpenTwiceAndNewerSchema(t *testing.T) {
	ctx := t.Context()
	a, b := openTwo(t) // the second Open finds the schema migrated
	var n int
	if err := b.pool.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	if n != len(ms) {
		t.Errorf("%d migrations recorded, want %d", n, len(ms))
	}
	// A version past every migration this harvest knows.
	if _, err := a.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'future.sql')`, ms[len(ms)-1].version+1); err != nil {
		t.Fatal(err)
	}
	cfg := a.pool.Config().ConnString()
	if db, err := Open(context.Background(), cfg); !errors.Is(err, ErrSchemaTooNew) {
		if db != nil {
			db.Close()
		}
		t.Errorf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

// TestMigrateFillsGaps: a migration numbered below one already applied
// (a catalogue made before 0002 existed, holding 0001 and 0100) is
// applied on the next open.
func TestMigrateFillsGaps(t *testing.T) {
	dsn := pgtest.DSN(t)
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE link_checks CASCADE`, `DELETE FROM schema_migrations WHERE version = 2`} {
		if _, err := db.pool.Exec(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db, err = Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.pool.QueryRow(t.Context(), `SELECT count(*) FROM link_checks`).Scan(&n); err != nil {
		t.Errorf("link_checks after reopening: %v", err)
	}
}
