package sqlstore_test

import (
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestSupportGoalsStore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f, e := contactEpisode(t, db)
		set := london(2026, time.November, 23, 9, 0)
		g := sqlstore.SupportGoal{Type: sqlstore.GoalHousing, Description: "Hostel place", WorkerID: f.ids["p1b"], SetAt: set, TargetDate: pdate("2026-12-01")}
		dbtest.Must(t, db.AddSupportGoal(f.p1, e.ID, &g))
		if g.ID == 0 || g.Status != sqlstore.SupportStatusOpen || g.Version != 1 {
			t.Fatalf("created %+v", g)
		}
		// Validation: unknown type, worker outside the team.
		bad := sqlstore.SupportGoal{Type: "yacht", WorkerID: f.ids["p1b"], SetAt: set}
		if liaise.ErrorFields(db.AddSupportGoal(f.p1, e.ID, &bad))["goal_type"] == "" {
			t.Error("unknown goal type accepted")
		}
		other := sqlstore.SupportGoal{Type: sqlstore.GoalPhone, WorkerID: f.ids["p2"], SetAt: set}
		if liaise.ErrorFields(db.AddSupportGoal(f.p1, e.ID, &other))["worker_user_id"] == "" {
			t.Error("worker outside the team accepted")
		}
		// Outcome with the current version, then a stale one is refused.
		at := london(2026, time.November, 23, 9, 30)
		dbtest.Must(t, db.RecordSupportOutcome(f.p1, e.ID, g.ID, sqlstore.SupportStatusAchieved, "Moved in", at, 1))
		if err := db.RecordSupportOutcome(f.p1, e.ID, g.ID, sqlstore.SupportStatusWithdrawn, "", at, 1); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Fatalf("stale outcome: %v", err)
		}
		got, err := db.GetSupportGoal(f.p1, e.ID, g.ID)
		dbtest.Must(t, err)
		if got.Status != sqlstore.SupportStatusAchieved || got.OutcomeNote != "Moved in" || got.Version != 2 || got.WorkerName != "p1b" || got.TargetDate != pdate("2026-12-01") {
			t.Fatalf("after outcome %+v", got)
		}
		// Other provider cannot see the goals.
		if _, err := db.ListSupportGoals(f.pB, e.ID); err == nil {
			t.Error("other provider listed goals")
		}
		// p1b declares they know the person: p1b can no longer be given goals.
		c, err := db.DeclareConflict(f.p1b, e.PersonID, "Same recovery group")
		dbtest.Must(t, err)
		if c.ID == 0 {
			t.Fatal("no conflict id")
		}
		if _, err := db.DeclareConflict(f.p1b, e.PersonID, ""); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("second declaration: %v", err)
		}
		blocked := sqlstore.SupportGoal{Type: sqlstore.GoalBenefits, WorkerID: f.ids["p1b"], SetAt: set}
		if liaise.ErrorFields(db.AddSupportGoal(f.p1, e.ID, &blocked))["worker_user_id"] == "" {
			t.Error("declared-conflict worker assigned")
		}
		ok := sqlstore.SupportGoal{Type: sqlstore.GoalBenefits, WorkerID: f.ids["p1"], SetAt: set}
		dbtest.Must(t, db.AddSupportGoal(f.p1, e.ID, &ok))
		list, err := db.ListSupportGoals(f.p1, e.ID)
		dbtest.Must(t, err)
		conflicts, err := db.EpisodeConflicts(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(list) != 2 || len(conflicts) != 1 || conflicts[0].UserName != "p1b" || conflicts[0].Note != "Same recovery group" {
			t.Fatalf("list %d, conflicts %+v", len(list), conflicts)
		}
		if auditCount(t, db, "support_goal", liaise.AuditCreate) != 2 || auditCount(t, db, "support_goal", liaise.AuditUpdate) != 1 || auditCount(t, db, "person_conflict", liaise.AuditCreate) != 1 {
			t.Error("writes not audited")
		}
	})
}
