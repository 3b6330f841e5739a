package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"harvest"
	"harvest/store/sqlite"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	evilTitle   = `<script>alert("title")</script> Fisheries & "ports"`
	evilSummary = `<img src=x onerror="alert('summary')"> A summary with </textarea> and ]]> in it.`
	evilTag     = `<b onmouseover="alert('tag')">tag</b>`
	// evilLinkLabel is the label of a link to the publication elsewhere.
	evilLinkLabel = `<iframe src="https://evil.example/"></iframe> View & "share"`
)

// fixture is a catalogue written through the store, as a crawl writes
// it, with a record made of hostile text.
type fixture struct {
	db                  *sqlite.DB
	path                string
	srv                 *httptest.Server
	log                 *syncBuffer // the server's log
	evil, plain, gone   int64
	changed             int64
	runOK, runCancelled int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{path: filepath.Join(t.TempDir(), "catalogue.db")}
	db, err := sqlite.Open(ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	save := func(p harvest.Publication, seen time.Time) int64 {
		t.Helper()
		if p.CanonicalURL == "" {
			p.CanonicalURL = p.URL
		}
		res, err := db.Save(ctx, p, seen)
		if err != nil {
			t.Fatal(err)
		}
		return res.ID
	}
	f.plain = save(harvest.Publication{
		Source: "lantern", URL: "https://lantern.example/resource/ports/", Title: "Ports and seafarers",
		Summary: "Crew change at ports.", Categories: []string{"Reports"}, Tags: []string{"Seafarers", "Ports"},
		Downloads: []harvest.Download{
			{URL: "https://lantern.example/ports.pdf", Label: "DOWNLOAD", MediaType: "application/pdf"},
			{URL: "https://lantern.example/ports.docx", Label: "Word version", MediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		},
		Publisher: "Lantern", Published: "2021", Language: "en", Authors: []string{"A. Author"},
		Posted: "2021-03-04", Modified: "2022-11-30",
		ExternalLinks: []harvest.Link{
			{URL: "https://publisher.example/reports/ports?a=1&b=2", Label: "View on the publisher's website"},
			{URL: "https://doi.example/10.1/ports", Label: ""},
		},
	}, t0)
	f.evil = save(harvest.Publication{
		Source: "lantern", URL: "https://lantern.example/resource/evil/", Title: evilTitle, Summary: evilSummary,
		Categories: []string{`Guides"><script>alert(1)</script>`}, Tags: []string{evilTag},
		Downloads: []harvest.Download{
			{URL: "javascript:alert('download')", Label: `<script>alert("label")</script>`, MediaType: "application/pdf"},
			{URL: "https://lantern.example/evil.pdf?a=1&b=<x>", Label: "Fine", MediaType: "application/pdf"},
		},
		Publisher: `<i>Evil</i> Corp`, Image: "javascript:alert('image')",
		Posted: `2021-03-04"><script>alert('posted')</script>`, Modified: `<i>yesterday</i>`,
		ExternalLinks: []harvest.Link{
			{URL: "javascript:alert('elsewhere')", Label: `<script>alert("elsewhere")</script>`},
			{URL: `https://evil.example/r?x="><script>alert(1)</script>`, Label: evilLinkLabel},
		},
	}, t0.Add(time.Hour))
	f.gone = save(harvest.Publication{Source: "other", URL: "https://other.example/gone/", Title: "A removed guide", Tags: []string{"Ports"}}, t0.Add(2*time.Hour))
	f.changed = save(harvest.Publication{Source: "other", URL: "https://other.example/changing/", Title: "First title", Summary: "Old words."}, t0.Add(3*time.Hour))
	save(harvest.Publication{Source: "other", URL: "https://other.example/changing/", Title: "Second title", Summary: "New words."}, t0.Add(4*time.Hour))

	// The record the site lost: marked removed as the incremental crawl
	// marks it (there is no store call for it outside a crawl).
	markRemoved(t, f.path, f.gone, t0.Add(5*time.Hour))

	if f.runOK, err = db.StartRun(ctx, "lantern", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: f.runOK, Finished: t0.Add(time.Minute), Status: harvest.RunOK, Pages: 12, Errors: 1, New: 2}); err != nil {
		t.Fatal(err)
	}
	if f.runCancelled, err = db.StartRun(ctx, "other", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: f.runCancelled, Finished: t0.Add(2 * time.Hour), Status: harvest.RunCancelled, Pages: 3}); err != nil {
		t.Fatal(err)
	}
	f.log = &syncBuffer{}
	f.srv = httptest.NewServer(New(db, slog.New(slog.NewTextHandler(f.log, nil))))
	t.Cleanup(f.srv.Close)
	return f
}

