package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"liaise/internal/seed"
	"liaise/internal/sqlstore"
)

// cmdSeed adds deterministic synthetic people, episodes and their records
// at national scale (internal/seed), for load tests and benchmarks.
func cmdSeed(ctx context.Context, e env, args []string) error {
	var people, checkEvery int
	var seedText, until, indexes, steps string
	var years int
	cfg, fs, err := loadConfig(e, "seed", "seed --people N [--seed S] [flags]", args, func(fs *flag.FlagSet) {
		fs.IntVar(&people, "people", 0, "how many people to add (required)")
		fs.StringVar(&seedText, "seed", "1", "the seed: the same seed, --people and --until give the same data")
		fs.StringVar(&until, "until", "", "end of the data, RFC 3339 or YYYY-MM-DD (default: the start of the current hour)")
		fs.IntVar(&years, "years", 10, "how many years of episodes to make")
		fs.StringVar(&indexes, "indexes", seed.IndexesAuto, "drop secondary indexes while loading and rebuild them: auto, rebuild or keep")
		fs.IntVar(&checkEvery, "check-every", 97, "validate the records of one person in N with the domain's validators (1: all)")
		fs.StringVar(&steps, "steps", "", "run only these steps of the registry, comma-separated (e.g. people, to time loading people alone)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("'liaise seed' takes no arguments, got %q", fs.Arg(0))
	}
	if cfg.Env == "production" {
		return seed.ErrProduction
	}
	if people <= 0 {
		fs.Usage()
		return errors.New("say how many people to add with --people N")
	}
	s, err := strconv.ParseUint(seedText, 10, 64)
	if err != nil {
		return fmt.Errorf("--seed must be a whole number, not %q", seedText)
	}
	opt := seed.Options{People: people, Seed: s, Years: years, Indexes: indexes, CheckEvery: checkEvery, Steps: steps, Env: cfg.Env,
		Out: e.stdout, Progress: e.stderr}
	if until != "" {
		if opt.Until, err = parseUntil(until); err != nil {
			return err
		}
	}
	unlock, err := lockSQLite(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := db.Pending(ctx); err != nil {
		return err
	} else if n > 0 {
		if err := db.Migrate(ctx, nil); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "applied %s\n", plural(n, "migration", "migrations"))
	}
	if err := ensureAuditKey(ctx, db, &cfg, newLogger(cfg, e.stderr)); err != nil {
		return err
	}
	opt.AuditKey = []byte(cfg.AuditKey)
	res, err := seed.Run(ctx, db, opt)
	if err != nil {
		return err
	}
	printSeedSummary(e, db, res)
	return nil
}

func parseUntil(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--until must be a time like 2026-11-23T09:00:00Z or a date like 2026-11-23, not %q", s)
}

// printSeedSummary prints the rows per table, the rates and the size of
// the database.
func printSeedSummary(e env, db *sqlstore.DB, res seed.Result) {
	w := e.stdout
	fmt.Fprintf(w, "seeded %d people (ids %d to %d) with %d episodes up to %s\n", res.People, res.FirstPersonID, res.LastPersonID,
		res.Episodes, res.Until.Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TABLE\tROWS\t")
	for _, c := range res.Rows {
		fmt.Fprintf(tw, "%s\t%d\t\n", c.Table, c.Rows)
	}
	fmt.Fprintf(tw, "total\t%d\t\n", res.TotalRows())
	tw.Flush()
	secs := res.Load.Seconds()
	fmt.Fprintf(w, "loading took %s: %.0f people/s, %.0f rows/s; building indexes and statistics %s; %s in all\n",
		res.Load.Round(time.Millisecond), float64(res.People)/secs, float64(res.TotalRows())/secs,
		res.Indexes.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "whole run: %.0f people/s including index builds\n", float64(res.People)/res.Elapsed.Seconds())
	if size, ok := databaseSize(db); ok {
		fmt.Fprintf(w, "database size: %.1f MB\n", float64(size)/1e6)
	}
	fmt.Fprintf(w, "audit chain head: %d (run 'liaise audit verify' to check it)\n", res.AuditHead)
}

// databaseSize is the size on disk: the SQLite file and its WAL, or what
// PostgreSQL reports for the database.
func databaseSize(db *sqlstore.DB) (int64, bool) {
	if p := db.Path(); p != "" {
		var n int64
		for _, f := range []string{p, p + "-wal"} {
			if st, err := os.Stat(f); err == nil {
				n += st.Size()
			}
		}
		return n, n > 0
	}
	var n int64
	if err := db.QueryRow(context.Background(), `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
		return 0, false
	}
	return n, true
}
