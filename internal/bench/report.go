package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// ReportVersion is the version of the JSON report's shape. Fields may be
// added within a version; renaming or removing one needs a new version.
const ReportVersion = 1

// Report is the result of a run. Its JSON form is the documented shape
// (docs/performance.md, "Load benchmark"):
//
//	{"version":1, "started_at":…, "finished_at":…, "interrupted":false,
//	 "config":{"url":…, "concurrency":16, "duration_s":30, "warmup_s":5,
//	           "mode":"separate"|"mixed", "ops":[…], "mix":{…}, "seed":1,
//	           "users":[…], "auditor":"auditor"},
//	 "discovery":[{"user":…, "team_id":…, "open_episodes":…, "people":…,
//	               "identifiers":…, "boards":…, "documents":…}],
//	 "operations":[{"name":…, "surface":"page"|"api", "request":…,
//	   "user":"clinical"|"auditor", "requests":…, "errors":…,
//	   "error_samples":[{"error":…, "count":…}], "duration_s":…,
//	   "throughput_per_s":…,
//	   "latency_ms":{"p50":…, "p95":…, "p99":…, "max":…, "mean":…},
//	   "budget":null | {"what":…, "p95_ms":…, "min_throughput_per_s":…, "pass":…}}]}
type Report struct {
	Version     int          `json:"version"`
	StartedAt   time.Time    `json:"started_at"`
	FinishedAt  time.Time    `json:"finished_at"`
	Interrupted bool         `json:"interrupted"`
	Config      ReportConfig `json:"config"`
	Discovery   []Discovered `json:"discovery"`
	Operations  []OpResult   `json:"operations"`
}

// ReportConfig is the run's configuration (never the password).
type ReportConfig struct {
	URL         string         `json:"url"`
	Concurrency int            `json:"concurrency"`
	DurationS   float64        `json:"duration_s"`
	WarmupS     float64        `json:"warmup_s"`
	Mode        string         `json:"mode"`
	Ops         []string       `json:"ops"`
	Mix         map[string]int `json:"mix,omitempty"`
	Seed        uint64         `json:"seed"`
	Users       []string       `json:"users"`
	Auditor     string         `json:"auditor,omitempty"`
}

// Discovered says what discovery found for one clinical user.
type Discovered struct {
	User         string `json:"user"`
	TeamID       int64  `json:"team_id"`
	OpenEpisodes int    `json:"open_episodes"`
	People       int    `json:"people"`
	Identifiers  int    `json:"identifiers"`
	Boards       int    `json:"boards"`
	Documents    int    `json:"documents"`
}

// OpResult is one operation's measurements over its measured window.
// Requests counts every request that completed in the window, errors
// included; throughput and latencies count only the successful ones.
type OpResult struct {
	Name           string        `json:"name"`
	Surface        string        `json:"surface"`
	Request        string        `json:"request"`
	User           string        `json:"user"`
	Requests       uint64        `json:"requests"`
	Errors         uint64        `json:"errors"`
	ErrorSamples   []ErrorSample `json:"error_samples,omitempty"`
	DurationS      float64       `json:"duration_s"`
	ThroughputPerS float64       `json:"throughput_per_s"`
	LatencyMS      Latency       `json:"latency_ms"`
	Budget         *BudgetResult `json:"budget"`
	// Server is the server process's CPU and memory over the window (each
	// operation on its own only; absent without the server's /metrics).
	Server *ServerUse `json:"server,omitempty"`
}

// ErrorSample is one kind of error and how often it happened.
type ErrorSample struct {
	Error string `json:"error"`
	Count uint64 `json:"count"`
}

// Latency is in milliseconds, to the microsecond.
type Latency struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// BudgetResult compares an operation with its DESIGN.md §8 budget. Pass
// needs every limit that applies met and no errors.
type BudgetResult struct {
	What              string  `json:"what"`
	P95MS             float64 `json:"p95_ms,omitempty"`
	MinThroughputPerS float64 `json:"min_throughput_per_s,omitempty"`
	Pass              bool    `json:"pass"`
}

