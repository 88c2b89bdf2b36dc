package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

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

// LoadActor builds the actor for a user: role, capabilities and teams. It
// runs on every authenticated request, so it is two indexed queries.
func (db *DB) LoadActor(ctx context.Context, userID int64) (*liaise.Actor, error) {
	a := &liaise.Actor{UserID: userID}
	var roleID int64
	var disabled bool
	err := db.QueryRow(ctx, `SELECT u.username, u.display_name, u.provider_id, u.disabled, r.id, r.code, r.name
		FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?`, userID).
		Scan(&a.Username, &a.DisplayName, &a.ProviderID, &disabled, &roleID, &a.RoleCode, &a.RoleName)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "Your account is not active. Ask your administrator.")
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT capability FROM role_capabilities WHERE role_id = ? ORDER BY capability`, roleID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		a.Capabilities = append(a.Capabilities, c)
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT t.id, t.name FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ? ORDER BY t.name`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		a.TeamIDs = append(a.TeamIDs, id)
		a.TeamNames = append(a.TeamNames, name)
	}
	return a, rows.Err()
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
