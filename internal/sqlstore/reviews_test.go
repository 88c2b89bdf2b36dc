package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// reviewActor creates a user of role in team and returns a context acting as them.
func reviewActor(t *testing.T, f *peopleFixture, name, role string, provider, team int64) context.Context {
	t.Helper()
	ctx := context.Background()
	u := &liaise.User{ProviderID: provider, Username: name, DisplayName: "Dr " + name, RoleCode: role, Memberships: []liaise.Membership{{TeamID: team}}}
	dbtest.Must(t, f.db.CreateUser(liaise.WithActor(ctx, liaise.SystemActor("test")), u, ""))
	f.ids[name] = u.ID
	a, err := f.db.LoadActor(ctx, u.ID)
	dbtest.Must(t, err)
	return liaise.WithActor(ctx, a)
}

func listReviews(t *testing.T, db *sqlstore.DB, ctx context.Context, status string) []sqlstore.BreakGlassReview {
	t.Helper()
	page, err := db.ListBreakGlassReviews(ctx, sqlstore.ReviewQuery{Status: status})
	dbtest.Must(t, err)
	return page.Items
}

func TestBreakGlassReviewQueue(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		cgA := reviewActor(t, f, "cgA", "caldicott_guardian", f.provA, f.team1)
		cgB := reviewActor(t, f, "cgB", "caldicott_guardian", f.provB, f.teamB)
		var teamB2 int64
		dbtest.Must(t, db.Update(context.Background(), func(tx *sqlstore.Tx) error {
			var err error
			teamB2, err = tx.InsertID(context.Background(), `INSERT INTO teams (provider_id, service_id, name, created_at, updated_at)
				SELECT provider_id, service_id, 'B court', ?, ? FROM teams WHERE id = ?`, tx.Now, tx.Now, f.teamB)
			return err
		}))
		pB2 := reviewActor(t, f, "pB2", "practitioner", f.provB, teamB2)

		amy := newPerson("Amy", "Reviewable", "1991-04-05")
		mustCreate(t, db, f.p1, amy)
		dbtest.Must(t, db.BreakGlass(f.p2, amy.ID, "Brought into Lancaster custody overnight"))
		bob := newPerson("Bob", "Elsewhere", "1980-01-01")
		mustCreate(t, db, f.pB, bob)
		dbtest.Must(t, db.BreakGlass(pB2, bob.ID, "Covering the B team custody suite"))

		// Pending list: the opening, who made it and why.
		got := listReviews(t, db, cgA, "")
		if len(got) != 1 {
			t.Fatalf("pending for A: %+v", got)
		}
		r := got[0]
		if r.PersonID != amy.ID || r.PersonName != "Amy Reviewable" || r.StaffName != "p2" || r.StaffRole != "Practitioner" ||
			r.Reason != "Brought into Lancaster custody overnight" || !r.Pending() || r.At.IsZero() {
			t.Errorf("row %+v", r)
		}
		if n := len(listReviews(t, db, cgA, sqlstore.ReviewReviewed)); n != 0 {
			t.Errorf("reviewed before any review: %d", n)
		}
		// The list is audited with the people it showed.
		var n int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events e JOIN audit_subjects s ON s.seq = e.seq
			WHERE e.action = ? AND e.record_type = 'break_glass_review' AND e.user_id = ? AND s.subject_id = ?`,
			liaise.AuditList, f.ids["cgA"], amy.ID).Scan(&n))
		if n == 0 {
			t.Error("review list not audited with its subjects")
		}

		// Provider boundary: B's guardian sees only B's opening and cannot review A's.
		gotB := listReviews(t, db, cgB, sqlstore.ReviewAll)
		if len(gotB) != 1 || gotB[0].PersonID != bob.ID {
			t.Errorf("B sees %+v", gotB)
		}
		if _, err := db.RecordBreakGlassReview(cgB, r.ID, sqlstore.OutcomeAppropriate, ""); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("B reviews A's opening: %v", err)
		}

		// Only reviewers may list or review.
		if _, err := db.ListBreakGlassReviews(f.p1, sqlstore.ReviewQuery{}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner lists: %v", err)
		}
		if _, err := db.RecordBreakGlassReview(f.p1, r.ID, sqlstore.OutcomeAppropriate, ""); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner reviews: %v", err)
		}
		if _, err := db.ListBreakGlassReviews(cgA, sqlstore.ReviewQuery{Status: "maybe"}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("bad status: %v", err)
		}

		// Inappropriate or follow-up needs a comment; outcomes are checked.
		for _, c := range []struct{ outcome, comment, field string }{
			{sqlstore.OutcomeInappropriate, "", "comment"},
			{sqlstore.OutcomeFollowUp, "  ", "comment"},
			{"fine", "", "outcome"},
			{"", "", "outcome"},
			{sqlstore.OutcomeAppropriate, strings.Repeat("x", 2001), "comment"},
		} {
			_, err := db.RecordBreakGlassReview(cgA, r.ID, c.outcome, c.comment)
			if liaise.ErrorCode(err) != liaise.EINVALID || liaise.ErrorFields(err)[c.field] == "" {
				t.Errorf("%q/%q: %v, want invalid %s", c.outcome, c.comment, err, c.field)
			}
		}

		// Reviewed once, audited, and moved to the reviewed list.
		rev, err := db.RecordBreakGlassReview(cgA, r.ID, sqlstore.OutcomeFollowUp, "Ask p2 why the custody team was not called")
		dbtest.Must(t, err)
		if rev.Pending() || rev.ReviewedByName != "Dr cgA" || rev.PersonName != "Amy Reviewable" || rev.Outcome != sqlstore.OutcomeFollowUp {
			t.Errorf("returned %+v", rev)
		}
		_, err = db.RecordBreakGlassReview(cgA, r.ID, sqlstore.OutcomeAppropriate, "")
		if liaise.ErrorCode(err) != liaise.ECONFLICT || !strings.Contains(liaise.ErrorMessage(err), "already reviewed by Dr cgA at") {
			t.Errorf("second review: %v", err)
		}
		if n := len(listReviews(t, db, cgA, sqlstore.ReviewPending)); n != 0 {
			t.Errorf("still pending: %d", n)
		}
		done := listReviews(t, db, cgA, sqlstore.ReviewReviewed)
		if len(done) != 1 || done[0].Outcome != sqlstore.OutcomeFollowUp || done[0].Comment != "Ask p2 why the custody team was not called" ||
			done[0].ReviewedBy != f.ids["cgA"] || done[0].ReviewedByName != "Dr cgA" || done[0].ReviewedAt.IsZero() || done[0].Pending() {
			t.Errorf("reviewed %+v", done)
		}
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action = ? AND record_type = 'break_glass_review' AND record_id = ? AND user_id = ? AND detail = ?`,
			liaise.AuditUpdate, r.ID, f.ids["cgA"], "outcome: needs_follow_up").Scan(&n))
		if n != 1 {
			t.Errorf("review audit events: %d", n)
		}
	})
}

