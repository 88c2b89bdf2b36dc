package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/sqlstore"
)

// outcomeCourt adds a court team with a magistrates' court site and a
// practitioner in it; it returns the team, site and user ids.
func (env *testEnv) outcomeCourt() (team, site, user int64) {
	env.t.Helper()
	ctx := context.Background()
	err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if team, err = tx.InsertID(ctx, `INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Test court team', ?, ?)`,
			env.Provider, env.Service, tx.Now, tx.Now); err != nil {
			return err
		}
		site, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Test magistrates court', 'magistrates_court', 'N02', '24/7', ?, ?)`, env.Provider, team, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		env.t.Fatal(err)
	}
	sys := liaise.WithActor(ctx, liaise.SystemActor("test"))
	u := &liaise.User{ProviderID: env.Provider, Username: "court-prac", DisplayName: "Court practitioner", RoleCode: "practitioner",
		Memberships: []liaise.Membership{{TeamID: team}}}
	if err := env.DB.CreateUser(sys, u, ""); err != nil {
		env.t.Fatal(err)
	}
	return team, site, u.ID
}

func TestOutcomePagesAndHandover(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		courtTeam, courtSite, courtUser := env.outcomeCourt()
		c := env.client("practitioner")
		ep := env.contactEpisodePath(c)
		_, body := env.get(c, ep)
		if !strings.Contains(body, `href="`+ep+`/outcomes"`) {
			t.Fatalf("episode page does not link outcomes:\n%.3000s", body)
		}
		resp, body := env.get(c, ep+"/outcomes")
		if resp.StatusCode != 200 || !strings.Contains(body, "No justice outcomes recorded yet") || !strings.Contains(body, "Record a court outcome") {
			t.Fatalf("empty list: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, ep+"/outcomes/court")
		if resp.StatusCode != 200 || !strings.Contains(body, `name="rec_diversion_oocd"`) || !strings.Contains(body, `name="requirements"`) ||
			!strings.Contains(body, "Test magistrates court") {
			t.Fatalf("court form: %d\n%.4000s", resp.StatusCode, body)
		}
		when := func(v url.Values) url.Values {
			v.Set("occurred_at-day", "23")
			v.Set("occurred_at-month", "11")
			v.Set("occurred_at-year", "2026")
			v.Set("occurred_at-time", "09:00")
			return v
		}
		// Requirements on a fine are refused, and the typed notes kept.
		resp, body = env.postForm(c, ep+"/outcomes/court", when(url.Values{"outcome": {"fine"}, "requirements": {"mhtr"}, "notes": {"Kept notes"}}))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#requirements"`) || !strings.Contains(body, "Kept notes") {
			t.Fatalf("fine with requirements: %d\n%.4000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, ep+"/outcomes/custody", when(url.Values{"outcome": {"community_caution"}, "rec_diversion_oocd": {"yes"},
			"rec_appropriate_adult": {"no"}}))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ep+"/outcomes" {
			t.Fatalf("custody outcome: %d\n%.3000s", resp.StatusCode, body)
		}
		_, body = env.get(c, ep+"/outcomes")
		if !strings.Contains(body, "Community Caution") || !strings.Contains(body, "Diversion") || !strings.Contains(body, "not followed") {
			t.Fatalf("list:\n%.4000s", body)
		}

		// API: list and create.
		tok := env.token("practitioner")
		apiPath := "/api/v1" + ep + "/outcomes"
		resp, body = env.api("GET", apiPath, tok, "")
		var list struct {
			Items []struct {
				Outcome         string `json:"outcome"`
				Diversion       bool   `json:"diversion"`
				Recommendations []struct{ Type, Followed string }
			} `json:"items"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 1 || !list.Items[0].Diversion ||
			len(list.Items[0].Recommendations) != 2 {
			t.Fatalf("api list: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", apiPath, tok, `{"stage":"court","outcome":"fine","requirements":["drr"],"occurred_at":"2026-11-23T09:05:00Z"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, "requirements") {
			t.Fatalf("api invalid: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", apiPath, tok, `{"stage":"court","outcome":"community_order","requirements":["mhtr","drr"],"occurred_at":"2026-11-23T09:05:00Z",
			"recommendations":[{"type":"cstr_mhtr","followed":"yes"}]}`)
		var created struct {
			Requirements []string `json:"requirements"`
			UserName     string   `json:"user_name"`
		}
		if resp.StatusCode != 201 || resp.Header.Get("Location") != apiPath || json.Unmarshal([]byte(body), &created) != nil ||
			strings.Join(created.Requirements, " ") != "mhtr drr" || created.UserName == "" {
			t.Fatalf("api create: %d %s", resp.StatusCode, body)
		}

		// Charged with a next hearing: handed over to the court team.
		resp, body = env.postForm(c, ep+"/outcomes/custody", when(url.Values{"outcome": {"charge"}, "next_hearing_site_id": {itoa(int(courtSite))},
			"next_hearing_date-day": {"24"}, "next_hearing_date-month": {"11"}, "next_hearing_date-year": {"2026"}, "handover_note": {"Needs an intermediary"}}))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/caseload" {
			t.Fatalf("handover: %d\n%.3000s", resp.StatusCode, body)
		}
		_, body = env.get(c, "/caseload")
		if !strings.Contains(body, "Handed over to Test court team for the hearing on 24 November 2026") {
			t.Errorf("no handover banner:\n%.3000s", body)
		}
		// The custody team is sent to break-glass; the court team sees it.
		if resp, _ = env.get(c, ep+"/outcomes"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/people/") {
			t.Errorf("old team: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		cc := env.clientFor(courtUser)
		resp, body = env.get(cc, ep+"/outcomes")
		if resp.StatusCode != 200 || !strings.Contains(body, "Needs an intermediary") || !strings.Contains(body, "Test magistrates court on 24 November 2026") {
			t.Fatalf("court team list: %d\n%.4000s", resp.StatusCode, body)
		}
		a, err := env.DB.LoadActor(context.Background(), courtUser)
		if err != nil {
			t.Fatal(err)
		}
		page, err := env.DB.ListEpisodes(liaise.WithActor(context.Background(), a), sqlstore.EpisodeQuery{TeamID: courtTeam})
		if err != nil || len(page.Items) != 1 || episodeHref(page.Items[0].ID) != ep {
			t.Fatalf("court caseload: %v %+v", err, page.Items)
		}
	})
}
