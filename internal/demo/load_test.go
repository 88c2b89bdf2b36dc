package demo_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/dbtest"
	"liaise/internal/demo"
	"liaise/internal/sqlstore"
)

func queryStrings(t *testing.T, db *sqlstore.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), q, args...)
	dbtest.Must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		dbtest.Must(t, rows.Scan(&s))
		out = append(out, s)
	}
	dbtest.Must(t, rows.Err())
	return out
}

func TestLoadIntoEmptyDatabase(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		var out bytes.Buffer
		c, err := demo.Load(ctx, db, "development", &out)
		dbtest.Must(t, err)
		if c.Providers != 2 || c.Services != 4 || c.Contracts != 3 || c.Users != 13 {
			t.Errorf("counts = %+v", c)
		}
		if c.People != 200 {
			t.Errorf("%d people, want 200", c.People)
		}
		if !strings.Contains(out.String(), "2 providers") || !strings.Contains(out.String(), "13 users") || !strings.Contains(out.String(), demo.Password) ||
			!strings.Contains(out.String(), "created 200 people") {
			t.Errorf("progress output:\n%s", out.String())
		}

		// Every place issue 2 names for Lancashire & South Cumbria is a site.
		sites := strings.Join(queryStrings(t, db, `SELECT s.name FROM sites s JOIN providers p ON p.id = s.provider_id WHERE p.ods_code = 'RW5'`), "\n")
		for _, town := range []string{"Blackburn", "Blackpool", "Burnley", "Lancaster", "Preston", "Skelmersdale", "Carlisle", "Barrow", "Workington", "Kendal"} {
			if !strings.Contains(sites, town) {
				t.Errorf("no site in %s", town)
			}
		}
		prisons := queryStrings(t, db, `SELECT s.name FROM sites s JOIN teams t ON t.id = s.team_id WHERE s.type = 'prison' AND t.name = ? ORDER BY s.name`, demo.TeamLSCReconnect)
		if want := []string{"HMP Garth", "HMP Haverigg", "HMP Kirkham", "HMP Lancaster Farms", "HMP Preston", "HMP Wymott"}; !slices.Equal(prisons, want) {
			t.Errorf("RECONNECT prisons = %v, want %v", prisons, want)
		}

		// One demo user per built-in role at Lancashire & South Cumbria.
		roles := queryStrings(t, db, `SELECT r.code FROM users u JOIN roles r ON r.id = u.role_id JOIN providers p ON p.id = u.provider_id
			WHERE p.ods_code = 'RW5' AND u.demo = TRUE ORDER BY r.code`)
		var want []string
		for _, r := range liaise.BuiltInRoles {
			want = append(want, r.Code)
		}
		slices.Sort(want)
		if !slices.Equal(roles, want) {
			t.Errorf("demo roles = %v, want %v", roles, want)
		}

		// Seven-year contracts.
		rows, err := db.Query(ctx, `SELECT start_date, end_date FROM contracts`)
		dbtest.Must(t, err)
		n := 0
		for rows.Next() {
			var start, end liaise.Date
			dbtest.Must(t, rows.Scan(&start, &end))
			if start != demo.ContractStart || end != demo.ContractEnd || start.AddMonthsClamped(84).Time().AddDate(0, 0, -1) != end.Time() {
				t.Errorf("contract %s to %s is not seven years", start, end)
			}
			n++
		}
		rows.Close()
		if n != 3 {
			t.Errorf("%d contracts, want 3", n)
		}

		// Every created record left an audit event in the same transaction.
		var events int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'create' AND detail = 'demo organisation' AND username = 'system'`).Scan(&events))
		total := c.Providers + c.Contracts + c.Services + c.Teams + c.Sites + c.Hubs + c.Partners + c.Agencies + c.Users + c.People
		if events != total {
			t.Errorf("%d audit events for %d records", events, total)
		}

		// The demo password works against the stored hash.
		creds, err := db.Credentials(ctx, "practitioner")
		dbtest.Must(t, err)
		ok, _, err := auth.NewHasher(auth.DefaultParams, 1).Verify(demo.Password, creds.PasswordHash)
		if err != nil || !ok || !creds.Demo {
			t.Errorf("demo password does not verify (ok=%v err=%v demo=%v)", ok, err, creds.Demo)
		}

		// A second load is refused and writes nothing.
		if _, err := demo.Load(ctx, db, "development", &out); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second load err = %v, want ErrNotEmpty", err)
		}
		var providers int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM providers`).Scan(&providers))
		if providers != 2 {
			t.Errorf("%d providers after a second load", providers)
		}
	})
}

