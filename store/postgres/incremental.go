package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
	"harvest/urlnorm"
)

// Page returns what the catalogue remembers of a source's page.
func (db *DB) Page(ctx context.Context, source, url string) (harvest.PageMemory, bool, error) {
	key, err := urlnorm.Key(url)
	if err != nil {
		return harvest.PageMemory{}, false, fmt.Errorf("page %s: %w", url, err)
	}
	var (
		m       harvest.PageMemory
		pubID   *int64
		fetched time.Time
	)
	err = db.pool.QueryRow(ctx, `SELECT url, publication_id, etag, last_modified, fetched_at, links
		FROM pages WHERE source = $1 AND url_key = $2`, pgText(source), key).
		Scan(&m.URL, &pubID, &m.ETag, &m.LastModified, &fetched, &m.Links)
	if errors.Is(err, pgx.ErrNoRows) {
		return harvest.PageMemory{}, false, nil
	}
	if err != nil {
		return harvest.PageMemory{}, false, fmt.Errorf("page %s: %w", url, err)
	}
	if pubID != nil {
		m.PublicationID = *pubID
	}
	m.Fetched = fetched.UTC()
	if m.Links == nil {
		m.Links = []string{}
	}
	return m, true, nil
}

// RememberPage records what a fetch of a publication page learned.
func (db *DB) RememberPage(ctx context.Context, source string, m harvest.PageMemory) error {
	return rememberPage(ctx, db.pool, source, m)
}

func rememberPage(ctx context.Context, q querier, source string, m harvest.PageMemory) error {
	key, err := urlnorm.Key(m.URL)
	if err != nil {
		return fmt.Errorf("remember page %s: %w", m.URL, err)
	}
	// The links store/sqlite keeps (one a line there): none empty, none
	// with a line break.
	kept := make([]string, 0, len(m.Links))
	for _, l := range m.Links {
		if l != "" && !strings.ContainsAny(l, "\r\n") {
			kept = append(kept, pgText(l))
		}
	}
	var pubID any
	if m.PublicationID != 0 {
		pubID = m.PublicationID
	}
	// The links are replaced only when they changed: the same value kept
	// keeps its TOASTed copy, so that a page fetched again with the same
	// links does not write them again.
	if _, err := q.Exec(ctx, `INSERT INTO pages
		(source, url_key, url, publication_id, etag, last_modified, fetched_at, links)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (source, url_key) DO UPDATE SET url = excluded.url,
			publication_id = excluded.publication_id, etag = excluded.etag,
			last_modified = excluded.last_modified, fetched_at = excluded.fetched_at,
			links = CASE WHEN pages.links = excluded.links THEN pages.links ELSE excluded.links END`,
		pgText(source), key, pgText(m.URL), pubID, pgText(m.ETag), pgText(m.LastModified), stamp(m.Fetched), kept); err != nil {
		return fmt.Errorf("remember page %s: %w", m.URL, err)
	}
	return nil
}

