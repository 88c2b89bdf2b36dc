package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// failInserts makes every insert into table fail, as a full disk or a lost
// connection would part-way through a multi-row write.
func failInserts(t *testing.T, db *sqlstore.DB, table string) {
	t.Helper()
	ctx := context.Background()
	if db.Engine == sqlstore.Postgres {
		_, err := db.Exec(ctx, `CREATE OR REPLACE FUNCTION liaise_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`)
		dbtest.Must(t, err)
		_, err = db.Exec(ctx, `CREATE TRIGGER liaise_test_fail_`+table+` BEFORE INSERT ON `+table+` FOR EACH ROW EXECUTE FUNCTION liaise_test_fail()`)
		dbtest.Must(t, err)
		return
	}
	_, err := db.Exec(ctx, `CREATE TRIGGER liaise_test_fail_`+table+` BEFORE INSERT ON `+table+` BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
	dbtest.Must(t, err)
}

// TestMultiRowWritesAreAllOrNothing checks that a failure part-way through
// an assessment (findings, tools, recommendations and the episode's move) or
// a new person (names, name tokens, identifiers) saves nothing at all.
func TestMultiRowWritesAreAllOrNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		_, site := episodeSites(t, f)
		at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }
		e := screeningEpisode(t, f, site)
		v := 1
		var err error
		for i, to := range []liaise.EpisodeState{liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending,
			liaise.EpisodeScreened, liaise.EpisodeAssessmentPending} {
			v, err = db.Transition(f.p2, e.ID, sqlstore.TransitionInput{To: to, OccurredAt: at(20 + i), Version: v})
			dbtest.Must(t, err)
		}
		counts := func() [6]int {
			var out [6]int
			for i, q := range []string{`SELECT COUNT(*) FROM assessments`, `SELECT COUNT(*) FROM assessment_findings`, `SELECT COUNT(*) FROM assessment_tools`,
				`SELECT COUNT(*) FROM audit_events WHERE action <> 'read' AND action <> 'list'`, `SELECT version FROM episodes WHERE id = ?`, `SELECT COUNT(*) FROM episode_transitions`} {
				var args []any
				if i == 4 {
					args = append(args, e.ID)
				}
				out[i] = screeningCount(t, db, q, args...)
			}
			return out
		}
		before := counts()

		// The last rows of the assessment fail: nothing of it stays.
		failInserts(t, db, "assessment_recommendations")
		x := &liaise.Assessment{Type: liaise.AssessMentalHealth, OccurredAt: at(40), Formulation: "Needs MHA assessment",
			Findings:        []liaise.AssessmentFinding{{Domain: "mental_health", Text: "Hears voices"}},
			Tools:           []liaise.ScoredTool{{Tool: "AUDIT", Version: "2001", Score: "24"}},
			Recommendations: []liaise.AssessmentRecommendation{{Type: liaise.RecommendMHAAssessment}}}
		if _, err := db.RecordAssessment(f.p2, e.ID, x); err == nil {
			t.Fatal("the injected failure did not fail the assessment")
		}
		if after := counts(); after != before {
			t.Fatalf("half-saved assessment: before %v, after %v", before, after)
		}
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if got.State != liaise.EpisodeAssessmentPending {
			t.Errorf("the episode moved to %s without its assessment", got.State)
		}

		// A person whose identifier fails: no person, no names, no search tokens.
		people := func() [3]int {
			return [3]int{screeningCount(t, db, `SELECT COUNT(*) FROM people`), screeningCount(t, db, `SELECT COUNT(*) FROM person_names`),
				screeningCount(t, db, `SELECT COUNT(*) FROM person_name_tokens`)}
		}
		pb := people()
		failInserts(t, db, "person_identifiers")
		p := newPerson("Zoë", "Halfsaved", "1990-02-03", liaise.Identifier{Type: liaise.IDNHSNumber, Value: "9434765919"})
		if _, err := db.CreatePerson(f.p1, p, true); err == nil {
			t.Fatal("the injected failure did not fail the new person")
		}
		if pa := people(); pa != pb {
			t.Fatalf("half-saved person: before %v, after %v", pb, pa)
		}
	})
}
