package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHomeShowsUserTeamsAndCapabilities(t *testing.T) {
	env := newTestEnv(t)
	resp, body := env.get(env.client("practitioner"), "/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{"Test Practitioner", "Test custody team", "Search people across the provider", "Sign out"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if strings.Contains(body, "Search the audit trail") {
		t.Error("practitioner is shown audit capability")
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
}

func TestAnonymousIsSentToSignIn(t *testing.T) {
	env := newTestEnv(t)
	resp, _ := env.get(env.anon(), "/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := env.get(env.anon(), "/api/v1/me")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("api status %d type %q body %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("practitioner")
	if resp, _ := env.get(c, "/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh session: %d", resp.StatusCode)
	}
	env.advance(14 * time.Minute)
	if resp, _ := env.get(c, "/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after 14 minutes: %d", resp.StatusCode)
	}
	env.advance(16 * time.Minute) // activity at 14 min renewed it: still idle < 15 at 14+16? no: 16 > 15
	resp, _ := env.get(c, "/")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after 16 idle minutes: status %d, want redirect to sign in", resp.StatusCode)
	}
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("practitioner")
	for i := 0; i < 12*6; i++ { // active every 10 minutes for 12 hours
		env.advance(10 * time.Minute)
		env.get(c, "/")
	}
	env.advance(10 * time.Minute)
	resp, _ := env.get(c, "/")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after 12h10m of activity: status %d, want redirect", resp.StatusCode)
	}
}

func TestNotFoundAndSecurityHeaders(t *testing.T) {
	env := newTestEnv(t)
	resp, body := env.get(env.client("practitioner"), "/no/such/page")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Fatalf("status %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over http")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("practitioner")
	resp, _ := env.do(c, "POST", "/sign-out", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST status %d, want 403", resp.StatusCode)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	env := newTestEnv(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, body := env.get(env.anon(), p); resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
	env.get(env.anon(), "/healthz")
	resp, body := env.get(env.anon(), "/metrics")
	if resp.StatusCode != 200 || !strings.Contains(body, `liaise_http_requests_total{method="GET",route="/healthz",status="200"}`) || !strings.Contains(body, "liaise_db_connections_open") {
		t.Fatalf("metrics: %d\n%.2000s", resp.StatusCode, body)
	}
}

// TestInternalErrorsShowNoDetail checks a panic and an unexpected error both
// give the friendly 500 page with a reference, and never the error text.
func TestInternalErrorsShowNoDetail(t *testing.T) {
	env := newTestEnv(t)
	h := env.Server.requestID(env.Server.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("secret detail: NHS 943 476 5919")
	})))
	for _, path := range []string{"/boom", "/api/v1/boom"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusInternalServerError || strings.Contains(body, "secret detail") {
			t.Fatalf("%s: status %d body %s", path, rec.Code, body)
		}
		if !strings.Contains(body, rec.Header().Get("X-Request-Id")) {
			t.Errorf("%s: no request reference in %s", path, body)
		}
	}
	rec := httptest.NewRecorder()
	env.Server.renderError(rec, httptest.NewRequest("GET", "/x", nil), errors.New("database exploded"))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "Sorry, there is a problem with the service") || strings.Contains(rec.Body.String(), "exploded") {
		t.Fatalf("renderError: %d %s", rec.Code, rec.Body.String())
	}
}
