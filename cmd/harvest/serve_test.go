package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"harvest"
	"harvest/store/sqlite"
	"harvest/web"
)

// hostileTitle is the title of a record saved straight into a crawled
// catalogue: it must stay text in the page, the API and the feed.
const hostileTitle = `<script>alert("pwned")</script> Forced labour in <b>ports</b>`

// hostileLinkURL is the hostile record's link to the publication on
// another site.
const hostileLinkURL = `https://publisher.example/r?a=1&b="><script>alert(5)</script>`

// servedDemo crawls the demo site through the command line, adds a record
// with a hostile title through the store, and serves the catalogue with
// the handler harvest serve uses.
func servedDemo(t *testing.T) (srv *httptest.Server, db string, hostile int64) {
	t.Helper()
	base, db := crawlDemo(t)
	source := exportJSONL(t, db)[0].Source // the host and port
	catalogue, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catalogue.Close() })
	res, err := catalogue.Save(t.Context(), harvest.Publication{
		Source: source, URL: base + "/resource/hostile/", CanonicalURL: base + "/resource/hostile/",
		Title: hostileTitle, Summary: `<img src=x onerror=alert(1)> Summary.`, Tags: []string{"<i>Seafood</i>"},
		Downloads: []harvest.Download{{URL: "javascript:alert(2)", Label: "<script>x</script>", MediaType: "application/pdf"}},
		Posted:    "2021-03-04", Modified: "2022-11-30",
		ExternalLinks: []harvest.Link{
			{URL: "javascript:alert(3)", Label: "<script>alert(4)</script>"},
			{URL: hostileLinkURL, Label: "<i>Seafood</i> on the publisher's site"},
		},
	}, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(web.New(catalogue, nil))
	t.Cleanup(srv.Close)
	return srv, db, res.ID
}

