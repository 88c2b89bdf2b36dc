package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestAgeGroupAt(t *testing.T) {
	alert := london(2026, time.November, 23, 9, 0)
	for _, c := range []struct {
		p    liaise.Person
		want string
	}{
		{liaise.Person{DateOfBirth: pdate("2008-11-24")}, sqlstore.AgeChild}, // 18 tomorrow
		{liaise.Person{DateOfBirth: pdate("2008-11-23")}, sqlstore.AgeAdult}, // 18 today
		{liaise.Person{DOBUnknown: true}, sqlstore.AgeUnknown},
		{liaise.Person{DOBUnknown: true, EstimatedAge: 16}, sqlstore.AgeChild},
		{liaise.Person{DOBUnknown: true, EstimatedAge: 30}, sqlstore.AgeAdult},
	} {
		if got := sqlstore.AgeGroupAt(c.p, alert); got != c.want {
			t.Errorf("%+v: %s, want %s", c.p, got, c.want)
		}
	}
	if got := sqlstore.Initials(" amir ", "Hussain Khan"); got != "A. H." {
		t.Errorf("initials %q", got)
	}
}

// setDOB gives a person a date of birth (or an estimated age) directly.
func setDOB(t *testing.T, db *sqlstore.DB, person int64, dob string, est int) {
	t.Helper()
	ctx := context.Background()
	dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
		var d liaise.Date
		if dob != "" {
			d = pdate(dob)
		}
		_, err := tx.Exec(ctx, `UPDATE people SET date_of_birth = ?, dob_unknown = ?, estimated_age = ? WHERE id = ?`, d, dob == "", est, person)
		return err
	}))
}

