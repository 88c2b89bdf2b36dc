package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// screeningEpisode opens an episode at team 2's 24/7 site, alerted two hours ago.
func screeningEpisode(t *testing.T, f *peopleFixture, site int64) sqlstore.Episode {
	t.Helper()
	e, err := f.db.QuickIdentify(f.p2, sqlstore.QuickIdentifyInput{GivenName: "Kim", FamilyName: "Lee", SiteID: site,
		AlertedAt: liaise.NewTime(f.db.Now().Add(-2 * time.Hour))})
	dbtest.Must(t, err)
	return e
}

func screeningCount(t *testing.T, db *sqlstore.DB, q string, args ...any) int {
	t.Helper()
	var n int
	dbtest.Must(t, db.QueryRow(context.Background(), q, args...).Scan(&n))
	return n
}

func TestRecordScreening(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }

		// A minimum screen of a just-identified episode is stored with the
		// question-set version, but the episode cannot be screened yet.
		e := screeningEpisode(t, f, site)
		min := &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: at(10), Mode: liaise.ModeTelephone, RemoteDetails: "Practitioner at the hub, person in cell 3",
			RiskInCustody: liaise.RiskHigh, AdviceToCustody: "Level 2 observations", AssessmentNeeded: liaise.AssessmentYes}
		res, err := db.RecordScreening(f.p2, e.ID, min)
		dbtest.Must(t, err)
		if res.Moved || res.State != liaise.EpisodeIdentified || res.NotMoved == "" || res.ID == 0 {
			t.Fatalf("minimum result %+v", res)
		}
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if got.State != liaise.EpisodeIdentified || got.Version != 1 {
			t.Errorf("episode changed: %s v%d", got.State, got.Version)
		}
		list, err := db.ListScreenings(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].QuestionSetVersion != liaise.QuestionSetVersion || list[0].Kind != liaise.ScreeningMinimum ||
			list[0].RiskInCustody != liaise.RiskHigh || list[0].RemoteDetails == "" || list[0].UserName != "p2" || len(list[0].Vulnerabilities) != 0 ||
			!list[0].OccurredAt.Equal(at(10).Time) || !list[0].RecordedAt.Equal(db.Now().Time) {
			t.Fatalf("stored minimum %+v", list)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'screening' AND action = 'create' AND record_id = ?`, res.ID); n != 1 {
			t.Errorf("create audited %d times", n)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'screening' AND action = 'list'`); n != 1 {
			t.Errorf("list audited %d times", n)
		}

		// Moved along to screening_pending, a full screen moves it to
		// screened in the same transaction, at the screening's time.
		v := 1
		for i, to := range []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending} {
			v, err = db.Transition(f.p2, e.ID, sqlstore.TransitionInput{To: to, OccurredAt: at(20 + i), Version: v})
			dbtest.Must(t, err)
		}
		full := &liaise.Screening{Kind: liaise.ScreeningFull, OccurredAt: at(40), Mode: liaise.ModeFaceToFace, RiskInCustody: liaise.RiskLow,
			AssessmentNeeded: liaise.AssessmentYes, RiskToSelf: liaise.Risk{Level: liaise.RiskMedium, Notes: "Charged with a serious offence"},
			RiskToOthers: liaise.Risk{Level: liaise.RiskNone}, RiskFromOthers: liaise.Risk{Level: liaise.RiskLow}, Safeguarding: liaise.Risk{Level: liaise.RiskNone},
			Urgency: "urgent", InterpreterUsed: true, InterpreterLanguage: "Polish",
			Vulnerabilities: []liaise.VulnerabilityAnswer{{Code: "autism", Answer: liaise.AnswerSuspected, Notes: "Says he was assessed at school"},
				{Code: "substance_alcohol", Answer: liaise.AnswerConfirmed}}}
		res, err = db.RecordScreening(f.p2, e.ID, full)
		dbtest.Must(t, err)
		if !res.Moved || res.State != liaise.EpisodeScreened {
			t.Fatalf("full result %+v", res)
		}
		got, err = db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		last := got.History[len(got.History)-1]
		if got.State != liaise.EpisodeScreened || got.Version != v+1 || last.From != liaise.EpisodeScreeningPending || !last.OccurredAt.Equal(at(40).Time) {
			t.Fatalf("after full screen: %s v%d %+v", got.State, got.Version, last)
		}
		list, err = db.ListScreenings(f.p2, e.ID)
		dbtest.Must(t, err)
		codes := db.VulnerabilityCodes()
		if len(list) != 2 || list[0].ID != res.ID || len(list[0].Vulnerabilities) != len(codes) {
			t.Fatalf("list after full: %d items, newest %+v", len(list), list[0])
		}
		for i, a := range list[0].Vulnerabilities {
			want := liaise.AnswerNotExplored
			switch a.Code {
			case "autism":
				want = liaise.AnswerSuspected
			case "substance_alcohol":
				want = liaise.AnswerConfirmed
			}
			if a.Code != codes[i] || a.Answer != want {
				t.Errorf("answer %d: %+v", i, a)
			}
		}
		if s := list[0]; s.RiskToSelf.Notes == "" || s.InterpreterLanguage != "Polish" || s.Urgency != "urgent" || s.Answer("autism").Notes == "" {
			t.Errorf("full screen fields %+v", s)
		}

		// Screened already: another screen is stored, the state unchanged.
		res, err = db.RecordScreening(f.p2, e.ID, &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: at(50), Mode: liaise.ModeFaceToFace,
			RiskInCustody: liaise.RiskNone, AssessmentNeeded: liaise.AssessmentNo})
		dbtest.Must(t, err)
		if res.Moved || res.State != liaise.EpisodeScreened || res.NotMoved == "" {
			t.Errorf("second screen %+v", res)
		}

		// Invalid input stores nothing.
		before := screeningCount(t, db, `SELECT COUNT(*) FROM screenings`)
		_, err = db.RecordScreening(f.p2, e.ID, &liaise.Screening{Kind: liaise.ScreeningFull, OccurredAt: at(60), Incomplete: true,
			Vulnerabilities: []liaise.VulnerabilityAnswer{{Code: "astrology", Answer: liaise.AnswerSuspected}}})
		if fields := liaise.ErrorFields(err); fields["vulnerabilities"] == "" || fields["incomplete_reason"] == "" {
			t.Errorf("invalid screen: %v", err)
		}
		_, err = db.RecordScreening(f.p2, e.ID, &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: at(-60), Mode: liaise.ModeFaceToFace,
			RiskInCustody: liaise.RiskNone, AssessmentNeeded: liaise.AssessmentNo})
		if liaise.ErrorFields(err)["occurred_at"] == "" {
			t.Errorf("before alerted: %v", err)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM screenings`); n != before {
			t.Errorf("invalid screens stored: %d → %d", before, n)
		}

		// An incomplete screen from the queue is kept; the episode stays.
		e2 := screeningEpisode(t, f, site)
		v = 1
		for i, to := range []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending} {
			v, err = db.Transition(f.p2, e2.ID, sqlstore.TransitionInput{To: to, OccurredAt: at(20 + i), Version: v})
			dbtest.Must(t, err)
		}
		res, err = db.RecordScreening(f.p2, e2.ID, &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: at(30), Incomplete: true,
			IncompleteReason: liaise.NotScreenedReleasedBeforeSeen})
		dbtest.Must(t, err)
		if res.Moved || res.State != liaise.EpisodeScreeningPending {
			t.Errorf("incomplete %+v", res)
		}
		list, err = db.ListScreenings(f.p2, e2.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || !list[0].Incomplete || list[0].IncompleteReason != liaise.NotScreenedReleasedBeforeSeen {
			t.Errorf("incomplete stored %+v", list)
		}

		// Access: another team needs break-glass, another provider gets not
		// found, a role without write is refused.
		var bge *liaise.BreakGlassError
		if _, err := db.ListScreenings(f.p1, e.ID); !errors.As(err, &bge) {
			t.Errorf("other team list: %v", err)
		}
		if _, err := db.RecordScreening(f.p1, e.ID, min); !errors.As(err, &bge) {
			t.Errorf("other team record: %v", err)
		}
		if _, err := db.ListScreenings(f.pB, e.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
	})
}
