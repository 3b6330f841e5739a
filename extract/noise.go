package extract

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// noiseKind is a kind of page furniture stripped before fields are read.
type noiseKind int

const (
	noiseRules noiseKind = iota
	noiseScripts
	noiseEmbeds
	noiseForms
	noiseNav
	noiseHeader
	noiseFooter
	noiseSidebar
	noiseComments
	noiseShare
	noiseCookie
	noiseBreadcrumbs
	noisePagination
	noiseHidden
	noiseIdentifiers
	noiseRelated
	noiseKinds
)

var noiseLabels = [noiseKinds]string{
	noiseRules:       "removed by source rules",
	noiseScripts:     "scripts and styles",
	noiseEmbeds:      "embedded frames and graphics",
	noiseForms:       "forms",
	noiseNav:         "navigation",
	noiseHeader:      "site header",
	noiseFooter:      "site footer",
	noiseSidebar:     "sidebars and widgets",
	noiseComments:    "comments",
	noiseShare:       "share buttons",
	noiseCookie:      "cookie banner",
	noiseBreadcrumbs: "breadcrumbs",
	noisePagination:  "pagination",
	noiseHidden:      "screen-reader text",
}

// noiseLog counts what was stripped, per kind.
type noiseLog struct {
	blocks [noiseKinds]int // elements or blocks removed
	items  [noiseKinds]int // lines (identifier lists) or items (related blocks)
}

func (l *noiseLog) add(k noiseKind, blocks, items int) {
	l.blocks[k] += blocks
	l.items[k] += items
}

// lines describes the noise found, one short line per kind, in a fixed
// order of kinds.
func (l *noiseLog) lines() []string {
	out := []string{}
	for k := noiseKind(0); k < noiseKinds; k++ {
		n := l.blocks[k]
		if n == 0 {
			continue
		}
		switch k {
		case noiseIdentifiers:
			out = append(out, counted("leaked CMS identifier list", n, l.items[k], "lines"))
		case noiseRelated:
			out = append(out, counted("related resources block", n, l.items[k], "items"))
		default:
			out = append(out, noiseLabels[k])
		}
	}
	return out
}

func counted(label string, blocks, items int, unit string) string {
	if blocks == 1 {
		return fmt.Sprintf("%s (%d %s)", label, items, unit)
	}
	return fmt.Sprintf("%ss (%d blocks, %d %s)", label, blocks, items, unit)
}

// Class and id tokens of page furniture. Tokens that WordPress derives
// from a post's terms ("tag-social-protection", "category-related-news")
// are ignored: they say what an article is about, not what it is.
var (
	sidebarRe     = regexp.MustCompile(`^(?:sidebar|sidebars|widget|widgets|widget-area|widget_area|site-sidebar)$|^widget_|^sidebar[-_]|[-_]sidebar$`)
	commentsRe    = regexp.MustCompile(`^(?:comments|comment-respond|comments-area|comment-list|commentlist|comments-list|comment-form|comments-section|comments-wrapper|disqus_thread|respond)$`)
	shareRe       = regexp.MustCompile(`^(?:sharedaddy|sharing|addtoany_share_save_container|a2a_kit|jp-post-flair|socials)$|^(?:sd-sharing|addtoany|a2a_|ssba|heateor|shareaholic|sharethis|swp_)|(?:^|[-_])(?:share|shares|sharing|social)(?:[-_]|$)`)
	cookieRe      = regexp.MustCompile(`cookie|consent|gdpr|cmplz`)
	breadcrumbRe  = regexp.MustCompile(`breadcrumb`)
	paginationRe  = regexp.MustCompile(`^(?:pagination|pager|page-numbers|nav-links|wp-pagenavi|navigation|post-navigation|posts-navigation|paging-navigation|comment-navigation|nav-previous|nav-next|page-links)$|[-_]pagination$|^pagination[-_]`)
	hiddenRe      = regexp.MustCompile(`^(?:screen-reader-text|sr-only|visually-hidden|screen-reader-only|elementor-screen-only|assistive-text)$`)
	navRe         = regexp.MustCompile(`^(?:skip-link|skip-links|main-navigation|site-navigation|menu-toggle|mobile-menu|elementor-nav-menu)$`)
	siteHeaderRe  = regexp.MustCompile(`^(?:site-header|masthead|header|elementor-location-header|site-branding|top-bar|topbar)$`)
	siteFooterRe  = regexp.MustCompile(`^(?:site-footer|colophon|footer|elementor-location-footer|site-info)$`)
	relatedRe     = regexp.MustCompile(`(?:^|[-_])related|relatedposts|^yarpp|^crp_`)
	entryHeaderRe = regexp.MustCompile(`^(?:entry|page|post|article|node)-(?:header|footer|meta)$|^entry-meta$`)
	termTokenRe   = regexp.MustCompile(`^(?:tag|category|type|format|status|post|postid|page-id|resource-type)-`)
)

