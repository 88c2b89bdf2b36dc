package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"liaise"
)

// UserCredentials is what sign-in needs to know about an account.
type UserCredentials struct {
	UserID         int64
	ProviderID     int64
	Username       string
	PasswordHash   string
	Disabled       bool
	Demo           bool
	ServiceAccount bool
}

// NormaliseUsername folds a username so sign-in is case-insensitive.
func NormaliseUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Credentials looks up an account by username for sign-in. It is not
// audited here: the sign-in outcome is.
func (db *DB) Credentials(ctx context.Context, username string) (UserCredentials, error) {
	var c UserCredentials
	err := db.QueryRow(ctx, `SELECT id, provider_id, username, password_hash, disabled, demo, service_account FROM users WHERE username = ?`,
		NormaliseUsername(username)).Scan(&c.UserID, &c.ProviderID, &c.Username, &c.PasswordHash, &c.Disabled, &c.Demo, &c.ServiceAccount)
	if errors.Is(err, sql.ErrNoRows) {
		return c, liaise.Errorf(liaise.ENOTFOUND, "No such account.")
	}
	return c, err
}

// actorColumns reads a user's role and teams in one statement (FROM users u
// JOIN roles r): this runs on every authenticated request, so it is one
// round trip instead of three. The role's capabilities come from
// roleCapabilities by the role's version. Team names may hold commas, so
// teams are joined with the unit separator, which names cannot.
const actorColumns = `u.id, u.username, u.display_name, u.provider_id, u.disabled, r.code, r.name, r.id, r.version,
	(SELECT string_agg(CAST(t.id AS TEXT) || ':' || t.name, '` + teamSeparator + `' ORDER BY t.name, t.id)
		FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = u.id)`

const teamSeparator = "\x1f"

// actorScan holds an actor row until it is checked.
type actorScan struct {
	a        liaise.Actor
	disabled bool
	role     roleKey
	teams    sql.NullString
}

func (s *actorScan) dest() []any {
	return []any{&s.a.UserID, &s.a.Username, &s.a.DisplayName, &s.a.ProviderID, &s.disabled, &s.a.RoleCode, &s.a.RoleName, &s.role.id, &s.role.version, &s.teams}
}

// actor returns the scanned actor, or EUNAUTHENTICATED for a disabled account.
func (s *actorScan) actor(ctx context.Context, db *DB) (*liaise.Actor, error) {
	if s.disabled {
		return nil, errAccountInactive()
	}
	a := s.a
	caps, err := db.roleCapabilities(ctx, s.role)
	if err != nil {
		return nil, err
	}
	a.Capabilities = slices.Clone(caps)
	if s.teams.String != "" {
		for _, t := range strings.Split(s.teams.String, teamSeparator) {
			id, name, _ := strings.Cut(t, ":")
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("actor team %q: %w", id, err)
			}
			a.TeamIDs = append(a.TeamIDs, n)
			a.TeamNames = append(a.TeamNames, name)
		}
	}
	return &a, nil
}

func errAccountInactive() error {
	return liaise.Errorf(liaise.EUNAUTHENTICATED, "Your account is not active. Ask your administrator.")
}

// LoadActor builds the actor for a user: role, capabilities and teams.
func (db *DB) LoadActor(ctx context.Context, userID int64) (*liaise.Actor, error) {
	var s actorScan
	err := db.QueryRow(ctx, `SELECT `+actorColumns+` FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?`, userID).Scan(s.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errAccountInactive()
	}
	if err != nil {
		return nil, err
	}
	return s.actor(ctx, db)
}

// roleKey names one version of a role: every change to a role's
// capabilities bumps its version (UpdateRole), so a role's capabilities
// can be kept by key without ever going stale.
type roleKey struct{ id, version int64 }

// roleCaps caches capabilities by role version for actorColumns.
type roleCaps struct {
	mu sync.RWMutex
	m  map[roleKey][]string
}

