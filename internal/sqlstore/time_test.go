package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// TestTimesAndDatesRoundTrip checks the same liaise.Time and liaise.Date
// values come back from both engines (DESIGN.md §10).
func TestTimesAndDatesRoundTrip(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		at := liaise.NewTime(time.Date(2026, 10, 25, 1, 30, 0, 123456000, time.UTC))
		var id int64
		err := db.Update(ctx, func(tx *sqlstore.Tx) error {
			var err error
			id, err = tx.InsertID(ctx, `INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('T', 'RZZ', ?, ?)`, at, at)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO contracts (provider_id, commissioner, region, start_date, end_date, created_at, updated_at) VALUES (?, 'c', 'r', ?, ?, ?, ?)`,
				id, liaise.Date{Year: 2024, Month: 4, Day: 1}, liaise.Date{Year: 2031, Month: 3, Day: 31}, at, at)
			return err
		})
		dbtest.Must(t, err)
		var got liaise.Time
		var start, end liaise.Date
		dbtest.Must(t, db.QueryRow(ctx, `SELECT p.created_at, c.start_date, c.end_date FROM providers p JOIN contracts c ON c.provider_id = p.id WHERE p.id = ?`, id).Scan(&got, &start, &end))
		if !got.Equal(at.Time) {
			t.Errorf("time %v came back as %v", at, got)
		}
		if start.String() != "2024-04-01" || end.String() != "2031-03-31" {
			t.Errorf("dates came back as %s, %s", start, end)
		}
		// Ordering by time must match on both engines.
		var n int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT count(*) FROM providers WHERE created_at > ?`, liaise.NewTime(at.Add(-time.Microsecond))).Scan(&n))
		if n != 1 {
			t.Errorf("comparison found %d rows", n)
		}
	})
}
