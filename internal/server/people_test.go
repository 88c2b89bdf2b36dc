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
)

// otherTeamPractitioner adds a practitioner in a second team of the test provider.
func (env *testEnv) otherTeamPractitioner() *http.Client {
	env.t.Helper()
	team := env.addTeam("Court team")
	u := &liaise.User{ProviderID: env.Provider, Username: "court-prac", DisplayName: "Court Practitioner", RoleCode: "practitioner",
		Memberships: []liaise.Membership{{TeamID: team}}}
	if err := env.DB.CreateUser(liaise.WithActor(context.Background(), liaise.SystemActor("test")), u, ""); err != nil {
		env.t.Fatal(err)
	}
	return env.clientFor(u.ID)
}

func personForm(given, family, day, month, year string) url.Values {
	return url.Values{"given_name": {given}, "family_name": {family}, "name_type": {"given_in_custody"}, "identity_status": {"as_given"},
		"date_of_birth-day": {day}, "date_of_birth-month": {month}, "date_of_birth-year": {year}}
}

func TestPeopleFindCreateDuplicateOverride(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		resp, body := env.get(c, "/people/search?q=zo%C3%AB+o%27brien")
		if resp.StatusCode != 200 || !strings.Contains(body, "No one matches") || !strings.Contains(body, "Create a new person") {
			t.Fatalf("empty search: %d\n%.2000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, "/people/new?q=Zo%C3%AB+O%27Brien-Smith&date_of_birth-day=3&date_of_birth-month=2&date_of_birth-year=1990")
		if resp.StatusCode != 200 || !strings.Contains(body, `value="O&#39;Brien-Smith"`) {
			t.Fatalf("create form not prefilled: %d\n%.3000s", resp.StatusCode, body)
		}
		// Invalid: a bad NHS number is shown at its field.
		f := personForm("Zoë", "O'Brien-Smith", "3", "2", "1990")
		f.Set("nhs_number", "943 476 5918")
		resp, body = env.postForm(c, "/people/new", f)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#nhs_number"`) {
			t.Fatalf("bad NHS number: %d\n%.3000s", resp.StatusCode, body)
		}
		f.Set("nhs_number", "943 476 5919")
		resp, _ = env.postForm(c, "/people/new", f)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/people/") {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		first := resp.Header.Get("Location")
		resp, body = env.get(c, first)
		if resp.StatusCode != 200 || !strings.Contains(body, "Zoë O&#39;Brien-Smith") || !strings.Contains(body, "943 476 5919") || !strings.Contains(body, "Record created") || !strings.Contains(body, "nhsuk-tag--yellow") {
			t.Fatalf("person page: %d\n%.4000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, "/people/search?q=OBRIEN-SMITH")
		if resp.StatusCode != 200 || !strings.Contains(body, first) {
			t.Fatalf("search did not find: %.3000s", body)
		}
		// Same family name and date of birth: "Is this the same person?"
		g := personForm("Zoe", "O'Brien-Smith", "3", "2", "1990")
		resp, body = env.postForm(c, "/people/new", g)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Is this the same person?") || !strings.Contains(body, "Same family name and date of birth") ||
			!strings.Contains(body, first) || !strings.Contains(body, "None of these: create a new person") {
			t.Fatalf("duplicate page: %d\n%.4000s", resp.StatusCode, body)
		}
		// The same NHS number cannot be overridden.
		h := personForm("Somebody", "Else", "1", "1", "1970")
		h.Set("nhs_number", "9434765919")
		h.Set("override", "1")
		resp, body = env.postForm(c, "/people/new", h)
		if resp.StatusCode != http.StatusConflict || strings.Contains(body, "None of these") {
			t.Fatalf("NHS number override: %d\n%.3000s", resp.StatusCode, body)
		}
		g.Set("override", "1")
		resp, _ = env.postForm(c, "/people/new", g)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == first {
			t.Fatalf("override: %d", resp.StatusCode)
		}
		if n := env.count(`SELECT COUNT(*) FROM person_not_duplicates`); n != 2 {
			t.Errorf("not-duplicate rows %d, want 2", n)
		}
		// Edit with a stale version is refused with a clear message.
		resp, body = env.get(c, first+"/edit")
		if resp.StatusCode != 200 || !strings.Contains(body, `name="version" value="1"`) {
			t.Fatalf("edit form: %d", resp.StatusCode)
		}
		e := personForm("Zoë", "O'Brien-Smith", "3", "2", "1990")
		e.Set("nhs_number", "943 476 5919")
		e.Set("interpreter_needed", "yes")
		e.Set("preferred_language", "Polish")
		e.Set("version", "1")
		resp, _ = env.postForm(c, first+"/edit", e)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", resp.StatusCode)
		}
		resp, body = env.postForm(c, first+"/edit", e)
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") {
			t.Fatalf("stale edit: %d\n%.2000s", resp.StatusCode, body)
		}
		_, body = env.get(c, first)
		if !strings.Contains(body, "Interpreter needed (Polish)") || !strings.Contains(body, "Details changed: language and interpreter") {
			t.Errorf("alerts or timeline missing after edit:\n%.4000s", body)
		}
	})
}

func TestPeopleBreakGlassPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		resp, _ := env.postForm(c, "/people/new", personForm("Jamie", "Doe", "9", "9", "1999"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		page := resp.Header.Get("Location")
		other := env.otherTeamPractitioner()
		resp, body := env.get(other, page)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "You are not in a team working with this person") || strings.Contains(body, "Jamie") {
			t.Fatalf("break-glass page: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(other, page+"/break-glass", url.Values{"reason": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("short reason: %d", resp.StatusCode)
		}
		resp, _ = env.postForm(other, page+"/break-glass", url.Values{"reason": {"Brought into Preston custody tonight"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
			t.Fatalf("break-glass: %d", resp.StatusCode)
		}
		resp, body = env.get(other, page)
		if resp.StatusCode != 200 || !strings.Contains(body, "Jamie Doe") || !strings.Contains(body, "break-glass") {
			t.Fatalf("after break-glass: %d\n%.3000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'break_glass' AND detail = 'Brought into Preston custody tonight'`); n != 1 {
			t.Errorf("break-glass audit events: %d", n)
		}
		if n := env.count(`SELECT COUNT(*) FROM break_glass_reviews WHERE reviewed_at IS NULL`); n != 1 {
			t.Errorf("review rows: %d", n)
		}
		// A role without break-glass is refused outright.
		resp, _ = env.get(env.client("auditor"), page)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("auditor: %d", resp.StatusCode)
		}
	})
}

func TestPeopleAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("practitioner")
		body := `{"given_name":"Sean","family_name":"Murphy","date_of_birth":"1992-04-05","nhs_number":"943 476 5919","identity_status":"confirmed"}`
		resp, out := env.api("POST", "/api/v1/people", tok, body)
		if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(resp.Header.Get("Location"), "/api/v1/people/") || resp.Header.Get("ETag") != `"1"` {
			t.Fatalf("create: %d %s", resp.StatusCode, out)
		}
		var p personJSON
		if err := json.Unmarshal([]byte(out), &p); err != nil || p.NHSNumber != "9434765919" || p.GivenName != "Sean" {
			t.Fatalf("created %s (%v)", out, err)
		}
		loc := resp.Header.Get("Location")
		// Same NHS number: 409 with candidates, even when confirmed.
		resp, out = env.api("POST", "/api/v1/people", tok, `{"given_name":"A","family_name":"B","date_of_birth":"2000-01-01","nhs_number":"9434765919","confirm_not_duplicate":true}`)
		var prob duplicateProblem
		if resp.StatusCode != http.StatusConflict || json.Unmarshal([]byte(out), &prob) != nil || len(prob.Candidates) != 1 || !prob.Candidates[0].Blocking || prob.Candidates[0].PersonID != mustAtoi(t, p.ID) {
			t.Fatalf("NHS duplicate: %d %s", resp.StatusCode, out)
		}
		// Likely duplicate: 409, then 201 when confirmed.
		dup := `{"given_name":"Sean","family_name":"Murphey","date_of_birth":"1992-04-05"`
		resp, out = env.api("POST", "/api/v1/people", tok, dup+`}`)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(out, "Similar name and same date of birth") {
			t.Fatalf("likely duplicate: %d %s", resp.StatusCode, out)
		}
		resp, out = env.api("POST", "/api/v1/people", tok, dup+`,"confirm_not_duplicate":true}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("confirmed: %d %s", resp.StatusCode, out)
		}
		// Invalid: 422 naming the field.
		resp, out = env.api("POST", "/api/v1/people", tok, `{"given_name":"X","date_of_birth":"2999-01-01"}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(out, `"date_of_birth"`) {
			t.Fatalf("invalid: %d %s", resp.StatusCode, out)
		}
		// Search.
		resp, out = env.api("GET", "/api/v1/people?q=murph&date_of_birth=1992-04-05&limit=1", tok, "")
		var list personListJSON
		if resp.StatusCode != 200 || json.Unmarshal([]byte(out), &list) != nil || len(list.Items) != 1 || list.NextCursor == "" {
			t.Fatalf("search: %d %s", resp.StatusCode, out)
		}
		resp, out = env.api("GET", "/api/v1/people?q=murph&date_of_birth=1992-04-05&limit=1&cursor="+list.NextCursor, tok, "")
		var list2 personListJSON
		if resp.StatusCode != 200 || json.Unmarshal([]byte(out), &list2) != nil || len(list2.Items) != 1 || list2.Items[0].ID == list.Items[0].ID {
			t.Fatalf("second page: %d %s", resp.StatusCode, out)
		}
		resp, out = env.api("GET", "/api/v1/people?identifier=943-476-5919", tok, "")
		if resp.StatusCode != 200 || !strings.Contains(out, `"nhs_number": "943 476 5919"`) {
			t.Fatalf("identifier search: %d %s", resp.StatusCode, out)
		}
		resp, _ = env.api("GET", "/api/v1/people?cursor=garbage", tok, "")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad cursor: %d", resp.StatusCode)
		}
		// PATCH: If-Match required, stale refused, current accepted.
		resp, _ = env.api("PATCH", loc, tok, `{"school":"x"}`)
		if resp.StatusCode != http.StatusPreconditionRequired {
			t.Errorf("no If-Match: %d", resp.StatusCode)
		}
		resp, out = env.api("PATCH", loc, tok, `{"interpreter_needed":true,"preferred_language":"Irish"}`, "If-Match", `"1"`)
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` || !strings.Contains(out, `"preferred_language": "Irish"`) || !strings.Contains(out, `"nhs_number": "9434765919"`) {
			t.Fatalf("patch: %d %s", resp.StatusCode, out)
		}
		resp, _ = env.api("PATCH", loc, tok, `{"school":"x"}`, "If-Match", `"1"`)
		if resp.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("stale: %d", resp.StatusCode)
		}
		resp, _ = env.api("GET", loc, tok, "")
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` {
			t.Errorf("get: %d", resp.StatusCode)
		}
		// Another provider's staff get 404; not-duplicates are recorded.
		resp, _ = env.api("POST", loc+"/not-duplicates", tok, `{"other_person_id":"`+list.Items[0].ID+`","reason":"different people"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("not-duplicates: %d", resp.StatusCode)
		}
	})
}

func TestPeopleAPIBreakGlassAndBoundary(t *testing.T) {
	env := newTestEnv(t)
	resp, out := env.api("POST", "/api/v1/people", env.token("practitioner"), `{"given_name":"Kim","family_name":"Lee","date_of_birth":"2001-03-04"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, out)
	}
	loc := resp.Header.Get("Location")
	// Another provider's practitioner: 404, whatever the reason.
	u := &liaise.User{ProviderID: env.OtherProvider, Username: "other-prov", DisplayName: "Other", RoleCode: "practitioner", Memberships: []liaise.Membership{{TeamID: env.OtherTeam}}}
	if err := env.DB.CreateUser(liaise.WithActor(context.Background(), liaise.SystemActor("test")), u, ""); err != nil {
		t.Fatal(err)
	}
	env.Users["other-prov"] = u.ID
	resp, _ = env.api("GET", loc, env.token("other-prov"), "", "X-Liaise-Break-Glass-Reason", "a perfectly good reason")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other provider: %d", resp.StatusCode)
	}
	// Another team of the same provider: 403 until a reason is sent.
	team := env.addTeam("Court team")
	v := &liaise.User{ProviderID: env.Provider, Username: "court", DisplayName: "Court", RoleCode: "practitioner", Memberships: []liaise.Membership{{TeamID: team}}}
	if err := env.DB.CreateUser(liaise.WithActor(context.Background(), liaise.SystemActor("test")), v, ""); err != nil {
		t.Fatal(err)
	}
	env.Users["court"] = v.ID
	tok := env.token("court")
	resp, out = env.api("GET", loc, tok, "")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(out, "not in a team working with this person") {
		t.Errorf("other team: %d %s", resp.StatusCode, out)
	}
	resp, out = env.api("GET", loc, tok, "", "X-Liaise-Break-Glass-Reason", "Arrived at the court cells")
	if resp.StatusCode != 200 || !strings.Contains(out, `"break_glass": true`) {
		t.Errorf("break-glass: %d %s", resp.StatusCode, out)
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// The person page puts the episodes the reader may open and the dated
// alerts of the latest screening above the timeline.
func TestPersonPageEpisodesAndAlerts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		_, err := env.DB.RecordScreening(ctx, id, &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: liaise.NewTime(env.clock().Add(-time.Hour)),
			Mode: liaise.ModeFaceToFace, RiskInCustody: liaise.RiskHigh, AdviceToCustody: "Constant observation", AssessmentNeeded: liaise.AssessmentYes})
		if err != nil {
			t.Fatal(err)
		}
		e, err := env.DB.GetEpisode(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		_, body := env.get(env.client("practitioner"), "/people/"+itoa(int(e.PersonID)))
		episode := "/episodes/" + itoa(int(id))
		if !strings.Contains(body, `<strong>Risk in custody: High</strong>`) || !strings.Contains(body, `href="`+episode+`/screening">From the screening on 23 Nov 2026 08:30</a>`) ||
			!strings.Contains(body, `<h2 id="episodes">Episodes</h2>`) || !strings.Contains(body, `href="`+episode+`"`) ||
			!strings.Contains(body, "/disclosures\">Disclosure log") {
			t.Errorf("person page:\n%.6000s", body)
		}
	})
}

