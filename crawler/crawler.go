// Package crawler walks a publication site politely and hands every
// publication page, extracted, to a sink. It fetches with colly, decides
// with extract, and knows no SQL: what happens to a publication is the
// sink's business.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"harvest"
	"harvest/extract"
	"harvest/netguard"
	"harvest/urlnorm"
)

// Options configure one run over one source.
type Options struct {
	// Source names the source; it is copied into every publication.
	Source    string
	StartURLs []string
	// AllowedDomains are hosts the run may visit besides the start URLs'
	// own. A leading "www." is ignored; a loopback start URL's host also
	// allows the other loopback names (localhost, 127.0.0.1, ::1); a
	// start URL that redirects to another host (http to https, apex to
	// www, a new domain) allows that host.
	AllowedDomains []string
	// Include, when not empty, limits discovery to matching URLs (start
	// URLs are always fetched); Exclude removes matching URLs.
	Include, Exclude []*regexp.Regexp
	Rules            extract.Rules
	// Sitemaps reads the sitemaps named in robots.txt and the usual
	// /sitemap.xml, /wp-sitemap.xml and /sitemap_index.xml.
	Sitemaps bool
	// Delay is the pause between two requests to one host. With a delay,
	// requests to one host go one at a time; a longer robots.txt
	// Crawl-delay wins.
	Delay time.Duration
	// Concurrency bounds the requests in flight (and the workers).
	Concurrency int
	// MaxPages bounds the pages fetched (0: no bound); MaxDepth the link
	// hops from a start URL (0: no bound).
	MaxPages, MaxDepth int
	// MaxPagination bounds the pages followed in one pagination sequence
	// of a listing (0: DefaultMaxPagination). A sequence also ends after
	// barrenPages pages in a row that bring no link its earlier pages
	// did not have.
	MaxPagination int
	Timeout       time.Duration
	// MaxBodySize: larger responses are refused, never truncated.
	MaxBodySize int64
	UserAgent   string
	Logger      *slog.Logger
	// Progress, when set, is called after every fetch with the counts so
	// far. Calls never overlap.
	Progress func(Stats)
	// Retries is how many times a fetch that may pass (5xx, 429, a broken
	// connection) is tried again, RetryBase the first backoff (doubling,
	// with jitter). Zero values mean none and DefaultRetryBase; Run's
	// callers normally pass DefaultRetries.
	Retries   int
	RetryBase time.Duration
	// Files, when set, mirrors each publication's download files.
	Files Files
	// AllowPrivateNetworks turns the network guard off. With the guard on
	// (the default), connections to private, loopback and link-local
	// addresses (cloud metadata at 169.254.169.254 included) are refused
	// as they are made, except to the addresses of start URLs that are
	// themselves loopback or private.
	AllowPrivateNetworks bool
	// Memory, when set, makes the run incremental (see Memory).
	Memory Memory
	// Journal, when set, keeps the frontier outside the process; Resume
	// is the frontier an interrupted run left, to continue from.
	Journal Journal
	Resume  []harvest.FrontierEntry
	// Shared, when set, makes this process one of many crawling one run
	// (see Shared).
	Shared *Shared
	// Robots, when set (and Shared is not), keeps the robots.txt answers
	// of this run for whatever else the run does (its link check).
	Robots harvest.RobotsCache
}

// Found is a publication page as the crawler hands it to the sink.
type Found struct {
	Publication harvest.Publication
	// URL is the address the page was fetched from (after redirects).
	URL string
	// Noise says what the extractor stripped from the page.
	Noise []string
	// ETag and LastModified are the response's validators; Links the
	// page's in-scope links (for Memory).
	ETag, LastModified string
	Links              []string
}

// Sink receives what the crawl learns about publications. An error from
// it stops the run: a catalogue that cannot be written must not be
// crawled into.
type Sink interface {
	// Publication is a publication page fetched and extracted.
	Publication(ctx context.Context, f Found) error
	// Unchanged is a remembered publication page that answered 304, or
	// that the sitemap's lastmod showed unchanged.
	Unchanged(ctx context.Context, url string) error
	// Gone is a page that answered 404 or 410.
	Gone(ctx context.Context, url string, status int) error
}

