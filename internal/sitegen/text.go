package sitegen

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// A summary is one opening sentence, some middle sentences and a closing
// sentence. The closing sentence is the one Edit changes: the opening and
// middle part is at least minBaseChars long, so that excerpts (the first
// 200 characters) and descriptions (150) never change with an edit.

var openings = []string{
	"Tackling {topic} remains one of the most persistent challenges facing {aud} with operations or suppliers in {place}.",
	"Across {place}, workers in {sector} continue to face {risk} and {risk2}, often hidden several tiers below the brands that sell the final product.",
	"Reports published over the past decade have documented the effects of {topic} on the working lives of people employed in {sector} in {place}.",
	"Companies sourcing from {sector} in {place} are under growing pressure from regulators, investors and customers to show how they address {topic}.",
	"Little reliable data exists on {topic} in {sector}, even though the sector employs hundreds of thousands of workers in {place}.",
	"Since new disclosure and due diligence laws came into force, {aud} have asked for practical help with {topic} in {sector}.",
	"Workers in {sector} in {place} are often recruited through informal networks that leave them exposed to {risk} and {risk2}.",
}

var middles = []string{
	"This {kind} sets out the steps that {aud} can take to move from a policy commitment to verified practice across their supplier base.",
	"It describes how to map {risk} across the supply chain, how to prioritise the most severe cases and how to engage suppliers that lack the capacity to act alone.",
	"The {kind} draws on {method} carried out between {y1} and {y2}.",
	"It includes a self-assessment questionnaire, template procedures and a checklist for {aud} reviewing a supplier’s management systems.",
	"Each section is illustrated with examples from member companies and their suppliers in {place2}.",
	"The authors examine the role of labour intermediaries in sustaining {risk} and propose {n} indicators that can be tracked over time.",
	"Particular attention is paid to {group}, who are often excluded from grievance channels and from social dialogue at the workplace.",
	"It explains how {aud} can work with recruitment agencies on pre- and post-departure orientation for the workers they place.",
	"The guidance distinguishes between short- and long-term measures and shows how each of them can be budgeted and monitored.",
	"It is relevant to small- and medium-sized enterprises as well as to large multinational buyers with complex sourcing models.",
	"Findings are presented separately for first- and second-tier suppliers, where the risks and the available levers differ markedly.",
	"The {kind} also reviews the legal framework in {place} and identifies gaps in labour inspection, enforcement and access to remedy.",
	"Workers interviewed for the study described {risk}, {risk2} and threats of dismissal when they raised complaints with their employers.",
	"A maturity matrix at the end allows {aud} to track their progress and to compare their approach with that of their peers.",
	"The recommendations are addressed to governments, employers and {aud}, and are grouped by the time and resources they require.",
	"Case examples show how remediation was delivered in practice, including the repayment of recruitment fees and the return of identity documents.",
	"The annexes contain interview guides, a glossary of key terms and a directory of organisations that provide support to affected workers.",
	"It sets out {n} questions that {aud} should ask before entering into a new sourcing relationship in a high-risk context.",
	"The analysis combines quantitative indicators with the testimony of workers, supervisors and community representatives.",
	"Practical tools accompany each chapter, from a supplier engagement plan to a template for reporting progress to senior management.",
}

var closings = []string{
	"The {kind} was developed with input from {stake} and was piloted with {n} companies before publication.",
	"It is intended both for {aud} who are new to the subject and for experienced practitioners looking for a common reference.",
	"An updated edition will follow once the pilot phase in {place} has been completed and evaluated.",
	"Comments on this edition are welcome and will inform the next revision of the {kind}.",
	"This version reflects the comments received from {stake} during a public consultation.",
	"The {kind} will be reviewed every two years to keep pace with changes in law and practice.",
	"A short summary for workers is available in several languages on request from the publisher.",
	"This edition adds a new section on monitoring outcomes with {stake} and {aud}.",
}

const (
	minWords     = 60
	maxWords     = 160
	minBaseWords = 45
	minBaseChars = 220
	// closingRoom is more words than any closing sentence has.
	closingRoom = 24
)

// fill holds the choices a group of sentences shares.
type fill struct {
	m                  *meta
	aud, aud2, stake   string
	risk, risk2        string
	method, group, num string
	place2             string
	y1, y2             int
}

func newFill(m *meta, r *rng, citeYear int) fill {
	f := fill{m: m}
	f.aud = audiences[r.intn(len(audiences))]
	f.aud2 = audiences[r.intn(len(audiences))]
	f.stake = stakeholders[r.intn(len(stakeholders))]
	i := r.intn(len(risks))
	f.risk, f.risk2 = risks[i], risks[(i+1+r.intn(len(risks)-1))%len(risks)]
	f.method = methods[r.intn(len(methods))]
	f.group = groups[r.intn(len(groups))]
	f.num = numbers[r.intn(len(numbers))]
	f.place2 = places[r.intn(len(places))].text
	f.y2 = citeYear - 1
	f.y1 = f.y2 - 1 - r.intn(3)
	return f
}

