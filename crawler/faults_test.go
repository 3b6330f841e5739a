package crawler

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"harvest"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// faultySite misbehaves in every way a real site does. Each route counts
// its requests.
type faultySite struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits map[string]int
	bomb []byte
}

const publicationPage = `<!DOCTYPE html><html lang="en"><head><title>%[1]s</title><meta property="og:type" content="article"></head>
<body class="single single-post postid-3"><article><h1 class="entry-title">%[1]s</h1><div class="entry-content">
<p>This report on %[1]s explains how companies find and fix forced labour risks in their supply chains, with evidence.</p>
<p><a href="/files/%[1]s.pdf">Download</a></p></div></article></body></html>`

func newFaultySite(t *testing.T) *faultySite {
	s := &faultySite{hits: map[string]int{}}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("<html><body class=\"single\"><h1>Bomb</h1><p>"))
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of HTML from about 64 KiB of gzip
		zw.Write(zeros)
	}
	zw.Close()
	s.bomb = buf.Bytes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *faultySite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	n := s.hits[r.URL.Path]
	s.mu.Unlock()
	page := func(title string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, publicationPage, title)
	}
	switch r.URL.Path {
	case "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	case "/":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body class="home blog"><h1>Faults</h1>`)
		for _, p := range []string{"flaky", "throttled", "reset", "slow", "trickle", "bomb", "big", "loop", "to-private", "offsite", "pdf-as-html", "octet", "empty", "garbage", "down"} {
			fmt.Fprintf(w, `<a href="/%s">%s</a> `, p, p)
		}
		fmt.Fprint(w, `</body></html>`)
	case "/flaky": // fails twice, then answers
		if n <= 2 {
			http.Error(w, "try later", http.StatusBadGateway)
			return
		}
		page("flaky")
	case "/throttled": // 429 with Retry-After once
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		page("throttled")
	case "/reset": // the connection breaks once
		if n == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		page("reset")
	case "/down": // always failing: bounded retries, then an error
		http.Error(w, "down", http.StatusServiceUnavailable)
	case "/slow": // headers never come in time
		time.Sleep(3 * time.Second)
		page("slow")
	case "/trickle": // a body that never ends
		w.Header().Set("Content-Type", "text/html")
		fl := w.(http.Flusher)
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte("<p>drip</p>")); err != nil {
				return
			}
			fl.Flush()
			time.Sleep(50 * time.Millisecond)
		}
	case "/bomb":
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(s.bomb)
	case "/big":
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(strings.Repeat("<p>big</p>", 20000)))
	case "/loop":
		http.Redirect(w, r, "/loop?n="+fmt.Sprint(n), http.StatusFound)
	case "/to-private":
		http.Redirect(w, r, "/private/x", http.StatusFound)
	case "/private/x":
		page("private")
	case "/offsite":
		http.Redirect(w, r, "http://other.invalid/x", http.StatusFound)
	case "/pdf-as-html":
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF"))
	case "/octet": // HTML served as application/octet-stream
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprintf(w, publicationPage, "octet")
	case "/empty":
		w.Header().Set("Content-Type", "text/html")
	case "/garbage":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><body class=\"single\"><h1>\xff\xfe broken \x00</h1><p><<<>>><div><table><td>\xc3\x28 unclosed"))
	default:
		http.NotFound(w, r)
	}
}

// TestFaults crawls a site that fails in every way: the crawl finishes,
// retries what may pass, waits as told, refuses what is too large, never
// follows what it must not, and reads what it can.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test: runs without -short")
	}
	site := newFaultySite(t)
	opts := options(site.srv.URL)
	opts.Sitemaps = false
	opts.Timeout = time.Second
	opts.MaxBodySize = 100 << 10
	opts.Retries = 3
	opts.RetryBase = 10 * time.Millisecond
	var c collect
	start := time.Now()
	stats, err := Run(t.Context(), opts, &c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("crawl took %v: the Retry-After of 1s was not honoured", elapsed)
	}
	got := map[string]bool{}
	for _, f := range c.found {
		got[f.Publication.Title] = true
	}
	for _, want := range []string{"flaky", "throttled", "reset", "octet"} {
		if !got[want] {
			t.Errorf("publication %q not harvested (retries or sniffing failed); got %v", want, got)
		}
	}
	for _, never := range []string{"private", "slow", "Bomb"} {
		if got[never] {
			t.Errorf("publication %q harvested, want it refused", never)
		}
	}
	site.mu.Lock()
	defer site.mu.Unlock()
	if n := site.hits["/down"]; n != 1+opts.Retries {
		t.Errorf("/down tried %d times, want %d (bounded retries)", n, 1+opts.Retries)
	}
	if n := site.hits["/private/x"]; n != 0 {
		t.Errorf("a redirect into a robots.txt-disallowed path was followed %d times", n)
	}
	if n := site.hits["/loop"]; n > 11 {
		t.Errorf("/loop requested %d times, want the redirect chain cut at 10", n)
	}
	if stats.Stopped != harvest.StopComplete {
		t.Errorf("Stopped = %q", stats.Stopped)
	}
	// down, slow, trickle, bomb, big, loop, to-private, offsite fail;
	// pdf-as-html is skipped; empty and garbage are read or fail, never crash.
	if stats.Errors < 8 {
		t.Errorf("Errors = %d, want at least 8", stats.Errors)
	}
	if stats.Retries < 4 {
		t.Errorf("Retries = %d, want at least 4 (flaky twice, throttled, reset, down...)", stats.Retries)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.v != "" {
			h.Set("Retry-After", tt.v)
		}
		got, ok := retryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	for attempt := range 5 {
		d := backoff(100*time.Millisecond, attempt)
		hi := 100 * time.Millisecond << attempt
		if d < hi/2 || d > hi {
			t.Errorf("backoff(attempt %d) = %v, want within [%v, %v]", attempt, d, hi/2, hi)
		}
	}
	if d := backoff(time.Minute, 20); d > maxRetryWait {
		t.Errorf("backoff is not capped: %v", d)
	}
}
