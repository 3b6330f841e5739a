// Package export writes catalogue records as JSON lines, a JSON array or
// CSV, or as references for reference managers (CSL-JSON, RIS, BibTeX),
// one record at a time, so that memory stays flat however large the
// catalogue.
package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"harvest"
	"harvest/internal/termsafe"
)

// Formats lists the formats New accepts.
var Formats = []string{"jsonl", "json", "csv", "csl-json", "ris", "bibtex"}

// MediaTypes are the media types of the formats, as an HTTP answer
// carries them.
var MediaTypes = map[string]string{
	"jsonl":    "application/x-ndjson; charset=utf-8",
	"json":     "application/json; charset=utf-8",
	"csv":      "text/csv; charset=utf-8",
	"csl-json": "application/vnd.citationstyles.csl+json; charset=utf-8",
	"ris":      "application/x-research-info-systems; charset=utf-8",
	"bibtex":   "application/x-bibtex; charset=utf-8",
}

// Extensions are the usual file name extensions of the formats.
var Extensions = map[string]string{
	"jsonl": ".jsonl", "json": ".json", "csv": ".csv",
	"csl-json": ".json", "ris": ".ris", "bibtex": ".bib",
}

// Writer writes publications in one format. Close finishes the document
// (the closing bracket of a JSON array) and flushes; it does not close
// the underlying writer.
type Writer interface {
	Write(p harvest.Publication) error
	Close() error
}

// Options change how a Writer writes.
type Options struct {
	// RawCSV writes CSV cells exactly as harvested. By default a text
	// cell that a spreadsheet would read as a formula gets a leading
	// apostrophe (see NeutralizeCell).
	RawCSV bool
}

// New returns a Writer for format, with the default options.
func New(w io.Writer, format string) (Writer, error) {
	return NewWithOptions(w, format, Options{})
}

// NewWithOptions returns a Writer for format.
//
// The JSON formats write the characters that could steer or reorder a
// terminal (C1 controls, bidirectional overrides; encoding/json already
// escapes the C0 controls) as \u escapes: the same JSON values, safe
// to print. CSV cells cannot escape anything: they are written as
// RFC 4180 says (encoding/csv), with formulas neutralised unless
// o.RawCSV. The citation formats (csl-json, ris, bibtex) write one
// reference per record, mapped and escaped as cite.go, csl.go, ris.go
// and bibtex.go explain.
func NewWithOptions(w io.Writer, format string, o Options) (Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "jsonl", "":
		j := &jsonlWriter{w: bw}
		j.enc = newEncoder(&j.buf)
		return j, nil
	case "json":
		return &jsonWriter{w: bw}, nil
	case "csv":
		return &csvWriter{w: bw, c: csv.NewWriter(bw), raw: o.RawCSV}, nil
	case "csl-json":
		return newCSLWriter(bw), nil
	case "ris":
		return &risWriter{w: bw}, nil
	case "bibtex":
		return &bibWriter{w: bw}, nil
	}
	return nil, fmt.Errorf("unknown export format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

type jsonlWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer // one record's line, before termsafe.JSON
	enc *json.Encoder
}

func (j *jsonlWriter) Write(p harvest.Publication) error {
	p.Normalize()
	j.buf.Reset()
	if err := j.enc.Encode(p); err != nil {
		return fmt.Errorf("export record %d: %w", p.ID, err)
	}
	if _, err := j.w.Write(termsafe.JSON(j.buf.Bytes())); err != nil {
		return fmt.Errorf("export record %d: %w", p.ID, err)
	}
	return nil
}

func (j *jsonlWriter) Close() error { return j.w.Flush() }

type jsonWriter struct {
	w *bufio.Writer
	n int
}

