package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaise"
)

// draftForm is a posted form with a draft operation ("" submits it).
func draftForm(op string, kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	if op != "" {
		v.Set(draftField, op)
	}
	return v
}

// autosave posts a form's values the way app.js does: in the background.
func (env *testEnv) autosave(c *http.Client, path string, v url.Values) (*http.Response, string) {
	env.t.Helper()
	v.Set(draftField, "autosave")
	return env.do(c, "POST", path, strings.NewReader(v.Encode()), "Origin", env.HTTP.URL, backgroundHeader, "1")
}

// lastSeen is when the user's newest session last counted as active.
func (env *testEnv) lastSeen(userID int64) liaise.Time {
	env.t.Helper()
	var t liaise.Time
	if err := env.DB.QueryRow(context.Background(), `SELECT last_seen_at FROM sessions WHERE user_id = ? ORDER BY id DESC LIMIT 1`, userID).Scan(&t); err != nil {
		env.t.Fatal(err)
	}
	return t
}

func (env *testEnv) draftCount(userID int64) int {
	env.t.Helper()
	return env.count(`SELECT COUNT(*) FROM drafts WHERE user_id = ?`, userID)
}

func screeningDraftValues(marker string) []string {
	return []string{"occurred_at-day", "23", "occurred_at-month", "11", "occurred_at-year", "2026", "occurred_at-time", "09:00",
		"mode", "video", "remote_details", "At the hub", "interpreter_used", "no", "risk_in_custody", "medium", "advice_to_custody", marker,
		"assessment_needed", "yes", "risk_to_self", "low", "risk_to_others", "none", "risk_from_others", "none", "safeguarding", "none", "urgency", "routine"}
}

func TestDraftsWithoutJavaScript(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, _ := env.screeningEpisode()
		page := "/episodes/" + strconv.FormatInt(id, 10) + "/screening/full"
		me := env.Users["practitioner"]
		c := env.client("practitioner")

		resp, body := env.get(c, page)
		if resp.StatusCode != 200 || !strings.Contains(body, `name="_draft" value="save"`) || !strings.Contains(body, "Save as draft") ||
			!strings.Contains(body, `name="_draft_base" value="1"`) || !strings.Contains(body, `class="nhsuk-body-s app-draft-status" role="status" aria-live="polite" data-idle-seconds="900"`) {
			t.Fatalf("form without draft controls: %d\n%.4000s", resp.StatusCode, body)
		}

		// "Save as draft" keeps what was typed and submits nothing.
		resp, body = env.postForm(c, page, draftForm("save", append(screeningDraftValues("Check every 30 minutes"), "_draft_base", "1")...))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?draft=saved" {
			t.Fatalf("save draft: %d %q\n%.2000s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if n := env.count(`SELECT COUNT(*) FROM screenings`); n != 0 {
			t.Fatalf("saving a draft submitted the form: %d screenings", n)
		}
		_, body = env.get(c, resp.Header.Get("Location"))
		if !strings.Contains(body, "Draft saved at 09:30") || !strings.Contains(body, "Check every 30 minutes") || !strings.Contains(body, "Discard draft") {
			t.Fatalf("after saving a draft:\n%.5000s", body)
		}

		// Signed out and in again (a new session): the draft is restored.
		again := env.clientFor(me)
		_, body = env.get(again, page)
		if !strings.Contains(body, "You have a draft from 09:30 on 23 November — it has been restored") || !strings.Contains(body, "Check every 30 minutes") ||
			!strings.Contains(body, `id="risk_in_custody-2" name="risk_in_custody" type="radio" value="medium" checked`) {
			t.Fatalf("draft not restored:\n%.5000s", body)
		}

		// Another user of the same team never sees it.
		_, body = env.get(env.client("senior_practitioner"), page)
		if strings.Contains(body, "Check every 30 minutes") || strings.Contains(body, "You have a draft") {
			t.Fatal("another user sees the draft")
		}

		// Discard: gone, and the form starts afresh.
		resp, _ = env.postForm(again, page, draftForm("discard"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
			t.Fatalf("discard: %d", resp.StatusCode)
		}
		_, body = env.get(again, page)
		if strings.Contains(body, "Check every 30 minutes") || strings.Contains(body, "You have a draft") || !strings.Contains(body, "Draft discarded") {
			t.Fatalf("after discard:\n%.3000s", body)
		}

		// A successful submit deletes the draft.
		env.postForm(again, page, draftForm("save", screeningDraftValues("Check every 15 minutes")...))
		if env.draftCount(me) != 1 {
			t.Fatal("draft not saved")
		}
		resp, body = env.postForm(again, page, draftForm("", screeningDraftValues("Check every 15 minutes")...))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/episodes/"+strconv.FormatInt(id, 10)+"/screening" {
			t.Fatalf("submit: %d\n%.3000s", resp.StatusCode, body)
		}
		if n := env.draftCount(me); n != 0 {
			t.Errorf("%d drafts left after submit", n)
		}

		// Saved, restored and discarded drafts are audited, without what was typed.
		for _, detail := range []string{"draft saved: " + page, "draft restored: " + page, "draft discarded: " + page} {
			if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE user_id = ? AND record_type = 'episode' AND record_id = ? AND detail = ?`, me, id, detail); n == 0 {
				t.Errorf("no audit event %q", detail)
			}
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%minutes%'`); n != 0 {
			t.Error("typed text reached the audit trail")
		}
	})
}

