package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

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
	rows, err := db.pool.Query(ctx, `SELECT value, status, SUM(n) FROM facet_counts
		WHERE kind = 'source' GROUP BY value, status HAVING SUM(n) > 0`)
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

	rows, err = db.pool.Query(ctx,
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

// Revisions returns the earlier versions of record id, newest first. This
// catalogue always keeps revisions: ok is true.
func (db *DB) Revisions(ctx context.Context, id int64) ([]harvest.Revision, bool, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, changed_at, title, summary, categories, tags,
		downloads, publisher, published, language, authors, image, site_name, type,
		posted, modified, external_links
		FROM revisions WHERE publication_id = $1 ORDER BY changed_at DESC, id DESC`, id)
	if err != nil {
		return nil, true, fmt.Errorf("revisions of %d: %w", id, err)
	}
	defer rows.Close()
	var revs []harvest.Revision
	for rows.Next() {
		var (
			r          harvest.Revision
			p          = &r.Publication
			replaced   time.Time
			dls, links []byte
		)
		if err := rows.Scan(&r.ID, &replaced, &p.Title, &p.Summary, &p.Categories, &p.Tags, &dls,
			&p.Publisher, &p.Published, &p.Language, &p.Authors, &p.Image, &p.SiteName, &p.Type,
			&p.Posted, &p.Modified, &links); err != nil {
			return nil, true, fmt.Errorf("revisions of %d: %w", id, err)
		}
		r.Replaced = replaced.UTC()
		if err := json.Unmarshal(dls, &p.Downloads); err != nil {
			return nil, true, fmt.Errorf("revision %d: decode downloads: %w", r.ID, err)
		}
		if err := json.Unmarshal(links, &p.ExternalLinks); err != nil {
			return nil, true, fmt.Errorf("revision %d: decode external links: %w", r.ID, err)
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
