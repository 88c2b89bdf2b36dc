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

func smallSeed() sqlstore.OrgSeed {
	start := liaise.Date{Year: 2024, Month: time.April, Day: 1}
	end := liaise.Date{Year: 2031, Month: time.March, Day: 31}
	return sqlstore.OrgSeed{Detail: "test seed", Providers: []sqlstore.ProviderSeed{{
		Name:      "Test Trust",
		ODSCode:   "rzz",
		Services:  []sqlstore.ServiceSeed{{Name: "L&D", Type: liaise.ServiceLD}},
		Contracts: []sqlstore.ContractSeed{{Commissioner: "NHS England", Region: "North", Start: start, End: end, Services: []string{"L&D"}}},
		Teams:     []sqlstore.TeamSeed{{Name: "Town team", Service: "L&D"}},
		Sites: []sqlstore.SiteSeed{
			{Name: "Town Police Custody Suite", Type: "custody_suite", Team: "Town team"},
			{Name: "Town Magistrates' Court", Type: "magistrates_court", Hours: "mon-fri 09:00-17:00", Team: "Town team"},
		},
		Hubs:     []sqlstore.HubSeed{{Name: "Town hub", Sites: []string{"Town Police Custody Suite", "Town Magistrates' Court"}}},
		Partners: []sqlstore.PartnerSeed{{Name: "Peer charity"}},
		Agencies: []sqlstore.AgencySeed{{Name: "Town Police", Type: "police"}},
		Users: []sqlstore.UserSeed{
			{Username: "Worker", DisplayName: "A Worker", Role: "peer_support_worker", Partner: "Peer charity", Teams: []string{"Town team"}, Demo: true},
		},
	}}}
}

func systemCtx() context.Context {
	return liaise.WithActor(context.Background(), liaise.SystemActor("test"))
}

