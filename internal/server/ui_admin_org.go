package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"liaise"
)

// The administration pages: the admin landing page, the provider's own
// details, and the organisation model (contracts, services, teams, sites,
// hubs, partner organisations, outside agencies). Each organisation record
// kind is described once by an orgKind and gets the same five pages: a list,
// an "add" form and an edit form, with Post/Redirect/Get.

func (s *Server) orgRoutes() []Route {
	c := liaise.CapOrgManage
	routes := []Route{
		// Any administrative capability opens the landing page; it shows the
		// sections the user may use.
		{Method: "GET", Pattern: "/admin", Config: true, Handler: s.adminHome},
		{Method: "GET", Pattern: "/admin/provider", Cap: c, Config: true, Handler: s.adminProvider},
		{Method: "POST", Pattern: "/admin/provider", Cap: c, Config: true, Handler: s.adminProviderUpdate},
	}
	return slices.Concat(routes,
		orgUIRoutes(s, contractKind()),
		orgUIRoutes(s, serviceKind()),
		orgUIRoutes(s, teamKind()),
		orgUIRoutes(s, siteKind()),
		orgUIRoutes(s, hubKind()),
		orgUIRoutes(s, partnerKind()),
		orgUIRoutes(s, agencyKind()),
		s.orgAPIRoutes(),
	)
}

// --- Landing page ----------------------------------------------------------

// adminCard is one link on the admin landing page.
type adminCard struct {
	Title, Href, Description string
}

// adminSection is a group of cards under a heading.
type adminSection struct {
	Heading string
	Intro   string
	Cards   []adminCard
}

type adminHomeData struct {
	ProviderName string
	Sections     []adminSection
}

// adminHome is the landing page of administration: what can be set up,
// grouped the way a team manager thinks about it.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	if !a.Can(liaise.CapOrgManage) && !a.Can(liaise.CapUserManage) && !a.Can(liaise.CapRoleManage) && !a.Can(liaise.CapServiceAccounts) {
		return liaise.Authorize(a, liaise.CapOrgManage, liaise.Resource{})
	}
	var d adminHomeData
	if prov, err := s.DB.GetProvider(r.Context(), a.ProviderID); err == nil {
		d.ProviderName = prov.Name
	} else if liaise.ErrorCode(err) != liaise.ENOTFOUND {
		return err
	}
	if a.Can(liaise.CapOrgManage) {
		d.Sections = append(d.Sections, adminSection{
			Heading: "Your organisation",
			Intro:   "How your service is set up: who commissions it, where it works and who it works with.",
			Cards: []adminCard{
				{"Provider details", "/admin/provider", "Your organisation's name and ODS code."},
				{"Commissioning contracts", "/admin/contracts", "Who commissions your services, for which region and for how long."},
				{"Services", "/admin/services", "Your Liaison and Diversion and RECONNECT services."},
				{"Teams", "/admin/teams", "The teams within each service. Staff see the caseloads of their teams."},
				{"Sites", "/admin/sites", "Custody suites, courts, prisons and other places you work, with their opening hours."},
				{"Hubs", "/admin/hubs", "Groups of sites covered from one base."},
				{"Partner organisations", "/admin/partners", "Organisations that employ some of your staff, such as a charity employing peer support workers."},
				{"Outside agencies", "/admin/agencies", "Police forces, courts, probation and others who refer people to you or receive information."},
			},
		})
	}
	var staff []adminCard
	if a.Can(liaise.CapUserManage) {
		staff = append(staff, adminCard{"Staff accounts", "/admin/users", "Add staff, change their role and teams, reset passwords and disable accounts."})
	}
	if a.Can(liaise.CapRoleManage) {
		staff = append(staff, adminCard{"Roles", "/admin/roles", "What each role may do, and new roles such as an advanced STR worker."})
	}
	if len(staff) > 0 {
		d.Sections = append(d.Sections, adminSection{Heading: "Staff", Intro: "Who can sign in to Liaise and what they can do.", Cards: staff})
	}
	var systems []adminCard
	if a.Can(liaise.CapServiceAccounts) {
		systems = append(systems, adminCard{"Service accounts", "/admin/service-accounts", "Access for other systems that send information to Liaise, such as prison release feeds."})
	}
	if a.Can(liaise.CapCodesRead) {
		systems = append(systems, adminCard{"Code lists", "/codes", "The national and local codes Liaise records and reports with, such as ethnic categories and referral sources."})
	}
	if len(systems) > 0 {
		d.Sections = append(d.Sections, adminSection{Heading: "Systems and reference data", Cards: systems})
	}
	p := s.newPage(r, "Administration")
	p.Data = d
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

