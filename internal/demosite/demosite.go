// Package demosite is an embedded sample resource library: the WordPress
// site of a fictional coalition of companies against forced labour and
// human trafficking, built in the shape of the seed page. It serves
// paginated listings, category and tag archives, publication pages with
// leaked post-type lists and related-resource blocks, one page in
// windows-1252, one publication under two slugs, publications reachable
// only through the sitemap, a disallowed members' page, a calendar that
// never ends, and the documents behind the DOWNLOAD links.
//
// Handler serves the site; Truth lists, written by hand, the record a
// perfect harvester produces for each publication.
package demosite

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

//go:embed site/publications.json site/truth.json site/templates/*.html
var files embed.FS

// perPage is how many teasers a paginated listing shows.
const perPage = 9

// site is the handler: the parsed data and one template set per page kind.
type site struct {
	data  *siteData
	pages map[string]*template.Template // detail, listing, page, calendar
}

// Handler returns the demo site. It needs no network and no state: every
// absolute URL it renders is built from the request's Host.
func Handler() http.Handler {
	s, err := newSite()
	if err != nil {
		// The data and templates are embedded; a failure is a bug in
		// this package, caught by its tests.
		panic(fmt.Sprintf("demosite: %v", err))
	}
	return s
}

func newSite() (*site, error) {
	b, err := files.ReadFile("site/publications.json")
	if err != nil {
		return nil, err
	}
	d, err := parseData(b)
	if err != nil {
		return nil, err
	}
	base, err := template.ParseFS(files, "site/templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	s := &site{data: d, pages: map[string]*template.Template{}}
	for _, name := range []string{"detail", "listing", "page", "calendar"} {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(files, "site/templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return s, nil
}

// ServeHTTP routes like WordPress with pretty permalinks: a path without
// its trailing slash is redirected to the slashed one when that exists.
func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if h, ok := s.route(r, p); ok {
		h(w)
		return
	}
	if !strings.HasSuffix(p, "/") && !strings.Contains(p[strings.LastIndexByte(p, '/')+1:], ".") {
		if _, ok := s.route(r, p+"/"); ok {
			target := p + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	s.notFound(w, r)
}

// route finds the page for path p; ok is false when there is none.
func (s *site) route(r *http.Request, p string) (h func(http.ResponseWriter), ok bool) {
	seg := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case p == "/":
		if q, ok := r.URL.Query()["s"]; ok {
			return func(w http.ResponseWriter) { s.search(w, r, strings.Join(q, " ")) }, true
		}
		return func(w http.ResponseWriter) { s.home(w, r) }, true
	case p == "/robots.txt":
		return func(w http.ResponseWriter) { s.robots(w, r) }, true
	case p == "/sitemap.xml":
		return func(w http.ResponseWriter) {
			http.Redirect(w, r, "/sitemap_index.xml", http.StatusMovedPermanently)
		}, true
	case p == "/sitemap_index.xml", p == "/resource-sitemap.xml", p == "/page-sitemap.xml":
		return func(w http.ResponseWriter) { s.sitemap(w, r, p) }, true
	case p == "/wp-content/themes/lantern/style.css":
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/css; charset=UTF-8")
			fmt.Fprint(w, stylesheet)
		}, true
	case strings.HasPrefix(p, "/wp-content/uploads/"), strings.HasPrefix(p, "/private/files/"):
		return s.document(p)
	case p == "/wp-admin/admin-ajax.php":
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, "0")
		}, true
	case strings.HasPrefix(p, "/wp-admin/"):
		return func(w http.ResponseWriter) {
			http.Error(w, "Sorry, you are not allowed to access this page.", http.StatusForbidden)
		}, true
	case len(seg) == 2 && seg[0] == "resource" && strings.HasSuffix(p, "/"):
		e, ok := s.data.entryBySlug(seg[1])
		if !ok {
			return nil, false
		}
		return func(w http.ResponseWriter) { s.detail(w, r, e, p) }, true
	case len(seg) == 2 && seg[0] == "private" && strings.HasSuffix(p, "/") && seg[1] == s.data.Private.Slug:
		e := entry{pub: s.data.Private, ID: s.data.Private.ID, Slug: s.data.Private.Slug}
		return func(w http.ResponseWriter) { s.detail(w, r, e, p) }, true
	case seg[0] == "resources" || seg[0] == "resource-type" || seg[0] == "tag":
		return s.archive(r, p, seg)
	case p == "/about/", p == "/contact/", p == "/privacy-policy/":
		return func(w http.ResponseWriter) { s.static(w, r, seg[0]) }, true
	case seg[0] == "events" && strings.HasSuffix(p, "/"):
		return s.calendar(r, seg[1:])
	}
	return nil, false
}

// archive routes /resources/, /resource-type/<slug>/ and /tag/<slug>/ and
// their /page/N/ continuations.
func (s *site) archive(r *http.Request, p string, seg []string) (func(http.ResponseWriter), bool) {
	if !strings.HasSuffix(p, "/") {
		return nil, false
	}
	var slug string
	rest := seg[1:]
	if seg[0] != "resources" {
		if len(rest) == 0 {
			return nil, false
		}
		slug, rest = rest[0], rest[1:]
		if seg[0] == "resource-type" && s.data.typeBy(slug) == nil || seg[0] == "tag" && s.data.tagBy(slug) == nil {
			return nil, false
		}
	}
	n := 1
	switch {
	case len(rest) == 0:
	case len(rest) == 2 && rest[0] == "page":
		v, err := strconv.Atoi(rest[1])
		if err != nil || v < 1 || strconv.Itoa(v) != rest[1] {
			return nil, false
		}
		n = v
	default:
		return nil, false
	}
	root := "/" + seg[0] + "/"
	if slug != "" {
		root += slug + "/"
	}
	if n == 1 && len(rest) > 0 {
		return func(w http.ResponseWriter) { http.Redirect(w, r, root, http.StatusMovedPermanently) }, true
	}
	items := s.archiveItems(seg[0], slug)
	if (n-1)*perPage >= len(items) && n > 1 {
		return nil, false
	}
	return func(w http.ResponseWriter) { s.listing(w, r, seg[0], slug, root, n, items) }, true
}

// render executes a template set and writes it as HTML in the view's
// charset.
func (s *site) render(w http.ResponseWriter, status int, set string, v *layoutView) {
	var buf bytes.Buffer
	if err := s.pages[set].ExecuteTemplate(&buf, "layout", v); err != nil {
		http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	ctype := "text/html; charset=UTF-8"
	if v.Charset != "" {
		enc, err := charmap.Windows1252.NewEncoder().Bytes(body)
		if err != nil {
			http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
			return
		}
		body, ctype = enc, "text/html; charset="+v.Charset
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Link", "<"+v.Base+"/wp-json/>; rel=\"https://api.w.org/\"")
	w.WriteHeader(status)
	w.Write(body)
}

// baseURL is scheme and host as the client addressed the site.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

const stylesheet = `/* Theme Name: Lantern */
body { font-family: Georgia, serif; margin: 0; }
.site-content { display: flex; gap: 2rem; max-width: 72rem; margin: 0 auto; }
.content-area { flex: 3; } .widget-area { flex: 1; }
.resource-type { display: inline-block; color: #8a3b12; text-transform: uppercase; font-size: .8rem; }
.read-more { font-weight: bold; }
`