// Stats count what a run did.
type Stats struct {
	Pages        int // HTML pages fetched and read
	Publications int // publication pages handed to the sink
	Listings     int // listing pages (discovery only)
	Others       int // other pages (discovery only)
	Sitemaps     int // sitemap files read
	Skipped      int // URLs not fetched or not read: robots.txt, not HTML, already fetched via a redirect
	// NotModified counts remembered publication pages that answered 304;
	// SkippedLastmod those not requested because of their sitemap
	// lastmod; Gone the pages that answered 404 or 410 (an answer, not an
	// error: sites are full of dead links).
	NotModified, SkippedLastmod, Gone int
	Retries                           int // fetches tried again
	PeakGoroutines                    int // the most goroutines seen in the process during the run
	Errors                            int // failed fetches (transport, 5xx, other 4xx), unreadable pages, pages whose handling panicked
	// StartsFailed counts the start URLs that could not be fetched and
	// read (unreachable, robots.txt unavailable or disallowing, 4xx,
	// 5xx); they are in Errors too. When every start URL failed, the run
	// failed with ErrUnreachable.
	StartsFailed int
	// PaginationStopped counts the pagination sequences no longer
	// followed (pages bringing nothing new, or MaxPagination reached).
	PaginationStopped int
	// Offsite lists the hosts outside the run's that most links of some
	// pages pointed to, most such pages first: a sign that the site lives
	// under another name (see Options.AllowedDomains).
	Offsite []OffsiteHost
	Queued  int // URLs waiting
	// SitemapsQueued counts the sitemaps waiting to be read or being
	// read (they are read before pages): with Sitemaps > 0 and none waiting, the
	// sitemaps have told what they know (Pages + Queued URLs).
	SitemapsQueued int
	Stopped        string
}

// OffsiteHost is a host outside the run that most links of Pages pages
// pointed to.
type OffsiteHost struct {
	Host  string
	Pages int
}

// DefaultMaxPagination is the default bound of one pagination sequence.
const DefaultMaxPagination = 2000

// ErrUnreachable is wrapped by Run's error when the run never reached the
// site: every start URL failed (connection refused, DNS, TLS, timeout,
// robots.txt unavailable, 4xx or 5xx). Such a run says nothing about the
// site's publications.
var ErrUnreachable = errors.New("site unreachable")

// ErrTooLarge is reported for a response over the size cap.
var ErrTooLarge = errors.New("response exceeds the size limit")

var errAlreadyFetched = errors.New("redirect target already queued or fetched")

// Run crawls one source once. It returns the counts and, when the run
// could not go on (the sink failed, the context was cancelled), an error.
// Pages that fail are logged, counted and skipped.
//
// A run whose context is cancelled stops with StopCancelled and an error
// wrapping context.Canceled, whatever else failed on the way out; a run
// that never reached the site stops with StopFailed and an error wrapping
// ErrUnreachable.
func Run(ctx context.Context, opts Options, sink Sink) (Stats, error) {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r, err := newRun(ctx, opts, sink)
	if err != nil {
		if parent.Err() != nil {
			return Stats{Stopped: harvest.StopCancelled}, fmt.Errorf("crawl %s: %w", opts.Source, context.Cause(parent))
		}
		return Stats{Stopped: harvest.StopFailed}, err
	}
	r.stop = cancel
	r.parent = parent
	return r.run(ctx)
}

type run struct {
	opts     Options
	sink     Sink
	log      *slog.Logger
	c        *colly.Collector
	client   *http.Client
	robots   *robots
	scope    *scope
	frontier queue
	// local is the in-memory frontier of a run crawled by one process;
	// shared the shared frontier's queue (one of them is set).
	local    *frontier
	shared   *sharedQueue
	polite   *politeness
	variants queryVariants
	links    linkSet
	pages    paginations
	// starts are the keys of the start URLs; startsOK counts those
	// fetched and read (or done in the run resumed); startErr is the
	// first start URL's failure.
	starts      map[string]bool
	startsOK    int
	startErr    error
	startFailed map[string]bool
	offsite     map[string]int

	mu     sync.Mutex
	stats  Stats
	fatal  error
	stop   context.CancelFunc
	parent context.Context // the caller's context: its end is a cancel, not a failure
}

