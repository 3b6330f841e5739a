package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"harvest/store/internal/paging"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"harvest"
)

// Full-text search.
//
// The document (publications.search) and the queries are built here, not
// by a text search configuration: the words are split as SQLite's
// unicode61 tokenizer splits them (harvest.SearchWords), lower-cased and
// stripped of their diacritics in Go, and written as tsvector and tsquery
// literals of quoted lexemes. PostgreSQL's own parser (which splits
// hyphenated words, URLs and e-mail addresses its own way, and whose idea
// of a letter depends on the database's locale) and the unaccent
// extension (not installed everywhere, and not immutable) are not needed,
// and both backends match the same words. No user input reaches a tsquery
// except as a quoted lexeme.

// Weights of the document's fields: title A, tags and categories B,
// publisher C, summary D; rankWeights (ts_rank's {D, C, B, A}) keep
// store/sqlite's column weights (title 4, tags and categories 2,
// publisher 1.5, summary 1) in proportion.
const rankWeights = `'{0.25, 0.375, 0.5, 1.0}'`

// fieldGap separates the positions of two fields, so that a phrase never
// runs from the end of one into the start of the next.
const fieldGap = 8

// PostgreSQL's limits on a tsvector: the position of a word, the
// positions kept per lexeme, the length of a lexeme and the bytes of
// all lexemes.
const (
	maxPos         = 16383
	maxPosPerLex   = 255
	maxLexemeBytes = 2046
	maxLexBytes    = 1<<20 - 4096
)

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fold is a word as the index keeps it: lower case, without diacritics.
func fold(w string) string {
	w = strings.ToLower(w)
	for _, r := range w {
		if r >= 0x80 {
			if s, _, err := transform.String(stripMarks, w); err == nil {
				return s
			}
			break
		}
	}
	return w
}

// words splits s into folded words.
func words(s string) []string {
	var out []string
	for _, w := range strings.Fields(harvest.SearchWords(s)) {
		if w = fold(w); w != "" && len(w) <= maxLexemeBytes {
			out = append(out, w)
		}
	}
	return out
}

// quoteLexeme quotes a lexeme for a tsvector or tsquery literal.
func quoteLexeme(w string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w) + "'"
}

// searchDocument is p's tsvector, as a literal.
func searchDocument(p *harvest.Publication) string {
	type lexeme struct {
		pos []string
	}
	lex := map[string]*lexeme{}
	var order []string
	size := 0
	pos := 1
	add := func(text, weight string) {
		ws := words(text)
		for _, w := range ws {
			l := lex[w]
			if l == nil {
				if size+len(w) > maxLexBytes {
					pos++
					continue
				}
				size += len(w)
				l = &lexeme{}
				lex[w] = l
				order = append(order, w)
			}
			if len(l.pos) < maxPosPerLex {
				l.pos = append(l.pos, strconv.Itoa(min(pos, maxPos))+weight)
			}
			pos++
		}
		if len(ws) > 0 {
			pos += fieldGap
		}
	}
	add(p.Title, "A")
	add(strings.Join(p.Tags, " "), "B")
	add(strings.Join(p.Categories, " "), "B")
	add(p.Publisher, "C")
	add(p.Summary, "D")
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(w))
		b.WriteByte(':')
		b.WriteString(strings.Join(lex[w].pos, ","))
	}
	return b.String()
}

// Text is a search text as tsquery literals.
type Text struct {
	// Match selects the records; empty when the text has no positive
	// terms.
	Match string
	// Exclude selects the records to leave out; empty when the text
	// excludes nothing.
	Exclude string
}

// conds returns the text's conditions over publications aliased p.
func (t Text) conds(a *params) []string {
	var conds []string
	if t.Match != "" {
		conds = append(conds, "p.search @@ "+a.add(t.Match)+"::tsquery")
	}
	if t.Exclude != "" {
		conds = append(conds, "NOT (p.search @@ "+a.add(t.Exclude)+"::tsquery)")
	}
	return conds
}

