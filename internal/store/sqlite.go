package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path %q: %w", path, err)
	}
	if dir := filepath.Dir(abs); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot open SQLite database %s: directory %s does not exist.", abs, dir)
		}
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

// checkSQLite makes sure the file is a readable SQLite database, so a corrupt
// or foreign file is reported as such at start rather than on first use.
func checkSQLite(ctx context.Context, db *sql.DB, path string) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return mapSQLiteError(err, path)
	}
	// Group commits rely on the write-ahead log (syncLog), and readers on
	// not being blocked by the writer.
	if !strings.EqualFold(mode, "wal") {
		return jigsaw.Errorf(jigsaw.EUNAVAILABLE, "SQLite database %s could not be switched to write-ahead logging (journal mode is %q); is it on a network file system?", path, mode)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return mapSQLiteError(err, path)
	}
	return nil
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
		return fmt.Errorf("integrity check of %s failed: %s", db.path, strings.Join(problems, "; "))
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
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: fmt.Sprintf("The file %s is not a SQLite database or is corrupt (%v).", path, se)}
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: fmt.Sprintf("Cannot open SQLite database %s (%v).", path, se)}
	case sqlite3.SQLITE_BUSY:
		return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: "The database is busy; try again."}
	}
	// The primary code catches the extended codes not listed above.
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: fmt.Sprintf("The file %s is not a SQLite database or is corrupt (%v).", path, se)}
	}
	return err
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
