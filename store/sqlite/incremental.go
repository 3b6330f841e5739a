package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"harvest"
	"strings"
	"time"

	"harvest/urlnorm"
)

// execer is what both *sql.DB and *sql.Tx offer for writes.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Page returns what the catalogue remembers of a source's page.
func (db *DB) Page(ctx context.Context, source, url string) (harvest.PageMemory, bool, error) {
	key, err := urlnorm.Key(url)
	if err != nil {
		return harvest.PageMemory{}, false, fmt.Errorf("page %s: %w", url, err)
	}
	var (
		m              harvest.PageMemory
		pubID          sql.NullInt64
		fetched, links string
	)
	err = db.read.QueryRowContext(ctx, `SELECT p.url, p.publication_id, p.etag, p.last_modified, p.fetched_at,
			COALESCE(l.links, '')
		FROM pages p LEFT JOIN page_links l ON l.source = p.source AND l.url_key = p.url_key
		WHERE p.source = ? AND p.url_key = ?`, source, key).
		Scan(&m.URL, &pubID, &m.ETag, &m.LastModified, &fetched, &links)
	if errors.Is(err, sql.ErrNoRows) {
		return harvest.PageMemory{}, false, nil
	}
	if err != nil {
		return harvest.PageMemory{}, false, fmt.Errorf("page %s: %w", url, err)
	}
	m.PublicationID = pubID.Int64
	if m.Fetched, err = parseTime(fetched); err != nil {
		return harvest.PageMemory{}, false, fmt.Errorf("page %s: %w", url, err)
	}
	m.Links = []string{}
	if links != "" {
		// Each link its own string: the crawler keeps some (its queue,
		// its set of links seen), and a substring would pin the whole
		// list in memory.
		m.Links = strings.Split(links, "\n")
		for i, l := range m.Links {
			m.Links[i] = strings.Clone(l)
		}
	}
	return m, true, nil
}

// RememberPage records what a fetch of a publication page learned.
func (db *DB) RememberPage(ctx context.Context, source string, m harvest.PageMemory) error {
	return rememberPage(ctx, db.write, source, m)
}

func rememberPage(ctx context.Context, ex execer, source string, m harvest.PageMemory) error {
	key, err := urlnorm.Key(m.URL)
	if err != nil {
		return fmt.Errorf("remember page %s: %w", m.URL, err)
	}
	// One link per line: a URL holds no line break (net/url refuses
	// control characters), and one that did could not be fetched.
	kept := make([]string, 0, len(m.Links))
	for _, l := range m.Links {
		if l != "" && !strings.ContainsAny(l, "\r\n") {
			kept = append(kept, l)
		}
	}
	links := strings.Join(kept, "\n")
	var pubID any
	if m.PublicationID != 0 {
		pubID = m.PublicationID
	}
	if _, err := ex.ExecContext(ctx, `INSERT INTO pages
		(source, url_key, url, publication_id, etag, last_modified, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, url_key) DO UPDATE SET url = excluded.url,
			publication_id = excluded.publication_id, etag = excluded.etag,
			last_modified = excluded.last_modified, fetched_at = excluded.fetched_at`,
		source, key, m.URL, pubID, m.ETag, m.LastModified, formatTime(m.Fetched)); err != nil {
		return fmt.Errorf("remember page %s: %w", m.URL, err)
	}
	// The links are written only when they changed (the WHERE of the
	// upsert): a page fetched again with the same links writes nothing
	// here.
	if links == "" {
		_, err = ex.ExecContext(ctx, `DELETE FROM page_links WHERE source = ? AND url_key = ?`, source, key)
	} else {
		_, err = ex.ExecContext(ctx, `INSERT INTO page_links (source, url_key, links) VALUES (?, ?, ?)
			ON CONFLICT (source, url_key) DO UPDATE SET links = excluded.links WHERE links IS NOT excluded.links`,
			source, key, links)
	}
	if err != nil {
		return fmt.Errorf("remember page %s: links: %w", m.URL, err)
	}
	return nil
}

