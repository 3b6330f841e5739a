package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
)

// The frontier journal of a run crawled by one process, as store/sqlite
// keeps it (frontier.go there): the same folding of a batch's changes.

// leaseTime is how long a claim lasts before another worker may take the
// URL over.
const leaseTime = 10 * time.Minute

// BeginFrontier starts a new frontier for source, belonging to run id,
// and drops whatever an earlier run left.
func (db *DB) BeginFrontier(ctx context.Context, source string, runID int64, started time.Time) error {
	source = pgText(source)
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := clearFrontier(ctx, tx, source); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO frontier_runs (source, run_id, started) VALUES ($1, $2, $3)`,
			source, runID, stamp(started))
		return err
	})
	if err != nil {
		return fmt.Errorf("begin frontier of %s: %w", source, err)
	}
	return nil
}

// ClearFrontier drops source's frontier: its run is over.
func (db *DB) ClearFrontier(ctx context.Context, source string) error {
	source = pgText(source)
	if err := db.writeTx(ctx, func(tx pgx.Tx) error { return clearFrontier(ctx, tx, source) }); err != nil {
		return fmt.Errorf("clear frontier of %s: %w", source, err)
	}
	return nil
}

func clearFrontier(ctx context.Context, tx pgx.Tx, source string) error {
	for _, q := range []string{`DELETE FROM frontier WHERE source = $1`, `DELETE FROM frontier_runs WHERE source = $1`} {
		if _, err := tx.Exec(ctx, q, source); err != nil {
			return err
		}
	}
	return nil
}

// LoadFrontier returns the frontier an unfinished run of source left, if
// any. Leases held by a process that is gone are released: leased URLs
// come back queued, to be fetched again.
func (db *DB) LoadFrontier(ctx context.Context, source string) (harvest.FrontierRun, []harvest.FrontierEntry, bool, error) {
	source = pgText(source)
	var (
		fr      harvest.FrontierRun
		entries []harvest.FrontierEntry
		found   bool
	)
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT run_id, started FROM frontier_runs WHERE source = $1`, source).
			Scan(&fr.RunID, &fr.Started)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		fr.Started = fr.Started.UTC()
		rows, err := tx.Query(ctx, `SELECT url_key, url, depth, kind, optional, lastmod, state
			FROM frontier WHERE source = $1 ORDER BY seq`, source)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e harvest.FrontierEntry
			var kind string
			if err := rows.Scan(&e.Key, &e.URL, &e.Depth, &kind, &e.Optional, &e.Lastmod, &e.State); err != nil {
				return err
			}
			e.Sitemap = kind == "sitemap"
			if e.State == harvest.EntryLeased {
				e.State = harvest.EntryQueued
			}
			entries = append(entries, e)
		}
		return rows.Err()
	})
	if err != nil {
		return harvest.FrontierRun{}, nil, false, fmt.Errorf("load frontier of %s: %w", source, err)
	}
	if !found {
		return harvest.FrontierRun{}, nil, false, nil
	}
	return fr, entries, true, nil
}

// The frontier's push, lease and done statements.
const (
	// foldedPushSQL inserts a URL queued by a batch in its final state;
	// when the row is already there, the queueing does nothing and the
	// lease or done applies to the row (a lease never undoes a done).
	foldedPushSQL = `INSERT INTO frontier
		(source, url_key, url, depth, kind, optional, lastmod, state, seq, lease_owner, lease_expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (source, url_key) DO UPDATE SET state = excluded.state,
			lease_owner = excluded.lease_owner, lease_expires = excluded.lease_expires
		WHERE excluded.state = 'done' OR (excluded.state = 'leased' AND frontier.state <> 'done')`
	pushSQL = `INSERT INTO frontier
		(source, url_key, url, depth, kind, optional, lastmod, state, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8)
		ON CONFLICT (source, url_key) DO NOTHING`
	leaseSQL = `UPDATE frontier SET state = 'leased', lease_owner = $1, lease_expires = $2
		WHERE source = $3 AND url_key = $4 AND state <> 'done'`
	doneSQL = `UPDATE frontier SET state = 'done', lease_owner = NULL, lease_expires = NULL
		WHERE source = $1 AND url_key = $2`
)

// ApplyFrontier writes a batch of frontier changes in one transaction, so
// that what survives a crash is always a prefix of what happened. Within
// the batch the changes of one URL are folded into its final state first
// (see foldFrontier); the statements go to the server as one pgx.Batch.
func (db *DB) ApplyFrontier(ctx context.Context, source, owner string, ops []harvest.FrontierOp) error {
	if len(ops) == 0 {
		return nil
	}
	source, owner = pgText(source), pgText(owner)
	order, folded := foldFrontier(ops)
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM frontier WHERE source = $1`, source).Scan(&seq); err != nil {
			return err
		}
		expires := stamp(time.Now().Add(leaseTime))
		b := &pgx.Batch{}
		if folded {
			for _, c := range order {
				e := c.entry
				switch {
				case c.pushed:
					state, leaseOwner, leaseExpires := harvest.EntryQueued, any(nil), any(nil)
					switch c.state {
					case harvest.EntryLeased:
						state, leaseOwner, leaseExpires = harvest.EntryLeased, owner, expires
					case harvest.EntryDone:
						state = harvest.EntryDone
					}
					seq++
					b.Queue(foldedPushSQL, source, pgText(e.Key), pgText(e.URL), e.Depth, kindOf(e), e.Optional, pgText(e.Lastmod),
						state, seq, leaseOwner, leaseExpires)
				case c.state == harvest.EntryLeased:
					b.Queue(leaseSQL, owner, expires, source, pgText(e.Key))
				case c.state == harvest.EntryDone:
					b.Queue(doneSQL, source, pgText(e.Key))
				}
			}
		} else {
			// Not the one order a run writes: exactly as given.
			for _, op := range ops {
				e := op.Entry
				switch op.Op {
				case harvest.FrontierPush:
					seq++
					b.Queue(pushSQL, source, pgText(e.Key), pgText(e.URL), e.Depth, kindOf(e), e.Optional, pgText(e.Lastmod), seq)
				case harvest.FrontierLease:
					b.Queue(leaseSQL, owner, expires, source, pgText(e.Key))
				case harvest.FrontierDone:
					b.Queue(doneSQL, source, pgText(e.Key))
				default:
					return fmt.Errorf("unknown frontier operation %q", op.Op)
				}
			}
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("write frontier of %s: %w", source, err)
	}
	return nil
}

func kindOf(e harvest.FrontierEntry) string {
	if e.Sitemap {
		return "sitemap"
	}
	return "page"
}

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
