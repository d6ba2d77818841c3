package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// runJigsaw runs the command line in-process and returns the exit status and
// what it printed.
func runJigsaw(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// mustJigsaw runs jigsaw with args and fails the test unless it succeeds.
func mustJigsaw(t *testing.T, args ...string) {
	t.Helper()
	if code, _, stderr := runJigsaw(t, nil, args...); code != 0 {
		t.Fatalf("jigsaw %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage: jigsaw COMMAND"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--colour", "red"}, "flag provided but not defined: -colour"},
		{"stray argument", []string{"migrate", "extra"}, `unexpected argument "extra"`},
		{"bad flag value", []string{"serve", "--log-format", "xml"}, "--log-format"},
		{"bad env value", []string{"serve"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.name == "bad env value" {
				env["JIGSAW_DEMO"] = "perhaps"
				tt.want = "JIGSAW_DEMO"
			}
			code, _, stderr := runJigsaw(t, env, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("got exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runJigsaw(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "jigsaw ") {
		t.Fatalf("got %d %q", code, out)
	}
}

func TestMigrateAndDemo(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			code, out, stderr := runJigsaw(t, nil, "migrate", "--db", dsn)
			if code != 0 || !strings.Contains(out, "migrated to schema version") {
				t.Fatalf("first migrate: %d %q %q", code, out, stderr)
			}
			code, out, _ = runJigsaw(t, map[string]string{"JIGSAW_DB": dsn}, "migrate")
			if code != 0 || !strings.Contains(out, "up to date") {
				t.Fatalf("second migrate, database from JIGSAW_DB: %d %q", code, out)
			}
			if code, out, stderr = runJigsaw(t, nil, "demo", "--db", dsn); code != 0 || !strings.Contains(out, "Demo data loaded") {
				t.Fatalf("demo: %d %q %q", code, out, stderr)
			}
			if code, _, stderr = runJigsaw(t, nil, "demo", "--db", dsn); code != 0 {
				t.Fatalf("demo again: %d %q", code, stderr)
			}
		})
	}
}

func TestBadDatabases(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, bytes.Repeat([]byte("this is not a database "), 400), 0o600)
	for _, tt := range []struct {
		name    string
		db      string
		want    []string
		notWant string
	}{
		{"corrupt SQLite file", corrupt, []string{"not a SQLite database or is corrupt", corrupt}, "panic"},
		{"missing directory", filepath.Join(dir, "nope", "x.db"), []string{"does not exist"}, "panic"},
		{"unreachable PostgreSQL", "postgres://alice:hunter2secret@127.0.0.1:1/campaigns?connect_timeout=2",
			[]string{`PostgreSQL database "campaigns" on 127.0.0.1:1`, `user "alice"`, "nothing is listening there"}, "hunter2secret"},
		{"malformed PostgreSQL URL", "postgres://alice:hunter2secret@[::1/x", []string{"malformed"}, "hunter2secret"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, cmd := range []string{"migrate", "serve"} {
				code, _, stderr := runJigsaw(t, nil, cmd, "--db", tt.db, "--addr", "127.0.0.1:0")
				if cmd == "migrate" {
					code, _, stderr = runJigsaw(t, nil, cmd, "--db", tt.db)
				}
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if code != 1 || len(lines) != 1 {
					t.Fatalf("%s: got exit %d, stderr %q; want exit 1 and one line", cmd, code, stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("%s: stderr %q lacks %q", cmd, stderr, w)
					}
				}
				if strings.Contains(stderr, tt.notWant) {
					t.Errorf("%s: stderr %q contains %q", cmd, stderr, tt.notWant)
				}
			}
		})
	}
}

func TestUserCommands(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"user", "add", "admin@example.org", "--role", "admin", "--password-stdin", "--db", dsn},
				strings.NewReader("a long enough password\n"), &out, &errb)
			if code != 0 || !strings.Contains(out.String(), "Added admin@example.org as admin.") {
				t.Fatalf("user add: %d %q %q", code, out.String(), errb.String())
			}
			for _, tt := range []struct {
				name  string
				args  []string
				stdin string
				code  int
				want  string
			}{
				{"duplicate", []string{"user", "add", "ADMIN@example.org", "--role", "editor", "--db", dsn}, "", 1, "already exists"},
				{"bad role", []string{"user", "add", "x@example.org", "--role", "owner", "--db", dsn}, "", 1, "Role must be"},
				{"short password", []string{"user", "add", "y@example.org", "--role", "editor", "--password-stdin", "--db", dsn}, "short\n", 1, "at least 12"},
				{"no email", []string{"user", "add", "--role", "editor", "--db", dsn}, "", 2, "give exactly one EMAIL"},
				{"unknown subcommand", []string{"user", "delete", "x"}, "", 2, "unknown subcommand"},
				{"token for nobody", []string{"user", "token", "nobody@example.org", "--db", dsn}, "", 1, "no user nobody@example.org"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					var out, errb bytes.Buffer
					code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errb)
					if code != tt.code || !strings.Contains(errb.String(), tt.want) {
						t.Fatalf("got %d %q, want %d and %q", code, errb.String(), tt.code, tt.want)
					}
				})
			}
			out.Reset()
			if code := run(context.Background(), []string{"user", "add", "ed@example.org", "--role", "editor", "--db", dsn, "--base-url", "https://nhs.example"},
				strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), "https://nhs.example/password/reset?t=") {
				t.Fatalf("user add without a password: %d %q", code, out.String())
			}
			out.Reset()
			if code := run(context.Background(), []string{"user", "token", "admin@example.org", "--db", dsn}, strings.NewReader(""), &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "jgs_") {
				t.Fatalf("user token: %d %q", code, out.String())
			}
		})
	}
}

