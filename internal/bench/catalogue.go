package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"harvest"
)

// Synthetic publications for a catalogue of any size (harvest bench
// catalogue): titles, summaries, sources, tags and categories drawn from
// fixed vocabularies, deterministic for a seed. Tags and categories
// follow a skewed distribution (a few common, many rare), as real
// libraries' do.

var themes = []string{
	"forced labour", "child labour", "recruitment fees", "migrant workers", "human trafficking",
	"supply chain due diligence", "living wages", "freedom of association", "collective bargaining",
	"occupational safety", "gender equality", "sexual harassment", "domestic work", "informal economy",
	"social protection", "grievance mechanisms", "access to remedy", "responsible sourcing",
	"labour inspection", "debt bondage", "seafarers", "fisheries", "palm oil", "cocoa", "cotton",
	"garments", "electronics", "construction", "agriculture", "mining", "seafood processing",
	"care work", "platform work", "climate transition", "just transition", "heat stress",
	"wage theft", "working hours", "health and safety committees", "worker voice", "ethical recruitment",
	"public procurement", "modern slavery reporting", "corporate accountability", "trade policy",
	"indigenous peoples", "land rights", "water access", "community consultation", "youth employment",
	"skills development", "apprenticeships", "disability inclusion", "pay transparency", "pensions",
	"maternity protection", "childcare", "remote work", "automation", "artificial intelligence",
	"data protection", "union organising", "strikes", "minimum wage", "labour migration governance",
	"bilateral labour agreements", "return and reintegration", "refugee employment", "statelessness",
	"ports", "logistics", "warehousing", "retail", "hospitality", "tourism", "tea", "coffee", "sugar cane",
	"rubber", "timber", "tobacco", "brick kilns", "textiles", "footwear", "toys", "solar panels",
	"batteries", "cobalt", "rare earths",
}

var places = []string{
	"Thailand", "Malaysia", "Indonesia", "Viet Nam", "Cambodia", "Myanmar", "Bangladesh", "India",
	"Nepal", "Pakistan", "Sri Lanka", "the Philippines", "China", "Taiwan", "the Gulf states", "Qatar",
	"Saudi Arabia", "the United Arab Emirates", "Jordan", "Lebanon", "Turkey", "Ethiopia", "Kenya",
	"Uganda", "Ghana", "Côte d'Ivoire", "Nigeria", "South Africa", "the Democratic Republic of the Congo",
	"Zambia", "Brazil", "Mexico", "Guatemala", "Honduras", "Peru", "Colombia", "the United States",
	"Canada", "the United Kingdom", "Ireland", "Germany", "France", "Italy", "Spain", "Poland", "Romania",
	"the Netherlands", "Norway", "Australia", "New Zealand", "Fiji", "Papua New Guinea", "Taiwan (Province of China)",
	"Southeast Asia", "South Asia", "West Africa", "East Africa", "Latin America", "the European Union",
}

var kinds = []string{
	"Research report", "Policy brief", "Toolkit", "Guidance note", "Working paper", "Case study",
	"Briefing", "Factsheet", "Handbook", "Training manual", "Evaluation", "Annual report", "Statement",
	"Submission", "Baseline study", "Survey", "Position paper", "Discussion paper", "Checklist",
	"Country profile", "Sector profile", "Practice note", "Webinar summary", "Infographic", "Dataset",
}

var audiences = []string{
	"companies", "suppliers", "brands and retailers", "recruitment agencies", "trade unions",
	"labour inspectors", "investors", "governments", "civil society organisations", "auditors",
	"employers' organisations", "buyers", "policy makers", "local authorities", "worker organisations",
}

var verbs = []string{
	"sets out", "examines", "reviews", "documents", "maps", "assesses", "explains", "summarises",
	"compares", "analyses", "describes", "presents",
}

var orgWords = []string{
	"global", "fair", "open", "labour", "ocean", "rights", "decent", "just", "ethical", "safe",
}

var orgKinds = []string{
	"watch", "network", "alliance", "institute", "hub", "forum", "trust", "foundation", "centre",
	"initiative", "observatory", "coalition", "council", "lab", "project", "collective", "union",
	"partnership", "commons", "library",
}

var firstNames = []string{"Amina", "Ben", "Chen", "Dara", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavita", "Luis", "Maya", "Nils", "Olu", "Priya", "Rosa", "Sami", "Tomas", "Yuki"}
var lastNames = []string{"Abebe", "Bauer", "Costa", "Dlamini", "Evans", "Fischer", "García", "Hassan", "Ito", "Jensen", "Khan", "Lopez", "Mensah", "Nguyen", "Okafor", "Patel", "Quispe", "Rossi", "Silva", "Tanaka"}

// Vocabularies derived from the lists above: a few hundred tags (themes,
// places and kinds of work) and some hundred and fifty categories
// (kinds of publication, and programme areas).
var (
	catalogueTags       = buildTags()
	catalogueCategories = buildCategories()
)

func buildTags() []string {
	var out []string
	out = append(out, themes...)
	out = append(out, places...)
	for _, a := range audiences {
		out = append(out, "for "+a)
	}
	for _, t := range themes[:60] {
		out = append(out, t+" research")
	}
	return out
}

func buildCategories() []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k+"s")
	}
	for _, t := range themes {
		out = append(out, "Programme: "+t)
	}
	for _, p := range places[len(places)-7:] {
		out = append(out, "Region: "+p)
	}
	return out
}