func newRun(ctx context.Context, opts Options, sink Sink) (*run, error) {
	if len(opts.StartURLs) == 0 {
		return nil, errors.New("crawl: no start URLs")
	}
	if sink == nil {
		return nil, errors.New("crawl: no sink")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = 10 << 20
	}
	if opts.UserAgent == "" {
		return nil, errors.New("crawl: a User-Agent is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxPagination <= 0 {
		opts.MaxPagination = DefaultMaxPagination
	}
	hosts := slices.Clone(opts.AllowedDomains)
	var starts []string
	startKeys := map[string]bool{}
	for _, s := range opts.StartURLs {
		n, key, err := urlnorm.NormalizeKey(s)
		if err != nil {
			return nil, fmt.Errorf("crawl: start URL: %w", err)
		}
		starts = append(starts, n)
		startKeys[key] = true
		u, _ := url.Parse(n)
		hosts = append(hosts, u.Hostname())
		if loopbackName(u.Hostname()) {
			// localhost and 127.0.0.1 are one host: a local site's
			// links often name the other.
			hosts = append(hosts, loopbackNames...)
		}
	}
	opts.StartURLs = starts
	r := &run{
		opts:    opts,
		sink:    sink,
		log:     opts.Logger.With("source", opts.Source),
		scope:   newScope(hosts, opts.Include, opts.Exclude),
		starts:  startKeys,
		offsite: map[string]int{},
		pages:   paginations{max: opts.MaxPagination},
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivateNetworks {
		guard, err := netguard.ForStartURLs(ctx, opts.StartURLs)
		if err != nil {
			return nil, fmt.Errorf("crawl: %w", err)
		}
		dialer.Control = guard.Control
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   opts.Concurrency + 1,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		ForceAttemptHTTP2:     true,
	}
	if opts.Shared != nil {
		r.shared = newSharedQueue(opts.Shared.Frontier, opts.Concurrency, opts.Shared.Poll, r.fail)
		r.frontier = r.shared
		opts.Journal, opts.Resume = nil, nil
	} else {
		r.local = newFrontier(opts.MaxPages)
		r.frontier = r.local
	}
	if r.local != nil {
		r.local.journal = opts.Journal != nil
	}
	for _, e := range opts.Resume {
		kind := taskPage
		if e.Sitemap {
			kind = taskSitemap
		}
		r.local.restore(task{key: e.Key, url: e.URL, depth: e.Depth, kind: kind, optional: e.Optional, lastmod: e.Lastmod}, e.State == harvest.EntryDone)
		if e.State == harvest.EntryDone && !e.Sitemap && startKeys[e.Key] {
			r.startsOK++ // the interrupted run reached it
		}
	}
	// The frontier has taken what it needs of the entries: kept in the
	// run's options they would hold every URL's strings for the whole
	// run.
	opts.Resume = nil
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = DefaultRetryBase
	}
	r.client = &http.Client{Transport: transport, Timeout: opts.Timeout}
	r.robots = newRobots(r.client, opts.UserAgent, r.log)
	r.robots.retries, r.robots.retryBase = opts.Retries, opts.RetryBase
	r.polite = newPoliteness(opts.Delay, opts.Concurrency, r.robots.delay)
	if opts.Shared != nil {
		r.robots.cache, r.robots.since = opts.Shared.Robots, opts.Shared.Since
		r.polite.gate = opts.Shared.Hosts
	} else if opts.Robots != nil {
		r.robots.cache = opts.Robots
	}
	r.opts = opts
	r.c = r.collector(ctx, transport)
	return r, nil
}

// collector builds the colly collector. Fields are set after
// NewCollector so that COLLY_* environment variables cannot override
// them.
func (r *run) collector(ctx context.Context, transport http.RoundTripper) *colly.Collector {
	c := colly.NewCollector()
	c.UserAgent = r.opts.UserAgent
	c.AllowURLRevisit = true // the frontier decides what is fetched
	c.IgnoreRobotsTxt = true // robots.txt is checked by r.robots, with Crawl-delay and RFC 9309 errors
	c.MaxBodySize = int(r.opts.MaxBodySize) + 1
	c.MaxDepth = 0
	c.Async = false
	c.Context = ctx
	// No AllowedDomains: the run's scope decides which hosts are visited
	// (it grows when a start URL redirects to another host), and every
	// URL passes it before it is queued.
	c.WithTransport(transport)
	c.SetRequestTimeout(r.opts.Timeout)
	c.SetRedirectHandler(r.checkRedirect)
	c.OnResponseHeaders(func(resp *colly.Response) {
		kind, _ := resp.Ctx.GetAny("kind").(taskKind)
		if !acceptable(kind, resp.Headers.Get("Content-Type")) {
			resp.Ctx.Put("skip", "content type "+resp.Headers.Get("Content-Type"))
			resp.Request.Abort()
		}
	})
	c.OnResponse(func(resp *colly.Response) { resp.Ctx.Put("response", resp) })
	c.OnError(func(resp *colly.Response, _ error) {
		if resp != nil {
			resp.Ctx.Put("status", resp.StatusCode)
			if resp.Headers != nil {
				resp.Ctx.Put("headers", resp.Headers.Clone())
			}
		}
	})
	return c
}

// acceptable reports whether a response with this Content-Type is worth
// reading for a task of this kind. Unknown and generic types are read and
// sniffed later.
func acceptable(kind taskKind, contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" || mt == "application/octet-stream" || mt == "text/plain" {
		return true
	}
	if kind == taskSitemap {
		return strings.Contains(mt, "xml") || strings.Contains(mt, "gzip")
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

func (r *run) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("stopped after %d redirects", len(via))
	}
	if !r.scope.hostAllowed(req.URL) {
		from, _ := urlnorm.Key(via[0].URL.String())
		if !r.starts[from] {
			return fmt.Errorf("redirect to %s leaves the source", req.URL)
		}
		// A start URL that redirects to another host (http to https, apex
		// to www, a new domain) says where the site lives: crawl it.
		r.scope.addHost(req.URL.Hostname())
		r.log.Info("host_alias", "start_url", via[0].URL.String(), "host", req.URL.Hostname())
	}
	if !r.robots.allowed(req.Context(), req.URL) {
		return fmt.Errorf("redirect to %s: disallowed by robots.txt", req.URL)
	}
	from, _ := urlnorm.Key(via[0].URL.String())
	to, err := urlnorm.Key(req.URL.String())
	if err != nil {
		return fmt.Errorf("redirect: %w", err)
	}
	if to != from && !r.frontier.claim(to) {
		return errAlreadyFetched
	}
	return nil
}

