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
	"harvest/internal/demosite"
	"harvest/internal/sitegen"
)

// initSites are the sites harvest init is tried on: the demo site (a
// calendar trap, one item URL shape), the two unseen fixture sites, a
// sitegen site (a calendar, feeds), and testdata/init/traps (a calendar, feeds, a search link and
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
		// A generated WordPress-shaped site of 150 publications.
		name:    "sitegen",
		handler: func(*testing.T) http.Handler { return sitegen.New(sitegen.Options{Pages: 150, Seed: 3}).Handler() },
		itemURL: `^https?://[^/]+/resource/[^/]+/$`,
		exclude: []string{`/events/`, `/(feed|rss|atom)/?$`},
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

// TestInitAppends adds a source to existing configuration files: every
// byte of the old file stays, in place, and the result loads with the old
// sources and the new one.
func TestInitAppends(t *testing.T) {
	srv := httptest.NewServer(newStaticSite(t, filepath.Join("testdata", "init", "traps")))
	t.Cleanup(srv.Close)
	reference, err := os.ReadFile(filepath.Join("..", "..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		old  string
		// tail is the end of old that must stay at the end of the file
		// (the source goes before it); "" when the source goes last.
		tail string
	}{
		{name: "reference config.yaml", old: string(reference)},
		{name: "empty file", old: ""},
		{name: "no sources key", old: "# my catalogue\ndb: mine.db # here\n"},
		{name: "no final newline", old: "db: mine.db\nsources:\n  - name: a\n    start_urls: [https://a.example/]  # first"},
		{name: "unindented list", old: "sources:\n- name: a   # a comment\n  start_urls:\n  - https://a.example/\n# trailing comment\n"},
		{
			name: "sources before another key",
			old:  "# head\nsources:\n    - name: a\n      start_urls:\n        - https://a.example/\n      # selectors: {}\n\n# The catalogue\ndb: x.db\n",
			tail: "\n# The catalogue\ndb: x.db\n",
		},
		{name: "empty sources", old: "sources:\n# none yet\ndefaults:\n  delay: 2s\n", tail: "# none yet\ndefaults:\n  delay: 2s\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(file, []byte(c.old), 0o600); err != nil {
				t.Fatal(err)
			}
			before, err := config.Parse(file, []byte(c.old))
			if err != nil {
				t.Fatalf("the old file does not load: %v", err)
			}
			if _, stderr, err := runCLI(t, "init", srv.URL+"/", "-o", file, "--delay", "0", "--name", "added"); err != nil {
				t.Fatalf("harvest init: %v\n%s", err, stderr)
			}
			out, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			head := strings.TrimSuffix(c.old, c.tail)
			if !strings.HasPrefix(string(out), head) || !strings.HasSuffix(string(out), c.tail) {
				t.Fatalf("the old part changed:\n%s", out)
			}
			cfg, err := config.Load(file)
			if err != nil {
				t.Fatalf("the new file does not load: %v\n%s", err, out)
			}
			var names []string
			for _, s := range cfg.Sources {
				names = append(names, s.Name)
			}
			var want []string
			for _, s := range before.Sources {
				want = append(want, s.Name)
			}
			want = append(want, "added")
			if !slices.Equal(names, want) {
				t.Errorf("sources = %q, want %q", names, want)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("mode after writing = %v (%v), want the old 0600", fi.Mode(), err)
			}
			// And init adds to a file it wrote itself.
			if _, stderr, err := runCLI(t, "init", srv.URL+"/", "-o", file, "--delay", "0", "--name", "added-again"); err != nil {
				t.Fatalf("second harvest init: %v\n%s", err, stderr)
			}
			again, _ := os.ReadFile(file)
			if !strings.HasPrefix(string(again), strings.TrimSuffix(string(out), c.tail)) {
				t.Errorf("the second init changed what the first wrote")
			}
			if _, err := config.Load(file); err != nil {
				t.Errorf("after a second init: %v", err)
			}
		})
	}
}

