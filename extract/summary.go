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

// chooseSummary prefers the page's own description (desc: an abstract,
// JSON-LD, OpenGraph or meta description), written to say what the page
// is, over the first paragraph of the content, which is often a caption,
// a disclaimer or a scene-setting lede. The paragraph wins where the
// description is only its beginning: a description cut short by the CMS
// ("…", "[...]", "Read more", or a prefix of the paragraph) is completed
// from the content paragraph it begins (or cut back to its last full
// sentence when no paragraph begins with it). With no description, the
// paragraph. On the page of a document (one with downloads or document
// metadata: a report, a paper) a paragraph that elaborates a short
// description is its abstract, and wins. It says which it took: "desc"
// or "content".
func chooseSummary(para, desc string, lines []line, document bool) (string, string) {
	if desc == "" {
		return para, "content"
	}
	body, truncated := stripTeaser(summaryLabelRe.ReplaceAllString(desc, ""))
	if !truncated && !strings.ContainsRune(".!?…\"”’)»。！？", lastRune(body)) {
		truncated = true // stops mid-sentence: cut at a length
	}
	if full := paragraphBeginning(lines, body); full != "" && (truncated || utf8.RuneCountInString(full) > utf8.RuneCountInString(body)) {
		if s := cleanSummary(full); s != "" {
			return s, "content"
		}
	}
	if document && para != "" && (elaborates(para, body) || label(body, para)) {
		return para, "content"
	}
	s := cleanSummary(desc)
	if s == "" {
		return para, "content"
	}
	if truncated {
		s = completeSentences(s)
	}
	return s, "desc"
}

// markupTagRe matches an HTML tag written into a description's text (a
// CMS that put the excerpt's markup into JSON-LD or a meta tag).
var markupTagRe = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]{0,200})?/?>`)

// derivedDescription reports whether a description was made from the
// content rather than written: cut short (a teaser mark, or no closing
// punctuation) or the beginning of a content paragraph.
func derivedDescription(desc string, lines []line) bool {
	if desc == "" {
		return false
	}
	body, truncated := stripTeaser(summaryLabelRe.ReplaceAllString(desc, ""))
	if truncated || !strings.ContainsRune(".!?…\"”’)»。！？", lastRune(body)) {
		return true
	}
	return paragraphBeginning(lines, body) != ""
}

// elaborates reports whether the content's paragraph says at length what
// a short description says in a line — an abstract and its tagline, as
// CMS pages of reports have them: the paragraph is at least twice as
// long, holds two sentences or more, and most of the description's words
// (of four letters or more) occur in it. A news standfirst and the
// story's first paragraph share far fewer words.
func elaborates(para, desc string) bool {
	if utf8.RuneCountInString(para) < 2*utf8.RuneCountInString(desc) || sentenceCount(para) < 2 {
		return false
	}
	in := map[string]bool{}
	for _, w := range strings.Fields(letters(para)) {
		in[stem(w)] = true
	}
	n, hit := 0, 0
	seen := map[string]bool{}
	for _, w := range strings.Fields(letters(desc)) {
		if utf8.RuneCountInString(w) < 4 || seen[w] {
			continue
		}
		seen[w] = true
		n++
		if in[stem(w)] {
			hit++
		}
	}
	return n > 0 && hit*10 >= n*6
}

// label reports whether a description is a one-line label ("Working
// paper on piece rates in leather tanning.") beside a paragraph of two
// sentences or more.
func label(desc, para string) bool {
	return utf8.RuneCountInString(desc) < 80 && sentenceCount(desc) <= 1 && sentenceCount(para) >= 2
}

// stem cuts a word to its first five letters: enough to match "rates"
// with "rate" and "indicators" with "indicator" across a paraphrase.
func stem(w string) string {
	if rs := []rune(w); len(rs) > 5 {
		return string(rs[:5])
	}
	return w
}

// sentenceCount counts the sentence ends in s.
func sentenceCount(s string) int {
	n := 0
	rs := []rune(s)
	for i, r := range rs {
		if strings.ContainsRune(".!?。！？", r) && (i == len(rs)-1 || rs[i+1] == ' ') {
			n++
		}
	}
	return n
}

// paragraphBeginning returns the text of the first content line that
// begins with the words of desc (ignoring case, punctuation and a last
// word cut in half), or "".
func paragraphBeginning(lines []line, desc string) string {
	want := strings.Fields(letters(desc))
	if len(want) > 1 {
		want = want[:len(want)-1] // the last word may be cut
	}
	if len(want) < 4 {
		return ""
	}
	if len(want) > 30 {
		want = want[:30]
	}
	for _, l := range lines {
		if !summaryBlock(l) || utf8.RuneCountInString(l.text) < len(want) {
			continue
		}
		got := strings.Fields(letters(l.text))
		if len(got) < len(want) {
			continue
		}
		same := true
		for i, w := range want {
			if got[i] != w {
				same = false
				break
			}
		}
		if same {
			return l.text
		}
	}
	return ""
}

// siteBlurb reports whether a description is the site's blurb about
// itself (a CMS's site-wide default) rather than about this page: it
// names the site and is not about the page (see about).
func siteBlurb(desc, title, para string, names []string, titleTag string) bool {
	if about(desc, title+" "+para) {
		return false
	}
	// The <title> often ends with the site's name: "Report - Site".
	for _, sep := range []string{" - ", " | ", " – ", " — ", " :: ", " » ", " · "} {
		if i := strings.LastIndex(titleTag, sep); i > 0 {
			names = append(names, titleTag[i+len(sep):])
		}
	}
	ld := " " + letters(desc) + " "
	for _, n := range names {
		if ln := letters(n); ln != "" && strings.Contains(ld, " "+ln+" ") {
			return true
		}
	}
	return false
}

// cmsPlaceholders are descriptions a CMS writes when the author wrote
// none: WordPress's default tagline, and the og:description Jetpack (and
// WordPress.com) gives a post without an excerpt.
var cmsPlaceholders = map[string]bool{
	"visit the post for more":           true,
	"just another wordpress site":       true,
	"just another wordpress.com site":   true,
	"just another wordpress weblog":     true,
	"just another wordpress.com weblog": true,
}

// usableDescription reports whether a description can be a summary: a
// few words at least (characters, for scripts without spaces), not the
// title again, not an address, not a CMS's placeholder.
func usableDescription(d, title string) bool {
	if d == "" || strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "https://") {
		return false
	}
	if cmsPlaceholders[strings.TrimRight(strings.ToLower(strings.TrimSpace(d)), ".…! ")] {
		return false
	}
	if len(strings.Fields(d)) < 4 && utf8.RuneCountInString(d) < 24 {
		return false
	}
	return title == "" || letters(d) != letters(title)
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
