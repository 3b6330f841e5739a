package sitegen

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Handler serves the site. Absolute URLs in pages are built from the
// request's Host, as WordPress builds them from its configured address.
func (s *Site) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// exchange is one request being answered.
type exchange struct {
	s    *Site
	w    http.ResponseWriter
	r    *http.Request
	base string
	gz   bool
	kind pathKind
	// counted is set when the duplicate check was made by the handler
	// (publications count their fetches in the site's state).
	counted, dup bool
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	x := &exchange{s: s, w: w, r: r, base: baseURL(r), gz: s.gzip && acceptsGzip(r), kind: kindOther}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		x.plain(http.StatusMethodNotAllowed, "text/plain; charset=utf-8", "method not allowed\n")
		return
	}
	p := r.URL.Path
	kind, h := s.route(p)
	x.kind = kind
	if h != nil {
		h(x)
		return
	}
	if !strings.HasSuffix(p, "/") && !strings.Contains(p[strings.LastIndexByte(p, '/')+1:], ".") {
		if _, h := s.route(p + "/"); h != nil {
			target := p + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			x.redirect(target)
			return
		}
	}
	x.notFound()
}

// route finds the handler for path p (nil when there is none) and the
// kind of path it is, for the counters.
func (s *Site) route(p string) (pathKind, func(*exchange)) {
	if !strings.HasPrefix(p, "/") {
		return kindOther, nil
	}
	seg := strings.Split(strings.Trim(p, "/"), "/")
	slash := strings.HasSuffix(p, "/")
	switch {
	case p == "/":
		return kindListing, func(x *exchange) { s.serveListing(x, "home", 0, 1) }
	case p == "/robots.txt":
		return kindOther, s.serveRobots
	case p == "/sitemap.xml":
		return kindSitemap, func(x *exchange) { x.redirect("/sitemap_index.xml") }
	case p == "/sitemap_index.xml":
		return kindSitemap, s.serveSitemapIndex
	case p == "/page-sitemap.xml":
		return kindSitemap, s.servePageSitemap
	case strings.HasPrefix(p, "/resource-sitemap-") && strings.HasSuffix(p, ".xml"):
		k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/resource-sitemap-"), ".xml"))
		if err != nil || k < 1 || strconv.Itoa(k) != p[len("/resource-sitemap-"):len(p)-len(".xml")] {
			return kindSitemap, nil
		}
		return kindSitemap, func(x *exchange) { s.serveSitemap(x, k) }
	case p == "/feed/":
		return kindOther, s.serveFeed
	case len(seg) == 2 && seg[0] == "resource" && slash:
		s.mu.RLock()
		idx := s.lookup(seg[1])
		s.mu.RUnlock()
		if idx < 0 {
			return kindPublication, nil
		}
		return kindPublication, func(x *exchange) { s.serveDetail(x, idx) }
	case seg[0] == "resources" || seg[0] == "resource-type" || seg[0] == "tag":
		return kindListing, s.archive(seg, slash)
	case seg[0] == "events" && slash:
		view, at, ok := s.parseCalendar(seg[1:])
		if !ok {
			return kindOther, nil
		}
		return kindOther, func(x *exchange) { s.serveCalendar(x, view, at) }
	case strings.HasPrefix(p, "/wp-content/uploads/"):
		if h := s.document(p); h != nil {
			return kindOther, h
		}
		return kindOther, asset(p)
	case strings.HasPrefix(p, "/wp-content/") || strings.HasPrefix(p, "/wp-includes/"):
		return kindOther, asset(p)
	case strings.HasPrefix(p, "/wp-admin/"):
		return kindOther, func(x *exchange) {
			x.plain(http.StatusForbidden, "text/html; charset=UTF-8", "Sorry, you are not allowed to access this page.")
		}
	}
	for k, sp := range staticPages {
		if sp.path == p {
			return kindOther, func(x *exchange) { s.serveStatic(x, sp.path, sp.title, 2+k) }
		}
	}
	return kindOther, nil
}

// archive routes /resources/, /resource-type/<slug>/ and /tag/<slug>/
// with their /page/N/ continuations.
func (s *Site) archive(seg []string, slash bool) func(*exchange) {
	if !slash {
		return nil
	}
	kind, term, rest := seg[0], 0, seg[1:]
	if kind != "resources" {
		if len(rest) == 0 {
			return nil
		}
		names := typeSlugs
		if kind == "tag" {
			names = tagSlugs
		}
		term = -1
		for k, n := range names {
			if n == rest[0] {
				term = k
			}
		}
		if term < 0 {
			return nil
		}
		rest = rest[1:]
	}
	n := 1
	switch {
	case len(rest) == 0:
	case len(rest) == 2 && rest[0] == "page":
		v, err := strconv.Atoi(rest[1])
		if err != nil || v < 1 || strconv.Itoa(v) != rest[1] {
			return nil
		}
		n = v
	default:
		return nil
	}
	if n == 1 && len(rest) > 0 {
		root := "/" + strings.Join(seg[:len(seg)-2], "/") + "/"
		return func(x *exchange) { x.redirect(root) }
	}
	if n > 1 {
		s.mu.RLock()
		total := len(s.archiveList(kind, term))
		s.mu.RUnlock()
		if (n-1)*perPage >= total {
			return nil
		}
	}
	return func(x *exchange) { s.serveListing(x, kind, term, n) }
}

