package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/sqlstore"
)

const tempPassword = "river otter lantern quiet"

func wantStatus(t *testing.T, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d\n%.2000s", resp.StatusCode, want, body)
	}
}

func wantBody(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// addTeam adds a team to the test provider's service.
func (env *testEnv) addTeam(name string) int64 {
	env.t.Helper()
	var id int64
	err := env.DB.Update(context.Background(), func(tx *sqlstore.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), `INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, env.Provider, env.Service, name, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		env.t.Fatal(err)
	}
	return id
}

func (env *testEnv) userID(username string) int64 {
	env.t.Helper()
	id, err := env.DB.UserIDByUsername(context.Background(), username)
	if err != nil {
		env.t.Fatal(err)
	}
	return id
}

func TestAdminAddsUserWithForm(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client("administrator")
	resp, body := env.get(admin, "/admin/users/new")
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "Add a user", "Test custody team", "Practitioner", `name="confirm_password"`)

	// Every problem at once, in form order, with what was typed kept.
	resp, body = env.postForm(admin, "/admin/users/new", url.Values{
		"display_name": {""}, "username": {"Jo Bloggs!"}, "email": {"jo-at-nhs"}, "role": {"practitioner"},
		"teams": {strconv.FormatInt(env.Team, 10)}, "password": {"short"}, "confirm_password": {"different"},
	})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantBody(t, body, "There is a problem", `href="#display_name"`, "Enter the person&#39;s name", `href="#username"`, `href="#email"`,
		"Password must be 12 characters or more", "The passwords do not match", `value="Jo Bloggs!"`, `value="jo-at-nhs"`, "Error: Add a user")
	if strings.Index(body, `href="#display_name"`) > strings.Index(body, `href="#password"`) {
		t.Error("error summary is not in form order")
	}
	if strings.Contains(body, `value="short"`) {
		t.Error("the rejected password was sent back in the page")
	}
	if !strings.Contains(body, `value="practitioner" selected`) || !strings.Contains(body, `value="`+strconv.FormatInt(env.Team, 10)+`" checked`) {
		t.Error("role or team choice not kept")
	}

	form := url.Values{
		"display_name": {"Jo Bloggs"}, "username": {"Jo.Bloggs"}, "email": {"jo@nhs.net"}, "role": {"practitioner"},
		"teams": {strconv.FormatInt(env.Team, 10)}, "password": {tempPassword}, "confirm_password": {tempPassword},
	}
	resp, body = env.postForm(admin, "/admin/users/new", form)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/users" {
		t.Errorf("redirect to %q", loc)
	}
	resp, body = env.get(admin, "/admin/users")
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "User Jo Bloggs (jo.bloggs) added. Give them their temporary password securely; they should change it at first sign-in.", "jo.bloggs", "Test custody team")

	// The same username again is refused at the field.
	resp, body = env.postForm(admin, "/admin/users/new", form)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantBody(t, body, "That username is already taken")

	// The temporary password works with the server's hasher.
	creds, err := env.DB.Credentials(context.Background(), "jo.bloggs")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := env.Server.Hasher.Verify(tempPassword, creds.PasswordHash); !ok || err != nil {
		t.Errorf("temporary password does not verify: %v", err)
	}
}

func TestAdminEditsRoleAndTeamsAndStaleEditIsRefused(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client("administrator")
	night := env.addTeam("Night custody team")
	id := env.Users["practitioner"]
	path := "/admin/users/" + strconv.FormatInt(id, 10)

	resp, body := env.get(admin, path)
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "Test Practitioner", `name="version" value="1"`, "Night custody team", "Disable account", "Set a temporary password")

	edit := url.Values{
		"version": {"1"}, "display_name": {"Test Senior"}, "email": {"senior@nhs.net"}, "role": {"senior_practitioner"},
		"teams": {strconv.FormatInt(env.Team, 10), strconv.FormatInt(night, 10)},
	}
	resp, body = env.postForm(admin, path, edit)
	wantStatus(t, resp, body, http.StatusSeeOther)
	a, err := env.DB.LoadActor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if a.RoleCode != "senior_practitioner" || len(a.TeamIDs) != 2 || a.DisplayName != "Test Senior" {
		t.Errorf("after edit: role %s teams %v name %s", a.RoleCode, a.TeamNames, a.DisplayName)
	}
	resp, body = env.get(admin, path)
	wantBody(t, body, "Changes to Test Senior saved.", "Senior practitioner", `name="version" value="2"`)

	// The same form again carries version 1: refused, nothing overwritten,
	// what was typed kept.
	edit.Set("display_name", "Overwritten Name")
	edit.Set("role", "practitioner")
	resp, body = env.postForm(admin, path, edit)
	wantStatus(t, resp, body, http.StatusPreconditionFailed)
	wantBody(t, body, "Someone else changed this record while you were editing it", `value="Overwritten Name"`)
	if a, _ := env.DB.LoadActor(context.Background(), id); a.DisplayName != "Test Senior" || a.RoleCode != "senior_practitioner" {
		t.Errorf("stale edit overwrote: %s %s", a.DisplayName, a.RoleCode)
	}

	// A team of another provider is refused.
	edit.Set("version", "2")
	edit["teams"] = []string{strconv.FormatInt(env.OtherTeam, 10)}
	resp, body = env.postForm(admin, path, edit)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantBody(t, body, "Choose teams of this provider only")

	// Validation errors show in the summary with the typed values.
	resp, body = env.postForm(admin, path, url.Values{"version": {"2"}, "display_name": {""}, "email": {"nope"}, "role": {"senior_practitioner"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantBody(t, body, "There is a problem", `href="#display_name"`, `value="nope"`)
}

func TestAdminDisablesUserAndTheirSessionStops(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client("administrator")
	pract := env.client("practitioner")
	if resp, _ := env.get(pract, "/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("practitioner before: %d", resp.StatusCode)
	}
	tok := env.token("practitioner")
	id := env.Users["practitioner"]
	path := "/admin/users/" + strconv.FormatInt(id, 10)
	resp, body := env.postForm(admin, path+"/disable", nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = env.get(admin, path)
	wantBody(t, body, "Account disabled.", "Disabled", "Enable account")

	resp, _ = env.get(pract, "/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Errorf("disabled user's session: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := env.api("GET", "/api/v1/me", tok, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user's API token: status %d", resp.StatusCode)
	}
	_, body = env.get(admin, "/admin/users")
	wantBody(t, body, "nhsuk-tag--grey\">Disabled")

	// Enabling lets them sign in again (with a new session).
	resp, body = env.postForm(admin, path+"/enable", nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp, _ := env.get(env.client("practitioner"), "/"); resp.StatusCode != http.StatusOK {
		t.Errorf("re-enabled user: %d", resp.StatusCode)
	}

	// An administrator cannot disable themselves.
	self := "/admin/users/" + strconv.FormatInt(env.Users["administrator"], 10)
	_, body = env.get(admin, self)
	if strings.Contains(body, self+"/disable") {
		t.Error("own account page offers to disable it")
	}
	resp, body = env.postForm(admin, self+"/disable", nil)
	wantStatus(t, resp, body, http.StatusConflict)
	wantBody(t, body, "You cannot disable your own account")
}

func TestAdminResetsPassword(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client("administrator")
	pract := env.client("practitioner")
	id := env.Users["practitioner"]
	path := "/admin/users/" + strconv.FormatInt(id, 10) + "/password"
	resp, body := env.postForm(admin, path, url.Values{"new_password": {"short"}, "confirm_new_password": {"short"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantBody(t, body, `href="#new_password"`, "12 characters")
	resp, body = env.postForm(admin, path, url.Values{"new_password": {tempPassword}, "confirm_new_password": {tempPassword}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp, _ := env.get(pract, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session survived a password reset: %d", resp.StatusCode)
	}
	creds, _ := env.DB.Credentials(context.Background(), "t-practitioner")
	if ok, _, _ := env.Server.Hasher.Verify(tempPassword, creds.PasswordHash); !ok {
		t.Error("new password does not verify")
	}
}

func TestAdvancedSTRWorkerRole(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client("administrator")
	resp, body := env.get(admin, "/admin/roles")
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "Built-in roles are shared across Liaise and changed only by the system operator", "Built in (shared across Liaise; changed by the system operator)", "STR worker", "See the whole team&#39;s caseload")

	resp, body = env.get(admin, "/admin/roles/new")
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, `name="capabilities"`, "Allocate work to staff")

	resp, body = env.postForm(admin, "/admin/roles/new", url.Values{"name": {""}, "capabilities": {liaise.CapRecordRead}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantBody(t, body, "Enter a name for the role", `value="record.read" checked`)

	caps := []string{liaise.CapPersonSearch, liaise.CapRecordRead, liaise.CapRecordWrite, liaise.CapCaseloadTeam, liaise.CapCodesRead, liaise.CapOrgRead}
	resp, body = env.postForm(admin, "/admin/roles/new", url.Values{"name": {"Advanced STR worker"}, "capabilities": caps})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = env.get(admin, "/admin/roles")
	wantBody(t, body, "Role Advanced STR worker added.", "advanced_str_worker")

	resp, body = env.postForm(admin, "/admin/users/new", url.Values{
		"display_name": {"Sam Advanced"}, "username": {"sam"}, "role": {"advanced_str_worker"},
		"teams": {strconv.FormatInt(env.Team, 10)}, "password": {tempPassword}, "confirm_password": {tempPassword},
	})
	wantStatus(t, resp, body, http.StatusSeeOther)
	sam := env.clientFor(env.userID("sam"))
	resp, body = env.get(sam, "/")
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "Advanced STR worker", "See the whole team&#39;s caseload")
	if resp, _ := env.get(env.client("str_worker"), "/"); resp.StatusCode != http.StatusOK {
		t.Fatal("str worker home")
	}
	_, strBody := env.get(env.client("str_worker"), "/")
	if strings.Contains(strBody, "See the whole team&#39;s caseload") {
		t.Error("plain STR worker shown the team caseload capability")
	}

	// The role page shows how many staff hold it; a stale save is refused.
	var roleID int64
	if err := env.DB.QueryRow(context.Background(), `SELECT id FROM roles WHERE code = 'advanced_str_worker'`).Scan(&roleID); err != nil {
		t.Fatal(err)
	}
	rpath := "/admin/roles/" + strconv.FormatInt(roleID, 10)
	_, body = env.get(admin, rpath)
	wantBody(t, body, "1 member of staff in your organisation has this role", `name="version" value="1"`, "Save role", "belongs to your organisation only")
	resp, body = env.postForm(admin, rpath, url.Values{"version": {"1"}, "name": {"Advanced STR worker"}, "capabilities": append(caps, liaise.CapAllocate)})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = env.postForm(admin, rpath, url.Values{"version": {"1"}, "name": {"Advanced STR worker"}, "capabilities": caps})
	wantStatus(t, resp, body, http.StatusPreconditionFailed)
	wantBody(t, body, "Someone else changed this record")
	if a, _ := env.DB.LoadActor(context.Background(), env.userID("sam")); !a.Can(liaise.CapAllocate) {
		t.Error("stale save removed a capability")
	}
}

// Built-in roles are shared across Liaise: an administrator sees them but
// cannot change them, not even to widen their own.
func TestAdminCannotChangeBuiltInRoles(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client("administrator")
	var id int64
	if err := env.DB.QueryRow(context.Background(), `SELECT id FROM roles WHERE code = 'administrator'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := "/admin/roles/" + strconv.FormatInt(id, 10)
	resp, body := env.get(admin, path)
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "Built in (shared across Liaise; changed by the system operator)", "ask the system operator", "Define roles and what they may do")
	if strings.Contains(body, "Save role") || strings.Contains(body, `action="`+path+`"`) {
		t.Error("built-in role offered as a form")
	}
	var caps []string
	for _, c := range liaise.BuiltInRoles {
		if c.Code == "administrator" {
			caps = append(c.Capabilities, liaise.CapAuditSearch, liaise.CapRecordRead)
		}
	}
	resp, body = env.postForm(admin, path, url.Values{"version": {"1"}, "name": {"Administrator"}, "capabilities": caps})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantBody(t, body, "changed only by the system operator")
	if a, _ := env.DB.LoadActor(context.Background(), env.Users["administrator"]); a.Can(liaise.CapAuditSearch) {
		t.Error("administrator widened their own built-in role")
	}
	resp, body = env.api("PATCH", "/api/v1/roles/"+strconv.FormatInt(id, 10), env.token("administrator"), `{"capabilities":["audit.search"]}`, "If-Match", `"1"`)
	wantStatus(t, resp, body, http.StatusForbidden)
}

// An administrator may not change the role they hold, even their own
// organisation's, nor their own role on their account page.
func TestAdminCannotChangeTheirOwnRole(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	admin := env.client("administrator")
	lead := &liaise.Role{Name: "Lead administrator", Capabilities: []string{liaise.CapRoleManage, liaise.CapUserManage, liaise.CapOrgRead}}
	adminCtx := liaise.WithActor(ctx, mustActor(t, env, env.Users["administrator"]))
	if err := env.DB.CreateRole(adminCtx, lead); err != nil {
		t.Fatal(err)
	}
	lu := &liaise.User{ProviderID: env.Provider, Username: "lead", DisplayName: "Lee Lead", RoleCode: lead.Code}
	if err := env.DB.CreateStaff(adminCtx, lu, ""); err != nil {
		t.Fatal(err)
	}
	leadClient := env.clientFor(lu.ID)
	path := "/admin/roles/" + strconv.FormatInt(lead.ID, 10)
	resp, body := env.get(leadClient, path)
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "You cannot change the role you hold; ask another administrator.")
	if strings.Contains(body, "Save role") {
		t.Error("own role offered as a form")
	}
	resp, body = env.postForm(leadClient, path, url.Values{"version": {"1"}, "name": {"Lead administrator"}, "capabilities": {liaise.CapRoleManage, liaise.CapUserManage, liaise.CapAuditSearch}})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantBody(t, body, "You cannot change the role you hold")
	// Another administrator may change it.
	_, body = env.get(admin, path)
	wantBody(t, body, "Save role")

	// On their own account page the only role offered is their own, and a
	// forged change is refused with the reason.
	me := "/admin/users/" + strconv.FormatInt(lu.ID, 10)
	_, body = env.get(leadClient, me)
	if strings.Contains(body, `value="caldicott_guardian"`) || !strings.Contains(body, `value="`+lead.Code+`"`) {
		t.Error("own account page offers other roles")
	}
	resp, body = env.postForm(leadClient, me, url.Values{"version": {"1"}, "display_name": {"Lee Lead"}, "role": {"caldicott_guardian"}})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantBody(t, body, "You cannot change the role you hold; ask another administrator.")
	if a := mustActor(t, env, lu.ID); a.RoleCode != lead.Code {
		t.Errorf("role changed to %s", a.RoleCode)
	}
	// An administrator still adds a Caldicott Guardian for someone else.
	resp, body = env.postForm(admin, "/admin/users/new", url.Values{
		"display_name": {"Cal Guardian"}, "username": {"cal"}, "role": {"caldicott_guardian"},
		"password": {tempPassword}, "confirm_password": {tempPassword},
	})
	wantStatus(t, resp, body, http.StatusSeeOther)
}

