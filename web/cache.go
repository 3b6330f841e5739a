package web

import (
	"harvest"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HTTP validators for readers that poll. Every listing (the page, the
// feed, the API) is a function of the catalogue and the request, so its
// ETag is the catalogue's version (harvest.Version, which every write moves
// on) and a hash of what else the answer depends on: the path, the query,
// the host (the feed's absolute links) and the time a relative "since"
// resolved to. Last-Modified is when the catalogue last changed (one
// second's resolution, as HTTP dates have). A request whose
// If-None-Match holds the ETag, or, without If-None-Match, whose
// If-Modified-Since is not before the last change, is answered 304 Not
// Modified, without reading anything but the version.

// validate sets the ETag and Last-Modified of the answer to r and
// reports whether it has answered already: 304 when the client's copy is
// current, else the answer kept from an earlier request of this
// catalogue version (the response cache). Otherwise the handler answers
// through the writer validate returns, and calls finish with it at the
// end, which keeps the answer for the next request. extra is anything
// else the answer depends on. When the version cannot be read, it sets
// nothing and lets the handler answer (and fail, if the catalogue is
// unreadable).
func (s *server) validate(w http.ResponseWriter, r *http.Request, extra string) (http.ResponseWriter, bool) {
	v, err := s.db.Version(r.Context())
	if err != nil {
		s.log.Warn("catalogue_version", "err", err)
		return w, false
	}
	h := fnv.New64a()
	for _, part := range []string{r.URL.Path, r.URL.RawQuery, r.Host, extra} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	etag := `"` + strconv.FormatInt(v.N, 36) + "-" + strconv.FormatUint(h.Sum64(), 36) + `"`
	modified := v.Changed.UTC().Truncate(time.Second)
	hdr := w.Header()
	hdr.Set("ETag", etag)
	hdr.Set("Last-Modified", modified.Format(http.TimeFormat))
	if notModified(r, etag, modified) {
		// RFC 9110 15.4.5: a 304 carries the validators, no body.
		hdr.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return w, true
	}
	if s.noResponseCache {
		return w, false
	}
	if c, ok := s.responses.get(v.N, etag); ok {
		hdr.Set("Content-Type", c.contentType)
		hdr.Set("Cache-Control", c.cacheControl)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(c.body)
		return w, true
	}
	if r.Method != http.MethodGet {
		return w, false
	}
	return &teeWriter{ResponseWriter: w, cache: &s.responses, version: v.N, key: etag, status: http.StatusOK}, false
}

// The response cache: the answers of the current catalogue version, by
// ETag, so that the same listing asked for again before the catalogue
// changes is written from memory. Dropped whole when the catalogue
// changes; bounded in bytes.
type responseCache struct {
	mu      sync.Mutex
	version int64
	entries map[string]*cachedResponse
	bytes   int
}

type cachedResponse struct {
	contentType, cacheControl string
	body                      []byte
}

const (
	maxCachedBytes    = 32 << 20 // in all
	maxCachedResponse = 1 << 20  // one answer
)

func (c *responseCache) get(version int64, key string) (*cachedResponse, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, false
	}
	e, ok := c.entries[key]
	return e, ok
}

func (c *responseCache) put(version int64, key string, e *cachedResponse) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || c.entries == nil || c.bytes+len(e.body) > maxCachedBytes {
		c.version, c.entries, c.bytes = version, map[string]*cachedResponse{}, 0
	}
	c.entries[key] = e
	c.bytes += len(e.body)
}

// teeWriter passes an answer on and keeps a copy, which finish stores
// if the answer was a complete 200 of reasonable size.
type teeWriter struct {
	http.ResponseWriter
	cache   *responseCache
	version int64
	key     string
	status  int
	buf     []byte
	tooBig  bool
}

func (t *teeWriter) WriteHeader(code int) {
	t.status = code
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if !t.tooBig {
		if len(t.buf)+len(b) > maxCachedResponse {
			t.tooBig, t.buf = true, nil
		} else {
			t.buf = append(t.buf, b...)
		}
	}
	return t.ResponseWriter.Write(b)
}

func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// finish stores the answer w carried, if w is a teeWriter and the answer
// is one to keep.
func finish(w http.ResponseWriter) {
	t, ok := w.(*teeWriter)
	if !ok || t.status != http.StatusOK || t.tooBig || len(t.buf) == 0 {
		return
	}
	h := t.Header()
	t.cache.put(t.version, t.key, &cachedResponse{
		contentType: h.Get("Content-Type"), cacheControl: h.Get("Cache-Control"), body: t.buf,
	})
}

// notModified evaluates If-None-Match (weak comparison), else
// If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		if err != nil {
			return false
		}
		return !modified.After(t)
	}
	return false
}

// sinceKey is what a listing's answer depends on beyond its request: the
// time its "since" resolved to (a relative since moves with the clock).
func sinceKey(q harvest.Query) string {
	if q.Since.IsZero() {
		return ""
	}
	return q.Since.UTC().Format(time.RFC3339)
}
