package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"time"

	"liaise"
	"liaise/internal/demo"
	"liaise/internal/sqlstore"
)

// leaseHolder is who holds the audit sealer lease while a seed runs on
// PostgreSQL, so no server seals events into the chain meanwhile.
const leaseHolder = "liaise-seed"

// Indexes modes (Options.Indexes).
const (
	IndexesAuto    = "auto"    // rebuild when the seed is large against what is there
	IndexesRebuild = "rebuild" // always drop and rebuild
	IndexesKeep    = "keep"    // never
)

// Run seeds db: it migrates an unmigrated database and loads the demo
// organisation into one without an organisation (as `liaise demo` does),
// then adds opt.People people with their episodes and records. The caller
// keeps other writers away (on SQLite, `liaise seed` takes the serve lock).
func Run(ctx context.Context, db *sqlstore.DB, opt Options) (Result, error) {
	began := time.Now()
	res := Result{}
	if db.Engine == sqlstore.Postgres && opt.BatchPeople == 0 {
		// Each batch costs a COPY per table: fewer, larger batches.
		opt.BatchPeople, opt.TxBatches = 1000, 5
	}
	if err := opt.defaults(); err != nil {
		return res, err
	}
	res.Until = opt.Until
	if err := prepareDatabase(ctx, db, opt); err != nil {
		return res, err
	}
	ctx = liaise.WithActor(ctx, liaise.SystemActor(systemRequestID))
	if db.Engine == sqlstore.Postgres {
		ok, err := db.TryLease(ctx, sqlstore.AuditSealerLease, leaseHolder, time.Minute)
		if err != nil {
			return res, err
		}
		if !ok {
			return res, errors.New("a liaise server is sealing the audit trail of this database (it holds the audit-sealer lease): stop the servers before seeding")
		}
		defer db.ReleaseLease(context.Background(), sqlstore.AuditSealerLease, leaseHolder)
	}
	// Everything pending is sealed first, so the seeded events continue the
	// chain. On PostgreSQL the sealer takes only rows older than every
	// running transaction of the cluster, so give those a moment; rows still
	// waiting are chained after the seed's by the next sealer, which is as
	// valid.
	for i := 0; ; i++ {
		if _, err := db.Seal(ctx, opt.AuditKey, sqlstore.DefaultSealBatch); err != nil {
			return res, fmt.Errorf("sealing pending audit events: %w", err)
		}
		if n, err := db.UnsealedCount(ctx); err != nil || n == 0 || i == 20 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	headNo, headHash, err := db.ChainHead(ctx)
	if err != nil {
		return res, err
	}

	steps, err := selectSteps(opt.Steps)
	if err != nil {
		return res, err
	}
	steps = append(steps, opt.extraSteps...)
	tables, err := tablesOf(steps)
	if err != nil {
		return res, err
	}
	g := &gen{opt: opt, steps: steps, tables: tables, chain: sqlstore.NewAuditChain(opt.AuditKey, headNo, headHash),
		last: make([]int64, len(writeOrder)), until: opt.Until, nhsUsed: map[int32]bool{}}
	for _, s := range steps {
		g.documents = g.documents || s.Name == documentsStep
	}
	g.src = rand.NewPCG(opt.Seed, 0)
	g.r = rand.New(g.src)
	g.start = opt.Until.AddDate(-opt.Years, 0, 0)
	g.span = g.until.Sub(g.start)
	if g.org, err = loadOrg(ctx, db); err != nil {
		return res, err
	}
	if err := g.org.loadStaff(ctx, db); err != nil {
		return res, err
	}
	if err := g.loadState(ctx, db); err != nil {
		return res, err
	}
	g.vulns = db.VulnerabilityCodes()
	res.FirstPersonID = g.last[tPeople.slot] + 1

	newBatch := func() *batch { return &batch{rows: make([][]any, len(writeOrder))} }
	g.b = newBatch()
	staffCount, err := g.ensureStaff(ctx, db, g.start)
	if err != nil {
		return res, err
	}
	if staffCount > 0 {
		fmt.Fprintf(opt.Out, "added %d seeded staff across %d teams (they cannot sign in: no password)\n", staffCount, len(g.org.teams))
	}
	if err := g.org.checkStaff(); err != nil {
		return res, err
	}

	counts := make([]int64, len(writeOrder))
	err = db.BulkConn(ctx, func(conn *sql.Conn) error {
		s := newSink(db, conn)
		// A seed that died before rebuilding its indexes left them dropped.
		if n, err := restoreIndexes(ctx, conn, db, nil); err != nil {
			return err
		} else if n > 0 {
			fmt.Fprintf(opt.Out, "rebuilt %d indexes an interrupted seed had dropped\n", n)
		}
		var defs []indexDef
		if rebuild, err := g.rebuildIndexes(ctx, db); err != nil {
			return err
		} else if rebuild {
			if defs, err = secondaryIndexes(ctx, db, tables); err != nil {
				return err
			}
		}
		if err := s.prepare(ctx); err != nil {
			return err
		}
		defer s.restore(context.Background())
		if len(defs) > 0 {
			if err := dropIndexes(ctx, conn, db, defs); err != nil {
				return err
			}
		}
		loadStart := time.Now()
		err := g.pipeline(ctx, db, s, newBatch, counts, &res)
		res.Load = time.Since(loadStart)
		if err != nil {
			return err
		}
		idxStart := time.Now()
		if len(defs) > 0 {
			fmt.Fprintf(opt.Progress, "seed: building %d indexes…\n", len(defs))
		}
		if _, err := restoreIndexes(ctx, conn, db, func(msg string) { fmt.Fprintln(opt.Progress, "seed: "+msg) }); err != nil {
			return err
		}
		if err := g.finish(ctx, db, conn); err != nil {
			return err
		}
		res.Indexes = time.Since(idxStart)
		return nil
	})
	for _, t := range tables {
		if !t.Update {
			res.Rows = append(res.Rows, TableCount{Table: t.Name, Rows: counts[t.slot]})
		}
	}
	res.LastPersonID = g.last[tPeople.slot]
	res.AuditHead, _ = g.chain.Head()
	res.Elapsed = time.Since(began)
	if err != nil {
		return res, err
	}
	return res, nil
}

// prepareDatabase migrates and loads the demo organisation when needed.
func prepareDatabase(ctx context.Context, db *sqlstore.DB, opt Options) error {
	n, err := db.Pending(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		applied := 0
		if err := db.Migrate(ctx, func(sqlstore.Migration) { applied++ }); err != nil {
			return fmt.Errorf("migrating: %w", err)
		}
		fmt.Fprintf(opt.Out, "applied %d migrations\n", applied)
	}
	has, err := db.HasOrganisation(ctx)
	if err != nil {
		return err
	}
	if !has {
		actx := liaise.WithActor(ctx, liaise.SystemActor("cli-seed-demo"))
		if _, err := demo.Load(actx, db, opt.Env, opt.Out); err != nil {
			return fmt.Errorf("loading the demo organisation: %w", err)
		}
	}
	return nil
}

// loadState reads where ids continue and which 999 NHS numbers are taken.
func (g *gen) loadState(ctx context.Context, db *sqlstore.DB) error {
	for _, t := range writeOrder {
		if t.ID == "" {
			continue
		}
		if err := db.QueryRow(ctx, `SELECT COALESCE(MAX(`+t.ID+`), 0) FROM `+t.Name).Scan(&g.last[t.slot]); err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	rows, err := db.Query(ctx, `SELECT value FROM person_identifiers WHERE type = ? AND value LIKE '999%'`, liaise.IDNHSNumber)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err
		}
		if len(v) == 10 {
			var stem int32
			for _, c := range v[3:9] {
				stem = stem*10 + int32(c-'0')
			}
			g.nhsUsed[stem] = true
		}
	}
	return rows.Err()
}

