package server

import (
	"net/http"
	"slices"
	"strconv"

	"liaise"
)

// The organisation model in the JSON API. Reads need CapOrgRead (every role
// has it: integrations look up teams and sites); writes need CapOrgManage.
// Bodies hold ids as strings and dates as YYYY-MM-DD; a POST body must have
// the fields the record needs, a PATCH body only the fields to change.

func (s *Server) orgAPIRoutes() []Route {
	return slices.Concat(
		[]Route{
			{Method: "GET", Pattern: "/api/v1/provider", Cap: liaise.CapOrgRead, Config: true, Handler: s.apiGetProvider,
				Summary: "Your own provider organisation; its version is the ETag", Response: liaise.Provider{}},
			{Method: "PATCH", Pattern: "/api/v1/provider", Cap: liaise.CapOrgManage, Config: true, Handler: s.apiPatchProvider,
				Summary: "Change your provider organisation's name or ODS code", Request: providerBody{}, Response: liaise.Provider{}},
		},
		orgAPIRoutes(s, contractAPI()),
		orgAPIRoutes(s, serviceAPI()),
		orgAPIRoutes(s, teamAPI()),
		orgAPIRoutes(s, siteAPI()),
		orgAPIRoutes(s, hubAPI()),
		orgAPIRoutes(s, partnerAPI()),
		orgAPIRoutes(s, agencyAPI()),
	)
}

// orgAPI describes one kind of organisation record for the API. B is the
// request body: pointer fields, so a PATCH changes only what it sends.
type orgAPI[T any, B any] struct {
	orgStore[T]
	path   string           // /api/v1/{path}
	plural string           // "commissioning contracts", for summaries
	one    string           // "contract"
	post   string           // summary of POST: which fields are needed
	items  func(xs []T) any // the list response
	apply  func(x *T, b B) error
	out    func(x T) any
	// fields renames the domain's field ids (the form's) to the API's names.
	fields map[string]string
	// Examples for the OpenAPI document.
	listExample, itemExample any
}

func orgAPIRoutes[T, B any](s *Server, k orgAPI[T, B]) []Route {
	base := "/api/v1/" + k.path
	var body B
	return []Route{
		{Method: "GET", Pattern: base, Cap: liaise.CapOrgRead, Config: true, Handler: orgAPIList(s, k),
			Summary: "Your provider's " + k.plural, Response: k.listExample},
		{Method: "POST", Pattern: base, Cap: liaise.CapOrgManage, Config: true, Handler: orgAPICreate(s, k), Status: http.StatusCreated,
			Summary: k.post, Request: body, Response: k.itemExample},
		{Method: "GET", Pattern: base + "/{id}", Cap: liaise.CapOrgRead, Config: true, Handler: orgAPIGet(s, k),
			Summary: "One " + k.one + "; its version is the ETag", Response: k.itemExample},
		{Method: "PATCH", Pattern: base + "/{id}", Cap: liaise.CapOrgManage, Config: true, Handler: orgAPIPatch(s, k),
			Summary: "Change a " + k.one + "; send only the fields to change, with If-Match", Request: body, Response: k.itemExample},
	}
}

func orgAPIList[T, B any](s *Server, k orgAPI[T, B]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		xs, err := k.list(s.DB, r.Context(), 0)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, k.items(xs))
	}
}

func orgAPIGet[T, B any](s *Server, k orgAPI[T, B]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		x, err := k.get(s.DB, r.Context(), id)
		if err != nil {
			return err
		}
		_, version := k.ident(&x)
		setETag(w, *version)
		return writeJSON(w, http.StatusOK, k.out(x))
	}
}

func orgAPICreate[T, B any](s *Server, k orgAPI[T, B]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b B
		if err := readJSON(r, &b); err != nil {
			return err
		}
		var x T
		if err := k.apply(&x, b); err != nil {
			return err
		}
		if err := k.create(s.DB, r.Context(), &x); err != nil {
			return apiFieldNames(err, k.fields)
		}
		id, version := k.ident(&x)
		return writeCreated(w, "/api/v1/"+k.path+"/"+strconv.FormatInt(*id, 10), *version, k.out(x))
	}
}