// TouchPage records that a publication page was found unchanged (a 304,
// or a sitemap lastmod no newer than its last fetch): the record it fed is
// seen again. It returns that record's id (0 when the page fed none).
func (db *DB) TouchPage(ctx context.Context, source, url string, seen time.Time) (int64, error) {
	key, err := urlnorm.Key(url)
	if err != nil {
		return 0, fmt.Errorf("touch page %s: %w", url, err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("touch page %s: %w", url, err)
	}
	defer tx.Rollback()
	var pubID sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT publication_id FROM pages WHERE source = ? AND url_key = ?`, source, key).Scan(&pubID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !pubID.Valid) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("touch page %s: %w", url, err)
	}
	if err := touch(ctx, tx, pubID.Int64, formatTime(seen)); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pages SET fetched_at = MAX(fetched_at, ?) WHERE source = ? AND url_key = ?`,
		formatTime(seen), source, key); err != nil {
		return 0, fmt.Errorf("touch page %s: %w", url, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("touch page %s: %w", url, err)
	}
	return pubID.Int64, nil
}

// TouchPages is TouchPage for many pages in one transaction. It returns
// the ids of the records the pages fed (0 for a page that fed none).
func (db *DB) TouchPages(ctx context.Context, source string, urls []string, seen time.Time) ([]int64, error) {
	ids := make([]int64, len(urls))
	if len(urls) == 0 {
		return ids, nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("touch pages: %w", err)
	}
	defer tx.Rollback()
	when := formatTime(seen)
	for i, u := range urls {
		key, err := urlnorm.Key(u)
		if err != nil {
			return nil, fmt.Errorf("touch page %s: %w", u, err)
		}
		// One statement finds the page's record and moves its fetch
		// time (a page that fed no record is left as it is).
		var pubID int64
		err = tx.QueryRowContext(ctx, `UPDATE pages SET fetched_at = MAX(fetched_at, ?)
			WHERE source = ? AND url_key = ? AND publication_id IS NOT NULL
			RETURNING publication_id`, when, source, key).Scan(&pubID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("touch page %s: %w", u, err)
		}
		if err := touch(ctx, tx, pubID, when); err != nil {
			return nil, err
		}
		ids[i] = pubID
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("touch pages: %w", err)
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
	// The record is found through the URL index (every record's own and
	// canonical keys are in it), not by reading the source's records.
	res, err := db.write.ExecContext(ctx, `UPDATE publications
		SET status = 'removed', removed_at = ?, last_changed = ?
		WHERE id IN (SELECT publication_id FROM publication_urls WHERE source = ? AND url_key = ?)
			AND source = ? AND status = 'active' AND (url_key = ? OR canonical_key = ?)`,
		formatTime(at), formatTime(at), source, key, source, key, key)
	if err != nil {
		return false, fmt.Errorf("mark gone %s: %w", url, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark gone %s: %w", url, err)
	}
	return n > 0, nil
}

// SweepMissed ends a complete run of source: every active record the run
// did not see has missed one more run, and those that have now missed
// threshold runs in a row are marked removed at the given time. It
// returns how many were removed. Only a run that covered the whole site
// may call it. It is Remove with a sweep and no limit.
//
// The run saw the records in seen; a run that resumed an interrupted one
// also passes when that crawl began (since), and every record last seen
// after it counts as seen too (the interrupted process's list is gone).
func (db *DB) SweepMissed(ctx context.Context, source string, seen []int64, since time.Time, threshold int, at time.Time) (int, error) {
	res, err := db.Remove(ctx, source, harvest.RemovalPlan{Sweep: true, Seen: seen, Since: since, Threshold: threshold, At: at})
	return res.Removed, err
}

// Remove carries out a run's removals in one transaction: all of them, or
// none when they are more than the plan's limit. Records are never
// deleted: a removed record seen again is active again.
func (db *DB) Remove(ctx context.Context, source string, plan harvest.RemovalPlan) (harvest.RemovalResult, error) {
	var res harvest.RemovalResult
	fail := func(err error) (harvest.RemovalResult, error) {
		return harvest.RemovalResult{}, fmt.Errorf("remove publications of %s: %w", source, err)
	}
	threshold := max(plan.Threshold, 1)
	seen := plan.Seen
	if seen == nil {
		seen = []int64{}
	}
	ids, err := jsonText(seen)
	if err != nil {
		return fail(err)
	}
	keys := []string{}
	for _, u := range plan.Gone {
		if k, err := urlnorm.Key(u); err == nil {
			keys = append(keys, k)
		}
	}
	goneKeys, err := jsonText(keys)
	if err != nil {
		return fail(err)
	}
	sinceText := "9999-12-31T23:59:59Z" // no time-based sighting
	if !plan.Since.IsZero() {
		sinceText = formatTime(plan.Since)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	if plan.Sweep {
		if _, err := tx.ExecContext(ctx, `UPDATE publications SET missed_runs = missed_runs + 1
			WHERE source = ? AND status = 'active' AND last_seen < ?
			AND id NOT IN (SELECT value FROM json_each(?))`, source, sinceText, ids); err != nil {
			return fail(err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM publications WHERE source = ? AND status = 'active'`,
		source).Scan(&res.Active); err != nil {
		return fail(err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM publications
		WHERE source = ? AND status = 'active' AND (
			url_key IN (SELECT value FROM json_each(?)) OR canonical_key IN (SELECT value FROM json_each(?))
			OR (? AND missed_runs >= ?))`, source, goneKeys, goneKeys, plan.Sweep, threshold)
	if err != nil {
		return fail(err)
	}
	var doomed []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fail(err)
		}
		doomed = append(doomed, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fail(err)
	}
	if plan.Limit != nil {
		res.Limit = plan.Limit(res.Active)
		if len(doomed) > res.Limit {
			res.Held = len(doomed)
			if err := tx.Commit(); err != nil {
				return fail(err)
			}
			return res, nil
		}
	}
	if len(doomed) > 0 {
		list, err := jsonText(doomed)
		if err != nil {
			return fail(err)
		}
		at := formatTime(plan.At)
		r, err := tx.ExecContext(ctx, `UPDATE publications SET status = 'removed', removed_at = ?, last_changed = ?
			WHERE id IN (SELECT value FROM json_each(?))`, at, at, list)
		if err != nil {
			return fail(err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return fail(err)
		}
		res.Removed = int(n)
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return res, nil
}
