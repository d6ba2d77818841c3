package store

import (
	"context"
	"log/slog"
	"time"
)

// Internals the external tests reach.

// LockServeEvery is LockServe checking its PostgreSQL session every every.
func LockServeEvery(ctx context.Context, dsn string, log *slog.Logger, every time.Duration) (*ServeLock, error) {
	return lockServe(ctx, dsn, log, every)
}

// LockRestore takes the lock a restore holds.
func LockRestore(ctx context.Context, dsn string) (func(), error) { return lockRestore(ctx, dsn) }

// WithPGTool makes opt find PostgreSQL's programs with find.
func WithPGTool(opt MigrateOptions, find func(string) (string, error)) MigrateOptions {
	opt.pgTool = find
	return opt
}
