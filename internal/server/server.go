// Package server is Liaise's HTTP face: the server-rendered web UI for staff
// and the JSON API under /api/v1. Every route is declared once in routes.go.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/config"
	"liaise/internal/sqlstore"
)

// Server holds what handlers need. It has no package-level state, so tests can
// run many servers side by side.
type Server struct {
	DB      *sqlstore.DB
	Cfg     config.Config
	Log     *slog.Logger
	Version string
	// Clock is the time source for sessions and throttling (tests fix it).
	Clock liaise.Clock
	// Hasher hashes and verifies passwords behind a small semaphore
	// (DESIGN.md §10). New sets the default; tests swap in cheap parameters.
	Hasher *auth.Hasher

	tmpl    *templates
	metrics *metrics
	handler http.Handler
	routes  []Route
	auth    *authState
}

// New builds a server ready to serve: templates parsed, routes registered.
func New(db *sqlstore.DB, cfg config.Config, log *slog.Logger, version string) (*Server, error) {
	s := &Server{DB: db, Cfg: cfg, Log: log, Version: version}
	// Two hashes at a time: each takes DefaultParams.Memory (64 MiB); two fit
	// the memory budget and still serve about ten sign-ins a second.
	s.Hasher = auth.NewHasher(auth.DefaultParams, 2)
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.tmpl = t
	s.metrics = newMetrics(db)
	s.auth = newAuthState(s)
	s.routes = s.allRoutes()
	s.handler = s.buildHandler()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns the route table (for tests and the OpenAPI document).
func (s *Server) Routes() []Route { return s.routes }

// now returns the server clock's time.
func (s *Server) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// Run serves on cfg.Addr until ctx is cancelled, then shuts down gracefully,
// letting requests in flight finish for up to 20 seconds.
func (s *Server) Run(ctx context.Context, ready func(addr string)) error {
	srv := &http.Server{
		Addr:              s.Cfg.Addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	ln, err := listen(s.Cfg.Addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	bg, stopBG := context.WithCancel(context.Background())
	waitBG := s.startBackground(bg)
	// Jobs finish (releasing their leases) before the caller closes the database.
	defer func() { stopBG(); waitBG() }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
