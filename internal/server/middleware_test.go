package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"liaise/internal/config"
)

func TestRealClientAddr(t *testing.T) {
	s := &Server{Cfg: config.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	tests := []struct {
		name, remote, xff, want string
	}{
		{"direct client, header ignored", "203.0.113.9:5000", "198.51.100.1", "203.0.113.9"},
		{"one trusted proxy", "10.0.0.5:443", "198.51.100.7", "198.51.100.7"},
		{"client spoofs the left of the header", "10.0.0.5:443", "1.2.3.4, 198.51.100.7", "198.51.100.7"},
		{"two trusted proxies", "10.0.0.5:443", "198.51.100.7, 10.1.1.1", "198.51.100.7"},
		{"proxy without header", "10.0.0.5:443", "", "10.0.0.5"},
		{"garbage header", "10.0.0.5:443", "not-an-ip", "10.0.0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := s.realClientAddr(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = clientIP(r) }))
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tt.remote
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got != tt.want {
				t.Fatalf("client = %q, want %q", got, tt.want)
			}
		})
	}
}
