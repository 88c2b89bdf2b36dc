package server

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

func TestDocumentPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, ctx := env.screeningEpisode()
		_, err := env.DB.RecordScreening(ctx, id, &liaise.Screening{Kind: liaise.ScreeningFull, OccurredAt: liaise.NewTime(env.clock().Add(-time.Hour)),
			Mode: liaise.ModeFaceToFace, RiskInCustody: liaise.RiskHigh, AdviceToCustody: "Observe every 30 minutes", AssessmentNeeded: liaise.AssessmentYes,
			Urgency: "urgent", RiskToSelf: liaise.Risk{Level: liaise.RiskMedium}, RiskToOthers: liaise.Risk{Level: liaise.RiskLow},
			RiskFromOthers: liaise.Risk{Level: liaise.RiskLow}, Safeguarding: liaise.Risk{Level: liaise.RiskMedium, Notes: "A child at home alone"}})
		if err != nil {
			t.Fatal(err)
		}
		episode := "/episodes/" + strconv.FormatInt(id, 10)
		c := env.client("practitioner")
		_, body := env.get(c, episode)
		if !strings.Contains(body, `href="`+episode+`/documents"`) {
			t.Errorf("episode page has no link to documents")
		}
		resp, body := env.get(c, episode+"/documents")
		if resp.StatusCode != 200 || !strings.Contains(body, "No documents yet") {
			t.Fatalf("list: %d\n%.2000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, episode+"/documents", url.Values{})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#kind"`) {
			t.Fatalf("no kind: %d\n%.2000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, episode+"/documents", url.Values{"kind": {liaise.DocAdviceNote}})
		edit := resp.Header.Get("Location")
		if resp.StatusCode != 303 || !strings.HasSuffix(edit, "/edit") {
			t.Fatalf("draft: %d %q", resp.StatusCode, edit)
		}
		doc := strings.TrimSuffix(edit, "/edit")
		resp, body = env.get(c, edit)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="include_risk" name="include_risk" type="checkbox" value="yes" checked`) ||
			strings.Contains(body, `name="include_safeguarding" type="checkbox" value="yes" checked`) || !strings.Contains(body, "A child at home alone") ||
			!strings.Contains(body, `<details class="nhsuk-details" open>`) {
			t.Fatalf("edit form: %d\n%.4000s", resp.StatusCode, body)
		}

		// A long report keeps a draft: saved, then restored in a new session.
		draft := url.Values{"_draft": {"save"}, "version": {"1"}, "text_adaptations": {"Half-typed advice about breaks"}}
		resp, _ = env.postForm(c, edit, draft)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != edit+"?draft=saved" {
			t.Fatalf("save draft: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(env.clientFor(env.Users["practitioner"]), edit)
		if !strings.Contains(body, "You have a draft from") || !strings.Contains(body, "Half-typed advice about breaks") {
			t.Fatalf("draft not restored:\n%.3000s", body)
		}

		form := url.Values{"version": {"1"}, "include_adaptations": {"yes"}, "text_adaptations": {"- Observe every 30 minutes\n- Short, plain questions"},
			"include_risk": {"yes"}, "text_risk": {"- Risk in custody: High"}, "include_safeguarding": {"yes"}, "text_safeguarding": {"A child at home alone"}}
		resp, body = env.postForm(c, edit, form)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason_safeguarding"`) || !strings.Contains(body, "Short, plain questions") {
			t.Fatalf("sensitive without reason: %d\n%.3000s", resp.StatusCode, body)
		}
		form.Set("reason_safeguarding", "Custody must arrange care for the child")
		resp, _ = env.postForm(c, edit, form)
		if resp.StatusCode != 303 {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		if n := env.count(`SELECT COUNT(*) FROM drafts`); n != 0 {
			t.Errorf("saving the document left %d drafts", n)
		}
		resp, _ = env.postForm(c, edit, form) // the same form again: stale
		if resp.StatusCode != 422 {
			t.Errorf("stale save: %d", resp.StatusCode)
		}
		resp, body = env.get(c, doc)
		if resp.StatusCode != 200 || !strings.Contains(body, "Version 2") || !strings.Contains(body, "Included because: Custody must arrange care") ||
			!strings.Contains(body, "<li>Short, plain questions</li>") || !strings.Contains(body, "OFFICIAL-SENSITIVE") {
			t.Fatalf("document: %d\n%.4000s", resp.StatusCode, body)
		}

		// Approve: not by an STR worker, not with a stale version.
		resp, _ = env.postForm(env.client("str_worker"), doc+"/approve", url.Values{"version": {"2"}})
		if resp.StatusCode != 403 {
			t.Errorf("STR worker approve: %d", resp.StatusCode)
		}
		resp, body = env.postForm(c, doc+"/approve", url.Values{"version": {"1"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "Someone else changed this document") {
			t.Errorf("stale approve: %d\n%.2000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, doc+"/approve", url.Values{"version": {"2"}})
		if resp.StatusCode != 303 {
			t.Fatalf("approve: %d", resp.StatusCode)
		}

		// Issue: identity check, then the consent rules, then issued.
		resp, body = env.get(c, doc+"/issue")
		if resp.StatusCode != 200 || !strings.Contains(body, "I have checked that this document is about Robin Hart") {
			t.Fatalf("issue form: %d\n%.2000s", resp.StatusCode, body)
		}
		issue := whenFields(url.Values{"version": {"3"}, "recipient_agency": {"police"}, "recipient_role": {"Custody sergeant"},
			"purpose": {"interview_adaptations"}, "channel": {"secure_email"}}, "occurred_at", "23", "11", "09:00")
		resp, body = env.postForm(c, doc+"/issue", issue)
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#identity_method"`) || !strings.Contains(body, `href="#identity_confirmed"`) {
			t.Fatalf("issue without identity check: %d\n%.2000s", resp.StatusCode, body)
		}
		issue.Set("identity_method", "custody_record")
		issue.Set("identity_confirmed", "yes")
		resp, body = env.postForm(c, doc+"/issue", issue)
		if resp.StatusCode != 422 || !strings.Contains(body, "There is no active consent to share with the police") {
			t.Fatalf("issue without consent: %d\n%.2000s", resp.StatusCode, body)
		}
		if _, err := env.DB.RecordConsent(ctx, id, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven,
			Form: liaise.ConsentVerbal, OccurredAt: liaise.NewTime(env.clock().Add(-30 * time.Minute))}); err != nil {
			t.Fatal(err)
		}
		// 09:30 on 23 November is the test clock's time, after the consent.
		issue = whenFields(issue, "occurred_at", "23", "11", "09:30")
		resp, body = env.postForm(c, doc+"/issue", issue)
		if resp.StatusCode != 303 {
			t.Fatalf("issue: %d\n%.2000s", resp.StatusCode, body)
		}
		_, body = env.get(c, doc)
		if !strings.Contains(body, "Issued") || !strings.Contains(body, "Police (Custody sergeant)") {
			t.Errorf("issued document page:\n%.3000s", body)
		}
		e, err := env.DB.GetEpisode(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		_, body = env.get(c, "/people/"+strconv.FormatInt(e.PersonID, 10)+"/disclosures")
		if !strings.Contains(body, "Custody advice note, version 2") || !strings.Contains(body, doc+"/print?v=2") {
			t.Errorf("disclosure log does not show the document:\n%.3000s", body)
		}

		// Print is audited; withdraw needs a reason.
		before := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'print' AND record_type = 'document'`)
		resp, body = env.get(c, doc+"/print?v=2")
		if resp.StatusCode != 200 || !strings.Contains(body, "data-print") || !strings.Contains(body, "Custody sergeant") {
			t.Fatalf("print: %d\n%.2000s", resp.StatusCode, body)
		}
		if env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'print' AND record_type = 'document'`) != before+1 {
			t.Errorf("print not audited")
		}
		if resp, _ := env.get(c, doc+"/print?v=x"); resp.StatusCode != 404 {
			t.Errorf("bad version: %d", resp.StatusCode)
		}
		resp, body = env.postForm(c, doc+"/withdraw", url.Values{"version": {"4"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
			t.Errorf("withdraw without reason: %d", resp.StatusCode)
		}
		resp, _ = env.postForm(c, doc+"/withdraw", url.Values{"version": {"4"}, "reason": {"Sent to the wrong suite"}})
		if resp.StatusCode != 303 {
			t.Errorf("withdraw: %d", resp.StatusCode)
		}
		// Another team's practitioner is sent to give a break-glass reason.
		resp, _ = env.get(env.otherTeamPractitioner(), doc)
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/people/") {
			t.Errorf("other team: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestDocumentAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, _ := env.screeningEpisode()
		tok := env.token("practitioner")
		base := "/api/v1/episodes/" + strconv.FormatInt(id, 10) + "/documents"
		resp, body := env.api("POST", base, tok, `{"kind":"letter"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"kind"`) {
			t.Fatalf("unknown kind: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base, tok, `{"kind":"court_report"}`)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 201 || !strings.HasPrefix(loc, base+"/") || resp.Header.Get("ETag") != `"1"` {
			t.Fatalf("draft: %d %q %s", resp.StatusCode, loc, body)
		}
		var d documentJSON
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		if d.Kind != liaise.DocCourtReport || d.Status != liaise.DocDraft || len(d.Latest.Sections) == 0 || d.Latest.Header.PersonName != "Robin Hart" {
			t.Errorf("drafted %+v", d)
		}
		resp, _ = env.api("POST", loc+"/approval", tok, "")
		if resp.StatusCode != 428 {
			t.Errorf("approval without If-Match: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", loc+"/approval", tok, "", "If-Match", `"1"`)
		if resp.StatusCode != 422 || !strings.Contains(body, "text_impact") {
			t.Errorf("approval with an empty section: %d %s", resp.StatusCode, body)
		}
		secs := `{"sections":[{"key":"impact","text":"Needs breaks to follow proceedings","included":true}]}`
		resp, _ = env.api("POST", loc+"/versions", tok, secs, "If-Match", `"9"`)
		if resp.StatusCode != 412 {
			t.Errorf("stale version: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", loc+"/versions", tok, secs, "If-Match", `"1"`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"latest_version": 2`) {
			t.Fatalf("new version: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/approval", tok, "", "If-Match", `"2"`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"status": "approved"`) {
			t.Fatalf("approve: %d %s", resp.StatusCode, body)
		}
		issue := `{"identity_check":{"method":"court_list","confirmed":true},"recipient_agency":"court","recipient_role":"Legal adviser",
			"purpose":"case_management","channel":"secure_email","legal_basis":"court_order"}`
		resp, body = env.api("POST", loc+"/issue", tok, issue, "If-Match", `"3"`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"status": "issued"`) || !strings.Contains(body, `"disclosure_id"`) {
			t.Fatalf("issue on a court order: %d %s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM disclosures WHERE episode_id = ? AND needs_review AND legal_basis = 'court_order'`, id); n != 1 {
			t.Errorf("court-order disclosure queued for review %d times", n)
		}
		resp, body = env.api("GET", base, tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"kind": "court_report"`) {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("GET", loc, env.otherProviderToken(), ""); resp.StatusCode != 404 {
			t.Errorf("other provider: %d", resp.StatusCode)
		}
	})
}
