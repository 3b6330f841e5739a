package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

const probeUA = "harvest-test/1.0 (+https://example.org/)"

// probeSite is a small site: a home page linking a listing, two items, a
// calendar, a feed and a search; /private/ is disallowed by robots.txt.
// It records the paths asked for and the User-Agents that asked.
type probeSite struct {
	mu     sync.Mutex
	paths  []string
	agents map[string]bool
}

func (s *probeSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.RequestURI())
	if s.agents == nil {
		s.agents = map[string]bool{}
	}
	s.agents[r.UserAgent()] = true
	s.mu.Unlock()
	page := func(title, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1>%s</body></html>", title, title, body)
	}
	switch r.URL.Path {
	case "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	case "/":
		page("Home", `<a href="/list/">List</a> <a href="/private/x/">Private</a> <a href="/events/month/2024-06/">June</a>
<a href="/feed/">Feed</a> <a href="/?s=report">Search</a>`)
	case "/list/":
		page("List", `<ul><li><a href="/item/a/">A</a></li><li><a href="/item/b/">B</a></li></ul>`)
	case "/item/a/", "/item/b/":
		page("Item", "<p>Text.</p>")
	default:
		http.NotFound(w, r)
	}
}

func (s *probeSite) asked(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.paths, path)
}

func TestProbeSamplesPolitely(t *testing.T) {
	site := &probeSite{}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	res, err := Probe(t.Context(), ProbeOptions{URL: srv.URL + "/", UserAgent: probeUA, MaxPages: 10})
	if err != nil {
		t.Fatal(err)
	}
	if site.asked("/private/x/") {
		t.Error("fetched /private/x/, which robots.txt disallows")
	}
	if res.Disallowed != 1 {
		t.Errorf("Disallowed = %d, want 1", res.Disallowed)
	}
	if len(site.agents) != 1 || !site.agents[probeUA] {
		t.Errorf("User-Agents sent: %v, want only %q", site.agents, probeUA)
	}
	var fetched []string
	for _, p := range res.Pages {
		fetched = append(fetched, strings.TrimPrefix(p.URL, srv.URL))
	}
	for _, want := range []string{"/", "/list/", "/item/a/", "/item/b/"} {
		if !slices.Contains(fetched, want) {
			t.Errorf("pages fetched %q, want %s among them", fetched, want)
		}
	}
	kinds := map[string]bool{}
	for _, tr := range res.Traps {
		kinds[tr.Kind] = true
		if site.asked(strings.TrimPrefix(tr.URL, srv.URL)) {
			t.Errorf("fetched the trap %s", tr.URL)
		}
	}
	for _, k := range []string{"calendar", "feed", "search"} {
		if !kinds[k] {
			t.Errorf("traps %v: no %s", res.Traps, k)
		}
	}
	if !res.Robots {
		t.Error("robots.txt not noticed")
	}

	// The page budget holds.
	site2 := &probeSite{}
	srv2 := httptest.NewServer(site2)
	t.Cleanup(srv2.Close)
	res, err = Probe(t.Context(), ProbeOptions{URL: srv2.URL + "/", UserAgent: probeUA, MaxPages: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 2 {
		t.Errorf("%d pages with MaxPages 2", len(res.Pages))
	}
}

func TestProbeFails(t *testing.T) {
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
			return
		}
		t.Errorf("fetched %s, which robots.txt disallows", r.URL)
	}))
	t.Cleanup(refuse.Close)
	site := httptest.NewServer(&probeSite{})
	t.Cleanup(site.Close)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		url  string
		want string
		is   error
	}{
		{name: "robots.txt disallows", ctx: t.Context(), url: refuse.URL + "/", want: "disallows"},
		{name: "not found", ctx: t.Context(), url: site.URL + "/nothing/", want: "404"},
		{name: "cancelled", ctx: cancelled, url: site.URL + "/", is: context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Probe(c.ctx, ProbeOptions{URL: c.url, UserAgent: probeUA})
			switch {
			case err == nil:
				t.Fatal("no error")
			case c.is != nil && !errors.Is(err, c.is):
				t.Errorf("err = %v, want one wrapping %v", err, c.is)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Errorf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestProbeTwinHosts stands loopback names in for www and apex: the start
// host is localhost on one port, its "twin" 127.0.0.1 on another (a
// server that answers, or a closed port).
func TestProbeTwinHosts(t *testing.T) {
	site := httptest.NewServer(&probeSite{})
	t.Cleanup(site.Close)
	twin := httptest.NewServer(http.NotFoundHandler()) // any answer counts
	t.Cleanup(twin.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedAddr := closed.Listener.Addr().String()
	closed.Close()
	_, port, _ := net.SplitHostPort(site.Listener.Addr().String())
	start := "http://localhost:" + port + "/"
	cases := []struct {
		name, twin string
		want       []string
	}{
		{name: "twin answers", twin: twin.Listener.Addr().String(), want: []string{"localhost", "127.0.0.1"}},
		{name: "twin silent", twin: closedAddr, want: []string{"localhost"}},
		{name: "no twin", twin: "", want: []string{"localhost"}},
	}
	old := probeAlternate
	t.Cleanup(func() { probeAlternate = old })
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probeAlternate = func(hostport string) string {
				if hostport == "localhost:"+port {
					return c.twin
				}
				return ""
			}
			res, err := Probe(t.Context(), ProbeOptions{URL: start, UserAgent: probeUA, MaxPages: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Hosts, c.want) {
				t.Errorf("hosts = %q, want %q", res.Hosts, c.want)
			}
		})
	}
}

func TestProbeAlternate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"example.org", "www.example.org"},
		{"www.example.org", "example.org"},
		{"example.org:8080", "www.example.org:8080"},
		{"www.example.org:8443", "example.org:8443"},
		{"sub.example.org", "www.sub.example.org"},
		{"www.org", ""},
		{"intranet", ""},
		{"localhost:8080", ""},
		{"127.0.0.1:8080", ""},
		{"[::1]:8080", ""},
	} {
		if got := probeAlternate(c.in); got != c.want {
			t.Errorf("probeAlternate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTrapKind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://a.org/events/action~month/exact_date~1717200000/", "calendar"},
		{"https://a.org/events/month/2024-06/", "calendar"},
		{"https://a.org/?ical=1", "calendar"},
		{"https://a.org/feed/", "feed"},
		{"https://a.org/report/x/feed/", "feed"},
		{"https://a.org/?s=report", "search"},
		{"https://a.org/wp-json/wp/v2/pages", "wordpress"},
		{"https://a.org/report/x/embed/", "other"},
		{"https://a.org/comment-page-2/", "other"},
	} {
		u, _ := url.Parse(c.in)
		if got := TrapKind(u); got != c.want {
			t.Errorf("TrapKind(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}