// ParseText turns what a user typed (harvest.ParseSearch) into tsquery
// literals: each term a quoted lexeme or a phrase of them (<->), its last
// word a prefix (:*) when starred; terms joined by &, OR groups by |.
func ParseText(s string) Text {
	quote := func(t harvest.SearchTerm) string {
		ws := words(t.Words)
		if len(ws) == 0 {
			return ""
		}
		parts := make([]string, len(ws))
		for i, w := range ws {
			parts[i] = quoteLexeme(w)
		}
		if t.Prefix {
			parts[len(parts)-1] += ":*"
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return "(" + strings.Join(parts, " <-> ") + ")"
	}
	var groups [][]string
	var excl []string
	for _, t := range harvest.ParseSearch(s) {
		q := quote(t)
		switch {
		case q == "":
		case t.Neg:
			excl = append(excl, q)
		case t.Or && len(groups) > 0:
			groups[len(groups)-1] = append(groups[len(groups)-1], q)
		default:
			groups = append(groups, []string{q})
		}
	}
	var out Text
	var parts []string
	for _, g := range groups {
		if len(g) == 1 {
			parts = append(parts, g[0])
		} else {
			parts = append(parts, "("+strings.Join(g, " | ")+")")
		}
	}
	out.Match = strings.Join(parts, " & ")
	out.Exclude = strings.Join(excl, " | ")
	return out
}

// Search returns one page of the records q selects, with store/sqlite's
// orders, cursors and rank window (see there). It only reads, in one
// snapshot.
func (db *DB) Search(ctx context.Context, q harvest.Query) (harvest.Results, error) {
	text := ParseText(q.Text)
	plan, err := paging.Check(q, text.Match != "", func(o harvest.Order) string { return fingerprint(q.Filter, text, o) })
	if err != nil {
		return harvest.Results{}, err
	}
	order, limit, after, fp := plan.Order, plan.Limit, plan.After, plan.Query
	var res harvest.Results
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		v, err := readVersion(ctx, tx)
		if err != nil {
			return fmt.Errorf("catalogue version: %w", err)
		}
		if res.Total, err = db.countFiltered(ctx, tx, v.N, fingerprint(q.Filter, text, ""), q.Filter, text); err != nil {
			return err
		}
		var ids []int64
		if order == harvest.OrderRank {
			ids, res.Next, err = rankedIDs(ctx, tx, text, q.Filter, limit, after, fp)
		} else {
			ids, res.Next, err = orderedIDs(ctx, tx, order, q.Filter, text, limit, after, fp)
		}
		if err != nil {
			return err
		}
		res.Publications, err = readByID(ctx, tx, ids)
		return err
	})
	if err != nil {
		return harvest.Results{}, fmt.Errorf("search: %w", err)
	}
	res.Order = order
	if res.Publications == nil {
		res.Publications = []harvest.Publication{}
	}
	return res, nil
}

