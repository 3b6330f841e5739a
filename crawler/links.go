package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"harvest"
	"harvest/netguard"
)

// A LinkChecker checks download links the way the crawl fetches pages:
// robots.txt obeyed, each host at the source's pace (its delay, or a
// longer Crawl-delay), the source's User-Agent, the network guard, and
// the run's retries for what may pass. It asks for headers only: HEAD,
// conditional on the last check's validators; a GET that reads at most
// sniffLen bytes when HEAD is refused (405, 501, a broken connection) or
// answers without a useful Content-Type. It never downloads a file and
// knows no SQL: the caller hands it each link's last check and records
// the new one (harvest.LinkChecks).
type LinkChecker struct {
	opts   LinkOptions
	client *http.Client
	robots *robots
	polite *politeness
	log    *slog.Logger
	// greeted are the hosts whose robots.txt request has been counted
	// as a request to the host (see observe).
	greeted sync.Map
}

// LinkOptions configure a LinkChecker; they are the source's crawl
// settings.
type LinkOptions struct {
	Source string
	// StartURLs are the source's: the network guard allows their
	// addresses, as for the crawl.
	StartURLs            []string
	Delay                time.Duration
	Concurrency          int
	Timeout              time.Duration
	UserAgent            string
	Retries              int
	RetryBase            time.Duration
	AllowPrivateNetworks bool
	Logger               *slog.Logger
	// Hosts and Robots, when set, are a shared run's host gate and
	// robots.txt cache (fetched since RobotsSince): the check keeps the
	// pace of every process of the run and reads robots.txt once per run.
	Hosts       harvest.HostGate
	Robots      harvest.RobotsCache
	RobotsSince time.Time
}

// LinkOptionsOf takes a crawl's options for checking its links.
func LinkOptionsOf(o Options) LinkOptions {
	return LinkOptions{
		Source: o.Source, StartURLs: o.StartURLs, Delay: o.Delay, Concurrency: o.Concurrency,
		Timeout: o.Timeout, UserAgent: o.UserAgent, Retries: o.Retries, RetryBase: o.RetryBase,
		AllowPrivateNetworks: o.AllowPrivateNetworks, Logger: o.Logger,
	}
}

// sniffLen is how much of a body a GET reads to tell HTML from a
// document (what http.DetectContentType looks at).
const sniffLen = 512

// maxLinkRedirects bounds the redirects followed from a download link.
const maxLinkRedirects = 10

// errRobotsRedirect stops a redirect to a URL robots.txt disallows.
var errRobotsRedirect = errors.New("redirect disallowed by robots.txt")

// NewLinkChecker returns a checker for one source's links.
func NewLinkChecker(ctx context.Context, opts LinkOptions) (*LinkChecker, error) {
	if opts.UserAgent == "" {
		return nil, errors.New("link check: a User-Agent is required")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = DefaultRetryBase
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivateNetworks {
		// Download links may point anywhere: the same guard as the crawl.
		guard, err := netguard.ForStartURLs(ctx, opts.StartURLs)
		if err != nil {
			return nil, fmt.Errorf("link check %s: %w", opts.Source, err)
		}
		dialer.Control = guard.Control
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		MaxIdleConnsPerHost:   opts.Concurrency + 1,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		ForceAttemptHTTP2:     true,
	}
	lc := &LinkChecker{opts: opts, log: opts.Logger.With("source", opts.Source)}
	lc.client = &http.Client{Transport: transport, Timeout: opts.Timeout}
	lc.robots = newRobots(lc.client, opts.UserAgent, lc.log)
	lc.robots.retries, lc.robots.retryBase = opts.Retries, opts.RetryBase
	lc.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxLinkRedirects {
			return fmt.Errorf("stopped after %d redirects", len(via))
		}
		if !lc.robots.allowed(req.Context(), req.URL) {
			return fmt.Errorf("%s: %w", req.URL, errRobotsRedirect)
		}
		return nil
	}
	lc.robots.cache, lc.robots.since = opts.Robots, opts.RobotsSince
	lc.polite = newPoliteness(opts.Delay, opts.Concurrency, lc.robots.delay)
	lc.polite.gate = opts.Hosts
	return lc, nil
}

