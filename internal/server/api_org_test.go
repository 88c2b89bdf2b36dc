package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestOrgAPISiteLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("administrator")
		resp, body := env.api("POST", "/api/v1/sites", tok, fmt.Sprintf(`{"name":"Reading custody suite","type":"custody_suite","team_id":"%d","opening_hours":"daily 07:00-22:00"}`, env.Team))
		orgWantStatus(t, resp, body, http.StatusCreated)
		var site struct {
			ID, TeamID, Hours, ActLocType string
			Version                       int
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(body), &raw); err != nil {
			t.Fatal(err)
		}
		site.ID, _ = raw["id"].(string)
		site.TeamID, _ = raw["team_id"].(string)
		site.Hours, _ = raw["opening_hours"].(string)
		site.ActLocType, _ = raw["activity_location_type"].(string)
		if site.ID == "" || site.TeamID != fmt.Sprint(env.Team) || site.Hours != "mon-sun 07:00-22:00" || site.ActLocType != "M03" || raw["version"] != 1.0 {
			t.Fatalf("created site %s", body)
		}
		if loc := resp.Header.Get("Location"); loc != "/api/v1/sites/"+site.ID {
			t.Errorf("Location %q", loc)
		}
		if et := resp.Header.Get("ETag"); et != `"1"` {
			t.Errorf("ETag %q", et)
		}
		path := "/api/v1/sites/" + site.ID

		resp, body = env.api("GET", path, tok, "")
		orgWantStatus(t, resp, body, http.StatusOK)
		if resp.Header.Get("ETag") != `"1"` {
			t.Errorf("GET ETag %q", resp.Header.Get("ETag"))
		}

		resp, body = env.api("PATCH", path, tok, `{"opening_hours":"mon-fri 09:00-17:00"}`)
		orgWantStatus(t, resp, body, http.StatusPreconditionRequired)
		if !strings.Contains(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("428 content type %q", resp.Header.Get("Content-Type"))
		}
		resp, body = env.api("PATCH", path, tok, `{"opening_hours":"mon-fri 09:00-17:00","team_id":""}`, "If-Match", `"1"`)
		orgWantStatus(t, resp, body, http.StatusOK)
		if resp.Header.Get("ETag") != `"2"` || !strings.Contains(body, `"opening_hours": "mon-fri 09:00-17:00"`) || strings.Contains(body, `"team_id"`) ||
			!strings.Contains(body, `"name": "Reading custody suite"`) {
			t.Errorf("patched: ETag %q %s", resp.Header.Get("ETag"), body)
		}
		resp, body = env.api("PATCH", path, tok, `{"name":"Overwrite"}`, "If-Match", `"1"`)
		orgWantStatus(t, resp, body, http.StatusPreconditionFailed)
		resp, body = env.api("PATCH", path, tok, `{"opening_hours":"whenever"}`, "If-Match", `"2"`)
		orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
		if !strings.Contains(body, `"opening_hours":"Opening hours:`) {
			t.Errorf("no field error: %s", body)
		}
		resp, body = env.api("GET", path, tok, "")
		if !strings.Contains(body, `"name": "Reading custody suite"`) || resp.Header.Get("ETag") != `"2"` {
			t.Errorf("after refused patches: %s", body)
		}

		resp, body = env.api("GET", "/api/v1/sites", tok, "")
		orgWantStatus(t, resp, body, http.StatusOK)
		if !strings.Contains(body, `"items"`) || !strings.Contains(body, "Reading custody suite") {
			t.Errorf("list %s", body)
		}
	})
}

