package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
	"harvest/urlnorm"
)

// LookupFile returns the file remembered for rawURL (any spelling with the
// same URL key), and false when none is.
func (db *DB) LookupFile(ctx context.Context, rawURL string) (harvest.MirroredFile, bool, error) {
	key, err := urlnorm.Key(rawURL)
	if err != nil {
		return harvest.MirroredFile{}, false, fmt.Errorf("look up file %s: %w", rawURL, err)
	}
	var f harvest.MirroredFile
	var fetched time.Time
	err = db.pool.QueryRow(ctx, `SELECT url, sha256, size, media_type, path,
		etag, last_modified, fetched_at FROM files WHERE url_key = $1`, key).
		Scan(&f.URL, &f.SHA256, &f.Size, &f.MediaType, &f.Path, &f.ETag, &f.LastModified, &fetched)
	if errors.Is(err, pgx.ErrNoRows) {
		return harvest.MirroredFile{}, false, nil
	}
	if err != nil {
		return harvest.MirroredFile{}, false, fmt.Errorf("look up file %s: %w", rawURL, err)
	}
	f.Fetched = fetched.UTC()
	return f, true, nil
}

// RememberFile records f as the latest file fetched for rawURL, replacing
// what was remembered under its URL key.
func (db *DB) RememberFile(ctx context.Context, rawURL string, f harvest.MirroredFile) error {
	key, err := urlnorm.Key(rawURL)
	if err != nil {
		return fmt.Errorf("remember file %s: %w", rawURL, err)
	}
	switch {
	case f.SHA256 == "":
		return fmt.Errorf("remember file %s: no sha256", rawURL)
	case f.Path == "":
		return fmt.Errorf("remember file %s: no path", rawURL)
	case f.Fetched.IsZero():
		return fmt.Errorf("remember file %s: no fetch time", rawURL)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO files
		(url_key, url, sha256, size, media_type, path, etag, last_modified, fetched_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (url_key) DO UPDATE SET
			url = excluded.url, sha256 = excluded.sha256, size = excluded.size,
			media_type = excluded.media_type, path = excluded.path, etag = excluded.etag,
			last_modified = excluded.last_modified, fetched_at = excluded.fetched_at`,
		key, pgText(rawURL), pgText(f.SHA256), f.Size, pgText(f.MediaType), pgText(f.Path), pgText(f.ETag),
		pgText(f.LastModified), stamp(f.Fetched)); err != nil {
		return fmt.Errorf("remember file %s: %w", rawURL, err)
	}
	return nil
}
