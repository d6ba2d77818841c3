// Package testrig gives tests real databases and a running Jigsaw. Tests
// use real SQLite files and a real PostgreSQL server, never mocks of the store.
package testrig

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"jigsaw/internal/markdown"
	"jigsaw/internal/store"
	"jigsaw/internal/store/migrations"
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
	db, err := store.Open(context.Background(), NewMigratedDSN(tb, engine))
	if err != nil {
		tb.Fatalf("open %s: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	db.RenderHTML = markdown.New().Render
	// Already migrated: this only checks the version.
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

// NewMigratedDSN returns the address of a new database already at the
// newest schema, removed when the test ends. Migrating takes a second on
// PostgreSQL (two dozen steps of DDL) and most tests want a migrated
// database, so each process migrates once into a template and copies it:
// SQLite's file is copied from memory; PostgreSQL's database is made with
// CREATE DATABASE … TEMPLATE from a template database shared by every test
// process, named for the migrations' text so that a changed step makes a
// new one.
func NewMigratedDSN(tb testing.TB, engine string) string {
	tb.Helper()
	if engine == store.SQLite {
		image, err := sqliteImage()
		if err != nil {
			tb.Fatalf("migrate the template database: %v", err)
		}
		path := filepath.Join(tb.TempDir(), "jigsaw.db")
		// Private, as Jigsaw makes a new database.
		if err := os.WriteFile(path, image, 0o600); err != nil {
			tb.Fatal(err)
		}
		return path
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Fatalf("%s is not set", PostgresEnv)
	}
	create, err := pgTemplate(base)
	if err != nil {
		tb.Fatalf("migrate the template database: %v", err)
	}
	name := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name + create); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`)
	})
	return pgDatabaseDSN(tb, base, name)
}

var sqliteTemplate struct {
	once  sync.Once
	image []byte
	err   error
}

// sqliteImage returns the bytes of a migrated SQLite database.
func sqliteImage() ([]byte, error) {
	t := &sqliteTemplate
	t.once.Do(func() {
		dir, err := os.MkdirTemp("", "jigsaw-template-")
		if err != nil {
			t.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "jigsaw.db")
		if t.err = migrateAt(path); t.err == nil {
			// Closed, the database is whole in its file: no WAL beside it.
			t.image, t.err = os.ReadFile(path)
		}
	})
	return t.image, t.err
}

var postgresTemplate struct {
	once   sync.Once
	create string
	err    error
}

// pgTemplate makes sure the template database of the current migrations
// exists on the server at base and returns the clause of CREATE DATABASE
// that copies it.
func pgTemplate(base string) (string, error) {
	t := &postgresTemplate
	t.once.Do(func() { t.create, t.err = makePGTemplate(base) })
	return t.create, t.err
}

func makePGTemplate(base string) (string, error) {
	ctx := context.Background()
	h := sha256.New()
	names, err := fs.Glob(migrations.FS, store.Postgres+"/*.sql")
	if err != nil {
		return "", err
	}
	for _, name := range names {
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	name := "jigsaw_template_" + hex.EncodeToString(h.Sum(nil))[:16]
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	// One connection holds the lock while the template is made: the test
	// processes of other packages wait for it rather than making their own.
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('jigsaw-test-template'))`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('jigsaw-test-template'))`)
	// FILE_COPY copies the files, as before PostgreSQL 15, rather than
	// writing every page to the WAL: half the time for a small database.
	create := ` TEMPLATE ` + name
	var version int
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		return "", err
	}
	if version >= 150000 {
		create += ` STRATEGY FILE_COPY`
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil || n > 0 {
		return create, err
	}
	// Templates of older migrations (a server kept between runs) and one
	// half made by a process killed while migrating go; the new one is made
	// under another name and renamed when whole.
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'jigsaw\_template\_%'`)
	if err != nil {
		return "", err
	}
	var stale []string
	for rows.Next() {
		var old string
		if err := rows.Scan(&old); err != nil {
			rows.Close()
			return "", err
		}
		stale = append(stale, old)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	building := name + "_building"
	var qs []string
	for _, old := range stale {
		qs = append(qs, `DROP DATABASE `+old+` WITH (FORCE)`)
	}
	for _, q := range append(qs, `CREATE DATABASE `+building) {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + building
	if err := migrateAt(u.String()); err != nil {
		return "", err
	}
	// No connections: CREATE DATABASE … TEMPLATE waits for any to the
	// template (autovacuum's) to end.
	for _, q := range []string{`ALTER DATABASE ` + building + ` RENAME TO ` + name, `ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return "", err
		}
	}
	return create, nil
}

// migrateAt migrates the database at dsn to the newest schema and closes it.
func migrateAt(dsn string) error {
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

// pgDatabaseDSN returns base with its database replaced by name.
func pgDatabaseDSN(tb testing.TB, base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
