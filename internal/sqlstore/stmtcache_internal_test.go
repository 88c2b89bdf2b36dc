package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func TestLearnable(t *testing.T) {
	for q, want := range map[string]bool{
		"INSERT INTO people (x) VALUES (?)":                  true,
		"  update episodes SET state = ? WHERE id=?":         true,
		"DELETE FROM sessions WHERE id = ?":                  true,
		"SELECT 1":                                           true,
		"WITH x AS (SELECT 1) SELECT * FROM x":               true,
		"CREATE TABLE t (id INTEGER)":                        false,
		"DROP INDEX people_name":                             false,
		"PRAGMA optimize":                                    false,
		"INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)": false,
	} {
		if got := learnable(q); got != want {
			t.Errorf("learnable(%q) = %v, want %v", q, got, want)
		}
	}
}

// A statement a write transaction runs unprepared is prepared after it, so
// the next transaction finds it; many writers learning at once neither
// deadlock (the writer has one connection) nor lose a write.
func TestWriterLearnsStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "learn.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE learn_t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const ins = `INSERT INTO learn_t (v) VALUES (?)`
	if db.ws.lookup(ins) != nil {
		t.Fatal("prepared before it ran")
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Update(ctx, func(tx *Tx) error {
				if _, err := tx.Exec(ctx, ins, fmt.Sprint(i)); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE learn_t SET v = v || '' WHERE id = %d`, i%5))
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if db.ws.lookup(ins) == nil {
		t.Error("the insert was not learnt")
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM learn_t`).Scan(&n); err != nil || n != 40 {
		t.Errorf("%d rows (%v), want 40", n, err)
	}
	// The schema statement itself is never kept.
	if db.ws.lookup(`CREATE TABLE learn_t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`) != nil {
		t.Error("a schema change was kept prepared")
	}
}
