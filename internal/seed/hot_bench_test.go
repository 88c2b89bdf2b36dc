package seed

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// Benchmarks of the hot queries (DESIGN.md §8) on a seeded database, so a
// change that slows one shows in `go test -bench`. They run on SQLite, and
// on PostgreSQL too when LIAISE_TEST_POSTGRES is set. The size is
// LIAISE_BENCH_PEOPLE people (default 20,000; docs/performance.md has the
// national-scale figures, measured through the HTTP server with liaise
// bench). Each operation includes its audit write, as in the service.
//
//	go test ./internal/seed -run '^$' -bench Hot -benchtime 3s
func BenchmarkHot(b *testing.B) {
	people := 20000
	if n, err := strconv.Atoi(os.Getenv("LIAISE_BENCH_PEOPLE")); err == nil && n > 0 {
		people = n
	}
	engines := map[string]func(testing.TB) *sqlstore.DB{"sqlite": dbtest.OpenSQLite}
	if os.Getenv("LIAISE_TEST_POSTGRES") != "" {
		engines["postgres"] = dbtest.OpenPostgres
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := engines[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			db := open(b)
			opt := Options{People: people, Seed: 7, Until: testUntil, AuditKey: testKey, BatchPeople: 500, TxBatches: 4}
			res, err := Run(context.Background(), db, opt)
			if err != nil {
				b.Fatal(err)
			}
			hot(b, db, res)
		})
	}
}

// hotInputs are realistic inputs read back from the seeded data.
type hotInputs struct {
	ctx              context.Context
	team, site       int64
	people           []hotPerson
	identifiers      []string
	alertedAt        liaise.Time
	identifySite     int64
	identifyPersonAt int
}

type hotPerson struct {
	id       int64
	fragment string
	dob      liaise.Date
}

func hotSetup(b *testing.B, db *sqlstore.DB, res Result) hotInputs {
	b.Helper()
	ctx := context.Background()
	var in hotInputs
	// The busiest team, its practitioner and its busiest site.
	err := db.QueryRow(ctx, `SELECT team_id FROM episodes WHERE state NOT IN ('closed', 'rejected') GROUP BY team_id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&in.team)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT site_id FROM episodes WHERE team_id = ? AND site_id IS NOT NULL GROUP BY site_id ORDER BY COUNT(*) DESC LIMIT 1`,
		in.team).Scan(&in.site); err != nil {
		b.Fatal(err)
	}
	in.identifySite = in.site
	var user int64
	if err := db.QueryRow(ctx, `SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id JOIN roles r ON r.id = u.role_id
		WHERE m.team_id = ? AND r.code = 'practitioner' ORDER BY u.id LIMIT 1`, in.team).Scan(&user); err != nil {
		b.Fatal(err)
	}
	a, err := db.LoadActor(ctx, user)
	if err != nil {
		b.Fatal(err)
	}
	in.ctx = liaise.WithActor(ctx, a)
	rows, err := db.Query(ctx, `SELECT p.id, n.family, p.date_of_birth FROM people p JOIN person_names n ON n.person_id = p.id AND n.position = 0
		WHERE p.id >= ? AND p.team_id = ? AND p.date_of_birth IS NOT NULL AND NOT p.restricted ORDER BY p.id LIMIT 200`, res.FirstPersonID, in.team)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var p hotPerson
		var family string
		if err := rows.Scan(&p.id, &family, &p.dob); err != nil {
			b.Fatal(err)
		}
		folded := liaise.NameTokens(family)
		if len(folded) == 0 || len(folded[0]) < 3 {
			continue
		}
		p.fragment = folded[0][:3]
		in.people = append(in.people, p)
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT value FROM person_identifiers WHERE provider_id = ? AND type = 'nhs_number' ORDER BY person_id DESC LIMIT 200`, a.ProviderID)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			b.Fatal(err)
		}
		in.identifiers = append(in.identifiers, v)
	}
	rows.Close()
	if len(in.people) == 0 || len(in.identifiers) == 0 {
		b.Fatalf("seeded data gave %d people and %d identifiers to search for", len(in.people), len(in.identifiers))
	}
	in.alertedAt = liaise.NewTime(db.Now().Add(-time.Hour))
	return in
}

func hot(b *testing.B, db *sqlstore.DB, res Result) {
	in := hotSetup(b, db, res)
	run := func(name string, op func(i int) error) {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if err := op(i); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	run("person_search_name_dob", func(i int) error {
		p := in.people[i%len(in.people)]
		page, err := db.SearchPeople(in.ctx, sqlstore.PersonQuery{Q: p.fragment, DateOfBirth: p.dob})
		if err == nil && len(page.Items) == 0 {
			err = fmt.Errorf("%q born %s found nobody", p.fragment, p.dob)
		}
		return err
	})
	run("person_search_identifier", func(i int) error {
		page, err := db.SearchPeople(in.ctx, sqlstore.PersonQuery{Identifier: in.identifiers[i%len(in.identifiers)]})
		if err == nil && len(page.Items) != 1 {
			err = fmt.Errorf("identifier found %d people", len(page.Items))
		}
		return err
	})
	run("team_caseload", func(int) error {
		page, err := db.ListEpisodes(in.ctx, sqlstore.EpisodeQuery{TeamID: in.team, Limit: 50})
		if err == nil && len(page.Items) == 0 {
			err = fmt.Errorf("empty caseload")
		}
		return err
	})
	run("site_board", func(int) error {
		_, err := db.GetBoard(in.ctx, sqlstore.BoardSite, in.site)
		return err
	})
	run("person_record", func(i int) error {
		_, err := db.PersonTimeline(in.ctx, in.people[i%len(in.people)].id, sqlstore.TimelineQuery{})
		return err
	})
	run("quick_identify", func(i int) error {
		_, err := db.QuickIdentify(in.ctx, sqlstore.QuickIdentifyInput{GivenName: "Bench", FamilyName: "Person" + strconv.Itoa(i),
			SiteID: in.identifySite, AlertedAt: in.alertedAt})
		return err
	})
}
