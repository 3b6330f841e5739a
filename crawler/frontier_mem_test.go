package crawler

import (
	"fmt"
	"harvest"
	"runtime"
	"strings"
	"testing"
	"time"

	"harvest/extract"
)

// frontierURLs is the size of the frontier the memory bound is about: a
// large WordPress site's publications, listings and tags.
const frontierURLs = 500_000

// maxFrontierHeap is the live heap allowed for a run that holds
// frontierURLs URLs (seen set, queue and the per-URL caches).
const maxFrontierHeap = 200 << 20

// slugWords make WordPress-like slugs of five words.
var slugWords = strings.Fields(`annual report climate policy water energy
health education urban rural market labour trade finance review survey
evidence impact youth gender digital food security housing transport
migration data index brief working paper national regional global
assessment strategy framework outlook monitoring reform`)

// slug returns the n-th distinct five-word slug.
func slug(n int) string {
	w := len(slugWords)
	parts := make([]string, 0, 6)
	for range 5 {
		parts = append(parts, slugWords[n%w])
		n /= w
	}
	if n > 0 {
		parts = append(parts, fmt.Sprint(n))
	}
	return strings.Join(parts, "-")
}

// feedResult is what feeding a run's frontier measured.
type feedResult struct {
	urls       int           // URLs in the frontier (seen and queued)
	heap       uint64        // live heap they hold, after GC
	perPush    time.Duration // wall time per discovered link handled
	perPop     time.Duration // wall time per task handed out and done
	pagesReady int           // page tasks queued before popping
}

// feedFrontier fills a run as a crawl of a large site does, without
// HTTP: first a sitemap lists half the publications with their lastmod,
// then listing pages (a category's pages /category/c/page/N/, each with
// 18 publications, a tag, the next page and the same 12 menu links) are
// followed through the code a read page goes through (follow: scope
// check, link cache, query variants, pagination, push). A tenth of the
// publication links carry a query string. It stops when n URLs are
// queued, measures the live heap, then pops every task.
func feedFrontier(tb testing.TB, n int) feedResult {
	tb.Helper()
	before := liveHeap()
	r := newBenchRun(tb, nil)
	menu := make([]string, 0, 12)
	for _, p := range []string{"", "about/", "contact/", "resources/", "news/", "events/",
		"team/", "partners/", "careers/", "privacy-policy/", "category/news/", "tag/featured/"} {
		menu = append(menu, benchSite+"/"+p)
	}
	queued := func() int {
		q, _ := r.frontier.state()
		return q
	}
	start := time.Now()
	pushes := 0
	// The sitemap: half the publications, with a lastmod each.
	for i := 0; i < n/2; i++ {
		lm := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		r.enqueue(benchSite+"/resource/"+slug(i)+"/", 1, lm)
		pushes++
	}
	// The listings: they link the sitemap's publications again, and
	// as many more.
	pub := 0
	const cats = 300
	for page := 0; queued() < n; page++ {
		cat, num := page%cats, page/cats+1
		final := fmt.Sprintf("%s/category/cat-%d/page/%d/", benchSite, cat, num)
		links := make([]string, 0, 32)
		links = append(links, menu...)
		links = append(links, fmt.Sprintf("%s/category/cat-%d/page/%d/", benchSite, cat, num+1))
		for range 18 {
			u := benchSite + "/resource/" + slug(pub) + "/"
			if pub%10 == 9 {
				u += "?lang=fr"
			}
			links = append(links, u)
			pub++
		}
		links = append(links, fmt.Sprintf("%s/tag/topic-%d/", benchSite, page))
		r.follow(task{url: final, depth: 1}, final, &extract.Result{Kind: extract.KindListing, Links: links})
		pushes += len(links)
	}
	pushTime := time.Since(start)

	res := feedResult{urls: queued(), pagesReady: queued(), perPush: pushTime / time.Duration(pushes)}
	res.heap = heapSince(before)
	return popAll(tb, r, res)
}

