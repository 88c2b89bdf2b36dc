package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// apiEpisode quick-identifies someone through the API and returns the
// episode's page path (/episodes/N) and its person id.
func (env *testEnv) apiEpisode(tok, given, family string) (page, person string) {
	env.t.Helper()
	site := env.addSite()
	resp, body := env.api("POST", "/api/v1/episodes", tok, `{"given_name":"`+given+`","family_name":"`+family+`","site_id":"`+itoa(int(site))+`","alerted_at":"2026-11-23T08:00:00Z"}`)
	if resp.StatusCode != 201 {
		env.t.Fatalf("quick identify: %d %s", resp.StatusCode, body)
	}
	var e episodeJSON
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		env.t.Fatal(err)
	}
	return "/episodes/" + e.ID, e.PersonID
}

var noteIDInLocation = regexp.MustCompile(`#note-(\d+)$`)

func noteForm(text, day, clock string, restricted bool) url.Values {
	v := url.Values{"text": {text}, "occurred_at-day": {day}, "occurred_at-month": {"11"}, "occurred_at-year": {"2026"}, "occurred_at-time": {clock}}
	if restricted {
		v.Set("restricted_to_team", "yes")
	}
	return v
}

func TestNotesPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		page, person := env.apiEpisode(env.token("practitioner"), "Nell", "Notes")
		c := env.client("practitioner")
		resp, body := env.get(c, page)
		if resp.StatusCode != 200 || !strings.Contains(body, `href="`+page+`/notes"`) {
			t.Fatalf("episode page lacks the notes link: %d", resp.StatusCode)
		}
		resp, body = env.get(c, page+"/notes")
		if resp.StatusCode != 200 || !strings.Contains(body, "Add a note") || !strings.Contains(body, "No notes yet") {
			t.Fatalf("notes page: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, page+"/notes", noteForm("", "23", "09:00", false))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#text"`) {
			t.Fatalf("empty note: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, page+"/notes", noteForm("Seen in cell 4.\nCalm and settled.", "23", "09:00", false))
		m := noteIDInLocation.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("add note: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		first := m[1]
		resp, _ = env.postForm(c, page+"/notes", noteForm("Disclosed abuse at home.", "20", "22:00", true))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add restricted note: %d", resp.StatusCode)
		}
		_, body = env.get(c, page+"/notes")
		for _, want := range []string{"Note added", "Seen in cell 4.<br>Calm and settled.", "Disclosed abuse at home.", "Restricted to the team", "Late entry"} {
			if !strings.Contains(body, want) {
				t.Errorf("notes page lacks %q", want)
			}
		}

		// Amend: the form starts from the original; the original stays.
		resp, body = env.get(c, page+"/notes/"+first+"/amend")
		if resp.StatusCode != 200 || !strings.Contains(body, "Seen in cell 4.\nCalm and settled.</textarea>") {
			t.Fatalf("amend form: %d\n%.3000s", resp.StatusCode, body)
		}
		amend := noteForm("Seen in cell 5.\nCalm and settled.", "23", "09:00", false)
		amend.Set("amends_note_id", first)
		resp, _ = env.postForm(c, page+"/notes", amend)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("amend: %d", resp.StatusCode)
		}
		_, body = env.get(c, page+"/notes")
		if !strings.Contains(body, "Seen in cell 4.") || !strings.Contains(body, "Seen in cell 5.") || !strings.Contains(body, "Amended: see") {
			t.Errorf("after amendment:\n%.5000s", body)
		}
		resp, body = env.postForm(c, page+"/notes", amend)
		if resp.StatusCode != 422 || !strings.Contains(body, "already been amended") {
			t.Errorf("second amendment of the original: %d", resp.StatusCode)
		}

		// Entered in error: a reason is needed; the note stays, struck through.
		resp, _ = env.get(c, page+"/notes/"+first+"/entered-in-error")
		if resp.StatusCode != 200 {
			t.Fatalf("entered-in-error form: %d", resp.StatusCode)
		}
		resp, body = env.postForm(c, page+"/notes/"+first+"/entered-in-error", url.Values{"reason": {""}})
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) {
			t.Fatalf("no reason: %d\n%.2000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, page+"/notes/"+first+"/entered-in-error", url.Values{"reason": {"Wrong person's record"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark entered in error: %d", resp.StatusCode)
		}
		_, body = env.get(c, page+"/notes")
		if !strings.Contains(body, "<del>") || !strings.Contains(body, "Wrong person&#39;s record") || !strings.Contains(body, "Seen in cell 4.") {
			t.Errorf("entered in error not shown:\n%.5000s", body)
		}

		// No route edits or deletes a note.
		for _, rt := range env.Server.Routes() {
			if strings.Contains(rt.Pattern, "/notes") && rt.Method != "GET" && rt.Method != "POST" {
				t.Errorf("route %s %s changes notes", rt.Method, rt.Pattern)
			}
			if strings.Contains(rt.Pattern, "/notes/{note_id}") && rt.Method == "POST" && !strings.HasSuffix(rt.Pattern, "/entered-in-error") {
				t.Errorf("route %s %s posts to a note", rt.Method, rt.Pattern)
			}
		}

		// Another team's practitioner: break-glass first, then the restricted
		// note shows only that it exists.
		other := env.otherTeamPractitioner()
		resp, _ = env.get(other, page+"/notes")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/people/"+person {
			t.Fatalf("other team without break-glass: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = env.postForm(other, "/people/"+person+"/break-glass", url.Values{"reason": {"Court asked for an urgent update"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("break-glass: %d", resp.StatusCode)
		}
		resp, body = env.get(other, page+"/notes")
		if resp.StatusCode != 200 || strings.Contains(body, "Disclosed abuse") || !strings.Contains(body, "A note restricted to the team") || !strings.Contains(body, "Seen in cell 5.") {
			t.Errorf("break-glass reader: %d\n%.5000s", resp.StatusCode, body)
		}
		if strings.Contains(body, "/amend") {
			t.Errorf("break-glass reader offered an amendment")
		}
	})
}

func TestNotesAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("practitioner")
		page, _ := env.apiEpisode(tok, "Ava", "Api")
		base := "/api/v1" + page + "/notes"
		resp, body := env.api("POST", base, tok, `{"text":"","occurred_at":"2026-11-23T09:00:00Z"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"text"`) {
			t.Fatalf("invalid: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base, tok, `{"text":"Phoned the custody nurse.","occurred_at":"2026-11-23T09:00:00Z","restricted_to_team":true}`)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 201 || !strings.HasPrefix(loc, base+"/") || !strings.Contains(body, `"restricted_to_team": true`) {
			t.Fatalf("create: %d %s %s", resp.StatusCode, loc, body)
		}
		var n noteJSON
		if err := json.Unmarshal([]byte(body), &n); err != nil {
			t.Fatal(err)
		}
		resp, body = env.api("POST", base, tok, `{"text":"Phoned the custody nurse at 09:05.","occurred_at":"2026-11-23T09:05:00Z","amends_note_id":"`+n.ID+`"}`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"amends_note_id": "`+n.ID+`"`) {
			t.Fatalf("amend: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", loc, tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"amended_by_note_id"`) || !strings.Contains(body, "Phoned the custody nurse.") {
			t.Errorf("get original: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/entered-in-error", tok, `{"reason":""}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"reason"`) {
			t.Errorf("no reason: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", loc+"/entered-in-error", tok, `{"reason":"Wrong episode"}`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"entered_in_error"`) || !strings.Contains(body, "Phoned the custody nurse.") {
			t.Errorf("entered in error: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", base, tok, "")
		var list noteListJSON
		if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != 200 || len(list.Items) != 2 || list.Items[0].AmendsNoteID != n.ID {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		for _, m := range []string{"PATCH", "PUT", "DELETE"} {
			if resp, _ := env.api(m, loc, tok, `{"text":"x"}`); resp.StatusCode < 400 {
				t.Errorf("%s of a note: %d", m, resp.StatusCode)
			}
		}
	})
}
