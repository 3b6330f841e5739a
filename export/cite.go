package export

// The citation formats (CSL-JSON, RIS, BibTeX) share what this file
// decides: which kind of reference a harvest type is in each format,
// how a credited author is read (a person, split into family and given
// names, or an organisation kept whole), how the published date is
// read, which words become keywords and how a record's citation key is
// made. The writers are in csl.go, ris.go and bibtex.go; the README's
// "Citation formats" section shows the same choices as a table.

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"harvest"
)

// citeKind is what a harvest type becomes in each citation format.
type citeKind struct {
	// csl is the CSL item type (CSL 1.0.2 schema's enum).
	csl string
	// ris is the RIS reference type (TY). Zotero's RIS translator is the
	// reference for what each one imports as.
	ris string
	// bib is the classic BibTeX entry type: only the types of the
	// standard styles (btxdoc), which bibtex, JabRef, Zotero and biber
	// all read; biblatex's @online, @report and @dataset are not.
	bib string
}

// Kinds of reference. The reasoning behind each choice:
//
//   - Grey literature (report, working paper, policy brief, case study,
//     evaluation, …) is a report everywhere: CSL report, RIS RPRT,
//     BibTeX @techreport. The harvest type goes along as the report's
//     genre (CSL genre, RIS M3 — Zotero's "report type" —, BibTeX type)
//     so that a working paper still says so.
//   - Guidance (guide, handbook, manual, toolkit, checklist, template,
//     glossary) is a report in CSL and RIS (which have no manual type;
//     an organisation's guidance cites like its reports), and @manual in
//     BibTeX, the classic type for "technical documentation" with an
//     organization.
//   - An article is CSL "article" (not article-journal: harvest's article
//     takes in news items and blog posts, and no journal title is known),
//     RIS GEN (JOUR needs a journal; GEN is what Zotero itself writes for
//     a generic document) and BibTeX @misc (@article requires a journal).
//   - Types with a true counterpart keep it: book (book, BOOK, @book),
//     dataset (dataset, DATA, @misc: classic BibTeX has no dataset),
//     thesis (thesis, THES, @misc: whether it is a master's or a PhD
//     thesis, and the school, are not known), chapter (chapter, CHAP,
//     @misc: no book title), conference paper (paper-conference, CPAPER,
//     @misc: no proceedings title), presentation and speech (speech, SLIDE
//     — Zotero's presentation —, @misc), video (motion_picture, VIDEO),
//     podcast (broadcast, SOUND), legislation (legislation, STAT),
//     infographic (graphic, ART), brochure (pamphlet, GEN — Zotero reads
//     PAMP as a manuscript —, @booklet), webpage (webpage, ELEC, @misc).
//   - Anything else, and records without a type (press release,
//     newsletter, statement, …): CSL document, RIS GEN, BibTeX @misc,
//     with the harvest type as the CSL genre.
var (
	kindReport   = citeKind{"report", "RPRT", "techreport"}
	kindGuidance = citeKind{"report", "RPRT", "manual"}
	kindOther    = citeKind{"document", "GEN", "misc"}
)

var citeKinds = map[string]citeKind{
	"report": kindReport, "working paper": kindReport, "policy brief": kindReport,
	"policy paper": kindReport, "position paper": kindReport, "white paper": kindReport,
	"case study": kindReport, "study": kindReport, "evaluation": kindReport,
	"submission": kindReport, "factsheet": kindReport, "bulletin": kindReport,
	"framework": kindReport, "roadmap": kindReport,

	"guide": kindGuidance, "handbook": kindGuidance, "manual": kindGuidance,
	"toolkit": kindGuidance, "checklist": kindGuidance, "template": kindGuidance,
	"glossary": kindGuidance,

	"article":          {"article", "GEN", "misc"},
	"book":             {"book", "BOOK", "book"},
	"chapter":          {"chapter", "CHAP", "misc"},
	"dataset":          {"dataset", "DATA", "misc"},
	"thesis":           {"thesis", "THES", "misc"},
	"conference paper": {"paper-conference", "CPAPER", "misc"},
	"presentation":     {"speech", "SLIDE", "misc"},
	"speech":           {"speech", "SLIDE", "misc"},
	"video":            {"motion_picture", "VIDEO", "misc"},
	"podcast":          {"broadcast", "SOUND", "misc"},
	"legislation":      {"legislation", "STAT", "misc"},
	"infographic":      {"graphic", "ART", "misc"},
	"brochure":         {"pamphlet", "GEN", "booklet"},
	"webpage":          {"webpage", "ELEC", "misc"},
}

