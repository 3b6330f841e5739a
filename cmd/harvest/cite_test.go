package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"harvest/export"
	"harvest/internal/citeread"
)

// TestExportCitationFormats crawls the demo site and exports it as
// CSL-JSON, RIS and BibTeX through the command line; each file is read
// back by real readers (the CSL data schema, bibutils, pybtex and
// bibtexparser) and holds one reference per record, in order, with the
// record's key, title and URL.
func TestExportCitationFormats(t *testing.T) {
	_, db := crawlDemo(t)
	pubs := exportJSONL(t, db)
	if len(pubs) == 0 {
		t.Fatal("the demo crawl harvested nothing")
	}
	read := func(format string) []byte {
		t.Helper()
		file := filepath.Join(t.TempDir(), "out"+export.Extensions[format])
		if _, stderr, err := runCLI(t, "export", "--db", db, "--format", format, "-o", file); err != nil {
			t.Fatalf("harvest export --format %s: %v\n%s", format, err, stderr)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}

	t.Run("csl-json", func(t *testing.T) {
		items := citeread.ValidateCSL(t, filepath.Join("..", "..", "export", "testdata", "csl-data.json"), read("csl-json"))
		if len(items) != len(pubs) {
			t.Fatalf("%d CSL items, want %d", len(items), len(pubs))
		}
		for i, p := range pubs {
			if items[i]["id"] != export.CiteKey(p) || items[i]["title"] != strings.Join(strings.Fields(p.Title), " ") {
				t.Errorf("item %d: id %v, title %v; want %s, %q", i, items[i]["id"], items[i]["title"], export.CiteKey(p), p.Title)
			}
			// The demo site credits organisations only: each is a
			// literal name, never split into family and given names.
			authors, _ := items[i]["author"].([]any)
			if len(authors) != len(p.Authors) {
				t.Errorf("item %d: %d authors, want %d", i, len(authors), len(p.Authors))
				continue
			}
			for j, a := range authors {
				if m, _ := a.(map[string]any); m["literal"] != p.Authors[j] || len(m) != 1 {
					t.Errorf("item %d: author %v, want the organisation %q whole", i, a, p.Authors[j])
				}
			}
		}
	})
	t.Run("ris", func(t *testing.T) {
		mods := citeread.Bibutils(t, "ris2xml", read("ris"), "-nl", "-nt")
		if len(mods) != len(pubs) {
			t.Fatalf("ris2xml read %d references, want %d", len(mods), len(pubs))
		}
		for i, p := range pubs {
			if mods[i].ID != export.CiteKey(p) || mods[i].TitleText() != strings.Join(strings.Fields(p.Title), " ") || len(mods[i].URLs) == 0 {
				t.Errorf("reference %d: ID %q, title %q, URLs %q; want %s, %q", i, mods[i].ID, mods[i].TitleText(), mods[i].URLs, export.CiteKey(p), p.Title)
			}
		}
	})
	t.Run("bibtex", func(t *testing.T) {
		bib := read("bibtex")
		entries := citeread.PyBibTeX(t, bib)
		mods := citeread.Bibutils(t, "bib2xml", bib, "-nt")
		if len(entries) != len(pubs) || len(mods) != len(pubs) {
			t.Fatalf("pybtex read %d entries, bib2xml %d; want %d", len(entries), len(mods), len(pubs))
		}
		for i, p := range pubs {
			key := export.CiteKey(p)
			if entries[i].Key != key || mods[i].ID != key || entries[i].Raw["url"] == "" {
				t.Errorf("entry %d: keys %q, %q, url %q; want %s", i, entries[i].Key, mods[i].ID, entries[i].Raw["url"], key)
			}
			if len(p.Authors) != len(entries[i].Persons["author"]) {
				t.Errorf("entry %s: %d authors, want %d (%q)", key, len(entries[i].Persons["author"]), len(p.Authors), p.Authors)
			}
		}
	})
}
