package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// match is the record a publication belongs to.
type match struct {
	id      int64
	primary bool   // found under the record's own url or canonical_url
	hash    string // the record's content hash
}

// findByURL finds the record of the source already known under the URL
// key or the canonical key. Should the two keys belong to two records, the
// one whose own URL matched is preferred, then the canonical key's, then
// the older.
func findByURL(ctx context.Context, tx *sql.Tx, in *input) (*match, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.url_key, p.id, p.url_key, p.canonical_key, p.content_hash
		FROM publication_urls u JOIN publications p ON p.id = u.publication_id
		WHERE u.source = ? AND u.url_key IN (?, ?)
		ORDER BY p.id`, in.p.Source, in.urlKey, in.canonKey)
	if err != nil {
		return nil, fmt.Errorf("find by URL: %w", err)
	}
	defer rows.Close()
	var best *match
	bestRank := -1
	for rows.Next() {
		var key, recURL, recCanon string
		var m match
		if err := rows.Scan(&key, &m.id, &recURL, &recCanon, &m.hash); err != nil {
			return nil, fmt.Errorf("find by URL: %w", err)
		}
		m.primary = in.urlKey == recURL || in.urlKey == recCanon ||
			in.canonKey == recURL || in.canonKey == recCanon
		rank := 0
		if m.primary {
			rank += 2
		}
		if key == in.canonKey {
			rank++
		}
		if rank > bestRank {
			best, bestRank = &m, rank
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find by URL: %w", err)
	}
	return best, nil
}

// findByDownloads finds the same publication under another URL: a record
// of the source sharing a download file and having either the same title
// or the identical set of download files. The oldest such record wins.
func findByDownloads(ctx context.Context, tx *sql.Tx, in *input) (*match, error) {
	if len(in.downloadKeys) == 0 {
		return nil, nil
	}
	q := `SELECT p.id, p.title_key, p.content_hash, d.url_key
		FROM publications p JOIN publication_downloads d ON d.publication_id = p.id
		WHERE p.id IN (SELECT publication_id FROM publication_downloads
			WHERE source = ? AND url_key IN (` + placeholders(len(in.downloadKeys)) + `))
		ORDER BY p.id, d.url_key`
	args := make([]any, 0, 1+len(in.downloadKeys))
	args = append(args, in.p.Source)
	for _, k := range in.downloadKeys {
		args = append(args, k)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find by downloads: %w", err)
	}
	defer rows.Close()
	type candidate struct {
		id          int64
		title, hash string
		keys        []string // sorted
	}
	var cands []*candidate
	for rows.Next() {
		var c candidate
		var key string
		if err := rows.Scan(&c.id, &c.title, &c.hash, &key); err != nil {
			return nil, fmt.Errorf("find by downloads: %w", err)
		}
		if n := len(cands); n == 0 || cands[n-1].id != c.id {
			cands = append(cands, &c)
		}
		last := cands[len(cands)-1]
		last.keys = append(last.keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find by downloads: %w", err)
	}
	for _, c := range cands {
		if (in.titleKey != "" && c.title == in.titleKey) || slices.Equal(c.keys, in.downloadKeys) {
			return &match{id: c.id, hash: c.hash}, nil
		}
	}
	return nil, nil
}
