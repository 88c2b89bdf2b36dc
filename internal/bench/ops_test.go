package bench

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range Operations() {
		if op.Name == "" || seen[op.Name] {
			t.Errorf("operation name %q is empty or repeated", op.Name)
		}
		seen[op.Name] = true
		if op.Surface != "page" && op.Surface != "api" {
			t.Errorf("%s: surface %q", op.Name, op.Surface)
		}
		if op.Run == nil || op.Summary == "" || op.Request == "" || op.Weight <= 0 {
			t.Errorf("%s: needs Run, Summary, Request and a weight", op.Name)
		}
		if (op.Surface == "api") != strings.Contains(op.Request, "/api/v1/") {
			t.Errorf("%s: surface %s but request %s", op.Name, op.Surface, op.Request)
		}
		if op.Budget != nil && op.Budget.P95 == 0 && op.Budget.Throughput == 0 {
			t.Errorf("%s: an empty budget", op.Name)
		}
	}
	// Screening works on what quick identify created, so it runs after it.
	names := OperationNames()
	if idx(names, "quick_identify") > idx(names, "screening_minimum") {
		t.Error("quick_identify must run before screening_minimum")
	}
	// Reads run before the writes that would grow what they read (boards).
	if idx(names, "board_site") > idx(names, "quick_identify") {
		t.Error("board_site must run before quick_identify")
	}
	if idx(names, "document_page") > idx(names, "quick_identify") || idx(names, "person_timeline_api") > idx(names, "api_quick_identify") {
		t.Error("document_page and person_timeline_api must run before the identifications")
	}
	// The budgets are those of DESIGN.md §8.
	want := map[string]Budget{
		"person_search_name_dob":   {P95: 20 * time.Millisecond, Throughput: 3000},
		"person_search_identifier": {P95: 20 * time.Millisecond, Throughput: 3000},
		"caseload_team":            {P95: 30 * time.Millisecond, Throughput: 1500},
		"person_page":              {P95: 30 * time.Millisecond, Throughput: 3000},
		"quick_identify":           {Throughput: 2000},
	}
	for name, b := range want {
		op, ok := LookupOperation(name)
		if !ok || op.Budget == nil || op.Budget.P95 != b.P95 || op.Budget.Throughput != b.Throughput {
			t.Errorf("%s: budget %+v, want %+v", name, op.Budget, b)
		}
	}
}

