package sqlstore_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// staffFixture is two providers, each with a team, provider A with a second
// team and a partner organisation, and an administrator and a practitioner
// in provider A.
type staffFixture struct {
	db                  *sqlstore.DB
	sys                 context.Context
	provA, provB        int64
	teamA1, teamA2      int64
	teamB               int64
	partnerA            int64
	admin, practitioner int64
	adminCtx, practCtx  context.Context
	adminActor          *liaise.Actor
}

func newStaffFixture(t *testing.T, db *sqlstore.DB) *staffFixture {
	t.Helper()
	ctx := context.Background()
	f := &staffFixture{db: db, sys: liaise.WithActor(ctx, liaise.SystemActor("test"))}
	err := db.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		id := func(q string, args ...any) int64 {
			if err != nil {
				return 0
			}
			var n int64
			n, err = tx.InsertID(ctx, q, args...)
			return n
		}
		f.provA = id(`INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('A Trust', 'RA1', ?, ?)`, tx.Now, tx.Now)
		f.provB = id(`INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('B Trust', 'RB1', ?, ?)`, tx.Now, tx.Now)
		svcA := id(`INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'A L&D', 'ld', ?, ?)`, f.provA, tx.Now, tx.Now)
		svcB := id(`INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'B L&D', 'ld', ?, ?)`, f.provB, tx.Now, tx.Now)
		f.teamA1 = id(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Preston custody', ?, ?)`, f.provA, svcA, tx.Now, tx.Now)
		f.teamA2 = id(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Blackpool court', ?, ?)`, f.provA, svcA, tx.Now, tx.Now)
		f.teamB = id(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Reading custody', ?, ?)`, f.provB, svcB, tx.Now, tx.Now)
		f.partnerA = id(`INSERT INTO partners (provider_id, name, created_at, updated_at) VALUES (?, 'Peer charity', ?, ?)`, f.provA, tx.Now, tx.Now)
		return err
	})
	dbtest.Must(t, err)
	admin := &liaise.User{ProviderID: f.provA, Username: "admin", DisplayName: "Ada Admin", RoleCode: "administrator"}
	dbtest.Must(t, db.CreateUser(f.sys, admin, ""))
	pract := &liaise.User{ProviderID: f.provA, Username: "pat", DisplayName: "Pat Practitioner", RoleCode: "practitioner", Memberships: []liaise.Membership{{TeamID: f.teamA1}}}
	dbtest.Must(t, db.CreateUser(f.sys, pract, ""))
	f.admin, f.practitioner = admin.ID, pract.ID
	f.adminActor = f.actor(t, admin.ID)
	f.adminCtx = liaise.WithActor(ctx, f.adminActor)
	f.practCtx = liaise.WithActor(ctx, f.actor(t, pract.ID))
	return f
}

func (f *staffFixture) actor(t *testing.T, id int64) *liaise.Actor {
	t.Helper()
	a, err := f.db.LoadActor(context.Background(), id)
	dbtest.Must(t, err)
	return a
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if liaise.ErrorCode(err) != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func TestStaffCreateListAndBoundary(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		u := &liaise.User{ProviderID: f.provA, Username: "New.Worker", DisplayName: "New Worker", RoleCode: "str_worker", PartnerID: f.partnerA,
			Memberships: []liaise.Membership{{TeamID: f.teamA1}, {TeamID: f.teamA2}, {TeamID: f.teamA1}}}
		dbtest.Must(t, db.CreateStaff(f.adminCtx, u, "hash"))
		if u.Username != "new.worker" {
			t.Errorf("username not folded: %q", u.Username)
		}

		// A team of another provider is refused.
		bad := &liaise.User{ProviderID: f.provA, Username: "cross", DisplayName: "Cross", RoleCode: "practitioner", Memberships: []liaise.Membership{{TeamID: f.teamB}}}
		err := db.CreateStaff(f.adminCtx, bad, "")
		wantCode(t, err, liaise.EINVALID)
		if liaise.ErrorFields(err)["teams"] == "" {
			t.Errorf("no teams field error: %v", err)
		}
		// An admin cannot add users to another provider.
		wantCode(t, db.CreateStaff(f.adminCtx, &liaise.User{ProviderID: f.provB, Username: "x", DisplayName: "X", RoleCode: "practitioner"}, ""), liaise.EFORBIDDEN)
		// A practitioner cannot add users at all.
		wantCode(t, db.CreateStaff(f.practCtx, &liaise.User{ProviderID: f.provA, Username: "y", DisplayName: "Y", RoleCode: "practitioner"}, ""), liaise.EFORBIDDEN)
		// Duplicate usernames are a field error.
		err = db.CreateStaff(f.adminCtx, &liaise.User{ProviderID: f.provA, Username: "NEW.worker", DisplayName: "Dup", RoleCode: "practitioner"}, "")
		if liaise.ErrorFields(err)["username"] == "" {
			t.Errorf("duplicate username: %v", err)
		}

		other := &liaise.User{ProviderID: f.provB, Username: "bee", DisplayName: "Bee Other", RoleCode: "practitioner", Memberships: []liaise.Membership{{TeamID: f.teamB}}}
		dbtest.Must(t, db.CreateStaff(f.sys, other, ""))

		users, err := db.ListUsers(f.adminCtx, sqlstore.UserFilter{ProviderID: f.provB})
		dbtest.Must(t, err)
		if len(users) != 3 {
			t.Fatalf("admin of A sees %d users, want 3 (their own provider only): %+v", len(users), users)
		}
		for _, x := range users {
			if x.ProviderID != f.provA {
				t.Errorf("admin of A sees %s of provider %d", x.Username, x.ProviderID)
			}
			if x.Username == "new.worker" && (len(x.Memberships) != 2 || x.PartnerID != f.partnerA || x.RoleCode != "str_worker") {
				t.Errorf("new worker listed as %+v", x)
			}
		}
		users, err = db.ListUsers(f.adminCtx, sqlstore.UserFilter{TeamID: f.teamA2})
		dbtest.Must(t, err)
		if len(users) != 1 || users[0].ID != u.ID {
			t.Errorf("team filter: %+v", users)
		}
		users, err = db.ListUsers(f.adminCtx, sqlstore.UserFilter{RoleCode: "practitioner"})
		dbtest.Must(t, err)
		if len(users) != 1 || users[0].ID != f.practitioner {
			t.Errorf("role filter: %+v", users)
		}
		users, err = db.ListUsers(f.sys, sqlstore.UserFilter{})
		dbtest.Must(t, err)
		if len(users) != 4 {
			t.Errorf("System sees %d users, want 4", len(users))
		}

		// Another provider's account answers as if it did not exist, so its
		// id is not confirmed.
		if _, err := db.GetUser(f.adminCtx, other.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND || strings.Contains(liaise.ErrorMessage(err), "provider") {
			t.Errorf("admin of A reads B's user: %v", err)
		}
		bname := "Renamed"
		if _, err := db.UpdateUser(f.adminCtx, other.ID, 1, sqlstore.UserChanges{DisplayName: &bname}); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("admin of A changes B's user: %v", err)
		}
		if err := db.DisableUser(f.adminCtx, other.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("admin of A disables B's user: %v", err)
		}
		if err := db.EnableUser(f.adminCtx, other.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("admin of A enables B's user: %v", err)
		}
		if got, err := db.GetUser(f.sys, other.ID); err != nil || got.Disabled || got.DisplayName != "Bee Other" {
			t.Errorf("B's user after refused changes: %+v %v", got, err)
		}
		// A practitioner is still told they lack the permission.
		if _, err := db.GetUser(f.practCtx, other.ID); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner reads a user: %v", err)
		}
		got, err := db.GetUser(f.adminCtx, u.ID)
		dbtest.Must(t, err)
		if got.DisplayName != "New Worker" || len(got.Memberships) != 2 {
			t.Errorf("GetUser = %+v", got)
		}
		if _, err := db.ListUsers(f.practCtx, sqlstore.UserFilter{}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner lists users: %v", err)
		}

		// The list and the read were audited, the list with its subjects.
		var n int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT count(*) FROM audit_events e JOIN audit_subjects s ON s.seq = e.seq
			WHERE e.action = 'list' AND e.record_type = 'user' AND s.subject_id = ?`, u.ID).Scan(&n))
		if n == 0 {
			t.Error("list not audited with its subjects")
		}
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'create' AND record_type = 'user' AND record_id = ? AND username = 'admin'`, u.ID).Scan(&n))
		if n != 1 {
			t.Errorf("create audited %d times", n)
		}
	})
}