// Close releases the checker's idle connections.
func (lc *LinkChecker) Close() { lc.client.CloseIdleConnections() }

// Link is a download link to check, with the media type its link said
// (harvest.Download.MediaType) and its last check (Known false when it
// was never checked).
type Link struct {
	URL       string
	MediaType string
	Last      harvest.LinkCheck
	Known     bool
}

// Check checks one link and returns its new check, and whether the file
// changed since the last (its ETag, Last-Modified or size): the caller
// marks the records that link to it changed. Failures are the check's
// result, never an error; only ctx's end cuts a check short (its result
// is then not worth recording: ok is false).
func (lc *LinkChecker) Check(ctx context.Context, l Link) (c harvest.LinkCheck, changed, ok bool) {
	o := lc.observe(ctx, l)
	if ctx.Err() != nil {
		return harvest.LinkCheck{}, false, false
	}
	c, changed = judgeLink(l, o, time.Now().UTC())
	c.Source = lc.opts.Source
	lc.log.Debug("link_checked", "url", l.URL, "state", c.State, "kind", c.Kind, "status", c.Status, "changed", changed)
	return c, changed, true
}

// observation is what one check of a link saw.
type observation struct {
	// skip, when set, is why the link was not asked for (LinkRobots,
	// LinkBlocked).
	skip string
	// status is the final answer's (0: none); err the failure when
	// there was no answer, hostGone set when it says the host is gone.
	status   int
	err      error
	hostGone bool
	// The answer's URL (after redirects), media type (sniffed when the
	// server names none, or a generic one), Content-Length (0 when not
	// given), validators, and whether it is an HTML page.
	finalURL, mediaType string
	size                int64
	etag, lastModified  string
	html                bool
}

// observe asks for the link: robots.txt first, then HEAD (or the
// sniffing GET), tried again with backoff while the failure may pass.
func (lc *LinkChecker) observe(ctx context.Context, l Link) observation {
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return observation{err: fmt.Errorf("not an http(s) URL: %q", l.URL)}
	}
	if _, done := lc.greeted.LoadOrStore(u.Host, true); !done {
		// The host's first turn reads its robots.txt (making its slot
		// does); taking and ending the turn starts the host's delay, so
		// that the first link is not asked for on the heels of
		// robots.txt.
		release, err := lc.polite.acquire(ctx, u)
		if err != nil {
			return observation{err: err}
		}
		release()
	}
	allowed, err := lc.robots.check(ctx, u)
	if err != nil {
		// robots.txt could not be had (after the run's retries): the
		// link was not asked for, and what failed says why.
		return failure(err)
	}
	if !allowed {
		return observation{skip: harvest.LinkRobots}
	}
	var o observation
	for attempt := 0; ; attempt++ {
		o = lc.ask(ctx, u, l)
		if o.skip != "" || ctx.Err() != nil || attempt >= lc.opts.Retries || !retryable(o.status, o.err) {
			return o
		}
		if sleep(ctx, backoff(lc.opts.RetryBase, attempt)) != nil {
			return o
		}
	}
}

// failure is the observation of a request that got no answer.
func failure(err error) observation {
	switch {
	case errors.Is(err, netguard.ErrBlocked):
		return observation{skip: harvest.LinkBlocked, err: err}
	case errors.Is(err, errRobotsRedirect):
		return observation{skip: harvest.LinkRobots, err: err}
	}
	return observation{err: err, hostGone: hostGone(err)}
}

// hostGone reports whether a failed request says the host is gone: its
// name does not resolve (NXDOMAIN), or it refuses connections.
func hostGone(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}

