package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"harvest/extract"
	"harvest/netguard"
	"harvest/urlnorm"
)

// ProbeOptions configure Probe: a short, polite look at a site before it
// is configured (harvest init).
type ProbeOptions struct {
	// URL is the start URL.
	URL       string
	UserAgent string
	// Delay is the pause between two requests to one host (a longer
	// robots.txt Crawl-delay wins).
	Delay time.Duration
	// MaxPages bounds the HTML pages fetched; MaxSitemaps the sitemap
	// files read (0: 10).
	MaxPages, MaxSitemaps int
	Timeout               time.Duration
	MaxBodySize           int64
	AllowPrivateNetworks  bool
	Logger                *slog.Logger
}

// ProbePage is one page Probe fetched and classified with the generic
// extractor.
type ProbePage struct {
	URL    string // after redirects
	Kind   extract.Kind
	Reason string
}

// TrapLink is a link Probe saw that the crawl's built-in trap rules
// refuse (a calendar, a feed, a search, WordPress internals, ...).
type TrapLink struct {
	URL  string
	Kind string // calendar, feed, search, wordpress, other
}

// ProbeResult is what Probe learnt about a site.
type ProbeResult struct {
	// Start is the start URL, normalised; Final where it led (after
	// redirects).
	Start, Final string
	// Hosts are the host names that answered: the start URL's, the host
	// it redirected to, and its www or apex twin when that answers too.
	Hosts []string
	// Robots is true when robots.txt was there (2xx); CrawlDelay is its
	// Crawl-delay for the User-Agent.
	Robots     bool
	CrawlDelay time.Duration
	// Sitemaps are the sitemap files read (robots.txt Sitemap lines and
	// the usual locations, and the sitemaps an index names);
	// SitemapPages the page URLs they list.
	Sitemaps     []string
	SitemapPages []string
	// Pages are the pages fetched and classified, in fetch order.
	Pages []ProbePage
	// Traps are the distinct trap links seen on the pages.
	Traps []TrapLink
	// Disallowed counts the candidate pages robots.txt disallowed.
	Disallowed int
}

// probeAlternate returns the www or apex twin of host (with its port),
// or "" when it has none. Tests replace it to stand loopback names in for
// www and apex.
var probeAlternate = func(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") || loopbackName(host) {
		return ""
	}
	alt := "www." + host
	if h, ok := strings.CutPrefix(host, "www."); ok {
		if !strings.Contains(h, ".") {
			return ""
		}
		alt = h
	}
	if port != "" {
		return net.JoinHostPort(alt, port)
	}
	return alt
}

// Probe looks at a site the way a crawl would, but briefly: robots.txt,
// the sitemaps, the start page and a sample of the pages it and the
// sitemaps lead to (varied by URL shape, MaxPages at most), one request
// at a time with the delay, obeying robots.txt. Each page is classified
// with the generic extractor.
func Probe(ctx context.Context, opts ProbeOptions) (*ProbeResult, error) {
	if opts.UserAgent == "" {
		return nil, errors.New("probe: a User-Agent is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = 30
	}
	if opts.MaxSitemaps <= 0 {
		opts.MaxSitemaps = 10
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = 10 << 20
	}
	start, err := urlnorm.Normalize(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("probe: start URL: %w", err)
	}
	su, err := url.Parse(start)
	if err != nil || (su.Scheme != "http" && su.Scheme != "https") || su.Host == "" {
		return nil, fmt.Errorf("probe: start URL %q: want an absolute http or https URL", opts.URL)
	}
	hosts := []string{su.Hostname()}
	if loopbackName(su.Hostname()) {
		hosts = append(hosts, loopbackNames...)
	}
	p := &prober{opts: opts, res: &ProbeResult{Start: start}, scope: newScope(hosts, nil, nil), seen: map[string]bool{}, traps: map[string]bool{}}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivateNetworks {
		guard, err := netguard.ForStartURLs(ctx, []string{start})
		if err != nil {
			return nil, fmt.Errorf("probe: %w", err)
		}
		dialer.Control = guard.Control
	}
	p.client = &http.Client{
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, DialContext: dialer.DialContext,
			TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: opts.Timeout,
		},
		Timeout: opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return fmt.Errorf("stopped after %d redirects", len(via))
			}
			if !p.scope.hostAllowed(req.URL) {
				if len(via) > 0 && via[0].URL.String() == start {
					// The start URL says where the site lives.
					p.scope.addHost(req.URL.Hostname())
					return nil
				}
				return fmt.Errorf("redirect to %s leaves the site", req.URL)
			}
			return nil
		},
	}
	p.robots = newRobots(p.client, opts.UserAgent, opts.Logger)
	p.polite = newPoliteness(opts.Delay, 1, p.robots.delay)
	return p.run(ctx, su)
}

