// Package export writes catalogue records as JSON lines, a JSON array or
// CSV, one record at a time, so that memory stays flat however large the
// catalogue.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"harvest"
)

// Formats lists the formats New accepts.
var Formats = []string{"jsonl", "json", "csv"}

// Writer writes publications in one format. Close finishes the document
// (the closing bracket of a JSON array) and flushes; it does not close
// the underlying writer.
type Writer interface {
	Write(p harvest.Publication) error
	Close() error
}

// New returns a Writer for format.
func New(w io.Writer, format string) (Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "jsonl", "":
		return &jsonlWriter{w: bw, enc: newEncoder(bw)}, nil
	case "json":
		return &jsonWriter{w: bw}, nil
	case "csv":
		return &csvWriter{w: bw, c: csv.NewWriter(bw)}, nil
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
	enc *json.Encoder
}

func (j *jsonlWriter) Write(p harvest.Publication) error {
	p.Normalize()
	if err := j.enc.Encode(p); err != nil {
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
	_, err = j.w.Write(b)
	return err
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
	header bool
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
