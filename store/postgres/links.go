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

// linkColumns are link_checks' columns as linkDest reads them, over the
// table aliased c.
const linkColumns = `c.source, c.url, c.state, c.kind, c.status, c.final_url, c.media_type, c.size,
	c.etag, c.last_modified, c.checked_at, c.broken_since, c.failures, c.changed_at, c.error`

// linkRow receives a link check's columns.
type linkRow struct {
	c                    harvest.LinkCheck
	brokenSince, changed *time.Time
}

func (r *linkRow) dest(extra ...any) []any {
	c := &r.c
	return append(extra, &c.Source, &c.URL, &c.State, &c.Kind, &c.Status, &c.FinalURL, &c.MediaType, &c.Size,
		&c.ETag, &c.LastModified, &c.Checked, &r.brokenSince, &c.Failures, &r.changed, &c.Error)
}

func (r *linkRow) check() harvest.LinkCheck {
	c := r.c
	c.Checked = c.Checked.UTC()
	for _, f := range []struct {
		from *time.Time
		to   **time.Time
	}{{r.brokenSince, &c.BrokenSince}, {r.changed, &c.Changed}} {
		if f.from != nil {
			t := f.from.UTC()
			*f.to = &t
		}
	}
	return c
}

func stampPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	s := stamp(*t)
	return &s
}

// LastLinkChecks returns the latest check of each of a source's URLs.
func (db *DB) LastLinkChecks(ctx context.Context, source string, urls []string) (map[string]harvest.LinkCheck, error) {
	out := map[string]harvest.LinkCheck{}
	for _, u := range urls {
		key, err := urlnorm.Key(u)
		if err != nil {
			continue // never checked: not an http(s) URL
		}
		var r linkRow
		err = db.pool.QueryRow(ctx, `SELECT `+linkColumns+` FROM link_checks c WHERE c.source = $1 AND c.url_key = $2`,
			pgText(source), key).Scan(r.dest()...)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("link check of %s: %w", u, err)
		}
		out[u] = r.check()
	}
	return out, nil
}

// RecordLinkCheck keeps c as the latest check of its URL and, when the
// file changed, marks the source's active records that link to it
// changed, in one transaction.
func (db *DB) RecordLinkCheck(ctx context.Context, c harvest.LinkCheck, fileChanged bool) (int, error) {
	key, err := urlnorm.Key(c.URL)
	if err != nil {
		return 0, fmt.Errorf("record link check of %s: %w", c.URL, err)
	}
	if c.Source == "" || c.State == "" || c.Checked.IsZero() {
		return 0, fmt.Errorf("record link check of %s: source, state and check time are required", c.URL)
	}
	var n int64
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO link_checks (source, url_key, url, state, kind, status, final_url,
			media_type, size, etag, last_modified, checked_at, broken_since, failures, changed_at, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT (source, url_key) DO UPDATE SET url = excluded.url, state = excluded.state,
				kind = excluded.kind, status = excluded.status, final_url = excluded.final_url,
				media_type = excluded.media_type, size = excluded.size, etag = excluded.etag,
				last_modified = excluded.last_modified, checked_at = excluded.checked_at,
				broken_since = excluded.broken_since, failures = excluded.failures,
				changed_at = excluded.changed_at, error = excluded.error`,
			pgText(c.Source), key, pgText(c.URL), c.State, c.Kind, c.Status, pgText(c.FinalURL), pgText(c.MediaType),
			c.Size, pgText(c.ETag), pgText(c.LastModified), stamp(c.Checked), stampPtr(c.BrokenSince), c.Failures,
			stampPtr(c.Changed), pgText(c.Error)); err != nil {
			return err
		}
		if !fileChanged {
			return nil
		}
		// Only last_changed moves: the record's content, and its hash,
		// are what the page says; the file's change is in link_checks.
		tag, err := tx.Exec(ctx, `UPDATE publications SET last_changed = GREATEST(last_changed, $1)
			WHERE status = 'active' AND id IN
				(SELECT publication_id FROM publication_downloads WHERE source = $2 AND url_key = $3)`,
			stamp(c.Checked), pgText(c.Source), key)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record link check of %s: %w", c.URL, err)
	}
	return int(n), nil
}

// Links returns one page of the links q selects: the checked downloads
// of active records, broken first.
func (db *DB) Links(ctx context.Context, q harvest.LinkQuery) ([]harvest.LinkReport, bool, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = harvest.DefaultLimit
	}
	var a params
	conds := []string{"p.status = 'active'"}
	if len(q.Sources) > 0 {
		conds = append(conds, "c.source = ANY("+a.add(pgTexts(q.Sources))+"::text[])")
	}
	if q.Broken {
		conds = append(conds, "c.state = 'broken'")
	}
	rows, err := db.pool.Query(ctx, `SELECT d.publication_id, p.title, `+linkColumns+`
		FROM link_checks c
		JOIN publication_downloads d ON d.source = c.source AND d.url_key = c.url_key
		JOIN publications p ON p.id = d.publication_id
		WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY CASE c.state WHEN 'broken' THEN 0 WHEN 'failing' THEN 1 ELSE 2 END,
			c.broken_since NULLS LAST, d.publication_id, c.url COLLATE "C"
		LIMIT `+a.add(limit+1)+` OFFSET `+a.add(max(q.Offset, 0)), a...)
	if err != nil {
		return nil, false, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []harvest.LinkReport
	for rows.Next() {
		var r linkRow
		var rep harvest.LinkReport
		if err := rows.Scan(r.dest(&rep.PublicationID, &rep.Title)...); err != nil {
			return nil, false, fmt.Errorf("links: %w", err)
		}
		rep.LinkCheck = r.check()
		out = append(out, rep)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("links: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// LinkCounts counts each source's checked links (of active records) by
// state.
func (db *DB) LinkCounts(ctx context.Context) ([]harvest.LinkCount, error) {
	rows, err := db.pool.Query(ctx, `SELECT c.source, c.state, COUNT(*) FROM link_checks c
		WHERE EXISTS (SELECT 1 FROM publication_downloads d JOIN publications p ON p.id = d.publication_id
			WHERE d.source = c.source AND d.url_key = c.url_key AND p.status = 'active')
		GROUP BY c.source, c.state ORDER BY c.source COLLATE "C", c.state`)
	if err != nil {
		return nil, fmt.Errorf("link counts: %w", err)
	}
	defer rows.Close()
	var out []harvest.LinkCount
	for rows.Next() {
		var source, state string
		var n int
		if err := rows.Scan(&source, &state, &n); err != nil {
			return nil, fmt.Errorf("link counts: %w", err)
		}
		out = harvest.AddLinkCount(out, source, state, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("link counts: %w", err)
	}
	return out, nil
}
