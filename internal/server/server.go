// Package server is Jigsaw's HTTP server: routes, middleware, timeouts and
// graceful shutdown.
package server

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/api"
	"jigsaw/internal/auth"
	"jigsaw/internal/config"
	"jigsaw/internal/federation"
	"jigsaw/internal/i18n"
	"jigsaw/internal/web"
)

// Server serves Jigsaw over HTTP.
type Server struct {
	Config  config.Config
	DB      Database
	Log     *slog.Logger
	Pages   *web.Pages
	Metrics *Metrics
	Version string
	Auth    *auth.Service
	API     *api.API
	// Federation answers WebFinger, NodeInfo, the instance actor and the
	// objects of public items; nil leaves their routes out.
	Federation *federation.Documents

	// Authenticate returns the user a request is signed in as, or nil for
	// an anonymous request. An error means the credentials were presented
	// but are bad.
	Authenticate func(r *http.Request) (*jigsaw.User, error)

	mux     *http.ServeMux
	routes  []Route
	cache   *pageCache
	renders gate // cacheable pages being rendered
	http    *http.Server
}

// Database is what the server itself asks of the database: whether it is
// ready, the content version its page cache follows, and the figures that
// /metrics shows. Pages and the API reach the database through their own
// interfaces.
type Database interface {
	Ping(ctx context.Context) error
	CheckSchema(ctx context.Context) error
	RecentContentVersion(ctx context.Context, maxAge time.Duration) (int64, error)
	Stats() (read, write sql.DBStats)
	StoryPageReads() (queries, pages uint64)
	EngineName() string
	CountDeliveries(ctx context.Context, byHost bool) ([]jigsaw.DeliveryCount, error)
}

// Options is what a Server is built from; internal/app wires it.
type Options struct {
	Config  config.Config
	DB      Database
	Log     *slog.Logger
	Version string
	Auth    *auth.Service
	Pages   *web.Pages
	API     *api.API
	// Federation is the ActivityPub documents (see Server.Federation).
	Federation *federation.Documents
}

// New builds a Server with every route registered.
func New(o Options) *Server {
	s := &Server{
		Config: o.Config, DB: o.DB, Log: o.Log, Pages: o.Pages, API: o.API, Auth: o.Auth, Federation: o.Federation,
		Metrics: NewMetrics(), Version: o.Version,
		Authenticate: o.Auth.Authenticate,
		mux:          http.NewServeMux(),
		cache:        newPageCache(o.Config.PageCacheMB << 20),
	}
	readPool, _ := o.DB.Stats()
	s.renders = newGate(readPool.MaxOpenConnections)
	s.registerRoutes()
	return s
}

// Handler returns the server's handler with every middleware applied.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.withRequestID(s.observe(s.language(s.limitBody(s.refuseNUL(s.securityHeaders(s.crossOrigin(s.authenticate(s.mux)))))))))
}

// language puts the language each page is to be in in the request context
// (i18n.Choose: ?lang=, the cookie, Accept-Language), early, so that the
// error pages of the middleware after it are in that language too.
func (s *Server) language(next http.Handler) http.Handler {
	return i18n.Handler(next, strings.HasPrefix(s.Config.BaseURL, "https://"))
}

// crossOrigin refuses state-changing requests that a browser sent from
// another site (CSRF), using the browser's Sec-Fetch-Site and Origin headers;
// requests from programs (API clients with bearer tokens) carry neither and
// pass, as do safe methods.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, jigsaw.Errorf(jigsaw.EFORBIDDEN, "This form was sent from another site, so it was refused."))
	}))
	return cop.Handler(next)
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
