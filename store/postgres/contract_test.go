package postgres

import (
	"testing"

	"harvest"
	"harvest/store/postgres/pgtest"
	"harvest/store/storetest"
)

// openTest opens a catalogue in a schema of its own on the test server
// (skipping the test without one), closed when the test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// TestContract runs the contract every catalogue backend keeps.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) harvest.Catalogue { return openTest(t) })
}