func idx(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestParseURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080":      "http://127.0.0.1:8080",
		"http://127.0.0.1:8080/":     "http://127.0.0.1:8080",
		" https://liaise.example/  ": "https://liaise.example",
	} {
		if got, err := ParseURL(in); err != nil || got != want {
			t.Errorf("ParseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:8080", "ftp://x", "http://", "http://x/liaise", "http://x/?a=1", "http://u:p@x", "::"} {
		if _, err := ParseURL(bad); err == nil || !strings.Contains(err.Error(), "--url") {
			t.Errorf("ParseURL(%q) err = %v", bad, err)
		}
	}
}

func TestParseOpsAndMix(t *testing.T) {
	got, err := ParseOps(" person_page, quick_identify,,person_page")
	if err != nil || strings.Join(got, ",") != "person_page,quick_identify" {
		t.Errorf("ParseOps = %v, %v", got, err)
	}
	if got, err := ParseOps(""); err != nil || len(got) != 0 {
		t.Errorf("empty ParseOps = %v, %v", got, err)
	}
	if _, err := ParseOps("person_page,frobnicate"); err == nil || !strings.Contains(err.Error(), `unknown operation "frobnicate"`) ||
		!strings.Contains(err.Error(), "person_search_name_dob") {
		t.Errorf("unknown op err = %v", err)
	}
	m, err := ParseMix("person_page=3, quick_identify=1")
	if err != nil || m["person_page"] != 3 || m["quick_identify"] != 1 || len(m) != 2 {
		t.Errorf("ParseMix = %v, %v", m, err)
	}
	for _, bad := range []string{"", "person_page", "person_page=x", "person_page=-1", "nope=1"} {
		if _, err := ParseMix(bad); err == nil || !strings.Contains(err.Error(), "--mix") {
			t.Errorf("ParseMix(%q) err = %v", bad, err)
		}
	}
	cfg := Config{Duration: time.Second, Mixed: true, Mix: map[string]int{"person_page": 0}}
	if err := cfg.normalise(); err == nil {
		t.Error("a mix of zero weights was accepted")
	}
	cfg = Config{Duration: time.Second, Users: []string{"auditor"}}
	if err := cfg.normalise(); err == nil || !strings.Contains(err.Error(), "--auditor") {
		t.Errorf("auditor among users: %v", err)
	}
	cfg = Config{}
	if err := cfg.normalise(); err == nil || !strings.Contains(err.Error(), "--duration") {
		t.Errorf("zero duration: %v", err)
	}
	cfg = Config{Duration: time.Second, Concurrency: -1}
	if err := cfg.normalise(); err == nil || !strings.Contains(err.Error(), "--concurrency") {
		t.Errorf("negative concurrency: %v", err)
	}
}

func TestJSONID(t *testing.T) {
	compact := []byte(`{"id":"53","person_id":"84","items":[{"id":"7"}]}`)
	indented := []byte("{\n  \"items\": [\n    {\n      \"id\": \"84\",\n      \"name\": \"Reece\"\n    },\n    {\n      \"id\": \"91\"\n    }\n  ]\n}")
	if jsonID(compact) != 53 || jsonID(indented) != 84 || jsonID([]byte(`{"person_id":"4"}`)) != 0 || jsonID([]byte(`{"id": 5}`)) != 0 {
		t.Error("jsonID")
	}
	if !jsonHasID(indented, 91) || !jsonHasID(compact, 7) || jsonHasID(compact, 84) || jsonHasID(indented, 9) {
		t.Error("jsonHasID")
	}
}

func TestCheckTimeline(t *testing.T) {
	good := []byte("{\n  \"items\": [\n    {\n      \"type\": \"episode\",\n      \"id\": \"9\",\n      \"episode_id\": \"53\",\n" +
		"      \"occurred_at\": \"2026-11-23T09:00:00Z\"\n    },\n    {\"type\": \"person\", \"id\": \"4\", \"occurred_at\": \"2026-11-22T09:00:00Z\"}\n  ],\n" +
		"  \"skipped_episodes\": 0\n}\n")
	if err := checkTimeline(good, 53); err != nil {
		t.Error(err)
	}
	if err := checkTimeline(good, 0); err != nil {
		t.Errorf("no episode to look for: %v", err)
	}
	for name, c := range map[string]struct {
		body    string
		episode int64
		want    string
	}{
		"other episode": {string(good), 54, "no entry of episode 54"},
		"not JSON":      {"<html>", 53, "not JSON"},
		"empty":         {`{"items": [], "skipped_episodes": 0}`, 53, "no entries"},
		"no skipped":    {`{"items": [{"type": "episode", "id": "1", "occurred_at": "x"}]}`, 0, "no skipped_episodes"},
		"entry lacks":   {`{"items": [{"type": "episode", "id": "1"}], "skipped_episodes": 2}`, 0, "lacks its type, id or time"},
	} {
		if err := checkTimeline([]byte(c.body), c.episode); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

func TestExpect(t *testing.T) {
	ok := response{Status: 200, Body: []byte(`<h1>Audit trail</h1>`)}
	if err := expect(ok, 200, []byte("<h1>Audit trail</h1>")); err != nil {
		t.Error(err)
	}
	if err := expect(ok, 200, []byte("Person")); err == nil {
		t.Error("a missing marker passed")
	}
	if err := expect(response{Status: 403}, 200, nil); err == nil || err.Error() != "HTTP 403, want 200" {
		t.Errorf("wrong status: %v", err)
	}
	if err := expectRedirect(response{Status: 303, Location: "/episodes/5/contacts?x=1"}, "/episodes/5/contacts"); err != nil {
		t.Error(err)
	}
	if err := expectRedirect(response{Status: 303, Location: "/sign-in"}, "/episodes/5/contacts"); err == nil {
		t.Error("a redirect to sign-in passed")
	}
	if err := expect(response{Status: 303, Location: "/sign-in?next=%2Fpeople%2F5"}, 200, nil); err == nil || !strings.Contains(err.Error(), "ended the session") {
		t.Errorf("signed out: %v", err)
	}
	if err := expectRedirect(response{Status: 422}, "/x"); err == nil {
		t.Error("a form shown again with errors passed")
	}
}

// TestWrongPasswordIsNotRetried: five failures lock an account, so one
// refusal must stop the run.
func TestWrongPasswordIsNotRetried(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/readyz":
			w.WriteHeader(200)
		case "/sign-in":
			attempts.Add(1)
			if r.Header.Get("Origin") == "" {
				t.Error("sign-in sent without Origin")
			}
			w.WriteHeader(http.StatusUnprocessableEntity)
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	_, err := Run(context.Background(), Config{URL: srv.URL, Concurrency: 8, Duration: time.Second, Password: "wrong"})
	if !errors.Is(err, errSignIn) || !strings.Contains(err.Error(), "practitioner") || !strings.Contains(err.Error(), "--password") {
		t.Errorf("err = %v", err)
	}
	if n := attempts.Load(); n != 1 {
		t.Errorf("%d sign-in attempts, want 1", n)
	}
}

func TestUnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Run(context.Background(), Config{URL: "http://" + addr, Duration: time.Second})
	if err == nil || !strings.Contains(err.Error(), "cannot reach Liaise") {
		t.Errorf("err = %v", err)
	}
}

func TestFreshPoolPickRecent(t *testing.T) {
	var p freshPool
	if _, ok := p.pick(func(n int) int { return 0 }); ok {
		t.Fatal("pick from an empty pool gave an episode")
	}
	const total = maxRecent + 500
	for id := int64(1); id <= total; id++ {
		p.push(id)
	}
	for _, i := range []int{0, 1, maxRecent / 2, maxRecent - 1} {
		got, ok := p.pick(func(n int) int {
			if n != maxRecent {
				t.Errorf("pick drew from %d episodes, want %d", n, maxRecent)
			}
			return i
		})
		if !ok || got <= total-maxRecent || got > total {
			t.Errorf("pick(%d) = %d, %v; want one of the latest %d identified (%d–%d)", i, got, ok, maxRecent, total-maxRecent+1, total)
		}
	}
	// Screening still takes each episode once, oldest first.
	if id, ok := p.pop(); !ok || id != 1 {
		t.Errorf("pop = %d, %v; want 1", id, ok)
	}
}
