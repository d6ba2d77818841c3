// Package testrig gives tests real databases and a running Jigsaw. Tests
// use real SQLite files and a real PostgreSQL server, never mocks of the store.
package testrig

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"jigsaw/internal/markdown"
	"jigsaw/internal/store"
)

// PostgresEnv names the variable holding the URL of the throwaway PostgreSQL
// server that scripts/test.sh starts.
const PostgresEnv = "JIGSAW_TEST_POSTGRES"

// Engines returns the database engines tests should run on: SQLite always,
// PostgreSQL when JIGSAW_TEST_POSTGRES is set. Under CI=true a missing
// PostgreSQL fails the test instead of quietly leaving half the suite out.
func Engines(tb testing.TB) []string {
	tb.Helper()
	if os.Getenv(PostgresEnv) != "" {
		return []string{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is not set: the PostgreSQL half of the suite cannot run (use make test)", PostgresEnv)
	}
	tb.Logf("%s not set: running on SQLite only (make test runs both)", PostgresEnv)
	return []string{store.SQLite}
}

// ForEachEngine runs fn as a subtest per engine with a fresh, migrated DB.
func ForEachEngine(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) {
			fn(t, MustOpenDB(t, engine))
		})
	}
}

// MustOpenDB returns a fresh, migrated database of the given engine that is
// removed when the test ends.
func MustOpenDB(tb testing.TB, engine string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), NewDSN(tb, engine))
	if err != nil {
		tb.Fatalf("open %s: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	db.RenderHTML = markdown.New().Render
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		tb.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// NewDSN returns the address of a new, empty database: a file in a temporary
// directory, or a fresh schema in the test PostgreSQL server (dropped at the
// end), so tests never see each other's rows.
func NewDSN(tb testing.TB, engine string) string {
	tb.Helper()
	if engine == store.SQLite {
		return filepath.Join(tb.TempDir(), "jigsaw.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Fatalf("%s is not set", PostgresEnv)
	}
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
