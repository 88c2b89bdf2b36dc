package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"liaise/internal/bench"
)

func benchUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage: liaise bench [--url URL] [--concurrency N] [--duration D] [--warmup D] [--ops a,b] [--mixed [--mix a=3,b=1]] [--json FILE | --format json]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Drives a running Liaise server over HTTP as signed-in demo users and reports")
	fmt.Fprintln(w, "throughput and p50/p95/p99/max latency per operation, against the budgets of")
	fmt.Fprintln(w, "DESIGN.md §8. By default each operation is measured on its own, in turn (every")
	fmt.Fprintln(w, "virtual user doing only that operation), so each gets a fair throughput; --mixed")
	fmt.Fprintln(w, "runs them all at once, blended by weight. Sign-in and discovery of realistic")
	fmt.Fprintln(w, "inputs (caseload, people, identifiers, boards, forms) happen before measuring.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The bench writes to the server's database (identifications, screenings,")
	fmt.Fprintln(w, "contacts, audit events): use demo or seeded data, never a live service.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Operations (run 'liaise bench --list' for what each requests):")
	fmt.Fprintf(w, "  %s\n", strings.Join(bench.OperationNames(), ", "))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit status: 0 after a run (whatever its results), 1 when it could not run,")
	fmt.Fprintln(w, "2 with --check when an operation had errors or missed its budget.")
}

func cmdBench(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("liaise bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", bench.DefaultURL, "base URL of the running server")
	concurrency := fs.Int("concurrency", bench.DefaultConcurrency, "virtual users, each with its own session, one request at a time")
	duration := fs.Duration("duration", bench.DefaultDuration, "measured time per operation (the whole run with --mixed)")
	warmup := fs.Duration("warmup", bench.DefaultWarmup, "unmeasured time before each measurement")
	ops := fs.String("ops", "", "comma-separated operations to run (default all)")
	mixed := fs.Bool("mixed", false, "run the operations together, each virtual user picking one by weight per request")
	mix := fs.String("mix", "", "weights for --mixed, like person_page=3,quick_identify=1 (implies --mixed; unnamed operations are left out)")
	jsonFile := fs.String("json", "", "also write the report as JSON to `FILE`")
	format := fs.String("format", "table", "what to print on standard output: table or json")
	password := fs.String("password", "", "password of the bench users (default $LIAISE_BENCH_PASSWORD, else the demo password)")
	users := fs.String("users", strings.Join(bench.DefaultUsers, ","), "clinical users; virtual user i signs in as the (i mod n)th")
	auditor := fs.String("auditor", bench.DefaultAuditor, "user for the audit search")
	seed := fs.Uint64("seed", 1, "seed for the choice of search terms and of each virtual user's choices")
	timeout := fs.Duration("timeout", bench.DefaultTimeout, "longest wait for one request")
	check := fs.Bool("check", false, "exit with status 2 when an operation had errors or missed its budget")
	list := fs.Bool("list", false, "list the operations and exit")
	quiet := fs.Bool("quiet", false, "no progress lines on standard error")
	if isHelp(args) {
		benchUsage(e.stdout, fs)
		return nil
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			benchUsage(e.stdout, fs)
			return nil
		}
		return fmt.Errorf("bench: %w (see 'liaise bench --help')", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected arguments %v (see 'liaise bench --help')", fs.Args())
	}
	if *list {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "OPERATION\tSURFACE\tUSER\tWEIGHT\tREQUEST\tWHAT")
		for _, op := range bench.Operations() {
			who := "clinical"
			if op.Auditor {
				who = "auditor"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", op.Name, op.Surface, who, op.Weight, op.Request, op.Summary)
		}
		return tw.Flush()
	}

	cfg := bench.Config{Concurrency: *concurrency, Duration: *duration, Warmup: *warmup, Mixed: *mixed || *mix != "",
		Seed: *seed, Auditor: strings.TrimSpace(*auditor), Password: *password, Timeout: *timeout}
	var err error
	if cfg.URL, err = bench.ParseURL(*url); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if cfg.Ops, err = bench.ParseOps(*ops); err != nil {
		return fmt.Errorf("bench: --ops: %w", err)
	}
	if *mix != "" {
		if cfg.Mix, err = bench.ParseMix(*mix); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	if *concurrency < 1 {
		return fmt.Errorf("bench: --concurrency must be at least 1")
	}
	if *duration <= 0 {
		return fmt.Errorf("bench: --duration must be more than 0")
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("bench: --format must be table or json, not %q", *format)
	}
	for _, u := range strings.Split(*users, ",") {
		if u = strings.TrimSpace(u); u != "" {
			cfg.Users = append(cfg.Users, u)
		}
	}
	if len(cfg.Users) == 0 {
		return fmt.Errorf("bench: --users names no user")
	}
	if cfg.Password == "" {
		cfg.Password = e.getenv("LIAISE_BENCH_PASSWORD")
	}
	if !*quiet {
		cfg.Progress = e.stderr
	}
	// Open the JSON file first, so a bad path fails before a long run.
	var jf *os.File
	if *jsonFile != "" {
		if jf, err = os.Create(*jsonFile); err != nil {
			return fmt.Errorf("bench: --json: %w", err)
		}
		defer jf.Close()
	}

	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if *format == "json" {
		err = bench.WriteJSON(e.stdout, rep)
	} else {
		err = bench.WriteTable(e.stdout, rep)
	}
	if err != nil {
		return err
	}
	if jf != nil {
		if err := bench.WriteJSON(jf, rep); err != nil {
			return fmt.Errorf("bench: --json: %w", err)
		}
		if err := jf.Close(); err != nil {
			return fmt.Errorf("bench: --json: %w", err)
		}
	}
	if *check {
		for _, o := range rep.Operations {
			if o.Errors > 0 || (o.Budget != nil && !o.Budget.Pass) || o.Requests == 0 {
				fmt.Fprintln(e.stderr, "liaise bench: --check: an operation had errors or missed its budget")
				return errors.Join(errReported, exitError(2))
			}
		}
	}
	return nil
}
