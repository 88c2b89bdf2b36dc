package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/sqlstore"
)

// addCLIEvents writes n audit events into the CLI's database.
func addCLIEvents(t *testing.T, env map[string]string, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, env["LIAISE_DATABASE_URL"], sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &liaise.Actor{UserID: 3, Username: "jsmith", RoleCode: "practitioner", ProviderID: 1}
	for i := range n {
		ev := liaise.EventFor(a, liaise.AuditRead, "person", int64(i+1))
		if err := db.Update(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(ctx, ev) }); err != nil {
			t.Fatal(err)
		}
	}
}

func countEvents(t *testing.T, env map[string]string) int {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), env["LIAISE_DATABASE_URL"], sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAuditVerify(t *testing.T) {
	env := tempDB(t)
	if _, _, err := runCLI(t, env, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	addCLIEvents(t, env, 5)
	ctx := context.Background()

	out, _, err := runCLI(t, env, "", "audit", "verify")
	if err != nil {
		t.Fatalf("verify of an intact chain: %v\n%s", err, out)
	}
	// The 5 events, the one recording that the development key was
	// generated, and whatever the migrations audited: all sealed and checked.
	n := countEvents(t, env)
	if n < 6 || !strings.Contains(out, fmt.Sprintf("sealed %d pending events", n)) ||
		!strings.Contains(out, fmt.Sprintf("audit chain verified: %d events, head %d", n, n)) {
		t.Fatalf("verify output (%d events in the database):\n%s", n, out)
	}
	// Run again: the stored key is reused, nothing to seal, still intact.
	out, _, err = runCLI(t, env, "", "audit", "verify")
	if err != nil || strings.Contains(out, "sealed") || !strings.Contains(out, fmt.Sprintf("verified: %d events, head %d", n, n)) {
		t.Fatalf("second verify: %v\n%s", err, out)
	}

	// An edit by hand is reported at the edited event, with exit status 2.
	db, err := sqlstore.Open(ctx, env["LIAISE_DATABASE_URL"], sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seq int64
	if err := db.QueryRow(ctx, `SELECT seq FROM audit_events WHERE chain_no = 3`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE audit_events SET username = 'someone_else' WHERE chain_no = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, _, err = runCLI(t, env, "", "audit", "verify")
	var ex exitError
	if err == nil || !errors.As(err, &ex) || ex != 2 {
		t.Fatalf("verify after an edit: err %v, want exit status 2\n%s", err, out)
	}
	want := "audit chain BROKEN at event chain_no 3 (seq " + strconv.FormatInt(seq, 10) + "): hash does not match (edited)"
	if !strings.Contains(out, want) {
		t.Fatalf("output lacks %q:\n%s", want, out)
	}
}

func TestAuditVerifyWrongKeyFails(t *testing.T) {
	env := tempDB(t)
	if _, _, err := runCLI(t, env, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	addCLIEvents(t, env, 2)
	env["LIAISE_AUDIT_KEY"] = strings.Repeat("a", 40)
	if out, _, err := runCLI(t, env, "", "audit", "verify"); err != nil {
		t.Fatalf("first verify: %v\n%s", err, out)
	}
	env["LIAISE_AUDIT_KEY"] = strings.Repeat("b", 40)
	out, _, err := runCLI(t, env, "", "audit", "verify")
	if err == nil || !strings.Contains(out, "BROKEN") {
		t.Fatalf("verify with another key: %v\n%s", err, out)
	}
}

func TestAuditUsage(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "audit", "--help")
	if err != nil || !strings.Contains(out, "Usage: liaise audit verify") {
		t.Fatalf("audit --help: %v\n%s", err, out)
	}
	if _, errOut, err := runCLI(t, nil, "", "audit"); err == nil || !strings.Contains(errOut, "Usage") {
		t.Fatalf("audit without a command: %v\n%s", err, errOut)
	}
	if _, _, err := runCLI(t, nil, "", "audit", "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown audit command") {
		t.Fatalf("unknown audit command: %v", err)
	}
	_, errOut, _ := runCLI(t, nil, "", "audit", "verify", "--help")
	if !strings.Contains(errOut, "Usage: liaise audit verify") {
		t.Fatalf("audit verify --help:\n%s", errOut)
	}
}