// kindOf returns the citation kind of a harvest type, and the genre to
// write with it: the type itself, capitalised ("Working paper"), except
// where the kind says it already (a report, a book, …) or there is none.
func citeKindOf(pubType string) (citeKind, string) {
	t := strings.ToLower(strings.Join(strings.Fields(pubType), " "))
	k, ok := citeKinds[t]
	if !ok {
		k = kindOther
	}
	genre := ""
	switch t {
	case "", "report", "book", "article", "dataset", "thesis", "chapter", "conference paper",
		"speech", "video", "podcast", "legislation", "webpage":
	default:
		r, size := utf8.DecodeRuneInString(t)
		genre = string(unicode.ToUpper(r)) + t[size:]
	}
	return k, genre
}

// citeName is a credited author as the citation formats take it: a
// person's family and given names (and a suffix: Jr., III), or, for an
// organisation or anything not read as a person's name, the whole name
// as written (literal).
type citeName struct {
	family, given, suffix string
	literal               string
}

// nameParticles are the lower-case words that belong to the family
// name ("Ludwig van Beethoven": family "van Beethoven"). They stay in
// the family name, as Zotero stores them (it has no particle fields).
var nameParticles = map[string]bool{
	"van": true, "von": true, "de": true, "der": true, "den": true, "da": true, "das": true,
	"dos": true, "do": true, "di": true, "du": true, "del": true, "della": true, "des": true,
	"la": true, "le": true, "ten": true, "ter": true, "bin": true, "ibn": true, "al": true,
	"el": true, "af": true, "zu": true, "op": true,
}

// nameSuffixes are generational suffixes, written after the given name.
var nameSuffixes = map[string]bool{"jr": true, "jr.": true, "sr": true, "sr.": true, "ii": true, "iii": true, "iv": true}

// honorifics in front of a name are dropped: no citation format has a
// place for them.
var honorifics = map[string]bool{
	"dr": true, "dr.": true, "prof": true, "prof.": true, "professor": true,
	"mr": true, "mr.": true, "mrs": true, "mrs.": true, "ms": true, "ms.": true,
}

// orgWords are words that make a credited name an organisation's
// ("International Labour Organization", "Human Rights Watch", "Ministry of
// Labour"), in the languages the extractor meets most. Matched as whole
// words, ignoring case.
var orgWords = map[string]bool{
	"organisation": true, "organization": true, "organisations": true, "organizations": true,
	"institute": true, "institut": true, "instituto": true, "institution": true, "council": true,
	"coalition": true, "network": true, "ministry": true, "ministère": true, "ministerio": true,
	"ministerium": true, "university": true, "université": true, "universidad": true,
	"universität": true, "college": true, "school": true, "academy": true, "foundation": true,
	"fondation": true, "fundación": true, "stiftung": true, "agency": true, "agence": true,
	"association": true, "asociación": true, "verband": true, "commission": true, "committee": true,
	"centre": true, "center": true, "centro": true, "department": true, "office": true,
	"bureau": true, "board": true, "group": true, "groupe": true, "trust": true, "society": true,
	"federation": true, "fédération": true, "union": true, "alliance": true, "programme": true,
	"program": true, "project": true, "initiative": true, "partnership": true, "secretariat": true,
	"fund": true, "bank": true, "forum": true, "campaign": true, "company": true,
	"corporation": true, "corp": true, "corp.": true, "inc": true, "inc.": true, "ltd": true,
	"ltd.": true, "llc": true, "gmbh": true, "plc": true, "team": true, "unit": true,
	"service": true, "services": true, "authority": true, "government": true, "parliament": true,
	"assembly": true, "observatory": true, "consortium": true, "league": true, "platform": true,
	"collective": true, "press": true, "publishing": true, "publications": true, "editors": true,
	"staff": true, "international": true, "internacional": true, "national": true, "global": true,
	"world": true, "european": true, "united": true, "nations": true, "watch": true, "rights": true,
	"research": true, "labour": true, "labor": true, "workers": true, "children": true,
	"women": true, "ngo": true, "partners": true, "associates": true, "commissioner": true,
	"directorate": true, "division": true, "institutes": true, "lab": true, "laboratory": true,
	"observatório": true, "observatorio": true, "observatoire": true, "conselho": true,
	"consejo": true, "conseil": true, "fundação": true, "associação": true, "organização": true,
	"organización": true, "ministério": true, "universidade": true, "comité": true, "comitê": true,
	"rede": true, "réseau": true, "netzwerk": true, "secretaría": true, "sindicato": true,
	"syndicat": true, "gewerkschaft": true, "confederation": true, "confédération": true,
	"confederación": true, "taskforce": true, "task": true, "force": true, "working": true,
}

// orgConnectors are lower-case words that join an organisation's name
// ("Friends of the Earth", "Save the Children", "Smith and Jones") but no
// person's.
var orgConnectors = map[string]bool{
	"of": true, "the": true, "and": true, "for": true, "on": true, "in": true, "&": true,
	"et": true, "und": true, "y": true, "pour": true, "für": true, "para": true,
}

