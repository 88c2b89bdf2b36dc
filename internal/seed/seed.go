// Package seed makes deterministic synthetic data at national scale for
// load tests and benchmarks (`liaise seed --people N --seed S`): people with
// realistic names, dates of birth and identifiers, about 1.5 episodes each
// over ten years across every provider, team and site of the organisation,
// and the record of the work in each episode (screenings, assessments,
// consents, disclosures, contacts, onward referrals, notes, tasks, justice
// outcomes, youth and support records, documents for police and court,
// issued as the disclosures they record), with the audit trail the
// application would have written, already sealed into the audit chain.
//
// # Registry
//
// Every kind of record is made by one Step in the registry (Steps, in
// registry.go). A step names the tables it writes and has a Person hook
// (called once per person) or an Episode hook (called once per episode,
// after the pathway of the episode is laid out), or both. Hooks append rows
// through the generator (gen.row), allocate ids (gen.id), and record the
// audit events and timeline entries the store would have written
// (gen.audit, gen.personEvent). A later feature — RECONNECT caseloads, the
// services directory — adds its records by adding one step there; the
// writer, the id allocation, the audit chain, progress and the
// determinism and validity tests take it in without change.
//
// # Determinism
//
// All randomness comes from a PCG generator seeded with (--seed, position
// of the person in the run), and every time is placed relative to --until,
// never the wall clock, so the same seed, number of people and --until on
// the same starting database give identical rows (the test hashes them).
// Ids continue after those already in the database, so seeding a database
// that holds the demo (or an earlier seed) works.
//
// # Validity
//
// Records are built as the domain types (liaise.Person, liaise.Screening,
// liaise.Consent, …) and, for every person when Options.CheckEvery is 1 (the
// tests) or a sample of them otherwise, checked with the same validators the
// store applies, so generated data could have been typed in. Identifiers
// come from internal/ident: NHS numbers from the 999 test range, PNC IDs
// with their check letter.
//
// # Speed
//
// One goroutine generates batches while the caller's goroutine writes them
// (writer.go): on SQLite through multi-row prepared inserts on the one writer
// connection (the driver's statements, not database/sql's), 2,500 people to
// a transaction, with the journal in memory and synchronous=OFF while
// seeding; on PostgreSQL through COPY, 5,000 people to a transaction.
// Indexes whose keys arrive scattered (names, dates of birth, identifiers,
// queue times) are dropped first and built again at the end — on
// PostgreSQL every secondary index is — which is faster than keeping them
// up to date row by row.
package seed

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// Options say what to seed.
type Options struct {
	// People is how many people to add.
	People int
	// Seed chooses the data: the same seed gives the same data.
	Seed uint64
	// Until is the end of the years seeded (the "now" of the data); zero
	// means the start of the current hour.
	Until time.Time
	// Years is how far back the first episodes go (default 10).
	Years int
	// AuditKey is the key of the audit chain (LIAISE_AUDIT_KEY, or the
	// development key kept in the database).
	AuditKey []byte
	// Env is LIAISE_ENV: seeding is refused in production.
	Env string
	// CheckEvery validates the records of one person in CheckEvery with the
	// domain's validators as they are made (1: everyone, 0: default 97).
	CheckEvery int
	// BatchPeople is how many people go in one batch from the generator to
	// the writer; TxBatches how many batches one transaction holds.
	BatchPeople, TxBatches int
	// Indexes says whether to drop the secondary indexes of the tables
	// written and build them again at the end: IndexesAuto (default),
	// IndexesRebuild or IndexesKeep.
	Indexes string
	// Steps, when not empty, runs only the named steps of the registry
	// (comma-separated, e.g. "people" to measure loading people alone).
	Steps string
	// extraSteps are appended to the registry (tests).
	extraSteps []Step
	// Out receives the summary, Progress a line about every ProgressEvery.
	Out, Progress io.Writer
	ProgressEvery time.Duration
}

// Result says what a seed made and how long it took.
type Result struct {
	People, Episodes int
	// Rows is the number of rows written per table, in write order.
	Rows []TableCount
	// FirstPersonID and LastPersonID bound the people added.
	FirstPersonID, LastPersonID int64
	Until                       time.Time
	// Elapsed is the whole run; Load the generate-and-write part; Indexes
	// the rebuilding of the indexes.
	Elapsed, Load, Indexes time.Duration
	// AuditHead is the chain_no of the last audit event written.
	AuditHead int64
}

// TableCount is the rows written to one table.
type TableCount struct {
	Table string
	Rows  int64
}

// TotalRows is the number of rows written to every table.
func (r Result) TotalRows() int64 {
	var n int64
	for _, c := range r.Rows {
		n += c.Rows
	}
	return n
}

// ErrProduction refuses synthetic data on a production service.
var ErrProduction = errors.New("liaise seed makes synthetic people and is refused when LIAISE_ENV=production")