func TestLoadOrganisationWritesEverythingAudited(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := systemCtx()
		c, err := db.LoadOrganisation(ctx, smallSeed())
		dbtest.Must(t, err)
		want := sqlstore.OrgCounts{Providers: 1, Contracts: 1, Services: 1, Teams: 1, Sites: 2, Hubs: 1, Partners: 1, Agencies: 1, Users: 1, Memberships: 1}
		if c != want {
			t.Fatalf("counts = %+v, want %+v", c, want)
		}
		if !strings.Contains(c.String(), "2 sites") || !strings.Contains(c.String(), "1 user,") {
			t.Errorf("String() = %q", c.String())
		}
		var ods, hours, act string
		dbtest.Must(t, db.QueryRow(ctx, `SELECT p.ods_code, s.hours, s.act_loc_type FROM sites s JOIN providers p ON p.id = s.provider_id WHERE s.name = 'Town Police Custody Suite'`).Scan(&ods, &hours, &act))
		if ods != "RZZ" || hours != "24/7" || act != "M03" {
			t.Errorf("ods %q hours %q act %q: want RZZ, the 24/7 default and the custody suite's M03", ods, hours, act)
		}
		var hubSites, contractServices int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM hub_sites`).Scan(&hubSites))
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM contract_services`).Scan(&contractServices))
		if hubSites != 2 || contractServices != 1 {
			t.Errorf("hub sites %d, contract services %d", hubSites, contractServices)
		}
		var partner int64
		var username string
		dbtest.Must(t, db.QueryRow(ctx, `SELECT username, partner_id FROM users`).Scan(&username, &partner))
		if username != "worker" || partner == 0 {
			t.Errorf("user %q partner %d", username, partner)
		}
		var events int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE detail = 'test seed' AND action = 'create'`).Scan(&events))
		if events != 10 {
			t.Errorf("%d audit events, want one per record (10)", events)
		}
		if _, err := db.LoadOrganisation(ctx, smallSeed()); !errors.Is(err, sqlstore.ErrOrganisationExists) {
			t.Errorf("second load err = %v", err)
		}
	})
}

func TestLoadOrganisationRefusals(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		admin := &liaise.Actor{UserID: 1, ProviderID: 1, RoleCode: "administrator", Capabilities: []string{liaise.CapOrgManage, liaise.CapUserManage}}
		for name, ctx := range map[string]context.Context{
			"no actor":      context.Background(),
			"administrator": liaise.WithActor(context.Background(), admin),
		} {
			if _, err := db.LoadOrganisation(ctx, smallSeed()); err == nil {
				t.Errorf("%s: load allowed", name)
			}
		}
		// A broken reference rolls the whole load back.
		for name, mutate := range map[string]func(*sqlstore.ProviderSeed){
			"unknown team":      func(p *sqlstore.ProviderSeed) { p.Sites[1].Team = "Nowhere team" },
			"unknown service":   func(p *sqlstore.ProviderSeed) { p.Teams[0].Service = "Dentistry" },
			"unknown site type": func(p *sqlstore.ProviderSeed) { p.Sites[0].Type = "castle" },
			"unknown hub site":  func(p *sqlstore.ProviderSeed) { p.Hubs[0].Sites = []string{"Elsewhere"} },
			"unknown partner":   func(p *sqlstore.ProviderSeed) { p.Users[0].Partner = "Other charity" },
			"unknown role":      func(p *sqlstore.ProviderSeed) { p.Users[0].Role = "wizard" },
			"backwards dates":   func(p *sqlstore.ProviderSeed) { p.Contracts[0].End = liaise.Date{Year: 2020, Month: 1, Day: 1} },
		} {
			seed := smallSeed()
			mutate(&seed.Providers[0])
			if _, err := db.LoadOrganisation(systemCtx(), seed); err == nil {
				t.Errorf("%s: load succeeded", name)
			}
			if has, err := db.HasOrganisation(context.Background()); err != nil || has {
				t.Fatalf("%s: a failed load left a provider behind (has=%v err=%v)", name, has, err)
			}
		}
	})
}

// Two servers started with --demo at once must not load twice.
func TestLoadOrganisationConcurrentLoadsOneWins(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := db.LoadOrganisation(systemCtx(), smallSeed())
				errs <- err
			}()
		}
		var ok, exists int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, sqlstore.ErrOrganisationExists):
				exists++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || exists != 1 {
			t.Errorf("%d loads succeeded and %d were refused, want 1 and 1", ok, exists)
		}
	})
}

func seedPerson(ref, given, family string, dob liaise.Date) sqlstore.PersonSeed {
	return sqlstore.PersonSeed{Ref: ref, Team: "Town team", Person: liaise.Person{
		IdentityStatus: liaise.IdentityAsGiven, DateOfBirth: dob,
		Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: given, Family: family}},
	}}
}

func TestLoadOrganisationPeople(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := systemCtx()
		dob := liaise.Date{Year: 1988, Month: time.March, Day: 14}
		seed := smallSeed()
		smith := seedPerson("smith", "John", "Smith", dob)
		smith.Person.Identifiers = []liaise.Identifier{{Type: liaise.IDNHSNumber, Value: "999 001 2342"}}
		smith.Person.Postcode = "pr1 5ez"
		smyth := seedPerson("smyth", "John", "Smyth", dob)
		smyth.NotSameAs = []string{"smith"}
		staff := seedPerson("staff", "Rebecca", "Hartley", liaise.Date{Year: 1986, Month: time.January, Day: 17})
		staff.Person.Restricted = true
		staff.NamedStaff = []string{"Worker"}
		seed.Providers[0].People = []sqlstore.PersonSeed{smith, smyth, staff}
		c, err := db.LoadOrganisation(ctx, seed)
		dbtest.Must(t, err)
		if c.People != 3 || strings.Contains(c.String(), "people") {
			t.Errorf("people %d, String() %q", c.People, c.String())
		}
		var nhs, ver, pc string
		dbtest.Must(t, db.QueryRow(ctx, `SELECT i.value, i.nhs_verification, p.postcode FROM person_identifiers i JOIN people p ON p.id = i.person_id`).Scan(&nhs, &ver, &pc))
		if nhs != "9990012342" || ver != liaise.NHSAsGiven || pc != "PR1 5EZ" {
			t.Errorf("stored NHS number %q (%s), postcode %q: want them normalised as the form does", nhs, ver, pc)
		}
		var notDup, named, events, audits int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM person_not_duplicates`).Scan(&notDup))
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM person_named_staff n JOIN users u ON u.id = n.user_id WHERE u.username = 'worker'`).Scan(&named))
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM person_events WHERE kind = 'created'`).Scan(&events))
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'person' AND action = 'create' AND detail = 'test seed'`).Scan(&audits))
		if notDup != 2 || named != 1 || events != 3 || audits != 3 {
			t.Errorf("not-duplicate rows %d (want 2), named staff %d (want 1), created events %d and audit events %d (want 3)", notDup, named, events, audits)
		}
	})
}

func TestLoadOrganisationPeopleRefusals(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		dob := liaise.Date{Year: 1988, Month: time.March, Day: 14}
		for name, people := range map[string][]sqlstore.PersonSeed{
			"undeclared near-duplicate": {seedPerson("a", "John", "Smith", dob), seedPerson("b", "John", "Smyth", dob)},
			"invalid person":            {seedPerson("a", "", "", dob)},
			"unknown team":              {func() sqlstore.PersonSeed { p := seedPerson("a", "Jo", "Bloggs", dob); p.Team = "Nowhere"; return p }()},
			"unknown not-same-as": {func() sqlstore.PersonSeed {
				p := seedPerson("a", "Jo", "Bloggs", dob)
				p.NotSameAs = []string{"z"}
				return p
			}()},
			"unknown named staff": {func() sqlstore.PersonSeed {
				p := seedPerson("a", "Jo", "Bloggs", dob)
				p.NamedStaff = []string{"nobody"}
				return p
			}()},
			"same NHS number": {
				func() sqlstore.PersonSeed {
					p := seedPerson("a", "Jo", "Bloggs", dob)
					p.Person.Identifiers = []liaise.Identifier{{Type: liaise.IDNHSNumber, Value: "9990012342"}}
					return p
				}(),
				func() sqlstore.PersonSeed {
					p := seedPerson("b", "Al", "Other", liaise.Date{Year: 1970, Month: 1, Day: 1})
					p.Person.Identifiers = []liaise.Identifier{{Type: liaise.IDNHSNumber, Value: "9990012342"}}
					p.NotSameAs = []string{"a"}
					return p
				}(),
			},
		} {
			seed := smallSeed()
			seed.Providers[0].People = people
			if _, err := db.LoadOrganisation(systemCtx(), seed); err == nil {
				t.Errorf("%s: load succeeded", name)
			}
			if has, err := db.HasOrganisation(context.Background()); err != nil || has {
				t.Fatalf("%s: a failed load left a provider behind (has=%v err=%v)", name, has, err)
			}
		}
	})
}
