// Package dbtest opens migrated test databases on both engines. Each test gets
// its own database copied from a template migrated once per test binary, so
// the suites stay fast on two cores.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"liaise"
	"liaise/internal/sqlstore"
)

// FixedClock is the clock tests run on unless they set their own.
func FixedClock() liaise.Clock {
	t := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	return func() time.Time { return t }
}

var (
	sqliteOnce     sync.Once
	sqliteTemplate string
	sqliteErr      error

	pgOnce     sync.Once
	pgTemplate string
	pgErr      error
)

// Engines runs fn once per available engine as a subtest: SQLite always,
// PostgreSQL when LIAISE_TEST_POSTGRES is set.
func Engines(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	if os.Getenv("LIAISE_TEST_POSTGRES") != "" || os.Getenv("LIAISE_REQUIRE_POSTGRES") == "1" {
		t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
	}
}

// OpenSQLite returns a migrated SQLite database in a temporary directory.
func OpenSQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "liaise-template-")
		if err != nil {
			sqliteErr = err
			return
		}
		sqliteTemplate = filepath.Join(dir, "template.db")
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, sqliteTemplate, sqlstore.Options{Clock: FixedClock()})
		if err != nil {
			sqliteErr = err
			return
		}
		defer db.Close()
		sqliteErr = db.Migrate(ctx, nil)
	})
	if sqliteErr != nil {
		t.Fatalf("sqlite template: %v", sqliteErr)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	src, err := sql.Open("sqlite", "file:"+sqliteTemplate)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Exec(`VACUUM INTO ?`, path); err != nil {
		t.Fatalf("copy template: %v", err)
	}
	return open(t, path, 0)
}

// PostgresURL returns the server URL from LIAISE_TEST_POSTGRES, skipping the
// test when it is unset and failing it when LIAISE_REQUIRE_POSTGRES=1.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LIAISE_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("LIAISE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("LIAISE_REQUIRE_POSTGRES=1 but LIAISE_TEST_POSTGRES is not set")
		}
		t.Skip("PostgreSQL suite skipped: set LIAISE_TEST_POSTGRES=postgres://… to run it")
	}
	return u
}

// OpenPostgres returns a migrated PostgreSQL database of its own, dropped when
// the test ends.
func OpenPostgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	base := PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if os.Getenv("LIAISE_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL unreachable at LIAISE_TEST_POSTGRES: %v", err)
		}
		t.Skipf("PostgreSQL unreachable, suite skipped: %v", err)
	}
	defer admin.Close()
	pgOnce.Do(func() { pgTemplate, pgErr = postgresTemplate(admin, base) })
	if pgErr != nil {
		t.Fatalf("postgres template: %v", pgErr)
	}
	name := "liaise_t_" + randomName()
	// CREATE DATABASE … TEMPLATE fails while another session is connected to
	// the template; retry briefly when parallel tests copy at the same time.
	for i := 0; ; i++ {
		_, err = admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + pgTemplate)
		if err == nil || i > 50 || !strings.Contains(err.Error(), "being accessed") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return open(t, withDB(base, name), 4)
}

func open(t testing.TB, dsn string, maxConns int) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Clock: FixedClock(), MaxConns: maxConns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresTemplate returns the name of a migrated template database named
// after the migrations, creating it if needed. Test binaries share it across
// runs (so the cluster gains one template per migration set, not one per
// run; older ones are left alone because a test binary built from another
// checkout may be using them at the same moment), and each brings it up
// to date once under an advisory lock, since reference data loaded after
// migrating may have changed without a new migration.
func postgresTemplate(admin *sql.DB, base string) (string, error) {
	ctx := context.Background()
	ms, err := sqlstore.Migrations(sqlstore.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		h.Write([]byte(m.Checksum))
	}
	name := "liaise_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	const lockKey = 0x6c7470 // "ltp"
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, lockKey)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
			return "", err
		}
	}
	db, err := sqlstore.Open(ctx, withDB(base, name), sqlstore.Options{Clock: FixedClock(), MaxConns: 2})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx, nil)
	db.Close()
	if err != nil {
		return "", err
	}
	return name, nil
}

// OpenEmpty returns an unmigrated database of the given engine (for migration tests).
func OpenEmpty(t testing.TB, engine string) *sqlstore.DB {
	t.Helper()
	if engine == sqlstore.SQLite {
		return open(t, filepath.Join(t.TempDir(), "empty.db"), 0)
	}
	base := PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "liaise_e_" + randomName()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		if os.Getenv("LIAISE_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL unreachable: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	t.Cleanup(func() {
		a, _ := sql.Open("pgx", base)
		defer a.Close()
		a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return open(t, withDB(base, name), 4)
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func randomName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ = fmt.Sprintf
