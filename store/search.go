package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"harvest"
)

// Search limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	// maxTerms is how many terms of a search text are used; the rest are
	// ignored (FTS bounds the depth of a query expression).
	maxTerms = 32
)

// Order is the order of search results.
type Order string

const (
	// OrderID is ascending id: the export's order, and the one in which
	// records added later come last.
	OrderID Order = "id"
	// OrderNewest is newest first: first_seen descending, then id
	// descending.
	OrderNewest Order = "newest"
	// OrderRank is by relevance to the text searched for, best first,
	// then ascending id. It needs search terms.
	OrderRank Order = "rank"
)

// ErrBadCursor is returned by Search for a cursor it did not make, or one
// made for another query.
var ErrBadCursor = errors.New("invalid cursor")

// ErrBadQuery is returned by Search for an unknown order or a limit out
// of range.
var ErrBadQuery = errors.New("invalid query")

// Query is one page of a search: the records its filter selects (and that
// match its text, when set), in its order, after its cursor.
type Query struct {
	Filter
	// Text is searched for in the title, summary, tags, categories and
	// publisher; see ParseText for its syntax. Any text is accepted.
	Text string
	// Order defaults to OrderRank when Text has search terms, else OrderID.
	Order Order
	// Limit is the page size: 0 means DefaultLimit; at most MaxLimit.
	Limit int
	// Cursor continues a search from the Next of its previous page.
	Cursor string
}

// Results is one page of search results.
type Results struct {
	Publications []harvest.Publication
	// Total is how many records the query selects on all pages.
	Total int
	// Next is the cursor of the next page; empty on the last page.
	Next string
	// Order is the order the results are in.
	Order Order
}

// Search returns one page of the records q selects. It only reads.
//
// Cursors are opaque and stable: a cursor names the last record of its
// page by its position in the order (id; first_seen and id; or score and
// id), so pages neither repeat nor skip records however many pages are
// read, and records added meanwhile are found where the order puts them.
// A cursor is bound to its query: used with other filters, text or order
// it is refused with ErrBadCursor.
func (db *DB) Search(ctx context.Context, q Query) (Results, error) {
	text := ParseText(q.Text)
	order := q.Order
	if order == "" {
		order = OrderID
		if text.Match != "" {
			order = OrderRank
		}
	}
	switch order {
	case OrderID, OrderNewest:
	case OrderRank:
		if text.Match == "" {
			return Results{}, fmt.Errorf("search: order rank needs search terms: %w", ErrBadQuery)
		}
	default:
		return Results{}, fmt.Errorf("search: unknown order %q: %w", order, ErrBadQuery)
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 0 || limit > MaxLimit {
		return Results{}, fmt.Errorf("search: limit %d out of 1..%d: %w", limit, MaxLimit, ErrBadQuery)
	}
	fp := fingerprint(q.Filter, text, order)
	var after *cursor
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil {
			return Results{}, fmt.Errorf("search: %w", err)
		}
		if c.Query != fp || c.Order != order {
			return Results{}, fmt.Errorf("search: cursor belongs to another query: %w", ErrBadCursor)
		}
		after = &c
	}

	conds, args := q.Filter.conds()
	if text.Exclude != "" {
		conds = append(conds, "p.id NOT IN (SELECT docid FROM publication_search WHERE publication_search MATCH ?)")
		args = append(args, text.Exclude)
	}
	var (
		res Results
		err error
	)
	if order == OrderRank {
		res, err = db.searchRanked(ctx, text.Match, conds, args, limit, after, fp)
	} else {
		res, err = db.searchOrdered(ctx, order, conds, args, limit, after, fp)
	}
	if err != nil {
		return Results{}, fmt.Errorf("search: %w", err)
	}
	res.Order = order
	if res.Publications == nil {
		res.Publications = []harvest.Publication{}
	}
	return res, nil
}

