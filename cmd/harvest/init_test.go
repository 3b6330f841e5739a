package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"harvest"
	"harvest/config"
	"harvest/demosite"
)

// initSites are the sites harvest init is tried on: the demo site (a
// calendar trap, feeds, one item URL shape), the two unseen fixture sites,
// and testdata/init/traps (a calendar, feeds, a search link and
// WordPress's REST API linked from every page; items under /reports/).
var initSites = []struct {
	name    string
	handler func(t *testing.T) http.Handler
	// truth lists the site's publications with their other addresses.
	truth func(t *testing.T) []demosite.Expected
	// itemURL is the item_url init must write ("" for none).
	itemURL string
	// exclude are patterns init must write (in any order, others allowed).
	exclude []string
}{
	{
		name:    "demo",
		handler: func(*testing.T) http.Handler { return demosite.Handler() },
		truth:   func(*testing.T) []demosite.Expected { return demosite.Truth() },
		itemURL: `^https?://[^/]+/resource/[^/]+/$`,
		exclude: []string{`/events/`},
	},
	{
		name: "elementor",
		handler: func(t *testing.T) http.Handler {
			return newStaticSite(t, filepath.Join("testdata", "sites", "elementor"))
		},
		itemURL: `^https?://[^/]+/publications/[^/]+/$`,
	},
	{
		// /library/index.html is a listing of the same shape as the
		// items (/library/NAME.html): no item_url.
		name:    "plain",
		handler: func(t *testing.T) http.Handler { return newStaticSite(t, filepath.Join("testdata", "sites", "plain")) },
		truth: func(t *testing.T) []demosite.Expected {
			return readSiteTruth(t, filepath.Join("testdata", "sites", "plain"))
		},
	},
	{
		name:    "traps",
		handler: func(t *testing.T) http.Handler { return newStaticSite(t, filepath.Join("testdata", "init", "traps")) },
		itemURL: `^https?://[^/]+/reports/[^/]+/$`,
		exclude: []string{`/events/`, `/(feed|rss|atom)/?$`, `[?&]s=`, `/(wp-admin|wp-json|wp-login\.php|xmlrpc\.php)`},
	},
}

// TestInitThenCrawl runs init against each site, checks what it wrote,
// then crawls with the file and compares the records with those of an
// ad-hoc crawl of the same site.
func TestInitThenCrawl(t *testing.T) {
	for _, site := range initSites {
		t.Run(site.name, func(t *testing.T) {
			srv := httptest.NewServer(site.handler(t))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			file := filepath.Join(dir, "config.yaml")
			stdout, stderr, err := runCLI(t, "init", srv.URL+"/", "-o", file, "--delay", "0", "--name", site.name)
			if err != nil {
				t.Fatalf("harvest init: %v\n%s", err, stderr)
			}
			t.Logf("harvest init:\n%s", stdout)
			if !strings.Contains(stdout, "harvest crawl --config "+file+" --source "+site.name) {
				t.Errorf("init output does not say what to run next:\n%s", stdout)
			}
			cfg, err := config.Load(file)
			if err != nil {
				t.Fatalf("written file does not load: %v", err)
			}
			src, err := cfg.Source(site.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(src.StartURLs) != 1 || src.StartURLs[0] != srv.URL+"/" {
				t.Errorf("start_urls = %q, want [%s/]", src.StartURLs, srv.URL)
			}
			if !src.Sitemaps || src.Schedule != "@weekly" || src.Delay != 0 {
				t.Errorf("sitemaps, schedule, delay = %v, %q, %v; want true, @weekly, 0s", src.Sitemaps, src.Schedule, src.Delay)
			}
			if !slices.Contains(src.AllowedDomains, "127.0.0.1") {
				t.Errorf("allowed_domains = %q, want 127.0.0.1 among them", src.AllowedDomains)
			}
			got := ""
			if src.ItemURL != nil {
				got = src.ItemURL.String()
			}
			if got != site.itemURL {
				t.Errorf("item_url = %q, want %q", got, site.itemURL)
			}
			var excl []string
			for _, re := range src.Exclude {
				excl = append(excl, re.String())
			}
			for _, want := range site.exclude {
				if !slices.Contains(excl, want) {
					t.Errorf("exclude = %q, want %q among them", excl, want)
				}
			}
			written, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// Every key not chosen is there, commented out.
			for _, key := range []string{"# db:", "# defaults:", "# timezone:", "# jitter:", "# include:", "# mirror_files:", "# selectors:", "# max_removals:"} {
				if !bytes.Contains(written, []byte(key)) {
					t.Errorf("written file lacks the commented-out %q", key)
				}
			}

			configured := filepath.Join(dir, "configured.db")
			if _, stderr, err := runCLI(t, "crawl", "--config", file, "--source", site.name, "--db", configured, "--quiet"); err != nil {
				t.Fatalf("crawl --config: %v\n%s", err, stderr)
			}
			adhoc := filepath.Join(dir, "adhoc.db")
			if _, stderr, err := runCLI(t, "crawl", "--url", srv.URL+"/", "--delay", "0", "--db", adhoc, "--quiet"); err != nil {
				t.Fatalf("crawl --url: %v\n%s", err, stderr)
			}
			// A publication under two addresses is recorded under the one
			// fetched first, which the order of concurrent fetches decides:
			// records are compared under the truth's main address.
			alias := map[string]string{}
			if site.truth != nil {
				for _, w := range site.truth(t) {
					for _, alt := range w.AltURLs {
						alias[srv.URL+alt] = srv.URL + w.URL
					}
				}
			}
			want, gotRecs := recordsOf(exportJSONL(t, adhoc), alias), recordsOf(exportJSONL(t, configured), alias)
			if len(want) == 0 {
				t.Fatal("the ad-hoc crawl found no records")
			}
			for u, w := range want {
				g, ok := gotRecs[u]
				switch {
				case !ok:
					t.Errorf("%s: in the ad-hoc crawl, not in the configured one", u)
				case g != w:
					t.Errorf("%s differs:\n configured %s\n ad hoc     %s", u, g, w)
				}
			}
			for u := range gotRecs {
				if _, ok := want[u]; !ok {
					t.Errorf("%s: in the configured crawl, not in the ad-hoc one", u)
				}
			}
		})
	}
}

// recordsOf keys the compared fields of each record (title, tags,
// categories and downloads) by its URL, or the main URL of which it is an
// alias.
func recordsOf(pubs []harvest.Publication, alias map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range pubs {
		var dl []string
		for _, d := range p.Downloads {
			dl = append(dl, d.URL)
		}
		key := p.URL
		if main, ok := alias[key]; ok {
			key = main
		}
		out[key] = strings.Join([]string{p.Title, strings.Join(p.Tags, ";"), strings.Join(p.Categories, ";"), strings.Join(dl, ";")}, " | ")
	}
	return out
}
