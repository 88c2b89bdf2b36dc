package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

var (
	testKey   = []byte("seed-test-audit-key")
	testUntil = time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)
)

func testOptions(people int, seed uint64) Options {
	return Options{People: people, Seed: seed, Until: testUntil, AuditKey: testKey, CheckEvery: 1, BatchPeople: 100, TxBatches: 2}
}

func mustRun(t *testing.T, db *sqlstore.DB, opt Options) Result {
	t.Helper()
	res, err := Run(context.Background(), db, opt)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return res
}

// tableHash hashes every row of the tables, in key order, as text.
func tableHash(t *testing.T, db *sqlstore.DB, tables ...string) string {
	t.Helper()
	h := sha256.New()
	for _, name := range tables {
		rows, err := db.Query(context.Background(), `SELECT * FROM `+name+` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s:%v\n", name, vals)
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s is empty", name)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// seededTables are hashed by the determinism test: the people, their
// episodes and records, and the sealed audit trail.
var seededTables = []string{"people", "person_names", "person_name_tokens", "person_identifiers", "person_events", "episodes",
	"episode_transitions", "screenings", "screening_answers", "assessments", "consents", "disclosures", "contacts", "onward_referrals",
	"case_notes", "tasks", "justice_outcomes", "support_goals", "memberships", "audit_events", "audit_subjects"}

func TestSameSeedSameData(t *testing.T) {
	a, b, c := dbtest.OpenSQLite(t), dbtest.OpenSQLite(t), dbtest.OpenSQLite(t)
	ra := mustRun(t, a, testOptions(500, 7))
	rb := mustRun(t, b, testOptions(500, 7))
	mustRun(t, c, testOptions(500, 8))
	ha, hb, hc := tableHash(t, a, seededTables...), tableHash(t, b, seededTables...), tableHash(t, c, seededTables...)
	if ha != hb {
		t.Errorf("the same seed gave different data: %s and %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("seeds 7 and 8 gave the same data")
	}
	if !slices.Equal(ra.Rows, rb.Rows) {
		t.Errorf("row counts differ:\n%v\n%v", ra.Rows, rb.Rows)
	}
}

// TestRecordsAreValid seeds with every record checked by the domain's
// validators as it is made (CheckEvery 1), then checks what was stored.
func TestRecordsAreValid(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	res := mustRun(t, db, testOptions(800, 3))
	ctx := context.Background()
	if res.People != 800 || res.Episodes < 1000 || res.Episodes > 1500 {
		t.Errorf("%d people with %d episodes: want about 1.5 episodes each", res.People, res.Episodes)
	}

	// Foreign keys hold although the load did not check them row by row.
	rows, err := db.Query(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		var table string
		var rowid, parent, fk any
		rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("foreign key broken: %s row %v refers to a missing %v", table, rowid, parent)
	}
	rows.Close()

	// NHS numbers: modulus 11, the 999 test range, one person each, about 75%.
	var nhs []string
	queryStrings(t, db, &nhs, `SELECT value FROM person_identifiers WHERE type = 'nhs_number' AND person_id >= ?`, res.FirstPersonID)
	for _, n := range nhs {
		if _, err := ident.NormaliseNHSNumber(n); err != nil || !strings.HasPrefix(n, "999") {
			t.Errorf("NHS number %s: %v (or outside the 999 range)", n, err)
		}
	}
	if share := float64(len(nhs)) / 800; share < 0.65 || share > 0.85 {
		t.Errorf("%.0f%% of people have an NHS number, want about 75%%", share*100)
	}
	var dupNHS int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT value FROM person_identifiers WHERE type = 'nhs_number' GROUP BY value HAVING COUNT(*) > 1) d`).Scan(&dupNHS)
	if dupNHS > 0 {
		t.Errorf("%d NHS numbers are given to more than one person", dupNHS)
	}
	var pnc []string
	queryStrings(t, db, &pnc, `SELECT value FROM person_identifiers WHERE type = 'pnc_id' AND person_id >= ?`, res.FirstPersonID)
	if len(pnc) < 200 {
		t.Errorf("only %d PNC IDs", len(pnc))
	}
	for _, p := range pnc {
		if n, err := ident.NormalisePNCID(p); err != nil || n != p {
			t.Errorf("PNC ID %s: %v", p, err)
		}
	}

	// Ages at the first episode: custody's profile, 10 to 85, about 9% children.
	var ages []int
	rows, err = db.Query(ctx, `SELECT p.date_of_birth, MIN(e.alerted_at) FROM people p JOIN episodes e ON e.person_id = p.id
		WHERE p.id >= ? AND p.date_of_birth IS NOT NULL GROUP BY p.id, p.date_of_birth`, res.FirstPersonID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var dob liaise.Date
		var first liaise.Time
		if err := rows.Scan(&dob, &first); err != nil {
			t.Fatal(err)
		}
		ages = append(ages, liaise.AgeOn(dob, liaise.DateOf(first.Local())))
	}
	rows.Close()
	children := 0
	for _, a := range ages {
		if a < 10 || a > 86 {
			t.Errorf("age %d at the first episode", a)
		}
		if a < 18 {
			children++
		}
	}
	if share := float64(children) / float64(len(ages)); share < 0.05 || share > 0.14 {
		t.Errorf("%.1f%% children, want about 9%%", share*100)
	}

	// Each episode's state is where its transitions end, and they start at identified.
	var bad int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM episodes e WHERE e.id >= (SELECT MIN(id) FROM episodes WHERE person_id >= ?) AND e.state <> (
		SELECT x.to_state FROM episode_transitions x WHERE x.episode_id = e.id ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1)`, res.FirstPersonID).Scan(&bad)
	if bad > 0 {
		t.Errorf("%d episodes are not in the state their last transition reached", bad)
	}
	// Most closed, some open in every part of the pathway at the end of the data.
	var open, closed int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM episodes WHERE person_id >= ? AND state NOT IN ('closed', 'rejected')`, res.FirstPersonID).Scan(&open)
	db.QueryRow(ctx, `SELECT COUNT(*) FROM episodes WHERE person_id >= ? AND state = 'closed'`, res.FirstPersonID).Scan(&closed)
	if closed < res.Episodes*8/10 || open == 0 {
		t.Errorf("%d closed and %d open of %d episodes", closed, open, res.Episodes)
	}

	// The search tokens are exactly what the store writes for the names.
	rows, err = db.Query(ctx, `SELECT n.person_id, n.given, n.family FROM person_names n WHERE n.person_id >= ? ORDER BY n.person_id, n.position`, res.FirstPersonID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{}
	for rows.Next() {
		var id int64
		var given, family string
		rows.Scan(&id, &given, &family)
		for _, tok := range slices.Concat(liaise.NameTokens(given), liaise.NameTokens(family)) {
			if !slices.Contains(want[id], tok) {
				want[id] = append(want[id], tok)
			}
		}
	}
	rows.Close()
	got := map[int64][]string{}
	rows, err = db.Query(ctx, `SELECT person_id, token FROM person_name_tokens WHERE person_id >= ?`, res.FirstPersonID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var tok string
		rows.Scan(&id, &tok)
		got[id] = append(got[id], tok)
	}
	rows.Close()
	for id, w := range want {
		g := got[id]
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("person %d: tokens %v, want %v", id, g, w)
		}
	}

	// About ten activities an episode and tens of audit events.
	activities := 0
	for _, c := range res.Rows {
		switch c.Table {
		case "screenings", "assessments", "consents", "disclosures", "contacts", "onward_referrals", "case_notes", "tasks",
			"justice_outcomes", "appropriate_adults", "safeguarding_referrals", "support_goals", "slt_requests":
			activities += int(c.Rows)
		case "audit_events":
			if per := float64(c.Rows) / float64(res.Episodes); per < 15 || per > 40 {
				t.Errorf("%.1f audit events an episode, want tens", per)
			}
		}
	}
	if per := float64(activities) / float64(res.Episodes); per < 7 || per > 14 {
		t.Errorf("%.1f activities an episode, want about 10", per)
	}
}

