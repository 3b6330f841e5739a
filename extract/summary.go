package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/atom"
)

// Minimum size of a substantive paragraph.
const (
	minSummaryChars = 60
	minSummaryWords = 8
)

var (
	// notSummaryRe matches lines that open with a label or an action:
	// bylines, dates, download, share and citation prompts, term lists.
	notSummaryRe = regexp.MustCompile(`^(?:[Bb]y\s+\p{Lu}|(?i:download\b|share(?:\s+this|\s+on|:)|posted\s+(?:on|in|by)\b|(?:published|issued|produced)\s+by\b|[ée]diteur\s*:|published\s*(?:on\b|:)|written\s+by\b|authors?(?:\(s\))?\s*:|date\s*:|(?:last\s+)?updated\s*(?:on\b|:)|filed\s+under\b|print\s+(?:this|page)\b|e-?mail\s*(?:this\b|:)|©|copyright\b|cite\s+this\b|(?:suggested\s+)?citation\s*:|how\s+to\s+cite\b|tags?\s*:|keywords?\s*:|categor(?:y|ies)\s*:|topics?\s*:|types?\s*:|resource\s+types?\s*:|publisher\s*:|source\s*:|language\s*:|pages?\s*:|isbn\b|format\s*:|file\s+size\b))`)
	// yearParenRe is the "(2018)" of a bibliographic reference.
	yearParenRe = regexp.MustCompile(`\((?:18|19|20)\d{2}[a-z]?\)`)
	// truncatedRe matches a description cut short by the CMS.
	truncatedRe = regexp.MustCompile(`(?:…|\.{3}|\[\s*(?:…|\.{3})\s*\]|(?i:read\s+more|continue\s+reading)[^.!?]{0,80})\s*$`)
)

// summaryBlock says whether a line's block can hold a summary paragraph.
func summaryBlock(l line) bool {
	return !isHeading(l.block) && !isElement(l.block, atom.Li, atom.Dt, atom.Th, atom.Figcaption, atom.Caption, atom.Pre, atom.Address, atom.Label)
}

// substantive reports whether a line is a real paragraph of the
// publication's own description rather than a citation, download or share
// line, a byline or date, a term list or a repeat of the title.
func substantive(l line, title string) bool {
	t := l.text
	if utf8.RuneCountInString(t) < minSummaryChars || len(strings.Fields(t)) < minSummaryWords {
		return false
	}
	if !summaryBlock(l) || notSummaryRe.MatchString(t) || parseDate(t) != "" {
		return false
	}
	if utf8.RuneCountInString(t) < 120 && !strings.ContainsRune(".!?…\"”’)»:", lastRune(t)) {
		return false // a short line that is no sentence: a byline, a label, a caption
	}
	if hasClass(l.block, "byline", "entry-meta", "post-meta", "meta", "author", "authors", "dateline", "kicker", "caption", "wp-caption-text") {
		return false
	}
	if title != "" && len(t) <= 2*len(title)+50 && resembles(t, title) {
		return false // a repeat of the title (a paragraph that long is none)
	}
	if _, dl := withoutDownloadLinks(l); dl {
		return false
	}
	if _, ok := parseCitation(t, title, false); ok {
		return false
	}
	if title != "" && yearParenRe.MatchString(t) && strings.Contains(letters(t), letters(title)) {
		return false // a reference: "Okafor, C. (2018) <Title>. Technical Report."
	}
	upper, lower := 0, 0
	for _, r := range t {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	return lower > upper
}

// firstParagraph returns the first substantive line, cleaned.
func firstParagraph(lines []line, title string) string {
	for _, l := range lines {
		if substantive(l, title) {
			if s := cleanSummary(l.text); s != "" {
				return s
			}
		}
	}
	return ""
}

// about reports whether a description is about the page: at least a
// third of its words of four letters or more occur in ref (the title and
// first paragraph). A site-wide blurb about the organisation is not.
func about(desc, ref string) bool {
	words := map[string]bool{}
	for _, w := range strings.Fields(letters(ref)) {
		if len(w) >= 4 {
			words[w] = true
		}
	}
	seen := map[string]bool{}
	n, hit := 0, 0
	for _, w := range strings.Fields(letters(desc)) {
		if len(w) < 4 || seen[w] {
			continue
		}
		seen[w] = true
		n++
		if words[w] {
			hit++
		}
	}
	return n > 0 && hit*3 >= n
}

// chooseSummary takes the content's first paragraph, or the page's
// description when that is fuller: longer and not a teaser cut short.
// With no paragraph, the description is used even when cut short, back
// to its last full sentence. It reports whether the description was
// taken.
func chooseSummary(para, desc string) (string, bool) {
	desc = cleanText(desc)
	if desc == "" {
		return para, false
	}
	if para == "" {
		return completeSentences(cleanSummary(desc)), true
	}
	if utf8.RuneCountInString(desc) <= utf8.RuneCountInString(para) || truncatedRe.MatchString(desc) {
		return para, false // cleaning only shortens: a shorter description cannot be fuller
	}
	if d := completeSentences(cleanSummary(desc)); utf8.RuneCountInString(d) > utf8.RuneCountInString(para) {
		return d, true
	}
	return para, false
}

// completeSentences cuts a description that stops mid-sentence (no
// closing punctuation: the CMS cut it at a word count) back to its last
// complete sentence, when that keeps at least half of it.
func completeSentences(s string) string {
	if s == "" || strings.ContainsRune(".!?…\"”’)»", lastRune(s)) {
		return s
	}
	return cutToSentence(s)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
