package export

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"harvest"
)

// RIS (Research Information Systems): one "TAG  - value" line per
// field, records from "TY  - " to "ER  - ", as EndNote, Zotero,
// Mendeley, RefWorks and bibutils read it. Lines end with CR LF, as the
// RIS specification and Zotero write them.
//
// RIS is line-based: a line break inside a value would start a new line
// that a reader takes for a tag or, worse, for "ER  - " (the end of the
// record). So every run of line breaks and other control characters in
// a value is folded into one space (a summary's paragraphs become one
// line), and a value is trimmed. An empty value is left out, with its
// tag. Values are not shortened: the old 255-character limit of some
// tags is not kept by any current reader.

type risWriter struct {
	w *bufio.Writer
}

// risField folds s to one line (see above).
func risField(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func (r *risWriter) tag(tag, value string) {
	value = risField(value)
	if value == "" {
		return
	}
	r.w.WriteString(tag)
	r.w.WriteString("  - ")
	r.w.WriteString(value)
	r.w.WriteString("\r\n")
}

// risDate is a date as RIS's DA and Y2 take it: YYYY/MM/DD/, with the
// unknown parts empty (2019///, 2019/03//).
func risDate(d citeDate) string {
	if d.year == 0 {
		return ""
	}
	s := strconv.Itoa(d.year) + "/"
	if d.month != 0 {
		s += fmt.Sprintf("%02d", d.month)
	}
	s += "/"
	if d.day != 0 {
		s += fmt.Sprintf("%02d", d.day)
	}
	return s + "/"
}

// risName writes a person as "Family, Given" (", Suffix" after), and an
// organisation whole with a comma after it ("International Labour
// Organization,"): the trailing comma, an empty given name, is how
// EndNote marks a corporate author, and Zotero reads a name with
// nothing after its comma as one field (an institution) too. A reader
// that knows neither convention (bibutils without a list of
// corporations) splits it like a person's name.
func risName(n citeName) string {
	if n.literal != "" {
		return n.literal + ","
	}
	s := n.family + ", " + n.given
	if n.suffix != "" {
		s += ", " + n.suffix
	}
	return s
}

// isPDF reports a download that is a PDF, for RIS's L1 ("PDF" in
// Zotero); other files go in L4 (Zotero's "other attachments").
func isPDF(d harvest.Download) bool {
	mt := strings.ToLower(d.MediaType)
	if strings.HasPrefix(mt, "application/pdf") {
		return true
	}
	if mt != "" {
		return false
	}
	u := strings.ToLower(d.URL)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return strings.HasSuffix(u, ".pdf")
}

func (r *risWriter) Write(p harvest.Publication) error {
	kind, genre := citeKindOf(p.Type)
	names := citeNames(&p)
	d := parseCiteDate(p.Published)
	r.tag("TY", kind.ris)
	r.tag("ID", citeKey(&p, names, d))
	r.tag("TI", p.Title)
	for _, n := range names {
		r.tag("AU", risName(n))
	}
	if d.year != 0 {
		r.tag("PY", strconv.Itoa(d.year))
		r.tag("DA", risDate(d))
	}
	r.tag("PB", p.Publisher)
	// M3 is Zotero's report, thesis and presentation type; for other
	// types Zotero reads M3 as a DOI, so it is written for these only.
	switch kind.ris {
	case "RPRT", "THES", "SLIDE":
		r.tag("M3", genre)
	}
	r.tag("LA", p.Language)
	r.tag("UR", pageURL(&p))
	for _, dl := range p.Downloads {
		if isPDF(dl) {
			r.tag("L1", dl.URL)
		} else {
			r.tag("L4", dl.URL)
		}
	}
	r.tag("AB", p.Summary)
	for _, k := range citeKeywords(&p) {
		r.tag("KW", k)
	}
	// DP is the database provider, Zotero's "library catalog": the site
	// the record was harvested from.
	r.tag("DP", p.SiteName)
	// Y2 is the access date in the RIS specification of 2011, which
	// Zotero, EndNote and Mendeley follow. (bibutils 7 follows the older
	// one, where Y2 is a secondary date, and appends it to the date.)
	r.tag("Y2", risDate(dayOf(p.LastSeen)))
	r.w.WriteString("ER  - \r\n\r\n")
	return nil
}

func (r *risWriter) Close() error { return r.w.Flush() }
