package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"harvest"
	"harvest/store/identity"
	"harvest/urlnorm"
)

// The fields of migration 0006: posted, modified and external_links.

// hashSample is a record with every field that existed before migration
// 0006 set.
func hashSample() harvest.Publication {
	return harvest.Publication{Title: "A report", Summary: "S", Categories: []string{"c"}, Tags: []string{"t"},
		Downloads: []harvest.Download{{URL: "https://ex.org/a.pdf", Label: "PDF", MediaType: "application/pdf"}},
		Publisher: "P", Published: "2024", Language: "en",
		Authors: []string{"Ann Author"}, Image: "https://ex.org/c.png", SiteName: "Ex", Type: "report"}
}

// hashBefore0006 is identity.ContentHash(hashSample()) as computed by the code
// before migration 0006 (commit 676acf8), and so the content_hash such a
// record has in every catalogue written before it.
const hashBefore0006 = "f9496a02f05f2b1b9a1bf6fa23d2d1df8450d695e675a1b46ea7525f411b6b74"

// TestContentHashPageDatesAndLinks: a record without the fields of 0006
// hashes as before them; each of them, when present, changes the hash,
// and no two values hash alike.
func TestContentHashPageDatesAndLinks(t *testing.T) {
	base := hashSample()
	if got := identity.ContentHash(&base); got != hashBefore0006 {
		t.Fatalf("hash without posted/modified/external_links = %s, want the stored %s", got, hashBefore0006)
	}
	empty := hashSample()
	empty.ExternalLinks = []harvest.Link{} // what Normalize and a read give
	if got := identity.ContentHash(&empty); got != hashBefore0006 {
		t.Errorf("hash with external_links [] = %s, want %s", got, hashBefore0006)
	}
	link := func(u, label string) []harvest.Link { return []harvest.Link{{URL: u, Label: label}} }
	tests := []struct {
		name string
		edit func(*harvest.Publication)
	}{
		{"posted", func(p *harvest.Publication) { p.Posted = "2021-03-04" }},
		{"posted later", func(p *harvest.Publication) { p.Posted = "2021-03-05" }},
		{"modified", func(p *harvest.Publication) { p.Modified = "2021-03-04" }},
		{"posted and modified", func(p *harvest.Publication) { p.Posted, p.Modified = "2021-03-04", "2022-01-01" }},
		{"a link", func(p *harvest.Publication) {
			p.ExternalLinks = link("https://pub.example/r", "View on the publisher's website")
		}},
		{"its label", func(p *harvest.Publication) { p.ExternalLinks = link("https://pub.example/r", "Publisher") }},
		{"its URL", func(p *harvest.Publication) { p.ExternalLinks = link("https://pub.example/s", "Publisher") }},
		{"two links", func(p *harvest.Publication) {
			p.ExternalLinks = append(link("https://pub.example/s", "Publisher"), harvest.Link{URL: "https://doi.example/1", Label: "DOI"})
		}},
		// The type's value spelled as the next field's name and value.
		{"type spelling a date", func(p *harvest.Publication) { p.Type = "report\x06posted\x0a2021-03-04" }},
	}
	seen := map[string]string{hashBefore0006: "none"}
	for _, tt := range tests {
		p := hashSample()
		tt.edit(&p)
		h := identity.ContentHash(&p)
		if other, ok := seen[h]; ok {
			t.Errorf("%s: hash %s, the same as %s", tt.name, h, other)
		}
		seen[h] = tt.name
	}
}