// perPage is how many teasers a listing page shows.
const perPage = 10

// archiveList is the newest-first list an archive shows. Call with mu
// held.
func (s *Site) archiveList(kind string, term int) []int32 {
	switch kind {
	case "resource-type":
		return s.byType[term]
	case "tag":
		return s.byTag[term]
	}
	return s.order
}

func (s *Site) serveDetail(x *exchange, idx int) {
	var st pubState
	var relBuf [maxRelated]int
	var relSt [maxRelated]pubState
	s.mu.RLock()
	st = s.pubs[idx]
	rel := relBuf[:0]
	if !st.removed {
		x.counted = true
		x.dup = atomic.AddUint32(&s.fetches[idx], 1) > 1
		rel = s.related(idx, rel, func(c int) bool { return !s.pubs[c].removed })
		for k, r := range rel {
			relSt[k] = s.pubs[r]
		}
	}
	s.mu.RUnlock()
	if st.removed {
		x.notFound()
		return
	}
	c := s.chrome(x.base)
	etag := s.pubETag(idx, st.ver, c.key)
	if x.notModified(etag, st.mod) {
		return
	}
	b := s.pub(idx, st)
	var related [maxRelated]pub
	for k, r := range rel {
		related[k] = s.pub(r, relSt[k])
	}
	pg := getPage()
	defer putPage(pg)
	split := s.detail(pg, x.base, &b, st.edits, related[:len(rel)])
	x.html(http.StatusOK, c, etag, st.mod, pg.b[:split], pg.b[split:])
}

// pubETag names version ver of publication idx's page as served with the
// furniture whose key is key.
func (s *Site) pubETag(idx int, ver uint32, key uint32) string {
	h := mix(s.seed ^ mix(uint64(idx)<<32|uint64(ver)) ^ uint64(key)<<7)
	return strconv.FormatUint(h, 16)
}

func (s *Site) serveListing(x *exchange, kind string, term, n int) {
	l := listing{kind: kind, term: term, n: n}
	switch kind {
	case "home":
		l.root = "/"
	case "resources":
		l.root = "/resources/"
	case "resource-type":
		l.root = "/resource-type/" + typeSlugs[term] + "/"
	default:
		l.root = "/tag/" + tagSlugs[term] + "/"
	}
	var idxs [perPage]int32
	var sts [perPage]pubState
	s.mu.RLock()
	list := s.archiveList(kind, term)
	l.pages = max(1, (len(list)+perPage-1)/perPage)
	items := idxs[:0]
	if from := (n - 1) * perPage; from < len(list) {
		items = append(items, list[from:min(len(list), from+perPage)]...)
	}
	for k, i := range items {
		sts[k] = s.pubs[i]
	}
	lastMod := s.listMod
	s.mu.RUnlock()
	if n > l.pages {
		x.notFound() // the archive shrank since routing
		return
	}
	if kind == "home" {
		l.pages = 1
	}
	var pubs [perPage]pub
	for k, i := range items {
		pubs[k] = s.pub(int(i), sts[k])
	}
	l.items = pubs[:len(items)]
	c := s.chrome(x.base)
	pg := getPage()
	defer putPage(pg)
	split := s.listingPage(pg, x.base, &l)
	x.html(http.StatusOK, c, "", lastMod, pg.b[:split], pg.b[split:])
}

func (s *Site) serveStatic(x *exchange, path, title string, id int) {
	c := s.chrome(x.base)
	pg := getPage()
	defer putPage(pg)
	split := s.static(pg, x.base, path, title, id)
	x.html(http.StatusOK, c, "", s.base.Unix(), pg.b[:split], pg.b[split:])
}

func (s *Site) serveCalendar(x *exchange, view string, at time.Time) {
	c := s.chrome(x.base)
	pg := getPage()
	defer putPage(pg)
	split := s.calendar(pg, x.base, view, at)
	x.html(http.StatusOK, c, "", s.base.Unix(), pg.b[:split], pg.b[split:])
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, line := range r.Header.Values("Accept-Encoding") {
		for _, e := range strings.Split(line, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(e), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "gzip" && name != "*" {
				continue
			}
			q := strings.TrimSpace(params)
			if v, ok := strings.CutPrefix(q, "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f == 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

// baseURL is scheme and host as the client addressed the site.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
