package extract

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"harvest"
	"harvest/urlnorm"
)

// Page extracts what one fetched page is and holds. pageURL is the URL
// the page was fetched from (after redirects), body the raw bytes and
// contentType the Content-Type header (it may be empty). Page is pure:
// it does no I/O and parses the page once; it is safe for concurrent use.
//
// It returns an error for unusable input (an empty or binary body, a
// Content-Type that is not HTML, a URL that is not absolute http(s)) and
// for invalid selectors in rules. It does not panic: a failure inside the
// extractor is returned as an error.
//
// The work, in order: decode the charset; collect the page's links; strip
// noise; find the main heading and teaser blocks; classify the page; for
// a publication, strip teasers as related blocks and read the fields.
//
// Page reads the fields of publications only: a crawl records nothing
// else, and listings are most of what it fetches. Inspect reads them for
// every kind of page.
func Page(pageURL string, body []byte, contentType string, rules Rules) (res *Result, err error) {
	return guarded(pageURL, body, contentType, rules, false)
}

// Inspect is Page, with the fields of every kind of page read (what
// harvest extract shows: a page taken for a listing still has a title, a
// summary, dates).
func Inspect(pageURL string, body []byte, contentType string, rules Rules) (res *Result, err error) {
	return guarded(pageURL, body, contentType, rules, true)
}

func guarded(pageURL string, body []byte, contentType string, rules Rules, allKinds bool) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("extract %s: internal error: %v", pageURL, p)
		}
	}()
	return page(pageURL, body, contentType, rules, allKinds)
}

