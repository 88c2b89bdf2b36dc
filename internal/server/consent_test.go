package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// consentEpisode opens an episode for a new person at the test custody suite.
func (env *testEnv) consentEpisode() sqlstore.Episode {
	env.t.Helper()
	site := env.addSite()
	a, err := env.DB.LoadActor(context.Background(), env.Users["practitioner"])
	if err != nil {
		env.t.Fatal(err)
	}
	e, err := env.DB.QuickIdentify(liaise.WithActor(context.Background(), a), sqlstore.QuickIdentifyInput{GivenName: "Casey", FamilyName: "Brook",
		SiteID: site, AlertedAt: liaise.NewTime(env.clock().Add(-time.Hour))})
	if err != nil {
		env.t.Fatal(err)
	}
	return e
}

// otherProviderToken is a bearer token of a practitioner of the other provider.
func (env *testEnv) otherProviderToken() string {
	env.t.Helper()
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	u := &liaise.User{ProviderID: env.OtherProvider, Username: "other-practitioner", DisplayName: "Other practitioner", RoleCode: "practitioner",
		Memberships: []liaise.Membership{{TeamID: env.OtherTeam}}}
	if err := env.DB.CreateUser(sys, u, ""); err != nil {
		env.t.Fatal(err)
	}
	env.Users["other_practitioner"] = u.ID
	return env.token("other_practitioner")
}

func whenFields(v url.Values, id, day, month, clock string) url.Values {
	v.Set(id+"-day", day)
	v.Set(id+"-month", month)
	v.Set(id+"-year", "2026")
	v.Set(id+"-time", clock)
	return v
}

