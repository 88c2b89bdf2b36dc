package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"liaise/internal/codes"
)

func TestCodeListPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		resp, body := env.get(c, "/codes")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/codes: status %d", resp.StatusCode)
		}
		for _, l := range codes.Lists() {
			if !strings.Contains(body, `href="/codes/`+l.Name+`"`) {
				t.Errorf("/codes lacks a link to %s", l.Name)
			}
		}

		resp, body = env.get(c, "/codes/service-team-type")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/codes/service-team-type: status %d", resp.StatusCode)
		}
		for _, want := range []string{
			"<h1>Service or team type referred to (mental health)</h1>",
			"Criminal Justice Liaison and Diversion Service",
			"<caption", `<th scope="col"`, `<th scope="row"`,
			"30 September 2021", // A03 retired with MHSDS v5
			"nhsuk-tag--grey\">Retired", "nhsuk-tag--green\">Current",
			`href="/codes"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("service-team-type page lacks %q", want)
			}
		}

		_, body = env.get(c, "/codes/referrer-roles")
		if !strings.Contains(body, "MHSDS source of referral") || !strings.Contains(body, "<code>E1</code>") {
			t.Error("referrer-roles page lacks its MHSDS mapping column")
		}

		resp, body = env.get(c, "/codes/no-such-list")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
			t.Errorf("unknown list: status %d", resp.StatusCode)
		}

		resp, _ = env.get(env.anon(), "/codes")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
			t.Errorf("anonymous: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestCodeListAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("analyst")
		resp, body := env.api("GET", "/api/v1/codes", tok, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var lists codeListsResponse
		if err := json.Unmarshal([]byte(body), &lists); err != nil {
			t.Fatal(err)
		}
		if len(lists.Lists) != len(codes.Lists()) || lists.Lists[0].Href != "/api/v1/codes/"+codes.Lists()[0].Name {
			t.Errorf("lists = %+v", lists.Lists)
		}

		get := func(path string) (int, codeListResponse, string) {
			resp, body := env.api("GET", path, tok, "")
			var out codeListResponse
			if resp.StatusCode == http.StatusOK {
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			return resp.StatusCode, out, body
		}
		status, rr, body := get("/api/v1/codes/referrer-roles")
		if status != http.StatusOK || rr.List != "referrer-roles" || rr.Title == "" || rr.Source == "" {
			t.Fatalf("referrer-roles: %d %s", status, body)
		}
		for _, c := range rr.Codes {
			if c.Code == "custody_sergeant" && (c.Extra["mhsds_source"] != "E1" || c.ValidTo != nil || c.ValidFrom == "") {
				t.Errorf("custody_sergeant = %+v", c)
			}
		}
		// Raw JSON: valid_to is null while current, extra always an object.
		if !strings.Contains(body, `"valid_to": null`) || !strings.Contains(body, `"mhsds_source": "E1"`) {
			t.Errorf("referrer-roles JSON shape: %s", body[:min(400, len(body))])
		}
		_, settings, _ := get("/api/v1/codes/settings")
		if len(settings.Codes) == 0 || settings.Codes[0].Extra == nil {
			t.Errorf("settings codes lack an extra object: %+v", settings.Codes)
		}

		_, all, _ := get("/api/v1/codes/service-team-type")
		_, today, _ := get("/api/v1/codes/service-team-type?on=2026-11-23")
		_, before, _ := get("/api/v1/codes/service-team-type?on=2020-06-01")
		has := func(r codeListResponse, code string) bool {
			for _, c := range r.Codes {
				if c.Code == code {
					return true
				}
			}
			return false
		}
		if !has(all, "A03") || has(today, "A03") || !has(before, "A03") || has(before, "F01") || !has(today, "D02") {
			t.Errorf("filter by date: all A03=%v, today A03=%v, 2020 A03=%v F01=%v", has(all, "A03"), has(today, "A03"), has(before, "A03"), has(before, "F01"))
		}
		for _, c := range all.Codes {
			if c.Code == "A03" && (c.ValidTo == nil || *c.ValidTo != "2021-09-30") {
				t.Errorf("A03 valid_to = %v", c.ValidTo)
			}
		}

		resp, body = env.api("GET", "/api/v1/codes/service-team-type?on=yesterday", tok, "")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"on"`) {
			t.Errorf("bad date: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1/codes/no-such-list", tok, "")
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("unknown list: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		resp, _ = env.api("GET", "/api/v1/codes", "", "")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no token: %d", resp.StatusCode)
		}
	})
}

// TestCodeReadsAreNotAudited: code lists are reference data, not personal
// data, so reading them adds no audit events.
func TestCodeReadsAreNotAudited(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("practitioner")
	tok := env.token("practitioner")
	count := func() int {
		var n int
		if err := env.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	env.get(c, "/codes")
	env.get(c, "/codes/ethnic-category")
	env.api("GET", "/api/v1/codes/ethnic-category", tok, "")
	if after := count(); after != before {
		t.Errorf("reading code lists wrote %d audit events", after-before)
	}
}
