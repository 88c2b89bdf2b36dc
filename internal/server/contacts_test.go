package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liaise"
)

// contactEpisodePath quick-identifies a person at a new site of the test team
// through the page and returns the episode's path.
func (env *testEnv) contactEpisodePath(c *http.Client) string {
	env.t.Helper()
	site := env.addSite()
	f := url.Values{"given_name": {"Robin"}, "family_name": {"Hood"}, "site_id": {itoa(int(site))},
		"alerted_at-day": {"23"}, "alerted_at-month": {"11"}, "alerted_at-year": {"2026"}, "alerted_at-time": {"08:15"}}
	resp, body := env.postForm(c, "/episodes/new", f)
	if resp.StatusCode != http.StatusSeeOther {
		env.t.Fatalf("quick identify: %d\n%.2000s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// contactOtherProviderToken is a bearer token of a practitioner of the other provider.
func (env *testEnv) contactOtherProviderToken() string {
	env.t.Helper()
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	u := &liaise.User{ProviderID: env.OtherProvider, Username: "contacts-other", DisplayName: "Other", RoleCode: "practitioner",
		Memberships: []liaise.Membership{{TeamID: env.OtherTeam}}}
	if err := env.DB.CreateUser(sys, u, ""); err != nil {
		env.t.Fatal(err)
	}
	env.Users["contacts_other"] = u.ID
	return env.token("contacts_other")
}

func TestContactPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		ep := env.contactEpisodePath(c)
		resp, body := env.get(c, ep)
		if !strings.Contains(body, `href="`+ep+`/contacts"`) || !strings.Contains(body, `href="`+ep+`/referrals"`) {
			t.Errorf("episode page does not link the parts:\n%.3000s", body)
		}
		resp, body = env.get(c, ep+"/contacts")
		if resp.StatusCode != 200 || !strings.Contains(body, "No direct contacts recorded yet") || !strings.Contains(body, "Record an indirect activity") {
			t.Fatalf("empty list: %d\n%.3000s", resp.StatusCode, body)
		}
		// The location starts as the site's (M03).
		resp, body = env.get(c, ep+"/contacts/direct")
		if resp.StatusCode != 200 || !strings.Contains(body, `value="M03" selected`) || !strings.Contains(body, `name="others_present"`) {
			t.Fatalf("direct form: %d\n%.4000s", resp.StatusCode, body)
		}
		when := url.Values{"occurred_at-day": {"23"}, "occurred_at-month": {"11"}, "occurred_at-year": {"2026"}, "occurred_at-time": {"09:00"}}
		form := func(extra url.Values) url.Values {
			v := url.Values{}
			for k, x := range when {
				v[k] = x
			}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		// Invalid: duration out of range, unknown mechanism; what was typed is kept.
		resp, body = env.postForm(c, ep+"/contacts/direct", form(url.Values{"duration_minutes": {"601"}, "consultation_mechanism": {"99x"},
			"activity_location_type": {"M03"}, "attended_or_dna": {"5"}, "summary": {"Kept text"}}))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#duration_minutes"`) || !strings.Contains(body, `href="#consultation_mechanism"`) || !strings.Contains(body, "Kept text") {
			t.Fatalf("invalid direct: %d\n%.4000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, ep+"/contacts/direct", form(url.Values{"duration_minutes": {"40"}, "consultation_mechanism": {"01"},
			"activity_location_type": {"M03"}, "attended_or_dna": {"5"}, "others_present": {"appropriate_adult", "interpreter"},
			"reasonable_adjustment": {"Short questions"}, "planned": {"yes"}, "summary": {"Screened in cell 2"}}))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ep+"/contacts" {
			t.Fatalf("direct: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, ep+"/contacts/indirect")
		if resp.StatusCode != 200 || !strings.Contains(body, `name="counterpart_agency_type"`) {
			t.Fatalf("indirect form: %d", resp.StatusCode)
		}
		resp, body = env.postForm(c, ep+"/contacts/indirect", form(url.Values{"duration_minutes": {"10"}, "counterpart_agency_type": {"probation"},
			"counterpart_role": {"Court duty officer"}, "summary": {"Shared bail address"}}))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("indirect: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, ep+"/contacts")
		for _, want := range []string{"Indirect activity recorded", "Direct contacts with the person", "Liaison without the person present", "Face to face",
			"Appropriate adult, Interpreter", "Short questions", "Probation: Court duty officer", "40 minutes", "Planned"} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		if t.Failed() {
			t.Fatalf("%.6000s", body)
		}
		// Mark the indirect activity entered in error.
		i := strings.Index(body, "/entered-in-error")
		start := strings.LastIndex(body[:i], `href="`) + len(`href="`)
		errPath := body[start : i+len("/entered-in-error")]
		resp, body = env.get(c, errPath)
		if resp.StatusCode != 200 || !strings.Contains(body, "Why is this entry wrong?") {
			t.Fatalf("error form %s: %d\n%.3000s", errPath, resp.StatusCode, body)
		}
		resp, body = env.postForm(c, errPath, url.Values{"reason": {""}})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("no reason: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, errPath, url.Values{"reason": {"Wrong episode"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark: %d", resp.StatusCode)
		}
		resp, _ = env.postForm(c, errPath, url.Values{"reason": {"Again"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("mark twice: %d", resp.StatusCode)
		}
		_, body = env.get(c, ep+"/contacts")
		if !strings.Contains(body, "Entered in error</strong> Wrong episode") || strings.Count(body, "/entered-in-error") != 1 {
			t.Errorf("after marking:\n%.6000s", body)
		}
		// A role without record.write sees no add links; another provider's user gets nothing.
		_, body = env.get(env.client("auditor"), ep+"/contacts")
		if strings.Contains(body, "Record a direct contact") {
			t.Errorf("auditor offered to write")
		}
	})
}

func TestContactsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		ep := env.contactEpisodePath(c)
		api := "/api/v1" + ep + "/contacts"
		tok := env.token("practitioner")
		resp, body := env.api("POST", api, tok, `{"kind":"direct","occurred_at":"2026-11-23T09:00:00Z","duration_minutes":0,"consultation_mechanism":"07","attended_or_dna":"5"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"duration_minutes"`) || !strings.Contains(body, `"consultation_mechanism"`) {
			t.Fatalf("invalid: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api, tok, `{"kind":"direct","occurred_at":"2026-11-23T09:00:00Z","duration_minutes":25,"consultation_mechanism":"11",
			"attended_or_dna":"5","others_present":["solicitor"],"summary":"Video screen"}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), api+"/") {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var got contactJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.ActivityLocationType != "M03" || got.DurationMinutes != 25 || len(got.OthersPresent) != 1 || got.Late {
			t.Fatalf("created %+v %v", got, err)
		}
		loc := resp.Header.Get("Location")
		resp, body = env.api("POST", api, tok, `{"kind":"indirect","occurred_at":"2026-11-20T09:00:00Z","duration_minutes":5,"counterpart_agency_type":"cps"}`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"late": true`) {
			t.Fatalf("late indirect: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", api, tok, "")
		var list contactListJSON
		if err := json.Unmarshal([]byte(body), &list); resp.StatusCode != 200 || err != nil || len(list.Items) != 2 {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/entered-in-error", tok, `{"reason":"Duplicate entry"}`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"entered_in_error": true`) {
			t.Fatalf("in error: %d %s", resp.StatusCode, body)
		}
		resp, _ = env.api("GET", loc, tok, "")
		if resp.StatusCode != 200 {
			t.Errorf("get: %d", resp.StatusCode)
		}
		// Another provider's practitioner cannot see the episode exists.
		resp, _ = env.api("GET", api, env.contactOtherProviderToken(), "")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("other provider: %d", resp.StatusCode)
		}
	})
}