func page(pageURL string, body []byte, contentType string, rules Rules, allKinds bool) (*Result, error) {
	if err := rules.Validate(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	if pageURL == "" {
		// A saved page with no known address: links are resolved against
		// a placeholder and made root-relative again at the end.
		res, err := page(placeholderBase, body, contentType, rules, allKinds)
		if err == nil {
			relativize(res)
		}
		return res, err
	}
	if _, err := urlnorm.Normalize(pageURL); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	root, err := parse(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	r, err := newResolver(pageURL, root)
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	// The page's one parsed tree, as the goquery Document every stage reads.
	doc := r.doc
	meta := readMeta(doc)
	res := &Result{Links: collectLinks(r)}
	itemPresent := selectFirst(doc.Selection, rules.Item) != nil

	bodySel := findBody(doc)
	var log noiseLog
	heading := findMainHeading(bodySel)
	if heading == nil {
		heading = titleLine(bodySel, meta.titleTag)
	}
	meta.micro = mainMicroItem(meta.items, heading, r)
	(&stripper{doc: doc, heading: heading, log: &log}).strip(rules)
	if heading == nil || !doc.Contains(heading) { // none, or removed as noise: look again
		if heading = findMainHeading(bodySel); heading == nil {
			heading = titleLine(bodySel, meta.titleTag)
		}
	}
	bodyNode := bodySel.Nodes[0]
	groups := findTeasers(bodyNode, r, heading)
	sig := measure(bodyNode, r, heading, groups, meta)
	res.Kind, res.Reason = classify(pageURL, r.page, meta, rules, itemPresent, sig)
	if res.Kind == KindPublication {
		removeTeasers(groups, heading, &log)
	}
	if res.Kind == KindPublication || allKinds {
		res.Sources = sourceSet{}
		res.Publication = newFields(r, meta, rules, heading).publication(res.Sources)
		sanitize(&res.Publication)
	}
	res.Noise = log.lines()
	return res, nil
}

// classify applies the source's rules, then the generic rule. When a
// rule (ItemURL, Item) is set and the page fails it, the page is not a
// publication whatever the generic rule says.
func classify(rawURL, normURL string, m *pageMeta, rules Rules, itemPresent bool, sig signals) (Kind, string) {
	if rules.ItemURL == nil && rules.Item == "" {
		return genericKind(m, normURL, sig)
	}
	var why []string
	ok := true
	if rules.ItemURL != nil {
		if rules.ItemURL.MatchString(rawURL) || rules.ItemURL.MatchString(normURL) {
			why = append(why, "URL matches the item pattern")
		} else {
			ok = false
			why = append(why, "URL does not match the item pattern")
		}
	}
	if rules.Item != "" {
		if itemPresent {
			why = append(why, fmt.Sprintf("item selector %q matches", rules.Item))
		} else {
			ok = false
			why = append(why, fmt.Sprintf("item selector %q does not match", rules.Item))
		}
	}
	reason := "rules: " + strings.Join(why, ", ")
	if ok {
		return KindPublication, reason
	}
	kind, generic := genericKind(m, normURL, sig)
	if kind == KindPublication {
		kind = KindOther
	}
	return kind, reason + "; " + generic
}

// measure takes the shape of the noise-stripped page.
func measure(body *html.Node, r *resolver, heading *html.Node, groups []*teaserGroup, m *pageMeta) signals {
	sig := signals{heading: heading != nil, teasers: teaserCount(groups)}
	if heading != nil {
		sig.headingText = nodeText(heading)
	}
	units := unitSet(groups)
	skip := func(n *html.Node) bool { return units[n] } // walks stop at a unit: its inside is skipped
	for _, l := range plainLines(body, skip) {
		if summaryBlock(l) {
			n := utf8.RuneCountInString(l.text)
			if n > sig.ownText {
				sig.ownText = n
			}
			if n >= minSummaryChars {
				sig.totalText += n
			}
		}
	}
	// The links outside teaser units: the outermost matches of units and
	// links that are links (a unit's inside is skipped; a link inside a
	// link is not counted twice).
	seen := map[string]bool{}
	for _, n := range outermost(body, matcher(func(n *html.Node) bool { return units[n] || isLink(n) })) {
		if units[n] {
			continue
		}
		u := r.href(n)
		if u != "" && !seen[u] && !mediaExts[extension(u)] &&
			(isDocumentExt(u) || isUploadPath(u) || saysDownload(nodeText(n))) {
			seen[u] = true
			sig.downloads++
		} else if u != "" && !seen[u] && !urlnorm.SameSite(u, r.page) &&
			(externalHostRe.MatchString(hostOf(u)) || externalLabelRe.MatchString(nodeText(n))) {
			seen[u] = true
			sig.external++
		}
	}
	sig.docMeta = m.docMeta()
	return sig
}

// docMeta reports whether the page carries bibliographic metadata about
// a document (citation_*, Dublin Core).
func (m *pageMeta) docMeta() bool {
	for k := range m.props {
		if strings.HasPrefix(k, "citation_") || strings.HasPrefix(k, "dc.") || strings.HasPrefix(k, "dcterms.") {
			return true
		}
	}
	return false
}

// Validate reports the first invalid CSS selector in r.
func (r Rules) Validate() error {
	sels := []struct{ name, sel string }{
		{"item", r.Item}, {"content", r.Content}, {"title", r.Title}, {"summary", r.Summary},
		{"categories", r.Categories}, {"tags", r.Tags}, {"downloads", r.Downloads},
		{"publisher", r.Publisher}, {"published", r.Published},
	}
	for _, s := range r.Remove {
		sels = append(sels, struct{ name, sel string }{"remove", s})
	}
	for _, s := range sels {
		if strings.TrimSpace(s.sel) == "" {
			continue
		}
		if _, err := compileSelector(s.sel); err != nil {
			return fmt.Errorf("%s selector %q: %w", s.name, s.sel, err)
		}
	}
	return nil
}

// sanitize guarantees valid UTF-8 without control characters or U+FFFD
// in every field of p. A U+FFFD can reach a field without any invalid
// byte in the body: a character reference to NUL, a surrogate or a code
// point beyond U+10FFFF, a lone surrogate escaped in JSON-LD, a NUL in an
// attribute, or one written in the page.
func sanitize(p *harvest.Publication) {
	clean := func(s string) string {
		if utf8.ValidString(s) && !strings.ContainsFunc(s, isControl) && !strings.ContainsRune(s, utf8.RuneError) {
			return s
		}
		return normSpace(s)
	}
	p.Title, p.Summary, p.Publisher = clean(p.Title), clean(p.Summary), clean(p.Publisher)
	p.URL, p.CanonicalURL = clean(p.URL), clean(p.CanonicalURL)
	p.Published, p.Language = clean(p.Published), clean(p.Language)
	cleanList := func(l []string) []string {
		out := l[:0]
		for _, s := range l {
			if s = clean(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	p.Categories, p.Tags, p.Authors = cleanList(p.Categories), cleanList(p.Tags), cleanList(p.Authors)
	p.Image, p.SiteName, p.Type = clean(p.Image), clean(p.SiteName), clean(p.Type)
	for i := range p.Downloads {
		d := &p.Downloads[i]
		d.URL, d.Label, d.MediaType = clean(d.URL), clean(d.Label), clean(d.MediaType)
	}
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// placeholderBase stands for the unknown address of a page extracted
// without one; relativize turns it back into root-relative links.
const placeholderBase = "http://harvest.invalid/"

// relativize makes every URL of res that points into placeholderBase
// root-relative ("/reports/x.pdf").
func relativize(res *Result) {
	rel := func(u string) string {
		if rest, ok := strings.CutPrefix(u, strings.TrimSuffix(placeholderBase, "/")); ok {
			if rest == "" {
				return "/"
			}
			return rest
		}
		return u
	}
	for i, l := range res.Links {
		res.Links[i] = rel(l)
	}
	p := &res.Publication
	p.URL, p.CanonicalURL, p.Image = rel(p.URL), rel(p.CanonicalURL), rel(p.Image)
	for i := range p.Downloads {
		p.Downloads[i].URL = rel(p.Downloads[i].URL)
	}
	for i := range p.ExternalLinks {
		p.ExternalLinks[i].URL = rel(p.ExternalLinks[i].URL)
	}
}

// DeclaredURL returns the address a saved page gives for itself: its
// <link rel=canonical>, else its og:url, when that is an absolute http(s)
// URL. It returns an error when the page declares neither (links in the
// page cannot then be resolved without being told the page's URL).
func DeclaredURL(body []byte, contentType string) (string, error) {
	root, err := parse(body, contentType)
	if err != nil {
		return "", err
	}
	m := readMeta(goquery.NewDocumentFromNode(root))
	for _, u := range []string{m.canonical, m.first("og:url")} {
		u = strings.TrimSpace(u)
		if n, err := urlnorm.Normalize(u); err == nil && n != "" {
			return u, nil
		}
	}
	return "", errNoDeclaredURL
}

// errNoDeclaredURL says a page names no address for itself.
var errNoDeclaredURL = errors.New("the page has no absolute <link rel=canonical> or og:url")
