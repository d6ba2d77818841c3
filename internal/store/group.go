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
	fn   func(*sql.Tx) error
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
func (db *DB) GroupTx(ctx context.Context, bump bool, fn func(tx *sql.Tx) error) error {
	if db.Engine == Postgres {
		// PostgreSQL groups concurrent commits itself and runs them on
		// many connections at once; funnelling them through one would
		// only queue them behind each other's round trips.
		return db.tx(ctx, bump, fn)
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
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		finish(err)
		return
	}
	defer tx.Rollback()
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
		if err := tx.Commit(); err != nil {
			finish(err)
			return
		}
	}
	if bump {
		db.contentChanged()
	}
	finish(nil)
}