func ms(d time.Duration) float64 { return round3(float64(d) / float64(time.Millisecond)) }

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// result turns an operation's merged counts into its report line.
func result(op Operation, h *Histogram, requests, errors uint64, samples []ErrorSample, window time.Duration) OpResult {
	r := OpResult{Name: op.Name, Surface: op.Surface, Request: op.Request, User: "clinical", Requests: requests, Errors: errors,
		ErrorSamples: samples, DurationS: round3(window.Seconds())}
	if op.Auditor {
		r.User = "auditor"
	}
	if window > 0 {
		r.ThroughputPerS = math.Round(float64(h.Count())/window.Seconds()*10) / 10
	}
	r.LatencyMS = Latency{P50: ms(h.Percentile(50)), P95: ms(h.Percentile(95)), P99: ms(h.Percentile(99)), Max: ms(h.Max()), Mean: ms(h.Mean())}
	if b := op.Budget; b != nil {
		br := &BudgetResult{What: b.What, Pass: errors == 0 && h.Count() > 0}
		if b.P95 > 0 {
			br.P95MS = ms(b.P95)
			br.Pass = br.Pass && r.LatencyMS.P95 < br.P95MS
		}
		if b.Throughput > 0 {
			br.MinThroughputPerS = b.Throughput
			br.Pass = br.Pass && r.ThroughputPerS >= b.Throughput
		}
		r.Budget = br
	}
	return r
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteTable writes the report as a table for people: a header saying what
// was measured and how, one line per operation, and the errors seen.
func WriteTable(w io.Writer, r *Report) error {
	var b strings.Builder
	c := r.Config
	mode := "each operation on its own"
	if c.Mode == "mixed" {
		mode = "all operations mixed by weight"
	}
	fmt.Fprintf(&b, "Liaise load benchmark of %s, %s\n", c.URL, r.StartedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "%d virtual users, %s for %s after %s warm-up; seed %d\n", c.Concurrency, mode, seconds(c.DurationS), seconds(c.WarmupS), c.Seed)
	fmt.Fprintf(&b, "Clinical users: %s", strings.Join(c.Users, ", "))
	if c.Auditor != "" {
		fmt.Fprintf(&b, "; auditor: %s", c.Auditor)
	}
	b.WriteString("\n")
	b.WriteString("Surface: page = the HTML pages and forms practitioners use (session cookie);\n")
	b.WriteString("         api = the JSON API with a personal API token, as an integration calls it.\n")
	b.WriteString("Latency is measured at the client (ms); req/s counts successful requests.\n")
	b.WriteString("cpu ms/req: the server process's CPU time a request, from its /metrics (not the database server's).\n")
	if r.Interrupted {
		b.WriteString("INTERRUPTED: the run was stopped early; the figures cover what was measured.\n")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%-26s %-7s %9s %7s %9s %8s %8s %8s %8s %10s  %-22s %s\n",
		"operation", "surface", "requests", "errors", "req/s", "p50", "p95", "p99", "max", "cpu ms/req", "budget (DESIGN.md §8)", "result")
	for _, o := range r.Operations {
		budget, verdict := "-", "-"
		if o.Budget != nil {
			var parts []string
			if o.Budget.P95MS > 0 {
				parts = append(parts, fmt.Sprintf("p95<%gms", o.Budget.P95MS))
			}
			if o.Budget.MinThroughputPerS > 0 {
				parts = append(parts, fmt.Sprintf(">=%g/s", o.Budget.MinThroughputPerS))
			}
			budget = strings.Join(parts, " ")
			verdict = "FAIL"
			if o.Budget.Pass {
				verdict = "PASS"
			}
		}
		cpu := "-"
		if o.Server != nil {
			cpu = strconv.FormatFloat(o.Server.CPUMSPerRequest, 'f', 3, 64)
		}
		fmt.Fprintf(&b, "%-26s %-7s %9d %7d %9.1f %8.2f %8.2f %8.2f %8.2f %10s  %-22s %s\n",
			o.Name, o.Surface, o.Requests, o.Errors, o.ThroughputPerS, o.LatencyMS.P50, o.LatencyMS.P95, o.LatencyMS.P99, o.LatencyMS.Max, cpu, budget, verdict)
	}
	for _, o := range r.Operations {
		for _, s := range o.ErrorSamples {
			fmt.Fprintf(&b, "error in %s (%d×): %s\n", o.Name, s.Count, s.Error)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func seconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).String()
}
