package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// Corrections never erase: entries marked entered in error stay, flagged,
// and stop counting; SLT requests are cancelled, declarations withdrawn.

// minimumScreen is a complete minimum screen at t.
func minimumScreen(t liaise.Time) *liaise.Screening {
	return &liaise.Screening{Kind: liaise.ScreeningMinimum, OccurredAt: t, Mode: liaise.ModeFaceToFace,
		RiskInCustody: liaise.RiskLow, AdviceToCustody: "Routine checks", AssessmentNeeded: liaise.AssessmentYes}
}

// toStates moves an episode through states, each a minute apart from at(from).
func toStates(t *testing.T, db *sqlstore.DB, ctx context.Context, id int64, at func(int) liaise.Time, from int, states ...liaise.EpisodeState) {
	t.Helper()
	e, err := db.GetEpisode(ctx, id)
	dbtest.Must(t, err)
	v := e.Version
	for i, to := range states {
		v, err = db.Transition(ctx, id, sqlstore.TransitionInput{To: to, OccurredAt: at(from + i), Version: v})
		dbtest.Must(t, err)
	}
}

func TestScreeningEnteredInError(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }
		queue := []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending}

		// A complete screen moves the episode to screened; the clock runs from received.
		e := screeningEpisode(t, f, site)
		toStates(t, db, f.p2, e.ID, at, 20, queue...)
		res, err := db.RecordScreening(f.p2, e.ID, minimumScreen(at(30)))
		dbtest.Must(t, err)
		if !res.Moved {
			t.Fatalf("screen did not move the episode: %+v", res)
		}
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if c := liaise.Clocks(got.Transitions()); c.ReceivedToScreened != 10*time.Minute {
			t.Fatalf("clock before: %v", c.ReceivedToScreened)
		}

		// Refusals: no reason, another team (no break-glass), another
		// provider, an entry of another episode.
		if _, err := db.MarkInError(f.p2, sqlstore.ScreeningEntries, e.ID, res.ID, "  "); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("no reason: %v", err)
		}
		if _, err := db.MarkInError(f.p1, sqlstore.ScreeningEntries, e.ID, res.ID, "Not mine"); err == nil {
			t.Errorf("another team marked it")
		}
		if _, err := db.MarkInError(f.pB, sqlstore.ScreeningEntries, e.ID, res.ID, "Not mine"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("another provider: %v", err)
		}
		other := screeningEpisode(t, f, site)
		if _, err := db.MarkInError(f.p2, sqlstore.ScreeningEntries, other.ID, res.ID, "Wrong"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("entry of another episode: %v", err)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM screenings WHERE entered_in_error`); n != 0 {
			t.Fatalf("refused marks changed %d rows", n)
		}

		// Marked: the screen stays, flagged; the move is taken back.
		effect, err := db.MarkInError(f.p2, sqlstore.ScreeningEntries, e.ID, res.ID, "Screened the wrong person")
		dbtest.Must(t, err)
		if !strings.Contains(effect, "back to waiting for screening") {
			t.Errorf("effect %q", effect)
		}
		got, err = db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		last := got.History[len(got.History)-1]
		if got.State != liaise.EpisodeScreeningPending || last.To != liaise.EpisodeScreened || !last.EnteredInError {
			t.Errorf("after marking: state %s, last move %+v", got.State, last.Transition)
		}
		if c := liaise.Clocks(got.Transitions()); c.ReceivedToScreened != liaise.NotReached || c.IdentifiedToScreened != liaise.NotReached {
			t.Errorf("the screen still counts for the clocks: %+v", c)
		}
		list, err := db.ListScreenings(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || !list[0].EnteredInError || list[0].ErrorReason != "Screened the wrong person" || list[0].ErrorByName != "p2" || list[0].ErrorAt.IsZero() {
			t.Errorf("listed %+v", list)
		}
		x, err := db.GetEntry(f.p2, sqlstore.ScreeningEntries, e.ID, res.ID)
		dbtest.Must(t, err)
		if x.What != "Minimum screen" || !x.EnteredInError || x.ByName != "p2" {
			t.Errorf("entry %+v", x)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'screening' AND action = 'update' AND record_id = ?`, res.ID); n != 1 {
			t.Errorf("marking audited %d times", n)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'episode' AND record_id = ? AND detail LIKE '%taken back%'`, e.ID); n != 1 {
			t.Errorf("taking back audited %d times", n)
		}
		if _, err := db.MarkInError(f.p2, sqlstore.ScreeningEntries, e.ID, res.ID, "Again"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("second mark: %v", err)
		}

		// The right screen moves it again, and the clock runs to it.
		res2, err := db.RecordScreening(f.p2, e.ID, minimumScreen(at(40)))
		dbtest.Must(t, err)
		got, err = db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if !res2.Moved || got.State != liaise.EpisodeScreened || liaise.Clocks(got.Transitions()).ReceivedToScreened != 20*time.Minute {
			t.Errorf("re-screened: %+v, %s, %v", res2, got.State, liaise.Clocks(got.Transitions()))
		}

		// Two complete screens: when the first is wrong, the second counts
		// from its own time and the episode stays screened.
		e2 := screeningEpisode(t, f, site)
		toStates(t, db, f.p2, e2.ID, at, 20, queue...)
		first, err := db.RecordScreening(f.p2, e2.ID, minimumScreen(at(30)))
		dbtest.Must(t, err)
		second, err := db.RecordScreening(f.p2, e2.ID, minimumScreen(at(35)))
		dbtest.Must(t, err)
		if !first.Moved || second.Moved {
			t.Fatalf("first %+v second %+v", first, second)
		}
		effect, err = db.MarkInError(f.p2, sqlstore.ScreeningEntries, e2.ID, first.ID, "Duplicate of the paper form")
		dbtest.Must(t, err)
		got, err = db.GetEpisode(f.p2, e2.ID)
		dbtest.Must(t, err)
		if !strings.Contains(effect, "stays screened") || got.State != liaise.EpisodeScreened || liaise.Clocks(got.Transitions()).ReceivedToScreened != 15*time.Minute {
			t.Errorf("stand-in: %q %s %v", effect, got.State, liaise.Clocks(got.Transitions()))
		}

		// The episode moved on since: its state stays, the move leaves the clocks.
		e3 := screeningEpisode(t, f, site)
		toStates(t, db, f.p2, e3.ID, at, 20, queue...)
		s3, err := db.RecordScreening(f.p2, e3.ID, minimumScreen(at(30)))
		dbtest.Must(t, err)
		toStates(t, db, f.p2, e3.ID, at, 31, liaise.EpisodeAssessmentPending)
		effect, err = db.MarkInError(f.p2, sqlstore.ScreeningEntries, e3.ID, s3.ID, "Wrong person")
		dbtest.Must(t, err)
		got, err = db.GetEpisode(f.p2, e3.ID)
		dbtest.Must(t, err)
		if !strings.Contains(effect, "moved on") || got.State != liaise.EpisodeAssessmentPending || liaise.Clocks(got.Transitions()).ReceivedToScreened != liaise.NotReached {
			t.Errorf("moved on: %q %s %v", effect, got.State, liaise.Clocks(got.Transitions()))
		}
	})
}

// TestCorrectionsBackfill runs migration 0019's backfill on moves recorded
// before it (no source): it finds the screening that made each move, so
// marking that screening in error still takes the move back.
func TestCorrectionsBackfill(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }
		e := screeningEpisode(t, f, site)
		toStates(t, db, f.p2, e.ID, at, 20, liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending)
		res, err := db.RecordScreening(f.p2, e.ID, minimumScreen(at(30)))
		dbtest.Must(t, err)
		ctx := context.Background()
		_, err = db.Exec(ctx, `UPDATE episode_transitions SET source_type = '', source_id = NULL`)
		dbtest.Must(t, err)
		ms, err := sqlstore.Migrations(db.Engine)
		dbtest.Must(t, err)
		sql := ms[18].SQL
		if ms[18].Name != "corrections" || !strings.Contains(sql, "-- Transitions made before this migration") {
			t.Fatalf("migration 19 is %q", ms[18].Name)
		}
		_, err = db.Exec(ctx, sql[strings.Index(sql, "-- Transitions made before this migration"):])
		dbtest.Must(t, err)
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM episode_transitions WHERE source_type = 'screening' AND source_id = ?`, res.ID); n != 1 {
			t.Fatalf("backfill linked %d moves", n)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM episode_transitions WHERE source_type <> ''`); n != 1 {
			t.Errorf("backfill linked %d moves in all", n)
		}
		_, err = db.MarkInError(f.p2, sqlstore.ScreeningEntries, e.ID, res.ID, "Wrong person")
		dbtest.Must(t, err)
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if got.State != liaise.EpisodeScreeningPending {
			t.Errorf("state %s", got.State)
		}
	})
}

func TestAssessmentEnteredInError(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }
		e := screeningEpisode(t, f, site)
		toStates(t, db, f.p2, e.ID, at, 20, liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending,
			liaise.EpisodeScreened, liaise.EpisodeAssessmentPending)
		res, err := db.RecordAssessment(f.p2, e.ID, &liaise.Assessment{Type: liaise.AssessGeneral, OccurredAt: at(40), Formulation: "Low mood"})
		dbtest.Must(t, err)
		if !res.Moved {
			t.Fatalf("not moved: %+v", res)
		}
		effect, err := db.MarkInError(f.p2, sqlstore.AssessmentEntries, e.ID, res.ID, "Another person's assessment")
		dbtest.Must(t, err)
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if got.State != liaise.EpisodeAssessmentPending || !strings.Contains(effect, "back to waiting for assessment") || liaise.Clocks(got.Transitions()).ScreenedToAssessed != liaise.NotReached {
			t.Errorf("after marking: %s %q %v", got.State, effect, liaise.Clocks(got.Transitions()))
		}
		list, err := db.ListAssessments(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || !list[0].EnteredInError || list[0].ErrorReason != "Another person's assessment" {
			t.Errorf("listed %+v", list)
		}
	})
}

func TestConsentOutcomeAndProfileEnteredInError(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		// A consent entered in error no longer covers a disclosure.
		e := consentEpisode(t, f, "1990-03-04")
		c, err := db.RecordConsent(f.p1, e.ID, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal,
			OccurredAt: london(2026, time.November, 20, 11, 0)})
		dbtest.Must(t, err)
		_, err = db.MarkInError(f.p1, sqlstore.ConsentEntries, e.ID, c.ID, "Recorded for the wrong scope")
		dbtest.Must(t, err)
		d := liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant", Purpose: liaise.PurposeInterviewAdaptations,
			Content: "Needs breaks.", Channel: liaise.ChannelVerbal, OccurredAt: london(2026, time.November, 20, 12, 0)}
		if _, err := db.RecordDisclosure(f.p1, e.ID, d); liaise.ErrorFields(err)["legal_basis"] == "" {
			t.Errorf("a consent entered in error covered a disclosure: %v", err)
		}
		l, err := db.GetConsentLog(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(l.Active(time.Now())) != 0 || len(l.Consents) != 1 || !l.Consents[0].EnteredInError || l.Consents[0].ErrorByName != "p1" {
			t.Errorf("consent log %+v", l.Consents)
		}

		// An outcome entered in error is no diversion.
		var o sqlstore.JusticeOutcome
		o.Stage, o.Outcome, o.OccurredAt = liaise.StageCustody, liaise.CustodyCommunityCaution, london(2026, time.November, 20, 12, 0)
		dbtest.Must(t, db.AddJusticeOutcome(f.p1, e.ID, &o))
		_, err = db.MarkInError(f.p1, sqlstore.OutcomeEntries, e.ID, o.ID, "Was a charge")
		dbtest.Must(t, err)
		got, err := db.GetJusticeOutcome(f.p1, e.ID, o.ID)
		dbtest.Must(t, err)
		if got.Diversion() || !got.EnteredInError || got.ErrorByName != "p1" {
			t.Errorf("outcome %+v", got)
		}

		// A communication profile entered in error stays with its request.
		slt := assessmentUser(t, f, "slt1", "slt", f.provA, f.team1)
		rid, err := db.RequestSLT(f.p1, e.ID, &liaise.SLTRequest{Reason: "Cannot follow the caution", Urgency: "routine"})
		dbtest.Must(t, err)
		p := &liaise.CommunicationProfile{OccurredAt: db.Now(), AdaptedQuestioning: "Short questions", IntermediaryNeeded: liaise.IntermediaryNo}
		dbtest.Must(t, db.RecordCommunicationProfile(slt, rid, 1, p))
		_, err = db.MarkInError(f.p1, sqlstore.ProfileEntries, e.ID, p.ID, "Profile of another person")
		dbtest.Must(t, err)
		reqs, err := db.ListSLTRequests(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(reqs) != 1 || reqs[0].Profile == nil || !reqs[0].ProfileInError || reqs[0].ProfileCorrection.ErrorReason != "Profile of another person" {
			t.Errorf("requests %+v", reqs)
		}
	})
}

func TestCancelSLTRequest(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		e := screeningEpisode(t, f, site) // team 2
		slt2 := assessmentUser(t, f, "slt2", "slt", f.provA, f.team2)
		sltB := assessmentUser(t, f, "sltB", "slt", f.provB, f.teamB)
		id, err := db.RequestSLT(f.p2, e.ID, &liaise.SLTRequest{Reason: "Cannot follow the caution", Urgency: "urgent"})
		dbtest.Must(t, err)

		if _, err := db.CancelSLTRequest(f.p2, id, 1, ""); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("no reason: %v", err)
		}
		if _, err := db.CancelSLTRequest(f.p1, id, 1, "Not mine"); err == nil {
			t.Errorf("another team's practitioner cancelled it")
		}
		if _, err := db.CancelSLTRequest(sltB, id, 1, "Not mine"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("another provider: %v", err)
		}
		if _, err := db.CancelSLTRequest(f.p2, id, 7, "Released"); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Errorf("stale version: %v", err)
		}
		req, err := db.CancelSLTRequest(f.p2, id, 1, "Released before the therapist arrived")
		dbtest.Must(t, err)
		if req.Status != liaise.SLTCancelled || req.Version != 2 {
			t.Errorf("cancelled %+v", req)
		}
		q, err := db.SLTQueue(slt2)
		dbtest.Must(t, err)
		if len(q) != 0 {
			t.Errorf("cancelled request still queued: %+v", q)
		}
		reqs, err := db.ListSLTRequests(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(reqs) != 1 || reqs[0].Status != liaise.SLTCancelled || reqs[0].CancelReason != "Released before the therapist arrived" ||
			reqs[0].CancelledByName != "p2" || reqs[0].CancelledAt.IsZero() {
			t.Errorf("listed %+v", reqs)
		}
		if _, err := db.CancelSLTRequest(f.p2, id, 2, "Again"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("cancelled twice: %v", err)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'slt_request' AND action = 'update' AND detail = 'cancelled'`); n != 1 {
			t.Errorf("cancel audited %d times", n)
		}

		// The therapist may cancel an open request; a completed one cannot be.
		id2, err := db.RequestSLT(f.p2, e.ID, &liaise.SLTRequest{Reason: "Second look", Urgency: "routine"})
		dbtest.Must(t, err)
		_, err = db.CancelSLTRequest(slt2, id2, 1, "Seen by the court's intermediary instead")
		dbtest.Must(t, err)
		id3, err := db.RequestSLT(f.p2, e.ID, &liaise.SLTRequest{Reason: "Third", Urgency: "routine"})
		dbtest.Must(t, err)
		dbtest.Must(t, db.RecordCommunicationProfile(slt2, id3, 1, &liaise.CommunicationProfile{OccurredAt: db.Now(),
			AdaptedQuestioning: "Short questions", IntermediaryNeeded: liaise.IntermediaryNo}))
		if _, err := db.CancelSLTRequest(f.p2, id3, 2, "Too late"); liaise.ErrorCode(err) != liaise.ECONFLICT || !strings.Contains(liaise.ErrorMessage(err), "completed") {
			t.Errorf("completed request: %v", err)
		}
	})
}

