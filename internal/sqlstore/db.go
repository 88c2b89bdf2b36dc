// Package sqlstore implements the domain services on database/sql, for the
// embedded SQLite engine and for PostgreSQL, with one set of hand-written SQL.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"liaise"
)

// Engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the store. SQLite gets one writer connection and a pool of readers
// (WAL lets readers run beside the writer); PostgreSQL uses one pool for both.
type DB struct {
	Engine string
	URL    string
	w      *sql.DB
	r      *sql.DB
	clock  liaise.Clock

	// ReferralCheckDays is how long after an onward referral is sent its
	// outcome check falls due (14 days when zero).
	ReferralCheckDays int

	// audit is the group committer for read events, started by Open.
	audit *auditCommitter
	// verifyWindow overrides how many chain numbers Verify reads per query (tests).
	verifyWindow int64
	// Prepared statements of the SQLite writer and reader pools (nil on
	// PostgreSQL, whose driver caches them itself).
	ws, rs *stmtCache
	// writes groups SQLite write transactions into shared commits (nil on
	// PostgreSQL).
	writes *writeBatcher
	// roles keeps each role version's capabilities (LoadActor).
	roles roleCaps
}

// Options tune Open; the zero value is right for serve.
type Options struct {
	Clock liaise.Clock
	// MaxConns caps the PostgreSQL pool (tests use 4 so parallel tests fit).
	MaxConns int
}

// EngineOf returns which engine a database URL selects.
func EngineOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by dsn: a postgres:// URL, or a SQLite
// file path (optionally prefixed with sqlite: or file:).
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	db := &DB{Engine: EngineOf(dsn), URL: dsn, clock: opt.Clock}
	switch db.Engine {
	case Postgres:
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		n := opt.MaxConns
		if n == 0 {
			n = 4 * runtime.GOMAXPROCS(0)
		}
		p.SetMaxOpenConns(n)
		p.SetMaxIdleConns(n)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.w, db.r = p, p
	default:
		path := sqlitePath(dsn)
		q := url.Values{}
		for _, p := range sqlitePragmas {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		// The writer alone keeps statement journals in memory: every
		// multi-row insert in the audit committer's transaction opened one
		// as a temporary file. Readers keep temporary data on disk, so a
		// large sort never grows the process.
		w, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode()+"&_pragma="+url.QueryEscape(sqliteWriterTempStore))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1) // SQLite has one writer; queue here, not on SQLITE_BUSY.
		w.SetMaxIdleConns(1)
		q.Set("_txlock", "deferred")
		q.Add("_pragma", "query_only(1)")
		r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		n := max(4, 2*runtime.GOMAXPROCS(0))
		r.SetMaxOpenConns(n)
		// Keep every reader open: database/sql keeps two idle by default, and
		// a SQLite connection opened again reads the whole schema and loses
		// its prepared statements (a tenth of the CPU under load).
		r.SetMaxIdleConns(n)
		db.w, db.r = w, r
		db.ws, db.rs = newStmtCache(w), newStmtCache(r)
	}
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the database: %w", err)
	}
	if db.Engine == SQLite {
		// Planner statistics: SQLite has none until ANALYZE runs, and then
		// chose a name-token index over the date of birth at national scale
		// (docs/performance.md). Sampled (analysis_limit) so a large file
		// opens in moments; Optimize keeps them current.
		if _, err := db.w.ExecContext(ctx, "PRAGMA analysis_limit=400"); err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		if _, err := db.w.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite statistics: %w", err)
		}
		db.writes = newWriteBatcher(db)
	}
	db.audit = newAuditCommitter(db)
	return db, nil
}

// SQLitePath returns the file path of a SQLite DSN.
func SQLitePath(dsn string) string { return sqlitePath(dsn) }

func sqlitePath(dsn string) string {
	for _, p := range []string{"sqlite://", "sqlite:", "file:"} {
		dsn = strings.TrimPrefix(dsn, p)
	}
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return dsn
}

// Path is the SQLite file path ("" on PostgreSQL).
func (db *DB) Path() string {
	if db.Engine == SQLite {
		return sqlitePath(db.URL)
	}
	return ""
}

// sqlitePragmas are set on every SQLite connection: WAL so readers never
// block the writer; foreign keys on (off by default in SQLite); busy_timeout
// so a second process waits instead of failing at once; synchronous=NORMAL
// is safe with WAL; a 16 MB page cache per connection (the default 2 MB
// made hot index pages be read again and again at national scale).
var sqlitePragmas = []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)", "cache_size(-16384)"}

// sqliteWriterTempStore is the writer's temp_store (see Open).
const sqliteWriterTempStore = "temp_store(MEMORY)"

