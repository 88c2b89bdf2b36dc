package sqlstore_test

import (
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestYouthRecord(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		child := consentEpisode(t, f, "2011-06-01") // 15 at the alert
		at := london(2026, time.November, 20, 11, 0)

		y, err := db.GetYouthRecord(f.p1, child.ID)
		dbtest.Must(t, err)
		if y.Age != 15 || !y.Child() {
			t.Fatalf("age %d child %v", y.Age, y.Child())
		}
		if _, ok := y.LatestAA(); ok {
			t.Fatal("no appropriate adult recorded yet")
		}

		// Validation names the fields.
		_, err = db.RecordAppropriateAdult(f.p1, child.ID, sqlstore.AppropriateAdultInput{Present: true, OccurredAt: at})
		if fe := liaise.ErrorFields(err); fe["relationship"] == "" || fe["name"] == "" {
			t.Fatalf("present without who: %v", err)
		}
		_, err = db.RecordAppropriateAdult(f.p1, child.ID, sqlstore.AppropriateAdultInput{AbsentReason: "other", OccurredAt: at})
		if liaise.ErrorFields(err)["absent_detail"] == "" {
			t.Fatalf("other without text: %v", err)
		}

		_, err = db.RecordAppropriateAdult(f.p1, child.ID, sqlstore.AppropriateAdultInput{AbsentReason: "not_yet_arrived", OccurredAt: at})
		dbtest.Must(t, err)
		aa, err := db.RecordAppropriateAdult(f.p1, child.ID, sqlstore.AppropriateAdultInput{Present: true, Relationship: "parent", Name: "Maid Marian",
			OccurredAt: liaise.NewTime(at.Add(time.Hour))})
		dbtest.Must(t, err)
		y, err = db.GetYouthRecord(f.p1, child.ID)
		dbtest.Must(t, err)
		latest, ok := y.LatestAA()
		if !ok || latest.ID != aa.ID || !latest.Present || latest.Name != "Maid Marian" || len(y.AppropriateAdults) != 2 {
			t.Fatalf("latest: %+v of %d", latest, len(y.AppropriateAdults))
		}

		// A safeguarding referral needs a destination and a reference.
		_, err = db.RecordSafeguardingReferral(f.p1, child.ID, sqlstore.SafeguardingInput{ReferredTo: "mash", Reference: " ", OccurredAt: at})
		if liaise.ErrorFields(err)["reference"] == "" {
			t.Fatalf("no reference: %v", err)
		}
		_, err = db.RecordSafeguardingReferral(f.p1, child.ID, sqlstore.SafeguardingInput{ReferredTo: "police", Reference: "M1", OccurredAt: at})
		if liaise.ErrorFields(err)["referred_to"] == "" {
			t.Fatalf("unknown destination: %v", err)
		}
		sr, err := db.RecordSafeguardingReferral(f.p1, child.ID, sqlstore.SafeguardingInput{ReferredTo: "mash", Reference: "MASH-2026-0042",
			Concern: "Disclosed exploitation", OccurredAt: at})
		dbtest.Must(t, err)
		y, err = db.GetYouthRecord(f.p1, child.ID)
		dbtest.Must(t, err)
		if len(y.SafeguardingRefs) != 1 || y.SafeguardingRefs[0].ID != sr.ID || y.SafeguardingRefs[0].Reference != "MASH-2026-0042" {
			t.Fatalf("referrals: %+v", y.SafeguardingRefs)
		}

		// Another team's practitioner and another provider get nothing.
		if _, err := db.RecordAppropriateAdult(f.p2, child.ID, sqlstore.AppropriateAdultInput{AbsentReason: "refused", OccurredAt: at}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("another team writes: %v", err)
		}
		if _, err := db.GetYouthRecord(f.p2, child.ID); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("another team reads: %v", err)
		}
		if _, err := db.RecordSafeguardingReferral(f.pB, child.ID, sqlstore.SafeguardingInput{ReferredTo: "mash", Reference: "X", OccurredAt: at}); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("another provider: %v", err)
		}

		// An adult is not a child; a 9-year-old is.
		adult := consentEpisode(t, f, "1990-01-01")
		if y, err := db.GetYouthRecord(f.p1, adult.ID); err != nil || y.Child() || y.Age != 36 {
			t.Errorf("adult: %d %v %v", y.Age, y.Child(), err)
		}
		young := consentEpisode(t, f, "2017-01-01")
		if y, err := db.GetYouthRecord(f.p1, young.ID); err != nil || !y.Child() || y.Age != 9 {
			t.Errorf("9-year-old: %d %v %v", y.Age, y.Child(), err)
		}
	})
}
