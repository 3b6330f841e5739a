package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"harvest"
)

func testGetNotFound(t *testing.T, open Opener) {
	db := open(t)
	if _, err := db.Get(t.Context(), 42); !errors.Is(err, harvest.ErrNotFound) {
		t.Errorf("Get(42) error = %v, want ErrNotFound", err)
	}
}

func sortedIDs(lists ...[]int64) []int64 {
	var ids []int64
	for _, l := range lists {
		ids = append(ids, l...)
	}
	slices.Sort(ids)
	return ids
}

func testEachAndCount(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	bySource := map[string][]int64{}
	var all, tagged, late []int64
	for i := range 4 {
		for _, s := range []string{"a", "b", "c"} {
			p := pub(s, fmt.Sprintf("https://%s.example/p/%d", s, i), fmt.Sprintf("%s %d", s, i))
			if i%2 == 0 {
				p.Tags = []string{"Even"}
				p.Categories = []string{"Reports"}
			}
			res := save(t, db, p, t0.Add(time.Duration(i)*time.Hour))
			bySource[s] = append(bySource[s], res.ID)
			all = append(all, res.ID)
			if i%2 == 0 {
				tagged = append(tagged, res.ID)
			}
			if i >= 2 {
				late = append(late, res.ID)
			}
		}
	}
	if ok, err := db.MarkGone(ctx, "a", "https://a.example/p/0", t0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("MarkGone = %v, %v", ok, err)
	}
	gone := bySource["a"][0]
	without := func(ids []int64, id int64) []int64 {
		return slices.DeleteFunc(slices.Clone(ids), func(x int64) bool { return x == id })
	}
	tests := []struct {
		name   string
		filter harvest.Filter
		want   []int64
	}{
		{"all", harvest.Filter{}, all},
		{"one source", harvest.Filter{Sources: []string{"b"}}, bySource["b"]},
		{"two sources", harvest.Filter{Sources: []string{"c", "a"}}, sortedIDs(bySource["a"], bySource["c"])},
		{"unknown source", harvest.Filter{Sources: []string{"zzz"}}, nil},
		{"active", harvest.Filter{Status: harvest.StatusActive}, without(all, gone)},
		{"removed", harvest.Filter{Status: harvest.StatusRemoved}, []int64{gone}},
		{"source and status", harvest.Filter{Sources: []string{"a"}, Status: harvest.StatusActive}, without(bySource["a"], gone)},
		{"tag, case ignored", harvest.Filter{Tag: "EVEN"}, tagged},
		{"category", harvest.Filter{Category: "reports", Status: harvest.StatusActive}, without(tagged, gone)},
		{"unknown tag", harvest.Filter{Tag: "odd"}, nil},
		// The removal at t0+1h is a change of record a/0.
		{"since", harvest.Filter{Since: t0.Add(2 * time.Hour)}, late},
		{"since, the removal", harvest.Filter{Since: t0.Add(time.Hour), Sources: []string{"a"}}, sortedIDs([]int64{gone}, bySource["a"][1:])},
		// Until is inclusive and, like Since, compared to the second.
		{"until", harvest.Filter{Until: t0.Add(time.Hour)}, sortedIDs(all[:6])},
		{"until, within its second", harvest.Filter{Until: t0.Add(time.Hour + 900*time.Millisecond)}, sortedIDs(all[:6])},
		{"until, before the first", harvest.Filter{Until: t0.Add(-time.Second)}, nil},
		{"since and until", harvest.Filter{Since: t0.Add(time.Hour), Until: t0.Add(2 * time.Hour)}, sortedIDs([]int64{gone}, all[3:9])},
		{"since and until, one second", harvest.Filter{Since: t0.Add(2 * time.Hour), Until: t0.Add(2 * time.Hour)}, all[6:9]},
		{"until and source", harvest.Filter{Until: t0.Add(time.Hour), Sources: []string{"a"}, Status: harvest.StatusActive}, []int64{bySource["a"][1]}},
		{"until and tag", harvest.Filter{Until: t0.Add(time.Hour), Tag: "even"}, tagged[:3]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := db.Each(ctx, tc.filter, func(p harvest.Publication) error {
				got = append(got, p.ID)
				want, err := db.Get(ctx, p.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(p, want) {
					t.Errorf("Each gave\n%+v\nGet gives\n%+v", p, want)
				}
				if p.Categories == nil || p.Tags == nil || p.Downloads == nil || p.DuplicateURLs == nil || p.Authors == nil || p.ExternalLinks == nil {
					t.Errorf("record %d has nil lists: %+v", p.ID, p)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Each ids = %v, want %v", got, tc.want)
			}
			if n := count(t, db, tc.filter); n != len(tc.want) {
				t.Errorf("Count = %d, want %d", n, len(tc.want))
			}
			res, err := db.Search(ctx, harvest.Query{Filter: tc.filter, Limit: harvest.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(tc.want) || len(res.Publications) != len(tc.want) {
				t.Errorf("Search: total %d, %d records; want %d", res.Total, len(res.Publications), len(tc.want))
			}
		})
	}
}

func testEachStopsAtError(t *testing.T, open Opener) {
	db := open(t)
	for i := range 3 {
		save(t, db, pub("s", fmt.Sprintf("https://ex.org/%d", i), "T"), t0)
	}
	errStop := errors.New("stop")
	calls := 0
	err := db.Each(t.Context(), harvest.Filter{}, func(harvest.Publication) error { calls++; return errStop })
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("Each = %v after %d calls, want errStop after 1", err, calls)
	}
}

// testReadWhileWriting streams the catalogue while writers save from
// several goroutines: nothing fails, and the stream sees the catalogue as
// it was when it began.
func testReadWhileWriting(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	const initial, writers, perWriter = 30, 4, 10
	for i := range initial {
		p := pub("s", fmt.Sprintf("https://ex.org/p/%d", i), fmt.Sprintf("P %d", i))
		p.Summary = "original"
		save(t, db, p, t0)
	}
	write := func(w int) error {
		for i := range perWriter {
			if _, err := db.Save(ctx, pub("w", fmt.Sprintf("https://ex.org/w/%d/%d", w, i), "W"), t0.Add(time.Minute)); err != nil {
				return err
			}
			k := (w*perWriter + i) % initial
			q := pub("s", fmt.Sprintf("https://ex.org/p/%d", k), fmt.Sprintf("P %d", k))
			q.Summary = fmt.Sprintf("edited by %d", w)
			if _, err := db.Save(ctx, q, t0.Add(time.Minute)); err != nil {
				return err
			}
		}
		return nil
	}
	seen := 0
	err := db.Each(ctx, harvest.Filter{Sources: []string{"s"}}, func(p harvest.Publication) error {
		if seen == 0 {
			var wg sync.WaitGroup
			errs := make(chan error, writers+1)
			for w := range writers {
				wg.Go(func() { errs <- write(w) })
			}
			wg.Go(func() {
				_, err := db.Count(ctx, harvest.Filter{Sources: []string{"w"}})
				errs <- err
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					return err
				}
			}
		}
		seen++
		if p.Summary != "original" {
			t.Errorf("record %d: Summary = %q in a stream begun before the edit", p.ID, p.Summary)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != initial {
		t.Errorf("stream saw %d records, want %d", seen, initial)
	}
	if n := count(t, db, harvest.Filter{}); n != initial+writers*perWriter {
		t.Errorf("Count after writers = %d, want %d", n, initial+writers*perWriter)
	}
}

// searchDB is a catalogue of a few records whose words say where they
// occur.
func searchDB(t *testing.T, open Opener) (harvest.Catalogue, map[string]int64) {
	t.Helper()
	db := open(t)
	ids := map[string]int64{}
	add := func(key string, p harvest.Publication, seen time.Time) {
		t.Helper()
		p.Source, p.CanonicalURL = "s", p.URL
		ids[key] = save(t, db, p, seen).ID
	}
	add("title", harvest.Publication{URL: "https://ex.org/1", Title: "Fisheries and forced labour",
		Summary: "A report.", Tags: []string{"ports"}}, t0)
	add("summary", harvest.Publication{URL: "https://ex.org/2", Title: "Crew change",
		Summary: "Seafarers stranded at sea, far from fisheries and farms.", Categories: []string{"Policy briefs"}}, t0.Add(time.Hour))
	add("tag", harvest.Publication{URL: "https://ex.org/3", Title: "Cold chains",
		Summary: "Hidden costs.", Tags: []string{"Fisheries", "Supply chains"}, Publisher: "Lantern Institute"}, t0.Add(2*time.Hour))
	add("none", harvest.Publication{URL: "https://ex.org/4", Title: "Grievance mechanisms",
		Summary: "On board.", Categories: []string{"Toolkits"}, Publisher: "Pêcheurs Unis"}, t0.Add(3*time.Hour))
	return db, ids
}

func testSearchRanksAndFilters(t *testing.T, open Opener) {
	db, id := searchDB(t, open)
	tests := []struct {
		name string
		q    harvest.Query
		want []int64
	}{
		{"title beats tag beats summary", harvest.Query{Text: "fisheries"}, []int64{id["title"], id["tag"], id["summary"]}},
		{"all words", harvest.Query{Text: "fisheries ports"}, []int64{id["title"]}},
		{"phrase", harvest.Query{Text: `"supply chains"`}, []int64{id["tag"]}},
		{"phrase in order only", harvest.Query{Text: `"chains supply"`}, nil},
		{"prefix", harvest.Query{Text: "seafar*"}, []int64{id["summary"]}},
		{"phrase prefix", harvest.Query{Text: `"crew chan"*`}, []int64{id["summary"]}},
		{"case ignored", harvest.Query{Text: "GRIEVANCE"}, []int64{id["none"]}},
		{"category", harvest.Query{Text: "toolkits"}, []int64{id["none"]}},
		{"publisher", harvest.Query{Text: "lantern"}, []int64{id["tag"]}},
		{"diacritics ignored", harvest.Query{Text: "pecheurs"}, []int64{id["none"]}},
		{"diacritics typed", harvest.Query{Text: "Pêcheurs"}, []int64{id["none"]}},
		{"exclusion", harvest.Query{Text: "fisheries -ports"}, []int64{id["tag"], id["summary"]}},
		{"exclusion alone", harvest.Query{Text: "-fisheries"}, []int64{id["none"]}},
		{"or", harvest.Query{Text: "crew OR grievance"}, []int64{id["summary"], id["none"]}},
		{"lower-case or is a word", harvest.Query{Text: "crew or grievance"}, nil},
		{"punctuation splits words", harvest.Query{Text: "forced-labour"}, []int64{id["title"]}},
		{"filter and text", harvest.Query{Text: "fisheries", Filter: harvest.Filter{Tag: "fisheries"}}, []int64{id["tag"]}},
		{"tag case ignored", harvest.Query{Filter: harvest.Filter{Tag: "SUPPLY CHAINS"}}, []int64{id["tag"]}},
		{"category filter", harvest.Query{Filter: harvest.Filter{Category: "policy briefs"}}, []int64{id["summary"]}},
		{"since", harvest.Query{Filter: harvest.Filter{Since: t0.Add(2 * time.Hour)}}, []int64{id["tag"], id["none"]}},
		{"newest first", harvest.Query{Order: harvest.OrderNewest}, []int64{id["none"], id["tag"], id["summary"], id["title"]}},
		{"text, newest first", harvest.Query{Text: "fisheries", Order: harvest.OrderNewest}, []int64{id["tag"], id["summary"], id["title"]}},
		{"text, id order", harvest.Query{Text: "fisheries", Order: harvest.OrderID}, []int64{id["title"], id["summary"], id["tag"]}},
		{"no terms: id order", harvest.Query{Text: `"*"`}, []int64{id["title"], id["summary"], id["tag"], id["none"]}},
		{"unknown source", harvest.Query{Filter: harvest.Filter{Sources: []string{"t"}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := searchIDs(t, db, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			res, err := db.Search(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(tt.want) {
				t.Errorf("total = %d, want %d", res.Total, len(tt.want))
			}
			wantOrder := tt.q.Order
			if wantOrder == "" {
				wantOrder = harvest.OrderID
				if harvest.HasSearchTerms(tt.q.Text) {
					wantOrder = harvest.OrderRank
				}
			}
			if res.Order != wantOrder {
				t.Errorf("order = %q, want %q", res.Order, wantOrder)
			}
		})
	}
}

// NastyTexts are search texts full of full-text syntax: no backend may
// fail on any of them.
var NastyTexts = []string{
	`"`, `""`, `"""`, `"fish`, `fish"`, `"fish" "`, `*`, `**`, `fish**`, `*fish`, `-`, `--`, `-*`, `- fish`,
	`OR`, `OR OR`, `fish OR`, `OR fish`, `AND`, `NOT`, `fish NOT`, `NOT fish`, `NEAR`, `fish NEAR ports`,
	`fish NEAR/2 ports`, `NEAR/x`, `(`, `)`, `(fish`, `fish)`, `((fish OR ports) AND -x)`, `title:`,
	`title:fish`, `summary:"x"`, `:`, `^`, `^fish`, `fish^`, `'`, `\`, `\"`, `%`, `_`, `fish%`, `;--`,
	`'); DROP TABLE publications; --`, `<script>alert(1)</script>`, "\x00", "fish\x00ports", "\u00a0",
	"\uFFFD", "\xff\xfe", `🐟`, `漁業`, `é*`, `-"supply chains"*`, `"a"*"b"*`, `a OR -b`, `-a OR b`,
	`MATCH`, `docid:1`, `*:*`, `a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p* q* r* s* t* u* v* w* x* y* z*`,
	`fish & ports`, `fish | ports`, `!fish`, `fish <-> ports`, `fish:*`, `fish:A`, `'fish':*`, "\u0301", "e\u0301",
	strings.Repeat("x", 5000), strings.Repeat("fish ", 300),
}

func testSearchNeverErrors(t *testing.T, open Opener) {
	db, _ := searchDB(t, open)
	for _, text := range NastyTexts {
		for _, order := range []harvest.Order{"", harvest.OrderNewest} {
			if _, err := db.Search(t.Context(), harvest.Query{Text: text, Order: order}); err != nil {
				t.Errorf("Search(%q): %v", text, err)
			}
		}
	}
}

func testSearchPaging(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	var all []int64
	for i := range 23 {
		p := pub("s", fmt.Sprintf("https://ex.org/p/%d", i), fmt.Sprintf("Report %d on fisheries", i))
		if i%3 == 0 {
			p.Summary = "More fisheries, fisheries everywhere."
		}
		all = append(all, save(t, db, p, t0.Add(time.Duration(i/4)*time.Minute)).ID)
	}
	for _, q := range []harvest.Query{
		{Limit: 5},
		{Limit: 5, Order: harvest.OrderNewest},
		{Limit: 4, Text: "fisheries"},
		{Limit: 1, Text: "report"},
		{Limit: 3, Text: "fisheries", Order: harvest.OrderNewest},
		{Limit: 500, Text: "fish*"},
	} {
		t.Run(fmt.Sprintf("%s/%s/%d", q.Text, q.Order, q.Limit), func(t *testing.T) {
			whole := q
			whole.Limit = harvest.MaxLimit
			want := searchIDs(t, db, whole)
			var got []int64
			for page := 0; ; page++ {
				if page > len(all) {
					t.Fatal("paging does not end")
				}
				res, err := db.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != len(all) {
					t.Errorf("total = %d, want %d", res.Total, len(all))
				}
				if len(res.Publications) > q.Limit || (res.Next != "" && len(res.Publications) != q.Limit) {
					t.Errorf("page %d has %d records (limit %d, next %q)", page, len(res.Publications), q.Limit, res.Next)
				}
				for _, p := range res.Publications {
					got = append(got, p.ID)
				}
				if res.Next == "" {
					break
				}
				q.Cursor = res.Next
			}
			if !slices.Equal(got, want) || len(got) != len(all) {
				t.Errorf("pages gave %v, want %v", got, want)
			}
		})
	}
	first, err := db.Search(ctx, harvest.Query{Limit: 2, Text: "fisheries"})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	for _, q := range []harvest.Query{
		{Limit: 2, Text: "fisheries", Cursor: "not a cursor"},
		{Limit: 2, Text: "fisheries", Cursor: "eyJ2IjoxfQ"}, // {"v":1}
		{Limit: 2, Text: "report", Cursor: first.Next},
		{Limit: 2, Text: "fisheries", Order: harvest.OrderNewest, Cursor: first.Next},
		{Limit: 2, Text: "fisheries", Filter: harvest.Filter{Tag: "x"}, Cursor: first.Next},
		{Limit: 2, Text: "fisheries", Filter: harvest.Filter{Until: t0.Add(time.Hour)}, Cursor: first.Next},
	} {
		if _, err := db.Search(ctx, q); !errors.Is(err, harvest.ErrBadCursor) {
			t.Errorf("Search(%+v) = %v, want ErrBadCursor", q, err)
		}
	}
	if _, err := db.Search(ctx, harvest.Query{Limit: 3, Text: "fisheries", Cursor: first.Next}); err != nil {
		t.Errorf("another limit with the same query: %v", err)
	}
	for _, q := range []harvest.Query{{Limit: -1}, {Limit: harvest.MaxLimit + 1}, {Order: "random"}, {Order: harvest.OrderRank}, {Order: harvest.OrderRank, Text: "-fish"}} {
		if _, err := db.Search(ctx, q); !errors.Is(err, harvest.ErrBadQuery) {
			t.Errorf("Search(%+v) = %v, want ErrBadQuery", q, err)
		}
	}
}

// testSearchIndexFollowsChanges: a changed record is found by its new
// words only; a record seen again unchanged stays found.
func testSearchIndexFollowsChanges(t *testing.T, open Opener) {
	db := open(t)
	p := pub("s", "https://ex.org/a", "Fisheries report")
	res := save(t, db, p, t0)
	save(t, db, p, t0.Add(time.Hour))
	if got := searchIDs(t, db, harvest.Query{Text: "fisheries"}); !slices.Equal(got, []int64{res.ID}) {
		t.Errorf("after an unchanged save: %v", got)
	}
	p.Title = "Ports report"
	p.Tags = []string{"dockers"}
	save(t, db, p, t0.Add(2*time.Hour))
	for text, want := range map[string][]int64{"fisheries": nil, "ports": {res.ID}, "dockers": {res.ID}, "report": {res.ID}} {
		if got := searchIDs(t, db, harvest.Query{Text: text}); !slices.Equal(got, want) {
			t.Errorf("after a change, %q finds %v, want %v", text, got, want)
		}
	}
}

// testKeysetWalkWhileAdding: following the cursors of the id and newest
// orders walks every record that existed when the walk began exactly
// once, while new records arrive between pages.
func testKeysetWalkWhileAdding(t *testing.T, open Opener) {
	db := open(t)
	const n = 30
	for i := range n {
		p := pub("lib", url(i), fmt.Sprintf("Fisheries report number %d", i))
		p.Tags = []string{"fisheries"}
		p.Summary = strings.Repeat("fisheries ", 1+i%5)
		save(t, db, p, t0.Add(time.Duration(i/3)*time.Hour))
	}
	added := 0
	for _, q := range []harvest.Query{
		{Order: harvest.OrderID},
		{Order: harvest.OrderNewest},
		{Order: harvest.OrderNewest, Filter: harvest.Filter{Tag: "Fisheries", Status: "active"}},
		{Order: harvest.OrderID, Filter: harvest.Filter{Tag: "fisheries"}},
		{Order: harvest.OrderNewest, Text: "fisheries"},
	} {
		existing := eachIDs(t, db, harvest.Filter{})
		seen := map[int64]int{}
		q.Limit = 4
		for page := 0; ; page++ {
			if page > 100 {
				t.Fatalf("%+v: no end", q)
			}
			res, err := db.Search(t.Context(), q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			for _, p := range res.Publications {
				seen[p.ID]++
			}
			p := pub("lib", fmt.Sprintf("https://ex.org/new/%d/", added), "Fisheries news")
			p.Tags = []string{"fisheries"}
			save(t, db, p, t0.Add(1000*time.Hour+time.Duration(added)*time.Minute))
			added++
			if res.Next == "" {
				break
			}
			q.Cursor = res.Next
		}
		for _, id := range existing {
			if seen[id] != 1 {
				t.Errorf("%+v: record %d seen %d times, want once", q, id, seen[id])
			}
		}
		for id, k := range seen {
			if k > 1 {
				t.Errorf("%+v: record %d seen %d times", q, id, k)
			}
		}
	}
}

// testSearchTotalLag: with a lag set, a search's total counted less than
// the lag ago is reused across catalogue changes; without one every change
// is counted at once; Count never lags.
func testSearchTotalLag(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	add := func(u string) { t.Helper(); save(t, db, pub("lib", u, "Fisheries report "+u), t0) }
	total := func() int {
		t.Helper()
		res, err := db.Search(ctx, harvest.Query{Text: "fisheries"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	add(url(1))
	if got := total(); got != 1 {
		t.Fatalf("total = %d, want 1", got)
	}
	add(url(2))
	if got := total(); got != 2 {
		t.Errorf("without a lag: total = %d after a save, want 2", got)
	}
	db.SetTotalLag(time.Hour)
	add(url(3))
	if got := total(); got != 3 {
		t.Fatalf("total = %d, want 3", got)
	}
	add(url(4))
	if got := total(); got != 3 {
		t.Errorf("with a lag of an hour: total = %d right after a save, want the recent 3", got)
	}
	if res, _ := db.Search(ctx, harvest.Query{Text: "fisheries", Limit: 10}); len(res.Publications) != 4 {
		t.Errorf("the records themselves never lag: %d, want 4", len(res.Publications))
	}
	db.SetTotalLag(time.Nanosecond)
	time.Sleep(time.Millisecond)
	if got := total(); got != 4 {
		t.Errorf("past the lag: total = %d, want 4", got)
	}
	db.SetTotalLag(time.Hour)
	add(url(5))
	if n := count(t, db, harvest.Filter{}); n != 5 {
		t.Errorf("Count = %d, want 5 (only a search's total may lag)", n)
	}
}
