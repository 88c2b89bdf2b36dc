package server

import (
	"context"
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

func (s *Server) apiUserRoutes() []Route {
	c := liaise.CapUserManage
	return []Route{
		{Method: "GET", Pattern: "/api/v1/users", Cap: c, Personal: true, Handler: s.apiListUsers,
			Summary: "Staff accounts of your provider organisation, with role and teams (service accounts are not listed)", Response: userList{},
			Query: []QueryParam{{"role", "Only staff with this role code"}, {"team_id", "Only members of this team"}}},
		{Method: "POST", Pattern: "/api/v1/users", Cap: c, Personal: true, Handler: s.apiCreateUser, Status: http.StatusCreated,
			Summary: "Add a staff account in your provider organisation; without a password it cannot sign in until one is set", Request: userCreateRequest{}, Response: liaise.User{}},
		{Method: "GET", Pattern: "/api/v1/users/{id}", Cap: c, Personal: true, Handler: s.apiGetUser,
			Summary: "One staff account; its version is the ETag", Response: liaise.User{}},
		{Method: "PATCH", Pattern: "/api/v1/users/{id}", Cap: c, Personal: true, Handler: s.apiPatchUser,
			Summary: "Change a staff account's name, email, role, partner organisation, teams or disabled state (disabling revokes its sessions and tokens)", Request: userPatchRequest{}, Response: liaise.User{}},
	}
}

func (s *Server) apiRoleRoutes() []Route {
	c := liaise.CapRoleManage
	return []Route{
		{Method: "GET", Pattern: "/api/v1/roles", Cap: c, Config: true, Handler: s.apiListRoles,
			Summary: "The roles you may use, with their capabilities: the built-in roles (built_in: shared across Liaise, changed only by the system operator) and your provider organisation's own", Response: roleList{}},
		{Method: "POST", Pattern: "/api/v1/roles", Cap: c, Config: true, Handler: s.apiCreateRole, Status: http.StatusCreated,
			Summary: "Define a role for your provider organisation; its code is derived from its name (with your ODS code added if another organisation already uses that code)", Request: roleRequest{}, Response: liaise.Role{}},
		{Method: "GET", Pattern: "/api/v1/roles/{id}", Cap: c, Config: true, Handler: s.apiGetRole,
			Summary: "One built-in or own-organisation role with its capabilities; its version is the ETag", Response: liaise.Role{}},
		{Method: "PATCH", Pattern: "/api/v1/roles/{id}", Cap: c, Config: true, Handler: s.apiPatchRole,
			Summary: "Rename one of your provider organisation's roles or replace its capabilities; built-in roles and the role you hold are refused (403)", Request: rolePatchRequest{}, Response: liaise.Role{}},
	}
}

// userList is a list of staff accounts.
type userList struct {
	Items []liaise.User `json:"items"`
}

// userCreateRequest adds a staff account. Ids are strings, as everywhere in the API.
type userCreateRequest struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Email       string   `json:"email"`
	Role        string   `json:"role"`
	PartnerID   string   `json:"partner_id"`
	TeamIDs     []string `json:"team_ids"`
	// Password is optional: a temporary password the person changes at first sign-in.
	Password string `json:"password"`
}

// userPatchRequest changes a staff account; absent fields stay as they are.
// An empty partner_id clears the partner organisation.
type userPatchRequest struct {
	DisplayName *string   `json:"display_name"`
	Email       *string   `json:"email"`
	Role        *string   `json:"role"`
	PartnerID   *string   `json:"partner_id"`
	TeamIDs     *[]string `json:"team_ids"`
	Disabled    *bool     `json:"disabled"`
}

// parseOptionalID reads an optional string id; "" is no id.
func parseOptionalID(field, s string) (int64, error) {
	id, err := bodyID(field, s)
	if err != nil {
		return 0, bodyInvalid(field, "must be an id (a string of digits) or empty")
	}
	return id, nil
}

// userAPIFields renames the store's field ids to the API's names.
var userAPIFields = map[string]string{"teams": "team_ids"}

// readPatch reads what every PATCH needs, in this order: the {id} of the
// path, the If-Match version and the body.
func readPatch(r *http.Request, body any) (id int64, version int, err error) {
	if id, err = orgPathID(r); err != nil {
		return 0, 0, err
	}
	if version, err = ifMatch(r); err != nil {
		return 0, 0, err
	}
	if err = readJSON(r, body); err != nil {
		return 0, 0, err
	}
	return id, version, nil
}

// writeCreated answers a POST that made a record: 201 with its Location
// and its version as the ETag.
func writeCreated(w http.ResponseWriter, location string, version int, v any) error {
	w.Header().Set("Location", location)
	setETag(w, version)
	return writeJSON(w, http.StatusCreated, v)
}

