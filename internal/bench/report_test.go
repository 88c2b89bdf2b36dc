package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sampleReport is built through result(), as a run builds it.
func sampleReport() *Report {
	start := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	rep := &Report{Version: ReportVersion, StartedAt: start, FinishedAt: start.Add(3 * time.Minute),
		Config: ReportConfig{URL: "http://127.0.0.1:8080", Concurrency: 16, DurationS: 10, WarmupS: 2, Mode: "separate",
			Ops: []string{"person_search_name_dob", "caseload_team", "board_site", "quick_identify"}, Seed: 1,
			Users: []string{"practitioner", "senior-practitioner"}},
		Discovery: []Discovered{{User: "practitioner", TeamID: 9, OpenEpisodes: 43, People: 40, Identifiers: 71, Boards: 6, Documents: 5}},
	}
	fill := func(h *Histogram, n int, base, step time.Duration) {
		for i := range n {
			h.Record(base + time.Duration(i%100)*step)
		}
	}
	window := 10 * time.Second
	var h1, h2, h3, h4 Histogram
	fill(&h1, 40000, time.Millisecond, 50*time.Microsecond) // fast: passes
	fill(&h2, 9000, 5*time.Millisecond, 400*time.Microsecond)
	fill(&h3, 12000, 2*time.Millisecond, 100*time.Microsecond)
	fill(&h4, 15000, 3*time.Millisecond, 100*time.Microsecond)
	op := func(name string) Operation { o, _ := LookupOperation(name); return o }
	rep.Operations = []OpResult{
		result(op("person_search_name_dob"), &h1, 40000, 0, nil, window),
		result(op("caseload_team"), &h2, 9002, 2, []ErrorSample{{Error: "HTTP 500, want 200", Count: 2}}, window),
		result(op("board_site"), &h3, 12000, 0, nil, window),
		result(op("quick_identify"), &h4, 15000, 0, nil, window),
	}
	rep.Operations[0].Server = serverUse(serverSample{cpu: 100, rss: 90e6, ok: true}, serverSample{cpu: 119.5, rss: 131.46e6, ok: true}, 40000)
	return rep
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update if intended):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestReportTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", b.Bytes())
}

func TestReportJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", b.Bytes())

	// The documented shape, key by key.
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	if got := keys(doc); !slices.Equal(got, []string{"config", "discovery", "finished_at", "interrupted", "operations", "started_at", "version"}) {
		t.Errorf("top-level keys %v", got)
	}
	if doc["version"] != float64(1) {
		t.Errorf("version %v", doc["version"])
	}
	ops := doc["operations"].([]any)
	first := ops[0].(map[string]any)
	if got := keys(first); !slices.Equal(got, []string{"budget", "duration_s", "errors", "latency_ms", "name", "request", "requests", "server", "surface", "throughput_per_s", "user"}) {
		t.Errorf("operation keys %v", got)
	}
	if got := keys(first["server"].(map[string]any)); !slices.Equal(got, []string{"cpu_ms_per_request", "cpu_s", "rss_mb"}) {
		t.Errorf("server keys %v", got)
	}
	if _, ok := ops[1].(map[string]any)["server"]; ok {
		t.Error("an operation without server figures must leave the key out")
	}
	if got := keys(first["latency_ms"].(map[string]any)); !slices.Equal(got, []string{"max", "mean", "p50", "p95", "p99"}) {
		t.Errorf("latency keys %v", got)
	}
	if got := keys(first["budget"].(map[string]any)); !slices.Equal(got, []string{"min_throughput_per_s", "p95_ms", "pass", "what"}) {
		t.Errorf("budget keys %v", got)
	}
	if ops[2].(map[string]any)["budget"] != nil {
		t.Error("an operation without a budget has one")
	}
}

func TestBudgetVerdicts(t *testing.T) {
	rep := sampleReport()
	verdict := map[string]bool{}
	for _, o := range rep.Operations {
		if o.Budget != nil {
			verdict[o.Name] = o.Budget.Pass
		}
	}
	// 4,000 req/s at p95 ~5.8 ms: passes. The caseload had errors and
	// 900 req/s: fails. Quick identify at 1,500 req/s misses 2,000/s.
	want := map[string]bool{"person_search_name_dob": true, "caseload_team": false, "quick_identify": false}
	for k, v := range want {
		if verdict[k] != v {
			t.Errorf("%s pass = %v, want %v", k, verdict[k], v)
		}
	}
	o := rep.Operations[0]
	if o.ThroughputPerS != 4000 || o.Requests != 40000 || o.LatencyMS.Max != 5.95 {
		t.Errorf("first operation: %+v", o)
	}
	// A fast operation with one error fails its budget.
	h := &Histogram{}
	h.Record(time.Millisecond)
	op, _ := LookupOperation("person_page")
	if r := result(op, h, 2, 1, []ErrorSample{{Error: errors.New("x").Error(), Count: 1}}, time.Millisecond); r.Budget.Pass {
		t.Error("an operation with errors passed its budget")
	}
	// Nothing measured: no division by zero, and no pass.
	if r := result(op, &Histogram{}, 0, 0, nil, 0); r.ThroughputPerS != 0 || r.Budget.Pass {
		t.Errorf("empty result %+v", r)
	}
}

func TestServerMetrics(t *testing.T) {
	body := []byte("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n" +
		"# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 140.39\n" +
		"process_resident_memory_bytes 1.4337792e+08\nprocess_virtual_memory_bytes 2.9e+09\n")
	s := parseServerMetrics(body)
	if !s.ok || s.cpu != 140.39 || s.rss != 1.4337792e+08 {
		t.Errorf("parsed %+v", s)
	}
	if parseServerMetrics([]byte("go_goroutines 12\n")).ok {
		t.Error("metrics without the process figures must not count")
	}
	u := serverUse(s, serverSample{cpu: 150.39, rss: 1.5e8, ok: true}, 5000)
	if u == nil || u.CPUMSPerRequest != 2 || u.CPUS != 10 || u.RSSMB != 150 {
		t.Errorf("use = %+v", u)
	}
	for _, bad := range []*ServerUse{
		serverUse(serverSample{}, s, 10),
		serverUse(s, serverSample{}, 10),
		serverUse(s, s, 0),
		serverUse(serverSample{cpu: 2, ok: true}, serverSample{cpu: 1, ok: true}, 10), // a restarted server
	} {
		if bad != nil {
			t.Errorf("want no figures, got %+v", bad)
		}
	}
}
