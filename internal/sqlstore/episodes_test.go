package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// episodeSites adds a Monday-to-Friday custody suite for team 1 and a 24/7
// one for team 2.
func episodeSites(t *testing.T, f *peopleFixture) (weekday, always int64) {
	t.Helper()
	ctx := context.Background()
	dbtest.Must(t, f.db.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		weekday, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Preston custody suite', 'custody_suite', 'M03', 'mon-fri 09:00-17:00', ?, ?)`, f.provA, f.team1, tx.Now, tx.Now)
		if err != nil {
			return err
		}
		always, err = tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Lancaster court', 'magistrates_court', 'N02', '24/7', ?, ?)`, f.provA, f.team2, tx.Now, tx.Now)
		return err
	}))
	return weekday, always
}

func london(y int, m time.Month, d, h, min int) liaise.Time {
	return liaise.NewTime(time.Date(y, m, d, h, min, 0, 0, liaise.London))
}

func TestQuickIdentifyAndTransitions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		weekday, _ := episodeSites(t, f)
		// Saturday afternoon at a Monday-to-Friday site: queued for Monday 09:00.
		sat := london(2026, time.November, 21, 14, 5)
		e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: " Jo ", FamilyName: "Bloggs", CustodyRecord: "06/1234/26",
			SiteID: weekday, AlertedAt: sat, ReferrerRole: "custody_sergeant"})
		dbtest.Must(t, err)
		if e.State != liaise.EpisodeIdentified || !e.OutOfHours || !e.QueueAt.Equal(london(2026, time.November, 23, 9, 0).Time) {
			t.Fatalf("episode %+v", e)
		}
		if e.Setting != liaise.SettingPoliceCustody || e.TeamID != f.team1 {
			t.Errorf("setting %q team %d", e.Setting, e.TeamID)
		}
		got, err := db.GetEpisode(f.p1, e.ID)
		dbtest.Must(t, err)
		if got.Person.DisplayName() != "Jo Bloggs" || got.Person.IdentityStatus != liaise.IdentityAsGiven || got.Person.Identifier(liaise.IDCustodyRecord) != "06/1234/26" {
			t.Errorf("person %+v", got.Person)
		}
		if len(got.History) != 1 || got.History[0].From != "" || got.History[0].To != liaise.EpisodeIdentified || !got.History[0].OccurredAt.Equal(sat.Time) {
			t.Errorf("history %+v", got.History)
		}
		// Quick identify is never blocked by a possible duplicate.
		e2, err := db.QuickIdentify(f.p1b, sqlstore.QuickIdentifyInput{GivenName: "Jo", FamilyName: "Bloggs", SiteID: weekday, AlertedAt: db.Now()})
		dbtest.Must(t, err)
		if e2.PersonID == e.PersonID || e2.OutOfHours {
			t.Errorf("second episode %+v", e2)
		}
		// An existing person gets a new episode without a new record.
		e3, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{PersonID: e.PersonID, SiteID: weekday, AlertedAt: db.Now()})
		dbtest.Must(t, err)
		if e3.PersonID != e.PersonID {
			t.Errorf("existing person: %d", e3.PersonID)
		}
		// Validation: a future time, no site, no name.
		_, err = db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{AlertedAt: liaise.NewTime(db.Now().Add(time.Hour))})
		fields := liaise.ErrorFields(err)
		if fields["alerted_at"] == "" || fields["site_id"] == "" || fields["given_name"] == "" {
			t.Errorf("validation: %v", fields)
		}
		// Another team's practitioner cannot identify at team 1's site.
		if _, err := db.QuickIdentify(f.p2, sqlstore.QuickIdentifyInput{GivenName: "X", SiteID: weekday, AlertedAt: db.Now()}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team identify: %v", err)
		}

		// Transitions: a refused move is EINVALID and changes nothing.
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-60) * time.Minute)) }
		_, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeScreened, OccurredAt: at(1), Version: 1})
		if liaise.ErrorCode(err) != liaise.EINVALID {
			t.Fatalf("refused transition: %v", err)
		}
		v, err := db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeReceived, OccurredAt: at(1), Version: 1})
		dbtest.Must(t, err)
		// Stale version refused.
		if _, err := db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeAccepted, OccurredAt: at(2), Version: 1}); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Fatalf("stale: %v", err)
		}
		// Before the previous step is refused.
		if _, err := db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeAccepted, OccurredAt: liaise.NewTime(sat.Add(-time.Hour)), Version: v}); liaise.ErrorFields(err)["occurred_at"] == "" {
			t.Fatalf("before previous: %v", err)
		}
		v, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeAccepted, OccurredAt: at(2), Version: v})
		dbtest.Must(t, err)
		// A deferral needs a reason and a retry time.
		_, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeDeferred, OccurredAt: at(3), Version: v})
		if liaise.ErrorFields(err)["reason"] == "" {
			t.Fatalf("deferral without reason: %v", err)
		}
		v, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeDeferred, Reason: liaise.DeferIntoxicated, OccurredAt: at(3),
			RetryAt: at(120), Version: v})
		dbtest.Must(t, err)
		v, err = db.Transition(f.p1, e.ID, sqlstore.TransitionInput{To: liaise.EpisodeScreened, OccurredAt: at(30), Version: v})
		dbtest.Must(t, err)
		got, err = db.GetEpisode(f.p1, e.ID)
		dbtest.Must(t, err)
		if got.State != liaise.EpisodeScreened || got.Version != v || len(got.History) != 5 || got.History[3].Reason != liaise.DeferIntoxicated || got.History[3].RetryAt.IsZero() {
			t.Fatalf("after transitions: state %s v%d history %+v", got.State, got.Version, got.History)
		}
		c := liaise.Clocks(got.Transitions())
		if c.Deferred != 27*time.Minute {
			t.Errorf("deferred clock %v", c.Deferred)
		}

		// UpdateEpisode: allocation to a team member; stale refused.
		got.AllocatedUserID, got.Urgency, got.Setting = f.ids["p1"], sqlstore.UrgencyUrgent, liaise.SettingPoliceCustody
		dbtest.Must(t, db.UpdateEpisode(f.p1, &got))
		stale := got
		stale.Version--
		if err := db.UpdateEpisode(f.p1, &stale); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Errorf("stale update: %v", err)
		}
		bad := got
		bad.AllocatedUserID = f.ids["p2"]
		if err := db.UpdateEpisode(f.p1, &bad); liaise.ErrorFields(err)["allocated_user_id"] == "" {
			t.Errorf("allocation outside team: %v", err)
		}

		// Another team's practitioner needs break-glass; another provider gets not found.
		_, err = db.GetEpisode(f.p2, e.ID)
		var bge *liaise.BreakGlassError
		if !errors.As(err, &bge) {
			t.Fatalf("other team read: %v", err)
		}
		if _, err := db.GetEpisode(f.str2, e.ID); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("str worker of another team: %v", err)
		}
		if _, err := db.GetEpisode(f.pB, e.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		dbtest.Must(t, db.BreakGlass(f.p2, e.PersonID, "Court asked for an urgent update"))
		if got, err := db.GetEpisode(f.p2, e.ID); err != nil || !got.BreakGlass {
			t.Errorf("after break-glass: %v %v", err, got.BreakGlass)
		}
	})
}

