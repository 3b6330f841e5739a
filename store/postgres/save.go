package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"harvest"
)

// querier is what a pool and a transaction both offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Save records one publication found at p.URL, with p.CanonicalURL and
// p.Source set by the caller, seen at the given crawl time, in one
// transaction, by store/sqlite's identity rules (see there).
//
// Many processes may save at once: each save first takes, in a stable
// order, a transaction-scoped advisory lock on every identity key it
// could be found by or could write (its URL keys and download keys, see
// input.lockKeys), then looks its record up. Two saves of the same
// publication therefore never both miss each other's record: the second
// waits for the first to commit and then, reading committed data (READ
// COMMITTED), finds it.
func (db *DB) Save(ctx context.Context, p harvest.Publication, seen time.Time) (harvest.SaveResult, error) {
	return db.SavePage(ctx, p, seen, nil)
}

// SavePage is Save, and also remembers the page the publication was read
// from (for conditional requests), in the same transaction. page may be
// nil; its PublicationID is set to the record's.
func (db *DB) SavePage(ctx context.Context, p harvest.Publication, seen time.Time, page *harvest.PageMemory) (harvest.SaveResult, error) {
	in, err := prepare(p, seen)
	if err != nil {
		return harvest.SaveResult{}, fmt.Errorf("save %s: %w", p.URL, err)
	}
	var res harvest.SaveResult
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := lockIdentity(ctx, tx, in.lockKeys()); err != nil {
			return err
		}
		var err error
		if res, err = save(ctx, tx, in); err != nil {
			return err
		}
		if page != nil {
			m := *page
			m.PublicationID = res.ID
			return rememberPage(ctx, tx, in.p.Source, m)
		}
		return nil
	})
	if err != nil {
		return harvest.SaveResult{}, fmt.Errorf("save %s: %w", p.URL, err)
	}
	return res, nil
}

// SaveBatch saves each publication as Save does (the same identity rules,
// the same outcomes), all in one transaction. On an error nothing of the
// batch is saved.
func (db *DB) SaveBatch(ctx context.Context, batch []harvest.Seen) ([]harvest.SaveResult, error) {
	ins := make([]*input, len(batch))
	var keys []int64
	for i, s := range batch {
		in, err := prepare(s.Publication, s.At)
		if err != nil {
			return nil, fmt.Errorf("save %s: %w", s.Publication.URL, err)
		}
		ins[i] = in
		keys = append(keys, in.lockKeys()...)
	}
	out := make([]harvest.SaveResult, len(ins))
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		// Every key of the batch at once, in order: two batches never
		// hold some keys each while waiting for the other's.
		if err := lockIdentity(ctx, tx, keys); err != nil {
			return err
		}
		for i, in := range ins {
			var err error
			if out[i], err = save(ctx, tx, in); err != nil {
				return fmt.Errorf("save %s: %w", in.p.URL, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("save batch: %w", err)
	}
	return out, nil
}

// lockIdentity takes the advisory locks of keys, released at the end of
// the transaction, in ascending order (so that two savers never wait
// for each other in a cycle).
func lockIdentity(ctx context.Context, tx pgx.Tx, keys []int64) error {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// unnest yields the array in order, and nothing sorts it again.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k`, keys); err != nil {
		return fmt.Errorf("lock identity: %w", err)
	}
	return nil
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
func findByURL(ctx context.Context, tx pgx.Tx, in *input) (*match, error) {
	rows, err := tx.Query(ctx, `SELECT u.url_key, p.id, p.url_key, p.canonical_key, p.content_hash
		FROM publication_urls u JOIN publications p ON p.id = u.publication_id
		WHERE u.source = $1 AND u.url_key IN ($2, $3)
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
func findByDownloads(ctx context.Context, tx pgx.Tx, in *input) (*match, error) {
	if len(in.downloadKeys) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT p.id, p.title_key, p.content_hash, d.url_key
		FROM publications p JOIN publication_downloads d ON d.publication_id = p.id
		WHERE p.id IN (SELECT publication_id FROM publication_downloads
			WHERE source = $1 AND url_key = ANY($2::text[]))
		ORDER BY p.id`, in.p.Source, in.downloadKeys)
	if err != nil {
		return nil, fmt.Errorf("find by downloads: %w", err)
	}
	defer rows.Close()
	type candidate struct {
		id          int64
		title, hash string
		keys        []string
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
		slices.Sort(c.keys) // byte order, as in.downloadKeys
		if (in.titleKey != "" && c.title == in.titleKey) || slices.Equal(c.keys, in.downloadKeys) {
			return &match{id: c.id, hash: c.hash}, nil
		}
	}
	return nil, nil
}

func save(ctx context.Context, tx pgx.Tx, in *input) (harvest.SaveResult, error) {
	m, err := findByURL(ctx, tx, in)
	if err != nil {
		return harvest.SaveResult{}, err
	}
	if m == nil {
		if m, err = findByDownloads(ctx, tx, in); err != nil {
			return harvest.SaveResult{}, err
		}
	}
	if m == nil {
		id, err := insert(ctx, tx, in)
		if err != nil {
			return harvest.SaveResult{}, err
		}
		return harvest.SaveResult{ID: id, Outcome: harvest.OutcomeNew}, nil
	}

	var outcome harvest.Outcome
	switch {
	case !m.primary:
		outcome = harvest.OutcomeDuplicate
		err = touch(ctx, tx, m.id, in.seen)
	case m.hash == in.hash:
		outcome = harvest.OutcomeUnchanged
		err = touch(ctx, tx, m.id, in.seen)
	default:
		outcome = harvest.OutcomeChanged
		err = rewrite(ctx, tx, m.id, in)
	}
	if err != nil {
		return harvest.SaveResult{}, err
	}
	if err := addURLs(ctx, tx, m.id, in); err != nil {
		return harvest.SaveResult{}, err
	}
	return harvest.SaveResult{ID: m.id, Outcome: outcome}, nil
}

func insert(ctx context.Context, tx pgx.Tx, in *input) (int64, error) {
	p := &in.p
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO publications (
		source, url, url_key, canonical_url, canonical_key,
		title, title_key, summary, categories, tags, downloads,
		publisher, published, language, authors, image, site_name, type,
		posted, modified, external_links, content_hash, status,
		first_seen, last_seen, last_changed, search)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17, $18,
			$19, $20, $21::jsonb, $22, 'active', $23, $23, $23, $24::tsvector)
		RETURNING id`,
		p.Source, p.URL, in.urlKey, p.CanonicalURL, in.canonKey,
		p.Title, in.titleKey, p.Summary, p.Categories, p.Tags, in.dls,
		p.Publisher, p.Published, p.Language, p.Authors, p.Image, p.SiteName, p.Type,
		p.Posted, p.Modified, in.links, in.hash,
		in.seen, in.search).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert publication: %w", err)
	}
	if err := addURLs(ctx, tx, id, in); err != nil {
		return 0, err
	}
	if err := addDownloads(ctx, tx, id, in); err != nil {
		return 0, err
	}
	return id, nil
}

// touch records that a record was seen again: last_seen moves on (never
// back), its count of missed runs restarts, and a removed record is
// active again (which changes it: last_changed moves).
func touch(ctx context.Context, q querier, id int64, seen time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE publications
		SET last_seen = GREATEST(last_seen, $1), missed_runs = 0,
			last_changed = CASE WHEN status = 'removed' THEN $1 ELSE last_changed END,
			status = 'active', removed_at = NULL
		WHERE id = $2`, seen, id); err != nil {
		return fmt.Errorf("update publication %d: %w", id, err)
	}
	return nil
}

