package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// BenchmarkPersonTimeline measures the person page's timeline read
// (DESIGN.md §8: person record page p95 < 30 ms however long the history):
// one person with 20 episodes of 30 entries each across every source (15
// episodes with the reader's team, 5 with another), among 300 other people
// with an episode of 30 entries each. "newest" is the first page, "older"
// the page after it; each read includes its audit event (group commit).
//
//	go test ./internal/sqlstore -run '^$' -bench PersonTimeline -benchtime 2s
//
// With LIAISE_TEST_POSTGRES set it runs on PostgreSQL too.
func BenchmarkPersonTimeline(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchTimeline(b, dbtest.OpenSQLite(b)) })
	if os.Getenv("LIAISE_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { benchTimeline(b, dbtest.OpenPostgres(b)) })
	}
}

func benchTimeline(b *testing.B, db *sqlstore.DB) {
	f, weekday, always := benchFixture(b, db)
	var person int64
	for i := range 301 {
		p := newPerson("Alex", fmt.Sprintf("Long%03d", i), "1980-01-01")
		if _, err := db.CreatePerson(f.p1, p, true); err != nil {
			b.Fatal(err)
		}
		n := 1
		if i == 0 {
			person, n = p.ID, 20
		}
		seedHistory(b, db, f, p.ID, n, weekday, always)
	}
	if db.Engine == sqlstore.Postgres {
		// Autovacuum would have analysed tables this size; without
		// statistics the planner prefers sequential scans.
		if _, err := db.Exec(context.Background(), `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	var lastCursor string
	b.Run("newest", func(b *testing.B) {
		for b.Loop() {
			tl, err := db.PersonTimeline(f.p1, person, sqlstore.TimelineQuery{})
			if err != nil {
				b.Fatal(err)
			}
			if len(tl.Items) != sqlstore.TimelinePageSize || tl.Skipped != 5 {
				b.Fatalf("%d items, %d skipped", len(tl.Items), tl.Skipped)
			}
			lastCursor = tl.NextCursor
		}
	})
	b.Run("older", func(b *testing.B) {
		for b.Loop() {
			tl, err := db.PersonTimeline(f.p1, person, sqlstore.TimelineQuery{Cursor: lastCursor})
			if err != nil || len(tl.Items) == 0 {
				b.Fatal(err, len(tl.Items))
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := db.PersonTimeline(f.p1, person, sqlstore.TimelineQuery{}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// benchFixture is newPeopleFixture and episodeSites for a benchmark: one
// provider, team 1 with a custody suite and team 2 with a court, and the
// practitioner p1 in team 1.
func benchFixture(b *testing.B, db *sqlstore.DB) (f *peopleFixture, weekday, always int64) {
	ctx := context.Background()
	f = &peopleFixture{db: db, ids: map[string]int64{}}
	err := db.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		ins := func(q string, args ...any) int64 {
			if err != nil {
				return 0
			}
			var id int64
			id, err = tx.InsertID(ctx, q, args...)
			return id
		}
		f.provA = ins(`INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('A Trust', 'RA1', ?, ?)`, tx.Now, tx.Now)
		svc := ins(`INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'A L&D', 'ld', ?, ?)`, f.provA, tx.Now, tx.Now)
		f.team1 = ins(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Preston custody', ?, ?)`, f.provA, svc, tx.Now, tx.Now)
		f.team2 = ins(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Lancaster court', ?, ?)`, f.provA, svc, tx.Now, tx.Now)
		weekday = ins(`INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Preston custody suite', 'custody_suite', 'M03', '24/7', ?, ?)`, f.provA, f.team1, tx.Now, tx.Now)
		always = ins(`INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, created_at, updated_at)
			VALUES (?, ?, 'Lancaster court', 'magistrates_court', 'N02', '24/7', ?, ?)`, f.provA, f.team2, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	u := &liaise.User{ProviderID: f.provA, Username: "p1", DisplayName: "p1", RoleCode: "practitioner", Memberships: []liaise.Membership{{TeamID: f.team1}}}
	if err := db.CreateUser(liaise.WithActor(ctx, liaise.SystemActor("bench")), u, ""); err != nil {
		b.Fatal(err)
	}
	f.ids["p1"] = u.ID
	a, err := db.LoadActor(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	f.p1 = liaise.WithActor(ctx, a)
	return f, weekday, always
}

// seedHistory writes n episodes for a person straight into the tables, 30
// entries each across the timeline's sources; every fourth episode is with
// team 2.
func seedHistory(b *testing.B, db *sqlstore.DB, f *peopleFixture, person int64, n int, weekday, always int64) {
	ctx := context.Background()
	user := f.ids["p1"]
	err := db.Update(ctx, func(tx *sqlstore.Tx) error {
		for ep := range n {
			team, site := f.team1, weekday
			if ep%4 == 3 {
				team, site = f.team2, always
			}
			start := time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC).AddDate(0, 0, 40*ep+int(person%7))
			at := func(i int) liaise.Time { return liaise.NewTime(start.Add(time.Duration(i) * 37 * time.Minute)) }
			e, err := tx.InsertID(ctx, `INSERT INTO episodes (provider_id, person_id, team_id, site_id, state, alerted_at, queue_at, version, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'closed', ?, ?, 1, ?, ?)`, f.provA, person, team, site, at(0), at(0), at(0), at(0))
			if err != nil {
				return err
			}
			exec := func(q string, args ...any) {
				if err == nil {
					_, err = tx.Exec(ctx, q, args...)
				}
			}
			i := 0
			next := func() liaise.Time { i++; return at(i) }
			for _, to := range []string{"identified", "received", "closed"} {
				exec(`INSERT INTO episode_transitions (episode_id, to_state, occurred_at, recorded_at, user_id) VALUES (?, ?, ?, ?, ?)`, e, to, next(), at(i), user)
			}
			for range 2 {
				exec(`INSERT INTO screenings (episode_id, kind, question_set_version, occurred_at, recorded_at, user_id, risk_in_custody) VALUES (?, 'minimum', '2026.1', ?, ?, ?, 'low')`, e, next(), at(i), user)
				exec(`INSERT INTO assessments (episode_id, type, occurred_at, recorded_at, user_id) VALUES (?, 'general', ?, ?, ?)`, e, next(), at(i), user)
			}
			for range 3 {
				exec(`INSERT INTO consents (provider_id, episode_id, person_id, scope, decision, obtained_by, occurred_at, recorded_at) VALUES (?, ?, ?, 'share_police', 'given', ?, ?, ?)`,
					f.provA, e, person, user, next(), at(i))
				exec(`INSERT INTO disclosures (provider_id, episode_id, person_id, recipient_agency, recipient_role, purpose, content, channel, occurred_at, recorded_at, disclosed_by)
					VALUES (?, ?, ?, 'police', 'Custody sergeant', 'interview_adaptations', 'Needs breaks', 'verbal', ?, ?, ?)`, f.provA, e, person, next(), at(i), user)
			}
			for range 2 {
				var r int64
				if err == nil {
					r, err = tx.InsertID(ctx, `INSERT INTO onward_referrals (episode_id, provider_id, team_id, person_id, need, service, method, state, decided_at, created_at, updated_at)
						VALUES (?, ?, ?, ?, 'substance_drugs', 'Inspire', 'ers', 'sent', ?, ?, ?)`, e, f.provA, team, person, next(), at(i), at(i))
				}
				exec(`INSERT INTO onward_referral_transitions (referral_id, to_state, occurred_at, recorded_at, user_id) VALUES (?, 'planned', ?, ?, ?)`, r, at(i), at(i), user)
				exec(`INSERT INTO onward_referral_transitions (referral_id, from_state, to_state, occurred_at, recorded_at, user_id) VALUES (?, 'planned', 'sent', ?, ?, ?)`, r, next(), at(i), user)
			}
			for k := range 6 {
				exec(`INSERT INTO contacts (episode_id, provider_id, team_id, person_id, kind, occurred_at, recorded_at, user_id, duration_minutes, summary, entered_in_error)
					VALUES (?, ?, ?, ?, 'direct', ?, ?, ?, 30, 'Seen and screened', ?)`, e, f.provA, team, person, next(), at(i), user, k == 0)
			}
			exec(`INSERT INTO justice_outcomes (episode_id, provider_id, team_id, person_id, stage, outcome, occurred_at, recorded_at, user_id) VALUES (?, ?, ?, ?, 'custody', 'nfa', ?, ?, ?)`,
				e, f.provA, team, person, next(), at(i), user)
			for k := range 6 {
				exec(`INSERT INTO case_notes (episode_id, occurred_at, recorded_at, user_id, text, restricted_to_team) VALUES (?, ?, ?, ?, 'A note about the contact and what comes next.', ?)`,
					e, next(), at(i+30), user, k == 0)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
