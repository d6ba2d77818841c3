package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/store/migrations"
)

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the engine's embedded steps in version order.
func loadMigrations(engine string) ([]migration, error) {
	names, err := fs.Glob(migrations.FS, engine+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations of %s are not numbered 1, 2, 3…: %s is step %d", engine, m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion returns the version the database is at and the newest
// version this binary knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	defer wrap(&err, "store.SchemaVersion")
	ms, err := loadMigrations(db.Engine)
	if err != nil {
		return 0, 0, err
	}
	current, err = db.currentVersion(ctx, db.read)
	return current, len(ms), err
}

// querier is what reads need of *sql.DB and *sql.Tx alike, so that a write
// can read its own uncommitted rows through the same helpers.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) currentVersion(ctx context.Context, q querier) (int, error) {
	var exists bool
	var err error
	if db.Engine == Postgres {
		err = q.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	} else {
		err = q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	}
	if err != nil {
		return 0, db.mapError(err)
	}
	if !exists {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, db.mapError(err)
	}
	return int(v.Int64), nil
}

// CheckSchema returns nil when the schema is exactly current, and an error
// saying what to do otherwise. /readyz uses it.
func (db *DB) CheckSchema(ctx context.Context) (err error) {
	defer wrap(&err, "store.CheckSchema")
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case cur < latest:
		return jigsaw.Errorf(jigsaw.EUNAVAILABLE, "The database schema is at version %d of %d: run jigsaw migrate.", cur, latest)
	case cur > latest:
		return newerSchemaError(cur, latest)
	}
	return nil
}

func newerSchemaError(cur, latest int) error {
	return jigsaw.Errorf(jigsaw.EUNAVAILABLE,
		"The database schema is at version %d, newer than this jigsaw binary knows (%d): run a newer jigsaw, or restore a backup taken before the upgrade.", cur, latest)
}

// Migrate brings the schema up to date, one step per transaction. On SQLite
// an existing database is first copied beside itself, so a failed upgrade
// can always be undone. A database newer than this binary is refused.
// It returns the names of the steps applied.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) (_ []string, err error) {
	defer wrap(&err, "store.Migrate")
	return db.MigrateTo(ctx, log, 0)
}

// MigrateTo is Migrate stopping at version target (0: the newest). Tests
// use it to make a database as an older release left it.
func (db *DB) MigrateTo(ctx context.Context, log *slog.Logger, target int) (_ []string, err error) {
	defer wrap(&err, "store.MigrateTo")
	ms, err := loadMigrations(db.Engine)
	if err != nil {
		return nil, err
	}
	if target > 0 && target < len(ms) {
		ms = ms[:target]
	}
	if err := db.QuietTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL)`)
		return err
	}); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}

	cur, err := db.currentVersion(ctx, db.write)
	if err != nil {
		return nil, err
	}
	if cur > len(ms) {
		return nil, newerSchemaError(cur, len(ms))
	}
	if cur == len(ms) {
		return nil, nil
	}
	if db.Engine == SQLite && cur > 0 {
		backup, err := db.copyBeforeMigrating(ctx, cur)
		if err != nil {
			return nil, fmt.Errorf("copy the database before migrating: %w", err)
		}
		if log != nil {
			log.Info("copied database before migrating", "copy", backup, "from_version", cur, "to_version", len(ms))
		}
	}

	var applied []string
	for _, m := range ms[cur:] {
		err := db.QuietTx(ctx, func(tx *sql.Tx) error {
			if err := db.lockMigrations(ctx, tx); err != nil {
				return err
			}
			// Another process may have applied it while we waited for the lock.
			var done int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		applied = append(applied, m.name)
		if log != nil {
			log.Info("applied migration", "name", m.name)
		}
	}
	return applied, nil
}

// lockMigrations serialises migrations across processes sharing one
// PostgreSQL database. SQLite's immediate transactions already do.
func (db *DB) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('jigsaw-migrate:' || current_schema()))`)
	return err
}

// copyBeforeMigrating writes a consistent copy of the SQLite database at
// schema version cur next to it, named for the version and the time, and
// returns its name. Processes starting together may each make one: the name
// is reserved by creating it empty (which VACUUM INTO accepts), so none
// overwrites another's.
func (db *DB) copyBeforeMigrating(ctx context.Context, cur int) (string, error) {
	base := fmt.Sprintf("%s.v%d-%s", db.path, cur, time.Now().UTC().Format("20060102T150405Z"))
	name := base + ".bak"
	for i := 2; ; i++ {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			name = fmt.Sprintf("%s-%d.bak", base, i)
			continue
		}
		if err == nil {
			f.Close()
			if _, err = db.write.ExecContext(ctx, `VACUUM INTO $1`, name); err != nil {
				os.Remove(name)
			}
		}
		if err != nil {
			// The copy is named for the operator's own database, beside it.
			return "", withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot copy the database to %s before migrating: %s.", name, fileReason(err)), err)
		}
		return name, nil
	}
}
