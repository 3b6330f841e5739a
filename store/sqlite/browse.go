package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"harvest"
)

// Sources summarises every source that has records or runs, by name.
func (db *DB) Sources(ctx context.Context) ([]harvest.SourceSummary, error) {
	by := map[string]*harvest.SourceSummary{}
	get := func(name string) *harvest.SourceSummary {
		s, ok := by[name]
		if !ok {
			s = &harvest.SourceSummary{Name: name, Publications: map[string]int{}, Runs: map[string]int{}}
			by[name] = s
		}
		return s
	}
	rows, err := db.read.QueryContext(ctx,
		`SELECT value, status, n FROM facet_counts WHERE kind = 'source' AND n > 0`)
	if err != nil {
		return nil, fmt.Errorf("summarise sources: %w", err)
	}
	for rows.Next() {
		var source, status string
		var n int
		if err := rows.Scan(&source, &status, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("summarise sources: %w", err)
		}
		get(source).Publications[status] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summarise sources: %w", err)
	}

	rows, err = db.read.QueryContext(ctx,
		`SELECT source, status, COUNT(*), SUM(pages), SUM(errors) FROM runs GROUP BY source, status`)
	if err != nil {
		return nil, fmt.Errorf("summarise sources: %w", err)
	}
	for rows.Next() {
		var source, status string
		var n, pages, errs int
		if err := rows.Scan(&source, &status, &n, &pages, &errs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("summarise sources: %w", err)
		}
		s := get(source)
		s.Runs[status] = n
		s.Pages += pages
		s.Errors += errs
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summarise sources: %w", err)
	}

	for name, s := range by {
		if len(s.Runs) == 0 {
			continue
		}
		runs, _, err := db.RunsPage(ctx, name, 0, 1) // the newest
		if err != nil {
			return nil, fmt.Errorf("summarise sources: %w", err)
		}
		if len(runs) > 0 {
			s.LastRun = &runs[0]
		}
	}
	out := make([]harvest.SourceSummary, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b harvest.SourceSummary) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Revisions returns the earlier versions of record id, newest first. ok
// is false when the catalogue keeps no revisions (its schema has no
// revisions table), so that a caller can leave the history out.
func (db *DB) Revisions(ctx context.Context, id int64) (revs []harvest.Revision, ok bool, err error) {
	var n int
	if err := db.read.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'revisions'`).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("revisions of %d: %w", id, err)
	}
	if n == 0 {
		return nil, false, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, changed_at, title, summary, categories, tags,
		downloads, publisher, published, language, authors, image, site_name, type,
		posted, modified, external_links
		FROM revisions WHERE publication_id = ? ORDER BY changed_at DESC, id DESC`, id)
	if err != nil {
		return nil, true, fmt.Errorf("revisions of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                               harvest.Revision
			p                               = &r.Publication
			replaced                        string
			cats, tags, dls, authors, links string
		)
		if err := rows.Scan(&r.ID, &replaced, &p.Title, &p.Summary, &cats, &tags, &dls,
			&p.Publisher, &p.Published, &p.Language, &authors, &p.Image, &p.SiteName, &p.Type,
			&p.Posted, &p.Modified, &links); err != nil {
			return nil, true, fmt.Errorf("revisions of %d: %w", id, err)
		}
		if r.Replaced, err = parseTime(replaced); err != nil {
			return nil, true, fmt.Errorf("revision %d: %w", r.ID, err)
		}
		for _, f := range []struct {
			text string
			v    any
		}{{cats, &p.Categories}, {tags, &p.Tags}, {dls, &p.Downloads}, {authors, &p.Authors}, {links, &p.ExternalLinks}} {
			if err := json.Unmarshal([]byte(f.text), f.v); err != nil {
				return nil, true, fmt.Errorf("revision %d: decode list: %w", r.ID, err)
			}
		}
		p.ID = id
		p.Normalize()
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, true, fmt.Errorf("revisions of %d: %w", id, err)
	}
	return revs, true, nil
}