// rewrite replaces a record's content with in's, keeping the version
// replaced as a revision. The record's url and canonical_url stay as
// first written: they are its identity.
func rewrite(ctx context.Context, tx pgx.Tx, id int64, in *input) error {
	p := &in.p
	if _, err := tx.Exec(ctx, `INSERT INTO revisions (publication_id, changed_at,
		title, summary, categories, tags, downloads, publisher, published, language,
		authors, image, site_name, type, posted, modified, external_links, content_hash)
		SELECT id, $1, title, summary, categories, tags, downloads, publisher, published, language,
			authors, image, site_name, type, posted, modified, external_links, content_hash
		FROM publications WHERE id = $2`, in.seen, id); err != nil {
		return fmt.Errorf("keep revision of %d: %w", id, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE publications SET
		title = $1, title_key = $2, summary = $3, categories = $4, tags = $5, downloads = $6::jsonb,
		publisher = $7, published = $8, language = $9, authors = $10, image = $11, site_name = $12, type = $13,
		posted = $14, modified = $15, external_links = $16::jsonb,
		content_hash = $17, last_changed = $18, last_seen = GREATEST(last_seen, $18), missed_runs = 0,
		status = 'active', removed_at = NULL, search = $19::tsvector
		WHERE id = $20`,
		p.Title, in.titleKey, p.Summary, p.Categories, p.Tags, in.dls,
		p.Publisher, p.Published, p.Language, p.Authors, p.Image, p.SiteName, p.Type,
		p.Posted, p.Modified, in.links, in.hash, in.seen, in.search, id); err != nil {
		return fmt.Errorf("update publication %d: %w", id, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM publication_downloads WHERE publication_id = $1`, id); err != nil {
		return fmt.Errorf("update downloads of %d: %w", id, err)
	}
	return addDownloads(ctx, tx, id, in)
}

// addURLs records in's URL and canonical URL for the record; a key
// already known (to this record or another) is left as it is.
func addURLs(ctx context.Context, tx pgx.Tx, id int64, in *input) error {
	keys, urls := []string{in.canonKey}, []string{in.p.CanonicalURL}
	if in.urlKey != in.canonKey {
		keys, urls = append(keys, in.urlKey), append(urls, in.p.URL)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO publication_urls (source, url_key, url, publication_id, first_seen)
		SELECT $1, k, u, $2, $3 FROM unnest($4::text[], $5::text[]) AS t(k, u)
		ON CONFLICT (source, url_key) DO NOTHING`,
		in.p.Source, id, in.seen, keys, urls); err != nil {
		return fmt.Errorf("record URL %s: %w", in.p.URL, err)
	}
	return nil
}

func addDownloads(ctx context.Context, tx pgx.Tx, id int64, in *input) error {
	if len(in.downloadKeys) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO publication_downloads (source, url_key, publication_id)
		SELECT $1, k, $2 FROM unnest($3::text[]) AS k
		ON CONFLICT DO NOTHING`, in.p.Source, id, in.downloadKeys); err != nil {
		return fmt.Errorf("record downloads: %w", err)
	}
	return nil
}
