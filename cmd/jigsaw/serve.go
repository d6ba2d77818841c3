package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"

	"jigsaw/internal/app"
	"jigsaw/internal/config"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlagSet("serve", stderr, "serve [--addr 127.0.0.1:8080] [--db jigsaw.db | postgres://…] [--metrics-addr 127.0.0.1:9090] [--base-url URL] [--smtp smtp://…] [--demo]")
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
	// Opening parses every template (to fail now, not at a first request)
	// and may load the demo data: garbage the runtime would hand back to
	// the system only slowly. An idle server should be small from the start.
	debug.FreeOSMemory()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.MetricsAddr == "" {
		return a.Serve(ctx, ln)
	}
	mln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen on %s for metrics: %w", cfg.MetricsAddr, err)
	}
	// The two listeners stop together: on SIGINT or SIGTERM, or when either
	// fails, which cancels ctx for the other.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	metricsErr := make(chan error, 1)
	go func() {
		metricsErr <- a.ServeMetrics(ctx, mln)
		cancel()
	}()
	err = a.Serve(ctx, ln)
	cancel()
	return errors.Join(err, <-metricsErr)
}
