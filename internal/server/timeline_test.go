package server

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// timelinePerson records a person with an episode of the test team (55
// notes, a contact and one marked entered in error, so the timeline has
// two pages) and an episode of a court team the practitioner is not in.
func (env *testEnv) timelinePerson() (person int64, e1, e2 sqlstore.Episode, firstNote int64) {
	env.t.Helper()
	ctx := liaise.WithActor(context.Background(), env.taskActor("practitioner"))
	var err error
	start := env.clock().Add(-72 * time.Hour)
	e1, err = env.DB.QuickIdentify(ctx, sqlstore.QuickIdentifyInput{GivenName: "Robin", FamilyName: "Hart", SiteID: env.addSite(), AlertedAt: liaise.NewTime(start)})
	if err != nil {
		env.t.Fatal(err)
	}
	for i := range 55 {
		n, err := env.DB.AddNote(ctx, e1.ID, sqlstore.NoteInput{Text: fmt.Sprintf("Note number %d", i), OccurredAt: liaise.NewTime(start.Add(time.Duration(i+1) * time.Hour))})
		if err != nil {
			env.t.Fatal(err)
		}
		if i == 0 {
			firstNote = n.ID
		}
	}
	wrong := sqlstore.Contact{Kind: sqlstore.ContactIndirect, OccurredAt: liaise.NewTime(start.Add(60 * time.Hour)), Minutes: 10,
		CounterpartAgencyType: "police", Summary: "Wrong person"}
	if err := env.DB.AddContact(ctx, e1.ID, &wrong); err != nil {
		env.t.Fatal(err)
	}
	if err := env.DB.MarkContactInError(ctx, e1.ID, wrong.ID, "Recorded against the wrong person"); err != nil {
		env.t.Fatal(err)
	}
	// The court team's episode.
	team := env.addTeam("Court team")
	var site int64
	err = env.DB.Update(context.Background(), func(tx *sqlstore.Tx) error {
		site, err = tx.InsertID(context.Background(), `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Test magistrates court', 'magistrates_court', 'N02', '24/7', ?, ?)`, env.Provider, team, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		env.t.Fatal(err)
	}
	u := &liaise.User{ProviderID: env.Provider, Username: "court-prac", DisplayName: "Court Practitioner", RoleCode: "practitioner",
		Memberships: []liaise.Membership{{TeamID: team}}}
	if err := env.DB.CreateUser(liaise.WithActor(context.Background(), liaise.SystemActor("test")), u, ""); err != nil {
		env.t.Fatal(err)
	}
	env.Users["court_practitioner"] = u.ID
	e2, err = env.DB.QuickIdentify(liaise.WithActor(context.Background(), env.taskActor("court_practitioner")), sqlstore.QuickIdentifyInput{
		PersonID: e1.PersonID, SiteID: site, AlertedAt: liaise.NewTime(start.Add(70 * time.Hour))})
	if err != nil {
		env.t.Fatal(err)
	}
	return e1.PersonID, e1, e2, firstNote
}

// hrefAfter returns the first href in body after marker.
func hrefAfter(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %q in page", marker)
	}
	j := strings.LastIndex(body[:i], `href="`)
	if j < 0 {
		t.Fatalf("no link before %q", marker)
	}
	h := body[j+len(`href="`):]
	return html.UnescapeString(h[:strings.IndexByte(h, '"')])
}

func TestPersonTimelinePage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		person, e1, e2, firstNote := env.timelinePerson()
		page := "/people/" + strconv.FormatInt(person, 10)
		c := env.client("practitioner")
		resp, body := env.get(c, page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d\n%.2000s", resp.StatusCode, body)
		}
		body = html.UnescapeString(body)
		e1Href := "/episodes/" + strconv.FormatInt(e1.ID, 10)
		for _, want := range []string{`id="timeline"`, "Note number 54", `href="` + e1Href + `/notes#note-`, `href="` + e1Href + `/contacts"`,
			"Entered in error", "Marked as entered in error: Recorded against the wrong person", "<del>", ">Case note<", "Test custody team",
			"1 episode with another team is not shown.", "Open it with a reason", `name="scope" value="episodes"`, "Older entries", "Alerts"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "Court team") || strings.Contains(body, "/episodes/"+strconv.FormatInt(e2.ID, 10)) {
			t.Error("another team's episode is shown")
		}
		if strings.Index(body, "Alerts") > strings.Index(body, `id="timeline"`) {
			t.Error("alerts are not first")
		}
		// One audit event for the whole read, with the person as subject.
		if n := env.count(`SELECT COUNT(*) FROM audit_events e JOIN audit_subjects s ON s.seq = e.seq
			WHERE e.request_id = ? AND e.record_type = 'person' AND e.record_id = ? AND s.subject_id = ?`, resp.Header.Get("X-Request-Id"), person, person); n != 1 {
			t.Errorf("audit events for the page: %d", n)
		}

		// The older page holds the rest: the first note and the episode's opening.
		older := hrefAfter(t, body, "Older entries")
		if !strings.HasPrefix(older, page+"?before=") {
			t.Fatalf("older link %q", older)
		}
		resp, body = env.get(c, older)
		body = html.UnescapeString(body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Note number 0") || !strings.Contains(body, "Episode opened: L&amp;D alerted") && !strings.Contains(body, "Episode opened: L&D alerted") ||
			!strings.Contains(body, `href="`+e1Href+`"`) || !strings.Contains(body, "#note-"+strconv.FormatInt(firstNote, 10)) ||
			strings.Contains(body, "Note number 54") || strings.Contains(body, "Older entries") || !strings.Contains(body, "Newest entries") {
			t.Fatalf("older page: %d\n%.6000s", resp.StatusCode, body)
		}

		// A malformed cursor is a clear error.
		resp, body = env.get(c, page+"?before=not-a-cursor")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The link to older entries is not valid") {
			t.Errorf("bad cursor: %d\n%.2000s", resp.StatusCode, body)
		}

		// Break-glass from the timeline opens the court team's episode.
		resp, body = env.postForm(c, page+"/break-glass", url.Values{"scope": {"episodes"}, "reason": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Open this person") || !strings.Contains(body, `value="episodes"`) {
			t.Errorf("short reason: %d", resp.StatusCode)
		}
		resp, _ = env.postForm(c, page+"/break-glass", url.Values{"scope": {"episodes"}, "reason": {"Seen at court this morning for the hearing"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"#timeline" {
			t.Fatalf("break-glass: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(c, page)
		if !strings.Contains(body, "Court team") || !strings.Contains(body, "Opened by break-glass") || strings.Contains(body, "is not shown") {
			t.Errorf("after break-glass:\n%.4000s", body)
		}

		// The court team works with the person: it opens the record
		// without break-glass and sees its own episode only.
		resp, body = env.get(env.client("court_practitioner"), page)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Court team") || strings.Contains(body, "Note number") {
			t.Errorf("court practitioner: %d", resp.StatusCode)
		}

		// Another provider's user: not found.
		env.otherProviderToken()
		if resp, _ := env.get(env.client("other_practitioner"), page); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other provider page: %d", resp.StatusCode)
		}
	})
}

type timelineAPIItem struct {
	Type           string `json:"type"`
	ID             string `json:"id"`
	EpisodeID      string `json:"episode_id"`
	OccurredAt     string `json:"occurred_at"`
	RecordedAt     string `json:"recorded_at"`
	RecordedBy     string `json:"recorded_by"`
	Title          string `json:"title"`
	TeamName       string `json:"team_name"`
	EnteredInError bool   `json:"entered_in_error"`
	ErrorReason    string `json:"error_reason"`
	LateEntry      bool   `json:"late_entry"`
	Href           string `json:"href"`
}

type timelineAPIPage struct {
	Items           []timelineAPIItem `json:"items"`
	NextCursor      string            `json:"next_cursor"`
	SkippedEpisodes int               `json:"skipped_episodes"`
}

func TestPersonTimelineAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		person, e1, _, _ := env.timelinePerson()
		path := "/api/v1/people/" + strconv.FormatInt(person, 10) + "/timeline"
		tok := env.token("practitioner")
		resp, body := env.api("GET", path, tok, "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("status %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		for _, key := range []string{`"items"`, `"next_cursor"`, `"skipped_episodes"`, `"occurred_at"`, `"recorded_by"`, `"entered_in_error"`, `"late_entry"`, `"episode_id"`, `"team_name"`} {
			if !strings.Contains(body, key) {
				t.Errorf("response lacks %s", key)
			}
		}
		var p1 timelineAPIPage
		if err := json.Unmarshal([]byte(body), &p1); err != nil {
			t.Fatal(err)
		}
		if len(p1.Items) != 50 || p1.NextCursor == "" || p1.SkippedEpisodes != 1 {
			t.Fatalf("first page: %d items, next %q, skipped %d", len(p1.Items), p1.NextCursor, p1.SkippedEpisodes)
		}
		first, second := p1.Items[0], p1.Items[1]
		if first.Type != "record" || first.Title != "Record created" || first.EpisodeID != "" || first.Href != "" {
			t.Errorf("first item %+v", first)
		}
		if second.Type != "contact" || second.ID == "" || second.RecordedBy != "Test Practitioner" || second.TeamName != "Test custody team" ||
			second.Href != "/episodes/"+strconv.FormatInt(e1.ID, 10)+"/contacts" || !second.EnteredInError {
			t.Errorf("second item %+v", second)
		}
		if _, err := time.Parse(time.RFC3339, first.OccurredAt); err != nil {
			t.Errorf("occurred_at %q", first.OccurredAt)
		}
		var inError bool
		for _, it := range p1.Items {
			if it.EpisodeID != "" && it.EpisodeID != strconv.FormatInt(e1.ID, 10) {
				t.Errorf("item of another episode: %+v", it)
			}
			inError = inError || it.EnteredInError && it.ErrorReason == "Recorded against the wrong person"
		}
		if !inError {
			t.Error("entered-in-error entry not flagged")
		}
		resp, body = env.api("GET", path+"?cursor="+url.QueryEscape(p1.NextCursor), tok, "")
		var p2 timelineAPIPage
		if err := json.Unmarshal([]byte(body), &p2); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("second page: %d %v", resp.StatusCode, err)
		}
		seen := map[string]bool{}
		for _, it := range append(p1.Items, p2.Items...) {
			k := it.Type + "/" + it.ID
			if seen[k] {
				t.Errorf("%s on both pages", k)
			}
			seen[k] = true
		}
		if p2.NextCursor != "" || len(p2.Items) == 0 || p2.Items[len(p2.Items)-1].Type != "episode" {
			t.Errorf("second page: %d items, next %q", len(p2.Items), p2.NextCursor)
		}
		// limit pages too.
		resp, body = env.api("GET", path+"?limit=2", tok, "")
		var small timelineAPIPage
		json.Unmarshal([]byte(body), &small)
		if resp.StatusCode != http.StatusOK || len(small.Items) != 2 || small.Items[0] != p1.Items[0] || small.NextCursor == "" {
			t.Errorf("limit 2: %d %d items", resp.StatusCode, len(small.Items))
		}
		// Bad cursor and bad limit: 422 problems naming the parameter.
		for _, q := range []string{"?cursor=not-a-cursor", "?cursor=eyJ2IjoxfQ", "?limit=abc", "?limit=51"} {
			resp, body = env.api("GET", path+q, tok, "")
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
				t.Errorf("%s: %d %s", q, resp.StatusCode, body)
			}
		}
		// The break-glass header opens the court team's episode too.
		resp, body = env.api("GET", path+"?limit=50", tok, "", "X-Liaise-Break-Glass-Reason", "Seen at court this morning for the hearing")
		var bg timelineAPIPage
		json.Unmarshal([]byte(body), &bg)
		if resp.StatusCode != http.StatusOK || bg.SkippedEpisodes != 0 || bg.Items[1].Type != "episode" || bg.Items[1].TeamName != "Court team" {
			t.Errorf("break-glass header: %d skipped %d first %+v", resp.StatusCode, bg.SkippedEpisodes, bg.Items[:2])
		}
		// Another provider: 404.
		if resp, _ := env.api("GET", path, env.otherProviderToken(), ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other provider: %d", resp.StatusCode)
		}
		// An unknown person: 404.
		if resp, _ := env.api("GET", "/api/v1/people/999999/timeline", tok, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown person: %d", resp.StatusCode)
		}
	})
}