// searchOrdered pages through the selection by id or by first_seen.
func (db *DB) searchOrdered(ctx context.Context, order Order, conds []string, args []any, limit int, after *cursor, fp string) (Results, error) {
	var res Results
	if err := db.read.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM publications p"+whereClause(conds), args...).Scan(&res.Total); err != nil {
		return res, err
	}
	orderBy := " ORDER BY p.id"
	if order == OrderNewest {
		orderBy = " ORDER BY p.first_seen DESC, p.id DESC"
	}
	if after != nil {
		if order == OrderNewest {
			conds = append(conds, "(p.first_seen < ? OR (p.first_seen = ? AND p.id < ?))")
			args = append(args, after.FirstSeen, after.FirstSeen, after.ID)
		} else {
			conds = append(conds, "p.id > ?")
			args = append(args, after.ID)
		}
	}
	rows, err := db.read.QueryContext(ctx,
		selectPublications+whereClause(conds)+orderBy+" LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return res, err
		}
		res.Publications = append(res.Publications, p)
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(res.Publications) > limit {
		res.Publications = res.Publications[:limit]
		last := res.Publications[limit-1]
		res.Next = cursor{Query: fp, Order: order, ID: last.ID, FirstSeen: formatTime(last.FirstSeen)}.encode()
	}
	return res, nil
}

type scored struct {
	id    int64
	score float64
}

