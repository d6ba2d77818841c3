package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// exportOf is the export of the database at dsn without its audit log,
// which the export, backup and restore commands write to.
func exportOf(t *testing.T, dsn string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export.jsonl")
	if code, _, stderr := runJigsaw(t, nil, "export", "--db", dsn, out); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	b, _ := os.ReadFile(out)
	var kept [][]byte
	skip := false
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(`{"table":`)) {
			skip = bytes.HasPrefix(line, []byte(`{"table":"audit_log"`))
		}
		if !skip {
			kept = append(kept, line)
		}
	}
	return bytes.Join(kept, nil)
}

// auditOf returns the audit log's entries of the action in the database at
// dsn, newest first.
func auditOf(t *testing.T, dsn, action string) []*jigsaw.AuditEntry {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	es, _, err := db.FindAudit(context.Background(), jigsaw.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// startServe runs `jigsaw serve` on dsn until the returned function stops
// it, and waits until it serves.
func startServe(t *testing.T, dsn string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "msg=serving"); time.Sleep(10 * time.Millisecond) {
		select {
		case c := <-code:
			cancel()
			t.Fatalf("serve stopped with %d before serving:\n%s", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if c := <-code; c != 0 {
			t.Errorf("serve: exit %d:\n%s", c, stderr.String())
		}
	}
	t.Cleanup(stop)
	return stop
}

// TestRestoreRefusedWhileServing: a restore under a running `jigsaw serve`
// would replace the database beneath it (on SQLite the server would go on
// writing to the old file, and lose it all); it is refused, saying what
// was found and what to do, and works once the server stops.
func TestRestoreRefusedWhileServing(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			mustJigsaw(t, "migrate", "--db", dsn)
			backup := filepath.Join(t.TempDir(), "jigsaw.backup")
			mustJigsaw(t, "backup", "--db", dsn, backup)
			stop := startServe(t, dsn)
			code, _, stderr := runJigsaw(t, nil, "restore", "--db", dsn, backup)
			want := []string{"is in use: ", "Stop every jigsaw serve using this database first, then restore."}
			if engine == store.SQLite && runtime.GOOS == "linux" {
				want = append(want, "process "+strconv.Itoa(os.Getpid())+" holds "+dsn+".lock")
			}
			if engine == store.Postgres {
				want = append(want, "1 jigsaw serve session holds its serve lock (from ")
			}
			for _, w := range want {
				if code != 1 || !strings.Contains(stderr, w) {
					t.Errorf("restore under serve: got exit %d, %q; want exit 1 and %q", code, stderr, w)
				}
			}
			if got := auditOf(t, dsn, "restore"); len(got) != 0 {
				t.Errorf("a refused restore was recorded: %+v", got[0])
			}
			stop()
			if code, _, stderr := runJigsaw(t, nil, "restore", "--db", dsn, backup); code != 0 {
				t.Fatalf("restore after serve stopped: %d %q", code, stderr)
			}
		})
	}
}

// TestCopiesArePrivate: backups, exports and restored databases hold
// everyone's personal data, and are readable by their owner alone.
func TestCopiesArePrivate(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			mustJigsaw(t, "migrate", "--db", dsn)
			dir := t.TempDir()
			backup, export := filepath.Join(dir, "jigsaw.backup"), filepath.Join(dir, "jigsaw.jsonl")
			mustJigsaw(t, "backup", "--db", dsn, backup)
			mustJigsaw(t, "export", "--db", dsn, export)
			files := []string{backup, export}
			if engine == store.SQLite {
				restored := filepath.Join(dir, "restored.db")
				mustJigsaw(t, "restore", "--db", restored, backup)
				files = append(files, restored)
			}
			for _, f := range files {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != 0o600 {
					t.Errorf("%s: mode %v, want 0600", filepath.Base(f), got)
				}
			}
		})
	}
}

