package web

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"harvest"
	"harvest/export"
	"harvest/internal/citeread"
)

var cslSchema = filepath.Join("..", "export", "testdata", "csl-data.json")

// getWith asks for path with headers, and returns the answer and its
// body.
func (f *fixture) getWith(t *testing.T, path string, hdr map[string]string) (*http.Response, []byte) {
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
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// citeKeys reads the citation keys of body, in format, with the real
// readers: the CSL data schema, bibutils' ris2xml, pybtex.
func citeKeys(t *testing.T, format string, body []byte) []string {
	t.Helper()
	var keys []string
	switch format {
	case "csl-json":
		for _, it := range citeread.ValidateCSL(t, cslSchema, body) {
			keys = append(keys, it["id"].(string))
		}
	case "ris":
		for _, m := range citeread.Bibutils(t, "ris2xml", body, "-nl", "-nt") {
			keys = append(keys, m.ID)
		}
	case "bibtex":
		for _, e := range citeread.PyBibTeX(t, body) {
			keys = append(keys, e.Key)
		}
	default:
		t.Fatalf("no reader for %q", format)
	}
	return keys
}

// wantKeys are the citation keys of the records ids, from the store.
func (f *fixture) wantKeys(t *testing.T, ids ...int64) []string {
	t.Helper()
	var keys []string
	for _, id := range ids {
		p, err := f.db.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, export.CiteKey(p))
	}
	return keys
}

var citeContentTypes = map[string]string{
	"csl-json": "application/vnd.citationstyles.csl+json",
	"ris":      "application/x-research-info-systems",
	"bibtex":   "application/x-bibtex",
}

// TestAPICiteFormats: the list and a record in each citation format, by
// the format parameter, with the list's filters and paging, read back by
// the real readers — the fixture's hostile record included.
func TestAPICiteFormats(t *testing.T) {
	f := newFixture(t)
	for format, ct := range citeContentTypes {
		t.Run(format, func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []int64
			}{
				{"", []int64{f.plain, f.evil, f.changed}},
				{"?status=all", []int64{f.plain, f.evil, f.gone, f.changed}},
				{"?tag=ports&status=all", []int64{f.plain, f.gone}},
				{"?q=script", []int64{f.evil}},
				{"?source=nobody", nil},
			} {
				path := "/api/publications" + tc.query
				if tc.query == "" {
					path += "?format=" + format
				} else {
					path += "&format=" + format
				}
				resp, body := f.get(t, path)
				if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) {
					t.Fatalf("GET %s: %d %q, want 200 %s:\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), ct, body)
				}
				if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="publications`+export.Extensions[format]+`"` {
					t.Errorf("GET %s: Content-Disposition %q", path, cd)
				}
				if resp.Header.Get("X-Total-Count") != itoa(int64(len(tc.want))) || resp.Header.Get("Link") != "" {
					t.Errorf("GET %s: X-Total-Count %q, Link %q", path, resp.Header.Get("X-Total-Count"), resp.Header.Get("Link"))
				}
				if len(tc.want) == 0 {
					if format != "csl-json" && len(body) != 0 {
						t.Errorf("GET %s: %q for no records", path, body)
					}
					continue
				}
				if got, want := citeKeys(t, format, body), f.wantKeys(t, tc.want...); !slices.Equal(got, want) {
					t.Errorf("GET %s: keys %q, want %q", path, got, want)
				}
			}

			// Paging by the Link header.
			var got []string
			next := "/api/publications?status=all&limit=1&format=" + format
			linkRe := regexp.MustCompile(`^<([^>]+)>; rel="next"$`)
			for i := 0; next != ""; i++ {
				if i > 4 {
					t.Fatal("paging does not end")
				}
				resp, body := f.get(t, next)
				if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Total-Count") != "4" {
					t.Fatalf("GET %s: %d, X-Total-Count %q", next, resp.StatusCode, resp.Header.Get("X-Total-Count"))
				}
				got = append(got, citeKeys(t, format, body)...)
				next = ""
				if m := linkRe.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
					next = m[1]
				}
			}
			if want := f.wantKeys(t, f.plain, f.evil, f.gone, f.changed); !slices.Equal(got, want) {
				t.Errorf("paging gave %q, want %q", got, want)
			}

			// One record, whatever its status.
			for _, id := range []int64{f.evil, f.gone} {
				path := "/api/publications/" + itoa(id) + "?format=" + format
				resp, body := f.get(t, path)
				if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) {
					t.Fatalf("GET %s: %d %q:\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="publication-`+itoa(id)+export.Extensions[format]+`"` {
					t.Errorf("GET %s: Content-Disposition %q", path, cd)
				}
				if got, want := citeKeys(t, format, body), f.wantKeys(t, id); !slices.Equal(got, want) {
					t.Errorf("GET %s: keys %q, want %q", path, got, want)
				}
			}
		})
	}
}