func TestListEpisodesKeyset(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, always := episodeSites(t, f)
		// Five episodes in team 2, three allocated to p2, one closed.
		var ids []int64
		for i := range 5 {
			e, err := db.QuickIdentify(f.p2, sqlstore.QuickIdentifyInput{GivenName: "Person", FamilyName: string(rune('A' + i)), SiteID: always,
				AlertedAt: liaise.NewTime(db.Now().Add(-time.Duration(5-i) * time.Hour))})
			dbtest.Must(t, err)
			ids = append(ids, e.ID)
			if i < 3 {
				e.AllocatedUserID = f.ids["p2"]
				dbtest.Must(t, db.UpdateEpisode(f.p2, &e))
			}
		}
		_, err := db.Transition(f.p2, ids[4], sqlstore.TransitionInput{To: liaise.EpisodeClosed, Reason: liaise.CloseReleasedBeforeSeen, OccurredAt: db.Now(), Version: 1})
		dbtest.Must(t, err)

		mine, err := db.ListEpisodes(f.p2, sqlstore.EpisodeQuery{})
		dbtest.Must(t, err)
		if len(mine.Items) != 3 || mine.Items[0].ID != ids[0] || mine.Items[0].PersonName != "Person A" || mine.Items[0].AllocatedName != "p2" || mine.Items[0].Age != -1 {
			t.Fatalf("my caseload %+v", mine.Items)
		}
		// The team's caseload, two at a time, in queue order; the closed one left out.
		var seen []int64
		cursor := ""
		for range 5 {
			page, err := db.ListEpisodes(f.p2, sqlstore.EpisodeQuery{TeamID: f.team2, Cursor: cursor, Limit: 2})
			dbtest.Must(t, err)
			for _, it := range page.Items {
				seen = append(seen, it.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 4 || seen[0] != ids[0] || seen[3] != ids[3] {
			t.Errorf("team caseload %v, want %v", seen, ids[:4])
		}
		closed, err := db.ListEpisodes(f.p2, sqlstore.EpisodeQuery{TeamID: f.team2, States: []liaise.EpisodeState{liaise.EpisodeClosed}})
		dbtest.Must(t, err)
		if len(closed.Items) != 1 || closed.Items[0].ID != ids[4] {
			t.Errorf("closed: %+v", closed.Items)
		}
		// Team caseload needs membership (and the capability); a bad cursor is EINVALID.
		if _, err := db.ListEpisodes(f.p1, sqlstore.EpisodeQuery{TeamID: f.team2}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team's caseload: %v", err)
		}
		if _, err := db.ListEpisodes(f.str2, sqlstore.EpisodeQuery{TeamID: f.team2}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("STR worker team caseload: %v", err)
		}
		if _, err := db.ListEpisodes(f.p2, sqlstore.EpisodeQuery{TeamID: f.team2, Cursor: "nope"}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
		if _, err := db.ListEpisodes(f.pB, sqlstore.EpisodeQuery{}); err != nil {
			t.Errorf("other provider's empty caseload: %v", err)
		}
	})
}

// The open-episode predicate names exactly the terminal states, so the
// partial indexes built on it hold every open episode and nothing else.
func TestOpenEpisodePredicateNamesTheTerminalStates(t *testing.T) {
	for _, s := range liaise.EpisodeStates {
		st := liaise.EpisodeState(s.Code)
		if named := strings.Contains(sqlstore.OpenEpisodeSQL, "'"+s.Code+"'"); named != st.Terminal() {
			t.Errorf("%s: named in %q = %v, terminal = %v", s.Code, sqlstore.OpenEpisodeSQL, named, st.Terminal())
		}
	}
}
