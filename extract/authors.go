package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// authorLimit bounds one author's name: a longer "name" is a sentence.
const authorLimit = 120

var (
	// authorsLabelRe is a line that names the authors: "Author(s): A; B",
	// "Authors: A, B and C", "Written by: X", and the French, German and
	// Spanish forms.
	authorsLabelRe = regexp.MustCompile(`(?i)^(?:authors?(?:\s*\(s\))?|written\s+by|auteur(?:\(?e?s?\)?|s|es)?|autor(?:in|en|innen|es|as)?(?:\(en\))?|verfasser(?:in)?)\s*[:：]\s*(.+)$`)
	// authorsLabelOnly is the label alone, its value in the next element.
	authorsLabelOnly = []string{"author", "authors", "author(s)", "auteur", "auteurs", "auteur(s)", "autor", "autoren", "autor(en)", "autores", "written by"}
	// bylineRe is a "By X" line in the entry's header, or the "by X" of
	// a "Posted on <date> by X" line (and "par", "von", "por", "door").
	bylineRe = regexp.MustCompile(`(?:^|\s)(?i:by|par|von|por|door)\s+(\p{Lu}.*)$`)
	// bylineCutRe ends the names of a byline: a separator, "on <date>", a
	// date or a time.
	bylineCutRe = regexp.MustCompile(`(?i)\s*(?:[|·•—–]|\s-\s|\bon\s+\S|\bin\s+\p{Lu}|,?\s*\d{1,4}\b|\bposted\b|\bpublished\b).*$`)
	// authorSplitRe separates names in a list.
	authorSplitRe = regexp.MustCompile(`\s*(?:;|\band\b|&|\bet\b|\bund\b|\by\b)\s*`)
)

// notAuthors are account and role names that CMSs print where an author
// belongs: the person who posted the page, not who wrote the work.
var notAuthors = map[string]bool{
	"admin": true, "administrator": true, "site admin": true, "site administrator": true,
	"webmaster": true, "web master": true, "editor": true, "web editor": true, "author": true,
	"guest": true, "guest author": true, "user": true, "root": true, "wordpress": true,
	"anonymous": true, "unknown": true, "staff": true, "n/a": true, "none": true,
	"super user": true, "superuser": true, "site owner": true, "webadmin": true,
}

// bylinePrefixRe is the wording before the names of a byline.
var bylinePrefixRe = regexp.MustCompile(`(?i)^(?:(?:written|posted|published|authored|compiled|edited)\s+by|by|authors?|von|par|por)\s*[:：]?\s+`)

// cleanAuthor normalises one name and rejects what cannot be one: URLs,
// e-mail addresses, account names ("admin", "jsmith"), dates, over-long
// text.
func cleanAuthor(s string) string {
	s = strings.Trim(cleanText(s), " ,;:·|")
	s = strings.TrimSpace(bylinePrefixRe.ReplaceAllString(s, ""))
	if strings.HasSuffix(s, ".") {
		words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
		if last := words[len(words)-1]; utf8.RuneCountInString(last) > 2 {
			s = strings.TrimSuffix(s, ".") // a full stop, not an initial's
		}
	}
	if s == "" || utf8.RuneCountInString(s) > authorLimit || strings.Contains(s, "://") ||
		strings.Contains(s, "@") || letters(s) == "" || parseDate(s) != "" {
		return ""
	}
	if notAuthors[strings.ToLower(s)] {
		return ""
	}
	if !strings.ContainsAny(s, " .,") && strings.ToLower(s) == s {
		return "" // a lower-case login name
	}
	return s
}

