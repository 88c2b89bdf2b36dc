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

func serviceOptions(ctx context.Context, s *Server) ([]Option, map[int64]string, error) {
	list, err := s.DB.ListServices(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	opts := make([]Option, len(list))
	names := map[int64]string{}
	for i, x := range list {
		opts[i] = Option{Value: idText(x.ID), Label: x.Name}
		names[x.ID] = x.Name
	}
	return opts, names, nil
}

func teamOptions(ctx context.Context, s *Server) ([]Option, map[int64]string, error) {
	list, err := s.DB.ListTeams(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	opts := make([]Option, len(list))
	names := map[int64]string{}
	for i, x := range list {
		opts[i] = Option{Value: idText(x.ID), Label: x.Name}
		names[x.ID] = x.Name
	}
	return opts, names, nil
}

func siteOptions(ctx context.Context, s *Server) ([]Option, map[int64]string, []liaise.Site, error) {
	list, err := s.DB.ListSites(ctx, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := make([]Option, len(list))
	names := map[int64]string{}
	for i, x := range list {
		opts[i] = Option{Value: idText(x.ID), Label: x.Name + " (" + liaise.SiteTypeLabel(x.Type) + ")"}
		names[x.ID] = x.Name
	}
	return opts, names, list, nil
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
		intro:   "The contracts under which your services are commissioned: who commissions them, the region, the dates and the services each covers.",
		fields:  []string{"commissioner", "region", "start_date", "end_date", "service_ids"},
		columns: []string{"Region", "Commissioner", "Runs", "Services covered"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListContracts(ctx, 0)
			if err != nil {
				return nil, err
			}
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
		get: func(ctx context.Context, s *Server, id int64) (liaise.Contract, error) {
			return s.DB.GetContract(ctx, id)
		},
		create:   func(ctx context.Context, s *Server, x *liaise.Contract) error { return s.DB.CreateContract(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Contract) error { return s.DB.UpdateContract(ctx, x) },
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
		name:  func(c liaise.Contract) string { return c.Region + " (" + c.Commissioner + ")" },
		ident: func(c *liaise.Contract) (*int64, *int) { return &c.ID, &c.Version },
	}
}

func serviceKind() orgKind[liaise.Service] {
	types := make([]Option, len(liaise.ServiceTypes))
	for i, t := range liaise.ServiceTypes {
		types[i] = Option{Value: t.Code, Label: t.Label}
	}
	return orgKind[liaise.Service]{
		path: "services", one: "service", title: "Services", add: "Add a service", page: "admin_org_service",
		intro:   "Your Liaison and Diversion and RECONNECT services. Each service has one or more teams.",
		fields:  []string{"name", "type"},
		columns: []string{"Name", "Programme", "Teams"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListServices(ctx, 0)
			if err != nil {
				return nil, err
			}
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
		get: func(ctx context.Context, s *Server, id int64) (liaise.Service, error) {
			return s.DB.GetService(ctx, id)
		},
		create:   func(ctx context.Context, s *Server, x *liaise.Service) error { return s.DB.CreateService(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Service) error { return s.DB.UpdateService(ctx, x) },
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
		ident:   func(x *liaise.Service) (*int64, *int) { return &x.ID, &x.Version },
	}
}

func teamKind() orgKind[liaise.Team] {
	return orgKind[liaise.Team]{
		path: "teams", one: "team", title: "Teams", add: "Add a team", page: "admin_org_team",
		intro:   "The teams within your services. Staff see the caseloads of the teams they belong to; you add staff to teams on their account.",
		fields:  []string{"name", "service_id"},
		columns: []string{"Name", "Service", "Sites"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListTeams(ctx, 0)
			if err != nil {
				return nil, err
			}
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
		get:      func(ctx context.Context, s *Server, id int64) (liaise.Team, error) { return s.DB.GetTeam(ctx, id) },
		create:   func(ctx context.Context, s *Server, x *liaise.Team) error { return s.DB.CreateTeam(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Team) error { return s.DB.UpdateTeam(ctx, x) },
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
		name:  func(x liaise.Team) string { return x.Name },
		ident: func(x *liaise.Team) (*int64, *int) { return &x.ID, &x.Version },
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
		intro:   "The custody suites, courts, prisons and other places your teams work. Work that arrives when a site is closed is queued for when it next opens.",
		fields:  []string{"name", "type", "team_id", "hours", "act_loc_type"},
		columns: []string{"Name", "Type", "Team", "Opening hours"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListSites(ctx, 0)
			if err != nil {
				return nil, err
			}
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
		get:      func(ctx context.Context, s *Server, id int64) (liaise.Site, error) { return s.DB.GetSite(ctx, id) },
		create:   func(ctx context.Context, s *Server, x *liaise.Site) error { return s.DB.CreateSite(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Site) error { return s.DB.UpdateSite(ctx, x) },
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
		name:  func(x liaise.Site) string { return x.Name },
		ident: func(x *liaise.Site) (*int64, *int) { return &x.ID, &x.Version },
	}
}

func hubKind() orgKind[liaise.Hub] {
	return orgKind[liaise.Hub]{
		path: "hubs", one: "hub", title: "Hubs", add: "Add a hub", page: "admin_org_hub",
		intro:   "Hubs group sites that are covered from one base, such as the custody suites and courts of one area.",
		fields:  []string{"name", "site_ids"},
		columns: []string{"Name", "Sites covered"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListHubs(ctx, 0)
			if err != nil {
				return nil, err
			}
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
		get:      func(ctx context.Context, s *Server, id int64) (liaise.Hub, error) { return s.DB.GetHub(ctx, id) },
		create:   func(ctx context.Context, s *Server, x *liaise.Hub) error { return s.DB.CreateHub(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Hub) error { return s.DB.UpdateHub(ctx, x) },
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
		name:  func(x liaise.Hub) string { return x.Name },
		ident: func(x *liaise.Hub) (*int64, *int) { return &x.ID, &x.Version },
	}
}

func partnerKind() orgKind[liaise.Partner] {
	return orgKind[liaise.Partner]{
		path: "partners", one: "partner organisation", title: "Partner organisations", add: "Add a partner organisation", page: "admin_org_partner",
		intro:   "Organisations that employ some of your staff, such as a charity employing peer support workers. You choose a partner organisation on a staff member's account.",
		fields:  []string{"name", "ods_code"},
		columns: []string{"Name", "ODS code"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListPartners(ctx, 0)
			if err != nil {
				return nil, err
			}
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
		get: func(ctx context.Context, s *Server, id int64) (liaise.Partner, error) {
			return s.DB.GetPartner(ctx, id)
		},
		create:   func(ctx context.Context, s *Server, x *liaise.Partner) error { return s.DB.CreatePartner(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Partner) error { return s.DB.UpdatePartner(ctx, x) },
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
		ident:   func(x *liaise.Partner) (*int64, *int) { return &x.ID, &x.Version },
	}
}

func agencyKind() orgKind[liaise.Agency] {
	types := make([]Option, len(liaise.AgencyTypes))
	for i, t := range liaise.AgencyTypes {
		types[i] = Option{Value: t.Code, Label: t.Label}
	}
	return orgKind[liaise.Agency]{
		path: "agencies", one: "agency", title: "Outside agencies", add: "Add an agency", page: "admin_org_agency",
		intro:   "Police forces, custody healthcare providers, courts, the Crown Prosecution Service, probation, youth justice services and others who refer people to you or receive information from you.",
		fields:  []string{"name", "type"},
		columns: []string{"Name", "Type"},
		rows: func(ctx context.Context, s *Server) ([]orgRow, error) {
			list, err := s.DB.ListAgencies(ctx, 0)
			if err != nil {
				return nil, err
			}
			rows := make([]orgRow, len(list))
			for i, x := range list {
				rows[i] = orgRow{Name: x.Name, Href: editHref("agencies", x.ID), Cells: [][]string{{liaise.AgencyTypeLabel(x.Type)}}}
			}
			return rows, nil
		},
		get:      func(ctx context.Context, s *Server, id int64) (liaise.Agency, error) { return s.DB.GetAgency(ctx, id) },
		create:   func(ctx context.Context, s *Server, x *liaise.Agency) error { return s.DB.CreateAgency(ctx, x) },
		update:   func(ctx context.Context, s *Server, x *liaise.Agency) error { return s.DB.UpdateAgency(ctx, x) },
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
		ident:   func(x *liaise.Agency) (*int64, *int) { return &x.ID, &x.Version },
	}
}