func orgAPIPatch[T, B any](s *Server, k orgAPI[T, B]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b B
		id, version, err := readPatch(r, &b)
		if err != nil {
			return err
		}
		x, err := k.get(s.DB, r.Context(), id)
		if err != nil {
			return err
		}
		if err := k.apply(&x, b); err != nil {
			return err
		}
		// The change is based on the version the client read, not the one
		// just loaded: a concurrent change in between makes it stale.
		_, v := k.ident(&x)
		*v = version
		if err := k.update(s.DB, r.Context(), &x); err != nil {
			return apiFieldNames(err, k.fields)
		}
		setETag(w, *v)
		return writeJSON(w, http.StatusOK, k.out(x))
	}
}

// --- Provider --------------------------------------------------------------

// providerBody changes the provider's details.
type providerBody struct {
	Name    *string `json:"name"`
	ODSCode *string `json:"ods_code"`
}

func (s *Server) apiGetProvider(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	p, err := s.DB.GetProvider(r.Context(), a.ProviderID)
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiPatchProvider(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b providerBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	p, err := s.DB.GetProvider(r.Context(), a.ProviderID)
	if err != nil {
		return err
	}
	setStr(&p.Name, b.Name)
	setStr(&p.ODSCode, b.ODSCode)
	p.Version = version
	if err := s.DB.UpdateProvider(r.Context(), &p); err != nil {
		return err
	}
	setETag(w, p.Version)
	return writeJSON(w, http.StatusOK, p)
}

// --- Body helpers ------------------------------------------------------------

// apiFieldNames renames the field errors of a validation error where the
// API's JSON names differ from the form's field ids.
func apiFieldNames(err error, names map[string]string) error {
	fields := liaise.ErrorFields(err)
	if len(names) == 0 || len(fields) == 0 {
		return err
	}
	out := &liaise.Error{Code: liaise.ErrorCode(err), Message: liaise.ErrorMessage(err), Fields: map[string]string{}}
	for k, v := range fields {
		if n, ok := names[k]; ok {
			k = n
		}
		out.Fields[k] = v
	}
	return out
}

func setStr(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func bodyInvalid(field, msg string) error {
	return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was sent.", Fields: map[string]string{field: msg}}
}

// bodyID reads a string id; "" is no id (for optional links).
func bodyID(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, bodyInvalid(field, "must be an id (a string of digits)")
	}
	return id, nil
}

func bodyIDs(field string, ss []string) ([]int64, error) {
	out := make([]int64, 0, len(ss))
	for _, s := range ss {
		id, err := bodyID(field, s)
		if err != nil || id == 0 {
			return nil, bodyInvalid(field, "must be a list of ids (strings of digits)")
		}
		out = append(out, id)
	}
	return out, nil
}

func bodyDate(field, s string) (liaise.Date, error) {
	if s == "" {
		return liaise.Date{}, nil
	}
	d, err := liaise.ParseDate(s)
	if err != nil {
		return d, bodyInvalid(field, "must be a date in the form YYYY-MM-DD")
	}
	return d, nil
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

// --- Contracts ---------------------------------------------------------------

// contractJSON is a contract in the API: dates as YYYY-MM-DD, ids as strings.
type contractJSON struct {
	ID           string   `json:"id"`
	ProviderID   string   `json:"provider_id"`
	Commissioner string   `json:"commissioner"`
	Region       string   `json:"region"`
	StartDate    string   `json:"start_date"`
	EndDate      string   `json:"end_date"`
	ServiceIDs   []string `json:"service_ids"`
	Version      int      `json:"version"`
}

func toContractJSON(c liaise.Contract) contractJSON {
	return contractJSON{ID: strconv.FormatInt(c.ID, 10), ProviderID: strconv.FormatInt(c.ProviderID, 10), Commissioner: c.Commissioner, Region: c.Region,
		StartDate: c.StartDate.String(), EndDate: c.EndDate.String(), ServiceIDs: idStrings(c.ServiceIDs), Version: c.Version}
}

// contractList is a list of contracts.
type contractList struct {
	Items []contractJSON `json:"items"`
}

// contractBody creates or changes a contract.
type contractBody struct {
	Commissioner *string   `json:"commissioner"`
	Region       *string   `json:"region"`
	StartDate    *string   `json:"start_date"`
	EndDate      *string   `json:"end_date"`
	ServiceIDs   *[]string `json:"service_ids"`
}

func contractAPI() orgAPI[liaise.Contract, contractBody] {
	return orgAPI[liaise.Contract, contractBody]{
		path: "contracts", plural: "commissioning contracts", one: "contract",
		orgStore: contractStore,
		post:     "Add a commissioning contract: commissioner, region, start_date, end_date (after the start) and the service_ids it covers",
		items: func(cs []liaise.Contract) any {
			out := contractList{Items: []contractJSON{}}
			for _, c := range cs {
				out.Items = append(out.Items, toContractJSON(c))
			}
			return out
		},
		apply: func(c *liaise.Contract, b contractBody) error {
			setStr(&c.Commissioner, b.Commissioner)
			setStr(&c.Region, b.Region)
			var err error
			if b.StartDate != nil {
				if c.StartDate, err = bodyDate("start_date", *b.StartDate); err != nil {
					return err
				}
			}
			if b.EndDate != nil {
				if c.EndDate, err = bodyDate("end_date", *b.EndDate); err != nil {
					return err
				}
			}
			if b.ServiceIDs != nil {
				if c.ServiceIDs, err = bodyIDs("service_ids", *b.ServiceIDs); err != nil {
					return err
				}
			}
			return nil
		},
		out:         func(c liaise.Contract) any { return toContractJSON(c) },
		listExample: contractList{}, itemExample: contractJSON{},
	}
}

// --- Services ----------------------------------------------------------------

// serviceList is a list of services.
type serviceList struct {
	Items []liaise.Service `json:"items"`
}

// serviceBody creates or changes a service; type is "ld" or "reconnect".
type serviceBody struct {
	Name *string `json:"name"`
	Type *string `json:"type"`
}

func serviceAPI() orgAPI[liaise.Service, serviceBody] {
	return orgAPI[liaise.Service, serviceBody]{
		path: "services", plural: "L&D and RECONNECT services", one: "service",
		orgStore: serviceStore,
		post:     "Add a service: name and type (ld or reconnect)",
		items:    func(xs []liaise.Service) any { return serviceList{Items: append([]liaise.Service{}, xs...)} },
		apply: func(x *liaise.Service, b serviceBody) error {
			setStr(&x.Name, b.Name)
			setStr(&x.Type, b.Type)
			return nil
		},
		out:         func(x liaise.Service) any { return x },
		listExample: serviceList{}, itemExample: liaise.Service{},
	}
}

// --- Teams -------------------------------------------------------------------

// teamList is a list of teams.
type teamList struct {
	Items []liaise.Team `json:"items"`
}

// teamBody creates or changes a team.
type teamBody struct {
	Name      *string `json:"name"`
	ServiceID *string `json:"service_id"`
}

func teamAPI() orgAPI[liaise.Team, teamBody] {
	return orgAPI[liaise.Team, teamBody]{
		path: "teams", plural: "teams", one: "team",
		orgStore: teamStore,
		post:     "Add a team: name and the service_id of one of your services",
		items:    func(xs []liaise.Team) any { return teamList{Items: append([]liaise.Team{}, xs...)} },
		apply: func(x *liaise.Team, b teamBody) error {
			setStr(&x.Name, b.Name)
			if b.ServiceID != nil {
				id, err := bodyID("service_id", *b.ServiceID)
				if err != nil {
					return err
				}
				x.ServiceID = id
			}
			return nil
		},
		out:         func(x liaise.Team) any { return x },
		listExample: teamList{}, itemExample: liaise.Team{},
	}
}

// --- Sites -------------------------------------------------------------------

// siteList is a list of sites.
type siteList struct {
	Items []liaise.Site `json:"items"`
}

// siteBody creates or changes a site. An empty team_id means no team;
// opening_hours is like "mon-fri 09:00-17:00; sat 09:00-12:00" or "24/7".
type siteBody struct {
	Name       *string `json:"name"`
	Type       *string `json:"type"`
	TeamID     *string `json:"team_id"`
	ActLocType *string `json:"activity_location_type"`
	Hours      *string `json:"opening_hours"`
}

func siteAPI() orgAPI[liaise.Site, siteBody] {
	return orgAPI[liaise.Site, siteBody]{
		path: "sites", plural: "sites (custody suites, courts, prisons…)", one: "site",
		orgStore: siteStore,
		post:     "Add a site: name, type, and optionally team_id, activity_location_type (defaults from the type) and opening_hours (defaults to 24/7)",
		items:    func(xs []liaise.Site) any { return siteList{Items: append([]liaise.Site{}, xs...)} },
		apply: func(x *liaise.Site, b siteBody) error {
			setStr(&x.Name, b.Name)
			if b.Type != nil && *b.Type != x.Type {
				x.Type = *b.Type
				if b.ActLocType == nil {
					x.ActLocType = "" // a new type brings its own default code
				}
			}
			setStr(&x.ActLocType, b.ActLocType)
			setStr(&x.Hours, b.Hours)
			if b.TeamID != nil {
				id, err := bodyID("team_id", *b.TeamID)
				if err != nil {
					return err
				}
				x.TeamID = id
			}
			return nil
		},
		out:         func(x liaise.Site) any { return x },
		fields:      map[string]string{"hours": "opening_hours", "act_loc_type": "activity_location_type"},
		listExample: siteList{}, itemExample: liaise.Site{},
	}
}

// --- Hubs --------------------------------------------------------------------

// hubJSON is a hub in the API, with ids as strings.
type hubJSON struct {
	ID         string   `json:"id"`
	ProviderID string   `json:"provider_id"`
	Name       string   `json:"name"`
	SiteIDs    []string `json:"site_ids"`
	Version    int      `json:"version"`
}

func toHubJSON(h liaise.Hub) hubJSON {
	return hubJSON{ID: strconv.FormatInt(h.ID, 10), ProviderID: strconv.FormatInt(h.ProviderID, 10), Name: h.Name, SiteIDs: idStrings(h.SiteIDs), Version: h.Version}
}

// hubList is a list of hubs.
type hubList struct {
	Items []hubJSON `json:"items"`
}

// hubBody creates or changes a hub.
type hubBody struct {
	Name    *string   `json:"name"`
	SiteIDs *[]string `json:"site_ids"`
}

func hubAPI() orgAPI[liaise.Hub, hubBody] {
	return orgAPI[liaise.Hub, hubBody]{
		path: "hubs", plural: "hubs, each covering several sites", one: "hub",
		orgStore: hubStore,
		post:     "Add a hub: name and the site_ids it covers",
		items: func(hs []liaise.Hub) any {
			out := hubList{Items: []hubJSON{}}
			for _, h := range hs {
				out.Items = append(out.Items, toHubJSON(h))
			}
			return out
		},
		apply: func(h *liaise.Hub, b hubBody) error {
			setStr(&h.Name, b.Name)
			if b.SiteIDs != nil {
				ids, err := bodyIDs("site_ids", *b.SiteIDs)
				if err != nil {
					return err
				}
				h.SiteIDs = ids
			}
			return nil
		},
		out:         func(h liaise.Hub) any { return toHubJSON(h) },
		listExample: hubList{}, itemExample: hubJSON{},
	}
}

// --- Partners and agencies -----------------------------------------------------

// partnerList is a list of partner organisations.
type partnerList struct {
	Items []liaise.Partner `json:"items"`
}

// partnerBody creates or changes a partner organisation; ods_code is optional.
type partnerBody struct {
	Name    *string `json:"name"`
	ODSCode *string `json:"ods_code"`
}

func partnerAPI() orgAPI[liaise.Partner, partnerBody] {
	return orgAPI[liaise.Partner, partnerBody]{
		path: "partners", plural: "partner organisations (employers of some staff)", one: "partner organisation",
		orgStore: partnerStore,
		post:     "Add a partner organisation: name, and ods_code if it has one",
		items:    func(xs []liaise.Partner) any { return partnerList{Items: append([]liaise.Partner{}, xs...)} },
		apply: func(x *liaise.Partner, b partnerBody) error {
			setStr(&x.Name, b.Name)
			setStr(&x.ODSCode, b.ODSCode)
			return nil
		},
		out:         func(x liaise.Partner) any { return x },
		listExample: partnerList{}, itemExample: liaise.Partner{},
	}
}

// agencyList is a list of outside agencies.
type agencyList struct {
	Items []liaise.Agency `json:"items"`
}

// agencyBody creates or changes an outside agency.
type agencyBody struct {
	Name *string `json:"name"`
	Type *string `json:"type"`
}

func agencyAPI() orgAPI[liaise.Agency, agencyBody] {
	return orgAPI[liaise.Agency, agencyBody]{
		path: "agencies", plural: "outside agencies (police, courts, CPS, probation…)", one: "agency",
		orgStore: agencyStore,
		post:     "Add an outside agency: name and type (police, custody_healthcare, court, cps, probation, youth_justice, prison, local_authority, other)",
		items:    func(xs []liaise.Agency) any { return agencyList{Items: append([]liaise.Agency{}, xs...)} },
		apply: func(x *liaise.Agency, b agencyBody) error {
			setStr(&x.Name, b.Name)
			setStr(&x.Type, b.Type)
			return nil
		},
		out:         func(x liaise.Agency) any { return x },
		listExample: agencyList{}, itemExample: liaise.Agency{},
	}
}
