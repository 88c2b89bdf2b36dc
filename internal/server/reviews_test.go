package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"liaise"
)

// breakGlassOpening records a person in env.Team and has a practitioner of
// another team open it by break-glass through the page; it returns the
// review row's id.
func (env *testEnv) breakGlassOpening(c *http.Client, given, family string) (person, review int64) {
	env.t.Helper()
	ctx := context.Background()
	a, err := env.DB.LoadActor(ctx, env.Users["practitioner"])
	if err != nil {
		env.t.Fatal(err)
	}
	p := &liaise.Person{IdentityStatus: liaise.IdentityAsGiven, Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: given, Family: family}}, DOBUnknown: true, EstimatedAge: 30}
	if _, err := env.DB.CreatePerson(liaise.WithActor(ctx, a), p, true); err != nil {
		env.t.Fatal(err)
	}
	href := "/people/" + strconv.FormatInt(p.ID, 10)
	resp, _ := env.postForm(c, href+"/break-glass", url.Values{"reason": {"Brought into the court cells this morning"}})
	if resp.StatusCode != http.StatusSeeOther {
		env.t.Fatalf("break-glass: %d", resp.StatusCode)
	}
	if err := env.DB.QueryRow(ctx, `SELECT MAX(id) FROM break_glass_reviews WHERE person_id = ?`, p.ID).Scan(&review); err != nil {
		env.t.Fatal(err)
	}
	return p.ID, review
}

func TestBreakGlassReviewPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		court := env.otherTeamPractitioner()
		person, id := env.breakGlassOpening(court, "Amy", "Opened")
		sid := strconv.FormatInt(id, 10)
		cg := env.client("caldicott_guardian")

		resp, body := env.get(cg, "/reviews/break-glass")
		if resp.StatusCode != 200 || !strings.Contains(body, "Court Practitioner") || !strings.Contains(body, "Amy Opened") ||
			!strings.Contains(body, `href="/people/`+strconv.FormatInt(person, 10)+`"`) || !strings.Contains(body, "Brought into the court cells this morning") ||
			!strings.Contains(body, `action="/reviews/break-glass/`+sid+`"`) || !strings.Contains(body, `href="/reviews/break-glass"`) {
			t.Fatalf("pending page: %d\n%.4000s", resp.StatusCode, body)
		}
		if resp, _ := env.get(env.client("practitioner"), "/reviews/break-glass"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner: %d, want 403", resp.StatusCode)
		}
		if _, body := env.get(env.client("practitioner"), "/"); strings.Contains(body, `href="/reviews/break-glass"`) {
			t.Error("practitioner has the Reviews navigation item")
		}

		// A comment is needed when the access needs follow-up.
		resp, body = env.postForm(cg, "/reviews/break-glass/"+sid, url.Values{"outcome": {"needs_follow_up"}, "status": {"pending"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#comment-`+sid+`"`) || !strings.Contains(body, `id="comment-`+sid+`-error"`) {
			t.Fatalf("missing comment: %d\n%.4000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(cg, "/reviews/break-glass/"+sid, url.Values{"outcome": {"appropriate"}, "status": {"pending"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reviews/break-glass?status=pending" {
			t.Fatalf("review: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(cg, resp.Header.Get("Location"))
		if !strings.Contains(body, "Review recorded.") || !strings.Contains(body, "No openings are waiting for review.") {
			t.Errorf("after review:\n%.4000s", body)
		}
		_, body = env.get(cg, "/reviews/break-glass?status=reviewed")
		if !strings.Contains(body, "Amy Opened") || !strings.Contains(body, "nhsuk-tag--green") || !strings.Contains(body, "By Test Caldicott Guardian") {
			t.Errorf("reviewed list:\n%.4000s", body)
		}
		// Only once.
		resp, body = env.postForm(cg, "/reviews/break-glass/"+sid, url.Values{"outcome": {"inappropriate"}, "comment": {"Second thoughts"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already reviewed by Test Caldicott Guardian") {
			t.Errorf("second review: %d\n%.3000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE record_type = 'break_glass_review' AND action = ? AND record_id = ?`, liaise.AuditUpdate, id); n != 1 {
			t.Errorf("review audit events: %d", n)
		}

		// The API: list and review another opening.
		_, id2 := env.breakGlassOpening(court, "Ben", "Second")
		tok := env.token("caldicott_guardian")
		resp, body = env.api("GET", "/api/v1/reviews/break-glass", tok, "")
		var list struct {
			Items []struct {
				ID, PersonName, Status, StaffName string
			}
		}
		if err := json.Unmarshal([]byte(body), &list); resp.StatusCode != 200 || err != nil || len(list.Items) != 1 || list.Items[0].ID != strconv.FormatInt(id2, 10) {
			t.Fatalf("API list: %d %v\n%s", resp.StatusCode, err, body)
		}
		if !strings.Contains(body, `"person_name": "Ben Second"`) || !strings.Contains(body, `"staff_name": "Court Practitioner"`) || !strings.Contains(body, `"status": "pending"`) {
			t.Errorf("API list body: %s", body)
		}
		path := "/api/v1/reviews/break-glass/" + strconv.FormatInt(id2, 10)
		if resp, body := env.api("POST", path, tok, `{"outcome":"inappropriate"}`); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"comment"`) {
			t.Errorf("API without comment: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", path, tok, `{"outcome":"inappropriate","comment":"No custody involvement that day"}`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"status": "reviewed"`) || !strings.Contains(body, `"outcome": "inappropriate"`) {
			t.Errorf("API review: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("POST", path, tok, `{"outcome":"appropriate"}`); resp.StatusCode != http.StatusConflict {
			t.Errorf("API second review: %d", resp.StatusCode)
		}
		if resp, _ := env.api("GET", "/api/v1/reviews/break-glass", env.token("practitioner"), ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("API as practitioner: %d", resp.StatusCode)
		}
		// Another provider's guardian sees none of it.
		other := &liaise.User{ProviderID: env.OtherProvider, Username: "other-cg", DisplayName: "Other Guardian", RoleCode: "caldicott_guardian",
			Memberships: []liaise.Membership{{TeamID: env.OtherTeam}}}
		if err := env.DB.CreateUser(liaise.WithActor(context.Background(), liaise.SystemActor("test")), other, ""); err != nil {
			t.Fatal(err)
		}
		_, body = env.get(env.clientFor(other.ID), "/reviews/break-glass?status=all")
		if strings.Contains(body, "Amy Opened") || strings.Contains(body, "Ben Second") || !strings.Contains(body, "No openings to show.") {
			t.Errorf("other provider sees:\n%.3000s", body)
		}
	})
}

// Each review queue links to the other, so a reviewer reaches both from
// the Reviews menu item.
func TestReviewQueuesLinkToEachOther(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("caldicott_guardian")
	for page, other := range map[string]string{"/reviews/break-glass": "/reviews/disclosures", "/reviews/disclosures": "/reviews/break-glass"} {
		resp, body := env.get(c, page)
		if resp.StatusCode != 200 || !strings.Contains(body, `href="`+other+`"`) || !strings.Contains(body, `aria-current="page"`) {
			t.Errorf("%s: %d, no link to %s", page, resp.StatusCode, other)
		}
	}
}
