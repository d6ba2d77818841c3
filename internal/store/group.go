package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
)

// Group commit. Every durable commit costs an fsync, and on one disk an
// fsync costs much the same whatever it carries: a story submitted
// alone cannot be acknowledged faster than that. GroupTx lets concurrent
// small writes share one transaction and one fsync: each runs inside its
// own savepoint (so one that fails is undone alone), and each caller hears
// back only after the shared commit, so "acknowledged" still means "on
// disk".
//
// The commit and its fsync are pipelined: a group commits without waiting
// for the disk (synchronous=NORMAL, for that transaction only), and a
// second goroutine fsyncs the log and only then answers the group's
// callers, while the writer already runs the next group. One fsync answers
// every group committed before it began, so the writer need not stand idle
// while the disk is slow.

type groupJob struct {
	ctx  context.Context
	bump bool
	// lazy: answered once its group committed, before the fsync (LazyTx).
	lazy bool
	fn   func(Execer) error
	done chan error
}

type grouper struct {
	once   sync.Once
	mu     sync.Mutex
	closed bool
	jobs   chan *groupJob
	stop   chan struct{}
	exited chan struct{}
	// Committed groups waiting for their fsync; closed by the writer as
	// it exits, after which the syncer closes synced.
	syncs     chan *groupBatch
	synced    chan struct{}
	dirSynced bool
}

// groupBatch is one group's jobs and what each will be answered.
type groupBatch struct {
	db       *DB
	jobs     []*groupJob
	results  []error
	answered []bool
}

// finish answers every job not answered yet with its own error, or else
// err.
func (b *groupBatch) finish(err error) {
	for i := range b.jobs {
		if !b.answered[i] {
			if b.results[i] == nil {
				b.results[i] = err
			}
			b.answer(i)
		}
	}
}

// answer tells job i its outcome.
func (b *groupBatch) answer(i int) {
	b.jobs[i].done <- b.db.mapError(b.results[i])
	b.answered[i] = true
}

// maxGroup bounds how many writes share a commit.
const maxGroup = 128

var errClosed = errors.New("store: database is closed")

// GroupTx runs fn in a write transaction that may be shared with other
// concurrent GroupTx calls, and returns once that transaction committed
// (or fn's own error). bump is as for Tx and QuietTx. fn must not keep
// state across calls: on a failed shared commit its work is lost with the
// rest, and the error is returned to every caller in the group.
func (db *DB) GroupTx(ctx context.Context, bump bool, fn func(tx Execer) error) error {
	if db.Engine == Postgres {
		// PostgreSQL groups concurrent commits itself and runs them on
		// many connections at once; funnelling them through one would
		// only queue them behind each other's round trips.
		return db.tx(ctx, bump, func(tx *sql.Tx) error { return fn(tx) })
	}
	return db.enqueue(ctx, &groupJob{ctx: ctx, bump: bump, fn: fn})
}

// LazyTx runs fn in a write transaction and returns once it committed,
// without waiting for the commit to reach the disk: for writes whose loss
// in a crash harms nobody, such as rate-limit counters and marks on sent
// mail, so that they do not hold their callers for an fsync. Once it
// returns, every read sees what fn wrote (on SQLite the group committed;
// on PostgreSQL the commit does not wait for its flush). It never changes
// public content.
func (db *DB) LazyTx(ctx context.Context, fn func(tx Execer) error) error {
	if db.Engine == Postgres {
		return db.txOn(ctx, db.lazy, false, func(tx *sql.Tx) error { return fn(tx) })
	}
	return db.enqueue(ctx, &groupJob{ctx: ctx, lazy: true, fn: fn})
}

func (db *DB) enqueue(ctx context.Context, job *groupJob) error {
	job.done = make(chan error, 1)
	g := &db.group
	g.once.Do(func() {
		g.jobs = make(chan *groupJob, maxGroup)
		g.stop = make(chan struct{})
		g.exited = make(chan struct{})
		g.syncs = make(chan *groupBatch, maxGroup)
		g.synced = make(chan struct{})
		go db.runGroups()
		go db.runSyncs()
	})
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	select {
	case g.jobs <- job:
		g.mu.Unlock()
	case <-ctx.Done():
		g.mu.Unlock()
		return ctx.Err()
	}
	// Wait for the outcome even if ctx ends meanwhile: the caller must not
	// be told "failed" about a write that then commits.
	return <-job.done
}

// closeGroups stops the group committer after the writes already queued.
func (db *DB) closeGroups() {
	g := &db.group
	g.mu.Lock()
	if g.closed || g.jobs == nil {
		g.closed = true
		g.mu.Unlock()
		return
	}
	g.closed = true
	g.mu.Unlock()
	close(g.stop)
	<-g.exited
	<-g.synced
}

func (db *DB) runGroups() {
	g := &db.group
	defer close(g.exited)
	defer close(g.syncs)
	for {
		var first *groupJob
		select {
		case first = <-g.jobs:
		case <-g.stop:
			// Finish what was queued before the stop.
			for {
				select {
				case j := <-g.jobs:
					db.runGroup([]*groupJob{j})
				default:
					return
				}
			}
		}
		jobs := []*groupJob{first}
	drain:
		for len(jobs) < maxGroup {
			select {
			case j := <-g.jobs:
				jobs = append(jobs, j)
			default:
				break drain
			}
		}
		db.runGroup(jobs)
	}
}