type prober struct {
	opts   ProbeOptions
	res    *ProbeResult
	client *http.Client
	robots *robots
	polite *politeness
	scope  *scope
	seen   map[string]bool // page keys queued or fetched
	traps  map[string]bool
}

func (p *prober) run(ctx context.Context, su *url.URL) (*ProbeResult, error) {
	res := p.res
	ok, err := p.robots.check(ctx, su)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %w", res.Start, err)
	}
	if !ok {
		return nil, fmt.Errorf("probe %s: robots.txt of %s disallows it for this User-Agent", res.Start, su.Host)
	}
	e := p.robots.entry(ctx, su)
	e.mu.Lock()
	var robotsSitemaps []string
	robotsSitemaps, res.CrawlDelay = e.sitemaps, e.delay
	e.mu.Unlock()
	res.Robots = p.robotsPresent(ctx, su)

	// The start page first: it must answer.
	page, links, err := p.fetchPage(ctx, res.Start)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %w", res.Start, err)
	}
	res.Final = page.URL
	res.Pages = append(res.Pages, page)
	p.markSeen(res.Start)
	p.markSeen(page.URL)
	fu, _ := url.Parse(page.URL)
	res.Hosts = append(res.Hosts, su.Hostname())
	if fu != nil && fu.Hostname() != su.Hostname() {
		res.Hosts = append(res.Hosts, fu.Hostname())
	}
	for i, h := range []*url.URL{su, fu} {
		if h == nil || (i == 1 && h.Host == su.Host) {
			continue
		}
		if alt := probeAlternate(h.Host); alt != "" && p.answers(ctx, h.Scheme, alt) {
			name := alt
			if hn, _, err := net.SplitHostPort(alt); err == nil {
				name = hn
			}
			if !slices.Contains(res.Hosts, name) {
				res.Hosts = append(res.Hosts, name)
			}
			p.scope.addHost(name)
		}
	}

	// Sitemaps, as a crawl finds them.
	origin := su.Scheme + "://" + su.Host
	var sitemaps []string
	for _, sm := range robotsSitemaps {
		if ref, err := url.Parse(sm); err == nil {
			sitemaps = append(sitemaps, su.ResolveReference(ref).String())
		}
	}
	for _, s := range guessedSitemaps {
		sitemaps = append(sitemaps, origin+s)
	}
	p.readSitemaps(ctx, sitemaps)

	// A sample of pages, varied by URL shape: the start page's links
	// first, then the sitemaps' pages.
	q := newShapeQueue()
	for _, l := range links {
		p.consider(q, l)
	}
	for _, l := range res.SitemapPages {
		p.consider(q, l)
	}
	for len(res.Pages) < p.opts.MaxPages {
		next, ok := q.pop()
		if !ok {
			break
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("probe %s: %w", res.Start, context.Cause(ctx))
		}
		page, links, err := p.fetchPage(ctx, next)
		if err != nil {
			p.opts.Logger.Info("probe_page_failed", "url", next, "err", err)
			continue
		}
		p.markSeen(page.URL)
		res.Pages = append(res.Pages, page)
		for _, l := range links {
			p.consider(q, l)
		}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("probe %s: %w", res.Start, context.Cause(ctx))
	}
	return res, nil
}