func (o *Options) defaults() error {
	if o.People <= 0 {
		return errors.New("say how many people to seed with --people N (N > 0)")
	}
	if o.Env == "production" {
		return ErrProduction
	}
	if len(o.AuditKey) == 0 {
		return errors.New("seeding needs the audit key to seal its audit events")
	}
	if o.Until.IsZero() {
		o.Until = time.Now().UTC().Truncate(time.Hour)
	}
	o.Until = o.Until.UTC().Truncate(time.Second)
	if o.Years <= 0 {
		o.Years = 10
	}
	if o.CheckEvery <= 0 {
		o.CheckEvery = 97
	}
	if o.BatchPeople <= 0 {
		o.BatchPeople = 250
	}
	if o.TxBatches <= 0 {
		o.TxBatches = max(1, 2_500/o.BatchPeople)
	}
	switch o.Indexes {
	case "":
		o.Indexes = IndexesAuto
	case IndexesAuto, IndexesRebuild, IndexesKeep:
	default:
		return fmt.Errorf("indexes must be %s, %s or %s, not %q", IndexesAuto, IndexesRebuild, IndexesKeep, o.Indexes)
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = time.Second
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return nil
}

// batch is the rows of BatchPeople people, flat per table: the values of
// row i of a table with c columns are rows[slot][i*c : (i+1)*c].
type batch struct {
	rows     [][]any
	people   int
	episodes int
}

func (b *batch) reset() {
	for i := range b.rows {
		clear(b.rows[i]) // let the values be collected
		b.rows[i] = b.rows[i][:0]
	}
	b.people, b.episodes = 0, 0
}

// gen is the generator: the state one goroutine carries from person to
// person. Steps use its helpers.
type gen struct {
	opt    Options
	org    *orgModel
	steps  []Step
	tables []*Table
	chain  *sqlstore.AuditChain
	// last is the last id allocated per table slot.
	last []int64
	b    *batch
	src  *rand.PCG
	r    *rand.Rand

	start, until time.Time
	span         time.Duration

	nhsUsed map[int32]bool
	vulns   []string
	// documents is set when the documents step runs: the disclosures step
	// then leaves the disclosures that go out as documents to it.
	documents bool
	// check is set while the current person's records are validated.
	check bool
	err   error
}

// row appends one row to table t; values follow t.Cols.
func (g *gen) row(t *Table, vals ...any) {
	if len(vals) != len(t.Cols) {
		panic(fmt.Sprintf("seed: %d values for the %d columns of %s", len(vals), len(t.Cols), t.Name))
	}
	g.b.rows[t.slot] = append(g.b.rows[t.slot], vals...)
}

// next is where the next row of table t starts in the batch, for set.
func (g *gen) next(t *Table) int { return len(g.b.rows[t.slot]) }

// set changes column col of the row of t that starts at at (from next):
// a later step filling in what an earlier one could not know yet. Rows
// stay in the batch until every step has run for the person.
func (g *gen) set(t *Table, at int, col string, v any) {
	g.b.rows[t.slot][at+t.col(col)] = v
}

// id allocates the next id of table t.
func (g *gen) id(t *Table) int64 {
	g.last[t.slot]++
	return g.last[t.slot]
}

// fail records the first validation failure; the run stops after the batch.
func (g *gen) fail(what string, err error) {
	if err != nil && g.err == nil {
		g.err = fmt.Errorf("seed: generated %s is not valid: %w (%v)", what, err, liaise.ErrorFields(err))
	}
}

// --- Randomness -------------------------------------------------------------------

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns an int in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// dur returns a duration in [lo, hi].
func (g *gen) dur(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)+1))
}

func pick[T any](g *gen, s []T) T { return s[g.r.IntN(len(s))] }

// cumPick picks an index by cumulative weights.
func (g *gen) cumPick(cum []float64) int {
	x := g.r.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// weighted picks one of choices by integer weights.
func weighted[T any](g *gen, choices []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return choices[i]
		}
		n -= w
	}
	return choices[len(choices)-1]
}

// requestID is a request id as the server makes them: 16 hex digits.
func (g *gen) requestID() string {
	s := strconv.FormatUint(g.r.Uint64()|1<<63, 16)
	return s[:16]
}

// --- Times ---------------------------------------------------------------------------

// recorded is when something that happened at occurred was recorded: mostly
// within minutes, sometimes later in the shift, a few the next days (late
// entries), never after the end of the data.
func (g *gen) recorded(occurred time.Time) time.Time {
	var d time.Duration
	switch x := g.r.Float64(); {
	case x < 0.86:
		d = g.dur(30*time.Second, 15*time.Minute)
	case x < 0.97:
		d = g.dur(15*time.Minute, 5*time.Hour)
	default:
		d = g.dur(25*time.Hour, 72*time.Hour)
	}
	return g.clamp(occurred.Add(d))
}

// clamp keeps t at or before the end of the data.
func (g *gen) clamp(t time.Time) time.Time {
	if t.After(g.until) {
		return g.until
	}
	return t
}

func lt(t time.Time) liaise.Time { return liaise.NewTime(t) }

// londonDate is the calendar date of t in London.
func londonDate(t time.Time) liaise.Date { return liaise.DateOf(t.In(liaise.London)) }
