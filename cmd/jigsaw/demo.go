package main

import (
	"context"
	"fmt"
	"io"

	"jigsaw/internal/config"
	"jigsaw/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlagSet("demo", stderr, "demo [--db …]")
	config.DBFlag(fs, &cfg.DB)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		return err
	}
	sum, err := demo.Load(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo data loaded into %s: %+v\n", db, sum)
	return nil
}
