package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"jigsaw"
)

// Serving and restoring exclude each other. A restore replaces the database
// under a running server: on SQLite the server goes on with the file it had
// open, now unlinked, and every write it acknowledges after is lost; on
// PostgreSQL its sessions meet tables dropped and recreated under them. So
// every `jigsaw serve` holds a shared lock on the database for as long as it
// runs, several servers at once if they like, and a restore takes the same
// lock exclusively, refusing while any server holds it.
//
// The locks belong to the operating system or to the database server, never
// to a file's existence: when a server dies, even by kill -9, the kernel
// releases its flock and PostgreSQL its session's advisory lock, so no stale
// lock is left to clear by hand.
//
//   - SQLite: flock(2) on a lock file beside the database, jigsaw.db.lock
//     for jigsaw.db (left in place: removing it would let two processes lock
//     two different files of one name).
//   - PostgreSQL: a session-level advisory lock, keyed by the schema, held
//     by one connection of the server's own, application_name "jigsaw serve".

// ServeLock is the shared lock a running server holds on its database.
type ServeLock struct {
	file *os.File     // SQLite
	pg   *pgServeLock // PostgreSQL
	once sync.Once
	err  error
}

// pgLockClass is the first key of the serve lock's two-key advisory lock
// ("jigs"), which keeps it apart from the migrations' one-key lock; the
// second is the hash of the schema.
const pgLockClass = 0x6a696773

// pgLockKeys are the advisory lock's two keys, as SQL: $1 is pgLockClass.
const pgLockKeys = `$1, hashtext(coalesce(current_schema(), ''))`

// pgKeepEvery is how often a server checks that the session holding its
// lock is alive, and takes the lock again on a new one if not (PostgreSQL
// restarted, say).
const pgKeepEvery = 30 * time.Second

// LockServe takes the lock a server holds on the database named by dsn for
// as long as it runs (see above). It fails with ECONFLICT while a restore
// of the database is under way. log (which may be nil) hears of a
// PostgreSQL session lost and the lock taken again.
func LockServe(ctx context.Context, dsn string, log *slog.Logger) (*ServeLock, error) {
	return lockServe(ctx, dsn, log, pgKeepEvery)
}

func lockServe(ctx context.Context, dsn string, log *slog.Logger, every time.Duration) (*ServeLock, error) {
	if isPostgresDSN(dsn) {
		l, err := newPGServeLock(ctx, dsn, log, every)
		if err != nil {
			return nil, err
		}
		return &ServeLock{pg: l}, nil
	}
	path, err := sqliteFile(dsn)
	if err != nil {
		return nil, err
	}
	f, ok, err := flockFile(path+".lock", false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ECONFLICT, "A restore of SQLite database %s is under way (it holds %s.lock): start jigsaw serve again once it has finished.", path, path)
	}
	return &ServeLock{file: f}, nil
}

// Release lets the lock go; the server's database must be closed first.
// Releasing it again does nothing.
func (l *ServeLock) Release() error {
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		if l.pg != nil {
			l.pg.release()
			return
		}
		l.err = l.file.Close()
	})
	return l.err
}

// flockFile opens (creating it, readable by its owner alone) the lock file
// at path and tries to lock it, shared or exclusive, without waiting. It
// returns the open file when the lock was taken, and false when another
// process holds a lock that excludes it.
func flockFile(path string, exclusive bool) (*os.File, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot open the lock file %s: %s.", path, fileReason(err)), err)
	}
	ok, err := tryFlock(f, exclusive)
	if err != nil {
		f.Close()
		return nil, false, withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot lock %s: %s.", path, fileReason(err)), err)
	}
	if !ok {
		f.Close()
		return nil, false, nil
	}
	return f, true, nil
}

// lockRestore takes the database named by dsn for a restore, excluding
// every server, and returns the function that lets it go. While a server
// holds its lock it fails with ECONFLICT, saying what holds it and how to
// stop it.
func lockRestore(ctx context.Context, dsn string) (release func(), err error) {
	if isPostgresDSN(dsn) {
		return lockRestorePG(ctx, dsn)
	}
	path, err := sqliteFile(dsn)
	if err != nil {
		return nil, err
	}
	lock := path + ".lock"
	f, ok, err := flockFile(lock, true)
	if err != nil {
		return nil, err
	}
	if !ok {
		who := "a jigsaw serve holds " + lock
		if pids := flockHolders(lock); len(pids) > 0 {
			who = fmt.Sprintf("%s %s %s %s", plural(len(pids), "process", "processes"), joinInts(pids), plural(len(pids), "holds", "hold"), lock)
		}
		return nil, jigsaw.Errorf(jigsaw.ECONFLICT, "SQLite database %s is in use: %s. Stop every jigsaw serve using this database first, then restore.", path, who)
	}
	return func() { f.Close() }, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// pgServeLock is a server's session holding the shared advisory lock. The
// goroutine keep owns the connection.
type pgServeLock struct {
	cfg   *pgx.ConnConfig
	desc  string
	log   *slog.Logger
	stop  chan struct{}
	done  chan struct{}
	every time.Duration
}

func newPGServeLock(ctx context.Context, dsn string, log *slog.Logger, every time.Duration) (*pgServeLock, error) {
	cfg, desc, err := pgLockConfig(dsn, "jigsaw serve")
	if err != nil {
		return nil, err
	}
	l := &pgServeLock{cfg: cfg, desc: desc, log: log, every: every, stop: make(chan struct{}), done: make(chan struct{})}
	conn, err := l.take(ctx)
	if err != nil {
		return nil, err
	}
	go l.keep(conn)
	return l, nil
}

// pgLockConfig is the connection of a lock's own session, named app in
// pg_stat_activity, and the database's description.
func pgLockConfig(dsn, app string) (*pgx.ConnConfig, string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, "", jigsaw.Errorf(jigsaw.EINVALID, "The PostgreSQL URL in --db is malformed.")
	}
	cfg.RuntimeParams["application_name"] = app
	return cfg, fmt.Sprintf("PostgreSQL database %q on %s:%d", cfg.Database, cfg.Host, cfg.Port), nil
}

