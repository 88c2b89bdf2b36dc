package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"liaise"
)

// RoleCode derives a role's code from its name: lower case, with runs of
// anything but letters and digits turned into one underscore, so
// "Advanced STR worker" becomes advanced_str_worker.
func RoleCode(name string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if underscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			underscore = false
			b.WriteRune(r)
			continue
		}
		underscore = true
	}
	return b.String()
}

// authorizeRoleRead lets user managers read roles too: they choose a role
// for each account they add.
func authorizeRoleRead(a *liaise.Actor) error {
	if err := liaise.Authorize(a, liaise.CapRoleManage, liaise.Resource{Type: "role"}); err == nil {
		return nil
	}
	return liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "role"})
}

// msgOwnRole refuses a change to the role the actor holds: an administrator
// must not widen their own access (or lock themselves out) unobserved.
const msgOwnRole = "You cannot change the role you hold; ask another administrator."

// roleScope is the SQL condition for the roles an actor may see: the shared
// (built-in) roles and their own provider's; the operator sees every role.
func roleScope(a *liaise.Actor, col string) (string, []any) {
	if a.System {
		return "TRUE", nil
	}
	return "(" + col + " IS NULL OR " + col + " = ?)", []any{a.ProviderID}
}

// ListRoles lists the roles the actor may use, with their capabilities, by
// name: the built-in roles shared across Liaise and the actor's provider's
// own (System: all). BuiltIn reports a shared role (one with no provider),
// which only the system operator may change.
func (db *DB) ListRoles(ctx context.Context) ([]liaise.Role, error) {
	a := liaise.ActorFrom(ctx)
	if err := authorizeRoleRead(a); err != nil {
		return nil, err
	}
	where, args := roleScope(a, "provider_id")
	rows, err := db.Query(ctx, `SELECT id, code, name, provider_id IS NULL, version FROM roles WHERE `+where+` ORDER BY name, id`, args...)
	if err != nil {
		return nil, err
	}
	var roles []liaise.Role
	index := map[int64]int{}
	for rows.Next() {
		var r liaise.Role
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.BuiltIn, &r.Version); err != nil {
			rows.Close()
			return nil, err
		}
		r.Capabilities = []string{}
		index[r.ID] = len(roles)
		roles = append(roles, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	where, args = roleScope(a, "r.provider_id")
	rows, err = db.Query(ctx, `SELECT c.role_id, c.capability FROM role_capabilities c JOIN roles r ON r.id = c.role_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			roles[i].Capabilities = append(roles[i].Capabilities, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range roles {
		roles[i].Capabilities = orderCapabilities(roles[i].Capabilities)
	}
	ev := liaise.EventFor(a, liaise.AuditList, "role", 0)
	for _, r := range roles {
		ev.Subjects = append(ev.Subjects, r.ID)
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return roles, nil
}

// GetRole returns one role with its capabilities. Another provider's role
// is not found: which roles it defines is not this actor's business.
func (db *DB) GetRole(ctx context.Context, id int64) (liaise.Role, error) {
	a := liaise.ActorFrom(ctx)
	if err := authorizeRoleRead(a); err != nil {
		return liaise.Role{}, err
	}
	var r liaise.Role
	where, args := roleScope(a, "provider_id")
	err := db.QueryRow(ctx, `SELECT id, code, name, provider_id IS NULL, version FROM roles WHERE id = ? AND `+where, append([]any{id}, args...)...).
		Scan(&r.ID, &r.Code, &r.Name, &r.BuiltIn, &r.Version)
	if err != nil {
		return r, notFound(err, "The role")
	}
	rows, err := db.Query(ctx, `SELECT capability FROM role_capabilities WHERE role_id = ?`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	r.Capabilities = []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return r, err
		}
		r.Capabilities = append(r.Capabilities, c)
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.Capabilities = orderCapabilities(r.Capabilities)
	if err := db.AuditRead(ctx, liaise.EventFor(a, liaise.AuditRead, "role", id)); err != nil {
		return liaise.Role{}, err
	}
	return r, nil
}

// RoleUserCounts returns how many staff accounts (enabled or not) hold each
// role, counting only the actor's provider (System: all), so a count does
// not reveal another provider's staffing.
func (db *DB) RoleUserCounts(ctx context.Context) (map[int64]int, error) {
	a := liaise.ActorFrom(ctx)
	if err := authorizeRoleRead(a); err != nil {
		return nil, err
	}
	q := `SELECT role_id, count(*) FROM users WHERE NOT service_account`
	var args []any
	if !a.System {
		q += ` AND provider_id = ?`
		args = append(args, a.ProviderID)
	}
	rows, err := db.Query(ctx, q+` GROUP BY role_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// orderCapabilities drops duplicates and lists capabilities in the order of
// liaise.AllCapabilities, so pages and audit details read the same way
// every time. Unknown codes go last, sorted.
func orderCapabilities(caps []string) []string {
	out := []string{}
	for _, c := range liaise.AllCapabilities {
		if slices.Contains(caps, c.Code) {
			out = append(out, c.Code)
		}
	}
	var unknown []string
	for _, c := range caps {
		if !knownCapability(c) && !slices.Contains(unknown, c) {
			unknown = append(unknown, c)
		}
	}
	slices.Sort(unknown)
	return append(out, unknown...)
}

func knownCapability(c string) bool {
	return slices.ContainsFunc(liaise.AllCapabilities, func(k liaise.Capability) bool { return k.Code == c })
}

// ValidateRole checks a role's name and capabilities and derives its code
// for a new role.
func ValidateRole(r *liaise.Role) error {
	var v liaise.Validation
	r.Name = strings.Join(strings.Fields(r.Name), " ")
	v.Check(r.Name != "", "name", "Enter a name for the role")
	v.Check(len(r.Name) <= 80, "name", "Role name must be 80 characters or fewer")
	v.Check(r.Name == "" || RoleCode(r.Name) != "", "name", "Role name must contain letters or numbers")
	for _, c := range r.Capabilities {
		v.Check(knownCapability(c), "capabilities", "Choose capabilities from the list")
	}
	r.Capabilities = orderCapabilities(r.Capabilities)
	return v.Err()
}

// roleClash reports a field error when a role that staff of provider could
// confuse with this one (a shared role, or one of provider's) already has
// this name, or a name or code that reads the same once folded into a code.
// provider 0 is a shared role, which every provider sees, so it must not
// clash with any role. Roles are few, so they are compared here rather than
// in SQL, where RoleCode cannot run.
func roleClash(ctx context.Context, tx *Tx, id int64, name string, provider int64) error {
	q := `SELECT code, name FROM roles WHERE id <> ?`
	args := []any{id}
	if provider != 0 {
		q += ` AND (provider_id IS NULL OR provider_id = ?)`
		args = append(args, provider)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY name, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	code := RoleCode(name)
	for rows.Next() {
		var otherCode, other string
		if err := rows.Scan(&otherCode, &other); err != nil {
			return err
		}
		if otherCode == code || RoleCode(other) == code || strings.EqualFold(other, name) {
			return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.",
				Fields: map[string]string{"name": "A role called " + other + " already exists: choose a different name"}}
		}
	}
	return rows.Err()
}

// freeRoleCode returns a code for provider's new role that no role uses.
// Codes are unique across Liaise (users and tokens name roles by code), so
// when another provider already uses the code derived from the name, the
// provider's ODS code is added, as in advanced_str_worker_rw5: the name the
// administrator chose stays theirs, and nothing about the other provider's
// role is revealed.
func freeRoleCode(ctx context.Context, tx *Tx, code string, provider int64) (string, error) {
	taken := func(c string) (bool, error) {
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM roles WHERE code = ?`, c).Scan(&n)
		return n > 0, err
	}
	if t, err := taken(code); err != nil || !t {
		return code, err
	}
	var ods string
	if err := tx.QueryRow(ctx, `SELECT ods_code FROM providers WHERE id = ?`, provider).Scan(&ods); err != nil {
		return "", notFound(err, "The provider organisation")
	}
	base := code + "_" + strings.ToLower(RoleCode(ods))
	for i := 1; i <= 100; i++ {
		c := base
		if i > 1 {
			c = base + "_" + strconv.Itoa(i)
		}
		t, err := taken(c)
		if err != nil || !t {
			return c, err
		}
	}
	return "", fieldError("name", "Choose a different name for the role")
}

// CreateRole adds a role with a code derived from its name. An
// administrator's role belongs to their provider; the system operator's is
// shared across Liaise, like the built-in roles.
func (db *DB) CreateRole(ctx context.Context, r *liaise.Role) error {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapRoleManage, liaise.Resource{Type: "role"}); err != nil {
		return err
	}
	if err := ValidateRole(r); err != nil {
		return err
	}
	var provider int64
	if !a.System {
		provider = a.ProviderID
	}
	r.Code, r.BuiltIn = RoleCode(r.Name), provider == 0
	return db.Update(ctx, func(tx *Tx) error {
		if err := roleClash(ctx, tx, 0, r.Name, provider); err != nil {
			return err
		}
		var owner any
		if provider != 0 {
			owner = provider
			code, err := freeRoleCode(ctx, tx, r.Code, provider)
			if err != nil {
				return err
			}
			r.Code = code
		}
		id, err := tx.InsertID(ctx, `INSERT INTO roles (code, name, built_in, provider_id, version) VALUES (?, ?, ?, ?, 1)`, r.Code, r.Name, false, owner)
		if isUniqueViolation(err) {
			return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.", Fields: map[string]string{"name": "A role with this name already exists: choose a different name"}}
		}
		if err != nil {
			return err
		}
		r.ID, r.Version = id, 1
		if err := setRoleCapabilities(ctx, tx, id, r.Capabilities); err != nil {
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "role", id)
		ev.Detail = r.Code + ": " + strings.Join(r.Capabilities, " ")
		return tx.Audit(ctx, ev)
	})
}

// UpdateRole renames a role and replaces its capabilities if it is still at
// r.Version; r gets the new version. The code never changes, so users and
// tokens that name the role keep working. An administrator may change only
// their own provider's roles, and not the one they hold; built-in roles are
// shared across Liaise, so only the system operator changes them.
func (db *DB) UpdateRole(ctx context.Context, r *liaise.Role) error {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapRoleManage, liaise.Resource{Type: "role", ID: r.ID}); err != nil {
		return err
	}
	if err := ValidateRole(r); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		var oldName string
		var owner sql.NullInt64
		var version int
		if err := tx.QueryRow(ctx, `SELECT code, name, provider_id, version FROM roles WHERE id = ?`, r.ID).Scan(&r.Code, &oldName, &owner, &version); err != nil {
			return notFound(err, "The role")
		}
		if !a.System {
			switch {
			case owner.Valid && owner.Int64 != a.ProviderID:
				return liaise.Errorf(liaise.ENOTFOUND, "The role was not found.")
			case !owner.Valid:
				return liaise.Errorf(liaise.EFORBIDDEN, "Built-in roles are shared across Liaise and changed only by the system operator. To change this role, ask the system operator.")
			case r.Code == a.RoleCode:
				return liaise.Errorf(liaise.EFORBIDDEN, msgOwnRole)
			}
		}
		if version != r.Version {
			return staleError()
		}
		r.BuiltIn = !owner.Valid
		if !strings.EqualFold(oldName, r.Name) || RoleCode(r.Name) != RoleCode(oldName) {
			if err := roleClash(ctx, tx, r.ID, r.Name, owner.Int64); err != nil {
				return err
			}
		}
		var oldCaps []string
		rows, err := tx.Query(ctx, `SELECT capability FROM role_capabilities WHERE role_id = ?`, r.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			oldCaps = append(oldCaps, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		before, err := capHolders(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.UpdateVersioned(ctx, "roles", `UPDATE roles SET name = ?, version = version + 1 WHERE id = ? AND version = ?`, r.Name, r.ID, r.Version); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM role_capabilities WHERE role_id = ?`, r.ID); err != nil {
			return err
		}
		if err := setRoleCapabilities(ctx, tx, r.ID, r.Capabilities); err != nil {
			return err
		}
		if err := guardManagers(ctx, tx, a, before); err != nil {
			return err
		}
		var detail []string
		if oldName != r.Name {
			detail = append(detail, "renamed")
		}
		for _, c := range r.Capabilities {
			if !slices.Contains(oldCaps, c) {
				detail = append(detail, "+"+c)
			}
		}
		for _, c := range orderCapabilities(oldCaps) {
			if !slices.Contains(r.Capabilities, c) {
				detail = append(detail, "-"+c)
			}
		}
		if len(detail) == 0 {
			detail = append(detail, "no changes")
		}
		ev := liaise.EventFor(a, liaise.AuditUpdate, "role", r.ID)
		if owner.Valid {
			ev.ProviderID = owner.Int64
		}
		ev.Detail = r.Code + ": " + strings.Join(detail, " ")
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		r.Version++
		return nil
	})
}

func setRoleCapabilities(ctx context.Context, tx *Tx, roleID int64, caps []string) error {
	for _, c := range caps {
		if _, err := tx.Exec(ctx, `INSERT INTO role_capabilities (role_id, capability) VALUES (?, ?)`, roleID, c); err != nil {
			return err
		}
	}
	return nil
}