// tokenMatch reports whether a class token or the id of n matches re.
func tokenMatch(n *html.Node, re *regexp.Regexp) bool {
	for _, c := range classes(n) {
		if !termTokenRe.MatchString(c) && re.MatchString(c) {
			return true
		}
	}
	id := strings.ToLower(attr(n, "id"))
	return id != "" && re.MatchString(id)
}

// contentTokens mark the element holding an entry's own content.
var contentTokens = []string{
	"entry-content", "post-content", "article-content", "article-body", "entry-body",
	"post-body", "field--name-body", "node__content", "elementor-widget-theme-post-content",
	"page-content", "single-content", "td-post-content", "the-content",
}

func isContentBlock(n *html.Node) bool {
	return hasClass(n, contentTokens...) || strings.EqualFold(attr(n, "itemprop"), "articleBody")
}

// insideEntry reports whether n sits inside an article or the main
// content, where a <header> or <footer> belongs to the entry.
func insideEntry(n *html.Node) bool {
	return closest(n.Parent, func(a *html.Node) bool {
		return a.DataAtom == atom.Article || a.DataAtom == atom.Main ||
			strings.EqualFold(attr(a, "role"), "main") || hasClass(a, "hentry", "entry", "node")
	}) != nil
}

// stripper removes noise from one document. The main heading and its
// ancestors, <main> and content blocks are protected from removal by
// the generic rules.
type stripper struct {
	root    *html.Node
	heading *html.Node
	log     *noiseLog
	memo    map[string]tokenSet
}

func (s *stripper) protected(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Head, atom.Body, atom.Main:
		return true
	}
	if strings.EqualFold(attr(n, "role"), "main") || isContentBlock(n) {
		return true
	}
	return s.heading != nil && contains(n, s.heading)
}

// tokenSet records which furniture patterns an element's class tokens
// and id match.
type tokenSet uint16

const (
	tokBreadcrumb tokenSet = 1 << iota
	tokPagination
	tokNav
	tokSiteHeader
	tokSiteFooter
	tokSidebar
	tokComments
	tokShare
	tokCookie
	tokHidden
	tokRelated
	tokEntryHeader
)

var tokenPatterns = []struct {
	bit tokenSet
	re  *regexp.Regexp
}{
	{tokBreadcrumb, breadcrumbRe}, {tokPagination, paginationRe}, {tokNav, navRe},
	{tokSiteHeader, siteHeaderRe}, {tokSiteFooter, siteFooterRe}, {tokSidebar, sidebarRe},
	{tokComments, commentsRe}, {tokShare, shareRe}, {tokCookie, cookieRe},
	{tokHidden, hiddenRe}, {tokRelated, relatedRe}, {tokEntryHeader, entryHeaderRe},
}

// tokens returns the patterns matched by n's class tokens (those derived
// from a post's terms excepted) and id. Results per token are memoised
// for the page: the same classes repeat on every teaser.
func (s *stripper) tokens(n *html.Node) tokenSet {
	var set tokenSet
	match := func(tok string) tokenSet {
		if v, ok := s.memo[tok]; ok {
			return v
		}
		var v tokenSet
		if !termTokenRe.MatchString(tok) {
			for _, p := range tokenPatterns {
				if p.re.MatchString(tok) {
					v |= p.bit
				}
			}
		}
		if s.memo == nil {
			s.memo = map[string]tokenSet{}
		}
		s.memo[tok] = v
		return v
	}
	for _, c := range classes(n) {
		set |= match(c)
	}
	if id := strings.ToLower(attr(n, "id")); id != "" {
		set |= match(id)
	}
	return set
}

