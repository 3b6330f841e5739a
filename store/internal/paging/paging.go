// Package paging is the cursor every catalogue backend hands out with a
// page of search results: opaque to clients (base64 of JSON), bound to its
// query by a fingerprint, naming the last record of its page by its place
// in the order.
package paging

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"harvest"
)

// TimeLayout is how a cursor carries a time: UTC, to the second.
const TimeLayout = "2006-01-02T15:04:05Z"

// Cursor is the position after which the next page starts. Query is the
// fingerprint of the query it belongs to.
type Cursor struct {
	Version   int           `json:"v"`
	Query     string        `json:"q"`
	Order     harvest.Order `json:"o"`
	ID        int64         `json:"id"`
	FirstSeen string        `json:"f,omitempty"`
	Score     float64       `json:"s,omitempty"`
	// Floor is the id of the oldest match ranking scores (0: all of
	// them), and Tier 1 a position below it (a ranked search only).
	Floor int64 `json:"w,omitempty"`
	Tier  int   `json:"t,omitempty"`
}

// Encode returns the cursor as clients see it.
func (c Cursor) Encode() string {
	c.Version = 1
	b, err := json.Marshal(c)
	if err != nil { // a struct of strings and numbers: cannot happen
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor a client sent back; harvest.ErrBadCursor for one
// no backend made.
func Decode(s string) (Cursor, error) {
	var c Cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Version != 1 || c.ID <= 0 ||
		math.IsNaN(c.Score) || math.IsInf(c.Score, 0) || c.Floor < 0 || (c.Tier != 0 && c.Tier != 1) {
		return c, harvest.ErrBadCursor
	}
	if c.Order == harvest.OrderNewest {
		if _, err := time.Parse(TimeLayout, c.FirstSeen); err != nil {
			return c, harvest.ErrBadCursor
		}
	}
	return c, nil
}

// Scored is one match of a ranked search with its relevance.
type Scored struct {
	ID    int64
	Score float64
}

// RankedPage is one page of a ranked search within its window. hits are
// the window's matches, in descending id order when floor is negative
// (the first page: the window is still to be cut to the newest window
// matches, and the floor it ends at is found), in any order otherwise.
// The page is the best limit matches after the cursor (score descending,
// ties by ascending id); next is the cursor of the following page when
// the window holds more. floor is the window's: the id of its oldest
// match, or 0 when the window held every match.
func RankedPage(hits []Scored, floor int64, window int, after *Cursor, limit int, query string) (ids []int64, next string, newFloor int64) {
	if floor < 0 {
		floor = 0
		if len(hits) > window { // in id order, newest first
			hits = hits[:window]
			floor = hits[window-1].ID
		}
	}
	slices.SortFunc(hits, func(a, b Scored) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if after != nil {
		i, _ := slices.BinarySearchFunc(hits, *after, func(h Scored, c Cursor) int {
			if h.Score != c.Score {
				return cmp.Compare(c.Score, h.Score)
			}
			return cmp.Compare(h.ID, c.ID+1) // the first hit after the cursor's record
		})
		hits = hits[i:]
	}
	for _, h := range hits[:min(limit+1, len(hits))] {
		ids = append(ids, h.ID)
	}
	if len(ids) > limit {
		last := Cursor{Query: query, Order: harvest.OrderRank, ID: hits[limit-1].ID, Score: hits[limit-1].Score, Floor: floor}
		return ids[:limit], last.Encode(), floor
	}
	return ids, "", floor
}

// Plan is a search's order, page size and position, checked.
type Plan struct {
	Order harvest.Order
	Limit int
	// After is the position the page starts after (nil: the first page);
	// Query is the query's fingerprint, which the page's cursor carries.
	After *Cursor
	Query string
}

// Check checks what every backend checks of a search: the order (the
// default: by rank when the text has terms that select, else by id; rank
// needs such terms), the page size, and that a cursor belongs to this
// query. hasTerms says whether the text has terms that select;
// fingerprint identifies the query in an order (see the backends').
func Check(q harvest.Query, hasTerms bool, fingerprint func(harvest.Order) string) (Plan, error) {
	order := q.Order
	if order == "" {
		order = harvest.OrderID
		if hasTerms {
			order = harvest.OrderRank
		}
	}
	switch order {
	case harvest.OrderID, harvest.OrderNewest:
	case harvest.OrderRank:
		if !hasTerms {
			return Plan{}, fmt.Errorf("search: order rank needs search terms: %w", harvest.ErrBadQuery)
		}
	default:
		return Plan{}, fmt.Errorf("search: unknown order %q: %w", order, harvest.ErrBadQuery)
	}
	limit := q.Limit
	if limit == 0 {
		limit = harvest.DefaultLimit
	}
	if limit < 0 || limit > harvest.MaxLimit {
		return Plan{}, fmt.Errorf("search: limit %d out of 1..%d: %w", limit, harvest.MaxLimit, harvest.ErrBadQuery)
	}
	p := Plan{Order: order, Limit: limit, Query: fingerprint(order)}
	if q.Cursor != "" {
		c, err := Decode(q.Cursor)
		if err != nil {
			return Plan{}, fmt.Errorf("search: %w", err)
		}
		if c.Query != p.Query || c.Order != order {
			return Plan{}, fmt.Errorf("search: cursor belongs to another query: %w", harvest.ErrBadCursor)
		}
		p.After = &c
	}
	return p, nil
}
