package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
		return db.Export(ctx, stdout)
	}
	return writeAtomically(file, func(w io.Writer) error { return db.Export(ctx, w) })
}

// writeAtomically writes path through a temporary file in its directory,
// synced and renamed into place, so a crash leaves the old file or the new.
func writeAtomically(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
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
			return fmt.Errorf("%s: cannot open: %w", file, err)
		}
		defer f.Close()
		in, name = f, file
	}
	n, err := db.ImportInstance(ctx, in, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d rows imported into %s.\n", name, n, db)
	return nil
}
