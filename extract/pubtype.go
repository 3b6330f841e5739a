package extract

import (
	"regexp"
	"slices"
	"strings"
)

// kindWords maps the words pages use for a kind of publication (singular
// or plural, a few in French, German and Spanish) to the type harvest
// records, in lower case.
var kindWords = map[string]string{
	"report": "report", "reports": "report", "research report": "report", "research reports": "report",
	"technical report": "report", "technical reports": "report", "annual report": "report", "annual reports": "report",
	"rapport": "report", "rapports": "report", "bericht": "report", "berichte": "report", "informe": "report", "informes": "report",
	"guide": "guide", "guides": "guide", "guidance": "guide", "guidelines": "guide", "guideline": "guide",
	"guidance note": "guide", "guidance notes": "guide", "leitfaden": "guide", "guía": "guide", "guia": "guide",
	"handbook": "handbook", "handbooks": "handbook", "manual": "manual", "manuals": "manual",
	"toolkit": "toolkit", "toolkits": "toolkit", "tool kit": "toolkit",
	"article": "article", "articles": "article", "journal article": "article", "journal articles": "article",
	"scholarly article": "article", "news": "article", "news article": "article", "blog post": "article", "blog": "article",
	"dataset": "dataset", "datasets": "dataset", "data set": "dataset", "data sets": "dataset",
	"book": "book", "books": "book", "monograph": "book", "chapter": "chapter", "book chapter": "chapter", "book section": "chapter",
	"thesis": "thesis", "theses": "thesis", "dissertation": "thesis", "doctoral thesis": "thesis",
	"policy brief": "policy brief", "policy briefs": "policy brief", "brief": "policy brief", "briefs": "policy brief",
	"briefing": "policy brief", "briefings": "policy brief", "briefing paper": "policy brief", "briefing note": "policy brief",
	"working paper": "working paper", "working papers": "working paper", "discussion paper": "working paper",
	"discussion papers": "working paper", "research paper": "working paper", "research papers": "working paper",
	"case study": "case study", "case studies": "case study", "étude de cas": "case study",
	"factsheet": "factsheet", "factsheets": "factsheet", "fact sheet": "factsheet", "fact sheets": "factsheet",
	"study": "study", "studies": "study", "étude": "study", "studie": "study", "estudio": "study",
	"evaluation": "evaluation", "evaluations": "evaluation",
	"conference paper": "conference paper", "conference papers": "conference paper", "conference item": "conference paper",
	"presentation": "presentation", "presentations": "presentation", "infographic": "infographic", "infographics": "infographic",
	"newsletter": "newsletter", "newsletters": "newsletter", "position paper": "position paper", "position papers": "position paper",
	"submission": "submission", "submissions": "submission", "legislation": "legislation", "video": "video", "videos": "video",
	"podcast": "podcast", "podcasts": "podcast",
	"checklist": "checklist", "checklists": "checklist", "check list": "checklist", "checkliste": "checklist",
	"policy paper": "policy paper", "policy papers": "policy paper", "white paper": "white paper", "white papers": "white paper",
	"press release": "press release", "press releases": "press release", "pressemitteilung": "press release",
	"communiqué de presse": "press release", "nota de prensa": "press release", "speech": "speech", "speeches": "speech",
	"template": "template", "templates": "template", "brochure": "brochure", "brochures": "brochure", "leaflet": "brochure",
	"statement": "statement", "statements": "statement", "joint statement": "statement", "report card": "report",
	"handreichung": "guide", "fiche": "factsheet", "ratgeber": "guide", "glossary": "glossary", "framework": "framework",
	"roadmap": "roadmap", "road map": "roadmap", "bulletin": "bulletin", "statistical bulletin": "bulletin",
}

// ldKinds maps schema.org types to harvest types. Article-family types
// are generic (see pubType); WebPage, CreativeWork and DigitalDocument say
// nothing about the kind.
var ldKinds = map[string]string{
	"report": "report", "scholarlyarticle": "article", "dataset": "dataset", "book": "book",
	"chapter": "chapter", "thesis": "thesis", "legislation": "legislation", "techarticle": "article",
	"presentationdigitaldocument": "presentation", "videoobject": "video", "podcastepisode": "podcast",
	"article": "article", "newsarticle": "article", "blogposting": "article", "analysisnewsarticle": "article",
	"reportagenewsarticle": "article",
}

// genericLDKinds are types every post of some CMSs carries whatever it
// presents (Yoast marks each post an Article), and ScholarlyArticle,
// which schema.org offers for any scholarly work (working papers
// included).
var genericLDKinds = map[string]bool{
	"article": true, "newsarticle": true, "blogposting": true, "analysisnewsarticle": true, "reportagenewsarticle": true,
	"scholarlyarticle": true, "techarticle": true,
}

var kindPhraseRe = regexp.MustCompile(`[^\p{L}\p{N}\s]+`)