func queryStrings(t *testing.T, db *sqlstore.DB, out *[]string, q string, args ...any) {
	t.Helper()
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		*out = append(*out, s)
	}
}

// TestValidationCatchesBadRecords shows the checks bite: a step that makes
// a consent a child under 16 could not give stops the seed.
func TestValidationCatchesBadRecords(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	opt := testOptions(50, 1)
	opt.extraSteps = []Step{{Name: "bad consent", Episode: func(g *gen, e *episode) {
		c := liaise.Consent{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal, ObtainedBy: 1,
			OccurredAt: lt(e.alerted), PersonAgeAtEvent: 13}
		if g.check {
			g.fail("consent", liaise.ValidateConsent(c))
		}
	}}}
	_, err := Run(context.Background(), db, opt)
	if err == nil || !strings.Contains(err.Error(), "Gillick") {
		t.Fatalf("err = %v, want the consent refused for want of Gillick competence", err)
	}
}

// TestSearchFindsSeededPeople searches with the store's own person search,
// by fragments of hyphenated, accented and apostrophe names.
func TestSearchFindsSeededPeople(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	res := mustRun(t, db, testOptions(3000, 11))
	ctx := context.Background()
	cases := []struct {
		what, where string
		fragment    func(given, family string) string
	}{
		{"a hyphenated family name", `n.family LIKE '%-%' AND n.family NOT LIKE '% %'`, func(_, f string) string { return strings.Split(f, "-")[1][:3] }},
		{"an apostrophe", `n.family LIKE '%''%'`, func(_, f string) string { return strings.ReplaceAll(f, "'", "") }},
		{"an accented given name", `n.given IN ('Zoë', 'José', 'Siân', 'Renée', 'Chloé', 'Łukasz', 'Siobhán', 'Inês')`, func(g, _ string) string {
			return strings.NewReplacer("ë", "e", "é", "e", "â", "a", "Ł", "L", "á", "a", "ê", "e").Replace(g)
		}},
	}
	for _, c := range cases {
		var id, provider int64
		var given, family string
		var dob liaise.Date
		err := db.QueryRow(ctx, `SELECT p.id, p.provider_id, n.given, n.family, p.date_of_birth FROM person_names n JOIN people p ON p.id = n.person_id
			WHERE n.position = 0 AND p.id >= ? AND p.date_of_birth IS NOT NULL AND NOT p.restricted AND `+c.where+` ORDER BY p.id LIMIT 1`, res.FirstPersonID).
			Scan(&id, &provider, &given, &family, &dob)
		if err != nil {
			t.Fatalf("no seeded person with %s: %v", c.what, err)
		}
		var user int64
		if err := db.QueryRow(ctx, `SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id WHERE u.provider_id = ? AND r.code = 'practitioner' ORDER BY u.id LIMIT 1`,
			provider).Scan(&user); err != nil {
			t.Fatal(err)
		}
		a, err := db.LoadActor(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		q := c.fragment(given, family)
		page, err := db.SearchPeople(liaise.WithActor(ctx, a), sqlstore.PersonQuery{Q: q, DateOfBirth: dob})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(page.Items, func(s sqlstore.PersonSummary) bool { return s.ID == id }) {
			t.Errorf("searching %q with the date of birth did not find %s %s (%s)", q, given, family, c.what)
		}
	}
}

// TestAuditChainVerifies: the seeded events continue the chain after the
// demo's, and a second seed continues it again, ids and all.
func TestAuditChainVerifies(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		first := mustRun(t, db, testOptions(300, 5))
		opt := testOptions(200, 6)
		opt.Indexes = IndexesRebuild
		second := mustRun(t, db, opt)
		if second.FirstPersonID != first.LastPersonID+1 {
			t.Errorf("second seed starts at person %d, want %d", second.FirstPersonID, first.LastPersonID+1)
		}
		// As `liaise audit verify` does: seal what waits (on PostgreSQL the
		// demo's events may wait for other transactions of the cluster).
		for i := 0; ; i++ {
			if _, err := db.Seal(ctx, testKey, 0); err != nil {
				t.Fatal(err)
			}
			if n, _ := db.UnsealedCount(ctx); n == 0 || i == 100 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		var head int64
		db.QueryRow(ctx, `SELECT MAX(chain_no) FROM audit_events`).Scan(&head)
		res, err := db.Verify(ctx, testKey, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.FirstBroken != nil || res.Head != head || int64(res.Checked) != head || head < second.AuditHead {
			t.Fatalf("verify: %+v broken %+v, want %d events intact", res, res.FirstBroken, head)
		}
		if n, _ := db.UnsealedCount(ctx); n != 0 {
			t.Errorf("%d events left unsealed", n)
		}
		// Nothing seeded twice: NHS numbers stay unique across the two seeds.
		var dup int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT value FROM person_identifiers WHERE type = 'nhs_number' GROUP BY value HAVING COUNT(*) > 1) d`).Scan(&dup)
		if dup > 0 {
			t.Errorf("%d NHS numbers given twice", dup)
		}
		// The indexes the second seed dropped are back, and the record of them is gone.
		var left int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = ?`, droppedIndexesSetting).Scan(&left)
		if left != 0 {
			t.Error("the record of dropped indexes was left behind")
		}
		checkIndexes(t, db)
		// The application writes after a seed: its ids continue after the seed's.
		var maxPerson int64
		db.QueryRow(ctx, `SELECT MAX(id) FROM people`).Scan(&maxPerson)
		err = db.Update(ctx, func(tx *sqlstore.Tx) error {
			id, err := tx.InsertID(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, kind, summary) VALUES (?, ?, ?, 'test', 'test')`,
				maxPerson, tx.Now, tx.Now)
			var maxEvent int64
			tx.QueryRow(ctx, `SELECT MAX(id) FROM person_events WHERE kind <> 'test'`).Scan(&maxEvent)
			if err == nil && id <= maxEvent {
				t.Errorf("new person event got id %d, not after the seed's %d", id, maxEvent)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// checkIndexes compares the indexes with a freshly migrated database's.
func checkIndexes(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	var fresh *sqlstore.DB
	if db.Engine == sqlstore.Postgres {
		fresh = dbtest.OpenPostgres(t)
	} else {
		fresh = dbtest.OpenSQLite(t)
	}
	list := func(db *sqlstore.DB) []string {
		q := `SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`
		if db.Engine == sqlstore.Postgres {
			q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`
		}
		var out []string
		queryStrings(t, db, &out, q)
		return out
	}
	if got, want := list(db), list(fresh); !slices.Equal(got, want) {
		t.Errorf("indexes after seeding:\n%v\nwant\n%v", got, want)
	}
}

// TestPostgresMatchesSQLite seeds the same people on both engines (COPY on
// PostgreSQL) and compares what was written.
func TestPostgresMatchesSQLite(t *testing.T) {
	pg := dbtest.OpenPostgres(t)
	lite := dbtest.OpenSQLite(t)
	opt := testOptions(400, 21)
	rp := mustRun(t, pg, opt)
	rl := mustRun(t, lite, opt)
	if !slices.Equal(rp.Rows, rl.Rows) || rp.FirstPersonID != rl.FirstPersonID {
		t.Errorf("PostgreSQL wrote\n%v\nSQLite\n%v", rp.Rows, rl.Rows)
	}
	ctx := context.Background()
	for _, q := range []string{
		`SELECT COUNT(*) FROM episodes WHERE state = 'closed'`,
		`SELECT COUNT(*) FROM person_name_tokens WHERE token LIKE 'o%'`,
		`SELECT COUNT(*) FROM consents WHERE gillick_competent`,
		`SELECT COUNT(*) FROM audit_subjects`,
	} {
		var a, b int64
		if err := pg.QueryRow(ctx, q).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := lite.QueryRow(ctx, q).Scan(&b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s: %d on PostgreSQL, %d on SQLite", q, a, b)
		}
	}
	// The same alert times on both engines, as the application reads them.
	var tp, tl liaise.Time
	pg.QueryRow(ctx, `SELECT alerted_at FROM episodes ORDER BY id DESC LIMIT 1`).Scan(&tp)
	lite.QueryRow(ctx, `SELECT alerted_at FROM episodes ORDER BY id DESC LIMIT 1`).Scan(&tl)
	if !tp.Equal(tl.Time) {
		t.Errorf("last alert at %s on PostgreSQL, %s on SQLite", tp, tl)
	}
}

func TestOptionsRefused(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{People: 0, AuditKey: testKey}, "--people"},
		{Options{People: 10, AuditKey: testKey, Env: "production"}, "production"},
		{Options{People: 10}, "audit key"},
		{Options{People: 10, AuditKey: testKey, Steps: "people,frogs"}, `no seed step "frogs"`},
		{Options{People: 10, AuditKey: testKey, Indexes: "sometimes"}, "indexes must be"},
	} {
		if _, err := Run(context.Background(), db, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.opt, err, c.want)
		}
	}
}

func TestRegistryTablesAreWritten(t *testing.T) {
	tables, err := tablesOf(Steps())
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != len(writeOrder) {
		t.Errorf("%d tables written of %d known", len(tables), len(writeOrder))
	}
	if _, err := tablesOf([]Step{{Name: "x", Tables: []*Table{table("mystery", "", "a")}}}); err == nil {
		t.Error("a step writing a table outside writeOrder was accepted")
	}
}

var _ = sql.ErrNoRows
