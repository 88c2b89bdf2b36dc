package sqlstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"liaise"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered, forward-only schema change.
type Migration struct {
	Version  int
	Name     string
	SQL      string
	Checksum string
	// NoTx is set by a first line "-- liaise:no-transaction" for statements
	// that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
	NoTx bool
	// Applied is set by Status.
	Applied   bool
	AppliedAt liaise.Time
}

// Migrations returns the embedded migrations for the engine, in order.
func Migrations(engine string) ([]Migration, error) {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{
			Version: v, Name: rest, SQL: string(b), Checksum: hex.EncodeToString(sum[:]),
			NoTx: strings.HasPrefix(string(b), "-- liaise:no-transaction"),
		})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := range ms {
		if ms[i].Version != i+1 {
			return nil, fmt.Errorf("migrations for %s are not numbered 1, 2, 3…: found %04d at position %d", engine, ms[i].Version, i+1)
		}
	}
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	checksum TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`

// advisoryKey is the PostgreSQL advisory lock that serialises migrators
// across processes ("liaise" in ASCII).
const advisoryKey = 0x6c6961697365

// MigrationStatus lists every migration with whether it has been applied, and
// refuses when an applied migration's checksum no longer matches its file.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	ms, err := Migrations(db.Engine)
	if err != nil {
		return nil, err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		a, ok := applied[ms[i].Version]
		if !ok {
			continue
		}
		if a.Checksum != ms[i].Checksum {
			return nil, fmt.Errorf("migration %04d_%s was changed after it was applied (checksum %s… in the database, %s… in this build); migrations are forward-only: add a new one instead", ms[i].Version, ms[i].Name, a.Checksum[:12], ms[i].Checksum[:12])
		}
		ms[i].Applied = true
		ms[i].AppliedAt = a.AppliedAt
	}
	for v := range applied {
		if v > len(ms) {
			return nil, fmt.Errorf("the database has migration %04d, which this build does not know: run a newer liaise", v)
		}
	}
	return ms, nil
}

// Pending returns how many migrations are not yet applied.
func (db *DB) Pending(ctx context.Context) (int, error) {
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if !m.Applied {
			n++
		}
	}
	return n, nil
}

func (db *DB) appliedMigrations(ctx context.Context) (map[int]Migration, error) {
	out := map[int]Migration{}
	var exists bool
	var q string
	if db.Engine == Postgres {
		q = `SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	} else {
		q = `SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	}
	if err := db.w.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return out, nil
	}
	rows, err := db.w.QueryContext(ctx, `SELECT version, name, checksum, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Migration
		if err := rows.Scan(&m.Version, &m.Name, &m.Checksum, &m.AppliedAt); err != nil {
			return nil, err
		}
		out[m.Version] = m
	}
	return out, rows.Err()
}

// Migrate applies pending migrations in order, each in its own transaction
// unless marked otherwise, then loads the built-in reference data. progress
// (may be nil) is told of each migration applied.
func (db *DB) Migrate(ctx context.Context, progress func(m Migration)) error {
	if db.Engine == Postgres {
		// The lock lives on one connection; the work runs on the pool.
		conn, err := db.w.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, advisoryKey); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, advisoryKey)
	}
	if db.Engine == SQLite {
		// An index built at national scale sorts millions of keys: on disk,
		// not in the writer's memory (its statement journals stay in memory).
		if _, err := db.w.ExecContext(ctx, "PRAGMA temp_store=FILE"); err != nil {
			return err
		}
		defer db.w.ExecContext(context.WithoutCancel(ctx), "PRAGMA temp_store=MEMORY")
	}
	if _, err := db.w.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	record := db.rebind(`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`)
	for _, m := range ms {
		if m.Applied {
			continue
		}
		now := db.Now().String()
		if m.NoTx {
			if _, err := db.w.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := db.w.ExecContext(ctx, record, m.Version, m.Name, m.Checksum, now); err != nil {
				return err
			}
		} else {
			tx, err := db.w.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, record, m.Version, m.Name, m.Checksum, now); err != nil {
				tx.Rollback()
				return err
			}
			if err := tx.Commit(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(m)
		}
	}
	return db.loadReferenceData(ctx)
}

// referenceLoaders load reference data after migrating (built-in roles, code
// lists). Each must be idempotent: it runs on every migrate.
func (db *DB) loadReferenceData(ctx context.Context) error {
	for _, load := range []func(context.Context) error{db.ensureBuiltInRoles, db.loadCodes} {
		if err := load(ctx); err != nil {
			return err
		}
	}
	return nil
}

// ensureBuiltInRoles inserts the built-in roles that are missing; it never
// changes a role an administrator has edited.
func (db *DB) ensureBuiltInRoles(ctx context.Context) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, r := range liaise.BuiltInRoles {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM roles WHERE code = ?`, r.Code).Scan(&id)
			if err == nil {
				continue
			}
			id, err = tx.InsertID(ctx, `INSERT INTO roles (code, name, built_in, version) VALUES (?, ?, ?, 1)`, r.Code, r.Name, true)
			if err != nil {
				return fmt.Errorf("role %s: %w", r.Code, err)
			}
			for _, c := range r.Capabilities {
				if _, err := tx.Exec(ctx, `INSERT INTO role_capabilities (role_id, capability) VALUES (?, ?)`, id, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
