package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"harvest"
)

// conditionalGet asks for path with the given request headers.
func conditionalGet(t *testing.T, f *fixture, path string, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && len(body) > 0 {
		t.Errorf("%s: a 304 with a body of %d bytes", path, len(body))
	}
	return resp
}

// TestConditionalRequests: the feed, the API lists and the page carry an
// ETag and a Last-Modified, answer 304 to a poller whose copy is current
// (by If-None-Match or by If-Modified-Since), and a fresh 200 with a new
// ETag once the catalogue has changed.
func TestConditionalRequests(t *testing.T) {
	f := newFixture(t)
	paths := []string{
		"/feed.atom", "/feed.atom?tag=ports", "/", "/?q=ports", "/?tag=Ports&status=all",
		"/api/publications", "/api/publications?order=newest&limit=2", "/api/publications?q=ports",
		"/api/sources", "/api/runs", "/api/publications/1", "/publications/1",
	}
	type validators struct{ etag, modified string }
	first := map[string]validators{}
	for _, path := range paths {
		resp := conditionalGet(t, f, path, nil)
		v := validators{resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")}
		if resp.StatusCode != http.StatusOK || v.etag == "" || v.modified == "" {
			t.Fatalf("%s: %d, ETag %q, Last-Modified %q; want 200 with both", path, resp.StatusCode, v.etag, v.modified)
		}
		first[path] = v
		for _, hdr := range []map[string]string{
			{"If-None-Match": v.etag},
			{"If-None-Match": `"other", W/` + v.etag},
			{"If-Modified-Since": v.modified},
		} {
			resp := conditionalGet(t, f, path, hdr)
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s with %v: %d, want 304", path, hdr, resp.StatusCode)
			}
			if resp.Header.Get("ETag") != v.etag {
				t.Errorf("%s with %v: 304 carries ETag %q, want %q", path, hdr, resp.Header.Get("ETag"), v.etag)
			}
		}
		// Another ETag, or a date before the change: the whole answer.
		for _, hdr := range []map[string]string{
			{"If-None-Match": `"0-0"`},
			{"If-Modified-Since": time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)},
			// If-None-Match wins over If-Modified-Since.
			{"If-None-Match": `"0-0"`, "If-Modified-Since": v.modified},
		} {
			if resp := conditionalGet(t, f, path, hdr); resp.StatusCode != http.StatusOK {
				t.Errorf("%s with %v: %d, want 200", path, hdr, resp.StatusCode)
			}
		}
	}
	// Different listings have different ETags.
	if first["/feed.atom"].etag == first["/feed.atom?tag=ports"].etag || first["/"].etag == first["/api/publications"].etag {
		t.Error("two listings share an ETag")
	}

	// The catalogue changes: a new record, one second or more later (HTTP
	// dates have one second's resolution).
	time.Sleep(1100 * time.Millisecond)
	if _, err := f.db.Save(t.Context(), harvest.Publication{
		Source: "lantern", URL: "https://lantern.example/resource/new/", CanonicalURL: "https://lantern.example/resource/new/",
		Title: "New ports report", Tags: []string{"Ports"},
	}, t0.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		v := first[path]
		for _, hdr := range []map[string]string{{"If-None-Match": v.etag}, {"If-Modified-Since": v.modified}} {
			resp := conditionalGet(t, f, path, hdr)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("after a change, %s with %v: %d, want 200", path, hdr, resp.StatusCode)
				continue
			}
			if e := resp.Header.Get("ETag"); e == "" || e == v.etag {
				t.Errorf("after a change, %s: ETag %q, was %q", path, e, v.etag)
			}
		}
	}
	// The new record is in the fresh answers.
	_, body := f.get(t, "/feed.atom?tag=ports")
	if !strings.Contains(string(body), "New ports report") {
		t.Error("the fresh feed lacks the new record")
	}

	// Errors carry no validators.
	resp := conditionalGet(t, f, "/api/publications?limit=0", nil)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("ETag") != "" {
		t.Errorf("a bad request: %d with ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
	resp = conditionalGet(t, f, "/api/publications/9999", nil)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("ETag") != "" {
		t.Errorf("a missing record: %d with ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
}

// TestRelativeSinceChangesETag: a listing with a relative since depends
// on the clock as well as on the catalogue.
func TestRelativeSinceChangesETag(t *testing.T) {
	f := newFixture(t)
	a := conditionalGet(t, f, "/api/publications?since=7d", nil).Header.Get("ETag")
	time.Sleep(1100 * time.Millisecond)
	b := conditionalGet(t, f, "/api/publications?since=7d", map[string]string{"If-None-Match": a})
	if b.StatusCode != http.StatusOK || b.Header.Get("ETag") == a {
		t.Errorf("since=7d a second later: %d, ETag %q (was %q); want a fresh 200", b.StatusCode, b.Header.Get("ETag"), a)
	}
}

// TestResponseCacheAnswersAsRendered: an answer kept by the response
// cache is byte for byte the answer rendered afresh, and a change of the
// catalogue is seen at once.
func TestResponseCacheAnswersAsRendered(t *testing.T) {
	f := newFixture(t)
	fresh := httptest.NewServer(New(f.db, nil, WithoutResponseCache()))
	defer fresh.Close()
	get := func(base, path string) string {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		// The feed's absolute links name the host: make them the same.
		return strings.ReplaceAll(string(b), strings.TrimPrefix(base, "http://"), "HOST")
	}
	paths := []string{"/", "/?q=ports", "/feed.atom", "/api/publications", "/api/sources", "/api/runs", "/publications/1"}
	for round := range 3 {
		for _, path := range paths {
			if a, b := get(f.srv.URL, path), get(fresh.URL, path); a != b {
				t.Errorf("round %d, %s: the cached answer differs from a fresh one", round, path)
			}
		}
		if _, err := f.db.Save(t.Context(), harvest.Publication{
			Source: "lantern", URL: fmt.Sprintf("https://lantern.example/resource/r%d/", round),
			CanonicalURL: fmt.Sprintf("https://lantern.example/resource/r%d/", round), Title: fmt.Sprintf("Ports round %d", round),
		}, t0.Add(time.Duration(20+round)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
}