func (p *prober) markSeen(raw string) {
	if key, err := urlnorm.Key(raw); err == nil {
		p.seen[key] = true
	}
}

// consider notes a link: a trap is recorded, an in-scope page queued.
func (p *prober) consider(q *shapeQueue, raw string) {
	n, key, err := urlnorm.NormalizeKey(raw)
	if err != nil || p.seen[key] {
		return
	}
	u, err := url.Parse(n)
	if err != nil {
		return
	}
	switch p.scope.why(u) {
	case "":
		p.seen[key] = true
		q.push(u)
	case "trap":
		if !p.traps[n] {
			p.traps[n] = true
			p.res.Traps = append(p.res.Traps, TrapLink{URL: n, Kind: TrapKind(u)})
		}
	}
}

// robotsPresent reports whether robots.txt answered 2xx (the robots
// check treats a 4xx as "everything allowed" and keeps no status).
func (p *prober) robotsPresent(ctx context.Context, su *url.URL) bool {
	_, status, _, err := p.get(ctx, su.Scheme+"://"+su.Host+"/robots.txt", maxRobotsSize)
	return err == nil && status >= 200 && status < 300
}

// answers reports whether the host answers HTTP at all (any status, a
// redirect included).
func (p *prober) answers(ctx context.Context, scheme, hostport string) bool {
	u := &url.URL{Scheme: scheme, Host: hostport, Path: "/"}
	release, err := p.polite.acquire(ctx, u)
	if err != nil {
		return false
	}
	defer release()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", p.opts.UserAgent)
	client := *p.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		p.opts.Logger.Debug("probe_alternate_silent", "host", hostport, "err", err)
		return false
	}
	resp.Body.Close()
	return resp.StatusCode < 500
}

// readSitemaps reads the sitemap files breadth first, up to MaxSitemaps
// that exist.
func (p *prober) readSitemaps(ctx context.Context, queue []string) {
	seen := map[string]bool{}
	pages := map[string]bool{}
	for len(queue) > 0 && len(p.res.Sitemaps) < p.opts.MaxSitemaps && ctx.Err() == nil {
		sm := queue[0]
		queue = queue[1:]
		n, err := urlnorm.Normalize(sm)
		if err != nil || seen[n] {
			continue
		}
		seen[n] = true
		u, err := url.Parse(n)
		if err != nil || !p.scope.hostAllowed(u) {
			continue
		}
		if ok, err := p.robots.check(ctx, u); err != nil || !ok {
			continue
		}
		body, status, final, err := p.get(ctx, n, p.opts.MaxBodySize)
		if err != nil || status != http.StatusOK {
			continue
		}
		if seen[final] && final != n {
			continue // /sitemap.xml redirecting to an index read already
		}
		seen[final] = true
		found, nested, err := parseSitemap(body)
		if err != nil && len(found)+len(nested) == 0 {
			continue
		}
		p.res.Sitemaps = append(p.res.Sitemaps, final)
		for _, s := range nested {
			queue = append(queue, s.Loc)
		}
		for _, e := range found {
			if !pages[e.Loc] {
				pages[e.Loc] = true
				p.res.SitemapPages = append(p.res.SitemapPages, e.Loc)
			}
		}
	}
}

