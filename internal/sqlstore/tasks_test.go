package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func episodeTasks(t *testing.T, db *sqlstore.DB, f *peopleFixture, episode int64) []sqlstore.Task {
	t.Helper()
	list, err := db.ListEpisodeTasks(f.p1, episode)
	dbtest.Must(t, err)
	return list
}

func TestDeferredRetryTask(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		weekday, _ := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-60) * time.Minute)) }
		e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Dee", FamilyName: "Ferred", SiteID: weekday, AlertedAt: at(0)})
		dbtest.Must(t, err)
		if len(episodeTasks(t, db, f, e.ID)) != 0 {
			t.Fatalf("an adult of unknown age got a task")
		}
		got, err := db.GetEpisode(f.p1, e.ID)
		dbtest.Must(t, err)
		got.AllocatedUserID = f.ids["p1"]
		dbtest.Must(t, db.UpdateEpisode(f.p1, &got))
		v := got.Version
		for i, to := range []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted} {
			v, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: to, OccurredAt: at(i + 1), Version: v})
			dbtest.Must(t, err)
		}
		retry := at(180)
		v, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeDeferred, Reason: liaise.DeferIntoxicated, OccurredAt: at(5), RetryAt: retry, Version: v})
		dbtest.Must(t, err)
		tasks := episodeTasks(t, db, f, e.ID)
		if len(tasks) != 1 || tasks[0].Kind != sqlstore.TaskDeferredRetry || !tasks[0].DueAt.Equal(retry.Time) || tasks[0].AssigneeUserID != f.ids["p1"] || !tasks[0].Open() {
			t.Fatalf("retry task: %+v", tasks)
		}
		mine, err := db.ListMyTasks(f.p1, sqlstore.TaskQuery{})
		dbtest.Must(t, err)
		if len(mine.Items) != 1 || mine.Items[0].PersonName != "Dee Ferred" {
			t.Errorf("my tasks: %+v", mine.Items)
		}
		// Deferring again replaces the retry; seeing the person closes it.
		v, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeDeferred, Reason: liaise.DeferAsleep, OccurredAt: at(50), RetryAt: at(240), Version: v})
		dbtest.Must(t, err)
		tasks = episodeTasks(t, db, f, e.ID)
		if len(tasks) != 2 || !tasks[0].Open() || !tasks[0].DueAt.Equal(at(240).Time) || tasks[1].Open() {
			t.Fatalf("deferred again: %+v", tasks)
		}
		_, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeScreeningPending, OccurredAt: at(55), Version: v})
		dbtest.Must(t, err)
		for _, k := range episodeTasks(t, db, f, e.ID) {
			if k.Open() {
				t.Errorf("retry task still open after the person was seen: %+v", k)
			}
		}

		// No allocated worker: the retry task is the team's, unassigned.
		e2, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Una", FamilyName: "Signed", SiteID: weekday, AlertedAt: at(0)})
		dbtest.Must(t, err)
		v = 1
		v, err = db.Transition(f.p1, e2.ID, sqlstore.TransitionInput{To: liaise.EpisodeReceived, OccurredAt: at(1), Version: v})
		dbtest.Must(t, err)
		_, err = db.Transition(f.p1, e2.ID, sqlstore.TransitionInput{To: liaise.EpisodeDeferred, Reason: liaise.DeferInInterview, OccurredAt: at(2), RetryAt: at(90), Version: v})
		dbtest.Must(t, err)
		if tasks := episodeTasks(t, db, f, e2.ID); len(tasks) != 1 || tasks[0].AssigneeUserID != 0 {
			t.Errorf("unassigned retry: %+v", tasks)
		}
	})
}

func TestYouthJusticeLiaisonTask(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		weekday, _ := episodeSites(t, f)
		// 15 at the alert time (Monday 23 November 2026).
		child := newPerson("Kai", "Young", "2011-06-01")
		mustCreate(t, db, f.p1, child)
		adult := newPerson("Ada", "Older", "1990-06-01")
		mustCreate(t, db, f.p1, adult)
		est := &liaise.Person{IdentityStatus: liaise.IdentityAsGiven, DOBUnknown: true, EstimatedAge: 14,
			Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: "Esta", Family: "Mate"}}}
		mustCreate(t, db, f.p1, est)
		open := func(p *liaise.Person) []sqlstore.Task {
			e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{PersonID: p.ID, SiteID: weekday, AlertedAt: db.Now()})
			dbtest.Must(t, err)
			return episodeTasks(t, db, f, e.ID)
		}
		want := sqlstore.EndOfDay(codes.AddWorkingDays(liaise.DateOf(db.Now().Local()), 1))
		tasks := open(child)
		if len(tasks) != 1 || tasks[0].Kind != sqlstore.TaskYJSLiaison || !tasks[0].AllDay || !tasks[0].DueAt.Equal(want.Time) ||
			tasks[0].AssigneeUserID != f.ids["p1"] || tasks[0].DueDate().String() != "2026-11-24" {
			t.Fatalf("child: %+v (want due %v)", tasks, want)
		}
		if tasks := open(est); len(tasks) != 1 || tasks[0].Kind != sqlstore.TaskYJSLiaison {
			t.Errorf("appears under 18: %+v", tasks)
		}
		if tasks := open(adult); len(tasks) != 0 {
			t.Errorf("adult: %+v", tasks)
		}
	})
}

