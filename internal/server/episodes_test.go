package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liaise/internal/sqlstore"
)

// addSite gives the test team a 24/7 custody suite.
func (env *testEnv) addSite() int64 {
	env.t.Helper()
	var id int64
	ctx := context.Background()
	err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Test custody suite', 'custody_suite', 'M03', '24/7', ?, ?)`, env.Provider, env.Team, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		env.t.Fatal(err)
	}
	return id
}

func TestEpisodeQuickIdentifyAndTransitionPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		site := env.addSite()
		c := env.client("practitioner")
		resp, body := env.get(c, "/episodes/new")
		if resp.StatusCode != 200 || !strings.Contains(body, "Test custody suite") || !strings.Contains(body, `name="alerted_at-time" type="text" value="09:30"`) {
			t.Fatalf("form: %d\n%.3000s", resp.StatusCode, body)
		}
		f := url.Values{"given_name": {"Sam"}, "family_name": {"Jones"}, "custody_record": {"06/77/26"}, "site_id": {itoa(int(site))},
			"alerted_at-day": {"23"}, "alerted_at-month": {"11"}, "alerted_at-year": {"2026"}, "alerted_at-time": {"08:15"}, "referrer_role": {"custody_sergeant"}}
		bad := url.Values{"site_id": {itoa(int(site))}}
		resp, body = env.postForm(c, "/episodes/new", bad)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#given_name"`) || !strings.Contains(body, `href="#alerted_at"`) {
			t.Fatalf("invalid: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, "/episodes/new", f)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/episodes/") {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		page := resp.Header.Get("Location")
		resp, body = env.get(c, page)
		if resp.StatusCode != 200 || !strings.Contains(body, "Sam Jones") || !strings.Contains(body, "Episode started") || !strings.Contains(body, "Record the referral as received") {
			t.Fatalf("episode page: %d\n%.4000s", resp.StatusCode, body)
		}
		step := func(to string, version int, extra ...string) (*http.Response, string) {
			v := url.Values{"to": {to}, "version": {itoa(version)}, "occurred_at-day": {"23"}, "occurred_at-month": {"11"}, "occurred_at-year": {"2026"}, "occurred_at-time": {"09:00"}}
			for i := 0; i+1 < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			return env.postForm(c, page+"/transitions", v)
		}
		// Not allowed from identified: the message is shown at the choice.
		resp, body = step("screened", 1)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#to"`) {
			t.Fatalf("refused step: %d\n%.3000s", resp.StatusCode, body)
		}
		for i, to := range []string{"received", "accepted", "screening_pending", "screened"} {
			resp, body = step(to, i+1)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("step %s: %d\n%.3000s", to, resp.StatusCode, body)
			}
		}
		// A stale version is refused with a clear message.
		resp, body = step("assessment_pending", 1)
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") {
			t.Fatalf("stale: %d\n%.2000s", resp.StatusCode, body)
		}
		_, body = env.get(c, page)
		if !strings.Contains(body, "Screened") || !strings.Contains(body, "Identified to screened") || !strings.Contains(body, "Waiting for screening to screened") {
			t.Errorf("page after screening:\n%.5000s", body)
		}
		// The caseload lists it once allocated; listing is audited.
		n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'list' AND record_type = 'episode'`)
		resp, body = env.get(c, "/caseload?team_id="+itoa(int(env.Team)))
		if resp.StatusCode != 200 || !strings.Contains(body, "Sam Jones") || !strings.Contains(body, "Quick identify") {
			t.Fatalf("team caseload: %d\n%.3000s", resp.StatusCode, body)
		}
		if env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'list' AND record_type = 'episode'`) != n+1 {
			t.Errorf("caseload not audited")
		}
	})
}

func TestEpisodeAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		site := env.addSite()
		tok := env.token("practitioner")
		resp, body := env.api("POST", "/api/v1/episodes", tok, `{"given_name":"Alex","family_name":"Smith","site_id":"`+itoa(int(site))+`","alerted_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), "/api/v1/episodes/") || resp.Header.Get("ETag") == "" {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		loc := resp.Header.Get("Location")
		var e episodeJSON
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.State != "identified" || e.PersonName != "Alex Smith" || len(e.Transitions) != 1 {
			t.Fatalf("created %+v %v", e, err)
		}
		resp, _ = env.api("POST", loc+"/transitions", tok, `{"to":"received","occurred_at":"2026-11-23T09:10:00Z"}`)
		if resp.StatusCode != http.StatusPreconditionRequired {
			t.Errorf("no If-Match: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", loc+"/transitions", tok, `{"to":"screened","occurred_at":"2026-11-23T09:10:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"to"`) {
			t.Errorf("refused: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/transitions", tok, `{"to":"received","occurred_at":"2026-11-23T09:10:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"state": "received"`) {
			t.Fatalf("transition: %d %s", resp.StatusCode, body)
		}
		resp, _ = env.api("POST", loc+"/transitions", tok, `{"to":"accepted","occurred_at":"2026-11-23T09:11:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("stale: %d", resp.StatusCode)
		}
		resp, body = env.api("PATCH", loc, tok, `{"allocated_user_id":"`+itoa(int(env.Users["practitioner"]))+`","urgency":"urgent"}`, "If-Match", `"2"`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"urgency": "urgent"`) {
			t.Fatalf("patch: %d %s", resp.StatusCode, body)
		}
		// A PATCH without If-Match, or with the version before the last
		// change, is refused and changes nothing.
		if resp, _ := env.api("PATCH", loc, tok, `{"urgency":"routine"}`); resp.StatusCode != http.StatusPreconditionRequired {
			t.Errorf("patch without If-Match: %d", resp.StatusCode)
		}
		if resp, body := env.api("PATCH", loc, tok, `{"urgency":"routine"}`, "If-Match", `"2"`); resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") {
			t.Errorf("stale patch: %d %s", resp.StatusCode, body)
		}
		if _, body := env.api("GET", loc, tok, ""); !strings.Contains(body, `"urgency": "urgent"`) {
			t.Errorf("a refused patch changed the episode: %s", body)
		}
		resp, body = env.api("GET", "/api/v1/episodes?assigned=me", tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, "Alex Smith") {
			t.Errorf("my caseload: %d %s", resp.StatusCode, body)
		}
		resp, _ = env.api("GET", "/api/v1/episodes?cursor=bad", tok, "")
		if resp.StatusCode != 422 {
			t.Errorf("bad cursor: %d", resp.StatusCode)
		}
	})
}
