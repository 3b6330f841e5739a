package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"harvest"
	"time"
)

// leaseTime is how long a claim lasts before another worker may take the
// URL over.
const leaseTime = 10 * time.Minute

// BeginFrontier starts a new frontier for source, belonging to run id,
// and drops whatever an earlier run left.
func (db *DB) BeginFrontier(ctx context.Context, source string, runID int64, started time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin frontier of %s: %w", source, err)
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM frontier WHERE source = ?`, `DELETE FROM frontier_runs WHERE source = ?`} {
		if _, err := tx.ExecContext(ctx, q, source); err != nil {
			return fmt.Errorf("begin frontier of %s: %w", source, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO frontier_runs (source, run_id, started) VALUES (?, ?, ?)`,
		source, runID, formatTime(started)); err != nil {
		return fmt.Errorf("begin frontier of %s: %w", source, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("begin frontier of %s: %w", source, err)
	}
	return nil
}

// ClearFrontier drops source's frontier: its run is over.
func (db *DB) ClearFrontier(ctx context.Context, source string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("clear frontier of %s: %w", source, err)
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM frontier WHERE source = ?`, `DELETE FROM frontier_runs WHERE source = ?`} {
		if _, err := tx.ExecContext(ctx, q, source); err != nil {
			return fmt.Errorf("clear frontier of %s: %w", source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("clear frontier of %s: %w", source, err)
	}
	return nil
}

// LoadFrontier returns the frontier an unfinished run of source left, if
// any. Leases held by a process that is gone are released: leased URLs
// come back queued, to be fetched again.
func (db *DB) LoadFrontier(ctx context.Context, source string) (harvest.FrontierRun, []harvest.FrontierEntry, bool, error) {
	var fr harvest.FrontierRun
	var started string
	err := db.read.QueryRowContext(ctx, `SELECT run_id, started FROM frontier_runs WHERE source = ?`, source).
		Scan(&fr.RunID, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return fr, nil, false, nil
	}
	if err != nil {
		return fr, nil, false, fmt.Errorf("load frontier of %s: %w", source, err)
	}
	if fr.Started, err = parseTime(started); err != nil {
		return fr, nil, false, fmt.Errorf("load frontier of %s: %w", source, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT url_key, url, depth, kind, optional, lastmod, state
		FROM frontier WHERE source = ? ORDER BY seq`, source)
	if err != nil {
		return fr, nil, false, fmt.Errorf("load frontier of %s: %w", source, err)
	}
	defer rows.Close()
	var entries []harvest.FrontierEntry
	for rows.Next() {
		var e harvest.FrontierEntry
		var kind string
		if err := rows.Scan(&e.Key, &e.URL, &e.Depth, &kind, &e.Optional, &e.Lastmod, &e.State); err != nil {
			return fr, nil, false, fmt.Errorf("load frontier of %s: %w", source, err)
		}
		e.Sitemap = kind == "sitemap"
		if e.State == harvest.EntryLeased {
			e.State = harvest.EntryQueued
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return fr, nil, false, fmt.Errorf("load frontier of %s: %w", source, err)
	}
	return fr, entries, true, nil
}

