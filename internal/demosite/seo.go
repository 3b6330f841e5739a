package demosite

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"harvest/internal/tinypdf"
)

// robots is Yoast's robots.txt: admin and members' area disallowed, the
// calendar (the real trap) not mentioned.
func (s *site) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, `# START YOAST BLOCK
# ---------------------------
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /private/

Sitemap: %s/sitemap_index.xml
# ---------------------------
# END YOAST BLOCK
`, baseURL(r))
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapLoc `xml:"url"`
}

// sitemapLastMod is the fixed modification time of the site's pages.
var sitemapLastMod = time.Date(2024, time.May, 14, 11, 20, 0, 0, time.UTC)

// resourceURLs lists every publication URL of the site with its last
// modification, oldest first as Yoast orders them: the unlisted ones and
// the duplicate's second slug included, the members' page not.
func (s *site) resourceURLs(base string) []sitemapLoc {
	type item struct {
		path string
		mod  time.Time
	}
	var items []item
	for _, e := range s.data.entries() {
		mod := e.posted
		if e.Modified != "" {
			mod, _ = time.Parse(time.DateOnly, e.Modified)
			mod = mod.Add(14*time.Hour + 5*time.Minute)
		}
		items = append(items, item{e.Path(), mod})
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.mod.Compare(b.mod) })
	out := []sitemapLoc{{Loc: base + "/resources/", LastMod: items[len(items)-1].mod.Format(wpTime)}}
	for _, it := range items {
		out = append(out, sitemapLoc{Loc: base + it.path, LastMod: it.mod.Format(wpTime)})
	}
	return out
}

func (s *site) sitemap(w http.ResponseWriter, r *http.Request, p string) {
	base := baseURL(r)
	var v any
	switch p {
	case "/sitemap_index.xml":
		res := s.resourceURLs(base)
		v = sitemapIndex{Sitemaps: []sitemapLoc{
			{Loc: base + "/resource-sitemap.xml", LastMod: res[0].LastMod},
			{Loc: base + "/page-sitemap.xml", LastMod: sitemapLastMod.Format(wpTime)},
		}}
	case "/resource-sitemap.xml":
		v = urlSet{URLs: s.resourceURLs(base)}
	default:
		var locs []sitemapLoc
		for _, path := range []string{"/", "/about/", "/contact/", "/privacy-policy/", "/events/"} {
			locs = append(locs, sitemapLoc{Loc: base + path, LastMod: sitemapLastMod.Format(wpTime)})
		}
		v = urlSet{URLs: locs}
	}
	b, err := xml.MarshalIndent(v, "", "\t")
	if err != nil {
		http.Error(w, "sitemap: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.Header().Set("X-Robots-Tag", "noindex, follow")
	fmt.Fprintf(w, "%s%s\n", xml.Header, b)
}

// document serves the files behind the DOWNLOAD links: a tiny valid PDF,
// or an empty ZIP archive for the Office annexes.
func (s *site) document(p string) (func(http.ResponseWriter), bool) {
	var title string
	for _, pb := range append(slices.Clone(s.data.Publications), s.data.Private) {
		for _, d := range pb.Downloads {
			if d.URL == p {
				title = pb.Title
			}
		}
	}
	if title == "" {
		return nil, false
	}
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", mediaType(p))
		if mediaType(p) == "application/pdf" {
			w.Write(tinypdf.New(title))
			return
		}
		// The end-of-central-directory record of an archive with no entries.
		w.Write([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	}, true
}
