package extract

import (
	"harvest/internal/golden"
	"os"
	"strings"
	"testing"
	"time"
)

// TestBenchPage checks that the benchmark measures the real work.
func TestBenchPage(t *testing.T) {
	page := benchPage(t)
	if len(page) < 45<<10 {
		t.Fatalf("bench page is %d bytes", len(page))
	}
	res, err := Page("https://coalition.example.org/resource/forced-labour-at-sea/", page, "", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Publication
	if got, want := p.Title, "Forced Labour at Sea: Evidence from Seafood Supply Chains"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got := strings.Join(p.Tags, ","); got != "" {
		t.Errorf("Tags = %q, want none", got)
	}
}

// FuzzPage runs the extractor (without its panic guard) on mutated
// fixtures: it must not panic, and what it returns must be clean.
func FuzzPage(f *testing.F) {
	cases, err := golden.ReadDir(os.DirFS("testdata"))
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		f.Add(c.Want.URL, c.Body, c.Want.ContentType)
	}
	f.Add("https://example.org/", []byte("<p>post<br>page<br>wp_block<br>acf-field</p>"), "")
	f.Add("https://example.org/", []byte("<html><body class=single><h1>x</h1><p>a- b</p>"), "text/html; charset=windows-1252")
	f.Fuzz(func(t *testing.T, u string, body []byte, ct string) {
		start := time.Now()
		res, err := page(u, body, ct, Rules{}, true)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v on %d bytes", d, len(body))
		}
		if err != nil {
			return
		}
		if res.Kind != KindPublication && res.Kind != KindListing && res.Kind != KindOther {
			t.Fatalf("Kind = %q", res.Kind)
		}
		for _, l := range res.Links {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || strings.Contains(l, "#") {
				t.Errorf("link %q", l)
			}
		}
		checkUTF8Lenient(t, res)
		p := res.Publication
		if res.Kind == KindPublication && (p.Categories == nil || p.Tags == nil || p.Downloads == nil) {
			t.Errorf("nil lists in %+v", p)
		}
		if n := len([]rune(p.Summary)); n > SummaryLimit {
			t.Errorf("summary of %d characters", n)
		}
	})
}
