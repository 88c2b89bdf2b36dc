package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// toAssessmentQueue moves a screening-pending episode on to assessment_pending.
func (env *testEnv) toAssessmentQueue(ctx context.Context, id int64) {
	env.t.Helper()
	env.toScreeningQueue(ctx, id)
	v := 4
	for i, to := range []liaise.EpisodeState{liaise.EpisodeScreened, liaise.EpisodeAssessmentPending} {
		var err error
		v, err = env.DB.Transition(ctx, id, sqlstore.TransitionInput{To: to, OccurredAt: liaise.NewTime(env.clock().Add(time.Duration(i-80) * time.Minute)), Version: v})
		if err != nil {
			env.t.Fatal(err)
		}
	}
}

func assessmentForm(kv ...string) url.Values {
	v := url.Values{"occurred_at-day": {"23"}, "occurred_at-month": {"11"}, "occurred_at-year": {"2026"}, "occurred_at-time": {"09:30"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestAssessmentPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		page := "/episodes/" + strconv.FormatInt(id, 10)
		c := env.client("practitioner")
		_, body := env.get(c, page)
		if !strings.Contains(body, `href="`+page+`/assessment"`) {
			t.Errorf("episode page has no link to assessment")
		}
		resp, body := env.get(c, page+"/assessment")
		if resp.StatusCode != 200 || !strings.Contains(body, "No assessment has been recorded") || !strings.Contains(body, page+"/assessment/new") ||
			!strings.Contains(body, page+"/slt-request") {
			t.Fatalf("list: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, page+"/assessment/new")
		if resp.StatusCode != 200 || !strings.Contains(body, `id="share_autism" name="share_autism" type="radio" value="health_only" checked`) ||
			!strings.Contains(body, `name="rec_appropriate_adult"`) || !strings.Contains(body, `name="tool_1_score"`) {
			t.Fatalf("form: %d\n%.3000s", resp.StatusCode, body)
		}

		// Errors go to the error summary and nothing is saved.
		resp, body = env.postForm(c, page+"/assessment/new", assessmentForm("type", "mental_health", "tool_1_name", "PHQ-9", "rec_other", "yes"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#formulation"`) || !strings.Contains(body, `href="#tool_1_score"`) ||
			!strings.Contains(body, `href="#rec_other_note"`) {
			t.Fatalf("invalid: %d\n%.4000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM assessments`); n != 0 {
			t.Fatalf("half-saved: %d", n)
		}

		env.toAssessmentQueue(ctx, id)
		resp, body = env.postForm(c, page+"/assessment/new", assessmentForm("type", "mental_health", "formulation", "Psychosis; needs MHA assessment",
			"finding_mental_health", "Hears voices", "share_mental_health", "health_only", "finding_autism", "Needs plain language", "share_autism", "shareable",
			"tool_1_name", "PHQ-9", "tool_1_score", "19", "rec_mha_assessment", "yes", "rec_mha_assessment_note", "Today"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"/assessment" {
			t.Fatalf("create: %d\n%.4000s", resp.StatusCode, body)
		}
		_, body = env.get(c, page+"/assessment")
		for _, want := range []string{"Assessment recorded: the episode is now assessed", "Hears voices", "Health only", "Shareable with justice partners",
			"PHQ-9: 19", "Mental Health Act assessment: Today", "Psychosis; needs MHA assessment"} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		if got, _ := env.DB.GetEpisode(ctx, id); got.State != liaise.EpisodeAssessed {
			t.Errorf("episode %s", got.State)
		}

		// SLT: request, the therapist's queue, the profile completes it.
		resp, body = env.postForm(c, page+"/slt-request", url.Values{"reason": {""}, "urgency": {"routine"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("invalid request: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, page+"/slt-request", url.Values{"reason": {"Could not explain the caution back"}, "urgency": {"before_hearing"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("request: %d", resp.StatusCode)
		}
		if resp, _ := env.get(c, "/slt"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner queue: %d", resp.StatusCode)
		}
		slt := env.client("slt")
		resp, body = env.get(slt, "/slt")
		if resp.StatusCode != 200 || !strings.Contains(body, "Could not explain the caution back") || !strings.Contains(body, "Record communication profile") {
			t.Fatalf("queue: %d\n%.3000s", resp.StatusCode, body)
		}
		var rid int64
		if err := env.DB.QueryRow(context.Background(), `SELECT id FROM slt_requests WHERE episode_id = ?`, id).Scan(&rid); err != nil {
			t.Fatal(err)
		}
		prof := "/slt/" + strconv.FormatInt(rid, 10) + "/profile"
		resp, body = env.get(slt, prof)
		if resp.StatusCode != 200 || !strings.Contains(body, `name="intermediary_needed"`) {
			t.Fatalf("profile form: %d\n%.3000s", resp.StatusCode, body)
		}
		if !strings.Contains(body, `name="version" value="1"`) {
			t.Fatalf("profile form carries no version:\n%.3000s", body)
		}
		resp, body = env.postForm(slt, prof, assessmentForm("version", "1", "intermediary_needed", "yes"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#adapted_questioning"`) {
			t.Fatalf("invalid profile: %d\n%.3000s", resp.StatusCode, body)
		}
		// A stale or missing version is refused in the error summary, and nothing is saved.
		for _, v := range []string{"7", ""} {
			resp, body = env.postForm(slt, prof, assessmentForm("version", v, "adapted_questioning", "Stale advice", "intermediary_needed", "no"))
			if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "nhsuk-error-summary") ||
				!strings.Contains(body, "Someone else has changed or answered this request") || !strings.Contains(body, "Stale advice") {
				t.Fatalf("stale profile (version %q): %d\n%.3000s", v, resp.StatusCode, body)
			}
		}
		if n := env.count(`SELECT COUNT(*) FROM communication_profiles`); n != 0 {
			t.Fatalf("stale profile saved: %d", n)
		}
		resp, body = env.postForm(slt, prof, assessmentForm("version", "1", "adapted_questioning", "One short question at a time", "intermediary_needed", "yes",
			"strengths", "Good with pictures"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/slt" {
			t.Fatalf("profile: %d\n%.3000s", resp.StatusCode, body)
		}
		_, body = env.get(slt, "/slt")
		if !strings.Contains(body, "There are no open requests") {
			t.Errorf("completed request still queued")
		}
		_, body = env.get(c, page+"/assessment")
		for _, want := range []string{"Communication profile", "One short question at a time", "Registered intermediary needed", "Completed"} {
			if !strings.Contains(body, want) {
				t.Errorf("assessment page lacks %q", want)
			}
		}
	})
}

func TestAssessmentAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		env.toAssessmentQueue(ctx, id)
		tok := env.token("practitioner")
		base := "/api/v1/episodes/" + strconv.FormatInt(id, 10)
		resp, body := env.api("POST", base+"/assessments", tok, `{"type":"general","occurred_at":"2026-11-23T09:00:00Z","formulation":"x",
			"findings":[{"domain":"astrology","text":"x"}]}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"findings"`) {
			t.Fatalf("unknown domain: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base+"/assessments", tok, `{"type":"slcn","occurred_at":"2026-11-23T09:00:00Z","formulation":"Needs an SLT",
			"findings":[{"domain":"autism","text":"Literal understanding"}],"tools":[{"tool":"CHAT","version":"community","score":"n/a"}],
			"recommendations":[{"type":"interview_adaptations","note":"Breaks every 20 minutes"}]}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), base+"/assessments/") {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var created assessmentJSON
		if err := json.Unmarshal([]byte(body), &created); err != nil || created.EpisodeState != "assessed" || created.EpisodeMoved == nil || !*created.EpisodeMoved ||
			len(created.Findings) != 1 || created.Findings[0].Sharing != liaise.SharingHealthOnly {
			t.Fatalf("created %+v %v", created, err)
		}
		resp, body = env.api("GET", base+"/assessments", tok, "")
		var list assessmentListJSON
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 1 {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}

		resp, body = env.api("POST", base+"/slt-requests", tok, `{"reason":"","urgency":"whenever"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"urgency"`) {
			t.Fatalf("invalid request: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base+"/slt-requests", tok, `{"reason":"Yes to everything","urgency":"urgent"}`)
		if resp.StatusCode != 201 {
			t.Fatalf("request: %d %s", resp.StatusCode, body)
		}
		var req sltRequestJSON
		if err := json.Unmarshal([]byte(body), &req); err != nil || req.Status != "open" {
			t.Fatalf("request %+v %v", req, err)
		}
		stok := env.token("slt")
		resp, body = env.api("GET", "/api/v1/slt/requests", stok, "")
		var q sltQueueJSON
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &q) != nil || len(q.Items) != 1 || q.Items[0].ID != req.ID {
			t.Fatalf("queue: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("GET", "/api/v1/slt/requests", tok, ""); resp.StatusCode != 403 {
			t.Errorf("practitioner queue: %d", resp.StatusCode)
		}
		path := "/api/v1/slt/requests/" + req.ID + "/profile"
		now := env.clock().Format(time.RFC3339)
		if resp, _ := env.api("POST", path, stok, `{"occurred_at":"`+now+`","adapted_questioning":"Avoid yes/no questions","intermediary_needed":"unsure"}`); resp.StatusCode != http.StatusPreconditionRequired {
			t.Errorf("profile without If-Match: %d", resp.StatusCode)
		}
		if resp, _ := env.api("POST", path, stok, `{"occurred_at":"`+now+`","adapted_questioning":"Avoid yes/no questions","intermediary_needed":"unsure"}`, "If-Match", `"9"`); resp.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("profile with a stale If-Match: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", path, stok, `{"occurred_at":"2026-11-23T10:00:00Z","intermediary_needed":"perhaps"}`, "If-Match", `"1"`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"adapted_questioning"`) || !strings.Contains(body, `"intermediary_needed"`) {
			t.Fatalf("invalid profile: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", path, stok, `{"occurred_at":"`+now+`","adapted_questioning":"Avoid yes/no questions","intermediary_needed":"unsure"}`, "If-Match", `"1"`)
		if resp.StatusCode != 201 {
			t.Fatalf("profile: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("POST", path, stok, `{"occurred_at":"`+now+`","adapted_questioning":"Again","intermediary_needed":"no"}`, "If-Match", `"2"`); resp.StatusCode != 409 {
			t.Errorf("second profile: %d", resp.StatusCode)
		}
		resp, body = env.api("GET", "/api/v1/slt/requests", stok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"items": []`) {
			t.Errorf("queue after profile: %d %s", resp.StatusCode, body)
		}
	})
}
