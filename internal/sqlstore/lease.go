package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"liaise"
)

// TryLease takes or renews the lease called name for holder until ttl from
// now, and reports whether holder now holds it. A lease held by someone else
// is taken over only once it has expired, so exactly one instance of a
// scaled-out service runs each background job, and another takes over when
// the holder dies (DESIGN.md §1).
func (db *DB) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		expires := liaise.NewTime(tx.Now.Add(ttl))
		// The upsert changes a row only when it is free, expired or ours, so
		// "rows affected" is the answer; both engines report 0 when the
		// DO UPDATE's WHERE is false.
		res, err := tx.Exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
			name, holder, expires, tx.Now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// ReleaseLease gives up holder's lease at once (on shutdown), so another
// instance need not wait for it to expire. Releasing a lease one does not
// hold does nothing.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
}

// LeaseHolder returns who holds the lease called name and until when ("" if
// nobody has taken it), for operators and tests.
func (db *DB) LeaseHolder(ctx context.Context, name string) (holder string, expires liaise.Time, err error) {
	err = db.QueryRow(ctx, `SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&holder, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return "", liaise.Time{}, nil
	}
	return holder, expires, err
}
