package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

func openBatchTestDB(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "batch.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE batch_t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, n INTEGER NOT NULL DEFAULT 0)`)
		if err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO batch_t (k) VALUES ('counter')`)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

// Write transactions that queue share commits, yet behave as if run one at
// a time: a read-modify-write never loses an update, a failed transaction
// leaves nothing behind and does not disturb the others, a panic reaches
// only its own caller.
func TestWriteGroupsAsIfSerial(t *testing.T) {
	db := openBatchTestDB(t)
	ctx := context.Background()
	const n = 120
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = db.Update(ctx, func(tx *Tx) error {
				var c int
				if err := tx.QueryRow(ctx, `SELECT n FROM batch_t WHERE k = 'counter'`).Scan(&c); err != nil {
					return err
				}
				if i == 0 {
					time.Sleep(20 * time.Millisecond) // let the others queue
				}
				if _, err := tx.Exec(ctx, `UPDATE batch_t SET n = ? WHERE k = 'counter'`, c+1); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO batch_t (k) VALUES (?)`, fmt.Sprint("row-", i)); err != nil {
					return err
				}
				switch i % 10 {
				case 3: // a constraint violation after writes: all of its writes go
					_, err := tx.Exec(ctx, `INSERT INTO batch_t (k) VALUES ('counter')`)
					return err
				case 5:
					return errBoom
				case 7:
					panic(fmt.Sprint("panic ", i))
				}
				return nil
			})
		}()
	}
	wg.Wait()
	ok := 0
	for i := range n {
		switch i % 10 {
		case 3:
			if errs[i] == nil || panics[i] != nil {
				t.Errorf("%d: want a constraint error, got %v / %v", i, errs[i], panics[i])
			}
		case 5:
			if !errors.Is(errs[i], errBoom) {
				t.Errorf("%d: err = %v, want boom", i, errs[i])
			}
		case 7:
			if panics[i] != fmt.Sprint("panic ", i) {
				t.Errorf("%d: panic = %v", i, panics[i])
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("%d: %v / %v", i, errs[i], panics[i])
			}
			ok++
		}
	}
	var counter, rows int
	if err := db.QueryRow(ctx, `SELECT n, (SELECT count(*) FROM batch_t WHERE k LIKE 'row-%') FROM batch_t WHERE k = 'counter'`).Scan(&counter, &rows); err != nil {
		t.Fatal(err)
	}
	if counter != ok || rows != ok {
		t.Errorf("counter %d and %d rows, want %d each (only the successful transactions)", counter, rows, ok)
	}
	for i := range n {
		var found int
		_ = db.QueryRow(ctx, `SELECT count(*) FROM batch_t WHERE k = ?`, fmt.Sprint("row-", i)).Scan(&found)
		if want := map[bool]int{true: 1, false: 0}[errs[i] == nil && panics[i] == nil]; found != want {
			t.Errorf("row-%d: %d rows, want %d", i, found, want)
		}
	}
	if db.writes.groups.Load() == 0 {
		t.Error("no transactions shared a commit")
	}
}

// A function that ends its goroutine (runtime.Goexit) gets an error, and
// the writer carries on.
func TestWriteGoexit(t *testing.T) {
	db := openBatchTestDB(t)
	ctx := context.Background()
	done := make(chan error)
	go func() {
		done <- db.Update(ctx, func(tx *Tx) error {
			runtime.Goexit()
			return nil
		})
	}()
	if err := <-done; !errors.Is(err, errTransactionExited) {
		t.Errorf("err = %v", err)
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO batch_t (k) VALUES ('after')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// A caller whose context ends while queued is answered with its error and
// writes nothing.
func TestWriteCancelledWhileQueued(t *testing.T) {
	db := openBatchTestDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO batch_t (k) VALUES ('cancelled')`)
		return err
	})
	if err == nil {
		t.Error("a cancelled caller's transaction ran")
	}
	var n int
	_ = db.QueryRow(context.Background(), `SELECT count(*) FROM batch_t WHERE k = 'cancelled'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d rows written", n)
	}
}
