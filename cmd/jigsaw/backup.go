package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/store"
)

// runBackup writes a consistent backup of the running instance's database
// to FILE, or to standard output for "-", and records it in the audit log.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	db, file, err := fileCommand(ctx, "backup", args, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	// The audit log the backup is recorded in is part of every schema;
	// a database without one (a mistyped --db, created empty) holds
	// nothing to back up.
	if cur, _, err := db.SchemaVersion(ctx); err != nil {
		return err
	} else if cur == 0 {
		return jigsaw.Errorf(jigsaw.EINVALID, "%s has no Jigsaw schema: there is nothing to back up.", db)
	}
	said := stdout
	if file == "-" {
		// The backup is the output; what is said of it goes beside.
		said = stderr
		err = db.BackupTo(ctx, stdout)
	} else {
		err = db.Backup(ctx, file)
	}
	if err != nil {
		return err
	}
	if err := recordCopy(ctx, db, "backup", file); err != nil {
		return err
	}
	fmt.Fprintf(said, "%s backed up to %s.\n", db, fileName(file))
	return nil
}

// runRestore replaces the database with a backup; no server may be using
// it. The restore is recorded in the restored database's audit log.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlagSet("restore", stderr, "restore FILE [--db …]   (stop every jigsaw serve using the database first)")
	config.DBFlag(fs, &cfg.DB)
	file, err := oneFile(fs, args)
	if err != nil {
		return err
	}
	if cfg.DB == "" {
		fmt.Fprintln(stderr, "jigsaw restore: give the database to replace with --db")
		return errUsage
	}
	if err := store.Restore(ctx, cfg.DB, file, auditEntry("restore", file)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s. Start the server again; it brings the schema up to date.\n", file)
	return nil
}

// oneFile parses the flags and the one FILE argument, before or after them.
func oneFile(fs *flag.FlagSet, args []string) (string, error) {
	files, err := parseWithFiles(fs, args)
	if err != nil {
		return "", err
	}
	if len(files) != 1 {
		fmt.Fprintf(fs.Output(), "jigsaw %s: give one FILE\n", fs.Name())
		fs.Usage()
		return "", errUsage
	}
	return files[0], nil
}