// rebuildIndexes decides whether to drop and rebuild the indexes: in auto
// mode when the seed at least doubles the people there (rebuilding indexes
// over far more rows than are added would cost more than it saves).
func (g *gen) rebuildIndexes(ctx context.Context, db *sqlstore.DB) (bool, error) {
	switch g.opt.Indexes {
	case IndexesRebuild:
		return true, nil
	case IndexesKeep:
		return false, nil
	}
	var n int64
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		return false, err
	}
	return int64(g.opt.People) >= max(n, 20_000), nil
}

// checkStaff makes sure every L&D team with sites has someone to do the work.
func (m *orgModel) checkStaff() error {
	for _, p := range m.providers {
		for _, t := range p.ldTeams {
			if len(t.workers)+len(t.seniors) == 0 {
				return fmt.Errorf("team %q has no practitioners to allocate episodes to", t.name)
			}
		}
	}
	return nil
}

// pipeline generates batches in one goroutine while this one writes them.
func (g *gen) pipeline(ctx context.Context, db *sqlstore.DB, s sink, newBatch func() *batch, counts []int64, res *Result) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := make(chan *batch, 2)
	free := make(chan *batch, 4)
	for range 3 {
		free <- newBatch()
	}
	var genErr error
	go func() {
		defer close(full)
		defer func() {
			if r := recover(); r != nil {
				genErr = fmt.Errorf("seed: generator failed: %v\n%s", r, debug.Stack())
			}
		}()
		b := g.b // the first batch holds the seeded staff
		for i := 0; i < g.opt.People; i++ {
			if i > 0 && i%g.opt.BatchPeople == 0 {
				select {
				case full <- b:
				case <-ctx.Done():
					return
				}
				select {
				case b = <-free:
				case <-ctx.Done():
					return
				}
				b.reset()
				g.b = b
			}
			g.person(i)
			if g.err != nil {
				genErr = g.err
				return
			}
		}
		select {
		case full <- b:
		case <-ctx.Done():
		}
	}()

	p := newProgress(g.opt, db.Engine)
	inTx := 0
	lastLease := time.Now()
	for b := range full {
		if inTx == 0 {
			if err := s.begin(ctx); err != nil {
				return err
			}
		}
		for _, t := range g.tables {
			vals := b.rows[t.slot]
			if len(vals) == 0 {
				continue
			}
			if err := s.write(ctx, t, vals); err != nil {
				s.rollback(ctx)
				return err
			}
			if !t.Update {
				counts[t.slot] += int64(len(vals) / len(t.Cols))
			}
		}
		res.People += b.people
		res.Episodes += b.episodes
		inTx++
		if inTx == g.opt.TxBatches {
			if err := s.commit(ctx); err != nil {
				return err
			}
			inTx = 0
		}
		p.update(res.People, counts)
		select {
		case free <- b:
		default:
		}
		if db.Engine == sqlstore.Postgres && time.Since(lastLease) > 10*time.Second {
			if _, err := db.TryLease(ctx, sqlstore.AuditSealerLease, leaseHolder, time.Minute); err != nil {
				s.rollback(ctx)
				return err
			}
			lastLease = time.Now()
		}
	}
	if genErr != nil {
		if inTx > 0 {
			s.rollback(ctx)
		}
		return genErr
	}
	if err := ctx.Err(); err != nil {
		if inTx > 0 {
			s.rollback(ctx)
		}
		return err
	}
	if inTx > 0 {
		if err := s.commit(ctx); err != nil {
			return err
		}
	}
	p.done(res.People, counts)
	return nil
}