// fetchPage fetches and classifies one HTML page, obeying robots.txt.
func (p *prober) fetchPage(ctx context.Context, raw string) (ProbePage, []string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return ProbePage{}, nil, err
	}
	ok, err := p.robots.check(ctx, u)
	if err != nil {
		return ProbePage{}, nil, err
	}
	if !ok {
		p.res.Disallowed++
		return ProbePage{}, nil, fmt.Errorf("robots.txt disallows %s", raw)
	}
	body, status, final, ct, err := p.fetch(ctx, raw, p.opts.MaxBodySize)
	if err != nil {
		return ProbePage{}, nil, err
	}
	if status != http.StatusOK {
		return ProbePage{}, nil, fmt.Errorf("%s answered %d %s", raw, status, http.StatusText(status))
	}
	if !looksHTML(ct, body) {
		return ProbePage{}, nil, fmt.Errorf("%s is not an HTML page (%s)", raw, ct)
	}
	// The body is as the site sent it (not converted, unlike colly's):
	// its charset parameter stands.
	res, err := extract.Page(final, body, htmlContentType(ct), extract.Rules{})
	if err != nil {
		return ProbePage{}, nil, fmt.Errorf("extract %s: %w", final, err)
	}
	p.opts.Logger.Debug("probe_page", "url", final, "kind", res.Kind, "reason", res.Reason)
	return ProbePage{URL: final, Kind: res.Kind, Reason: res.Reason}, res.Links, nil
}

func (p *prober) get(ctx context.Context, raw string, limit int64) (body []byte, status int, final string, err error) {
	body, status, final, _, err = p.fetch(ctx, raw, limit)
	return body, status, final, err
}

// fetch GETs raw within the host's politeness slot.
func (p *prober) fetch(ctx context.Context, raw string, limit int64) (body []byte, status int, final, contentType string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, 0, "", "", err
	}
	release, err := p.polite.acquire(ctx, u)
	if err != nil {
		return nil, 0, "", "", err
	}
	defer release()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, 0, "", "", err
	}
	req.Header.Set("User-Agent", p.opts.UserAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, 0, "", "", fmt.Errorf("fetch %s: %w", raw, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, resp.StatusCode, "", "", fmt.Errorf("read %s: %w", raw, err)
	}
	if int64(len(body)) > limit {
		return nil, resp.StatusCode, "", "", fmt.Errorf("%s: %w", raw, ErrTooLarge)
	}
	return body, resp.StatusCode, resp.Request.URL.String(), resp.Header.Get("Content-Type"), nil
}

// TrapKind names the kind of trap the built-in rules see in u:
// calendar, feed, search, wordpress or other.
func TrapKind(u *url.URL) string {
	raw := u.String()
	switch {
	case trapPatterns[0].MatchString(raw) || trapPatterns[1].MatchString(raw) || trapPatterns[2].MatchString(raw):
		return "calendar"
	case trapPatterns[4].MatchString(raw) || u.Query().Has("feed"):
		switch strings.ToLower(lastSegment(u.Path)) {
		case "embed", "amp", "trackback":
			return "other"
		}
		return "feed"
	case u.Query().Has("s") || strings.Contains(strings.ToLower(u.Path), "/search/"):
		return "search"
	case trapPatterns[3].MatchString(raw):
		return "wordpress"
	}
	return "other"
}

// lastSegment is the last segment of a URL path.
func lastSegment(p string) string {
	return path.Base(strings.TrimSuffix(p, "/"))
}

// shapeQueue hands out URLs round-robin by shape (the first path
// segment and the depth), so that a small sample sees every section of
// a site rather than the first listing's items only.
type shapeQueue struct {
	order  []string
	queues map[string][]string
	next   int
}

func newShapeQueue() *shapeQueue { return &shapeQueue{queues: map[string][]string{}} }

func (q *shapeQueue) push(u *url.URL) {
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	shape := fmt.Sprintf("%s/%d/%t/%t", segs[0], len(segs), strings.HasSuffix(u.Path, "/"), u.RawQuery != "")
	if _, ok := q.queues[shape]; !ok {
		q.order = append(q.order, shape)
	}
	q.queues[shape] = append(q.queues[shape], u.String())
}

func (q *shapeQueue) pop() (string, bool) {
	for range len(q.order) {
		shape := q.order[q.next%len(q.order)]
		q.next++
		if list := q.queues[shape]; len(list) > 0 {
			q.queues[shape] = list[1:]
			return list[0], true
		}
	}
	return "", false
}