func TestWithdrawConflict(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f, e := contactEpisode(t, db)
		set := london(2026, time.November, 23, 9, 0)
		c, err := db.DeclareConflict(f.p1b, e.PersonID, "Same recovery group")
		dbtest.Must(t, err)
		goal := sqlstore.SupportGoal{Type: sqlstore.GoalBenefits, WorkerID: f.ids["p1b"], SetAt: set}
		if liaise.ErrorFields(db.AddSupportGoal(f.p1, e.ID, &goal))["worker_user_id"] == "" {
			t.Fatal("declared worker assigned")
		}

		// Only the declarer or a manager withdraws it, with a reason.
		if _, err := db.WithdrawConflict(f.p1, e.PersonID, c.ID, "Not theirs"); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("a colleague withdrew it: %v", err)
		}
		if _, err := db.WithdrawConflict(f.p1b, e.PersonID, c.ID, " "); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("no reason: %v", err)
		}
		if _, err := db.WithdrawConflict(f.pB, e.PersonID, c.ID, "x"); err == nil {
			t.Errorf("another provider withdrew it")
		}
		otherPerson := newPerson("Sam", "Other", "1980-01-01")
		mustCreate(t, db, f.p1, otherPerson)
		if _, err := db.WithdrawConflict(f.p1b, otherPerson.ID, c.ID, "x"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("declaration of another person: %v", err)
		}
		w, err := db.WithdrawConflict(f.p1b, e.PersonID, c.ID, "Declared on the wrong record")
		dbtest.Must(t, err)
		if w.Live() || w.WithdrawnByName != "p1b" || w.WithdrawReason != "Declared on the wrong record" {
			t.Errorf("withdrawn %+v", w)
		}
		if _, err := db.WithdrawConflict(f.p1b, e.PersonID, c.ID, "Again"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("withdrawn twice: %v", err)
		}
		// It stays in the record; the worker can be assigned again.
		list, err := db.EpisodeConflicts(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].Live() || list[0].WithdrawReason == "" {
			t.Errorf("declarations %+v", list)
		}
		dbtest.Must(t, db.AddSupportGoal(f.p1, e.ID, &goal))
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'person_conflict' AND action = 'update'`); n != 1 {
			t.Errorf("withdrawal audited %d times", n)
		}

		// A manager may withdraw someone else's declaration.
		c2, err := db.DeclareConflict(f.p1, e.PersonID, "")
		dbtest.Must(t, err)
		manager := consentUser(t, db, "m1", "team_manager", f.provA, f.team1)
		_, err = db.WithdrawConflict(manager, e.PersonID, c2.ID, "They left the peer group years ago")
		dbtest.Must(t, err)
	})
}
