// Package bench is Liaise's load benchmark (`liaise bench`): it drives a
// running server over HTTP as realistic signed-in users and reports
// throughput and latency percentiles per operation against the budgets of
// DESIGN.md §8.
//
// A run has three parts. Set-up (not measured): sign in one session per
// virtual user through the real sign-in form, and discover realistic inputs
// through the server's own pages and API (the team caseload, the people on
// it, their names, dates of birth and identifiers, the boards and forms).
// Measurement: by default each operation in turn, every virtual user doing
// only that operation for the warm-up and then the measured duration, so
// each gets a fair throughput of its own; with Mixed, every operation at
// once, each virtual user picking one by weight per iteration. Clean-up:
// API tokens revoked and sessions signed out.
//
// The bench writes to the database it measures (identifications,
// screenings, contacts, audit events): run it against demo or seeded data,
// never a live service.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DemoPassword is the demo users' password (README), the default.
const DemoPassword = "Liaise-demo-2026!"

// Config is a run's settings. The zero values of the optional fields
// take the defaults of `liaise bench`.
type Config struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8080.
	URL         string
	Concurrency int
	Duration    time.Duration
	Warmup      time.Duration
	// Ops are the operations to run, by name; empty runs them all.
	Ops []string
	// Mixed runs the operations together by weight instead of in turn.
	Mixed bool
	// Mix overrides operations' weights in a mixed run.
	Mix map[string]int
	// Seed picks the search terms and the random choices of each user.
	Seed uint64
	// Users are the clinical users; virtual user i signs in as
	// Users[i % len(Users)]. Auditor runs the auditor's operations.
	Users    []string
	Auditor  string
	Password string
	// Timeout bounds one request.
	Timeout time.Duration
	// Progress, when set, gets a line a ProgressEvery (default 1s) while
	// running.
	Progress      io.Writer
	ProgressEvery time.Duration
}

// Defaults of `liaise bench`.
const (
	DefaultURL         = "http://127.0.0.1:8080"
	DefaultConcurrency = 16
	DefaultDuration    = 30 * time.Second
	DefaultWarmup      = 5 * time.Second
	DefaultTimeout     = 10 * time.Second
	DefaultAuditor     = "auditor"
)

// DefaultUsers are the demo's clinical users in the Preston team.
var DefaultUsers = []string{"practitioner", "senior-practitioner", "team-manager"}

// ParseURL checks a server base URL and returns it without a trailing slash.
func ParseURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--url %q is not a server address: give one like %s", s, DefaultURL)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--url %q: give only the scheme, host and port, like %s (Liaise serves from /)", s, DefaultURL)
	}
	return u.Scheme + "://" + u.Host, nil
}

// ParseOps reads a comma-separated list of operation names.
func ParseOps(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if _, ok := LookupOperation(name); !ok {
			return nil, fmt.Errorf("unknown operation %q: choose from %s", name, strings.Join(OperationNames(), ", "))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// ParseMix reads weights like "person_page=3,quick_identify=1".
func ParseMix(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if _, known := LookupOperation(name); !known {
			return nil, fmt.Errorf("--mix: unknown operation %q: choose from %s", name, strings.Join(OperationNames(), ", "))
		}
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("--mix: %q needs a whole-number weight, like %s=3", part, name)
		}
		out[name] = n
	}
	if len(out) == 0 {
		return nil, errors.New("--mix: give weights like person_page=3,quick_identify=1")
	}
	return out, nil
}

// selected returns the operations to run, in registry order.
func (c *Config) selected() []Operation {
	var out []Operation
	for _, op := range operations {
		if len(c.Ops) == 0 || slices.Contains(c.Ops, op.Name) {
			out = append(out, op)
		}
	}
	return out
}

