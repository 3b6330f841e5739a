package export

// The citation formats read back by real readers, never by a parser of
// our own: the CSL data schema (testdata/csl-data.json, from
// github.com/citation-style-language/schema, schemas/input/csl-data.json
// at commit e3ce254a72c4470a5ed3b9d23b428017d25674e9, 2023-01-25),
// bibutils' ris2xml and bib2xml (MODS XML), pybtex and bibtexparser. See
// internal/citeread; the readers skip these tests when they are not
// installed, except under CI=true.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"harvest"
	"harvest/internal/citeread"
)

const cslSchema = "testdata/csl-data.json"

// wantName is an author as the readers should give it back: a person's
// family and given names (and suffix), or an organisation whole.
type wantName struct{ family, given, suffix, corp string }

// citeWant is what each reader should read of citeSample's records.
var citeWant = []struct {
	names    []wantName
	date     string // MODS dateIssued, as the full date is known
	csl, bib string // the kinds
	keywords []string
}{
	{
		names:    []wantName{{family: "Doe", given: "Jane Q."}, {corp: "International Labour Organization"}, {family: "van Beethoven", given: "Ludwig"}},
		date:     "2019-03-04",
		csl:      "report",
		bib:      "techreport",
		keywords: []string{"Recruitment", "Migrant workers", "Reports"},
	},
	{
		names:    []wantName{{family: "Doe", given: "John"}, {family: "King", given: "Martin Luther", suffix: "Jr."}},
		date:     "2021",
		csl:      "report",
		bib:      "manual",
		keywords: []string{"Ports"},
	},
	{names: []wantName{{corp: "UN Women"}}, date: "2020-05", csl: "book", bib: "book"},
	{date: "2018-07-01", csl: "dataset", bib: "misc"},
	{csl: "document", bib: "misc"},
}

// dots drops the dots and commas bibutils drops from given names
// ("Jane Q." → "Jane Q").
func dots(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer(".", " ", ",", " ").Replace(s)), " ")
}

