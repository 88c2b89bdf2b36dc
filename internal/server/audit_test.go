package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// auditFixture writes events for the test provider and one for another provider.
func (env *testEnv) auditFixture(n int) {
	env.t.Helper()
	ctx := context.Background()
	for i := range n {
		ev := liaise.AuditEvent{OccurredAt: liaise.NewTime(time.Date(2026, 7, 1, 8, i, 0, 0, time.UTC)), UserID: 4242, Username: "jsmith",
			Role: "practitioner", Action: liaise.AuditRead, RecordType: "person", RecordID: int64(41 + i), TeamID: env.Team,
			ProviderID: env.Provider, ClientIP: "10.1.2.3", RequestID: "req-fixture"}
		if err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(ctx, ev) }); err != nil {
			env.t.Fatal(err)
		}
	}
	ev := liaise.AuditEvent{OccurredAt: liaise.NewTime(time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)), Username: "elsewhere",
		Role: "practitioner", Action: liaise.AuditRead, RecordType: "person", RecordID: 41, ProviderID: env.OtherProvider}
	if err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(ctx, ev) }); err != nil {
		env.t.Fatal(err)
	}
}

func TestAuditPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.auditFixture(3)
		c := env.client("auditor")
		resp, body := env.get(c, "/audit?username=jsmith")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d\n%s", resp.StatusCode, body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q", cc)
		}
		body = html.UnescapeString(body)
		// 08:02 UTC on 1 July is 09:02 in London (BST).
		for _, want := range []string{"Audit trail", "Matching events", "<caption", `scope="col"`, "1 Jul 2026 09:02:00", "jsmith",
			"Practitioner", "Viewed", "person 43", "Test custody team", "10.1.2.3", "req-fixture"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// The provider is the data boundary.
		if _, body := env.get(c, "/audit?record_type=person&record_id=41"); strings.Contains(body, "elsewhere") {
			t.Error("auditor sees another provider's events")
		}

		// Paging: the next link carries the filters and leads to older events.
		_, body = env.get(c, "/audit?username=jsmith&limit=2")
		body = html.UnescapeString(body)
		if !strings.Contains(body, "person 43") || !strings.Contains(body, "person 42") || strings.Contains(body, "person 41") {
			t.Fatalf("first page of 2 wrong:\n%s", body)
		}
		i := strings.Index(body, `href="/audit?`)
		if i < 0 {
			t.Fatalf("no next page link:\n%s", body)
		}
		next := body[i+len(`href="`):]
		next = next[:strings.IndexByte(next, '"')]
		if !strings.Contains(next, "username=jsmith") || !strings.Contains(next, "cursor=") {
			t.Fatalf("next link %q", next)
		}
		resp, body = env.get(c, next)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "person 41") || strings.Contains(body, "person 43") || strings.Contains(body, "Older events") {
			t.Fatalf("second page: status %d\n%s", resp.StatusCode, body)
		}

		// Bad filters come back in the error summary, at their fields.
		resp, body = env.get(c, "/audit?record_id=abc&from=2026-02-30")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "nhsuk-error-summary") ||
			!strings.Contains(body, `href="#record_id"`) || !strings.Contains(body, `href="#from"`) {
			t.Fatalf("bad filters: status %d\n%s", resp.StatusCode, body)
		}
		resp, body = env.get(c, "/audit?cursor=rubbish")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The page link is not valid") {
			t.Fatalf("bad cursor: status %d\n%s", resp.StatusCode, body)
		}

		// Looking at the trail is audited.
		var n int
		if err := env.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE record_type = 'audit_search' AND user_id = ?`, env.Users["auditor"]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < 3 {
			t.Errorf("%d audit_search events, want one per search", n)
		}

		if resp, _ := env.get(env.client("practitioner"), "/audit"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner: status %d, want 403", resp.StatusCode)
		}
	})
}

func TestAuditAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.auditFixture(3)
		tok := env.token("auditor")
		var got auditEventsResponse
		var seen []string
		path := "/api/v1/audit/events?username=jsmith&record_type=person&limit=2"
		for range 3 {
			resp, body := env.api("GET", path, tok, "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d\n%s", resp.StatusCode, body)
			}
			got = auditEventsResponse{}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(body, `"seq": 1`) || !strings.Contains(body, `"record_id": "`) {
				t.Errorf("ids are not strings:\n%s", body)
			}
			for _, e := range got.Events {
				seen = append(seen, e.Username+"/"+e.RecordType)
				if e.ProviderID != env.Provider || e.TeamName != "Test custody team" {
					t.Errorf("event %+v", e)
				}
			}
			if got.NextCursor == "" {
				break
			}
			path = "/api/v1/audit/events?username=jsmith&record_type=person&limit=2&cursor=" + got.NextCursor
		}
		if len(seen) != 3 {
			t.Fatalf("paged through %v, want 3 events", seen)
		}

		resp, body := env.api("GET", "/api/v1/audit/events?cursor=bm90LWEtY3Vyc29y", tok, "")
		var p Problem
		json.Unmarshal([]byte(body), &p)
		if resp.StatusCode != http.StatusUnprocessableEntity || p.Errors["cursor"] == "" {
			t.Fatalf("bad cursor: status %d\n%s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", "/api/v1/audit/events?from=yesterday&limit=9999", tok, "")
		p = Problem{}
		json.Unmarshal([]byte(body), &p)
		if resp.StatusCode != http.StatusUnprocessableEntity || p.Errors["from"] == "" || p.Errors["limit"] == "" {
			t.Fatalf("bad filters: status %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := env.api("GET", "/api/v1/audit/events", env.token("practitioner"), ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("practitioner: status %d, want 403", resp.StatusCode)
		}
	})
}

func TestAuditSealerJob(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.auditFixture(3)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { env.Server.auditSealer(ctx); close(done) }()
		// A round seals, then writes the first checkpoint: wait for both.
		deadline := time.Now().Add(30 * time.Second) // see seal in sqlstore's tests
		for {
			n, err := env.DB.UnsealedCount(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			_, ok, err := env.DB.LatestCheckpoint(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 && ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d events still unsealed, checkpoint written: %v", n, ok)
			}
			time.Sleep(20 * time.Millisecond)
		}
		holder, _, err := env.DB.LeaseHolder(context.Background(), sqlstore.AuditSealerLease)
		if err != nil || holder == "" {
			t.Fatalf("sealer holds no lease: %q %v", holder, err)
		}
		cancel()
		<-done
		if holder, _, _ := env.DB.LeaseHolder(context.Background(), sqlstore.AuditSealerLease); holder != "" {
			t.Errorf("lease not released on shutdown: held by %q", holder)
		}
		res, err := env.DB.Verify(context.Background(), []byte(env.Server.Cfg.AuditKey), nil)
		if err != nil || res.FirstBroken != nil || res.Checked == 0 {
			t.Fatalf("verify after the job: %+v %v", res, err)
		}
	})
}