// classifyNoise returns the kind of noise n is, if any.
func (s *stripper) classifyNoise(n *html.Node) (noiseKind, bool) {
	tok := s.tokens(n)
	label := strings.ToLower(attr(n, "aria-label"))
	if tok&tokBreadcrumb != 0 || strings.Contains(label, "breadcrumb") {
		return noiseBreadcrumbs, true
	}
	if tok&tokPagination != 0 {
		return noisePagination, true
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Link:
		return noiseScripts, true
	case atom.Iframe, atom.Svg, atom.Object, atom.Embed, atom.Canvas, atom.Video, atom.Audio, atom.Math:
		return noiseEmbeds, true
	case atom.Form, atom.Select, atom.Textarea, atom.Button, atom.Input:
		return noiseForms, true
	case atom.Nav:
		return noiseNav, true
	case atom.Aside:
		return noiseSidebar, true
	case atom.Header:
		if !insideEntry(n) && tok&tokEntryHeader == 0 {
			return noiseHeader, true
		}
	case atom.Footer:
		if !insideEntry(n) && tok&tokEntryHeader == 0 {
			return noiseFooter, true
		}
	}
	if n.Namespace == "svg" {
		return noiseEmbeds, true
	}
	role := strings.ToLower(attr(n, "role"))
	switch {
	case role == "navigation" || tok&tokNav != 0:
		return noiseNav, true
	case role == "banner" || tok&tokSiteHeader != 0 && !insideEntry(n):
		return noiseHeader, true
	case role == "contentinfo" || tok&tokSiteFooter != 0 && !insideEntry(n):
		return noiseFooter, true
	case role == "complementary" || tok&tokSidebar != 0 || strings.EqualFold(attr(n, "id"), "secondary"):
		return noiseSidebar, true
	case tok&tokComments != 0:
		return noiseComments, true
	case tok&tokShare != 0:
		return noiseShare, true
	case tok&tokCookie != 0 || role == "alertdialog" && strings.Contains(label, "cookie"):
		return noiseCookie, true
	case tok&tokHidden != 0 || hasAttr(n, "hidden"):
		return noiseHidden, true
	case tok&tokRelated != 0:
		return noiseRelated, true
	}
	return 0, false
}

// strip removes the noise of the page: the source's own selectors, page
// furniture recognised by element and class, related blocks (by class
// and by a "Related resources"-style heading) and leaked identifier
// lists.
func (s *stripper) strip(rules Rules) {
	if len(rules.Remove) > 0 {
		doc := goquery.NewDocumentFromNode(s.root)
		for _, sel := range rules.Remove {
			if sel = strings.TrimSpace(sel); sel == "" {
				continue
			}
			found := doc.Find(sel)
			if found.Length() > 0 {
				s.log.add(noiseRules, found.Length(), 0)
				found.Remove()
			}
		}
	}
	var doomed []*html.Node
	var kinds []noiseKind
	walk(s.root, func(n *html.Node) bool {
		if n.Type == html.CommentNode {
			doomed = append(doomed, n)
			kinds = append(kinds, noiseKinds)
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if n.DataAtom == atom.Head {
			return false
		}
		if s.protected(n) {
			return true
		}
		if k, ok := s.classifyNoise(n); ok {
			doomed = append(doomed, n)
			kinds = append(kinds, k)
			return false
		}
		return true
	})
	for i, n := range doomed {
		k := kinds[i]
		switch {
		case k == noiseKinds: // an HTML comment: not worth a line
		case k == noiseRelated:
			s.log.add(k, 1, countItems(n))
		default:
			s.log.add(k, 1, 0)
		}
		detach(n)
	}
	s.stripRelatedHeadings()
	stripIdentifierLists(s.root, s.log)
}
