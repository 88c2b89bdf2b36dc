package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"liaise/internal/config"
	"liaise/internal/sqlstore"
)

func TestDemoCommand(t *testing.T) {
	env := tempDB(t)
	if _, _, err := runCLI(t, env, "", "demo"); err == nil || !strings.Contains(err.Error(), "migrate up") {
		t.Fatalf("demo on an unmigrated database: err = %v, want a pointer to 'liaise migrate up'", err)
	}
	if _, _, err := runCLI(t, env, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, env, "", "demo")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"2 providers", "13 users", "Liaise-demo-2026!", "practitioner", "tv-practitioner"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	_, _, err = runCLI(t, env, "", "demo")
	if err == nil || err.Error() != "the database already has an organisation; the demo loads only into an empty database" {
		t.Errorf("second demo: err = %v", err)
	}
}

func TestDemoCommandRefusedInProduction(t *testing.T) {
	env := tempDB(t)
	env["LIAISE_ENV"] = "production"
	_, _, err := runCLI(t, env, "", "demo")
	if err == nil || !strings.Contains(err.Error(), "demo accounts are refused when LIAISE_ENV=production") {
		t.Fatalf("err = %v", err)
	}
	// Even with every production setting right.
	env["LIAISE_BASE_URL"] = "https://liaise.example.nhs.uk"
	env["LIAISE_AUDIT_KEY"] = strings.Repeat("k", 40)
	if _, _, err := runCLI(t, env, "", "demo"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v", err)
	}
}

func TestDemoHelp(t *testing.T) {
	_, errOut, err := runCLI(t, nil, "", "demo", "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut, "Usage: liaise demo") {
		t.Fatalf("err = %v\n%s", err, errOut)
	}
}

func TestLoadDemoIfEmpty(t *testing.T) {
	env := tempDB(t)
	if _, _, err := runCLI(t, env, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, env["LIAISE_DATABASE_URL"], sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := config.Config{Env: "development"}
	var out bytes.Buffer
	if loaded, err := loadDemoIfEmpty(ctx, db, cfg, &out); err != nil || !loaded {
		t.Fatalf("first: loaded=%v err=%v", loaded, err)
	}
	if !strings.Contains(out.String(), "13 users") {
		t.Errorf("output:\n%s", out.String())
	}
	if loaded, err := loadDemoIfEmpty(ctx, db, cfg, &out); err != nil || loaded {
		t.Fatalf("second: loaded=%v err=%v, want false and no error", loaded, err)
	}
	if loaded, err := loadDemoIfEmpty(ctx, db, config.Config{Env: "production"}, &out); err == nil || loaded {
		t.Fatalf("production: loaded=%v err=%v", loaded, err)
	}
}
