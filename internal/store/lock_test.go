package store_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// helperEnv names the database a helper process of
// TestServeLockGoesWithItsProcess holds the serve lock on.
const helperEnv = "JIGSAW_TEST_HOLD_SERVE_LOCK"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(helperEnv); dsn != "" {
		holdServeLock(dsn)
	}
	os.Exit(m.Run())
}

// holdServeLock is the helper process: it takes the serve lock, says so,
// and waits to be killed.
func holdServeLock(dsn string) {
	l, err := store.LockServe(context.Background(), dsn, nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
	l.Release() // keeps the lock's file from the garbage collector until then
	os.Exit(1)
}

const inUse = "Stop every jigsaw serve using this database first, then restore."

// TestServeAndRestoreExcludeEachOther: servers share the database; a
// restore is refused while any holds it, saying who and what to do, and a
// server cannot start while a restore runs.
func TestServeAndRestoreExcludeEachOther(t *testing.T) {
	ctx := context.Background()
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			var servers []*store.ServeLock
			for i := 0; i < 2; i++ {
				l, err := store.LockServe(ctx, dsn, nil)
				if err != nil {
					t.Fatalf("server %d: %v", i+1, err)
				}
				defer l.Release()
				servers = append(servers, l)
			}
			_, err := store.LockRestore(ctx, dsn)
			if got := jigsaw.ErrorCode(err); got != jigsaw.ECONFLICT {
				t.Fatalf("restore under two servers: got %v (code %q), want %q", err, got, jigsaw.ECONFLICT)
			}
			msg := jigsaw.ErrorMessage(err)
			want := []string{"is in use", inUse}
			switch {
			case engine == store.Postgres:
				want = append(want, "2 jigsaw serve sessions hold its serve lock (from ")
			case runtime.GOOS == "linux":
				want = append(want, "process "+strconv.Itoa(os.Getpid())+" holds "+dsn+".lock")
			}
			for _, w := range want {
				if !strings.Contains(msg, w) {
					t.Errorf("refusal %q lacks %q", msg, w)
				}
			}

			servers[0].Release()
			if _, err := store.LockRestore(ctx, dsn); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
				t.Fatalf("restore under the one server left: got %v, want a refusal", err)
			}
			servers[1].Release()
			release, err := store.LockRestore(ctx, dsn)
			if err != nil {
				t.Fatalf("restore with no server: %v", err)
			}

			_, err = store.LockServe(ctx, dsn, nil)
			if jigsaw.ErrorCode(err) != jigsaw.ECONFLICT || !strings.Contains(jigsaw.ErrorMessage(err), "A restore of ") {
				t.Fatalf("server starting during a restore: got %v, want a refusal", err)
			}
			release()
			l, err := store.LockServe(ctx, dsn, nil)
			if err != nil {
				t.Fatalf("server after the restore: %v", err)
			}
			l.Release()
		})
	}
}

// TestServeLockGoesWithItsProcess: a server killed with SIGKILL leaves no
// lock behind to clear by hand.
func TestServeLockGoesWithItsProcess(t *testing.T) {
	ctx := context.Background()
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+dsn)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			line, _ := bufio.NewReader(out).ReadString('\n')
			if line != "locked\n" {
				t.Fatalf("helper: %q", line)
			}
			_, err = store.LockRestore(ctx, dsn)
			if jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
				t.Fatalf("restore under the helper: got %v, want a refusal", err)
			}
			if engine == store.SQLite && runtime.GOOS == "linux" && !strings.Contains(err.Error(), "process "+strconv.Itoa(cmd.Process.Pid)+" holds") {
				t.Errorf("refusal %q does not name the helper, process %d", err, cmd.Process.Pid)
			}
			if err := cmd.Process.Signal(os.Kill); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			// PostgreSQL ends the session when it sees the socket close.
			deadline := time.Now().Add(10 * time.Second)
			for {
				release, err := store.LockRestore(ctx, dsn)
				if err == nil {
					release()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("restore after the server was killed: %v", err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

// syncBuffer is a log the test reads while the lock's goroutine writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestServeLockIsTakenAgain: when PostgreSQL ends the session holding a
// server's lock (a restart, a terminated backend), the server takes the
// lock again on a new one, so restores stay refused.
func TestServeLockIsTakenAgain(t *testing.T) {
	if os.Getenv(testrig.PostgresEnv) == "" {
		testrig.Engines(t)
		t.Skip("PostgreSQL only")
	}
	ctx := context.Background()
	dsn := testrig.NewDSN(t, store.Postgres)
	var log syncBuffer
	l, err := store.LockServeEvery(ctx, dsn, slog.New(slog.NewTextHandler(&log, nil)), 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var ended bool
	if err := admin.QueryRowContext(ctx, `SELECT bool_or(pg_terminate_backend(a.pid)) FROM pg_stat_activity a
		WHERE a.application_name = 'jigsaw serve' AND a.pid IN (SELECT pid FROM pg_locks
			WHERE locktype = 'advisory' AND objsubid = 2 AND objid = (hashtext(current_schema())::bigint & 4294967295)::oid)`).Scan(&ended); err != nil || !ended {
		t.Fatalf("end the lock's session: %v %v", ended, err)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(log.String(), "took the serve lock again"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the lock was not taken again; log:\n%s", log.String())
		}
	}
	if _, err := store.LockRestore(ctx, dsn); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("restore after the lock was taken again: got %v, want a refusal", err)
	}
}
