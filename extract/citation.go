package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// citationTailRe is the "<Publisher>, <YYYY>" end of a citation line.
	citationTailRe = regexp.MustCompile(`^(.+?),\s*((?:18|19|20)\d{2}|2100)\.?$`)
	// fileNoteRe is a trailing note about the file: "[PDF]", "(PDF, 2 MB)".
	fileNoteRe     = regexp.MustCompile(`(?i)\s*[\[(](?:pdf|docx?|xlsx?|pptx?|epub|zip|[^)\]]*\b[0-9.,]+\s*[km]b)[^)\]]{0,40}[\])]\s*$`)
	citationDashes = []string{" - ", " – ", " — "}
	publisherRe    = regexp.MustCompile(`(?i)^(?:publisher|published\s+by|publishing\s+organi[sz]ation|[ée]diteur|herausgeber(?:in)?|editorial)\s*[:：]\s*(.+)$`)
	publishedByRe  = regexp.MustCompile(`(?i)^(?:published|issued|produced)\s+by\s+(.+?)\.?$`)
	downloadTextRe = regexp.MustCompile(`(?i)\b(?:download|t[ée]l[ée]charger|descargar|herunterladen|scarica)\b`)
)

// saysDownload reports whether a link's text says "Download" (or
// "Télécharger", "Descargar", "Herunterladen", "Scarica").
func saysDownload(t string) bool {
	if !containsFold(t, "download") && !containsFold(t, "charger") && !containsFold(t, "descargar") &&
		!containsFold(t, "herunterladen") && !containsFold(t, "scarica") {
		return false
	}
	return downloadTextRe.MatchString(t)
}

// citation is what a line "<Title> - <Publisher>, <YYYY>" says.
type citation struct {
	publisher, year string
}

// findCitation looks for the page's citation line among lines: "<Title>
// - <Publisher>, <YYYY>" (any dash, spaced), optionally followed by its
// download links. The title part must resemble the page title, unless the
// line carries a download link.
func findCitation(lines []line, title string) (citation, bool) {
	for _, l := range lines {
		text, hasDownload := withoutDownloadLinks(l)
		if c, ok := parseCitation(text, title, hasDownload); ok {
			return c, true
		}
	}
	return citation{}, false
}

// withoutDownloadLinks returns the line's text without the text of its
// trailing download links and file notes, and whether it had any.
func withoutDownloadLinks(l line) (string, bool) {
	text := l.text
	found := false
	for i := len(l.links) - 1; i >= 0; i-- {
		a := l.links[i]
		lt := nodeText(a)
		if !isDocumentLink(a) && !saysDownload(lt) {
			continue
		}
		found = true
		if lt != "" && strings.HasSuffix(text, lt) {
			text = strings.TrimSpace(strings.TrimSuffix(text, lt))
		}
		text = strings.TrimRight(fileNoteRe.ReplaceAllString(text, ""), " |·•")
	}
	return text, found
}

// parseCitation splits a citation line. Of the dashes that leave a
// "<Publisher>, <YYYY>" tail, it takes the one whose title part is
// closest to title (a title may hold dashes itself). With loose set, a
// title part that does not resemble title is accepted (the last such
// dash is used).
func parseCitation(text, title string, loose bool) (citation, bool) {
	if len(text) > 2400 || !endsWithYear(text) || utf8.RuneCountInString(text) > 600 {
		return citation{}, false
	}
	var best, fallback citation
	bestDist, haveFallback := -1, false
	want := len(letters(title))
	for i := 0; i < len(text); i++ {
		sep := ""
		for _, d := range citationDashes {
			if strings.HasPrefix(text[i:], d) {
				sep = d
				break
			}
		}
		if sep == "" {
			continue
		}
		left, right := strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len(sep):])
		m := citationTailRe.FindStringSubmatch(right)
		if m == nil || left == "" {
			continue
		}
		pub := cleanPublisher(m[1])
		if pub == "" {
			continue
		}
		c := citation{publisher: pub, year: m[2]}
		fallback, haveFallback = c, true
		if title == "" || !resembles(left, title) {
			continue
		}
		dist := len(letters(left)) - want
		if dist < 0 {
			dist = -dist
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	switch {
	case bestDist >= 0:
		return best, true
	case loose && haveFallback:
		return fallback, true
	}
	return citation{}, false
}

// endsWithYear is the cheap test before citationTailRe: the text ends
// in four digits, or four digits and a full stop.
func endsWithYear(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) < 4 {
		return false
	}
	for i := len(s) - 4; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cleanPublisher normalises a publisher name and rejects what is not one.
func cleanPublisher(s string) string {
	s = trimFullStop(strings.Trim(cleanText(s), " ,;:-–—"))
	s = strings.TrimLeft(s, ".")
	if utf8.RuneCountInString(s) < 2 || utf8.RuneCountInString(s) > publisherLimit || letters(s) == "" {
		return ""
	}
	if parseDate(s) != "" {
		return ""
	}
	return s
}

// trimFullStop removes a sentence's final full stop, but not the dot of
// an abbreviation ending a name ("e.V.", "Inc.", "Ltd.", "S.A.").
func trimFullStop(s string) string {
	if !strings.HasSuffix(s, ".") {
		return s
	}
	t := strings.TrimRight(s, ".")
	last := t
	if i := strings.LastIndexAny(t, " ,"); i >= 0 {
		last = t[i+1:]
	}
	if strings.Contains(last, ".") || utf8.RuneCountInString(last) <= 3 && last != "" && unicode.IsUpper([]rune(last)[0]) {
		return t + "."
	}
	return t
}

// labelledPublisher reads a "Publisher: X" line (or a "Publisher" label
// whose value is the next element) or a short "Published by X, 2021."
// line. A trailing ", <YYYY>" is the document's year, returned as year.
func labelledPublisher(lines []line) (publisher, year string) {
	for i, l := range lines {
		value := ""
		if m := publisherRe.FindStringSubmatch(l.text); m != nil {
			value = m[1]
		} else if m := publishedByRe.FindStringSubmatch(l.text); m != nil && utf8.RuneCountInString(l.text) <= 150 {
			value = m[1]
		} else if labelOnly(l.text, "publisher", "published by", "éditeur", "herausgeber") {
			if v := valueElement(lines, i); v != nil {
				value = nodeText(v)
			}
		}
		if value == "" {
			continue
		}
		value = trimFullStop(strings.TrimSpace(value))
		if m := citationTailRe.FindStringSubmatch(value); m != nil {
			value, year = m[1], m[2]
		}
		if p := cleanPublisher(value); p != "" {
			return p, year
		}
		year = ""
	}
	return "", ""
}

// labelOnly reports whether text is one of the labels, alone, with or
// without a colon.
func labelOnly(text string, labels ...string) bool {
	t := strings.ToLower(strings.TrimSpace(strings.TrimRight(text, ":： ")))
	for _, l := range labels {
		if t == l {
			return true
		}
	}
	return false
}