// TestSQLiteCopiedBeforeUpgrade: before upgrading an existing SQLite
// database, migrate writes a consistent copy beside it.
func TestSQLiteCopiedBeforeUpgrade(t *testing.T) {
	ctx := context.Background()
	dsn := testrig.NewDSN(t, "sqlite")
	// A database as the previous release left it: one step behind.
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, latest, _ := db.SchemaVersion(ctx)
	if _, err := db.MigrateTo(ctx, nil, latest-1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, stderr := runJigsaw(t, nil, "migrate", "--db", dsn)
	if code != 0 || !strings.Contains(out, "1 steps applied") {
		t.Fatalf("upgrade: %d %q %q", code, out, stderr)
	}
	copies, _ := filepath.Glob(dsn + ".v*.bak")
	if len(copies) != 1 || !strings.Contains(copies[0], ".v"+strconv.Itoa(latest-1)+"-") {
		t.Fatalf("copies beside the database: %v, want one of version %d", copies, latest-1)
	}
	// The copy is a sound database at the old version.
	old, err := store.Open(ctx, copies[0])
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if cur, _, _ := old.SchemaVersion(ctx); cur != latest-1 {
		t.Fatalf("copy at version %d, want %d", cur, latest-1)
	}
	if err := old.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPostgresDumpedBeforeUpgrade: before upgrading an existing PostgreSQL
// database, migrate and serve take a pg_dump into the working directory,
// readable by its owner alone, which restores the database as it was;
// migrate --no-backup skips it.
func TestPostgresDumpedBeforeUpgrade(t *testing.T) {
	if os.Getenv(testrig.PostgresEnv) == "" {
		testrig.Engines(t)
		t.Skip("PostgreSQL only")
	}
	ctx := context.Background()
	dsn := testrig.NewDSN(t, store.Postgres)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, latest, _ := db.SchemaVersion(ctx)
	if _, err := db.MigrateTo(ctx, nil, latest-1); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, stderr := runJigsaw(t, nil, "migrate", "--db", dsn)
	if code != 0 || !strings.Contains(out, "1 steps applied") || !strings.Contains(stderr, "dumped database before migrating") {
		t.Fatalf("upgrade: %d %q %q", code, out, stderr)
	}
	dumps, _ := filepath.Glob(filepath.Join(dir, "jigsaw-*.v"+strconv.Itoa(latest-1)+"-*.dump"))
	if len(dumps) != 1 {
		t.Fatalf("dumps in the working directory: %v, want one of version %d", dumps, latest-1)
	}
	if fi, err := os.Stat(dumps[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dump: %v %v, want mode 0600", fi, err)
	}
	if code, _, stderr := runJigsaw(t, nil, "restore", "--db", dsn, dumps[0]); code != 0 {
		t.Fatalf("restore of the dump: %s", stderr)
	}
	if cur, _, _ := db.SchemaVersion(ctx); cur != latest-1 {
		t.Fatalf("restored dump at version %d, want %d", cur, latest-1)
	}
	startServe(t, dsn)()
	if cur, _, _ := db.SchemaVersion(ctx); cur != latest {
		t.Fatalf("after serve: version %d, want %d", cur, latest)
	}
	if again, _ := filepath.Glob(filepath.Join(dir, "*.dump")); len(again) != 2 {
		t.Fatalf("dumps after serve upgraded the database: %v, want a second", again)
	}
	if code, _, stderr := runJigsaw(t, nil, "restore", "--db", dsn, dumps[0]); code != 0 {
		t.Fatalf("restore of the dump: %s", stderr)
	}
	code, out, stderr = runJigsaw(t, nil, "migrate", "--db", dsn, "--no-backup")
	if code != 0 || !strings.Contains(out, "1 steps applied") {
		t.Fatalf("upgrade with --no-backup: %d %q %q", code, out, stderr)
	}
	if again, _ := filepath.Glob(filepath.Join(dir, "*.dump")); len(again) != 2 {
		t.Errorf("--no-backup dumped the database: %v", again)
	}

	// A dump cut short is refused, and the database stays as it was: the
	// tables the restore drops first come back with the rollback.
	whole, err := os.ReadFile(dumps[0])
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.dump")
	os.WriteFile(cut, whole[:len(whole)*2/3], 0o600)
	if code, _, stderr := runJigsaw(t, nil, "restore", "--db", dsn, cut); code != 1 || !strings.Contains(stderr, "pg_restore failed") {
		t.Errorf("restore of a cut dump: %d %q", code, stderr)
	}
	if cur, _, _ := db.SchemaVersion(ctx); cur != latest {
		t.Errorf("after a failed restore: version %d, want %d", cur, latest)
	}
	if n, err := db.CountRows(ctx, "watched_sources", "organisations"); err != nil {
		t.Errorf("after a failed restore the tables are gone: %v %v", n, err)
	}
}