func (c *Config) normalise() error {
	if c.URL == "" {
		c.URL = DefaultURL
	}
	u, err := ParseURL(c.URL)
	if err != nil {
		return err
	}
	c.URL = u
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Concurrency < 1 || c.Concurrency > 4096 {
		return fmt.Errorf("--concurrency must be from 1 to 4096, not %d", c.Concurrency)
	}
	if c.Duration <= 0 {
		return fmt.Errorf("--duration must be more than 0, not %s", c.Duration)
	}
	if c.Warmup < 0 {
		return fmt.Errorf("--warmup cannot be negative")
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = time.Second
	}
	if len(c.Users) == 0 {
		c.Users = slices.Clone(DefaultUsers)
	}
	var users []string
	for _, u := range c.Users {
		if u = strings.TrimSpace(u); u != "" && !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return errors.New("--users names no user")
	}
	c.Users = users
	if c.Auditor == "" {
		c.Auditor = DefaultAuditor
	}
	if slices.Contains(c.Users, c.Auditor) {
		return fmt.Errorf("--auditor %s is also one of --users: the auditor needs an account of its own", c.Auditor)
	}
	if c.Password == "" {
		c.Password = DemoPassword
	}
	if _, err := ParseOps(strings.Join(c.Ops, ",")); err != nil {
		return err
	}
	if c.Mixed {
		total := 0
		for _, op := range c.selected() {
			total += c.weight(op)
		}
		if total == 0 {
			return errors.New("--mix gives every chosen operation a weight of 0")
		}
	}
	return nil
}

func (c *Config) weight(op Operation) int {
	if w, ok := c.Mix[op.Name]; ok {
		return w
	}
	if c.Mix != nil && len(c.Mix) > 0 {
		return 0 // a --mix names the operations it wants
	}
	return op.Weight
}

