package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
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

// countCache keeps the totals of the queries asked for at one catalogue
// version (as store/sqlite's).
type countCache struct {
	mu      sync.Mutex
	version int64
	counts  map[string]int
	lag     time.Duration
	recent  map[string]recentCount
}

type recentCount struct {
	n  int
	at time.Time
}

// maxCachedCounts bounds the cache: past it, the cache starts afresh.
const maxCachedCounts = 4096

func (c *countCache) recentTotal(key string, now time.Time) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.recent[key]
	if !ok || c.lag <= 0 || now.Sub(r.at) >= c.lag {
		return 0, false
	}
	return r.n, true
}

func (c *countCache) putRecent(key string, n int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lag <= 0 {
		return
	}
	if c.recent == nil || len(c.recent) >= maxCachedCounts {
		c.recent = map[string]recentCount{}
	}
	c.recent[key] = recentCount{n, now}
}

func (c *countCache) get(version int64, key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return 0, false
	}
	n, ok := c.counts[key]
	return n, ok
}

func (c *countCache) put(version int64, key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version < version || c.counts == nil || len(c.counts) >= maxCachedCounts {
		if c.version > version && c.counts != nil {
			return // a newer version's cache: keep it
		}
		c.version, c.counts = version, map[string]int{}
	}
	if c.version == version {
		c.counts[key] = n
	}
}

// SetTotalLag lets the total of a listing that has to be counted (a text
// search, a tag or category, other filters) be up to lag old while the
// catalogue is being written; the totals read from the kept per-source
// counts are always exact, and so is every total with 0, the default.
func (db *DB) SetTotalLag(lag time.Duration) {
	db.counts.mu.Lock()
	defer db.counts.mu.Unlock()
	db.counts.lag = lag
}

// countFiltered counts the records f and text select, at version v, in
// tx: from the facet counts where the filter allows (sources and status
// only), else by counting the selection, once per catalogue version.
func (db *DB) countFiltered(ctx context.Context, tx pgx.Tx, v int64, key string, f harvest.Filter, text Text) (int, error) {
	if n, ok := db.counts.get(v, key); ok {
		return n, nil
	}
	fromFacets := text.Match == "" && text.Exclude == "" && f.Since.IsZero() && f.Tag == "" && f.Category == ""
	if !fromFacets {
		if n, ok := db.counts.recentTotal(key, time.Now()); ok {
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
	db.counts.put(v, key, n)
	if !fromFacets {
		db.counts.putRecent(key, n, time.Now())
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
