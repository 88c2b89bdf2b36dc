package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

var testKey = []byte("test-audit-key-0123456789abcdef0123456789")

// addEvents writes n audit events the way the application does: writes in
// the change's transaction, reads through the group committer. Every third
// event is a list with subjects.
func addEvents(t *testing.T, db *sqlstore.DB, n int) {
	t.Helper()
	ctx := context.Background()
	a := &liaise.Actor{UserID: 7, Username: "jsmith", RoleCode: "practitioner", ProviderID: 1, ClientIP: "10.0.0.1", RequestID: "req"}
	for i := range n {
		ev := liaise.EventFor(a, liaise.AuditRead, "person", int64(100+i))
		ev.TeamID = 3
		if i%3 == 0 {
			ev.Action, ev.RecordID = liaise.AuditList, 0
			ev.Subjects = []int64{int64(500 + i), int64(400 + i)}
		}
		if i%2 == 0 {
			dbtest.Must(t, db.AuditRead(ctx, ev))
		} else {
			dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(ctx, ev) }))
		}
	}
}

// seal seals until nothing committed is left unsealed. On PostgreSQL a
// write transaction anywhere in the cluster (another test's database, say)
// holds sealing back until it ends, so one call may seal nothing yet.
func seal(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	total := 0
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := db.Seal(context.Background(), testKey, 4) // small batches so several run
		dbtest.Must(t, err)
		total += n
		left, err := db.UnsealedCount(context.Background())
		dbtest.Must(t, err)
		if left == 0 {
			return total
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events left unsealed", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func verify(t *testing.T, db *sqlstore.DB, key []byte) sqlstore.VerifyResult {
	t.Helper()
	res, err := db.Verify(context.Background(), key, nil)
	dbtest.Must(t, err)
	return res
}

func exec(t *testing.T, db *sqlstore.DB, q string, args ...any) {
	t.Helper()
	_, err := db.Exec(context.Background(), q, args...)
	dbtest.Must(t, err)
}

func wantBroken(t *testing.T, res sqlstore.VerifyResult, chainNo int64, reason string) {
	t.Helper()
	if res.FirstBroken == nil {
		t.Fatalf("chain verified (%d events), want it broken at %d", res.Checked, chainNo)
	}
	if res.FirstBroken.ChainNo != chainNo || !strings.Contains(res.FirstBroken.Reason, reason) {
		t.Fatalf("broken at %d (%q), want %d with %q", res.FirstBroken.ChainNo, res.FirstBroken.Reason, chainNo, reason)
	}
}

func TestAuditSealAndVerify(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		addEvents(t, db, 10)
		if n := seal(t, db); n != 10 {
			t.Fatalf("sealed %d, want 10", n)
		}
		if n := seal(t, db); n != 0 {
			t.Fatalf("second seal sealed %d, want 0 (idempotent)", n)
		}
		res := verify(t, db, testKey)
		if res.FirstBroken != nil || res.Checked != 10 || res.Head != 10 {
			t.Fatalf("verify = %+v %+v", res, res.FirstBroken)
		}
		// The chain continues from its head.
		addEvents(t, db, 3)
		if n := seal(t, db); n != 3 {
			t.Fatalf("sealed %d, want 3", n)
		}
		res = verify(t, db, testKey)
		if res.FirstBroken != nil || res.Checked != 13 || res.Head != 13 {
			t.Fatalf("verify after more = %+v %+v", res, res.FirstBroken)
		}
		var first string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT prev_hash FROM audit_events WHERE chain_no = 1`).Scan(&first))
		if first != sqlstore.GenesisHash {
			t.Fatalf("first prev_hash %q, want genesis", first)
		}
	})
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, db *sqlstore.DB)
		chainNo int64
		reason  string
	}{
		{"edited action", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `UPDATE audit_events SET action = 'x' WHERE chain_no = 5`)
		}, 5, "hash does not match (edited)"},
		{"edited time by a microsecond", func(t *testing.T, db *sqlstore.DB) {
			var at liaise.Time
			dbtest.Must(t, db.QueryRow(context.Background(), `SELECT occurred_at FROM audit_events WHERE chain_no = 3`).Scan(&at))
			exec(t, db, `UPDATE audit_events SET occurred_at = ? WHERE chain_no = 3`, liaise.NewTime(at.Add(time.Microsecond)))
		}, 3, "edited"},
		{"user id set to NULL", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `UPDATE audit_events SET user_id = NULL WHERE chain_no = 2`)
		}, 2, "edited"},
		{"subject removed from a list", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `DELETE FROM audit_subjects WHERE subject_id = 506`) // event 7 showed 406 and 506
		}, 7, "edited"},
		{"deleted event", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `DELETE FROM audit_subjects WHERE seq IN (SELECT seq FROM audit_events WHERE chain_no = 4)`)
			exec(t, db, `DELETE FROM audit_events WHERE chain_no = 4`)
		}, 5, "chain_no 4 is missing (deleted)"},
		{"deleted first events", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `DELETE FROM audit_subjects WHERE seq IN (SELECT seq FROM audit_events WHERE chain_no <= 2)`)
			exec(t, db, `DELETE FROM audit_events WHERE chain_no <= 2`)
		}, 3, "chain_no 1 to 2 are missing (deleted)"},
		{"forged event at the head", func(t *testing.T, db *sqlstore.DB) {
			var h string
			dbtest.Must(t, db.QueryRow(context.Background(), `SELECT hash FROM audit_events WHERE chain_no = 10`).Scan(&h))
			exec(t, db, `INSERT INTO audit_events (occurred_at, username, action, chain_no, prev_hash, hash) VALUES (?, 'mallory', 'read', 11, ?, ?)`,
				db.Now(), h, strings.Repeat("ab", 32))
		}, 11, "forged"},
		{"forged event with a made-up chain_no", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `INSERT INTO audit_events (occurred_at, username, action, chain_no, prev_hash, hash) VALUES (?, 'mallory', 'read', 999, ?, ?)`,
				db.Now(), strings.Repeat("cd", 32), strings.Repeat("ef", 32))
		}, 999, "forged chain_no"},
		{"event moved in the chain", func(t *testing.T, db *sqlstore.DB) {
			exec(t, db, `UPDATE audit_events SET chain_no = 100 WHERE chain_no = 10`)
			exec(t, db, `UPDATE audit_events SET chain_no = 10 WHERE chain_no = 9`)
			exec(t, db, `UPDATE audit_events SET chain_no = 9 WHERE chain_no = 100`)
		}, 9, "prev_hash does not link"},
		{"tail removed after a checkpoint", func(t *testing.T, db *sqlstore.DB) {
			if _, ok, err := db.WriteCheckpoint(context.Background()); err != nil || !ok {
				t.Fatalf("checkpoint: %v %v", ok, err)
			}
			exec(t, db, `DELETE FROM audit_subjects WHERE seq IN (SELECT seq FROM audit_events WHERE chain_no >= 8)`)
			exec(t, db, `DELETE FROM audit_events WHERE chain_no >= 8`)
		}, 10, "chain ends at 7 but checkpoint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
				addEvents(t, db, 10)
				seal(t, db)
				if res := verify(t, db, testKey); res.FirstBroken != nil {
					t.Fatalf("intact chain broken: %+v", res.FirstBroken)
				}
				c.tamper(t, db)
				wantBroken(t, verify(t, db, testKey), c.chainNo, c.reason)
				// The same when the chain is read in windows of three events.
				db.SetVerifyWindow(3)
				wantBroken(t, verify(t, db, testKey), c.chainNo, c.reason)
			})
		})
	}
}

func TestAuditVerifyWrongKey(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		addEvents(t, db, 5)
		seal(t, db)
		wantBroken(t, verify(t, db, []byte("another-key-another-key-another-key")), 1, "audit key is wrong")
	})
}

func TestAuditCheckpoint(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if _, ok, err := db.WriteCheckpoint(ctx); err != nil || ok {
			t.Fatalf("checkpoint of an empty chain: ok=%v err=%v", ok, err)
		}
		addEvents(t, db, 4)
		seal(t, db)
		cp, written, err := db.CheckpointIfDue(ctx, time.Hour)
		if err != nil || !written || cp.ChainNo != 4 || len(cp.Hash) != 64 {
			t.Fatalf("first checkpoint = %+v %v %v", cp, written, err)
		}
		// The clock has not moved: the next is not due yet.
		if _, written, err := db.CheckpointIfDue(ctx, time.Hour); err != nil || written {
			t.Fatalf("second checkpoint written=%v err=%v", written, err)
		}
		if res := verify(t, db, testKey); res.FirstBroken != nil || res.Head != 4 {
			t.Fatalf("verify with checkpoint = %+v", res)
		}
		// A checkpoint whose hash differs from the event it names means the
		// chain was rewritten (by someone holding the key).
		exec(t, db, `UPDATE audit_checkpoints SET hash = ? WHERE chain_no = 4`, strings.Repeat("0f", 32))
		wantBroken(t, verify(t, db, testKey), 4, "checkpoint")
	})
}

// On PostgreSQL a row of a transaction still in flight must not be skipped:
// the sealer waits for it rather than sealing rows after it.
func TestAuditSealWaitsForTransactionsInFlight(t *testing.T) {
	db := dbtest.OpenPostgres(t)
	ctx := context.Background()
	addEvents(t, db, 2)
	inserted, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.Audit(ctx, liaise.AuditEvent{Action: "read", RecordType: "person", RecordID: 1}); err != nil {
				return err
			}
			close(inserted)
			<-release
			return nil
		})
	}()
	<-inserted
	addEvents(t, db, 1) // a later seq, committed before the one in flight
	// The two events before the one in flight get sealed (once any other
	// transaction in the cluster has ended); the later one must wait.
	sealed := 0
	deadline := time.Now().Add(30 * time.Second)
	for sealed < 2 && time.Now().Before(deadline) {
		n, err := db.Seal(ctx, testKey, 4)
		dbtest.Must(t, err)
		sealed += n
		time.Sleep(20 * time.Millisecond)
	}
	for range 3 {
		n, err := db.Seal(ctx, testKey, 4)
		dbtest.Must(t, err)
		sealed += n
	}
	if sealed != 2 {
		t.Fatalf("sealed %d while a transaction was in flight, want the 2 before it", sealed)
	}
	close(release)
	dbtest.Must(t, <-done)
	if n := seal(t, db); n != 2 {
		t.Fatalf("sealed %d after commit, want 2", n)
	}
	var seqs []int64
	rows, err := db.Query(ctx, `SELECT seq FROM audit_events ORDER BY chain_no`)
	dbtest.Must(t, err)
	for rows.Next() {
		var s int64
		dbtest.Must(t, rows.Scan(&s))
		seqs = append(seqs, s)
	}
	rows.Close()
	for i := 1; i < len(seqs); i++ {
		if seqs[i] < seqs[i-1] {
			t.Fatalf("chain not in seq order: %v", seqs)
		}
	}
	if res := verify(t, db, testKey); res.FirstBroken != nil || res.Checked != 4 {
		t.Fatalf("verify = %+v %+v", res, res.FirstBroken)
	}
}

func TestEnsureAuditKey(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		k1, gen, err := db.EnsureAuditKey(ctx, "")
		dbtest.Must(t, err)
		if !gen || len(k1) != 64 {
			t.Fatalf("first key %q generated=%v", k1, gen)
		}
		k2, gen, err := db.EnsureAuditKey(ctx, "")
		dbtest.Must(t, err)
		if gen || k2 != k1 {
			t.Fatalf("second call generated=%v, key changed=%v", gen, k2 != k1)
		}
		k3, _, err := db.EnsureAuditKey(ctx, "configured-key")
		dbtest.Must(t, err)
		if k3 != "configured-key" {
			t.Fatalf("configured key not used: %q", k3)
		}
		var n int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE record_type = 'setting'`).Scan(&n))
		if n != 1 {
			t.Fatalf("%d audit events for the generated key, want 1", n)
		}
	})
}

