package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

// userRoutes are the staff account and role routes, in the UI and the API.
// Staff details are personal data; roles are configuration.
func (s *Server) userRoutes() []Route {
	return slices.Concat(s.adminUserRoutes(), s.adminRoleRoutes(), s.apiUserRoutes(), s.apiRoleRoutes())
}

func (s *Server) adminUserRoutes() []Route {
	c := liaise.CapUserManage
	return []Route{
		{Method: "GET", Pattern: "/admin/users", Cap: c, Personal: true, Handler: s.adminUsers},
		{Method: "GET", Pattern: "/admin/users/new", Cap: c, Personal: true, Handler: s.adminUserNew},
		{Method: "POST", Pattern: "/admin/users/new", Cap: c, Personal: true, Handler: s.adminUserCreate},
		{Method: "GET", Pattern: "/admin/users/{id}", Cap: c, Personal: true, Handler: s.adminUser},
		{Method: "POST", Pattern: "/admin/users/{id}", Cap: c, Personal: true, Handler: s.adminUserUpdate},
		{Method: "POST", Pattern: "/admin/users/{id}/disable", Cap: c, Personal: true, Handler: s.adminUserDisable(true)},
		{Method: "POST", Pattern: "/admin/users/{id}/enable", Cap: c, Personal: true, Handler: s.adminUserDisable(false)},
		{Method: "POST", Pattern: "/admin/users/{id}/password", Cap: c, Personal: true, Handler: s.adminUserPassword},
	}
}

// userFields are the user form's field ids in page order, so the error
// summary lists problems in the order of the form.
var userFields = []string{"display_name", "username", "email", "role", "partner_id", "teams", "password", "confirm_password"}

// staffPathID reads the {id} of a staff or role page; anything but a
// positive number is a page that does not exist.
func staffPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}

func parseStaffForm(r *http.Request) (*Form, error) {
	if err := r.ParseForm(); err != nil {
		return nil, liaise.Errorf(liaise.EINVALID, "The form could not be read. Go back and try again.")
	}
	return NewForm(r.PostForm), nil
}

// staffChoices holds what the user forms offer, as options.
type staffChoices struct {
	Roles    []Option
	Partners []Option
	Teams    []Option
	roleName map[string]string
}

func (s *Server) staffChoices(r *http.Request) (staffChoices, error) {
	ctx := r.Context()
	a := liaise.ActorFrom(ctx)
	var c staffChoices
	roles, err := s.DB.ListRoles(ctx)
	if err != nil {
		return c, err
	}
	c.roleName = map[string]string{}
	for _, ro := range roles {
		c.Roles = append(c.Roles, Option{Value: ro.Code, Label: ro.Name})
		c.roleName[ro.Code] = ro.Name
	}
	ch, err := s.DB.StaffChoicesFor(ctx, a.ProviderID)
	if err != nil {
		return c, err
	}
	for _, t := range ch.Teams {
		c.Teams = append(c.Teams, Option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
	}
	for _, p := range ch.Partners {
		c.Partners = append(c.Partners, Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name})
	}
	return c, nil
}

// userRow is one line of the staff list.
type userRow struct {
	ID       int64
	Name     string
	Username string
	Role     string
	Teams    []string
	Status   string
	Disabled bool
}

// adminUsersData is the staff list's view model.
type adminUsersData struct {
	Users    []userRow
	Choices  staffChoices
	Filtered bool
}

// adminUsers lists the provider's staff, filtered by role or team through
// the query string so a filtered list can be bookmarked.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	ch, err := s.staffChoices(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := NewForm(url.Values{"role": {q.Get("role")}, "team": {q.Get("team")}})
	filter := sqlstore.UserFilter{RoleCode: f.Get("role"), TeamID: f.Int64("team")}
	users, err := s.DB.ListUsers(r.Context(), filter)
	if err != nil {
		return err
	}
	d := adminUsersData{Choices: ch, Filtered: filter.RoleCode != "" || filter.TeamID != 0}
	for _, u := range users {
		row := userRow{ID: u.ID, Name: u.DisplayName, Username: u.Username, Role: ch.roleName[u.RoleCode], Status: "Active", Disabled: u.Disabled}
		if row.Role == "" {
			row.Role = u.RoleCode
		}
		if u.Disabled {
			row.Status = "Disabled"
		}
		for _, m := range u.Memberships {
			row.Teams = append(row.Teams, m.TeamName)
		}
		d.Users = append(d.Users, row)
	}
	p := s.newPage(r, "Staff accounts")
	p.Form = f
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_users", p)
	return nil
}

