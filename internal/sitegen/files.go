package sitegen

import (
	"hash/crc32"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"harvest/internal/tinypdf"
)

// robots.txt, sitemaps, the feed, the documents behind DOWNLOAD links and
// the theme's assets.

func (s *Site) serveRobots(x *exchange) {
	body := "# START YOAST BLOCK\n# ---------------------------\nUser-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\nSitemap: " +
		x.base + "/sitemap_index.xml\n# ---------------------------\n# END YOAST BLOCK\n"
	x.send(http.StatusOK, "text/plain; charset=utf-8", strconv.FormatUint(uint64(hashString(body)), 16), s.base.Unix(), part{raw: []byte(body)})
}

// sitemapSize is the most URLs one resource sitemap lists. Publication i
// is in sitemap i/sitemapSize+1, so removals and additions never move a
// publication from one sitemap to another.
const sitemapSize = 1000

const (
	xmlHead   = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	urlsetTag = "<urlset xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\" xsi:schemaLocation=\"http://www.sitemaps.org/schemas/sitemap/0.9 http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd http://www.google.com/schemas/sitemap-image/1.1 http://www.google.com/schemas/sitemap-image/1.1/sitemap-image.xsd\" xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
)

func (s *Site) serveSitemapIndex(x *exchange) {
	s.mu.RLock()
	chunks := (len(s.pubs) + sitemapSize - 1) / sitemapSize
	mods := make([]int64, chunks) // 0: no live publication
	for i := range s.pubs {
		if !s.pubs[i].removed {
			mods[i/sitemapSize] = max(mods[i/sitemapSize], s.pubs[i].mod)
		}
	}
	s.mu.RUnlock()
	pg := getPage()
	defer putPage(pg)
	pg.s(xmlHead)
	pg.s("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\t<sitemap>\n\t\t<loc>")
	pg.s(x.base)
	pg.s("/page-sitemap.xml</loc>\n\t\t<lastmod>")
	pg.time(s.base, wpTime)
	pg.s("</lastmod>\n\t</sitemap>\n")
	var last int64
	for k, m := range mods {
		if m == 0 {
			continue
		}
		last = max(last, m)
		pg.s("\t<sitemap>\n\t\t<loc>")
		pg.s(x.base)
		pg.s("/resource-sitemap-")
		pg.i(k + 1)
		pg.s(".xml</loc>\n\t\t<lastmod>")
		pg.time(unix(m), wpTime)
		pg.s("</lastmod>\n\t</sitemap>\n")
	}
	pg.s("</sitemapindex>\n")
	x.xml(pg.b, max(last, s.base.Unix()))
}

func (s *Site) serveSitemap(x *exchange, k int) {
	type entry struct {
		idx int
		st  pubState
	}
	var entries []entry
	s.mu.RLock()
	from := (k - 1) * sitemapSize
	ok := from < len(s.pubs)
	if ok {
		entries = make([]entry, 0, sitemapSize)
		for i := from; i < min(len(s.pubs), from+sitemapSize); i++ {
			if !s.pubs[i].removed {
				entries = append(entries, entry{i, s.pubs[i]})
			}
		}
	}
	s.mu.RUnlock()
	if !ok {
		x.notFound()
		return
	}
	pg := getPage()
	defer putPage(pg)
	pg.s(xmlHead)
	pg.s(urlsetTag)
	var last int64
	for _, e := range entries {
		last = max(last, e.st.mod)
		pg.s("\t<url>\n\t\t<loc>")
		pg.s(x.base)
		pg.s("/resource/")
		pg.s(s.slugOf(e.idx))
		pg.s("/</loc>\n\t\t<lastmod>")
		pg.time(unix(e.st.mod), wpTime)
		pg.s("</lastmod>\n\t</url>\n")
	}
	pg.s("</urlset>\n")
	x.xml(pg.b, last)
}

func (s *Site) servePageSitemap(x *exchange) {
	pg := getPage()
	defer putPage(pg)
	pg.s(xmlHead)
	pg.s(urlsetTag)
	paths := []string{"/", "/resources/", "/events/"}
	for _, sp := range staticPages {
		paths = append(paths, sp.path)
	}
	for _, p := range paths {
		pg.s("\t<url>\n\t\t<loc>")
		pg.s(x.base)
		pg.s(p)
		pg.s("</loc>\n\t\t<lastmod>")
		pg.time(s.base, wpTime)
		pg.s("</lastmod>\n\t</url>\n")
	}
	pg.s("</urlset>\n")
	x.xml(pg.b, s.base.Unix())
}

func (x *exchange) xml(body []byte, lastMod int64) {
	x.w.Header().Set("X-Robots-Tag", "noindex, follow")
	etag := strconv.FormatUint(uint64(hashBytes(body)), 16)
	x.send(http.StatusOK, "application/xml; charset=UTF-8", etag, lastMod, part{raw: body})
}