func (j *jsonWriter) Write(p harvest.Publication) error {
	p.Normalize()
	b, err := json.MarshalIndent(p, "  ", "  ")
	if err != nil {
		return fmt.Errorf("export record %d: %w", p.ID, err)
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	j.w.WriteString(sep)
	if _, err := j.w.Write(termsafe.JSON(b)); err != nil {
		return fmt.Errorf("export record %d: %w", p.ID, err)
	}
	return nil
}

func (j *jsonWriter) Close() error {
	if j.n == 0 {
		j.w.WriteString("[")
	}
	j.w.WriteString("\n]\n")
	return j.w.Flush()
}

// CSVHeader is the first row of a CSV export. Columns added later come
// last, so that the position of every earlier column stays.
var CSVHeader = []string{
	"id", "source", "url", "canonical_url", "title", "summary", "categories", "tags",
	"downloads", "download_labels", "publisher", "published", "language",
	"first_seen", "last_seen", "last_changed", "duplicate_urls",
	"authors", "image", "site_name", "type", "status", "removed_at",
	"posted", "modified", "external_links", "external_link_labels",
}

type csvWriter struct {
	w      *bufio.Writer
	c      *csv.Writer
	raw    bool // Options.RawCSV
	header bool
}

// csvGenerated are the CSV columns harvest writes itself, which no site
// can fill: their cells are never neutralised. Every other column holds
// text a site wrote (or a URL or date read from it).
var csvGenerated = map[string]bool{
	"id": true, "first_seen": true, "last_seen": true, "last_changed": true,
	"status": true, "removed_at": true,
}

// formulaStarters are the characters with which a spreadsheet (Excel,
// LibreOffice Calc, Google Sheets) starts reading a cell as a formula,
// OWASP's list with the full-width forms some locales accept.
const formulaStarters = "=+-@\uff1d\uff0b\uff0d\uff20"

// NeutralizeCell returns the CSV cell s as OWASP recommends against CSV
// injection: with a leading apostrophe when a spreadsheet would read it
// as a formula — when it begins with =, +, -, @, a tab or a carriage
// return, also after leading spaces or other invisible characters
// (" =1+1", a right-to-left mark before "="), which some spreadsheets
// skip. The apostrophe makes the spreadsheet show the cell as text, and
// is not shown. Any other cell is returned as it is.
//
// A cell holding a negative number ("-5") is neutralised too: every
// cell neutralised is text in the catalogue (a title, a tag, a label),
// never a number harvest computed.
func NeutralizeCell(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	rest := strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	})
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && strings.ContainsRune(formulaStarters, r) {
		return "'" + s
	}
	return s
}

// ListSeparator joins list fields in a CSV cell.
const ListSeparator = "; "

func (c *csvWriter) Write(p harvest.Publication) error {
	if !c.header {
		c.header = true
		if err := c.c.Write(CSVHeader); err != nil {
			return fmt.Errorf("export header: %w", err)
		}
	}
	var urls, labels []string
	for _, d := range p.Downloads {
		urls = append(urls, d.URL)
		labels = append(labels, d.Label)
	}
	// External links as downloads: the URLs in one column, their labels
	// in the next, in the same order.
	var linkURLs, linkLabels []string
	for _, l := range p.ExternalLinks {
		linkURLs = append(linkURLs, l.URL)
		linkLabels = append(linkLabels, l.Label)
	}
	row := []string{
		strconv.FormatInt(p.ID, 10), p.Source, p.URL, p.CanonicalURL, p.Title, p.Summary,
		strings.Join(p.Categories, ListSeparator), strings.Join(p.Tags, ListSeparator),
		strings.Join(urls, ListSeparator), strings.Join(labels, ListSeparator),
		p.Publisher, p.Published, p.Language,
		stamp(p.FirstSeen), stamp(p.LastSeen), stamp(p.LastChanged),
		strings.Join(p.DuplicateURLs, ListSeparator),
		strings.Join(p.Authors, ListSeparator), p.Image, p.SiteName, p.Type,
		p.Status, stampPtr(p.RemovedAt),
		p.Posted, p.Modified,
		strings.Join(linkURLs, ListSeparator), strings.Join(linkLabels, ListSeparator),
	}
	if !c.raw {
		for i, cell := range row {
			if !csvGenerated[CSVHeader[i]] {
				row[i] = NeutralizeCell(cell)
			}
		}
	}
	if err := c.c.Write(row); err != nil {
		return fmt.Errorf("export record %d: %w", p.ID, err)
	}
	return nil
}

func (c *csvWriter) Close() error {
	if !c.header {
		if err := c.c.Write(CSVHeader); err != nil {
			return fmt.Errorf("export header: %w", err)
		}
	}
	c.c.Flush()
	if err := c.c.Error(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return c.w.Flush()
}

func stampPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