// resumeFrontier gives a new run the frontier of an interrupted one: n
// URLs, the first half done, the others to fetch again.
func resumeFrontier(tb testing.TB, n int) feedResult {
	tb.Helper()
	before := liveHeap()
	entries := make([]harvest.FrontierEntry, n)
	for i := range entries {
		u := benchSite + "/resource/" + slug(i) + "/"
		entries[i] = harvest.FrontierEntry{Key: strings.TrimSuffix(u, "/"), URL: u, Depth: 1, State: entryState(i < n/2)}
		if i%2 == 0 {
			entries[i].Lastmod = "2024-05-01T10:00:00+00:00"
		}
	}
	start := time.Now()
	r := newBenchRun(tb, entries)
	// entries is dead from here on: what the run holds is measured.
	q, _ := r.frontier.state()
	res := feedResult{urls: n, pagesReady: q, perPush: time.Since(start) / time.Duration(n)}
	res.heap = heapSince(before)
	return popAll(tb, r, res)
}

const benchSite = "https://www.example.org"

// newBenchRun makes a run as Run does, without fetching anything.
func newBenchRun(tb testing.TB, resume []harvest.FrontierEntry) *run {
	tb.Helper()
	r, err := newRun(tb.Context(), Options{
		Source: "bench", StartURLs: []string{benchSite + "/"}, UserAgent: "harvest-bench",
		AllowPrivateNetworks: true, Concurrency: 1, Resume: resume,
	}, &collect{})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapSince is the live heap grown since before.
func heapSince(before uint64) uint64 {
	if after := liveHeap(); after > before {
		return after - before
	}
	return 0
}

// popAll hands out and finishes every task queued, timing it.
func popAll(tb testing.TB, r *run, res feedResult) feedResult {
	tb.Helper()
	start := time.Now()
	pops := 0
	for {
		t, ok := r.frontier.next(tb.Context())
		if !ok {
			break
		}
		r.frontier.done(t)
		pops++
	}
	if pops > 0 {
		res.perPop = time.Since(start) / time.Duration(pops)
	}
	if pops != res.pagesReady {
		tb.Errorf("popped %d tasks, %d were queued", pops, res.pagesReady)
	}
	runtime.KeepAlive(r)
	return res
}

// TestFrontierMemoryBound: a run holding 500,000 URLs stays under 200 MB
// of live heap, whether it discovered them or resumed them from the
// journal. It is a bound on memory, not on time.
func TestFrontierMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 500,000 URLs (several seconds)")
	}
	for _, tt := range []struct {
		name string
		feed func(testing.TB, int) feedResult
	}{
		{"discovered", feedFrontier},
		{"resumed", resumeFrontier},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.feed(t, frontierURLs)
			t.Logf("%d URLs: %.1f MB live, %d B/URL, %v per URL fed, %v per pop",
				res.urls, float64(res.heap)/(1<<20), res.heap/uint64(res.urls), res.perPush, res.perPop)
			if res.heap > maxFrontierHeap {
				t.Errorf("live heap %.1f MB for %d URLs, want under %d MB", float64(res.heap)/(1<<20), res.urls, maxFrontierHeap>>20)
			}
		})
	}
}

// BenchmarkFrontier500k reports the live heap of a 500,000-URL run,
// discovered or resumed, and the time per URL fed and per task handed
// out. One iteration is one run of several seconds.
func BenchmarkFrontier500k(b *testing.B) {
	for _, bb := range []struct {
		name string
		feed func(testing.TB, int) feedResult
	}{
		{"discovered", feedFrontier},
		{"resumed", resumeFrontier},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var res feedResult
			for b.Loop() {
				res = bb.feed(b, frontierURLs)
			}
			b.ReportMetric(float64(res.heap)/(1<<20), "MB")
			b.ReportMetric(float64(res.heap)/float64(res.urls), "B/URL")
			b.ReportMetric(float64(res.perPush.Nanoseconds()), "ns/fed")
			b.ReportMetric(float64(res.perPop.Nanoseconds()), "ns/pop")
		})
	}
}

func entryState(done bool) string {
	if done {
		return harvest.EntryDone
	}
	return harvest.EntryQueued
}
