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

// screeningEpisode quick-identifies a person at a new site of the test team
// through the store, as the practitioner, and returns the episode id with
// the practitioner's context.
func (env *testEnv) screeningEpisode() (int64, context.Context) {
	env.t.Helper()
	site := env.addSite()
	ctx := context.Background()
	a, err := env.DB.LoadActor(ctx, env.Users["practitioner"])
	if err != nil {
		env.t.Fatal(err)
	}
	ctx = liaise.WithActor(ctx, a)
	e, err := env.DB.QuickIdentify(ctx, sqlstore.QuickIdentifyInput{GivenName: "Robin", FamilyName: "Hart", SiteID: site,
		AlertedAt: liaise.NewTime(env.clock().Add(-2 * time.Hour))})
	if err != nil {
		env.t.Fatal(err)
	}
	return e.ID, ctx
}

// toScreeningQueue moves an episode to screening_pending.
func (env *testEnv) toScreeningQueue(ctx context.Context, id int64) {
	env.t.Helper()
	v := 1
	for i, to := range []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending} {
		var err error
		v, err = env.DB.Transition(ctx, id, sqlstore.TransitionInput{To: to, OccurredAt: liaise.NewTime(env.clock().Add(time.Duration(i-90) * time.Minute)), Version: v})
		if err != nil {
			env.t.Fatal(err)
		}
	}
}

func TestScreeningPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		page := "/episodes/" + strconv.FormatInt(id, 10)
		c := env.client("practitioner")
		_, body := env.get(c, page)
		if !strings.Contains(body, `href="`+page+`/screening"`) {
			t.Errorf("episode page has no link to screening")
		}
		resp, body := env.get(c, page+"/screening")
		if resp.StatusCode != 200 || !strings.Contains(body, "No screening has been recorded") || !strings.Contains(body, page+"/screening/minimum") ||
			!strings.Contains(body, page+"/screening/full") {
			t.Fatalf("list: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, page+"/screening/full")
		if resp.StatusCode != 200 || !strings.Contains(body, "nhsuk-radios--inline") ||
			!strings.Contains(body, `id="vuln_autism" name="vuln_autism" type="radio" value="not_explored" checked`) ||
			!strings.Contains(body, `name="vuln_autism_notes"`) || !strings.Contains(body, "Risk from others") {
			t.Fatalf("full form: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.get(c, page+"/screening/minimum")
		if resp.StatusCode != 200 || strings.Contains(body, "vuln_autism") || !strings.Contains(body, `name="risk_in_custody"`) {
			t.Fatalf("minimum form: %d\n%.3000s", resp.StatusCode, body)
		}
		if resp, _ := env.get(c, page+"/screening/quick"); resp.StatusCode != 404 {
			t.Errorf("unknown kind: %d", resp.StatusCode)
		}

		when := url.Values{"occurred_at-day": {"23"}, "occurred_at-month": {"11"}, "occurred_at-year": {"2026"}, "occurred_at-time": {"09:00"}}
		form := func(kv ...string) url.Values {
			v := url.Values{}
			for k, x := range when {
				v[k] = x
			}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		// Errors go to the error summary and nothing is saved.
		resp, body = env.postForm(c, page+"/screening/full", form("mode", "telephone", "incomplete", "yes", "vuln_autism", "suspected"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#remote_details"`) || !strings.Contains(body, `href="#incomplete_reason"`) ||
			!strings.Contains(body, `id="vuln_autism-2" name="vuln_autism" type="radio" value="suspected" checked`) {
			t.Fatalf("invalid full: %d\n%.4000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM screenings`); n != 0 {
			t.Fatalf("half-saved: %d screenings", n)
		}

		// A full screen from the queue moves the episode to screened.
		env.toScreeningQueue(ctx, id)
		full := form("mode", "video", "remote_details", "Me at the hub; Robin in consultation room 2", "interpreter_used", "no",
			"risk_in_custody", "medium", "advice_to_custody", "Check every 30 minutes", "assessment_needed", "yes",
			"risk_to_self", "high", "risk_to_self_notes", "Charged with a serious offence", "risk_to_others", "none",
			"risk_from_others", "low", "safeguarding", "none", "urgency", "urgent", "vuln_autism", "suspected", "vuln_autism_notes", "Diagnosis as a child",
			"vuln_substance_alcohol", "confirmed", "vuln_housing", "none")
		resp, body = env.postForm(c, page+"/screening/full", full)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"/screening" {
			t.Fatalf("full: %d\n%.4000s", resp.StatusCode, body)
		}
		_, body = env.get(c, page+"/screening")
		for _, want := range []string{"Full screen recorded: the episode is now screened", liaise.QuestionSetVersion, "Autism: suspected (Diagnosis as a child)",
			"Substance misuse: alcohol: confirmed", "High: Charged with a serious offence", "Test Practitioner"} {
			if !strings.Contains(body, want) {
				t.Errorf("list after full screen lacks %q", want)
			}
		}
		if strings.Contains(body, "Housing") {
			t.Errorf("a vulnerability answered none is listed as found")
		}
		got, err := env.DB.GetEpisode(ctx, id)
		if err != nil || got.State != liaise.EpisodeScreened {
			t.Fatalf("episode state %s %v", got.State, err)
		}

		// A later minimum screen is kept; the banner says the state stays.
		resp, _ = env.postForm(c, page+"/screening/minimum", form("mode", "face_to_face", "risk_in_custody", "low", "assessment_needed", "no"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("minimum: %d", resp.StatusCode)
		}
		_, body = env.get(c, page+"/screening")
		if !strings.Contains(body, "Minimum screen recorded. The episode stays screened") {
			t.Errorf("banner after minimum:\n%.3000s", body)
		}
		if n := env.count(`SELECT COUNT(*) FROM screenings WHERE episode_id = ?`, id); n != 2 {
			t.Errorf("%d screenings stored", n)
		}
		// A role without record.write cannot open the form.
		if resp, _ := env.get(env.client("auditor"), page+"/screening/full"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("auditor form: %d", resp.StatusCode)
		}
	})
}

func TestScreeningAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		env.toScreeningQueue(ctx, id)
		tok := env.token("practitioner")
		base := "/api/v1/episodes/" + strconv.FormatInt(id, 10) + "/screenings"
		resp, body := env.api("POST", base, tok, `{"kind":"full","occurred_at":"2026-11-23T09:00:00Z","mode":"face_to_face","risk_in_custody":"low",
			"assessment_needed":"yes","urgency":"routine","risk_to_self":{"level":"low","notes":""},"risk_to_others":{"level":"none","notes":""},
			"risk_from_others":{"level":"none","notes":""},"safeguarding":{"level":"none","notes":""},
			"vulnerabilities":[{"code":"astrology","answer":"suspected"}]}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"vulnerabilities"`) {
			t.Fatalf("unknown code: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base, tok, `{"kind":"minimum","occurred_at":"2026-11-23T09:00:00Z","mode":"telephone","risk_in_custody":"low","assessment_needed":"yes"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"remote_details"`) {
			t.Fatalf("remote without details: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base, tok, `{"kind":"minimum","occurred_at":"2026-11-23T09:00:00Z","mode":"face_to_face","risk_in_custody":"high",
			"advice_to_custody":"Constant observation","assessment_needed":"yes","vulnerabilities":[{"code":"autism","answer":"suspected"}]}`)
		if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), base+"/") {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var created screeningJSON
		if err := json.Unmarshal([]byte(body), &created); err != nil || created.QuestionSetVersion != liaise.QuestionSetVersion ||
			created.EpisodeState != "screened" || created.EpisodeMoved == nil || !*created.EpisodeMoved || len(created.Vulnerabilities) != 1 {
			t.Fatalf("created %+v %v", created, err)
		}
		resp, body = env.api("GET", resp.Header.Get("Location"), tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"advice_to_custody": "Constant observation"`) {
			t.Errorf("get one: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", base, tok, "")
		var list screeningListJSON
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 1 || list.Items[0].EpisodeMoved != nil {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		// Another provider's practitioner finds nothing.
		other := &liaise.User{ProviderID: env.OtherProvider, Username: "other-p", DisplayName: "Other", RoleCode: "practitioner",
			Memberships: []liaise.Membership{{TeamID: env.OtherTeam}}}
		if err := env.DB.CreateUser(liaise.WithActor(context.Background(), liaise.SystemActor("test")), other, ""); err != nil {
			t.Fatal(err)
		}
		env.Users["other"] = other.ID
		if resp, _ := env.api("GET", base, env.token("other"), ""); resp.StatusCode != 404 {
			t.Errorf("other provider: %d", resp.StatusCode)
		}
	})
}