// runSyncs answers committed groups once the log holding them is on disk.
func (db *DB) runSyncs() {
	g := &db.group
	defer close(g.synced)
	for b := range g.syncs {
		batches := []*groupBatch{b}
	drain:
		for {
			select {
			case b, ok := <-g.syncs:
				if !ok {
					break drain
				}
				batches = append(batches, b)
			default:
				break drain
			}
		}
		err := db.syncLog()
		for _, b := range batches {
			b.finish(err)
		}
	}
}

// syncLog makes every transaction committed so far durable: it fsyncs the
// write-ahead log, as a commit with synchronous=FULL would have. The log
// stays while the writer is open (SQLite removes it only when the last
// connection closes). The first call also syncs the directory, so that
// the log's own name survives a crash.
func (db *DB) syncLog() error {
	if err := syncFile(db.path + "-wal"); err != nil {
		return fmt.Errorf("store: sync the write-ahead log: %w", err)
	}
	if !db.group.dirSynced {
		if err := syncFile(filepath.Dir(db.path)); err != nil {
			return fmt.Errorf("store: sync the database's directory: %w", err)
		}
		db.group.dirSynced = true
	}
	return nil
}

func (db *DB) runGroup(jobs []*groupJob) {
	ctx := context.Background()
	b := &groupBatch{db: db, jobs: jobs, results: make([]error, len(jobs)), answered: make([]bool, len(jobs))}
	results, finish := b.results, b.finish
	db.writeStmts.prepareWanted(ctx, db.write)
	conn, err := db.write.Conn(ctx)
	if err != nil {
		finish(err)
		return
	}
	defer conn.Close()
	// Each job's savepoint keeps the first state of every page it changes
	// in a sub-journal, which SQLite moves to a temporary file past 64 KiB:
	// a submission changes more than that, and writing the file showed
	// plainly in its profile. In memory, a job's sub-journal is dropped
	// as its savepoint is released. Set for the group only: a migration's
	// statement journal on the same connection can reach the size of a
	// table. The group's commit does not wait for the disk: runSyncs does.
	// Restored whatever happens, even if only the first was set.
	defer restorePragmas(ctx, conn)
	for _, pragma := range []string{`PRAGMA temp_store = MEMORY`, `PRAGMA synchronous = NORMAL`} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			finish(err)
			return
		}
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		finish(err)
		return
	}
	defer sqlTx.Rollback()
	tx := db.writeStmts.in(sqlTx)
	ok, bump := 0, false
	for i, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
			finish(err)
			return
		}
		if err := j.fn(tx); err != nil {
			results[i] = err
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT job`); err != nil {
				finish(err)
				return
			}
		} else {
			ok++
			bump = bump || j.bump
		}
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT job`); err != nil {
			finish(err)
			return
		}
	}
	if bump {
		if _, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`); err != nil {
			finish(err)
			return
		}
	}
	if ok == 0 {
		finish(nil)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		finish(err)
		return
	}
	if bump {
		db.contentChanged()
	}
	for i, j := range jobs {
		if j.lazy {
			b.answer(i)
		}
	}
	db.group.syncs <- b
}

// restorePragmas sets the writer back as every other transaction expects
// it: above all synchronous=FULL, without which their commits would not
// wait for the disk. A connection that cannot be set back is discarded,
// and the pool opens a new one with the settings of the database's name.
func restorePragmas(ctx context.Context, conn *sql.Conn) {
	for _, pragma := range []string{`PRAGMA synchronous = FULL`, `PRAGMA temp_store = DEFAULT`} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
			return
		}
	}
}

// writeStmts keeps the statements group transactions run prepared on
// SQLite's writer connection: a submission runs a dozen statements, and
// parsing them afresh was a large share of the CPU it cost. A statement
// cannot be prepared on the pool while a transaction holds its only
// connection, so one first met in a group runs unprepared and is prepared
// before the next group begins.
type writeStmts struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

func (w *writeStmts) get(query string) *sql.Stmt {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.m[query]; ok {
		return s
	}
	if len(w.m)+len(w.wanted) < maxCachedStmts {
		if w.wanted == nil {
			w.wanted = map[string]bool{}
		}
		w.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares on the pool the statements met since the last
// call. It must not be called inside a transaction of that pool.
func (w *writeStmts) prepareWanted(ctx context.Context, pool *sql.DB) {
	w.mu.Lock()
	wanted := w.wanted
	w.wanted = nil
	w.mu.Unlock()
	for query := range wanted {
		s, err := pool.PrepareContext(ctx, query)
		if err != nil {
			continue // run unprepared, which reports the error
		}
		w.mu.Lock()
		if w.m == nil {
			w.m = map[string]*sql.Stmt{}
		}
		w.m[query] = s
		w.mu.Unlock()
	}
}

// in returns tx running the statements prepared here through it (on the
// same connection, so database/sql does not prepare them again).
func (w *writeStmts) in(tx *sql.Tx) stmtTx {
	return stmtTx{tx: tx, lookup: func(ctx context.Context, query string) *sql.Stmt {
		if s := w.get(query); s != nil {
			return tx.StmtContext(ctx, s)
		}
		return nil
	}}
}

func (w *writeStmts) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.m {
		s.Close()
	}
	w.m, w.wanted = nil, nil
}
