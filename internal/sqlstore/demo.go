package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"liaise"
)

// OrgSeed describes whole provider organisations as plain data, with records
// referring to each other by name (a team names its service, a site its
// team), so the demo organisation (and later synthetic data) reads like the
// organisation chart it stands for rather than like a list of ids.
type OrgSeed struct {
	Providers []ProviderSeed
	// Detail is written on every audit event of the load, e.g. "demo organisation".
	Detail string
}

// ProviderSeed is one provider and everything that belongs to it.
type ProviderSeed struct {
	Name      string
	ODSCode   string
	Services  []ServiceSeed
	Contracts []ContractSeed
	Teams     []TeamSeed
	Sites     []SiteSeed
	Hubs      []HubSeed
	Partners  []PartnerSeed
	Agencies  []AgencySeed
	Users     []UserSeed
	// People are written after the users, so restricted people can name staff.
	People []PersonSeed
}

// ServiceSeed is a service; Type is liaise.ServiceLD or liaise.ServiceRECONNECT.
type ServiceSeed struct {
	Name string
	Type string
}

// ContractSeed is a commissioning contract covering the named services.
type ContractSeed struct {
	Commissioner string
	Region       string
	Start, End   liaise.Date
	Services     []string
}

// TeamSeed is a team of the named service.
type TeamSeed struct {
	Name    string
	Service string
}

// SiteSeed is a site worked by the named team. ActLocType may be left empty
// to take the default MHSDS activity location type of the site type.
type SiteSeed struct {
	Name       string
	Type       string
	ActLocType string
	Hours      string
	Team       string
}

// HubSeed is a hub covering the named sites.
type HubSeed struct {
	Name  string
	Sites []string
}

// PartnerSeed is a partner organisation that employs some staff.
type PartnerSeed struct {
	Name    string
	ODSCode string
}

// AgencySeed is an outside agency; Type is one of liaise.AgencyTypes.
type AgencySeed struct {
	Name string
	Type string
}

// UserSeed is a staff account. Partner names the employing partner
// organisation, if any; Teams name the user's teams.
type UserSeed struct {
	Username     string
	DisplayName  string
	Email        string
	Role         string
	Partner      string
	Teams        []string
	PasswordHash string
	Demo         bool
}

// OrgCounts says how many records a load created.
type OrgCounts struct {
	Providers, Contracts, Services, Teams, Sites, Hubs, Partners, Agencies, Users, Memberships int
	// People is reported on a line of its own, not by String.
	People int
}

// String is the progress line operators see about the organisation, e.g.
// "2 providers, 3 contracts, …".
func (c OrgCounts) String() string {
	parts := []struct {
		n         int
		one, many string
	}{
		{c.Providers, "provider", "providers"},
		{c.Contracts, "contract", "contracts"},
		{c.Services, "service", "services"},
		{c.Teams, "team", "teams"},
		{c.Sites, "site", "sites"},
		{c.Hubs, "hub", "hubs"},
		{c.Partners, "partner organisation", "partner organisations"},
		{c.Agencies, "outside agency", "outside agencies"},
		{c.Users, "user", "users"},
		{c.Memberships, "team membership", "team memberships"},
	}
	s := make([]string, len(parts))
	for i, p := range parts {
		if p.n == 1 {
			s[i] = fmt.Sprintf("%d %s", p.n, p.one)
		} else {
			s[i] = fmt.Sprintf("%d %s", p.n, p.many)
		}
	}
	return strings.Join(s, ", ")
}

// ErrOrganisationExists refuses a load into a database that already has a
// provider: seeds are for empty databases, never merged into live data.
var ErrOrganisationExists = liaise.Errorf(liaise.ECONFLICT, "the database already has an organisation; the demo loads only into an empty database")

