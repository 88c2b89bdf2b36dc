package seed

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"liaise"
	"liaise/internal/sqlstore"
)

// The writer: batches from the generator go to the database on one
// connection, several batches to a transaction. SQLite gets multi-row
// INSERTs through prepared statements (the statement overhead of the pure-Go
// engine dominates single-row inserts); PostgreSQL gets COPY, through the
// pgx connection under database/sql. Update tables (Table.Update) become
// multi-row UPDATE … FROM (VALUES …) on SQLite, and on PostgreSQL a COPY
// into a temporary table and one UPDATE … FROM it.

// sink writes batches on one engine.
type sink interface {
	// prepare tunes the connection for loading; restore undoes it.
	prepare(ctx context.Context) error
	restore(ctx context.Context) error
	begin(ctx context.Context) error
	// write inserts the rows of t, or for an update table applies them.
	write(ctx context.Context, t *Table, vals []any) error
	commit(ctx context.Context) error
	rollback(ctx context.Context)
}

func newSink(db *sqlstore.DB, conn *sql.Conn) sink {
	if db.Engine == sqlstore.Postgres {
		return &pgSink{conn: conn}
	}
	return &sqliteSink{conn: conn, stmts: map[stmtKey]driver.Stmt{}}
}

// --- SQLite ------------------------------------------------------------------------

type stmtKey struct {
	t    *Table
	rows int
}

// sqliteSink writes through the driver's own statements on the raw
// connection: database/sql's per-argument conversion and locking cost more
// than a tenth of the time of a bulk insert in the pure-Go engine.
type sqliteSink struct {
	conn  *sql.Conn
	stmts map[stmtKey]driver.Stmt
	args  []driver.NamedValue
}

// prepare turns off what a bulk load does not need: the rollback journal
// on disk (journal_mode=MEMORY) and fsync at every commit (synchronous=OFF)
// — a crash mid-seed loses the seed, which is rerun — and foreign key checks
// (the generator makes consistent rows; the tests run PRAGMA
// foreign_key_check); it gives the page cache 64 MB, and keeps temporary
// data (the sorts of the final index builds) on disk, not in memory.
func (s *sqliteSink) prepare(ctx context.Context) error {
	for _, p := range []string{"PRAGMA journal_mode=MEMORY", "PRAGMA synchronous=OFF", "PRAGMA foreign_keys=OFF", "PRAGMA cache_size=-65536", "PRAGMA temp_store=FILE"} {
		if _, err := s.conn.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

// restore puts back the pragmas sqlstore.Open set.
func (s *sqliteSink) restore(ctx context.Context) error {
	for _, st := range s.stmts {
		st.Close()
	}
	var errs []error
	for _, p := range sqlstore.SQLiteWriterPragmas() {
		if _, err := s.conn.ExecContext(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *sqliteSink) begin(ctx context.Context) error {
	_, err := s.conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	return err
}

func (s *sqliteSink) commit(ctx context.Context) error {
	_, err := s.conn.ExecContext(ctx, "COMMIT")
	return err
}

func (s *sqliteSink) rollback(ctx context.Context) {
	s.conn.ExecContext(context.Background(), "ROLLBACK")
}

// rowsPerStatement keeps a statement under 1,000 parameters and 64 rows.
func rowsPerStatement(t *Table) int { return max(1, min(64, 999/len(t.Cols))) }

func (s *sqliteSink) stmt(ctx context.Context, dc driver.Conn, t *Table, rows int) (driver.Stmt, error) {
	k := stmtKey{t, rows}
	if st := s.stmts[k]; st != nil {
		return st, nil
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.Cols)), ", ") + ")"
	values := strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
	q := "INSERT INTO " + t.Name + " (" + strings.Join(t.Cols, ", ") + ") VALUES " + values
	if t.Update {
		// VALUES names its columns column1, column2, …
		var set []string
		for i, c := range t.Cols[1:] {
			set = append(set, fmt.Sprintf("%s = u.column%d", c, i+2))
		}
		q = "UPDATE " + t.Name + " SET " + strings.Join(set, ", ") + " FROM (VALUES " + values + ") AS u WHERE " + t.Name + "." + t.Cols[0] + " = u.column1"
	}
	st, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare the writing of %s: %w", t.Name, err)
	}
	s.stmts[k] = st
	return st, nil
}

// driverValue is v as the driver takes it.
func driverValue(v any) driver.Value {
	switch x := v.(type) {
	case liaise.Time:
		if x.IsZero() {
			return nil
		}
		return x.String()
	case liaise.Date:
		if x.IsZero() {
			return nil
		}
		return x.String()
	case int:
		return int64(x)
	}
	return v
}

func (s *sqliteSink) write(ctx context.Context, t *Table, vals []any) error {
	nc := len(t.Cols)
	per := rowsPerStatement(t)
	return s.conn.Raw(func(dc any) error {
		for len(vals) > 0 {
			rows := min(per, len(vals)/nc)
			if rows < per {
				rows = 1
			}
			st, err := s.stmt(ctx, dc.(driver.Conn), t, rows)
			if err != nil {
				return err
			}
			s.args = s.args[:0]
			for i, v := range vals[:rows*nc] {
				s.args = append(s.args, driver.NamedValue{Ordinal: i + 1, Value: driverValue(v)})
			}
			if _, err := st.(driver.StmtExecContext).ExecContext(ctx, s.args); err != nil {
				return fmt.Errorf("write %s: %w", t.Name, err)
			}
			vals = vals[rows*nc:]
		}
		return nil
	})
}

// --- PostgreSQL ------------------------------------------------------------------------

type pgSink struct {
	conn *sql.Conn
	// temps are the temporary tables made for update tables.
	temps map[*Table]string
}

// raw runs fn on the pgx connection beneath database/sql.
func (s *pgSink) raw(fn func(c *pgx.Conn) error) error {
	return s.conn.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

// prepare: commits need not wait for the disk (a crash loses the last
// batches, which a rerun replaces), and, where the role may (a superuser),
// foreign keys are not checked row by row (session_replication_role).
func (s *pgSink) prepare(ctx context.Context) error {
	return s.raw(func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, "SET synchronous_commit = off"); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, "SET maintenance_work_mem = '512MB'"); err != nil {
			return err
		}
		// Not allowed for an ordinary role: then foreign keys are checked.
		c.Exec(ctx, "SET session_replication_role = replica")
		return nil
	})
}

