package web

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"harvest/store"
)

// HTTP validators for readers that poll. Every listing (the page, the
// feed, the API) is a function of the catalogue and the request, so its
// ETag is the catalogue's version (store.Version, which every write moves
// on) and a hash of what else the answer depends on: the path, the query,
// the host (the feed's absolute links) and the time a relative "since"
// resolved to. Last-Modified is when the catalogue last changed (one
// second's resolution, as HTTP dates have). A request whose
// If-None-Match holds the ETag, or, without If-None-Match, whose
// If-Modified-Since is not before the last change, is answered 304 Not
// Modified, without reading anything but the version.

// validate sets the ETag and Last-Modified of the answer to r and
// reports whether the client's copy is current, in which case it has
// answered 304 and the handler is done. extra is anything else the answer
// depends on. When the version cannot be read, it sets nothing and lets
// the handler answer (and fail, if the catalogue is unreadable).
func (s *server) validate(w http.ResponseWriter, r *http.Request, extra string) (done bool) {
	v, err := s.db.Version(r.Context())
	if err != nil {
		s.log.Warn("catalogue_version", "err", err)
		return false
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
	if !notModified(r, etag, modified) {
		return false
	}
	// RFC 9110 15.4.5: a 304 carries the validators, no body.
	hdr.Del("Content-Type")
	w.WriteHeader(http.StatusNotModified)
	return true
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
func sinceKey(q store.Query) string {
	if q.Since.IsZero() {
		return ""
	}
	return q.Since.UTC().Format(time.RFC3339)
}