func (r *run) run(ctx context.Context) (Stats, error) {
	r.seed(ctx)

	journalDone := make(chan struct{})
	stopJournal := make(chan struct{})
	if r.opts.Journal != nil {
		go func() {
			defer close(journalDone)
			r.flushJournal(ctx, stopJournal)
		}()
	} else {
		close(journalDone)
	}

	stopBeat := make(chan struct{})
	if r.shared != nil {
		every := r.opts.Shared.Heartbeat
		if every <= 0 {
			every = 5 * time.Second
		}
		go r.shared.heartbeat(ctx, every, stopBeat)
	}

	var wg sync.WaitGroup
	for range r.opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t, ok := r.frontier.next(ctx)
				if !ok {
					return
				}
				out := r.handle(ctx, t)
				r.sampleGoroutines()
				switch {
				case out == outcomeDone && ctx.Err() == nil:
					r.frontier.done(t)
				case out == outcomeFailed && r.shared != nil && ctx.Err() == nil:
					// In a shared run a failed URL is done for this run
					// (counted as an error, which keeps the run from
					// sweeping): released, it would be leased again at
					// once, by this worker or another, without end.
					r.frontier.done(t)
				default:
					// A task that failed or was cut short by cancellation
					// is not done: a resumed run fetches it again.
					r.frontier.release(t)
				}
				r.progress()
			}
		}()
	}
	wg.Wait()
	close(stopJournal)
	<-journalDone
	close(stopBeat)
	if r.shared != nil {
		if err := r.shared.giveBack(); err != nil {
			r.fail(err)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	queued, capped := r.frontier.state()
	r.stats.Queued = queued
	r.stats.Offsite = r.offsiteHosts()
	r.stats.PaginationStopped = r.pages.stoppedCount()
	switch {
	case r.parent.Err() != nil:
		// A cancel is a cancel, whatever failed on the way out (a write
		// cut short, a request abandoned).
		if r.fatal != nil && !errors.Is(r.fatal, context.Canceled) {
			r.log.Warn("run_cancelled_with_error", "err", r.fatal)
		}
		r.stats.Stopped = harvest.StopCancelled
		return r.stats, fmt.Errorf("crawl %s: %w", r.opts.Source, context.Cause(r.parent))
	case r.fatal != nil:
		r.stats.Stopped = harvest.StopFailed
		return r.stats, r.fatal
	case r.startsOK == 0 && r.startErr != nil && r.stats.Pages+r.stats.Sitemaps+r.stats.NotModified+r.stats.SkippedLastmod == 0:
		// Nothing at all came from the site.
		r.stats.Stopped = harvest.StopFailed
		return r.stats, fmt.Errorf("%w: %v", ErrUnreachable, r.startErr)
	case capped:
		r.stats.Stopped = harvest.StopMaxPages
	default:
		r.stats.Stopped = harvest.StopComplete
	}
	return r.stats, nil
}

// outcome is how the handling of one task ended.
type outcome int

const (
	// outcomeDone: the task has its answer (read, unchanged, gone,
	// skipped for a reason that will not change by asking again).
	outcomeDone outcome = iota
	// outcomeFailed: it may pass next time (transport error, 5xx,
	// unreadable page, a panic, the sink failing); never journaled done.
	outcomeFailed
	// outcomeCancelled: cut short by the run's end.
	outcomeCancelled
)

// handle does t, turning a panic anywhere in its handling (colly, the
// extractor, the sink, the store) into the failure of that page alone.
func (r *run) handle(ctx context.Context, t task) (out outcome) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("page_panicked", "url", t.url, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.failed(t, 0, fmt.Errorf("panic: %v", p))
			out = outcomeFailed
		}
	}()
	return r.do(ctx, t)
}