func (s *pgSink) restore(ctx context.Context) error {
	return s.raw(func(c *pgx.Conn) error {
		for _, name := range s.temps {
			c.Exec(ctx, "DROP TABLE IF EXISTS "+name)
		}
		_, err := c.Exec(ctx, "RESET ALL")
		return err
	})
}

func (s *pgSink) begin(ctx context.Context) error {
	return s.raw(func(c *pgx.Conn) error { _, err := c.Exec(ctx, "BEGIN"); return err })
}

func (s *pgSink) commit(ctx context.Context) error {
	return s.raw(func(c *pgx.Conn) error { _, err := c.Exec(ctx, "COMMIT"); return err })
}

func (s *pgSink) rollback(ctx context.Context) {
	s.raw(func(c *pgx.Conn) error { _, err := c.Exec(context.Background(), "ROLLBACK"); return err })
}

// write copies the rows with COPY … FROM STDIN (binary). COPY needs Go
// values of the columns' types: times and dates go as time.Time.
func (s *pgSink) write(ctx context.Context, t *Table, vals []any) error {
	for i, v := range vals {
		switch x := v.(type) {
		case liaise.Time:
			if x.IsZero() {
				vals[i] = nil
			} else {
				vals[i] = x.Time
			}
		case liaise.Date:
			if x.IsZero() {
				vals[i] = nil
			} else {
				vals[i] = x.Time()
			}
		}
	}
	nc := len(t.Cols)
	n := len(vals) / nc
	return s.raw(func(c *pgx.Conn) error {
		into := t.Name
		if t.Update {
			var err error
			if into, err = s.temp(ctx, c, t); err != nil {
				return err
			}
		}
		_, err := c.CopyFrom(ctx, pgx.Identifier{into}, t.Cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			return vals[i*nc : (i+1)*nc], nil
		}))
		if err != nil {
			return fmt.Errorf("copy into %s: %w", into, err)
		}
		if !t.Update {
			return nil
		}
		var set []string
		for _, col := range t.Cols[1:] {
			set = append(set, col+" = u."+col)
		}
		key := t.Cols[0]
		if _, err := c.Exec(ctx, "UPDATE "+t.Name+" t SET "+strings.Join(set, ", ")+" FROM "+into+" u WHERE t."+key+" = u."+key); err != nil {
			return fmt.Errorf("update %s: %w", t.Name, err)
		}
		_, err = c.Exec(ctx, "DELETE FROM "+into)
		return err
	})
}