// A person known to another team shows, in search results, with the dated
// risks of their latest screening, before anyone asks to open the record.
func TestSearchShowsRisksOfPeopleKnownElsewhere(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode() // Robin Hart, team of the test practitioner
		_, err := env.DB.RecordScreening(ctx, id, &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: liaise.NewTime(env.clock().Add(-time.Hour)),
			Mode: liaise.ModeFaceToFace, RiskInCustody: liaise.RiskHigh, AdviceToCustody: "Constant observation", AssessmentNeeded: liaise.AssessmentYes})
		if err != nil {
			t.Fatal(err)
		}
		resp, body := env.get(env.otherTeamPractitioner(), "/people/search?q=hart")
		if resp.StatusCode != 200 || !strings.Contains(body, "Known elsewhere") || !strings.Contains(body, "<strong>Risk in custody: High (screening on 23 Nov 2026)</strong>") {
			t.Errorf("other team's search: %d\n%.5000s", resp.StatusCode, body)
		}
		// The team's own practitioner sees the person as theirs, without the list.
		_, body = env.get(env.client("practitioner"), "/people/search?q=hart")
		if strings.Contains(body, "Known elsewhere") || strings.Contains(body, "Risk in custody: High (screening") {
			t.Errorf("own team's search shows the known-elsewhere alerts")
		}
	})
}
