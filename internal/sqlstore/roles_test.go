package sqlstore_test

import (
	"context"
	"slices"
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
		// Renaming to clash with another role is refused; a built-in role may be renamed otherwise.
		clash := got
		clash.Name = "Practitioner"
		wantCode(t, db.UpdateRole(f.adminCtx, &clash), liaise.EINVALID)

		counts, err := db.RoleUserCounts(f.adminCtx)
		dbtest.Must(t, err)
		if counts[r.ID] != 1 {
			t.Errorf("role user count %d", counts[r.ID])
		}

		// The administrator cannot take admin.roles away from the only role
		// that holds it while they are the only one holding it.
		var adminRole liaise.Role
		for _, x := range roles {
			if x.Code == "administrator" {
				adminRole = x
			}
		}
		adminRole.Capabilities = slices.DeleteFunc(slices.Clone(adminRole.Capabilities), func(c string) bool { return c == liaise.CapRoleManage })
		wantCode(t, db.UpdateRole(f.adminCtx, &adminRole), liaise.ECONFLICT)
		if a := f.actor(t, f.admin); !a.Can(liaise.CapRoleManage) {
			t.Error("refused change still removed admin.roles")
		}
		// System (the command line) is not held to it.
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