// orderedIDs returns the ids of one page of the selection by id or by
// first_seen (newest first), after the cursor, by keyset.
func orderedIDs(ctx context.Context, tx pgx.Tx, order harvest.Order, f harvest.Filter, text Text, limit int, after *paging.Cursor, fp string) ([]int64, string, error) {
	var a params
	conds := append(filterConds(f, &a), text.conds(&a)...)
	orderBy := " ORDER BY p.id"
	if order == harvest.OrderNewest {
		orderBy = " ORDER BY p.first_seen DESC, p.id DESC"
	}
	if after != nil {
		if order == harvest.OrderNewest {
			fs, _ := time.Parse(paging.TimeLayout, after.FirstSeen) // checked by decodeCursor
			conds = append(conds, "(p.first_seen, p.id) < ("+a.add(fs)+"::timestamptz, "+a.add(after.ID)+"::bigint)")
		} else {
			conds = append(conds, "p.id > "+a.add(after.ID))
		}
	}
	rows, err := tx.Query(ctx, "SELECT p.id, p.first_seen FROM publications p"+whereClause(conds)+orderBy+" LIMIT "+a.add(limit+1), a...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var ids []int64
	var firstSeen []time.Time
	for rows.Next() {
		var id int64
		var fs time.Time
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
		next = paging.Cursor{Query: fp, Order: order, ID: ids[limit-1], FirstSeen: firstSeen[limit-1].UTC().Format(paging.TimeLayout)}.Encode()
	}
	return ids, next, nil
}

// rankWindow is how many matches ranking scores: the newest ones (by id)
// of the selection. Past them, the matches follow newest first (as
// store/sqlite ranks).
var rankWindow = 1000 // a variable for tests

// rankedIDs returns the ids of one page of a ranked search: the newest
// rankWindow matches (from the floor the cursors carry) scored by
// ts_rank with the field weights, best first, ties by ascending id; then
// the older matches, newest first.
func rankedIDs(ctx context.Context, tx pgx.Tx, text Text, f harvest.Filter, limit int, after *paging.Cursor, fp string) ([]int64, string, error) {
	var a params
	match := a.add(text.Match)
	conds := append([]string{"p.search @@ " + match + "::tsquery"}, filterConds(f, &a)...)
	conds = append(conds, Text{Exclude: text.Exclude}.conds(&a)...)

	floor := int64(-1) // unknown: the first page finds it
	if after != nil {
		floor = after.Floor
	}
	var ids []int64
	if after == nil || after.Tier == 0 {
		wa := slices.Clone(a)
		wconds := slices.Clone(conds)
		tail := ""
		if floor >= 0 {
			wconds = append(wconds, "p.id >= "+wa.add(floor))
		} else {
			tail = " ORDER BY p.id DESC LIMIT " + wa.add(rankWindow+1)
		}
		rows, err := tx.Query(ctx, "SELECT p.id, ts_rank("+rankWeights+", p.search, "+match+"::tsquery)::float8 FROM publications p"+
			whereClause(wconds)+tail, wa...)
		if err != nil {
			return nil, "", err
		}
		var hits []paging.Scored
		for rows.Next() {
			var h paging.Scored
			if err := rows.Scan(&h.ID, &h.Score); err != nil {
				rows.Close()
				return nil, "", err
			}
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
	ba := slices.Clone(a)
	bconds := append(slices.Clone(conds), "p.id < "+ba.add(below))
	rows, err := tx.Query(ctx, "SELECT p.id FROM publications p"+whereClause(bconds)+" ORDER BY p.id DESC LIMIT "+ba.add(need+1), ba...)
	if err != nil {
		return nil, "", err
	}
	older, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, "", err
	}
	if len(older) > need {
		older = older[:need]
		ids = append(ids, older...)
		pos := below
		if len(older) > 0 {
			pos = older[len(older)-1]
		}
		last := paging.Cursor{Query: fp, Order: harvest.OrderRank, ID: pos, Floor: floor, Tier: 1}
		return ids, last.Encode(), nil
	}
	return append(ids, older...), "", nil
}

// fingerprint identifies a query (everything but its limit and cursor),
// so that a cursor is not used with another. The "pg" mark keeps a
// cursor of one backend from being taken by the other.
func fingerprint(f harvest.Filter, t Text, o harvest.Order) string {
	srcs := slices.Clone(f.Sources)
	slices.Sort(srcs)
	var since, until string
	if !f.Since.IsZero() {
		since = stamp(f.Since).Format(paging.TimeLayout)
	}
	if !f.Until.IsZero() {
		until = stamp(f.Until).Format(paging.TimeLayout)
	}
	b, _ := json.Marshal([]any{"pg", srcs, f.Status, asciiLower(f.Tag), asciiLower(f.Category), since, until, t.Match, t.Exclude, o})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
