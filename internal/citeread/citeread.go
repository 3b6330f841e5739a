// Package citeread reads citation files back with real, independent
// readers, for the tests of the citation formats (export's csl-json, ris
// and bibtex): bibutils (bib2xml, ris2xml: BibTeX and RIS to MODS XML,
// which this package parses), pybtex and bibtexparser (Python BibTeX
// readers), and the CSL data schema. None of it is harvest's own parser
// of these formats; harvest has none.
//
// A reader that is not installed skips the test, except under CI=true,
// where it fails it: .ci/run installs Debian's bibutils,
// python3-pybtex and python3-bibtexparser.
package citeread

import (
	"bytes"
	_ "embed" // the Python reader
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const install = "apt-get install bibutils python3-pybtex python3-bibtexparser"

// missing skips t, or fails it under CI=true.
func missing(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is missing (%v): .ci/run must %s", what, err, install)
	}
	t.Skipf("skipping: %s not found (%v; %s); CI fails instead of skipping", what, err, install)
}

// Need returns the path of the program name, or skips t (fails it under
// CI=true) when it is not installed.
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name, err)
	}
	return p
}

// MODS is a reference as bibutils writes it in MODS XML: the fields the
// tests compare.
type MODS struct {
	ID       string      `xml:"ID,attr"`
	Title    []modsTitle `xml:"titleInfo"`
	Names    []ModsName  `xml:"name"`
	Origin   modsOrigin  `xml:"originInfo"`
	Genres   []string    `xml:"genre"`
	Language []string    `xml:"language>languageTerm"`
	Abstract string      `xml:"abstract"`
	Notes    []string    `xml:"note"`
	Topics   []string    `xml:"subject>topic"`
	URLs     []string    `xml:"location>url"`
	Keys     []string    `xml:"identifier"`
}

type modsTitle struct {
	Title    string `xml:"title"`
	SubTitle string `xml:"subTitle"`
}

type modsOrigin struct {
	DateIssued string `xml:"dateIssued"`
	Publisher  string `xml:"publisher"`
}

// ModsName is a name: a person's (Type "personal", with given and family
// parts) or one kept whole (Type "corporate", or no type: bibutils'
// reading of a braced BibTeX name).
type ModsName struct {
	Type  string     `xml:"type,attr"`
	Parts []namePart `xml:"namePart"`
}

type namePart struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// Part returns the name's parts of type typ ("given", "family",
// "suffix"; "" for an untyped part), joined by spaces.
func (n ModsName) Part(typ string) string {
	var out []string
	for _, p := range n.Parts {
		if p.Type == typ {
			out = append(out, p.Text)
		}
	}
	return strings.Join(out, " ")
}

// Title is the reference's title (bibutils' title and subtitle joined
// back, when it split them at a colon).
func (m MODS) TitleText() string {
	if len(m.Title) == 0 {
		return ""
	}
	t := m.Title[0]
	if t.SubTitle != "" {
		return t.Title + ": " + t.SubTitle
	}
	return t.Title
}

// Bibutils runs a bibutils converter (bib2xml, ris2xml) on data, with
// args, and returns the MODS references it wrote.
func Bibutils(t testing.TB, prog string, data []byte, args ...string) []MODS {
	t.Helper()
	path := Need(t, prog)
	in := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, append(args, in)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", prog, err, stderr.Bytes())
	}
	var doc struct {
		Mods []MODS `xml:"mods"`
	}
	out := bytes.TrimPrefix(stdout.Bytes(), []byte("\xef\xbb\xbf"))
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%s wrote MODS that does not parse: %v\n%s", prog, err, out)
	}
	return doc.Mods
}

//go:embed readbib.py
var readBibPy []byte

// BibEntry is an entry as pybtex and bibtexparser read it.
type BibEntry struct {
	Key  string `json:"key"`
	Type string `json:"type"`
	// Raw holds pybtex's fields as written (LaTeX); Text the same as
	// pybtex renders them as plain text (Text.from_latex); Unicode
	// bibtexparser's, with its convert_to_unicode.
	Raw     map[string]string `json:"raw"`
	Text    map[string]string `json:"text"`
	Unicode map[string]string `json:"unicode"`
	// Persons are pybtex's parsed names, by role (author).
	Persons map[string][]Person `json:"persons"`
}

// Person is a name as pybtex splits it.
type Person struct {
	First   []string `json:"first"`
	Middle  []string `json:"middle"`
	Prelast []string `json:"prelast"`
	Last    []string `json:"last"`
	Lineage []string `json:"lineage"`
}

// python finds a Python 3 that has pybtex and bibtexparser: Debian's
// (/usr/bin/python3), else the first python3 on PATH.
func python(t testing.TB) string {
	t.Helper()
	var last error
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			last = err
			continue
		}
		out, err := exec.Command(path, "-c", "import pybtex, bibtexparser").CombinedOutput()
		if err == nil {
			return path
		}
		last = &exec.Error{Name: path + " -c 'import pybtex, bibtexparser'", Err: errString(strings.TrimSpace(string(out)))}
	}
	missing(t, "python3 with pybtex and bibtexparser", last)
	return ""
}

type errString string

func (e errString) Error() string { return string(e) }

// PyBibTeX reads data with pybtex (strict: any syntax error fails) and
// with bibtexparser, and returns the entries in file order.
func PyBibTeX(t testing.TB, data []byte) []BibEntry {
	t.Helper()
	py := python(t)
	dir := t.TempDir()
	script, in := filepath.Join(dir, "readbib.py"), filepath.Join(dir, "in.bib")
	if err := os.WriteFile(script, readBibPy, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(py, script, in)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pybtex/bibtexparser: %v\n%s", err, stderr.Bytes())
	}
	var entries []BibEntry
	if err := json.Unmarshal(stdout.Bytes(), &entries); err != nil {
		t.Fatalf("readbib.py: %v\n%s", err, stdout.Bytes())
	}
	return entries
}

// ValidateCSL validates data, a CSL-JSON document, against the CSL data
// schema in schemaPath, and returns the items.
func ValidateCSL(t testing.TB, schemaPath string, data []byte) []map[string]any {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("csl-data.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("csl-data.json")
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("CSL-JSON does not parse: %v\n%s", err, data)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("CSL-JSON is not valid by the CSL data schema: %v\n%s", err, data)
	}
	var items []map[string]any
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	return items
}
