package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestReferralsStore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f, e := contactEpisode(t, db)
		oct := func(d, h int) liaise.Time { return london(2026, time.October, d, h, 0) }
		// Validation: unknown need, missing service, unknown method, no decision time.
		_, err := db.AddReferral(f.p1, e.ID, sqlstore.NewReferralInput{Need: "astrology", Method: "pigeon"})
		fs := liaise.ErrorFields(err)
		if fs["need"] == "" || fs["service"] == "" || fs["method"] == "" || fs["decided_at"] == "" {
			t.Errorf("validation: %v", err)
		}
		// A new referral cannot start further along than sent.
		_, err = db.AddReferral(f.p1, e.ID, sqlstore.NewReferralInput{Need: "substance_drugs", Service: "Inspire", Method: "ers", State: liaise.ReferralAttended, DecidedAt: oct(1, 9)})
		if liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("start as attended: %v", err)
		}
		r, err := db.AddReferral(f.p1, e.ID, sqlstore.NewReferralInput{Need: "substance_drugs", Service: " Inspire  drug service ", Method: "warm_handover",
			State: liaise.ReferralPlanned, DecidedAt: oct(1, 9)})
		dbtest.Must(t, err)
		if r.State != liaise.ReferralPlanned || r.Version != 1 || r.Service != "Inspire drug service" {
			t.Fatalf("created %+v", r.OnwardReferral)
		}
		move := func(to liaise.ReferralState, at liaise.Time, version int, extra ...func(*sqlstore.ReferralTransitionInput)) (int, error) {
			in := sqlstore.ReferralTransitionInput{To: to, OccurredAt: at, Version: version}
			for _, fn := range extra {
				fn(&in)
			}
			return db.TransitionReferral(f.p1, e.ID, r.ID, in)
		}
		// Refused: planned cannot jump to attended.
		if _, err := move(liaise.ReferralAttended, oct(2, 9), 1); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("planned to attended: %v", err)
		}
		v, err := move(liaise.ReferralSent, oct(2, 9), 1)
		dbtest.Must(t, err)
		// A stale version is refused and nothing changes.
		if _, err := move(liaise.ReferralAcknowledged, oct(3, 9), 1); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Errorf("stale: %v", err)
		}
		// Declining needs a reason.
		if _, err := move(liaise.ReferralDeclined, oct(3, 9), v); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("decline without reason: %v", err)
		}
		// Booking needs the appointment time, not before the booking.
		if _, err := move(liaise.ReferralFirstAppointmentBooked, oct(3, 9), v); liaise.ErrorFields(err)["first_appointment_at"] == "" {
			t.Errorf("booking without time: %v", err)
		}
		yes := true
		v, err = move(liaise.ReferralFirstAppointmentBooked, oct(3, 9), v, func(in *sqlstore.ReferralTransitionInput) {
			in.FirstAppointmentAt, in.Supported = oct(5, 14), &yes
		})
		dbtest.Must(t, err)
		// Before the previous step is refused.
		if _, err := move(liaise.ReferralAttended, oct(2, 9), v); liaise.ErrorFields(err)["occurred_at"] == "" {
			t.Errorf("before previous: %v", err)
		}
		v, err = move(liaise.ReferralAttended, oct(5, 14), v)
		dbtest.Must(t, err)
		// Engaged at 4 weeks only from 4 weeks after attending (2 November).
		if _, err := move(liaise.ReferralEngaged4Weeks, oct(30, 9), v); liaise.ErrorFields(err)["occurred_at"] == "" {
			t.Errorf("engaged too soon: %v", err)
		}
		v, err = move(liaise.ReferralEngaged4Weeks, london(2026, time.November, 2, 15, 0), v)
		dbtest.Must(t, err)
		// Engaged at 12 weeks would be 28 December: in the future now.
		if _, err := move(liaise.ReferralEngaged12Weeks, db.Now(), v); liaise.ErrorFields(err)["occurred_at"] == "" {
			t.Errorf("engaged at 12 weeks too soon: %v", err)
		}
		v, err = move(liaise.ReferralDisengaged, db.Now(), v)
		dbtest.Must(t, err)
		// Terminal: nothing follows.
		if _, err := move(liaise.ReferralEngaged12Weeks, db.Now(), v); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("after terminal: %v", err)
		}
		got, err := db.GetReferral(f.p1b, e.ID, r.ID)
		dbtest.Must(t, err)
		if got.State != liaise.ReferralDisengaged || got.Version != 6 || !got.SupportedToFirstAppointment || !got.SentAt.Equal(oct(2, 9).Time) ||
			!got.FirstAppointmentAt.Equal(oct(5, 14).Time) || !got.AttendedAt.Equal(oct(5, 14).Time) {
			t.Errorf("referral %+v", got.OnwardReferral)
		}
		if len(got.History) != 6 || got.History[0].From != "" || got.History[0].To != liaise.ReferralPlanned || got.History[5].To != liaise.ReferralDisengaged ||
			got.History[1].UserName != "p1" || !got.History[1].Late() {
			t.Errorf("history %+v", got.History)
		}
		// Sent straight away; declined with a reason, recorded.
		r2, err := db.AddReferral(f.p1, e.ID, sqlstore.NewReferralInput{Need: "housing", Service: "Council housing options", Method: "secure_email",
			State: liaise.ReferralSent, DecidedAt: db.Now()})
		dbtest.Must(t, err)
		if r2.State != liaise.ReferralSent || !r2.SentAt.Equal(db.Now().Time) {
			t.Errorf("sent %+v", r2.OnwardReferral)
		}
		_, err = db.TransitionReferral(f.p1, e.ID, r2.ID, sqlstore.ReferralTransitionInput{To: liaise.ReferralDeclined, Reason: "Out of area", OccurredAt: db.Now(), Version: 1})
		dbtest.Must(t, err)
		// Lists and reads are audited; other providers see nothing.
		n := auditCount(t, db, "onward_referral", liaise.AuditList)
		list, err := db.ListReferrals(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(list) != 2 || list[0].ID != r.ID || list[1].State != liaise.ReferralDeclined {
			t.Errorf("list %+v", list)
		}
		if auditCount(t, db, "onward_referral", liaise.AuditList) != n+1 || auditCount(t, db, "onward_referral", liaise.AuditRead) != 1 {
			t.Errorf("not audited")
		}
		if _, err := db.GetReferral(f.pB, e.ID, r.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		if _, err := db.GetReferral(f.p1, e.ID, 999999); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("unknown referral: %v", err)
		}
	})
}

// TestSendingAReferralSchedulesItsOutcomeCheck: sending (at creation or by a
// transition) adds a referral outcome check task due the configured days later.
func TestSendingAReferralSchedulesItsOutcomeCheck(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		db.ReferralCheckDays = 10
		f, e := contactEpisode(t, db)
		sent := london(2026, time.October, 1, 9, 0)
		r, err := db.AddReferral(f.p1, e.ID, sqlstore.NewReferralInput{Need: "substance_alcohol", Service: "Alcohol service", Method: "ers", State: liaise.ReferralSent, DecidedAt: sent})
		dbtest.Must(t, err)
		var n int
		var due liaise.Time
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*), MAX(due_at) FROM tasks WHERE episode_id = ? AND kind = 'referral_outcome_check' AND source_id = ?`, e.ID, r.ID).Scan(&n, &due))
		if n != 1 {
			t.Fatalf("%d outcome-check tasks, want 1", n)
		}
		if got := liaise.DateOf(due.Local()).String(); got != "2026-10-11" {
			t.Errorf("due %s, want 2026-10-11 (10 days after sending)", got)
		}
	})
}
