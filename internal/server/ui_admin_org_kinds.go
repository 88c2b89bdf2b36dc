package server

import (
	"context"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// The organisation record kinds of the admin pages: how each is listed,
// which form fields it has, and which choices its form offers.

// orgChoices holds the options the organisation forms offer; each form uses
// the ones it needs.
type orgChoices struct {
	ServiceTypes []Option
	Services     []Option
	SiteTypes    []Option
	ActLocTypes  []Option
	Teams        []Option
	Sites        []Option
	AgencyTypes  []Option
}

// orgStore is how one kind of organisation record is read and written,
// shared by the admin pages and the API: the store's methods, called with
// the server's DB, and access to the record's id and version.
type orgStore[T any] struct {
	list   func(db *sqlstore.DB, ctx context.Context, provider int64) ([]T, error)
	get    func(db *sqlstore.DB, ctx context.Context, id int64) (T, error)
	create func(db *sqlstore.DB, ctx context.Context, x *T) error
	update func(db *sqlstore.DB, ctx context.Context, x *T) error
	ident  func(x *T) (*int64, *int)
}

var (
	contractStore = orgStore[liaise.Contract]{(*sqlstore.DB).ListContracts, (*sqlstore.DB).GetContract, (*sqlstore.DB).CreateContract, (*sqlstore.DB).UpdateContract,
		func(x *liaise.Contract) (*int64, *int) { return &x.ID, &x.Version }}
	serviceStore = orgStore[liaise.Service]{(*sqlstore.DB).ListServices, (*sqlstore.DB).GetService, (*sqlstore.DB).CreateService, (*sqlstore.DB).UpdateService,
		func(x *liaise.Service) (*int64, *int) { return &x.ID, &x.Version }}
	teamStore = orgStore[liaise.Team]{(*sqlstore.DB).ListTeams, (*sqlstore.DB).GetTeam, (*sqlstore.DB).CreateTeam, (*sqlstore.DB).UpdateTeam,
		func(x *liaise.Team) (*int64, *int) { return &x.ID, &x.Version }}
	siteStore = orgStore[liaise.Site]{(*sqlstore.DB).ListSites, (*sqlstore.DB).GetSite, (*sqlstore.DB).CreateSite, (*sqlstore.DB).UpdateSite,
		func(x *liaise.Site) (*int64, *int) { return &x.ID, &x.Version }}
	hubStore = orgStore[liaise.Hub]{(*sqlstore.DB).ListHubs, (*sqlstore.DB).GetHub, (*sqlstore.DB).CreateHub, (*sqlstore.DB).UpdateHub,
		func(x *liaise.Hub) (*int64, *int) { return &x.ID, &x.Version }}
	partnerStore = orgStore[liaise.Partner]{(*sqlstore.DB).ListPartners, (*sqlstore.DB).GetPartner, (*sqlstore.DB).CreatePartner, (*sqlstore.DB).UpdatePartner,
		func(x *liaise.Partner) (*int64, *int) { return &x.ID, &x.Version }}
	agencyStore = orgStore[liaise.Agency]{(*sqlstore.DB).ListAgencies, (*sqlstore.DB).GetAgency, (*sqlstore.DB).CreateAgency, (*sqlstore.DB).UpdateAgency,
		func(x *liaise.Agency) (*int64, *int) { return &x.ID, &x.Version }}
)

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func editHref(path string, id int64) string {
	return "/admin/" + path + "/" + strconv.FormatInt(id, 10)
}

// dateText shows a date the NHS way: 1 April 2025.
func dateText(d liaise.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2 January 2006")
}

// hoursText describes stored opening hours in plain words.
func hoursText(s string) string {
	h, err := liaise.ParseHours(s)
	if err != nil {
		return s
	}
	return h.Describe()
}

// orgOptions lists one kind of record as form options (labelled by label)
// and maps their ids to names, for tables that show linked records.
func orgOptions[T any](ctx context.Context, s *Server, st orgStore[T], name, label func(T) string) ([]Option, map[int64]string, []T, error) {
	list, err := st.list(s.DB, ctx, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := make([]Option, len(list))
	names := map[int64]string{}
	for i, x := range list {
		id, _ := st.ident(&x)
		opts[i] = Option{Value: idText(*id), Label: label(x)}
		names[*id] = name(x)
	}
	return opts, names, list, nil
}

func serviceOptions(ctx context.Context, s *Server) ([]Option, map[int64]string, error) {
	name := func(x liaise.Service) string { return x.Name }
	opts, names, _, err := orgOptions(ctx, s, serviceStore, name, name)
	return opts, names, err
}

func teamOptions(ctx context.Context, s *Server) ([]Option, map[int64]string, error) {
	name := func(x liaise.Team) string { return x.Name }
	opts, names, _, err := orgOptions(ctx, s, teamStore, name, name)
	return opts, names, err
}

func siteOptions(ctx context.Context, s *Server) ([]Option, map[int64]string, []liaise.Site, error) {
	return orgOptions(ctx, s, siteStore, func(x liaise.Site) string { return x.Name },
		func(x liaise.Site) string { return x.Name + " (" + liaise.SiteTypeLabel(x.Type) + ")" })
}

func namesOf(ids []int64, names map[int64]string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, names[id])
	}
	return out
}