func TestOrgAPIContractsAndHubs(t *testing.T) {
	env := newTestEnv(t)
	tok := env.token("administrator")
	resp, body := env.api("POST", "/api/v1/contracts", tok, fmt.Sprintf(`{"commissioner":"NHS England South East","region":"Thames Valley","start_date":"2025-04-01","end_date":"2032-03-31","service_ids":["%d"]}`, env.Service))
	orgWantStatus(t, resp, body, http.StatusCreated)
	for _, want := range []string{`"start_date": "2025-04-01"`, `"end_date": "2032-03-31"`, fmt.Sprintf(`"service_ids": [
    "%d"
  ]`, env.Service), `"provider_id": "` + fmt.Sprint(env.Provider) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("contract lacks %s: %s", want, body)
		}
	}
	resp, body = env.api("POST", "/api/v1/contracts", tok, `{"commissioner":"C","region":"R","start_date":"2025-02-30","end_date":"2032-03-31","service_ids":[]}`)
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `"start_date"`) {
		t.Errorf("no start_date error: %s", body)
	}
	resp, body = env.api("POST", "/api/v1/contracts", tok, `{"commissioner":"C","region":"R","start_date":"2025-04-01","end_date":"2024-03-31","service_ids":["999999"]}`)
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `"end_date"`) {
		t.Errorf("no end_date error: %s", body)
	}
	resp, body = env.api("POST", "/api/v1/contracts", tok, `{"commisioner":"typo"}`)
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)

	resp, body = env.api("POST", "/api/v1/sites", tok, `{"name":"Reading Magistrates' Court","type":"magistrates_court"}`)
	orgWantStatus(t, resp, body, http.StatusCreated)
	var site struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(body), &site)
	resp, body = env.api("POST", "/api/v1/hubs", tok, `{"name":"Reading hub","site_ids":["`+site.ID+`"]}`)
	orgWantStatus(t, resp, body, http.StatusCreated)
	if !strings.Contains(body, `"site_ids": [
    "`+site.ID+`"
  ]`) {
		t.Errorf("hub %s", body)
	}
}

func TestOrgAPIAccessAndBoundary(t *testing.T) {
	env := newTestEnv(t)
	admin := env.token("administrator")
	prac := env.token("practitioner")

	resp, body := env.api("GET", "/api/v1/provider", prac, "")
	orgWantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, `"name": "Test Trust"`) || resp.Header.Get("ETag") != `"1"` {
		t.Errorf("provider %s", body)
	}
	resp, body = env.api("GET", "/api/v1/teams", prac, "")
	orgWantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "Test custody team") || strings.Contains(body, "Other team") {
		t.Errorf("teams %s", body)
	}
	resp, body = env.api("POST", "/api/v1/teams", prac, fmt.Sprintf(`{"name":"New","service_id":"%d"}`, env.Service))
	orgWantStatus(t, resp, body, http.StatusForbidden)

	resp, body = env.api("GET", fmt.Sprintf("/api/v1/teams/%d", env.OtherTeam), admin, "")
	orgWantStatus(t, resp, body, http.StatusNotFound)
	resp, body = env.api("PATCH", fmt.Sprintf("/api/v1/teams/%d", env.OtherTeam), admin, `{"name":"Mine"}`, "If-Match", `"1"`)
	orgWantStatus(t, resp, body, http.StatusNotFound)
	resp, body = env.api("POST", "/api/v1/teams", admin, `{"name":"Planted","service_id":"999999"}`)
	orgWantStatus(t, resp, body, http.StatusUnprocessableEntity)

	resp, body = env.api("PATCH", "/api/v1/provider", admin, `{"name":"Test Health NHS Trust"}`, "If-Match", `"1"`)
	orgWantStatus(t, resp, body, http.StatusOK)
	if resp.Header.Get("ETag") != `"2"` || !strings.Contains(body, "Test Health NHS Trust") {
		t.Errorf("provider after patch: %s", body)
	}

	resp, body = env.api("POST", "/api/v1/agencies", admin, `{"name":"Thames Valley Police","type":"police"}`)
	orgWantStatus(t, resp, body, http.StatusCreated)
	resp, body = env.api("POST", "/api/v1/partners", admin, `{"name":"Peer Support Charity","ods_code":""}`)
	orgWantStatus(t, resp, body, http.StatusCreated)
	resp, body = env.api("POST", "/api/v1/services", admin, `{"name":"Test RECONNECT","type":"reconnect"}`)
	orgWantStatus(t, resp, body, http.StatusCreated)
}