func TestStaffUpdateStaleAndDisable(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		ctx := context.Background()
		u, err := db.GetUser(f.adminCtx, f.practitioner)
		dbtest.Must(t, err)
		name, role, teams := "Pat Senior", "senior_practitioner", []int64{f.teamA2}
		got, err := db.UpdateUser(f.adminCtx, u.ID, u.Version, sqlstore.UserChanges{DisplayName: &name, RoleCode: &role, TeamIDs: &teams})
		dbtest.Must(t, err)
		if got.DisplayName != name || got.RoleCode != role || len(got.Memberships) != 1 || got.Memberships[0].TeamID != f.teamA2 || got.Version != u.Version+1 {
			t.Fatalf("updated = %+v", got)
		}
		// The old version is now stale.
		name2 := "Pat Again"
		_, err = db.UpdateUser(f.adminCtx, u.ID, u.Version, sqlstore.UserChanges{DisplayName: &name2})
		wantCode(t, err, liaise.ESTALE)
		// Teams of another provider are refused.
		bad := []int64{f.teamB}
		_, err = db.UpdateUser(f.adminCtx, u.ID, got.Version, sqlstore.UserChanges{TeamIDs: &bad})
		wantCode(t, err, liaise.EINVALID)
		badRole := "no_such_role"
		_, err = db.UpdateUser(f.adminCtx, u.ID, got.Version, sqlstore.UserChanges{RoleCode: &badRole})
		wantCode(t, err, liaise.EINVALID)

		// Disabling revokes sessions and API tokens and stops LoadActor.
		_, err = db.CreateSession(ctx, u.ID, "sesshash", 3600e9, liaise.AuditEvent{Action: liaise.AuditSignIn})
		dbtest.Must(t, err)
		dbtest.Must(t, db.InsertAPIToken(f.sys, &sqlstore.APIToken{UserID: u.ID, Name: "t", Prefix: "lapi_x"}, "tokhash"))
		dbtest.Must(t, db.DisableUser(f.adminCtx, u.ID))
		if _, err := db.LoadActor(ctx, u.ID); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
			t.Errorf("disabled user still loads: %v", err)
		}
		var live int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT (SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL) + (SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL)`, u.ID, u.ID).Scan(&live))
		if live != 0 {
			t.Errorf("%d sessions or tokens still live after disable", live)
		}
		dbtest.Must(t, db.EnableUser(f.adminCtx, u.ID))
		if _, err := db.LoadActor(ctx, u.ID); err != nil {
			t.Errorf("enabled user: %v", err)
		}
		var n int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE record_type = 'user' AND record_id = ? AND action IN ('update', 'disable')`, u.ID).Scan(&n))
		if n != 3 {
			t.Errorf("%d update/disable events, want 3", n)
		}

		// An administrator cannot disable themselves, nor change their own
		// role in either direction: another administrator does that.
		wantCode(t, db.DisableUser(f.adminCtx, f.admin), liaise.ECONFLICT)
		me, err := db.GetUser(f.adminCtx, f.admin)
		dbtest.Must(t, err)
		for _, code := range []string{"practitioner", "caldicott_guardian", "auditor"} {
			_, err = db.UpdateUser(f.adminCtx, f.admin, me.Version, sqlstore.UserChanges{RoleCode: &code})
			wantCode(t, err, liaise.EFORBIDDEN)
			if liaise.ErrorMessage(err) != "You cannot change the role you hold; ask another administrator." {
				t.Errorf("message %q", liaise.ErrorMessage(err))
			}
		}
		if a := f.actor(t, f.admin); a.RoleCode != "administrator" {
			t.Errorf("refused change still changed the role to %s", a.RoleCode)
		}
		// Their other details they may change.
		myName := "Ada A. Admin"
		me, err = db.UpdateUser(f.adminCtx, f.admin, me.Version, sqlstore.UserChanges{DisplayName: &myName})
		dbtest.Must(t, err)

		// The lock-out guard stays: a staff manager (admin.users only) cannot
		// demote the only account able to manage roles.
		sm := &liaise.Role{Name: "Staff manager", Capabilities: []string{liaise.CapUserManage}}
		dbtest.Must(t, db.CreateRole(f.adminCtx, sm))
		smUser := &liaise.User{ProviderID: f.provA, Username: "sm", DisplayName: "Sam Manager", RoleCode: sm.Code}
		dbtest.Must(t, db.CreateStaff(f.adminCtx, smUser, ""))
		smCtx := liaise.WithActor(ctx, f.actor(t, smUser.ID))
		demote := "practitioner"
		_, err = db.UpdateUser(smCtx, f.admin, me.Version, sqlstore.UserChanges{RoleCode: &demote})
		wantCode(t, err, liaise.ECONFLICT)
		if a := f.actor(t, f.admin); a.RoleCode != "administrator" {
			t.Errorf("refused demotion still changed the role to %s", a.RoleCode)
		}
		// With a second administrator, demotion is allowed, and audited with
		// the old and new roles.
		second := &liaise.User{ProviderID: f.provA, Username: "admin2", DisplayName: "Second Admin", RoleCode: "administrator"}
		dbtest.Must(t, db.CreateStaff(f.adminCtx, second, ""))
		_, err = db.UpdateUser(smCtx, f.admin, me.Version, sqlstore.UserChanges{RoleCode: &demote})
		dbtest.Must(t, err)
		var detail string
		dbtest.Must(t, db.QueryRow(ctx, `SELECT detail FROM audit_events WHERE record_type = 'user' AND record_id = ? AND action = 'update' ORDER BY seq DESC LIMIT 1`, f.admin).Scan(&detail))
		if detail != "changed role; role administrator → practitioner" {
			t.Errorf("detail %q", detail)
		}
		dbtest.Must(t, db.QueryRow(ctx, `SELECT detail FROM audit_events WHERE record_type = 'user' AND record_id = ? AND action = 'create'`, second.ID).Scan(&detail))
		if detail != "role administrator" {
			t.Errorf("create detail %q", detail)
		}
		// The operator may change anyone's role, their own rules aside.
		back := "administrator"
		me, err = db.GetUser(f.sys, f.admin)
		dbtest.Must(t, err)
		_, err = db.UpdateUser(f.sys, f.admin, me.Version, sqlstore.UserChanges{RoleCode: &back})
		dbtest.Must(t, err)
	})
}

