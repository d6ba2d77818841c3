package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/store"
)

// fileCommand parses the flags of a command that takes one FILE and --db
// (before or after each other) and opens the database.
func fileCommand(ctx context.Context, name string, args []string, stderr io.Writer) (*store.DB, string, error) {
	var cfg config.Config
	fs := newFlagSet(name, stderr, name+" FILE [--db …]")
	config.DBFlag(fs, &cfg.DB)
	file, err := oneFile(fs, args)
	if err != nil {
		return nil, "", err
	}
	db, err := openDB(ctx, cfg.DB)
	return db, file, err
}

// runExport writes the whole instance to FILE ("-" for standard output).
// A file appears only once complete: it is written beside its final name
// and renamed.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	db, file, err := fileCommand(ctx, "export", args, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	if file == "-" {
		err = db.Export(ctx, stdout)
	} else {
		err = writeAtomically(file, func(w io.Writer) error { return db.Export(ctx, w) })
	}
	if err != nil {
		return err
	}
	// Recorded once written, so that the export holds the log as it was
	// (an export of an import of it is the same bytes).
	return recordCopy(ctx, db, "export", file)
}

// recordCopy writes to the audit log that the operator copied the whole
// database (action export or backup) to file. A copy that cannot be
// recorded is reported as a failure, though it was made.
func recordCopy(ctx context.Context, db *store.DB, action, file string) error {
	if err := db.RecordAudit(ctx, auditEntry(action, file)); err != nil {
		return fmt.Errorf("%w: %w", jigsaw.Errorf(jigsaw.EUNAVAILABLE, "The %s to %s was made, but could not be written to the audit log.", action, fileName(file)), err)
	}
	return nil
}

// auditEntry is the audit log's entry for an action of the command line
// on the file: who ran it, as the system knows them, and the file, by its
// full path.
func auditEntry(action, file string) *jigsaw.AuditEntry {
	detail := fileName(file)
	if abs, err := filepath.Abs(file); err == nil && file != "-" {
		detail = abs
	}
	return &jigsaw.AuditEntry{Actor: cliActor(), Action: action, Detail: detail}
}

// fileName is how messages name FILE: "-" is standard output.
func fileName(file string) string {
	if file == "-" {
		return "standard output"
	}
	return file
}

// cliActor names the one acting on the command line: "command line (OS
// user alice)", or "command line" when the system cannot say.
func cliActor() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		return "command line"
	}
	return "command line (OS user " + name + ")"
}

// writeAtomically writes path through a temporary file in its directory,
// synced and renamed into place, so a crash leaves the old file or the new.
// A failure of the file is reported against path: the temporary file's name
// means nothing to the operator.
func writeAtomically(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return jigsaw.Errorf(jigsaw.EINVALID, "Cannot write %s: it is a directory.", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return writeError(path, err)
	}
	defer os.Remove(f.Name())
	w := &fileWriter{f: f}
	if err := write(w); err != nil {
		f.Close()
		if w.err != nil {
			return writeError(path, w.err)
		}
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return writeError(path, err)
	}
	if err := f.Close(); err != nil {
		return writeError(path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return writeError(path, err)
	}
	return nil
}

// fileWriter keeps the first error of writing f, so that it can be told
// from the writer's own failures however the writer wrapped it.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// writeError says that path could not be written, and why in the system's
// words without the (temporary) file err names; err stays behind it.
func writeError(path string, err error) error {
	return fmt.Errorf("%w: %w", jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot write %s: %s.", path, fileReason(err)), err)
}

// fileReason is the system's reason in err, a file operation's error,
// without the path it names: "permission denied", "no space left on device".
func fileReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// runImportInstance restores an export into an empty database.
func runImportInstance(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	db, file, err := fileCommand(ctx, "import instance", args, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		return err
	}
	in, name := stdin, "standard input"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("%w: %w", jigsaw.Errorf(jigsaw.EINVALID, "%s: cannot open: %s.", file, fileReason(err)), err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return jigsaw.Errorf(jigsaw.EINVALID, "%s: cannot open: it is a directory.", file)
		}
		in, name = f, file
	}
	n, err := db.ImportInstance(ctx, in, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d rows imported into %s.\n", name, n, db)
	return nil
}
