package extract

import (
	"encoding/json"
	"strings"
)

// publicationTypes are schema.org types of a page about one publication.
var publicationTypes = map[string]bool{
	"article": true, "newsarticle": true, "blogposting": true, "scholarlyarticle": true,
	"techarticle": true, "report": true, "creativework": true, "digitaldocument": true,
	"textdigitaldocument": true, "book": true, "chapter": true, "thesis": true,
	"dataset": true, "publicationissue": true, "periodical": true, "guide": true,
	"legislation": true, "manuscript": true, "analysisnewsarticle": true,
	"reportagenewsarticle": true,
}

// listingTypes are schema.org types of a page listing other pages.
var listingTypes = map[string]bool{
	"collectionpage": true, "itemlist": true, "searchresultspage": true, "blog": true,
}

// jsonLD holds the flattened nodes of a page's JSON-LD blocks.
type jsonLD struct {
	nodes []map[string]any
	byID  map[string]map[string]any
}

// add parses one JSON-LD script; invalid JSON is ignored.
func (j *jsonLD) add(src string) {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return
	}
	j.flatten(v, 0)
}

func (j *jsonLD) flatten(v any, depth int) {
	if depth > 8 {
		return
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			j.flatten(e, depth+1)
		}
	case map[string]any:
		if g, ok := t["@graph"]; ok {
			j.flatten(g, depth+1)
		}
		if len(ldTypes(t)) > 0 {
			j.nodes = append(j.nodes, t)
			if id, ok := t["@id"].(string); ok && id != "" {
				if j.byID == nil {
					j.byID = map[string]map[string]any{}
				}
				if _, dup := j.byID[id]; !dup {
					j.byID[id] = t
				}
			}
		}
	}
}

// ldTypes returns the lower-cased local names of a node's @type.
func ldTypes(n map[string]any) []string {
	var out []string
	add := func(s string) {
		if i := strings.LastIndexAny(s, "/:#"); i >= 0 {
			s = s[i+1:]
		}
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	switch t := n["@type"].(type) {
	case string:
		add(t)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				add(s)
			}
		}
	}
	return out
}

func hasType(n map[string]any, set map[string]bool) (string, bool) {
	for _, t := range ldTypes(n) {
		if set[t] {
			return t, true
		}
	}
	return "", false
}

// main returns the node describing the publication: the first node of a
// publication type, else the first web page node.
func (j *jsonLD) main() map[string]any {
	for _, n := range j.nodes {
		if _, ok := hasType(n, publicationTypes); ok {
			return n
		}
	}
	for _, n := range j.nodes {
		if _, ok := hasType(n, map[string]bool{"webpage": true, "itempage": true}); ok {
			return n
		}
	}
	return nil
}

// publicationType returns the first publication type found, or "".
func (j *jsonLD) publicationType() string {
	for _, n := range j.nodes {
		if t, ok := hasType(n, publicationTypes); ok {
			return t
		}
	}
	return ""
}

// listingType returns the first listing type found, or "".
func (j *jsonLD) listingType() string {
	for _, n := range j.nodes {
		if t, ok := hasType(n, listingTypes); ok {
			return t
		}
	}
	return ""
}

// str returns a string property of the main node (a string, or the first
// string of a list).
func (j *jsonLD) str(key string) string {
	return ldString(j.main(), key)
}

func ldString(n map[string]any, key string) string {
	if n == nil {
		return ""
	}
	switch v := n[key].(type) {
	case string:
		return cleanText(v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
				return cleanText(s)
			}
		}
	case map[string]any:
		if s, ok := v["@value"].(string); ok {
			return cleanText(s)
		}
	}
	return ""
}