// splitAuthors splits a list of names written in one string. Semicolons
// and "and" always separate; commas separate too, except within
// "Surname, Initials" pairs ("Mensah, A., Okafor, C." is two names).
func splitAuthors(s string) []string {
	var out []string
	for _, part := range authorSplitRe.Split(s, -1) {
		if strings.Contains(s, ";") {
			out = append(out, part)
			continue
		}
		pieces := strings.Split(part, ",")
		if len(pieces)%2 == 0 && pairedNames(pieces) {
			for i := 0; i < len(pieces); i += 2 {
				out = append(out, strings.TrimSpace(pieces[i])+", "+strings.TrimSpace(pieces[i+1]))
			}
			continue
		}
		out = append(out, pieces...)
	}
	var names []string
	for _, n := range out {
		if n = cleanAuthor(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// pairedNames reports whether comma-separated pieces read as "Surname,
// Given" pairs: each surname one word (after particles such as "van
// der"), without initials; each given name one to three words.
func pairedNames(pieces []string) bool {
	for i := 0; i < len(pieces); i += 2 {
		sur, given := strings.Fields(pieces[i]), strings.Fields(pieces[i+1])
		if len(sur) == 0 || len(given) == 0 || len(given) > 3 {
			return false
		}
		for k, w := range sur {
			last := k == len(sur)-1
			if strings.HasSuffix(w, ".") || utf8.RuneCountInString(w) == 1 || !last && !isParticle(w) {
				return false
			}
		}
	}
	return true
}

func isParticle(w string) bool {
	switch strings.ToLower(w) {
	case "de", "da", "di", "van", "von", "der", "den", "la", "le", "bin", "al", "el", "du", "dos", "del", "ter", "ten":
		return true
	}
	return false
}

// oneAuthorEach cleans values that name one author each (a citation_author
// meta per author); a value holding several names separated by semicolons
// is split.
func oneAuthorEach(values []string) []string {
	var out []string
	for _, v := range values {
		if strings.Contains(v, ";") {
			out = dedupeFold(out, splitAuthors(v)...)
			continue
		}
		out = dedupeFold(out, cleanAuthor(v))
	}
	return out
}

// looksLikeName reports whether s reads as a person's name: two to five
// words, each capitalised, an initial or a particle (de, van, von, ...).
func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if isParticle(w) {
			continue
		}
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// authors chooses the authors of the publication, by signal:
//   - citation_author, DC.creator, eprints.creators_name: bibliographic
//     metadata, one meta per author, written for indexers;
//   - an "Author(s):" line in the entry: the page naming the work's
//     authors in words;
//   - JSON-LD and microdata author: structured, but on many CMSs the
//     account that posted the page (account names are rejected);
//   - the byline (rel=author links, .author / .byline elements, a "By X"
//     line in the entry header);
//   - <meta name="author"> and article:author, often site-wide.
func (f *fields) authors(lines []line) ([]string, string) {
	m := f.meta
	if a := oneAuthorEach(m.all("citation_author", "citation_authors")); len(a) > 0 {
		return a, sigCitation
	}
	if a := oneAuthorEach(m.all("dc.creator", "dc.contributor.author", "dcterms.creator")); len(a) > 0 {
		return a, sigDublinCore
	}
	if a := oneAuthorEach(m.all("eprints.creators_name")); len(a) > 0 {
		return a, sigEPrints
	}
	if a := labelledAuthors(lines); len(a) > 0 {
		return a, sigLabelled
	}
	if a := oneAuthorEach(m.ld.authors()); len(a) > 0 {
		return a, sigJSONLD
	}
	if a := oneAuthorEach(m.micro.names("author")); len(a) > 0 {
		return a, sigMicrodata
	}
	if a := m.micro.names("creator"); len(a) > 0 {
		if a = oneAuthorEach(a); len(a) > 0 {
			return a, sigMicrodata
		}
	}
	if a := f.bylineAuthors(lines); len(a) > 0 {
		return a, sigByline
	}
	var metaAuthors []string
	for _, v := range m.all("author") {
		metaAuthors = dedupeFold(metaAuthors, splitAuthors(v)...)
	}
	if len(metaAuthors) > 0 {
		return metaAuthors, sigMetaAuthor
	}
	if a := oneAuthorEach(m.all("article:author")); len(a) > 0 {
		return a, sigArticleMeta
	}
	return nil, ""
}

// labelledAuthors reads an "Author(s): ..." line, or a label alone whose
// value is the next element (<dt>Authors</dt><dd>...</dd>).
func labelledAuthors(lines []line) []string {
	for i, l := range lines {
		value := ""
		if m := authorsLabelRe.FindStringSubmatch(l.text); m != nil {
			value = m[1]
		} else if labelOnly(l.text, authorsLabelOnly...) {
			if v := valueElement(lines, i); v != nil {
				if names := namesIn(v); len(names) > 0 {
					return names
				}
			}
		}
		if value == "" || utf8.RuneCountInString(value) > 400 {
			continue
		}
		if names := splitAuthors(value); len(names) > 0 {
			return names
		}
	}
	return nil
}

// namesIn reads the names held by a value element: one per element when
// it lists them in elements of their own (Drupal's field items, <li>s),
// else its text split as a list.
func namesIn(v *html.Node) []string {
	var items []string
	for _, e := range selection(v).FindMatcher(nameItemM).Nodes {
		if t := nodeText(e); t != "" {
			items = append(items, t)
		}
	}
	if len(items) < 2 {
		return splitAuthors(nodeText(v))
	}
	var out []string
	for _, it := range items {
		out = dedupeFold(out, splitAuthors(it)...)
	}
	return out
}

var (
	// nameItemM matches an element that holds one name of a list: a
	// leaf, or a block without blocks inside.
	nameItemM = matcher(func(n *html.Node) bool {
		return n.Type == html.ElementNode && (isLeaf(n) || isBlock(n) && selection(n).FindMatcher(goquery.SingleMatcher(blockM)).Length() == 0)
	})
	blockM = matcher(isBlock)
)

// bylineTokens mark elements holding an author's name in an entry's
// byline.
var bylineTokens = []string{"author", "author-name", "entry-author", "post-author", "byline-author", "p-author", "createdby", "article-author"}

// authorSuffix reports whether a class of n ends in "-author" or
// "_author" ("blog-meta-item--author"), comments' authors excepted.
func authorSuffix(n *html.Node) bool {
	return eachClass(n, func(c string) bool {
		c = strings.ToLower(c)
		return (strings.HasSuffix(c, "-author") || strings.HasSuffix(c, "_author")) && !strings.Contains(c, "comment")
	})
}

// authorPageRe matches the address of an author's page on a site.
var authorPageRe = regexp.MustCompile(`(?i)/(?:author|authors|autor|autoren|auteur|auteurs|autore|redakteur|journalist|journalists|contributor|contributors|writer|writers|staff|by)/[^/?#]+/?(?:$|[?#])`)

// bylineClass reports whether n's class or data-testid names a byline
// ("c-byline", "article__byline", "prism-byline"), comments' excepted.
func bylineClass(n *html.Node) bool {
	v := strings.ToLower(attr(n, "class") + " " + attr(n, "data-testid"))
	return strings.Contains(v, "byline") && !strings.Contains(v, "comment")
}

// cleanHandle is cleanAuthor for the text of a link to an author's page,
// which may be a handle ("marc", "happyface313"): a blog's author is who
// the site says, as long as it is no CMS account name.
func cleanHandle(s string) string {
	if a := cleanAuthor(s); a != "" {
		return a
	}
	s = strings.Trim(cleanText(s), " ,;:·|@")
	if utf8.RuneCountInString(s) < 3 || utf8.RuneCountInString(s) > 40 || strings.ContainsAny(s, " /:@") || notAuthors[strings.ToLower(s)] {
		return ""
	}
	return s
}

// isAuthorLink reports whether n is a link to an author's page
// (/author/jane-doe/).
func isAuthorLink(n *html.Node) bool {
	return isLink(n) && authorPageRe.MatchString(attr(n, "href"))
}

// isBylineElement reports whether n is marked as holding an author's
// name: rel=author, a byline or author class, an hCard name.
func isBylineElement(n *html.Node) bool {
	return hasRel(n, "author") || hasClass(n, bylineTokens...) || authorSuffix(n) || bylineClass(n) ||
		hasClass(n, "fn") && selection(n).ClosestMatcher(vcardM).Length() > 0
}

var (
	// bylineM matches the elements a byline is read from: links to an
	// author's page, and byline elements short enough to hold names (a
	// block classed "author" holding a biography is searched inside).
	bylineM = matcher(func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return false
		}
		if isAuthorLink(n) {
			return true
		}
		if !isBylineElement(n) {
			return false
		}
		_, ok := boundedText(n, authorLimit*2)
		return ok
	})
	vcardM = matcher(func(n *html.Node) bool { return n.Type == html.ElementNode && hasClass(n, "vcard") })
)

// bylineAuthors reads the entry's byline: author links and elements (the
// outermost ones: a name is read once), or a "By X" line before the
// content's first paragraph.
func (f *fields) bylineAuthors(lines []line) []string {
	var out []string
	for _, n := range outermost(f.wide(), bylineM) {
		if isAuthorLink(n) {
			// A link to the author's page: its text is the name, a
			// display name or a handle.
			if t, ok := boundedText(n, authorLimit); ok {
				if a := cleanHandle(bylinePrefixRe.ReplaceAllString(t, "")); a != "" {
					out = dedupeFold(out, a)
				}
			}
			continue
		}
		t, _ := boundedText(n, authorLimit*2)
		t = strings.TrimSpace(bylineCutRe.ReplaceAllString(bylinePrefixRe.ReplaceAllString(t, ""), ""))
		out = dedupeFold(out, splitAuthors(t)...)
	}
	if len(out) > 0 {
		return out
	}
	for _, l := range f.headerLines(lines) {
		m := bylineRe.FindStringSubmatch(l.text)
		if m == nil || utf8.RuneCountInString(l.text) > 160 {
			continue
		}
		names := strings.TrimSpace(bylineCutRe.ReplaceAllString(m[1], ""))
		for _, n := range splitAuthors(names) {
			if looksLikeName(n) {
				out = dedupeFold(out, n)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
