package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liaise"
)

func orgWantStatus(t *testing.T, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d\n%.3000s", resp.StatusCode, status, body)
	}
}

func orgWantBody(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}

func TestAdminLandingPage(t *testing.T) {
	env := newTestEnv(t)
	resp, body := env.get(env.client("administrator"), "/admin")
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, "<h1>Administration</h1>", "Test Trust", `href="/admin/provider"`, `href="/admin/contracts"`, `href="/admin/services"`,
		`href="/admin/teams"`, `href="/admin/sites"`, `href="/admin/hubs"`, `href="/admin/partners"`, `href="/admin/agencies"`,
		`href="/admin/users"`, `href="/admin/roles"`, `href="/admin/service-accounts"`, `href="/codes"`)

	for _, path := range []string{"/admin", "/admin/sites", "/admin/sites/new", fmt.Sprintf("/admin/teams/%d", env.Team)} {
		resp, _ := env.get(env.client("practitioner"), path)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner GET %s: %d, want 403", path, resp.StatusCode)
		}
	}
	resp, _ = env.postForm(env.client("team_manager"), "/admin/sites/new", url.Values{"name": {"Sneaky"}, "type": {"prison"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("team manager POST: %d, want 403", resp.StatusCode)
	}
}

func TestAdminAddsSiteWithForm(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("administrator")
	resp, body := env.get(c, "/admin/sites")
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, "There are no sites yet.", `href="/admin/sites/new"`)

	resp, body = env.get(c, "/admin/sites/new")
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, `<form method="post" action="/admin/sites/new"`, "Test custody team", "Police custody suite", "M03 – Police station or police custody suite")

	resp, body = env.postForm(c, "/admin/sites/new", url.Values{
		"name": {"Reading custody suite"}, "type": {"custody_suite"}, "team_id": {fmt.Sprint(env.Team)}, "hours": {"Mon-Fri 9:00-17:00; bank holidays closed"},
	})
	orgWantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/sites" {
		t.Fatalf("redirect to %q", loc)
	}
	resp, body = env.get(c, "/admin/sites")
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, "Site added: Reading custody suite", `<caption class="nhsuk-table__caption nhsuk-table__caption--m">Sites</caption>`,
		`<th scope="row" class="nhsuk-table__header">Reading custody suite</th>`, "Police custody suite", "Test custody team",
		"Monday to Friday, 9am to 5pm; bank holidays, closed")

	// The site went in with the defaults filled in, and it can be edited.
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	sites, err := env.DB.ListSites(sys, env.Provider)
	if err != nil || len(sites) != 1 {
		t.Fatalf("sites %+v %v", sites, err)
	}
	if sites[0].ActLocType != "M03" || sites[0].Hours != "mon-fri 09:00-17:00; bank holidays closed" {
		t.Errorf("stored site %+v", sites[0])
	}
	resp, body = env.get(c, fmt.Sprintf("/admin/sites/%d", sites[0].ID))
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, `name="version" value="1"`, `value="Reading custody suite"`, `<option value="M03" selected>`)
}

func TestAdminFormErrorKeepsInput(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("administrator")
	resp, body := env.postForm(c, "/admin/sites/new", url.Values{"name": {"Kendal custody suite"}, "type": {""}, "hours": {"mornings only"}})
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
	orgWantBody(t, body, "<title>Error: Add a site – Liaise</title>", "There is a problem", `<a href="#type">Choose the type of site</a>`,
		`href="#hours"`, `value="Kendal custody suite"`, `value="mornings only"`, "nhsuk-form-group--error")

	// A date that does not exist is refused by the form, beside the domain's complaints.
	resp, body = env.postForm(c, "/admin/contracts/new", url.Values{"commissioner": {"NHS England South East"}, "region": {""},
		"start_date-day": {"31"}, "start_date-month": {"2"}, "start_date-year": {"2025"}, "end_date-day": {"31"}, "end_date-month": {"3"}, "end_date-year": {"2032"},
		"service_ids": {fmt.Sprint(env.Service)}})
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
	orgWantBody(t, body, `<a href="#region">`, `<a href="#start_date">Start date must be a real date`, `name="start_date-day" type="text" inputmode="numeric" value="31"`,
		`value="NHS England South East"`)
	if strings.Index(body, `href="#region"`) > strings.Index(body, `href="#start_date"`) {
		t.Error("error summary is not in the order of the form")
	}

	// A duplicate name is a friendly field error.
	resp, body = env.postForm(c, "/admin/teams/new", url.Values{"name": {"Test custody team"}, "service_id": {fmt.Sprint(env.Service)}})
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
	orgWantBody(t, body, "Your organisation already has a team with this name")
}