// --- Provider --------------------------------------------------------------

var providerFields = []string{"name", "ods_code"}

// orgFormData is the view model of every organisation form page.
type orgFormData struct {
	Caption  string // the kind of record, shown above the heading
	Heading  string
	Action   string // where the form posts (the page's own URL)
	ListHref string
	BackText string
	Submit   string
	Editing  bool
	Version  int
	// Stale is set when the record changed since the form was loaded.
	Stale   bool
	Choices any
}

func (s *Server) adminProvider(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	p, err := s.DB.GetProvider(r.Context(), a.ProviderID)
	if err != nil {
		return err
	}
	f := NewForm(nil)
	f.Set("name", p.Name)
	f.Set("ods_code", p.ODSCode)
	s.renderProvider(w, r, http.StatusOK, f, p, false)
	return nil
}

func (s *Server) renderProvider(w http.ResponseWriter, r *http.Request, status int, f *Form, p liaise.Provider, stale bool) {
	page := s.newPage(r, "Provider details")
	page.Form = f
	page.Data = orgFormData{Caption: "Provider details", Heading: p.Name, Action: "/admin/provider", ListHref: "/admin", BackText: "Back to administration",
		Submit: "Save changes", Editing: true, Version: p.Version, Stale: stale}
	s.render(w, r, status, "admin_org_provider", page)
}

func (s *Server) adminProviderUpdate(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	p := liaise.Provider{ID: a.ProviderID, Name: f.Get("name"), ODSCode: f.Get("ods_code"), Version: f.Int("version")}
	err = s.DB.UpdateProvider(r.Context(), &p)
	switch {
	case err == nil:
		return s.redirect(w, r, "/admin/provider", "Provider details saved")
	case f.Absorb(err, providerFields...):
		s.renderProvider(w, r, ErrorStatus(err), f, p, false)
		return nil
	case liaise.ErrorCode(err) == liaise.ESTALE:
		f.AddError("", liaise.ErrorMessage(err))
		s.renderProvider(w, r, ErrorStatus(err), f, p, true)
		return nil
	}
	return err
}

// --- Shared machinery for organisation records ------------------------------

// orgKind describes one kind of organisation record for the admin pages.
type orgKind[T any] struct {
	orgStore[T]
	path    string // URL segment: /admin/{path}
	one     string // "team", for headings and messages
	title   string // list page title: "Teams"
	add     string // the add button: "Add a team"
	intro   string // what the list is for, in plain words
	page    string // form template
	fields  []string
	columns []string
	// rows builds the list table from the records, looking up names of linked records.
	rows     func(ctx context.Context, s *Server, list []T) ([]orgRow, error)
	validate func(x *T) error
	fill     func(f *Form, x T)
	// parse reads the form into x; it may add errors the domain cannot
	// see, such as a date that is not a real date.
	parse   func(f *Form, x *T)
	choices func(ctx context.Context, s *Server) (any, error)
	name    func(x T) string
}

// orgRow is one row of an organisation list: cells after the name, and the edit link.
type orgRow struct {
	Name  string
	Href  string
	Cells [][]string // each cell may hold several lines
}

// orgListData is the view model of every organisation list.
type orgListData struct {
	Intro    string
	AddHref  string
	AddLabel string
	Caption  string
	Columns  []string
	Rows     []orgRow
	Empty    string
}

