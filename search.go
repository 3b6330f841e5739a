package harvest

import (
	"strings"
	"unicode"
)

// SearchTerm is one term of a search text: one word or a phrase.
type SearchTerm struct {
	// Words are the term's words, separated by single spaces (see
	// SearchWords).
	Words string
	// Prefix: the last word matches any word starting so (word*).
	Prefix bool
	// Neg: records containing the term are left out (-word).
	Neg bool
	// Or: joined to the previous term by OR.
	Or bool
}

// ParseSearch reads what a user typed into a search box. Every backend
// renders the terms in its own full-text syntax, each term quoted, so that
// no input makes an invalid expression: operators, column filters and
// punctuation typed by the user are plain text.
//
// The syntax understood:
//   - words: a record must contain every word (in any indexed field; case
//     and diacritics ignored);
//   - "a phrase": the words in that order; an unbalanced quote runs to
//     the end of the text;
//   - word* (or "a phrase"*): a trailing * matches any word starting so;
//   - -word or -"a phrase": records containing it are left out;
//   - OR (upper case) between two terms: either will do.
//
// Everything else — AND, NOT, NEAR, parentheses, column:term, a * or -
// elsewhere — is ordinary text, and punctuation separates words as the
// index does. Only the first 32 terms count.
func ParseSearch(s string) []SearchTerm {
	var terms []SearchTerm
	pendingOr := false
	rs := []rune(s)
	for i := 0; i < len(rs) && len(terms) < maxTerms; {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
		}
		var raw string
		if rs[i] == '"' {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i+1 : j])
			i = j + 1 // past the closing quote (or the end)
			if i < len(rs) && rs[i] == '*' {
				raw += "*"
				i++
			}
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i:j])
			i = j
			if raw == "OR" && !neg {
				pendingOr = len(terms) > 0 && !terms[len(terms)-1].Neg
				continue
			}
		}
		prefix := strings.HasSuffix(raw, "*")
		words := SearchWords(raw)
		if words == "" {
			continue
		}
		t := SearchTerm{Words: words, Prefix: prefix, Neg: neg, Or: pendingOr && !neg}
		pendingOr = false
		terms = append(terms, t)
	}

	return terms
}

// HasSearchTerms reports whether s has a term that selects records (not
// only exclusions): a search that ranks.
func HasSearchTerms(s string) bool {
	for _, t := range ParseSearch(s) {
		if !t.Neg {
			return true
		}
	}
	return false
}

// SearchWords keeps the letters, digits and marks of s, each run of
// anything else becoming one space, as the unicode61 tokenizer splits.
func SearchWords(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsNumber(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
