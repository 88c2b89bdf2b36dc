package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// assessmentUser adds a user with a role in a team and returns their context.
func assessmentUser(t *testing.T, f *peopleFixture, name, role string, provider, team int64) context.Context {
	t.Helper()
	ctx := context.Background()
	u := &liaise.User{ProviderID: provider, Username: name, DisplayName: name, RoleCode: role, Memberships: []liaise.Membership{{TeamID: team}}}
	dbtest.Must(t, f.db.CreateUser(liaise.WithActor(ctx, liaise.SystemActor("test")), u, ""))
	a, err := f.db.LoadActor(ctx, u.ID)
	dbtest.Must(t, err)
	return liaise.WithActor(ctx, a)
}

func TestRecordAssessment(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }
		e := screeningEpisode(t, f, site)

		// Just identified: the assessment is kept, the state is not forced.
		x := &liaise.Assessment{Type: liaise.AssessGeneral, OccurredAt: at(5), Formulation: "Early view"}
		res, err := db.RecordAssessment(f.p2, e.ID, x)
		dbtest.Must(t, err)
		if res.Moved || res.State != liaise.EpisodeIdentified || res.NotMoved == "" {
			t.Fatalf("result %+v", res)
		}

		v := 1
		for i, to := range []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending,
			liaise.EpisodeScreened, liaise.EpisodeAssessmentPending} {
			v, err = db.Transition(f.p2, e.ID, sqlstore.TransitionInput{To: to, OccurredAt: at(20 + i), Version: v})
			dbtest.Must(t, err)
		}
		x = &liaise.Assessment{Type: liaise.AssessMentalHealth, OccurredAt: at(40), Formulation: "Psychotic symptoms; needs MHA assessment",
			Findings: []liaise.AssessmentFinding{{Domain: "mental_health", Text: "Hears voices"},
				{Domain: "substance_alcohol", Text: "Drinks daily", Sharing: liaise.SharingShareable}},
			Tools:           []liaise.ScoredTool{{Tool: "AUDIT", Version: "2001", Score: "24"}},
			Recommendations: []liaise.AssessmentRecommendation{{Type: liaise.RecommendMHAAssessment, Note: "Today"}, {Type: liaise.RecommendAppropriateAdult}}}
		res, err = db.RecordAssessment(f.p2, e.ID, x)
		dbtest.Must(t, err)
		if !res.Moved || res.State != liaise.EpisodeAssessed {
			t.Fatalf("result %+v", res)
		}
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if got.State != liaise.EpisodeAssessed {
			t.Errorf("episode %s", got.State)
		}
		list, err := db.ListAssessments(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(list) != 2 || list[0].ID != res.ID {
			t.Fatalf("list %+v", list)
		}
		a := list[0]
		if len(a.Findings) != 2 || a.Findings[0].Domain != "mental_health" || a.Findings[0].Sharing != liaise.SharingHealthOnly ||
			a.Findings[1].Sharing != liaise.SharingShareable || len(a.Tools) != 1 || a.Tools[0].Score != "24" || len(a.Recommendations) != 2 ||
			a.Recommendations[0].Type != liaise.RecommendAppropriateAdult || a.UserName != "p2" || !a.OccurredAt.Equal(at(40).Time) {
			t.Errorf("stored %+v", a)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'assessment' AND action = 'create'`); n != 2 {
			t.Errorf("create audited %d times", n)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'assessment' AND action = 'list'`); n != 1 {
			t.Errorf("list audited %d times", n)
		}

		// Invalid input saves nothing; another provider sees nothing.
		if _, err := db.RecordAssessment(f.p2, e.ID, &liaise.Assessment{Type: "x", OccurredAt: at(50)}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("invalid: %v", err)
		}
		if _, err := db.ListAssessments(f.pB, e.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM assessments`); n != 2 {
			t.Errorf("%d assessments", n)
		}
	})
}

func TestSLTQueueAndProfile(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		e := screeningEpisode(t, f, site) // team 2
		slt2 := assessmentUser(t, f, "slt2", "slt", f.provA, f.team2)
		slt1 := assessmentUser(t, f, "slt1", "slt", f.provA, f.team1)
		sltB := assessmentUser(t, f, "sltB", "slt", f.provB, f.teamB)

		if _, err := db.RequestSLT(f.p2, e.ID, &liaise.SLTRequest{Reason: "", Urgency: "routine"}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("empty reason: %v", err)
		}
		id, err := db.RequestSLT(f.p2, e.ID, &liaise.SLTRequest{Reason: "Cannot follow the caution", Urgency: "before_hearing"})
		dbtest.Must(t, err)
		if _, err := db.SLTQueue(f.p2); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner queue: %v", err)
		}
		q, err := db.SLTQueue(slt2)
		dbtest.Must(t, err)
		if len(q) != 1 || q[0].ID != id || q[0].PersonName != "Kim Lee" || q[0].RequestedByName != "p2" {
			t.Fatalf("queue %+v", q)
		}
		for name, ctx := range map[string]context.Context{"other team": slt1, "other provider": sltB} {
			q, err := db.SLTQueue(ctx)
			dbtest.Must(t, err)
			if len(q) != 0 {
				t.Errorf("%s sees %+v", name, q)
			}
		}
		if _, _, err := db.GetSLTRequest(sltB, id); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider opens the request: %v", err)
		}

		p := &liaise.CommunicationProfile{OccurredAt: db.Now(), AdaptedQuestioning: "One idea per question", IntermediaryNeeded: liaise.IntermediaryYes,
			Strengths: "Good visual memory", Difficulties: "Abstract language"}
		if err := db.RecordCommunicationProfile(slt2, id, 1, &liaise.CommunicationProfile{OccurredAt: db.Now()}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("empty profile: %v", err)
		}
		dbtest.Must(t, db.RecordCommunicationProfile(slt2, id, 1, p))
		if err := db.RecordCommunicationProfile(slt2, id, 0, p); err == nil {
			t.Error("a completed request took a second profile")
		}
		q, err = db.SLTQueue(slt2)
		dbtest.Must(t, err)
		if len(q) != 0 {
			t.Errorf("completed request still queued: %+v", q)
		}
		reqs, err := db.ListSLTRequests(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(reqs) != 1 || reqs[0].Status != liaise.SLTCompleted || reqs[0].Profile == nil ||
			reqs[0].Profile.IntermediaryNeeded != liaise.IntermediaryYes || reqs[0].ProfileByName != "slt2" {
			t.Fatalf("requests %+v", reqs)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'communication_profile' AND action = 'create'`); n != 1 {
			t.Errorf("profile audited %d times", n)
		}
	})
}