// TestSavePageDatesAndLinks round-trips the fields of 0006 through Save,
// Get, Each, Search and the revisions, and counts a change of any of them
// as a change of the record.
func TestSavePageDatesAndLinks(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	p := pub("lib", "https://ex.org/r/a/", "A report", "https://ex.org/a.pdf")
	p.Published = "2019"
	p.Posted = "2021-03-04"
	p.Modified = "2022-11-30"
	p.ExternalLinks = []harvest.Link{
		{URL: "https://publisher.example/reports/a?x=1&y=<2>", Label: `View on the publisher's "website"`},
		{URL: "https://doi.example/10.1/a", Label: ""},
	}
	seen := t0
	res, err := db.Save(ctx, p, seen)
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, want harvest.Publication) {
		t.Helper()
		got, err := db.Get(ctx, res.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Posted != want.Posted || got.Modified != want.Modified || !reflect.DeepEqual(got.ExternalLinks, want.ExternalLinks) {
			t.Errorf("%s: Get = posted %q modified %q links %#v, want %q %q %#v", when,
				got.Posted, got.Modified, got.ExternalLinks, want.Posted, want.Modified, want.ExternalLinks)
		}
		var each []harvest.Publication
		if err := db.Each(ctx, harvest.Filter{}, func(q harvest.Publication) error { each = append(each, q); return nil }); err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(ctx, harvest.Query{Text: "report"})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(each, res.Publications...) {
			if !reflect.DeepEqual(q, got) {
				t.Errorf("%s: Each or Search = %+v, want what Get reads, %+v", when, q, got)
			}
		}
	}
	check("new", p)

	first := p
	steps := []struct {
		name    string
		edit    func(*harvest.Publication)
		outcome harvest.Outcome
	}{
		{"the same", func(*harvest.Publication) {}, harvest.OutcomeUnchanged},
		{"posted", func(q *harvest.Publication) { q.Posted = "2021-03-05" }, harvest.OutcomeChanged},
		{"modified", func(q *harvest.Publication) { q.Modified = "2023-01-01" }, harvest.OutcomeChanged},
		{"modified gone", func(q *harvest.Publication) { q.Modified = "" }, harvest.OutcomeChanged},
		{"a link's label", func(q *harvest.Publication) { q.ExternalLinks[1].Label = "DOI" }, harvest.OutcomeChanged},
		{"links gone", func(q *harvest.Publication) { q.ExternalLinks = nil }, harvest.OutcomeChanged},
		{"no links, as []", func(q *harvest.Publication) { q.ExternalLinks = []harvest.Link{} }, harvest.OutcomeUnchanged},
	}
	for _, st := range steps {
		p.ExternalLinks = append([]harvest.Link(nil), p.ExternalLinks...)
		st.edit(&p)
		seen = seen.Add(time.Hour)
		r, err := db.Save(ctx, p, seen)
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != st.outcome || r.ID != res.ID {
			t.Errorf("%s: outcome %s (record %d), want %s (record %d)", st.name, r.Outcome, r.ID, st.outcome, res.ID)
		}
		want := p
		want.Normalize()
		check(st.name, want)
	}

	// The first version, as a revision, has its dates and links.
	revs, ok, err := db.Revisions(ctx, res.ID)
	if err != nil || !ok {
		t.Fatalf("Revisions: %v, %v", ok, err)
	}
	if len(revs) != 5 {
		t.Fatalf("%d revisions, want 5", len(revs))
	}
	oldest := revs[len(revs)-1].Publication
	if oldest.Posted != first.Posted || oldest.Modified != first.Modified || !reflect.DeepEqual(oldest.ExternalLinks, first.ExternalLinks) {
		t.Errorf("first version = posted %q modified %q links %#v, want those of %+v", oldest.Posted, oldest.Modified, oldest.ExternalLinks, first)
	}
	if got := revs[0].Publication.ExternalLinks; len(got) != 2 || got[1].Label != "DOI" {
		t.Errorf("latest revision's links = %#v, want the two it had before they went", got)
	}
}

// rawAt creates a catalogue file at path with the migrations up to
// version n applied, as a harvest of that time left it, and returns a
// connection to it.
func rawAt(t *testing.T, path string, n int) *sql.DB {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", dsn(abs, writeParams))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(t.Context(), `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:n] {
		if err := apply(t.Context(), raw, m); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	return raw
}

