package crawler

import (
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// skipExtensions are files that are never pages: documents (recorded as
// downloads by the extractor, never fetched), media, styles and scripts.
var skipExtensions = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true,
	".pptx": true, ".odt": true, ".ods": true, ".odp": true, ".rtf": true, ".epub": true,
	".zip": true, ".gz": true, ".tgz": true, ".rar": true, ".7z": true, ".csv": true,
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true, ".svg": true,
	".ico": true, ".bmp": true, ".tif": true, ".tiff": true, ".mp3": true, ".mp4": true,
	".m4a": true, ".mov": true, ".avi": true, ".wav": true, ".webm": true, ".css": true,
	".js": true, ".json": true, ".woff": true, ".woff2": true, ".ttf": true, ".eot": true,
	".exe": true, ".dmg": true, ".apk": true, ".iso": true, ".ics": true,
}

// trapPatterns match URLs that lead nowhere new: calendars that page
// forward forever, comment replies, feeds, print and share variants,
// WordPress internals and search results. They are built in and apply to
// every source on top of its own exclude patterns.
var trapPatterns = []*regexp.Regexp{
	// Event calendars (All-in-One Event Calendar, The Events Calendar,
	// generic month/day views): every page links the next period.
	regexp.MustCompile(`(?i)/action~|exact_date~|[?&](ai1ec|tribe-bar-date|eventdisplay|ical|outlook-ical|calendar_?date)=`),
	regexp.MustCompile(`(?i)/(calendar|events?|agenda)/.*\b(19|20)\d{2}-?\d{2}\b`),
	regexp.MustCompile(`(?i)/(calendar|events?|agenda)/(month|week|day|list|photo|map)/`),
	// WordPress internals and alternative renderings of one page.
	regexp.MustCompile(`(?i)/(wp-admin|wp-json|wp-includes|xmlrpc\.php|wp-login\.php|wp-cron\.php)`),
	regexp.MustCompile(`(?i)/(feed|rss|atom|trackback|embed|amp)/?$`),
	regexp.MustCompile(`(?i)/comment-page-\d+`),
	regexp.MustCompile(`(?i)[?&](replytocom|share|print|like_comment|add-to-cart|orderby|filter_[a-z_]+|s|preview)=`),
	regexp.MustCompile(`(?i)/(cart|checkout|my-account|login|logout|register)/`),
}

// repeatedSegments catches relative-link loops such as /a/b/a/b/a/b/.
func repeatedSegments(p string) bool {
	counts := map[string]int{}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" {
			continue
		}
		counts[seg]++
		if counts[seg] >= 3 {
			return true
		}
	}
	return false
}

// scope decides which discovered URLs a run may queue.
type scope struct {
	hostsMu sync.RWMutex
	hosts   map[string]bool
	include []*regexp.Regexp
	exclude []*regexp.Regexp

	// decided caches decisions: the same links (menus, tag clouds,
	// related blocks) stand on every page, and the trap rules are
	// regular expressions. It is keyed by the URL's hash (the reasons
	// are constants): 40 bytes or so an entry whatever the URL's length.
	mu      sync.Mutex
	decided map[urlHash]string
}

// maxDecided bounds the decision cache; it starts over when full.
const maxDecided = 100_000

func newScope(hosts []string, include, exclude []*regexp.Regexp) *scope {
	s := &scope{hosts: map[string]bool{}, include: include, exclude: exclude}
	for _, h := range hosts {
		s.hosts[strings.ToLower(strings.TrimPrefix(h, "www."))] = true
	}
	return s
}

// hostAllowed reports whether u is on one of the run's hosts (a leading
// "www." is ignored, the port is not).
func (s *scope) hostAllowed(u *url.URL) bool {
	return s.hostNameAllowed(u.Hostname())
}

func (s *scope) hostNameAllowed(host string) bool {
	s.hostsMu.RLock()
	defer s.hostsMu.RUnlock()
	return s.hosts[strings.ToLower(strings.TrimPrefix(host, "www."))]
}

// addHost lets the run visit host too (a start URL redirected there).
func (s *scope) addHost(host string) {
	s.hostsMu.Lock()
	s.hosts[strings.ToLower(strings.TrimPrefix(host, "www."))] = true
	s.hostsMu.Unlock()
	s.mu.Lock()
	s.decided = nil // earlier "off-site" decisions may be wrong now
	s.mu.Unlock()
}

// loopbackNames are the names of this machine's loopback interface: for a
// crawl of a local site they are one host.
var loopbackNames = []string{"localhost", "127.0.0.1", "::1"}

func loopbackName(host string) bool {
	return slices.Contains(loopbackNames, strings.ToLower(host))
}