// apiGetVersioned answers a GET of the record named by the path's {id},
// with its version as the ETag.
func apiGetVersioned[T any](w http.ResponseWriter, r *http.Request, get func(context.Context, int64) (T, error), version func(T) int) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	x, err := get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, version(x))
	return writeJSON(w, http.StatusOK, x)
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := sqlstore.UserFilter{RoleCode: q.Get("role")}
	if t := q.Get("team_id"); t != "" {
		id, err := parseOptionalID("team_id", t)
		if err != nil {
			return err
		}
		f.TeamID = id
	}
	users, err := s.DB.ListUsers(r.Context(), f)
	if err != nil {
		return err
	}
	if users == nil {
		users = []liaise.User{}
	}
	return writeJSON(w, http.StatusOK, userList{Items: users})
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	var req userCreateRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	partner, err := parseOptionalID("partner_id", req.PartnerID)
	if err != nil {
		return err
	}
	teams, err := bodyIDs("team_ids", req.TeamIDs)
	if err != nil {
		return err
	}
	u := &liaise.User{ProviderID: a.ProviderID, Username: req.Username, DisplayName: req.DisplayName, Email: req.Email, RoleCode: req.Role, PartnerID: partner}
	for _, t := range teams {
		u.Memberships = append(u.Memberships, liaise.Membership{TeamID: t})
	}
	var hash string
	if req.Password != "" {
		check := *u
		if err := sqlstore.ValidateUser(&check); err != nil {
			return err
		}
		if err := auth.ValidatePassword(req.Password, check.Username); err != nil {
			return err
		}
		if hash, err = s.Hasher.Hash(req.Password); err != nil {
			return err
		}
	}
	if err := s.DB.CreateStaff(r.Context(), u, hash); err != nil {
		return apiFieldNames(err, userAPIFields)
	}
	saved, err := s.DB.GetUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/users/"+strconv.FormatInt(u.ID, 10), saved.Version, saved)
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request) error {
	return apiGetVersioned(w, r, s.DB.GetUser, func(u liaise.User) int { return u.Version })
}

func (s *Server) apiPatchUser(w http.ResponseWriter, r *http.Request) error {
	var req userPatchRequest
	id, version, err := readPatch(r, &req)
	if err != nil {
		return err
	}
	c := sqlstore.UserChanges{DisplayName: req.DisplayName, Email: req.Email, RoleCode: req.Role, Disabled: req.Disabled}
	if req.PartnerID != nil {
		p, err := parseOptionalID("partner_id", *req.PartnerID)
		if err != nil {
			return err
		}
		c.PartnerID = &p
	}
	if req.TeamIDs != nil {
		teams, err := bodyIDs("team_ids", *req.TeamIDs)
		if err != nil {
			return err
		}
		c.TeamIDs = &teams
	}
	u, err := s.DB.UpdateUser(r.Context(), id, version, c)
	if err != nil {
		return apiFieldNames(err, userAPIFields)
	}
	setETag(w, u.Version)
	return writeJSON(w, http.StatusOK, u)
}

// roleList is every role.
type roleList struct {
	Items []liaise.Role `json:"items"`
}

// roleRequest defines a role: a name and capability codes (see liaise.AllCapabilities).
type roleRequest struct {
	Name         string   `json:"name"`
	Capabilities []string `json:"capabilities"`
}

// rolePatchRequest changes a role; absent fields stay as they are.
// Capabilities, when sent, replace the whole set.
type rolePatchRequest struct {
	Name         *string   `json:"name"`
	Capabilities *[]string `json:"capabilities"`
}

func (s *Server) apiListRoles(w http.ResponseWriter, r *http.Request) error {
	roles, err := s.DB.ListRoles(r.Context())
	if err != nil {
		return err
	}
	if roles == nil {
		roles = []liaise.Role{}
	}
	return writeJSON(w, http.StatusOK, roleList{Items: roles})
}

func (s *Server) apiCreateRole(w http.ResponseWriter, r *http.Request) error {
	var req roleRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	role := liaise.Role{Name: req.Name, Capabilities: req.Capabilities}
	if err := s.DB.CreateRole(r.Context(), &role); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/roles/"+strconv.FormatInt(role.ID, 10), role.Version, role)
}

func (s *Server) apiGetRole(w http.ResponseWriter, r *http.Request) error {
	return apiGetVersioned(w, r, s.DB.GetRole, func(x liaise.Role) int { return x.Version })
}

func (s *Server) apiPatchRole(w http.ResponseWriter, r *http.Request) error {
	var req rolePatchRequest
	id, version, err := readPatch(r, &req)
	if err != nil {
		return err
	}
	role, err := s.DB.GetRole(r.Context(), id)
	if err != nil {
		return err
	}
	role.Version = version
	if req.Name != nil {
		role.Name = *req.Name
	}
	if req.Capabilities != nil {
		role.Capabilities = *req.Capabilities
	}
	if err := s.DB.UpdateRole(r.Context(), &role); err != nil {
		return err
	}
	setETag(w, role.Version)
	return writeJSON(w, http.StatusOK, role)
}
