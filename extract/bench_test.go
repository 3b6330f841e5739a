package extract

import (
	"bytes"
	"harvest/internal/golden"
	"os"
	"runtime"
	"testing"
	"time"
)

// The benchmarks: BenchmarkPage runs the extractor on one ~50 KB
// publication page (the seed-shaped fixture with a long related block);
// BenchmarkCorpus on every page of testdata/, reporting pages per second
// and allocations per page. Per core: go test -run XXX -bench . -cpu 1
// ./extract.

// benchPage is a publication page of about 50 KB: the seed-shaped
// fixture with a long related block.
func benchPage(b testing.TB) []byte {
	page := readFixture(b, "seed-resource")
	i := bytes.Index(page, []byte("</section>"))
	j := bytes.Index(page, []byte(`<section class="elementor-section`))
	if i < 0 || j < 0 {
		b.Fatal("seed-resource.html has changed shape")
	}
	block := page[j : i+len("</section>")]
	var out bytes.Buffer
	out.Write(page[:i+len("</section>")])
	for out.Len() < 50<<10 {
		out.Write(bytes.ReplaceAll(block, []byte("/resource/"), []byte("/resource/more-")))
	}
	out.Write(page[i+len("</section>"):])
	return out.Bytes()
}

func BenchmarkPage(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Page("https://coalition.example.org/resource/forced-labour-at-sea/", page, "text/html; charset=utf-8", Rules{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Kind != KindPublication {
			b.Fatalf("Kind = %s", res.Kind)
		}
	}
}

func BenchmarkCorpus(b *testing.B) {
	cases, err := golden.ReadDir(os.DirFS("testdata"))
	if err != nil {
		b.Fatal(err)
	}
	size := 0
	for _, c := range cases {
		size += len(c.Body)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	pages := 0
	for b.Loop() {
		for _, c := range cases {
			if _, err := Page(c.Want.URL, c.Body, c.Want.ContentType, Rules{}); err != nil {
				b.Fatal(err)
			}
			pages++
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(pages), "allocs/page")
	b.ReportMetric(float64(size)/float64(len(cases))/1024, "KB/page")
}

// BenchmarkPageRules is BenchmarkPage with a source's selectors: they are
// compiled once, not per page.
func BenchmarkPageRules(b *testing.B) {
	page := benchPage(b)
	rules := Rules{
		Content: "article .entry-content", Title: "h1.entry-title", Categories: ".entry-meta a[rel=tag]",
		Downloads: ".entry-content a[href$='.pdf']", Remove: []string{".elementor-section", "#cookie-notice"},
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Page("https://coalition.example.org/resource/forced-labour-at-sea/", page, "text/html; charset=utf-8", rules)
		if err != nil {
			b.Fatal(err)
		}
		if res.Kind != KindPublication || res.Sources["title"] != "rules" {
			b.Fatalf("Kind = %s, sources %v", res.Kind, res.Sources)
		}
	}
}
