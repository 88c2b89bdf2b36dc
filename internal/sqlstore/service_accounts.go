package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"liaise"
)

// ServiceAccount is a non-human account for a system feed (for example
// prison release events). It has no password and signs in only with tokens
// whose scopes narrow its role.
type ServiceAccount struct {
	ID          int64       `json:"id,string"`
	ProviderID  int64       `json:"provider_id,string"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	RoleCode    string      `json:"role"`
	RoleName    string      `json:"role_name"`
	Disabled    bool        `json:"disabled"`
	CreatedAt   liaise.Time `json:"created_at"`
	Tokens      []APIToken  `json:"tokens"`
}

// OperatorOnlyScopes are capabilities that only the system operator may put
// on a service account's token: with them a feed could read the audit trail,
// manage accounts and roles (and so anyone's access), or reach records
// beyond a team. An administrator who could mint such a token could use it
// themselves, which would escalate their own access.
var OperatorOnlyScopes = []string{
	liaise.CapAuditSearch, liaise.CapUserManage, liaise.CapRoleManage,
	liaise.CapServiceAccounts, liaise.CapBreakGlass, liaise.CapDisclosureReview,
}

// ServiceAccountRoles lists the roles a service account may be given (the
// built-in roles and the actor's provider's own), with their capabilities,
// so the form can offer scopes within the role.
func (db *DB) ServiceAccountRoles(ctx context.Context) ([]liaise.Role, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapServiceAccounts, liaise.Resource{Type: "role"}); err != nil {
		return nil, err
	}
	where, args := roleScope(a, "r.provider_id")
	rows, err := db.Query(ctx, `SELECT r.id, r.code, r.name, r.provider_id IS NULL, r.version, COALESCE(c.capability, '')
		FROM roles r LEFT JOIN role_capabilities c ON c.role_id = r.id WHERE `+where+` ORDER BY r.name, r.id, c.capability`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []liaise.Role
	for rows.Next() {
		var r liaise.Role
		var c string
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.BuiltIn, &r.Version, &c); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != r.ID {
			out = append(out, r)
		}
		if c != "" {
			out[len(out)-1].Capabilities = append(out[len(out)-1].Capabilities, c)
		}
	}
	return out, rows.Err()
}

// ListServiceAccounts lists the actor's provider's service accounts with
// their tokens (the system actor sees every provider's). The list is
// configuration data, so its read is audited with the accounts shown.
func (db *DB) ListServiceAccounts(ctx context.Context) ([]ServiceAccount, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapServiceAccounts, liaise.Resource{Type: "user"}); err != nil {
		return nil, err
	}
	where, args := `u.service_account = TRUE`, []any{}
	if !a.System {
		where += ` AND u.provider_id = ?`
		args = append(args, a.ProviderID)
	}
	rows, err := db.Query(ctx, `SELECT u.id, u.provider_id, u.username, u.display_name, r.code, r.name, u.disabled, u.created_at,
			t.id, t.name, t.prefix, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
		FROM users u JOIN roles r ON r.id = u.role_id LEFT JOIN api_tokens t ON t.user_id = u.id
		WHERE `+where+` ORDER BY u.display_name, u.id, t.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ServiceAccount
	for rows.Next() {
		var s ServiceAccount
		var tid sql.NullInt64
		var tname, tprefix, tscopes sql.NullString
		var t APIToken
		if err := rows.Scan(&s.ID, &s.ProviderID, &s.Username, &s.DisplayName, &s.RoleCode, &s.RoleName, &s.Disabled, &s.CreatedAt,
			&tid, &tname, &tprefix, &tscopes, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != s.ID {
			out = append(out, s)
		}
		if tid.Valid {
			t.ID, t.UserID, t.Name, t.Prefix, t.Scopes = tid.Int64, s.ID, tname.String, tprefix.String, strings.Fields(tscopes.String)
			cur := &out[len(out)-1]
			cur.Tokens = append(cur.Tokens, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ev := liaise.EventFor(a, liaise.AuditList, "service_account", 0)
	for _, s := range out {
		ev.Subjects = append(ev.Subjects, s.ID)
	}
	return out, db.AuditRead(ctx, ev)
}

// ServiceAccountUsername derives a username from a service account's name:
// "Prison release feed" becomes "svc-prison-release-feed".
func ServiceAccountUsername(name string) string {
	var b strings.Builder
	b.WriteString("svc-")
	dash := true
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// CreateServiceAccount adds a service account in the actor's provider with
// u's name and role (built in or the provider's own), and its first token t
// (whose scopes must lie within the role, and leave out the operator-only
// ones unless the actor is the operator), in one transaction, so an account
// never exists without the token it was made for. tokenHash is the token's
// stored hash.
func (db *DB) CreateServiceAccount(ctx context.Context, u *liaise.User, t *APIToken, tokenHash string) error {
	a := liaise.ActorFrom(ctx)
	if u.ProviderID == 0 && a != nil {
		u.ProviderID = a.ProviderID
	}
	if err := liaise.Authorize(a, liaise.CapServiceAccounts, liaise.Resource{Type: "user", ProviderID: u.ProviderID}); err != nil {
		return err
	}
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Username = ServiceAccountUsername(u.DisplayName)
	u.Memberships, u.Demo, u.Disabled, u.Email = nil, false, false, ""
	var v liaise.Validation
	v.Check(u.DisplayName != "", "name", "Enter a name for the service account, like Prison release feed")
	v.Check(len(u.DisplayName) <= 100, "name", "Name must be 100 characters or fewer")
	v.Check(u.DisplayName == "" || u.Username != "svc", "name", "Name must contain letters or numbers")
	v.Check(u.RoleCode != "", "role", "Choose a role")
	checkTokenFields(&v, t)
	if err := v.Err(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		caps, err := roleCapabilities(ctx, tx, u.RoleCode, u.ProviderID)
		if err != nil {
			return err
		}
		if err := checkScopes(a, t.Scopes, caps); err != nil {
			return err
		}
		if err := insertUser(ctx, tx, u, "", true); err != nil {
			if f := liaise.ErrorFields(err); f["username"] != "" {
				return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.", Fields: map[string]string{"name": "A service account with this name already exists"}}
			}
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "user", u.ID)
		ev.ProviderID = u.ProviderID
		ev.Detail = "service account; role " + u.RoleCode
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		t.UserID = u.ID
		return insertToken(ctx, tx, a, t, tokenHash, "service account")
	})
}

// IssueServiceAccountToken adds a token to an existing service account (to
// rotate one, or give a second feed its own). Scopes must lie within the
// role, and leave out the operator-only ones unless the actor is the operator.
func (db *DB) IssueServiceAccountToken(ctx context.Context, accountID int64, t *APIToken, tokenHash string) error {
	a := liaise.ActorFrom(ctx)
	var v liaise.Validation
	checkTokenFields(&v, t)
	return db.Update(ctx, func(tx *Tx) error {
		role, provider, err := serviceAccountRole(ctx, tx, a, accountID)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		caps, err := roleCapabilities(ctx, tx, role, provider)
		if err != nil {
			return err
		}
		if err := checkScopes(a, t.Scopes, caps); err != nil {
			return err
		}
		t.UserID = accountID
		return insertToken(ctx, tx, a, t, tokenHash, "service account")
	})
}

// RevokeServiceAccountToken revokes one token of a service account in the
// actor's provider.
func (db *DB) RevokeServiceAccountToken(ctx context.Context, accountID, tokenID int64) error {
	a := liaise.ActorFrom(ctx)
	err := db.Update(ctx, func(tx *Tx) error {
		_, _, err := serviceAccountRole(ctx, tx, a, accountID)
		return err
	})
	if err != nil {
		return err
	}
	return db.RevokeAPIToken(ctx, accountID, tokenID)
}

// serviceAccountRole checks the actor may manage the service account and
// returns its role code and provider. Another provider's account, or a
// person's account, is "not found": its existence is not the actor's
// business.
func serviceAccountRole(ctx context.Context, tx *Tx, a *liaise.Actor, accountID int64) (string, int64, error) {
	if err := liaise.Authorize(a, liaise.CapServiceAccounts, liaise.Resource{Type: "user"}); err != nil {
		return "", 0, err
	}
	var provider int64
	var sa bool
	var role string
	err := tx.QueryRow(ctx, `SELECT u.provider_id, u.service_account, r.code FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?`, accountID).Scan(&provider, &sa, &role)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!sa || liaise.Authorize(a, liaise.CapServiceAccounts, liaise.Resource{Type: "user", ID: accountID, ProviderID: provider}) != nil)) {
		return "", 0, liaise.Errorf(liaise.ENOTFOUND, "That service account was not found.")
	}
	return role, provider, err
}

func checkTokenFields(v *liaise.Validation, t *APIToken) {
	t.Name = strings.TrimSpace(t.Name)
	v.Check(t.Name != "", "token_name", "Enter a name for the token, like the system that will use it")
	v.Check(len(t.Name) <= 100, "token_name", "Token name must be 100 characters or fewer")
	v.Check(len(t.Scopes) > 0, "scopes", "Choose at least one thing the token may do")
}

// roleCapabilities returns the capabilities of the role with code, which
// must be built in or provider's own.
func roleCapabilities(ctx context.Context, tx *Tx, code string, provider int64) ([]string, error) {
	id, err := roleIDByCode(ctx, tx, code, provider)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT capability FROM role_capabilities WHERE role_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var caps []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		caps = append(caps, c)
	}
	return caps, rows.Err()
}

// checkScopes refuses scopes the role does not hold (a scope narrows a
// role, it never widens it) and, for anyone but the operator, the
// operator-only scopes.
func checkScopes(a *liaise.Actor, scopes, caps []string) error {
	for _, s := range scopes {
		if !slices.Contains(caps, s) {
			return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.",
				Fields: map[string]string{"scopes": "The role does not allow: " + strings.ToLower(liaise.CapabilityLabel(s)) + ". Choose only what the role may do"}}
		}
		if slices.Contains(OperatorOnlyScopes, s) && (a == nil || !a.System) {
			return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was entered.",
				Fields: map[string]string{"scopes": "Only the system operator can give a service account token this permission: " + strings.ToLower(liaise.CapabilityLabel(s)) + ". Choose other things the token may do"}}
		}
	}
	return nil
}
