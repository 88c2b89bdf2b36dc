package server

import (
	"fmt"
	"net/http"
	"strconv"

	"liaise"
)

func (s *Server) adminRoleRoutes() []Route {
	c := liaise.CapRoleManage
	return []Route{
		{Method: "GET", Pattern: "/admin/roles", Cap: c, Config: true, Handler: s.adminRoles},
		{Method: "GET", Pattern: "/admin/roles/new", Cap: c, Handler: s.adminRoleNew}, // a blank form reads no configuration
		{Method: "POST", Pattern: "/admin/roles/new", Cap: c, Config: true, Handler: s.adminRoleCreate},
		{Method: "GET", Pattern: "/admin/roles/{id}", Cap: c, Config: true, Handler: s.adminRole},
		{Method: "POST", Pattern: "/admin/roles/{id}", Cap: c, Config: true, Handler: s.adminRoleUpdate},
	}
}

// roleFields are the role form's field ids in page order.
var roleFields = []string{"name", "capabilities"}

// capabilityOptions are the capability checkboxes, labelled in plain words.
func capabilityOptions() []Option {
	out := make([]Option, len(liaise.AllCapabilities))
	for i, c := range liaise.AllCapabilities {
		out[i] = Option{Value: c.Code, Label: c.Label}
	}
	return out
}

// roleRow is one role in the roles table.
type roleRow struct {
	liaise.Role
	Users int
}

// adminRolesData is the roles page's view model.
type adminRolesData struct {
	Roles []roleRow
}

func (s *Server) adminRoles(w http.ResponseWriter, r *http.Request) error {
	roles, err := s.DB.ListRoles(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.DB.RoleUserCounts(r.Context())
	if err != nil {
		return err
	}
	var d adminRolesData
	for _, ro := range roles {
		d.Roles = append(d.Roles, roleRow{Role: ro, Users: counts[ro.ID]})
	}
	p := s.newPage(r, "Roles")
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_roles", p)
	return nil
}

// adminRoleData is the role form's view model, for a new role (Role.ID 0)
// or an existing one. Editable is false for a built-in role (shared across
// Liaise, changed only by the system operator) and for the role the
// administrator holds; such a role is shown, not offered as a form.
type adminRoleData struct {
	Role         liaise.Role
	Users        int
	Capabilities []Option
	Editable     bool
	Held         bool
}

// roleEditable mirrors the store's rule for UpdateRole, so the page offers
// a Save button only where saving can succeed.
func roleEditable(a *liaise.Actor, role liaise.Role) (editable, held bool) {
	if role.ID == 0 || a.System {
		return true, false
	}
	held = role.Code == a.RoleCode
	return !role.BuiltIn && !held, held
}

func (s *Server) renderRole(w http.ResponseWriter, r *http.Request, status int, role liaise.Role, f *Form, pageErr error) error {
	d := adminRoleData{Role: role, Capabilities: capabilityOptions()}
	d.Editable, d.Held = roleEditable(liaise.ActorFrom(r.Context()), role)
	title := "Add a role"
	if role.ID != 0 {
		title = role.Name
		counts, err := s.DB.RoleUserCounts(r.Context())
		if err != nil {
			return err
		}
		d.Users = counts[role.ID]
	}
	p := s.newPage(r, title)
	if pageErr != nil {
		p.Errors = append(p.Errors, FieldError{Message: liaise.ErrorMessage(pageErr)})
		p.Errors = append(p.Errors, f.Summary()...)
	}
	p.Form = f
	p.Data = d
	s.render(w, r, status, "admin_role", p)
	return nil
}

func (s *Server) adminRoleNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderRole(w, r, http.StatusOK, liaise.Role{}, NewForm(nil), nil)
}

func roleFromForm(f *Form) liaise.Role {
	return liaise.Role{Name: f.Get("name"), Capabilities: f.Values["capabilities"], Version: f.Int("version")}
}

func (s *Server) adminRoleCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseStaffForm(r)
	if err != nil {
		return err
	}
	role := roleFromForm(f)
	if err := s.DB.CreateRole(r.Context(), &role); err != nil {
		if f.Absorb(err, roleFields...) {
			return s.renderRole(w, r, http.StatusUnprocessableEntity, liaise.Role{}, f, nil)
		}
		return err
	}
	return s.redirect(w, r, "/admin/roles", fmt.Sprintf("Role %s added. Choose it for staff on their account page.", role.Name))
}

func (s *Server) adminRole(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	role, err := s.DB.GetRole(r.Context(), id)
	if err != nil {
		return err
	}
	f := NewForm(nil)
	f.Set("name", role.Name)
	f.Values["capabilities"] = role.Capabilities
	f.Set("version", strconv.Itoa(role.Version))
	return s.renderRole(w, r, http.StatusOK, role, f, nil)
}

// adminRoleUpdate saves a role. A stale version, a change that would leave
// nobody able to manage roles, or a change to a role the administrator may
// not change (built in, or their own) is refused with the reason on the
// page and the ticks kept.
func (s *Server) adminRoleUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	f, err := parseStaffForm(r)
	if err != nil {
		return err
	}
	current, err := s.DB.GetRole(r.Context(), id)
	if err != nil {
		return err
	}
	role := roleFromForm(f)
	role.ID = id
	err = s.DB.UpdateRole(r.Context(), &role)
	switch liaise.ErrorCode(err) {
	case "":
		return s.redirect(w, r, "/admin/roles", fmt.Sprintf("Role %s saved. Staff with this role have the new permissions from their next page.", role.Name))
	case liaise.EINVALID:
		f.Absorb(err, roleFields...)
		return s.renderRole(w, r, http.StatusUnprocessableEntity, current, f, nil)
	case liaise.ESTALE, liaise.ECONFLICT, liaise.EFORBIDDEN:
		return s.renderRole(w, r, ErrorStatus(err), current, f, err)
	}
	return err
}