// TestAPICiteNegotiation: without a format parameter, Accept chooses the
// format; the parameter wins over Accept; the JSON stays the answer to
// any other Accept.
func TestAPICiteNegotiation(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path, accept, want string // want: a citation format, or "json"
	}{
		{"/api/publications", "", "json"},
		{"/api/publications", "*/*", "json"},
		{"/api/publications", "text/html,application/xhtml+xml,*/*;q=0.8", "json"},
		{"/api/publications", "application/json", "json"},
		{"/api/publications", "application/x-bibtex", "bibtex"},
		{"/api/publications", "application/x-research-info-systems", "ris"},
		{"/api/publications", "application/vnd.citationstyles.csl+json", "csl-json"},
		{"/api/publications", "application/x-research-info-systems;q=0.5, application/x-bibtex;q=0.9", "bibtex"},
		{"/api/publications", "application/json;q=0.1, application/vnd.citationstyles.csl+json", "csl-json"},
		{"/api/publications", "application/x-bibtex;q=0, application/json", "json"},
		{"/api/publications?format=ris", "application/x-bibtex", "ris"},
		{"/api/publications?format=json", "application/x-bibtex", "json"},
		{"/api/publications?tag=ports", "application/x-bibtex", "bibtex"},
		{"/api/publications/1", "application/x-bibtex", "bibtex"},
		{"/api/publications/1", "application/vnd.citationstyles.csl+json", "csl-json"},
		{"/api/publications/1?format=json", "application/x-research-info-systems", "json"},
	} {
		resp, body := f.getWith(t, tc.path, map[string]string{"Accept": tc.accept})
		ct := resp.Header.Get("Content-Type")
		want := citeContentTypes[tc.want]
		if tc.want == "json" {
			want = "application/json"
		}
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, want) {
			t.Errorf("GET %s, Accept %q: %d %q, want %s", tc.path, tc.accept, resp.StatusCode, ct, want)
			continue
		}
		if !slices.Contains(resp.Header.Values("Vary"), "Accept") {
			t.Errorf("GET %s: Vary %q, want Accept", tc.path, resp.Header.Values("Vary"))
		}
		if tc.want != "json" && len(citeKeys(t, tc.want, body)) == 0 {
			t.Errorf("GET %s, Accept %q: no references in\n%s", tc.path, tc.accept, body)
		}
	}
}

func TestAPICiteErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ path, want string }{
		{"/api/publications?format=xml", `format "xml": want one of json, csl-json, ris, bibtex`},
		{"/api/publications?format=BibTeX", `format "BibTeX"`},
		{"/api/publications/1?format=endnote", `format "endnote"`},
		{"/api/publications?format=ris&format=bibtex", `"format" given 2 times`},
		{"/api/publications?fromat=ris", `unknown parameter "fromat" (known: q, source, tag, category, since, status, order, limit, cursor, format)`},
		{"/api/publications/1?x=1", `unknown parameter "x" (known: format)`},
	} {
		var e errorBody
		f.getJSON(t, tc.path, http.StatusBadRequest, &e)
		if !strings.Contains(e.Error, tc.want) {
			t.Errorf("GET %s: %q, want %q in it", tc.path, e.Error, tc.want)
		}
	}
	// A missing record is a 404 in every format.
	resp, _ := f.getWith(t, "/api/publications/999", map[string]string{"Accept": "application/x-bibtex"})
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("missing record as BibTeX: %d, Content-Disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}

// TestAPICiteETags: each format of the same URL has its own ETag,
// whether the parameter or Accept chose it; a client's copy in one
// format is current only for that format; and the response cache never
// answers one format with another.
func TestAPICiteETags(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/publications?tag=ports", "/api/publications/" + itoa(f.plain)} {
		etags := map[string]string{}
		// Each format twice: the second may come from the response
		// cache, and must be the same answer.
		for _, round := range []int{1, 2} {
			for _, format := range []string{"json", "csl-json", "ris", "bibtex"} {
				accept := citeContentTypes[format]
				if format == "json" {
					accept = "application/json"
				}
				resp, body := f.getWith(t, path, map[string]string{"Accept": accept})
				ct := resp.Header.Get("Content-Type")
				if resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, accept) {
					t.Fatalf("round %d, GET %s as %s: %d %q:\n%s", round, path, format, resp.StatusCode, ct, body)
				}
				etag := resp.Header.Get("ETag")
				if round == 1 {
					for other, e := range etags {
						if e == etag {
							t.Errorf("GET %s: %s and %s have the same ETag %s", path, format, other, etag)
						}
					}
					etags[format] = etag
				} else if etags[format] != etag {
					t.Errorf("GET %s as %s: ETag %s, then %s", path, format, etags[format], etag)
				}
			}
		}
		// The parameter and Accept name the same answer by different
		// URLs: the ETags differ (the URL is part of it), and each
		// validates only itself.
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		resp, _ := f.getWith(t, path+sep+"format=bibtex", nil)
		if e := resp.Header.Get("ETag"); e == "" || e == etags["json"] {
			t.Errorf("GET %s&format=bibtex: ETag %q (JSON's %q)", path, e, etags["json"])
		}
		resp, _ = f.getWith(t, path, map[string]string{"Accept": "application/x-bibtex", "If-None-Match": etags["bibtex"]})
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s as BibTeX with its own ETag: %d, want 304", path, resp.StatusCode)
		}
		resp, body := f.getWith(t, path, map[string]string{"Accept": "application/json", "If-None-Match": etags["bibtex"]})
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s as JSON with BibTeX's ETag: %d %q, want the JSON:\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		resp, _ = f.getWith(t, path, map[string]string{"Accept": "application/x-research-info-systems", "If-None-Match": etags["json"]})
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), citeContentTypes["ris"]) {
			t.Errorf("GET %s as RIS with JSON's ETag: %d %q, want the RIS", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// TestAPIPublicationsJSONUnchanged: a list asked for without format or
// Accept is the JSON it always was.
func TestAPIPublicationsJSONUnchanged(t *testing.T) {
	f := newFixture(t)
	var page publicationsPage
	f.getJSON(t, "/api/publications?format=json", http.StatusOK, &page)
	if got := ids(page.Publications); !slices.Equal(got, []int64{f.plain, f.evil, f.changed}) {
		t.Errorf("format=json: ids %v", got)
	}
	var one harvest.Publication
	f.getJSON(t, "/api/publications/"+itoa(f.plain)+"?format=json", http.StatusOK, &one)
	if one.ID != f.plain {
		t.Errorf("format=json: record %d", one.ID)
	}
}