func TestAdminAddsContractWithDates(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("administrator")
	resp, body := env.postForm(c, "/admin/contracts/new", url.Values{"commissioner": {"NHS England South East"}, "region": {"Thames Valley"},
		"start_date-day": {"1"}, "start_date-month": {"4"}, "start_date-year": {"2025"}, "end_date-day": {"31"}, "end_date-month": {"3"}, "end_date-year": {"2032"},
		"service_ids": {fmt.Sprint(env.Service)}})
	orgWantStatus(t, resp, body, http.StatusSeeOther)
	_, body = env.get(c, "/admin/contracts")
	orgWantBody(t, body, "Thames Valley", "NHS England South East", "1 April 2025 to 31 March 2032", "Test L&amp;D")
}

func TestAdminStaleEditIsRefusedAndKeepsInput(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("administrator")
	path := fmt.Sprintf("/admin/teams/%d", env.Team)
	resp, body := env.get(c, path)
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, `name="version" value="1"`, `value="Test custody team"`)

	// Someone else saves first…
	resp, body = env.postForm(c, path, url.Values{"version": {"1"}, "name": {"Reading custody team"}, "service_id": {fmt.Sprint(env.Service)}})
	orgWantStatus(t, resp, body, http.StatusSeeOther)
	// …so this edit, also based on version 1, is refused and keeps what was typed.
	resp, body = env.postForm(c, path, url.Values{"version": {"1"}, "name": {"Slough custody team"}, "service_id": {fmt.Sprint(env.Service)}})
	orgWantStatus(t, resp, body, http.StatusPreconditionFailed)
	orgWantBody(t, body, "There is a problem", "Someone else changed this record", `value="Slough custody team"`, `name="version" value="1"`,
		"Open the latest version")
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	team, err := env.DB.GetTeam(sys, env.Team)
	if err != nil || team.Name != "Reading custody team" || team.Version != 2 {
		t.Fatalf("team %+v %v", team, err)
	}

	// Another provider's team does not exist as far as this administrator can tell.
	resp, _ = env.get(c, fmt.Sprintf("/admin/teams/%d", env.OtherTeam))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other provider's team: %d, want 404", resp.StatusCode)
	}
	resp, _ = env.postForm(c, fmt.Sprintf("/admin/teams/%d", env.OtherTeam), url.Values{"version": {"1"}, "name": {"Mine now"}, "service_id": {fmt.Sprint(env.Service)}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("edit other provider's team: %d, want 404", resp.StatusCode)
	}
}

func TestAdminEditsProviderDetails(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("administrator")
	resp, body := env.get(c, "/admin/provider")
	orgWantStatus(t, resp, body, http.StatusOK)
	orgWantBody(t, body, `value="Test Trust"`, `value="RT1"`, `name="version" value="1"`)
	resp, body = env.postForm(c, "/admin/provider", url.Values{"version": {"1"}, "name": {"Test Trust"}, "ods_code": {"R 1"}})
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
	orgWantBody(t, body, `<a href="#ods_code">`)
	resp, body = env.postForm(c, "/admin/provider", url.Values{"version": {"1"}, "name": {"Test Health NHS Trust"}, "ods_code": {"rt1"}})
	orgWantStatus(t, resp, body, http.StatusSeeOther)
	_, body = env.get(c, "/admin/provider")
	orgWantBody(t, body, "Provider details saved", `value="Test Health NHS Trust"`, `name="version" value="2"`)
}

// TestAdminOrgListsRender adds one of everything through the forms and
// checks every list shows it.
func TestAdminOrgListsRender(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("administrator")
	post := func(path string, v url.Values) {
		t.Helper()
		resp, body := env.postForm(c, path, v)
		orgWantStatus(t, resp, body, http.StatusSeeOther)
	}
	post("/admin/services/new", url.Values{"name": {"Test RECONNECT"}, "type": {"reconnect"}})
	post("/admin/sites/new", url.Values{"name": {"HMP Preston"}, "type": {"prison"}, "team_id": {fmt.Sprint(env.Team)}})
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	sites, _ := env.DB.ListSites(sys, env.Provider)
	post("/admin/hubs/new", url.Values{"name": {"Preston hub"}, "site_ids": {fmt.Sprint(sites[0].ID)}})
	post("/admin/partners/new", url.Values{"name": {"Peer Support Charity"}})
	post("/admin/agencies/new", url.Values{"name": {"Lancashire Constabulary"}, "type": {"police"}})
	for path, want := range map[string][]string{
		"/admin/services": {"Test RECONNECT", "RECONNECT (care after custody)", "Test custody team"},
		"/admin/teams":    {"Test custody team", "Test L&amp;D", "HMP Preston"},
		"/admin/sites":    {"HMP Preston", "Prison", "24 hours a day, every day"},
		"/admin/hubs":     {"Preston hub", "HMP Preston"},
		"/admin/partners": {"Peer Support Charity", "None"},
		"/admin/agencies": {"Lancashire Constabulary", "Police force"},
	} {
		resp, body := env.get(c, path)
		orgWantStatus(t, resp, body, http.StatusOK)
		orgWantBody(t, body, want...)
		if strings.Contains(body, "Other team") || strings.Contains(body, "Other L&amp;D") {
			t.Errorf("%s shows another provider's records", path)
		}
	}
}
