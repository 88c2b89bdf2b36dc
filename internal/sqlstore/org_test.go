package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// orgFixture is two providers, each with an administrator, and a practitioner of A.
type orgFixture struct {
	db           *sqlstore.DB
	sys          context.Context
	adminA       context.Context
	adminB       context.Context
	practA       context.Context
	provA, provB liaise.Provider
}

func orgRoleCaps(code string) []string {
	for _, r := range liaise.BuiltInRoles {
		if r.Code == code {
			return r.Capabilities
		}
	}
	return nil
}

func orgActorCtx(provider, user int64, role string) context.Context {
	return liaise.WithActor(context.Background(), &liaise.Actor{UserID: user, Username: role, ProviderID: provider, RoleCode: role, RoleName: role, Capabilities: orgRoleCaps(role)})
}

func newOrgFixture(t *testing.T, db *sqlstore.DB) *orgFixture {
	t.Helper()
	f := &orgFixture{db: db, sys: liaise.WithActor(context.Background(), liaise.SystemActor("test"))}
	f.provA = liaise.Provider{Name: "Lancashire and South Cumbria NHS Foundation Trust", ODSCode: "rw5"}
	f.provB = liaise.Provider{Name: "An Independent Provider", ODSCode: "8HN12"}
	dbtest.Must(t, db.CreateProvider(f.sys, &f.provA))
	dbtest.Must(t, db.CreateProvider(f.sys, &f.provB))
	f.adminA = orgActorCtx(f.provA.ID, 101, "administrator")
	f.adminB = orgActorCtx(f.provB.ID, 201, "administrator")
	f.practA = orgActorCtx(f.provA.ID, 102, "practitioner")
	return f
}

