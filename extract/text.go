package extract

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SummaryLimit is the longest summary Page returns, in characters
// (runes). A longer text is cut at the last sentence boundary before the
// limit, or at the last word boundary when the text has no sentence end
// there.
const SummaryLimit = 1500

// titleLimit and termLimit bound titles and single terms; a longer
// "term" is a paragraph that was mistaken for a term list.
const (
	titleLimit     = 500
	termLimit      = 100
	publisherLimit = 300
)

// normSpace collapses white space (Unicode spaces included) to single
// spaces and trims the ends. It drops soft hyphens, zero-width characters,
// byte-order marks, control characters and U+FFFD (the mark of a
// character lost before the text reached harvest: it carries nothing),
// and reads bytes that are not valid UTF-8 as windows-1252 (see
// repairUTF8).
func normSpace(s string) string {
	if isNormal(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = string(repairUTF8([]byte(s)))
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '\u00ad', r == '\u200b', r == '\u200c', r == '\u200d', r == '\u2060', r == '\ufeff', r == '\ufffd':
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isNormal reports whether normSpace would return s unchanged: printable
// ASCII, single spaces, no space at either end.
func isNormal(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prev := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == ' ' && prev == ' ' {
			return false
		}
		prev = c
	}
	return true
}

var entityRe = regexp.MustCompile(`&(#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// cleanText normalises white space and decodes character references that
// survived the HTML parser (titles and JSON-LD strings that were escaped
// twice, such as "&amp;#8211;").
func cleanText(s string) string {
	if strings.IndexByte(s, '&') >= 0 && entityRe.MatchString(s) {
		s = html.UnescapeString(s)
	}
	return normSpace(s)
}

// suspendedNext are words after which "x- word" is a suspended hyphen
// ("pre- and post-war"), not a line-break hyphen.
var suspendedNext = map[string]bool{
	"and": true, "or": true, "to": true, "nor": true, "as": true, "but": true,
	"versus": true, "vs": true, "und": true, "oder": true, "bis": true,
	"et": true, "ou": true, "y": true, "o": true, "e": true, "ni": true,
}

// repairHyphenation joins words that a PDF line break split ("pro- tect"
// becomes "protect"): a letter run, "-", spaces and a lower-case run. It
// keeps suspended hyphens ("pre- and post-war", the next word being a
// conjunction), and keeps the hyphen when the hyphenated compound appears
// elsewhere in the text ("long- term" becomes "long-term" when
// "long-term" is used elsewhere). A capitalised second part ("Anti-
// Trafficking") is left as it is. s must be space-normalised.
func repairHyphenation(s string) string {
	if !strings.Contains(s, "- ") {
		return s
	}
	var b strings.Builder
	lower := ""
	seen := map[string]bool{} // compounds looked up: whether "left-right" is used elsewhere
	last, i := 0, 0           // s[:last] is written (or unchanged); the search resumes at i
	for {
		k := strings.Index(s[i:], "- ")
		if k < 0 {
			break
		}
		h := i + k
		ls := h
		for ls > last {
			r, size := utf8.DecodeLastRuneInString(s[last:ls])
			if !unicode.IsLetter(r) {
				break
			}
			ls -= size
		}
		j := h + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		re := j
		for re < len(s) {
			r, size := utf8.DecodeRuneInString(s[re:])
			if !unicode.IsLower(r) {
				break
			}
			re += size
		}
		if ls == h || re == j {
			i = h + 1
			continue
		}
		left, right := s[ls:h], s[j:re]
		var repl string
		switch {
		case suspendedNext[right]:
			repl = s[ls:re]
		default:
			if lower == "" {
				lower = strings.ToLower(s)
			}
			compound := strings.ToLower(left + "-" + right)
			used, ok := seen[compound]
			if !ok {
				used = strings.Contains(lower, compound)
				seen[compound] = used
			}
			if used {
				repl = left + "-" + right
			} else {
				repl = left + right
			}
		}
		b.WriteString(s[last:ls])
		b.WriteString(repl)
		last, i = re, re
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

var (
	// readMoreTailRe matches a "Read More" link text left at the end of a
	// teaser, with any ellipsis or arrow around it.
	readMoreTailRe = regexp.MustCompile(`(?i)\s*(?:\[\s*)?(?:\.{2,}|…)?(?:\s*\])?\s*(?:read\s+more|continue\s+reading(?:\s.{0,160})?|read\s+the\s+rest(?:\s.{0,160})?|read\s+full\s+(?:text|article|story|report))\s*[»›→>…\.]*\s*$`)
	// ellipsisTailRe matches a teaser ellipsis at the end of a text.
	ellipsisTailRe = regexp.MustCompile(`\s*(?:\[\s*(?:…|\.{3})\s*\]|…|\.{3,})\s*$`)
	// ellipsisBracketRe matches "[…]" or "[...]" anywhere.
	ellipsisBracketRe = regexp.MustCompile(`\s*\[\s*(?:…|\.{3})\s*\]`)
)

// stripTeaser removes "Read More"/"Continue reading" link texts and teaser
// ellipses. It reports whether the text was cut short (it ended in an
// ellipsis), in which case the caller may cut it back to a sentence end.
func stripTeaser(s string) (string, bool) {
	truncated := false
	for {
		t := s
		if mayEndInReadMore(s) {
			if start := tailMatch(readMoreTailRe, s); start >= 0 {
				if tail := s[start:]; strings.Contains(tail, "..") || strings.Contains(tail, "…") {
					truncated = true
				}
				t = strings.TrimSpace(s[:start])
			}
		}
		if mayEndInEllipsis(t) {
			if start := tailMatch(ellipsisTailRe, t); start >= 0 {
				truncated = true
				t = strings.TrimSpace(t[:start])
			}
		}
		if t == s {
			break
		}
		s = t
	}
	if strings.IndexByte(s, '[') >= 0 && ellipsisBracketRe.MatchString(s) {
		truncated = true
		s = normSpace(ellipsisBracketRe.ReplaceAllString(s, ""))
	}
	return s, truncated
}

// mayEndInReadMore is a cheap test before readMoreTailRe: the words it
// looks for must be in the last few hundred bytes.
func mayEndInReadMore(s string) bool {
	tail := s
	if len(tail) > 400 {
		tail = tail[len(tail)-400:]
	}
	return containsFold(tail, "read more") || containsFold(tail, "continue reading") ||
		containsFold(tail, "read the rest") || containsFold(tail, "read full")
}

// mayEndInEllipsis is a cheap test before ellipsisTailRe.
func mayEndInEllipsis(s string) bool {
	s = strings.TrimRight(s, " ")
	return strings.HasSuffix(s, "…") || strings.HasSuffix(s, "..") || strings.HasSuffix(s, "]")
}

// containsFold reports whether s contains the lower-case ASCII word sub,
// ignoring the case of s.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// tailMatch returns where an end-anchored re matches in the last few
// hundred bytes of s, or -1. Matching only the tail keeps long texts
// cheap.
func tailMatch(re *regexp.Regexp, s string) int {
	off := 0
	if len(s) > 400 {
		off = len(s) - 400
		for off < len(s) && !utf8.RuneStart(s[off]) {
			off++
		}
	}
	if loc := re.FindStringIndex(s[off:]); loc != nil {
		return off + loc[0]
	}
	return -1
}

// lastSentenceEnd returns the index just after the last sentence end in
// rs: a full stop, question or exclamation mark (and any closing quote or
// bracket) followed by a space or the end of the text; abbreviations such
// as "e.g." and initials do not count. It returns -1 when there is none.
func lastSentenceEnd(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		switch rs[i] {
		case '.', '!', '?':
			j := i + 1
			for j < len(rs) && strings.ContainsRune(`"'”’)»]`, rs[j]) {
				j++
			}
			if j == len(rs) || rs[j] == ' ' {
				// "e.g." and single initials are not sentence ends.
				if rs[i] == '.' && i >= 2 && (rs[i-2] == '.' || rs[i-2] == ' ') {
					continue
				}
				return j
			}
		}
	}
	return -1
}

