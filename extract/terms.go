package extract

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Labels that introduce a term list in the page's own text (English,
// with the common French, German and Spanish forms).
const (
	tagLabels = `(?:tags?|tagged(?:\s+with)?|labels?|keywords?|topics?|themes?|subjects?|mots[- ]cl[ée]s|[ée]tiquettes|th[èe]mes|schlagw[öo]rter|stichw[öo]rter|themen|etiquetas|palabras\s+clave|temas)`
	catLabels = `(?:categories|category|types?|resource\s+types?|document\s+types?|publication\s+types?|cat[ée]gories?|type\s+de\s+(?:document|ressource|publication)|kategorien?|publikationstyp|categor[íi]as?|tipo(?:\s+de\s+(?:documento|recurso|publicaci[óo]n))?)`
)

var (
	tagsLabelRe = regexp.MustCompile(`(?i)^` + tagLabels + `\s*[:：]\s*`)
	catsLabelRe = regexp.MustCompile(`(?i)^` + catLabels + `\s*[:：]\s*`)
	// termLabelOnlyRe is a label standing alone, its terms in the next
	// element ("<dt>Tags</dt><dd>...</dd>").
	termLabelOnlyRe = regexp.MustCompile(`(?i)^(?:` + tagLabels + `|` + catLabels + `)\s*[:：]?$`)
	tagsLabelOnlyRe = regexp.MustCompile(`(?i)^` + tagLabels + `\s*[:：]?$`)
)

// Taxonomy folders in term URLs (".../resource-type/guidance/",
// ".../publication-category/reports/", ".../tag/asia/"), recognised by
// the last word of the folder name: kinds of publication are categories,
// what a publication is about is a tag.
var (
	categoryFolderRe = regexp.MustCompile(`^(?:[a-z0-9]+[-_])*(?:category|categories|cat|type|types|collection|collections|series|format|formats)$`)
	tagFolderRe      = regexp.MustCompile(`^(?:[a-z0-9]+[-_])*(?:tag|tags|keyword|keywords|topic|topics|theme|themes|subject|subjects|region|regions|country|countries|location|locations|issue|issues)$`)
)

type termKind int

const (
	notTerm termKind = iota
	categoryTerm
	tagTerm
)

// folderKind says whether a term URL is a category or a tag by the
// taxonomy folder in its first or second path segment.
func folderKind(u string) termKind {
	p, err := url.Parse(u)
	if err != nil {
		return notTerm
	}
	segs := strings.Split(strings.Trim(strings.ToLower(p.Path), "/"), "/")
	for i := 0; i < len(segs)-1 && i < 2; i++ {
		switch {
		case categoryFolderRe.MatchString(segs[i]):
			return categoryTerm
		case tagFolderRe.MatchString(segs[i]):
			return tagTerm
		}
	}
	return notTerm
}

// fieldKind says whether n is a Drupal field of categories or tags, by
// the name in its "field--name-field-<name>" class (field_tags,
// field_topics, field_publication_type, ...), named as taxonomy folders
// are.
func fieldKind(n *html.Node) termKind {
	for _, c := range classes(n) {
		name, ok := strings.CutPrefix(c, "field--name-field-")
		if !ok {
			continue
		}
		switch {
		case categoryFolderRe.MatchString(name):
			return categoryTerm
		case tagFolderRe.MatchString(name):
			return tagTerm
		}
	}
	return notTerm
}

// linkTermKind says whether the link a in the entry is one of the
// entry's terms: rel="category tag" and .cat-links are categories;
// rel="tag" and .tags-links are tags, except rel="tag" links into a
// category-like taxonomy (WordPress marks every term link rel="tag");
// other links in the entry's header, meta or footer are terms when their
// URL has a taxonomy folder.
func linkTermKind(a, scope *html.Node, u string) termKind {
	if hasRel(a, "category") {
		return categoryTerm
	}
	// The link's ancestors up to the scope (included), nearest first.
	up := selection(a).ParentsUntilNodes(scope.Parent)
	if up.IsMatcher(catListM) {
		return categoryTerm
	}
	if up.IsMatcher(tagListM) {
		return tagTerm
	}
	for _, p := range up.Nodes {
		if k := fieldKind(p); k != notTerm {
			return k
		}
	}
	folder := folderKind(u)
	if hasRel(a, "tag") {
		if folder == categoryTerm {
			return categoryTerm
		}
		return tagTerm
	}
	if folder == notTerm {
		return notTerm
	}
	if up.IsMatcher(termRegionM) {
		return folder
	}
	return notTerm
}

// Matchers of the elements around term links.
var (
	catListM = matcher(func(n *html.Node) bool {
		return hasClass(n, "cat-links", "categories-links", "post-categories", "entry-categories", "category-name", "article-categories")
	})
	tagListM = matcher(func(n *html.Node) bool {
		return hasClass(n, "tags-links", "tag-links", "post-tags", "entry-tags", "tags", "tag-list", "taglist", "article-tags")
	})
	// termRegionM is an entry's header or footer, or its meta or terms
	// region.
	termRegionM = matcher(func(n *html.Node) bool {
		return isElement(n, atom.Header, atom.Footer) || tokenMatch(n, tokMetaRegion)
	})
)

