package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"harvest/store/internal/paging"
	"math"
	"slices"
	"strings"

	"harvest"
)

// Search returns one page of the records q selects. It only reads.
//
// Cursors are opaque and stable: a cursor names the last record of its
// page by its position in the order (id; first_seen and id; or score and
// id), so pages neither repeat nor skip records however many pages are
// read, and records added meanwhile are found where the order puts them.
// A cursor is bound to its query: used with other filters, text or order
// it is refused with ErrBadCursor.
func (db *DB) Search(ctx context.Context, q harvest.Query) (harvest.Results, error) {
	text := ParseText(q.Text)
	plan, err := paging.Check(q, text.Match != "", func(o harvest.Order) string { return fingerprint(q.Filter, text, o) })
	if err != nil {
		return harvest.Results{}, err
	}
	order, limit, after, fp := plan.Order, plan.Limit, plan.After, plan.Query

	var extra []string
	var extraArgs []any
	if text.Exclude != "" {
		extra = append(extra, "p.id NOT IN (SELECT docid FROM publication_search WHERE publication_search MATCH ?)")
		extraArgs = append(extraArgs, text.Exclude)
	}
	// One read transaction: the total, the page and the version it was
	// counted at are of one snapshot.
	tx, err := db.readTx(ctx)
	if err != nil {
		return harvest.Results{}, fmt.Errorf("search: %w", err)
	}
	defer tx.Rollback()
	v, err := readVersion(ctx, tx)
	if err != nil {
		return harvest.Results{}, fmt.Errorf("search: catalogue version: %w", err)
	}
	var res harvest.Results
	// The total does not depend on the order.
	countKey := fingerprint(q.Filter, text, "")
	if res.Total, err = db.countFiltered(ctx, tx, v.N, countKey, q.Filter, text.Match, extra, extraArgs); err != nil {
		return harvest.Results{}, fmt.Errorf("search: %w", err)
	}
	var ids []int64
	if order == harvest.OrderRank {
		ids, res.Next, err = db.rankedIDs(ctx, tx, text.Match, q.Filter, extra, extraArgs, limit, after, fp)
	} else {
		// In id or newest order the text still selects: its matches only.
		oextra, oargs := extra, extraArgs
		if text.Match != "" {
			oextra = append(slices.Clone(extra), "p.id IN (SELECT docid FROM publication_search WHERE publication_search MATCH ?)")
			oargs = append(slices.Clone(extraArgs), text.Match)
		}
		ids, res.Next, err = db.orderedIDs(ctx, tx, order, q.Filter, oextra, oargs, limit, after, fp)
	}
	if err != nil {
		return harvest.Results{}, fmt.Errorf("search: %w", err)
	}
	if res.Publications, err = readByID(ctx, tx, ids); err != nil {
		return harvest.Results{}, fmt.Errorf("search: %w", err)
	}
	res.Order = order
	if res.Publications == nil {
		res.Publications = []harvest.Publication{}
	}
	return res, nil
}

// readByID reads the records of ids, in the order of ids.
func readByID(ctx context.Context, tx *sql.Tx, ids []int64) ([]harvest.Publication, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.QueryContext(ctx, selectPublications+" WHERE p.id IN ("+placeholders(len(ids))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]harvest.Publication, len(ids))
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return nil, err
		}
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]harvest.Publication, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// termDriver is the tag or category filter a listing reads through the
// term index, in its order; ok is false when the filter has neither.
func termDriver(f harvest.Filter) (kind, value string, ok bool) {
	switch {
	case f.Tag != "":
		return "tag", f.Tag, true
	case f.Category != "":
		return "category", f.Category, true
	}
	return "", "", false
}

