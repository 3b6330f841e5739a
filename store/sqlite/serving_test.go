package sqlite

import (
	"fmt"
	"harvest/store/internal/paging"
	"slices"
	"strings"
	"testing"
	"time"

	"harvest"
)

// TestListingOrdersUseIndexes checks, structurally, that every order a
// listing offers under the filters the page, the feed and the API use
// reads an index in that order: no temporary B-tree sorts the selection.
func TestListingOrdersUseIndexes(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	after := &paging.Cursor{ID: 10, FirstSeen: "2024-01-01T00:00:00Z"}
	for _, order := range []harvest.Order{harvest.OrderID, harvest.OrderNewest} {
		for _, f := range []harvest.Filter{
			{},
			{Status: "active"},
			{Status: "removed"},
			{Sources: []string{"lib"}, Status: "active"},
			{Sources: []string{"lib"}},
			{Tag: "fisheries", Status: "active"},
			{Category: "Reports", Status: "active"},
			{Tag: "fisheries", Sources: []string{"lib"}, Status: "active"},
		} {
			for _, c := range []*paging.Cursor{nil, after} {
				query, args := orderedQuery(order, f, nil, nil, 20, c)
				plan := explain(t, db, query, args)
				if c != nil && order == harvest.OrderNewest && !strings.Contains(plan, "first_seen<") {
					t.Errorf("order %s, filter %+v: the cursor does not bound the index range:\n%s", order, f, plan)
				}
				if strings.Contains(plan, "TEMP B-TREE") {
					t.Errorf("order %s, filter %+v, cursor %v: sorts with a temporary B-tree:\n%s\n%s", order, f, c != nil, query, plan)
				}
				if strings.Contains(plan, "SCAN p") && f.Status != "" && len(f.Sources) == 0 && f.Tag == "" && f.Category == "" && !strings.Contains(plan, "USING") {
					t.Errorf("order %s, filter %+v: scans the table:\n%s", order, f, plan)
				}
			}
		}
	}
	// Changes since a time are read through the index of last_changed:
	// their cost is the changes', not the catalogue's.
	for _, order := range []harvest.Order{harvest.OrderID, harvest.OrderNewest} {
		f := harvest.Filter{Status: "active", Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		query, args := orderedQuery(order, f, nil, nil, 20, nil)
		if plan := explain(t, db, query, args); !strings.Contains(plan, "publications_last_changed (last_changed>?)") {
			t.Errorf("order %s since a time: %s", order, plan)
		}
	}
	_ = ctx
}

func explain(t *testing.T, db *DB, query string, args []any) string {
	t.Helper()
	rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// directFacets counts the facets over every record, as they were counted
// before migration 0007: the answer the kept counts must give.
func directFacets(t *testing.T, db *DB, status string) harvest.Facets {
	t.Helper()
	cond, args := "", []any{}
	if status != "" {
		cond = " WHERE p.status = ?"
		args = append(args, status)
	}
	var f harvest.Facets
	for _, q := range []struct {
		sql string
		out *[]harvest.TermCount
	}{
		{`SELECT p.source, COUNT(*) FROM publications p` + cond + ` GROUP BY 1`, &f.Sources},
		{`SELECT j.value, COUNT(DISTINCT p.id) FROM publications p, json_each(p.categories) j` + cond + ` GROUP BY 1`, &f.Categories},
		{`SELECT j.value, COUNT(DISTINCT p.id) FROM publications p, json_each(p.tags) j` + cond + ` GROUP BY 1`, &f.Tags},
	} {
		rows, err := db.read.QueryContext(t.Context(), q.sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var tc harvest.TermCount
			if err := rows.Scan(&tc.Value, &tc.Count); err != nil {
				t.Fatal(err)
			}
			*q.out = append(*q.out, tc)
		}
		rows.Close()
		slices.SortFunc(*q.out, func(a, b harvest.TermCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return f
}

func checkFacets(t *testing.T, db *DB, when string) {
	t.Helper()
	for _, status := range []string{"", "active", "removed"} {
		got, err := db.Facets(t.Context(), status)
		if err != nil {
			t.Fatal(err)
		}
		want := directFacets(t, db, status)
		for _, c := range []struct {
			name      string
			got, want []harvest.TermCount
		}{{"sources", got.Sources, want.Sources}, {"categories", got.Categories, want.Categories}, {"tags", got.Tags, want.Tags}} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s: status %q: %s = %v, counted directly %v", when, status, c.name, c.got, c.want)
			}
		}
	}
}

// TestFacetCountsFollowChanges: the kept facet counts equal a direct
// count after every kind of write: saves, changes of tags and
// categories, removals, returns and deletions.
func TestFacetCountsFollowChanges(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	mk := func(source, url string, cats, tags []string) harvest.Publication {
		p := pub(source, url, "Title of "+url)
		p.Categories, p.Tags = cats, tags
		return p
	}
	checkFacets(t, db, "empty")
	for i := range 12 {
		src := []string{"lib", "other", "third"}[i%3]
		p := mk(src, fmt.Sprintf("https://ex.org/r/%d/", i),
			[]string{"Reports", []string{"Briefs", "Guides"}[i%2]},
			[]string{"fisheries", []string{"ports", "Ports", "seafarers"}[i%3], "fisheries"}) // a repeated tag counts once
		if _, err := db.Save(ctx, p, t0); err != nil {
			t.Fatal(err)
		}
	}
	checkFacets(t, db, "after saves")

	// A change of tags and categories.
	p := mk("lib", "https://ex.org/r/0/", []string{"Guides"}, []string{"labour", "Ports"})
	if res, err := db.Save(ctx, p, t0.Add(time.Hour)); err != nil || res.Outcome != harvest.OutcomeChanged {
		t.Fatalf("change: %+v, %v", res, err)
	}
	checkFacets(t, db, "after a change")

	// Seen again unchanged: nothing moves.
	if _, err := db.Save(ctx, p, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkFacets(t, db, "after an unchanged save")

	// Removals, by a 410 and by a sweep.
	if ok, err := db.MarkGone(ctx, "other", "https://ex.org/r/1/", t0.Add(3*time.Hour)); err != nil || !ok {
		t.Fatalf("mark gone: %v %v", ok, err)
	}
	if _, err := db.SweepMissed(ctx, "third", nil, time.Time{}, 1, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkFacets(t, db, "after removals")

	// A removed record back again.
	back := mk("other", "https://ex.org/r/1/", []string{"Reports", "Guides"}, []string{"fisheries", "Ports", "fisheries"})
	if _, err := db.Save(ctx, back, t0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkFacets(t, db, "after a return")

	// A deletion (no command deletes records today; the triggers must
	// still hold).
	if _, err := db.write.ExecContext(ctx, `DELETE FROM publications WHERE url = ?`, "https://ex.org/r/4/"); err != nil {
		t.Fatal(err)
	}
	checkFacets(t, db, "after a deletion")

	// Totals of searches, per status, agree with a direct count.
	for _, status := range []string{"", "active", "removed"} {
		for _, text := range []string{"title", "title -r", "ex"} {
			res, err := db.Search(ctx, harvest.Query{Text: text, Filter: harvest.Filter{Status: status}})
			if err != nil {
				t.Fatal(err)
			}
			pt := ParseText(text)
			q := `SELECT COUNT(*) FROM publications p WHERE p.id IN (SELECT docid FROM publication_search WHERE publication_search MATCH ?)`
			args := []any{pt.Match}
			if pt.Exclude != "" {
				q += ` AND p.id NOT IN (SELECT docid FROM publication_search WHERE publication_search MATCH ?)`
				args = append(args, pt.Exclude)
			}
			if status != "" {
				q += ` AND p.status = ?`
				args = append(args, status)
			}
			var n int
			if err := db.read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if res.Total != n || n == 0 && text == "title" {
				t.Errorf("search %q, status %q: total %d, counted %d", text, status, res.Total, n)
			}
		}
	}

	// Counts by tag and category, as a listing's total reads them, agree
	// with a direct count (case ignored).
	for _, f := range []harvest.Filter{{Tag: "ports", Status: "active"}, {Tag: "FISHERIES"}, {Category: "guides", Status: "removed"}, {Sources: []string{"lib", "third"}, Status: "active"}} {
		res, err := db.Search(ctx, harvest.Query{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		if err := db.Each(ctx, f, func(harvest.Publication) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if res.Total != n {
			t.Errorf("filter %+v: total %d, counted %d", f, res.Total, n)
		}
	}
}

// TestKeysetWalkWhileAdding: following the cursors of the id and newest
// orders walks every record that existed when the walk began exactly
// once, while new records arrive between pages. (Rank order is walked on
// a catalogue that does not change, in TestRankWindow: a new record
// changes the statistics every score is computed from.)
func TestKeysetWalkWhileAdding(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	const n = 45
	for i := range n {
		p := pub("lib", fmt.Sprintf("https://ex.org/r/%d/", i), fmt.Sprintf("Fisheries report number %d", i))
		p.Tags = []string{"fisheries"}
		p.Summary = strings.Repeat("fisheries ", 1+i%5)
		// Several records share a first-seen time: the id breaks ties.
		if _, err := db.Save(ctx, p, t0.Add(time.Duration(i/3)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	added := 0
	for _, q := range []harvest.Query{
		{Order: harvest.OrderID},
		{Order: harvest.OrderNewest},
		{Order: harvest.OrderNewest, Filter: harvest.Filter{Tag: "Fisheries", Status: "active"}},
		{Order: harvest.OrderID, Filter: harvest.Filter{Tag: "fisheries"}},
		{Order: harvest.OrderNewest, Text: "fisheries"},
	} {
		existing := map[int64]bool{}
		if err := db.Each(ctx, harvest.Filter{}, func(p harvest.Publication) error { existing[p.ID] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]int{}
		q.Limit = 4
		for page := 0; ; page++ {
			if page > 100 {
				t.Fatalf("%+v: no end", q)
			}
			res, err := db.Search(ctx, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			for _, p := range res.Publications {
				seen[p.ID]++
			}
			// A new record, the newest and the last by id, arrives.
			p := pub("lib", fmt.Sprintf("https://ex.org/new/%d/", added), "Fisheries news")
			p.Tags = []string{"fisheries"}
			if _, err := db.Save(ctx, p, t0.Add(1000*time.Hour+time.Duration(added)*time.Minute)); err != nil {
				t.Fatal(err)
			}
			added++
			if res.Next == "" {
				break
			}
			q.Cursor = res.Next
		}
		for id := range existing {
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

// TestRankWindow: a ranked search scores the newest rankWindow matches,
// best first, then lists the older ones newest first; the total counts
// every match.
func TestRankWindow(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for i := range 12 {
		p := pub("lib", fmt.Sprintf("https://ex.org/r/%d/", i), "A report")
		p.Summary = "ports " + strings.Repeat("filler words ", 1+(i*7)%11)
		if i%4 == 0 {
			p.Title = "Ports"
		}
		res, err := db.Save(ctx, p, t0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	defer func(w int) { rankWindow = w }(rankWindow)
	rankWindow = 5
	res, err := db.Search(ctx, harvest.Query{Text: "ports", Limit: 12})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 12 || len(res.Publications) != 12 || res.Next != "" {
		t.Fatalf("total %d, %d records, next %q; want 12, 12, none", res.Total, len(res.Publications), res.Next)
	}
	var got []int64
	for _, p := range res.Publications {
		got = append(got, p.ID)
	}
	window := slices.Clone(ids[7:]) // the newest five
	if !sameSet(got[:5], window) {
		t.Errorf("first five %v, want the newest five %v (ranked)", got[:5], window)
	}
	// The window is ranked: a title match (id of i=8) comes first.
	if got[0] != ids[8] {
		t.Errorf("best match %d, want %d (the title match in the window)", got[0], ids[8])
	}
	older := slices.Clone(ids[:7])
	slices.Reverse(older)
	if !slices.Equal(got[5:], older) {
		t.Errorf("after the window %v, want newest first %v", got[5:], older)
	}
	// Paged, in pages that end inside the window, at its end and below
	// it, the same order.
	for _, limit := range []int{1, 2, 3, 5, 6} {
		var paged []int64
		q := harvest.Query{Text: "ports", Limit: limit}
		for {
			r, err := db.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range r.Publications {
				paged = append(paged, p.ID)
			}
			if r.Next == "" {
				break
			}
			q.Cursor = r.Next
		}
		if !slices.Equal(paged, got) {
			t.Errorf("limit %d: paged %v, want %v", limit, paged, got)
		}
	}
}

func sameSet(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestVersionMoves: every write to the records or the runs moves the
// catalogue's version on; reads do not.
func TestVersionMoves(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	v0, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Search(ctx, harvest.Query{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Version(ctx); v.N != v0.N {
		t.Errorf("a read moved the version: %d -> %d", v0.N, v.N)
	}
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	p := pub("lib", "https://ex.org/r/1/", "One")
	steps := []struct {
		name string
		do   func() error
	}{
		{"save", func() error { _, err := db.Save(ctx, p, t0); return err }},
		{"seen again", func() error { _, err := db.Save(ctx, p, t0.Add(time.Hour)); return err }},
		{"removed", func() error { _, err := db.MarkGone(ctx, "lib", p.URL, t0.Add(2*time.Hour)); return err }},
		{"run", func() error { _, err := db.StartRun(ctx, "lib", t0); return err }},
	}
	last := v0
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.N <= last.N {
			t.Errorf("%s: version %d, was %d", s.name, v.N, last.N)
		}
		if v.Changed.Before(last.Changed) {
			t.Errorf("%s: changed %s, before %s", s.name, v.Changed, last.Changed)
		}
		last = v
	}
}

// TestRunsPage: runs page by keyset, newest first, each once.
func TestRunsPage(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	var want []int64
	for i := range 7 {
		id, err := db.StartRun(ctx, []string{"a", "b"}[i%2], t0.Add(time.Duration(i/2)*time.Hour)) // ties on started
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	all, err := db.Runs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	after := int64(0)
	for {
		runs, more, err := db.RunsPage(ctx, "", after, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			got = append(got, r.ID)
		}
		if !more {
			break
		}
		after = runs[len(runs)-1].ID
	}
	var order []int64
	for _, r := range all {
		order = append(order, r.ID)
	}
	if !slices.Equal(got, order) || len(got) != len(want) {
		t.Errorf("paged %v, want %v", got, order)
	}
	if _, _, err := db.RunsPage(ctx, "a", want[1], 3); err == nil { // a run of b
		t.Error("a cursor of another source was accepted")
	}
}

// TestSearchTotalLag: with a lag set, a search's total counted less than
// the lag ago is reused across catalogue changes, and counted afresh once
// older; without one (the default) every change is counted at once; the
// totals read from the kept per-source counts never lag.
func TestSearchTotalLag(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	save := func(url string) {
		t.Helper()
		if _, err := db.Save(ctx, pub("lib", url, "Fisheries report "+url), t0); err != nil {
			t.Fatal(err)
		}
	}
	total := func() int {
		t.Helper()
		res, err := db.Search(ctx, harvest.Query{Text: "fisheries"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	save("https://ex.org/r/1/")
	if got := total(); got != 1 {
		t.Fatalf("total = %d, want 1", got)
	}
	save("https://ex.org/r/2/")
	if got := total(); got != 2 {
		t.Errorf("without a lag: total = %d after a save, want 2", got)
	}

	db.SetTotalLag(time.Hour)
	save("https://ex.org/r/3/")
	if got := total(); got != 3 {
		t.Fatalf("total = %d, want 3 (counted: none recent)", got)
	}
	save("https://ex.org/r/4/")
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
	// Other totals never lag.
	db.SetTotalLag(time.Hour)
	save("https://ex.org/r/5/")
	if n, err := db.Count(ctx, harvest.Filter{}); err != nil || n != 5 {
		t.Errorf("Count = %d, %v; want 5 (only a search's total may lag)", n, err)
	}
}
