package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestReferralPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		ep := env.contactEpisodePath(c)
		resp, body := env.get(c, ep+"/referrals")
		if resp.StatusCode != 200 || !strings.Contains(body, "No onward referrals recorded yet") || !strings.Contains(body, ep+"/referrals/new") {
			t.Fatalf("empty list: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, ep+"/referrals/new")
		if resp.StatusCode != 200 || !strings.Contains(body, `name="decided_at-time" type="text" value="09:30"`) || !strings.Contains(body, "Warm handover") {
			t.Fatalf("form: %d\n%.4000s", resp.StatusCode, body)
		}
		when := func(v url.Values, id, day, clock string) url.Values {
			v.Set(id+"-day", day)
			v.Set(id+"-month", "11")
			v.Set(id+"-year", "2026")
			v.Set(id+"-time", clock)
			return v
		}
		resp, body = env.postForm(c, ep+"/referrals/new", when(url.Values{"need": {"astrology"}, "method": {"ers"}, "state": {"planned"}}, "decided_at", "23", "09:00"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#need"`) || !strings.Contains(body, `href="#service"`) {
			t.Fatalf("invalid: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, ep+"/referrals/new", when(url.Values{"need": {"substance_alcohol"}, "service": {"Change Grow Live"}, "method": {"warm_handover"},
			"state": {"planned"}, "supported": {"yes"}}, "decided_at", "23", "09:00"))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), ep+"/referrals/") {
			t.Fatalf("create: %d\n%.3000s", resp.StatusCode, body)
		}
		page := resp.Header.Get("Location")
		resp, body = env.get(c, page)
		for _, want := range []string{"Referral to Change Grow Live", `nhsuk-tag--yellow">Planned`, "Record as sent", "Substance misuse: alcohol", "Onward referral recorded as planned"} {
			if !strings.Contains(body, want) {
				t.Errorf("referral page lacks %q", want)
			}
		}
		if resp.StatusCode != 200 || t.Failed() {
			t.Fatalf("%d\n%.5000s", resp.StatusCode, body)
		}
		step := func(to string, version int, extra ...string) (*http.Response, string) {
			v := when(url.Values{"to": {to}, "version": {itoa(version)}}, "occurred_at", "23", "09:10")
			for i := 0; i+1 < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			return env.postForm(c, page+"/transitions", v)
		}
		resp, body = step("attended", 1)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#to"`) || !strings.Contains(body, "Next it can be sent") {
			t.Fatalf("refused: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = step("sent", 1)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sent: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = step("acknowledged", 1)
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") {
			t.Fatalf("stale: %d\n%.3000s", resp.StatusCode, body)
		}
		// Booking needs the appointment time.
		resp, body = step("first_appointment_booked", 2)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#first_appointment_at"`) {
			t.Fatalf("booking without time: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = step("first_appointment_booked", 2, "first_appointment_at-day", "30", "first_appointment_at-month", "11",
			"first_appointment_at-year", "2026", "first_appointment_at-time", "10:00", "supported", "yes")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("booked: %d\n%.3000s", resp.StatusCode, body)
		}
		_, body = env.get(c, page)
		for _, want := range []string{"Sent to first appointment booked", "30 Nov 2026 10:00", "Record attendance", "Planned to sent"} {
			if !strings.Contains(body, want) {
				t.Errorf("after booking lacks %q", want)
			}
		}
		_, body = env.get(c, ep+"/referrals")
		if !strings.Contains(body, "Change Grow Live") || !strings.Contains(body, "First appointment booked") {
			t.Errorf("list:\n%.4000s", body)
		}
	})
}

func TestReferralsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		ep := env.contactEpisodePath(env.client("practitioner"))
		api := "/api/v1" + ep + "/referrals"
		tok := env.token("practitioner")
		resp, body := env.api("POST", api, tok, `{"need":"housing","service":"","method":"fax","decided_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"service"`) || !strings.Contains(body, `"method"`) {
			t.Fatalf("invalid: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api, tok, `{"need":"housing","service":"Housing options","method":"secure_email","state":"sent","decided_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), api+"/") || resp.Header.Get("ETag") == "" {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		loc := resp.Header.Get("Location")
		var got referralJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.State != "sent" || got.SentAt != "2026-11-23T09:00:00Z" || len(got.Transitions) != 1 || len(got.NextStates) == 0 {
			t.Fatalf("created %+v %v", got, err)
		}
		resp, _ = env.api("POST", loc+"/transitions", tok, `{"to":"acknowledged","occurred_at":"2026-11-23T09:10:00Z"}`)
		if resp.StatusCode != http.StatusPreconditionRequired {
			t.Errorf("no If-Match: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", loc+"/transitions", tok, `{"to":"declined","occurred_at":"2026-11-23T09:10:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"reason"`) {
			t.Errorf("decline without reason: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/transitions", tok, `{"to":"engaged_4_weeks","occurred_at":"2026-11-23T09:10:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"to"`) {
			t.Errorf("refused: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/transitions", tok, `{"to":"acknowledged","occurred_at":"2026-11-23T09:10:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"state": "acknowledged"`) || resp.Header.Get("ETag") != `"2"` {
			t.Fatalf("transition: %d %s %q", resp.StatusCode, body, resp.Header.Get("ETag"))
		}
		resp, _ = env.api("POST", loc+"/transitions", tok, `{"to":"declined","reason":"Out of area","occurred_at":"2026-11-23T09:11:00Z"}`, "If-Match", `"1"`)
		if resp.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("stale: %d", resp.StatusCode)
		}
		resp, body = env.api("GET", api, tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"Housing options"`) {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		resp, _ = env.api("GET", loc, env.contactOtherProviderToken(), "")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("other provider: %d", resp.StatusCode)
		}
	})
}
