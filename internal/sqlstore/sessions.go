package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"liaise"
)

// Session is a signed-in browser. The token itself is never stored: only
// its hash, so a copy of the database cannot be used to sign in.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  liaise.Time
	LastSeenAt liaise.Time
	ExpiresAt  liaise.Time
	ClientIP   string
}

// CreateSession stores a new session for userID with the given token hash
// and absolute expiry, and audits the sign-in.
func (db *DB) CreateSession(ctx context.Context, userID int64, tokenHash string, maxAge time.Duration, ev liaise.AuditEvent) (Session, error) {
	var s Session
	err := db.Update(ctx, func(tx *Tx) error {
		s = Session{UserID: userID, CreatedAt: tx.Now, LastSeenAt: tx.Now, ExpiresAt: liaise.NewTime(tx.Now.Add(maxAge)), ClientIP: ev.ClientIP}
		id, err := tx.InsertID(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_ip) VALUES (?, ?, ?, ?, ?, ?)`,
			tokenHash, userID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.ClientIP)
		if err != nil {
			return err
		}
		s.ID = id
		if ev.OccurredAt.IsZero() {
			ev.OccurredAt = tx.Now
		}
		return tx.Audit(ctx, ev)
	})
	return s, err
}

// LookupSession returns the live session with this token hash. A session
// idle for longer than idle, past its absolute expiry, or revoked is gone.
func (db *DB) LookupSession(ctx context.Context, tokenHash string, idle time.Duration, now time.Time) (Session, error) {
	s, _, err := db.lookupSession(ctx, tokenHash, idle, now, false)
	return s, err
}

// LookupSessionActor is LookupSession with the session's actor read in the
// same statement: every signed-in page starts with it.
func (db *DB) LookupSessionActor(ctx context.Context, tokenHash string, idle time.Duration, now time.Time) (Session, *liaise.Actor, error) {
	return db.lookupSession(ctx, tokenHash, idle, now, true)
}

func (db *DB) lookupSession(ctx context.Context, tokenHash string, idle time.Duration, now time.Time, withActor bool) (Session, *liaise.Actor, error) {
	var s Session
	var revoked liaise.Time
	var as actorScan
	dest := []any{&s.ID, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.ClientIP, &revoked}
	q := `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.client_ip, s.revoked_at FROM sessions s WHERE s.token_hash = ?`
	if withActor {
		q = `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.client_ip, s.revoked_at, ` + actorColumns + `
			FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = u.role_id WHERE s.token_hash = ?`
		dest = append(dest, as.dest()...)
	}
	err := db.QueryRow(ctx, q, tokenHash).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "Your session has ended. Sign in again.")
	}
	if err != nil {
		return s, nil, err
	}
	switch {
	case !revoked.IsZero():
		return s, nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "You were signed out. Sign in again.")
	case now.After(s.ExpiresAt.Time):
		return s, nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "Your session reached its time limit. Sign in again.")
	case now.Sub(s.LastSeenAt.Time) > idle:
		return s, nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "You were signed out because the terminal was left idle. Sign in again.")
	}
	if !withActor {
		return s, nil, nil
	}
	a, err := as.actor(ctx, db)
	return s, a, err
}

// TouchSession records activity, at most once a minute, so busy pages do
// not turn every read into a write.
func (db *DB) TouchSession(ctx context.Context, s Session, now time.Time) error {
	if now.Sub(s.LastSeenAt.Time) < time.Minute {
		return nil
	}
	_, err := db.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, liaise.NewTime(now), s.ID)
	return err
}

// RevokeSession ends one session (sign out).
func (db *DB) RevokeSession(ctx context.Context, id int64, ev liaise.AuditEvent) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, tx.Now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, ev)
	})
}

// RevokeUserSessions ends every session of a user (sign out everywhere).
func (db *DB) RevokeUserSessions(ctx context.Context, userID int64, ev liaise.AuditEvent) (int64, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.Now, userID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return tx.Audit(ctx, ev)
	})
	return n, err
}

// DeleteExpiredSessions removes sessions ended more than a day ago; the
// audit trail, not the sessions table, is the record of who signed in.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	cut := liaise.NewTime(now.Add(-24 * time.Hour))
	idleCut := liaise.NewTime(now.Add(-idle - 24*time.Hour))
	res, err := db.Exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ? OR last_seen_at < ?`, cut, cut, idleCut)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