// TestCopiesAreAudited: export, backup and restore copy everyone's personal
// data, and each is written to the audit log: who ran it and the file. The
// restore's entry is written into the restored database, so it survives.
func TestCopiesAreAudited(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			mustJigsaw(t, "migrate", "--db", dsn)
			dir := t.TempDir()
			backup, export := filepath.Join(dir, "jigsaw.backup"), filepath.Join(dir, "jigsaw.jsonl")
			for _, tt := range []struct {
				action, file, detail string
			}{
				{"export", export, export},
				{"export", "-", "standard output"},
				{"backup", "-", "standard output"},
				{"backup", backup, backup},
			} {
				if code, _, stderr := runJigsaw(t, nil, tt.action, "--db", dsn, tt.file); code != 0 {
					t.Fatalf("%s %s: %s", tt.action, tt.file, stderr)
				}
				got := auditOf(t, dsn, tt.action)
				if len(got) == 0 || got[0].Detail != tt.detail || !strings.HasPrefix(got[0].Actor, "command line") {
					t.Errorf("%s %s: audit log has %+v, want an entry by the command line of %q", tt.action, tt.file, got, tt.detail)
				}
			}
			mustJigsaw(t, "restore", "--db", dsn, backup)
			got := auditOf(t, dsn, "restore")
			if len(got) != 1 || got[0].Detail != backup || !strings.HasPrefix(got[0].Actor, "command line") {
				t.Errorf("after the restore the audit log has %+v, want its entry of %q", got, backup)
			}
			// The backup holds the log as it was: the export before it is in.
			if n := len(auditOf(t, dsn, "export")); n != 2 {
				t.Errorf("the restored log has %d exports, want the 2 made before the backup", n)
			}
		})
	}
}

// TestBackupToStandardOutput: `jigsaw backup -` writes the backup to
// standard output, and says what it did on standard error; what it wrote
// restores.
func TestBackupToStandardOutput(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			mustJigsaw(t, "demo", "--db", dsn)
			before := exportOf(t, dsn)
			code, out, stderr := runJigsaw(t, nil, "backup", "--db", dsn, "-")
			if code != 0 || !strings.Contains(stderr, "backed up to standard output") {
				t.Fatalf("backup -: %d %q", code, stderr)
			}
			magic := map[string]string{store.SQLite: "SQLite format 3\x00", store.Postgres: "PGDMP"}[engine]
			if !strings.HasPrefix(out, magic) {
				t.Fatalf("standard output begins %q, want %q", out[:min(len(out), 16)], magic)
			}
			if files, _ := filepath.Glob(filepath.Join(filepath.Dir(dsn), ".*")); engine == store.SQLite && len(files) > 0 {
				t.Errorf("left beside the database: %v", files)
			}
			backup := filepath.Join(t.TempDir(), "from-stdout.backup")
			os.WriteFile(backup, []byte(out), 0o600)
			target := testrig.NewDSN(t, engine)
			if engine == store.Postgres {
				target = dsn
			}
			if code, _, stderr := runJigsaw(t, nil, "restore", "--db", target, backup); code != 0 {
				t.Fatalf("restore: %s", stderr)
			}
			if after := exportOf(t, target); !bytes.Equal(before, after) {
				t.Error("the database restored from standard output differs from the one backed up")
			}
		})
	}
}

func TestBackupAndRestore(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := testrig.NewDSN(t, engine)
			mustJigsaw(t, "demo", "--db", dsn)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			// Online: the backup is taken while another connection writes.
			var written atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if db.CreateOrganisation(ctx, &jigsaw.Organisation{Name: fmt.Sprintf("Writer %d", i), Kind: jigsaw.OrgCampaignGroup}) == nil {
						written.Add(1)
					}
				}
			}()
			online := filepath.Join(t.TempDir(), "online.backup")
			code, out, stderr := runJigsaw(t, nil, "backup", "--db", dsn, online)
			close(stop)
			wg.Wait()
			if code != 0 || !strings.Contains(out, "backed up to") {
				t.Fatalf("online backup: %d %q %q", code, out, stderr)
			}
			if written.Load() == 0 {
				t.Fatal("no write happened during the backup: the test proved nothing")
			}

			// Quiescent: restore brings back exactly what was backed up.
			before := exportOf(t, dsn)
			backup := filepath.Join(t.TempDir(), "quiet.backup")
			mustJigsaw(t, "backup", backup, "--db", dsn)
			if err := db.CreateOrganisation(ctx, &jigsaw.Organisation{Name: "Made After The Backup", Kind: jigsaw.OrgCampaignGroup}); err != nil {
				t.Fatal(err)
			}
			db.Close()
			code, out, stderr = runJigsaw(t, nil, "restore", backup, "--db", dsn)
			if code != 0 || !strings.Contains(out, "Restored") {
				t.Fatalf("restore: %d %q %q", code, out, stderr)
			}
			after := exportOf(t, dsn)
			if !bytes.Equal(before, after) {
				t.Fatal("the restored database differs from the one backed up")
			}
			if bytes.Contains(after, []byte("Made After The Backup")) {
				t.Fatal("a row made after the backup survived the restore")
			}

			// The online backup restores too, into a database of its own, whole.
			if engine == store.SQLite {
				target := testrig.NewDSN(t, engine)
				if code, _, stderr := runJigsaw(t, nil, "restore", online, "--db", target); code != 0 {
					t.Fatalf("restore of the online backup: %s", stderr)
				}
				rdb, err := store.Open(ctx, target)
				if err != nil {
					t.Fatal(err)
				}
				defer rdb.Close()
				if err := rdb.IntegrityCheck(ctx); err != nil {
					t.Fatalf("the online backup is not intact: %v", err)
				}
			}
		})
	}
}

