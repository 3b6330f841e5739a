package extract

import (
	"strings"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// The item's own language. A site declares one language for every page
// in <html lang> (WordPress's setting, a CMS template), so a French item
// on an English site says "en". In order:
//   - bibliographic metadata (citation_language, DC.language): the
//     document's own;
//   - a lang attribute on the entry or its content (the item marked as
//     written in another language than the page around it);
//   - detection from the content's text (whatlanggo: trigrams over about
//     2,000 characters), when it is reliable and disagrees with the
//     page-wide declaration, or when nothing is declared;
//   - the page-wide declarations: <html lang>, JSON-LD inLanguage,
//     microdata, og:locale, Content-Language.

// detectLimit bounds the text given to the language detector.
const detectLimit = 2000

// iso6392 maps the three-letter codes pages use to the two-letter ones.
var iso6392 = map[string]string{
	"eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es", "por": "pt", "ita": "it",
	"nld": "nl", "dut": "nl", "rus": "ru", "jpn": "ja", "zho": "zh", "chi": "zh", "ara": "ar", "pol": "pl",
	"swe": "sv", "dan": "da", "nor": "no", "fin": "fi", "ces": "cs", "cze": "cs", "tur": "tr", "kor": "ko",
	"ell": "el", "gre": "el", "hun": "hu", "ron": "ro", "rum": "ro", "ukr": "uk", "cat": "ca", "hin": "hi",
}

// language2 reduces a language tag to its primary subtag, two letters
// where ISO 639-1 has one.
func language2(tag string) string {
	l := primaryLanguage(tag)
	if two, ok := iso6392[l]; ok {
		return two
	}
	return l
}

// contentLang returns the lang attribute of the content block or of the
// nearest element above it below <html>, or "".
func contentLang(content *html.Node) string {
	for s := selection(content); s.Length() > 0 && !s.IsMatcher(htmlM); s = s.Parent() {
		n := s.Nodes[0]
		if l := language2(attr(n, "lang")); l != "" {
			return l
		}
		if l := language2(attr(n, "xml:lang")); l != "" {
			return l
		}
	}
	return ""
}

var htmlM = cascadia.MustCompile("html")

// detectLanguage guesses the language of the text of lines, when the
// detector is sure of it.
func detectLanguage(lines []line) string {
	var b strings.Builder
	for _, l := range lines {
		if !summaryBlock(l) || utf8.RuneCountInString(l.text) < 40 {
			continue
		}
		b.WriteString(l.text)
		b.WriteByte('\n')
		if b.Len() >= detectLimit {
			break
		}
	}
	if utf8.RuneCountInString(b.String()) < 120 {
		return ""
	}
	lang, confidence := detect(b.String()) // whatlanggo.Detect's answer (see langdetect.go)
	if confidence <= whatlanggo.ReliableConfidenceThreshold || confidence < 0.5 {
		return ""
	}
	return lang.Iso6391()
}

func (f *fields) language(lines []line) (string, string) {
	m := f.meta
	for _, c := range []struct{ raw, src string }{
		{m.first("citation_language"), sigCitation},
		{m.first("dc.language", "dcterms.language"), sigDublinCore},
	} {
		if l := language2(c.raw); l != "" {
			return l, c.src
		}
	}
	if l := contentLang(f.content); l != "" {
		return l, sigContentLang
	}
	declared, src := "", ""
	for _, c := range []struct{ raw, src string }{
		{m.htmlLang, sigHTMLLang},
		{m.ld.language(), sigJSONLD},
		{m.micro.first("inlanguage"), sigMicrodata},
		{m.first("og:locale"), sigOG},
		{m.first("http-equiv:content-language"), sigHTTPEquiv},
		{m.first("language", "content-language"), sigMetaLang},
	} {
		if l := language2(c.raw); l != "" {
			declared, src = l, c.src
			break
		}
	}
	if d := detectLanguage(lines); d != "" && d != declared {
		return d, sigDetected
	}
	return declared, src
}
