package main

import (
	"context"
	"fmt"
	"io"

	"jigsaw/internal/app"
	"jigsaw/internal/config"
	"jigsaw/internal/store"
)

// openDB opens the database for a maintenance command.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	return app.OpenDB(ctx, dsn)
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlagSet("migrate", stderr, "migrate [--db …] [--no-backup]")
	config.DBFlag(fs, &cfg.DB)
	config.LogFlags(fs, &cfg)
	noBackup := fs.Bool("no-backup", false, "upgrade without backing up first (SQLite: a copy beside the file; PostgreSQL: a pg_dump into the working directory)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.MigrateWith(ctx, store.MigrateOptions{Log: app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel), NoBackup: *noBackup, DumpDir: "."})
	if err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s is up to date (schema version %d).\n", db, cur)
	} else {
		fmt.Fprintf(stdout, "%s migrated to schema version %d (%d steps applied).\n", db, cur, len(applied))
	}
	return nil
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr, "version")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "jigsaw %s\n", app.Version)
	return nil
}