func TestDemoPractitionerActor(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		_, err := demo.Load(ctx, db, "development", &bytes.Buffer{})
		dbtest.Must(t, err)
		actorOf := func(username string) *liaise.Actor {
			t.Helper()
			creds, err := db.Credentials(ctx, username)
			dbtest.Must(t, err)
			a, err := db.LoadActor(ctx, creds.UserID)
			dbtest.Must(t, err)
			return a
		}
		a := actorOf("practitioner")
		want := slices.Clone(liaise.BuiltInRoles[slices.IndexFunc(liaise.BuiltInRoles, func(r liaise.Role) bool { return r.Code == "practitioner" })].Capabilities)
		slices.Sort(want)
		got := slices.Clone(a.Capabilities)
		slices.Sort(got)
		if a.RoleCode != "practitioner" || !slices.Equal(got, want) {
			t.Errorf("practitioner role %q capabilities %v, want %v", a.RoleCode, got, want)
		}
		if !slices.Equal(a.TeamNames, []string{demo.TeamPreston}) {
			t.Errorf("practitioner teams = %v", a.TeamNames)
		}

		// The provider is the data boundary: the Thames Valley practitioner
		// cannot open a Preston team's record.
		tv := actorOf("tv-practitioner")
		if tv.ProviderID == a.ProviderID {
			t.Fatal("tv-practitioner is at the same provider")
		}
		res := liaise.Resource{Type: "episode", ID: 1, ProviderID: a.ProviderID, TeamID: a.TeamIDs[0]}
		if err := liaise.Authorize(a, liaise.CapRecordRead, res); err != nil {
			t.Errorf("practitioner cannot read own team's record: %v", err)
		}
		if err := liaise.Authorize(tv, liaise.CapRecordRead, res); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other provider's practitioner: err = %v, want forbidden", err)
		}

		if sm := actorOf("service-manager"); len(sm.TeamIDs) != 4 {
			t.Errorf("service manager teams = %v, want the four L&D teams", sm.TeamNames)
		}
		if adm := actorOf("administrator"); len(adm.TeamIDs) != 0 || !adm.Can(liaise.CapOrgManage) {
			t.Errorf("administrator teams %v, can manage org %v", adm.TeamNames, adm.Can(liaise.CapOrgManage))
		}
	})
}

func TestProductionRefusesDemo(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, "production", &bytes.Buffer{}); !errors.Is(err, demo.ErrProduction) {
		t.Fatalf("err = %v, want ErrProduction", err)
	}
	if has, err := db.HasOrganisation(ctx); err != nil || has {
		t.Fatalf("production load wrote an organisation (has=%v err=%v)", has, err)
	}
}