// HasOrganisation reports whether any provider exists yet.
func (db *DB) HasOrganisation(ctx context.Context) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM providers LIMIT 1) p`).Scan(&n)
	return n > 0, err
}

// LoadOrganisation writes seed in one transaction, audited record by record,
// when the database has no provider yet; otherwise it returns
// ErrOrganisationExists and writes nothing. Only the system actor (the
// operator at the command line) may load, because a seed spans providers.
func (db *DB) LoadOrganisation(ctx context.Context, seed OrgSeed) (OrgCounts, error) {
	var c OrgCounts
	a := liaise.ActorFrom(ctx)
	for _, cap := range []string{liaise.CapOrgManage, liaise.CapUserManage} {
		if err := liaise.Authorize(a, cap, liaise.Resource{Type: "provider"}); err != nil {
			return c, err
		}
	}
	if !a.System {
		return c, liaise.Errorf(liaise.EFORBIDDEN, "Only the operator at the command line can load a whole organisation.")
	}
	err := db.Update(ctx, func(tx *Tx) error {
		c = OrgCounts{}
		if tx.Engine() == Postgres {
			// Two servers started with --demo at once: the second waits here
			// and then finds the first one's providers.
			if _, err := tx.Exec(ctx, `LOCK TABLE providers IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM providers LIMIT 1) p`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrOrganisationExists
		}
		l := &seedLoader{tx: tx, actor: a, detail: seed.Detail, c: &c}
		for _, p := range seed.Providers {
			if err := l.provider(ctx, p); err != nil {
				return fmt.Errorf("%s: %w", p.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return OrgCounts{}, err
	}
	return c, nil
}

// seedLoader writes one seed inside a transaction.
type seedLoader struct {
	tx     *Tx
	actor  *liaise.Actor
	detail string
	c      *OrgCounts
}

func (l *seedLoader) audit(ctx context.Context, recordType string, id, providerID, teamID int64) error {
	ev := liaise.EventFor(l.actor, liaise.AuditCreate, recordType, id)
	ev.ProviderID = providerID
	ev.TeamID = teamID
	ev.Detail = l.detail
	return l.tx.Audit(ctx, ev)
}

const (
	seedProviderSQL = `INSERT INTO providers (name, ods_code, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)`
	seedServiceSQL  = `INSERT INTO services (provider_id, name, type, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`
	seedContractSQL = `INSERT INTO contracts (provider_id, commissioner, region, start_date, end_date, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?)`
	seedContractServiceSQL = `INSERT INTO contract_services (contract_id, service_id) VALUES (?, ?)`
	seedTeamSQL            = `INSERT INTO teams (provider_id, service_id, name, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`
	seedSiteSQL            = `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`
	seedHubSQL     = `INSERT INTO hubs (provider_id, name, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)`
	seedHubSiteSQL = `INSERT INTO hub_sites (hub_id, site_id) VALUES (?, ?)`
	seedPartnerSQL = `INSERT INTO partners (provider_id, name, ods_code, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`
	seedAgencySQL  = `INSERT INTO agencies (provider_id, name, type, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`
)

// invalid wraps a validation error with the record it is about, so a typo
// in seed data names the record and the field.
func invalid(what, name string, err error) error {
	return fmt.Errorf("%s %q: %w (%v)", what, name, err, liaise.ErrorFields(err))
}

// provider writes one provider's records through the same validators the
// admin pages use, so seeded data is stored exactly as typed-in data would be
// (ODS codes in capitals, opening hours in canonical form).
func (l *seedLoader) provider(ctx context.Context, ps ProviderSeed) error {
	tx, now := l.tx, l.tx.Now
	p := liaise.Provider{Name: ps.Name, ODSCode: ps.ODSCode}
	if err := ValidateProvider(&p); err != nil {
		return invalid("provider", ps.Name, err)
	}
	pid, err := tx.InsertID(ctx, seedProviderSQL, p.Name, p.ODSCode, now, now)
	if err != nil {
		return err
	}
	l.c.Providers++
	if err := l.audit(ctx, "provider", pid, pid, 0); err != nil {
		return err
	}

	services := map[string]int64{}
	for _, ss := range ps.Services {
		s := liaise.Service{ProviderID: pid, Name: ss.Name, Type: ss.Type}
		if err := ValidateService(&s); err != nil {
			return invalid("service", ss.Name, err)
		}
		id, err := tx.InsertID(ctx, seedServiceSQL, pid, s.Name, s.Type, now, now)
		if err != nil {
			return fmt.Errorf("service %q: %w", s.Name, err)
		}
		services[ss.Name] = id
		l.c.Services++
		if err := l.audit(ctx, "service", id, pid, 0); err != nil {
			return err
		}
	}

	for _, cs := range ps.Contracts {
		k := liaise.Contract{ProviderID: pid, Commissioner: cs.Commissioner, Region: cs.Region, StartDate: cs.Start, EndDate: cs.End}
		for _, name := range cs.Services {
			sid, ok := services[name]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "contract %q names service %q, which this provider does not have", cs.Region, name)
			}
			k.ServiceIDs = append(k.ServiceIDs, sid)
		}
		if err := ValidateContract(&k); err != nil {
			return invalid("contract", cs.Region, err)
		}
		id, err := tx.InsertID(ctx, seedContractSQL, pid, k.Commissioner, k.Region, k.StartDate, k.EndDate, now, now)
		if err != nil {
			return fmt.Errorf("contract %q: %w", k.Region, err)
		}
		for _, sid := range k.ServiceIDs {
			if _, err := tx.Exec(ctx, seedContractServiceSQL, id, sid); err != nil {
				return err
			}
		}
		l.c.Contracts++
		if err := l.audit(ctx, "contract", id, pid, 0); err != nil {
			return err
		}
	}

	teams := map[string]int64{}
	for _, ts := range ps.Teams {
		sid, ok := services[ts.Service]
		if !ok {
			return liaise.Errorf(liaise.EINVALID, "team %q names service %q, which this provider does not have", ts.Name, ts.Service)
		}
		t := liaise.Team{ProviderID: pid, ServiceID: sid, Name: ts.Name}
		if err := ValidateTeam(&t); err != nil {
			return invalid("team", ts.Name, err)
		}
		id, err := tx.InsertID(ctx, seedTeamSQL, pid, sid, t.Name, now, now)
		if err != nil {
			return fmt.Errorf("team %q: %w", t.Name, err)
		}
		teams[ts.Name] = id
		l.c.Teams++
		if err := l.audit(ctx, "team", id, pid, id); err != nil {
			return err
		}
	}

	sites := map[string]int64{}
	for _, ss := range ps.Sites {
		s := liaise.Site{ProviderID: pid, Name: ss.Name, Type: ss.Type, ActLocType: ss.ActLocType, Hours: ss.Hours}
		var team any
		if ss.Team != "" {
			id, ok := teams[ss.Team]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "site %q names team %q, which this provider does not have", ss.Name, ss.Team)
			}
			s.TeamID, team = id, id
		}
		if err := ValidateSite(&s); err != nil {
			return invalid("site", ss.Name, err)
		}
		id, err := tx.InsertID(ctx, seedSiteSQL, pid, team, s.Name, s.Type, s.ActLocType, s.Hours, now, now)
		if err != nil {
			return fmt.Errorf("site %q: %w", s.Name, err)
		}
		sites[ss.Name] = id
		l.c.Sites++
		if err := l.audit(ctx, "site", id, pid, s.TeamID); err != nil {
			return err
		}
	}

	for _, hs := range ps.Hubs {
		h := liaise.Hub{ProviderID: pid, Name: hs.Name}
		for _, name := range hs.Sites {
			sid, ok := sites[name]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "hub %q names site %q, which this provider does not have", hs.Name, name)
			}
			h.SiteIDs = append(h.SiteIDs, sid)
		}
		if err := ValidateHub(&h); err != nil {
			return invalid("hub", hs.Name, err)
		}
		id, err := tx.InsertID(ctx, seedHubSQL, pid, h.Name, now, now)
		if err != nil {
			return fmt.Errorf("hub %q: %w", h.Name, err)
		}
		for _, sid := range h.SiteIDs {
			if _, err := tx.Exec(ctx, seedHubSiteSQL, id, sid); err != nil {
				return err
			}
		}
		l.c.Hubs++
		if err := l.audit(ctx, "hub", id, pid, 0); err != nil {
			return err
		}
	}

	partners := map[string]int64{}
	for _, pts := range ps.Partners {
		pt := liaise.Partner{ProviderID: pid, Name: pts.Name, ODSCode: pts.ODSCode}
		if err := ValidatePartner(&pt); err != nil {
			return invalid("partner", pts.Name, err)
		}
		id, err := tx.InsertID(ctx, seedPartnerSQL, pid, pt.Name, pt.ODSCode, now, now)
		if err != nil {
			return fmt.Errorf("partner %q: %w", pt.Name, err)
		}
		partners[pts.Name] = id
		l.c.Partners++
		if err := l.audit(ctx, "partner", id, pid, 0); err != nil {
			return err
		}
	}

	for _, as := range ps.Agencies {
		g := liaise.Agency{ProviderID: pid, Name: as.Name, Type: as.Type}
		if err := ValidateAgency(&g); err != nil {
			return invalid("agency", as.Name, err)
		}
		id, err := tx.InsertID(ctx, seedAgencySQL, pid, g.Name, g.Type, now, now)
		if err != nil {
			return fmt.Errorf("agency %q: %w", g.Name, err)
		}
		l.c.Agencies++
		if err := l.audit(ctx, "agency", id, pid, 0); err != nil {
			return err
		}
	}

	users := map[string]int64{}
	for _, us := range ps.Users {
		u := &liaise.User{ProviderID: pid, Username: us.Username, DisplayName: us.DisplayName, Email: us.Email, RoleCode: us.Role, Demo: us.Demo}
		if us.Partner != "" {
			id, ok := partners[us.Partner]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "user %q names partner %q, which this provider does not have", us.Username, us.Partner)
			}
			u.PartnerID = id
		}
		for _, name := range us.Teams {
			id, ok := teams[name]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "user %q names team %q, which this provider does not have", us.Username, name)
			}
			u.Memberships = append(u.Memberships, liaise.Membership{TeamID: id, TeamName: name})
		}
		if err := ValidateUser(u); err != nil {
			return invalid("user", us.Username, err)
		}
		if err := insertUser(ctx, tx, u, us.PasswordHash, false); err != nil {
			return fmt.Errorf("user %q: %w", us.Username, err)
		}
		users[u.Username] = u.ID
		l.c.Users++
		l.c.Memberships += len(u.Memberships)
		if err := l.audit(ctx, "user", u.ID, pid, 0); err != nil {
			return err
		}
	}
	return l.people(ctx, pid, teams, users, ps.People)
}