// Run signs in, discovers inputs, measures, cleans up and returns the report.
// Cancelling ctx stops the measurement early: the report then covers what
// was measured and says it was interrupted.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.normalise(); err != nil {
		return nil, err
	}
	ops := cfg.selected()
	if cfg.Mixed {
		var kept []Operation
		for _, op := range ops {
			if cfg.weight(op) > 0 {
				kept = append(kept, op)
			}
		}
		ops = kept
	}
	needAuditor, needToken := false, false
	for _, op := range ops {
		needAuditor = needAuditor || op.Auditor
		needToken = needToken || op.Surface == "api"
	}
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "bench: "+format+"\n", args...)
		}
	}
	rep := &Report{Version: ReportVersion, StartedAt: time.Now().UTC().Truncate(time.Second)}
	rep.Config = ReportConfig{URL: cfg.URL, Concurrency: cfg.Concurrency, DurationS: cfg.Duration.Seconds(), WarmupS: cfg.Warmup.Seconds(),
		Mode: "separate", Seed: cfg.Seed, Users: cfg.Users}
	for _, op := range ops {
		rep.Config.Ops = append(rep.Config.Ops, op.Name)
	}
	if cfg.Mixed {
		rep.Config.Mode = "mixed"
		rep.Config.Mix = map[string]int{}
		for _, op := range ops {
			rep.Config.Mix[op.Name] = cfg.weight(op)
		}
	}
	if needAuditor {
		rep.Config.Auditor = cfg.Auditor
	}

	c := newClient(cfg.URL, cfg.Concurrency, cfg.Timeout)
	defer c.close()
	var buf bytes.Buffer
	r, err := c.do(ctx, &buf, "GET", "/readyz", auth{}, "", nil)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Liaise at %s (is 'liaise serve' running there?): %w", cfg.URL, err)
	}
	if r.Status != 200 {
		return nil, fmt.Errorf("Liaise at %s is not ready: /readyz answered HTTP %d", cfg.URL, r.Status)
	}

	// Every session made is signed out at the end, whatever happens.
	var sessions []*session
	var tokens []*session
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, s := range tokens {
			c.revokeToken(cctx, s)
		}
		for _, s := range sessions {
			c.signOut(cctx, s)
		}
	}()

	// One session per user first, one at a time: a wrong password stops the
	// run after one refusal per account, never five.
	first := map[string]*session{}
	inputs := map[string]*Inputs{}
	for _, u := range cfg.Users {
		say("signing in as %s and discovering inputs", u)
		s, err := c.signIn(ctx, u, cfg.Password)
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, s)
		first[u] = s
		in, err := discover(ctx, c, s, cfg.Seed)
		if err != nil {
			return nil, err
		}
		inputs[u] = in
		rep.Discovery = append(rep.Discovery, Discovered{User: u, TeamID: in.TeamID, OpenEpisodes: len(in.OpenEpisodes),
			People: in.People, Identifiers: in.Identifiers, Boards: len(in.Boards), Documents: len(in.DocumentPages)})
	}
	var auditIn *Inputs
	if needAuditor {
		s, err := c.signIn(ctx, cfg.Auditor, cfg.Password)
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, s)
		first[cfg.Auditor] = s
		me, err := c.whoAmI(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, u := range cfg.Users {
			if inputs[u].ProviderID == me.ProviderID {
				auditIn = inputs[u]
				break
			}
		}
		if auditIn == nil {
			return nil, fmt.Errorf("the auditor %s belongs to none of the clinical users' providers, so has no one to search for: choose another --auditor", cfg.Auditor)
		}
	}
	for _, op := range ops {
		if op.Check == nil {
			continue
		}
		if op.Auditor {
			if err := op.Check(auditIn); err != nil {
				return nil, fmt.Errorf("operation %s cannot run: %v", op.Name, err)
			}
			continue
		}
		for _, u := range cfg.Users {
			if err := op.Check(inputs[u]); err != nil {
				return nil, fmt.Errorf("operation %s cannot run as %s: %v", op.Name, u, err)
			}
		}
	}
	if needToken {
		for _, u := range cfg.Users {
			if err := c.createToken(ctx, first[u]); err != nil {
				return nil, err
			}
			tokens = append(tokens, first[u])
		}
	}

	// The rest of the sessions: one per virtual user. Sign-ins of one
	// account go one at a time (the server counts an attempt in progress
	// towards the account's lock), different accounts in parallel.
	vus := make([]*vu, cfg.Concurrency)
	run := strconv.FormatInt(time.Now().Unix()%100000, 36)
	type slot struct {
		vu      int
		auditor bool
	}
	perUser := map[string][]slot{}
	for i := range vus {
		u := cfg.Users[i%len(cfg.Users)]
		vus[i] = &vu{id: i, c: c, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)), in: inputs[u], ain: auditIn, run: run}
		perUser[u] = append(perUser[u], slot{i, false})
		if needAuditor {
			perUser[cfg.Auditor] = append(perUser[cfg.Auditor], slot{i, true})
		}
	}
	say("signing in %d virtual users", cfg.Concurrency)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var signErr error
	for u, slots := range perUser {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n, sl := range slots {
				s := first[u]
				if n > 0 {
					var err error
					if s, err = c.signIn(ctx, u, cfg.Password); err != nil {
						mu.Lock()
						signErr = errors.Join(signErr, err)
						mu.Unlock()
						return
					}
					// The user's API token is shared, and revoked once through first.
					s.token = first[u].token
					mu.Lock()
					sessions = append(sessions, s)
					mu.Unlock()
				}
				if sl.auditor {
					vus[sl.vu].aud = s
				} else {
					vus[sl.vu].clin = s
				}
			}
		}()
	}
	wg.Wait()
	if signErr != nil {
		return nil, signErr
	}

	// Measure.
	if cfg.Mixed {
		res, interrupted := runPhase(ctx, &cfg, vus, ops, "mixed", say)
		rep.Operations = append(rep.Operations, res...)
		rep.Interrupted = interrupted
	} else {
		for i, op := range ops {
			if i > 0 {
				// A session unused for a while would reach the server's idle
				// timeout (15 minutes by default) before its operation's turn.
				keepAlive(ctx, c, sessions)
			}
			res, interrupted := runPhase(ctx, &cfg, vus, []Operation{op}, op.Name, say)
			rep.Operations = append(rep.Operations, res...)
			if interrupted {
				rep.Interrupted = true
				break
			}
		}
	}
	rep.FinishedAt = time.Now().UTC().Truncate(time.Second)
	return rep, nil
}

// keepAlive makes one request in each session between phases (not measured).
func keepAlive(ctx context.Context, c *client, sessions []*session) {
	var buf bytes.Buffer
	for _, s := range sessions {
		if ctx.Err() != nil {
			return
		}
		c.do(ctx, &buf, "GET", "/api/v1/me", s.pageAuth(), "", nil)
	}
}

// opAcc is one virtual user's counts for one operation in a phase.
type opAcc struct {
	hist     Histogram
	requests uint64
	errors   uint64
	samples  map[string]uint64
}

const maxErrorKinds = 8

func (a *opAcc) fail(err error) {
	a.requests++
	a.errors++
	if a.samples == nil {
		a.samples = map[string]uint64{}
	}
	msg := err.Error()
	if _, ok := a.samples[msg]; ok || len(a.samples) < maxErrorKinds {
		a.samples[msg]++
	}
}