// parseName reads a credited author. It is a person's name when it looks
// like one: "Jane Q. Doe", "Doe, Jane Q.", "J. Doe", "Ludwig van
// Beethoven", "Martin Luther King Jr.", "King, Martin Luther, Jr." —
// two to five words, each capitalised (or a particle), none a word of an
// organisation, no acronym, no digits. Everything else is an
// organisation or a name that cannot be split safely (a single word,
// "UN Women", "Walk Free" when it is also the publisher or the site's
// name) and is kept whole, as a literal: a wrong split garbles a name,
// a literal never does. orgs are names known to be organisations (the
// record's publisher and site name).
func parseName(s string, orgs ...string) citeName {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return citeName{}
	}
	lit := citeName{literal: s}
	for _, o := range orgs {
		if o != "" && strings.EqualFold(strings.Join(strings.Fields(o), " "), s) {
			return lit
		}
	}
	words := strings.Fields(s)
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ",;:()"))
		if orgWords[lw] || orgConnectors[lw] {
			return lit
		}
		if strings.ContainsFunc(w, unicode.IsDigit) {
			return lit
		}
		if isAcronym(w) && !nameSuffixes[strings.ToLower(strings.TrimSuffix(w, ","))] {
			return lit
		}
	}
	if strings.Contains(s, ",") {
		parts := strings.Split(s, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		switch {
		case len(parts) == 2 && nameSuffixes[strings.ToLower(parts[1])]:
			// "Martin Luther King, Jr."
			n := parseName(parts[0])
			if n.literal != "" || n.suffix != "" {
				return lit
			}
			n.suffix = parts[1]
			return n
		case len(parts) == 2:
			// "Doe, Jane Q."
			return personName(parts[0], parts[1], "", lit)
		case len(parts) == 3 && nameSuffixes[strings.ToLower(parts[2])]:
			// "King, Martin Luther, Jr."
			return personName(parts[0], parts[1], parts[2], lit)
		case len(parts) == 3 && nameSuffixes[strings.ToLower(parts[1])]:
			// "King, Jr., Martin Luther" (BibTeX's order)
			return personName(parts[0], parts[2], parts[1], lit)
		}
		return lit
	}
	if len(words) > 2 && honorifics[strings.ToLower(words[0])] {
		words = words[1:]
	}
	suffix := ""
	if len(words) > 2 && nameSuffixes[strings.ToLower(words[len(words)-1])] {
		suffix, words = words[len(words)-1], words[:len(words)-1]
	}
	if len(words) < 2 || len(words) > 5 {
		return lit
	}
	for _, w := range words {
		if !nameWord(w) {
			return lit
		}
	}
	last := words[len(words)-1]
	if nameParticles[last] {
		return lit
	}
	if isInitial(last) {
		// "Doe J. Q." — family name first, initials after (Vancouver).
		for _, w := range words[1:] {
			if !isInitial(w) {
				return lit
			}
		}
		return citeName{family: words[0], given: strings.Join(words[1:], " "), suffix: suffix}
	}
	i := len(words) - 1
	for i > 1 && nameParticles[words[i-1]] {
		i--
	}
	if nameParticles[words[0]] {
		return lit
	}
	return citeName{family: strings.Join(words[i:], " "), given: strings.Join(words[:i], " "), suffix: suffix}
}

// personName checks a family and given name read from "Family, Given":
// both must look like a person's.
func personName(family, given, suffix string, lit citeName) citeName {
	fw, gw := strings.Fields(family), strings.Fields(given)
	if len(fw) == 0 || len(gw) == 0 || len(fw)+len(gw) > 5 {
		return lit
	}
	for _, w := range append(append([]string{}, fw...), gw...) {
		if !nameWord(w) {
			return lit
		}
	}
	if nameParticles[fw[len(fw)-1]] {
		return lit
	}
	return citeName{family: family, given: given, suffix: suffix}
}

// nameWord reports whether w can be a word of a person's name: a
// particle, or a capitalised word of letters, with apostrophes, hyphens
// and the dots of initials.
func nameWord(w string) bool {
	if nameParticles[w] {
		return true
	}
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) && !unicode.IsTitle(r) {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune(".-'’", r) {
			return false
		}
	}
	return true
}

// isInitial reports an initial: "J", "J.", "J.Q.".
func isInitial(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			letters++
		case r == '.' || r == '-':
		default:
			return false
		}
	}
	return letters >= 1 && letters <= 3 && (letters == 1 || strings.Contains(w, "."))
}

