// Package server is Jigsaw's HTTP server: routes, middleware, timeouts and
// graceful shutdown.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"jigsaw"
	"jigsaw/internal/api"
	"jigsaw/internal/config"
	"jigsaw/internal/notify"
	"jigsaw/internal/store"
	"jigsaw/internal/web"
)

// Server serves Jigsaw over HTTP.
type Server struct {
	Config  config.Config
	DB      *store.DB
	Log     *slog.Logger
	Pages   *web.Pages
	API     *api.API
	Metrics *Metrics
	Version string
	// Mail is woken by handlers that queue mail, so it goes out at once.
	Mail *notify.Sender

	// Authenticate returns the user a request is signed in as, or nil for
	// an anonymous request. An error means the credentials were presented
	// but are bad.
	Authenticate func(r *http.Request) (*jigsaw.User, error)

	mux    *http.ServeMux
	routes []Route
	http   *http.Server
}

// New builds a Server with every route registered.
func New(cfg config.Config, db *store.DB, log *slog.Logger, version string) (*Server, error) {
	pages, err := web.New(db, db, web.Site{
		Name:        "Jigsaw",
		Description: "Stories, dangers and disputes of the health service, fitted together by the organisations that defend it.",
		BaseURL:     cfg.BaseURL,
	}, log)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Config: cfg, DB: db, Log: log, Pages: pages, Metrics: NewMetrics(), Version: version,
		API:          &api.API{Store: db, Edit: db, BaseURL: cfg.BaseURL, Log: log},
		Authenticate: func(*http.Request) (*jigsaw.User, error) { return nil, nil },
		mux:          http.NewServeMux(),
	}
	s.registerRoutes()
	return s, nil
}

// Handler returns the server's handler with every middleware applied.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.withRequestID(s.observe(s.limitBody(s.securityHeaders(s.authenticate(s.mux))))))
}

// Serve answers requests on ln until ctx is cancelled, then stops accepting
// connections and waits up to Config.ShutdownTimeout for requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: draining requests in flight", "timeout", s.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