// ask makes one attempt: HEAD, then the sniffing GET when HEAD is
// refused or does not say what the file is. Each request waits for the
// host's turn.
func (lc *LinkChecker) ask(ctx context.Context, u *url.URL, l Link) observation {
	o, resp := lc.request(ctx, http.MethodHead, u, l)
	needGet := false
	switch {
	case resp == nil && o.skip == "" && !o.hostGone && ctx.Err() == nil:
		needGet = true // HEAD refused by a broken connection, a reset
	case resp != nil && (resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented):
		needGet = true
	case resp != nil && resp.StatusCode/100 == 2 && genericType(o.mediaType):
		needGet = true // nothing to tell HTML from a document by: sniff
	}
	if resp != nil {
		resp.Body.Close()
	}
	if !needGet {
		return o
	}
	o, resp = lc.request(ctx, http.MethodGet, u, l)
	if resp == nil {
		return o
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		head, err := io.ReadAll(io.LimitReader(resp.Body, sniffLen))
		if err != nil && len(head) == 0 {
			return failure(fmt.Errorf("read %s: %w", u, err))
		}
		ct := resp.Header.Get("Content-Type")
		o.html = looksHTML(ct, head)
		if genericType(o.mediaType) && len(head) > 0 {
			o.mediaType, _, _ = mime.ParseMediaType(http.DetectContentType(head))
		}
	}
	return o
}

// request sends one request for u and reads its headers; the response
// (nil when there is none) is the caller's to close.
func (lc *LinkChecker) request(ctx context.Context, method string, u *url.URL, l Link) (observation, *http.Response) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return observation{err: err}, nil
	}
	req.Header.Set("User-Agent", lc.opts.UserAgent)
	req.Header.Set("Accept", "*/*")
	if l.Known {
		// The validators of the last answer with the file: a 304 says it
		// is still the same.
		if l.Last.ETag != "" {
			req.Header.Set("If-None-Match", l.Last.ETag)
		}
		if l.Last.LastModified != "" {
			req.Header.Set("If-Modified-Since", l.Last.LastModified)
		}
	}
	release, err := lc.polite.acquire(ctx, u)
	if err != nil {
		return observation{err: err}, nil
	}
	resp, err := lc.client.Do(req)
	release()
	if err != nil {
		return failure(err), nil
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := retryAfter(resp.Header, time.Now()); ok && d <= maxRetryWait {
			lc.polite.pause(ctx, u, time.Now().Add(d))
		}
	}
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	o := observation{
		status: resp.StatusCode, finalURL: resp.Request.URL.String(), mediaType: mt,
		etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified"),
		html: mt == "text/html" || mt == "application/xhtml+xml",
	}
	if resp.ContentLength > 0 {
		o.size = resp.ContentLength
	}
	return o, resp
}

// genericType reports a media type that does not say what a file is.
func genericType(mt string) bool {
	return mt == "" || mt == "application/octet-stream" || mt == "binary/octet-stream" || mt == "text/plain"
}

// isHTMLType reports an HTML media type.
func isHTMLType(mt string) bool { return mt == "text/html" || mt == "application/xhtml+xml" }

// isDocumentType reports a media type that names a document (PDF, Word,
// a spreadsheet, an archive...): any type but HTML and the generic ones.
func isDocumentType(mt string) bool {
	mt, _, _ = mime.ParseMediaType(mt)
	return mt != "" && !isHTMLType(mt) && !genericType(mt)
}

