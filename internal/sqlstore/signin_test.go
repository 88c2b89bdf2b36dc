package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestSignInFailures(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		ev := liaise.AuditEvent{Action: liaise.AuditSignInFailed, RecordType: "user", ClientIP: "10.1.1.1"}
		for i := range 3 {
			dbtest.Must(t, db.RecordSignInFailure(ctx, "Alice", "10.1.1.1", t0.Add(time.Duration(i)*time.Minute), ev))
		}
		dbtest.Must(t, db.RecordSignInFailure(ctx, "bob", "10.1.1.1", t0, ev))
		dbtest.Must(t, db.RecordSignInFailure(ctx, "alice", "10.2.2.2", t0.Add(-time.Hour), ev))

		// Usernames fold case: "Alice" and " alice " are one account.
		acct, addr, err := db.SignInFailures(ctx, " alice ", "10.1.1.1", t0.Add(-30*time.Minute), t0.Add(-15*time.Minute))
		dbtest.Must(t, err)
		if len(acct) != 3 || !acct[0].Equal(t0) || !acct[2].Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("account failures %v", acct)
		}
		if addr != 4 {
			t.Fatalf("address failures %d, want 4", addr)
		}

		// The typed username is not stored in clear.
		var n int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM signin_failures WHERE username IN ('alice', 'Alice', 'bob')`).Scan(&n))
		if n != 0 {
			t.Fatalf("%d failures stored with the username in clear", n)
		}
		// Each failure is audited in its transaction.
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed'`).Scan(&n))
		if n != 5 {
			t.Fatalf("%d sign_in_failed events, want 5", n)
		}

		dbtest.Must(t, db.ClearSignInFailures(ctx, "ALICE"))
		acct, _, err = db.SignInFailures(ctx, "alice", "10.1.1.1", t0.Add(-2*time.Hour), t0)
		dbtest.Must(t, err)
		if len(acct) != 0 {
			t.Fatalf("after clear: %v", acct)
		}
		_, addr, _ = db.SignInFailures(ctx, "bob", "10.1.1.1", t0, t0.Add(-time.Hour))
		if addr != 1 {
			t.Fatalf("bob's failure went with alice's: %d", addr)
		}

		gone, err := db.DeleteOldSignInFailures(ctx, t0.Add(time.Minute))
		dbtest.Must(t, err)
		if gone != 1 {
			t.Fatalf("deleted %d old failures, want 1", gone)
		}
	})
}

// saFixture is a provider with an administrator, and a second provider.
type saFixture struct {
	admin         *liaise.Actor
	ctx, otherCtx context.Context
}

func newSAFixture(t *testing.T, db *sqlstore.DB) saFixture {
	t.Helper()
	ctx := context.Background()
	var p1, p2 int64
	dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if p1, err = tx.InsertID(ctx, `INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('One Trust', 'RO1', ?, ?)`, tx.Now, tx.Now); err != nil {
			return err
		}
		p2, err = tx.InsertID(ctx, `INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('Two Trust', 'RO2', ?, ?)`, tx.Now, tx.Now)
		return err
	}))
	sys := liaise.WithActor(ctx, liaise.SystemActor("test"))
	actor := func(provider int64, name string) *liaise.Actor {
		u := &liaise.User{ProviderID: provider, Username: name, DisplayName: name, RoleCode: "administrator"}
		dbtest.Must(t, db.CreateUser(sys, u, ""))
		a, err := db.LoadActor(ctx, u.ID)
		dbtest.Must(t, err)
		return a
	}
	f := saFixture{admin: actor(p1, "admin1")}
	f.ctx = liaise.WithActor(ctx, f.admin)
	f.otherCtx = liaise.WithActor(ctx, actor(p2, "admin2"))
	return f
}

