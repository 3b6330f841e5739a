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
	// mainNode caches main(); mainDone says it was computed (nodes are
	// all added before the first field is read).
	mainNode map[string]any
	mainDone bool
}

// add parses one JSON-LD script. JSON broken in the two ways CMS plugins
// commonly break it (raw line breaks inside strings, trailing commas) is
// repaired; anything else invalid is ignored.
func (j *jsonLD) add(src string) {
	j.mainDone = false
	var v any
	b := []byte(strings.TrimSpace(src))
	if err := json.Unmarshal(b, &v); err != nil {
		if err := json.Unmarshal(repairJSON(b), &v); err != nil {
			return
		}
	}
	j.flatten(v, 0)
}

// repairJSON replaces control characters inside strings with spaces and
// drops commas that directly precede a closing bracket or brace.
func repairJSON(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			case c < 0x20:
				c = ' '
			}
			out = append(out, c)
			continue
		}
		switch c {
		case '"':
			inString = true
		case ',':
			k := i + 1
			for k < len(b) && (b[k] == ' ' || b[k] == '\n' || b[k] == '\r' || b[k] == '\t') {
				k++
			}
			if k < len(b) && (b[k] == '}' || b[k] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
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
			// A web page's main entity (the report it presents) is a node
			// of its own.
			if me, ok := t["mainEntity"].(map[string]any); ok && len(ldTypes(me)) > 0 {
				defer j.flatten(me, depth+1)
			}
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
	if !j.mainDone {
		j.mainNode, j.mainDone = j.findMain(), true
	}
	return j.mainNode
}

func (j *jsonLD) findMain() map[string]any {
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
		if key == "inLanguage" {
			if s, ok := v["alternateName"].(string); ok {
				return cleanText(s)
			}
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

// names returns the names of the persons or organisations a property of
// n holds: a string, an object with a name (or given and family names),
// an @id reference, or a list of these.
func (j *jsonLD) names(n map[string]any, key string) []string {
	if n == nil {
		return nil
	}
	var out []string
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if depth > 3 {
			return
		}
		switch t := v.(type) {
		case string:
			if s := cleanText(t); s != "" && !strings.Contains(s, "://") {
				out = append(out, s)
			}
		case []any:
			for _, e := range t {
				add(e, depth+1)
			}
		case map[string]any:
			m := j.deref(t)
			if s := ldString(m, "name"); s != "" {
				out = append(out, s)
				return
			}
			given, family := ldString(m, "givenName"), ldString(m, "familyName")
			if s := strings.TrimSpace(given + " " + family); s != "" {
				out = append(out, s)
			}
		}
	}
	add(n[key], 0)
	return out
}

// authors returns the names of the main node's authors (or creators).
func (j *jsonLD) authors() []string {
	n := j.main()
	if a := j.names(n, "author"); len(a) > 0 {
		return a
	}
	return j.names(n, "creator")
}

// image returns the main node's image (a URL, an ImageObject, an @id
// reference or a list), else its thumbnailUrl, else the primary image of
// a web page node.
func (j *jsonLD) image() string {
	pick := func(v any) string {
		for depth := 0; depth < 3; depth++ {
			switch t := v.(type) {
			case string:
				return strings.TrimSpace(t)
			case []any:
				if len(t) == 0 {
					return ""
				}
				v = t[0]
			case map[string]any:
				m := j.deref(t)
				if s := ldString(m, "contentUrl"); s != "" {
					return s
				}
				return ldString(m, "url")
			default:
				return ""
			}
		}
		return ""
	}
	n := j.main()
	if n == nil {
		return ""
	}
	for _, key := range []string{"image", "thumbnailUrl", "primaryImageOfPage"} {
		if s := pick(n[key]); s != "" {
			return s
		}
	}
	for _, m := range j.nodes {
		if _, ok := hasType(m, map[string]bool{"webpage": true, "itempage": true}); ok {
			if s := pick(m["primaryImageOfPage"]); s != "" {
				return s
			}
		}
	}
	return ""
}

// description returns the main node's description, else its abstract.
func (j *jsonLD) description() string {
	if s := j.str("description"); s != "" {
		return s
	}
	return j.str("abstract")
}

// mainTypes returns the lower-cased types of the main node.
func (j *jsonLD) mainTypes() []string {
	return ldTypes(j.main())
}

// siteName returns the name of the page's WebSite node.
func (j *jsonLD) siteName() string {
	for _, n := range j.nodes {
		if _, ok := hasType(n, map[string]bool{"website": true}); ok {
			if s := ldString(n, "name"); s != "" {
				return s
			}
		}
	}
	return ""
}
