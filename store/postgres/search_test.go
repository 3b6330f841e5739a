package postgres

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"harvest"
)

// TestRankWindow: a ranked search scores the newest rankWindow matches,
// best first, then lists the older ones newest first; the total counts
// every match; pages of any size give the same order.
func TestRankWindow(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
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
	window := slices.Clone(ids[7:])
	first := slices.Clone(got[:5])
	slices.Sort(first)
	if !slices.Equal(first, window) {
		t.Errorf("first five %v, want the newest five %v (ranked)", got[:5], window)
	}
	if got[0] != ids[8] {
		t.Errorf("best match %d, want %d (the title match in the window)", got[0], ids[8])
	}
	older := slices.Clone(ids[:7])
	slices.Reverse(older)
	if !slices.Equal(got[5:], older) {
		t.Errorf("after the window %v, want newest first %v", got[5:], older)
	}
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
