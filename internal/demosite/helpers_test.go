package demosite

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
)

// fetched is one response of the demo site.
type fetched struct {
	status int
	header http.Header
	raw    []byte // the bytes as served
	text   string // the body decoded to UTF-8 by its declared charset
}

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(Handler())
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path without following redirects.
func get(t *testing.T, srv *httptest.Server, path string) fetched {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	f := fetched{status: resp.StatusCode, header: resp.Header, raw: b, text: string(b)}
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "windows-1252") {
		d, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatalf("GET %s: decode windows-1252: %v", path, err)
		}
		f.text = string(d)
	}
	return f
}

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

// findAll returns the elements under n (n included) for which match holds,
// in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func first(n *html.Node, match func(*html.Node) bool) *html.Node {
	if all := findAll(n, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func class(c string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, c) }
}

// textOf is the node's text with white space normalised.
func textOf(n *html.Node) string {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return norm(b.String())
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func metaContent(doc *html.Node, key string) []string {
	var out []string
	for _, m := range findAll(doc, tag("meta")) {
		if attr(m, "property") == key || attr(m, "name") == key {
			out = append(out, attr(m, "content"))
		}
	}
	return out
}

// links resolves every <a href> under n against base, dropping fragments.
func links(n *html.Node, base string) []string {
	b, _ := url.Parse(base)
	var out []string
	for _, a := range findAll(n, tag("a")) {
		h := attr(a, "href")
		if h == "" || strings.HasPrefix(h, "#") {
			continue
		}
		u, err := b.Parse(h)
		if err != nil {
			continue
		}
		u.Fragment = ""
		out = append(out, u.String())
	}
	return out
}

// sitePath returns u's path (and query) when it is on the test server.
func sitePath(srv *httptest.Server, u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, srv.URL)
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", false
	}
	return rest, true
}
