package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// peopleFixture: provider A with teams 1 and 2, provider B with one team;
// practitioners in each team, and one with no break-glass capability.
type peopleFixture struct {
	db                    *sqlstore.DB
	provA, provB          int64
	team1, team2, teamB   int64
	p1, p1b, p2, str2, pB context.Context
	ids                   map[string]int64
}

func newPeopleFixture(t *testing.T, db *sqlstore.DB) *peopleFixture {
	t.Helper()
	ctx := context.Background()
	f := &peopleFixture{db: db, ids: map[string]int64{}}
	dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
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
		f.provB = ins(`INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('B Trust', 'RB1', ?, ?)`, tx.Now, tx.Now)
		svcB := ins(`INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'B L&D', 'ld', ?, ?)`, f.provB, tx.Now, tx.Now)
		f.teamB = ins(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'B team', ?, ?)`, f.provB, svcB, tx.Now, tx.Now)
		return err
	}))
	sys := liaise.WithActor(ctx, liaise.SystemActor("test"))
	user := func(name, role string, provider, team int64) context.Context {
		u := &liaise.User{ProviderID: provider, Username: name, DisplayName: name, RoleCode: role, Memberships: []liaise.Membership{{TeamID: team}}}
		dbtest.Must(t, db.CreateUser(sys, u, ""))
		f.ids[name] = u.ID
		a, err := db.LoadActor(ctx, u.ID)
		dbtest.Must(t, err)
		return liaise.WithActor(ctx, a)
	}
	f.p1 = user("p1", "practitioner", f.provA, f.team1)
	f.p1b = user("p1b", "practitioner", f.provA, f.team1)
	f.p2 = user("p2", "practitioner", f.provA, f.team2)
	f.str2 = user("str2", "str_worker", f.provA, f.team2)
	f.pB = user("pB", "practitioner", f.provB, f.teamB)
	return f
}

func pdate(s string) liaise.Date {
	d, err := liaise.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func newPerson(given, family, dob string, ids ...liaise.Identifier) *liaise.Person {
	return &liaise.Person{IdentityStatus: liaise.IdentityAsGiven, Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: given, Family: family}},
		DateOfBirth: pdate(dob), Identifiers: ids}
}

func nhs(n string) liaise.Identifier { return liaise.Identifier{Type: liaise.IDNHSNumber, Value: n} }

func mustCreate(t *testing.T, db *sqlstore.DB, ctx context.Context, p *liaise.Person) {
	t.Helper()
	if _, err := db.CreatePerson(ctx, p, false); err != nil {
		t.Fatalf("create %s: %v", p.DisplayName(), err)
	}
}

func searchIDs(t *testing.T, db *sqlstore.DB, ctx context.Context, q sqlstore.PersonQuery) []int64 {
	t.Helper()
	page, err := db.SearchPeople(ctx, q)
	dbtest.Must(t, err)
	var out []int64
	for _, s := range page.Items {
		out = append(out, s.ID)
	}
	return out
}

func TestPeopleCreateGetSearch(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		zoe := newPerson("Zoë", "O'Brien-Smith", "1990-02-03", nhs("943 476 5919"), liaise.Identifier{Type: liaise.IDPNC, Value: "12/1234567C"})
		zoe.Postcode = "pr1 2ab"
		zoe.EthnicCategory = "A"
		mustCreate(t, db, f.p1, zoe)
		other := newPerson("John", "Smithers", "1985-06-07")
		mustCreate(t, db, f.p1, other)
		if zoe.TeamID != f.team1 || zoe.Postcode != "PR1 2AB" || zoe.Identifier(liaise.IDNHSNumber) != "9434765919" {
			t.Fatalf("stored %+v", zoe)
		}
		got, err := db.GetPerson(f.p1, zoe.ID, "")
		dbtest.Must(t, err)
		if got.DisplayName() != "Zoë O'Brien-Smith" || got.DateOfBirth != pdate("1990-02-03") || got.TeamName != "Preston custody" || len(got.Events) != 1 || got.Version != 1 {
			t.Fatalf("got %+v", got)
		}
		for _, q := range []string{"zoe", "obrien", "o'brien", "smith", "OBRIEN-SMITH", "Zo O'Bri", "ZOË obriensm"} {
			ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{Q: q})
			if len(ids) == 0 || ids[0] != zoe.ID {
				t.Errorf("search %q: %v, want Zoë first", q, ids)
			}
		}
		if ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{Q: "smith"}); len(ids) != 2 {
			t.Errorf("smith: %v, want both (Smithers by prefix)", ids)
		}
		// Each result carries its own names and identifiers (read for the
		// whole page at once).
		both, err := db.SearchPeople(f.p2, sqlstore.PersonQuery{Q: "smith"})
		dbtest.Must(t, err)
		for _, it := range both.Items {
			switch it.ID {
			case zoe.ID:
				if it.Name != "Zoë O'Brien-Smith" || len(it.Identifiers) != 2 || it.Identifiers[0].Value != "9434765919" || it.Identifiers[1].Value != "12/1234567C" {
					t.Errorf("Zoë's row = %+v", it)
				}
			case other.ID:
				if it.Name != "John Smithers" || len(it.Identifiers) != 0 || it.Age < 40 {
					t.Errorf("John's row = %+v", it)
				}
			}
		}
		if ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{Q: "zoe smithers"}); len(ids) != 0 {
			t.Errorf("tokens must all match one person: %v", ids)
		}
		if ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{Q: "smith", DateOfBirth: pdate("1985-06-07")}); len(ids) != 1 || ids[0] != other.ID {
			t.Errorf("smith + dob: %v", ids)
		}
		if ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{DateOfBirth: pdate("1990-02-03")}); len(ids) != 1 {
			t.Errorf("dob alone: %v", ids)
		}
		for _, idq := range []string{"9434765919", "943-476-5919", "12/1234567c", "12/1234567C"} {
			if ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{Identifier: idq}); len(ids) != 1 || ids[0] != zoe.ID {
				t.Errorf("identifier %q: %v", idq, ids)
			}
		}
		// The other provider sees nothing and cannot open the record.
		if ids := searchIDs(t, db, f.pB, sqlstore.PersonQuery{Q: "zoe"}); len(ids) != 0 {
			t.Errorf("provider B found %v", ids)
		}
		if _, err := db.GetPerson(f.pB, zoe.ID, "a good long reason"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("provider B get: %v, want not found", err)
		}
		// The search is audited once, naming the kind of search, never the text.
		var n int
		var detail string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*), MAX(detail) FROM audit_events WHERE record_type = 'person_search' AND user_id = ? AND detail = 'search by identifier'`, f.ids["p2"]).Scan(&n, &detail))
		if n != 4 {
			t.Errorf("identifier searches audited %d times, want 4", n)
		}
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%zoe%' OR detail LIKE '%943%'`).Scan(&n))
		if n != 0 {
			t.Errorf("search text leaked into %d audit events", n)
		}
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_subjects WHERE subject_id = ?`, zoe.ID).Scan(&n))
		if n == 0 {
			t.Error("search results not recorded as audit subjects")
		}
		if _, err := db.SearchPeople(f.p2, sqlstore.PersonQuery{Q: "smith", Cursor: "not-a-cursor"}); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
		// No criteria: the people recorded by the actor's own teams.
		if ids := searchIDs(t, db, f.p2, sqlstore.PersonQuery{}); len(ids) != 0 {
			t.Errorf("team 2 list: %v", ids)
		}
		if ids := searchIDs(t, db, f.p1, sqlstore.PersonQuery{}); len(ids) != 2 {
			t.Errorf("team 1 list: %v", ids)
		}
	})
}

func TestPeopleKeysetPagination(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		givens := []string{"Eve", "Adam", "Dan", "Cara", "Bea", "Adam"}
		for i, g := range givens {
			mustCreate(t, db, f.p1, newPerson(g, "Taylor", fmt.Sprintf("19%02d-01-01", 70+i)))
		}
		var names []string
		seen := map[int64]bool{}
		cursor := ""
		for range 10 {
			page, err := db.SearchPeople(f.p1, sqlstore.PersonQuery{Q: "taylor", Limit: 2, Cursor: cursor})
			dbtest.Must(t, err)
			for _, s := range page.Items {
				if seen[s.ID] {
					t.Fatalf("id %d repeated", s.ID)
				}
				seen[s.ID] = true
				names = append(names, s.Name)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		want := "[Adam Taylor Adam Taylor Bea Taylor Cara Taylor Dan Taylor Eve Taylor]"
		if fmt.Sprint(names) != want {
			t.Errorf("pages gave %v, want %s", names, want)
		}
	})
}

func TestPeopleDuplicates(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		first := newPerson("Sean", "Murphy", "1992-04-05", nhs("9434765919"), liaise.Identifier{Type: liaise.IDPNC, Value: "12/1234567C"})
		mustCreate(t, db, f.p1, first)

		// Same NHS number blocks, even with the override.
		_, err := db.CreatePerson(f.p1, newPerson("Someone", "Else", "2000-01-01", nhs("943 476 5919")), true)
		var de *liaise.DuplicateError
		if !errors.As(err, &de) || !de.Blocking() || liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Fatalf("same NHS number: %v", err)
		}
		// Same PNC ID.
		_, err = db.CreatePerson(f.p1, newPerson("Other", "Name", "2000-01-01", liaise.Identifier{Type: liaise.IDPNC, Value: "12/1234567C"}), false)
		if !errors.As(err, &de) || de.Blocking() || de.Candidates[0].Reasons[0] != "Same PNC ID" {
			t.Fatalf("same PNC: %v", err)
		}
		// Same family name and date of birth (accents and case folded).
		_, err = db.CreatePerson(f.p1, newPerson("Siobhán", "MURPHY", "1992-04-05"), false)
		if !errors.As(err, &de) || de.Candidates[0].PersonID != first.ID || de.Candidates[0].Reasons[0] != "Same family name and date of birth" {
			t.Fatalf("same family + dob: %v", err)
		}
		// Similar name: given the same, family one edit away.
		similar := newPerson("Sean", "Murphey", "1992-04-05")
		_, err = db.CreatePerson(f.p1, similar, false)
		if !errors.As(err, &de) || de.Candidates[0].Reasons[0] != "Similar name and same date of birth" {
			t.Fatalf("similar name: %v", err)
		}
		// A different date of birth is not a candidate.
		if _, err := db.CreatePerson(f.p1, newPerson("Sean", "Murphy", "1993-04-05"), false); err != nil {
			t.Fatalf("different dob: %v", err)
		}
		// Override: created, and the pair is remembered as not the same person.
		if _, err := db.CreatePerson(f.p1, similar, true); err != nil {
			t.Fatal(err)
		}
		c, err := db.FindDuplicates(f.p1, *similar)
		dbtest.Must(t, err)
		if len(c) != 0 {
			t.Errorf("not-duplicate forgotten: %+v", c)
		}
		var n int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM person_not_duplicates WHERE (person_id = ? AND other_person_id = ?) OR (person_id = ? AND other_person_id = ?)`,
			similar.ID, first.ID, first.ID, similar.ID).Scan(&n))
		if n != 2 {
			t.Errorf("not-duplicate stored %d ways, want both", n)
		}
		// Recorded explicitly between two existing people.
		third := newPerson("Mary", "Murphy", "1992-04-05")
		if _, err := db.CreatePerson(f.p1, third, false); err == nil {
			t.Fatal("expected a duplicate warning")
		}
		_, err = db.CreatePerson(f.p1, third, true)
		dbtest.Must(t, err)
		dbtest.Must(t, db.RecordNotDuplicate(f.p1, third.ID, first.ID, "Different people: sisters"))
		// Changing another person's NHS number to Sean's is refused.
		got, err := db.GetPerson(f.p1, third.ID, "")
		dbtest.Must(t, err)
		got.Identifiers = []liaise.Identifier{nhs("9434765919")}
		if _, err := db.UpdatePerson(f.p1, &got); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("update to a taken NHS number: %v", err)
		}
	})
}

