package store_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// olderPostgres returns a PostgreSQL database one schema step behind.
func olderPostgres(t *testing.T) (db *store.DB, latest int) {
	t.Helper()
	if os.Getenv(testrig.PostgresEnv) == "" {
		testrig.Engines(t)
		t.Skip("PostgreSQL only")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, testrig.NewDSN(t, store.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, latest, _ = db.SchemaVersion(ctx)
	if _, err := db.MigrateTo(ctx, nil, latest-1); err != nil {
		t.Fatal(err)
	}
	return db, latest
}

// TestMigrateWithoutPgDump: where pg_dump is missing, the upgrade says so
// in the log and goes on.
func TestMigrateWithoutPgDump(t *testing.T) {
	db, latest := olderPostgres(t)
	ctx := context.Background()
	var log syncBuffer
	missing := func(string) (string, error) { return "", errors.New("not installed") }
	t.Chdir(t.TempDir())
	applied, err := db.MigrateWith(ctx, store.WithPGTool(store.MigrateOptions{Log: slog.New(slog.NewTextHandler(&log, nil)), DumpDir: "."}, missing))
	if err != nil || len(applied) != 1 {
		t.Fatalf("migrate: %v %v", applied, err)
	}
	if !strings.Contains(log.String(), "pg_dump is not installed: migrating without a backup first") {
		t.Errorf("the log does not say the backup was skipped:\n%s", log.String())
	}
	if cur, _, _ := db.SchemaVersion(ctx); cur != latest {
		t.Errorf("version %d, want %d", cur, latest)
	}
}

// TestMigrateStopsWhenPgDumpFails: a pg_dump that fails stops the upgrade
// before it starts, saying why and how to go on.
func TestMigrateStopsWhenPgDumpFails(t *testing.T) {
	db, latest := olderPostgres(t)
	ctx := context.Background()
	dir := t.TempDir()
	failing := func(string) (string, error) { return "/bin/false", nil }
	_, err := db.MigrateWith(ctx, store.WithPGTool(store.MigrateOptions{DumpDir: dir}, failing))
	msg := jigsaw.ErrorMessage(err)
	if !strings.Contains(msg, "Cannot back up the database before migrating, so nothing was changed") || !strings.Contains(msg, "jigsaw migrate --no-backup") {
		t.Fatalf("got %v, want a refusal that says how to go on", err)
	}
	if cur, _, _ := db.SchemaVersion(ctx); cur != latest-1 {
		t.Errorf("version %d after a failed backup, want %d", cur, latest-1)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a failed dump left %v behind", left)
	}
}