func noneIfEmpty(lines []string) []string {
	if len(lines) == 0 {
		return []string{"None"}
	}
	return lines
}

func contractKind() orgKind[liaise.Contract] {
	return orgKind[liaise.Contract]{
		path: "contracts", one: "contract", title: "Commissioning contracts", add: "Add a contract", page: "admin_org_contract",
		orgStore: contractStore,
		intro:    "The contracts under which your services are commissioned: who commissions them, the region, the dates and the services each covers.",
		fields:   []string{"commissioner", "region", "start_date", "end_date", "service_ids"},
		columns:  []string{"Region", "Commissioner", "Runs", "Services covered"},
		rows: func(ctx context.Context, s *Server, list []liaise.Contract) ([]orgRow, error) {
			_, services, err := serviceOptions(ctx, s)
			if err != nil {
				return nil, err
			}
			rows := make([]orgRow, len(list))
			for i, c := range list {
				rows[i] = orgRow{Name: c.Region, Href: editHref("contracts", c.ID), Cells: [][]string{
					{c.Commissioner}, {dateText(c.StartDate) + " to " + dateText(c.EndDate)}, noneIfEmpty(namesOf(c.ServiceIDs, services))}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidateContract,
		fill: func(f *Form, c liaise.Contract) {
			f.Set("commissioner", c.Commissioner)
			f.Set("region", c.Region)
			setFormDate(f, "start_date", c.StartDate)
			setFormDate(f, "end_date", c.EndDate)
			setFormIDs(f, "service_ids", c.ServiceIDs)
		},
		parse: func(f *Form, c *liaise.Contract) {
			c.Commissioner = f.Get("commissioner")
			c.Region = f.Get("region")
			c.StartDate = formDate(f, "start_date", "Start date")
			c.EndDate = formDate(f, "end_date", "End date")
			c.ServiceIDs = formIDs(f, "service_ids")
		},
		choices: func(ctx context.Context, s *Server) (any, error) {
			opts, _, err := serviceOptions(ctx, s)
			return orgChoices{Services: opts}, err
		},
		name: func(c liaise.Contract) string { return c.Region + " (" + c.Commissioner + ")" },
	}
}

func serviceKind() orgKind[liaise.Service] {
	types := make([]Option, len(liaise.ServiceTypes))
	for i, t := range liaise.ServiceTypes {
		types[i] = Option{Value: t.Code, Label: t.Label}
	}
	return orgKind[liaise.Service]{
		path: "services", one: "service", title: "Services", add: "Add a service", page: "admin_org_service",
		orgStore: serviceStore,
		intro:    "Your Liaison and Diversion and RECONNECT services. Each service has one or more teams.",
		fields:   []string{"name", "type"},
		columns:  []string{"Name", "Programme", "Teams"},
		rows: func(ctx context.Context, s *Server, list []liaise.Service) ([]orgRow, error) {
			teams, err := s.DB.ListTeams(ctx, 0)
			if err != nil {
				return nil, err
			}
			rows := make([]orgRow, len(list))
			for i, x := range list {
				var names []string
				for _, t := range teams {
					if t.ServiceID == x.ID {
						names = append(names, t.Name)
					}
				}
				rows[i] = orgRow{Name: x.Name, Href: editHref("services", x.ID), Cells: [][]string{{liaise.ServiceTypeLabel(x.Type)}, noneIfEmpty(names)}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidateService,
		fill: func(f *Form, x liaise.Service) {
			f.Set("name", x.Name)
			f.Set("type", x.Type)
		},
		parse: func(f *Form, x *liaise.Service) {
			x.Name = f.Get("name")
			x.Type = f.Get("type")
		},
		choices: func(context.Context, *Server) (any, error) { return orgChoices{ServiceTypes: types}, nil },
		name:    func(x liaise.Service) string { return x.Name },
	}
}

func teamKind() orgKind[liaise.Team] {
	return orgKind[liaise.Team]{
		path: "teams", one: "team", title: "Teams", add: "Add a team", page: "admin_org_team",
		orgStore: teamStore,
		intro:    "The teams within your services. Staff see the caseloads of the teams they belong to; you add staff to teams on their account.",
		fields:   []string{"name", "service_id"},
		columns:  []string{"Name", "Service", "Sites"},
		rows: func(ctx context.Context, s *Server, list []liaise.Team) ([]orgRow, error) {
			_, services, err := serviceOptions(ctx, s)
			if err != nil {
				return nil, err
			}
			_, _, sites, err := siteOptions(ctx, s)
			if err != nil {
				return nil, err
			}
			rows := make([]orgRow, len(list))
			for i, x := range list {
				var names []string
				for _, st := range sites {
					if st.TeamID == x.ID {
						names = append(names, st.Name)
					}
				}
				rows[i] = orgRow{Name: x.Name, Href: editHref("teams", x.ID), Cells: [][]string{{services[x.ServiceID]}, noneIfEmpty(names)}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidateTeam,
		fill: func(f *Form, x liaise.Team) {
			f.Set("name", x.Name)
			f.Set("service_id", idText(x.ServiceID))
		},
		parse: func(f *Form, x *liaise.Team) {
			x.Name = f.Get("name")
			x.ServiceID = f.Int64("service_id")
		},
		choices: func(ctx context.Context, s *Server) (any, error) {
			opts, _, err := serviceOptions(ctx, s)
			return orgChoices{Services: opts}, err
		},
		name: func(x liaise.Team) string { return x.Name },
	}
}

func siteKind() orgKind[liaise.Site] {
	types := make([]Option, len(liaise.SiteTypes))
	for i, t := range liaise.SiteTypes {
		types[i] = Option{Value: t.Code, Label: t.Label}
	}
	actLoc := make([]Option, len(liaise.ActivityLocationTypes))
	for i, t := range liaise.ActivityLocationTypes {
		actLoc[i] = Option{Value: t.Code, Label: t.Code + " – " + t.Label}
	}
	return orgKind[liaise.Site]{
		path: "sites", one: "site", title: "Sites", add: "Add a site", page: "admin_org_site",
		orgStore: siteStore,
		intro:    "The custody suites, courts, prisons and other places your teams work. Work that arrives when a site is closed is queued for when it next opens.",
		fields:   []string{"name", "type", "team_id", "hours", "act_loc_type"},
		columns:  []string{"Name", "Type", "Team", "Opening hours"},
		rows: func(ctx context.Context, s *Server, list []liaise.Site) ([]orgRow, error) {
			_, teams, err := teamOptions(ctx, s)
			if err != nil {
				return nil, err
			}
			rows := make([]orgRow, len(list))
			for i, x := range list {
				team := "None"
				if x.TeamID != 0 {
					team = teams[x.TeamID]
				}
				rows[i] = orgRow{Name: x.Name, Href: editHref("sites", x.ID), Cells: [][]string{{liaise.SiteTypeLabel(x.Type)}, {team}, {hoursText(x.Hours)}}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidateSite,
		fill: func(f *Form, x liaise.Site) {
			f.Set("name", x.Name)
			f.Set("type", x.Type)
			f.Set("team_id", idText(x.TeamID))
			f.Set("hours", x.Hours)
			f.Set("act_loc_type", x.ActLocType)
		},
		parse: func(f *Form, x *liaise.Site) {
			x.Name = f.Get("name")
			x.Type = f.Get("type")
			x.TeamID = f.Int64("team_id")
			x.Hours = f.Get("hours")
			x.ActLocType = f.Get("act_loc_type")
		},
		choices: func(ctx context.Context, s *Server) (any, error) {
			teams, _, err := teamOptions(ctx, s)
			return orgChoices{SiteTypes: types, ActLocTypes: actLoc, Teams: teams}, err
		},
		name: func(x liaise.Site) string { return x.Name },
	}
}

func hubKind() orgKind[liaise.Hub] {
	return orgKind[liaise.Hub]{
		path: "hubs", one: "hub", title: "Hubs", add: "Add a hub", page: "admin_org_hub",
		orgStore: hubStore,
		intro:    "Hubs group sites that are covered from one base, such as the custody suites and courts of one area.",
		fields:   []string{"name", "site_ids"},
		columns:  []string{"Name", "Sites covered"},
		rows: func(ctx context.Context, s *Server, list []liaise.Hub) ([]orgRow, error) {
			_, sites, _, err := siteOptions(ctx, s)
			if err != nil {
				return nil, err
			}
			rows := make([]orgRow, len(list))
			for i, x := range list {
				rows[i] = orgRow{Name: x.Name, Href: editHref("hubs", x.ID), Cells: [][]string{noneIfEmpty(namesOf(x.SiteIDs, sites))}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidateHub,
		fill: func(f *Form, x liaise.Hub) {
			f.Set("name", x.Name)
			setFormIDs(f, "site_ids", x.SiteIDs)
		},
		parse: func(f *Form, x *liaise.Hub) {
			x.Name = f.Get("name")
			x.SiteIDs = formIDs(f, "site_ids")
		},
		choices: func(ctx context.Context, s *Server) (any, error) {
			opts, _, _, err := siteOptions(ctx, s)
			return orgChoices{Sites: opts}, err
		},
		name: func(x liaise.Hub) string { return x.Name },
	}
}

func partnerKind() orgKind[liaise.Partner] {
	return orgKind[liaise.Partner]{
		path: "partners", one: "partner organisation", title: "Partner organisations", add: "Add a partner organisation", page: "admin_org_partner",
		orgStore: partnerStore,
		intro:    "Organisations that employ some of your staff, such as a charity employing peer support workers. You choose a partner organisation on a staff member's account.",
		fields:   []string{"name", "ods_code"},
		columns:  []string{"Name", "ODS code"},
		rows: func(ctx context.Context, s *Server, list []liaise.Partner) ([]orgRow, error) {
			rows := make([]orgRow, len(list))
			for i, x := range list {
				code := x.ODSCode
				if code == "" {
					code = "None"
				}
				rows[i] = orgRow{Name: x.Name, Href: editHref("partners", x.ID), Cells: [][]string{{code}}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidatePartner,
		fill: func(f *Form, x liaise.Partner) {
			f.Set("name", x.Name)
			f.Set("ods_code", x.ODSCode)
		},
		parse: func(f *Form, x *liaise.Partner) {
			x.Name = f.Get("name")
			x.ODSCode = f.Get("ods_code")
		},
		choices: func(context.Context, *Server) (any, error) { return orgChoices{}, nil },
		name:    func(x liaise.Partner) string { return x.Name },
	}
}

func agencyKind() orgKind[liaise.Agency] {
	types := make([]Option, len(liaise.AgencyTypes))
	for i, t := range liaise.AgencyTypes {
		types[i] = Option{Value: t.Code, Label: t.Label}
	}
	return orgKind[liaise.Agency]{
		path: "agencies", one: "agency", title: "Outside agencies", add: "Add an agency", page: "admin_org_agency",
		orgStore: agencyStore,
		intro:    "Police forces, custody healthcare providers, courts, the Crown Prosecution Service, probation, youth justice services and others who refer people to you or receive information from you.",
		fields:   []string{"name", "type"},
		columns:  []string{"Name", "Type"},
		rows: func(ctx context.Context, s *Server, list []liaise.Agency) ([]orgRow, error) {
			rows := make([]orgRow, len(list))
			for i, x := range list {
				rows[i] = orgRow{Name: x.Name, Href: editHref("agencies", x.ID), Cells: [][]string{{liaise.AgencyTypeLabel(x.Type)}}}
			}
			return rows, nil
		},
		validate: sqlstore.ValidateAgency,
		fill: func(f *Form, x liaise.Agency) {
			f.Set("name", x.Name)
			f.Set("type", x.Type)
		},
		parse: func(f *Form, x *liaise.Agency) {
			x.Name = f.Get("name")
			x.Type = f.Get("type")
		},
		choices: func(context.Context, *Server) (any, error) { return orgChoices{AgencyTypes: types}, nil },
		name:    func(x liaise.Agency) string { return x.Name },
	}
}