func TestBreakGlassReviewPagingRestrictedAndOwn(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		cgA := reviewActor(t, f, "cgA", "caldicott_guardian", f.provA, f.team1)
		tm := reviewActor(t, f, "tm2", "team_manager", f.provA, f.team2)
		var people []*liaise.Person
		for i, name := range []string{"One", "Two", "Three"} {
			p := newPerson(name, "Paged", "1970-01-0"+string(rune('1'+i)))
			mustCreate(t, db, f.p1, p)
			people = append(people, p)
			dbtest.Must(t, db.BreakGlass(f.p2, p.ID, "Seen in Lancaster court cells"))
		}
		// The last person becomes restricted after the opening; the guardian
		// is not named on them.
		_, err := db.Exec(context.Background(), `UPDATE people SET restricted = TRUE WHERE id = ?`, people[2].ID)
		dbtest.Must(t, err)

		var seen []sqlstore.BreakGlassReview
		cursor := ""
		for range 5 {
			page, err := db.ListBreakGlassReviews(cgA, sqlstore.ReviewQuery{Cursor: cursor, Limit: 2})
			dbtest.Must(t, err)
			seen = append(seen, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 3 || seen[0].PersonID != people[2].ID || seen[2].PersonID != people[0].ID {
			t.Fatalf("paged newest first: %+v", seen)
		}
		if !seen[0].Hidden || seen[0].PersonName != "Restricted record" || seen[1].PersonName != "Two Paged" {
			t.Errorf("restricted shown as %q, next %q", seen[0].PersonName, seen[1].PersonName)
		}
		if _, err := db.ListBreakGlassReviews(cgA, sqlstore.ReviewQuery{Cursor: "not-a-cursor"}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}

		// No one reviews their own opening.
		dbtest.Must(t, db.BreakGlass(tm, people[0].ID, "Covering the Preston custody team today"))
		own := listReviews(t, db, tm, "")[0]
		if own.UserID != f.ids["tm2"] {
			t.Fatalf("newest is %+v", own)
		}
		if _, err := db.RecordBreakGlassReview(tm, own.ID, sqlstore.OutcomeAppropriate, ""); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("own review: %v", err)
		}
		_, err = db.RecordBreakGlassReview(cgA, own.ID, sqlstore.OutcomeAppropriate, "")
		dbtest.Must(t, err)
	})
}