// capText cuts s to at most limit runes, at the last sentence end before
// the limit or, failing that, at the last space.
func capText(s string, limit int) string {
	if len(s) <= limit || utf8.RuneCountInString(s) <= limit {
		return s
	}
	rs := []rune(s)
	rs = rs[:limit]
	if end := lastSentenceEnd(rs); end > limit/3 {
		return strings.TrimSpace(string(rs[:end]))
	}
	if i := lastIndexRune(rs, ' '); i > 0 {
		return strings.TrimRight(string(rs[:i]), " ,;:-–—")
	}
	return string(rs)
}

// cutToSentence cuts a truncated teaser back to its last complete sentence
// when that keeps at least half of it.
func cutToSentence(s string) string {
	rs := []rune(s)
	if end := lastSentenceEnd(rs); end >= len(rs)/2 {
		return strings.TrimSpace(string(rs[:end]))
	}
	return s
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

// cleanSummary turns a paragraph or description into a summary: white
// space normalised, teaser links and ellipses removed, hyphenation
// repaired, length capped.
func cleanSummary(s string) string {
	s = summaryLabelRe.ReplaceAllString(cleanText(s), "")
	s, truncated := stripTeaser(s)
	if truncated {
		s = cutToSentence(s)
	}
	s = capText(s, 2*SummaryLimit) // the rest is cut anyway: bound the work below
	s = dropBoilerplate(s)
	s = repairHyphenation(s)
	return capText(s, SummaryLimit)
}

// summaryLabelRe is a label in front of an abstract ("Abstract: ...").
var summaryLabelRe = regexp.MustCompile(`(?i)^(?:abstract|summary|executive\s+summary|r[ée]sum[ée]|zusammenfassung|kurzfassung|resumen|description)\s*[:：—–-]\s*`)

// Boilerplate sentences are page furniture rather than description:
// calls to click, share, download, subscribe or follow
// (boilerplateStartRe, at a sentence's start), cookie notices and rights
// notices (boilerplateAnyRe, anywhere). boilerplateWords are the words
// one of them needs: a text holding none is not searched.
var (
	boilerplateStartRe = regexp.MustCompile(`(?i)^(?:(?:please\s+)?(?:click|tap)\s+(?:here|below|the\s+link)|(?:you\s+can\s+)?download\s+(?:the|this|our|it|a|now|here|full|pdf)\b|download\s*[.!]?$|share\s+(?:this|on|via)\b|print\s+(?:this|page)\b|subscribe\s+(?:to|now|here)\b|sign\s+up\b|follow\s+us\b|read\s+(?:more|the\s+full)\b|skip\s+to\b)`)
	boilerplateAnyRe   = regexp.MustCompile(`(?i)\bclick\s+here\b|\b(?:we|this\s+(?:web)?site)\s+uses?\s+cookies\b|\baccept\s+(?:all\s+)?cookies\b|\bcookie\s+(?:policy|settings|preferences)\b|\ball\s+rights\s+reserved\b`)
	boilerplateWords   = []string{"click", "tap ", "download", "share", "print", "subscribe", "sign up", "follow us", "read more", "read the full", "skip to", "cookie", "rights reserved"}
)

// boilerplateFirst are the first words of boilerplateStartRe.
var boilerplateFirst = set("please", "click", "tap", "you", "download", "share", "print", "subscribe", "sign", "follow", "read", "skip")

// isBoilerplate reports whether one sentence is boilerplate.
func isBoilerplate(sentence string) bool {
	first := sentence
	if i := strings.IndexByte(first, ' '); i >= 0 {
		first = first[:i]
	}
	if boilerplateFirst[strings.ToLower(strings.TrimRight(first, ".!"))] && boilerplateStartRe.MatchString(sentence) {
		return true
	}
	lower := strings.ToLower(sentence)
	if !strings.Contains(lower, "click here") && !strings.Contains(lower, "cookie") && !strings.Contains(lower, "rights reserved") {
		return false
	}
	return boilerplateAnyRe.MatchString(sentence)
}

// dropBoilerplate removes boilerplate sentences from a text.
func dropBoilerplate(s string) string {
	found := false
	lower := strings.ToLower(s)
	for _, w := range boilerplateWords {
		if strings.Contains(lower, w) {
			found = true
			break
		}
	}
	if !found {
		return s
	}
	parts := sentences(s)
	kept := parts[:0]
	for _, p := range parts {
		if !isBoilerplate(p) {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(parts) {
		return s
	}
	return strings.Join(kept, " ")
}

// sentences splits a space-normalised text after each sentence end (see
// lastSentenceEnd for what counts).
func sentences(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '.', '!', '?':
			j := i + 1
			for j < len(rs) && strings.ContainsRune(`"'”’)»]`, rs[j]) {
				j++
			}
			if j < len(rs) && rs[j] != ' ' {
				continue
			}
			if rs[i] == '.' && i >= 2 && (rs[i-2] == '.' || rs[i-2] == ' ') {
				continue // "e.g." and initials
			}
			if t := strings.TrimSpace(string(rs[start:j])); t != "" {
				out = append(out, t)
			}
			start = j
			i = j - 1
		}
	}
	if t := strings.TrimSpace(string(rs[start:])); t != "" {
		out = append(out, t)
	}
	return out
}

var termSepRe = regexp.MustCompile(`\s*(?:[,;|•·]|\s/\s)\s*`)

// splitTerms splits a plain-text term list ("Asia, Europe; Global") into
// its terms.
func splitTerms(s string) []string {
	var out []string
	for _, t := range termSepRe.Split(cleanText(s), -1) {
		if t = cleanTerm(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// cleanTerm normalises one term and rejects what cannot be one.
func cleanTerm(s string) string {
	s = strings.Trim(cleanText(s), " ,;|:.•·#")
	if s == "" || utf8.RuneCountInString(s) > termLimit {
		return ""
	}
	return s
}

// isIdentifier reports whether s (trimmed) is a single identifier-like
// token of at most 64 characters: the shape of a CMS identifier,
// lower-case ASCII words joined with "_" or "-" ("post", "nav_menu_item",
// "acf-field-group"), that is [a-z][a-z0-9]*([_-][a-z0-9]+)*.
func isIdentifier(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 2 || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	joiner := false // the previous byte was "_" or "-"
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			joiner = false
		case c == '_' || c == '-':
			if joiner {
				return false
			}
			joiner = true
		default:
			return false
		}
	}
	return !joiner
}

// MinIdentifierRun is the shortest run of identifier lines treated as a
// leaked CMS list; at least a third of the run must contain "_" or "-".
const MinIdentifierRun = 4

// isIdentifierRun reports whether tokens, all identifier-like, look like a
// leaked list of CMS names rather than a short list of plain words.
func isIdentifierRun(tokens []string) bool {
	if len(tokens) < MinIdentifierRun {
		return false
	}
	joined := 0
	for _, t := range tokens {
		if !isIdentifier(t) {
			return false
		}
		if strings.ContainsAny(t, "_-") {
			joined++
		}
	}
	return joined*3 >= len(tokens)
}

// sameText compares two strings by their letters and digits only.
func sameText(a, b string) bool {
	return a != "" && letters(a) == letters(b)
}

// letters returns the lower-cased letters and digits of s, words
// separated by single spaces.
func letters(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// resembles reports whether two titles name the same thing: equal when
// reduced to letters and digits, one containing the other and at least
// 60% of its length, or sharing at least 60% of their words.
func resembles(a, b string) bool {
	la, lb := letters(a), letters(b)
	if la == "" || lb == "" {
		return false
	}
	if la == lb {
		return true
	}
	short, long := la, lb
	if len(short) > len(long) {
		short, long = long, short
	}
	if strings.Contains(long, short) && len(short)*10 >= len(long)*6 {
		return true
	}
	wa, wb := strings.Fields(la), strings.Fields(lb)
	set := make(map[string]bool, len(wa))
	for _, w := range wa {
		set[w] = true
	}
	common := 0
	seen := map[string]bool{}
	for _, w := range wb {
		if set[w] && !seen[w] {
			common++
			seen[w] = true
		}
	}
	union := len(set)
	for _, w := range wb {
		if !set[w] {
			union++
			set[w] = true
		}
	}
	return union > 0 && common*10 >= union*6
}

// dedupeFold appends the terms of add to list, skipping those already
// present when compared case-insensitively.
func dedupeFold(list []string, add ...string) []string {
	for _, t := range add {
		if t == "" {
			continue
		}
		dup := false
		for _, have := range list {
			if strings.EqualFold(have, t) {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, t)
		}
	}
	return list
}
