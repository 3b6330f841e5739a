package extract

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// notCoverWords are words of image file names that are not a
// publication's picture: a site's logo or default share image,
// placeholders, avatars, icons.
var notCoverWords = map[string]bool{
	"logo": true, "logos": true, "placeholder": true, "avatar": true, "gravatar": true, "favicon": true,
	"spacer": true, "blank": true, "default": true, "icon": true, "icons": true, "pixel": true,
}

// notCover reports whether the image file u is a logo, icon or default
// image, by the words of its file name.
func notCover(u string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(fileName(u)), func(r rune) bool { return !isLetter(r) }) {
		if notCoverWords[w] {
			return true
		}
	}
	return false
}

// image chooses the publication's picture, by signal: the JSON-LD image
// of the publication's node (about the publication itself), og:image
// (the share picture the editor chose), twitter:image (usually a copy of
// it), the microdata image, and last the entry's featured image. Logos,
// default share images, placeholders and icons are skipped whatever
// their signal.
func (f *fields) image() (string, string) {
	m := f.meta
	cands := []struct{ raw, src string }{
		{m.ld.image(), sigJSONLD},
		{m.first("og:image", "og:image:url", "og:image:secure_url"), sigOG},
		{m.first("twitter:image", "twitter:image:src"), sigTwitter},
		{m.micro.firstURL("image"), sigMicrodata},
		{f.featuredImage(), sigImage},
	}
	for _, c := range cands {
		if u := f.r.resolve(c.raw); u != "" && !notCover(u) {
			return u, c.src
		}
	}
	return "", ""
}

// featuredTokens mark an entry's featured image or its wrapper.
var featuredTokens = []string{"wp-post-image", "attachment-post-thumbnail", "post-thumbnail", "featured-image", "entry-image",
	"post-image", "field--name-field-image", "field--name-field-cover", "cover-image", "publication-cover", "article-image", "cover"}

// coverWordRe finds the word "cover" (and its French, German and Spanish
// forms) in an image's alt text or file name.
var coverWordRe = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:cover|couverture|titelbild|titelseite|portada)(?:$|[^\p{L}])`)

// featuredImage returns the entry's featured image: an <img> marked as
// such or inside a marked wrapper, an image of a <figure> in the entry's
// header, or an image whose alt text or file name says it is the cover.
// When the image links to an image file (WordPress's "link to media
// file"), the linked full-size file is taken.
func (f *fields) featuredImage() string {
	found := firstNode(selection(f.scope).FindMatcher(goquery.SingleMatcher(featuredImgM)))
	if found == nil {
		return ""
	}
	if a := firstNode(selection(found).ClosestMatcher(linkM)); a != nil {
		if u := f.r.href(a); u != "" && mediaExts[extension(u)] {
			return u
		}
	}
	return attr(found, "src")
}

var (
	// featuredImgM matches an <img src> that is an entry's featured
	// image: marked as such or inside a marked wrapper or an entry
	// header's <figure>, or called the cover by its alt text or file name.
	featuredImgM = matcher(func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.DataAtom != atom.Img {
			return false
		}
		src := attr(n, "src")
		if src == "" {
			return false
		}
		return coverWordRe.MatchString(attr(n, "alt")) || coverWordRe.MatchString(fileName(src)) ||
			selection(n).ClosestMatcher(featuredWrapM).Length() > 0
	})
	// featuredWrapM matches an element marked as a featured image or its
	// wrapper, or a <figure> in a header.
	featuredWrapM = matcher(func(a *html.Node) bool {
		return hasClass(a, featuredTokens...) || a.DataAtom == atom.Figure && selection(a).ClosestMatcher(headerM).Length() > 0
	})
	headerM = cascadia.MustCompile("header")
)

// siteName chooses the site's name: og:site_name, the JSON-LD WebSite
// name, application-name, the name in the site's header, and last a part
// of <title> that spells the host name.
func (f *fields) siteName(host string) (string, string) {
	m := f.meta
	clean := func(s string) string {
		s = strings.TrimPrefix(cleanText(s), "@")
		if letters(s) == "" || len(s) > titleLimit {
			return ""
		}
		return s
	}
	if s := clean(m.first("og:site_name")); s != "" {
		return s, sigOG
	}
	if s := clean(m.ld.siteName()); s != "" {
		return s, sigJSONLD
	}
	if s := clean(m.first("application-name", "apple-mobile-web-app-title")); s != "" {
		return s, sigAppName
	}
	if s := clean(m.siteTitle); s != "" {
		return s, sigSiteTitle
	}
	if s := f.titleSiteName(host); s != "" {
		return s, sigTitleTag
	}
	return "", ""
}

// titleSiteName returns the part of <title> that names the site: a
// prefix or suffix (joined by one of titleSeparators) that spells the
// host name or the page's declared publisher, or that is left when the
// other part is the visible heading.
func (f *fields) titleSiteName(host string) string {
	m := f.meta
	title := cleanText(m.titleTag)
	var heading string
	if f.heading != nil {
		heading = cleanText(nodeText(f.heading))
	}
	var names []string
	names = dedupeFold(names, m.first("dc.publisher", "dcterms.publisher", "citation_publisher"), m.ld.publisher())
	names = dedupeFold(names, m.micro.names("publisher")...)
	pick := func(part, rest string) string {
		part = strings.TrimSpace(part)
		if isSiteName(part, names, host) || heading != "" && sameText(rest, heading) {
			if letters(part) != "" && !sameText(part, heading) {
				return part
			}
		}
		return ""
	}
	for _, sep := range titleSeparators {
		if i := strings.LastIndex(title, sep); i > 0 {
			if s := pick(title[i+len(sep):], title[:i]); s != "" {
				return s
			}
		}
		if i := strings.Index(title, sep); i > 0 {
			if s := pick(title[:i], title[i+len(sep):]); s != "" {
				return s
			}
		}
	}
	return ""
}
