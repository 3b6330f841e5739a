package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"harvest"
)

// titleKey is the title as compared for identity: lower case, white space
// collapsed.
func titleKey(title string) string {
	return strings.Join(strings.Fields(strings.ToLower(title)), " ")
}

// contentHash is the SHA-256 of the content fields in a fixed,
// length-prefixed serialisation. Bookkeeping (URLs, times) is not content.
// A field added later (authors, image, posted, external links, ...) is
// appended only when not empty, after its name, so that the stored hashes
// of records without it stay valid and an upgrade does not mark every
// record changed.
func contentHash(p *harvest.Publication) string {
	buf := make([]byte, 0, 512)
	str := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	count := func(n int) { buf = binary.AppendUvarint(buf, uint64(n)) }
	str("harvest content v1")
	str(p.Title)
	str(p.Summary)
	count(len(p.Categories))
	for _, c := range p.Categories {
		str(c)
	}
	count(len(p.Tags))
	for _, t := range p.Tags {
		str(t)
	}
	count(len(p.Downloads))
	for _, d := range p.Downloads {
		str(d.URL)
		str(d.Label)
		str(d.MediaType)
		// The mirrored file's hash (file mirroring came later) counts only
		// when known, like the fields below. Download URLs are absolute,
		// so the marker is never taken for the next download's URL.
		if d.SHA256 != "" {
			str("sha256")
			str(d.SHA256)
		}
	}
	str(p.Publisher)
	str(p.Published)
	str(p.Language)
	// Fields added in migration 0002 count only when present, so that the
	// hashes of records written before them stay valid.
	if len(p.Authors) > 0 {
		str("authors")
		count(len(p.Authors))
		for _, a := range p.Authors {
			str(a)
		}
	}
	for _, f := range []struct{ name, value string }{{"image", p.Image}, {"site_name", p.SiteName}, {"type", p.Type}} {
		if f.value != "" {
			str(f.name)
			str(f.value)
		}
	}
	// Fields added in migration 0006, likewise: a record written before
	// them, read back with none of them, hashes as it did. Each is
	// preceded by its name, so that none can be taken for another.
	for _, f := range []struct{ name, value string }{{"posted", p.Posted}, {"modified", p.Modified}} {
		if f.value != "" {
			str(f.name)
			str(f.value)
		}
	}
	if len(p.ExternalLinks) > 0 {
		str("external_links")
		count(len(p.ExternalLinks))
		for _, l := range p.ExternalLinks {
			str(l.URL)
			str(l.Label)
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

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