// saveAt0005 writes p as Save wrote it before migration 0006: the same
// columns, URL and download index rows, with the given content hash.
func saveAt0005(ctx context.Context, t *testing.T, raw *sql.DB, p harvest.Publication, hash string, seen time.Time) int64 {
	t.Helper()
	key, err := urlnorm.Key(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	text := func(v any) string {
		s, err := jsonText(v)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	stamp := formatTime(seen)
	res, err := raw.ExecContext(ctx, `INSERT INTO publications (
		source, url, url_key, canonical_url, canonical_key,
		title, title_key, summary, categories, tags, downloads,
		publisher, published, language, authors, image, site_name, type, content_hash, status,
		first_seen, last_seen, last_changed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
		p.Source, p.URL, key, p.URL, key,
		p.Title, identity.TitleKey(p.Title), p.Summary, text(p.Categories), text(p.Tags), text(p.Downloads),
		p.Publisher, p.Published, p.Language, text(p.Authors), p.Image, p.SiteName, p.Type, hash,
		stamp, stamp, stamp)
	if err != nil {
		t.Fatal(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO publication_urls (source, url_key, url, publication_id, first_seen)
		VALUES (?, ?, ?, ?, ?)`, p.Source, key, p.URL, id, stamp); err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Downloads {
		dk, err := urlnorm.Key(d.URL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO publication_downloads (source, url_key, publication_id)
			VALUES (?, ?, ?)`, p.Source, dk, id); err != nil {
			t.Fatal(err)
		}
	}
	// An earlier version, kept as 0004 keeps revisions.
	if _, err := raw.ExecContext(ctx, `INSERT INTO revisions (publication_id, changed_at, title, summary,
		categories, tags, downloads, publisher, published, language, authors, image, site_name, type, content_hash)
		VALUES (?, ?, 'An older title', '', '[]', '[]', '[]', '', '', '', '[]', '', '', '', 'h')`, id, stamp); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestMigration0006KeepsRecordsUnchanged opens a catalogue written before
// migration 0006: its records read with no dates and no links, a
// re-crawl that finds the same content (and, as before, no dates or
// links) leaves them unchanged, and a page that gains a date changes its
// record once, keeping the version without it.
func TestMigration0006KeepsRecordsUnchanged(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "before-0006.db")
	raw := rawAt(t, path, 5)
	p := hashSample()
	p.Source, p.URL, p.CanonicalURL = "lib", "https://ex.org/r/a/", "https://ex.org/r/a/"
	id := saveAt0005(ctx, t, raw, p, hashBefore0006, t0)
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a catalogue at 0005: %v", err)
	}
	defer db.Close()
	var version int
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || version < 6 {
		t.Fatalf("schema version %d (%v), want 6 or later", version, err)
	}
	got, err := db.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Posted != "" || got.Modified != "" || got.ExternalLinks == nil || len(got.ExternalLinks) != 0 || got.Title != p.Title {
		t.Errorf("migrated record = %+v, want no dates and external_links []", got)
	}
	revs, ok, err := db.Revisions(ctx, id)
	if err != nil || !ok || len(revs) != 1 || revs[0].Publication.ExternalLinks == nil || revs[0].Publication.Posted != "" {
		t.Errorf("migrated revisions = %+v, %v, %v", revs, ok, err)
	}

	steps := []struct {
		name        string
		edit        func(*harvest.Publication)
		outcome     harvest.Outcome
		lastChanged time.Time
	}{
		{"same fields, no new ones", func(*harvest.Publication) {}, harvest.OutcomeUnchanged, t0},
		{"same again, links []", func(q *harvest.Publication) { q.ExternalLinks = []harvest.Link{} }, harvest.OutcomeUnchanged, t0},
		{"the page gains a posting date", func(q *harvest.Publication) { q.Posted = "2021-03-04" }, harvest.OutcomeChanged, t0.Add(3 * time.Hour)},
		{"and keeps it", func(q *harvest.Publication) { q.Posted = "2021-03-04" }, harvest.OutcomeUnchanged, t0.Add(3 * time.Hour)},
	}
	for i, st := range steps {
		q := p
		st.edit(&q)
		seen := t0.Add(time.Duration(i+1) * time.Hour)
		res, err := db.Save(ctx, q, seen)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != st.outcome || res.ID != id {
			t.Errorf("%s: outcome %s (record %d), want %s (record %d)", st.name, res.Outcome, res.ID, st.outcome, id)
		}
		got, err := db.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastChanged.Equal(st.lastChanged) || !got.LastSeen.Equal(seen) {
			t.Errorf("%s: last_changed %v last_seen %v, want %v and %v", st.name, got.LastChanged, got.LastSeen, st.lastChanged, seen)
		}
	}
	revs, _, err = db.Revisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Publication.Posted != "" || revs[0].Publication.Title != p.Title {
		t.Errorf("revisions after the change = %+v, want the version without a date first", revs)
	}
}

// TestMigrationPageLinks opens a catalogue whose pages rows hold their
// links (before page_links): the links read back the same, a page fetched
// again with other links or none keeps what it was given, and the pages
// table has no links column left.
func TestMigrationPageLinks(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "before-page-links.db")
	raw := rawAt(t, path, 6)
	fetched := formatTime(t0)
	for _, row := range []struct{ url, links string }{
		{"https://ex.org/r/a/", `["https://ex.org/r/b/","https://ex.org/tag/x/"]`},
		{"https://ex.org/r/b/", `[]`},
	} {
		key, err := urlnorm.Key(row.url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO pages (source, url_key, url, etag, fetched_at, links)
			VALUES ('lib', ?, ?, '"e1"', ?, ?)`, key, row.url, fetched, row.links); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(url string, want []string) {
		t.Helper()
		m, ok, err := db.Page(ctx, "lib", url)
		if err != nil || !ok {
			t.Fatalf("Page(%s) = %v, %v", url, ok, err)
		}
		if !slices.Equal(m.Links, want) || m.ETag != `"e1"` || !m.Fetched.Equal(t0) {
			t.Errorf("Page(%s) = %+v, want links %q, etag \"e1\", fetched %v", url, m, want, t0)
		}
	}
	check("https://ex.org/r/a/", []string{"https://ex.org/r/b/", "https://ex.org/tag/x/"})
	check("https://ex.org/r/b/", []string{})

	for _, step := range [][]string{{"https://ex.org/r/c/"}, {}, {"https://ex.org/r/d/", "https://ex.org/r/e/"}} {
		if err := db.RememberPage(ctx, "lib", harvest.PageMemory{URL: "https://ex.org/r/a/", ETag: `"e1"`, Fetched: t0, Links: step}); err != nil {
			t.Fatal(err)
		}
		check("https://ex.org/r/a/", step)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('pages') WHERE name = 'links'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("pages still has a links column (%d, %v)", n, err)
	}
}
