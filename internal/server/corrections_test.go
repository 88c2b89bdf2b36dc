package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// Corrections never erase, through the real router: entries marked entered
// in error stay on their page, flagged; SLT requests are cancelled and
// declarations withdrawn, each with a reason.

// must fails the test on an error from the store.
func (env *testEnv) must(err error) {
	env.t.Helper()
	if err != nil {
		env.t.Fatal(err)
	}
}

// actorCtx is the context of the test user of role.
func (env *testEnv) actorCtx(role string) context.Context {
	env.t.Helper()
	a, err := env.DB.LoadActor(context.Background(), env.Users[role])
	env.must(err)
	return liaise.WithActor(context.Background(), a)
}

// anotherEpisode quick-identifies another person at the site of an episode.
func (env *testEnv) anotherEpisode(ctx context.Context, of int64, given, family string) sqlstore.Episode {
	env.t.Helper()
	e, err := env.DB.GetEpisode(ctx, of)
	env.must(err)
	x, err := env.DB.QuickIdentify(ctx, sqlstore.QuickIdentifyInput{GivenName: given, FamilyName: family, SiteID: e.SiteID,
		AlertedAt: liaise.NewTime(env.clock().Add(-time.Hour))})
	env.must(err)
	return x
}

// errorLink finds the entered-in-error link of one entry on a list page.
func errorLink(t *testing.T, body, base string, id int64) string {
	t.Helper()
	path := base + "/" + strconv.FormatInt(id, 10) + "/entered-in-error"
	if !strings.Contains(body, `href="`+path+`"`) {
		t.Fatalf("no link to %s:\n%.5000s", path, body)
	}
	return path
}

func TestScreeningEnteredInErrorPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		env.toScreeningQueue(ctx, id)
		page := episodeHref(id)
		sc := &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: liaise.NewTime(env.clock().Add(-30 * time.Minute)), Mode: liaise.ModeFaceToFace,
			RiskInCustody: liaise.RiskLow, AdviceToCustody: "Routine checks", AssessmentNeeded: liaise.AssessmentYes}
		res, err := env.DB.RecordScreening(ctx, id, sc)
		env.must(err)
		if !res.Moved {
			t.Fatalf("not screened: %+v", res)
		}
		c := env.client("practitioner")
		_, body := env.get(c, page+"/screening")
		form := errorLink(t, body, page+"/screening", res.ID)
		// The site's board: waiting for screening, or not.
		ep, err := env.DB.GetEpisode(ctx, id)
		env.must(err)
		waiting := func() int {
			t.Helper()
			resp, body := env.api("GET", "/api/v1/boards/site/"+itoa(int(ep.SiteID)), env.token("practitioner"), "")
			var b boardJSON
			if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &b) != nil {
				t.Fatalf("board: %d %s", resp.StatusCode, body)
			}
			return len(b.Waiting)
		}
		if n := waiting(); n != 0 {
			t.Fatalf("screened episode waiting on the board (%d)", n)
		}

		// Another team's practitioner gets nothing (break-glass first).
		other := env.otherTeamPractitioner()
		if resp, _ := env.postForm(other, form, url.Values{"reason": {"Not mine"}}); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/people/") {
			t.Errorf("other team: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if n := env.count(`SELECT COUNT(*) FROM screenings WHERE entered_in_error`); n != 0 {
			t.Fatalf("another team marked it")
		}

		resp, body := env.get(c, form)
		if resp.StatusCode != 200 || !strings.Contains(body, "Why is this entry wrong?") || !strings.Contains(body, "Minimum screen") {
			t.Fatalf("form: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, form, url.Values{"reason": {" "}})
		if resp.StatusCode != 422 || !strings.Contains(body, "nhsuk-error-summary") || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("no reason: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, form, url.Values{"reason": {"Screened the wrong person"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"/screening" {
			t.Fatalf("mark: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(c, page+"/screening")
		for _, want := range []string{"Entry marked as entered in error", "back to waiting for screening", "Entered in error</strong> Screened the wrong person",
			"<del>Minimum screen", "It no longer counts"} {
			if !strings.Contains(body, want) {
				t.Errorf("screening page lacks %q", want)
			}
		}
		if strings.Contains(body, form) {
			t.Errorf("still offers to mark it")
		}
		if t.Failed() {
			t.Fatalf("%.6000s", body)
		}
		if resp, _ := env.postForm(c, form, url.Values{"reason": {"Again"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("second mark: %d", resp.StatusCode)
		}
		// Where it counted: the episode is waiting for screening again (board,
		// caseload), and the move is flagged and out of the clocks.
		if n := waiting(); n != 1 {
			t.Errorf("not waiting on the board after the screen was marked in error (%d)", n)
		}
		_, body = env.get(c, page)
		if !strings.Contains(body, "Waiting for screening") || !strings.Contains(body, "<del>Waiting for screening to screened</del>") ||
			strings.Contains(body, "Received to screened") {
			t.Errorf("episode page after marking:\n%.8000s", body)
		}

		// The API: 422 without a reason, 200 with, 409 twice, 404 for
		// another episode's id or another provider.
		sc2 := *sc
		sc2.OccurredAt = liaise.NewTime(env.clock().Add(-20 * time.Minute))
		res2, err := env.DB.RecordScreening(ctx, id, &sc2)
		env.must(err)
		tok := env.token("practitioner")
		api := "/api/v1" + page + "/screenings/" + strconv.FormatInt(res2.ID, 10) + "/entered-in-error"
		resp, body = env.api("POST", api, tok, `{"reason":""}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"reason"`) {
			t.Errorf("no reason: %d %s", resp.StatusCode, body)
		}
		otherEpisode := env.anotherEpisode(ctx, id, "Sam", "Other").ID
		if resp, body := env.api("POST", "/api/v1"+episodeHref(otherEpisode)+"/screenings/"+strconv.FormatInt(res2.ID, 10)+"/entered-in-error", tok,
			`{"reason":"Wrong"}`); resp.StatusCode != 404 {
			t.Errorf("another episode's screening: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("POST", api, env.contactOtherProviderToken(), `{"reason":"Wrong"}`); resp.StatusCode != 404 {
			t.Errorf("another provider: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", api, tok, `{"reason":"Duplicate"}`)
		var got entryJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 || !got.EnteredInError || got.ErrorReason != "Duplicate" ||
			got.RecordType != "screening" || got.ErrorByName != "Test Practitioner" || !strings.Contains(got.EpisodeEffect, "back to waiting for screening") {
			t.Errorf("mark: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("POST", api, tok, `{"reason":"Again"}`); resp.StatusCode != 409 {
			t.Errorf("twice: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1"+page+"/screenings", tok, "")
		if resp.StatusCode != 200 || strings.Count(body, `"entered_in_error": true`) != 2 || !strings.Contains(body, `"error_reason": "Duplicate"`) {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1"+page, tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"state": "screening_pending"`) || strings.Contains(body, "received_to_screened_minutes") {
			t.Errorf("episode: %d %s", resp.StatusCode, body)
		}
	})
}

// TestEnteredInErrorEveryKind marks one entry of each other kind through its
// page and another through the API, so every kind's link, form, flag and
// API action are exercised.
func TestEnteredInErrorEveryKind(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		page := episodeHref(id)
		at := func(min int) liaise.Time { return liaise.NewTime(env.clock().Add(time.Duration(-min) * time.Minute)) }
		sltCtx := env.actorCtx("slt")
		kinds := []struct {
			name, list, api string
			form            string // the form's path under the episode
			add             func() int64
		}{
			{"assessment", "/assessment", "assessments", "/assessment", func() int64 {
				res, err := env.DB.RecordAssessment(ctx, id, &liaise.Assessment{Type: liaise.AssessGeneral, OccurredAt: at(30), Formulation: "Low mood"})
				env.must(err)
				return res.ID
			}},
			{"outcome", "/outcomes", "outcomes", "/outcomes", func() int64 {
				var o sqlstore.JusticeOutcome
				o.Stage, o.Outcome, o.OccurredAt = liaise.StageCustody, liaise.CustodyCommunityCaution, at(30)
				env.must(env.DB.AddJusticeOutcome(ctx, id, &o))
				return o.ID
			}},
			{"consent", "/consent", "consents", "/consent", func() int64 {
				c, err := env.DB.RecordConsent(ctx, id, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven,
					Form: liaise.ConsentVerbal, OccurredAt: at(30)})
				env.must(err)
				return c.ID
			}},
			{"communication profile", "/assessment", "communication-profiles", "/communication-profiles", func() int64 {
				rid, err := env.DB.RequestSLT(ctx, id, &liaise.SLTRequest{Reason: "Cannot follow the caution", Urgency: "routine"})
				env.must(err)
				p := &liaise.CommunicationProfile{OccurredAt: at(0), AdaptedQuestioning: "Short questions", IntermediaryNeeded: liaise.IntermediaryNo}
				env.must(env.DB.RecordCommunicationProfile(sltCtx, rid, 1, p))
				return p.ID
			}},
		}
		c := env.client("practitioner")
		tok := env.token("practitioner")
		for _, k := range kinds {
			xid := k.add()
			_, body := env.get(c, page+k.list)
			form := errorLink(t, body, page+k.form, xid)
			if resp, body := env.get(c, form); resp.StatusCode != 200 || !strings.Contains(body, `name="reason"`) {
				t.Fatalf("%s form: %d\n%.3000s", k.name, resp.StatusCode, body)
			}
			if resp, body := env.postForm(c, form, url.Values{"reason": {""}}); resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
				t.Fatalf("%s without a reason: %d\n%.3000s", k.name, resp.StatusCode, body)
			}
			reason := "Wrong " + k.name
			if resp, _ := env.postForm(c, form, url.Values{"reason": {reason}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+k.list {
				t.Fatalf("%s mark: %d %s", k.name, resp.StatusCode, resp.Header.Get("Location"))
			}
			_, body = env.get(c, page+k.list)
			if !strings.Contains(body, "Entered in error</strong> "+reason) || strings.Contains(body, `href="`+form+`"`) {
				t.Errorf("%s list after marking:\n%.6000s", k.name, body)
			}
			if resp, _ := env.postForm(c, form, url.Values{"reason": {"Again"}}); resp.StatusCode != http.StatusConflict {
				t.Errorf("%s twice: %d", k.name, resp.StatusCode)
			}

			// The API on a second entry of the kind.
			x2 := k.add()
			api := "/api/v1" + page + "/" + k.api + "/" + strconv.FormatInt(x2, 10) + "/entered-in-error"
			if resp, body := env.api("POST", api, tok, `{"reason":" "}`); resp.StatusCode != 422 || !strings.Contains(body, `"reason"`) {
				t.Errorf("%s API without a reason: %d %s", k.name, resp.StatusCode, body)
			}
			if resp, body := env.api("POST", "/api/v1"+page+"/"+k.api+"/999999/entered-in-error", tok, `{"reason":"x"}`); resp.StatusCode != 404 {
				t.Errorf("%s API unknown id: %d %s", k.name, resp.StatusCode, body)
			}
			if resp, body := env.api("POST", api, tok, `{"reason":"Duplicate"}`); resp.StatusCode != 200 || !strings.Contains(body, `"entered_in_error": true`) {
				t.Errorf("%s API: %d %s", k.name, resp.StatusCode, body)
			}
			if resp, body := env.api("POST", api, tok, `{"reason":"Again"}`); resp.StatusCode != 409 {
				t.Errorf("%s API twice: %d %s", k.name, resp.StatusCode, body)
			}
		}
		// The outcome no longer counts as a diversion; the consent no longer covers sharing.
		_, body := env.get(c, page+"/outcomes")
		if strings.Contains(body, ">Diversion<") {
			t.Errorf("an outcome entered in error still shows as a diversion")
		}
		_, body = env.get(c, page+"/consent")
		if !strings.Contains(body, "No consent is in force") {
			t.Errorf("a consent entered in error is still in force:\n%.4000s", body)
		}
	})
}

func TestCancelSLTRequestPagesAndAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		page := episodeHref(id)
		request := func(reason string) int64 {
			rid, err := env.DB.RequestSLT(ctx, id, &liaise.SLTRequest{Reason: reason, Urgency: "urgent"})
			env.must(err)
			return rid
		}
		rid := request("Cannot follow the caution")
		c := env.client("practitioner")
		therapist := env.client("slt")
		cancel := "/slt/" + strconv.FormatInt(rid, 10) + "/cancel"
		_, body := env.get(c, page+"/assessment")
		if !strings.Contains(body, `href="`+cancel+`"`) {
			t.Fatalf("no cancel link:\n%.5000s", body)
		}
		resp, body := env.get(c, cancel)
		if resp.StatusCode != 200 || !strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, "Cannot follow the caution") {
			t.Fatalf("form: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, cancel, url.Values{"version": {"1"}, "reason": {""}})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("no reason: %d\n%.3000s", resp.StatusCode, body)
		}
		// A stale version is refused with a clear message; nothing changes.
		resp, body = env.postForm(c, cancel, url.Values{"version": {"5"}, "reason": {"Released"}})
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") || !strings.Contains(body, `name="version" value="5"`) {
			t.Fatalf("stale: %d\n%.3000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM slt_requests WHERE status = 'cancelled'`); n != 0 {
			t.Fatalf("stale cancel changed it")
		}
		// Another team's practitioner gets nothing.
		if resp, _ := env.postForm(env.otherTeamPractitioner(), cancel, url.Values{"version": {"1"}, "reason": {"Not mine"}}); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/people/") {
			t.Errorf("other team: %d", resp.StatusCode)
		}
		_, body = env.get(therapist, "/slt")
		if !strings.Contains(body, cancel+"?from=queue") {
			t.Fatalf("queue lacks the request:\n%.3000s", body)
		}
		resp, _ = env.postForm(c, cancel, url.Values{"version": {"1"}, "reason": {"Released before the therapist arrived"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"/assessment" {
			t.Fatalf("cancel: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(c, page+"/assessment")
		if !strings.Contains(body, "Cancelled</strong>") || !strings.Contains(body, "Released before the therapist arrived") || strings.Contains(body, `href="`+cancel+`"`) {
			t.Errorf("after cancelling:\n%.6000s", body)
		}
		_, body = env.get(therapist, "/slt")
		if strings.Contains(body, cancel) {
			t.Errorf("a cancelled request is still on the queue")
		}
		if resp, body := env.postForm(c, cancel, url.Values{"version": {"2"}, "reason": {"Again"}}); resp.StatusCode != http.StatusConflict ||
			!strings.Contains(body, "already cancelled") {
			t.Errorf("twice: %d", resp.StatusCode)
		}

		// The therapist cancels from the queue and goes back to it.
		rid2 := request("Second request")
		resp, _ = env.postForm(therapist, "/slt/"+strconv.FormatInt(rid2, 10)+"/cancel", url.Values{"version": {"1"}, "reason": {"Seen by the court's intermediary"}, "from": {"queue"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/slt" {
			t.Errorf("therapist cancel: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}

		// The API: If-Match required (428), stale (412), then cancelled with the new ETag; twice 409.
		tok := env.token("practitioner")
		rid3 := request("Third request")
		api := "/api/v1/slt/requests/" + strconv.FormatInt(rid3, 10) + "/cancel"
		if resp, body := env.api("POST", api, tok, `{"reason":"Released"}`); resp.StatusCode != 428 {
			t.Errorf("no If-Match: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("POST", api, tok, `{"reason":"Released"}`, "If-Match", `"9"`); resp.StatusCode != 412 {
			t.Errorf("stale: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("POST", api, tok, `{"reason":""}`, "If-Match", `"1"`); resp.StatusCode != 422 || !strings.Contains(body, `"reason"`) {
			t.Errorf("no reason: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api, tok, `{"reason":"Released"}`, "If-Match", `"1"`)
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` || !strings.Contains(body, `"status": "cancelled"`) || !strings.Contains(body, `"cancel_reason": "Released"`) {
			t.Errorf("cancel: %d %s %s", resp.StatusCode, resp.Header.Get("ETag"), body)
		}
		if resp, body := env.api("POST", api, tok, `{"reason":"Again"}`, "If-Match", `"2"`); resp.StatusCode != 409 {
			t.Errorf("twice: %d %s", resp.StatusCode, body)
		}
		// A completed request cannot be cancelled.
		rid4 := request("Fourth request")
		env.must(env.DB.RecordCommunicationProfile(env.actorCtx("slt"), rid4, 1, &liaise.CommunicationProfile{OccurredAt: liaise.NewTime(env.clock()),
			AdaptedQuestioning: "Short questions", IntermediaryNeeded: liaise.IntermediaryNo}))
		api = "/api/v1/slt/requests/" + strconv.FormatInt(rid4, 10) + "/cancel"
		if resp, body := env.api("POST", api, tok, `{"reason":"Too late"}`, "If-Match", `"2"`); resp.StatusCode != 409 || !strings.Contains(body, "completed") {
			t.Errorf("completed: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.get(c, "/slt/"+strconv.FormatInt(rid4, 10)+"/cancel"); resp.StatusCode != 200 || !strings.Contains(body, "already completed") ||
			strings.Contains(body, `name="reason"`) {
			t.Errorf("completed form: %d\n%.3000s", resp.StatusCode, body)
		}
		q, err := env.DB.SLTQueue(env.actorCtx("slt"))
		env.must(err)
		if len(q) != 0 {
			t.Errorf("queue after: %+v", q)
		}
	})
}

func TestWithdrawDeclarationPagesAndAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		ep := env.contactEpisodePath(c)
		episode := strings.TrimPrefix(ep, "/episodes/")
		_, body := env.get(c, ep+"/support")
		m := regexp.MustCompile(`href="/people/(\d+)/conflict\?episode=\d+"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no declaration link")
		}
		person := m[1]
		peer := env.client("peer_support_worker")
		peerID := itoa(int(env.Users["peer_support_worker"]))
		if resp, _ := env.postForm(peer, "/people/"+person+"/conflict", url.Values{"note": {"Same recovery group"}, "episode_id": {episode}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("declare: %d", resp.StatusCode)
		}
		tok := env.token("practitioner")
		goal := `{"goal_type":"benefits","worker_user_id":"` + peerID + `","set_at":"2026-11-23T09:00:00Z"}`
		if resp, body := env.api("POST", "/api/v1"+ep+"/support-goals", tok, goal); resp.StatusCode != 422 || !strings.Contains(body, "worker_user_id") {
			t.Fatalf("declared worker assigned: %d %s", resp.StatusCode, body)
		}

		// Only the declarer (or a manager) is offered, and allowed, to withdraw it.
		_, body = env.get(c, ep+"/support")
		if strings.Contains(body, "Withdraw this declaration") {
			t.Errorf("a colleague is offered to withdraw it")
		}
		_, body = env.get(peer, ep+"/support")
		wm := regexp.MustCompile(`href="(/people/\d+/conflicts/\d+/withdraw)\?episode=\d+"`).FindStringSubmatch(body)
		if wm == nil {
			t.Fatalf("no withdraw link for the declarer:\n%.4000s", body)
		}
		withdraw := wm[1]
		if resp, _ := env.postForm(c, withdraw, url.Values{"reason": {"Not theirs"}, "episode_id": {episode}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a colleague withdrew it: %d", resp.StatusCode)
		}
		resp, body := env.get(peer, withdraw+"?episode="+episode)
		if resp.StatusCode != 200 || !strings.Contains(body, "Same recovery group") || !strings.Contains(body, `name="episode_id" value="`+episode+`"`) {
			t.Fatalf("form: %d\n%.3000s", resp.StatusCode, body)
		}
		if resp, body := env.postForm(peer, withdraw, url.Values{"reason": {""}, "episode_id": {episode}}); resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("no reason: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(peer, withdraw, url.Values{"reason": {"Declared on the wrong record"}, "episode_id": {episode}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ep+"/support" {
			t.Fatalf("withdraw: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(c, ep+"/support")
		if strings.Contains(body, "has declared they know this person</span>") || !strings.Contains(body, "Withdrawn declarations") ||
			!strings.Contains(body, "Withdrawn by Test Peer support worker") || !strings.Contains(body, "Declared on the wrong record") {
			t.Errorf("support page after withdrawing:\n%.5000s", body)
		}
		if resp, _ := env.postForm(peer, withdraw, url.Values{"reason": {"Again"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("twice: %d", resp.StatusCode)
		}
		// The block is lifted.
		if resp, body := env.api("POST", "/api/v1"+ep+"/support-goals", tok, goal); resp.StatusCode != 201 {
			t.Fatalf("worker not assignable after withdrawal: %d %s", resp.StatusCode, body)
		}

		// The API: declare again, a manager withdraws it.
		resp, body = env.api("POST", "/api/v1/people/"+person+"/conflicts", env.token("peer_support_worker"), `{"note":"Neighbour"}`)
		var cj conflictJSON
		if err := json.Unmarshal([]byte(body), &cj); err != nil || resp.StatusCode != 201 {
			t.Fatalf("declare: %d %s", resp.StatusCode, body)
		}
		mgr := env.token("team_manager")
		api := "/api/v1/people/" + person + "/conflicts/" + cj.ID + "/withdraw"
		if resp, body := env.api("POST", api, mgr, `{"reason":""}`); resp.StatusCode != 422 || !strings.Contains(body, `"reason"`) {
			t.Errorf("no reason: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("POST", api, tok, `{"reason":"Not mine"}`); resp.StatusCode != 403 {
			t.Errorf("colleague: %d %s", resp.StatusCode, body)
		}
		otherPerson := strconv.FormatInt(env.anotherEpisode(env.actorCtx("practitioner"), mustAtoi(t, episode), "Sam", "Other").PersonID, 10)
		if resp, body := env.api("POST", "/api/v1/people/"+otherPerson+"/conflicts/"+cj.ID+"/withdraw", mgr, `{"reason":"x"}`); resp.StatusCode != 404 {
			t.Errorf("another person's declaration: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api, mgr, `{"reason":"Moved away years ago"}`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"withdrawn_by_name": "Test Team manager"`) || !strings.Contains(body, `"withdraw_reason": "Moved away years ago"`) {
			t.Errorf("manager withdraws: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("POST", api, mgr, `{"reason":"Again"}`); resp.StatusCode != 409 {
			t.Errorf("twice: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("POST", "/api/v1/people/"+person+"/conflicts/999999/withdraw", mgr, `{"reason":"x"}`); resp.StatusCode != 404 {
			t.Errorf("unknown: %d %s", resp.StatusCode, body)
		}
	})
}
