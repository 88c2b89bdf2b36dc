package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/sqlstore"
)

var taskVersionInForm = regexp.MustCompile(`action="/tasks/(\d+)/complete" novalidate>\s*<input type="hidden" name="version" value="(\d+)">`)

func TestTaskPagesAndAutomaticTasks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("practitioner")
		page, _ := env.apiEpisode(tok, "Tom", "Tasks")
		api := "/api/v1" + page
		me := itoa(int(env.Users["practitioner"]))
		// Allocate, receive and defer with a retry time: the retry task appears.
		resp, body := env.api("PATCH", api, tok, `{"allocated_user_id":"`+me+`"}`, "If-Match", `"1"`)
		if resp.StatusCode != 200 {
			t.Fatalf("allocate: %d %s", resp.StatusCode, body)
		}
		if resp, body = env.api("POST", api+"/transitions", tok, `{"to":"received","occurred_at":"2026-11-23T08:10:00Z"}`, "If-Match", `"2"`); resp.StatusCode != 201 {
			t.Fatalf("receive: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api+"/transitions", tok, `{"to":"deferred","reason":"intoxicated","occurred_at":"2026-11-23T08:20:00Z","retry_at":"2026-11-23T12:00:00Z"}`, "If-Match", `"3"`)
		if resp.StatusCode != 201 {
			t.Fatalf("defer: %d %s", resp.StatusCode, body)
		}
		c := env.client("practitioner")
		resp, body = env.get(c, page+"/tasks")
		if resp.StatusCode != 200 || !strings.Contains(body, "Try again to see the person (deferred: intoxicated)") || !strings.Contains(body, "23 Nov 2026 12:00") {
			t.Fatalf("episode tasks: %d\n%.4000s", resp.StatusCode, body)
		}

		// Add tasks by hand: one already overdue, one for tomorrow.
		add := func(title, day, clock string) (*http.Response, string) {
			return env.postForm(c, page+"/tasks", url.Values{"title": {title}, "due_at-day": {day}, "due_at-month": {"11"}, "due_at-year": {"2026"},
				"due_at-time": {clock}, "assignee_user_id": {me}})
		}
		resp, body = add("", "23", "")
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#title"`) {
			t.Fatalf("invalid task: %d\n%.3000s", resp.StatusCode, body)
		}
		if resp, _ = add("Phone the appropriate adult", "23", "08:00"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add overdue: %d", resp.StatusCode)
		}
		if resp, _ = add("Check the court list", "24", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add tomorrow: %d", resp.StatusCode)
		}

		// My tasks: overdue first, marked with a red tag; the person links to the episode.
		resp, body = env.get(c, "/tasks")
		if resp.StatusCode != 200 {
			t.Fatalf("my tasks: %d", resp.StatusCode)
		}
		iOver, iRetry, iTomorrow := strings.Index(body, "Phone the appropriate adult"), strings.Index(body, "Try again to see"), strings.Index(body, "Check the court list")
		if iOver < 0 || iRetry < iOver || iTomorrow < iRetry {
			t.Errorf("order: overdue %d, retry %d, tomorrow %d\n%.5000s", iOver, iRetry, iTomorrow, body)
		}
		if strings.Count(body, `nhsuk-tag--red">Overdue`) != 1 || !strings.Contains(body, `href="`+page+`/tasks">Tom Tasks</a>`) || !strings.Contains(body, `href="/tasks"`) {
			t.Errorf("overdue tag or links:\n%.5000s", body)
		}
		m := taskVersionInForm.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no complete form:\n%.5000s", body)
		}
		id, version := m[1], m[2]
		// A stale version is refused with a clear message.
		resp, body = env.postForm(c, "/tasks/"+id+"/complete", url.Values{"version": {"99"}, "back": {"/tasks"}})
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "Someone else changed this record") {
			t.Fatalf("stale complete: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, "/tasks/"+id+"/complete", url.Values{"version": {version}, "back": {"/tasks"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tasks" {
			t.Fatalf("complete: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = env.get(c, "/tasks")
		if strings.Contains(body, `<td class="nhsuk-table__cell">Phone the appropriate adult</td>`) || !strings.Contains(body, "Task done") {
			t.Errorf("after completing:\n%.4000s", body)
		}

		// Reassign the tomorrow task to the team manager.
		_, body = env.get(c, page+"/tasks")
		all := taskVersionInForm.FindAllStringSubmatch(body, -1)
		if len(all) != 2 {
			t.Fatalf("open tasks on the episode: %d", len(all))
		}
		tid, tver := all[1][1], all[1][2]
		resp, body = env.get(c, "/tasks/"+tid+"/reassign")
		if resp.StatusCode != 200 || !strings.Contains(body, "Test Team manager") {
			t.Fatalf("reassign page: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, body = env.postForm(c, "/tasks/"+tid+"/reassign", url.Values{"assignee_user_id": {itoa(int(env.Users["team_manager"]))}, "version": {tver}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reassign: %d\n%.3000s", resp.StatusCode, body)
		}
		// The same form again carries the old version: refused in the error
		// summary, and the task stays with the team manager.
		resp, body = env.postForm(c, "/tasks/"+tid+"/reassign", url.Values{"assignee_user_id": {itoa(int(env.Users["practitioner"]))}, "version": {tver}})
		if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "nhsuk-error-summary") || !strings.Contains(body, "Someone else changed this record") {
			t.Fatalf("stale reassign: %d\n%.3000s", resp.StatusCode, body)
		}
		if n := env.count(`SELECT COUNT(*) FROM tasks WHERE id = ? AND assignee_user_id = ?`, tid, env.Users["team_manager"]); n != 1 {
			t.Errorf("a stale reassign moved the task")
		}
		_, body = env.get(env.client("team_manager"), "/tasks")
		if !strings.Contains(body, "Check the court list") {
			t.Errorf("team manager's tasks:\n%.3000s", body)
		}
		// Seeing the person closes the retry task.
		if resp, body = env.api("POST", api+"/transitions", tok, `{"to":"screening_pending","occurred_at":"2026-11-23T09:00:00Z"}`, "If-Match", `"4"`); resp.StatusCode != 201 {
			t.Fatalf("return to queue: %d %s", resp.StatusCode, body)
		}
		_, body = env.get(c, "/tasks")
		if strings.Contains(body, "Try again to see") {
			t.Errorf("retry task still open")
		}
		_, body = env.get(c, page+"/tasks")
		if !strings.Contains(body, "Done</h2>") || !strings.Contains(body, "Try again to see") {
			t.Errorf("completed tasks not listed:\n%.4000s", body)
		}
	})
}

