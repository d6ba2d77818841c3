package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestNewSQLiteDatabaseIsPrivate: a database Jigsaw creates, and its
// write-ahead log, are readable by their owner alone.
func TestNewSQLiteDatabaseIsPrivate(t *testing.T) {
	ctx := context.Background()
	// Made by the store itself, not copied from testrig's template.
	db, err := store.Open(ctx, testrig.NewDSN(t, store.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOrganisation(ctx, &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup}); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(db.String(), "SQLite database ")
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want 0600", f, got)
		}
	}
}