// seed queues the start URLs and, where asked, the sitemaps of their
// hosts. Each host's robots.txt is read on first use, by the host's
// politeness slot and by the robots check of its first URL.
func (r *run) seed(ctx context.Context) {
	origins := map[string]*url.URL{}
	var order []string
	for _, s := range r.opts.StartURLs {
		u, _ := url.Parse(s)
		origin := u.Scheme + "://" + u.Host
		if _, ok := origins[origin]; !ok {
			origins[origin] = u
			order = append(order, origin)
		}
		key, _ := urlnorm.Key(s)
		r.frontier.push(key, task{url: s, kind: taskPage})
	}
	if !r.opts.Sitemaps {
		return
	}
	for _, origin := range order {
		u := origins[origin]
		e := r.robots.entry(ctx, u)
		e.mu.Lock()
		sitemaps, unavailable := e.sitemaps, e.unavailable
		e.mu.Unlock()
		if unavailable != nil {
			continue // the start URLs of this host fail and say why
		}
		for _, sm := range sitemaps {
			if ref, err := url.Parse(sm); err == nil {
				r.pushSitemap(u.ResolveReference(ref).String(), false)
			}
		}
		for _, p := range guessedSitemaps {
			r.pushSitemap(origin+p, true)
		}
	}
}

// guessedSitemaps are the sitemap locations tried on every host beside
// those robots.txt names (a crawl's and init's).
var guessedSitemaps = []string{"/sitemap_index.xml", "/sitemap.xml", "/wp-sitemap.xml"}

func (r *run) pushSitemap(raw string, optional bool) {
	n, err := urlnorm.Normalize(raw)
	if err != nil {
		return
	}
	u, _ := url.Parse(n)
	if !r.scope.hostAllowed(u) {
		return
	}
	key, _ := urlnorm.Key(n)
	r.frontier.push(key, task{url: n, kind: taskSitemap, optional: optional})
}

// do fetches one task and reads it.
func (r *run) do(ctx context.Context, t task) outcome {
	start := t.kind == taskPage && r.starts[t.key]
	out := r.fetchAndRead(ctx, t, start)
	if start && out == outcomeDone {
		r.mu.Lock()
		if !r.startFailed[t.key] {
			r.startsOK++
		}
		r.mu.Unlock()
	}
	return out
}

func (r *run) fetchAndRead(ctx context.Context, t task, start bool) outcome {
	// Catalogue calls get a context that a cancel does not cut: what was
	// fetched is saved, and a cancel is never reported as a failed write.
	db := context.WithoutCancel(ctx)
	u, err := url.Parse(t.url)
	if err != nil {
		r.failed(t, 0, err)
		return outcomeFailed
	}
	allowed, err := r.robots.check(ctx, u)
	switch {
	case ctx.Err() != nil:
		return outcomeCancelled
	case err != nil:
		r.failedStart(t, start, 0, err)
		return outcomeFailed
	case !allowed && start:
		r.failedStart(t, start, 0, fmt.Errorf("robots.txt of %s disallows %s for this User-Agent", u.Host, t.url))
		return outcomeDone
	case !allowed:
		r.skipped(t, "disallowed by robots.txt")
		return outcomeDone
	}
	var (
		mem   harvest.PageMemory
		known bool
	)
	if t.kind == taskPage && r.opts.Memory != nil {
		if mem, known, err = r.opts.Memory.Recall(db, t.url); err != nil {
			r.fail(fmt.Errorf("recall %s: %w", t.url, err))
			return outcomeFailed
		}
		if known && t.lastmod != "" {
			if lm, ok := lastmodTime(t.lastmod); ok && !lm.After(mem.Fetched) {
				r.count(func(s *Stats) { s.SkippedLastmod++ })
				return r.unchanged(db, t, mem)
			}
		}
	}
	hdr := http.Header{}
	if known {
		if mem.ETag != "" {
			hdr.Set("If-None-Match", mem.ETag)
		}
		if mem.LastModified != "" {
			hdr.Set("If-Modified-Since", mem.LastModified)
		}
	}
	resp, status, skip, err := r.fetchRetrying(ctx, t, u, hdr)
	switch {
	case ctx.Err() != nil:
		return outcomeCancelled
	case known && status == http.StatusNotModified:
		r.count(func(s *Stats) { s.NotModified++ })
		return r.unchanged(db, t, mem)
	case start && (status >= 400 || err != nil):
		if status >= 400 {
			err = fmt.Errorf("answered %d %s", status, http.StatusText(status))
		}
		r.failedStart(t, start, status, err)
		return outcomeFailed
	case t.kind == taskPage && (status == http.StatusNotFound || status == http.StatusGone):
		r.log.Info("page_gone", "url", t.url, "status", status)
		r.count(func(s *Stats) { s.Gone++ })
		if err := r.sink.Gone(db, t.url, status); err != nil {
			r.fail(fmt.Errorf("record %s gone: %w", t.url, err))
			return outcomeFailed
		}
		return outcomeDone
	case t.optional && (skip != "" || status == http.StatusNotFound || status == http.StatusGone):
		// A guessed sitemap location that is not there is no news.
		r.log.Debug("sitemap_absent", "url", t.url, "status", status, "reason", skip)
		return outcomeDone
	case skip != "" && start && !strings.HasPrefix(skip, "redirect target"):
		r.failedStart(t, start, status, errors.New(skip))
		return outcomeDone
	case skip != "":
		r.skipped(t, skip)
		return outcomeDone
	case err != nil:
		r.failed(t, status, err)
		return outcomeFailed
	}
	final := resp.Request.URL.String()
	if t.kind == taskSitemap {
		return r.readSitemap(t, final, resp.Body)
	}
	return r.readPage(ctx, t, final, resp)
}