// searchRanked scores every match in Go (FTS4 has no ranking function)
// and reads the records of the requested page.
func (db *DB) searchRanked(ctx context.Context, match string, conds []string, args []any, limit int, after *cursor, fp string) (Results, error) {
	var res Results
	conds = append([]string{"publication_search MATCH ?"}, conds...)
	args = append([]any{match}, args...)
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, matchinfo(publication_search, 'pcnalx')
		FROM publication_search JOIN publications p ON p.id = publication_search.docid`+whereClause(conds), args...)
	if err != nil {
		return res, err
	}
	var hits []scored
	for rows.Next() {
		var h scored
		var info []byte
		if err := rows.Scan(&h.id, &info); err != nil {
			rows.Close()
			return res, err
		}
		h.score = bm25(info)
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.Total = len(hits)
	slices.SortFunc(hits, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	if after != nil {
		i, _ := slices.BinarySearchFunc(hits, *after, func(h scored, c cursor) int {
			if h.score != c.Score {
				return cmp.Compare(c.Score, h.score)
			}
			return cmp.Compare(h.id, c.ID+1) // the first hit after the cursor's record
		})
		hits = hits[i:]
	}
	more := len(hits) > limit
	hits = hits[:min(limit, len(hits))]
	if len(hits) == 0 {
		return res, nil
	}
	ids := make([]any, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	byID := make(map[int64]harvest.Publication, len(hits))
	prows, err := db.read.QueryContext(ctx,
		selectPublications+" WHERE p.id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return res, err
	}
	defer prows.Close()
	for prows.Next() {
		p, err := scanPublication(prows)
		if err != nil {
			return res, err
		}
		byID[p.ID] = p
	}
	if err := prows.Err(); err != nil {
		return res, err
	}
	for _, h := range hits {
		if p, ok := byID[h.id]; ok { // deleted between the two reads: skipped
			res.Publications = append(res.Publications, p)
		}
	}
	if more {
		last := hits[len(hits)-1]
		res.Next = cursor{Query: fp, Order: OrderRank, ID: last.id, Score: last.score}.encode()
	}
	return res, nil
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Column weights for ranking, in the order of the index's columns: a
// term in the title counts four times one in the summary.
var columnWeights = [...]float64{
	4,   // title
	1,   // summary
	2,   // tags
	2,   // categories
	1.5, // publisher
}

// bm25 scores one match from FTS4's matchinfo 'pcnalx' (32-bit unsigned
// integers: phrases p, columns c, rows n, the average length of each
// column, this row's length of each column, then for each phrase and
// column the hits in this row, the hits in all rows and the rows with a
// hit). It is Okapi BM25 (k1 = 1.2, b = 0.75) summed over phrases and
// columns, each column weighted by columnWeights. Higher is better.
func bm25(info []byte) float64 {
	const k1, b = 1.2, 0.75
	u := func(i int) float64 {
		if 4*i+4 > len(info) {
			return 0
		}
		return float64(binary.NativeEndian.Uint32(info[4*i:]))
	}
	if len(info) < 12 {
		return 0
	}
	p, c, n := int(u(0)), int(u(1)), u(2)
	avg := func(col int) float64 { return u(3 + col) }
	length := func(col int) float64 { return u(3 + c + col) }
	base := 3 + 2*c
	score := 0.0
	for i := range p {
		for col := range c {
			x := base + 3*(i*c+col)
			tf, docs := u(x), u(x+2)
			if tf == 0 {
				continue
			}
			idf := math.Log(1 + (n-docs+0.5)/(docs+0.5))
			norm := 1.0
			if a := avg(col); a > 0 {
				norm = 1 - b + b*length(col)/a
			}
			w := 1.0
			if col < len(columnWeights) {
				w = columnWeights[col]
			}
			score += w * idf * tf * (k1 + 1) / (tf + k1*norm)
		}
	}
	return score
}

// cursor is the position after which the next page starts. Query is the
// fingerprint of the query it belongs to.
type cursor struct {
	Version   int     `json:"v"`
	Query     string  `json:"q"`
	Order     Order   `json:"o"`
	ID        int64   `json:"id"`
	FirstSeen string  `json:"f,omitempty"`
	Score     float64 `json:"s,omitempty"`
}

func (c cursor) encode() string {
	c.Version = 1
	b, err := json.Marshal(c)
	if err != nil { // a struct of strings and numbers: cannot happen
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Version != 1 || c.ID <= 0 ||
		math.IsNaN(c.Score) || math.IsInf(c.Score, 0) {
		return c, ErrBadCursor
	}
	if c.Order == OrderNewest {
		if _, err := time.Parse(timeLayout, c.FirstSeen); err != nil {
			return c, ErrBadCursor
		}
	}
	return c, nil
}

// fingerprint identifies a query (everything but its limit and cursor),
// so that a cursor is not used with another.
func fingerprint(f Filter, t Text, o Order) string {
	srcs := slices.Clone(f.Sources)
	slices.Sort(srcs)
	var since string
	if !f.Since.IsZero() {
		since = formatTime(f.Since)
	}
	b, _ := json.Marshal([]any{srcs, f.Status, strings.ToLower(f.Tag), strings.ToLower(f.Category), since, t.Match, t.Exclude, o})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Text is a search text made safe for FTS4.
type Text struct {
	// Match is an FTS4 MATCH expression that selects the records; empty
	// when the text has no positive terms.
	Match string
	// Exclude is an FTS4 MATCH expression selecting the records to leave
	// out; empty when the text excludes nothing.
	Exclude string
}

// ParseText turns what a user typed into safe FTS4 expressions. No input
// makes an invalid expression: every term is quoted, so FTS operators,
// column filters and punctuation typed by the user are plain text.
//
// The syntax understood:
//   - words: a record must contain every word (in any indexed field; case
//     and diacritics ignored);
//   - "a phrase": the words in that order; an unbalanced quote runs to
//     the end of the text;
//   - word* (or "a phrase"*): a trailing * matches any word starting so;
//   - -word or -"a phrase": records containing it are left out;
//   - OR (upper case) between two terms: either will do.
//
// Everything else — AND, NOT, NEAR, parentheses, column:term, a * or -
// elsewhere — is ordinary text, and punctuation separates words as the
// index does. Only the first 32 terms count.
func ParseText(s string) Text {
	type term struct {
		words       string
		prefix, neg bool
		or          bool // joined to the previous term by OR
	}
	var terms []term
	pendingOr := false
	rs := []rune(s)
	for i := 0; i < len(rs) && len(terms) < maxTerms; {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
		}
		var raw string
		if rs[i] == '"' {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i+1 : j])
			i = j + 1 // past the closing quote (or the end)
			if i < len(rs) && rs[i] == '*' {
				raw += "*"
				i++
			}
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i:j])
			i = j
			if raw == "OR" && !neg {
				pendingOr = len(terms) > 0 && !terms[len(terms)-1].neg
				continue
			}
		}
		prefix := strings.HasSuffix(raw, "*")
		words := searchWords(raw)
		if words == "" {
			continue
		}
		t := term{words: words, prefix: prefix, neg: neg, or: pendingOr && !neg}
		pendingOr = false
		terms = append(terms, t)
	}

	quote := func(t term) string {
		if t.prefix {
			return `"` + t.words + `*"`
		}
		return `"` + t.words + `"`
	}
	var groups [][]string
	var excl []string
	for _, t := range terms {
		switch {
		case t.neg:
			excl = append(excl, quote(t))
		case t.or && len(groups) > 0:
			groups[len(groups)-1] = append(groups[len(groups)-1], quote(t))
		default:
			groups = append(groups, []string{quote(t)})
		}
	}
	var out Text
	var parts []string
	for _, g := range groups {
		if len(g) == 1 {
			parts = append(parts, g[0])
		} else {
			parts = append(parts, "("+strings.Join(g, " OR ")+")")
		}
	}
	out.Match = strings.Join(parts, " ")
	out.Exclude = strings.Join(excl, " OR ")
	return out
}

// searchWords keeps the letters, digits and marks of s, each run of
// anything else becoming one space, as the unicode61 tokenizer splits.
func searchWords(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsNumber(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