// An administrator assigns any built-in or own-provider role to other
// staff, including roles with capabilities they do not hold themselves:
// adding practitioners and Caldicott Guardians is their job.
func TestAdminAssignsRolesToOthers(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		for _, code := range []string{"practitioner", "team_manager", "caldicott_guardian"} {
			u := &liaise.User{ProviderID: f.provA, Username: "u." + code, DisplayName: code, RoleCode: code}
			dbtest.Must(t, db.CreateStaff(f.adminCtx, u, ""))
		}
		p, err := db.GetUser(f.adminCtx, f.practitioner)
		dbtest.Must(t, err)
		tm := "team_manager"
		_, err = db.UpdateUser(f.adminCtx, f.practitioner, p.Version, sqlstore.UserChanges{RoleCode: &tm})
		dbtest.Must(t, err)
		var detail string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT detail FROM audit_events WHERE record_type = 'user' AND record_id = ? AND action = 'update'`, f.practitioner).Scan(&detail))
		if detail != "changed role; role practitioner → team_manager" {
			t.Errorf("detail %q", detail)
		}
	})
}

func TestResolveStaffPlacement(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		p, teams, err := db.ResolveStaffPlacement(context.Background(), "ra1", []string{"preston CUSTODY", "Blackpool court"})
		dbtest.Must(t, err)
		if p != f.provA || len(teams) != 2 || teams[0] != f.teamA1 || teams[1] != f.teamA2 {
			t.Errorf("got %d %v", p, teams)
		}
		if _, _, err := db.ResolveStaffPlacement(context.Background(), "RA1", []string{"Reading custody"}); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("team of another provider: %v", err)
		}
		if _, _, err := db.ResolveStaffPlacement(context.Background(), "ZZZ", nil); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("unknown provider: %v", err)
		}
	})
}

// The actor is read in one statement; team names with commas and colons,
// several teams and the role's capabilities must all come back intact, and
// the session lookup must give the same actor.
func TestActorInOneStatement(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newStaffFixture(t, db)
		ctx := context.Background()
		dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE teams SET name = 'Blackpool: courts, custody' WHERE id = ?`, f.teamA2)
			return err
		}))
		u := &liaise.User{ProviderID: f.provA, Username: "two", DisplayName: "Two Teams", RoleCode: "senior_practitioner",
			Memberships: []liaise.Membership{{TeamID: f.teamA1}, {TeamID: f.teamA2}}}
		dbtest.Must(t, db.CreateUser(f.sys, u, ""))
		a, err := db.LoadActor(ctx, u.ID)
		dbtest.Must(t, err)
		if a.UserID != u.ID || a.Username != "two" || a.DisplayName != "Two Teams" || a.ProviderID != f.provA || a.RoleCode != "senior_practitioner" || a.RoleName == "" {
			t.Fatalf("actor = %+v", a)
		}
		if len(a.TeamIDs) != 2 || a.TeamIDs[0] != f.teamA2 || a.TeamNames[0] != "Blackpool: courts, custody" || a.TeamIDs[1] != f.teamA1 || a.TeamNames[1] != "Preston custody" {
			t.Errorf("teams = %v %q", a.TeamIDs, a.TeamNames)
		}
		if !a.Can(liaise.CapRecordRead) || !slices.IsSorted(a.Capabilities) || len(a.Capabilities) < 5 {
			t.Errorf("capabilities = %v", a.Capabilities)
		}
		_, err = db.CreateSession(ctx, u.ID, "twohash", time.Hour, liaise.AuditEvent{Action: liaise.AuditSignIn})
		dbtest.Must(t, err)
		sess, sa, err := db.LookupSessionActor(ctx, "twohash", time.Hour, db.Now().Time)
		dbtest.Must(t, err)
		if sess.UserID != u.ID || !reflect.DeepEqual(sa, a) {
			t.Errorf("session actor = %+v, want %+v", sa, a)
		}
		// No teams, and a disabled account ends the session's use.
		admin, err := db.LoadActor(ctx, f.admin)
		dbtest.Must(t, err)
		if len(admin.TeamIDs) != 0 || len(admin.TeamNames) != 0 {
			t.Errorf("admin teams = %v", admin.TeamIDs)
		}
		dbtest.Must(t, db.DisableUser(f.adminCtx, u.ID))
		dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = NULL WHERE token_hash = 'twohash'`)
			return err
		}))
		if _, _, err := db.LookupSessionActor(ctx, "twohash", time.Hour, db.Now().Time); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
			t.Errorf("disabled account's session: %v", err)
		}
	})
}