// fetchRetrying fetches t, retrying what may pass with exponential
// backoff and jitter, and waiting as long as a 429 or 503 with
// Retry-After asks (for the whole host). Every attempt waits for the
// host's politeness slot.
func (r *run) fetchRetrying(ctx context.Context, t task, u *url.URL, hdr http.Header) (*colly.Response, int, string, error) {
	for attempt := 0; ; attempt++ {
		release, err := r.polite.acquire(ctx, u)
		if err != nil {
			return nil, 0, "", err
		}
		f := r.fetchOnce(t, hdr)
		release()
		resp, status, skip, err := f.resp, f.status, f.skip, f.err
		if skip != "" || !retryable(status, err) || attempt >= r.opts.Retries || ctx.Err() != nil {
			return resp, status, skip, err
		}
		wait := backoff(r.opts.RetryBase, attempt)
		if ra, ok := retryAfter(f.headers, time.Now()); ok && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
			if ra > maxRetryWait {
				return resp, status, skip, fmt.Errorf("%w (Retry-After %s is longer than harvest waits)", err, ra)
			}
			wait = ra
			r.polite.pause(ctx, u, time.Now().Add(ra))
		}
		r.log.Info("page_retry", "url", t.url, "status", status, "err", err, "attempt", attempt+1, "wait", wait)
		r.count(func(s *Stats) { s.Retries++ })
		if err := sleep(ctx, wait); err != nil {
			return nil, status, "", err
		}
	}
}

// unchanged handles a remembered page that has not changed: the sink is
// told, and its remembered links are queued as if it had been read.
func (r *run) unchanged(ctx context.Context, t task, mem harvest.PageMemory) outcome {
	if r.opts.MaxDepth == 0 || t.depth < r.opts.MaxDepth {
		for _, l := range mem.Links {
			r.enqueue(l, t.depth+1, "")
		}
	}
	if err := r.sink.Unchanged(ctx, t.url); err != nil {
		r.fail(fmt.Errorf("record %s unchanged: %w", t.url, err))
		return outcomeFailed
	}
	return outcomeDone
}

// fail stops the run: something the run cannot go on without failed.
func (r *run) fail(err error) {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.mu.Unlock()
	r.stop()
}

// fetched is the outcome of one request: a response, or a status and an
// error (with the failed response's headers), or a reason it was skipped.
type fetched struct {
	resp    *colly.Response
	status  int
	skip    string
	err     error
	headers http.Header
}

// fetchOnce asks colly for one URL, synchronously, with extra request
// headers.
func (r *run) fetchOnce(t task, hdr http.Header) fetched {
	cctx := colly.NewContext()
	cctx.Put("kind", t.kind)
	if len(hdr) > 0 {
		hdr = hdr.Clone()
	} else {
		hdr = nil
	}
	var f fetched
	f.resp, f.status, f.skip, f.err = r.response(cctx, r.c.Request(http.MethodGet, t.url, nil, cctx, hdr))
	f.headers, _ = cctx.GetAny("headers").(http.Header)
	return f
}

// response reads what the colly callbacks left in the request context.
func (r *run) response(cctx *colly.Context, err error) (resp *colly.Response, status int, skip string, _ error) {
	status, _ = cctx.GetAny("status").(int)
	if s, ok := cctx.GetAny("skip").(string); ok {
		return nil, status, s, nil
	}
	if errors.Is(err, errAlreadyFetched) {
		return nil, status, "redirect target already fetched", nil
	}
	if err != nil {
		return nil, status, "", err
	}
	resp, _ = cctx.GetAny("response").(*colly.Response)
	if resp == nil {
		return nil, status, "", errors.New("no response")
	}
	if int64(len(resp.Body)) > r.opts.MaxBodySize {
		return nil, resp.StatusCode, "", fmt.Errorf("%w (%d bytes)", ErrTooLarge, r.opts.MaxBodySize)
	}
	return resp, resp.StatusCode, "", nil
}

