package config

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, _, err := Load("serve", nil, env(nil), io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "liaise.db" || c.Addr != "127.0.0.1:8080" || c.Env != "development" || c.SessionIdle != 15*time.Minute || c.BaseURL != "http://127.0.0.1:8080" || c.LogFormat != "text" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, _, err := Load("serve", []string{"-addr", "127.0.0.1:9999"}, env(map[string]string{"LIAISE_ADDR": "127.0.0.1:7777"}), io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" {
		t.Fatalf("addr = %s", c.Addr)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad env", map[string]string{"LIAISE_ENV": "staging"}, nil, "LIAISE_ENV must be development or production"},
		{"bad idle", map[string]string{"LIAISE_SESSION_IDLE": "soon"}, nil, "LIAISE_SESSION_IDLE \"soon\" is not a duration"},
		{"idle too short", map[string]string{"LIAISE_SESSION_IDLE": "10s"}, nil, "between 1m and 12h"},
		{"bad addr", map[string]string{"LIAISE_ADDR": "8080"}, nil, "is not host:port"},
		{"bad db scheme", map[string]string{"LIAISE_DATABASE_URL": "mysql://x"}, nil, "only postgres:// URLs"},
		{"prod needs https", map[string]string{"LIAISE_ENV": "production", "LIAISE_AUDIT_KEY": strings.Repeat("k", 32)}, nil, "must be https:// in production"},
		{"prod needs audit key", map[string]string{"LIAISE_ENV": "production", "LIAISE_BASE_URL": "https://liaise.example.nhs.uk"}, nil, "LIAISE_AUDIT_KEY is required in production"},
		{"short audit key", map[string]string{"LIAISE_AUDIT_KEY": "short"}, nil, "at least 32 characters"},
		{"bad log format", map[string]string{"LIAISE_LOG_FORMAT": "xml"}, nil, "LIAISE_LOG_FORMAT must be text or json"},
		{"bad base url", map[string]string{"LIAISE_BASE_URL": "liaise.local"}, nil, "must be an http:// or https:// URL"},
		{"bad proxy", map[string]string{"LIAISE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, nil, "\"proxy.local\" is not an address or CIDR range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Load("serve", tt.args, env(tt.env), io.Discard, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRedactedHidesPassword(t *testing.T) {
	c := Config{DatabaseURL: "postgres://liaise:s3cret@db/liaise"}
	if strings.Contains(c.Redacted(), "s3cret") {
		t.Fatal(c.Redacted())
	}
}

// TestREADMEListsEverySetting keeps the README's configuration table in step.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		if !strings.Contains(string(b), "`"+s.Env+"`") || !strings.Contains(string(b), "`--"+s.Flag+"`") {
			t.Errorf("README does not list %s (--%s)", s.Env, s.Flag)
		}
	}
}
