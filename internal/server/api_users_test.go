package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"liaise"
)

func TestUsersAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("administrator")
		team := strconv.FormatInt(env.Team, 10)

		resp, body := env.api("POST", "/api/v1/users", tok, `{"username":"API.User","display_name":"Api User","role":"care_navigator","team_ids":["`+team+`"],"password":"`+tempPassword+`"}`)
		wantStatus(t, resp, body, http.StatusCreated)
		var u liaise.User
		if err := json.Unmarshal([]byte(body), &u); err != nil {
			t.Fatal(err)
		}
		if u.Username != "api.user" || u.RoleCode != "care_navigator" || len(u.Memberships) != 1 || u.Memberships[0].TeamName != "Test custody team" || u.ProviderID != env.Provider {
			t.Errorf("created %+v", u)
		}
		loc := resp.Header.Get("Location")
		if loc != "/api/v1/users/"+strconv.FormatInt(u.ID, 10) {
			t.Errorf("Location %q", loc)
		}
		if !strings.Contains(body, `"id": "`) {
			t.Error("id is not a string in JSON")
		}

		// Field errors, a weak password and another provider's team.
		resp, body = env.api("POST", "/api/v1/users", tok, `{"username":"","display_name":"X","role":"practitioner"}`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantBody(t, body, `"username"`)
		resp, body = env.api("POST", "/api/v1/users", tok, `{"username":"weak","display_name":"X","role":"practitioner","password":"short"}`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantBody(t, body, `"password"`)
		resp, body = env.api("POST", "/api/v1/users", tok, `{"username":"cross","display_name":"X","role":"practitioner","team_ids":["`+strconv.FormatInt(env.OtherTeam, 10)+`"]}`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantBody(t, body, `"team_ids"`)

		resp, body = env.api("GET", loc, tok, "")
		wantStatus(t, resp, body, http.StatusOK)
		if et := resp.Header.Get("ETag"); et != `"1"` {
			t.Errorf("ETag %q", et)
		}

		resp, body = env.api("PATCH", loc, tok, `{"role":"practitioner"}`)
		wantStatus(t, resp, body, http.StatusPreconditionRequired)
		resp, body = env.api("PATCH", loc, tok, `{"role":"practitioner","team_ids":[]}`, "If-Match", `"1"`)
		wantStatus(t, resp, body, http.StatusOK)
		if err := json.Unmarshal([]byte(body), &u); err != nil {
			t.Fatal(err)
		}
		if u.RoleCode != "practitioner" || len(u.Memberships) != 0 || u.Version != 2 || u.DisplayName != "Api User" {
			t.Errorf("patched %+v", u)
		}
		resp, body = env.api("PATCH", loc, tok, `{"display_name":"Stale"}`, "If-Match", `"1"`)
		wantStatus(t, resp, body, http.StatusPreconditionFailed)
		resp, body = env.api("PATCH", loc, tok, `{"disabled":true}`, "If-Match", `"2"`)
		wantStatus(t, resp, body, http.StatusOK)
		wantBody(t, body, `"disabled": true`)
		resp, body = env.api("PATCH", loc, tok, `{"colour":"blue"}`, "If-Match", `"3"`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)

		resp, body = env.api("GET", "/api/v1/users?role=practitioner", tok, "")
		wantStatus(t, resp, body, http.StatusOK)
		var list userList
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 {
			t.Errorf("%d practitioners listed, want 2", len(list.Items))
		}

		// Another provider's user is out of reach; a practitioner has no access.
		sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
		other := &liaise.User{ProviderID: env.OtherProvider, Username: "b.user", DisplayName: "B User", RoleCode: "practitioner"}
		if err := env.DB.CreateStaff(sys, other, ""); err != nil {
			t.Fatal(err)
		}
		resp, body = env.api("GET", "/api/v1/users/"+strconv.FormatInt(other.ID, 10), tok, "")
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = env.api("PATCH", "/api/v1/users/"+strconv.FormatInt(other.ID, 10), tok, `{"display_name":"X"}`, "If-Match", `"1"`)
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = env.api("GET", "/api/v1/users", tok, "")
		if strings.Contains(body, "b.user") {
			t.Error("API list shows another provider's user")
		}
		resp, body = env.api("GET", "/api/v1/users", env.token("practitioner"), "")
		wantStatus(t, resp, body, http.StatusForbidden)
	})
}

func TestRolesAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("administrator")
		resp, body := env.api("POST", "/api/v1/roles", tok, `{"name":"Advanced STR worker","capabilities":["record.read","caseload.team"]}`)
		wantStatus(t, resp, body, http.StatusCreated)
		var r liaise.Role
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if r.Code != "advanced_str_worker" || len(r.Capabilities) != 2 {
			t.Errorf("created %+v", r)
		}
		loc := resp.Header.Get("Location")
		resp, body = env.api("POST", "/api/v1/roles", tok, `{"name":"Bad","capabilities":["fly"]}`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantBody(t, body, `"capabilities"`)

		resp, body = env.api("PATCH", loc, tok, `{"capabilities":["record.read"]}`, "If-Match", `"1"`)
		wantStatus(t, resp, body, http.StatusOK)
		wantBody(t, body, `"version": 2`, `"name": "Advanced STR worker"`)
		resp, body = env.api("PATCH", loc, tok, `{"name":"Practitioner"}`, "If-Match", `"2"`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		resp, body = env.api("PATCH", loc, tok, `{"name":"Other"}`, "If-Match", `"1"`)
		wantStatus(t, resp, body, http.StatusPreconditionFailed)

		resp, body = env.api("GET", "/api/v1/roles", tok, "")
		wantStatus(t, resp, body, http.StatusOK)
		var list roleList
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != len(liaise.BuiltInRoles)+1 {
			t.Errorf("%d roles", len(list.Items))
		}
		resp, _ = env.api("GET", "/api/v1/roles", env.token("team_manager"), "")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("team manager lists roles: %d", resp.StatusCode)
		}

		// Another provider's administrator neither sees nor uses this role;
		// their role of the same name gets a code of its own.
		sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
		ob := &liaise.User{ProviderID: env.OtherProvider, Username: "other.admin", DisplayName: "Other Admin", RoleCode: "administrator"}
		if err := env.DB.CreateUser(sys, ob, ""); err != nil {
			t.Fatal(err)
		}
		env.Users["other-admin"] = ob.ID
		otok := env.token("other-admin")
		resp, body = env.api("GET", loc, otok, "")
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = env.api("PATCH", loc, otok, `{"capabilities":["audit.search"]}`, "If-Match", `"2"`)
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = env.api("POST", "/api/v1/users", otok, `{"username":"o.worker","display_name":"O Worker","role":"advanced_str_worker"}`)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantBody(t, body, `"role"`)
		resp, body = env.api("POST", "/api/v1/roles", otok, `{"name":"Advanced STR worker","capabilities":["record.read"]}`)
		wantStatus(t, resp, body, http.StatusCreated)
		wantBody(t, body, `"code": "advanced_str_worker_rt2"`, `"built_in": false`)
		resp, body = env.api("GET", "/api/v1/roles", otok, "")
		if strings.Count(body, `"code": "advanced_str_worker`) != 1 {
			t.Errorf("other provider's list: %s", body)
		}
		// Built-in roles are the system operator's to change.
		var practID int64
		if err := env.DB.QueryRow(context.Background(), `SELECT id FROM roles WHERE code = 'practitioner'`).Scan(&practID); err != nil {
			t.Fatal(err)
		}
		resp, body = env.api("PATCH", "/api/v1/roles/"+strconv.FormatInt(practID, 10), tok, `{"capabilities":["record.read"]}`, "If-Match", `"1"`)
		wantStatus(t, resp, body, http.StatusForbidden)
	})
}
