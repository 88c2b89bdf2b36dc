package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestMigrateTwiceIsNoOp(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := dbtest.OpenEmpty(t, engine)
			ctx := context.Background()
			n, err := db.Pending(ctx)
			dbtest.Must(t, err)
			if n == 0 {
				t.Fatal("fresh database reports no pending migrations")
			}
			applied := 0
			dbtest.Must(t, db.Migrate(ctx, func(sqlstore.Migration) { applied++ }))
			if applied != n {
				t.Fatalf("applied %d, want %d", applied, n)
			}
			applied = 0
			dbtest.Must(t, db.Migrate(ctx, func(sqlstore.Migration) { applied++ }))
			if applied != 0 {
				t.Fatalf("second migrate applied %d migrations", applied)
			}
			if n, _ := db.Pending(ctx); n != 0 {
				t.Fatalf("pending after migrate = %d", n)
			}
		})
	}
}

func TestChangedMigrationRefused(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		_, err := db.Exec(ctx, `UPDATE schema_migrations SET checksum = 'deadbeefdeadbeefdeadbeef' WHERE version = 1`)
		dbtest.Must(t, err)
		_, err = db.MigrationStatus(ctx)
		if err == nil || !strings.Contains(err.Error(), "changed after it was applied") {
			t.Fatalf("MigrationStatus err = %v, want changed-migration refusal", err)
		}
		if err := db.Migrate(ctx, nil); err == nil {
			t.Fatal("Migrate accepted a changed migration")
		}
	})
}

func TestBothEnginesHaveSameMigrations(t *testing.T) {
	a, err := sqlstore.Migrations(sqlstore.SQLite)
	dbtest.Must(t, err)
	b, err := sqlstore.Migrations(sqlstore.Postgres)
	dbtest.Must(t, err)
	if len(a) != len(b) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			t.Errorf("migration %d: sqlite %q, postgres %q", i+1, a[i].Name, b[i].Name)
		}
	}
}

// Opening a SQLite database gathers planner statistics (SQLite has none
// until ANALYZE), and Optimize can run at any time.
func TestSQLiteStatistics(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("sqlite_stat1 after open: %d %v", n, err)
	}
	if err := db.Optimize(context.Background()); err != nil {
		t.Fatal(err)
	}
}