func orgWantCode(t *testing.T, err error, code string) {
	t.Helper()
	if liaise.ErrorCode(err) != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

func orgWantField(t *testing.T, err error, field string) {
	t.Helper()
	if liaise.ErrorCode(err) != liaise.EINVALID || liaise.ErrorFields(err)[field] == "" {
		t.Fatalf("error %v, want a field error on %s", err, field)
	}
}

func TestOrgCreateListGetUpdate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newOrgFixture(t, db)
		ctx := f.adminA
		if f.provA.ODSCode != "RW5" {
			t.Errorf("ODS code stored as %q, want RW5", f.provA.ODSCode)
		}

		svc := liaise.Service{Name: "Lancashire L&D", Type: liaise.ServiceLD}
		dbtest.Must(t, db.CreateService(ctx, &svc))
		rec := liaise.Service{Name: "Lancashire RECONNECT", Type: liaise.ServiceRECONNECT}
		dbtest.Must(t, db.CreateService(ctx, &rec))
		if svc.ProviderID != f.provA.ID || svc.Version != 1 {
			t.Fatalf("service %+v: want provider A, version 1", svc)
		}
		team := liaise.Team{Name: "Preston custody team", ServiceID: svc.ID}
		dbtest.Must(t, db.CreateTeam(ctx, &team))
		site := liaise.Site{Name: "Preston custody suite", Type: "custody_suite", TeamID: team.ID, Hours: "Daily 07:00-22:00"}
		dbtest.Must(t, db.CreateSite(ctx, &site))
		if site.ActLocType != "M03" || site.Hours != "mon-sun 07:00-22:00" {
			t.Errorf("site defaults: act loc %q hours %q", site.ActLocType, site.Hours)
		}
		court := liaise.Site{Name: "Preston Magistrates' Court", Type: "magistrates_court", ActLocType: "x01"}
		dbtest.Must(t, db.CreateSite(ctx, &court))
		if court.ActLocType != "X01" || court.Hours != "24/7" || court.TeamID != 0 {
			t.Errorf("court: %+v", court)
		}
		hub := liaise.Hub{Name: "Preston hub", SiteIDs: []int64{site.ID, court.ID, site.ID}}
		dbtest.Must(t, db.CreateHub(ctx, &hub))
		contract := liaise.Contract{Commissioner: "NHS England North West", Region: "Lancashire and South Cumbria",
			StartDate: liaise.Date{Year: 2025, Month: 4, Day: 1}, EndDate: liaise.Date{Year: 2032, Month: 3, Day: 31}, ServiceIDs: []int64{svc.ID, rec.ID}}
		dbtest.Must(t, db.CreateContract(ctx, &contract))
		partner := liaise.Partner{Name: "Peer Support Charity", ODSCode: ""}
		dbtest.Must(t, db.CreatePartner(ctx, &partner))
		agency := liaise.Agency{Name: "Lancashire Constabulary", Type: "police"}
		dbtest.Must(t, db.CreateAgency(ctx, &agency))

		// Lists see the provider's own records, with links.
		services, err := db.ListServices(ctx, 0)
		dbtest.Must(t, err)
		if len(services) != 2 || services[0].Name != "Lancashire L&D" {
			t.Errorf("services %+v", services)
		}
		teams, err := db.ListTeams(ctx, 0)
		dbtest.Must(t, err)
		if len(teams) != 1 || teams[0] != team {
			t.Errorf("teams %+v, want %+v", teams, team)
		}
		sites, err := db.ListSites(ctx, 0)
		dbtest.Must(t, err)
		if len(sites) != 2 || sites[0].Name != "Preston custody suite" {
			t.Errorf("sites %+v", sites)
		}
		hubs, err := db.ListHubs(ctx, 0)
		dbtest.Must(t, err)
		if len(hubs) != 1 || len(hubs[0].SiteIDs) != 2 {
			t.Errorf("hubs %+v", hubs)
		}
		contracts, err := db.ListContracts(ctx, 0)
		dbtest.Must(t, err)
		if len(contracts) != 1 || contracts[0].StartDate != contract.StartDate || contracts[0].EndDate != contract.EndDate || len(contracts[0].ServiceIDs) != 2 {
			t.Errorf("contracts %+v", contracts)
		}
		partners, err := db.ListPartners(ctx, 0)
		dbtest.Must(t, err)
		agencies, err := db.ListAgencies(ctx, 0)
		dbtest.Must(t, err)
		if len(partners) != 1 || len(agencies) != 1 {
			t.Errorf("partners %+v agencies %+v", partners, agencies)
		}
		providers, err := db.ListProviders(ctx)
		dbtest.Must(t, err)
		if len(providers) != 1 || providers[0].ID != f.provA.ID {
			t.Errorf("administrator sees providers %+v, want only their own", providers)
		}
		all, err := db.ListProviders(f.sys)
		dbtest.Must(t, err)
		if len(all) != 2 {
			t.Errorf("system sees %d providers, want 2", len(all))
		}

		// Practitioners may read the organisation but not change it.
		got, err := db.GetTeam(f.practA, team.ID)
		dbtest.Must(t, err)
		if got != team {
			t.Errorf("GetTeam = %+v", got)
		}
		orgWantCode(t, db.CreateTeam(f.practA, &liaise.Team{Name: "Another", ServiceID: svc.ID}), liaise.EFORBIDDEN)

		// Updates bump the version; a stale version is refused and changes nothing.
		edit := got
		edit.Name = "Preston and Chorley custody team"
		dbtest.Must(t, db.UpdateTeam(ctx, &edit))
		if edit.Version != 2 {
			t.Errorf("version after update = %d", edit.Version)
		}
		stale := got // still version 1
		stale.Name = "Overwritten"
		orgWantCode(t, db.UpdateTeam(ctx, &stale), liaise.ESTALE)
		now, err := db.GetTeam(ctx, team.ID)
		dbtest.Must(t, err)
		if now.Name != "Preston and Chorley custody team" || now.Version != 2 {
			t.Errorf("after stale update: %+v", now)
		}

		c2, err := db.GetContract(ctx, contract.ID)
		dbtest.Must(t, err)
		c2.ServiceIDs = []int64{rec.ID}
		c2.EndDate = liaise.Date{Year: 2030, Month: 3, Day: 31}
		dbtest.Must(t, db.UpdateContract(ctx, &c2))
		c3, err := db.GetContract(ctx, contract.ID)
		dbtest.Must(t, err)
		if len(c3.ServiceIDs) != 1 || c3.ServiceIDs[0] != rec.ID || c3.EndDate.Year != 2030 || c3.Version != 2 {
			t.Errorf("contract after update %+v", c3)
		}
		c2.Version = 1 // the version this edit started from, now stale
		orgWantCode(t, db.UpdateContract(ctx, &c2), liaise.ESTALE)

		s2, err := db.GetSite(ctx, site.ID)
		dbtest.Must(t, err)
		s2.Hours = "mon-fri 09:00-17:00; bank holidays closed"
		s2.TeamID = 0
		dbtest.Must(t, db.UpdateSite(ctx, &s2))
		s3, err := db.GetSite(ctx, site.ID)
		dbtest.Must(t, err)
		if s3.TeamID != 0 || s3.Hours != "mon-fri 09:00-17:00; bank holidays closed" {
			t.Errorf("site after update %+v", s3)
		}

		h2, err := db.GetHub(ctx, hub.ID)
		dbtest.Must(t, err)
		h2.SiteIDs = []int64{court.ID}
		dbtest.Must(t, db.UpdateHub(ctx, &h2))
		h3, err := db.GetHub(ctx, hub.ID)
		dbtest.Must(t, err)
		if len(h3.SiteIDs) != 1 || h3.SiteIDs[0] != court.ID {
			t.Errorf("hub after update %+v", h3)
		}

		p2 := f.provA
		p2.Name = "LSCFT"
		dbtest.Must(t, db.UpdateProvider(ctx, &p2))
		p3, err := db.GetProvider(ctx, f.provA.ID)
		dbtest.Must(t, err)
		if p3.Name != "LSCFT" || p3.Version != 2 {
			t.Errorf("provider after update %+v", p3)
		}
		orgWantCode(t, db.UpdateProvider(ctx, &f.provA), liaise.ESTALE)

		for _, x := range []struct {
			update func() error
		}{
			{func() error { s := svc; s.Name = "L&D"; return db.UpdateService(ctx, &s) }},
			{func() error { p := partner; p.ODSCode = "ab1"; return db.UpdatePartner(ctx, &p) }},
			{func() error { g := agency; g.Type = "court"; return db.UpdateAgency(ctx, &g) }},
		} {
			dbtest.Must(t, x.update())
		}
		pp, err := db.GetPartner(ctx, partner.ID)
		dbtest.Must(t, err)
		if pp.ODSCode != "AB1" || pp.Version != 2 {
			t.Errorf("partner after update %+v", pp)
		}
	})
}

