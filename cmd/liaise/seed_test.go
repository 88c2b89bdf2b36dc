package main

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"liaise/internal/sqlstore"
)

func TestSeedCommand(t *testing.T) {
	env := tempDB(t)
	out, errOut, err := runCLI(t, env, "", "seed", "--people", "300", "--seed", "4", "--until", "2026-11-23")
	if err != nil {
		t.Fatalf("seed: %v\n%s\n%s", err, out, errOut)
	}
	// An empty database is migrated and given the demo organisation first.
	ms, err := sqlstore.Migrations(sqlstore.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("applied %d migrations", len(ms)), "demo organisation loaded", "seeded staff",
		"seeded 300 people (ids 201 to 500)", "episodes up to 2026-11-23T00:00:00Z", "people/s", "database size:", "audit chain head:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, table := range []string{"people", "person_name_tokens", "episodes", "episode_transitions", "consents", "audit_events"} {
		if !regexp.MustCompile(`(?m)^\s*` + table + `\s+[1-9][0-9]*\s*$`).MatchString(out) {
			t.Errorf("no row count for %s:\n%s", table, out)
		}
	}
	// Progress goes to stderr, with the rate.
	if !regexp.MustCompile(`seed: 300 people and \d+ rows written to sqlite in .* people/s`).MatchString(errOut) {
		t.Errorf("no progress summary on stderr:\n%s", errOut)
	}
	// The seeded audit events verify, and a second seed continues the ids.
	if out, _, err := runCLI(t, env, "", "audit", "verify"); err != nil || !strings.Contains(out, "audit chain verified") {
		t.Fatalf("audit verify after seeding: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, env, "", "seed", "--people", "50", "--seed", "5", "--until", "2026-11-23T09:00:00Z")
	if err != nil || !strings.Contains(out, "seeded 50 people (ids 501 to 550)") || strings.Contains(out, "demo organisation loaded") {
		t.Fatalf("second seed: %v\n%s", err, out)
	}
	if out, _, err := runCLI(t, env, "", "audit", "verify"); err != nil || !strings.Contains(out, "audit chain verified") {
		t.Fatalf("audit verify after the second seed: %v\n%s", err, out)
	}
}

func TestSeedCommandRefusals(t *testing.T) {
	env := tempDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"seed"}, "--people N"},
		{[]string{"seed", "--people", "10", "--seed", "x"}, "--seed must be a whole number"},
		{[]string{"seed", "--people", "10", "--until", "tomorrow"}, "--until must be"},
		{[]string{"seed", "--people", "10", "extra"}, "takes no arguments"},
		{[]string{"seed", "--people", "10", "--indexes", "often"}, "indexes must be"},
	} {
		if _, _, err := runCLI(t, env, "", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	prod := tempDB(t)
	prod["LIAISE_ENV"] = "production"
	prod["LIAISE_BASE_URL"] = "https://liaise.example.nhs.uk"
	prod["LIAISE_AUDIT_KEY"] = strings.Repeat("k", 40)
	if _, _, err := runCLI(t, prod, "", "seed", "--people", "10"); err == nil || !strings.Contains(err.Error(), "production") {
		t.Errorf("production: err = %v", err)
	}
	_, errOut, err := runCLI(t, nil, "", "seed", "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut, "Usage: liaise seed") || !strings.Contains(errOut, "-people") {
		t.Errorf("help: %v\n%s", err, errOut)
	}
}
