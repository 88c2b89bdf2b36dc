package server

import (
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
			Summary: "Every role with its capabilities (roles apply across Liaise)", Response: roleList{}},
		{Method: "POST", Pattern: "/api/v1/roles", Cap: c, Config: true, Handler: s.apiCreateRole, Status: http.StatusCreated,
			Summary: "Define a role; its code is derived from its name", Request: roleRequest{}, Response: liaise.Role{}},
		{Method: "GET", Pattern: "/api/v1/roles/{id}", Cap: c, Config: true, Handler: s.apiGetRole,
			Summary: "One role with its capabilities; its version is the ETag", Response: liaise.Role{}},
		{Method: "PATCH", Pattern: "/api/v1/roles/{id}", Cap: c, Config: true, Handler: s.apiPatchRole,
			Summary: "Rename a role or replace its capabilities", Request: rolePatchRequest{}, Response: liaise.Role{}},
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

// parseIDs reads string ids, reporting a field error for a malformed one.
func parseIDs(field string, ss []string) ([]int64, error) {
	out := make([]int64, 0, len(ss))
	for _, s := range ss {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was sent.", Fields: map[string]string{field: "must be a list of ids (strings of digits)"}}
		}
		out = append(out, id)
	}
	return out, nil
}

func parseOptionalID(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	ids, err := parseIDs(field, []string{s})
	if err != nil {
		return 0, &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was sent.", Fields: map[string]string{field: "must be an id (a string of digits) or empty"}}
	}
	return ids[0], nil
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
	teams, err := parseIDs("team_ids", req.TeamIDs)
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
		return teamIDsField(err)
	}
	saved, err := s.DB.GetUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	setETag(w, saved.Version)
	return writeJSON(w, http.StatusCreated, saved)
}

// teamIDsField renames the store's "teams" field error to the API's field name.
func teamIDsField(err error) error {
	fields := liaise.ErrorFields(err)
	if m, ok := fields["teams"]; ok {
		out := &liaise.Error{Code: liaise.EINVALID, Message: liaise.ErrorMessage(err), Fields: map[string]string{}}
		for k, v := range fields {
			out.Fields[k] = v
		}
		delete(out.Fields, "teams")
		out.Fields["team_ids"] = m
		return out
	}
	return err
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	u, err := s.DB.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, u.Version)
	return writeJSON(w, http.StatusOK, u)
}

func (s *Server) apiPatchUser(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req userPatchRequest
	if err := readJSON(r, &req); err != nil {
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
		teams, err := parseIDs("team_ids", *req.TeamIDs)
		if err != nil {
			return err
		}
		c.TeamIDs = &teams
	}
	u, err := s.DB.UpdateUser(r.Context(), id, version, c)
	if err != nil {
		return teamIDsField(err)
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
	w.Header().Set("Location", "/api/v1/roles/"+strconv.FormatInt(role.ID, 10))
	setETag(w, role.Version)
	return writeJSON(w, http.StatusCreated, role)
}

func (s *Server) apiGetRole(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	role, err := s.DB.GetRole(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, role.Version)
	return writeJSON(w, http.StatusOK, role)
}

func (s *Server) apiPatchRole(w http.ResponseWriter, r *http.Request) error {
	id, err := staffPathID(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req rolePatchRequest
	if err := readJSON(r, &req); err != nil {
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
