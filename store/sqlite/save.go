package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"harvest"
	"harvest/store/identity"
	"harvest/urlnorm"
)

// Save records one publication found at p.URL, with p.CanonicalURL and
// p.Source set by the caller, seen at the given crawl time, in one
// transaction.
//
// The record is found by the URL keys of p.URL and p.CanonicalURL among
// every URL its source's records were found under; failing that, by a
// shared download file together with the same title or the same set of
// download files. Found under the record's own URL or canonical URL, the
// record is updated (fields only when the content hash differs); found
// any other way, only last_seen and the record's URL list change.
func (db *DB) Save(ctx context.Context, p harvest.Publication, seen time.Time) (harvest.SaveResult, error) {
	return db.SavePage(ctx, p, seen, nil)
}

// SavePage is Save, and also remembers the page the publication was read
// from (for conditional requests), in the same transaction. page may be
// nil; its PublicationID is set to the record's. Calls made at the same
// time are committed together (see saver); each returns once its own
// save is committed, or with its own error.
func (db *DB) SavePage(ctx context.Context, p harvest.Publication, seen time.Time, page *harvest.PageMemory) (harvest.SaveResult, error) {
	in, err := prepare(p, seen)
	if err != nil {
		return harvest.SaveResult{}, fmt.Errorf("save %s: %w", p.URL, err)
	}
	req := saveRequest{ctx: ctx, in: in, page: page, done: make(chan saveReply, 1)}
	select {
	case db.saves <- req:
	case <-db.quit:
		return harvest.SaveResult{}, fmt.Errorf("save %s: catalogue %s is closed", p.URL, db.path)
	case <-ctx.Done():
		return harvest.SaveResult{}, fmt.Errorf("save %s: %w", p.URL, ctx.Err())
	}
	// Once handed over, the save is waited for whatever ctx says: it is
	// written, or not, as one piece, and the caller learns which.
	r := <-req.done
	return r.res, r.err
}

// saveRequest is a SavePage call handed to the saver.
type saveRequest struct {
	ctx  context.Context
	in   *input
	page *harvest.PageMemory
	done chan saveReply
}

type saveReply struct {
	res harvest.SaveResult
	err error
}

// maxSaveGroup bounds the saves committed together.
const maxSaveGroup = 64

// saver writes the SavePage calls: each in a savepoint of its own, and the
// calls that are waiting when a transaction begins in that one transaction
// (group commit). A crawl's workers save at once: one commit for all of
// them writes each page of the shared indexes, the facet counts and the
// full-text index once instead of once per publication. A call returns
// only after its transaction committed, so that what a caller records
// next (a URL done in the frontier journal) never runs ahead of the
// catalogue; a save that fails is rolled back alone.
func (db *DB) saver() {
	defer close(db.saverDone)
	for {
		var first saveRequest
		select {
		case first = <-db.saves:
		case <-db.quit:
			return
		}
		group := []saveRequest{first}
	more:
		for len(group) < maxSaveGroup {
			select {
			case r := <-db.saves:
				group = append(group, r)
			default:
				break more
			}
		}
		db.saveGroup(group)
	}
}

// saveGroup writes a group of saves in one transaction and answers each.
func (db *DB) saveGroup(group []saveRequest) {
	replies := make([]saveReply, len(group))
	answer := func() {
		for i, r := range group {
			r.done <- replies[i]
		}
	}
	// The writes are not cut by one caller's cancel: each is whole or
	// not there.
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		for i, r := range group {
			replies[i].err = fmt.Errorf("save %s: %w", r.in.p.URL, err)
		}
		answer()
		return
	}
	defer tx.Rollback()
	saved := 0
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			replies[i].err = fmt.Errorf("save %s: %w", r.in.p.URL, err)
			continue
		}
		replies[i].res, replies[i].err = saveOne(ctx, tx, r)
		if replies[i].err == nil {
			saved++
		}
	}
	if saved > 0 {
		if err := tx.Commit(); err != nil {
			for i, r := range group {
				if replies[i].err == nil {
					replies[i] = saveReply{err: fmt.Errorf("save %s: %w", r.in.p.URL, err)}
				}
			}
		}
	}
	answer()
}

