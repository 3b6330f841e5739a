package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// tokenSet records which kinds of page furniture an element's class
// tokens and id name.
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
	tokMetaRegion // an entry's meta or terms region (for term links)
	tokContent    // an entry's own content block (see contentTokens)
)

// Class and id tokens of page furniture, matched by hand rather than by
// regular expressions (they are tested on every element of every page).
// Tokens that WordPress derives from a post's terms
// ("tag-social-protection", "category-related-news") are ignored: they
// say what an article is about, not what it is.
var (
	paginationTokens = set("pagination", "pager", "page-numbers", "nav-links", "wp-pagenavi", "navigation",
		"post-navigation", "posts-navigation", "paging-navigation", "comment-navigation", "nav-previous", "nav-next", "page-links")
	navTokens        = set("skip-link", "skip-links", "main-navigation", "site-navigation", "menu-toggle", "mobile-menu", "elementor-nav-menu")
	siteHeaderTokens = set("site-header", "masthead", "header", "elementor-location-header", "site-branding", "top-bar", "topbar")
	siteFooterTokens = set("site-footer", "colophon", "footer", "elementor-location-footer", "site-info")
	sidebarTokens    = set("sidebar", "sidebars", "widget", "widgets", "widget-area", "widget_area", "site-sidebar")
	commentTokens    = set("comments", "comment-respond", "comments-area", "comment-list", "commentlist", "comments-list",
		"comment-form", "comments-section", "comments-wrapper", "disqus_thread", "respond")
	shareTokens    = set("sharedaddy", "sharing", "addtoany_share_save_container", "a2a_kit", "jp-post-flair", "socials")
	sharePrefixes  = []string{"sd-sharing", "addtoany", "a2a_", "ssba", "heateor", "shareaholic", "sharethis", "swp_"}
	shareWords     = set("share", "shares", "sharing", "social")
	hiddenTokens   = set("screen-reader-text", "sr-only", "visually-hidden", "screen-reader-only", "elementor-screen-only", "assistive-text")
	termPrefixes   = []string{"tag-", "category-", "type-", "format-", "status-", "post-", "postid-", "page-id-", "resource-type-"}
	metaRegionSubs = []string{"meta", "terms", "taxonom", "categor", "tags", "entry-header", "entry-footer", "post-info", "resource-type"}
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// furniture returns the kinds of furniture one lower-case token names.
func furniture(tok string) tokenSet {
	for _, p := range termPrefixes {
		if strings.HasPrefix(tok, p) {
			return 0
		}
	}
	var s tokenSet
	if strings.Contains(tok, "breadcrumb") {
		s |= tokBreadcrumb
	}
	if paginationTokens[tok] || strings.HasSuffix(tok, "-pagination") || strings.HasSuffix(tok, "_pagination") ||
		strings.HasPrefix(tok, "pagination-") || strings.HasPrefix(tok, "pagination_") {
		s |= tokPagination
	}
	if navTokens[tok] {
		s |= tokNav
	}
	if siteHeaderTokens[tok] {
		s |= tokSiteHeader
	}
	if siteFooterTokens[tok] {
		s |= tokSiteFooter
	}
	if sidebarTokens[tok] || strings.HasPrefix(tok, "widget_") || strings.HasPrefix(tok, "sidebar-") ||
		strings.HasPrefix(tok, "sidebar_") || strings.HasSuffix(tok, "-sidebar") || strings.HasSuffix(tok, "_sidebar") {
		s |= tokSidebar
	}
	if commentTokens[tok] {
		s |= tokComments
	}
	if isShareToken(tok) {
		s |= tokShare
	}
	if strings.Contains(tok, "cookie") || strings.Contains(tok, "consent") || strings.Contains(tok, "gdpr") || strings.Contains(tok, "cmplz") {
		s |= tokCookie
	}
	if hiddenTokens[tok] {
		s |= tokHidden
	}
	if strings.HasPrefix(tok, "related") || strings.Contains(tok, "-related") || strings.Contains(tok, "_related") ||
		strings.Contains(tok, "relatedposts") || strings.HasPrefix(tok, "yarpp") || strings.HasPrefix(tok, "crp_") {
		s |= tokRelated
	}
	if tok == "entry-meta" || isEntryHeaderToken(tok) {
		s |= tokEntryHeader
	}
	if contentTokenSet[tok] {
		s |= tokContent
	}
	for _, sub := range metaRegionSubs {
		if strings.Contains(tok, sub) {
			s |= tokMetaRegion
			break
		}
	}
	return s
}

func isShareToken(tok string) bool {
	if shareTokens[tok] {
		return true
	}
	for _, p := range sharePrefixes {
		if strings.HasPrefix(tok, p) {
			return true
		}
	}
	for tok != "" {
		i := strings.IndexAny(tok, "-_")
		if i < 0 {
			return shareWords[tok]
		}
		if shareWords[tok[:i]] {
			return true
		}
		tok = tok[i+1:]
	}
	return false
}

// isEntryHeaderToken matches (entry|page|post|article|node)-(header|footer|meta).
func isEntryHeaderToken(tok string) bool {
	i := strings.IndexByte(tok, '-')
	if i < 0 {
		return false
	}
	switch tok[:i] {
	case "entry", "page", "post", "article", "node":
	default:
		return false
	}
	switch tok[i+1:] {
	case "header", "footer", "meta":
		return true
	}
	return false
}

// tokens returns the kinds of furniture n's class tokens and id name.
func tokens(n *html.Node) tokenSet {
	var s tokenSet
	eachClass(n, func(c string) bool {
		s |= furniture(lowerASCII(c))
		return false
	})
	if id := attr(n, "id"); id != "" {
		s |= furniture(lowerASCII(id))
	}
	return s
}

// tokenMatch reports whether n's class tokens or id name the furniture
// kind bit.
func tokenMatch(n *html.Node, bit tokenSet) bool {
	return tokens(n)&bit != 0
}

// lowerASCII lower-cases s, allocating only when s has upper-case ASCII.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