func TestOrgValidation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newOrgFixture(t, db)
		ctx := f.adminA
		svc := liaise.Service{Name: "L&D", Type: liaise.ServiceLD}
		dbtest.Must(t, db.CreateService(ctx, &svc))
		d := func(y, m, day int) liaise.Date { return liaise.Date{Year: y, Month: time.Month(m), Day: day} }
		tests := []struct {
			name  string
			err   error
			field string
		}{
			{"provider without a name", db.CreateProvider(f.sys, &liaise.Provider{ODSCode: "RX1"}), "name"},
			{"provider ODS with punctuation", db.CreateProvider(f.sys, &liaise.Provider{Name: "X", ODSCode: "R-1"}), "ods_code"},
			{"provider ODS of a site", db.CreateProvider(f.sys, &liaise.Provider{Name: "X", ODSCode: "RX101"}), "ods_code"},
			{"provider ODS too long", db.CreateProvider(f.sys, &liaise.Provider{Name: "X", ODSCode: "RX10123"}), "ods_code"},
			{"provider ODS taken", db.CreateProvider(f.sys, &liaise.Provider{Name: "X", ODSCode: "8hn12"}), "ods_code"},
			{"service type", db.CreateService(ctx, &liaise.Service{Name: "X", Type: "other"}), "type"},
			{"service name taken", db.CreateService(ctx, &liaise.Service{Name: "L&D", Type: liaise.ServiceRECONNECT}), "name"},
			{"team without service", db.CreateTeam(ctx, &liaise.Team{Name: "T"}), "service_id"},
			{"team without name", db.CreateTeam(ctx, &liaise.Team{ServiceID: svc.ID}), "name"},
			{"site type", db.CreateSite(ctx, &liaise.Site{Name: "S", Type: "castle"}), "type"},
			{"site activity location", db.CreateSite(ctx, &liaise.Site{Name: "S", Type: "prison", ActLocType: "Z99"}), "act_loc_type"},
			{"site hours", db.CreateSite(ctx, &liaise.Site{Name: "S", Type: "prison", Hours: "mornings"}), "hours"},
			{"site team missing", db.CreateSite(ctx, &liaise.Site{Name: "S", Type: "prison", TeamID: 999999}), "team_id"},
			{"hub without sites", db.CreateHub(ctx, &liaise.Hub{Name: "H"}), "site_ids"},
			{"hub with unknown site", db.CreateHub(ctx, &liaise.Hub{Name: "H", SiteIDs: []int64{999999}}), "site_ids"},
			{"contract commissioner", db.CreateContract(ctx, &liaise.Contract{Region: "R", StartDate: d(2025, 4, 1), EndDate: d(2032, 3, 31), ServiceIDs: []int64{svc.ID}}), "commissioner"},
			{"contract region", db.CreateContract(ctx, &liaise.Contract{Commissioner: "C", StartDate: d(2025, 4, 1), EndDate: d(2032, 3, 31), ServiceIDs: []int64{svc.ID}}), "region"},
			{"contract start", db.CreateContract(ctx, &liaise.Contract{Commissioner: "C", Region: "R", EndDate: d(2032, 3, 31), ServiceIDs: []int64{svc.ID}}), "start_date"},
			{"contract ends before it starts", db.CreateContract(ctx, &liaise.Contract{Commissioner: "C", Region: "R", StartDate: d(2025, 4, 1), EndDate: d(2025, 4, 1), ServiceIDs: []int64{svc.ID}}), "end_date"},
			{"contract without services", db.CreateContract(ctx, &liaise.Contract{Commissioner: "C", Region: "R", StartDate: d(2025, 4, 1), EndDate: d(2032, 3, 31)}), "service_ids"},
			{"partner ODS", db.CreatePartner(ctx, &liaise.Partner{Name: "P", ODSCode: "A!"}), "ods_code"},
			{"agency type", db.CreateAgency(ctx, &liaise.Agency{Name: "A", Type: "aliens"}), "type"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { orgWantField(t, tt.err, tt.field) })
		}
	})
}