// saveOne writes one save of a group inside a savepoint, so that its
// failure undoes it alone.
func saveOne(ctx context.Context, tx *sql.Tx, r saveRequest) (harvest.SaveResult, error) {
	fail := func(err error) (harvest.SaveResult, error) {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO save_one`); rerr != nil {
			err = errors.Join(err, rerr)
		}
		_, _ = tx.ExecContext(ctx, `RELEASE save_one`)
		return harvest.SaveResult{}, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT save_one`); err != nil {
		return harvest.SaveResult{}, fmt.Errorf("save %s: %w", r.in.p.URL, err)
	}
	res, err := save(ctx, tx, r.in)
	if err != nil {
		return fail(fmt.Errorf("save %s: %w", r.in.p.URL, err))
	}
	if r.page != nil {
		m := *r.page
		m.PublicationID = res.ID
		if err := rememberPage(ctx, tx, r.in.p.Source, m); err != nil {
			return fail(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE save_one`); err != nil {
		return fail(fmt.Errorf("save %s: %w", r.in.p.URL, err))
	}
	return res, nil
}

// input is a publication ready to be written: keys computed, lists
// encoded, content hashed.
type input struct {
	p                     harvest.Publication
	seen                  string
	urlKey, canonKey      string
	titleKey              string
	downloadKeys          []string // sorted, distinct
	categories, tags, dls string   // JSON
	authors               string   // JSON
	externalLinks         string   // JSON
	hash                  string
}

func prepare(p harvest.Publication, seen time.Time) (*input, error) {
	if p.Source == "" {
		return nil, errors.New("no source")
	}
	if p.URL == "" {
		return nil, errors.New("no URL")
	}
	if seen.IsZero() {
		return nil, errors.New("no crawl time")
	}
	if p.CanonicalURL == "" {
		p.CanonicalURL = p.URL
	}
	p.Normalize()
	in := &input{p: p, seen: formatTime(seen), titleKey: identity.TitleKey(p.Title), hash: identity.ContentHash(&p)}
	var err error
	if in.urlKey, err = urlnorm.Key(p.URL); err != nil {
		return nil, err
	}
	if in.canonKey, err = urlnorm.Key(p.CanonicalURL); err != nil {
		return nil, fmt.Errorf("canonical URL: %w", err)
	}
	for _, d := range p.Downloads {
		k, err := urlnorm.Key(d.URL)
		if err != nil {
			k = strings.TrimSpace(d.URL) // not http(s): its own spelling is its identity
		}
		if k != "" {
			in.downloadKeys = append(in.downloadKeys, k)
		}
	}
	slices.Sort(in.downloadKeys)
	in.downloadKeys = slices.Compact(in.downloadKeys)
	if in.categories, err = jsonText(p.Categories); err != nil {
		return nil, err
	}
	if in.tags, err = jsonText(p.Tags); err != nil {
		return nil, err
	}
	if in.dls, err = jsonText(p.Downloads); err != nil {
		return nil, err
	}
	if in.authors, err = jsonText(p.Authors); err != nil {
		return nil, err
	}
	if in.externalLinks, err = jsonText(p.ExternalLinks); err != nil {
		return nil, err
	}
	return in, nil
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}

func save(ctx context.Context, tx *sql.Tx, in *input) (harvest.SaveResult, error) {
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

func insert(ctx context.Context, tx *sql.Tx, in *input) (int64, error) {
	p := &in.p
	res, err := tx.ExecContext(ctx, `INSERT INTO publications (
		source, url, url_key, canonical_url, canonical_key,
		title, title_key, summary, categories, tags, downloads,
		publisher, published, language, authors, image, site_name, type,
		posted, modified, external_links, content_hash, status,
		first_seen, last_seen, last_changed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
		p.Source, p.URL, in.urlKey, p.CanonicalURL, in.canonKey,
		p.Title, in.titleKey, p.Summary, in.categories, in.tags, in.dls,
		p.Publisher, p.Published, p.Language, in.authors, p.Image, p.SiteName, p.Type,
		p.Posted, p.Modified, in.externalLinks, in.hash,
		in.seen, in.seen, in.seen)
	if err != nil {
		return 0, fmt.Errorf("insert publication: %w", err)
	}
	id, err := res.LastInsertId()
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
func touch(ctx context.Context, tx execer, id int64, seen string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE publications
		SET last_seen = MAX(last_seen, ?), missed_runs = 0,
			last_changed = CASE WHEN status = 'removed' THEN ? ELSE last_changed END,
			status = 'active', removed_at = NULL
		WHERE id = ?`, seen, seen, id); err != nil {
		return fmt.Errorf("update publication %d: %w", id, err)
	}
	return nil
}

// rewrite replaces a record's content with in's. The record's url and
// canonical_url stay as first written: they are its identity.
func rewrite(ctx context.Context, tx *sql.Tx, id int64, in *input) error {
	p := &in.p
	// The version being replaced becomes a revision.
	if _, err := tx.ExecContext(ctx, `INSERT INTO revisions (publication_id, changed_at,
		title, summary, categories, tags, downloads, publisher, published, language,
		authors, image, site_name, type, posted, modified, external_links, content_hash)
		SELECT id, ?, title, summary, categories, tags, downloads, publisher, published, language,
			authors, image, site_name, type, posted, modified, external_links, content_hash
		FROM publications WHERE id = ?`, in.seen, id); err != nil {
		return fmt.Errorf("keep revision of %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE publications SET
		title = ?, title_key = ?, summary = ?, categories = ?, tags = ?, downloads = ?,
		publisher = ?, published = ?, language = ?, authors = ?, image = ?, site_name = ?, type = ?,
		posted = ?, modified = ?, external_links = ?,
		content_hash = ?, last_changed = ?, last_seen = MAX(last_seen, ?), missed_runs = 0,
		status = 'active', removed_at = NULL
		WHERE id = ?`,
		p.Title, in.titleKey, p.Summary, in.categories, in.tags, in.dls,
		p.Publisher, p.Published, p.Language, in.authors, p.Image, p.SiteName, p.Type,
		p.Posted, p.Modified, in.externalLinks, in.hash,
		in.seen, in.seen, id); err != nil {
		return fmt.Errorf("update publication %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM publication_downloads WHERE publication_id = ?`, id); err != nil {
		return fmt.Errorf("update downloads of %d: %w", id, err)
	}
	return addDownloads(ctx, tx, id, in)
}

// addURLs records in's URL and canonical URL for the record; a key
// already known (to this record or another) is left as it is.
func addURLs(ctx context.Context, tx *sql.Tx, id int64, in *input) error {
	add := func(key, raw string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO publication_urls
			(source, url_key, url, publication_id, first_seen) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (source, url_key) DO NOTHING`,
			in.p.Source, key, raw, id, in.seen)
		if err != nil {
			return fmt.Errorf("record URL %s: %w", raw, err)
		}
		return nil
	}
	if err := add(in.canonKey, in.p.CanonicalURL); err != nil {
		return err
	}
	if in.urlKey != in.canonKey {
		return add(in.urlKey, in.p.URL)
	}
	return nil
}

func addDownloads(ctx context.Context, tx *sql.Tx, id int64, in *input) error {
	for _, k := range in.downloadKeys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO publication_downloads
			(source, url_key, publication_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, in.p.Source, k, id); err != nil {
			return fmt.Errorf("record download %s: %w", k, err)
		}
	}
	return nil
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// SaveBatch saves each publication as Save does (the same identity rules,
// the same outcomes), all in one transaction: for a bulk writer (harvest
// bench catalogue) that would otherwise pay one commit per record. On an
// error nothing of the batch is saved.
func (db *DB) SaveBatch(ctx context.Context, batch []harvest.Seen) ([]harvest.SaveResult, error) {
	ins := make([]*input, len(batch))
	for i, s := range batch {
		in, err := prepare(s.Publication, s.At)
		if err != nil {
			return nil, fmt.Errorf("save %s: %w", s.Publication.URL, err)
		}
		ins[i] = in
	}
	// A batch touches many pages of every index: a larger page cache on
	// the one write connection (kept after the batch, for the next) keeps
	// them from being spilled and read again. Save keeps the default until
	// a batch is saved.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("save batch: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -131072`); err != nil {
		return nil, fmt.Errorf("save batch: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("save batch: %w", err)
	}
	defer tx.Rollback()
	out := make([]harvest.SaveResult, len(ins))
	for i, in := range ins {
		if out[i], err = save(ctx, tx, in); err != nil {
			return nil, fmt.Errorf("save %s: %w", in.p.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("save batch: %w", err)
	}
	return out, nil
}
