package crawler

import (
	"context"
	"fmt"
	"harvest"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// maxRobotsSize caps a robots.txt body (RFC 9309 asks for at least 500 KiB).
const maxRobotsSize = 512 << 10

// robots fetches each host's robots.txt once per run and answers whether
// a URL may be fetched. Following RFC 9309: a 4xx answer allows
// everything; a 5xx answer or an unreachable host disallows everything
// for this run.
type robots struct {
	client    *http.Client
	userAgent string
	log       *slog.Logger
	// retries and retryBase: a robots.txt that fails in a way that may
	// pass (5xx, a broken connection) is asked again this many times,
	// with backoff, before the host counts as unavailable.
	retries   int
	retryBase time.Duration

	// cache, when set, shares robots.txt with the other processes of a
	// shared run: an answer fetched since the run began is reused.
	cache harvest.RobotsCache
	since time.Time

	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	mu       sync.Mutex
	data     *robotstxt.RobotsData
	sitemaps []string
	delay    time.Duration
	// retryAt is set when robots.txt could not be had (5xx, unreachable):
	// everything is disallowed until then, and it is asked for again.
	retryAt time.Time
	// unavailable says why robots.txt could not be had (nil when it was).
	unavailable error
}

// robotsRetry is how long a host whose robots.txt failed stays
// disallowed before harvest asks again.
var robotsRetry = time.Minute

func newRobots(client *http.Client, userAgent string, log *slog.Logger) *robots {
	return &robots{client: client, userAgent: userAgent, log: log, hosts: map[string]*robotsEntry{}, retryBase: DefaultRetryBase}
}

// entry returns the host's rules, fetching them on first use.
func (r *robots) entry(ctx context.Context, u *url.URL) *robotsEntry {
	origin := u.Scheme + "://" + u.Host
	r.mu.Lock()
	e, ok := r.hosts[origin]
	if !ok {
		e = &robotsEntry{}
		r.hosts[origin] = e
	}
	r.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.data != nil && (e.retryAt.IsZero() || time.Now().Before(e.retryAt)) {
		return e
	}
	data, status, err := r.fetchRetrying(ctx, origin+"/robots.txt")
	e.retryAt, e.unavailable = time.Time{}, nil
	if err != nil || status >= 500 {
		// RFC 9309: unreachable or a server error disallows everything
		// for now; ask again later.
		r.log.Warn("robots_unavailable", "url", origin+"/robots.txt", "status", status, "err", err, "retry_in", robotsRetry)
		if err == nil {
			err = fmt.Errorf("%s/robots.txt answered %d %s", origin, status, http.StatusText(status))
		}
		e.unavailable = err
		data, _ = robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
		e.retryAt = time.Now().Add(robotsRetry)
	}
	e.data = data
	e.sitemaps = data.Sitemaps
	if g := data.FindGroup(r.userAgent); g != nil {
		e.delay = g.CrawlDelay
	}
	return e
}

// fetchRetrying fetches robots.txt, trying again what may pass (a 5xx,
// a broken or refused connection) with the run's retry policy.
func (r *robots) fetchRetrying(ctx context.Context, robotsURL string) (*robotstxt.RobotsData, int, error) {
	origin := strings.TrimSuffix(robotsURL, "/robots.txt")
	if r.cache != nil {
		status, body, ok, err := r.cache.Robots(ctx, origin, r.since)
		if err != nil {
			r.log.Warn("robots_cache_failed", "url", robotsURL, "err", err)
		}
		if ok {
			if data, err := robotstxt.FromStatusAndBytes(status, body); err == nil {
				return data, status, nil
			}
		}
	}
	for attempt := 0; ; attempt++ {
		data, body, status, err := r.fetch(ctx, robotsURL)
		if err == nil && status < 500 && r.cache != nil {
			// Only a definitive answer is shared: a failure is tried
			// again by whoever needs the host next.
			if err := r.cache.PutRobots(ctx, origin, status, body); err != nil {
				r.log.Warn("robots_cache_failed", "url", robotsURL, "err", err)
			}
		}
		if (err == nil && status < 500) || attempt >= r.retries || ctx.Err() != nil || !retryable(status, err) {
			return data, status, err
		}
		if sleep(ctx, backoff(r.retryBase, attempt)) != nil {
			return data, status, err
		}
	}
}

func (r *robots) fetch(ctx context.Context, robotsURL string) (*robotstxt.RobotsData, []byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("robots request %s: %w", robotsURL, err)
	}
	req.Header.Set("User-Agent", r.userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("fetch %s: %w", robotsURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsSize))
	if err != nil {
		return nil, nil, resp.StatusCode, fmt.Errorf("read %s: %w", robotsURL, err)
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return nil, nil, resp.StatusCode, fmt.Errorf("parse %s: %w", robotsURL, err)
	}
	return data, body, resp.StatusCode, nil
}

// allowed reports whether robots.txt lets harvest fetch u.
func (r *robots) allowed(ctx context.Context, u *url.URL) bool {
	ok, err := r.check(ctx, u)
	return ok && err == nil
}

// check reports whether robots.txt lets harvest fetch u. When robots.txt
// could not be had (unreachable, 5xx), u may not be fetched and the error
// says why: that is a failure to reach the site, not the site's refusal.
func (r *robots) check(ctx context.Context, u *url.URL) (bool, error) {
	e := r.entry(ctx, u)
	e.mu.Lock()
	unavailable, data := e.unavailable, e.data
	e.mu.Unlock()
	if unavailable != nil {
		return false, fmt.Errorf("robots.txt unavailable: %w", unavailable)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return data.TestAgent(p, r.userAgent), nil
}

// delay is the Crawl-delay robots.txt asks of harvest on u's host.
func (r *robots) delay(ctx context.Context, u *url.URL) time.Duration {
	e := r.entry(ctx, u)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.delay
}

// RobotsMemory is a harvest.RobotsCache in memory: one process's crawl and
// link check of a run share it, so that robots.txt is read once per host.
type RobotsMemory struct {
	mu      sync.Mutex
	answers map[string]robotsAnswer
}

type robotsAnswer struct {
	status  int
	body    []byte
	fetched time.Time
}

// NewRobotsMemory returns an empty RobotsMemory.
func NewRobotsMemory() *RobotsMemory {
	return &RobotsMemory{answers: map[string]robotsAnswer{}}
}

// Robots returns the answer kept for origin if it was fetched at or
// after since.
func (m *RobotsMemory) Robots(_ context.Context, origin string, since time.Time) (int, []byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.answers[origin]
	if !ok || a.fetched.Before(since) {
		return 0, nil, false, nil
	}
	return a.status, a.body, true, nil
}

// PutRobots keeps an answer for origin.
func (m *RobotsMemory) PutRobots(_ context.Context, origin string, status int, body []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answers[origin] = robotsAnswer{status: status, body: body, fetched: time.Now()}
	return nil
}