// temp makes the temporary table an update table's rows are copied into:
// its columns, of their types, without constraints. It is made inside the
// load's transaction, so a rollback takes it away: IF NOT EXISTS, every
// time, makes it again then.
func (s *pgSink) temp(ctx context.Context, c *pgx.Conn, t *Table) (string, error) {
	name := "seed_" + t.Name + "_" + strings.Join(t.Cols[1:], "_")
	if _, err := c.Exec(ctx, "CREATE TEMPORARY TABLE IF NOT EXISTS "+name+" AS SELECT "+strings.Join(t.Cols, ", ")+" FROM "+t.Name+" WITH NO DATA"); err != nil {
		return "", fmt.Errorf("temporary table for %s: %w", t.Name, err)
	}
	if s.temps == nil {
		s.temps = map[*Table]string{}
	}
	s.temps[t] = name
	return name, nil
}

// --- Indexes ---------------------------------------------------------------------------

// droppedIndexesSetting keeps the definitions of the indexes a seed dropped
// until it has built them again, so a seed that dies half-way leaves a
// record the next run restores first.
const droppedIndexesSetting = "seed_dropped_indexes"

type indexDef struct {
	Name, SQL string
}

// scatteredIndexes are the indexes whose keys arrive in no particular order
// as people are seeded (names, dates of birth, identifiers; queue times and
// dates of later episodes; the people a search showed): each insert lands on
// a random page, so they are dropped and built again at the end. The others
// (by episode, person, referral, user or record) grow at their ends or at a
// few hundred places, which costs less to keep up than to build again.
var scatteredIndexes = map[string]bool{
	"people_dob": true, "people_sort": true, "people_team": true,
	"person_name_tokens_search": true, "person_name_tokens_dob": true, "person_identifiers_value": true,
	"episodes_team": true, "episodes_site": true, "episodes_site_hearing": true, "episodes_allocated": true,
	"justice_outcomes_report": true, "onward_referrals_state": true, "disclosures_review": true,
	"slt_requests_status": true, "tasks_open_assignee": true,
	"audit_events_time": true, "audit_subjects_subject": true,
}

// secondaryIndexes lists the scattered indexes of tables (unique indexes
// always stay: they guard keys).
func secondaryIndexes(ctx context.Context, db *sqlstore.DB, tables []*Table) ([]indexDef, error) {
	var names []string
	for _, t := range tables {
		if !t.Update {
			names = append(names, "'"+t.Name+"'")
		}
	}
	in := strings.Join(names, ", ")
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + in + `) ORDER BY name`
	if db.Engine == sqlstore.Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename IN (` + in + `)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname`
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indexDef
	for rows.Next() {
		var d indexDef
		if err := rows.Scan(&d.Name, &d.SQL); err != nil {
			return nil, err
		}
		// PostgreSQL builds an index from sorted rows far faster than it
		// keeps one up row by row, so there every secondary index waits.
		if (scatteredIndexes[d.Name] || db.Engine == sqlstore.Postgres) && !strings.HasPrefix(strings.ToUpper(d.SQL), "CREATE UNIQUE") {
			out = append(out, d)
		}
	}
	return out, rows.Err()
}

// dropIndexes drops defs, remembering them in the settings table first.
func dropIndexes(ctx context.Context, conn *sql.Conn, db *sqlstore.DB, defs []indexDef) error {
	b, err := json.Marshal(defs)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, db.Rebind(`INSERT INTO settings (key, value) VALUES (?, ?)`), droppedIndexesSetting, string(b)); err != nil {
		return fmt.Errorf("remember the indexes to rebuild: %w", err)
	}
	for _, d := range defs {
		if _, err := conn.ExecContext(ctx, "DROP INDEX "+d.Name); err != nil {
			return fmt.Errorf("drop index %s: %w", d.Name, err)
		}
	}
	return nil
}

// restoreIndexes builds again the indexes an earlier (or this) seed dropped,
// if any, and forgets them. It reports how many it built.
func restoreIndexes(ctx context.Context, conn *sql.Conn, db *sqlstore.DB, progress func(string)) (int, error) {
	var v string
	err := conn.QueryRowContext(ctx, db.Rebind(`SELECT value FROM settings WHERE key = ?`), droppedIndexesSetting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var defs []indexDef
	if err := json.Unmarshal([]byte(v), &defs); err != nil {
		return 0, fmt.Errorf("the record of dropped indexes is unreadable: %w", err)
	}
	for _, d := range defs {
		start := time.Now()
		q := d.SQL
		// An index built by an earlier, interrupted rebuild may exist already.
		q = strings.Replace(q, "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("rebuild index %s: %w", d.Name, err)
		}
		if progress != nil {
			progress(fmt.Sprintf("built index %s in %s", d.Name, time.Since(start).Round(time.Millisecond)))
		}
	}
	_, err = conn.ExecContext(ctx, db.Rebind(`DELETE FROM settings WHERE key = ?`), droppedIndexesSetting)
	return len(defs), err
}