func (r *run) readSitemap(t task, final string, body []byte) outcome {
	pages, sitemaps, err := parseSitemap(body)
	if err != nil && len(pages)+len(sitemaps) == 0 {
		if t.optional {
			r.log.Debug("sitemap_unreadable", "url", final, "err", err)
			return outcomeDone
		}
		r.failed(t, 0, err)
		return outcomeFailed
	}
	r.count(func(s *Stats) { s.Sitemaps++ })
	for _, sm := range sitemaps {
		r.pushSitemap(sm.Loc, false)
	}
	for _, p := range pages {
		r.enqueue(p.Loc, 1, p.LastMod)
	}
	r.log.Debug("sitemap_read", "url", final, "pages", len(pages), "sitemaps", len(sitemaps))
	return outcomeDone
}

func (r *run) readPage(ctx context.Context, t task, final string, resp *colly.Response) outcome {
	db := context.WithoutCancel(ctx)
	start := r.starts[t.key]
	ct := resp.Headers.Get("Content-Type")
	if !looksHTML(ct, resp.Body) {
		if start {
			r.failedStart(t, start, resp.StatusCode, fmt.Errorf("not an HTML page (%s)", ct))
		} else {
			r.skipped(t, "not HTML ("+ct+")")
		}
		return outcomeDone
	}
	res, err := extract.Page(final, resp.Body, extractContentType(htmlContentType(ct)), r.opts.Rules)
	if err != nil {
		r.failedStart(t, start, resp.StatusCode, fmt.Errorf("extract: %w", err))
		return outcomeFailed
	}
	r.count(func(s *Stats) {
		s.Pages++
		switch res.Kind {
		case extract.KindListing:
			s.Listings++
		case extract.KindOther:
			s.Others++
		}
	})
	inScope := r.follow(t, final, res)
	r.log.Debug("page_read", "url", final, "kind", res.Kind, "reason", res.Reason, "links", len(res.Links))
	if res.Kind != extract.KindPublication {
		etag, lastMod := resp.Headers.Get("ETag"), resp.Headers.Get("Last-Modified")
		if r.opts.Memory != nil && (etag != "" || lastMod != "") {
			m := harvest.PageMemory{ETag: etag, LastModified: lastMod, Fetched: time.Now().UTC(), Links: inScope}
			if err := r.opts.Memory.Remember(db, final, m); err != nil {
				r.fail(fmt.Errorf("remember %s: %w", final, err))
				return outcomeFailed
			}
		}
		return outcomeDone
	}
	p := res.Publication
	p.Source = r.opts.Source
	if key, err := urlnorm.Key(p.CanonicalURL); err == nil {
		r.frontier.claim(key) // the same page under its canonical URL need not be fetched again
	}
	if r.opts.Files != nil {
		r.mirrorFiles(ctx, &p)
		if ctx.Err() != nil {
			return outcomeCancelled
		}
	}
	f := Found{
		Publication: p, URL: final, Noise: res.Noise, Links: inScope,
		ETag: resp.Headers.Get("ETag"), LastModified: resp.Headers.Get("Last-Modified"),
	}
	if err := r.sink.Publication(db, f); err != nil {
		r.fail(fmt.Errorf("save %s: %w", final, err))
		return outcomeFailed
	}
	r.count(func(s *Stats) { s.Publications++ })
	return outcomeDone
}

// follow queues the in-scope links of a page read and returns them. The
// next pages of a listing are followed while the listing's pages bring
// new links, up to MaxPagination pages (see paginations); they are not a
// hop deeper. It also notes when most of the page's links go to one
// host outside the run.
func (r *run) follow(t task, final string, res *extract.Result) []string {
	var inScope, pagination, other []string
	fromKey := "" // the page's own pagination key, computed once
	for _, l := range res.Links {
		if !r.inScope(l) {
			continue
		}
		inScope = append(inScope, l)
		if res.Kind != extract.KindPublication && mayPaginate(l) && pageMarker.MatchString(l) {
			if fromKey == "" {
				fromKey = paginationKey(final)
			}
			if paginationKey(l) != fromKey {
				other = append(other, l)
				continue
			}
			pagination = append(pagination, l)
		} else {
			other = append(other, l)
		}
	}
	r.noteOffsite(res.Links)
	if r.opts.MaxDepth == 0 || t.depth+1 <= r.opts.MaxDepth {
		for _, l := range other {
			r.enqueue(l, t.depth+1, "")
		}
	}
	if len(pagination) == 0 {
		return inScope
	}
	seq := paginationKey(final)
	follow, ended := r.pages.read(seq, other)
	for _, l := range pagination {
		if !follow {
			break
		}
		if follow, ended = r.pages.room(seq); follow && r.enqueue(l, t.depth, "") {
			r.pages.queued(seq)
		}
	}
	if ended != "" {
		r.log.Info("pagination_stopped", "listing", seq, "at", final, "reason", ended)
	}
	return inScope
}

// offsiteShare is the share of a page's links that one host outside the
// run must have for the page to count toward that host's hint.
const offsiteShare = 0.5

