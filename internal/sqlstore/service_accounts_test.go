package sqlstore_test

import (
	"context"
	"testing"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// An administrator must not be able to mint a service-account token that
// could read the audit trail, manage accounts or roles, or reach records
// beyond a team: they could use it themselves. The operator may.
func TestServiceAccountScopesOperatorOnly(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		n := 0
		newAccount := func(ctx context.Context, role string, scopes ...string) (*liaise.User, error) {
			n++
			u := &liaise.User{DisplayName: "Feed " + string(rune('a'+n)), RoleCode: role}
			if liaise.ActorFrom(ctx).System {
				u.ProviderID = f.provA
			}
			tok := &sqlstore.APIToken{Name: "feed", Prefix: "lsvc_" + string(rune('a'+n)), Scopes: scopes}
			return u, db.CreateServiceAccount(ctx, u, tok, "hash-"+string(rune('a'+n)))
		}
		for _, tc := range []struct{ role, scope string }{
			{"caldicott_guardian", liaise.CapAuditSearch},
			{"caldicott_guardian", liaise.CapBreakGlass},
			{"caldicott_guardian", liaise.CapDisclosureReview},
			{"administrator", liaise.CapUserManage},
			{"administrator", liaise.CapRoleManage},
			{"administrator", liaise.CapServiceAccounts},
		} {
			_, err := newAccount(f.adminCtx, tc.role, liaise.CapCodesRead, tc.scope)
			if liaise.ErrorFields(err)["scopes"] == "" {
				t.Errorf("administrator mints a %s token with %s: %v", tc.role, tc.scope, err)
			}
		}
		var count int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE service_account`).Scan(&count))
		if count != 0 {
			t.Fatalf("%d service accounts created by refused requests", count)
		}

		// Narrow scopes within a powerful role are allowed.
		u, err := newAccount(f.adminCtx, "caldicott_guardian", liaise.CapCodesRead, liaise.CapRecordRead)
		dbtest.Must(t, err)
		// A further token is held to the same rule.
		err = db.IssueServiceAccountToken(f.adminCtx, u.ID, &sqlstore.APIToken{Name: "more", Prefix: "lsvc_more", Scopes: []string{liaise.CapAuditSearch}}, "hash-more")
		if liaise.ErrorFields(err)["scopes"] == "" {
			t.Errorf("administrator issues an audit.search token: %v", err)
		}
		// The operator may issue such tokens.
		dbtest.Must(t, db.IssueServiceAccountToken(f.sys, u.ID, &sqlstore.APIToken{Name: "audit feed", Prefix: "lsvc_audit", Scopes: []string{liaise.CapAuditSearch}}, "hash-audit"))
		_, err = newAccount(f.sys, "administrator", liaise.CapUserManage)
		dbtest.Must(t, err)
		// Scopes outside the role are refused, even for the operator.
		_, err = newAccount(f.sys, "auditor", liaise.CapRecordRead)
		if liaise.ErrorFields(err)["scopes"] == "" {
			t.Errorf("scope outside the role: %v", err)
		}

		// The audit event names the role.
		var detail string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT detail FROM audit_events WHERE record_type = 'user' AND record_id = ? AND action = 'create'`, u.ID).Scan(&detail))
		if detail != "service account; role caldicott_guardian" {
			t.Errorf("detail %q", detail)
		}
	})
}

// A service account's role is built in or the administrator's provider's own.
func TestServiceAccountRoleOfOwnProvider(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		adminB, _ := providerAdmin(t, f, f.provB, "admin.b")
		feedRole := &liaise.Role{Name: "Feed", Capabilities: []string{liaise.CapRecordWrite, liaise.CapCodesRead}}
		dbtest.Must(t, db.CreateRole(f.adminCtx, feedRole))

		roles, err := db.ServiceAccountRoles(adminB)
		dbtest.Must(t, err)
		for _, r := range roles {
			if r.ID == feedRole.ID {
				t.Error("another provider's role offered for a service account")
			}
		}
		if len(roles) != len(liaise.BuiltInRoles) {
			t.Errorf("%d roles offered to B, want the built-in %d", len(roles), len(liaise.BuiltInRoles))
		}
		err = db.CreateServiceAccount(adminB, &liaise.User{DisplayName: "B feed", RoleCode: feedRole.Code},
			&sqlstore.APIToken{Name: "feed", Prefix: "lsvc_b", Scopes: []string{liaise.CapCodesRead}}, "hash-b")
		if liaise.ErrorFields(err)["role"] == "" {
			t.Errorf("B creates a service account with A's role: %v", err)
		}
		dbtest.Must(t, db.CreateServiceAccount(f.adminCtx, &liaise.User{DisplayName: "A feed", RoleCode: feedRole.Code},
			&sqlstore.APIToken{Name: "feed", Prefix: "lsvc_a", Scopes: []string{liaise.CapRecordWrite}}, "hash-a"))
	})
}