// ApplyFrontier writes a batch of frontier changes, in one transaction,
// so that what survives a crash is always a prefix of what happened: a
// URL marked done never lacks the URLs it discovered. Within the batch
// the changes of one URL are folded into its final state first (a URL
// queued, leased and done in the same batch is one row written once):
// the transaction makes only the final state visible anyway.
func (db *DB) ApplyFrontier(ctx context.Context, source, owner string, ops []harvest.FrontierOp) error {
	if len(ops) == 0 {
		return nil
	}
	order, ok := foldFrontier(ops)
	if !ok {
		// Not the one order a run writes (queued, leased, done, each
		// once per batch): written one by one, exactly as given.
		return db.applyFrontierInOrder(ctx, source, owner, ops)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	defer tx.Rollback()
	// A URL queued by this batch: inserted in its final state; when the
	// row is already there (queued by an earlier run), the queueing does
	// nothing and the lease or done applies to the row, as it would have
	// one by one (a lease never undoes a done).
	push, err := tx.PrepareContext(ctx, `INSERT INTO frontier
		(source, url_key, url, depth, kind, optional, lastmod, state, seq, lease_owner, lease_expires)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, url_key) DO UPDATE SET state = excluded.state,
			lease_owner = excluded.lease_owner, lease_expires = excluded.lease_expires
		WHERE excluded.state = 'done' OR (excluded.state = 'leased' AND frontier.state <> 'done')`)
	if err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	defer push.Close()
	lease, err := tx.PrepareContext(ctx, leaseSQL)
	if err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	defer lease.Close()
	done, err := tx.PrepareContext(ctx, doneSQL)
	if err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	defer done.Close()
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM frontier WHERE source = ?`, source).Scan(&seq); err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	expires := formatTime(time.Now().Add(leaseTime))
	for _, c := range order {
		e := c.entry
		switch {
		case c.pushed:
			kind := "page"
			if e.Sitemap {
				kind = "sitemap"
			}
			state, leaseOwner, leaseExpires := harvest.EntryQueued, any(nil), any(nil)
			switch c.state {
			case harvest.EntryLeased:
				state, leaseOwner, leaseExpires = harvest.EntryLeased, owner, expires
			case harvest.EntryDone:
				state = harvest.EntryDone
			}
			seq++
			_, err = push.ExecContext(ctx, source, e.Key, e.URL, e.Depth, kind, e.Optional, e.Lastmod, state, seq, leaseOwner, leaseExpires)
		case c.state == harvest.EntryLeased:
			_, err = lease.ExecContext(ctx, owner, expires, source, e.Key)
		case c.state == harvest.EntryDone:
			_, err = done.ExecContext(ctx, source, e.Key)
		}
		if err != nil {
			return fmt.Errorf("write frontier of %s: %w", source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	return nil
}

// The frontier's lease and done, for the folded and the in-order writes.
const (
	leaseSQL = `UPDATE frontier SET state = 'leased', lease_owner = ?, lease_expires = ?
		WHERE source = ? AND url_key = ? AND state <> 'done'`
	doneSQL = `UPDATE frontier SET state = 'done', lease_owner = NULL, lease_expires = NULL
		WHERE source = ? AND url_key = ?`
)

// frontierChange is what one batch does to one URL.
type frontierChange struct {
	entry  harvest.FrontierEntry
	pushed bool   // queued by this batch (inserted unless already there)
	state  string // "", "leased" or "done": the last lease or done
	rank   int    // of the last operation: push 1, lease 2, done 3
}

var frontierRank = map[string]int{harvest.FrontierPush: 1, harvest.FrontierLease: 2, harvest.FrontierDone: 3}

// foldFrontier folds a batch's changes into one per URL, in the order of
// their first change. It reports false when a URL's changes are not in a
// run's order (queued, leased, done, each at most once), or an operation
// is unknown: then only the batch written change by change is exact.
func foldFrontier(ops []harvest.FrontierOp) ([]*frontierChange, bool) {
	changes := make(map[string]*frontierChange, len(ops))
	var order []*frontierChange
	for _, op := range ops {
		r, known := frontierRank[op.Op]
		c := changes[op.Entry.Key]
		if c == nil {
			c = &frontierChange{entry: op.Entry}
			changes[op.Entry.Key] = c
			order = append(order, c)
		}
		if !known || r <= c.rank {
			return nil, false
		}
		c.rank = r
		switch op.Op {
		case harvest.FrontierPush:
			c.pushed, c.entry = true, op.Entry
		case harvest.FrontierLease:
			c.state = harvest.EntryLeased
		case harvest.FrontierDone:
			c.state = harvest.EntryDone
		}
	}
	return order, true
}

// applyFrontierInOrder writes a batch one change at a time, in order (for
// a batch whose changes of one URL are not in a run's order).
func (db *DB) applyFrontierInOrder(ctx context.Context, source, owner string, ops []harvest.FrontierOp) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM frontier WHERE source = ?`, source).Scan(&seq); err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	expires := formatTime(time.Now().Add(leaseTime))
	for _, op := range ops {
		e := op.Entry
		switch op.Op {
		case harvest.FrontierPush:
			kind := "page"
			if e.Sitemap {
				kind = "sitemap"
			}
			seq++
			_, err = tx.ExecContext(ctx, `INSERT INTO frontier
				(source, url_key, url, depth, kind, optional, lastmod, state, seq)
				VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)
				ON CONFLICT (source, url_key) DO NOTHING`, source, e.Key, e.URL, e.Depth, kind, e.Optional, e.Lastmod, seq)
		case harvest.FrontierLease:
			_, err = tx.ExecContext(ctx, leaseSQL, owner, expires, source, e.Key)
		case harvest.FrontierDone:
			_, err = tx.ExecContext(ctx, doneSQL, source, e.Key)
		default:
			err = fmt.Errorf("unknown frontier operation %q", op.Op)
		}
		if err != nil {
			return fmt.Errorf("write frontier of %s: %w", source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	return nil
}
