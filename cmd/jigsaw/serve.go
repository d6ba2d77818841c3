package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"jigsaw/internal/app"
	"jigsaw/internal/config"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlagSet("serve", stderr, "serve [--addr 127.0.0.1:8080] [--db jigsaw.db | postgres://…] [--base-url URL] [--smtp smtp://…] [--demo]")
	config.ServeFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "jigsaw serve: %v\n", err)
		return errUsage
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return a.Serve(ctx, ln)
}
