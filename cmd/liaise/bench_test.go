package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liaise/internal/bench"
)

func TestBenchFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--url", "localhost:8080"}, "is not a server address"},
		{[]string{"--url", "http://127.0.0.1:8080/liaise"}, "only the scheme, host and port"},
		{[]string{"--ops", "person_page,frobnicate"}, `unknown operation "frobnicate": choose from person_search_name_dob`},
		{[]string{"--mix", "person_page=lots"}, "whole-number weight"},
		{[]string{"--format", "xml"}, "--format must be table or json"},
		{[]string{"--concurrency", "0"}, "--concurrency must be at least 1"},
		{[]string{"--duration", "0s"}, "--duration must be more than 0"},
		{[]string{"--duration", "soon"}, "invalid value"},
		{[]string{"--frobnicate"}, "flag provided but not defined"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"--users", " , "}, "--users names no user"},
	}
	for _, tt := range tests {
		_, _, err := runCLI(t, nil, "", append([]string{"bench"}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("bench %v: err = %v, want it to say %q", tt.args, err, tt.want)
		}
	}
	// Nothing listens there: a clear message, not a hang or a panic.
	_, _, err := runCLI(t, nil, "", "bench", "--url", "http://"+freeAddr(t), "--quiet")
	if err == nil || !strings.Contains(err.Error(), "cannot reach Liaise") {
		t.Errorf("unreachable server: %v", err)
	}
}

func TestBenchHelpAndList(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "bench", "--help")
	if err != nil || !strings.Contains(out, "Usage: liaise bench") || !strings.Contains(out, "--concurrency") && !strings.Contains(out, "-concurrency") {
		t.Fatalf("help: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, nil, "", "bench", "--list")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range bench.OperationNames() {
		if !strings.Contains(out, name) {
			t.Errorf("--list lacks %s", name)
		}
	}
}

// TestBenchAgainstDemoServer starts the real server on SQLite with the demo
// data, runs every operation for about a second with two virtual users, and
// checks that each ran without an error and that the JSON report parses.
func TestBenchAgainstDemoServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs every operation: skipped with -short")
	}
	vars := tempDB(t)
	addr := freeAddr(t)
	vars["LIAISE_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--migrate", "--demo"}, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &logs)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	url := "http://" + addr
	ready := false
	for range 600 {
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				ready = true
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !ready {
		t.Fatalf("server never became ready; logs:\n%s", logs.String())
	}

	jsonPath := filepath.Join(t.TempDir(), "bench.json")
	stdout, stderr, err := runCLI(t, nil, "", "bench", "--url", url, "--concurrency", "2", "--duration", "1s", "--warmup", "200ms",
		"--json", jsonPath, "--check")
	// --check also fails on a missed budget, which a loaded test machine
	// may well miss: only errors matter here, checked below.
	if err != nil && !strings.Contains(stderr, "--check") {
		t.Fatalf("bench: %v\nstderr:\n%s\nserver logs:\n%s", err, stderr, logs.String())
	}
	if !strings.Contains(stderr, "bench: signing in as practitioner") || !strings.Contains(stderr, "requests") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, b)
	}
	if rep.Version != 1 || rep.Config.Concurrency != 2 || rep.Config.Mode != "separate" || rep.Interrupted {
		t.Errorf("report config: %+v", rep.Config)
	}
	if len(rep.Discovery) == 0 || rep.Discovery[0].People == 0 || rep.Discovery[0].Boards == 0 || rep.Discovery[0].Documents == 0 {
		t.Errorf("discovery: %+v", rep.Discovery)
	}
	seen := map[string]bool{}
	for _, o := range rep.Operations {
		seen[o.Name] = true
		if o.Requests == 0 || o.Errors != 0 || o.ThroughputPerS <= 0 || o.LatencyMS.P50 <= 0 || o.LatencyMS.Max < o.LatencyMS.P99 {
			t.Errorf("%s: %d requests, %d errors %v, %.1f/s, latency %+v", o.Name, o.Requests, o.Errors, o.ErrorSamples, o.ThroughputPerS, o.LatencyMS)
		}
		if !strings.Contains(stdout, o.Name) {
			t.Errorf("the table lacks %s", o.Name)
		}
		// The server's own use, from its /metrics.
		if o.Server == nil || o.Server.RSSMB <= 0 || o.Server.CPUS < 0 || o.Server.CPUMSPerRequest < 0 {
			t.Errorf("%s: server use %+v", o.Name, o.Server)
		}
	}
	for _, name := range bench.OperationNames() {
		if !seen[name] {
			t.Errorf("operation %s did not run", name)
		}
	}

	// A mixed run of two operations, JSON on standard output.
	stdout, _, err = runCLI(t, nil, "", "bench", "--url", url, "--concurrency", "2", "--duration", "500ms", "--warmup", "0s",
		"--mix", "person_page=2,audit_person=1", "--format", "json", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	rep = bench.Report{}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("JSON on stdout: %v\n%s", err, stdout)
	}
	if rep.Config.Mode != "mixed" || len(rep.Operations) != 2 || rep.Config.Mix["person_page"] != 2 {
		t.Errorf("mixed report: %+v", rep)
	}
	for _, o := range rep.Operations {
		if o.Requests == 0 || o.Errors != 0 {
			t.Errorf("mixed %s: %d requests, %d errors %v", o.Name, o.Requests, o.Errors, o.ErrorSamples)
		}
	}
}