// TestInitRefuses checks that init leaves alone what it must not touch:
// a file with a source of the same name, a file that is no harvest
// configuration, a bad name.
func TestInitRefuses(t *testing.T) {
	srv := httptest.NewServer(newStaticSite(t, filepath.Join("testdata", "init", "traps")))
	t.Cleanup(srv.Close)
	cases := []struct {
		name, old string
		args      []string
		want      string
	}{
		{name: "duplicate name", old: "sources:\n  - name: traps\n    start_urls: [https://a.example/]\n", args: []string{"--name", "traps"}, want: `already has a source named "traps"`},
		{name: "derived duplicate name", old: "sources:\n  - name: " + nameFromHost(strings.TrimPrefix(srv.URL, "http://")) + "\n    start_urls: [https://a.example/]\n", want: "already has a source named"},
		{name: "not a harvest configuration", old: "apiVersion: v1\nkind: Pod\n", want: "is not a valid harvest configuration"},
		{name: "not YAML", old: "package main\n\nfunc main() {}\n", want: "is not a valid harvest configuration"},
		{name: "bad name", args: []string{"--name", "a b"}, want: `--name "a b"`},
		{name: "bad schedule", args: []string{"--schedule", "sometimes"}, want: "would not load"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "config.yaml")
			if c.old != "" {
				if err := os.WriteFile(file, []byte(c.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := append([]string{"init", srv.URL + "/", "-o", file, "--delay", "0"}, c.args...)
			_, _, err := runCLI(t, args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one saying %q", err, c.want)
			}
			after, rerr := os.ReadFile(file)
			if c.old == "" {
				if rerr == nil {
					t.Errorf("init failed but wrote %s", file)
				}
			} else if string(after) != c.old {
				t.Errorf("init failed but changed the file:\n%s", after)
			}
			entries, _ := os.ReadDir(filepath.Dir(file))
			for _, e := range entries {
				if e.Name() != "config.yaml" {
					t.Errorf("left behind %s", e.Name())
				}
			}
		})
	}
}

func TestItemPattern(t *testing.T) {
	const b = "https://example.org"
	cases := []struct {
		name          string
		items, others []string
		want          string // "" when none
	}{
		{"WordPress slugs", []string{b + "/resource/a/", b + "/resource/b-2/"}, []string{b + "/", b + "/resources/", b + "/resources/page/2/"}, `^https?://[^/]+/resource/[^/]+/$`},
		{"dated slugs", []string{b + "/2023/05/a/", b + "/2024/01/b/"}, []string{b + "/"}, ""},
		{"fixed middle", []string{b + "/en/publications/a/", b + "/en/publications/b/"}, []string{b + "/en/"}, `^https?://[^/]+/en/publications/[^/]+/$`},
		{"extension", []string{b + "/library/a.html", b + "/library/b.html"}, []string{b + "/"}, `^https?://[^/]+/library/[^/]+\.html$`},
		{"a listing of the same shape", []string{b + "/library/a.html", b + "/library/b.html"}, []string{b + "/library/index.html"}, ""},
		{"different depths", []string{b + "/resource/a/", b + "/resource/x/b/"}, nil, ""},
		{"trailing slash or not", []string{b + "/resource/a/", b + "/resource/b"}, nil, ""},
		{"query strings", []string{b + "/?p=1", b + "/?p=2"}, nil, ""},
		{"one item", []string{b + "/resource/a/"}, nil, ""},
		{"no fixed segment", []string{b + "/a/", b + "/b/"}, nil, ""},
		{"special characters quoted", []string{b + "/c++/a/", b + "/c++/b/"}, nil, `^https?://[^/]+/c\+\+/[^/]+/$`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := itemPattern(c.items, c.others)
			if got != c.want {
				t.Errorf("itemPattern = %q (%s), want %q", got, why, c.want)
			}
			if got == "" && why == "" {
				t.Error("no pattern and no reason")
			}
		})
	}
}

func TestNameFromHost(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"example.org", "example.org"},
		{"www.example.org", "www.example.org"},
		{"WWW.Example.org:8080", "WWW.Example.org-8080"},
		{"127.0.0.1:4000", "127.0.0.1-4000"},
		{"[::1]:4000", "1-4000"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
	} {
		got := nameFromHost(c.in)
		if got != c.want || !config.ValidName(got) {
			t.Errorf("nameFromHost(%q) = %q, want %q (a valid name)", c.in, got, c.want)
		}
	}
}
