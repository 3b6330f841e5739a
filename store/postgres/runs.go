package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
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
	var id int64
	if err := db.pool.QueryRow(ctx, `INSERT INTO runs (source, started, status) VALUES ($1, $2, $3) RETURNING id`,
		pgText(source), stamp(started), harvest.RunRunning).Scan(&id); err != nil {
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
		finished = stamp(r.Finished)
	}
	var resumed any
	if r.ResumedFrom != 0 {
		resumed = r.ResumedFrom
	}
	tag, err := db.pool.Exec(ctx, `UPDATE runs SET
		finished = $1, status = $2, pages = $3, errors = $4,
		new = $5, changed = $6, unchanged = $7, duplicates = $8, note = $9,
		not_modified = $10, skipped_lastmod = $11, removed = $12, resumed_from = $13
		WHERE id = $14`,
		finished, r.Status, r.Pages, r.Errors,
		r.New, r.Changed, r.Unchanged, r.Duplicates, pgText(r.Note),
		r.NotModified, r.SkippedLastmod, r.Removed, resumed, r.ID)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	if tag.RowsAffected() == 0 {
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
	var a params
	var conds []string
	if source != "" {
		conds = append(conds, "source = "+a.add(pgText(source)))
	}
	rows, err := db.pool.Query(ctx, selectRuns+whereClause(conds)+` ORDER BY started DESC, id DESC`, a...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return scanRuns(rows)
}

// RunsPage returns up to limit runs of source ("" for every source),
// newest first, after the run with id after (0: from the newest). An
// after that names no run of the selection is ErrBadCursor.
func (db *DB) RunsPage(ctx context.Context, source string, after int64, limit int) ([]harvest.Run, bool, error) {
	var a params
	var conds []string
	if source != "" {
		conds = append(conds, "source = "+a.add(pgText(source)))
	}
	if after != 0 {
		var n int
		q := "SELECT COUNT(*) FROM runs WHERE id = $1"
		cargs := []any{after}
		if source != "" {
			q += " AND source = $2"
			cargs = append(cargs, pgText(source))
		}
		if err := db.pool.QueryRow(ctx, q, cargs...).Scan(&n); err != nil {
			return nil, false, fmt.Errorf("list runs: %w", err)
		}
		if n == 0 {
			return nil, false, fmt.Errorf("list runs: run %d: %w", after, harvest.ErrBadCursor)
		}
		conds = append(conds, "(started, id) < (SELECT started, id FROM runs WHERE id = "+a.add(after)+")")
	}
	rows, err := db.pool.Query(ctx, selectRuns+whereClause(conds)+` ORDER BY started DESC, id DESC LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, false, fmt.Errorf("list runs: %w", err)
	}
	runs, err := scanRuns(rows)
	if err != nil {
		return nil, false, err
	}
	if len(runs) > limit {
		return runs[:limit], true, nil
	}
	return runs, false, nil
}

// scanRuns reads the rows of selectRuns and closes them.
func scanRuns(rows pgx.Rows) ([]harvest.Run, error) {
	defer rows.Close()
	var runs []harvest.Run
	for rows.Next() {
		var r harvest.Run
		var finished *time.Time
		if err := rows.Scan(&r.ID, &r.Source, &r.Started, &finished, &r.Status,
			&r.Pages, &r.Errors, &r.New, &r.Changed, &r.Unchanged, &r.Duplicates,
			&r.Note, &r.NotModified, &r.SkippedLastmod, &r.Removed, &r.ResumedFrom); err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		r.Started = r.Started.UTC()
		if finished != nil {
			r.Finished = finished.UTC()
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}
