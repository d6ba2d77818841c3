package store

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jigsaw"
)

// TestDriverTextStaysInTheLog: a SQLite error that reaches a page says
// what is wrong in Jigsaw's words, without the file's path or the driver's
// text, both of which stay in the error's text for the log.
func TestDriverTextStaysInTheLog(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+junk)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	raw := conn.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&n)
	if raw == nil {
		t.Fatal("a file of junk was read as a database")
	}
	for _, tt := range []struct {
		name    string
		err     error
		message string // what a person reads, in full
	}{
		{"on a page", (&DB{Engine: SQLite, path: junk}).mapError(raw), "The database is corrupt."},
		{"at start", openError(raw, junk), "Cannot use SQLite database " + junk + ": it is not a SQLite database or is corrupt."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := jigsaw.ErrorCode(tt.err); got != jigsaw.EUNAVAILABLE {
				t.Errorf("code: got %q, want %q", got, jigsaw.EUNAVAILABLE)
			}
			if got := jigsaw.ErrorMessage(tt.err); got != tt.message {
				t.Errorf("message: got %q, want %q", got, tt.message)
			}
			if !strings.Contains(tt.err.Error(), raw.Error()) {
				t.Errorf("error text %q lacks the driver's %q, for the log", tt.err, raw)
			}
		})
	}
}
