package store_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestGroupCommitLeavesOthersSynchronous checks the one place SQLite
// commits without waiting for the disk: a group transaction, whose callers
// are answered only after the group's log is synced. Every other
// transaction on the writer must still commit with synchronous=FULL.
func TestGroupCommitLeavesOthersSynchronous(t *testing.T) {
	ctx := context.Background()
	db := testrig.MustOpenDB(t, "sqlite")
	const normal, full = 1, 2
	for i := range 3 {
		// A prepared PRAGMA reads the setting as it was when prepared, and
		// the group keeps its statements prepared: each query is new.
		query := "PRAGMA synchronous -- " + strconv.Itoa(i)
		var inGroup, inTx int
		if err := db.GroupTx(ctx, false, func(tx store.Execer) error {
			return tx.QueryRowContext(ctx, query).Scan(&inGroup)
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, query+" again").Scan(&inTx)
		}); err != nil {
			t.Fatal(err)
		}
		if inGroup != normal || inTx != full {
			t.Fatalf("synchronous: %d in a group, %d in a transaction after it; want %d and %d", inGroup, inTx, normal, full)
		}
	}
}