// markRemoved sets a record's status as a crawl that lost it does.
func markRemoved(t *testing.T, path string, id int64, at time.Time) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	stamp := at.UTC().Format(time.RFC3339)
	if _, err := raw.Exec(`UPDATE publications SET status = 'removed', removed_at = ?, last_changed = ? WHERE id = ?`, stamp, stamp, id); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func (f *fixture) getJSON(t *testing.T, path string, want int, v any) {
	t.Helper()
	resp, body := f.get(t, path)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d: %s", path, resp.StatusCode, want, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
}

func ids(ps []harvest.Publication) []int64 {
	var out []int64
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestAPIPublications(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		query string
		want  []int64
	}{
		{"", []int64{f.plain, f.evil, f.changed}},
		{"?status=all", []int64{f.plain, f.evil, f.gone, f.changed}},
		{"?status=removed", []int64{f.gone}},
		{"?source=other", []int64{f.changed}},
		{"?source=other&source=lantern", []int64{f.plain, f.evil, f.changed}},
		{"?tag=ports&status=all", []int64{f.plain, f.gone}},
		{"?category=reports", []int64{f.plain}},
		{"?since=2025-03-01T14:30:00Z", []int64{f.changed}},
		{"?since=2025-03-01T14:30:00Z&status=all", []int64{f.gone, f.changed}},
		{"?q=ports", []int64{f.plain, f.evil}},
		{"?q=words", []int64{f.changed}},
		{"?q=first", nil}, // the old title is no longer indexed
		{"?q=script", []int64{f.evil}},
		{"?order=newest", []int64{f.changed, f.evil, f.plain}},
		{"?q=" + url.QueryEscape("-ports"), []int64{f.changed}},
	}
	for _, tt := range tests {
		var page publicationsPage
		f.getJSON(t, "/api/publications"+tt.query, http.StatusOK, &page)
		if got := ids(page.Publications); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ids %v, want %v", tt.query, got, tt.want)
		}
		if page.Total != len(tt.want) || page.NextCursor != "" {
			t.Errorf("%s: total %d, next %q", tt.query, page.Total, page.NextCursor)
		}
	}

	// Pages by cursor, following next.
	var got []int64
	next := "/api/publications?status=all&limit=1"
	for next != "" {
		var page publicationsPage
		f.getJSON(t, next, http.StatusOK, &page)
		if len(page.Publications) != 1 || page.Limit != 1 {
			t.Fatalf("%s: %d records, limit %d", next, len(page.Publications), page.Limit)
		}
		got = append(got, page.Publications[0].ID)
		next = page.Next
	}
	if want := []int64{f.plain, f.evil, f.gone, f.changed}; !slices.Equal(got, want) {
		t.Errorf("paging gave %v, want %v", got, want)
	}

	var one harvest.Publication
	f.getJSON(t, "/api/publications/"+itoa(f.gone), http.StatusOK, &one)
	if one.Status != "removed" || one.RemovedAt == nil || one.Title != "A removed guide" {
		t.Errorf("removed record = %+v", one)
	}
	direct, err := f.db.Get(t.Context(), f.evil)
	if err != nil {
		t.Fatal(err)
	}
	var evil harvest.Publication
	f.getJSON(t, "/api/publications/"+itoa(f.evil), http.StatusOK, &evil)
	if a, b := mustJSON(t, evil), mustJSON(t, direct); !bytes.Equal(a, b) {
		t.Errorf("API record\n%s\nstore record\n%s", a, b)
	}
}