func TestCaseloadFiltersAndSorts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, court := episodeSites(t, f)
		ctx := context.Background()
		var cells int64
		dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
			var err error
			cells, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
				VALUES (?, ?, 'Lancaster cells', 'custody_suite', 'M03', '24/7', ?, ?)`, f.provA, f.team2, tx.Now, tx.Now)
			return err
		}))
		now := db.Now()
		mk := func(given, family string, site int64, ago time.Duration) sqlstore.Episode {
			e, err := db.QuickIdentify(f.p2, sqlstore.QuickIdentifyInput{GivenName: given, FamilyName: family, SiteID: site, AlertedAt: liaise.NewTime(now.Add(-ago))})
			dbtest.Must(t, err)
			return e
		}
		child := mk("Cara", "Young", court, 4*time.Hour)
		adult := mk("Adam", "Old", court, 3*time.Hour)
		unknown := mk("Uma", "Blank", cells, 2*time.Hour)
		estimated := mk("Eve", "Guess", cells, 1*time.Hour)
		setDOB(t, db, child.PersonID, "2010-05-01", 0)
		setDOB(t, db, adult.PersonID, "1980-05-01", 0)
		setDOB(t, db, estimated.PersonID, "", 15)
		adult.AllocatedUserID = f.ids["p2"]
		dbtest.Must(t, db.UpdateEpisode(f.p2, &adult))
		_, err := db.Transition(f.p2, unknown.ID, sqlstore.TransitionInput{To: liaise.EpisodeReceived, OccurredAt: now, Version: 1})
		dbtest.Must(t, err)
		// An overdue open task on the unknown one, a completed overdue one on the child's.
		dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
			for _, x := range []struct {
				ep   int64
				done liaise.Time
			}{{unknown.ID, liaise.Time{}}, {child.ID, now}} {
				if _, err := tx.Exec(ctx, `INSERT INTO tasks (provider_id, team_id, episode_id, title, due_at, created_at, completed_at, updated_at)
					VALUES (?, ?, ?, 'Call back', ?, ?, ?, ?)`, f.provA, f.team2, x.ep, liaise.NewTime(now.Add(-time.Hour)), tx.Now, x.done, tx.Now); err != nil {
					return err
				}
			}
			return nil
		}))
		list := func(q sqlstore.EpisodeQuery) []int64 {
			t.Helper()
			q.TeamID = f.team2
			var out []int64
			for range 10 {
				q.Limit = 1
				page, err := db.ListEpisodes(f.p2, q)
				dbtest.Must(t, err)
				for _, it := range page.Items {
					out = append(out, it.ID)
				}
				if q.Cursor = page.NextCursor; q.Cursor == "" {
					break
				}
			}
			return out
		}
		for name, c := range map[string]struct {
			q    sqlstore.EpisodeQuery
			want []int64
		}{
			"default queue order": {sqlstore.EpisodeQuery{}, []int64{child.ID, adult.ID, unknown.ID, estimated.ID}},
			"newest first":        {sqlstore.EpisodeQuery{Sort: sqlstore.SortNewest}, []int64{estimated.ID, unknown.ID, adult.ID, child.ID}},
			"by name":             {sqlstore.EpisodeQuery{Sort: sqlstore.SortName}, []int64{unknown.ID, estimated.ID, adult.ID, child.ID}},
			"state":               {sqlstore.EpisodeQuery{States: []liaise.EpisodeState{liaise.EpisodeReceived}}, []int64{unknown.ID}},
			"states":              {sqlstore.EpisodeQuery{States: []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeIdentified}, Sort: sqlstore.SortNewest}, []int64{estimated.ID, unknown.ID, adult.ID, child.ID}},
			"site":                {sqlstore.EpisodeQuery{SiteID: cells}, []int64{unknown.ID, estimated.ID}},
			"worker":              {sqlstore.EpisodeQuery{AllocatedTo: f.ids["p2"]}, []int64{adult.ID}},
			"unallocated":         {sqlstore.EpisodeQuery{Unallocated: true}, []int64{child.ID, unknown.ID, estimated.ID}},
			"children":            {sqlstore.EpisodeQuery{AgeGroup: sqlstore.AgeChild}, []int64{child.ID, estimated.ID}},
			"adults":              {sqlstore.EpisodeQuery{AgeGroup: sqlstore.AgeAdult}, []int64{adult.ID}},
			"age unknown":         {sqlstore.EpisodeQuery{AgeGroup: sqlstore.AgeUnknown}, []int64{unknown.ID}},
			"overdue":             {sqlstore.EpisodeQuery{Overdue: true}, []int64{unknown.ID}},
			"combined":            {sqlstore.EpisodeQuery{SiteID: court, AgeGroup: sqlstore.AgeChild, Sort: sqlstore.SortName}, []int64{child.ID}},
		} {
			if got := list(c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", name, got, c.want)
			}
		}
		// A cursor of one sort is refused by another; unknown values are EINVALID.
		page, err := db.ListEpisodes(f.p2, sqlstore.EpisodeQuery{TeamID: f.team2, Limit: 1, Sort: sqlstore.SortName})
		dbtest.Must(t, err)
		for _, q := range []sqlstore.EpisodeQuery{{Cursor: page.NextCursor}, {Sort: "age"}, {AgeGroup: "teen"}} {
			q.TeamID = f.team2
			if _, err := db.ListEpisodes(f.p2, q); liaise.ErrorCode(err) != liaise.EINVALID {
				t.Errorf("%+v: %v", q, err)
			}
		}
	})
}

func TestBoards(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		weekday, court := episodeSites(t, f) // Monday 23 November 2026, 09:30
		ctx := context.Background()
		var hub int64
		dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
			var err error
			if hub, err = tx.InsertID(ctx, `INSERT INTO hubs (provider_id, name, created_at, updated_at) VALUES (?, 'Lancashire hub', ?, ?)`, f.provA, tx.Now, tx.Now); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO hub_sites (hub_id, site_id) VALUES (?, ?), (?, ?)`, hub, weekday, hub, court)
			return err
		}))
		mk := func(ctx context.Context, name string, site int64, at liaise.Time) sqlstore.Episode {
			e, err := db.QuickIdentify(ctx, sqlstore.QuickIdentifyInput{GivenName: name, FamilyName: "Test", SiteID: site, AlertedAt: at})
			dbtest.Must(t, err)
			return e
		}
		fri := mk(f.p1, "Fri", weekday, london(2026, time.November, 20, 16, 0))    // open: waiting, over two hours
		recent := mk(f.p1, "Rec", weekday, london(2026, time.November, 23, 9, 10)) // waiting 20 minutes
		sat := mk(f.p1, "Sat", weekday, london(2026, time.November, 21, 14, 0))    // out of hours: the morning queue
		def := mk(f.p1, "Def", weekday, london(2026, time.November, 23, 9, 12))
		_, err := db.Transition(f.p1, def.ID, sqlstore.TransitionInput{To: liaise.EpisodeReceived, OccurredAt: london(2026, time.November, 23, 9, 13), Version: 1})
		dbtest.Must(t, err)
		_, err = db.Transition(f.p1, def.ID, sqlstore.TransitionInput{To: liaise.EpisodeDeferred, Reason: liaise.DeferAsleep,
			OccurredAt: london(2026, time.November, 23, 9, 14), RetryAt: london(2026, time.November, 23, 9, 25), Version: 2})
		dbtest.Must(t, err)
		setDOB(t, db, fri.PersonID, "1990-01-02", 0)
		hearing := mk(f.p2, "Hea", court, london(2026, time.November, 23, 8, 0))
		tomorrow := mk(f.p2, "Tom", court, london(2026, time.November, 23, 9, 0))
		for _, x := range []struct {
			e   sqlstore.Episode
			day string
		}{{hearing, "2026-11-23"}, {tomorrow, "2026-11-24"}} {
			x.e.HearingDate = pdate(x.day)
			dbtest.Must(t, db.UpdateEpisode(f.p2, &x.e))
		}
		ids := func(items []sqlstore.BoardItem) []int64 {
			var out []int64
			for _, it := range items {
				out = append(out, it.EpisodeID)
			}
			return out
		}
		b, err := db.GetBoard(f.p1, sqlstore.BoardSite, weekday)
		dbtest.Must(t, err)
		if !slices.Equal(ids(b.Waiting), []int64{fri.ID, recent.ID}) || !slices.Equal(ids(b.MorningQ), []int64{sat.ID}) ||
			!slices.Equal(ids(b.Deferred), []int64{def.ID}) || len(b.CourtToday) != 0 {
			t.Fatalf("site board: waiting %v morning %v deferred %v court %v", ids(b.Waiting), ids(b.MorningQ), ids(b.Deferred), ids(b.CourtToday))
		}
		if !b.Waiting[0].Over || b.Waiting[1].Over || b.Waiting[1].Waited != 20*time.Minute || b.Waiting[0].Initials != "F. T." || b.Waiting[0].DateOfBirth != pdate("1990-01-02") {
			t.Errorf("waiting rows %+v", b.Waiting)
		}
		if d := b.Deferred[0]; !d.RetryAt.Equal(london(2026, time.November, 23, 9, 25).Time) || !d.RetryOverdue {
			t.Errorf("deferred %+v", d)
		}
		b, err = db.GetBoard(f.p2, sqlstore.BoardSite, court)
		dbtest.Must(t, err)
		if !slices.Equal(ids(b.CourtToday), []int64{hearing.ID}) || !slices.Equal(ids(b.Waiting), []int64{hearing.ID, tomorrow.ID}) {
			t.Errorf("court board: court %v waiting %v", ids(b.CourtToday), ids(b.Waiting))
		}
		// The hub shows only what the reader's teams may see.
		b, err = db.GetBoard(f.p1, sqlstore.BoardHub, hub)
		dbtest.Must(t, err)
		if b.Name != "Lancashire hub" || len(b.Waiting) != 2 || len(b.CourtToday) != 0 {
			t.Errorf("hub board for team 1: %+v", b)
		}
		refs, err := db.ListBoards(f.p1)
		dbtest.Must(t, err)
		if len(refs) != 2 || refs[0].ID != weekday || refs[1].Kind != sqlstore.BoardHub {
			t.Errorf("boards %+v", refs)
		}
		// Another team's site is forbidden, another provider's not found.
		if _, err := db.GetBoard(f.p1, sqlstore.BoardSite, court); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team's board: %v", err)
		}
		if _, err := db.GetBoard(f.pB, sqlstore.BoardSite, court); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider's board: %v", err)
		}
		if _, err := db.GetBoard(f.pB, sqlstore.BoardHub, hub); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider's hub: %v", err)
		}
	})
}

// The board's state predicate names exactly the waiting states and deferred,
// so the partial index built on it holds every episode a board shows.
func TestBoardStatesPredicate(t *testing.T) {
	want := append(slices.Clone(sqlstore.BoardWaitingStates), liaise.EpisodeDeferred)
	for _, s := range liaise.EpisodeStates {
		named := strings.Contains(sqlstore.BoardStatesSQL, "'"+s.Code+"'")
		if named != slices.Contains(want, liaise.EpisodeState(s.Code)) {
			t.Errorf("%s: named in %q = %v", s.Code, sqlstore.BoardStatesSQL, named)
		}
	}
}
