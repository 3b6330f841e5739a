package crawler

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
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

	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	once     sync.Once
	data     *robotstxt.RobotsData
	sitemaps []string
	delay    time.Duration
}

func newRobots(client *http.Client, userAgent string, log *slog.Logger) *robots {
	return &robots{client: client, userAgent: userAgent, log: log, hosts: map[string]*robotsEntry{}}
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
	e.once.Do(func() {
		data, err := r.fetch(ctx, origin+"/robots.txt")
		if err != nil {
			r.log.Warn("robots_unavailable", "url", origin+"/robots.txt", "err", err)
			data, _ = robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
		}
		e.data = data
		e.sitemaps = data.Sitemaps
		if g := data.FindGroup(r.userAgent); g != nil {
			e.delay = g.CrawlDelay
		}
	})
	return e
}

func (r *robots) fetch(ctx context.Context, robotsURL string) (*robotstxt.RobotsData, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("robots request %s: %w", robotsURL, err)
	}
	req.Header.Set("User-Agent", r.userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", robotsURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsSize))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", robotsURL, err)
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", robotsURL, err)
	}
	return data, nil
}

// allowed reports whether robots.txt lets harvest fetch u.
func (r *robots) allowed(ctx context.Context, u *url.URL) bool {
	e := r.entry(ctx, u)
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return e.data.TestAgent(p, r.userAgent)
}
