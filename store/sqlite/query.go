package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"harvest"
)

// where returns the filter as a WHERE clause (empty or starting with
// " WHERE") over publications aliased p, and its arguments.
func filterWhere(f harvest.Filter) (string, []any) {
	conds, args := filterConds(f)
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// conds returns the filter's conditions over publications aliased p, to
// be joined with AND, and their arguments.
func filterConds(f harvest.Filter) ([]string, []any) {
	var conds []string
	var args []any
	if len(f.Sources) > 0 {
		conds = append(conds, "p.source IN ("+placeholders(len(f.Sources))+")")
		for _, s := range f.Sources {
			args = append(args, s)
		}
	}
	if f.Status != "" {
		conds = append(conds, "p.status = ?")
		args = append(args, f.Status)
	}
	if f.Tag != "" {
		conds = append(conds, "p.id IN (SELECT publication_id FROM publication_terms WHERE kind = 'tag' AND value = ?)")
		args = append(args, f.Tag)
	}
	if f.Category != "" {
		conds = append(conds, "p.id IN (SELECT publication_id FROM publication_terms WHERE kind = 'category' AND value = ?)")
		args = append(args, f.Category)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "p.last_changed >= ?")
		args = append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "p.last_changed <= ?")
		args = append(args, formatTime(f.Until))
	}
	return conds, args
}

// selectPublications reads complete records; its duplicates column lists
// every URL of the record other than its url and canonical_url.
const selectPublications = `SELECT p.id, p.source, p.url, p.canonical_url,
	p.title, p.summary, p.categories, p.tags, p.downloads,
	p.publisher, p.published, p.language, p.authors, p.image, p.site_name, p.type,
	p.posted, p.modified, p.external_links,
	p.status, p.removed_at, p.first_seen, p.last_seen, p.last_changed,
	(SELECT json_group_array(u.url) FROM publication_urls u
		WHERE u.publication_id = p.id
		AND u.url_key <> p.url_key AND u.url_key <> p.canonical_key)
	FROM publications p`

// Each calls fn with every record the filter selects, in id order,
// streaming them from one read (a consistent snapshot: records saved
// meanwhile are not seen). It stops at fn's first error and returns it.
func (db *DB) Each(ctx context.Context, f harvest.Filter, fn func(harvest.Publication) error) error {
	where, args := filterWhere(f)
	rows, err := db.read.QueryContext(ctx, selectPublications+where+" ORDER BY p.id", args...)
	if err != nil {
		return fmt.Errorf("read catalogue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return fmt.Errorf("read catalogue: %w", err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read catalogue: %w", err)
	}
	return nil
}

// Get returns the record with the given id, or an error wrapping
// ErrNotFound.
func (db *DB) Get(ctx context.Context, id int64) (harvest.Publication, error) {
	row := db.read.QueryRowContext(ctx, selectPublications+" WHERE p.id = ?", id)
	p, err := scanPublication(row)
	if errors.Is(err, sql.ErrNoRows) {
		return harvest.Publication{}, fmt.Errorf("get publication %d: %w", id, harvest.ErrNotFound)
	}
	if err != nil {
		return harvest.Publication{}, fmt.Errorf("get publication %d: %w", id, err)
	}
	return p, nil
}

// Count returns how many records the filter selects: from the counts
// the catalogue keeps where the filter allows (status, sources, one tag
// or category), else counted, once per catalogue version.
func (db *DB) Count(ctx context.Context, f harvest.Filter) (int, error) {
	tx, err := db.readTx(ctx)
	if err != nil {
		return 0, fmt.Errorf("count publications: %w", err)
	}
	defer tx.Rollback()
	v, err := readVersion(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("count publications: %w", err)
	}
	n, err := db.countFiltered(ctx, tx, v.N, fingerprint(f, Text{}, ""), f, "", nil, nil)
	if err != nil {
		return 0, fmt.Errorf("count publications: %w", err)
	}
	return n, nil
}

type scanner interface {
	Scan(dest ...any) error
}

func scanPublication(s scanner) (harvest.Publication, error) {
	var (
		p                                     harvest.Publication
		cats, tags, dls, dups, authors, links string
		removedAt                             sql.NullString
		firstSeen, lastSeen, lastChanged      string
	)
	if err := s.Scan(&p.ID, &p.Source, &p.URL, &p.CanonicalURL,
		&p.Title, &p.Summary, &cats, &tags, &dls,
		&p.Publisher, &p.Published, &p.Language, &authors, &p.Image, &p.SiteName, &p.Type,
		&p.Posted, &p.Modified, &links,
		&p.Status, &removedAt, &firstSeen, &lastSeen, &lastChanged, &dups); err != nil {
		return p, err
	}
	for _, f := range []struct {
		text string
		v    any
	}{{cats, &p.Categories}, {tags, &p.Tags}, {dls, &p.Downloads}, {authors, &p.Authors}, {links, &p.ExternalLinks}, {dups, &p.DuplicateURLs}} {
		if err := json.Unmarshal([]byte(f.text), f.v); err != nil {
			return p, fmt.Errorf("publication %d: decode list: %w", p.ID, err)
		}
	}
	slices.Sort(p.DuplicateURLs)
	var err error
	if p.FirstSeen, err = parseTime(firstSeen); err != nil {
		return p, fmt.Errorf("publication %d: %w", p.ID, err)
	}
	if p.LastSeen, err = parseTime(lastSeen); err != nil {
		return p, fmt.Errorf("publication %d: %w", p.ID, err)
	}
	if p.LastChanged, err = parseTime(lastChanged); err != nil {
		return p, fmt.Errorf("publication %d: %w", p.ID, err)
	}
	if removedAt.Valid {
		t, err := parseTime(removedAt.String)
		if err != nil {
			return p, fmt.Errorf("publication %d: %w", p.ID, err)
		}
		p.RemovedAt = &t
	}
	p.Normalize()
	return p, nil
}