func orgUIRoutes[T any](s *Server, k orgKind[T]) []Route {
	base := "/admin/" + k.path
	c := liaise.CapOrgManage
	return []Route{
		{Method: "GET", Pattern: base, Cap: c, Config: true, Handler: orgList(s, k)},
		// A blank form shows no configuration data (the choices it lists are
		// audited by the lists that load them), so it is not marked Config.
		{Method: "GET", Pattern: base + "/new", Cap: c, Handler: orgNew(s, k)},
		{Method: "POST", Pattern: base + "/new", Cap: c, Config: true, Handler: orgCreate(s, k)},
		{Method: "GET", Pattern: base + "/{id}", Cap: c, Config: true, Handler: orgEdit(s, k)},
		{Method: "POST", Pattern: base + "/{id}", Cap: c, Config: true, Handler: orgUpdate(s, k)},
	}
}

func orgList[T any](s *Server, k orgKind[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		list, err := k.list(s.DB, r.Context(), 0)
		if err != nil {
			return err
		}
		rows, err := k.rows(r.Context(), s, list)
		if err != nil {
			return err
		}
		p := s.newPage(r, k.title)
		p.Data = orgListData{Intro: k.intro, AddHref: "/admin/" + k.path + "/new", AddLabel: k.add, Caption: k.title,
			Columns: k.columns, Rows: rows, Empty: "There are no " + lowerText(k.title) + " yet."}
		s.render(w, r, http.StatusOK, "admin_org_list", p)
		return nil
	}
}

// orgRenderForm shows the add or edit form of a record.
func orgRenderForm[T any](s *Server, k orgKind[T], w http.ResponseWriter, r *http.Request, status int, f *Form, x *T, editing, stale bool) error {
	choices, err := k.choices(r.Context(), s)
	if err != nil {
		return err
	}
	d := orgFormData{Caption: upperFirst(k.one), ListHref: "/admin/" + k.path, BackText: "Back to " + lowerText(k.title), Choices: choices}
	title := k.add
	if editing {
		id, version := k.ident(x)
		d.Heading = k.name(*x)
		d.Action = fmt.Sprintf("/admin/%s/%d", k.path, *id)
		d.Submit = "Save changes"
		d.Editing, d.Version, d.Stale = true, *version, stale
		title = "Change " + k.one + ": " + d.Heading
	} else {
		d.Caption = k.title
		d.Heading = k.add
		d.Action = "/admin/" + k.path + "/new"
		d.Submit = k.add
	}
	p := s.newPage(r, title)
	p.Form = f
	p.Data = d
	s.render(w, r, status, k.page, p)
	return nil
}

func orgNew[T any](s *Server, k orgKind[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var x T
		return orgRenderForm(s, k, w, r, http.StatusOK, NewForm(nil), &x, false, false)
	}
}

func orgCreate[T any](s *Server, k orgKind[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := orgParseForm(r)
		if err != nil {
			return err
		}
		var x T
		k.parse(f, &x)
		if !f.Valid() {
			// The form itself is wrong (a date that is not a date): show
			// the domain's other complaints beside it, but save nothing.
			f = orgMergeErrors(f, k.validate(&x), k.fields)
			return orgRenderForm(s, k, w, r, http.StatusUnprocessableEntity, f, &x, false, false)
		}
		err = k.create(s.DB, r.Context(), &x)
		if err == nil {
			return s.redirect(w, r, "/admin/"+k.path, upperFirst(k.one)+" added: "+k.name(x))
		}
		if f.Absorb(err, k.fields...) {
			return orgRenderForm(s, k, w, r, ErrorStatus(err), f, &x, false, false)
		}
		return err
	}
}

func orgEdit[T any](s *Server, k orgKind[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		x, err := k.get(s.DB, r.Context(), id)
		if err != nil {
			return err
		}
		f := NewForm(nil)
		k.fill(f, x)
		return orgRenderForm(s, k, w, r, http.StatusOK, f, &x, true, false)
	}
}

