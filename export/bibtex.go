package export

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"harvest"
)

// BibTeX: one @type{key, field = {value}, …} entry per record, in the
// entry types and fields of the standard styles, which bibtex, biber,
// JabRef, Zotero and pybtex all read. The file is UTF-8: accented and
// non-Latin letters are written as they are (bibtex 0.99d passes them
// through, biber and JabRef read UTF-8), never as LaTeX accents.
//
// Every value is text for LaTeX, so the characters LaTeX gives a meaning
// are escaped (bibEscape), and every run of white space, line breaks
// included, is written as one space: BibTeX reads any run of white space
// as one space anyway, and a blank line would be a paragraph break in
// LaTeX. Empty fields are left out.

var bibMonths = [...]string{"", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// bibEscape writes s as the text of a BibTeX field:
//
//	%  &  #  _        → \%  \&  \#  \_
//	$                 → \textdollar{}
//	\                 → \textbackslash{}
//	~                 → \textasciitilde{} (a plain ~ is a non-breaking space)
//	^                 → \^{}
//	{ }               → \{ \} when they pair up in s; else \textbraceleft{}
//	                    and \textbraceright{}, because bibtex counts every
//	                    brace, escaped or not, to find the end of a field
//	-- '' ``          → -{}- '{}' `{}` (not the TeX ligatures – ” “)
//
// Double quotes, <, >, |, @ and all non-ASCII characters are written as
// they are. The escapes are the ones LaTeX's own documentation gives;
// among them, where LaTeX has two spellings (\$ or \textdollar), the one
// that the most readers decode back (bibtexparser, pybtex, bibutils,
// JabRef) was chosen.
func bibEscape(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	balanced := bracesBalanced(s)
	var b strings.Builder
	b.Grow(len(s) + 16)
	var prev rune
	for _, r := range s {
		switch r {
		case '%', '&', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '$':
			b.WriteString(`\textdollar{}`)
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\^{}`)
		case '{':
			if balanced {
				b.WriteString(`\{`)
			} else {
				b.WriteString(`\textbraceleft{}`)
			}
		case '}':
			if balanced {
				b.WriteString(`\}`)
			} else {
				b.WriteString(`\textbraceright{}`)
			}
		case '-', '\'', '`':
			if prev == r {
				b.WriteString("{}")
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// bracesBalanced reports whether every { in s is closed by a later }.
func bracesBalanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '{':
			depth++
		case '}':
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// bibURL writes a URL for the url and howpublished fields, which styles
// print verbatim (\url): only the characters that would end or break the
// field are percent-encoded ({, }, \, spaces); the URL means the same.
func bibURL(u string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(u) {
		switch {
		case r == '{' || r == '}' || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r):
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bibName writes an author for BibTeX's "and"-separated list: a person
// as "Family, Given" ("Family, Suffix, Given" with a suffix), an
// organisation in braces ({International Labour Organization}), which
// bibtex then takes as one last name, never split at its spaces or at
// an "and".
func bibName(n citeName) string {
	if n.literal != "" {
		return "{" + bibEscape(n.literal) + "}"
	}
	if n.suffix != "" {
		return bibEscape(n.family) + ", " + bibEscape(n.suffix) + ", " + bibEscape(n.given)
	}
	return bibEscape(n.family) + ", " + bibEscape(n.given)
}

type bibWriter struct {
	w *bufio.Writer
}

func (bw *bibWriter) field(name, value string) {
	if value == "" {
		return
	}
	bw.w.WriteString(",\n  ")
	bw.w.WriteString(name)
	bw.w.WriteString(" = {")
	bw.w.WriteString(value)
	bw.w.WriteString("}")
}

func (bw *bibWriter) Write(p harvest.Publication) error {
	kind, genre := citeKindOf(p.Type)
	names := citeNames(&p)
	d := parseCiteDate(p.Published)
	typ := kind.bib
	// @techreport requires an institution: the publisher, else the name
	// of the site that publishes the report; with neither, the entry is
	// a @misc rather than a report missing a required field.
	institution := oneLine(p.Publisher)
	if institution == "" {
		institution = oneLine(p.SiteName)
	}
	if typ == "techreport" && institution == "" {
		typ = "misc"
	}
	fmt.Fprintf(bw.w, "@%s{%s", typ, citeKey(&p, names, d))
	if len(names) > 0 {
		list := make([]string, len(names))
		for i, n := range names {
			list[i] = bibName(n)
		}
		bw.field("author", strings.Join(list, " and "))
	}
	// The title in a second pair of braces keeps its capitals: the
	// standard styles lower-case titles ("The ilo report"), and a
	// harvested title's case is the site's, which is all there is.
	if t := bibEscape(p.Title); t != "" {
		bw.field("title", "{"+t+"}")
	}
	switch typ {
	case "techreport":
		// type is the label styles print in place of "Technical Report".
		if genre == "" {
			genre = "Report"
		}
		bw.field("type", bibEscape(genre))
		bw.field("institution", bibEscape(institution))
	case "manual":
		bw.field("organization", bibEscape(institution))
	default:
		bw.field("publisher", bibEscape(p.Publisher))
	}
	if d.year != 0 {
		bw.field("year", strconv.Itoa(d.year))
	}
	if d.month != 0 {
		// A month macro (mar), which styles print in their language.
		// Classic BibTeX has no day: a full date keeps year and month.
		bw.w.WriteString(",\n  month = " + bibMonths[d.month])
	}
	if u := bibURL(pageURL(&p)); u != "" {
		bw.field("url", u)
		if typ == "misc" || typ == "booklet" {
			// The standard styles print howpublished, not url, for
			// these types.
			bw.field("howpublished", `\url{`+u+`}`)
		}
	}
	bw.field("abstract", bibEscape(p.Summary))
	keywords := citeKeywords(&p)
	for i, k := range keywords {
		keywords[i] = bibEscape(k)
	}
	// Keywords joined by ", ", as JabRef, biblatex and Zotero split them.
	bw.field("keywords", strings.Join(keywords, ", "))
	bw.field("language", bibEscape(p.Language))
	// urldate is biblatex's access date, which JabRef and Zotero read too
	// and bibtex ignores.
	if a := dayOf(p.LastSeen); a.year != 0 {
		bw.field("urldate", fmt.Sprintf("%04d-%02d-%02d", a.year, a.month, a.day))
	}
	bw.w.WriteString("\n}\n\n")
	return nil
}

func (bw *bibWriter) Close() error { return bw.w.Flush() }
