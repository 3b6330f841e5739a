package extract

import (
	"net/url"
	"path"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"harvest/urlnorm"
)

// documentTypes maps the extensions of downloadable documents to their
// media types. Links to these are downloads, never crawl candidates.
var documentTypes = map[string]string{
	"pdf":  "application/pdf",
	"doc":  "application/msword",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xls":  "application/vnd.ms-excel",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"ppt":  "application/vnd.ms-powerpoint",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"odt":  "application/vnd.oasis.opendocument.text",
	"ods":  "application/vnd.oasis.opendocument.spreadsheet",
	"odp":  "application/vnd.oasis.opendocument.presentation",
	"rtf":  "application/rtf",
	"epub": "application/epub+zip",
	"mobi": "application/x-mobipocket-ebook",
	"zip":  "application/zip",
	"csv":  "text/csv",
	"txt":  "text/plain",
}

// mediaExts are files that are neither pages nor publications (images,
// audio, video, archives): never crawled, never downloads.
var mediaExts = map[string]bool{
	"jpg": true, "jpeg": true, "png": true, "gif": true, "webp": true, "svg": true,
	"bmp": true, "tif": true, "tiff": true, "ico": true, "avif": true, "heic": true,
	"mp3": true, "wav": true, "ogg": true, "m4a": true, "mp4": true, "m4v": true,
	"mov": true, "avi": true, "wmv": true, "webm": true, "flv": true,
	"gz": true, "tgz": true, "rar": true, "7z": true, "tar": true, "bz2": true,
	"exe": true, "dmg": true, "msi": true, "apk": true, "iso": true,
	"css": true, "js": true, "woff": true, "woff2": true, "ttf": true, "eot": true,
}

// urlPath returns the path of the URL or reference u as written (not
// unescaped): after the scheme and host, before the query or fragment.
func urlPath(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			return u[j:]
		}
		return ""
	}
	return u
}

// extension returns the lower-case extension of the path of u, or "".
func extension(u string) string {
	p := urlPath(u)
	if strings.IndexByte(p, '%') >= 0 {
		if pu, err := url.Parse(u); err == nil {
			p = pu.Path
		}
	}
	ext := path.Ext(p)
	if len(ext) < 2 || len(ext) > 6 {
		return ""
	}
	return lowerASCII(ext[1:])
}

// isDocumentExt reports whether u names a document by its extension.
func isDocumentExt(u string) bool {
	_, ok := documentTypes[extension(u)]
	return ok
}

// isUploadPath reports whether u is a file in a WordPress uploads folder.
func isUploadPath(u string) bool {
	return containsFold(urlPath(u), "/wp-content/uploads/")
}

// isFileURL reports whether u points at a file (document, image, media,
// upload) rather than at a page.
func isFileURL(u string) bool {
	ext := extension(u)
	if _, ok := documentTypes[ext]; ok || mediaExts[ext] {
		return true
	}
	return isUploadPath(u)
}

// fileName returns the last path segment of u, unescaped.
func fileName(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return path.Base(strings.TrimSuffix(p.Path, "/"))
}

// resolver resolves references found in one page. It is made once per
// page, from the parsed root, and handed to most stages of the work: it
// also holds the page's goquery Document.
type resolver struct {
	doc   *goquery.Document // the page's one parsed tree
	base  *url.URL
	page  string            // the normalised page URL
	cache map[string]string // resolved references: links are read several times
	files map[string]bool   // isFileURL of resolved URLs
}

// isFile is isFileURL(u), memoised: every link is asked about several
// times.
func (r *resolver) isFile(u string) bool {
	v, ok := r.files[u]
	if !ok {
		if r.files == nil {
			r.files = make(map[string]bool, 64)
		}
		v = isFileURL(u)
		r.files[u] = v
	}
	return v
}

// baseM matches a <base href>.
var baseM = matcher(func(n *html.Node) bool {
	return n.Type == html.ElementNode && n.DataAtom == atom.Base && hasAttr(n, "href")
})

// newResolver takes the page URL and the parsed root, which it wraps in
// the page's goquery Document; the first <base href> is resolved against
// the page URL and used as the base when valid.
func newResolver(page string, root *html.Node) (*resolver, error) {
	norm, err := urlnorm.Normalize(page)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(norm)
	if err != nil {
		return nil, err
	}
	doc := goquery.NewDocumentFromNode(root)
	if b := firstNode(doc.FindMatcher(goquery.SingleMatcher(baseM))); b != nil {
		if abs, err := urlnorm.Resolve(base, attr(b, "href")); err == nil {
			if u, err := url.Parse(abs); err == nil {
				base = u
			}
		}
	}
	return &resolver{doc: doc, base: base, page: norm}, nil
}

// resolve returns the absolute, normalised http(s) form of ref, or "".
func (r *resolver) resolve(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if abs, ok := r.cache[ref]; ok {
		return abs
	}
	abs, err := urlnorm.Resolve(r.base, ref)
	if err != nil {
		abs = ""
	}
	if r.cache == nil {
		r.cache = map[string]string{}
	}
	r.cache[ref] = abs
	return abs
}

// href returns the resolved href of n, or "".
func (r *resolver) href(n *html.Node) string {
	if !hasAttr(n, "href") {
		return ""
	}
	return r.resolve(attr(n, "href"))
}