// orderedIDs returns the ids of one page of the selection by id or by
// first_seen, reading an index in that order: the cost is the page's,
// not the selection's. A selection by tag or category is read through
// the term index (publication_terms), the others through the indexes of
// publications on status, source and first_seen.
func (db *DB) orderedIDs(ctx context.Context, tx *sql.Tx, order harvest.Order, f harvest.Filter, extra []string, extraArgs []any, limit int, after *paging.Cursor, fp string) ([]int64, string, error) {
	query, args := orderedQuery(order, f, extra, extraArgs, limit, after)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var ids []int64
	var firstSeen []string
	for rows.Next() {
		var id int64
		var fs string
		if err := rows.Scan(&id, &fs); err != nil {
			return nil, "", err
		}
		ids = append(ids, id)
		firstSeen = append(firstSeen, fs)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var next string
	if len(ids) > limit {
		ids = ids[:limit]
		next = paging.Cursor{Query: fp, Order: order, ID: ids[limit-1], FirstSeen: firstSeen[limit-1]}.Encode()
	}
	return ids, next, nil
}

// orderedQuery is the query of orderedIDs: the ids and first_seen of
// limit+1 records of the selection, in order, after the cursor.
func orderedQuery(order harvest.Order, f harvest.Filter, extra []string, extraArgs []any, limit int, after *paging.Cursor) (string, []any) {
	var (
		query string
		args  []any
	)
	if kind, value, ok := termDriver(f); ok {
		rest := f
		if kind == "tag" {
			rest.Tag = ""
		} else {
			rest.Category = ""
		}
		rest.Status = ""
		conds, cargs := filterConds(rest)
		conds = append(conds, extra...)
		cargs = append(cargs, extraArgs...)
		tconds := []string{"t.kind = ?", "t.value = ?"}
		targs := []any{kind, value}
		if f.Status != "" {
			tconds = append(tconds, "t.status = ?")
			targs = append(targs, f.Status)
		}
		orderBy := " ORDER BY t.publication_id"
		if order == harvest.OrderNewest {
			orderBy = " ORDER BY t.first_seen DESC, t.publication_id DESC"
		}
		if after != nil {
			if order == harvest.OrderNewest {
				// The first condition bounds the index range; the second
				// is the exact position.
				tconds = append(tconds, "t.first_seen <= ?", "(t.first_seen < ? OR t.publication_id < ?)")
				targs = append(targs, after.FirstSeen, after.FirstSeen, after.ID)
			} else {
				tconds = append(tconds, "t.publication_id > ?")
				targs = append(targs, after.ID)
			}
		}
		from := " FROM publication_terms t"
		if len(conds) > 0 {
			from += " JOIN publications p ON p.id = t.publication_id"
		}
		query = "SELECT t.publication_id, t.first_seen" + from + whereClause(append(tconds, conds...)) + orderBy + " LIMIT ?"
		args = append(append(targs, cargs...), limit+1)
	} else {
		conds, cargs := filterConds(f)
		conds = append(conds, extra...)
		cargs = append(cargs, extraArgs...)
		orderBy := " ORDER BY p.id"
		if order == harvest.OrderNewest {
			orderBy = " ORDER BY p.first_seen DESC, p.id DESC"
		}
		if after != nil {
			if order == harvest.OrderNewest {
				conds = append(conds, "p.first_seen <= ?", "(p.first_seen < ? OR p.id < ?)")
				cargs = append(cargs, after.FirstSeen, after.FirstSeen, after.ID)
			} else {
				conds = append(conds, "p.id > ?")
				cargs = append(cargs, after.ID)
			}
		}
		from := " FROM publications p"
		if !f.Since.IsZero() {
			// Changes since a time: read them through the index of
			// last_changed and sort them, a cost of the changes, not of
			// the catalogue (in id order SQLite would rather walk every
			// record to find the few that changed).
			from += " INDEXED BY publications_last_changed"
		}
		query = "SELECT p.id, p.first_seen" + from + whereClause(conds) + orderBy + " LIMIT ?"
		args = append(cargs, limit+1)
	}
	return query, args
}

// rankWindow is how many matches ranking scores: the newest ones (by id)
// of the selection. Past them, the matches follow newest first.
var rankWindow = 1000 // a variable for tests

// rankedIDs returns the ids of one page of a ranked search. FTS4 has no
// ranking of its own, so ranking is bounded instead of scoring every
// match: the newest rankWindow matches of the selection (its window, from
// the id of its oldest, the floor, which the cursors carry so that every
// page ranks the same window) are scored by BM25 and come first, best
// first; the older matches follow, newest first. A selection of at most
// rankWindow matches is ranked whole.
func (db *DB) rankedIDs(ctx context.Context, tx *sql.Tx, match string, f harvest.Filter, extra []string, extraArgs []any, limit int, after *paging.Cursor, fp string) ([]int64, string, error) {
	conds, args := filterConds(f)
	conds = append([]string{"publication_search MATCH ?"}, append(conds, extra...)...)
	args = append([]any{match}, append(args, extraArgs...)...)
	from := " FROM publication_search JOIN publications p ON p.id = publication_search.docid"

	floor := int64(-1) // unknown: the first page finds it
	if after != nil {
		floor = after.Floor
	}
	var ids []int64
	if after == nil || after.Tier == 0 {
		// The window: every match from the floor up, or, on the first
		// page, the newest rankWindow.
		wconds, wargs := conds, args
		tail := ""
		if floor >= 0 {
			wconds = append(slices.Clone(conds), "publication_search.docid >= ?")
			wargs = append(slices.Clone(args), floor)
		} else {
			tail = " ORDER BY publication_search.docid DESC LIMIT ?"
			wargs = append(slices.Clone(args), rankWindow+1)
		}
		rows, err := tx.QueryContext(ctx, `SELECT p.id, matchinfo(publication_search, 'pcnalx')`+
			from+whereClause(wconds)+tail, wargs...)
		if err != nil {
			return nil, "", err
		}
		var hits []paging.Scored
		for rows.Next() {
			var h paging.Scored
			var info []byte
			if err := rows.Scan(&h.ID, &info); err != nil {
				rows.Close()
				return nil, "", err
			}
			h.Score = bm25(info)
			hits = append(hits, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, "", err
		}
		var next string
		ids, next, floor = paging.RankedPage(hits, floor, rankWindow, after, limit, fp)
		if next != "" {
			return ids, next, nil
		}
	}
	if floor <= 0 {
		return ids, "", nil // the window held every match
	}
	// Below the window: newest first.
	below := floor
	if after != nil && after.Tier == 1 {
		below = after.ID
	}
	need := limit - len(ids)
	rows, err := tx.QueryContext(ctx, `SELECT p.id`+from+whereClause(append(slices.Clone(conds), "publication_search.docid < ?"))+
		` ORDER BY publication_search.docid DESC LIMIT ?`, append(slices.Clone(args), below, need+1)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var older []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, "", err
		}
		older = append(older, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(older) > need {
		older = older[:need]
		ids = append(ids, older...)
		// A tier 1 cursor's id is where the next page starts below.
		pos := below
		if len(older) > 0 {
			pos = older[len(older)-1]
		}
		last := paging.Cursor{Query: fp, Order: harvest.OrderRank, ID: pos, Floor: floor, Tier: 1}
		return ids, last.Encode(), nil
	}
	return append(ids, older...), "", nil
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

// fingerprint identifies a query (everything but its limit and cursor),
// so that a cursor is not used with another.
func fingerprint(f harvest.Filter, t Text, o harvest.Order) string {
	srcs := slices.Clone(f.Sources)
	slices.Sort(srcs)
	var since, until string
	if !f.Since.IsZero() {
		since = formatTime(f.Since)
	}
	if !f.Until.IsZero() {
		until = formatTime(f.Until)
	}
	b, _ := json.Marshal([]any{srcs, f.Status, strings.ToLower(f.Tag), strings.ToLower(f.Category), since, until, t.Match, t.Exclude, o})
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

// ParseText turns what a user typed (harvest.ParseSearch) into safe FTS4
// expressions: every term is quoted.
func ParseText(s string) Text {
	terms := harvest.ParseSearch(s)
	quote := func(t harvest.SearchTerm) string {
		if t.Prefix {
			return `"` + t.Words + `*"`
		}
		return `"` + t.Words + `"`
	}
	var groups [][]string
	var excl []string
	for _, t := range terms {
		switch {
		case t.Neg:
			excl = append(excl, quote(t))
		case t.Or && len(groups) > 0:
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