// corporations writes the organisations of want as a bibutils "as is"
// names file (-as): bibutils has no RIS syntax for a corporate author
// (Zotero's and EndNote's is the trailing comma), and its
// --corporation-file fails to load in bibutils 7.2 ("Memory error");
// names listed with -as are kept whole, as a braced BibTeX name is.
func corporations(t *testing.T, names ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "corporations.txt")
	if err := os.WriteFile(path, []byte(strings.Join(names, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkModsNames compares bibutils' names with want: personal names
// split in family and given, organisations whole and not personal.
func checkModsNames(t *testing.T, label string, got []citeread.ModsName, want []wantName) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d names, want %d: %+v", label, len(got), len(want), got)
		return
	}
	for i, w := range want {
		g := got[i]
		if w.corp != "" {
			if g.Type == "personal" || g.Part("") != w.corp {
				t.Errorf("%s: name %d = %+v, want the organisation %q whole", label, i, g, w.corp)
			}
			continue
		}
		if g.Type != "personal" || g.Part("family") != w.family || dots(g.Part("given")) != dots(w.given) || g.Part("suffix") != w.suffix {
			t.Errorf("%s: name %d = %+v, want family %q, given %q, suffix %q", label, i, g, w.family, w.given, w.suffix)
		}
	}
}

func TestCSLJSONValidAndComplete(t *testing.T) {
	ps := citeSample()
	items := citeread.ValidateCSL(t, cslSchema, writeAll(t, "csl-json", ps))
	if len(items) != len(ps) {
		t.Fatalf("%d CSL items, want %d", len(items), len(ps))
	}
	for i, p := range ps {
		it, w := items[i], citeWant[i]
		label := "CSL item " + p.URL
		if it["id"] != CiteKey(p) || it["citation-key"] != CiteKey(p) || it["type"] != w.csl {
			t.Errorf("%s: id %v, citation-key %v, type %v; want %s, %s", label, it["id"], it["citation-key"], it["type"], CiteKey(p), w.csl)
		}
		for field, want := range map[string]string{
			"title": p.Title, "publisher": p.Publisher, "language": p.Language, "URL": pageURL(&p),
			"abstract": p.Summary, "keyword": strings.Join(w.keywords, ", "),
		} {
			if got, _ := it[field].(string); got != want {
				t.Errorf("%s: %s = %q, want %q", label, field, got, want)
			}
		}
		var authors []wantName
		for _, a := range asList(it["author"]) {
			m := a.(map[string]any)
			s := func(k string) string { v, _ := m[k].(string); return v }
			authors = append(authors, wantName{family: s("family"), given: s("given"), suffix: s("suffix"), corp: s("literal")})
		}
		if !slices.Equal(authors, w.names) {
			t.Errorf("%s: authors %+v, want %+v", label, authors, w.names)
		}
		if got := cslDateString(it["issued"]); got != w.date {
			t.Errorf("%s: issued %v, want %q", label, it["issued"], w.date)
		}
		if !p.LastSeen.IsZero() {
			if got := cslDateString(it["accessed"]); got != p.LastSeen.UTC().Format("2006-01-02") {
				t.Errorf("%s: accessed %v, want the day last seen", label, it["accessed"])
			}
		}
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// cslDateString writes date-parts as YYYY[-MM[-DD]].
func cslDateString(v any) string {
	m, _ := v.(map[string]any)
	parts := asList(m["date-parts"])
	if len(parts) != 1 {
		return ""
	}
	var out []string
	for i, n := range asList(parts[0]) {
		f, _ := n.(float64)
		if i == 0 {
			out = append(out, fmt.Sprintf("%04d", int(f)))
		} else {
			out = append(out, fmt.Sprintf("%02d", int(f)))
		}
	}
	return strings.Join(out, "-")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRISReadByBibutils(t *testing.T) {
	ps := citeSample()
	mods := citeread.Bibutils(t, "ris2xml", writeAll(t, "ris", ps), "-nl", "-nt",
		"-as", corporations(t, "International Labour Organization", "UN Women"))
	if len(mods) != len(ps) {
		t.Fatalf("ris2xml read %d references, want %d", len(mods), len(ps))
	}
	for i, p := range ps {
		m, w := mods[i], citeWant[i]
		label := "RIS " + p.URL
		if m.ID != CiteKey(p) {
			t.Errorf("%s: ID %q, want %q", label, m.ID, CiteKey(p))
		}
		if m.TitleText() != p.Title {
			t.Errorf("%s: title %q, want %q", label, m.TitleText(), p.Title)
		}
		// bibutils reads "King, Martin Luther, Jr." with the comma left
		// on the given name ("Luther,"); dots() drops it.
		checkModsNames(t, label, m.Names, w.names)
		// bibutils 7 takes Y2 (the access date, RIS 2011) for the
		// secondary date of the older RIS and appends it to the date:
		// the published date is the start of dateIssued.
		if !strings.HasPrefix(m.Origin.DateIssued, w.date) || (w.date == "" && p.LastSeen.IsZero() && m.Origin.DateIssued != "") {
			t.Errorf("%s: date %q, want %q", label, m.Origin.DateIssued, w.date)
		}
		if m.Origin.Publisher != p.Publisher || m.Abstract != risWant(p.Summary) {
			t.Errorf("%s: publisher %q, abstract %q; want %q, %q", label, m.Origin.Publisher, m.Abstract, p.Publisher, risWant(p.Summary))
		}
		wantURLs := []string{pageURL(&p)}
		for _, d := range p.Downloads {
			wantURLs = append(wantURLs, d.URL)
		}
		if !slices.Equal(m.URLs, wantURLs) {
			t.Errorf("%s: URLs %q, want %q", label, m.URLs, wantURLs)
		}
		if !slices.Equal(m.Topics, w.keywords) {
			t.Errorf("%s: keywords %q, want %q", label, m.Topics, w.keywords)
		}
		if len(p.Language) > 0 && !slices.Equal(m.Language, []string{p.Language}) {
			t.Errorf("%s: language %q, want %q", label, m.Language, p.Language)
		}
		if w.bib == "techreport" && !slices.Contains(m.Genres, "technical report") {
			t.Errorf("%s: genres %q, want a technical report", label, m.Genres)
		}
	}
}

// risWant is a value as RIS carries it: line breaks and control
// characters folded into one space, trimmed.
func risWant(s string) string {
	return strings.TrimSpace(regexp.MustCompile(`[\p{Cc}\x{2028}\x{2029}]+`).ReplaceAllString(s, " "))
}

// bibWant is a value as BibTeX carries it: every run of white space one
// space.
func bibWant(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x85 || r == 0xa0 || r == 0x2028 || r == 0x2029 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x202f || r == 0x205f || r == 0x3000
	}), " ")
}

func TestBibTeXReadByPybtexAndBibutils(t *testing.T) {
	ps := citeSample()
	bib := writeAll(t, "bibtex", ps)
	entries := citeread.PyBibTeX(t, bib)
	mods := citeread.Bibutils(t, "bib2xml", bib, "-nt")
	if len(entries) != len(ps) || len(mods) != len(ps) {
		t.Fatalf("pybtex read %d entries, bib2xml %d, want %d:\n%s", len(entries), len(mods), len(ps), bib)
	}
	for i, p := range ps {
		e, m, w := entries[i], mods[i], citeWant[i]
		label := "BibTeX " + p.URL
		if e.Key != CiteKey(p) || e.Type != w.bib || m.ID != CiteKey(p) {
			t.Errorf("%s: @%s{%s (bibutils %s), want @%s{%s", label, e.Type, e.Key, m.ID, w.bib, CiteKey(p))
		}
		// pybtex's names: a person's last (with the "von" part) and
		// first names; an organisation as one braced last name.
		people := e.Persons["author"]
		if len(people) != len(w.names) {
			t.Errorf("%s: pybtex read %d authors, want %d", label, len(people), len(w.names))
		} else {
			for j, wn := range w.names {
				g := people[j]
				if wn.corp != "" {
					if len(g.First)+len(g.Middle)+len(g.Prelast)+len(g.Lineage) != 0 || !slices.Equal(g.Last, []string{"{" + wn.corp + "}"}) {
						t.Errorf("%s: pybtex author %d = %+v, want {%s}", label, j, g, wn.corp)
					}
					continue
				}
				last := strings.Join(append(slices.Clone(g.Prelast), g.Last...), " ")
				given := strings.Join(append(slices.Clone(g.First), g.Middle...), " ")
				if last != wn.family || given != wn.given || strings.Join(g.Lineage, " ") != wn.suffix {
					t.Errorf("%s: pybtex author %d = %+v, want family %q given %q suffix %q", label, j, g, wn.family, wn.given, wn.suffix)
				}
			}
		}
		checkModsNames(t, label+" (bibutils)", m.Names, w.names)
		// bibtexparser, with its LaTeX-to-Unicode conversion.
		for field, want := range map[string]string{
			"title": bibWant(p.Title), "abstract": bibWant(p.Summary), "keywords": strings.Join(w.keywords, ", "),
			"language": p.Language, "url": pageURL(&p), "year": strings.SplitN(w.date, "-", 2)[0],
		} {
			if got := e.Unicode[field]; got != want {
				t.Errorf("%s: %s = %q, want %q", label, field, got, want)
			}
		}
		// bibutils: the date as far as BibTeX keeps it (year, month).
		wantDate := w.date
		if len(wantDate) > 7 {
			wantDate = wantDate[:7]
		}
		if m.Origin.DateIssued != wantDate {
			t.Errorf("%s: bibutils date %q, want %q", label, m.Origin.DateIssued, wantDate)
		}
		publisher := p.Publisher
		if w.bib == "techreport" || w.bib == "manual" {
			publisher = strings.Join(strings.Fields(p.Publisher+" "), " ")
			if publisher == "" {
				publisher = p.SiteName
			}
		}
		if m.Origin.Publisher != publisher && !(w.bib == "manual" && m.Origin.Publisher == "") {
			t.Errorf("%s: bibutils publisher %q, want %q", label, m.Origin.Publisher, publisher)
		}
		if !slices.Contains(m.URLs, pageURL(&p)) {
			t.Errorf("%s: bibutils URLs %q, want %q among them", label, m.URLs, pageURL(&p))
		}
		var topics []string
		for _, tp := range m.Topics {
			// bibutils splits keywords at semicolons only.
			topics = append(topics, strings.Split(tp, ", ")...)
		}
		if !slices.Equal(topics, w.keywords) {
			t.Errorf("%s: bibutils keywords %q, want %q", label, topics, w.keywords)
		}
		if !p.LastSeen.IsZero() && e.Raw["urldate"] != p.LastSeen.UTC().Format("2006-01-02") {
			t.Errorf("%s: urldate %q", label, e.Raw["urldate"])
		}
	}
}

// escapeCases are the hostile values the escaping tests carry through
// every format: LaTeX's special characters, braces that pair up and
// braces that do not, TeX ligatures, quotes, accents and other scripts,
// line breaks, a line that looks like the end of a RIS record, a value
// that looks like a BibTeX entry, control characters and a very long
// value. bib names the BibTeX readers that decode the value exactly
// (after BibTeX's folding of white space); the others are known to
// misread it: bibutils does not decode \textbackslash, reads \^{} as
// "\^", " as ” and -{}- as –; pybtex and bibtexparser do not decode
// \{, \} or \textbraceleft.
var escapeCases = []struct {
	name, value string
	bib         []string
}{
	{"percent ampersand dollar hash underscore", "100% & $5 #1 a_b", []string{"bibtexparser", "bibutils"}},
	{"backslash", `C:\Users\x \\ \textbf no\`, []string{"bibtexparser"}},
	{"tilde caret", "~user ^caret a^2 ~", []string{"bibtexparser"}},
	{"braces that pair", "{x} and {nested {y}}", []string{"bibutils"}},
	{"braces that do not pair", "} closes { opens {", []string{"bibutils"}},
	{"entry inside a value", "@misc{x, title = {y}}", []string{"bibutils"}},
	{"quotes", `"double" 'single' “curly” ‘x’`, []string{"bibtexparser"}},
	{"ligatures", "2019--2020, ''q'' ``r'' ---", []string{"bibtexparser"}},
	{"accents and scripts", "Ünïcødé façade Ærø 北京 العربية Ελληνικά ß", []string{"bibtexparser", "bibutils"}},
	{"line breaks", "line one\nline two\r\n\r\nparagraph\ttab", []string{"bibtexparser", "bibutils"}},
	{"end of a RIS record", "first\nER  - \nTY  - JOUR\nlast", []string{"bibtexparser", "bibutils"}},
	{"control characters", "a\x00b\x1b[31mc\u2028d", []string{"bibtexparser"}},
	{"comment and at", "% not a comment @string(x = y)", []string{"bibtexparser", "bibutils"}},
	{"very long", strings.Repeat("Long value with words & more; ", 4000), []string{"bibtexparser", "bibutils"}},
}

// TestCiteEscaping writes each hostile value as a title and a summary
// and reads it back with the real readers: CSL-JSON exactly, RIS
// folded to one line, BibTeX with its white space folded.
func TestCiteEscaping(t *testing.T) {
	var ps []harvest.Publication
	for i, c := range escapeCases {
		ps = append(ps, harvest.Publication{
			ID: int64(i + 1), Source: "s", URL: "https://x.example/" + itoa(i), Title: c.value, Summary: c.value,
			Publisher: c.value, Type: "report", Authors: []string{"Jane Doe"},
		})
	}
	t.Run("csl-json", func(t *testing.T) {
		items := citeread.ValidateCSL(t, cslSchema, writeAll(t, "csl-json", ps))
		for i, c := range escapeCases {
			// The title is one line in every format; the abstract is
			// exact.
			if items[i]["abstract"] != c.value || items[i]["title"] != strings.Join(strings.Fields(c.value), " ") {
				t.Errorf("%s: CSL title %q, abstract %q; want %q", c.name, short(items[i]["title"]), short(items[i]["abstract"]), short(c.value))
			}
		}
	})
	t.Run("ris", func(t *testing.T) {
		mods := citeread.Bibutils(t, "ris2xml", writeAll(t, "ris", ps), "-nl", "-nt")
		if len(mods) != len(ps) {
			t.Fatalf("ris2xml read %d references, want %d", len(mods), len(ps))
		}
		for i, c := range escapeCases {
			want := risWant(c.value)
			if mods[i].TitleText() != want || mods[i].Abstract != want || mods[i].Origin.Publisher != want {
				t.Errorf("%s: RIS read back as title %q, abstract %q, publisher %q; want %q", c.name, short(mods[i].TitleText()), short(mods[i].Abstract), short(mods[i].Origin.Publisher), short(want))
			}
		}
	})
	t.Run("bibtex", func(t *testing.T) {
		bib := writeAll(t, "bibtex", ps)
		entries := citeread.PyBibTeX(t, bib)
		mods := citeread.Bibutils(t, "bib2xml", bib, "-nt")
		if len(entries) != len(ps) || len(mods) != len(ps) {
			t.Fatalf("pybtex read %d entries, bibutils %d; want %d", len(entries), len(mods), len(ps))
		}
		for i, c := range escapeCases {
			want := bibWant(c.value)
			for _, reader := range c.bib {
				var title, abstract, institution string
				switch reader {
				case "bibtexparser":
					u := entries[i].Unicode
					title, abstract, institution = u["title"], u["abstract"], u["institution"]
				case "bibutils":
					title, abstract, institution = bibutilsWS(mods[i].TitleText()), bibutilsWS(mods[i].Abstract), bibutilsWS(mods[i].Origin.Publisher)
				}
				if title != want || abstract != want || institution != want {
					t.Errorf("%s: %s read back title %q, abstract %q, institution %q; want %q", c.name, reader, short(title), short(abstract), short(institution), short(want))
				}
			}
			if entries[i].Key != CiteKey(ps[i]) || mods[i].ID != CiteKey(ps[i]) {
				t.Errorf("%s: keys %q, %q; want %q", c.name, entries[i].Key, mods[i].ID, CiteKey(ps[i]))
			}
		}
	})
}

// bibutilsWS is bibutils' value with its trailing space trimmed (it
// keeps the space before a closing brace).
func bibutilsWS(s string) string { return strings.TrimSpace(s) }

// short is v for a message: at most 300 bytes of it.
func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 300 {
		return s[:300] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
