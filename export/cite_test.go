package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"harvest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestParseName(t *testing.T) {
	person := func(family, given, suffix string) citeName {
		return citeName{family: family, given: given, suffix: suffix}
	}
	lit := func(s string) citeName { return citeName{literal: s} }
	for _, tc := range []struct {
		in   string
		orgs []string
		want citeName
	}{
		{in: "Jane Q. Doe", want: person("Doe", "Jane Q.", "")},
		{in: "Doe, Jane", want: person("Doe", "Jane", "")},
		{in: "  Doe ,  Jane Q. ", want: person("Doe", "Jane Q.", "")},
		{in: "J. Doe", want: person("Doe", "J.", "")},
		{in: "A. Author", want: person("Author", "A.", "")},
		{in: "Doe J.Q.", want: person("Doe", "J.Q.", "")},
		{in: "Ludwig van Beethoven", want: person("van Beethoven", "Ludwig", "")},
		{in: "Martin Luther King Jr.", want: person("King", "Martin Luther", "Jr.")},
		{in: "Martin Luther King, Jr.", want: person("King", "Martin Luther", "Jr.")},
		{in: "King, Martin Luther, Jr.", want: person("King", "Martin Luther", "Jr.")},
		{in: "King, Jr., Martin Luther", want: person("King", "Martin Luther", "Jr.")},
		{in: "Dr. Jane Doe", want: person("Doe", "Jane", "")},
		{in: "Zoë Müller-Lüdenscheidt", want: person("Müller-Lüdenscheidt", "Zoë", "")},
		{in: "Siobhán O'Brien", want: person("O'Brien", "Siobhán", "")},
		{in: "International Labour Organization", want: lit("International Labour Organization")},
		{in: "Human Rights Watch", want: lit("Human Rights Watch")},
		{in: "Ministry of Labour and Employment", want: lit("Ministry of Labour and Employment")},
		{in: "Save the Children", want: lit("Save the Children")},
		{in: "UN Women", want: lit("UN Women")},
		{in: "UNICEF", want: lit("UNICEF")},
		{in: "Oxfam", want: lit("Oxfam")},
		{in: "Smith & Jones", want: lit("Smith & Jones")},
		{in: "Global Coalition Network", want: lit("Global Coalition Network")},
		{in: "Walk Free", orgs: []string{"walk free"}, want: lit("Walk Free")},
		{in: "G20 Taskforce", want: lit("G20 Taskforce")},
		{in: "jane doe", want: lit("jane doe")},
		{in: "王小明", want: lit("王小明")},
		{in: "Doe, Jane, Someone, Else", want: lit("Doe, Jane, Someone, Else")},
		{in: "The Editors", want: lit("The Editors")},
		{in: "Anna Maria Luisa Carla Beatrice Rossi", want: lit("Anna Maria Luisa Carla Beatrice Rossi")},
		{in: "Observatório do Trabalho Rural", want: lit("Observatório do Trabalho Rural")},
		{in: "Maria do Carmo Silva", want: person("Silva", "Maria do Carmo", "")},
		{in: "Responsible Contracting Working Group", want: lit("Responsible Contracting Working Group")},
		{in: "", want: citeName{}},
	} {
		if got := parseName(tc.in, tc.orgs...); got != tc.want {
			t.Errorf("parseName(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseCiteDate(t *testing.T) {
	for in, want := range map[string]citeDate{
		"2019": {year: 2019}, "2019-03": {2019, 3, 0}, "2019-03-04": {2019, 3, 4},
		"2019-02-30": {2019, 2, 0}, "2019-13-01": {year: 2019}, "": {}, "March 2019": {},
		`2021-03-04"><script>`: {}, " 2020 ": {year: 2020},
	} {
		if got := parseCiteDate(in); got != want {
			t.Errorf("parseCiteDate(%q) = %+v, want %+v", in, got, want)
		}
	}
}

var asciiKeyRe = regexp.MustCompile(`^[a-z0-9]+-[0-9]+$`)

func TestCiteKey(t *testing.T) {
	for _, tc := range []struct {
		p    harvest.Publication
		want string
	}{
		{harvest.Publication{ID: 12, Authors: []string{"Jane Q. Doe"}, Published: "2019-03-04", Title: "Fair recruitment"}, "doe2019fair-12"},
		{harvest.Publication{ID: 7, Authors: []string{"International Labour Organization"}, Published: "2021", Title: "The Forced Labour Report"}, "international2021forced-7"},
		{harvest.Publication{ID: 3, Source: "Lantern Site", Title: "À l'école: über Ärger"}, "lanternsiteecole-3"},
		{harvest.Publication{ID: 4, Authors: []string{"Zoë Müller"}, Title: "北京"}, "muller-4"},
		{harvest.Publication{ID: 5, Authors: []string{"The Editors"}, Title: "A"}, "editors-5"},
		{harvest.Publication{ID: 6}, "harvest-6"},
	} {
		got := CiteKey(tc.p)
		if got != tc.want {
			t.Errorf("CiteKey(%+v) = %q, want %q", tc.p, got, tc.want)
		}
		if !asciiKeyRe.MatchString(got) {
			t.Errorf("CiteKey = %q: not lower-case ASCII letters and digits, a dash and the id", got)
		}
	}
}

// TestCiteKinds pins the mapping of every type the extractor gives
// (extract/pubtype.go's kindWords and ldKinds values) and of a type it
// does not know.
func TestCiteKinds(t *testing.T) {
	for _, tc := range []struct{ typ, csl, ris, bib, genre string }{
		{"report", "report", "RPRT", "techreport", ""},
		{"working paper", "report", "RPRT", "techreport", "Working paper"},
		{"policy brief", "report", "RPRT", "techreport", "Policy brief"},
		{"case study", "report", "RPRT", "techreport", "Case study"},
		{"guide", "report", "RPRT", "manual", "Guide"},
		{"toolkit", "report", "RPRT", "manual", "Toolkit"},
		{"manual", "report", "RPRT", "manual", "Manual"},
		{"handbook", "report", "RPRT", "manual", "Handbook"},
		{"article", "article", "GEN", "misc", ""},
		{"book", "book", "BOOK", "book", ""},
		{"chapter", "chapter", "CHAP", "misc", ""},
		{"dataset", "dataset", "DATA", "misc", ""},
		{"thesis", "thesis", "THES", "misc", ""},
		{"conference paper", "paper-conference", "CPAPER", "misc", ""},
		{"presentation", "speech", "SLIDE", "misc", "Presentation"},
		{"video", "motion_picture", "VIDEO", "misc", ""},
		{"podcast", "broadcast", "SOUND", "misc", ""},
		{"legislation", "legislation", "STAT", "misc", ""},
		{"infographic", "graphic", "ART", "misc", "Infographic"},
		{"brochure", "pamphlet", "GEN", "booklet", "Brochure"},
		{"webpage", "webpage", "ELEC", "misc", ""},
		{"press release", "document", "GEN", "misc", "Press release"},
		{"newsletter", "document", "GEN", "misc", "Newsletter"},
		{"", "document", "GEN", "misc", ""},
		{"Policy  Brief", "report", "RPRT", "techreport", "Policy brief"},
	} {
		k, genre := citeKindOf(tc.typ)
		if k.csl != tc.csl || k.ris != tc.ris || k.bib != tc.bib || genre != tc.genre {
			t.Errorf("citeKindOf(%q) = %+v %q, want {%s %s %s} %q", tc.typ, k, genre, tc.csl, tc.ris, tc.bib, tc.genre)
		}
	}
	extractTypes := []string{
		"report", "guide", "handbook", "manual", "toolkit", "article", "dataset", "book", "chapter",
		"thesis", "policy brief", "working paper", "case study", "factsheet", "study", "evaluation",
		"conference paper", "presentation", "infographic", "newsletter", "position paper", "submission",
		"legislation", "video", "podcast", "checklist", "policy paper", "white paper", "press release",
		"speech", "template", "brochure", "statement", "glossary", "framework", "roadmap", "bulletin",
	}
	for _, typ := range extractTypes {
		k, genre := citeKindOf(typ)
		if k == kindOther && genre == "" {
			t.Errorf("%q: neither a kind nor a genre", typ)
		}
	}
}

// citeSample is the records the format tests write: every field filled
// in, the kinds of author, date and type, and a record with nothing
// but its URL.
func citeSample() []harvest.Publication {
	seen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []harvest.Publication{
		{
			ID: 12, Source: "lantern", URL: "https://lantern.example/r/fair/?utm=1",
			CanonicalURL: "https://lantern.example/r/fair/",
			Title:        "Fair recruitment: a guide for employers",
			Summary:      "How to recruit fairly.\n\nSecond paragraph.",
			Authors:      []string{"Jane Q. Doe", "International Labour Organization", "Ludwig van Beethoven"},
			Tags:         []string{"Recruitment", "Migrant workers"}, Categories: []string{"Reports", "recruitment"},
			Downloads: []harvest.Download{
				{URL: "https://lantern.example/fair.pdf", Label: "PDF", MediaType: "application/pdf"},
				{URL: "https://lantern.example/fair.docx", Label: "Word"},
			},
			Publisher: "Lantern Institute", Published: "2019-03-04", Language: "en",
			SiteName: "Lantern", Type: "working paper", Status: harvest.StatusActive,
			FirstSeen: seen, LastSeen: seen, LastChanged: seen,
		},
		{
			ID: 13, Source: "lantern", URL: "https://lantern.example/r/toolkit/", Title: "Toolkit on ports",
			Authors: []string{"Doe, John", "King, Martin Luther, Jr."}, Published: "2021",
			SiteName: "Lantern", Type: "toolkit", Tags: []string{"Ports"}, LastSeen: seen,
		},
		{
			ID: 14, Source: "other", URL: "https://other.example/book/", Title: "Ports of the world",
			Authors: []string{"UN Women"}, Published: "2020-05", Publisher: "World Press", Type: "book",
		},
		{
			ID: 15, Source: "other", URL: "https://other.example/data/", Title: "Seafarer counts",
			Type: "dataset", Published: "2018-07-01",
		},
		{ID: 16, Source: "other", URL: "https://other.example/bare/"},
	}
}

func writeAll(t *testing.T, format string, ps []harvest.Publication) []byte {
	t.Helper()
	return []byte(write(t, format, ps))
}

// TestCiteGolden keeps the three formats' output of citeSample in
// testdata/, for review (go test ./export -run CiteGolden -update).
func TestCiteGolden(t *testing.T) {
	for format, file := range map[string]string{"csl-json": "cite.csl.json", "ris": "cite.ris", "bibtex": "cite.bib"} {
		got := writeAll(t, format, citeSample())
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./export -run CiteGolden -update writes it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s output differs from %s (go test ./export -run CiteGolden -update, then review the diff):\n%s", format, path, got)
		}
	}
}

// TestCiteNoEmptyFields: a record with nothing but a URL writes no
// empty tag or field.
func TestCiteNoEmptyFields(t *testing.T) {
	bare := []harvest.Publication{{ID: 16, Source: "other", URL: "https://other.example/bare/"}}
	ris := string(writeAll(t, "ris", bare))
	for _, line := range strings.Split(strings.TrimRight(ris, "\r\n"), "\r\n") {
		if strings.HasSuffix(line, "  - ") && line != "ER  - " {
			t.Errorf("RIS: empty tag %q in\n%s", line, ris)
		}
	}
	if bib := string(writeAll(t, "bibtex", bare)); strings.Contains(bib, "{}}") || strings.Contains(bib, "= {}") {
		t.Errorf("BibTeX: empty field in\n%s", bib)
	}
	if csl := string(writeAll(t, "csl-json", bare)); strings.Contains(csl, `""`) || strings.Contains(csl, "[]") {
		t.Errorf("CSL-JSON: empty value in\n%s", csl)
	}
	for _, format := range []string{"csl-json", "ris", "bibtex"} {
		if got := string(writeAll(t, format, nil)); format == "csl-json" && strings.TrimSpace(got) != "[\n]" || format != "csl-json" && got != "" {
			t.Errorf("%s of no records = %q", format, got)
		}
	}
}

func TestRISFoldsLines(t *testing.T) {
	p := harvest.Publication{ID: 1, URL: "https://x.example/", Title: "T", Summary: "one\r\nER  - two\nTY  - JOUR\u2028three\x00\x1b[31m"}
	ris := string(writeAll(t, "ris", []harvest.Publication{p}))
	if !strings.Contains(ris, "AB  - one ER  - two TY  - JOUR three [31m\r\n") {
		t.Errorf("RIS abstract not folded to one line:\n%q", ris)
	}
	if n := strings.Count(ris, "\nER  - "); n != 1 {
		t.Errorf("RIS has %d ER lines, want 1:\n%s", n, ris)
	}
}

func TestBibEscape(t *testing.T) {
	for in, want := range map[string]string{
		`100% & $5 #1 a_b`:  `100\% \& \textdollar{}5 \#1 a\_b`,
		`a\b ~ ^`:           `a\textbackslash{}b \textasciitilde{} \^{}`,
		`{x} {y}`:           `\{x\} \{y\}`,
		`} x {`:             `\textbraceright{} x \textbraceleft{}`,
		"a\n\n b\tc":        "a b c",
		"2019--2020 ''q''":  "2019-{}-2020 '{}'q'{}'",
		`"Ünïcødé" 北京 @ <>`: `"Ünïcødé" 北京 @ <>`,
	} {
		if got := bibEscape(in); got != want {
			t.Errorf("bibEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
