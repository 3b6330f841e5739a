package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
)

// params collects a statement's arguments and names their placeholders.
type params []any

func (a *params) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// filterConds returns the filter's conditions over publications aliased
// p, to be joined with AND, their arguments added to a.
func filterConds(f harvest.Filter, a *params) []string {
	var conds []string
	if len(f.Sources) > 0 {
		conds = append(conds, "p.source = ANY("+a.add(f.Sources)+"::text[])")
	}
	if f.Status != "" {
		conds = append(conds, "p.status = "+a.add(f.Status))
	}
	if f.Tag != "" {
		conds = append(conds, "p.id IN (SELECT publication_id FROM publication_terms WHERE kind = 'tag' AND value = "+a.add(asciiLower(f.Tag))+")")
	}
	if f.Category != "" {
		conds = append(conds, "p.id IN (SELECT publication_id FROM publication_terms WHERE kind = 'category' AND value = "+a.add(asciiLower(f.Category))+")")
	}
	if !f.Since.IsZero() {
		conds = append(conds, "p.last_changed >= "+a.add(stamp(f.Since)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "p.last_changed <= "+a.add(stamp(f.Until)))
	}
	return conds
}

// asciiLower folds ASCII letters only, as SQLite's NOCASE (and the
// catalogue's harvest_ascii_lower) does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// selectPublications reads complete records; its last column lists every
// URL of the record other than its url and canonical_url.
const selectPublications = `SELECT p.id, p.source, p.url, p.canonical_url,
	p.title, p.summary, p.categories, p.tags, p.downloads,
	p.publisher, p.published, p.language, p.authors, p.image, p.site_name, p.type,
	p.posted, p.modified, p.external_links,
	p.status, p.removed_at, p.first_seen, p.last_seen, p.last_changed,
	ARRAY(SELECT u.url FROM publication_urls u
		WHERE u.publication_id = p.id
		AND u.url_key <> p.url_key AND u.url_key <> p.canonical_key)
	FROM publications p`

func scanPublication(row pgx.Row) (harvest.Publication, error) {
	var (
		p                                harvest.Publication
		dls, links                       []byte
		removedAt                        *time.Time
		firstSeen, lastSeen, lastChanged time.Time
	)
	if err := row.Scan(&p.ID, &p.Source, &p.URL, &p.CanonicalURL,
		&p.Title, &p.Summary, &p.Categories, &p.Tags, &dls,
		&p.Publisher, &p.Published, &p.Language, &p.Authors, &p.Image, &p.SiteName, &p.Type,
		&p.Posted, &p.Modified, &links,
		&p.Status, &removedAt, &firstSeen, &lastSeen, &lastChanged, &p.DuplicateURLs); err != nil {
		return p, err
	}
	if err := json.Unmarshal(dls, &p.Downloads); err != nil {
		return p, fmt.Errorf("publication %d: decode downloads: %w", p.ID, err)
	}
	if err := json.Unmarshal(links, &p.ExternalLinks); err != nil {
		return p, fmt.Errorf("publication %d: decode external links: %w", p.ID, err)
	}
	// Byte order, as store/sqlite sorts them (not the database's collation).
	slices.Sort(p.DuplicateURLs)
	p.FirstSeen, p.LastSeen, p.LastChanged = firstSeen.UTC(), lastSeen.UTC(), lastChanged.UTC()
	if removedAt != nil {
		t := removedAt.UTC()
		p.RemovedAt = &t
	}
	p.Normalize()
	return p, nil
}

// Each calls fn with every record the filter selects, in id order,
// streamed from one query (one snapshot: records saved meanwhile are not
// seen). It stops at fn's first error and returns it.
func (db *DB) Each(ctx context.Context, f harvest.Filter, fn func(harvest.Publication) error) error {
	var a params
	rows, err := db.pool.Query(ctx, selectPublications+whereClause(filterConds(f, &a))+" ORDER BY p.id", a...)
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
	p, err := scanPublication(db.pool.QueryRow(ctx, selectPublications+" WHERE p.id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return harvest.Publication{}, fmt.Errorf("get publication %d: %w", id, harvest.ErrNotFound)
	}
	if err != nil {
		return harvest.Publication{}, fmt.Errorf("get publication %d: %w", id, err)
	}
	return p, nil
}

// Count returns how many records the filter selects: from the kept
// facet counts where the filter allows (sources and status), else
// counted, once per catalogue version.
func (db *DB) Count(ctx context.Context, f harvest.Filter) (int, error) {
	var n int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		v, err := readVersion(ctx, tx)
		if err != nil {
			return err
		}
		n, err = db.countFiltered(ctx, tx, v.N, fingerprint(f, Text{}, ""), f, Text{})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("count publications: %w", err)
	}
	return n, nil
}

// readByID reads the records of ids, in the order of ids.
func readByID(ctx context.Context, tx pgx.Tx, ids []int64) ([]harvest.Publication, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, selectPublications+" WHERE p.id = ANY($1::bigint[])", ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]harvest.Publication, len(ids))
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return nil, err
		}
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]harvest.Publication, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}
