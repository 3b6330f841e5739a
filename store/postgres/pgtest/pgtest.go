// Package pgtest gives tests a PostgreSQL database of their own.
//
// The server is named by HARVEST_TEST_POSTGRES (a postgres:// DSN). Without
// it the test is skipped, except under CI=true, where a PostgreSQL test
// that cannot run is a failure.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env is the variable that names the test server.
const Env = "HARVEST_TEST_POSTGRES"

// Server returns the test server's DSN, skipping the test when none is
// set (failing it under CI=true).
func Server(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set: the PostgreSQL tests must run in CI", Env)
		}
		tb.Skipf("%s is not set: PostgreSQL tests skipped", Env)
	}
	return dsn
}

// DSN returns the DSN of a new, empty schema on the test server, dropped
// when the test ends: each test has a catalogue of its own, and tests of
// several packages can run at once.
func DSN(tb testing.TB) string {
	tb.Helper()
	server := Server(tb)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "harvest_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		if os.Getenv("CI") != "true" {
			tb.Skipf("PostgreSQL at %s not reachable: %v", Env, err)
		}
		tb.Fatalf("connect %s: %v", Env, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), server)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
