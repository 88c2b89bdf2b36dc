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
		if !strings.Contains(out.String(), "2 providers") || !strings.Contains(out.String(), "13 users") || !strings.Contains(out.String(), demo.Password) {
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
		total := c.Providers + c.Contracts + c.Services + c.Teams + c.Sites + c.Hubs + c.Partners + c.Agencies + c.Users
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
