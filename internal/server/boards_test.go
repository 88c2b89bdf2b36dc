package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

func TestBoardAndCaseloadFilterPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		e := env.consentEpisode() // Casey Brook, alerted an hour ago
		ctx := context.Background()
		err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE people SET date_of_birth = ?, dob_unknown = ? WHERE id = ?`, liaise.Date{Year: 1990, Month: time.January, Day: 2}, false, e.PersonID)
			if err == nil {
				_, err = tx.Exec(ctx, `UPDATE episodes SET alerted_at = ? WHERE id = ?`, liaise.NewTime(env.clock().Add(-130*time.Minute)), e.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := env.client("practitioner")
		site := itoa(int(e.SiteID))
		resp, body := env.get(c, "/boards")
		if resp.StatusCode != 200 || !strings.Contains(body, `href="/boards/site/`+site+`"`) || !strings.Contains(body, `href="/boards"`) {
			t.Fatalf("boards: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, "/boards/site/"+site)
		if resp.StatusCode != 200 || !strings.Contains(body, "Casey Brook") || !strings.Contains(body, "2 Jan 1990") || !strings.Contains(body, "2h 10m") ||
			!strings.Contains(body, "nhsuk-tag--red") || !strings.Contains(body, "Updated at ") || !strings.Contains(body, "?display=initials") ||
			strings.Contains(body, "http-equiv") {
			t.Fatalf("board: %d\n%.5000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, "/boards/site/"+site+"?display=initials")
		if resp.StatusCode != 200 || !strings.Contains(body, "C. B.") || strings.Contains(body, "Casey") || strings.Contains(body, "Brook") ||
			strings.Contains(body, "1990") || strings.Contains(body, "Date of birth") || !strings.Contains(body, "Show full names") {
			t.Fatalf("initials board: %d\n%.5000s", resp.StatusCode, body)
		}
		if resp, _ := env.get(c, "/boards/ward/"+site); resp.StatusCode != 404 {
			t.Errorf("unknown kind: %d", resp.StatusCode)
		}
		// API: the same sections; another provider's board is not found.
		resp, body = env.api("GET", "/api/v1/boards/site/"+site+"?display=initials", env.token("practitioner"), "")
		var bj boardJSON
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &bj) != nil || len(bj.Waiting) != 1 || bj.Waiting[0].PersonName != "C. B." ||
			bj.Waiting[0].DateOfBirth != "" || !bj.Waiting[0].OverThreshold || bj.ThresholdMinutes != 120 {
			t.Fatalf("api board: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("GET", "/api/v1/boards/site/"+site, env.otherProviderToken(), ""); resp.StatusCode != 404 {
			t.Errorf("other provider's board: %d", resp.StatusCode)
		}
		// The same board by its one id; a malformed id is not found.
		resp, body = env.api("GET", "/api/v1/boards/site-"+site, env.token("practitioner"), "")
		if resp.StatusCode != 200 || !strings.Contains(body, "Casey Brook") {
			t.Errorf("board by one id: %d %s", resp.StatusCode, body)
		}
		for _, bad := range []string{"ward-" + site, "site-x", "site"} {
			if resp, _ := env.api("GET", "/api/v1/boards/"+bad, env.token("practitioner"), ""); resp.StatusCode != 404 {
				t.Errorf("board %q: %d", bad, resp.StatusCode)
			}
		}
		// The team caseload's filters.
		team := itoa(int(env.Team))
		resp, body = env.get(c, "/caseload?team_id="+team)
		if resp.StatusCode != 200 || !strings.Contains(body, `name="age_group"`) || !strings.Contains(body, `name="worker"`) ||
			!strings.Contains(body, `value="unallocated"`) || !strings.Contains(body, "Casey Brook") {
			t.Fatalf("caseload form: %d\n%.5000s", resp.StatusCode, body)
		}
		_, body = env.get(c, "/caseload?team_id="+team+"&age_group=adult&worker=unallocated&site_id="+site+"&sort=name&state=identified")
		if !strings.Contains(body, "Casey Brook") {
			t.Errorf("matching filters:\n%.5000s", body)
		}
		_, body = env.get(c, "/caseload?team_id="+team+"&age_group=child")
		if strings.Contains(body, "Casey Brook") || !strings.Contains(body, "No open episodes") {
			t.Errorf("children only:\n%.5000s", body)
		}
		resp, body = env.get(c, "/caseload?team_id="+team+"&sort=sideways")
		if resp.StatusCode != 200 || !strings.Contains(body, `href="#sort"`) {
			t.Errorf("bad sort: %d\n%.5000s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1/episodes?team_id="+team+"&sort=newest&overdue=true", env.token("practitioner"), "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"items": []`) {
			t.Errorf("api overdue filter: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1/episodes?team_id="+team+"&age_group=adult&sort=name", env.token("practitioner"), "")
		if resp.StatusCode != 200 || !strings.Contains(body, "Casey Brook") {
			t.Errorf("api adult filter: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("GET", "/api/v1/episodes?team_id="+team+"&age_group=teen", env.token("practitioner"), ""); resp.StatusCode != 422 {
			t.Errorf("api bad age group: %d", resp.StatusCode)
		}
	})
}