// person makes one person with everything the steps add.
func (g *gen) person(idx int) {
	p := g.makePerson(idx)
	for _, s := range g.steps {
		if s.Person != nil {
			s.Person(g, p)
		}
	}
	for _, e := range p.episodes {
		for _, s := range g.steps {
			if s.Episode != nil {
				s.Episode(g, e)
			}
		}
	}
	g.b.people++
	g.b.episodes += len(p.episodes)
}

// finish brings the database up to date with what was loaded: PostgreSQL's
// identity sequences continue after the ids the seed chose, and both
// engines get fresh planner statistics.
func (g *gen) finish(ctx context.Context, db *sqlstore.DB, conn *sql.Conn) error {
	if db.Engine == sqlstore.Postgres {
		for _, t := range g.tables {
			if t.ID == "" {
				continue
			}
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), GREATEST((SELECT MAX(%s) FROM %s), 1))`, t.Name, t.ID, t.ID, t.Name)
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("identity of %s: %w", t.Name, err)
			}
		}
		var names []string
		for _, t := range g.tables {
			if !t.Update {
				names = append(names, t.Name)
			}
		}
		_, err := conn.ExecContext(ctx, "ANALYZE "+strings.Join(names, ", "))
		return err
	}
	_, err := conn.ExecContext(ctx, "PRAGMA analysis_limit=1000; ANALYZE")
	return err
}

// selectSteps returns the registry, or the steps named in list.
func selectSteps(list string) ([]Step, error) {
	all := Steps()
	if strings.TrimSpace(list) == "" {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []Step
	for _, s := range all {
		if want[s.Name] {
			out = append(out, s)
			delete(want, s.Name)
		}
	}
	for n := range want {
		var names []string
		for _, s := range all {
			names = append(names, s.Name)
		}
		return nil, fmt.Errorf("there is no seed step %q: the steps are %s", n, strings.Join(names, ", "))
	}
	return out, nil
}