func TestServiceAccounts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newSAFixture(t, db)
		ctx := f.ctx

		// Scopes must lie within the role.
		u := &liaise.User{DisplayName: "Prison release feed", RoleCode: "auditor"}
		tok := &sqlstore.APIToken{Name: "feed server", Prefix: "lsvc_abc", Scopes: []string{liaise.CapRecordRead}}
		err := db.CreateServiceAccount(ctx, u, tok, "hash-1")
		if liaise.ErrorFields(err)["scopes"] == "" {
			t.Fatalf("scope outside role: %v", err)
		}
		// Missing fields are named after the form's fields.
		err = db.CreateServiceAccount(ctx, &liaise.User{}, &sqlstore.APIToken{}, "hash-0")
		for _, k := range []string{"name", "role", "token_name", "scopes"} {
			if liaise.ErrorFields(err)[k] == "" {
				t.Errorf("empty form: no error for %s (%v)", k, err)
			}
		}

		tok.Scopes = []string{liaise.CapCodesRead}
		dbtest.Must(t, db.CreateServiceAccount(ctx, u, tok, "hash-1"))
		if u.ID == 0 || u.Username != "svc-prison-release-feed" || u.ProviderID != f.admin.ProviderID || tok.ID == 0 || tok.UserID != u.ID {
			t.Fatalf("created %+v token %+v", u, tok)
		}
		creds, err := db.Credentials(context.Background(), u.Username)
		dbtest.Must(t, err)
		if !creds.ServiceAccount || creds.PasswordHash != "" {
			t.Fatalf("credentials %+v", creds)
		}
		// The same name again is refused at the name field.
		err = db.CreateServiceAccount(ctx, &liaise.User{DisplayName: "Prison release feed!", RoleCode: "auditor"}, &sqlstore.APIToken{Name: "x", Prefix: "lsvc_x", Scopes: []string{liaise.CapCodesRead}}, "hash-2")
		if liaise.ErrorFields(err)["name"] == "" {
			t.Fatalf("duplicate name: %v", err)
		}

		second := &sqlstore.APIToken{Name: "rotation", Prefix: "lsvc_def", Scopes: []string{liaise.CapCodesRead, liaise.CapOrgRead}}
		dbtest.Must(t, db.IssueServiceAccountToken(ctx, u.ID, second, "hash-3"))

		list, err := db.ListServiceAccounts(ctx)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].ID != u.ID || list[0].RoleCode != "auditor" || len(list[0].Tokens) != 2 || list[0].Tokens[0].ID != second.ID || len(list[0].Tokens[0].Scopes) != 2 {
			t.Fatalf("list %+v", list)
		}

		// Another provider's administrator sees none of it.
		other, err := db.ListServiceAccounts(f.otherCtx)
		dbtest.Must(t, err)
		if len(other) != 0 {
			t.Fatalf("other provider sees %+v", other)
		}
		if err := db.RevokeServiceAccountToken(f.otherCtx, u.ID, tok.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Fatalf("other provider revoke: %v", err)
		}
		if err := db.IssueServiceAccountToken(f.otherCtx, u.ID, &sqlstore.APIToken{Name: "x", Prefix: "x", Scopes: []string{liaise.CapCodesRead}}, "hash-4"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Fatalf("other provider issue: %v", err)
		}
		// A person's account is not a service account.
		if err := db.RevokeServiceAccountToken(ctx, f.admin.UserID, tok.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Fatalf("revoke on a person's account: %v", err)
		}
		// Without the capability: refused.
		pract := *f.admin
		pract.Capabilities = []string{liaise.CapRecordRead}
		if _, err := db.ListServiceAccounts(liaise.WithActor(context.Background(), &pract)); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Fatalf("list without capability: %v", err)
		}

		dbtest.Must(t, db.RevokeServiceAccountToken(ctx, u.ID, tok.ID))
		if _, err := db.LookupAPIToken(context.Background(), "hash-1", time.Now()); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
			t.Fatalf("revoked token still works: %v", err)
		}
		if _, err := db.LookupAPIToken(context.Background(), "hash-3", time.Now()); err != nil {
			t.Fatalf("other token: %v", err)
		}

		var n int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action IN ('create', 'token_create', 'token_revoke', 'list') AND user_id = ?`, f.admin.UserID).Scan(&n))
		if n < 5 {
			t.Fatalf("%d audit events for the administrator's service-account work, want at least 5", n)
		}
	})
}

func TestServiceAccountUsername(t *testing.T) {
	for in, want := range map[string]string{
		"Prison release feed":     "svc-prison-release-feed",
		"  HMP Preston -- NOMIS ": "svc-hmp-preston-nomis",
		"Ünïcode!":                "svc-n-code",
	} {
		if got := sqlstore.ServiceAccountUsername(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