// adminUserNewData is the add-a-user page's view model.
type adminUserNewData struct {
	Choices staffChoices
}

func (s *Server) renderUserNew(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	ch, err := s.staffChoices(r)
	if err != nil {
		return err
	}
	p := s.newPage(r, "Add a user")
	p.Form = f
	p.Data = adminUserNewData{Choices: ch}
	s.render(w, r, status, "admin_user_new", p)
	return nil
}

func (s *Server) adminUserNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderUserNew(w, r, http.StatusOK, NewForm(nil))
}

// checkNewPassword applies the password policy and the confirmation to a
// temporary password typed by an administrator into fields pw and confirm.
func checkNewPassword(f *Form, pwField, confirmField, username string) {
	pw, confirm := f.Values.Get(pwField), f.Values.Get(confirmField)
	if err := auth.ValidatePassword(pw, username); err != nil {
		msg := liaise.ErrorFields(err)["password"]
		if pw == "" {
			msg = "Enter a temporary password"
		}
		f.AddError(pwField, msg)
	}
	if confirm == "" {
		f.AddError(confirmField, "Enter the temporary password again")
	} else if pw != "" && confirm != pw {
		f.AddError(confirmField, "The passwords do not match. Enter the same password in both boxes")
	}
}

func teamMemberships(f *Form) []liaise.Membership {
	var ms []liaise.Membership
	for _, v := range f.Values["teams"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ms = append(ms, liaise.Membership{TeamID: id})
		}
	}
	return ms
}

// adminUserCreate adds a staff account in the administrator's provider with
// a temporary password. Every problem is shown at once, with what was typed
// kept (except the passwords).
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := liaise.ActorFrom(ctx)
	f, err := parseStaffForm(r)
	if err != nil {
		return err
	}
	u := &liaise.User{ProviderID: a.ProviderID, Username: f.Get("username"), DisplayName: f.Get("display_name"), Email: f.Get("email"),
		RoleCode: f.Get("role"), PartnerID: f.Int64("partner_id"), Memberships: teamMemberships(f)}
	check := *u
	f.Absorb(sqlstore.ValidateUser(&check), userFields...)
	checkNewPassword(f, "password", "confirm_password", check.Username)
	fail := func() error {
		f.Values.Del("password")
		f.Values.Del("confirm_password")
		return s.renderUserNew(w, r, http.StatusUnprocessableEntity, f)
	}
	if !f.Valid() {
		return fail()
	}
	hash, err := s.Hasher.Hash(f.Values.Get("password"))
	if err != nil {
		return err
	}
	if err := s.DB.CreateStaff(ctx, u, hash); err != nil {
		if f.Absorb(err, userFields...) {
			return fail()
		}
		return err
	}
	return s.redirect(w, r, "/admin/users", fmt.Sprintf("User %s (%s) added. Give them their temporary password securely; they should change it at first sign-in.", u.DisplayName, u.Username))
}

// adminUserData is the staff account page's view model: the details form,
// the password form, and the account's state.
type adminUserData struct {
	User         liaise.User
	Choices      staffChoices
	RoleName     string
	Self         bool
	PasswordForm *Form
}

