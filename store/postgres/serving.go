package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
)

// Version returns the catalogue's current version: the sum of the change
// counter's shards (see migration 0001), and the latest of their times.
func (db *DB) Version(ctx context.Context) (harvest.Version, error) {
	v, err := readVersion(ctx, db.pool)
	if err != nil {
		return harvest.Version{}, fmt.Errorf("catalogue version: %w", err)
	}
	return v, nil
}

// EarliestChange returns the earliest last_changed of any record, or the
// zero time when there is none: one step down the index of last_changed.
func (db *DB) EarliestChange(ctx context.Context) (time.Time, error) {
	var min *time.Time
	if err := db.pool.QueryRow(ctx, `SELECT MIN(last_changed) FROM publications`).Scan(&min); err != nil {
		return time.Time{}, fmt.Errorf("earliest change: %w", err)
	}
	if min == nil {
		return time.Time{}, nil
	}
	return stamp(*min), nil
}

func readVersion(ctx context.Context, q querier) (harvest.Version, error) {
	var v harvest.Version
	var changed time.Time
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(version), 0) + 1, MAX(changed_at) FROM catalogue_state`).
		Scan(&v.N, &changed); err != nil {
		return v, err
	}
	// To the millisecond, as store/sqlite keeps it.
	v.Changed = changed.UTC().Truncate(time.Millisecond)
	return v, nil
}

// SetTotalLag lets the total of a listing that has to be counted (a text
// search, a tag or category, other filters) be up to lag old while the
// catalogue is being written; the totals read from the kept per-source
// counts are always exact, and so is every total with 0, the default.
func (db *DB) SetTotalLag(lag time.Duration) {
	db.counts.SetLag(lag)
}

// countFiltered counts the records f and text select, at version v, in
// tx: from the facet counts where the filter allows (sources and status
// only), else by counting the selection, once per catalogue version.
func (db *DB) countFiltered(ctx context.Context, tx pgx.Tx, v int64, key string, f harvest.Filter, text Text) (int, error) {
	if n, ok := db.counts.Get(v, key); ok {
		return n, nil
	}
	// A time window (since, until) is not in the kept counts: counted.
	fromFacets := text.Match == "" && text.Exclude == "" && f.Since.IsZero() && f.Until.IsZero() && f.Tag == "" && f.Category == ""
	if !fromFacets {
		if n, ok := db.counts.RecentTotal(key, time.Now()); ok {
			return n, nil
		}
	}
	var n int
	var err error
	var a params
	if fromFacets {
		conds := []string{"kind = 'source'"}
		if len(f.Sources) > 0 {
			conds = append(conds, "value = ANY("+a.add(f.Sources)+"::text[])")
		}
		if f.Status != "" {
			conds = append(conds, "status = "+a.add(f.Status))
		}
		err = tx.QueryRow(ctx, "SELECT COALESCE(SUM(n), 0) FROM facet_counts"+whereClause(conds), a...).Scan(&n)
	} else {
		conds := append(filterConds(f, &a), text.conds(&a)...)
		err = tx.QueryRow(ctx, "SELECT COUNT(*) FROM publications p"+whereClause(conds), a...).Scan(&n)
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
// given status ("" for all), from the kept counts.
func (db *DB) Facets(ctx context.Context, status string) (harvest.Facets, error) {
	q := `SELECT kind, value, SUM(n) FROM facet_counts`
	var args []any
	if status != "" {
		q += ` WHERE status = $1`
		args = append(args, status)
	}
	q += ` GROUP BY kind, value HAVING SUM(n) > 0`
	rows, err := db.pool.Query(ctx, q, args...)
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
	for _, list := range [][]harvest.TermCount{f.Sources, f.Categories, f.Tags} {
		slices.SortFunc(list, func(a, b harvest.TermCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return f, nil
}
