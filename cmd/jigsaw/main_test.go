package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
			[]string{`PostgreSQL database "campaigns" on 127.0.0.1:1`, `user "alice"`}, "hunter2secret"},
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