func TestDraftNotRestoredWithoutAccess(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, _ := env.screeningEpisode()
		page := "/episodes/" + strconv.FormatInt(id, 10) + "/screening/full"
		me := env.Users["practitioner"]
		c := env.client("practitioner")
		env.postForm(c, page, draftForm("save", screeningDraftValues("Secret advice")...))
		if env.draftCount(me) != 1 {
			t.Fatal("draft not saved")
		}
		// The episode moves to another team: the practitioner can no
		// longer open it, so neither the form nor its draft opens.
		court := env.addTeam("Court team")
		if _, err := env.DB.Exec(context.Background(), `UPDATE episodes SET team_id = ? WHERE id = ?`, court, id); err != nil {
			t.Fatal(err)
		}
		resp, body := env.get(c, page)
		if resp.StatusCode == 200 || strings.Contains(body, "Secret advice") {
			t.Fatalf("draft shown without access: %d\n%.3000s", resp.StatusCode, body)
		}
		// Nor can a draft be saved, autosaved or discarded there.
		if resp, _ := env.postForm(c, page, draftForm("save", "advice_to_custody", "Overwritten")); resp.StatusCode == http.StatusSeeOther && strings.Contains(resp.Header.Get("Location"), "draft=saved") {
			t.Error("draft saved without access")
		}
		if resp, _ := env.autosave(c, page, url.Values{"advice_to_custody": {"Overwritten"}}); resp.StatusCode == 200 {
			t.Error("draft autosaved without access")
		}
		env.postForm(c, page, draftForm("discard"))
		if n := env.count(`SELECT COUNT(*) FROM drafts WHERE user_id = ? AND form_values LIKE '%Secret advice%'`, me); n != 1 {
			t.Error("a draft was changed without access to its record")
		}
	})
}

