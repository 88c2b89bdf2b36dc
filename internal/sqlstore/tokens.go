package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"liaise"
)

// APIToken is a personal or service-account token. Only its hash and a
// short prefix (to recognise it in lists) are stored.
type APIToken struct {
	ID         int64       `json:"id,string"`
	UserID     int64       `json:"user_id,string"`
	Name       string      `json:"name"`
	Prefix     string      `json:"prefix"`
	Scopes     []string    `json:"scopes"`
	CreatedAt  liaise.Time `json:"created_at"`
	ExpiresAt  liaise.Time `json:"expires_at"`
	LastUsedAt liaise.Time `json:"last_used_at"`
	RevokedAt  liaise.Time `json:"revoked_at"`
}

// InsertAPIToken stores a token for userID, audited as created by the actor.
func (db *DB) InsertAPIToken(ctx context.Context, t *APIToken, tokenHash string) error {
	a := liaise.ActorFrom(ctx)
	return db.Update(ctx, func(tx *Tx) error {
		return insertToken(ctx, tx, a, t, tokenHash, "user")
	})
}

// insertToken writes a token row and its audit event in tx, so a service
// account and its first token can be made in one transaction. owner says
// whose token it is in the audit detail ("user", "service account").
func insertToken(ctx context.Context, tx *Tx, a *liaise.Actor, t *APIToken, tokenHash, owner string) error {
	var by, exp any
	if a != nil && a.UserID != 0 {
		by = a.UserID
	}
	if !t.ExpiresAt.IsZero() {
		exp = t.ExpiresAt
	}
	id, err := tx.InsertID(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.UserID, t.Name, tokenHash, t.Prefix, strings.Join(t.Scopes, " "), tx.Now, by, exp)
	if err != nil {
		return err
	}
	t.ID, t.CreatedAt = id, tx.Now
	ev := liaise.EventFor(a, liaise.AuditTokenCreate, "api_token", id)
	ev.Detail = "for " + owner + " " + strconv.FormatInt(t.UserID, 10)
	return tx.Audit(ctx, ev)
}

// tokenColumns are the columns scanToken reads, in its order.
const tokenColumns = `id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var scopes string
	err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt)
	t.Scopes = strings.Fields(scopes)
	return t, err
}

// LookupAPIToken finds the live token with this hash and notes its use (at
// most once a minute).
func (db *DB) LookupAPIToken(ctx context.Context, tokenHash string, now time.Time) (APIToken, error) {
	t, err := scanToken(db.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, liaise.Errorf(liaise.EUNAUTHENTICATED, "The API token is not valid.")
	}
	if err != nil {
		return t, err
	}
	if !t.RevokedAt.IsZero() {
		return t, liaise.Errorf(liaise.EUNAUTHENTICATED, "The API token has been revoked.")
	}
	if !t.ExpiresAt.IsZero() && now.After(t.ExpiresAt.Time) {
		return t, liaise.Errorf(liaise.EUNAUTHENTICATED, "The API token has expired.")
	}
	if t.LastUsedAt.IsZero() || now.Sub(t.LastUsedAt.Time) > time.Minute {
		if _, err := db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, liaise.NewTime(now), t.ID); err != nil {
			return t, err
		}
	}
	return t, nil
}

// ListAPITokens lists a user's tokens, newest first.
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := db.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes a token belonging to userID.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	a := liaise.ActorFrom(ctx)
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, tx.Now, tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return liaise.Errorf(liaise.ENOTFOUND, "That token was not found or is already revoked.")
		}
		return tx.Audit(ctx, liaise.EventFor(a, liaise.AuditTokenRevoke, "api_token", tokenID))
	})
}