// why returns "" when u may be queued, else the reason it may not.
func (s *scope) why(u *url.URL) string {
	raw := u.String()
	h := hashOf(raw)
	s.mu.Lock()
	reason, ok := s.decided[h]
	s.mu.Unlock()
	if ok {
		return reason
	}
	reason = s.decide(u, raw)
	s.mu.Lock()
	if s.decided == nil || len(s.decided) >= maxDecided {
		s.decided = make(map[urlHash]string)
	}
	s.decided[h] = reason
	s.mu.Unlock()
	return reason
}

func (s *scope) decide(u *url.URL, raw string) string {
	if u.Scheme != "http" && u.Scheme != "https" {
		return "scheme"
	}
	if !s.hostAllowed(u) {
		return "off-site"
	}
	if skipExtensions[strings.ToLower(path.Ext(u.Path))] {
		return "not a page"
	}
	if len(raw) > 1000 || repeatedSegments(u.Path) || strings.Count(u.Path, "/") > 15 {
		return "trap"
	}
	for _, re := range trapPatterns {
		if re.MatchString(raw) {
			return "trap"
		}
	}
	for _, re := range s.exclude {
		if re.MatchString(raw) {
			return "excluded"
		}
	}
	if len(s.include) > 0 {
		for _, re := range s.include {
			if re.MatchString(raw) {
				return ""
			}
		}
		return "not included"
	}
	return ""
}

// maxQueryVariants bounds the distinct query strings queued for one path:
// sort orders, filters and session parameters can make endless URLs of
// one listing.
const maxQueryVariants = 50

// queryVariants counts the query strings seen per path. It grows with
// the paths that have a query, so it keeps hashes: per path its count,
// and one set of (path, key) pairs for the whole run, instead of a map
// of key strings per path.
type queryVariants struct {
	mu     sync.Mutex
	counts map[urlHash]uint8
	pairs  map[urlHash]struct{}
}

// allow reports whether key, a URL with a query, may be queued: true for
// the first maxQueryVariants distinct queries of its path.
func (q *queryVariants) allow(path, key string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.counts == nil {
		q.counts, q.pairs = map[urlHash]uint8{}, map[urlHash]struct{}{}
	}
	// The pair is hashed as path, NUL, key: no path holds a NUL.
	pair := hashOf(path + "\x00" + key)
	if _, ok := q.pairs[pair]; ok {
		return true
	}
	p := hashOf(path)
	if q.counts[p] >= maxQueryVariants {
		return false
	}
	q.counts[p]++
	q.pairs[pair] = struct{}{}
	return true
}

// linkSet remembers the raw links already handled in a run, so that the
// same link on page after page costs a map lookup. It is bounded: when
// full it starts over (a link handled twice is harmless, the frontier
// claims each URL once). It keeps the links' hashes, not the links.
type linkSet struct {
	mu   sync.Mutex
	seen map[urlHash]struct{}
}

const maxLinks = 200_000

// first reports whether raw is new, and marks it handled.
func (l *linkSet) first(raw string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := hashOf(raw)
	if _, ok := l.seen[h]; ok {
		return false
	}
	if l.seen == nil || len(l.seen) >= maxLinks {
		l.seen = make(map[urlHash]struct{})
	}
	l.seen[h] = struct{}{}
	return true
}

// pageMarker matches what a paginated listing adds to its URL: a
// /page/N/ segment, or a page, paged, pg, start or offset parameter.
var pageMarker = regexp.MustCompile(`(?i)/page/\d+/?$|/page/\d+/|([?&])(page|paged|pg|start|offset)=\d+`)

// samePagination reports whether to is a page of the same listing as from
// (the next or an earlier page): following pagination is not a hop deeper
// into the site, so a long listing is not cut by the depth limit.
func samePagination(from, to string) bool {
	return mayPaginate(to) && pageMarker.MatchString(to) && paginationKey(from) == paginationKey(to)
}

// mayPaginate is a cheap test before pageMarker: whether u can hold a
// page marker at all (its words: page, paged, pg, start, offset).
func mayPaginate(u string) bool {
	for i := 0; i+2 <= len(u); i++ {
		switch u[i] | 0x20 {
		case 'p':
			if c := u[i+1] | 0x20; c == 'a' || c == 'g' {
				return true
			}
		case 's':
			if i+5 <= len(u) && strings.EqualFold(u[i:i+5], "start") {
				return true
			}
		case 'o':
			if i+6 <= len(u) && strings.EqualFold(u[i:i+6], "offset") {
				return true
			}
		}
	}
	return false
}

// paginationKey names the pagination sequence a listing URL belongs to:
// the URL without its page marker.
func paginationKey(u string) string {
	u = pageMarker.ReplaceAllString(u, "$1")
	return strings.TrimRight(strings.TrimRight(u, "&?"), "/")
}
