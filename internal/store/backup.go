package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"jigsaw"
)

// Backup writes a consistent copy of the database to path while the server
// keeps running. SQLite: VACUUM INTO a file beside path, synced and renamed
// into place, so path is only ever a whole backup. PostgreSQL: pg_dump's
// custom format, when pg_dump is installed. The file is readable by its
// owner alone: it holds everyone's personal data.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	defer wrap(&err, "store.Backup")
	if db.Engine == Postgres {
		if _, err := pgTool("pg_dump"); err != nil {
			return err
		}
	}
	if err := checkBackupDir(path); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	os.Remove(tmp)
	defer os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return backupWriteError(path, err)
	}
	if db.Engine == Postgres {
		err = db.pgDump(ctx, f)
	} else {
		// VACUUM INTO writes into the empty file, keeping its mode.
		err = db.vacuumInto(ctx, tmp)
	}
	if err != nil {
		f.Close()
		var we *writeFailure
		if errors.As(err, &we) {
			return backupWriteError(path, we.err)
		}
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return backupWriteError(path, err)
	}
	if err := f.Close(); err != nil {
		return backupWriteError(path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return backupWriteError(path, err)
	}
	return nil
}

// BackupTo writes a consistent copy of the database to w, as Backup would
// to a file: `jigsaw backup -` sends it to standard output. SQLite's copy is
// first made in a temporary file beside the database (VACUUM INTO cannot
// write to a stream), readable by its owner alone and removed after.
func (db *DB) BackupTo(ctx context.Context, w io.Writer) (err error) {
	defer wrap(&err, "store.BackupTo")
	if db.Engine == Postgres {
		return db.pgDump(ctx, w)
	}
	f, err := os.CreateTemp(filepath.Dir(db.path), "."+filepath.Base(db.path)+".backup-*")
	if err != nil {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot write a temporary copy beside the database %s: %s.", db.path, fileReason(err)), err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := db.vacuumInto(ctx, f.Name()); err != nil {
		var we *writeFailure
		if errors.As(err, &we) {
			return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot write a temporary copy beside the database %s: %s.", db.path, fileReason(we.err)), we.err)
		}
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("backup of %s: %w", db, err)
	}
	return nil
}

// writeFailure is a failure to write the copy's file, which its caller
// reports against the file the operator named.
type writeFailure struct{ err error }

func (e *writeFailure) Error() string { return e.err.Error() }
func (e *writeFailure) Unwrap() error { return e.err }

