package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"liaise"
)

// UserFilter narrows the staff list. ProviderID is honoured for the System
// actor only: everyone else always sees their own provider's staff.
type UserFilter struct {
	ProviderID int64
	RoleCode   string
	TeamID     int64
}

// UserChanges is an edit of a staff account; nil fields are left as they are,
// so the API's PATCH and the edit form share one code path.
type UserChanges struct {
	DisplayName *string
	Email       *string
	RoleCode    *string
	// PartnerID 0 clears the partner organisation.
	PartnerID *int64
	TeamIDs   *[]int64
	Disabled  *bool
}

// StaffChoices are what the user form offers: the provider's teams and
// partner organisations.
type StaffChoices struct {
	Teams    []liaise.Team
	Partners []liaise.Partner
}

const selectStaff = `SELECT u.id, u.provider_id, u.username, u.display_name, u.email, r.code, u.partner_id, u.disabled, u.demo, u.version
	FROM users u JOIN roles r ON r.id = u.role_id`

func scanStaff(sc interface{ Scan(...any) error }) (liaise.User, error) {
	var u liaise.User
	var partner sql.NullInt64
	err := sc.Scan(&u.ID, &u.ProviderID, &u.Username, &u.DisplayName, &u.Email, &u.RoleCode, &partner, &u.Disabled, &u.Demo, &u.Version)
	u.PartnerID = partner.Int64
	u.Memberships = []liaise.Membership{}
	return u, err
}

// ListUsers lists the staff accounts of the actor's provider (System: of
// filter.ProviderID, or all), with their role and teams. Service accounts are
// not staff and are left out. The list is audited with the ids it showed.
func (db *DB) ListUsers(ctx context.Context, f UserFilter) ([]liaise.User, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user"}); err != nil {
		return nil, err
	}
	provider := f.ProviderID
	if !a.System {
		provider = a.ProviderID
	}
	q := selectStaff + ` WHERE NOT u.service_account`
	var args []any
	if provider != 0 {
		q += ` AND u.provider_id = ?`
		args = append(args, provider)
	}
	if f.RoleCode != "" {
		q += ` AND r.code = ?`
		args = append(args, f.RoleCode)
	}
	if f.TeamID != 0 {
		q += ` AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.team_id = ?)`
		args = append(args, f.TeamID)
	}
	q += ` ORDER BY u.display_name, u.id`
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var users []liaise.User
	index := map[int64]int{}
	for rows.Next() {
		u, err := scanStaff(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[u.ID] = len(users)
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(users) > 0 {
		mq := `SELECT m.user_id, t.id, t.name FROM memberships m JOIN teams t ON t.id = m.team_id`
		var margs []any
		if provider != 0 {
			mq += ` WHERE t.provider_id = ?`
			margs = append(margs, provider)
		}
		mq += ` ORDER BY t.name, t.id`
		rows, err := db.Query(ctx, mq, margs...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var uid int64
			var m liaise.Membership
			if err := rows.Scan(&uid, &m.TeamID, &m.TeamName); err != nil {
				return nil, err
			}
			if i, ok := index[uid]; ok {
				users[i].Memberships = append(users[i].Memberships, m)
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "user", 0)
	ev.ProviderID = provider
	for _, u := range users {
		ev.Subjects = append(ev.Subjects, u.ID)
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return users, nil
}

// authorizeStaff decides access to one staff account once its provider is
// known. A refusal that comes only from the provider boundary is reported as
// not found, so an administrator cannot learn which ids another provider's
// staff have.
func authorizeStaff(a *liaise.Actor, id, provider int64) error {
	err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ID: id, ProviderID: provider})
	if err == nil {
		return nil
	}
	if liaise.ErrorCode(err) == liaise.EFORBIDDEN && liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user"}) == nil {
		return liaise.Errorf(liaise.ENOTFOUND, "The user was not found.")
	}
	return err
}

// GetUser returns one staff account with its teams, audited as a read.
func (db *DB) GetUser(ctx context.Context, id int64) (liaise.User, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ID: id}); err != nil {
		return liaise.User{}, err
	}
	u, err := scanStaff(db.QueryRow(ctx, selectStaff+` WHERE u.id = ? AND NOT u.service_account`, id))
	if err != nil {
		return u, notFound(err, "The user")
	}
	if err := authorizeStaff(a, id, u.ProviderID); err != nil {
		return liaise.User{}, err
	}
	if u.Memberships, err = memberships(ctx, db, id); err != nil {
		return u, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "user", id)
	ev.ProviderID = u.ProviderID
	if err := db.AuditRead(ctx, ev); err != nil {
		return liaise.User{}, err
	}
	return u, nil
}

