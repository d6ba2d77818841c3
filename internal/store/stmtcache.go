package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared read statements. SQLite spends a fifth of a
// page's time parsing SQL when every query is prepared afresh; pgx already
// caches statements per connection, so PostgreSQL queries skip this.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache; filtered list queries come in a bounded
// number of shapes, so this is never reached in practice.
const maxCachedStmts = 512

func (db *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	if s, ok := db.stmts.m[query]; ok {
		return s
	}
	if len(db.stmts.m) >= maxCachedStmts {
		return nil
	}
	s, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query will report the error
	}
	if db.stmts.m == nil {
		db.stmts.m = map[string]*sql.Stmt{}
	}
	db.stmts.m[query] = s
	return s
}

// query runs a read query, prepared once where that helps.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := db.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, query, args...)
}

// queryRow runs a single-row read query, prepared once where that helps.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s := db.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}

// readQuerier lets helpers written for a querier (a *sql.Tx or the pool)
// use the statement cache when reading outside a transaction.
type readQuerier struct{ db *DB }

func (r readQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.db.queryRow(ctx, query, args...)
}

func (r readQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.db.query(ctx, query, args...)
}

// stmtTx is a transaction that runs each statement prepared when lookup
// has it ready, and unprepared when lookup returns nil.
type stmtTx struct {
	tx     *sql.Tx
	lookup func(ctx context.Context, query string) *sql.Stmt
}

func (t stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.lookup(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.lookup(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.lookup(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