// isAcronym reports a word of two or more capitals and no lower-case
// letter or dot: "UN", "ILO", "UNICEF" (but not "J.Q.", "II" is
// checked by the caller).
func isAcronym(w string) bool {
	w = strings.Trim(w, ",;:()")
	upper := 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLetter(r) && !unicode.IsUpper(r):
			return false
		case r == '.':
			return false
		}
	}
	return upper >= 2
}

// citeNames reads a record's authors, with its publisher and site name
// as names known to be organisations.
func citeNames(p *harvest.Publication) []citeName {
	var out []citeName
	for _, a := range p.Authors {
		if n := parseName(a, p.Publisher, p.SiteName); n != (citeName{}) {
			out = append(out, n)
		}
	}
	return out
}

// citeDate is the published date as far as it is known: a year, a year
// and month, or a full date; the zero value when unknown.
type citeDate struct{ year, month, day int }

var publishedRe = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)

// parseCiteDate reads Published (YYYY-MM-DD, YYYY-MM or YYYY). Anything
// else is left out of the citation rather than guessed at.
func parseCiteDate(s string) citeDate {
	m := publishedRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return citeDate{}
	}
	var d citeDate
	d.year, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		d.month, _ = strconv.Atoi(m[2])
		if d.month < 1 || d.month > 12 {
			return citeDate{year: d.year}
		}
	}
	if m[3] != "" {
		d.day, _ = strconv.Atoi(m[3])
		if t := time.Date(d.year, time.Month(d.month), d.day, 0, 0, 0, 0, time.UTC); t.Day() != d.day {
			d.day = 0
		}
	}
	return d
}

func dayOf(t time.Time) citeDate {
	if t.IsZero() {
		return citeDate{}
	}
	t = t.UTC()
	return citeDate{t.Year(), int(t.Month()), t.Day()}
}

// citeKeywords are the record's tags, then its categories, each once
// (ignoring case), trimmed, in order. Categories are keywords too: none
// of the three formats has a field for a site's own categories that a
// reference manager imports, and as keywords (Zotero tags, JabRef
// keywords) they stay searchable.
func citeKeywords(p *harvest.Publication) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{p.Tags, p.Categories} {
		for _, k := range list {
			k = strings.Join(strings.Fields(k), " ")
			if k == "" || seen[strings.ToLower(k)] {
				continue
			}
			seen[strings.ToLower(k)] = true
			out = append(out, k)
		}
	}
	return out
}

// pageURL is the publication's page: its canonical URL, else the URL it
// was harvested from.
func pageURL(p *harvest.Publication) string {
	if p.CanonicalURL != "" {
		return p.CanonicalURL
	}
	return p.URL
}

// keyStopWords are not taken as the title word of a citation key.
var keyStopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "on": true, "in": true, "for": true,
	"to": true, "and": true, "at": true, "by": true, "with": true, "le": true, "la": true,
	"les": true, "l": true, "un": true, "une": true, "der": true, "die": true, "das": true,
	"ein": true, "eine": true, "el": true, "los": true, "las": true, "de": true, "du": true,
}

// CiteKey is the record's citation key (BibTeX key, CSL id, RIS ID):
// the first author's family name (an organisation's first word), else
// the source's name; the year; the first word of the title that is not
// an article or a preposition; and the record id, which makes it unique
// in the catalogue and stable across exports ("doe2019fair-12",
// "international2021forced-7"). Only ASCII letters and digits, lower
// case, with accents dropped ("Müller" → "muller").
func CiteKey(p harvest.Publication) string {
	return citeKey(&p, citeNames(&p), parseCiteDate(p.Published))
}

func citeKey(p *harvest.Publication, names []citeName, d citeDate) string {
	base := ""
	if len(names) > 0 {
		n := names[0]
		if n.literal != "" {
			// An organisation's first word, but an article ("The
			// Editors"); "UN Women" is "un".
			for _, w := range strings.Fields(n.literal) {
				if w = keyWord(w); w != "" && w != "the" {
					base = w
					break
				}
			}
		} else {
			base = keyWord(strings.Join(strings.Fields(n.family), ""))
		}
	}
	if base == "" {
		base = keyWord(p.Source)
	}
	if base == "" {
		base = "harvest"
	}
	var b strings.Builder
	b.WriteString(truncate(base, 24))
	if d.year != 0 {
		b.WriteString(strconv.Itoa(d.year))
	}
	for _, w := range strings.FieldsFunc(p.Title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) }) {
		if w = keyWord(w); w != "" && !keyStopWords[w] {
			b.WriteString(truncate(w, 24))
			break
		}
	}
	b.WriteString("-")
	b.WriteString(strconv.FormatInt(p.ID, 10))
	return b.String()
}

// keyWord is w in lower-case ASCII letters and digits: accents dropped
// (NFD, then the combining marks removed), other characters left out.
func keyWord(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		r = unicode.ToLower(r)
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