// noteOffsite counts the page toward a host outside the run when most of
// its web links point there.
func (r *run) noteOffsite(links []string) {
	web := 0
	hosts := map[string]int{}
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		web++
		if !r.scope.hostAllowed(u) {
			hosts[u.Host]++
		}
	}
	for h, n := range hosts {
		if web >= 3 && float64(n) > offsiteShare*float64(web) {
			r.mu.Lock()
			r.offsite[h]++
			r.mu.Unlock()
		}
	}
}

// offsiteHosts lists the hosts noteOffsite counted, most pages first (at
// most three). r.mu is held.
func (r *run) offsiteHosts() []OffsiteHost {
	var out []OffsiteHost
	for h, n := range r.offsite {
		out = append(out, OffsiteHost{Host: h, Pages: n})
	}
	slices.SortFunc(out, func(a, b OffsiteHost) int {
		if a.Pages != b.Pages {
			return b.Pages - a.Pages
		}
		return strings.Compare(a.Host, b.Host)
	})
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// inScope reports whether a discovered URL may be queued.
func (r *run) inScope(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && r.scope.why(u) == ""
}

// enqueue queues a discovered URL when it is in scope, and reports
// whether it was new. lastmod is the sitemap's, when a sitemap listed it.
func (r *run) enqueue(raw string, depth int, lastmod string) bool {
	// Pages link the same URLs again and again (menus, tag clouds,
	// related blocks): a link already handled is done with at once.
	if lastmod == "" && !r.links.first(raw) {
		return false
	}
	n, key, err := urlnorm.NormalizeKey(raw)
	if err != nil {
		return false
	}
	u, err := url.Parse(n)
	if err != nil || r.scope.why(u) != "" {
		return false
	}
	if u.RawQuery != "" && !r.variants.allow(u.Scheme+"://"+u.Host+u.Path, key) {
		r.log.Debug("url_skipped", "url", n, "reason", "too many query variants of one path")
		return false
	}
	return r.frontier.push(key, task{url: n, depth: depth, kind: taskPage, lastmod: lastmod})
}

// extractContentType tells the extractor how the body is encoded. Colly
// has already converted a body whose Content-Type names a charset to
// UTF-8; a body without one is left for the extractor to decode from its
// BOM or <meta charset>.
func extractContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || params["charset"] == "" {
		return ct
	}
	return mt + "; charset=utf-8"
}

// htmlContentType keeps a Content-Type that names HTML, and turns a
// generic one (a sniffed page served as application/octet-stream or
// text/plain) into text/html with the same charset.
func htmlContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return ct
	}
	if cs := params["charset"]; cs != "" {
		return "text/html; charset=" + cs
	}
	return "text/html"
}

// looksHTML reports whether a body is an HTML page, sniffing it when the
// Content-Type is missing or generic.
func looksHTML(ct string, body []byte) bool {
	sniffed := http.DetectContentType(body)
	if strings.HasPrefix(sniffed, "application/pdf") || strings.HasPrefix(sniffed, "image/") ||
		strings.HasPrefix(sniffed, "application/zip") || strings.HasPrefix(sniffed, "application/x-gzip") {
		return false // a document or an image, whatever the header says
	}
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "text/html" || mt == "application/xhtml+xml" {
		return true
	}
	return strings.HasPrefix(sniffed, "text/html")
}

func (r *run) sampleGoroutines() {
	n := runtime.NumGoroutine()
	r.count(func(s *Stats) {
		if n > s.PeakGoroutines {
			s.PeakGoroutines = n
		}
	})
}

func (r *run) count(f func(*Stats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}

func (r *run) skipped(t task, why string) {
	r.log.Info("page_skipped", "url", t.url, "reason", why)
	r.count(func(s *Stats) { s.Skipped++ })
}

func (r *run) failed(t task, status int, err error) {
	r.log.Warn("page_failed", "url", t.url, "status", status, "err", err)
	r.count(func(s *Stats) { s.Errors++ })
}

// failedStart is failed, for a task that may be a start URL: a start URL
// that fails is noted, and when none was reached the run failed.
func (r *run) failedStart(t task, start bool, status int, err error) {
	r.failed(t, status, err)
	if !start {
		return
	}
	r.mu.Lock()
	r.stats.StartsFailed++
	if r.startFailed == nil {
		r.startFailed = map[string]bool{}
	}
	r.startFailed[t.key] = true
	if r.startErr == nil {
		r.startErr = fmt.Errorf("%s: %w", t.url, err)
	}
	r.mu.Unlock()
}

func (r *run) progress() {
	if r.opts.Progress == nil {
		return
	}
	queued, _ := r.frontier.state()
	sitemaps := r.frontier.sitemapsQueued()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.Queued, s.SitemapsQueued = queued, sitemaps
	r.opts.Progress(s)
}