// TestAPIQueriesNeverFail sends search texts full of FTS syntax.
func TestAPIQueriesNeverFail(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{
		`"`, `"ports`, `ports"`, `*`, `port*`, `*ports`, `-`, `-ports`, `--ports`, `OR`, `ports OR`, `OR ports OR`,
		`AND`, `NOT ports`, `ports NOT`, `NEAR`, `ports NEAR seafarers`, `ports NEAR/2 crew`, `(ports`, `ports)`,
		`title:ports`, `tags:`, `^ports`, `'`, `\`, `%`, `'); DROP TABLE publications; --`, `<script>`, "\x00",
		`"crew change"*`, `ports -"crew change"`, `é`, `漁業`, strings.Repeat("a* ", 100),
	} {
		resp, body := f.get(t, "/api/publications?q="+url.QueryEscape(q))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("q=%q: status %d: %s", q, resp.StatusCode, body)
		}
		resp, body = f.get(t, "/?q="+url.QueryEscape(q))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("page q=%q: status %d: %s", q, resp.StatusCode, body)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/api/publications?colour=red", 400, `unknown parameter "colour"`},
		{"/api/publications?limit=0", 400, `limit "0"`},
		{"/api/publications?limit=501", 400, "1 to 500"},
		{"/api/publications?limit=ten", 400, "limit"},
		{"/api/publications?status=deleted", 400, "status"},
		{"/api/publications?since=yesterday", 400, "since"},
		{"/api/publications?order=random", 400, "order"},
		{"/api/publications?order=rank", 400, "needs search terms"},
		{"/api/publications?cursor=bogus", 400, "cursor"},
		{"/api/publications?tag=a&tag=b", 400, `"tag" given 2 times`},
		{"/api/publications?q=" + strings.Repeat("x", 501), 400, "q:"},
		{"/api/publications/abc", 400, "publication id"},
		{"/api/publications/0", 400, "publication id"},
		{"/api/publications/999", 404, "publication 999 not found"},
		{"/api/publications/1?x=1", 400, "unknown parameter"},
		{"/api/nothing", 404, "no such endpoint"},
		{"/api/runs?limit=-1", 400, "limit"},
		{"/api/runs?cursor=zzz", 400, "cursor"},
		{"/api/sources?x=1", 400, "unknown parameter"},
		{"/feed.atom?limit=1000", 400, "limit"},
		{"/feed.atom?tag=a&tag=b", 400, "given 2 times"},
		// One rule for every endpoint: an unknown parameter is a 400.
		{"/feed.atom?foo=1", 400, `unknown parameter "foo"`},
		{"/feed.atom?sorce=wp", 400, `unknown parameter "sorce" (known: q, source, tag, category, limit)`},
	}
	for _, tt := range tests {
		var e errorBody
		f.getJSON(t, tt.path, tt.status, &e)
		if e.Status != tt.status || !strings.Contains(e.Error, tt.want) {
			t.Errorf("GET %s: %+v, want status %d and a message with %q", tt.path, e, tt.status, tt.want)
		}
	}

	// The page answers the same rule with an HTML error page.
	if resp, body := f.get(t, "/?foo=1"); resp.StatusCode != http.StatusBadRequest || !bytes.Contains(body, []byte("unknown parameter")) {
		t.Errorf("GET /?foo=1: %d, want 400 naming the unknown parameter", resp.StatusCode)
	}
	// The parameters link trackers append are ignored everywhere.
	for _, path := range []string{"/feed.atom?utm_source=newsletter&utm_medium=email", "/api/publications?fbclid=x", "/?gclid=y&utm_campaign=z"} {
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d, want 200 (tracking parameters are ignored)", path, resp.StatusCode)
		}
	}

	// A cursor is bound to its query.
	var page publicationsPage
	f.getJSON(t, "/api/publications?limit=1", http.StatusOK, &page)
	var e errorBody
	f.getJSON(t, "/api/publications?limit=1&tag=Ports&cursor="+page.NextCursor, http.StatusBadRequest, &e)

	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(method, f.srv.URL+"/api/publications", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" || !strings.Contains(string(body), "read-only") {
			t.Errorf("%s: %d %q %s", method, resp.StatusCode, resp.Header.Get("Allow"), body)
		}
	}

	resp, body := f.get(t, "/no/such/page")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("no page")) {
		t.Errorf("unknown page: %d %s", resp.StatusCode, body)
	}
	resp, body = f.get(t, "/publications/999")
	if resp.StatusCode != 404 || !bytes.Contains(body, []byte("no publication 999")) {
		t.Errorf("unknown publication page: %d %s", resp.StatusCode, body)
	}
	resp, body = f.get(t, "/?status=bogus")
	if resp.StatusCode != 400 || !bytes.Contains(body, []byte("status")) {
		t.Errorf("bad page parameter: %d %s", resp.StatusCode, body)
	}
}

