package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// microItem is one schema.org microdata item (an element with
// itemscope and itemtype): its types and its properties in document
// order. Joomla, Jekyll themes and many hand-built sites mark their
// articles up this way rather than with JSON-LD.
type microItem struct {
	node  *html.Node
	types []string // lower-cased local names, as ldTypes gives them
	props map[string][]microValue
}

// microValue is one property value: its text, its URL for elements
// whose value the microdata spec says is a URL (a, link, img, ...), and
// the nested item when the property is itself an item (an author
// Person). Sites put itemprop="genre" or "keywords" on term links, so a
// link's text is kept beside its URL.
type microValue struct {
	text, url string
	item      *microItem
}

// microTypes returns the lower-cased local names of an itemtype value.
func microTypes(itemtype string) []string {
	var out []string
	for _, t := range strings.Fields(itemtype) {
		if i := strings.LastIndexAny(t, "/:#"); i >= 0 {
			t = t[i+1:]
		}
		if t = strings.ToLower(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// readMicroItem reads the item rooted at n: its itemprop elements, but
// not those of nested items (whose own properties belong to them; a
// nested item that is a property is read as its value) nor those inside
// scripts, styles and templates.
func readMicroItem(n *html.Node, r *resolver, depth int) *microItem {
	it := &microItem{node: n, types: microTypes(attr(n, "itemtype")), props: map[string][]microValue{}}
	for _, k := range selection(n).FindMatcher(itemPropM).Nodes {
		if selection(k).ParentsUntilNodes(n).IsMatcher(itemBarrierM) {
			continue
		}
		var v microValue
		if hasAttr(k, "itemscope") {
			if depth < 3 {
				v.item = readMicroItem(k, r, depth+1)
				v.text = v.item.first("name")
			}
		} else {
			v.text, v.url = microText(k, r)
		}
		for _, p := range strings.Fields(strings.ToLower(attr(k, "itemprop"))) {
			it.props[p] = append(it.props[p], v)
		}
	}
	return it
}

var (
	// itemPropM matches a property element.
	itemPropM = matcher(func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "itemprop") != "" })
	// itemBarrierM matches what hides the properties below it from an
	// item: a nested item, a script, a style, a template.
	itemBarrierM = matcher(func(n *html.Node) bool {
		return hasAttr(n, "itemscope") || isElement(n, atom.Script, atom.Style, atom.Template)
	})
)

// microText is the text and URL of a non-item property element.
func microText(n *html.Node, r *resolver) (text, url string) {
	switch n.DataAtom {
	case atom.Meta:
		return cleanText(attr(n, "content")), ""
	case atom.A, atom.Area:
		return cleanText(nodeText(n)), r.resolve(attr(n, "href"))
	case atom.Link:
		return "", r.resolve(attr(n, "href"))
	case atom.Img, atom.Audio, atom.Embed, atom.Iframe, atom.Source, atom.Track, atom.Video:
		return cleanText(attr(n, "alt")), r.resolve(attr(n, "src"))
	case atom.Object:
		return "", r.resolve(attr(n, "data"))
	case atom.Data, atom.Meter:
		return cleanText(attr(n, "value")), ""
	case atom.Time:
		if d := attr(n, "datetime"); d != "" {
			return cleanText(d), ""
		}
	}
	if c := attr(n, "content"); c != "" {
		return cleanText(c), ""
	}
	return cleanText(nodeText(n)), ""
}

// firstURL returns the first URL value of a property (or its text, when
// the text is the URL: a <meta content>).
func (it *microItem) firstURL(prop string) string {
	if it == nil {
		return ""
	}
	for _, v := range it.props[prop] {
		if v.url != "" {
			return v.url
		}
		if v.text != "" && v.item == nil {
			return v.text
		}
	}
	return ""
}

// first returns the first non-empty text value of a property.
func (it *microItem) first(prop string) string {
	if it == nil {
		return ""
	}
	for _, v := range it.props[prop] {
		if v.text != "" {
			return v.text
		}
	}
	return ""
}

// all returns the non-empty text values of a property.
func (it *microItem) all(prop string) []string {
	if it == nil {
		return nil
	}
	var out []string
	for _, v := range it.props[prop] {
		if v.text != "" {
			out = append(out, v.text)
		}
	}
	return out
}

// names returns the names of a property's persons or organisations.
func (it *microItem) names(prop string) []string {
	if it == nil {
		return nil
	}
	var out []string
	for _, v := range it.props[prop] {
		if t := v.text; t != "" && !strings.Contains(t, "://") {
			out = append(out, t)
		}
	}
	return out
}

// mainMicroItem chooses the item describing the publication among the
// page's items: the one of a publication type holding the main heading;
// else, the only item of a publication type (several are teasers of
// other pages); else the first web page item.
func mainMicroItem(items []*html.Node, heading *html.Node, r *resolver) *microItem {
	var pubs []*html.Node
	var page *html.Node
	for _, n := range items {
		isPub, isPage := false, false
		for _, t := range microTypes(attr(n, "itemtype")) {
			isPub = isPub || publicationTypes[t]
			isPage = isPage || t == "webpage" || t == "itempage"
		}
		if isPub {
			if heading != nil && contains(n, heading) {
				return readMicroItem(n, r, 0)
			}
			pubs = append(pubs, n)
		}
		if isPage && page == nil {
			page = n
		}
	}
	switch {
	case len(pubs) == 1 && heading == nil:
		return readMicroItem(pubs[0], r, 0)
	case page != nil:
		return readMicroItem(page, r, 0)
	}
	return nil
}