// memberships lists a user's teams, by name; q is the reader pool or the
// transaction that is changing them.
func memberships(ctx context.Context, q queryer, userID int64) ([]liaise.Membership, error) {
	rows, err := q.Query(ctx, `SELECT t.id, t.name FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ? ORDER BY t.name, t.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []liaise.Membership{}
	for rows.Next() {
		var m liaise.Membership
		if err := rows.Scan(&m.TeamID, &m.TeamName); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// StaffChoicesFor lists the teams and partner organisations of a provider,
// for the user form. Names of teams are not personal data, so this is not
// audited; the account the form edits is.
func (db *DB) StaffChoicesFor(ctx context.Context, providerID int64) (StaffChoices, error) {
	a := liaise.ActorFrom(ctx)
	var c StaffChoices
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "provider", ID: providerID, ProviderID: providerID}); err != nil {
		return c, err
	}
	rows, err := db.Query(ctx, `SELECT id, service_id, provider_id, name, version FROM teams WHERE provider_id = ? ORDER BY name, id`, providerID)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var t liaise.Team
		if err := rows.Scan(&t.ID, &t.ServiceID, &t.ProviderID, &t.Name, &t.Version); err != nil {
			rows.Close()
			return c, err
		}
		c.Teams = append(c.Teams, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows, err = db.Query(ctx, `SELECT id, provider_id, name, ods_code, version FROM partners WHERE provider_id = ? ORDER BY name, id`, providerID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var p liaise.Partner
		if err := rows.Scan(&p.ID, &p.ProviderID, &p.Name, &p.ODSCode, &p.Version); err != nil {
			return c, err
		}
		c.Partners = append(c.Partners, p)
	}
	return c, rows.Err()
}

// ResolveStaffPlacement finds a provider by ODS code and teams of it by name,
// for the command line, which names them rather than knowing their ids.
func (db *DB) ResolveStaffPlacement(ctx context.Context, odsCode string, teamNames []string) (providerID int64, teamIDs []int64, err error) {
	err = db.QueryRow(ctx, `SELECT id FROM providers WHERE ods_code = ?`, strings.ToUpper(strings.TrimSpace(odsCode))).Scan(&providerID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, liaise.Errorf(liaise.ENOTFOUND, "No provider has the ODS code %q.", odsCode)
	}
	if err != nil {
		return 0, nil, err
	}
	for _, name := range teamNames {
		var id int64
		err := db.QueryRow(ctx, `SELECT id FROM teams WHERE provider_id = ? AND lower(name) = lower(?)`, providerID, strings.TrimSpace(name)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil, liaise.Errorf(liaise.ENOTFOUND, "The provider %s has no team called %q.", odsCode, name)
		}
		if err != nil {
			return 0, nil, err
		}
		teamIDs = append(teamIDs, id)
	}
	return providerID, teamIDs, nil
}

// checkPlacement checks that a user's teams and partner organisation belong
// to the user's provider: the provider is the data boundary, and a team of
// another provider would open its caseload.
func checkPlacement(ctx context.Context, tx *Tx, providerID, partnerID int64, teamIDs []int64) error {
	var v liaise.Validation
	if partnerID != 0 {
		var p int64
		err := tx.QueryRow(ctx, `SELECT provider_id FROM partners WHERE id = ?`, partnerID).Scan(&p)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		v.Check(err == nil && p == providerID, "partner_id", "Choose a partner organisation of this provider")
	}
	for _, t := range teamIDs {
		var p int64
		err := tx.QueryRow(ctx, `SELECT provider_id FROM teams WHERE id = ?`, t).Scan(&p)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		v.Check(err == nil && p == providerID, "teams", "Choose teams of this provider only")
	}
	return v.Err()
}

// CreateStaff adds a staff account after checking its teams and partner
// organisation belong to its provider, and that its role is built in or the
// provider's own. CreateUser is the lower-level write (demo data, tests);
// admin faces use this. The role given is audited.
func (db *DB) CreateStaff(ctx context.Context, u *liaise.User, passwordHash string) error {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ProviderID: u.ProviderID}); err != nil {
		return err
	}
	if err := ValidateUser(u); err != nil {
		return err
	}
	u.Memberships = dedupeMemberships(u.Memberships)
	return db.Update(ctx, func(tx *Tx) error {
		if err := checkPlacement(ctx, tx, u.ProviderID, u.PartnerID, membershipIDs(u.Memberships)); err != nil {
			return err
		}
		if err := insertUser(ctx, tx, u, passwordHash, false); err != nil {
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "user", u.ID)
		ev.ProviderID = u.ProviderID
		ev.Detail = "role " + u.RoleCode
		return tx.Audit(ctx, ev)
	})
}

func dedupeMemberships(ms []liaise.Membership) []liaise.Membership {
	var out []liaise.Membership
	seen := map[int64]bool{}
	for _, m := range ms {
		if m.TeamID != 0 && !seen[m.TeamID] {
			seen[m.TeamID] = true
			out = append(out, m)
		}
	}
	return out
}

func membershipIDs(ms []liaise.Membership) []int64 {
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.TeamID)
	}
	return ids
}

// UpdateUser applies changes to a staff account if it is still at version,
// so an edit made on a stale page is refused rather than overwriting. It
// returns the account as saved.
func (db *DB) UpdateUser(ctx context.Context, id int64, version int, c UserChanges) (liaise.User, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ID: id}); err != nil {
		return liaise.User{}, err
	}
	var out liaise.User
	err := db.Update(ctx, func(tx *Tx) error {
		u, err := scanStaff(tx.QueryRow(ctx, selectStaff+` WHERE u.id = ? AND NOT u.service_account`, id))
		if err != nil {
			return notFound(err, "The user")
		}
		if err := authorizeStaff(a, id, u.ProviderID); err != nil {
			return err
		}
		if u.Version != version {
			return staleError()
		}
		oldMembers, err := memberships(ctx, tx, id)
		if err != nil {
			return err
		}
		var changed []string
		if c.DisplayName != nil && *c.DisplayName != u.DisplayName {
			u.DisplayName = *c.DisplayName
			changed = append(changed, "display_name")
		}
		if c.Email != nil && strings.TrimSpace(*c.Email) != u.Email {
			u.Email = strings.TrimSpace(*c.Email)
			changed = append(changed, "email")
		}
		oldRole := u.RoleCode
		if c.RoleCode != nil && *c.RoleCode != u.RoleCode {
			// Assigning roles to others is an administrator's job; their
			// own is for another administrator, so no one widens their
			// own access unobserved.
			if a.UserID == id && !a.System {
				return liaise.Errorf(liaise.EFORBIDDEN, msgOwnRole)
			}
			u.RoleCode = *c.RoleCode
			changed = append(changed, "role")
		}
		if c.PartnerID != nil && *c.PartnerID != u.PartnerID {
			u.PartnerID = *c.PartnerID
			changed = append(changed, "partner")
		}
		newTeams := membershipIDs(oldMembers)
		if c.TeamIDs != nil {
			var ms []liaise.Membership
			for _, t := range *c.TeamIDs {
				ms = append(ms, liaise.Membership{TeamID: t})
			}
			newTeams = membershipIDs(dedupeMemberships(ms))
			if !sameSet(newTeams, membershipIDs(oldMembers)) {
				changed = append(changed, "teams")
			}
		}
		wasDisabled := u.Disabled
		if c.Disabled != nil && *c.Disabled != u.Disabled {
			if *c.Disabled && a.UserID == id && !a.System {
				return liaise.Errorf(liaise.ECONFLICT, "You cannot disable your own account. Ask another administrator.")
			}
			u.Disabled = *c.Disabled
			changed = append(changed, "disabled")
		}
		if err := ValidateUser(&u); err != nil {
			return err
		}
		if err := checkPlacement(ctx, tx, u.ProviderID, u.PartnerID, newTeams); err != nil {
			return err
		}
		roleID, err := roleIDByCode(ctx, tx, u.RoleCode, u.ProviderID)
		if err != nil {
			return err
		}
		before, err := capHolders(ctx, tx)
		if err != nil {
			return err
		}
		var partner any
		if u.PartnerID != 0 {
			partner = u.PartnerID
		}
		if err := tx.UpdateVersioned(ctx, "users", `UPDATE users SET display_name = ?, email = ?, role_id = ?, partner_id = ?, disabled = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, u.DisplayName, u.Email, roleID, partner, u.Disabled, tx.Now, id, version); err != nil {
			return err
		}
		if c.TeamIDs != nil {
			if err := setMemberships(ctx, tx, id, newTeams); err != nil {
				return err
			}
		}
		if u.Disabled && !wasDisabled {
			if err := signOutEverywhere(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := guardManagers(ctx, tx, a, before); err != nil {
			return err
		}
		action := liaise.AuditUpdate
		if u.Disabled && !wasDisabled {
			action = liaise.AuditDisable
		}
		ev := liaise.EventFor(a, action, "user", id)
		ev.ProviderID = u.ProviderID
		ev.Detail = "changed " + strings.Join(changed, ", ")
		if len(changed) == 0 {
			ev.Detail = "no changes"
		}
		if oldRole != u.RoleCode {
			ev.Detail += "; role " + oldRole + " → " + u.RoleCode
		}
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		u.Version = version + 1
		if u.Memberships, err = memberships(ctx, tx, id); err != nil {
			return err
		}
		out = u
		return nil
	})
	return out, err
}