func TestLease(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		try := func(holder string, want bool) {
			t.Helper()
			ok, err := db.TryLease(ctx, sqlstore.AuditSealerLease, holder, 30*time.Second)
			dbtest.Must(t, err)
			if ok != want {
				t.Fatalf("TryLease(%s) = %v, want %v", holder, ok, want)
			}
		}
		try("a", true)
		try("b", false) // held by a: two sealers cannot both run
		try("a", true)  // renewal
		holder, _, err := db.LeaseHolder(ctx, sqlstore.AuditSealerLease)
		dbtest.Must(t, err)
		if holder != "a" {
			t.Fatalf("holder %q", holder)
		}
		// a dies: once its lease expires, b takes over and a is shut out.
		exec(t, db, `UPDATE leases SET expires_at = ?`, liaise.NewTime(db.Now().Add(-time.Second)))
		try("b", true)
		try("a", false)
		// Releasing someone else's lease does nothing; releasing one's own frees it.
		dbtest.Must(t, db.ReleaseLease(ctx, sqlstore.AuditSealerLease, "a"))
		try("a", false)
		dbtest.Must(t, db.ReleaseLease(ctx, sqlstore.AuditSealerLease, "b"))
		try("a", true)
		// Leases are per name.
		ok, err := db.TryLease(ctx, "other-job", "b", time.Minute)
		dbtest.Must(t, err)
		if !ok {
			t.Fatal("lease of another name refused")
		}
	})
}