// renderUser shows a staff account. df and pf carry a rejected details or
// password form back; pageErr is a problem that belongs to no field.
func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, id int64, df, pf *Form, pageErr error) error {
	u, err := s.DB.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	ch, err := s.staffChoices(r)
	if err != nil {
		return err
	}
	if df == nil {
		df = NewForm(nil)
		df.Set("display_name", u.DisplayName)
		df.Set("email", u.Email)
		df.Set("role", u.RoleCode)
		if u.PartnerID != 0 {
			df.Set("partner_id", strconv.FormatInt(u.PartnerID, 10))
		}
		for _, m := range u.Memberships {
			df.Values.Add("teams", strconv.FormatInt(m.TeamID, 10))
		}
		df.Set("version", strconv.Itoa(u.Version))
	}
	if pf == nil {
		pf = NewForm(nil)
	}
	p := s.newPage(r, u.DisplayName)
	if pageErr != nil {
		p.Errors = append(p.Errors, FieldError{Message: liaise.ErrorMessage(pageErr)})
	}
	p.Errors = append(p.Errors, df.Summary()...)
	p.Errors = append(p.Errors, pf.Summary()...)
	p.Form = df
	roleName := ch.roleName[u.RoleCode]
	if roleName == "" {
		roleName = u.RoleCode
	}
	a := liaise.ActorFrom(r.Context())
	self := u.ID == a.UserID
	if self && !a.System {
		// Another administrator changes this one's role (the store refuses
		// it too), so the only choice offered is the role they hold.
		ch.Roles = slices.DeleteFunc(ch.Roles, func(o Option) bool { return o.Value != u.RoleCode })
	}
	p.Data = adminUserData{User: u, Choices: ch, RoleName: roleName, Self: self, PasswordForm: pf}
	s.render(w, r, status, "admin_user", p)
	return nil
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, id, nil, nil, nil)
}

// adminUserUpdate saves the details form. A stale version is refused and
// the page says so, keeping what was typed, so nobody's change is lost
// silently.
func (s *Server) adminUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	f, err := parseStaffForm(r)
	if err != nil {
		return err
	}
	name, email, role, partner := f.Get("display_name"), f.Get("email"), f.Get("role"), f.Int64("partner_id")
	var teams []int64
	for _, m := range teamMemberships(f) {
		teams = append(teams, m.TeamID)
	}
	u, err := s.DB.UpdateUser(r.Context(), id, f.Int("version"), sqlstore.UserChanges{
		DisplayName: &name, Email: &email, RoleCode: &role, PartnerID: &partner, TeamIDs: &teams,
	})
	switch liaise.ErrorCode(err) {
	case "":
		return s.redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), fmt.Sprintf("Changes to %s saved.", u.DisplayName))
	case liaise.EINVALID:
		f.Absorb(err, userFields...)
		return s.renderUser(w, r, http.StatusUnprocessableEntity, id, f, nil, nil)
	case liaise.ESTALE, liaise.ECONFLICT, liaise.EFORBIDDEN:
		return s.renderUser(w, r, ErrorStatus(err), id, f, nil, err)
	}
	return err
}

// adminUserDisable disables or enables an account. Disabling ends the
// user's sessions and API tokens at once.
func (s *Server) adminUserDisable(disable bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := staffPathID(r)
		if err != nil {
			return err
		}
		ctx := r.Context()
		if disable {
			err = s.DB.DisableUser(ctx, id)
		} else {
			err = s.DB.EnableUser(ctx, id)
		}
		if liaise.ErrorCode(err) == liaise.ECONFLICT {
			return s.renderUser(w, r, http.StatusConflict, id, nil, nil, err)
		}
		if err != nil {
			return err
		}
		msg := "Account enabled. They can sign in again with their password."
		if disable {
			msg = "Account disabled. They have been signed out everywhere and their API tokens revoked."
		}
		return s.redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), msg)
	}
}

// adminUserPassword sets a temporary password, which signs the user out
// everywhere.
func (s *Server) adminUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.DB.GetUser(ctx, id)
	if err != nil {
		return err
	}
	f, err := parseStaffForm(r)
	if err != nil {
		return err
	}
	checkNewPassword(f, "new_password", "confirm_new_password", u.Username)
	if !f.Valid() {
		f.Values = url.Values{}
		return s.renderUser(w, r, http.StatusUnprocessableEntity, id, nil, f, nil)
	}
	hash, err := s.Hasher.Hash(f.Values.Get("new_password"))
	if err != nil {
		return err
	}
	if err := s.DB.SetPasswordHash(ctx, id, hash); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), fmt.Sprintf("Temporary password set for %s. They have been signed out everywhere. Give them the password securely; they should change it at first sign-in.", u.DisplayName))
}
