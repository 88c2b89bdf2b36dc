package demo_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/demo"
	"liaise/internal/sqlstore"
)

func TestEpisodesDeterministic(t *testing.T) {
	if a, b := demo.Episodes(), demo.Episodes(); !reflect.DeepEqual(a, b) {
		t.Error("two calls to Episodes differ")
	}
}

func TestEpisodesCoverThePathway(t *testing.T) {
	eps := demo.Episodes()
	final := map[liaise.EpisodeState]int{}
	var waiting, deferred, overnight, hearing, priya int
	for i, e := range eps {
		if len(e.Steps) == 0 {
			t.Fatalf("episode %d has no steps", i)
		}
		// Every step passes the domain rules, in order, with increasing times.
		var state liaise.EpisodeState
		var prev liaise.Time
		base := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		alerted := base.Add(-e.Ago)
		for _, st := range e.Steps {
			tc := liaise.TransitionContext{Reason: st.Reason, OccurredAt: liaise.NewTime(alerted.Add(st.At)), RecordedAt: liaise.NewTime(base.Add(24 * time.Hour)),
				PreviousOccurredAt: prev}
			if st.To == liaise.EpisodeDeferred {
				tc.RetryAt = liaise.NewTime(alerted.Add(st.Retry))
			}
			if err := liaise.CheckTransition(state, st.To, tc); err != nil {
				t.Fatalf("episode %d: %s to %s: %v", i, state, st.To, err)
			}
			state, prev = st.To, tc.OccurredAt
		}
		final[state]++
		if e.Allocated == "practitioner" {
			priya++
		}
		switch {
		case e.Overnight && e.Site == demo.PrestonMags:
			overnight++
		case e.HearingToday && e.Site == demo.PrestonMags:
			hearing++
		case e.Site == demo.PrestonCustody && state == liaise.EpisodeDeferred && e.Steps[len(e.Steps)-1].Retry > e.Ago:
			deferred++
		case e.Site == demo.PrestonCustody && e.Ago <= 8*time.Hour && !state.Terminal() && state != liaise.EpisodeDeferred:
			waiting++
		}
	}
	for _, s := range liaise.EpisodeStates {
		if final[liaise.EpisodeState(s.Code)] == 0 {
			t.Errorf("no demo episode ends %s", s.Code)
		}
	}
	if waiting < demo.BoardWaiting || deferred < demo.BoardDeferred || overnight != demo.BoardOvernight || hearing != demo.BoardHearing {
		t.Errorf("board: %d waiting, %d deferred retries due, %d overnight, %d hearing today", waiting, deferred, overnight, hearing)
	}
	if priya < 15 || priya > 25 {
		t.Errorf("%d episodes allocated to the demo practitioner, want about 20", priya)
	}
	if len(eps) < 170 || len(eps) > 260 {
		t.Errorf("%d demo episodes", len(eps))
	}
}

func TestLoadDemoEpisodes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		var out bytes.Buffer
		start := time.Now()
		_, err := demo.Load(ctx, db, "development", &out)
		dbtest.Must(t, err)
		t.Logf("demo load took %s", time.Since(start))
		if !bytes.Contains(out.Bytes(), []byte("demo episodes: created ")) {
			t.Errorf("progress output:\n%s", out.String())
		}
		var episodes, transitions, screenings, notes, consents, disclosures, contacts, referrals, hearing, ooh int
		for q, n := range map[string]*int{
			`SELECT COUNT(*) FROM episodes`:                                &episodes,
			`SELECT COUNT(*) FROM episode_transitions`:                     &transitions,
			`SELECT COUNT(*) FROM screenings`:                              &screenings,
			`SELECT COUNT(*) FROM case_notes`:                              &notes,
			`SELECT COUNT(*) FROM consents`:                                &consents,
			`SELECT COUNT(*) FROM disclosures`:                             &disclosures,
			`SELECT COUNT(*) FROM contacts`:                                &contacts,
			`SELECT COUNT(*) FROM onward_referrals`:                        &referrals,
			`SELECT COUNT(*) FROM episodes WHERE hearing_date IS NOT NULL`: &hearing,
			`SELECT COUNT(*) FROM episodes WHERE out_of_hours`:             &ooh,
		} {
			dbtest.Must(t, db.QueryRow(ctx, q).Scan(n))
		}
		if episodes != len(demo.Episodes()) || transitions < 3*episodes {
			t.Errorf("%d episodes, %d transitions", episodes, transitions)
		}
		if screenings == 0 || notes == 0 || consents == 0 || disclosures == 0 || contacts == 0 || referrals == 0 {
			t.Errorf("%d screenings, %d notes, %d consents, %d disclosures, %d contacts, %d referrals",
				screenings, notes, consents, disclosures, contacts, referrals)
		}
		if hearing != demo.BoardHearing || ooh < demo.BoardOvernight {
			t.Errorf("%d with a hearing today, %d out of hours", hearing, ooh)
		}
		// Every state of the pathway is on the database.
		states := queryStrings(t, db, `SELECT DISTINCT state FROM episodes`)
		if len(states) != len(liaise.EpisodeStates) {
			t.Errorf("states in the database: %v", states)
		}

		creds, err := db.Credentials(ctx, "practitioner")
		dbtest.Must(t, err)
		a, err := db.LoadActor(ctx, creds.UserID)
		dbtest.Must(t, err)
		page, err := db.ListEpisodes(liaise.WithActor(ctx, a), sqlstore.EpisodeQuery{})
		dbtest.Must(t, err)
		if len(page.Items) < 15 {
			t.Errorf("the demo practitioner's caseload has %d episodes, want about 20", len(page.Items))
		}
	})
}
