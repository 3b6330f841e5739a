package main

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"harvest/config"
	"harvest/crawler"
	"harvest/harvester"
	"harvest/internal/demosite"
	"harvest/store/sqlite"
)

// BenchmarkCrawlDemo measures the whole pipeline: crawl the demo site over
// loopback, extract every page and save into a new SQLite catalogue.
func BenchmarkCrawlDemo(b *testing.B) {
	srv := httptest.NewServer(demosite.Handler())
	defer srv.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pages := 0
	for i := 0; b.Loop(); i++ {
		db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		h := &harvester.Harvester{DB: db, Log: log}
		reps, err := h.Crawl(b.Context(), []crawler.Options{{
			Source: "bench", StartURLs: []string{srv.URL + "/"}, Sitemaps: true,
			Concurrency: 4, MaxBodySize: config.DefaultMaxBodySize, UserAgent: config.DefaultUserAgent,
			Timeout: config.DefaultTimeout, Logger: log,
		}})
		if err != nil {
			b.Fatal(err)
		}
		pages += reps[0].Stats.Pages
		db.Close()
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