func TestDraftAutosaveDoesNotExtendSession(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, _ := env.screeningEpisode()
		page := "/episodes/" + strconv.FormatInt(id, 10) + "/screening/full"
		me := env.Users["practitioner"]
		c := env.client("practitioner")
		env.get(c, page)
		seen := env.lastSeen(me)

		// Ten minutes of typing, autosaved: the session is not kept alive.
		env.advance(10 * time.Minute)
		resp, body := env.autosave(c, page, url.Values{"advice_to_custody": {"Autosaved advice"}})
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"message": "Draft saved 09:40"`) {
			t.Fatalf("autosave: %d %s", resp.StatusCode, body)
		}
		if got := env.lastSeen(me); !got.Equal(seen.Time) {
			t.Fatalf("autosave counted as activity: last seen %v, was %v", got, seen)
		}
		// A page the user opens does count (the contrast that makes this test able to fail).
		other := env.client("senior_practitioner")
		env.get(other, page)
		if !env.lastSeen(env.Users["senior_practitioner"]).After(seen.Time) {
			t.Fatal("a page view did not count as activity")
		}
		// Autosave is only ever a background request.
		v := url.Values{"advice_to_custody": {"x"}, draftField: {"autosave"}}
		if resp, _ := env.postForm(other, page, v); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("autosave in the foreground: %d", resp.StatusCode)
		}

		// Idle past the time-out: signed out despite the autosaves.
		env.advance(6 * time.Minute)
		resp, _ = env.get(c, page)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
			t.Fatalf("still signed in after 16 idle minutes: %d", resp.StatusCode)
		}
		// The draft is there after signing in again.
		_, body = env.get(env.clientFor(me), page)
		if !strings.Contains(body, "Autosaved advice") || !strings.Contains(body, "You have a draft from 09:40") {
			t.Fatalf("autosaved draft not restored:\n%.4000s", body)
		}
	})
}

func TestDraftKeptAfterIdleSignOut(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		id, _ := env.screeningEpisode()
		page := "/episodes/" + strconv.FormatInt(id, 10) + "/screening/full"
		me := env.Users["practitioner"]
		c := env.client("practitioner")
		env.get(c, page)

		// Typing for 20 minutes: the session ended meanwhile. An autosave
		// now is kept, and says the user is signed out.
		env.advance(20 * time.Minute)
		resp, body := env.autosave(c, page, url.Values{"advice_to_custody": {"Autosaved while signed out"}, "version": {"1"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"signed_out": true`) || !strings.Contains(body, `"kept": true`) {
			t.Fatalf("autosave after sign-out: %d %s", resp.StatusCode, body)
		}
		// So is the form when the user presses Save.
		resp, _ = env.postForm(c, page, draftForm("", screeningDraftValues("Typed while signed out")...))
		signIn := "/sign-in?next=" + url.QueryEscape(page)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != signIn {
			t.Fatalf("post after idle sign-out: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if n := env.count(`SELECT COUNT(*) FROM screenings`); n != 0 {
			t.Fatal("a form posted after sign-out was saved")
		}
		if env.draftCount(me) != 1 {
			t.Fatal("what was typed was not kept as a draft")
		}
		// The sign-in page says so and returns to the form.
		_, body = env.get(c, signIn)
		if !strings.Contains(body, "kept as a draft: sign in to carry on") || !strings.Contains(body, `name="next" value="`+page+`"`) {
			t.Fatalf("sign-in page:\n%.3000s", body)
		}
		// Signed in again, the form opens with the draft.
		_, body = env.get(env.clientFor(me), page)
		if !strings.Contains(body, "Typed while signed out") || !strings.Contains(body, "it has been restored") {
			t.Fatalf("kept draft not restored:\n%.4000s", body)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE user_id = ? AND detail = ?`, me, "draft kept after the session ended: "+page); n != 2 {
			t.Errorf("%d kept-draft audit events, want 2", n)
		}

		// After signing out on purpose, nothing is kept.
		d := env.client("practitioner")
		env.postForm(d, "/sign-out", url.Values{})
		env.postForm(d, page, draftForm("", "advice_to_custody", "After sign-out"))
		if n := env.count(`SELECT COUNT(*) FROM drafts WHERE form_values LIKE '%After sign-out%'`); n != 0 {
			t.Error("a form posted after signing out was kept")
		}
		// Without any session there is nothing to keep: sign in and come back.
		resp, _ = env.postForm(env.anon(), page, draftForm("", "advice_to_custody", "Anonymous"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != signIn {
			t.Errorf("anonymous post: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestDraftOfChangedRecordCannotOverwrite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		resp, _ := env.postForm(c, "/people/new", personForm("Robin", "Hart", "9", "9", "1999"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		edit := resp.Header.Get("Location") + "/edit"
		mine := personForm("Robin", "Hart", "9", "9", "1999")
		mine.Set("preferred_language", "Welsh")
		mine.Set("version", "1")
		mine.Set(draftField, "save")
		env.postForm(c, edit, mine)

		// Someone else saves a change first.
		theirs := personForm("Robin", "Hart", "9", "9", "1999")
		theirs.Set("preferred_language", "Polish")
		theirs.Set("version", "1")
		if resp, _ := env.postForm(env.client("senior_practitioner"), edit, theirs); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("their edit: %d", resp.StatusCode)
		}

		// The draft is restored at its own version, with a warning…
		_, body := env.get(c, edit)
		if !strings.Contains(body, "changed after you started it") || !strings.Contains(body, "cannot be saved over that change") ||
			!strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, `value="Welsh"`) {
			t.Fatalf("restored stale draft:\n%.5000s", body)
		}
		// …so saving it is refused, and their change stands.
		mine.Del(draftField)
		resp, body = env.postForm(c, edit, mine)
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") || !strings.Contains(body, "nhsuk-error-summary") {
			t.Fatalf("stale draft submitted: %d\n%.3000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM people WHERE preferred_language = 'Polish'`); n != 1 {
			t.Fatal("the stale draft overwrote the other change")
		}
		// Discarding the draft opens the latest version.
		env.postForm(c, edit, draftForm("discard"))
		_, body = env.get(c, edit)
		if !strings.Contains(body, `name="version" value="2"`) || !strings.Contains(body, `value="Polish"`) || strings.Contains(body, "You have a draft") {
			t.Fatalf("after discard:\n%.4000s", body)
		}
	})
}

