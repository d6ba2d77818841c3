package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// Group commit. Every durable commit costs an fsync, and on one disk an
// fsync costs about a millisecond whatever it carries: a story submitted
// alone cannot be acknowledged faster than that. GroupTx lets concurrent
// small writes share one transaction and one fsync: each runs inside its
// own savepoint (so one that fails is undone alone), and each caller hears
// back only after the shared commit, so "acknowledged" still means "on
// disk".

type groupJob struct {
	ctx  context.Context
	bump bool
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
	g := &db.group
	g.once.Do(func() {
		g.jobs = make(chan *groupJob, maxGroup)
		g.stop = make(chan struct{})
		g.exited = make(chan struct{})
		go db.runGroups()
	})
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	job := &groupJob{ctx: ctx, bump: bump, fn: fn, done: make(chan error, 1)}
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
}

func (db *DB) runGroups() {
	g := &db.group
	defer close(g.exited)
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

func (db *DB) runGroup(jobs []*groupJob) {
	ctx := context.Background()
	results := make([]error, len(jobs))
	finish := func(err error) {
		for i, j := range jobs {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- db.mapError(results[i])
		}
	}
	db.writeStmts.prepareWanted(ctx, db.write)
	conn, err := db.write.Conn(ctx)
	if err != nil {
		finish(err)
		return
	}
	defer conn.Close()
	// Each job's savepoint keeps the first state of every page it changes
	// in a sub-journal, which SQLite moves to a temporary file past 64 KiB:
	// a submission changes more than that, and writing the file was a
	// sixth of the CPU it cost. In memory, a job's sub-journal is dropped
	// as its savepoint is released. Set for the group only: a migration's
	// statement journal on the same connection can reach the size of a
	// table.
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		finish(err)
		return
	}
	defer conn.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`)
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
	if ok > 0 {
		if err := sqlTx.Commit(); err != nil {
			finish(err)
			return
		}
	}
	if bump {
		db.contentChanged()
	}
	finish(nil)
}

// writeStmts keeps the statements group transactions run prepared on
// SQLite's writer connection. Parsing SQL was a quarter of the CPU a
// submission cost (a dozen statements each). A statement cannot be
// prepared on the pool while a transaction holds its only connection, so
// one first met in a group runs unprepared and is prepared before the next
// group begins.
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
