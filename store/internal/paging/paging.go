// Package paging is the cursor every catalogue backend hands out with a
// page of search results: opaque to clients (base64 of JSON), bound to its
// query by a fingerprint, naming the last record of its page by its place
// in the order.
package paging

import (
	"encoding/base64"
	"encoding/json"
	"math"
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
