// Package store is the one SQL implementation of Jigsaw's services. It runs
// on two engines, SQLite (embedded, the default) and PostgreSQL; the SQL is
// shared and written to suit both, and the few differences live in
// sqlite.go and postgres.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"net/url"
	"strings"
	"time"

	"jigsaw"
)

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open Jigsaw database.
type DB struct {
	// Engine is SQLite or Postgres.
	Engine string

	// read serves queries; write serves transactions that change data. On
	// PostgreSQL they are the same pool. On SQLite the writer is a single
	// connection, because SQLite admits one writer at a time and queuing in
	// Go is fairer and cheaper than spinning on the busy timeout.
	read  *sql.DB
	write *sql.DB
	// lazy serves LazyTx on PostgreSQL: its sessions commit without waiting
	// for the disk (synchronous_commit off). Nil on SQLite.
	lazy *sql.DB
	// pages batches story pages' reads on PostgreSQL; nil on SQLite.
	pages *pageBatcher

	stmts      stmtCache
	writeStmts writeStmts // SQLite's group transactions' (see writeStmts.in)
	group      grouper
	// Read on every request, changed rarely: see recent.
	site      recent[jigsaw.SiteSettings]
	version   recent[int64]
	keyIssues recent[[]jigsaw.KeyIssue]
	// PostgreSQL's statistics of the words in stories (see lexemeStats).
	searchStats recent[lexemeStats]

	path string // the SQLite file; "" on PostgreSQL
	dsn  string // the PostgreSQL URL, password and all (for pg_dump); never printed
	desc string // where the database is, safe to print (no password)

	// Now returns the current time; tests may replace it.
	Now func() time.Time

	// OnContentChange, if set, is called after every commit of this
	// process that may have changed public content: the delivery runner
	// is woken by it, so that a withdrawal reaches followers at once
	// rather than at its next look.
	OnContentChange func()

	// RenderHTML turns a story's public Markdown into sanitised HTML, stored
	// beside it so that pages need not render it on every view. Nil leaves
	// the HTML empty and pages render the Markdown themselves.
	RenderHTML func(markdown string) string
}

// Open opens the database named by dsn: a file path for SQLite or a
// postgres:// URL, and checks that it can be reached. It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, jigsaw.Errorf(jigsaw.EINVALID, "No database given: pass --db with a file path or a postgres:// URL.")
	}
	var db *DB
	var err error
	if isPostgresDSN(dsn) {
		db, err = openPostgres(ctx, dsn)
	} else {
		db, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	db.Now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
	return db, nil
}

func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Close closes the database.
func (db *DB) Close() error {
	db.closeGroups()
	db.stmts.close()
	db.writeStmts.close()
	err := db.read.Close()
	for _, other := range []*sql.DB{db.write, db.lazy} {
		if other != nil && other != db.read {
			if cerr := other.Close(); err == nil {
				err = cerr
			}
		}
	}
	return err
}

// Optimize gathers the statistics SQLite's query planner reads, for the
// tables that have none or whose size has changed tenfold since: without
// them it plans from guesses, which suit a small database and can mislead it
// on a large one. Sampling a bounded number of rows per index (analysis_limit)
// keeps it short, and it does nothing when no table has changed enough.
// PostgreSQL's autovacuum does this by itself.
//
// It runs on a connection of its own, closed after, without the memory map
// the others use: the pages it read through the map stayed in this
// process's resident memory, several times its idle size on a large
// database, while read this way they leave with the connection's cache.
func (db *DB) Optimize(ctx context.Context) (err error) {
	defer wrap(&err, "store.Optimize")
	if db.Engine != SQLite {
		return nil
	}
	c, err := sql.Open("sqlite", "file:"+db.path+"?"+url.Values{"_pragma": {"busy_timeout(10000)", "analysis_limit(400)"}}.Encode())
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "PRAGMA optimize = 0x10002"); err != nil {
		return fmt.Errorf("%s: optimize: %w", db, err)
	}
	return nil
}

// String says which database this is, without any password.
func (db *DB) String() string { return db.desc }

// EngineName is the engine the database runs on: SQLite or PostgreSQL.
func (db *DB) EngineName() string { return db.Engine }

// Stats returns the statistics of the read pool and, on SQLite, the writer.
func (db *DB) Stats() (read, write sql.DBStats) {
	return db.read.Stats(), db.write.Stats()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer wrap(&err, "store.Ping")
	if err := db.read.PingContext(ctx); err != nil {
		return db.mapError(err)
	}
	return nil
}

// html renders public Markdown for storing, when the store has a renderer.
func (db *DB) html(markdown string) string {
	if db.RenderHTML == nil {
		return ""
	}
	return db.RenderHTML(markdown)
}

// now returns the store's clock reading.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// Tx runs fn in a write transaction, committing if fn returns nil and rolling
// back otherwise. Exported service methods open transactions; unexported
// helpers take the *sql.Tx.
//
// Tx also bumps the content version, which invalidates every cached public
// page in every process: any write may change what the public sees, and a
// page served stale after a withdrawal would be a privacy failure. Writes
// that cannot change public content use QuietTx instead.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.tx(ctx, true, fn)
}