func httpGet(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
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

type apiPage struct {
	Publications []json.RawMessage `json:"publications"`
	Total        int               `json:"total"`
	Order        string            `json:"order"`
	NextCursor   string            `json:"next_cursor"`
	Next         string            `json:"next"`
}

func apiList(t *testing.T, srv *httptest.Server, path string) apiPage {
	t.Helper()
	resp, body := httpGet(t, srv.URL+path)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: %d %s: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var p apiPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return p
}

func decodeRecords(t *testing.T, raw []json.RawMessage) []harvest.Publication {
	t.Helper()
	var out []harvest.Publication
	for _, r := range raw {
		var p harvest.Publication
		if err := json.Unmarshal(r, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// asMaps decodes JSON records into generic maps, to compare two
// encodings of the same records field by field.
func asMaps(t *testing.T, v any) []map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAPIContract reads a crawled catalogue through the API: the records
// are the export's, in the export's schema; filters, search and cursors
// behave as documented.
func TestAPIContract(t *testing.T) {
	srv, db, hostile := servedDemo(t)
	exported := exportJSONL(t, db)
	schema := recordSchema(t)

	// Every record, by pages of 7, is the export's record, valid against
	// the schema.
	var raw []json.RawMessage
	next := "/api/publications?limit=7"
	for pages := 0; next != ""; pages++ {
		if pages > len(exported) {
			t.Fatal("paging does not end")
		}
		p := apiList(t, srv, next)
		if p.Total != len(exported) || p.Order != "id" || len(p.Publications) > 7 {
			t.Errorf("GET %s: total %d order %s, %d records", next, p.Total, p.Order, len(p.Publications))
		}
		raw = append(raw, p.Publications...)
		next = p.Next
	}
	for i, r := range raw {
		validateRecord(t, schema, fmt.Sprintf("API record %d", i), r)
	}
	if got, want := asMaps(t, raw), asMaps(t, exported); !reflect.DeepEqual(got, want) {
		t.Errorf("API records differ from the export's (%d vs %d records)", len(got), len(want))
	}

	byID := map[int64]harvest.Publication{}
	for _, p := range exported {
		byID[p.ID] = p
	}
	for _, id := range []int64{exported[0].ID, exported[len(exported)/2].ID, hostile} {
		resp, body := httpGet(t, srv.URL+"/api/publications/"+idText(id))
		if resp.StatusCode != 200 {
			t.Fatalf("record %d: %d %s", id, resp.StatusCode, body)
		}
		validateRecord(t, schema, "API record "+idText(id), body)
		got := asMaps(t, []json.RawMessage{body})
		// The API's record adds its downloads' health to the export's.
		if _, ok := got[0]["link_health"]; !ok {
			t.Errorf("record %d: no link_health", id)
		}
		delete(got[0], "link_health")
		if want := asMaps(t, []harvest.Publication{byID[id]}); !reflect.DeepEqual(got, want) {
			t.Errorf("record %d:\n%v\nexport:\n%v", id, got, want)
		}
	}

	// Filters select what the export's records say they should.
	i := slices.IndexFunc(exported, func(p harvest.Publication) bool { return len(p.Tags) > 0 && len(p.Categories) > 0 })
	if i < 0 {
		t.Fatal("no crawled record has tags and categories")
	}
	some := exported[i]
	filters := []struct {
		query string
		keep  func(p harvest.Publication) bool
	}{
		{"source=" + url.QueryEscape(some.Source), func(p harvest.Publication) bool { return p.Source == some.Source }},
		{"source=nobody", func(harvest.Publication) bool { return false }},
		{"tag=" + url.QueryEscape(some.Tags[0]), func(p harvest.Publication) bool { return slices.Contains(p.Tags, some.Tags[0]) }},
		{"category=" + url.QueryEscape(strings.ToUpper(some.Categories[0])), func(p harvest.Publication) bool {
			return slices.Contains(p.Categories, some.Categories[0])
		}},
		{"since=2000-01-01", func(harvest.Publication) bool { return true }},
		{"since=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), func(harvest.Publication) bool { return false }},
		{"status=removed", func(harvest.Publication) bool { return false }},
		{"status=all", func(harvest.Publication) bool { return true }},
	}
	for _, f := range filters {
		p := apiList(t, srv, "/api/publications?limit=500&"+f.query)
		var want []int64
		for _, e := range exported {
			if f.keep(e) {
				want = append(want, e.ID)
			}
		}
		var got []int64
		for _, r := range decodeRecords(t, p.Publications) {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, want) || p.Total != len(want) {
			t.Errorf("%s: ids %v (total %d), want %v", f.query, got, p.Total, want)
		}
	}

	// Full-text search is ranked: a word of one title finds that record
	// first.
	target := exported[5]
	word := longestWord(target.Title)
	p := apiList(t, srv, "/api/publications?q="+url.QueryEscape(word))
	recs := decodeRecords(t, p.Publications)
	if p.Order != "rank" || len(recs) == 0 || !strings.Contains(strings.ToLower(recs[0].Title), strings.ToLower(word)) {
		t.Errorf("q=%s: order %s, first %v", word, p.Order, recs)
	}
	p = apiList(t, srv, "/api/publications?q="+url.QueryEscape(`"`+target.Title+`"`))
	if recs := decodeRecords(t, p.Publications); len(recs) == 0 || recs[0].ID != target.ID {
		t.Errorf("the quoted title %q does not find record %d first: %v", target.Title, target.ID, recs)
	}
	for _, q := range []string{`"forced labour`, `forced*`, `*`, `-forced`, `forced OR seafood`, `NEAR/3`, `title:forced`,
		`(forced AND) NOT`, `'`, `"""`, `labour -"forced labour"`} {
		resp, body := httpGet(t, srv.URL+"/api/publications?q="+url.QueryEscape(q))
		if resp.StatusCode != 200 {
			t.Errorf("q=%q: %d %s", q, resp.StatusCode, body)
		}
	}

	// Bad parameters are 400s that say what was wrong.
	for path, want := range map[string]string{
		"/api/publications?limit=x":     "limit",
		"/api/publications?since=never": "since",
		"/api/publications?sort=title":  `unknown parameter "sort"`,
		"/api/publications?cursor=abc":  "cursor",
		"/api/publications/x":           "publication id",
	} {
		resp, body := httpGet(t, srv.URL+path)
		var e struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != 400 || e.Status != 400 || !strings.Contains(e.Error, want) {
			t.Errorf("GET %s: %d %s, want a 400 naming %q", path, resp.StatusCode, body, want)
		}
	}

	// Sources and runs.
	resp, body := httpGet(t, srv.URL+"/api/sources")
	var sources struct {
		Sources []struct {
			Name         string         `json:"name"`
			Publications map[string]int `json:"publications"`
			PagesFetched int            `json:"pages_fetched"`
			LastRun      *struct {
				Status string `json:"status"`
				Pages  int    `json:"pages"`
				New    int    `json:"new"`
			} `json:"last_run"`
		} `json:"sources"`
	}
	if err := json.Unmarshal(body, &sources); err != nil || resp.StatusCode != 200 || len(sources.Sources) != 1 {
		t.Fatalf("sources: %d %s", resp.StatusCode, body)
	}
	s0 := sources.Sources[0]
	if s0.Name != some.Source || s0.Publications["active"] != len(exported) || s0.PagesFetched == 0 ||
		s0.LastRun == nil || s0.LastRun.Status != "ok" || s0.LastRun.Pages != s0.PagesFetched || s0.LastRun.New != len(exported)-1 {
		t.Errorf("source = %+v (last run %+v)", s0, s0.LastRun)
	}
	resp, body = httpGet(t, srv.URL+"/api/runs")
	if resp.StatusCode != 200 || strings.Count(string(body), `"started"`) != 1 {
		t.Errorf("runs: %d %s", resp.StatusCode, body)
	}

	// Metrics describe the catalogue and its runs.
	_, body = httpGet(t, srv.URL+"/metrics")
	src := regexp.QuoteMeta(some.Source)
	for _, re := range []string{
		`harvest_publications\{source="` + src + `",status="active"\} ` + idText(int64(len(exported))),
		`harvest_pages_fetched_total\{source="` + src + `"\} [1-9]`,
		`harvest_fetch_errors_total\{source="` + src + `"\} 0`,
		`harvest_last_run_status\{source="` + src + `",status="ok"\} 1`,
		`harvest_last_run_end_timestamp_seconds\{source="` + src + `"\} [0-9.e+]+`,
	} {
		if !regexp.MustCompile(re).Match(body) {
			t.Errorf("metrics lack %s", re)
		}
	}

	// The feed is Atom with every record of the catalogue (fewer than the
	// feed's 50 entries).
	resp, body = httpGet(t, srv.URL+"/feed.atom")
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Title string `xml:"http://www.w3.org/2005/Atom title"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil || resp.StatusCode != 200 {
		t.Fatalf("feed: %d %v", resp.StatusCode, err)
	}
	if len(feed.Entries) != len(exported) || feed.Entries[0].Title != hostileTitle {
		t.Errorf("feed has %d entries (want %d), newest %q", len(feed.Entries), len(exported), feed.Entries[0].Title)
	}

	// The hostile record stays text in the page, the API and the feed.
	for _, path := range []string{"/", "/publications/" + idText(hostile), "/api/publications/" + idText(hostile), "/feed.atom",
		"/?q=pwned", "/api/publications?q=pwned"} {
		_, body := httpGet(t, srv.URL+path)
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>ports", "<i>Seafood", `href="javascript:`} {
			if bytes.Contains(body, []byte(bad)) {
				t.Errorf("GET %s: %q appears unescaped", path, bad)
			}
		}
		if !bytes.Contains(body, []byte("pwned")) {
			t.Errorf("GET %s: the hostile record is missing", path)
		}
	}

	// Its page dates and links elsewhere: in the API as saved, on its
	// page as dates and as an escaped link (the javascript: one as text).
	h := byID[hostile]
	if h.Posted != "2021-03-04" || h.Modified != "2022-11-30" || len(h.ExternalLinks) != 2 || h.ExternalLinks[1].URL != hostileLinkURL {
		t.Errorf("hostile record's dates and links = %q %q %+v", h.Posted, h.Modified, h.ExternalLinks)
	}
	_, body = httpGet(t, srv.URL+"/publications/"+idText(hostile))
	for _, want := range []string{
		`<time datetime="2021-03-04">4 Mar 2021</time>`, `<time datetime="2022-11-30">30 Nov 2022</time>`,
		`href="https://publisher.example/r?a=1&amp;b=%22%3e%3cscript%3ealert%285%29%3c/script%3e" rel="nofollow noopener noreferrer">&lt;i&gt;Seafood&lt;/i&gt; on the publisher&#39;s site</a>`,
		`<span class="unsafe" title="not a web address: not linked">&lt;script&gt;alert(4)&lt;/script&gt;</span>`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("hostile record's page lacks %s", want)
		}
	}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

var wordRe = regexp.MustCompile(`\p{L}+`)

func longestWord(s string) string {
	best := ""
	for _, w := range wordRe.FindAllString(s, -1) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// TestServeCommand runs harvest serve on a free port, talks to it, and
// stops it by cancelling its context, as SIGINT does.
func TestServeCommand(t *testing.T) {
	_, db := crawlDemo(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var errOut bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs([]string{"serve", "--addr", "127.0.0.1:0", "--db", db})
	cmd.SetOut(pw)
	cmd.SetErr(&errOut)
	done := make(chan error, 1)
	go func() {
		err := cmd.ExecuteContext(ctx)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve printed %q, want its address", line)
	}
	base := "http://" + m[1]
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/": "<!doctype html>", "/api/publications?limit=1": `"next_cursor"`} {
		resp, body := httpGet(t, base+path)
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, body lacks %q", path, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel: %v\n%s", err, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}

func TestServeErrors(t *testing.T) {
	_, db := crawlDemo(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", db + ".missing"}, "does not exist"},
		{[]string{"serve", "--db", db, "--addr", "nonsense"}, "--addr"},
		{[]string{"serve", "--db", db, "extra"}, "unknown command"},
	} {
		if _, _, err := runCLI(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("harvest %v: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}
