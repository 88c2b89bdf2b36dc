package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestRoleCode(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Advanced STR worker", "advanced_str_worker"},
		{"  Senior   practitioner ", "senior_practitioner"},
		{"Team manager (nights)", "team_manager_nights"},
		{"SLT - band 7", "slt_band_7"},
		{"!!!", ""},
	} {
		if got := sqlstore.RoleCode(tc.name); got != tc.want {
			t.Errorf("RoleCode(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRolesCreateUpdateAndGuard(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		ctx := context.Background()

		roles, err := db.ListRoles(f.adminCtx)
		dbtest.Must(t, err)
		if len(roles) != len(liaise.BuiltInRoles) {
			t.Fatalf("%d roles, want the %d built in", len(roles), len(liaise.BuiltInRoles))
		}

		r := &liaise.Role{Name: "Advanced STR worker", Capabilities: []string{liaise.CapRecordWrite, liaise.CapPersonSearch, liaise.CapRecordRead, liaise.CapCaseloadTeam, liaise.CapRecordRead}}
		dbtest.Must(t, db.CreateRole(f.adminCtx, r))
		if r.Code != "advanced_str_worker" || r.BuiltIn || r.Version != 1 {
			t.Errorf("created %+v", r)
		}
		want := []string{liaise.CapPersonSearch, liaise.CapRecordRead, liaise.CapRecordWrite, liaise.CapCaseloadTeam}
		if !slices.Equal(r.Capabilities, want) {
			t.Errorf("capabilities %v, want %v (deduplicated, in table order)", r.Capabilities, want)
		}

		// Clashing names, empty names and unknown capabilities are refused.
		for _, bad := range []*liaise.Role{
			{Name: "advanced str-worker"},
			{Name: "STR WORKER"},
			{Name: ""},
			{Name: "Odd", Capabilities: []string{"launch.missiles"}},
		} {
			err := db.CreateRole(f.adminCtx, bad)
			wantCode(t, err, liaise.EINVALID)
		}
		// A practitioner cannot create roles.
		wantCode(t, db.CreateRole(f.practCtx, &liaise.Role{Name: "Mine"}), liaise.EFORBIDDEN)

		// A user with the new role gets its capabilities.
		u := &liaise.User{ProviderID: f.provA, Username: "adv", DisplayName: "Adv Worker", RoleCode: r.Code, Memberships: []liaise.Membership{{TeamID: f.teamA1}}}
		dbtest.Must(t, db.CreateStaff(f.adminCtx, u, ""))
		if a := f.actor(t, u.ID); !a.Can(liaise.CapCaseloadTeam) || a.Can(liaise.CapBreakGlass) {
			t.Errorf("actor capabilities %v", a.Capabilities)
		}

		// Update: add break-glass, rename; a stale version is refused.
		got, err := db.GetRole(f.adminCtx, r.ID)
		dbtest.Must(t, err)
		got.Name = "Advanced STR worker (band 5)"
		got.Capabilities = append(got.Capabilities, liaise.CapBreakGlass)
		dbtest.Must(t, db.UpdateRole(f.adminCtx, &got))
		if got.Version != 2 || got.Code != "advanced_str_worker" {
			t.Errorf("after update: %+v", got)
		}
		if a := f.actor(t, u.ID); !a.Can(liaise.CapBreakGlass) {
			t.Error("capability added to role not held by its user")
		}
		stale := got
		stale.Version = 1
		wantCode(t, db.UpdateRole(f.adminCtx, &stale), liaise.ESTALE)
		// Renaming to clash with another role is refused.
		clash := got
		clash.Name = "Practitioner"
		wantCode(t, db.UpdateRole(f.adminCtx, &clash), liaise.EINVALID)

		counts, err := db.RoleUserCounts(f.adminCtx)
		dbtest.Must(t, err)
		if counts[r.ID] != 1 {
			t.Errorf("role user count %d", counts[r.ID])
		}

		// The administrator cannot change a built-in role (shared across
		// Liaise), least of all their own: neither widen it nor take
		// admin.roles away from it.
		var adminRole liaise.Role
		for _, x := range roles {
			if x.Code == "administrator" {
				adminRole = x
				if !x.BuiltIn {
					t.Error("administrator role not reported as built in")
				}
			}
		}
		widened := adminRole
		widened.Capabilities = append(slices.Clone(adminRole.Capabilities), liaise.CapAuditSearch, liaise.CapRecordRead)
		wantCode(t, db.UpdateRole(f.adminCtx, &widened), liaise.EFORBIDDEN)
		if a := f.actor(t, f.admin); a.Can(liaise.CapAuditSearch) || a.Can(liaise.CapRecordRead) {
			t.Error("refused change still widened the administrator's role")
		}
		adminRole.Capabilities = slices.DeleteFunc(slices.Clone(adminRole.Capabilities), func(c string) bool { return c == liaise.CapRoleManage })
		wantCode(t, db.UpdateRole(f.adminCtx, &adminRole), liaise.EFORBIDDEN)
		if a := f.actor(t, f.admin); !a.Can(liaise.CapRoleManage) {
			t.Error("refused change still removed admin.roles")
		}
		// System (the command line) changes built-in roles, and is not held
		// to the lock-out guard.
		dbtest.Must(t, db.UpdateRole(f.sys, &adminRole))

		var n int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE record_type = 'role' AND action IN ('create', 'update')`).Scan(&n))
		if n != 3 {
			t.Errorf("%d role write events, want 3", n)
		}
		var detail string
		dbtest.Must(t, db.QueryRow(ctx, `SELECT detail FROM audit_events WHERE record_type = 'role' AND action = 'update' AND record_id = ?`, r.ID).Scan(&detail))
		if detail != "advanced_str_worker: renamed +record.break_glass" {
			t.Errorf("detail %q", detail)
		}
	})
}

// providerAdmin adds an administrator to provider (by the operator) and
// returns a context acting as them.
func providerAdmin(t *testing.T, f *staffFixture, provider int64, username string) (context.Context, int64) {
	t.Helper()
	u := &liaise.User{ProviderID: provider, Username: username, DisplayName: username, RoleCode: "administrator"}
	dbtest.Must(t, f.db.CreateUser(f.sys, u, ""))
	return liaise.WithActor(context.Background(), f.actor(t, u.ID)), u.ID
}

func TestRolesBelongToTheirProvider(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		ctx := context.Background()
		adminB, _ := providerAdmin(t, f, f.provB, "admin.b")

		// Each administrator's role belongs to their provider; the same name
		// in another provider is no clash, but the code gets B's ODS code so
		// codes stay unique across Liaise.
		ra := &liaise.Role{Name: "Advanced STR worker", Capabilities: []string{liaise.CapRecordRead}}
		dbtest.Must(t, db.CreateRole(f.adminCtx, ra))
		rb := &liaise.Role{Name: "Advanced STR worker", Capabilities: []string{liaise.CapRecordRead, liaise.CapCaseloadTeam}}
		dbtest.Must(t, db.CreateRole(adminB, rb))
		if ra.Code != "advanced_str_worker" || rb.Code != "advanced_str_worker_rb1" || ra.BuiltIn || rb.BuiltIn {
			t.Fatalf("codes %q %q built in %v %v", ra.Code, rb.Code, ra.BuiltIn, rb.BuiltIn)
		}
		var owner int64
		dbtest.Must(t, db.QueryRow(ctx, `SELECT provider_id FROM roles WHERE id = ?`, rb.ID).Scan(&owner))
		if owner != f.provB {
			t.Errorf("B's role belongs to provider %d", owner)
		}
		// Within a provider a clash is still refused.
		wantCode(t, db.CreateRole(adminB, &liaise.Role{Name: "advanced STR-worker"}), liaise.EINVALID)

		// Each sees the built-in roles and their own, never the other's.
		for _, tc := range []struct {
			ctx        context.Context
			own, other int64
		}{{f.adminCtx, ra.ID, rb.ID}, {adminB, rb.ID, ra.ID}} {
			roles, err := db.ListRoles(tc.ctx)
			dbtest.Must(t, err)
			if len(roles) != len(liaise.BuiltInRoles)+1 || !slices.ContainsFunc(roles, func(r liaise.Role) bool { return r.ID == tc.own }) {
				t.Errorf("listed %d roles: %+v", len(roles), roles)
			}
			if slices.ContainsFunc(roles, func(r liaise.Role) bool { return r.ID == tc.other }) {
				t.Error("another provider's role is listed")
			}
			_, err = db.GetRole(tc.ctx, tc.other)
			wantCode(t, err, liaise.ENOTFOUND)
		}
		all, err := db.ListRoles(f.sys)
		dbtest.Must(t, err)
		if len(all) != len(liaise.BuiltInRoles)+2 {
			t.Errorf("System lists %d roles", len(all))
		}

		// Another provider's role can be neither changed nor assigned: it
		// answers as if it did not exist.
		steal := *ra
		steal.Capabilities = []string{liaise.CapAuditSearch}
		wantCode(t, db.UpdateRole(adminB, &steal), liaise.ENOTFOUND)
		err = db.CreateStaff(adminB, &liaise.User{ProviderID: f.provB, Username: "b.worker", DisplayName: "B Worker", RoleCode: ra.Code}, "")
		if liaise.ErrorFields(err)["role"] == "" {
			t.Errorf("B assigns A's role: %v", err)
		}
		// Not even the operator puts a user in a role of another provider.
		err = db.CreateStaff(f.sys, &liaise.User{ProviderID: f.provB, Username: "b.worker", DisplayName: "B Worker", RoleCode: ra.Code}, "")
		if liaise.ErrorFields(err)["role"] == "" {
			t.Errorf("System assigns A's role to B's user: %v", err)
		}
		bw := &liaise.User{ProviderID: f.provB, Username: "b.worker", DisplayName: "B Worker", RoleCode: rb.Code}
		dbtest.Must(t, db.CreateStaff(adminB, bw, ""))
		aRole := ra.Code
		_, err = db.UpdateUser(adminB, bw.ID, bw.Version, sqlstore.UserChanges{RoleCode: &aRole})
		if liaise.ErrorFields(err)["role"] == "" {
			t.Errorf("B changes a user to A's role: %v", err)
		}

		// An administrator may not change the role they hold, even their
		// own provider's; another administrator may.
		lead := &liaise.Role{Name: "Lead administrator", Capabilities: []string{liaise.CapRoleManage, liaise.CapUserManage}}
		dbtest.Must(t, db.CreateRole(f.adminCtx, lead))
		lu := &liaise.User{ProviderID: f.provA, Username: "lead", DisplayName: "Lee Lead", RoleCode: lead.Code}
		dbtest.Must(t, db.CreateStaff(f.adminCtx, lu, ""))
		leadCtx := liaise.WithActor(ctx, f.actor(t, lu.ID))
		wider := *lead
		wider.Capabilities = []string{liaise.CapRoleManage, liaise.CapUserManage, liaise.CapAuditSearch, liaise.CapRecordRead}
		err = db.UpdateRole(leadCtx, &wider)
		wantCode(t, err, liaise.EFORBIDDEN)
		if liaise.ErrorMessage(err) != "You cannot change the role you hold; ask another administrator." {
			t.Errorf("message %q", liaise.ErrorMessage(err))
		}
		if a := f.actor(t, lu.ID); a.Can(liaise.CapAuditSearch) {
			t.Error("refused change widened the role")
		}
		wider.Capabilities = []string{liaise.CapRoleManage, liaise.CapUserManage, liaise.CapOrgRead}
		dbtest.Must(t, db.UpdateRole(f.adminCtx, &wider))

		// A role the operator adds is shared across Liaise; administrators
		// cannot change it.
		shared := &liaise.Role{Name: "Regional auditor", Capabilities: []string{liaise.CapAuditSearch}}
		dbtest.Must(t, db.CreateRole(f.sys, shared))
		if !shared.BuiltIn {
			t.Error("operator's role is not shared")
		}
		got, err := db.GetRole(adminB, shared.ID)
		dbtest.Must(t, err)
		if !got.BuiltIn {
			t.Error("shared role not reported as built in")
		}
		wantCode(t, db.UpdateRole(adminB, &got), liaise.EFORBIDDEN)
		// The operator's shared role clashes with every provider's names.
		wantCode(t, db.CreateRole(f.sys, &liaise.Role{Name: "Lead administrator"}), liaise.EINVALID)
	})
}

// Migration 0004 gives a role an administrator added earlier to the one
// provider whose staff hold it; built-in roles, and roles held across
// providers or by nobody, stay shared. The statement is run again here on
// a database made to look as it did before.
func TestRoleProviderMigrationBackfill(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		ctx := context.Background()
		ms, err := sqlstore.Migrations(db.Engine)
		dbtest.Must(t, err)
		var backfill string
		for _, stmt := range strings.Split(ms[3].SQL, ";") {
			if i := strings.Index(stmt, "UPDATE roles"); i >= 0 {
				backfill = stmt[i:]
			}
		}
		if ms[3].Name != "role_provider" || backfill == "" {
			t.Fatalf("migration 4 is %q with no backfill", ms[3].Name)
		}

		mk := func(name string) *liaise.Role {
			r := &liaise.Role{Name: name, Capabilities: []string{liaise.CapOrgRead}}
			dbtest.Must(t, db.CreateRole(f.sys, r))
			return r
		}
		onlyA, across, unused := mk("Only A"), mk("Across"), mk("Unused")
		for i, tc := range []struct {
			provider int64
			role     string
		}{{f.provA, onlyA.Code}, {f.provA, onlyA.Code}, {f.provA, across.Code}, {f.provB, across.Code}} {
			u := &liaise.User{ProviderID: tc.provider, Username: "legacy" + strconv.Itoa(i), DisplayName: "Legacy", RoleCode: tc.role}
			dbtest.Must(t, db.CreateStaff(f.sys, u, ""))
		}
		_, err = db.Exec(ctx, backfill)
		dbtest.Must(t, err)
		owner := func(code string) int64 {
			var p sql.NullInt64
			dbtest.Must(t, db.QueryRow(ctx, `SELECT provider_id FROM roles WHERE code = ?`, code).Scan(&p))
			return p.Int64
		}
		if got := owner(onlyA.Code); got != f.provA {
			t.Errorf("role held in A only belongs to %d, want %d", got, f.provA)
		}
		for _, code := range []string{across.Code, unused.Code, "practitioner", "administrator"} {
			if got := owner(code); got != 0 {
				t.Errorf("role %s belongs to %d, want shared", code, got)
			}
		}
	})
}