// SQLiteWriterPragmas are the PRAGMA statements that put the writer
// connection back as Open set it, for a bulk loader that changed them.
func SQLiteWriterPragmas() []string {
	var out []string
	for _, p := range append(slices.Clone(sqlitePragmas), sqliteWriterTempStore) {
		name, val, _ := strings.Cut(strings.TrimSuffix(p, ")"), "(")
		if name == "busy_timeout" {
			continue
		}
		out = append(out, "PRAGMA "+name+"="+val)
	}
	return out
}

// Close stops the audit committer (flushing what it holds) and closes the pools.
func (db *DB) Close() error {
	if db.audit != nil {
		db.audit.close()
	}
	if db.writes != nil {
		db.writes.shutdown()
	}
	db.ws.close()
	db.rs.close()
	var err error
	if db.w != nil {
		err = db.w.Close()
	}
	if db.r != nil && db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

func (db *DB) referralCheckDays() int {
	if db.ReferralCheckDays > 0 {
		return db.ReferralCheckDays
	}
	return 14
}

// SetClock replaces the store's clock (tests move time on).
func (db *DB) SetClock(c liaise.Clock) { db.clock = c }

// Now is the store's clock.
func (db *DB) Now() liaise.Time { return db.clock.Now() }

// Optimize refreshes the planner's statistics of the tables that changed
// much since they were last gathered (SQLite; PostgreSQL's autovacuum does
// it there). Cheap when nothing changed; the housekeeping job runs it.
func (db *DB) Optimize(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	_, err := db.w.ExecContext(ctx, "PRAGMA optimize")
	return err
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Stats returns the pool statistics of the writer and reader pools for /metrics.
func (db *DB) Stats() (w, r sql.DBStats) { return db.w.Stats(), db.r.Stats() }

// Query runs a read on the reader pool.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = db.rebind(q)
	if st, err := db.rs.get(ctx, q); err != nil {
		return nil, err
	} else if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, q, args...)
}

// QueryRow runs a one-row read on the reader pool.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = db.rebind(q)
	if st, err := db.rs.get(ctx, q); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	// A statement that failed to prepare fails here too, with its error.
	return db.r.QueryRowContext(ctx, q, args...)
}

// Exec runs a statement on the writer outside a transaction.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.w.ExecContext(ctx, db.rebind(q), args...)
}

func (db *DB) rebind(q string) string {
	if db.Engine == Postgres {
		return rebind(q)
	}
	return q
}

// Tx is a write transaction with a fixed clock, so every row it writes
// carries the same time.
type Tx struct {
	tx  *sql.Tx
	db  *DB
	Now liaise.Time
}

// Update runs fn in a write transaction and commits if fn returns nil. On
// SQLite, transactions that queue for the one writer share a commit
// (writeBatcher); fn must not wait for another Update.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if db.writes != nil {
		return db.writes.submit(ctx, fn)
	}
	return db.update(ctx, fn)
}

// Engine returns the engine the transaction runs on.
func (tx *Tx) Engine() string { return tx.db.Engine }

// stmt returns the writer's prepared statement of q bound to the
// transaction, or nil to run q unprepared.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	st := tx.db.ws.lookup(q)
	if st == nil {
		return nil
	}
	return tx.tx.StmtContext(ctx, st)
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = tx.db.rebind(q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = tx.db.rebind(q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

// QueryRow runs a one-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = tx.db.rebind(q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// UpdateVersioned runs an UPDATE that must match "WHERE id = ? AND version = ?"
// (the last two args) and turns "no row matched" into a stale or not-found error,
// so concurrent edits never silently overwrite each other.
func (tx *Tx) UpdateVersioned(ctx context.Context, table, q string, args ...any) error {
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	id := args[len(args)-2]
	var exists int
	err = tx.QueryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = ?", id).Scan(&exists)
	if errors.Is(err, sql.ErrNoRows) {
		return liaise.Errorf(liaise.ENOTFOUND, "That record no longer exists.")
	}
	return liaise.Errorf(liaise.ESTALE, "Someone else changed this record while you were editing it. Nothing you entered has been saved over their change: reload the page to see the latest version and make your change again.")
}

// Audit writes an audit event in this transaction, so the change and its
// audit row commit together or not at all.
func (tx *Tx) Audit(ctx context.Context, ev liaise.AuditEvent) error {
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = tx.Now
	}
	return insertAudit(ctx, tx, []liaise.AuditEvent{ev})
}

// isUniqueViolation reports whether err is a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// notFound maps sql.ErrNoRows to a not-found error naming what was missing.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return liaise.Errorf(liaise.ENOTFOUND, "%s was not found.", what)
	}
	return err
}