func TestTasksOverdueCompleteReassign(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		weekday, _ := episodeSites(t, f)
		e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Tess", FamilyName: "Tasks", SiteID: weekday, AlertedAt: db.Now()})
		dbtest.Must(t, err)
		in := func(title string, d time.Duration, allDay bool) sqlstore.TaskInput {
			return sqlstore.TaskInput{Title: title, DueAt: liaise.NewTime(db.Now().Add(d)), AllDay: allDay, AssigneeUserID: f.ids["p1"]}
		}
		_, err = db.CreateTask(f.p1, e.ID, sqlstore.TaskInput{})
		if fe := liaise.ErrorFields(err); fe["title"] == "" || fe["due_at"] == "" {
			t.Fatalf("validation: %v", err)
		}
		bad := in("Call the GP", time.Hour, false)
		bad.AssigneeUserID = f.ids["p2"]
		if _, err := db.CreateTask(f.p1, e.ID, bad); liaise.ErrorFields(err)["assignee_user_id"] == "" {
			t.Errorf("assignee outside the team: %v", err)
		}
		later, err := db.CreateTask(f.p1, e.ID, in("Call the GP", 2*time.Hour, false))
		dbtest.Must(t, err)
		overdue, err := db.CreateTask(f.p1, e.ID, in("Phone the appropriate adult", -time.Hour, false))
		dbtest.Must(t, err)
		tomorrow, err := db.CreateTask(f.p1, e.ID, in("Check the court list", 24*time.Hour, true))
		dbtest.Must(t, err)
		now := db.Now().Time
		if !overdue.OverdueAt(now) || later.OverdueAt(now) || tomorrow.OverdueAt(now) || tomorrow.DueDate().String() != "2026-11-24" {
			t.Errorf("overdue flags: %+v %+v %+v", overdue, later, tomorrow)
		}
		// A task due today (all day) is not overdue until the day ends.
		today, err := db.CreateTask(f.p1, e.ID, in("Write up", 0, true))
		dbtest.Must(t, err)
		if today.OverdueAt(now) || !today.OverdueAt(now.Add(15*time.Hour)) {
			t.Errorf("due today: %+v", today)
		}
		page, err := db.ListMyTasks(f.p1, sqlstore.TaskQuery{Limit: 2})
		dbtest.Must(t, err)
		if len(page.Items) != 2 || page.Items[0].ID != overdue.ID || page.Items[1].ID != later.ID || page.NextCursor == "" {
			t.Fatalf("first page: %+v", page)
		}
		page, err = db.ListMyTasks(f.p1, sqlstore.TaskQuery{Limit: 2, Cursor: page.NextCursor})
		dbtest.Must(t, err)
		if len(page.Items) != 2 || page.Items[0].ID != today.ID || page.Items[1].ID != tomorrow.ID || page.NextCursor != "" {
			t.Fatalf("second page: %+v", page)
		}
		if _, err := db.ListMyTasks(f.p1, sqlstore.TaskQuery{Cursor: "bad"}); liaise.ErrorFields(err)["cursor"] == "" {
			t.Errorf("bad cursor: %v", err)
		}

		// Completing needs the current version.
		if _, err := db.CompleteTask(f.p1, overdue.ID, overdue.Version+1); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Fatalf("stale complete: %v", err)
		}
		done, err := db.CompleteTask(f.p1, overdue.ID, overdue.Version)
		dbtest.Must(t, err)
		if done.Open() || done.CompletedBy != f.ids["p1"] || done.OverdueAt(now) {
			t.Errorf("completed: %+v", done)
		}
		if _, err := db.CompleteTask(f.p1, overdue.ID, overdue.Version); liaise.ErrorCode(err) != liaise.ESTALE && liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("completed twice: %v", err)
		}
		// Reassigning within the team moves it off my list.
		if _, err := db.ReassignTask(f.p1, later.ID, f.ids["p2"], later.Version); liaise.ErrorFields(err)["assignee_user_id"] == "" {
			t.Errorf("reassign outside the team: %v", err)
		}
		moved, err := db.ReassignTask(f.p1, later.ID, f.ids["p1b"], later.Version)
		dbtest.Must(t, err)
		if moved.AssigneeName != "p1b" || moved.Version != later.Version+1 {
			t.Errorf("reassigned: %+v", moved)
		}
		page, err = db.ListMyTasks(f.p1, sqlstore.TaskQuery{})
		dbtest.Must(t, err)
		if len(page.Items) != 2 {
			t.Errorf("my tasks after complete and reassign: %+v", page.Items)
		}
		if page, _ := db.ListMyTasks(f.p1b, sqlstore.TaskQuery{}); len(page.Items) != 1 || page.Items[0].ID != later.ID {
			t.Errorf("p1b's tasks: %+v", page.Items)
		}
		// Another team's practitioner cannot touch the task without break-glass.
		var bge *liaise.BreakGlassError
		if _, err := db.CompleteTask(f.p2, later.ID, moved.Version); !errors.As(err, &bge) {
			t.Errorf("other team complete: %v", err)
		}
		if _, err := db.GetTask(f.pB, later.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
	})
}
