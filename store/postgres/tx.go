package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// maxAttempts bounds how often a write transaction is tried when the
// server aborts it for a deadlock or a serialization failure (two
// writers' rows of the sharded serving counters, say, locked in opposite
// orders): the transaction is rolled back whole, so trying it again is
// safe.
const maxAttempts = 5

// retryable reports whether err aborted a transaction that may simply be
// run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// writeTx runs fn in a read-committed transaction and commits it, running
// it again (from the start) after a deadlock or serialization failure.
func (db *DB) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := range maxAttempts {
		err = pgx.BeginFunc(ctx, db.pool, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	return err
}

// readTx runs fn in a read-only repeatable-read transaction: every
// query in it sees one snapshot of the catalogue.
func (db *DB) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}