func TestAPISourcesAndRuns(t *testing.T) {
	f := newFixture(t)
	var sources struct {
		Sources []sourceJSON `json:"sources"`
	}
	f.getJSON(t, "/api/sources", http.StatusOK, &sources)
	if len(sources.Sources) != 2 {
		t.Fatalf("sources = %+v", sources)
	}
	l, o := sources.Sources[0], sources.Sources[1]
	if l.Name != "lantern" || l.Publications["active"] != 2 || l.Publications["total"] != 2 || l.PagesFetched != 12 ||
		l.Errors != 1 || l.LastRun == nil || l.LastRun.ID != f.runOK || l.LastRun.Status != "ok" || l.LastRun.Finished == nil {
		t.Errorf("lantern = %+v, last run %+v", l, l.LastRun)
	}
	if o.Name != "other" || o.Publications["active"] != 1 || o.Publications["removed"] != 1 || o.Runs["cancelled"] != 1 ||
		o.LastRun == nil || o.LastRun.Status != "cancelled" {
		t.Errorf("other = %+v", o)
	}

	var runs struct {
		Runs       []runJSON `json:"runs"`
		NextCursor string    `json:"next_cursor"`
		Next       string    `json:"next"`
	}
	f.getJSON(t, "/api/runs", http.StatusOK, &runs)
	if len(runs.Runs) != 2 || runs.Runs[0].ID != f.runCancelled || runs.Runs[1].ID != f.runOK || runs.Next != "" {
		t.Errorf("runs = %+v", runs)
	}
	f.getJSON(t, "/api/runs?limit=1", http.StatusOK, &runs)
	if len(runs.Runs) != 1 || runs.Runs[0].ID != f.runCancelled || runs.Next == "" {
		t.Fatalf("runs, limit 1 = %+v", runs)
	}
	next := runs.Next
	runs.Next = ""
	f.getJSON(t, next, http.StatusOK, &runs)
	if len(runs.Runs) != 1 || runs.Runs[0].ID != f.runOK || runs.Next != "" {
		t.Errorf("runs, second page = %+v", runs)
	}
	f.getJSON(t, "/api/runs?source=lantern", http.StatusOK, &runs)
	if len(runs.Runs) != 1 || runs.Runs[0].Source != "lantern" {
		t.Errorf("runs of lantern = %+v", runs)
	}

	resp, body := f.get(t, "/api/schema")
	if resp.StatusCode != 200 || !json.Valid(body) || !bytes.Contains(body, []byte("2020-12")) {
		t.Errorf("schema: %d %.100s", resp.StatusCode, body)
	}
	var health map[string]any
	f.getJSON(t, "/healthz", http.StatusOK, &health)
	if health["status"] != "ok" {
		t.Errorf("healthz = %v", health)
	}
}

