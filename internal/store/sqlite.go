package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"jigsaw"
)

// openSQLite opens the file at path in WAL mode with foreign keys on and
// synchronous=FULL, so a committed transaction survives a crash of the
// process or the machine.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	abs, err := sqliteFile(path)
	if err != nil {
		return nil, err
	}
	if err := createPrivate(abs); err != nil {
		return nil, withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot create SQLite database %s: %s.", abs, fileReason(err)), err)
	}
	pragmas := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"busy_timeout(10000)",
		"synchronous(FULL)",
		// Reads through the page cache without a system call per page.
		"mmap_size(268435456)",
	} {
		pragmas.Add("_pragma", p)
	}
	pragmas.Set("_time_format", "sqlite")
	base := "file:" + abs + "?" + pragmas.Encode()

	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", base+"&"+url.Values{"_pragma": {"query_only(1)"}}.Encode())
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)

	db := &DB{Engine: SQLite, read: read, write: write, path: abs, desc: "SQLite database " + abs}
	// The writer is opened first: it creates the file and switches it to WAL,
	// which the read-only connections cannot do.
	if err := checkSQLite(ctx, write, abs); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteFile is the absolute path of the SQLite file named by dsn (a path,
// or a sqlite:// or file: URL whose query is ignored), once its directory
// is known to exist.
func sqliteFile(dsn string) (string, error) {
	path := strings.TrimPrefix(dsn, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("database path %q: %w", path, err)
	}
	if dir := filepath.Dir(abs); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return "", jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot open SQLite database %s: directory %s does not exist.", abs, dir)
		}
	}
	return abs, nil
}

// createPrivate creates the database file at path, readable by its owner
// alone, when it does not exist yet. SQLite would create it readable by
// everyone (0644 less the umask), and gives its write-ahead log and shared
// memory files the database's own mode; the file holds tellers' personal
// data. An existing file keeps the mode its operator gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// checkSQLite makes sure the file is a readable SQLite database, so a corrupt
// or foreign file is reported as such at start rather than on first use.
func checkSQLite(ctx context.Context, db *sql.DB, path string) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return openError(err, path)
	}
	// Group commits rely on the write-ahead log (syncLog), and readers on
	// not being blocked by the writer.
	if !strings.EqualFold(mode, "wal") {
		return jigsaw.Errorf(jigsaw.EUNAVAILABLE, "SQLite database %s could not be switched to write-ahead logging (journal mode is %q); is it on a network file system?", path, mode)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return openError(err, path)
	}
	return nil
}

// openError says why the SQLite file at path cannot be used, at start. The
// path is the one the operator gave (--db), so the message names it; the
// driver's words stay behind it, for the log.
func openError(err error, path string) error {
	if r, ok := sqliteReason(err); ok {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot use SQLite database %s: %s.", path, r), err)
	}
	return mapSQLiteError(err, path)
}

// sqliteReason says in plain words why SQLite could not use a file, when
// the error is one of the kinds a person can do something about.
func sqliteReason(err error) (string, bool) {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return "", false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return "it is not a SQLite database or is corrupt", true
	case sqlite3.SQLITE_CANTOPEN:
		return "it cannot be opened or created (does its directory exist, and may this user write there?)", true
	case sqlite3.SQLITE_READONLY:
		return "it is read-only, and Jigsaw must write to it and to its directory", true
	case sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
		return "permission denied", true
	case sqlite3.SQLITE_FULL:
		return "the disk is full", true
	case sqlite3.SQLITE_IOERR:
		return "the disk reported an input/output error", true
	}
	return "", false
}

// IntegrityCheck runs SQLite's integrity check (or, on PostgreSQL, a plain
// ping) and returns an error describing the first problem found.
func (db *DB) IntegrityCheck(ctx context.Context) (err error) {
	defer wrap(&err, "store.IntegrityCheck")
	if db.Engine != SQLite {
		return db.Ping(ctx)
	}
	rows, err := db.write.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return db.mapError(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return db.mapError(err)
	}
	if len(problems) > 0 {
		return withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "The database is corrupt."),
			fmt.Errorf("integrity check of %s failed: %s", db.path, strings.Join(problems, "; ")))
	}
	return nil
}

func mapSQLiteError(err error, path string) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "That already exists.", Fields: uniqueField(se.Error())}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return jigsaw.Errorf(jigsaw.EINVALID, "A referenced record does not exist.")
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return jigsaw.Errorf(jigsaw.EINVALID, "A value is missing or out of range.")
	case sqlite3.SQLITE_BUSY:
		return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: "The database is busy; try again."}
	}
	// The primary code catches the extended codes not listed above. These
	// messages reach pages, so they name neither the file nor the driver's
	// words; both follow, for the log.
	var msg string
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		msg = "The database is corrupt."
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		msg = "The database cannot be opened or written."
	default:
		return err
	}
	return withDetail(&jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: msg}, fmt.Errorf("SQLite database %s: %w", path, err))
}

// uniqueField guesses the field from SQLite's "UNIQUE constraint failed:
// organisations.slug" message, so forms can mark it.
func uniqueField(msg string) map[string]string {
	i := strings.LastIndex(msg, "failed: ")
	if i < 0 {
		return nil
	}
	col := msg[i+len("failed: "):]
	if j := strings.IndexAny(col, ", )"); j >= 0 {
		col = col[:j]
	}
	if j := strings.LastIndexByte(col, '.'); j >= 0 {
		col = col[j+1:]
	}
	if col == "" {
		return nil
	}
	return map[string]string{col: "This is already taken."}
}
