package server

import (
	"context"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"liaise"
	"liaise/web"
)

func (s *Server) opsRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/healthz", Public: true, Handler: s.healthz},
		{Method: "GET", Pattern: "/readyz", Public: true, Handler: s.readyz},
		{Method: "GET", Pattern: "/metrics", Public: true, Handler: s.metricsHandler},
	}
}

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

// readyz says the database answers and is fully migrated, so a load balancer
// sends no traffic to an instance that cannot serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.DB.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return nil
	}
	n, err := s.DB.Pending(ctx)
	if err != nil || n > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database not migrated\n"))
		return nil
	}
	w.Write([]byte("ready\n"))
	return nil
}

// metricsHandler serves Prometheus metrics. It is public on the listen
// address like /healthz; deployments keep it behind their ingress.
func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler().ServeHTTP(w, r)
	return nil
}

// staticHandler serves embedded files. /assets/ is where the NHS.UK CSS
// looks for its icons, so it maps to static/nhsuk/assets.
func (s *Server) staticHandler(prefix string) http.Handler {
	sub, _ := fs.Sub(web.Static, "static")
	if prefix == "/assets/" {
		sub, _ = fs.Sub(web.Static, "static/nhsuk/assets")
	}
	files := http.StripPrefix(prefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.renderError(w, r, notFoundError())
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

var _ = liaise.EINVALID
