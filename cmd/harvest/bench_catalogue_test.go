package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"harvest"
	"harvest/internal/bench"
	"harvest/store/sqlite"
	"harvest/web"
)

// TestBenchCatalogue fills a small synthetic catalogue through the
// command line and checks it through the real store: every record saved
// once, the sources, tags and categories spread as promised, the facet
// counts equal to what a scan of the records counts, and the catalogue
// served.
func TestBenchCatalogue(t *testing.T) {
	db := filepath.Join(t.TempDir(), "synthetic.db")
	const n, sources = 1500, 12
	out, stderr, err := runCLI(t, "bench", "catalogue", "--publications", "1500", "--sources", "12", "--batch", "400", "--removed", "0.02", "--db", db)
	if err != nil {
		t.Fatalf("bench catalogue: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "1500 new") || !strings.Contains(out, "30 marked removed") {
		t.Errorf("output %q: want 1500 new and 30 marked removed", out)
	}

	ctx := t.Context()
	cat, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	total, err := cat.Count(ctx, harvest.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	removed, err := cat.Count(ctx, harvest.Filter{Status: "removed"})
	if err != nil {
		t.Fatal(err)
	}
	if total != n || removed != 30 {
		t.Errorf("%d records, %d removed; want %d and 30", total, removed, n)
	}

	// Count everything by scanning the records.
	srcs, tags, cats := map[string]int{}, map[string]int{}, map[string]int{}
	years := map[int]bool{}
	titles := map[string]bool{}
	if err := cat.Each(ctx, harvest.Filter{Status: "active"}, func(p harvest.Publication) error {
		srcs[p.Source]++
		for _, x := range p.Tags {
			tags[x]++
		}
		for _, x := range p.Categories {
			cats[x]++
		}
		years[p.FirstSeen.Year()] = true
		titles[p.Title] = true
		if p.Title == "" || len(p.Summary) < 80 || len(p.Tags) == 0 || len(p.Categories) == 0 || len(p.Downloads) == 0 {
			t.Errorf("record %d lacks fields: %+v", p.ID, p)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(srcs) < sources/2 || len(srcs) > sources {
		t.Errorf("%d sources, want most of %d", len(srcs), sources)
	}
	vt, vc := bench.CatalogueVocabulary()
	if vt < 200 || vc < 100 {
		t.Errorf("vocabularies of %d tags and %d categories, want a few hundred", vt, vc)
	}
	if len(tags) < 100 || len(cats) < 40 {
		t.Errorf("%d tags and %d categories used, want a wide spread", len(tags), len(cats))
	}
	if len(years) < 8 {
		t.Errorf("first seen over %d years, want ten", len(years))
	}
	if len(titles) < n*9/10 {
		t.Errorf("%d distinct titles of %d", len(titles), n)
	}

	f, err := cat.Facets(ctx, "active")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		facets []harvest.TermCount
		counts map[string]int
	}{{"sources", f.Sources, srcs}, {"tags", f.Tags, tags}, {"categories", f.Categories, cats}} {
		if len(c.facets) != len(c.counts) {
			t.Errorf("%s: %d facet values, %d counted", c.name, len(c.facets), len(c.counts))
		}
		for _, tc := range c.facets {
			if c.counts[tc.Value] != tc.Count {
				t.Errorf("%s %q: facet count %d, counted %d", c.name, tc.Value, tc.Count, c.counts[tc.Value])
			}
		}
	}

	// Served: the page and the API answer from it.
	srv := httptest.NewServer(web.New(cat, nil))
	defer srv.Close()
	for _, path := range []string{"/", "/feed.atom", "/api/publications?q=labour&limit=5", "/api/publications?tag=" + f.Tags[0].Value} {
		resp, err := http.Get(srv.URL + strings.ReplaceAll(path, " ", "+"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}

	// harvest bench itself still takes its flags (and refuses bad ones).
	if _, _, err := runCLI(t, "bench", "--pages", "0"); err == nil || !strings.Contains(err.Error(), "--pages") {
		t.Errorf("bench --pages 0: %v, want a usage error", err)
	}
	if _, _, err := runCLI(t, "bench", "catalogue", "--publications", "10"); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Errorf("bench catalogue without --db: %v, want a usage error", err)
	}
}