// TestEveryLongFormSavesAsDraft saves and restores a draft on each long form.
func TestEveryLongFormSavesAsDraft(t *testing.T) {
	env := newTestEnv(t)
	id, _ := env.screeningEpisode()
	ep := "/episodes/" + strconv.FormatInt(id, 10)
	c := env.client("practitioner")
	resp, _ := env.postForm(c, ep+"/slt-request", url.Values{"reason": {"Could not explain the caution back"}, "urgency": {"routine"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("SLT request: %d", resp.StatusCode)
	}
	var rid int64
	if err := env.DB.QueryRow(context.Background(), `SELECT id FROM slt_requests WHERE episode_id = ?`, id).Scan(&rid); err != nil {
		t.Fatal(err)
	}
	resp, _ = env.postForm(c, "/people/new", personForm("Sam", "Lee", "1", "2", "2000"))
	person := resp.Header.Get("Location")
	forms := []struct {
		role, path, field string
	}{
		{"practitioner", ep + "/screening/full", "advice_to_custody"},
		{"practitioner", ep + "/screening/minimum", "advice_to_custody"},
		{"practitioner", ep + "/assessment/new", "formulation"},
		{"practitioner", ep + "/contacts/direct", "summary"},
		{"practitioner", ep + "/contacts/indirect", "summary"},
		{"practitioner", ep + "/outcomes/custody", "notes"},
		{"practitioner", ep + "/outcomes/court", "notes"},
		{"practitioner", "/people/new", "given_name"},
		{"practitioner", person + "/edit", "given_name"},
		{"slt", "/slt/" + strconv.FormatInt(rid, 10) + "/profile", "strengths"},
	}
	for i, f := range forms {
		c := env.client(f.role)
		marker := "Draft marker " + strconv.Itoa(i)
		resp, body := env.postForm(c, f.path, draftForm("save", f.field, marker, "version", "1"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != f.path+"?draft=saved" {
			t.Errorf("%s: save draft %d %q\n%.1000s", f.path, resp.StatusCode, resp.Header.Get("Location"), body)
			continue
		}
		resp, body = env.get(c, f.path)
		if resp.StatusCode != 200 || !strings.Contains(body, marker) || !strings.Contains(body, "You have a draft") || !strings.Contains(body, "Save as draft") {
			t.Errorf("%s: draft not restored: %d\n%.3000s", f.path, resp.StatusCode, body)
		}
	}
}

// TestDraftRoutesHaveTheirForm checks every route that keeps drafts is a
// form POST whose page is a GET of the same path, so signing in again
// returns to the form, where the draft is restored.
func TestDraftRoutesHaveTheirForm(t *testing.T) {
	env := newTestEnv(t)
	gets := map[string]bool{}
	for _, rt := range env.Server.Routes() {
		if rt.Method == "GET" {
			gets[rt.Pattern] = true
		}
	}
	n := 0
	for _, rt := range env.Server.Routes() {
		if rt.Draft == nil {
			continue
		}
		n++
		if rt.Method != "POST" || rt.API() || !rt.Personal || !gets[rt.Pattern] {
			t.Errorf("%s %s keeps drafts but is not a personal form POST with a GET page", rt.Method, rt.Pattern)
		}
	}
	if n < 9 {
		t.Errorf("only %d routes keep drafts", n)
	}
}

// TestDraftsPurgedByTheCleanUpJob checks the session clean-up job (under its
// lease) purges drafts older than 14 days.
func TestDraftsPurgedByTheCleanUpJob(t *testing.T) {
	env := newTestEnv(t)
	id, _ := env.screeningEpisode()
	page := "/episodes/" + strconv.FormatInt(id, 10) + "/screening/full"
	me := env.Users["practitioner"]
	env.postForm(env.client("practitioner"), page, draftForm("save", "advice_to_custody", "Old draft"))
	env.Server.cleanUpSessions(context.Background(), "test")
	if env.draftCount(me) != 1 {
		t.Fatal("a fresh draft was purged")
	}
	env.advance(15 * 24 * time.Hour)
	env.Server.cleanUpSessions(context.Background(), "test")
	if n := env.draftCount(me); n != 0 {
		t.Fatalf("%d drafts left after 15 days", n)
	}
}
