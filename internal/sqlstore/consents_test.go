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

// consentUser adds a user of role in provider/team and returns its context.
func consentUser(t *testing.T, db *sqlstore.DB, name, role string, provider, team int64) context.Context {
	t.Helper()
	ctx := context.Background()
	u := &liaise.User{ProviderID: provider, Username: name, DisplayName: name, RoleCode: role, Memberships: []liaise.Membership{{TeamID: team}}}
	dbtest.Must(t, db.CreateUser(liaise.WithActor(ctx, liaise.SystemActor("test")), u, ""))
	a, err := db.LoadActor(ctx, u.ID)
	dbtest.Must(t, err)
	return liaise.WithActor(ctx, a)
}

// consentEpisode opens an episode at team 1's 24/7 site for a person born
// on dob ("" for unknown).
func consentEpisode(t *testing.T, f *peopleFixture, dob string) sqlstore.Episode {
	t.Helper()
	ctx := context.Background()
	var site int64
	dbtest.Must(t, f.db.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		site, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Preston custody suite '||?, 'custody_suite', 'M03', '24/7', ?, ?)`, f.provA, f.team1, dob, tx.Now, tx.Now)
		return err
	}))
	in := sqlstore.QuickIdentifyInput{GivenName: "Robin", FamilyName: "Hood" + dob, SiteID: site, AlertedAt: london(2026, time.November, 20, 10, 0)}
	if dob != "" {
		p := newPerson("Robin", "Hood"+dob, dob)
		mustCreate(t, f.db, f.p1, p)
		in = sqlstore.QuickIdentifyInput{PersonID: p.ID, SiteID: site, AlertedAt: in.AlertedAt}
	}
	e, err := f.db.QuickIdentify(f.p1, in)
	dbtest.Must(t, err)
	return e
}

func TestConsentAgeRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		at := london(2026, time.November, 20, 11, 0)
		child := consentEpisode(t, f, "2011-06-01") // 15 on the day
		given := sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal, OccurredAt: at}
		_, err := db.RecordConsent(f.p1, child.ID, given)
		if msg := liaise.ErrorFields(err)["gillick_competent"]; !strings.Contains(msg, "child under 16") || !strings.Contains(msg, "Gillick") {
			t.Fatalf("15 without Gillick: %v", err)
		}
		g := given
		g.GillickCompetent = true
		rec, err := db.RecordConsent(f.p1, child.ID, g)
		dbtest.Must(t, err)
		if rec.PersonAgeAtEvent != 15 || rec.ObtainedBy != f.ids["p1"] {
			t.Errorf("stored %+v", rec.Consent)
		}
		// Best interests only from 16.
		bi := sqlstore.ConsentInput{Scope: liaise.ScopeShareCourt, Decision: liaise.ConsentLacksCapacity, BestInterests: true, OccurredAt: at}
		if _, err := db.RecordConsent(f.p1, child.ID, bi); !strings.Contains(liaise.ErrorFields(err)["best_interests"], "only from age 16") {
			t.Errorf("best interests at 15: %v", err)
		}
		adult := consentEpisode(t, f, "2009-01-01") // 17
		if _, err := db.RecordConsent(f.p1, adult.ID, bi); err != nil {
			t.Errorf("best interests at 17: %v", err)
		}
		// Unknown age that appears under 18 is treated as a child.
		unknown := consentEpisode(t, f, "")
		u := given
		u.AppearsUnder18 = true
		if _, err := db.RecordConsent(f.p1, unknown.ID, u); !strings.Contains(liaise.ErrorFields(err)["gillick_competent"], "unknown age") {
			t.Errorf("unknown age under 18: %v", err)
		}
		rec, err = db.RecordConsent(f.p1, unknown.ID, given)
		dbtest.Must(t, err)
		if rec.PersonAgeAtEvent != -1 {
			t.Errorf("unknown age stored as %d", rec.PersonAgeAtEvent)
		}
		// Another team's practitioner cannot record consent (break-glass needed).
		if _, err := db.RecordConsent(f.p2, child.ID, g); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team: %v", err)
		}
		if _, err := db.RecordConsent(f.pB, child.ID, g); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		l, err := db.GetConsentLog(f.p1, child.ID)
		dbtest.Must(t, err)
		if len(l.Consents) != 1 || len(l.Active(at.Time)) != 1 {
			t.Errorf("log %+v", l.Consents)
		}
	})
}

