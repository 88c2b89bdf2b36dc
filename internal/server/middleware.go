package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	routeInfoKey
)

// routeInfo lets the innermost handler tell outer middleware which route
// pattern matched, for metrics labels that never contain ids.
type routeInfo struct{ pattern string }

func routeInfoFrom(ctx context.Context) *routeInfo {
	ri, _ := ctx.Value(routeInfoKey).(*routeInfo)
	return ri
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID gives each request an id, returned in X-Request-Id and logged, so
// a practitioner's "it went wrong" can be matched to the log without any
// personal data in the log.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", slog.String("request_id", requestIDFrom(r.Context())), slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument records metrics and logs each request by route pattern. The log
// line carries the pattern, never the path with its ids or query, so no
// personal data reaches the log.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &routeInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeInfoKey, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		pattern := info.pattern
		if pattern == "" {
			switch {
			case strings.HasPrefix(r.URL.Path, "/static/"):
				pattern = "/static/"
			case strings.HasPrefix(r.URL.Path, "/assets/"):
				pattern = "/assets/"
			default:
				pattern = "unmatched"
			}
		}
		d := time.Since(start)
		s.metrics.observe(r.Method, pattern, sw.status, d)
		if pattern == "/static/" || pattern == "/assets/" || pattern == "/metrics" || pattern == "/healthz" {
			return
		}
		s.Log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", requestIDFrom(r.Context())),
			slog.String("method", r.Method),
			slog.String("route", pattern),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Float64("ms", float64(d.Microseconds())/1000),
		)
	})
}

// securityHeaders sets a strict policy: no inline script or style, no framing,
// HSTS when served over https.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self' https://assets.nhs.uk",
		"connect-src 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
	secure := s.Cfg.Secure()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// csrf applies cross-origin protection to cookie requests. Bearer-token API
// calls are not made by browsers with ambient credentials, so they pass.
func (s *Server) csrf(cop *http.CrossOriginProtection, next http.Handler) http.Handler {
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// realClientAddr replaces the request's remote address with the client's
// when the connection comes from a trusted reverse proxy: the right-most
// X-Forwarded-For entry that is not itself a trusted proxy. Without it every
// request behind a proxy would share the proxy's address, so the audit trail
// would lose client addresses and one address ceiling would lock out all staff.
func (s *Server) realClientAddr(next http.Handler) http.Handler {
	trusted := s.Cfg.TrustedProxies
	if len(trusted) == 0 {
		return next
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, err := netip.ParseAddrPort(r.RemoteAddr)
		if err == nil && isTrusted(peer.Addr()) {
			var hops []string
			for _, h := range r.Header.Values("X-Forwarded-For") {
				hops = append(hops, strings.Split(h, ",")...)
			}
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break
				}
				if !isTrusted(a) || i == 0 {
					r2 := *r
					r2.RemoteAddr = netip.AddrPortFrom(a.Unmap(), 0).String()
					r = &r2
					break
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the client's address (after realClientAddr has applied any
// trusted proxy's X-Forwarded-For).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