// runPhase runs ops on every virtual user for the warm-up and the duration
// and returns one result per operation. A request counts when it completes
// inside the measured window; requests still running at its end are not
// counted, so the window's throughput is exact.
func runPhase(ctx context.Context, cfg *Config, vus []*vu, ops []Operation, label string, say func(string, ...any)) ([]OpResult, bool) {
	weights := make([]int, len(ops))
	total := 0
	for i, op := range ops {
		w := 1
		if cfg.Mixed {
			w = cfg.weight(op)
		}
		total += w
		weights[i] = total
	}
	start := time.Now()
	measureStart := start.Add(cfg.Warmup)
	end := measureStart.Add(cfg.Duration)
	accs := make([][]opAcc, len(vus))
	var done, measured, failed atomic.Int64

	var wg sync.WaitGroup
	for i, v := range vus {
		accs[i] = make([]opAcc, len(ops))
		wg.Add(1)
		go func(v *vu, acc []opAcc) {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(end) {
				k := 0
				if len(ops) > 1 {
					n := v.rng.IntN(total)
					for weights[k] <= n {
						k++
					}
				}
				op := ops[k]
				var arg any
				var err error
				if op.Setup != nil {
					arg, err = op.Setup(ctx, v)
				}
				t0 := time.Now()
				if err == nil {
					err = op.Run(ctx, v, arg)
				}
				t1 := time.Now()
				if ctx.Err() != nil {
					return // interrupted: the request did not finish on its own
				}
				done.Add(1)
				if t1.Before(measureStart) || !t1.Before(end) {
					if err != nil {
						backOff(err)
					}
					continue
				}
				measured.Add(1)
				if err != nil {
					failed.Add(1)
					acc[k].fail(err)
					backOff(err)
					continue
				}
				acc[k].requests++
				acc[k].hist.Record(t1.Sub(t0))
			}
		}(v, accs[i])
	}

	// The server's own CPU and memory over the window, when it says
	// (separate mode: one operation to a window).
	var before, after serverSample
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		select {
		case <-time.After(time.Until(measureStart)):
			before = vus[0].c.sampleServer(ctx)
		case <-ctx.Done():
		}
	}()

	stop := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		t := time.NewTicker(cfg.ProgressEvery)
		defer t.Stop()
		var last int64
		lastAt := start
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				n := done.Load()
				rate := float64(n-last) / now.Sub(lastAt).Seconds()
				last, lastAt = n, now
				if in := now.Sub(measureStart); in < cfg.ProgressEvery/2 {
					say("%-26s warm-up %s/%s, %d requests, %.0f req/s", label, roundS(now.Sub(start)), cfg.Warmup, n, rate)
				} else {
					say("%-26s %s/%s, %d requests, %d errors, %.0f req/s", label, roundS(min(in, cfg.Duration)), cfg.Duration, measured.Load(), failed.Load(), rate)
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-ticked
	<-sampled
	if before.ok && ctx.Err() == nil {
		after = vus[0].c.sampleServer(ctx)
	}

	interrupted := ctx.Err() != nil
	window := cfg.Duration
	if interrupted {
		window = max(0, min(time.Since(measureStart), cfg.Duration))
	}
	out := make([]OpResult, len(ops))
	for k, op := range ops {
		var h Histogram
		var requests, errs uint64
		samples := map[string]uint64{}
		for i := range vus {
			a := &accs[i][k]
			h.Merge(&a.hist)
			requests += a.requests
			errs += a.errors
			for m, n := range a.samples {
				samples[m] += n
			}
		}
		out[k] = result(op, &h, requests, errs, topErrors(samples, 5), window)
		if len(ops) == 1 {
			out[k].Server = serverUse(before, after, requests)
		}
	}
	return out, interrupted
}

// backOff slows a virtual user down after the server could not be reached,
// so a dead server is not hammered in a tight loop.
func backOff(err error) {
	var ne *netError
	if errors.As(err, &ne) {
		time.Sleep(10 * time.Millisecond)
	}
}

func topErrors(m map[string]uint64, n int) []ErrorSample {
	var out []ErrorSample
	for e, c := range m {
		out = append(out, ErrorSample{Error: e, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Error < out[j].Error
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func roundS(d time.Duration) time.Duration { return d.Round(time.Second) }