// hashBytes names a body for its ETag: two hardware-assisted CRCs.
func hashBytes(b []byte) uint64 {
	return uint64(crc32.Checksum(b, castagnoli))<<32 | uint64(crc32.ChecksumIEEE(b))
}

// serveFeed answers the RSS feed of the ten newest publications.
func (s *Site) serveFeed(x *exchange) {
	var idxs [perPage]int32
	var sts [perPage]pubState
	s.mu.RLock()
	items := append(idxs[:0], s.order[:min(perPage, len(s.order))]...)
	for k, i := range items {
		sts[k] = s.pubs[i]
	}
	lastMod := s.listMod
	s.mu.RUnlock()
	pg := getPage()
	defer putPage(pg)
	pg.s(xmlHead)
	pg.s("<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n\t<title>" + siteName + "</title>\n\t<atom:link href=\"")
	pg.s(x.base)
	pg.s("/feed/\" rel=\"self\" type=\"application/rss+xml\" />\n\t<link>")
	pg.s(x.base)
	pg.s("/</link>\n\t<description>")
	pg.esc(siteTagline)
	pg.s("</description>\n\t<lastBuildDate>")
	pg.time(unix(lastMod), time.RFC1123Z)
	pg.s("</lastBuildDate>\n\t<language>en-US</language>\n")
	for k, i := range items {
		b := s.pub(int(i), sts[k])
		text, _ := s.summaryBase(&b.meta, b.citationYear(b.posted))
		pg.s("\t<item>\n\t\t<title>")
		pg.tex(b.title)
		pg.s("</title>\n\t\t<link>")
		pg.s(x.base)
		pg.s(b.path())
		pg.s("</link>\n\t\t<dc:creator><![CDATA[Network Secretariat]]></dc:creator>\n\t\t<pubDate>")
		pg.time(b.posted, time.RFC1123Z)
		pg.s("</pubDate>\n")
		for _, t := range b.types {
			pg.s("\t\t<category><![CDATA[")
			pg.s(typeNames[t])
			pg.s("]]></category>\n")
		}
		pg.s("\t\t<guid isPermaLink=\"false\">")
		pg.s(x.base)
		pg.s("/?post_type=resource&#038;p=")
		pg.i(b.id)
		pg.s("</guid>\n\t\t<description><![CDATA[")
		pg.s(description(text))
		pg.s("]]></description>\n\t</item>\n")
	}
	pg.s("</channel>\n</rss>\n")
	x.send(http.StatusOK, "application/rss+xml; charset=UTF-8", strconv.FormatUint(hashBytes(pg.b), 16), lastMod, part{raw: pg.b})
}

// document finds the publication whose download p is and returns the
// handler serving it, or nil.
func (s *Site) document(p string) func(*exchange) {
	dir, file := path.Split(p)
	ext := path.Ext(file)
	name := strings.TrimSuffix(file, ext)
	cands := []string{name}
	for _, x := range extraFiles[1:] {
		if n, ok := strings.CutSuffix(name, x.suffix); ok && x.ext == ext {
			cands = append(cands, n)
		}
	}
	for _, c := range cands {
		s.mu.RLock()
		idx := s.lookup(strings.ToLower(c))
		var st pubState
		if idx >= 0 {
			st = s.pubs[idx]
		}
		s.mu.RUnlock()
		if idx < 0 || st.removed {
			continue
		}
		b := s.pub(idx, st)
		for _, d := range b.downloads(b.slug, b.posted) {
			if d.path == dir+file {
				return func(x *exchange) {
					body := []byte("PK\x05\x06" + strings.Repeat("\x00", 18)) // an empty ZIP archive
					if d.mediaType == mtPDF {
						body = tinypdf.New(b.title)
					}
					x.send(http.StatusOK, d.mediaType, strconv.FormatUint(hashBytes(body), 16), st.posted, part{raw: body})
				}
			}
		}
	}
	return nil
}

// asset answers the stylesheets, scripts and images the pages refer to
// with small stand-ins, or nil for other paths.
func asset(p string) func(*exchange) {
	if strings.HasPrefix(p, "/wp-content/uploads/") && !strings.HasPrefix(p, "/wp-content/uploads/2019/03/") {
		return nil
	}
	var ctype, body string
	switch path.Ext(p) {
	case ".css":
		ctype, body = "text/css; charset=UTF-8", "/* "+path.Base(p)+" */\nbody{margin:0}\n"
	case ".js":
		ctype, body = "application/javascript; charset=UTF-8", "/* "+path.Base(p)+" */\n"
	case ".svg":
		ctype, body = "image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64"><text x="0" y="40">`+siteName+`</text></svg>`
	case ".png":
		ctype, body = "image/png", onePixelPNG
	default:
		return nil
	}
	return func(x *exchange) {
		x.send(http.StatusOK, ctype, strconv.FormatUint(hashString(body), 16), x.s.base.Unix(), part{raw: []byte(body)})
	}
}

// onePixelPNG is a transparent 1x1 PNG.
const onePixelPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82"
