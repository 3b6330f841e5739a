package sitegen

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// pathKind sorts requests for the counters.
type pathKind int

const (
	kindPublication pathKind = iota // /resource/<slug>/
	kindListing                     // home, /resources/, type and tag archives
	kindSitemap                     // sitemap index and sitemaps
	kindOther                       // everything else: calendar, pages, documents, robots.txt, ...
	numKinds
)

// KindCounts counts the responses to one kind of path.
type KindCounts struct {
	Requests    int64 // responses of any status
	OK          int64 // 200
	NotModified int64 // 304
	NotFound    int64 // 404
	Bytes       int64 // body bytes answered (compressed size when gzipped)
	// Duplicates counts requests for a URL (path and query) that had
	// been requested before since New or ResetCounts.
	Duplicates int64
}

// Counts is what the site has served since New or the last ResetCounts.
// A response is counted before it is written: a client holding a
// response finds it counted.
type Counts struct {
	Total       KindCounts
	Publication KindCounts // /resource/<slug>/
	Listing     KindCounts // home, /resources/ and type and tag archives, with their pages
	Sitemap     KindCounts // /sitemap_index.xml, /resource-sitemap-K.xml, /page-sitemap.xml
	Other       KindCounts // calendar, ordinary pages, documents, feed, robots.txt, assets, unknown paths
}

type kindCounter struct {
	requests, ok, notModified, notFound, bytes, duplicates atomic.Int64
}

func (c *kindCounter) snapshot() KindCounts {
	return KindCounts{
		Requests: c.requests.Load(), OK: c.ok.Load(), NotModified: c.notModified.Load(),
		NotFound: c.notFound.Load(), Bytes: c.bytes.Load(), Duplicates: c.duplicates.Load(),
	}
}

func (c *kindCounter) reset() {
	for _, v := range []*atomic.Int64{&c.requests, &c.ok, &c.notModified, &c.notFound, &c.bytes, &c.duplicates} {
		v.Store(0)
	}
}

type stats struct {
	kinds [numKinds]kindCounter
	mu    sync.Mutex
	urls  map[uint64]struct{} // hashes of the URLs requested, publications' excepted
}

func (st *stats) init() { st.urls = map[uint64]struct{}{} }

func (st *stats) record(k pathKind, status, n int, dup bool) {
	c := &st.kinds[k]
	c.requests.Add(1)
	switch status {
	case http.StatusOK:
		c.ok.Add(1)
	case http.StatusNotModified:
		c.notModified.Add(1)
	case http.StatusNotFound:
		c.notFound.Add(1)
	}
	c.bytes.Add(int64(n))
	if dup {
		c.duplicates.Add(1)
	}
}

// seen records a request for path?query and reports whether it was
// requested before.
func (st *stats) seen(path, query string) bool {
	h := hashString(path)
	if query != "" {
		h = mix(h ^ hashString(query))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.urls[h]; ok {
		return true
	}
	st.urls[h] = struct{}{}
	return false
}

// Counts returns what the site has served since New or ResetCounts.
func (s *Site) Counts() Counts {
	var c Counts
	for k, dst := range []*KindCounts{&c.Publication, &c.Listing, &c.Sitemap, &c.Other} {
		*dst = s.stats.kinds[k].snapshot()
		c.Total.Requests += dst.Requests
		c.Total.OK += dst.OK
		c.Total.NotModified += dst.NotModified
		c.Total.NotFound += dst.NotFound
		c.Total.Bytes += dst.Bytes
		c.Total.Duplicates += dst.Duplicates
	}
	return c
}

// ResetCounts sets every counter to zero and forgets which URLs were
// requested, so that a second crawl can be measured on its own.
func (s *Site) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.stats.kinds {
		s.stats.kinds[k].reset()
	}
	for i := range s.fetches {
		atomic.StoreUint32(&s.fetches[i], 0)
	}
	s.stats.mu.Lock()
	clear(s.stats.urls)
	s.stats.mu.Unlock()
}