func TestDisclosureRules(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		e := consentEpisode(t, f, "1990-03-04")
		at := london(2026, time.November, 20, 12, 0)
		d := liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant", Purpose: liaise.PurposeInterviewAdaptations,
			Content: "Needs breaks every 30 minutes.", Channel: liaise.ChannelVerbal, OccurredAt: at}
		// No consent and no basis: refused with the domain's message.
		_, err := db.RecordDisclosure(f.p1, e.ID, d)
		if msg := liaise.ErrorFields(err)["legal_basis"]; !strings.Contains(msg, "no active consent to share with the police") {
			t.Fatalf("without basis: %v", err)
		}
		c, err := db.RecordConsent(f.p1, e.ID, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal,
			OccurredAt: london(2026, time.November, 20, 11, 0)})
		dbtest.Must(t, err)
		rec, err := db.RecordDisclosure(f.p1, e.ID, d)
		dbtest.Must(t, err)
		if rec.ConsentID != c.ID || rec.NeedsReview || rec.LegalBasis != "" {
			t.Errorf("with consent %+v", rec)
		}
		// Consent to the police says nothing about the court.
		court := d
		court.RecipientAgency = liaise.RecipientCourt
		if _, err := db.RecordDisclosure(f.p1, e.ID, court); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("court without consent: %v", err)
		}
		// Withdrawal stops later disclosures.
		_, err = db.RecordConsent(f.p1, e.ID, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentWithdrawn, Form: liaise.ConsentVerbal,
			OccurredAt: london(2026, time.November, 20, 13, 0)})
		dbtest.Must(t, err)
		later := d
		later.OccurredAt = london(2026, time.November, 20, 14, 0)
		_, err = db.RecordDisclosure(f.p1, e.ID, later)
		if msg := liaise.ErrorFields(err)["legal_basis"]; !strings.Contains(msg, "withdrew their consent") {
			t.Errorf("after withdrawal: %v", err)
		}
		// Urgent serious-harm disclosure alone at 02:00 on a Saturday: due Monday.
		urgent := d
		urgent.OccurredAt, urgent.LegalBasis, urgent.Urgent, urgent.Purpose = london(2026, time.November, 21, 2, 0), liaise.BasisSeriousHarm, true, liaise.PurposeRisk
		u1, err := db.RecordDisclosure(f.p1, e.ID, urgent)
		dbtest.Must(t, err)
		if !u1.NeedsReview || u1.ReviewDue.String() != "2026-11-23" || u1.ConsentID != 0 {
			t.Errorf("urgent %+v due %s", u1, u1.ReviewDue)
		}
		// Saturday before the May Day bank holiday: due Tuesday.
		may := urgent
		may.OccurredAt, may.LegalBasis = london(2026, time.May, 2, 2, 0), liaise.BasisSafeguarding
		u2, err := db.RecordDisclosure(f.p1, e.ID, may)
		dbtest.Must(t, err)
		if u2.ReviewDue.String() != "2026-05-05" {
			t.Errorf("bank holiday due %s", u2.ReviewDue)
		}

		// The queue: provider-scoped, oldest due first, reviewed once.
		cg := consentUser(t, db, "cgA", "caldicott_guardian", f.provA, f.team1)
		cgB := consentUser(t, db, "cgB", "caldicott_guardian", f.provB, f.teamB)
		q, err := db.ListDisclosureReviews(cg, "")
		dbtest.Must(t, err)
		if len(q) != 2 || q[0].ID != u2.ID || q[1].ID != u1.ID || q[0].PersonName == "" {
			t.Fatalf("queue %+v", q)
		}
		if qb, err := db.ListDisclosureReviews(cgB, ""); err != nil || len(qb) != 0 {
			t.Errorf("other provider queue: %d %v", len(qb), err)
		}
		if _, err := db.ListDisclosureReviews(f.p1, ""); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner queue: %v", err)
		}
		if _, err := db.RecordDisclosureReview(cgB, u1.ID, sqlstore.OutcomeAppropriate, ""); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider review: %v", err)
		}
		if _, err := db.RecordDisclosureReview(cg, u1.ID, sqlstore.OutcomeFollowUp, ""); liaise.ErrorFields(err)["comment"] == "" {
			t.Errorf("follow-up without comment: %v", err)
		}
		if _, err := db.RecordDisclosureReview(cg, rec.ID, sqlstore.OutcomeAppropriate, ""); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("consented disclosure is not in the queue: %v", err)
		}
		r, err := db.RecordDisclosureReview(cg, u1.ID, sqlstore.OutcomeAppropriate, "Right call.")
		dbtest.Must(t, err)
		if r.Outcome != sqlstore.OutcomeAppropriate || r.ReviewedByName != "cgA" {
			t.Errorf("review %+v", r)
		}
		if _, err := db.RecordDisclosureReview(cg, u1.ID, sqlstore.OutcomeInappropriate, "Changed my mind"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("second review: %v", err)
		}
		q, _ = db.ListDisclosureReviews(cg, "")
		if len(q) != 1 || q[0].ID != u2.ID {
			t.Errorf("queue after review %+v", q)
		}

		// The person's log: everything from episodes the reader may open.
		l, err := db.PersonDisclosures(f.p1, e.PersonID)
		dbtest.Must(t, err)
		if len(l.Items) != 3 || l.Skipped || l.Items[0].ID != u2.ID {
			t.Errorf("log %d skipped %v", len(l.Items), l.Skipped)
		}
		l, err = db.PersonDisclosures(f.p2, e.PersonID)
		dbtest.Must(t, err)
		if len(l.Items) != 0 || !l.Skipped {
			t.Errorf("other team log %d skipped %v", len(l.Items), l.Skipped)
		}
		if _, err := db.PersonDisclosures(f.pB, e.PersonID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider log: %v", err)
		}
	})
}