// CatalogueVocabulary reports the sizes of the vocabularies: tags and
// categories a synthetic record draws from.
func CatalogueVocabulary() (tags, categories int) {
	return len(catalogueTags), len(catalogueCategories)
}

// SourceNames returns n distinct source names ("fair-watch", ...; past
// 200, numbered).
func SourceNames(n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		w, k := orgWords[i%len(orgWords)], orgKinds[(i/len(orgWords))%len(orgKinds)]
		name := w + "-" + k
		if r := i / (len(orgWords) * len(orgKinds)); r > 0 {
			name = fmt.Sprintf("%s-%d", name, r+1)
		}
		out = append(out, name)
	}
	return out
}

// CatalogueGen makes synthetic publications. It is not safe for
// concurrent use.
type CatalogueGen struct {
	r       *rand.Rand
	sources []string
	tagZ    *rand.Zipf
	catZ    *rand.Zipf
	srcZ    *rand.Zipf
	start   time.Time
	span    time.Duration
	total   int
}

// NewCatalogueGen returns a generator of total publications over sources
// sources, first seen from 2016 to 2026 in order (with jitter), as a
// crawl of many years finds them.
func NewCatalogueGen(seed int64, sources, total int) *CatalogueGen {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	g := &CatalogueGen{
		r:       r,
		sources: SourceNames(sources),
		start:   time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC),
		span:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)),
		total:   max(total, 1),
	}
	g.tagZ = rand.NewZipf(r, 1.1, 8, uint64(len(catalogueTags)-1))
	g.catZ = rand.NewZipf(r, 1.1, 4, uint64(len(catalogueCategories)-1))
	g.srcZ = rand.NewZipf(r, 1.05, 20, uint64(len(g.sources)-1))
	return g
}

func (g *CatalogueGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// Next returns the i-th publication (i from 0) and when it was first
// seen.
func (g *CatalogueGen) Next(i int) (harvest.Publication, time.Time) {
	src := g.sources[g.srcZ.Uint64()]
	theme, place, kind := g.pick(themes), g.pick(places), g.pick(kinds)
	year := 2005 + g.r.IntN(21)
	var title string
	switch g.r.IntN(4) {
	case 0:
		title = fmt.Sprintf("%s in %s: %s", capitalise(theme), place, strings.ToLower(kind))
	case 1:
		title = fmt.Sprintf("%s on %s for %s", kind, theme, g.pick(audiences))
	case 2:
		title = fmt.Sprintf("Addressing %s and %s in %s (%d)", theme, g.pick(themes), place, year)
	default:
		title = fmt.Sprintf("%s: %s, %s %d", kind, capitalise(theme), place, year)
	}
	summary := fmt.Sprintf("This %s %s %s in %s, drawing on interviews with workers, %s and %s carried out between %d and %d. ",
		strings.ToLower(kind), g.pick(verbs), theme, place, g.pick(audiences), g.pick(audiences), year-2, year)
	for range 1 + g.r.IntN(3) {
		summary += fmt.Sprintf("It %s how %s can address %s in %s, with attention to %s. ",
			g.pick(verbs), g.pick(audiences), g.pick(themes), g.pick(places), g.pick(themes))
	}
	summary = strings.TrimSpace(summary)

	tags := map[string]bool{theme: true}
	for range 1 + g.r.IntN(4) {
		tags[catalogueTags[g.tagZ.Uint64()]] = true
	}
	cats := map[string]bool{kind + "s": true}
	if g.r.IntN(2) == 0 {
		cats[catalogueCategories[g.catZ.Uint64()]] = true
	}
	slug := strings.NewReplacer(" ", "-", ":", "", ",", "", "(", "", ")", "", "'", "").Replace(strings.ToLower(title))
	url := fmt.Sprintf("https://%s.example.org/publications/%s-%d/", src, slug, i)
	p := harvest.Publication{
		Source:       src,
		URL:          url,
		CanonicalURL: url,
		Title:        title,
		Summary:      summary,
		Tags:         keys(tags),
		Categories:   keys(cats),
		Downloads: []harvest.Download{{
			URL: fmt.Sprintf("https://%s.example.org/files/%d/%s.pdf", src, i, slug), Label: "Download PDF", MediaType: "application/pdf",
		}},
		Publisher: strings.ToUpper(src[:1]) + strings.ReplaceAll(src[1:], "-", " "),
		Published: fmt.Sprintf("%d-%02d-%02d", year, 1+g.r.IntN(12), 1+g.r.IntN(28)),
		Language:  "en",
		Type:      strings.ToLower(kind),
		SiteName:  src,
	}
	for range g.r.IntN(3) {
		p.Authors = append(p.Authors, g.pick(firstNames)+" "+g.pick(lastNames))
	}
	// First seen in order over the span, give or take a week.
	at := g.start.Add(time.Duration(float64(g.span) * float64(i) / float64(g.total)))
	at = at.Add(time.Duration(g.r.Int64N(int64(7 * 24 * time.Hour))))
	return p, at
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	// Map order is random: sort for determinism.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
