package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestSupportPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		ep := env.contactEpisodePath(c)
		if _, body := env.get(c, ep); !strings.Contains(body, `href="`+ep+`/support"`) {
			t.Fatalf("episode page does not link support work")
		}
		resp, body := env.get(c, ep+"/support")
		if resp.StatusCode != 200 || !strings.Contains(body, "No support goals set yet") {
			t.Fatalf("empty page: %d\n%.3000s", resp.StatusCode, body)
		}
		m := regexp.MustCompile(`href="(/people/\d+/conflict\?episode=\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no declaration link:\n%.3000s", body)
		}
		conflictPath := strings.ReplaceAll(m[1], "&amp;", "&")
		if resp, body := env.get(c, ep+"/support/new"); resp.StatusCode != 200 || !strings.Contains(body, `name="worker_user_id"`) {
			t.Fatalf("goal form: %d", resp.StatusCode)
		}
		when := url.Values{"set_at-day": {"23"}, "set_at-month": {"11"}, "set_at-year": {"2026"}, "set_at-time": {"09:00"}}
		goal := func(extra url.Values) url.Values {
			v := url.Values{}
			for k, x := range when {
				v[k] = x
			}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		peer := itoa(int(env.Users["peer_support_worker"]))
		resp, body = env.postForm(c, ep+"/support/new", goal(url.Values{"worker_user_id": {peer}, "description": {"Kept words"}}))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#goal_type"`) || !strings.Contains(body, "Kept words") {
			t.Fatalf("invalid goal: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, ep+"/support/new", goal(url.Values{"goal_type": {"housing"}, "worker_user_id": {peer}, "description": {"Hostel"},
			"target_date-day": {"1"}, "target_date-month": {"12"}, "target_date-year": {"2026"}}))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ep+"/support" {
			t.Fatalf("goal: %d\n%.3000s", resp.StatusCode, body)
		}
		// The peer support worker declares they know the person.
		pc := env.client("peer_support_worker")
		if resp, body := env.get(pc, conflictPath); resp.StatusCode != 200 || !strings.Contains(body, `name="note"`) {
			t.Fatalf("conflict form: %d\n%.2000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(pc, strings.SplitN(conflictPath, "?", 2)[0], url.Values{"note": {"Same recovery group"}, "episode_id": {strings.TrimPrefix(ep, "/episodes/")}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ep+"/support" {
			t.Fatalf("declare: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, ep+"/support")
		if !strings.Contains(body, "Test Peer support worker has declared they know this person") || !strings.Contains(body, "Hostel") {
			t.Fatalf("warning missing:\n%.4000s", body)
		}
		resp, body = env.postForm(c, ep+"/support/new", goal(url.Values{"goal_type": {"benefits"}, "worker_user_id": {peer}}))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#worker_user_id"`) || !strings.Contains(body, "declared that they know this person") {
			t.Fatalf("conflicted worker: %d\n%.3000s", resp.StatusCode, body)
		}
		// Outcome, then a stale one.
		_, body = env.get(c, ep+"/support")
		om := regexp.MustCompile(`href="(/episodes/\d+/support/\d+/outcome)"`).FindStringSubmatch(body)
		if om == nil {
			t.Fatalf("no outcome link")
		}
		if resp, _ := env.get(c, om[1]); resp.StatusCode != 200 {
			t.Fatalf("outcome form %d", resp.StatusCode)
		}
		out := url.Values{"version": {"1"}, "status": {"achieved"}, "outcome_note": {"Moved in"}, "outcome_at-day": {"23"}, "outcome_at-month": {"11"},
			"outcome_at-year": {"2026"}, "outcome_at-time": {"09:30"}}
		if resp, body := env.postForm(c, om[1], out); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("outcome: %d\n%.3000s", resp.StatusCode, body)
		}
		if resp, body := env.postForm(c, om[1], out); resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed") {
			t.Fatalf("stale outcome: %d\n%.3000s", resp.StatusCode, body)
		}
		if _, body := env.get(c, ep+"/support"); !strings.Contains(body, "Achieved") || !strings.Contains(body, "Moved in") {
			t.Fatalf("outcome not shown")
		}
	})
}

func TestSupportAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		ep := env.contactEpisodePath(env.client("practitioner"))
		api := "/api/v1" + ep + "/support-goals"
		tok := env.token("practitioner")
		str := itoa(int(env.Users["str_worker"]))
		resp, body := env.api("POST", api, tok, `{"goal_type":"yacht","worker_user_id":"`+str+`","set_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, "goal_type") {
			t.Fatalf("invalid: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api, tok, `{"goal_type":"gp_registration","worker_user_id":"`+str+`","set_at":"2026-11-23T09:00:00Z","target_date":"2026-12-01"}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), api+"/") || !strings.Contains(body, `"version": 1`) {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		outcome := resp.Header.Get("Location") + "/outcome"
		ob := `{"status":"partly_achieved","outcome_at":"2026-11-23T09:20:00Z","outcome_note":"Form filled in"}`
		if resp, _ := env.api("POST", outcome, tok, ob); resp.StatusCode != http.StatusPreconditionRequired {
			t.Fatalf("no If-Match: %d", resp.StatusCode)
		}
		if resp, body := env.api("POST", outcome, tok, ob, "If-Match", `"1"`); resp.StatusCode != 200 || !strings.Contains(body, `"status": "partly_achieved"`) {
			t.Fatalf("outcome: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("POST", outcome, tok, ob, "If-Match", `"1"`); resp.StatusCode != http.StatusPreconditionFailed {
			t.Fatalf("stale: %d", resp.StatusCode)
		}
		if resp, body := env.api("GET", api, tok, ""); resp.StatusCode != 200 || strings.Count(body, `"goal_type"`) != 1 {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
		// The STR worker declares a conflict and can no longer be given goals.
		_, page := env.get(env.client("practitioner"), ep+"/support")
		pid := regexp.MustCompile(`/people/(\d+)/conflict`).FindStringSubmatch(page)[1]
		if resp, body := env.api("POST", "/api/v1/people/"+pid+"/conflicts", env.token("str_worker"), `{"note":"Neighbour"}`); resp.StatusCode != 201 {
			t.Fatalf("declare: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api, tok, `{"goal_type":"phone","worker_user_id":"`+str+`","set_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, "worker_user_id") {
			t.Fatalf("conflicted worker: %d %s", resp.StatusCode, body)
		}
	})
}