// strings returns a property of the main node that may be a list or a
// comma-separated string ("keywords").
func (j *jsonLD) strList(key string) []string {
	n := j.main()
	if n == nil {
		return nil
	}
	var out []string
	switch v := n[key].(type) {
	case string:
		out = splitTerms(v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				if t := cleanTerm(s); t != "" {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// deref follows an {"@id": ...} reference to the node it names.
func (j *jsonLD) deref(v any) map[string]any {
	switch t := v.(type) {
	case map[string]any:
		if id, ok := t["@id"].(string); ok && len(t) == 1 {
			if n, ok := j.byID[id]; ok {
				return n
			}
		}
		return t
	case []any:
		if len(t) > 0 {
			return j.deref(t[0])
		}
	}
	return nil
}

// publisher returns the name of the main node's publisher.
func (j *jsonLD) publisher() string {
	n := j.main()
	if n == nil {
		return ""
	}
	if s, ok := n["publisher"].(string); ok {
		return cleanText(s)
	}
	return ldString(j.deref(n["publisher"]), "name")
}

// siteNames returns the names of WebSite nodes and of the site's
// publisher.
func (j *jsonLD) siteNames() []string {
	var out []string
	for _, n := range j.nodes {
		if _, ok := hasType(n, map[string]bool{"website": true}); ok {
			if s := ldString(n, "name"); s != "" {
				out = append(out, s)
			}
			if s := ldString(n, "alternateName"); s != "" {
				out = append(out, s)
			}
			if s := ldString(j.deref(n["publisher"]), "name"); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// datePublished returns datePublished of the main node, else of any
// node that has it.
func (j *jsonLD) datePublished() string {
	if s := j.str("datePublished"); s != "" {
		return s
	}
	for _, n := range j.nodes {
		if s := ldString(n, "datePublished"); s != "" {
			return s
		}
	}
	return ""
}

func (j *jsonLD) language() string {
	if s := j.str("inLanguage"); s != "" {
		return s
	}
	for _, n := range j.nodes {
		if s := ldString(n, "inLanguage"); s != "" {
			return s
		}
	}
	return ""
}

// ldTypeNames gives the schema.org spelling of the lower-cased types.
var ldTypeNames = map[string]string{
	"article": "Article", "newsarticle": "NewsArticle", "blogposting": "BlogPosting",
	"scholarlyarticle": "ScholarlyArticle", "techarticle": "TechArticle", "report": "Report",
	"creativework": "CreativeWork", "digitaldocument": "DigitalDocument",
	"textdigitaldocument": "TextDigitalDocument", "book": "Book", "chapter": "Chapter",
	"thesis": "Thesis", "dataset": "Dataset", "publicationissue": "PublicationIssue",
	"periodical": "Periodical", "guide": "Guide", "legislation": "Legislation",
	"manuscript": "Manuscript", "analysisnewsarticle": "AnalysisNewsArticle",
	"reportagenewsarticle": "ReportageNewsArticle", "collectionpage": "CollectionPage",
	"itemlist": "ItemList", "searchresultspage": "SearchResultsPage", "blog": "Blog",
}

func (j *jsonLD) typeName(t string) string {
	if s, ok := ldTypeNames[t]; ok {
		return s
	}
	return t
}

// media returns the files the main node names as its encodings
// (encoding, associatedMedia, distribution): their contentUrl (or url),
// name and encodingFormat.
func (j *jsonLD) media() []ldMedia {
	n := j.main()
	if n == nil {
		return nil
	}
	var out []ldMedia
	for _, key := range []string{"encoding", "associatedMedia", "distribution"} {
		var list []any
		switch v := n[key].(type) {
		case []any:
			list = v
		case map[string]any:
			list = []any{v}
		}
		for _, e := range list {
			m := j.deref(e)
			u := ldString(m, "contentUrl")
			if u == "" {
				u = ldString(m, "url")
			}
			if u != "" {
				out = append(out, ldMedia{url: u, name: ldString(m, "name"), format: ldString(m, "encodingFormat")})
			}
		}
	}
	return out
}

// ldMedia is a file named in JSON-LD.
type ldMedia struct {
	url, name, format string
}
