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
	"path/filepath"
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
// can always be undone (MigrateWith also dumps PostgreSQL's). A database
// newer than this binary is refused. It returns the names of the steps
// applied.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) (_ []string, err error) {
	defer wrap(&err, "store.Migrate")
	return db.MigrateWith(ctx, MigrateOptions{Log: log})
}

// MigrateTo is Migrate stopping at version target (0: the newest). Tests
// use it to make a database as an older release left it.
func (db *DB) MigrateTo(ctx context.Context, log *slog.Logger, target int) (_ []string, err error) {
	defer wrap(&err, "store.MigrateTo")
	return db.MigrateWith(ctx, MigrateOptions{Log: log, Target: target})
}

// MigrateOptions are the choices of MigrateWith.
type MigrateOptions struct {
	// Log, if not nil, hears of each step and of the backup.
	Log *slog.Logger
	// Target is the version to stop at; 0 is the newest.
	Target int
	// NoBackup skips the backup taken before an existing database is
	// upgraded: SQLite's copy beside the file, PostgreSQL's pg_dump into
	// DumpDir.
	NoBackup bool
	// DumpDir is the directory PostgreSQL's dump is written to, taken
	// when pg_dump is installed: "." for the working directory, as
	// `jigsaw migrate` and `jigsaw serve` do. The store knows no place of
	// the operator's for it, so "" takes none.
	DumpDir string

	// pgTool finds pg_dump; nil is the usual search (tests replace it).
	pgTool func(name string) (string, error)
}

// MigrateWith brings the schema up to the version opt asks for, one step
// per transaction, after backing up an existing database unless told not
// to: on SQLite a consistent copy beside the file, on PostgreSQL a pg_dump
// into opt.DumpDir (when pg_dump is missing, it says so in the log and goes
// on). A failed backup stops the upgrade before it starts. It returns the
// names of the steps applied.
func (db *DB) MigrateWith(ctx context.Context, opt MigrateOptions) (_ []string, err error) {
	defer wrap(&err, "store.MigrateWith")
	log := opt.Log
	ms, err := loadMigrations(db.Engine)
	if err != nil {
		return nil, err
	}
	if opt.Target > 0 && opt.Target < len(ms) {
		ms = ms[:opt.Target]
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
	switch {
	case cur == 0 || opt.NoBackup:
	case db.Engine == SQLite:
		backup, err := db.copyBeforeMigrating(ctx, cur)
		if err != nil {
			return nil, fmt.Errorf("copy the database before migrating: %w", err)
		}
		if log != nil {
			log.Info("copied database before migrating", "copy", backup, "from_version", cur, "to_version", len(ms))
		}
	case opt.DumpDir != "":
		find := opt.pgTool
		if find == nil {
			find = pgTool
		}
		tool, err := find("pg_dump")
		if err != nil {
			if log != nil {
				log.Warn("pg_dump is not installed: migrating without a backup first (install PostgreSQL's client programs to have one taken)",
					"from_version", cur, "to_version", len(ms))
			}
			break
		}
		dump, err := db.dumpBeforeMigrating(ctx, tool, opt.DumpDir, cur)
		if err != nil {
			return nil, err
		}
		if log != nil {
			log.Info("dumped database before migrating", "dump", dump, "from_version", cur, "to_version", len(ms))
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

// dumpBeforeMigrating writes pg_dump's custom format of the PostgreSQL
// database at schema version cur into dir, named for the database (and
// schema), the version and the time, readable by its owner alone, and
// returns its name. Like SQLite's copy, the name is reserved by creating
// the file, so processes starting together never overwrite each other's.
func (db *DB) dumpBeforeMigrating(ctx context.Context, tool, dir string, cur int) (string, error) {
	env, schema, err := pgEnv(db.dsn)
	if err != nil {
		return "", err
	}
	what := dbNameOnly(env)
	if schema != "" {
		what += "-" + schema
	}
	what = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, what)
	// Named in full, for the log: the operator of a server may not know
	// its working directory.
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	base := filepath.Join(dir, fmt.Sprintf("jigsaw-%s.v%d-%s", what, cur, time.Now().UTC().Format("20060102T150405Z")))
	name := base + ".dump"
	fail := func(err error) (string, error) {
		return "", withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE,
			"Cannot back up the database to %s before migrating: %s. Fix that and start again, or take a backup by other means and run jigsaw migrate --no-backup.",
			name, fileReason(err)), err)
	}
	for i := 2; ; i++ {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			name = fmt.Sprintf("%s-%d.dump", base, i)
			continue
		}
		if err != nil {
			return fail(err)
		}
		args := []string{"--format=custom", "--no-owner"}
		if schema != "" {
			args = append(args, "--schema="+schema)
		}
		if err = runPG(ctx, tool, args, env, f); err != nil {
			f.Close()
			os.Remove(name)
			// pg_dump's own words say what to fix (a server newer than it,
			// say); they name no password, which it had from the environment.
			return "", withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE,
				"Cannot back up the database before migrating, so nothing was changed: %s. Fix that and start again, or take a backup by other means and run jigsaw migrate --no-backup.",
				err), err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(name)
			return fail(err)
		}
		if err := f.Close(); err != nil {
			os.Remove(name)
			return fail(err)
		}
		return name, nil
	}
}