// The demo people are stored as the person form stores people: searchable by
// the demo practitioner, with restricted records hidden from all but the
// named team manager and the checked near-duplicates remembered.
func TestDemoPeople(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		_, err := demo.Load(ctx, db, "development", &bytes.Buffer{})
		dbtest.Must(t, err)
		actorCtx := func(username string) context.Context {
			t.Helper()
			creds, err := db.Credentials(ctx, username)
			dbtest.Must(t, err)
			a, err := db.LoadActor(ctx, creds.UserID)
			dbtest.Must(t, err)
			return liaise.WithActor(ctx, a)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			dbtest.Must(t, db.QueryRow(ctx, q, args...).Scan(&n))
			return n
		}
		north, south := demo.People()
		if n := count(`SELECT COUNT(*) FROM people p JOIN providers v ON v.id = p.provider_id WHERE v.name = ?`, demo.NorthProvider); n != len(north) {
			t.Errorf("%d people at %s, want %d", n, demo.NorthProvider, len(north))
		}
		if n := count(`SELECT COUNT(*) FROM people p JOIN providers v ON v.id = p.provider_id WHERE v.name = ?`, demo.SouthProvider); n != len(south) {
			t.Errorf("%d people at %s, want %d", n, demo.SouthProvider, len(south))
		}
		// Each person has the timeline entry and search tokens the form writes.
		if n := count(`SELECT COUNT(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM person_events e WHERE e.person_id = p.id AND e.kind = 'created')
			OR NOT EXISTS (SELECT 1 FROM person_name_tokens k WHERE k.person_id = p.id)`); n != 0 {
			t.Errorf("%d people without a created event or name tokens", n)
		}
		if n := count(`SELECT COUNT(*) FROM person_not_duplicates`); n == 0 || n%2 != 0 {
			t.Errorf("%d not-duplicate rows, want pairs", n)
		}

		pr := actorCtx("practitioner")
		find := func(ctx context.Context, q sqlstore.PersonQuery) []sqlstore.PersonSummary {
			t.Helper()
			page, err := db.SearchPeople(ctx, q)
			dbtest.Must(t, err)
			return page.Items
		}
		// Accent- and apostrophe-insensitive search finds a known person.
		got := find(pr, sqlstore.PersonQuery{Q: "siobhan o'neill"})
		if len(got) != 1 || got[0].Name != "Siobhán O'Neill" || got[0].TeamName != demo.TeamPreston {
			t.Errorf("search for siobhan o'neill = %+v", got)
		}
		// A generated person of the practitioner's team, by family name and date of birth.
		var gen sqlstore.PersonSeed
		for _, ps := range north {
			if ps.Team == demo.TeamPreston && strings.HasPrefix(ps.Ref, "p") && !ps.Person.DOBUnknown && ps.Person.Names[0].Family != "" {
				gen = ps
				break
			}
		}
		got = find(pr, sqlstore.PersonQuery{Q: gen.Person.Names[0].Family, DateOfBirth: gen.Person.DateOfBirth})
		if len(got) != 1 || got[0].Name != gen.Person.DisplayName() {
			t.Errorf("search for %s born %s = %+v", gen.Person.DisplayName(), gen.Person.DateOfBirth, got)
		} else {
			p, err := db.GetPerson(pr, got[0].ID, "")
			dbtest.Must(t, err)
			want := gen.Person
			_, err = sqlstore.ValidatePerson(&want, demo.PeopleDay)
			dbtest.Must(t, err)
			if !slices.Equal(p.Names, want.Names) || !slices.Equal(p.Identifiers, want.Identifiers) || p.Address != want.Address ||
				p.EthnicCategory != want.EthnicCategory || len(p.Events) == 0 || p.Events[len(p.Events)-1].Kind != "created" {
				t.Errorf("stored %+v\nwant %+v", p, want)
			}
		}
		// The practitioner's own team list is full.
		if got := find(pr, sqlstore.PersonQuery{Limit: 50}); len(got) < 40 {
			t.Errorf("practitioner's team list has %d people, want at least 40", len(got))
		}
		// By NHS number.
		if got := find(pr, sqlstore.PersonQuery{Identifier: "999 001 2342"}); len(got) != 1 || got[0].Name != "John Smith" {
			t.Errorf("search by NHS number = %+v", got)
		}
		// Restricted: hidden from the practitioner, shown to the named team manager.
		if got := find(pr, sqlstore.PersonQuery{Q: "hartley rebecca"}); len(got) != 1 || !got[0].Hidden {
			t.Errorf("practitioner's search for the restricted record = %+v", got)
		}
		if got := find(actorCtx("team-manager"), sqlstore.PersonQuery{Q: "hartley rebecca"}); len(got) != 1 || got[0].Hidden || got[0].Name != "Rebecca Hartley" {
			t.Errorf("team manager's search for the restricted record = %+v", got)
		}
		// The other provider's practitioner finds none of these people.
		if got := find(actorCtx("tv-practitioner"), sqlstore.PersonQuery{Q: "smith john"}); len(got) != 0 {
			t.Errorf("Thames Valley practitioner found %+v", got)
		}
		// A checked near-duplicate is not offered again.
		var smyth int64
		for _, s := range find(pr, sqlstore.PersonQuery{Q: "jon smyth"}) {
			smyth = s.ID
		}
		p, err := db.GetPerson(pr, smyth, "")
		dbtest.Must(t, err)
		cands, err := db.FindDuplicates(pr, p)
		dbtest.Must(t, err)
		if len(cands) != 0 {
			t.Errorf("Jon Smyth's duplicates = %+v, want none (all checked)", cands)
		}
	})
}