// vacuumInto writes a consistent copy of the SQLite database into the file
// at path, which may exist if empty.
func (db *DB) vacuumInto(ctx context.Context, path string) error {
	// A connection of its own: the readers are query-only and the writer
	// must stay free for the server. VACUUM INTO reads one snapshot.
	conn, err := sql.Open("sqlite", "file:"+db.path)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 10000`); err != nil {
		return db.mapError(err)
	}
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		var se *sqlite.Error
		if errors.As(err, &se) {
			switch se.Code() & 0xff {
			case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
				return &writeFailure{err}
			}
		}
		return fmt.Errorf("backup of %s: %w", db, db.mapError(err))
	}
	return nil
}

// checkBackupDir makes sure the directory the backup is to be written in
// exists, and path is not a directory itself, the commonest mistakes, so
// that they are reported as such rather than as a failure to create the
// temporary file beside path or to rename it.
func checkBackupDir(path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return withDetail(jigsaw.Errorf(jigsaw.EINVALID, "Cannot write the backup to %s: the directory %s does not exist.", path, dir), err)
	} else if err != nil {
		return withDetail(jigsaw.Errorf(jigsaw.EINVALID, "Cannot write the backup to %s: %s.", path, fileReason(err)), err)
	} else if !fi.IsDir() {
		return jigsaw.Errorf(jigsaw.EINVALID, "Cannot write the backup to %s: %s is not a directory.", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return jigsaw.Errorf(jigsaw.EINVALID, "Cannot write the backup to %s: it is a directory.", path)
	}
	return nil
}

// backupWriteError says that the backup could not be written to path, the
// operator's own, and why in plain words. err names the temporary file
// beside path, so it is kept for the log only.
func backupWriteError(path string, err error) error {
	return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot write the backup to %s: %s.", path, fileReason(err)), err)
}

// backupReadError says that the backup at path cannot be read, and why.
func backupReadError(path string, err error) error {
	return withDetail(jigsaw.Errorf(jigsaw.EINVALID, "%s: cannot read the backup: %s.", path, fileReason(err)), err)
}

// syncFile fsyncs the file or directory at path. Opened read-only, which
// fsync accepts, so that it serves directories too.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Restore replaces the database named by dsn with the backup at path, then
// records audit, if not nil, in the audit log of the restored database, so
// that the restore's own entry survives it. It refuses (ECONFLICT) while a
// server holds the database's serve lock (LockServe): the server would go
// on with the database it had open. SQLite: the backup is checked (a SQLite
// file, intact, a schema this version knows), copied beside the database,
// synced and renamed over it. PostgreSQL: pg_restore, dropping what the
// backup recreates.
func Restore(ctx context.Context, dsn, path string, audit *jigsaw.AuditEntry) error {
	if _, err := os.Stat(path); err != nil {
		return backupReadError(path, err)
	}
	release, err := lockRestore(ctx, dsn)
	if err != nil {
		return err
	}
	defer release()
	if isPostgresDSN(dsn) {
		err = pgRestore(ctx, dsn, path)
	} else {
		err = sqliteRestore(ctx, dsn, path)
	}
	if err != nil || audit == nil {
		return err
	}
	db, err := Open(ctx, dsn)
	if err == nil {
		err = db.RecordAudit(ctx, audit)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "%s was restored, but the restore could not be written to its audit log.", path), err)
	}
	return nil
}

func sqliteRestore(ctx context.Context, dsn, path string) error {
	target, err := sqliteFile(dsn)
	if err != nil {
		return err
	}
	// Checked as a copy beside the target, so the backup itself is never
	// touched and the target changes in one rename.
	tmp := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".restoring")
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	if err := copyFile(path, tmp); err != nil {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot copy %s beside the database %s: %s.", path, target, fileReason(err)), err)
	}
	if err := checkBackup(ctx, tmp, path); err != nil {
		return err
	}
	// The old database's write-ahead log must not be applied to the new
	// file: it goes first.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot remove %s: %s.", target+suffix, fileReason(err)), err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot replace the database %s: %s.", target, fileReason(err)), err)
	}
	return nil
}

// checkBackup opens the copy at tmp of the backup named name and checks it
// is an intact Jigsaw database of a schema this version knows. Its messages
// name the backup as the operator gave it, never the copy.
func checkBackup(ctx context.Context, tmp, name string) error {
	check, err := openSQLite(ctx, tmp)
	if err != nil {
		why, ok := sqliteReason(err)
		if !ok {
			why = "it cannot be opened as a SQLite database"
		}
		return withDetail(jigsaw.Errorf(jigsaw.EINVALID, "%s is not a Jigsaw backup: %s.", name, why), err)
	}
	why := ""
	cur, latest, err := check.SchemaVersion(ctx)
	switch {
	case err != nil:
		why = "its schema version cannot be read"
	case cur == 0:
		why = "it has no Jigsaw schema"
	default:
		if err = check.IntegrityCheck(ctx); err != nil {
			why = "it is corrupt"
		}
	}
	if cerr := check.Close(); err == nil && cerr != nil {
		err, why = cerr, "it cannot be closed cleanly"
	}
	if why != "" {
		e := jigsaw.Errorf(jigsaw.EINVALID, "%s is not a usable Jigsaw backup: %s.", name, why)
		if err == nil {
			return e
		}
		return withDetail(e, err)
	}
	if cur > latest {
		return newerSchemaError(cur, latest)
	}
	if err := syncFile(tmp); err != nil {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot copy %s beside the database: %s.", name, fileReason(err)), err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// pgTool finds a PostgreSQL client program: on PATH, else in Debian's
// versioned directories, newest first (pg_dump must not be older than the
// server).
func pgTool(name string) (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgDirVersion(dirs[i]) > pgDirVersion(dirs[j]) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", jigsaw.Errorf(jigsaw.EUNAVAILABLE, "%s is not installed. Install PostgreSQL's client programs (Debian: apt-get install postgresql-client), "+
		"or back up by hand: pg_dump --format=custom --file=FILE DATABASE-URL (restore: pg_restore --clean --if-exists --no-owner --dbname=DATABASE-URL FILE).", name)
}

func pgDirVersion(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// pgEnv is the connection as libpq's environment: the password never
// appears on a command line, where other users could read it.
func pgEnv(dsn string) ([]string, string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, "", jigsaw.Errorf(jigsaw.EINVALID, "The PostgreSQL URL in --db is malformed.")
	}
	env := append(os.Environ(),
		"PGHOST="+cfg.Host, "PGPORT="+strconv.Itoa(int(cfg.Port)), "PGUSER="+cfg.User,
		"PGPASSWORD="+cfg.Password, "PGDATABASE="+cfg.Database)
	if u, err := url.Parse(dsn); err == nil {
		if m := u.Query().Get("sslmode"); m != "" {
			env = append(env, "PGSSLMODE="+m)
		}
	}
	return env, cfg.RuntimeParams["search_path"], nil
}

// pgDump writes pg_dump's custom format of the database to w. Given an
// *os.File, pg_dump writes to it directly and can seek in it, which makes
// a dump pg_restore reads faster.
func (db *DB) pgDump(ctx context.Context, w io.Writer) error {
	tool, err := pgTool("pg_dump")
	if err != nil {
		return err
	}
	env, schema, err := pgEnv(db.dsn)
	if err != nil {
		return err
	}
	args := []string{"--format=custom", "--no-owner"}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	return runPG(ctx, tool, args, env, w)
}

func pgRestore(ctx context.Context, dsn, path string) error {
	restore, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	psql, err := pgTool("psql")
	if err != nil {
		return err
	}
	env, schema, err := pgEnv(dsn)
	if err != nil {
		return err
	}
	// The backup's --clean drops only what the backup holds: tables a later
	// schema step made would stay, and upgrading the restored database
	// again would meet them. So the script first drops every table of the
	// schema, and all of it runs in one transaction, committed only once
	// pg_restore has written the whole backup: a restore that fails leaves
	// the database as it was.
	if schema == "" {
		schema = "public"
	}
	drop := fmt.Sprintf(`DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = %[1]s LOOP
			EXECUTE format('DROP TABLE IF EXISTS %%I.%%I CASCADE', %[1]s, r.tablename);
		END LOOP; END $$;
`, pgQuote(schema))
	script := exec.CommandContext(ctx, restore, "--clean", "--if-exists", "--no-owner", "--file=-", path)
	script.Env = env
	var scriptSaid bytes.Buffer
	script.Stderr = &scriptSaid
	out, err := script.StdoutPipe()
	if err != nil {
		return err
	}
	if err := script.Start(); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	var scriptErr error
	commit := &lazyReader{open: func() io.Reader {
		// Reached once pg_restore's output has ended.
		if scriptErr = script.Wait(); scriptErr != nil {
			return strings.NewReader("") // psql ends without COMMIT: rolled back
		}
		return strings.NewReader("COMMIT;\n")
	}}
	in := io.MultiReader(strings.NewReader("SET client_min_messages = warning;\nBEGIN;\n"+drop), out, commit)
	runErr := runPGInput(ctx, psql, []string{"--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
		"--dbname=" + dbNameOnly(env), "--file=-"}, env, in)
	if commit.r == nil {
		script.Process.Kill() // psql stopped early: pg_restore's output is not wanted
		script.Wait()
	}
	if scriptErr != nil {
		return toolFailed(restore, scriptErr, scriptSaid.String())
	}
	return runErr
}

// lazyReader reads what open returns, calling it at the first read.
type lazyReader struct {
	open func() io.Reader
	r    io.Reader
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.r == nil {
		l.r = l.open()
	}
	return l.r.Read(p)
}

// pgQuote is s as an SQL string literal.
func pgQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// dbNameOnly is the database to restore into, by name: the rest of the
// connection comes from the environment.
func dbNameOnly(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PGDATABASE="); ok {
			return v
		}
	}
	return ""
}

// runPG runs a PostgreSQL client program with its output to stdout (nil:
// kept with its messages) and returns an error quoting what it said.
func runPG(ctx context.Context, tool string, args, env []string, stdout io.Writer) error {
	return runPGWith(ctx, tool, args, env, nil, stdout)
}

// runPGInput runs a PostgreSQL client program reading stdin.
func runPGInput(ctx context.Context, tool string, args, env []string, stdin io.Reader) error {
	return runPGWith(ctx, tool, args, env, stdin, nil)
}

func runPGWith(ctx context.Context, tool string, args, env []string, stdin io.Reader, stdout io.Writer) error {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = env
	cmd.Stdin = stdin
	var said bytes.Buffer
	cmd.Stderr = &said
	cmd.Stdout = stdout
	if stdout == nil {
		cmd.Stdout = &said
	}
	if err := cmd.Run(); err != nil {
		return toolFailed(tool, err, said.String())
	}
	return nil
}

// toolFailed is the error of a PostgreSQL client program that failed,
// quoting what it said (its first 600 bytes).
func toolFailed(tool string, err error, said string) error {
	msg := strings.TrimSpace(said)
	if msg == "" {
		return fmt.Errorf("%s failed: %v", filepath.Base(tool), err)
	}
	if len(msg) > 600 {
		msg = msg[:600] + "…"
	}
	return fmt.Errorf("%s failed: %v: %s", filepath.Base(tool), err, msg)
}