// atomDoc is what the tests read of a feed, with the namespace checked.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Author struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Entries []struct {
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"http://www.w3.org/2005/Atom category"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

// parseAtom parses a feed strictly and checks what RFC 4287 requires of
// it and of each entry.
func parseAtom(t *testing.T, body []byte) atomDoc {
	t.Helper()
	var doc atomDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("feed is not Atom XML: %v\n%s", err, body)
	}
	if doc.ID == "" || doc.Title == "" || doc.Author.Name == "" {
		t.Errorf("feed lacks id, title or author: %+v", doc)
	}
	if _, err := time.Parse(time.RFC3339, doc.Updated); err != nil {
		t.Errorf("feed updated %q: %v", doc.Updated, err)
	}
	if !slices.ContainsFunc(doc.Links, func(l struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}) bool {
		return l.Rel == "self"
	}) {
		t.Error("feed has no self link")
	}
	seen := map[string]bool{}
	for _, e := range doc.Entries {
		if !strings.HasPrefix(e.ID, "urn:uuid:") || seen[e.ID] {
			t.Errorf("entry id %q: not a unique urn:uuid", e.ID)
		}
		seen[e.ID] = true
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry %s updated %q: %v", e.ID, e.Updated, err)
		}
		if e.Title == "" || len(e.Links) == 0 || e.Links[0].Rel != "alternate" || e.Links[0].Href == "" {
			t.Errorf("entry %s lacks a title or an alternate link: %+v", e.ID, e)
		}
	}
	return doc
}

func TestFeed(t *testing.T) {
	f := newFixture(t)
	resp, body := f.get(t, "/feed.atom")
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "application/atom+xml; charset=utf-8" {
		t.Fatalf("feed: %d %q", resp.StatusCode, ct)
	}
	doc := parseAtom(t, body)
	var titles []string
	for _, e := range doc.Entries {
		titles = append(titles, e.Title)
	}
	// Newest first; the removed record is left out.
	if want := []string{"Second title", evilTitle, "Ports and seafarers"}; !slices.Equal(titles, want) {
		t.Errorf("entry titles = %q, want %q", titles, want)
	}
	if doc.Updated != "2025-03-01T16:00:00Z" {
		t.Errorf("feed updated = %s, want the latest change", doc.Updated)
	}
	if e := doc.Entries[2]; e.Summary != "Crew change at ports." || e.Links[0].Href != "https://lantern.example/resource/ports/" || len(e.Categories) != 3 {
		t.Errorf("entry = %+v", e)
	}

	_, body = f.get(t, "/feed.atom?tag=seafarers&utm_source=reader")
	if doc := parseAtom(t, body); len(doc.Entries) != 1 || doc.Entries[0].Title != "Ports and seafarers" || !strings.Contains(doc.Title, "tag seafarers") {
		t.Errorf("feed of a tag: %+v", doc)
	}
	_, body = f.get(t, "/feed.atom?source=other")
	if doc := parseAtom(t, body); len(doc.Entries) != 1 || doc.Entries[0].Title != "Second title" {
		t.Errorf("feed of a source: %+v", doc)
	}
	_, body = f.get(t, "/feed.atom?source=nobody")
	if doc := parseAtom(t, body); len(doc.Entries) != 0 {
		t.Errorf("feed of no source: %+v", doc)
	}
}