// roleCapabilities returns the sorted capabilities of a role version.
func (db *DB) roleCapabilities(ctx context.Context, k roleKey) ([]string, error) {
	db.roles.mu.RLock()
	caps, ok := db.roles.m[k]
	db.roles.mu.RUnlock()
	if ok {
		return caps, nil
	}
	rows, err := db.Query(ctx, `SELECT capability FROM role_capabilities WHERE role_id = ? ORDER BY capability`, k.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	caps = []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		caps = append(caps, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	db.roles.mu.Lock()
	if db.roles.m == nil || len(db.roles.m) >= 1000 {
		db.roles.m = map[roleKey][]string{}
	}
	db.roles.m[k] = caps
	db.roles.mu.Unlock()
	return caps, nil
}

// roleIDByCode finds a role that an account of provider may hold by its
// code: a built-in (shared) role or one of provider's own. Another
// provider's role answers as if it did not exist.
func roleIDByCode(ctx context.Context, tx *Tx, code string, provider int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM roles WHERE code = ? AND (provider_id IS NULL OR provider_id = ?)`, code, provider).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.", Fields: map[string]string{"role": "Choose a role that exists"}}
	}
	return id, err
}

// insertUser writes a user row and memberships; callers authorise and audit.
func insertUser(ctx context.Context, tx *Tx, u *liaise.User, passwordHash string, serviceAccount bool) error {
	roleID, err := roleIDByCode(ctx, tx, u.RoleCode, u.ProviderID)
	if err != nil {
		return err
	}
	var partner any
	if u.PartnerID != 0 {
		partner = u.PartnerID
	}
	u.Username = NormaliseUsername(u.Username)
	u.ID, err = tx.InsertID(ctx, `INSERT INTO users (provider_id, username, display_name, email, role_id, partner_id, password_hash, disabled, demo, service_account, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		u.ProviderID, u.Username, u.DisplayName, u.Email, roleID, partner, passwordHash, u.Disabled, u.Demo, serviceAccount, tx.Now, tx.Now)
	if isUniqueViolation(err) {
		return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.", Fields: map[string]string{"username": "That username is already taken"}}
	}
	if err != nil {
		return err
	}
	u.Version = 1
	for _, m := range u.Memberships {
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (user_id, team_id) VALUES (?, ?)`, u.ID, m.TeamID); err != nil {
			return err
		}
	}
	return nil
}

// ValidateUser checks a user's fields for create and update.
func ValidateUser(u *liaise.User) error {
	var v liaise.Validation
	u.Username = NormaliseUsername(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	v.Check(u.Username != "", "username", "Enter a username")
	v.Check(len(u.Username) <= 64, "username", "Username must be 64 characters or fewer")
	v.Check(validUsername(u.Username), "username", "Username can only contain letters, numbers, dots, hyphens and underscores")
	v.Check(u.DisplayName != "", "display_name", "Enter the person's name as staff know them")
	v.Check(u.Email == "" || strings.Contains(u.Email, "@"), "email", "Enter an email address in the correct format, like name@nhs.net")
	v.Check(u.RoleCode != "", "role", "Choose a role")
	v.Check(u.ProviderID != 0, "provider_id", "Choose the provider organisation")
	return v.Err()
}

func validUsername(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CreateUser adds a staff account. The password hash comes from the auth
// package; an empty hash means the account cannot sign in until reset.
func (db *DB) CreateUser(ctx context.Context, u *liaise.User, passwordHash string) error {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ProviderID: u.ProviderID}); err != nil {
		return err
	}
	if err := ValidateUser(u); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := insertUser(ctx, tx, u, passwordHash, false); err != nil {
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "user", u.ID)
		ev.ProviderID = u.ProviderID
		return tx.Audit(ctx, ev)
	})
}

// SetPasswordHash replaces a user's password hash and signs them out everywhere.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	a := liaise.ActorFrom(ctx)
	var provider int64
	var username string
	if err := db.QueryRow(ctx, `SELECT provider_id, username FROM users WHERE id = ?`, userID).Scan(&provider, &username); err != nil {
		return notFound(err, "The user")
	}
	if a == nil || a.UserID != userID {
		if err := liaise.Authorize(a, liaise.CapUserManage, liaise.Resource{Type: "user", ID: userID, ProviderID: provider}); err != nil {
			return err
		}
	}
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?`, hash, tx.Now, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.Now, userID); err != nil {
			return err
		}
		// A reset by someone else answers a compromised or locked account:
		// its personal API tokens go too, or "signed out everywhere" would
		// not be true. Changing your own password keeps your tokens.
		if a == nil || a.UserID != userID {
			if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.Now, userID); err != nil {
				return err
			}
		}
		// A reset is what the lock-out message tells staff to ask for, so it
		// lifts the lock too.
		if _, err := tx.Exec(ctx, `DELETE FROM signin_failures WHERE username = ?`, failureKey(username)); err != nil {
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditPasswordReset, "user", userID)
		ev.ProviderID = provider
		return tx.Audit(ctx, ev)
	})
}
