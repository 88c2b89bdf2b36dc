package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the program in-process with a clean environment plus vars.
func runCLI(t *testing.T, vars map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func tempDB(t *testing.T) map[string]string {
	return map[string]string{"LIAISE_DATABASE_URL": filepath.Join(t.TempDir(), "liaise.db")}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "--help")
	if err != nil || !strings.Contains(out, "serve") || !strings.Contains(out, "audit") {
		t.Fatalf("help: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, nil, "", "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command err = %v", err)
	}
	if _, _, err := runCLI(t, nil, ""); err == nil {
		t.Fatal("no command accepted")
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		out, errOut, err := runCLI(t, nil, "", c.name, "--help")
		if text := out + errOut; !strings.Contains(text, "Usage") && !strings.Contains(text, "usage") {
			t.Errorf("%s --help printed no usage (err %v):\n%s", c.name, err, text)
		}
	}
}

func TestMigrateStatusAndUp(t *testing.T) {
	env := tempDB(t)
	out, _, err := runCLI(t, env, "", "migrate", "status")
	if err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("status before: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, env, "", "migrate", "up")
	if err != nil || !strings.Contains(out, "applied 0001_foundation") {
		t.Fatalf("up: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, env, "", "migrate", "up")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("second up: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, env, "", "migrate", "status")
	if err != nil || !strings.Contains(out, "0 migrations pending") {
		t.Fatalf("status after: %v\n%s", err, out)
	}
}

func TestServeRefusesUnmigratedDatabase(t *testing.T) {
	env := tempDB(t)
	env["LIAISE_ADDR"] = "127.0.0.1:0"
	_, _, err := runCLI(t, env, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "not yet applied") {
		t.Fatalf("serve on empty db: %v", err)
	}
}

func TestServeRejectsBadConfiguration(t *testing.T) {
	_, _, err := runCLI(t, map[string]string{"LIAISE_ENV": "staging"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "LIAISE_ENV must be development or production") {
		t.Fatalf("err = %v", err)
	}
	_, _, err = runCLI(t, map[string]string{"LIAISE_ENV": "production", "LIAISE_BASE_URL": "https://x.nhs.uk", "LIAISE_AUDIT_KEY": strings.Repeat("k", 40)}, "", "serve", "--demo")
	if err == nil || !strings.Contains(err.Error(), "--demo is refused") {
		t.Fatalf("production demo err = %v", err)
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "liaise ") {
		t.Fatalf("version: %v %q", err, out)
	}
}
