package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"liaise"
)

// Sign-in failures are kept for throttling (auth.Throttle decides). The
// username is stored as a hash of its normalised form: people sometimes type
// their password into the username box, and that must not sit in a table in
// clear text. Throttling only ever needs equality, so a hash serves.

// failureKey is how a username is stored in signin_failures.
func failureKey(username string) string {
	s := sha256.Sum256([]byte("liaise-signin:" + NormaliseUsername(username)))
	return hex.EncodeToString(s[:])
}

// RecordSignInFailure notes a failed sign-in for username (which need not
// exist) from clientIP at the server's time at, and writes ev (the
// sign_in_failed audit event) in the same transaction.
func (db *DB) RecordSignInFailure(ctx context.Context, username, clientIP string, at time.Time, ev liaise.AuditEvent) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO signin_failures (username, client_ip, at) VALUES (?, ?, ?)`,
			failureKey(username), clientIP, liaise.NewTime(at)); err != nil {
			return err
		}
		return tx.Audit(ctx, ev)
	})
}

// ReserveSignInAttempt decides, in one write transaction, whether a
// sign-in attempt may go ahead and, if so, records it as a failure before the
// password is checked. Counting first means a burst of parallel guesses
// cannot all slip in under the limit while their passwords are being
// checked. locked is the throttle's verdict on the account's failures since
// since and the address's count since addressSince. On success the caller
// clears the account's failures (ClearSignInFailures); on failure the row
// stays and the caller audits the failure.
func (db *DB) ReserveSignInAttempt(ctx context.Context, username, clientIP string, at, since, addressSince time.Time,
	locked func(account []time.Time, address int) bool) (bool, error) {
	key := failureKey(username)
	allowed := false
	err := db.Update(ctx, func(tx *Tx) error {
		if tx.Engine() == Postgres {
			// SQLite serialises write transactions already; PostgreSQL needs
			// a lock per account so two attempts cannot count at once.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, advisoryKeyOf(key)); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT at FROM signin_failures WHERE username = ? AND at >= ? ORDER BY at`, key, liaise.NewTime(since))
		if err != nil {
			return err
		}
		var account []time.Time
		for rows.Next() {
			var t liaise.Time
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			account = append(account, t.Time)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var address int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM signin_failures WHERE client_ip = ? AND at >= ?`, clientIP, liaise.NewTime(addressSince)).Scan(&address); err != nil {
			return err
		}
		if locked(account, address) {
			return nil
		}
		allowed = true
		_, err = tx.Exec(ctx, `INSERT INTO signin_failures (username, client_ip, at) VALUES (?, ?, ?)`, key, clientIP, liaise.NewTime(at))
		return err
	})
	return allowed, err
}

// advisoryKeyOf turns a hex failure key into a PostgreSQL advisory lock key.
func advisoryKeyOf(hexKey string) int64 {
	var n int64
	for i := 0; i < 15 && i < len(hexKey); i++ {
		c := hexKey[i]
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		}
		n = n<<4 | d
	}
	return n
}

// SignInFailures returns the times of the account's failures since since,
// and how many failures came from clientIP since addressSince.
func (db *DB) SignInFailures(ctx context.Context, username, clientIP string, since, addressSince time.Time) (account []time.Time, address int, err error) {
	rows, err := db.Query(ctx, `SELECT at FROM signin_failures WHERE username = ? AND at >= ? ORDER BY at`, failureKey(username), liaise.NewTime(since))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var t liaise.Time
		if err := rows.Scan(&t); err != nil {
			return nil, 0, err
		}
		account = append(account, t.Time)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM signin_failures WHERE client_ip = ? AND at >= ?`, clientIP, liaise.NewTime(addressSince)).Scan(&address)
	return account, address, err
}

// ClearSignInFailures forgets an account's failures: after a successful
// sign-in, and when an administrator resets the password (which is what the
// lock-out message tells staff to ask for).
func (db *DB) ClearSignInFailures(ctx context.Context, username string) error {
	_, err := db.Exec(ctx, `DELETE FROM signin_failures WHERE username = ?`, failureKey(username))
	return err
}

// DeleteOldSignInFailures removes failures older than before; they no longer
// count towards any lock, and the audit trail keeps the record.
func (db *DB) DeleteOldSignInFailures(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM signin_failures WHERE at < ?`, liaise.NewTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RevokeSessionToken ends the session with this token hash, if it is still
// live. Sign-in calls it for the session the browser came with, so signing
// in always starts a new session rather than reusing one (no fixation).
func (db *DB) RevokeSessionToken(ctx context.Context, tokenHash string) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`, tx.Now, tokenHash)
		return err
	})
}

// RehashPassword stores a hash made with current parameters after a
// successful sign-in with an older one. It changes only a hash of the same
// password, so unlike SetPasswordHash it keeps sessions and the version; it
// does nothing if the hash changed meanwhile. ev is the audit event (an update of the user).
func (db *DB) RehashPassword(ctx context.Context, userID int64, oldHash, newHash string, ev liaise.AuditEvent) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, userID, oldHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.Audit(ctx, ev)
	})
}