// QuietTx is Tx for writes that never change public content (sessions, rate
// limit counters, the mail queue, the audit log): it leaves cached pages
// valid. When in doubt, use Tx.
func (db *DB) QuietTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.tx(ctx, false, fn)
}

func (db *DB) tx(ctx context.Context, bump bool, fn func(tx *sql.Tx) error) error {
	return db.txOn(ctx, db.write, bump, fn)
}

// txOn runs fn in a transaction on pool, bumping the content version with
// it if bump is set.
func (db *DB) txOn(ctx context.Context, pool *sql.DB, bump bool, fn func(tx *sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return db.mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return db.mapError(err)
	}
	if bump {
		if _, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`); err != nil {
			return db.mapError(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return db.mapError(err)
	}
	if bump {
		db.contentChanged()
	}
	return nil
}

// contentChanged is called after every commit of this process that bumped
// the content version: the change shows at once in this process's pages.
func (db *DB) contentChanged() {
	db.version.forget()
	if db.OnContentChange != nil {
		db.OnContentChange()
	}
}

// ContentVersion returns the current content version (see Tx).
func (db *DB) ContentVersion(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "store.ContentVersion")
	var v int64
	err = db.queryRow(ctx, `SELECT version FROM content_version WHERE id = 1`).Scan(&v)
	return v, db.mapError(err)
}

// RecentContentVersion is ContentVersion read at most once per maxAge: the
// page cache asks on every request, and a changed version written by this
// process is seen at once, one written by another process sharing the
// database within maxAge — as if the request had come that much earlier.
func (db *DB) RecentContentVersion(ctx context.Context, maxAge time.Duration) (_ int64, err error) {
	defer wrap(&err, "store.RecentContentVersion")
	return db.version.get(ctx, maxAge, db.ContentVersion)
}

// mapError turns engine errors into jigsaw codes: constraint violations
// become ECONFLICT or EINVALID, a vanished database EUNAVAILABLE. Errors
// that already carry a code pass through.
func (db *DB) mapError(err error) error {
	var e *jigsaw.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &jigsaw.Error{Code: jigsaw.ENOTFOUND, Message: "Not found."}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if db.Engine == Postgres {
		return mapPostgresError(err)
	}
	return mapSQLiteError(err, db.path)
}

// nullTime stores the zero time as NULL and reads NULL back as zero.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(src any) error {
	var nt sql.NullTime
	if err := nt.Scan(src); err != nil {
		return err
	}
	if nt.Valid {
		*n.t = nt.Time.UTC()
	} else {
		*n.t = time.Time{}
	}
	return nil
}

// timeOrNull returns nil for the zero time so it is stored as NULL.
func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// idOrNull returns nil for a zero ID so it is stored as NULL.
func idOrNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// padIDs returns ids as arguments, as many as the next power of two, the
// last repeated: an IN list of them then comes in a handful of lengths, and
// its statement in as many shapes, for the prepared-statement cache.
func padIDs[T any](ids []T) []any {
	if len(ids) == 0 {
		return nil
	}
	out := make([]any, 1<<bits.Len(uint(len(ids)-1)))
	for i := range out {
		out[i] = ids[min(i, len(ids)-1)]
	}
	return out
}

// placeholders returns "$start, $start+1, …" for n arguments.
func placeholders(start, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}

// multiRow gathers the rows of one multi-row INSERT.
type multiRow struct {
	args []any
	rows int
	// positional writes "?" placeholders rather than "$1": SQLite's driver
	// looks up each numbered one's name in a list of them all, which makes
	// a statement of many rows cost the square of its arguments.
	positional bool
}

// newRows returns a multiRow with the placeholders db binds fastest.
func (db *DB) newRows() multiRow { return multiRow{positional: db.Engine == SQLite} }

func (m *multiRow) add(values ...any) {
	m.args = append(m.args, values...)
	m.rows++
}

// insert writes the gathered rows into table, "name (columns…)", at most
// 100 rows a statement (well under either engine's limit on arguments), and
// empties m for the next table.
func (m *multiRow) insert(ctx context.Context, tx Execer, table string) error {
	defer func() { m.args, m.rows = m.args[:0], 0 }()
	if m.rows == 0 {
		return nil
	}
	cols := len(m.args) / m.rows
	for first := 0; first < m.rows; first += 100 {
		n := min(100, m.rows-first)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " VALUES ")
		for r := 0; r < n; r++ {
			if r > 0 {
				q.WriteString(", ")
			}
			if m.positional {
				q.WriteString("(?" + strings.Repeat(", ?", cols-1) + ")")
			} else {
				q.WriteString("(" + placeholders(1+r*cols, cols) + ")")
			}
		}
		if _, err := tx.ExecContext(ctx, q.String(), m.args[first*cols:(first+n)*cols]...); err != nil {
			return err
		}
	}
	return nil
}

// clampLimit keeps list sizes sane whatever a caller asks for.
func clampLimit(limit int) int {
	if limit <= 0 {
		return 50
	}
	if limit > 500 {
		return 500
	}
	return limit
}

// ExecRaw runs one statement as given, outside the services. It exists for
// maintenance commands and tests that must set up states the services refuse
// to create.
func (db *DB) ExecRaw(ctx context.Context, query string, args ...any) (err error) {
	defer wrap(&err, "store.ExecRaw")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}