func TestTasksAPIAndYouthLiaison(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("practitioner")
		page, _ := env.apiEpisode(tok, "Amy", "Api")
		base := "/api/v1" + page + "/tasks"
		resp, body := env.api("POST", base, tok, `{"title":"","due_date":"2026-11-23"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, `"title"`) {
			t.Fatalf("invalid: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", base, tok, `{"title":"Ring the GP","due_at":"2026-11-23T08:00:00Z","assignee_user_id":"`+itoa(int(env.Users["practitioner"]))+`"}`)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 201 || !strings.HasPrefix(loc, "/api/v1/tasks/") || !strings.Contains(body, `"overdue": true`) {
			t.Fatalf("create: %d %s %s", resp.StatusCode, loc, body)
		}
		resp, body = env.api("POST", base, tok, `{"title":"Send the advice note","due_date":"2026-11-25","assignee_user_id":"`+itoa(int(env.Users["practitioner"]))+`"}`)
		if resp.StatusCode != 201 || !strings.Contains(body, `"due_date": "2026-11-25"`) || !strings.Contains(body, `"all_day": true`) {
			t.Fatalf("create all-day: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1/tasks?assignee=me", tok, "")
		var list taskListJSON
		if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != 200 || len(list.Items) != 2 || list.Items[0].Title != "Ring the GP" || !list.Items[0].Overdue {
			t.Fatalf("my tasks: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.api("GET", "/api/v1/tasks?assignee=someone", tok, ""); resp.StatusCode != 422 {
			t.Errorf("assignee=someone: %d", resp.StatusCode)
		}
		if resp, _ := env.api("POST", loc+"/complete", tok, ""); resp.StatusCode != http.StatusPreconditionRequired {
			t.Errorf("complete without If-Match: %d", resp.StatusCode)
		}
		if resp, _ := env.api("POST", loc+"/complete", tok, "", "If-Match", `"7"`); resp.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("stale complete: %d", resp.StatusCode)
		}
		resp, body = env.api("POST", loc+"/complete", tok, "", "If-Match", `"1"`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"completed_at"`) || resp.Header.Get("ETag") != `"2"` {
			t.Errorf("complete: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("PATCH", list.Items[1].ID2Path(), tok, `{"assignee_user_id":"`+itoa(int(env.Users["team_manager"]))+`"}`, "If-Match", `"1"`)
		if resp.StatusCode != 200 || !strings.Contains(body, `"assignee_name": "Test Team manager"`) {
			t.Errorf("reassign: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.api("PATCH", list.Items[1].ID2Path(), tok, `{"assignee_user_id":"`+itoa(int(env.Users["practitioner"]))+`"}`, "If-Match", `"1"`); resp.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("stale reassign: %d %s", resp.StatusCode, body)
		}

		// A 15-year-old identified in custody: youth justice liaison by the next working day.
		ctx := liaise.WithActor(context.Background(), env.taskActor("practitioner"))
		child := &liaise.Person{IdentityStatus: liaise.IdentityAsGiven, Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: "Kit", Family: "Young"}},
			DateOfBirth: liaise.Date{Year: 2011, Month: 3, Day: 4}}
		if _, err := env.DB.CreatePerson(ctx, child, false); err != nil {
			t.Fatal(err)
		}
		var site int64
		if err := env.DB.QueryRow(context.Background(), `SELECT id FROM sites WHERE team_id = ? ORDER BY id LIMIT 1`, env.Team).Scan(&site); err != nil {
			t.Fatal(err)
		}
		e, err := env.DB.QuickIdentify(ctx, sqlstore.QuickIdentifyInput{PersonID: child.ID, SiteID: site, AlertedAt: env.DB.Now()})
		if err != nil {
			t.Fatal(err)
		}
		resp, body = env.api("GET", "/api/v1/episodes/"+itoa(int(e.ID))+"/tasks", tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"kind": "yjs_liaison"`) || !strings.Contains(body, `"due_date": "2026-11-24"`) {
			t.Errorf("youth justice liaison task: %d %s", resp.StatusCode, body)
		}
	})
}

// ID2Path is the task's API path.
func (t taskJSON) ID2Path() string { return "/api/v1/tasks/" + t.ID }

// taskActor loads the test user of role as an actor, for calling the store.
func (env *testEnv) taskActor(role string) *liaise.Actor {
	env.t.Helper()
	a, err := env.DB.LoadActor(context.Background(), env.Users[role])
	if err != nil {
		env.t.Fatal(err)
	}
	return a
}