func TestConsentAndDisclosurePages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		e := env.consentEpisode()
		page := "/episodes/" + itoa(int(e.ID)) + "/consent"
		c := env.client("practitioner")
		resp, body := env.get(c, page)
		if resp.StatusCode != 200 || !strings.Contains(body, "Consent and disclosures") || !strings.Contains(body, "No consent is in force") {
			t.Fatalf("page: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, "/episodes/"+itoa(int(e.ID)))
		if !strings.Contains(body, `href="`+page+`"`) {
			t.Errorf("episode page does not link to consent")
		}
		resp, _ = env.get(c, page+"/new")
		if resp.StatusCode != 200 {
			t.Fatalf("consent form: %d", resp.StatusCode)
		}
		resp, body = env.get(c, "/episodes/"+itoa(int(e.ID))+"/disclosures/new")
		if resp.StatusCode != 200 || !strings.Contains(body, "Record a disclosure") {
			t.Fatalf("disclosure form: %d", resp.StatusCode)
		}

		// Without consent or a basis: refused, the reason in the error summary, what was typed kept.
		disc := whenFields(url.Values{"recipient_agency": {"police"}, "recipient_role": {"Custody sergeant"}, "purpose": {"interview_adaptations"},
			"content": {"Needs short questions and breaks."}, "channel": {"verbal"}}, "occurred_at", "23", "11", "09:00")
		resp, body = env.postForm(c, "/episodes/"+itoa(int(e.ID))+"/disclosures/new", disc)
		if resp.StatusCode != 422 || !strings.Contains(body, "There is no active consent to share with the police") || !strings.Contains(body, `href="#legal_basis"`) ||
			!strings.Contains(body, "Needs short questions and breaks.") {
			t.Fatalf("refused disclosure: %d\n%.4000s", resp.StatusCode, body)
		}

		// Consent: invalid, then given.
		resp, body = env.postForm(c, page+"/new", whenFields(url.Values{"scope": {"share_police"}}, "occurred_at", "23", "11", "08:50"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#decision"`) {
			t.Fatalf("invalid consent: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, page+"/new", whenFields(url.Values{"scope": {"share_police"}, "decision": {"given"}, "form": {"verbal"}},
			"occurred_at", "23", "11", "08:50"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
			t.Fatalf("consent: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, "/episodes/"+itoa(int(e.ID))+"/disclosures/new", disc)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disclosure with consent: %d\n%.3000s", resp.StatusCode, body)
		}
		_, body = env.get(c, page)
		if !strings.Contains(body, "Consent: share information with the police") || !strings.Contains(body, "Disclosure to police recorded") {
			t.Errorf("page after disclosure:\n%.6000s", body)
		}

		// Urgent serious-harm disclosure alone at 02:00 on Saturday: reviewed Monday.
		urgent := whenFields(url.Values{"recipient_agency": {"health"}, "recipient_role": {"Crisis team"}, "purpose": {"risk"},
			"content": {"Said they would harm themselves on release."}, "channel": {"phone"}, "legal_basis": {"serious_harm"}, "urgent": {"yes"}},
			"occurred_at", "21", "11", "02:00")
		resp, body = env.postForm(c, "/episodes/"+itoa(int(e.ID))+"/disclosures/new", urgent)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("urgent: %d\n%.3000s", resp.StatusCode, body)
		}
		_, body = env.get(c, page)
		if !strings.Contains(body, "reviewed on Monday 23 November") || !strings.Contains(body, "Waiting for review (due Monday 23 November 2026)") {
			t.Errorf("urgent not queued:\n%.6000s", body)
		}

		// The review queue: reviewers only, reviewed once.
		if resp, _ := env.get(c, "/reviews/disclosures"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner queue: %d", resp.StatusCode)
		}
		cg := env.client("caldicott_guardian")
		resp, body = env.get(cg, "/reviews/disclosures")
		if resp.StatusCode != 200 || !strings.Contains(body, "Casey Brook") || !strings.Contains(body, "Said they would harm themselves") {
			t.Fatalf("queue: %d\n%.4000s", resp.StatusCode, body)
		}
		var id int64
		if err := env.DB.QueryRow(context.Background(), `SELECT id FROM disclosures WHERE needs_review = TRUE`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		review := "/reviews/disclosures/" + itoa(int(id))
		resp, body = env.postForm(cg, review, url.Values{"outcome": {"needs_follow_up"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#comment-`+itoa(int(id))+`"`) {
			t.Errorf("review without comment: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(cg, review, url.Values{"outcome": {"appropriate"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", resp.StatusCode)
		}
		resp, body = env.postForm(cg, review, url.Values{"outcome": {"inappropriate"}, "comment": {"x"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already reviewed") {
			t.Errorf("second review: %d", resp.StatusCode)
		}

		// The person's disclosure log.
		resp, body = env.get(c, "/people/"+itoa(int(e.PersonID))+"/disclosures")
		if resp.StatusCode != 200 || !strings.Contains(body, "Police: Custody sergeant") || !strings.Contains(body, "GP or other health service: Crisis team") ||
			strings.Contains(body, "Some episodes are not shown") {
			t.Errorf("log: %d\n%.4000s", resp.StatusCode, body)
		}
	})
}

func TestConsentAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		e := env.consentEpisode()
		base := "/api/v1/episodes/" + itoa(int(e.ID))
		tok := env.token("practitioner")
		resp, body := env.api("POST", base+"/disclosures", tok, `{"recipient_agency":"court","recipient_role":"Legal adviser","purpose":"bail_remand",
			"content":"Supported accommodation available.","channel":"secure_email","occurred_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"legal_basis"`) || !strings.Contains(body, "no active consent to share with the court") {
			t.Fatalf("refused: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base+"/consents", tok, `{"scope":"share_court","decision":"given","form":"written","occurred_at":"2026-11-23T08:55:00Z"}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), base+"/consents/") {
			t.Fatalf("consent: %d %s", resp.StatusCode, body)
		}
		var c consentJSON
		if err := json.Unmarshal([]byte(body), &c); err != nil || !c.Active || c.PersonAgeAtEvent != -1 {
			t.Errorf("consent %+v %v", c, err)
		}
		resp, body = env.api("GET", resp.Header.Get("Location"), tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"share_court"`) {
			t.Errorf("get consent: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base+"/disclosures", tok, `{"recipient_agency":"court","recipient_role":"Legal adviser","purpose":"bail_remand",
			"content":"Supported accommodation available.","channel":"secure_email","occurred_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"consent_id": "`+c.ID+`"`) {
			t.Fatalf("disclosure: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base+"/disclosures", tok, `{"recipient_agency":"yjs","recipient_role":"Case worker","purpose":"safeguarding",
			"content":"Concern at home.","channel":"phone","occurred_at":"2026-11-23T09:05:00Z","legal_basis":"safeguarding","urgent":true}`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"status": "pending"`) || !strings.Contains(body, `"due": "2026-11-24"`) {
			t.Fatalf("safeguarding: %d %s", resp.StatusCode, body)
		}
		var d disclosureJSON
		_ = json.Unmarshal([]byte(body), &d)
		resp, body = env.api("GET", base+"/disclosures", tok, "")
		if resp.StatusCode != 200 || strings.Count(body, `"recipient_agency"`) != 2 {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", base+"/consents", tok, "")
		if resp.StatusCode != 200 || strings.Count(body, `"scope"`) != 1 {
			t.Errorf("consents: %d %s", resp.StatusCode, body)
		}
		// Review queue through the API.
		cg := env.token("caldicott_guardian")
		if resp, _ := env.api("GET", "/api/v1/reviews/disclosures", tok, ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner queue: %d", resp.StatusCode)
		}
		resp, body = env.api("GET", "/api/v1/reviews/disclosures", cg, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"id": "`+d.ID+`"`) || !strings.Contains(body, "Casey Brook") {
			t.Fatalf("queue: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", "/api/v1/reviews/disclosures/"+d.ID, cg, `{"outcome":"appropriate","comment":""}`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"status": "reviewed"`) {
			t.Fatalf("review: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("POST", "/api/v1/reviews/disclosures/"+d.ID, cg, `{"outcome":"appropriate","comment":""}`); resp.StatusCode != http.StatusConflict {
			t.Errorf("second review: %d", resp.StatusCode)
		}
		// Another provider's reviewer sees nothing of it.
		if resp, _ := env.api("GET", base+"/consents", env.otherProviderToken(), ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other provider: %d", resp.StatusCode)
		}
	})
}

func TestVoluntaryAttendanceNeedsConsentToEngage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		ctx := context.Background()
		var site int64
		err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error {
			var err error
			site, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
				VALUES (?, ?, 'Test police station', 'voluntary_attendance', 'M03', '24/7', ?, ?)`, env.Provider, env.Team, tx.Now, tx.Now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := env.DB.LoadActor(ctx, env.Users["practitioner"])
		e, err := env.DB.QuickIdentify(liaise.WithActor(ctx, a), sqlstore.QuickIdentifyInput{GivenName: "Val", SiteID: site, AlertedAt: liaise.NewTime(env.clock())})
		if err != nil {
			t.Fatal(err)
		}
		c := env.client("practitioner")
		page := "/episodes/" + itoa(int(e.ID)) + "/consent"
		_, body := env.get(c, page)
		if !strings.Contains(body, "Consent to the referral is needed") {
			t.Fatalf("no voluntary note:\n%.3000s", body)
		}
		resp, _ := env.postForm(c, page+"/new", whenFields(url.Values{"scope": {"engage"}, "decision": {"given"}, "form": {"verbal"}}, "occurred_at", "23", "11", "09:00"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("engage consent: %d", resp.StatusCode)
		}
		if _, body = env.get(c, page); strings.Contains(body, "Consent to the referral is needed") {
			t.Errorf("note still shown after consent to engage")
		}
	})
}