// kindOf maps a page's word for a kind of publication to a harvest type:
// the whole value ("Policy Briefs"), else a known phrase of two or more
// words inside it ("Monograph (Technical Report)"). It returns "" for
// words that do not name a kind ("Research", "Publications").
func kindOf(s string) string {
	s = strings.ToLower(normSpace(kindPhraseRe.ReplaceAllString(strings.ReplaceAll(s, "_", " "), " ")))
	if s == "" {
		return ""
	}
	if k, ok := kindWords[s]; ok {
		return k
	}
	padded := " " + s + " "
	for _, w := range kindPhrases {
		if strings.Contains(padded, " "+w+" ") {
			return kindWords[w]
		}
	}
	return ""
}

// kindPhrases are the words of kindWords made of two or more words,
// longest first.
var kindPhrases = func() []string {
	var out []string
	for w := range kindWords {
		if strings.Contains(w, " ") {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return out
}()

// typeLabelRe is a line stating the kind of publication.
var typeLabelRe = regexp.MustCompile(`(?i)^(?:type|item\s+type|document\s+type|publication\s+type|resource\s+type|content\s+type|type\s+de\s+(?:document|publication|ressource)|dokumenttyp|publikationstyp|tipo(?:\s+de\s+(?:documento|publicaci[óo]n))?)\s*[:：]\s*(.+)$`)

// pubType chooses the kind of publication where the page says it, by
// signal:
//   - Highwire citation_* that only one kind carries
//     (citation_technical_report_number: report, citation_dissertation_*:
//     thesis, citation_journal_title: article, citation_conference_title:
//     conference paper, citation_inbook_title: chapter), then DC.type and
//     eprints.type: bibliographic, stated for the document;
//   - a specific JSON-LD or microdata type (Report, Dataset, Thesis,
//     Book, ...), or a microdata genre naming a kind;
//   - a "Type:" line of the entry, then a category naming a kind
//     ("Policy Briefs", "Guidance"), then a series label before the
//     content ("Working paper 2017/4"), then a kind in front of the
//     heading or <title> ("Report: ...");
//   - last, a generic Article-family JSON-LD or microdata type (Article,
//     BlogPosting, NewsArticle, ScholarlyArticle): Yoast and themes mark
//     every post an Article, so it only counts when nothing more specific
//     is said. og:type is never used: it is "article" for every post, and
//     its vocabulary has no kinds.
func (f *fields) pubType(lines []line, categories []string, title string) (string, string) {
	m := f.meta
	switch {
	case m.first("citation_technical_report_number", "citation_technical_report_institution") != "":
		return "report", sigCitation
	case m.first("citation_dissertation_institution", "citation_dissertation_name") != "":
		return "thesis", sigCitation
	case m.first("citation_conference_title") != "":
		return "conference paper", sigCitation
	case m.first("citation_inbook_title", "citation_book_title") != "" && m.first("citation_firstpage") != "":
		return "chapter", sigCitation
	case m.first("citation_journal_title") != "":
		return "article", sigCitation
	}
	// A repository's own subtype (eprints.monograph_type "working_paper")
	// is more specific than its general type (DC.type "Monograph").
	for _, v := range m.all("eprints.monograph_type") {
		if k := kindOf(v); k != "" {
			return k, sigEPrints
		}
	}
	for _, v := range m.all("dc.type", "dcterms.type") {
		if k := kindOf(v); k != "" {
			return k, sigDublinCore
		}
	}
	for _, v := range m.all("eprints.type") {
		if k := kindOf(v); k != "" {
			return k, sigEPrints
		}
	}
	generic, genericSrc := "", ""
	consider := func(types []string, src string) (string, bool) {
		for _, t := range types {
			k, ok := ldKinds[t]
			if !ok {
				continue
			}
			if !genericLDKinds[t] {
				return k, true
			}
			if generic == "" {
				generic, genericSrc = k, src
			}
		}
		return "", false
	}
	if k, ok := consider(m.ld.mainTypes(), sigJSONLD); ok {
		return k, sigJSONLD
	}
	if m.micro != nil {
		if k, ok := consider(m.micro.types, sigMicrodata); ok {
			return k, sigMicrodata
		}
		if k := kindOf(m.micro.first("genre")); k != "" {
			return k, sigMicrodata
		}
	}
	for i, l := range lines {
		value := ""
		if mm := typeLabelRe.FindStringSubmatch(l.text); mm != nil {
			value = mm[1]
		} else if labelOnly(l.text, typeLabelsOnly...) && i+1 < len(lines) {
			value = lines[i+1].text
		}
		if len(value) <= 80 {
			if k := kindOf(value); k != "" {
				return k, sigLabelled
			}
		}
	}
	if k := categoryKind(categories, title); k != "" {
		return k, sigCategory
	}
	if k := seriesKind(f.headerLines(lines)); k != "" {
		return k, sigSeries
	}
	if k := titleKind(f.headingText()); k != "" {
		return k, sigHeading
	}
	if k := titleKind(m.titleTag); k != "" {
		return k, sigTitleTag
	}
	if k := titleWordsKind(title); k != "" {
		return k, sigTitleWords
	}
	return generic, genericSrc
}

// titleLeadRe is a title that opens with a kind of publication and says
// what it is about: "Toolkit on fair recruitment", "A Guide to Ethical
// Sourcing", "Checklist for buyers".
var titleLeadRe = regexp.MustCompile(`(?i)^(?:(?:a|an|the|our|new)\s+)?(\p{L}+(?:\s+\p{L}+){0,2}?)\s*(?:\s(?:on|for|of|to|about|für|zur|zum|zu|sur|pour|de|para|sobre|per)\s|[–—-]\s)`)

// titleTailRe drops a year, a number or an edition after a title's last
// words ("Annual Report 2022", "Working Paper No. 4").
var titleTailRe = regexp.MustCompile(`(?i)\s*(?:\(?\d{4}(?:[/–-]\d{2,4})?\)?|no\.?\s*\d+|#\d+|\d+(?:st|nd|rd|th)?\s+edition)\s*$`)

// ambiguousTitleKinds are kind words that a title uses for other things
// than the kind of the item ("Latest News", "Our Work in Video").
var ambiguousTitleKinds = map[string]bool{"news": true, "blog": true, "video": true, "videos": true, "article": true, "articles": true, "statement": true, "framework": true, "submission": true, "legislation": true, "evaluation": true, "presentation": true, "book": true, "books": true, "chapter": true}

// titleWordsKind reads the kind from the title's own words: a title that
// opens with a kind ("Toolkit on ...", "A guide to ...") or ends with one
// ("Fair Recruitment Toolkit", "Annual Report 2022").
func titleWordsKind(title string) string {
	t := strings.TrimSpace(title)
	if t == "" {
		return ""
	}
	if m := titleLeadRe.FindStringSubmatch(t); m != nil {
		w := strings.ToLower(m[1])
		if k := kindWords[w]; k != "" && !ambiguousTitleKinds[w] {
			return k
		}
	}
	t = titleTailRe.ReplaceAllString(t, "")
	words := strings.Fields(strings.ToLower(kindPhraseRe.ReplaceAllString(t, " ")))
	for n := min(3, len(words)); n >= 1; n-- {
		w := strings.Join(words[len(words)-n:], " ")
		if k := kindWords[w]; k != "" && !ambiguousTitleKinds[w] && len(words) > n {
			return k
		}
	}
	return ""
}

// typeLabelsOnly are type labels standing alone, their value on the next
// line.
var typeLabelsOnly = []string{"type", "item type", "document type", "publication type", "resource type", "content type", "dokumenttyp", "publikationstyp", "tipo"}

// categoryKind returns the kind named by the page's categories: when
// several name kinds, the one whose word the title uses ("Fair
// Recruitment Toolkit" in Guidance and Toolkits is a toolkit), else the
// first.
func categoryKind(categories []string, title string) string {
	first := ""
	lt := " " + letters(title) + " "
	for _, c := range categories {
		k := kindOf(c)
		if k == "" {
			continue
		}
		if first == "" {
			first = k
		}
		if strings.Contains(lt, " "+k+" ") || strings.Contains(lt, " "+letters(c)+" ") {
			return k
		}
	}
	return first
}

// titleKind reads a kind named in front of a title: "Report: Parcel
// Delivery Under Pressure", "Handbook: Children at Airports".
func titleKind(title string) string {
	i := strings.IndexAny(title, ":：")
	if i <= 0 || len(strings.Fields(title[:i])) > 3 {
		return ""
	}
	return kindOf(title[:i])
}

// seriesRe is a series label: a kind of publication followed by its
// number ("Working paper 2017/4", "Policy Brief No. 12", "Report #3").
var seriesRe = regexp.MustCompile(`(?i)^(\p{L}[\p{L} ]{2,30}?)\s+(?:no\.?\s*|n[°º]\s*|#\s*)?\d[\d/.\-]*$`)

// seriesKind reads the kind from a series label among the lines before
// the content's first paragraph.
func seriesKind(lines []line) string {
	for _, l := range lines {
		if m := seriesRe.FindStringSubmatch(l.text); m != nil {
			if k := kindOf(m[1]); k != "" {
				return k
			}
		}
		// A kicker line that is only a kind: "Policy paper", "Press release".
		if len(l.text) <= 40 && len(l.links) == 0 {
			if k, ok := kindWords[strings.ToLower(strings.TrimSpace(l.text))]; ok && !ambiguousTitleKinds[strings.ToLower(strings.TrimSpace(l.text))] {
				return k
			}
		}
	}
	return ""
}