// DisableUser stops an account signing in, and ends its sessions and API
// tokens at once (a leaver must not keep a live session on a shared
// terminal). It does not take a version: disabling must not fail because
// someone else edited the account meanwhile.
func (db *DB) DisableUser(ctx context.Context, id int64) error {
	return db.setDisabled(ctx, id, true)
}

// EnableUser lets a disabled account sign in again. Its old sessions and
// tokens stay revoked.
func (db *DB) EnableUser(ctx context.Context, id int64) error {
	return db.setDisabled(ctx, id, false)
}

func (db *DB) setDisabled(ctx context.Context, id int64, disabled bool) error {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ID: id}); err != nil {
		return err
	}
	if disabled && a.UserID == id && !a.System {
		return liaise.Errorf(liaise.ECONFLICT, "You cannot disable your own account. Ask another administrator.")
	}
	return db.Update(ctx, func(tx *Tx) error {
		var provider int64
		var was bool
		if err := tx.QueryRow(ctx, `SELECT provider_id, disabled FROM users WHERE id = ?`, id).Scan(&provider, &was); err != nil {
			return notFound(err, "The user")
		}
		if err := authorizeStaff(a, id, provider); err != nil {
			return err
		}
		before, err := capHolders(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET disabled = ?, version = version + 1, updated_at = ? WHERE id = ?`, disabled, tx.Now, id); err != nil {
			return err
		}
		action, detail := liaise.AuditDisable, "disabled"
		if disabled {
			if err := signOutEverywhere(ctx, tx, id); err != nil {
				return err
			}
		} else {
			action, detail = liaise.AuditUpdate, "enabled"
		}
		if was == disabled {
			detail += " (already)"
		}
		if err := guardManagers(ctx, tx, a, before); err != nil {
			return err
		}
		ev := liaise.EventFor(a, action, "user", id)
		ev.ProviderID = provider
		ev.Detail = detail
		return tx.Audit(ctx, ev)
	})
}

// signOutEverywhere revokes a user's sessions and API tokens.
func signOutEverywhere(ctx context.Context, tx *Tx, userID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.Now, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.Now, userID)
	return err
}

func setMemberships(ctx context.Context, tx *Tx, userID int64, teamIDs []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, t := range teamIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (user_id, team_id) VALUES (?, ?)`, userID, t); err != nil {
			return err
		}
	}
	return nil
}

