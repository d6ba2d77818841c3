package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"

	"jigsaw"
)

var _ jigsaw.ImportService = (*DB)(nil)

// errDryRun rolls back a dry run after it has done all its work.
var errDryRun = errors.New("dry run")

// ImportTx is one import of one file: a single transaction in which an
// importer looks up and writes organisations, tracker items and OCDS
// bookkeeping. Nothing is visible to anyone until it commits, and a file
// that fails half-way, or a dry run, leaves nothing behind.
//
// New organisations, tracker items, their revisions and OCDS bookkeeping are
// written a batch at a time (see importbatch.go): an import of a big file
// otherwise spends most of its time sending one statement at a time.
type ImportTx struct {
	db      *DB
	tx      stmtTx
	ctx     context.Context
	changed bool // whether anything public may have changed
	batch   importBatch
}

// importCacheKiB is SQLite's page cache during an import.
const importCacheKiB = 8192

// Import runs fn in one write transaction and, when fn succeeds, records run
// and commits. A dry run does all the same work and then rolls back, so its
// counts are exactly what a real run would do. The content version is bumped
// only when something changed, so a re-import that changes nothing leaves
// every cached page valid. Revisions made by the import name run.Source.
func (db *DB) Import(ctx context.Context, run *jigsaw.ImportRun, dryRun bool, fn func(*ImportTx) error) (err error) {
	defer wrap(&err, "store.Import")
	ctx = withActor(ctx, "import "+run.Kind+" "+run.Source)
	run.StartedAt = db.now()
	if db.Engine == SQLite {
		// A larger page cache on the one writing connection for the length of
		// the import (then SQLite's default again): a big file's transaction
		// otherwise spills pages to the log and reads them back.
		// Statement journals in memory: every multi-row insert and every
		// insert that fires a trigger keeps one, and in a temporary file
		// each costs system calls (a third of an OCDS import's time).
		for _, pragma := range []string{`PRAGMA cache_size = -` + strconv.Itoa(importCacheKiB), `PRAGMA temp_store = MEMORY`} {
			if _, err := db.write.ExecContext(ctx, pragma); err != nil {
				return db.mapError(err)
			}
		}
		defer db.write.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
		defer db.write.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.mapError(err)
	}
	defer tx.Rollback()
	it := &ImportTx{db: db, tx: newPreparedTx(tx), ctx: ctx, batch: newImportBatch(db)}
	if err := fn(it); err != nil {
		return db.mapError(err)
	}
	if err := it.flush(); err != nil {
		return db.mapError(err)
	}
	run.FinishedAt = db.now()
	if dryRun {
		return nil
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO import_runs (kind, source, user_id, started_at, finished_at, read, created, updated, unchanged, skipped, closures)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		run.Kind, run.Source, idOrNull(run.UserID), run.StartedAt, run.FinishedAt,
		run.Read, run.Created, run.Updated, run.Unchanged, run.Skipped, run.Closures).Scan(&run.ID)
	if err != nil {
		return db.mapError(err)
	}
	if it.changed {
		if _, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`); err != nil {
			return db.mapError(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return db.mapError(err)
	}
	if it.changed {
		db.contentChanged()
	}
	return nil
}

// FindImportRuns implements jigsaw.ImportService.
func (db *DB) FindImportRuns(ctx context.Context, limit int) (_ []*jigsaw.ImportRun, err error) {
	defer wrap(&err, "store.FindImportRuns")
	rows, err := db.read.QueryContext(ctx, `
		SELECT id, kind, source, COALESCE(user_id, 0), started_at, finished_at, read, created, updated, unchanged, skipped, closures
		FROM import_runs ORDER BY started_at DESC, id DESC LIMIT $1`, clampLimit(limit))
	if err != nil {
		return nil, db.mapError(err)
	}
	runs, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.ImportRun, error) {
		var r jigsaw.ImportRun
		err := row.Scan(&r.ID, &r.Kind, &r.Source, &r.UserID, &r.StartedAt, &r.FinishedAt,
			&r.Read, &r.Created, &r.Updated, &r.Unchanged, &r.Skipped, &r.Closures)
		r.StartedAt, r.FinishedAt = r.StartedAt.UTC(), r.FinishedAt.UTC()
		return &r, err
	})
	return runs, db.mapError(err)
}

var tableNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// CountRows returns how many rows each of tables holds: how tests and
// operators check that a failed import left nothing behind.
func (db *DB) CountRows(ctx context.Context, tables ...string) (_ map[string]int64, err error) {
	defer wrap(&err, "store.CountRows")
	out := map[string]int64{}
	for _, t := range tables {
		if !tableNameRE.MatchString(t) {
			return nil, jigsaw.Errorf(jigsaw.EINVALID, "%q is not a table name", t)
		}
		var n int64
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, db.mapError(err)
		}
		out[t] = n
	}
	return out, nil
}

// Execer is what the write helpers need of a transaction: a *sql.Tx, an
// import's statement-preparing stmtTx over one (newPreparedTx), or a
// group transaction (GroupTx).
type Execer interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// newPreparedTx prepares each of tx's statements once for the transaction.
// An import runs the same few statements hundreds of thousands of times,
// and parsing them afresh each time would be a large share of its work.
func newPreparedTx(tx *sql.Tx) stmtTx {
	stmts := map[string]*sql.Stmt{}
	return stmtTx{tx: tx, lookup: func(ctx context.Context, query string) *sql.Stmt {
		if s, ok := stmts[query]; ok {
			return s
		}
		if len(stmts) >= maxPrepared {
			return nil
		}
		s, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return nil // run unprepared: the query reports its own error
		}
		stmts[query] = s
		return s
	}}
}

// maxPrepared bounds the cache: queries with lists of placeholders vary.
const maxPrepared = 256