func TestOrgProviderBoundary(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newOrgFixture(t, db)
		svcA := liaise.Service{Name: "A L&D", Type: liaise.ServiceLD}
		dbtest.Must(t, db.CreateService(f.adminA, &svcA))
		teamA := liaise.Team{Name: "A team", ServiceID: svcA.ID}
		dbtest.Must(t, db.CreateTeam(f.adminA, &teamA))
		siteA := liaise.Site{Name: "A site", Type: "prison"}
		dbtest.Must(t, db.CreateSite(f.adminA, &siteA))
		svcB := liaise.Service{Name: "B L&D", Type: liaise.ServiceLD}
		dbtest.Must(t, db.CreateService(f.adminB, &svcB))

		// B cannot read or change A's team, and cannot tell it exists.
		_, err := db.GetTeam(f.adminB, teamA.ID)
		orgWantCode(t, err, liaise.ENOTFOUND)
		edit := teamA
		edit.Name = "Taken over"
		orgWantCode(t, db.UpdateTeam(f.adminB, &edit), liaise.ENOTFOUND)
		_, err = db.GetProvider(f.adminB, f.provA.ID)
		orgWantCode(t, err, liaise.ENOTFOUND)
		p := f.provA
		p.Name = "Renamed by B"
		orgWantCode(t, db.UpdateProvider(f.adminB, &p), liaise.ENOTFOUND)

		// B cannot list A's records, nor link its records to A's.
		_, err = db.ListTeams(f.adminB, f.provA.ID)
		orgWantCode(t, err, liaise.EFORBIDDEN)
		teamsB, err := db.ListTeams(f.adminB, 0)
		dbtest.Must(t, err)
		if len(teamsB) != 0 {
			t.Errorf("B lists %+v", teamsB)
		}
		orgWantField(t, db.CreateTeam(f.adminB, &liaise.Team{Name: "B team", ServiceID: svcA.ID}), "service_id")
		orgWantField(t, db.CreateHub(f.adminB, &liaise.Hub{Name: "B hub", SiteIDs: []int64{siteA.ID}}), "site_ids")
		orgWantField(t, db.CreateSite(f.adminB, &liaise.Site{Name: "B site", Type: "prison", TeamID: teamA.ID}), "team_id")
		orgWantCode(t, db.CreateService(f.adminB, &liaise.Service{ProviderID: f.provA.ID, Name: "Planted", Type: liaise.ServiceLD}), liaise.EFORBIDDEN)

		// Moving A's team into B's service is refused too.
		moved := teamA
		moved.ServiceID = svcB.ID
		orgWantField(t, db.UpdateTeam(f.adminA, &moved), "service_id")

		// Only the operator creates providers.
		orgWantCode(t, db.CreateProvider(f.adminA, &liaise.Provider{Name: "New", ODSCode: "RX9"}), liaise.EFORBIDDEN)

		// Nothing changed.
		got, err := db.GetTeam(f.adminA, teamA.ID)
		dbtest.Must(t, err)
		if got != teamA {
			t.Errorf("A's team is now %+v", got)
		}
	})
}

func TestOrgAudited(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newOrgFixture(t, db)
		ctx := f.adminA
		site := liaise.Site{Name: "Blackpool custody suite", Type: "custody_suite"}
		dbtest.Must(t, db.CreateSite(ctx, &site))
		_, err := db.GetSite(ctx, site.ID)
		dbtest.Must(t, err)
		site.Name = "Blackpool custody"
		dbtest.Must(t, db.UpdateSite(ctx, &site))
		_, err = db.ListSites(ctx, 0)
		dbtest.Must(t, err)

		count := func(action string) int {
			var n int
			dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE record_type = 'site' AND action = ? AND user_id = 101 AND provider_id = ?`, action, f.provA.ID).Scan(&n))
			return n
		}
		for _, action := range []string{liaise.AuditCreate, liaise.AuditRead, liaise.AuditUpdate, liaise.AuditList} {
			if n := count(action); n != 1 {
				t.Errorf("%s events for the site: %d, want 1", action, n)
			}
		}
		var detail string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT detail FROM audit_events WHERE record_type = 'site' AND action = 'update'`).Scan(&detail))
		if detail != "changed: name" {
			t.Errorf("update detail %q", detail)
		}
		var subject int64
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT s.subject_id FROM audit_subjects s JOIN audit_events e ON e.seq = s.seq WHERE e.record_type = 'site' AND e.action = 'list'`).Scan(&subject))
		if subject != site.ID {
			t.Errorf("list subject %d, want %d", subject, site.ID)
		}
	})
}