// TestHostileTextStaysInert checks that a record whose title, summary,
// terms and links carry markup and script is shown as text everywhere.
func TestHostileTextStaysInert(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/?q=script", "/?tag=" + url.QueryEscape(evilTag), "/publications/" + itoa(f.evil)} {
		resp, body := f.get(t, path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "img", "b", "i", "iframe", "textarea":
					t.Errorf("GET %s: harvested markup became a <%s> element", path, n.Data)
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("GET %s: <%s %s=%q>", path, n.Data, a.Key, a.Val)
					}
					if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") ||
						strings.Contains(a.Val, "ZgotmplZ")) { // not even neutralised: not linked at all
						t.Errorf("GET %s: <%s %s=%q>", path, n.Data, a.Key, a.Val)
					}
				}
			}
			if n.Type == html.TextNode {
				texts = append(texts, n.Data)
			}
		}
		// The text is shown as it was harvested.
		all := strings.Join(texts, "")
		if path != "/?tag="+url.QueryEscape(evilTag) && !strings.Contains(all, evilTitle) {
			t.Errorf("GET %s: the title is not shown as text", path)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
	}

	resp, body := f.get(t, "/api/publications/"+itoa(f.evil))
	if bytes.Contains(body, []byte("<script")) || bytes.Contains(body, []byte("<img")) || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("API record carries raw markup: %s", body)
	}
	var p harvest.Publication
	if err := json.Unmarshal(body, &p); err != nil || p.Title != evilTitle || p.Summary != evilSummary {
		t.Errorf("API record does not round-trip the text: %v %q", err, p.Title)
	}

	_, body = f.get(t, "/feed.atom")
	if bytes.Contains(body, []byte("<script")) || bytes.Contains(body, []byte("<img")) || bytes.Contains(body, []byte("<b ")) ||
		bytes.Contains(body, []byte("javascript:")) {
		t.Errorf("feed carries raw markup:\n%s", body)
	}
	doc := parseAtom(t, body)
	if !slices.ContainsFunc(doc.Entries, func(e struct {
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"http://www.w3.org/2005/Atom category"`
	}) bool {
		return e.Title == evilTitle && e.Summary == evilSummary
	}) {
		t.Error("feed does not carry the hostile record's text as text")
	}
}

func TestPublicationPage(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/publications/"+itoa(f.plain))
	for _, want := range []string{
		"<h1>Ports and seafarers</h1>", "Crew change at ports.", `href="/?tag=Seafarers"`, `href="/?category=Reports"`,
		`href="https://lantern.example/ports.pdf"`, `<small title="application/pdf">PDF</small>`,
		`<small title="application/vnd.openxmlformats-officedocument.wordprocessingml.document">Word</small>`, "Lantern", "A. Author", "2021",
		"First seen", "Last changed", `href="/api/publications/` + itoa(f.plain) + `"`, `name="viewport"`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("publication page lacks %q", want)
		}
	}

	// History, where the catalogue keeps revisions.
	_, body = f.get(t, "/publications/"+itoa(f.changed))
	_, hasHistory, err := f.db.Revisions(t.Context(), f.changed)
	if err != nil {
		t.Fatal(err)
	}
	if hasHistory != bytes.Contains(body, []byte("Revision history")) {
		t.Errorf("history shown = %v, catalogue keeps revisions = %v", !hasHistory, hasHistory)
	}
	if hasHistory && (!bytes.Contains(body, []byte("First title")) || !bytes.Contains(body, []byte("Old words."))) {
		t.Errorf("history lacks the earlier version:\n%s", body)
	}
	_, body = f.get(t, "/publications/"+itoa(f.gone))
	if !bytes.Contains(body, []byte("<strong>removed</strong>")) {
		t.Error("a removed record's page does not say so")
	}
}

func TestListPage(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/")
	for _, want := range []string{`<input type="search" id="q" name="q"`, `<select name="source">`, `<select name="tag">`,
		`<select name="category">`, "3 publications, newest first.", `href="/publications/` + itoa(f.plain) + `"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("list page lacks %q", want)
		}
	}
	_, body = f.get(t, "/?status=removed")
	if !bytes.Contains(body, []byte("A removed guide")) || bytes.Contains(body, []byte("Ports and seafarers")) {
		t.Error("status filter not applied")
	}

	// Paging: two per page, through next links.
	var titles []string
	next := "/?status=all&limit=2"
	for i := 0; next != ""; i++ {
		if i > 5 {
			t.Fatal("paging does not end")
		}
		_, body := f.get(t, next)
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		next = ""
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && n.Data == "a" {
				if attr(n, "rel") == "next" {
					next = attr(n, "href")
				}
				if n.Parent != nil && n.Parent.Data == "h2" {
					titles = append(titles, n.FirstChild.Data)
				}
			}
		}
	}
	if want := []string{"Second title", "A removed guide", evilTitle, "Ports and seafarers"}; !slices.Equal(titles, want) {
		t.Errorf("pages show %q, want %q", titles, want)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestMetrics(t *testing.T) {
	f := newFixture(t)
	f.get(t, "/healthz")
	resp, body := f.get(t, "/metrics")
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`harvest_publications{source="lantern",status="active"} 2`,
		`harvest_publications{source="other",status="removed"} 1`,
		`harvest_pages_fetched_total{source="lantern"} 12`,
		`harvest_fetch_errors_total{source="lantern"} 1`,
		`harvest_runs_total{source="other",status="cancelled"} 1`,
		`harvest_last_run_status{source="lantern",status="ok"} 1`,
		`harvest_last_run_status{source="lantern",status="failed"} 0`,
		`harvest_last_run_status{source="other",status="cancelled"} 1`,
		`harvest_last_run_start_timestamp_seconds{source="lantern"} 1.7408304e+09`,
		`harvest_last_run_end_timestamp_seconds{source="other"} 1.7408376e+09`,
		`harvest_http_requests_total{code="200",handler="/healthz"} 1`,
		"go_goroutines",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestReadOnly checks that serving every endpoint leaves the catalogue's
// files as they were.
func TestReadOnly(t *testing.T) {
	f := newFixture(t)
	sum := func() [32]byte {
		h := sha256.New()
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(f.path + suffix)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			h.Write(b)
		}
		return [32]byte(h.Sum(nil))
	}
	before := sum()
	for _, p := range []string{"/", "/?q=ports", "/publications/1", "/api/publications?q=ports", "/api/publications/1",
		"/api/sources", "/api/runs", "/feed.atom", "/metrics", "/healthz"} {
		if resp, body := f.get(t, p); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %s", p, resp.StatusCode, body)
		}
	}
	if sum() != before {
		t.Error("serving changed the catalogue's files")
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, New(f.db, nil), nil) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel = %v, want nil", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFileKind(t *testing.T) {
	tests := []struct{ mediaType, want string }{
		{"application/pdf", "PDF"},
		{"application/PDF; charset=binary", "PDF"},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"},
		{"application/msword", "Word"},
		{"application/vnd.ms-excel", "Excel"},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"},
		{"application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"},
		{"text/csv", "CSV"},
		{"application/epub+zip", "EPUB"},
		{"image/png", "PNG image"},
		{"video/mp4", "MP4 video"},
		{"image/svg+xml", "image/svg+xml"},
		{"application/x-unheard-of", "application/x-unheard-of"},
	}
	for _, tt := range tests {
		if got := fileKind(tt.mediaType); got != tt.want {
			t.Errorf("fileKind(%q) = %q, want %q", tt.mediaType, got, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer several goroutines may write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestAccessLog: every request is logged at info with its method, path,
// status and duration.
func TestAccessLog(t *testing.T) {
	f := newFixture(t)
	f.get(t, "/api/publications?limit=1")
	f.get(t, "/no/such/page")
	logged := f.log.String()
	for _, want := range []string{
		"level=INFO msg=http_request method=GET path=/api/publications status=200 duration=",
		"level=INFO msg=http_request method=GET path=/no/such/page status=404 duration=",
	} {
		if !strings.Contains(logged, want) {
			t.Errorf("access log lacks %q:\n%s", want, logged)
		}
	}
}
