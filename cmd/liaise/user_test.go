package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// userTestDB migrates a temporary SQLite database through the CLI and adds
// a provider with two teams directly, so the test does not depend on demo.
func userTestDB(t *testing.T) map[string]string {
	t.Helper()
	vars := tempDB(t)
	if _, _, err := runCLI(t, vars, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, vars["LIAISE_DATABASE_URL"], sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *sqlstore.Tx) error {
		p, err := tx.InsertID(ctx, `INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('Lancashire Trust', 'RW5', ?, ?)`, tx.Now, tx.Now)
		if err != nil {
			return err
		}
		s, err := tx.InsertID(ctx, `INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'L&D', 'ld', ?, ?)`, p, tx.Now, tx.Now)
		if err != nil {
			return err
		}
		for _, name := range []string{"Preston custody", "Blackpool court"} {
			if _, err := tx.InsertID(ctx, `INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, p, s, name, tx.Now, tx.Now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return vars
}

func TestUserAddListDisableReset(t *testing.T) {
	vars := userTestDB(t)
	const pw = "correct horse battery staple\n"

	out, errOut, err := runCLI(t, vars, pw, "user", "add", "--username", "Jo.Bloggs", "--name", "Jo Bloggs", "--role", "practitioner",
		"--provider", "rw5", "--team", "Preston custody", "--team", "blackpool court", "--email", "jo@nhs.net")
	if err != nil {
		t.Fatalf("add: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "added jo.bloggs") || !strings.Contains(errOut, "Password:") {
		t.Errorf("add printed %q, prompt %q", out, errOut)
	}
	if _, _, err := runCLI(t, vars, pw, "user", "add", "--username", "admin", "--name", "Ada Admin", "--role", "administrator", "--provider", "RW5"); err != nil {
		t.Fatal(err)
	}

	// Refusals: weak password, unknown role, unknown team, missing flags, duplicate.
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"short\n", []string{"--username", "a1", "--name", "A", "--role", "practitioner", "--provider", "RW5"}, "12 characters"},
		{pw, []string{"--username", "a2", "--name", "A", "--role", "wizard", "--provider", "RW5"}, "role"},
		{pw, []string{"--username", "a3", "--name", "A", "--role", "practitioner", "--provider", "RW5", "--team", "Nowhere"}, "no team called"},
		{pw, []string{"--username", "a4", "--role", "practitioner"}, "missing --name, --provider"},
		{pw, []string{"--username", "JO.BLOGGS", "--name", "A", "--role", "practitioner", "--provider", "RW5"}, "already taken"},
		{"", []string{"--username", "a5", "--name", "A", "--role", "practitioner", "--provider", "RW5"}, "no password"},
	} {
		_, _, err := runCLI(t, vars, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("add %v: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
	}

	out, _, err = runCLI(t, vars, "", "user", "list", "--provider", "RW5")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"USERNAME", "jo.bloggs", "Jo Bloggs", "Practitioner", "Blackpool court, Preston custody", "active", "Ada Admin", "2 accounts"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}

	// Sign-in state: give Jo a session, then disable them.
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, vars["LIAISE_DATABASE_URL"], sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, err := db.UserIDByUsername(ctx, "jo.bloggs")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateSession(ctx, id, "h1", time.Hour, liaise.AuditEvent{Action: liaise.AuditSignIn}); err != nil {
		t.Fatal(err)
	}
	creds, _ := db.Credentials(ctx, "jo.bloggs")
	oldHash := creds.PasswordHash
	if !strings.HasPrefix(oldHash, "$argon2id$") {
		t.Errorf("stored hash %q is not argon2id", oldHash)
	}

	out, _, err = runCLI(t, vars, "another long passphrase\n", "user", "reset-password", "jo.bloggs")
	if err != nil || !strings.Contains(out, "password reset for jo.bloggs") {
		t.Fatalf("reset: %v %s", err, out)
	}
	creds, _ = db.Credentials(ctx, "jo.bloggs")
	if creds.PasswordHash == oldHash {
		t.Error("reset-password did not change the hash")
	}
	if _, err := db.LookupSession(ctx, "h1", time.Hour, time.Now()); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
		t.Errorf("session survived a password reset: %v", err)
	}

	out, _, err = runCLI(t, vars, "", "user", "disable", "jo.bloggs")
	if err != nil || !strings.Contains(out, "disabled jo.bloggs") {
		t.Fatalf("disable: %v %s", err, out)
	}
	if _, err := db.LoadActor(ctx, id); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
		t.Errorf("disabled account still loads: %v", err)
	}
	out, _, _ = runCLI(t, vars, "", "user", "list")
	if !strings.Contains(out, "disabled") {
		t.Errorf("list does not show disabled:\n%s", out)
	}
	if _, _, err := runCLI(t, vars, "", "user", "disable", "nobody"); err == nil || !strings.Contains(err.Error(), "No account") {
		t.Errorf("disable unknown: %v", err)
	}

	// Every write was audited as the system user.
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE username = 'system' AND record_type = 'user' AND action IN ('create', 'password_reset', 'disable')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%d system audit events, want 4 (two adds, a reset, a disable)", n)
	}
}

func TestUserHelp(t *testing.T) {
	for _, sub := range []string{"add", "list", "disable", "enable", "reset-password"} {
		out, errOut, _ := runCLI(t, nil, "", "user", sub, "--help")
		if !strings.Contains(out+errOut, "Usage: liaise user "+sub) {
			t.Errorf("user %s --help:\n%s%s", sub, out, errOut)
		}
	}
	if _, _, err := runCLI(t, nil, "", "user", "frob"); err == nil {
		t.Error("unknown user command accepted")
	}
}