func orgUpdate[T any](s *Server, k orgKind[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		f, err := orgParseForm(r)
		if err != nil {
			return err
		}
		var x T
		k.parse(f, &x)
		pid, version := k.ident(&x)
		*pid, *version = id, f.Int("version")
		// Re-rendered forms keep the record's saved name in the heading
		// (not the one being typed) and the version the edit started from,
		// so saving again after a conflict cannot overwrite it unseen.
		again := func(status int, stale bool) error {
			shown, err := k.get(s.DB, r.Context(), id)
			if err != nil {
				return err
			}
			_, sv := k.ident(&shown)
			*sv = *version
			return orgRenderForm(s, k, w, r, status, f, &shown, true, stale)
		}
		if !f.Valid() {
			f = orgMergeErrors(f, k.validate(&x), k.fields)
			return again(http.StatusUnprocessableEntity, false)
		}
		err = k.update(s.DB, r.Context(), &x)
		switch {
		case err == nil:
			return s.redirect(w, r, "/admin/"+k.path, "Changes saved: "+k.name(x))
		case f.Absorb(err, k.fields...):
			return again(ErrorStatus(err), false)
		case liaise.ErrorCode(err) == liaise.ESTALE:
			f.AddError("", liaise.ErrorMessage(err))
			return again(ErrorStatus(err), true)
		}
		return err
	}
}

// orgMergeErrors joins the form's own errors with the domain's into one
// summary in the order of the form; where both complain about a field, the
// form's message is the more precise ("must be a real date").
func orgMergeErrors(f *Form, domain error, order []string) *Form {
	fields := map[string]string{}
	for k, v := range liaise.ErrorFields(domain) {
		fields[k] = v
	}
	for k, v := range f.Errors {
		fields[k] = v
	}
	merged := NewForm(f.Values)
	merged.Absorb(&liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.", Fields: fields}, order...)
	return merged
}

// orgPathID reads the {id} of an organisation page or API path; anything but
// a positive number names nothing.
func orgPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}

func orgParseForm(r *http.Request) (*Form, error) {
	if err := r.ParseForm(); err != nil {
		return nil, liaise.Errorf(liaise.EINVALID, "The form could not be read. Go back and try again.")
	}
	return NewForm(r.PostForm), nil
}

// formIDs reads a multi-value id field (checkboxes).
func formIDs(f *Form, k string) []int64 {
	var out []int64
	for _, v := range f.Values[k] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// setFormIDs fills a multi-value id field.
func setFormIDs(f *Form, k string, ids []int64) {
	f.Values.Del(k)
	for _, id := range ids {
		f.Values.Add(k, strconv.FormatInt(id, 10))
	}
}

// formDate reads an NHS date input (id-day, id-month, id-year). Blank gives
// the zero date (the domain says it is missing); a date that does not exist
// adds a form error.
func formDate(f *Form, id, label string) liaise.Date {
	d, m, y := f.Get(id+"-day"), f.Get(id+"-month"), f.Get(id+"-year")
	if d == "" && m == "" && y == "" {
		return liaise.Date{}
	}
	dd, err1 := strconv.Atoi(d)
	mm, err2 := strconv.Atoi(m)
	yy, err3 := strconv.Atoi(y)
	if err1 != nil || err2 != nil || err3 != nil || len(y) != 4 {
		f.AddError(id, label+" must be a real date, like 1 4 2025")
		return liaise.Date{}
	}
	date, err := liaise.ParseDate(fmt.Sprintf("%04d-%02d-%02d", yy, mm, dd))
	if err != nil {
		f.AddError(id, label+" must be a real date, like 1 4 2025")
		return liaise.Date{}
	}
	return date
}

// setFormDate fills an NHS date input.
func setFormDate(f *Form, id string, d liaise.Date) {
	if d.IsZero() {
		return
	}
	f.Set(id+"-day", strconv.Itoa(d.Day))
	f.Set(id+"-month", strconv.Itoa(int(d.Month)))
	f.Set(id+"-year", strconv.Itoa(d.Year))
}

func lowerText(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}