// TouchPage records that a publication page was found unchanged (a 304,
// or a sitemap lastmod no newer than its last fetch): the record it fed is
// seen again. It returns that record's id (0 when the page fed none).
func (db *DB) TouchPage(ctx context.Context, source, url string, seen time.Time) (int64, error) {
	ids, err := db.TouchPages(ctx, source, []string{url}, seen)
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// TouchPages is TouchPage for many pages in one transaction. It returns
// the ids of the records the pages fed (0 for a page that fed none).
func (db *DB) TouchPages(ctx context.Context, source string, urls []string, seen time.Time) ([]int64, error) {
	ids := make([]int64, len(urls))
	if len(urls) == 0 {
		return ids, nil
	}
	keys := make([]string, len(urls))
	for i, u := range urls {
		k, err := urlnorm.Key(u)
		if err != nil {
			return nil, fmt.Errorf("touch page %s: %w", u, err)
		}
		keys[i] = k
	}
	when := stamp(seen)
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		// One statement moves the pages' fetch times (a page that fed no
		// record is left as it is) and sees their records again, in id
		// order (the order every writer locks records in).
		rows, err := tx.Query(ctx, `WITH touched AS (
				UPDATE pages SET fetched_at = GREATEST(fetched_at, $1)
				WHERE source = $2 AND url_key = ANY($3::text[]) AND publication_id IS NOT NULL
				RETURNING url_key, publication_id),
			seen AS (
				UPDATE publications p SET last_seen = GREATEST(p.last_seen, $1), missed_runs = 0,
					last_changed = CASE WHEN p.status = 'removed' THEN $1 ELSE p.last_changed END,
					status = 'active', removed_at = NULL
				WHERE p.id IN (SELECT publication_id FROM touched))
			SELECT url_key, publication_id FROM touched`, when, pgText(source), keys)
		if err != nil {
			return err
		}
		byKey := map[string]int64{}
		for rows.Next() {
			var k string
			var id int64
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return err
			}
			byKey[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i, k := range keys {
			ids[i] = byKey[k]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("touch pages of %s: %w", source, err)
	}
	return ids, nil
}

// MarkGone records that a page answered 404 or 410. The record whose own
// URL (or canonical URL) it is becomes removed; a duplicate URL going
// away removes nothing. It reports whether a record was removed.
func (db *DB) MarkGone(ctx context.Context, source, url string, at time.Time) (bool, error) {
	key, err := urlnorm.Key(url)
	if err != nil {
		return false, fmt.Errorf("mark gone %s: %w", url, err)
	}
	tag, err := db.pool.Exec(ctx, `UPDATE publications
		SET status = 'removed', removed_at = $1, last_changed = $1
		WHERE id IN (SELECT publication_id FROM publication_urls WHERE source = $2 AND url_key = $3)
			AND source = $2 AND status = 'active' AND (url_key = $3 OR canonical_key = $3)`,
		stamp(at), pgText(source), key)
	if err != nil {
		return false, fmt.Errorf("mark gone %s: %w", url, err)
	}
	return tag.RowsAffected() > 0, nil
}

// SweepMissed ends a complete run of source: it is Remove with a sweep
// and no limit (see store/sqlite).
func (db *DB) SweepMissed(ctx context.Context, source string, seen []int64, since time.Time, threshold int, at time.Time) (int, error) {
	res, err := db.Remove(ctx, source, harvest.RemovalPlan{Sweep: true, Seen: seen, Since: since, Threshold: threshold, At: at})
	return res.Removed, err
}

// Remove carries out a run's removals in one transaction: all of them, or
// none when they are more than the plan's limit. Records are never
// deleted: a removed record seen again is active again.
func (db *DB) Remove(ctx context.Context, source string, plan harvest.RemovalPlan) (harvest.RemovalResult, error) {
	source = pgText(source)
	threshold := max(plan.Threshold, 1)
	seen := plan.Seen
	if seen == nil {
		seen = []int64{}
	}
	goneKeys := []string{}
	for _, u := range plan.Gone {
		if k, err := urlnorm.Key(u); err == nil {
			goneKeys = append(goneKeys, k)
		}
	}
	// No time-based sighting: a time after every last_seen.
	since := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	if !plan.Since.IsZero() {
		since = stamp(plan.Since)
	}
	var res harvest.RemovalResult
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		res = harvest.RemovalResult{}
		if plan.Sweep {
			if _, err := tx.Exec(ctx, `UPDATE publications SET missed_runs = missed_runs + 1
				WHERE source = $1 AND status = 'active' AND last_seen < $2
				AND NOT (id = ANY($3::bigint[]))`, source, since, seen); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM publications WHERE source = $1 AND status = 'active'`,
			source).Scan(&res.Active); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM publications
			WHERE source = $1 AND status = 'active' AND (
				url_key = ANY($2::text[]) OR canonical_key = ANY($2::text[])
				OR ($3 AND missed_runs >= $4))`, source, goneKeys, plan.Sweep, threshold)
		if err != nil {
			return err
		}
		doomed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if plan.Limit != nil {
			res.Limit = plan.Limit(res.Active)
			if len(doomed) > res.Limit {
				res.Held = len(doomed)
				return nil // the misses counted are kept
			}
		}
		if len(doomed) > 0 {
			at := stamp(plan.At)
			tag, err := tx.Exec(ctx, `UPDATE publications SET status = 'removed', removed_at = $1, last_changed = $1
				WHERE id = ANY($2::bigint[])`, at, doomed)
			if err != nil {
				return err
			}
			res.Removed = int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return harvest.RemovalResult{}, fmt.Errorf("remove publications of %s: %w", source, err)
	}
	return res, nil
}