// markupTerms are the terms the entry shows, with their signals.
type markupTerms struct {
	cats, tags     []string
	catSrc, tagSrc string
}

// termsInMarkup returns the categories and tags marked up in the entry:
// term links, then labelled lines ("Tags: A, B"), each in document order.
func termsInMarkup(scope *html.Node, lines []line, r *resolver) markupTerms {
	var cats, tags []string
	for _, n := range outermost(scope, linkM) {
		u := r.href(n)
		if u == "" {
			continue
		}
		switch linkTermKind(n, scope, u) {
		case categoryTerm:
			cats = append(cats, cleanTerm(nodeText(n)))
		case tagTerm:
			tags = append(tags, cleanTerm(nodeText(n)))
		}
	}
	var mt markupTerms
	cats, tags = dedupeFold(nil, cats...), dedupeFold(nil, tags...)
	if len(cats) > 0 {
		mt.catSrc = sigTermLinks
	}
	if len(tags) > 0 {
		mt.tagSrc = sigTermLinks
	}
	nc, nt := len(cats), len(tags)
	for i, l := range lines {
		if c := strings.IndexAny(l.text, ":："); (c < 0 || c > 48) && len(l.text) > 48 {
			continue // no label: labels are short and end in a colon, or stand alone
		}
		switch {
		case tagsLabelRe.MatchString(l.text) && !tagsLabelOnlyRe.MatchString(l.text):
			tags = append(tags, lineTerms(l, tagsLabelRe)...)
		case catsLabelRe.MatchString(l.text) && !termLabelOnlyRe.MatchString(l.text):
			cats = append(cats, lineTerms(l, catsLabelRe)...)
		case termLabelOnlyRe.MatchString(l.text):
			v := valueElement(lines, i)
			if v == nil {
				continue
			}
			if tagsLabelOnlyRe.MatchString(l.text) {
				tags = append(tags, termsIn(v)...)
			} else {
				cats = append(cats, termsIn(v)...)
			}
		}
	}
	cats, tags = dedupeFold(nil, cats...), dedupeFold(nil, tags...)
	if len(cats) > nc {
		mt.catSrc = joinSignals([]string{mt.catSrc, sigLabelled})
	}
	if len(tags) > nt {
		mt.tagSrc = joinSignals([]string{mt.tagSrc, sigLabelled})
	}
	mt.cats, mt.tags = cats, tags
	return mt
}

// lineTerms reads the terms of a labelled line. When the terms are
// elements (links, spans) each element's own text is one term, so
// "<span>Guidance</span><span>Publications</span>" gives two terms;
// plain text is split on commas, semicolons and pipes.
func lineTerms(l line, label *regexp.Regexp) []string {
	value := label.ReplaceAllString(l.text, "")
	var fromLeaves []string
	for _, leaf := range l.leaves {
		t := nodeText(leaf)
		if termLabelOnlyRe.MatchString(t) {
			continue // the label's own element
		}
		t = label.ReplaceAllString(t, "")
		fromLeaves = append(fromLeaves, splitTerms(t)...)
	}
	if len(fromLeaves) > 0 && flat(strings.Join(fromLeaves, "")) == flat(value) {
		return fromLeaves
	}
	return splitTerms(value)
}

// flat is s reduced to letters and digits without spaces.
func flat(s string) string { return strings.ReplaceAll(letters(s), " ", "") }

// valueElement returns the element holding the value of the label-only
// line lines[i]: the next element after the label's block.
func valueElement(lines []line, i int) *html.Node {
	if lines[i].block == nil {
		return nil
	}
	for s := selection(lines[i].block); s.Length() > 0; s = s.Parent() {
		if next := s.Next(); next.Length() > 0 {
			return next.Nodes[0]
		}
		if isContentBlock(s.Nodes[0].Parent) {
			break
		}
	}
	return nil
}

// termsIn reads the terms held by a value element: its links, else its
// innermost elements with text, else its text split on separators.
func termsIn(v *html.Node) []string {
	var out []string
	for _, a := range linkM.MatchAll(v) { // v included
		out = append(out, cleanTerm(nodeText(a)))
	}
	if len(out) > 0 {
		return out
	}
	for _, e := range selection(v).FindMatcher(leafM).Nodes {
		out = append(out, splitTerms(nodeText(e))...)
	}
	if len(out) > 0 {
		return out
	}
	return splitTerms(nodeText(v))
}

// dropDefaultCategory removes WordPress's default category.
func dropDefaultCategory(cats []string) []string {
	out := cats[:0]
	for _, c := range cats {
		if !strings.EqualFold(c, "Uncategorized") && !strings.EqualFold(c, "Uncategorised") {
			out = append(out, c)
		}
	}
	return out
}