func TestPeopleRestrictedAndBreakGlass(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		staff := newPerson("Alex", "Staffmember", "1980-01-01")
		staff.Restricted = true
		mustCreate(t, db, f.p1, staff)
		if _, err := db.GetPerson(f.p1, staff.ID, ""); err != nil {
			t.Fatalf("creator is named: %v", err)
		}
		if _, err := db.GetPerson(f.p1b, staff.ID, ""); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Fatalf("same team, not named: %v", err)
		}
		page, err := db.SearchPeople(f.p1b, sqlstore.PersonQuery{Q: "alex"})
		dbtest.Must(t, err)
		if len(page.Items) != 1 || !page.Items[0].Hidden || page.Items[0].Name != "Restricted record" || !page.Items[0].DateOfBirth.IsZero() {
			t.Fatalf("restricted in search: %+v", page.Items)
		}

		p := newPerson("Jamie", "Doe", "1999-09-09")
		mustCreate(t, db, f.p1, p)
		_, err = db.GetPerson(f.p2, p.ID, "")
		var bge *liaise.BreakGlassError
		if !errors.As(err, &bge) || liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Fatalf("other team: %v, want break-glass", err)
		}
		if _, err := db.GetPerson(f.str2, p.ID, "a long enough reason"); errors.As(err, &bge) || liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Fatalf("role without break-glass: %v", err)
		}
		if _, err := db.GetPerson(f.p2, p.ID, "short"); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Fatalf("short reason: %v", err)
		}
		got, err := db.GetPerson(f.p2, p.ID, "Arrested overnight, custody team on leave")
		dbtest.Must(t, err)
		if !got.BreakGlass {
			t.Error("break-glass not flagged")
		}
		// The grant lasts: no reason needed for the next hour.
		if _, err := db.GetPerson(f.p2, p.ID, ""); err != nil {
			t.Fatalf("grant not honoured: %v", err)
		}
		var n int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action = ? AND record_id = ? AND user_id = ? AND detail = ?`,
			liaise.AuditBreakGlass, p.ID, f.ids["p2"], "Arrested overnight, custody team on leave").Scan(&n))
		if n != 1 {
			t.Errorf("break-glass audit events: %d", n)
		}
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM break_glass_reviews WHERE person_id = ? AND user_id = ? AND reviewed_at IS NULL`, p.ID, f.ids["p2"]).Scan(&n))
		if n != 1 {
			t.Errorf("review queue rows: %d", n)
		}
	})
}