func sameSet(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// managerCounts is, per provider, how many enabled staff hold a capability.
type managerCounts struct {
	roles map[int64]int // admin.roles holders
	users map[int64]int // admin.users holders
}

func capHolders(ctx context.Context, tx *Tx) (managerCounts, error) {
	c := managerCounts{roles: map[int64]int{}, users: map[int64]int{}}
	rows, err := tx.Query(ctx, `SELECT u.provider_id, rc.capability, count(*) FROM users u
		JOIN role_capabilities rc ON rc.role_id = u.role_id AND rc.capability IN (?, ?)
		WHERE NOT u.disabled AND NOT u.service_account
		GROUP BY u.provider_id, rc.capability`, liaise.CapRoleManage, liaise.CapUserManage)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var p int64
		var capability string
		var n int
		if err := rows.Scan(&p, &capability, &n); err != nil {
			return c, err
		}
		if capability == liaise.CapRoleManage {
			c.roles[p] = n
		} else {
			c.users[p] = n
		}
	}
	return c, rows.Err()
}

// guardManagers refuses a change (in the same transaction, so it rolls back)
// that leaves nobody able to manage roles, or a provider with nobody able to
// manage its staff accounts, where someone could before: administrators
// must not lock themselves out. The operator at the command line (System)
// can always recover, so is not held to it.
func guardManagers(ctx context.Context, tx *Tx, a *liaise.Actor, before managerCounts) error {
	if a != nil && a.System {
		return nil
	}
	after, err := capHolders(ctx, tx)
	if err != nil {
		return err
	}
	sum := func(m map[int64]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	if sum(before.roles) > 0 && sum(after.roles) == 0 {
		return liaise.Errorf(liaise.ECONFLICT, "This change would leave nobody able to manage roles (%s). Give another active account that permission first.", liaise.CapRoleManage)
	}
	for p, n := range before.users {
		if n > 0 && after.users[p] == 0 {
			return liaise.Errorf(liaise.ECONFLICT, "This change would leave the provider organisation with nobody able to manage staff accounts (%s). Give another active account that permission first.", liaise.CapUserManage)
		}
	}
	return nil
}

func staleError() error {
	return liaise.Errorf(liaise.ESTALE, "Someone else changed this record while you were editing it. Nothing you entered has been saved over their change: reload the page to see the latest version and make your change again.")
}

// UserIDByUsername finds an account for the command line, which names
// accounts by username.
func (db *DB) UserIDByUsername(ctx context.Context, username string) (int64, error) {
	c, err := db.Credentials(ctx, username)
	if err != nil {
		return 0, liaise.Errorf(liaise.ENOTFOUND, "No account has the username %q.", NormaliseUsername(username))
	}
	return c.UserID, nil
}
