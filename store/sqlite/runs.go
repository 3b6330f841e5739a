package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"harvest"
	"time"
)

func validRunStatus(s string) bool {
	switch s {
	case harvest.RunRunning, harvest.RunOK, harvest.RunPartial, harvest.RunCancelled, harvest.RunFailed:
		return true
	}
	return false
}

// StartRun records the start of a crawl of source and returns its id.
func (db *DB) StartRun(ctx context.Context, source string, started time.Time) (int64, error) {
	if source == "" {
		return 0, fmt.Errorf("start run: no source")
	}
	res, err := db.write.ExecContext(ctx,
		`INSERT INTO runs (source, started, status) VALUES (?, ?, ?)`,
		source, formatTime(started), harvest.RunRunning)
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", source, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", source, err)
	}
	return id, nil
}

// FinishRun records r's end, counts, status and note under r.ID (r.Source
// and r.Started are not changed). It may also be called with status
// "running" to record progress.
func (db *DB) FinishRun(ctx context.Context, r harvest.Run) error {
	if !validRunStatus(r.Status) {
		return fmt.Errorf("finish run %d: unknown status %q", r.ID, r.Status)
	}
	var finished any // NULL while unknown
	if !r.Finished.IsZero() {
		finished = formatTime(r.Finished)
	}
	var resumed any
	if r.ResumedFrom != 0 {
		resumed = r.ResumedFrom
	}
	res, err := db.write.ExecContext(ctx, `UPDATE runs SET
		finished = ?, status = ?, pages = ?, errors = ?,
		new = ?, changed = ?, unchanged = ?, duplicates = ?, note = ?,
		not_modified = ?, skipped_lastmod = ?, removed = ?, resumed_from = ?
		WHERE id = ?`,
		finished, r.Status, r.Pages, r.Errors,
		r.New, r.Changed, r.Unchanged, r.Duplicates, r.Note,
		r.NotModified, r.SkippedLastmod, r.Removed, resumed, r.ID)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("finish run %d: %w", r.ID, harvest.ErrNotFound)
	}
	return nil
}

// selectRuns reads runs, for scanRuns.
const selectRuns = `SELECT id, source, started, finished, status, pages, errors,
		new, changed, unchanged, duplicates, note,
		not_modified, skipped_lastmod, removed, COALESCE(resumed_from, 0) FROM runs`

// Runs returns the runs of source ("" for every source), newest first.
func (db *DB) Runs(ctx context.Context, source string) ([]harvest.Run, error) {
	q := selectRuns
	var args []any
	if source != "" {
		q += ` WHERE source = ?`
		args = append(args, source)
	}
	q += ` ORDER BY started DESC, id DESC`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return scanRuns(rows)
}

// scanRuns reads the rows of selectRuns and closes them.
func scanRuns(rows *sql.Rows) ([]harvest.Run, error) {
	defer rows.Close()
	var runs []harvest.Run
	for rows.Next() {
		var r harvest.Run
		var started string
		var finished sql.NullString
		if err := rows.Scan(&r.ID, &r.Source, &started, &finished, &r.Status,
			&r.Pages, &r.Errors, &r.New, &r.Changed, &r.Unchanged, &r.Duplicates,
			&r.Note, &r.NotModified, &r.SkippedLastmod, &r.Removed, &r.ResumedFrom); err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		var err error
		if r.Started, err = parseTime(started); err != nil {
			return nil, fmt.Errorf("list runs: run %d: %w", r.ID, err)
		}
		if finished.Valid {
			if r.Finished, err = parseTime(finished.String); err != nil {
				return nil, fmt.Errorf("list runs: run %d: %w", r.ID, err)
			}
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}