func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	dsn := testrig.NewDSN(t, store.SQLite)
	mustJigsaw(t, "migrate", "--db", dsn)
	junk := filepath.Join(t.TempDir(), "junk.backup")
	os.WriteFile(junk, []byte("this is not a database, but it is long enough to look like one at first glance......................................."), 0o644)
	before, _ := os.ReadFile(dsn)
	code, _, stderr := runJigsaw(t, nil, "restore", junk, "--db", dsn)
	if code != 1 || !strings.Contains(stderr, "is not a") {
		t.Errorf("junk: %d %q", code, stderr)
	}
	if after, _ := os.ReadFile(dsn); !bytes.Equal(before, after) {
		t.Error("a refused restore changed the database")
	}
	if code, _, stderr := runJigsaw(t, nil, "restore", "/no/such.backup", "--db", dsn); code != 1 || !strings.Contains(stderr, "cannot read the backup") {
		t.Errorf("missing file: %d %q", code, stderr)
	}
	if code, _, _ := runJigsaw(t, nil, "restore"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}

// TestFileMessages: a backup, restore, export or import that cannot be done
// says why in a line that names the operator's own files, never the
// temporary file beside them nor the driver's words.
func TestFileMessages(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "jigsaw.db")
	mustJigsaw(t, "migrate", "--db", dsn)
	junk := filepath.Join(dir, "junk.backup")
	os.WriteFile(junk, bytes.Repeat([]byte("this is not a database "), 400), 0o644)
	os.Mkdir(filepath.Join(dir, "a-directory"), 0o755)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"backup into a missing directory", []string{"backup", "--db", dsn, filepath.Join(dir, "nope", "x.backup")},
			"Cannot write the backup to " + filepath.Join(dir, "nope", "x.backup") + ": the directory " + filepath.Join(dir, "nope") + " does not exist."},
		{"backup onto a directory", []string{"backup", "--db", dsn, filepath.Join(dir, "a-directory")},
			"Cannot write the backup to " + filepath.Join(dir, "a-directory") + ": it is a directory."},
		{"backup of a database without a schema", []string{"backup", "--db", filepath.Join(dir, "mistyped.db"), filepath.Join(dir, "x.backup")},
			"SQLite database " + filepath.Join(dir, "mistyped.db") + " has no Jigsaw schema: there is nothing to back up."},
		{"restore of junk", []string{"restore", "--db", dsn, junk},
			junk + " is not a Jigsaw backup: it is not a SQLite database or is corrupt."},
		{"restore of a missing file", []string{"restore", "--db", dsn, filepath.Join(dir, "missing.backup")},
			filepath.Join(dir, "missing.backup") + ": cannot read the backup: no such file or directory."},
		{"export into a missing directory", []string{"export", "--db", dsn, filepath.Join(dir, "nope", "x.jsonl")},
			"Cannot write " + filepath.Join(dir, "nope", "x.jsonl") + ": no such file or directory."},
		{"export onto a directory", []string{"export", "--db", dsn, filepath.Join(dir, "a-directory")},
			"Cannot write " + filepath.Join(dir, "a-directory") + ": it is a directory."},
		{"import of a missing file", []string{"import", "instance", "--db", dsn, filepath.Join(dir, "missing.jsonl")},
			filepath.Join(dir, "missing.jsonl") + ": cannot open: no such file or directory."},
		{"import of a directory", []string{"import", "instance", "--db", dsn, filepath.Join(dir, "a-directory")},
			filepath.Join(dir, "a-directory") + ": cannot open: it is a directory."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runJigsaw(t, nil, tt.args...)
			if want := "jigsaw: " + tt.want + "\n"; code != 1 || stderr != want {
				t.Errorf("got exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
		})
	}
}
