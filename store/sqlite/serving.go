package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"harvest"
	"slices"
	"strings"
	"time"
)

// Version returns the catalogue's current version.
func (db *DB) Version(ctx context.Context) (harvest.Version, error) {
	v, err := readVersion(ctx, db.read)
	if err != nil {
		return harvest.Version{}, fmt.Errorf("catalogue version: %w", err)
	}
	return v, nil
}

// EarliestChange returns the earliest last_changed of any record, or the
// zero time when there is none: one step down the index of last_changed.
func (db *DB) EarliestChange(ctx context.Context) (time.Time, error) {
	var min sql.NullString
	if err := db.read.QueryRowContext(ctx, `SELECT MIN(last_changed) FROM publications`).Scan(&min); err != nil {
		return time.Time{}, fmt.Errorf("earliest change: %w", err)
	}
	if !min.Valid {
		return time.Time{}, nil
	}
	t, err := parseTime(min.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("earliest change: %w", err)
	}
	return t, nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readVersion(ctx context.Context, q queryRower) (harvest.Version, error) {
	var v harvest.Version
	var changed string
	if err := q.QueryRowContext(ctx,
		`SELECT version, changed_at FROM catalogue_state WHERE id = 1`).Scan(&v.N, &changed); err != nil {
		return v, err
	}
	t, err := time.Parse(time.RFC3339Nano, changed)
	if err != nil {
		return v, fmt.Errorf("parse stored time %q: %w", changed, err)
	}
	v.Changed = t.UTC()
	return v, nil
}

// SetTotalLag lets the total of a listing that has to be counted (a text
// search, a tag or category, other filters) be up to lag old while the
// catalogue is being written; the totals read from the kept per-source
// counts are always exact, and so is every total with 0, the default.
// Every write moves the catalogue's version, and counting a search's
// matches again costs more than finding its page: a server beside a crawl
// saving hundreds of records a second would count at every request.
// harvest serve sets one second.
func (db *DB) SetTotalLag(lag time.Duration) {
	db.counts.SetLag(lag)
}

// readTx begins a read transaction: every query in it sees one snapshot
// of the catalogue.
func (db *DB) readTx(ctx context.Context) (*sql.Tx, error) {
	return db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// countFiltered counts the records conds select, at version v, in tx: from
// the facet counts or the term index where the filter allows, else by
// counting the selection once per catalogue version.
func (db *DB) countFiltered(ctx context.Context, tx *sql.Tx, v int64, key string, f harvest.Filter, match string, extra []string, extraArgs []any) (int, error) {
	if n, ok := db.counts.Get(v, key); ok {
		return n, nil
	}
	// A time window (since, until) is not in the kept counts: counted.
	simple := len(extra) == 0 && f.Since.IsZero() && f.Until.IsZero()
	fromFacets := match == "" && simple && f.Tag == "" && f.Category == ""
	if !fromFacets {
		if n, ok := db.counts.RecentTotal(key, time.Now()); ok {
			return n, nil
		}
	}
	var n int
	var err error
	switch {
	case match != "" && simple && len(f.Sources) == 0 && f.Tag == "" && f.Category == "":
		n, err = countMatches(ctx, tx, match, f.Status)
	case match != "":
		conds, args := filterConds(f)
		conds = append(append(conds, extra...), "p.id IN (SELECT docid FROM publication_search WHERE publication_search MATCH ?)")
		args = append(append(args, extraArgs...), match)
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM publications p"+whereClause(conds), args...).Scan(&n)
	case simple && f.Tag == "" && f.Category == "":
		// Sources and status only: the facet counts of the sources.
		conds, args := []string{"kind = 'source'"}, []any{}
		if len(f.Sources) > 0 {
			conds = append(conds, "value IN ("+placeholders(len(f.Sources))+")")
			for _, s := range f.Sources {
				args = append(args, s)
			}
		}
		if f.Status != "" {
			conds = append(conds, "status = ?")
			args = append(args, f.Status)
		}
		err = tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(n), 0) FROM facet_counts"+whereClause(conds), args...).Scan(&n)
	case simple && len(f.Sources) == 0 && (f.Tag == "") != (f.Category == ""):
		// One tag or one category, and status: the term index.
		kind, value := "tag", f.Tag
		if f.Category != "" {
			kind, value = "category", f.Category
		}
		conds, args := []string{"kind = ?", "value = ?"}, []any{kind, value}
		if f.Status != "" {
			conds = append(conds, "status = ?")
			args = append(args, f.Status)
		}
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM publication_terms"+whereClause(conds), args...).Scan(&n)
	default:
		conds, args := filterConds(f)
		conds = append(conds, extra...)
		args = append(args, extraArgs...)
		from := " FROM publications p"
		if !f.Since.IsZero() {
			from += " INDEXED BY publications_last_changed" // as orderedQuery
		}
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*)"+from+whereClause(conds), args...).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	db.counts.Put(v, key, n)
	if !fromFacets {
		db.counts.PutRecent(key, n, time.Now())
	}
	return n, nil
}

// Facets counts the sources, categories and tags of the records with the
// given status ("" for all). The counts are kept as the catalogue
// changes (migration 0007), so reading them costs the number of values,
// not of records.
func (db *DB) Facets(ctx context.Context, status string) (harvest.Facets, error) {
	q := `SELECT kind, value, SUM(n) FROM facet_counts`
	var args []any
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` GROUP BY kind, value HAVING SUM(n) > 0`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return harvest.Facets{}, fmt.Errorf("facets: %w", err)
	}
	defer rows.Close()
	var f harvest.Facets
	for rows.Next() {
		var kind string
		var t harvest.TermCount
		if err := rows.Scan(&kind, &t.Value, &t.Count); err != nil {
			return harvest.Facets{}, fmt.Errorf("facets: %w", err)
		}
		switch kind {
		case "source":
			f.Sources = append(f.Sources, t)
		case "category":
			f.Categories = append(f.Categories, t)
		case "tag":
			f.Tags = append(f.Tags, t)
		}
	}
	if err := rows.Err(); err != nil {
		return harvest.Facets{}, fmt.Errorf("facets: %w", err)
	}
	for _, list := range []([]harvest.TermCount){f.Sources, f.Categories, f.Tags} {
		slices.SortFunc(list, func(a, b harvest.TermCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return f, nil
}

// RunsPage returns up to limit runs of source ("" for every source),
// newest first, after the run with id after (0: from the newest). It
// reads only the runs it returns (and one more, to tell whether more
// follow). An after that names no run of the selection is ErrBadCursor.
func (db *DB) RunsPage(ctx context.Context, source string, after int64, limit int) (runs []harvest.Run, more bool, err error) {
	conds, args := []string{}, []any{}
	if source != "" {
		conds = append(conds, "source = ?")
		args = append(args, source)
	}
	if after != 0 {
		var n int
		q := "SELECT COUNT(*) FROM runs WHERE id = ?"
		cargs := []any{after}
		if source != "" {
			q += " AND source = ?"
			cargs = append(cargs, source)
		}
		if err := db.read.QueryRowContext(ctx, q, cargs...).Scan(&n); err != nil {
			return nil, false, fmt.Errorf("list runs: %w", err)
		}
		if n == 0 {
			return nil, false, fmt.Errorf("list runs: run %d: %w", after, harvest.ErrBadCursor)
		}
		conds = append(conds, "(started, id) < (SELECT started, id FROM runs WHERE id = ?)")
		args = append(args, after)
	}
	rows, err := db.read.QueryContext(ctx, selectRuns+whereClause(conds)+` ORDER BY started DESC, id DESC LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, false, fmt.Errorf("list runs: %w", err)
	}
	runs, err = scanRuns(rows)
	if err != nil {
		return nil, false, err
	}
	if len(runs) > limit {
		return runs[:limit], true, nil
	}
	return runs, false, nil
}

// countMatches counts the records of a status ("" for all) that match a
// full-text expression, without reading the records: the index's matches
// (their ids, in order), less those among the records of the other
// statuses (few: removed records are a small share of a catalogue), or,
// for a status other than active, those among its records.
func countMatches(ctx context.Context, tx *sql.Tx, match, status string) (int, error) {
	ids, err := queryIDs(ctx, tx, `SELECT docid FROM publication_search WHERE publication_search MATCH ? ORDER BY docid`, match)
	if err != nil {
		return 0, err
	}
	switch status {
	case "":
		return len(ids), nil
	case harvest.StatusActive:
		// The other statuses, from the facet counts, so that the status
		// index finds their records (a range "not active" would scan).
		others, err := queryIDs(ctx, tx, `SELECT id FROM publications WHERE status IN
			(SELECT DISTINCT status FROM facet_counts WHERE kind = 'source' AND status <> 'active' AND n > 0)`)
		if err != nil {
			return 0, err
		}
		slices.Sort(others)
		return len(ids) - intersection(ids, others), nil
	default:
		mine, err := queryIDs(ctx, tx, `SELECT id FROM publications WHERE status = ?`, status)
		if err != nil {
			return 0, err
		}
		slices.Sort(mine)
		return intersection(ids, mine), nil
	}
}

func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// intersection counts the ids two ascending lists share.
func intersection(a, b []int64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}