func pgConnect(ctx context.Context, cfg *pgx.ConnConfig, desc string) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot reach %s as user %q: %s.", desc, cfg.User, pgReason(err)), err)
	}
	return conn, nil
}

// take connects and takes the shared lock on the new session.
func (l *pgServeLock) take(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgConnect(ctx, l.cfg, l.desc)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock_shared(`+pgLockKeys+`)`, pgLockClass).Scan(&ok); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("take the serve lock of %s: %w", l.desc, err)
	}
	if !ok {
		conn.Close(context.Background())
		return nil, jigsaw.Errorf(jigsaw.ECONFLICT, "A restore of %s is under way: start jigsaw serve again once it has finished.", l.desc)
	}
	return conn, nil
}

// keep checks every l.every that the session holding the lock is alive,
// and when it is not takes the lock again on a new one, until release.
func (l *pgServeLock) keep(conn *pgx.Conn) {
	defer close(l.done)
	t := time.NewTicker(l.every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			if conn != nil {
				pgUnlock(conn, "pg_advisory_unlock_shared")
			}
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if conn != nil {
			err := conn.Ping(ctx)
			if err == nil {
				cancel()
				continue
			}
			conn.Close(ctx)
			conn = nil
			l.logf(slog.LevelWarn, "lost the session that holds the serve lock; taking it again", err)
		}
		c, err := l.take(ctx)
		cancel()
		if err != nil {
			l.logf(slog.LevelError, "cannot take the serve lock again: a restore could run while this server does", err)
			continue
		}
		conn = c
		l.logf(slog.LevelInfo, "took the serve lock again", nil)
	}
}

func (l *pgServeLock) logf(level slog.Level, msg string, err error) {
	if l.log == nil {
		return
	}
	if err != nil {
		l.log.Log(context.Background(), level, msg, "database", l.desc, "err", err)
		return
	}
	l.log.Log(context.Background(), level, msg, "database", l.desc)
}

func (l *pgServeLock) release() {
	close(l.stop)
	<-l.done
}

// pgUnlock lets the lock go with unlock, then closes the session. Closing
// alone would do, but PostgreSQL ends a session after the client has gone:
// for a moment the lock would stay, and a restore run at once after a
// server stopped (or a server started at once after a restore) be refused.
func pgUnlock(conn *pgx.Conn, unlock string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn.Exec(ctx, `SELECT `+unlock+`(`+pgLockKeys+`)`, pgLockClass)
	conn.Close(ctx)
}

// lockRestorePG takes the serve lock exclusively on a session of its own,
// or says which servers hold it.
func lockRestorePG(ctx context.Context, dsn string) (func(), error) {
	cfg, desc, err := pgLockConfig(dsn, "jigsaw restore")
	if err != nil {
		return nil, err
	}
	conn, err := pgConnect(ctx, cfg, desc)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+pgLockKeys+`)`, pgLockClass).Scan(&ok); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("take the serve lock of %s: %w", desc, err)
	}
	if ok {
		return func() { pgUnlock(conn, "pg_advisory_unlock") }, nil
	}
	defer conn.Close(context.Background())
	// Who holds it, as far as this user may see: where each server
	// connects from and since when.
	rows, err := conn.Query(ctx, `SELECT coalesce(host(a.client_addr), ''), a.backend_start
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND l.classid = $1::bigint::oid AND l.objid = (hashtext(coalesce(current_schema(), ''))::bigint & 4294967295)::oid AND l.objsubid = 2
		ORDER BY a.backend_start`, pgLockClass)
	var who []string
	if err == nil {
		for rows.Next() {
			var addr string
			var since time.Time
			if rows.Scan(&addr, &since) != nil {
				continue
			}
			if addr == "" {
				addr = "a local socket"
			}
			who = append(who, fmt.Sprintf("from %s since %s", addr, since.UTC().Format("2006-01-02 15:04 UTC")))
		}
		rows.Close()
	}
	found := "a jigsaw serve holds its serve lock"
	if len(who) > 0 {
		found = fmt.Sprintf("%d jigsaw serve %s %s its serve lock (%s)", len(who), plural(len(who), "session", "sessions"), plural(len(who), "holds", "hold"), strings.Join(who, "; "))
	}
	return nil, jigsaw.Errorf(jigsaw.ECONFLICT, "%s is in use: %s. Stop every jigsaw serve using this database first, then restore.", desc, found)
}
