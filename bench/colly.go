// Package bench measures harvest against a plain colly program on a
// generated site: the contestants, and how each is measured.
package bench

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"sync"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"
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

// RunColly is the baseline: the plain colly v2 program a user would write
// by hand — async, parallelism N, goquery selectors, JSON lines out, no
// store, colly's own visited check, robots.txt obeyed. It returns the
// number of responses it read.
func RunColly(ctx context.Context, start string, parallelism int, out io.Writer) (int, error) {
	u, err := url.Parse(start)
	if err != nil {
		return 0, err
	}
	c := colly.NewCollector(colly.Async(true), colly.AllowedDomains(u.Hostname()))
	c.IgnoreRobotsTxt = false
	c.Context = ctx
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallelism}); err != nil {
		return 0, err
	}
	var (
		mu    sync.Mutex
		pages int
		enc   = json.NewEncoder(out)
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
		_ = e.Request.Visit(href)
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
	if err := c.Visit(start); err != nil {
		return 0, err
	}
	c.Wait()
	return pages, ctx.Err()
}
