// Package bench measures harvest against a plain colly program on a
// generated site: the contestants, and how each is measured.
package bench

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"
	"github.com/gocolly/colly/v2/queue"
)

// collyRecord is what the plain colly program writes per publication.
type collyRecord struct {
	URL        string   `json:"url"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Categories []string `json:"categories"`
	Tags       []string `json:"tags"`
	Downloads  []string `json:"downloads"`
}

// RunColly is the naive baseline: the plain colly v2 program a user
// writes first — async, parallelism N, goquery selectors, JSON lines out,
// no store, colly's own visited check, robots.txt obeyed, Visit called on
// every link of every page. It returns the number of responses it read.
func RunColly(ctx context.Context, start string, parallelism int, out io.Writer) (int, error) {
	return runColly(ctx, start, parallelism, false, out)
}

// RunCollyCareful is the program a careful colly user writes: the same
// selectors and output, plus a seen set consulted before a link is
// resolved or queued (a page links the same URL many times, and colly's
// Visit parses and checks every occurrence), colly's queue with N workers
// instead of async mode (which parks a goroutine per queued URL), and an
// HTTP transport sized to the parallelism (net/http keeps 2 idle
// connections per host by default, so 16 workers keep reconnecting).
func RunCollyCareful(ctx context.Context, start string, parallelism int, out io.Writer) (int, error) {
	return runColly(ctx, start, parallelism, true, out)
}

func runColly(ctx context.Context, start string, parallelism int, careful bool, out io.Writer) (int, error) {
	u, err := url.Parse(start)
	if err != nil {
		return 0, err
	}
	var q *queue.Queue
	opts := []colly.CollectorOption{colly.AllowedDomains(u.Hostname())}
	if careful {
		// A bounded pool of workers taking URLs from colly's queue, not
		// a goroutine parked per queued URL (colly's async mode).
		if q, err = queue.New(parallelism, &queue.InMemoryQueueStorage{MaxSize: 10_000_000}); err != nil {
			return 0, err
		}
	} else {
		opts = append(opts, colly.Async(true))
	}
	c := colly.NewCollector(opts...)
	c.IgnoreRobotsTxt = false
	c.Context = ctx
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallelism}); err != nil {
		return 0, err
	}
	if careful {
		c.WithTransport(&http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        2 * parallelism,
			MaxIdleConnsPerHost: parallelism,
			IdleConnTimeout:     90 * time.Second,
		})
	}
	var (
		mu    sync.Mutex
		pages int
		enc   = json.NewEncoder(out)
		// written holds links as written on the pages, seen the
		// absolute URLs queued.
		written = map[string]bool{}
		seen    = map[string]bool{}
	)
	c.OnResponse(func(*colly.Response) {
		mu.Lock()
		pages++
		mu.Unlock()
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		href := e.Attr("href")
		if strings.HasSuffix(href, ".pdf") || strings.Contains(href, "action~") {
			return
		}
		if !careful {
			_ = e.Request.Visit(href)
			return
		}
		// The seen set, before anything else: a page links the same
		// URL many times; one map lookup on the link as written skips
		// the repeats, and only a new link is resolved and queued.
		mu.Lock()
		dup := written[href]
		written[href] = true
		mu.Unlock()
		if dup {
			return
		}
		abs := e.Request.AbsoluteURL(href)
		if i := strings.IndexByte(abs, '#'); i >= 0 {
			abs = abs[:i]
		}
		mu.Lock()
		dup = seen[abs]
		seen[abs] = true
		mu.Unlock()
		if dup || abs == "" {
			return
		}
		if au, err := url.Parse(abs); err != nil || au.Hostname() != u.Hostname() {
			return
		}
		_ = q.AddURL(abs)
	})
	c.OnHTML("body.single", func(e *colly.HTMLElement) {
		rec := collyRecord{
			URL:     e.Request.URL.String(),
			Title:   strings.TrimSpace(e.DOM.Find("h1").First().Text()),
			Summary: strings.TrimSpace(e.DOM.Find(".entry-content p").First().Text()),
		}
		e.DOM.Find(".cat-links a, .resource-types a").Each(func(_ int, s *goquery.Selection) {
			rec.Categories = append(rec.Categories, strings.TrimSpace(s.Text()))
		})
		e.DOM.Find(".tags-links a").Each(func(_ int, s *goquery.Selection) {
			rec.Tags = append(rec.Tags, strings.TrimSpace(s.Text()))
		})
		e.DOM.Find(".entry-content a[href$='.pdf']").Each(func(_ int, s *goquery.Selection) {
			if h, ok := s.Attr("href"); ok {
				rec.Downloads = append(rec.Downloads, e.Request.AbsoluteURL(h))
			}
		})
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(rec)
	})
	if careful {
		seen[start] = true
		if err := q.AddURL(start); err != nil {
			return 0, err
		}
		if err := q.Run(c); err != nil {
			return pages, err
		}
		return pages, ctx.Err()
	}
	if err := c.Visit(start); err != nil {
		return 0, err
	}
	c.Wait()
	return pages, ctx.Err()
}