// judgeLink turns what a check saw into the link's new check, from its
// last one. The rules (README, "Download link health"):
//
//   - robots.txt disallows it, or the guard refuses its address: skipped;
//   - 304 to the conditional request: the file is as it was (the record
//     stays as it was; a link that had failed is fine again);
//   - 404: broken (not_found); 410: broken (gone); the host is gone (its
//     name does not resolve, it refuses connections, after the retries):
//     broken (host_gone);
//   - 2xx with an HTML page where the link said a document, or where the
//     last check found one: broken (html);
//   - 2xx otherwise: ok, and the file changed when its ETag,
//     Last-Modified or size differs from the last answer's (each compared
//     only when both answers have it);
//   - anything else (5xx, 429, another 4xx, a timeout): failing, and
//     broken once it failed harvest.LinkFailingLimit checks in a row.
//
// A broken link keeps the time it was first seen broken until it is
// fine again.
func judgeLink(l Link, o observation, now time.Time) (harvest.LinkCheck, bool) {
	c := harvest.LinkCheck{URL: l.URL}
	if l.Known {
		c = l.Last
		c.URL = l.URL
	}
	c.Checked, c.Status, c.Error = now, o.status, ""
	if o.finalURL != "" {
		c.FinalURL = o.finalURL
	}
	if o.err != nil {
		c.Error = o.err.Error()
	}
	fine := func() {
		c.State, c.Kind, c.BrokenSince, c.Failures = harvest.LinkOK, "", nil, 0
	}
	broken := func(kind string) {
		if !l.Known || l.Last.State != harvest.LinkBroken || l.Last.BrokenSince == nil {
			c.BrokenSince = &now
		}
		c.State, c.Kind = harvest.LinkBroken, kind
	}
	switch {
	case o.skip != "":
		c.State, c.Kind, c.BrokenSince, c.Failures = harvest.LinkSkipped, o.skip, nil, 0
		return c, false
	case o.status == http.StatusNotModified && l.Known:
		if l.Last.Kind != harvest.LinkHTML {
			fine()
		}
		return c, false
	case o.status == 0 && o.hostGone:
		broken(harvest.LinkHostGone)
		c.Failures = 0
		return c, false
	case o.status == http.StatusNotFound:
		broken(harvest.LinkNotFound)
		c.Failures = 0
		c.Error = "404 Not Found"
		return c, false
	case o.status == http.StatusGone:
		broken(harvest.LinkGone)
		c.Failures = 0
		c.Error = "410 Gone"
		return c, false
	case o.status/100 == 2:
		wasDocument := l.Known && isDocumentType(l.Last.MediaType) && l.Last.Kind != harvest.LinkHTML
		if o.html && (isDocumentType(l.MediaType) || wasDocument || (l.Known && l.Last.Kind == harvest.LinkHTML)) {
			broken(harvest.LinkHTML)
			c.Failures = 0
			c.MediaType, c.Size, c.ETag, c.LastModified = o.mediaType, o.size, o.etag, o.lastModified
			c.Error = "serves an HTML page (" + o.mediaType + ")"
			return c, false
		}
		changed := l.Known && l.Last.Kind != harvest.LinkHTML && fileDiffers(l.Last, o)
		fine()
		c.MediaType, c.Size, c.ETag, c.LastModified = o.mediaType, o.size, o.etag, o.lastModified
		if changed {
			c.Changed = &now
		}
		return c, changed
	}
	// A failure that may pass.
	kind := harvest.LinkNetwork
	switch {
	case o.status == http.StatusTooManyRequests:
		kind = harvest.LinkRateLimited
	case o.status >= 500:
		kind = harvest.LinkServerError
	case o.status != 0:
		kind = harvest.LinkHTTPError
	}
	if o.status != 0 && c.Error == "" {
		c.Error = fmt.Sprintf("%d %s", o.status, http.StatusText(o.status))
	}
	c.Failures = 1
	if l.Known && (l.Last.State == harvest.LinkFailing || (l.Last.State == harvest.LinkBroken && l.Last.Failures > 0)) {
		c.Failures = l.Last.Failures + 1
	}
	if c.Failures >= harvest.LinkFailingLimit {
		broken(kind)
		return c, false
	}
	c.State, c.Kind, c.BrokenSince = harvest.LinkFailing, kind, nil
	return c, false
}

// fileDiffers reports whether an answer's validators or size differ from
// the last answer's, comparing each only when both have it. A weak ETag
// equals its strong form (a server that compresses on the fly weakens
// it).
func fileDiffers(last harvest.LinkCheck, o observation) bool {
	weak := func(s string) string { return strings.TrimPrefix(s, "W/") }
	return (last.ETag != "" && o.etag != "" && weak(last.ETag) != weak(o.etag)) ||
		(last.LastModified != "" && o.lastModified != "" && last.LastModified != o.lastModified) ||
		(last.Size > 0 && o.size > 0 && last.Size != o.size)
}
