package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"harvest"
	"harvest/internal/termsafe"
)

// CSL-JSON: a JSON array of CSL items, the input format of citeproc-js
// (Zotero, Mendeley), citeproc-java, pandoc and citation.js, as the CSL
// data schema (citation-style-language/schema, csl-data.json) defines
// it. JSON holds any text exactly, so nothing is folded or escaped
// beyond JSON's own escapes; as in the other JSON formats, characters
// that could steer a terminal are written as \u escapes.

// cslItem is one CSL item. Fields left empty are omitted.
type cslItem struct {
	ID          string `json:"id"`
	CitationKey string `json:"citation-key,omitempty"`
	Type        string `json:"type"`
	Title       string `json:"title,omitempty"`
	// Author holds people as family/given and organisations as literal.
	Author []cslName `json:"author,omitempty"`
	Issued *cslDate  `json:"issued,omitempty"`
	// Genre is the harvest type where the CSL type does not say it
	// ("Working paper", "Policy brief").
	Genre     string `json:"genre,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	// ContainerTitle is the site's name, for a web page only (the
	// website a page belongs to); for other types it would be read as a
	// journal or a book.
	ContainerTitle string `json:"container-title,omitempty"`
	// Source is the site the record was harvested from, where Zotero
	// keeps its "library catalog".
	Source   string `json:"source,omitempty"`
	Language string `json:"language,omitempty"`
	// URL is the publication's page; CSL has one URL, so the downloads
	// are not written.
	URL      string `json:"URL,omitempty"`
	Abstract string `json:"abstract,omitempty"`
	// Keyword is the tags and categories, joined by ", " (a CSL
	// variable is a string).
	Keyword string `json:"keyword,omitempty"`
	// Accessed is the day the record was last seen on its site.
	Accessed *cslDate `json:"accessed,omitempty"`
}

type cslName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Suffix  string `json:"suffix,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// cslDate is a date as date-parts: [[2019]], [[2019, 3]] or
// [[2019, 3, 4]] — only the parts known.
type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func newCSLDate(d citeDate) *cslDate {
	switch {
	case d.year == 0:
		return nil
	case d.month == 0:
		return &cslDate{DateParts: [][]int{{d.year}}}
	case d.day == 0:
		return &cslDate{DateParts: [][]int{{d.year, d.month}}}
	}
	return &cslDate{DateParts: [][]int{{d.year, d.month, d.day}}}
}

func cslItemOf(p *harvest.Publication) cslItem {
	kind, genre := citeKindOf(p.Type)
	names := citeNames(p)
	d := parseCiteDate(p.Published)
	key := citeKey(p, names, d)
	it := cslItem{
		ID: key, CitationKey: key, Type: kind.csl, Title: oneLine(p.Title),
		Issued: newCSLDate(d), Genre: genre, Publisher: oneLine(p.Publisher),
		Source: oneLine(p.SiteName), Language: strings.TrimSpace(p.Language), URL: pageURL(p),
		Abstract: p.Summary, Keyword: strings.Join(citeKeywords(p), ", "),
		Accessed: newCSLDate(dayOf(p.LastSeen)),
	}
	if kind.csl == "webpage" {
		it.ContainerTitle = oneLine(p.SiteName)
	}
	for _, n := range names {
		if n.literal != "" {
			it.Author = append(it.Author, cslName{Literal: n.literal})
		} else {
			it.Author = append(it.Author, cslName{Family: n.family, Given: n.given, Suffix: n.suffix})
		}
	}
	return it
}

// oneLine is s with every run of white space (line breaks included) as
// one space, trimmed: for the short fields (title, publisher), which
// are one line in every format.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

type cslWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newCSLWriter(bw *bufio.Writer) *cslWriter {
	c := &cslWriter{w: bw}
	c.enc = newEncoder(&c.buf)
	c.enc.SetIndent("  ", "  ")
	return c
}

func (c *cslWriter) Write(p harvest.Publication) error {
	c.buf.Reset()
	if err := c.enc.Encode(cslItemOf(&p)); err != nil {
		return fmt.Errorf("export record %d as CSL-JSON: %w", p.ID, err)
	}
	sep := ",\n  "
	if c.n == 0 {
		sep = "[\n  "
	}
	c.n++
	c.w.WriteString(sep)
	if _, err := c.w.Write(termsafe.JSON(bytes.TrimRight(c.buf.Bytes(), "\n"))); err != nil {
		return fmt.Errorf("export record %d as CSL-JSON: %w", p.ID, err)
	}
	return nil
}

func (c *cslWriter) Close() error {
	if c.n == 0 {
		c.w.WriteString("[")
	}
	c.w.WriteString("\n]\n")
	return c.w.Flush()
}