// expand writes pattern p with its slots filled.
func (f *fill) expand(b *strings.Builder, p string) {
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return
		}
		j := strings.IndexByte(p[i:], '}') + i
		b.WriteString(p[:i])
		switch p[i+1 : j] {
		case "topic":
			b.WriteString(topics[f.m.topic].text)
		case "sector":
			b.WriteString(sectors[f.m.sector].text)
		case "place":
			b.WriteString(places[f.m.place].text)
		case "place2":
			b.WriteString(f.place2)
		case "kind":
			b.WriteString(kinds[f.m.kind].text)
		case "aud":
			b.WriteString(f.aud)
		case "aud2":
			b.WriteString(f.aud2)
		case "stake":
			b.WriteString(f.stake)
		case "risk":
			b.WriteString(f.risk)
		case "risk2":
			b.WriteString(f.risk2)
		case "method":
			b.WriteString(f.method)
		case "group":
			b.WriteString(f.group)
		case "n":
			b.WriteString(f.num)
		case "y1":
			b.WriteString(itoa4(f.y1))
		case "y2":
			b.WriteString(itoa4(f.y2))
		}
		p = p[j+1:]
	}
}

func countWords(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, " ") + 1
}

// summaryBase is the opening and middle sentences: as the page shows them
// (with hyphenation breaks) and clean.
func (s *Site) summaryBase(m *meta, citeYear int) (page, clean string) {
	r := newRNG(s.seed, m.idx, streamText, 0)
	f := newFill(m, &r, citeYear)
	target := minWords + 2 + r.intn(maxWords-minWords-10)
	var b strings.Builder
	b.Grow(1024)
	f.expand(&b, openings[r.intn(len(openings))])
	var buf [32]int
	order := buf[:len(middles)]
	for i := range order {
		order[i] = i
	}
	for i := len(order) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	words := countWords(b.String())
	var one strings.Builder
	one.Grow(256)
	for _, mi := range order {
		enough := words >= minBaseWords && b.Len() >= minBaseChars
		if enough && words+closingRoom/2 >= target {
			break
		}
		one.Reset()
		f.expand(&one, middles[mi])
		n := countWords(one.String())
		if words+n+closingRoom > maxWords {
			if enough {
				break
			}
			continue
		}
		b.WriteByte(' ')
		b.WriteString(one.String())
		words += n
	}
	clean = b.String()
	br := newRNG(s.seed, m.idx, streamBreaks, 0)
	n := 0
	if br.pct(65) {
		n = 1
		if br.pct(30) {
			n = 2
		}
	}
	return insertBreaks(clean, &br, n), clean
}

// closing is the last sentence of the summary after edits edits.
func (s *Site) closing(m *meta, edits uint32) (page, clean string) {
	r := newRNG(s.seed, m.idx, streamEdit, uint64(edits))
	f := newFill(m, &r, 2000)
	fr := newRNG(s.seed, m.idx, streamText, 1)
	first := fr.intn(len(closings))
	var b strings.Builder
	f.expand(&b, closings[(first+int(edits))%len(closings)])
	clean = b.String()
	n := 0
	if r.pct(25) {
		n = 1
	}
	return insertBreaks(clean, &r, n), clean
}

// summary is the publication's summary paragraph after edits edits.
func (s *Site) summary(m *meta, citeYear int, edits uint32) (page, clean string) {
	bp, bc := s.summaryBase(m, citeYear)
	cp, cc := s.closing(m, edits)
	return bp + " " + cp, bc + " " + cc
}

// notBreakRight are words that make "x- word" a suspended hyphen, which a
// cleaner keeps: a break must not leave one of them as its second half.
var notBreakRight = map[string]bool{
	"and": true, "or": true, "to": true, "nor": true, "as": true, "but": true, "versus": true,
	"vs": true, "und": true, "oder": true, "bis": true, "et": true, "ou": true,
}

// insertBreaks splits n long lower-case words the way text copied from a
// PDF keeps its line-break hyphens: "protect" becomes "pro- tect".
func insertBreaks(s string, r *rng, n int) string {
	if n == 0 {
		return s
	}
	type span struct{ i, j int }
	var buf [64]span
	cands := buf[:0]
	isLetter := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf || c == '-'
	}
	for i := 0; i < len(s); {
		if s[i] < 'a' || s[i] > 'z' || i > 0 && isLetter(s[i-1]) {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		if j-i >= 8 && (j == len(s) || !isLetter(s[j])) && len(cands) < cap(cands) {
			cands = append(cands, span{i, j})
		}
		i = j
	}
	var pbuf [4]span
	picked := pbuf[:0]
	for tries := 0; len(picked) < n && tries < 8 && len(cands) > 0; tries++ {
		c := cands[r.intn(len(cands))]
		dup := false
		for _, p := range picked {
			dup = dup || p.i == c.i
		}
		if dup {
			continue
		}
		w := s[c.i:c.j]
		at := 3 + r.intn(len(w)-5)
		if notBreakRight[w[at:]] || strings.Contains(s, w[:at]+"-"+w[at:]) {
			continue
		}
		picked = append(picked, span{c.i, c.i + at})
	}
	if len(picked) == 0 {
		return s
	}
	slices.SortFunc(picked, func(a, b span) int { return a.j - b.j })
	var b strings.Builder
	b.Grow(len(s) + 4)
	last := 0
	for _, p := range picked {
		b.WriteString(s[last:p.j])
		b.WriteString("- ")
		last = p.j
	}
	b.WriteString(s[last:])
	return b.String()
}

// excerpt is the teaser of listings and related blocks: the first n
// characters of the text as stored, cut wherever they end.
func excerpt(s string, n int) string {
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i]
}

// description is the shorter, word-bounded excerpt SEO plugins put in
// meta description.
func description(s string) string {
	s = excerpt(s, 150)
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, ",.;:") + "…"
}