func TestPeopleUpdateStale(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		p := newPerson("Kim", "Lee", "2001-03-04")
		mustCreate(t, db, f.p1, p)
		a, err := db.GetPerson(f.p1, p.ID, "")
		dbtest.Must(t, err)
		b := a
		a.InterpreterNeeded = true
		a.PreferredLanguage = "Korean"
		_, err = db.UpdatePerson(f.p1, &a)
		dbtest.Must(t, err)
		if a.Version != 2 {
			t.Errorf("version %d", a.Version)
		}
		b.School = "Somewhere"
		if _, err := db.UpdatePerson(f.p1, &b); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Fatalf("stale update: %v", err)
		}
		got, err := db.GetPerson(f.p1, p.ID, "")
		dbtest.Must(t, err)
		if got.School != "" || !got.InterpreterNeeded || got.Events[0].Summary != "Details changed: language and interpreter" {
			t.Fatalf("after stale update: %+v", got)
		}
		if _, err := db.UpdatePerson(f.p2, &got); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team update: %v", err)
		}
		got.DateOfBirth = pdate("2030-01-01")
		if _, err := db.UpdatePerson(f.p1, &got); liaise.ErrorFields(err)["date_of_birth"] == "" {
			t.Errorf("future dob: %v", err)
		}
	})
}