func mustActor(t *testing.T, env *testEnv, id int64) *liaise.Actor {
	t.Helper()
	a, err := env.DB.LoadActor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The lock-out guard stays: a staff manager cannot demote the only account
// able to manage roles.
func TestAdminCannotLockOutRoleManagement(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	adminCtx := liaise.WithActor(ctx, mustActor(t, env, env.Users["administrator"]))
	sm := &liaise.Role{Name: "Staff manager", Capabilities: []string{liaise.CapUserManage}}
	if err := env.DB.CreateRole(adminCtx, sm); err != nil {
		t.Fatal(err)
	}
	su := &liaise.User{ProviderID: env.Provider, Username: "sm", DisplayName: "Sam Manager", RoleCode: sm.Code}
	if err := env.DB.CreateStaff(adminCtx, su, ""); err != nil {
		t.Fatal(err)
	}
	path := "/admin/users/" + strconv.FormatInt(env.Users["administrator"], 10)
	resp, body := env.postForm(env.clientFor(su.ID), path, url.Values{"version": {"1"}, "display_name": {"Test Administrator"}, "role": {"practitioner"}, "teams": {strconv.FormatInt(env.Team, 10)}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantBody(t, body, "nobody able to manage roles")
	if a := mustActor(t, env, env.Users["administrator"]); !a.Can(liaise.CapRoleManage) {
		t.Error("refused change was saved")
	}
}

func TestStaffAdminAccessAndProviderBoundary(t *testing.T) {
	env := newTestEnv(t)
	for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/roles"} {
		if resp, _ := env.get(env.client("practitioner"), path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner GET %s: %d, want 403", path, resp.StatusCode)
		}
	}
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	other := &liaise.User{ProviderID: env.OtherProvider, Username: "other.person", DisplayName: "Olive Otherprovider", RoleCode: "practitioner",
		Memberships: []liaise.Membership{{TeamID: env.OtherTeam}}}
	if err := env.DB.CreateStaff(sys, other, ""); err != nil {
		t.Fatal(err)
	}
	admin := env.client("administrator")
	resp, body := env.get(admin, "/admin/users")
	wantStatus(t, resp, body, http.StatusOK)
	wantBody(t, body, "Test Practitioner")
	if strings.Contains(body, "Olive Otherprovider") || strings.Contains(body, "Other team") {
		t.Error("admin of provider A sees provider B's staff or teams")
	}
	// Another provider's account is not found, so its id is not confirmed.
	resp, body = env.get(admin, "/admin/users/"+strconv.FormatInt(other.ID, 10))
	wantStatus(t, resp, body, http.StatusNotFound)
	if strings.Contains(body, "Olive") || strings.Contains(body, "another provider") {
		t.Error("not-found page shows or confirms the other provider's user")
	}
	resp, _ = env.postForm(admin, "/admin/users/"+strconv.FormatInt(other.ID, 10)+"/disable", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("disable other provider's user: %d", resp.StatusCode)
	}
	if a, err := env.DB.LoadActor(context.Background(), other.ID); err != nil || a == nil {
		t.Errorf("other provider's user was disabled: %v", err)
	}

	// Filters.
	_, body = env.get(admin, "/admin/users?role=auditor")
	wantBody(t, body, "Test Auditor", "Clear filters")
	if strings.Contains(body, "Test Practitioner") {
		t.Error("role filter did not filter")
	}
}
