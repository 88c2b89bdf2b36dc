package sqlstore_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func auditor(provider int64) *liaise.Actor {
	return &liaise.Actor{UserID: 99, Username: "auditor1", RoleCode: "auditor", RoleName: "Auditor", ProviderID: provider,
		Capabilities: []string{liaise.CapAuditSearch}, RequestID: "req-audit"}
}

func at(s string) liaise.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return liaise.NewTime(t)
}

func date(s string) liaise.Date {
	d, err := liaise.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// searchFixture writes a small trail and returns the id of a team.
func searchFixture(t *testing.T, db *sqlstore.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var team int64
	dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error {
		p, err := tx.InsertID(ctx, `INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('P', 'RXX', ?, ?)`, tx.Now, tx.Now)
		if err != nil {
			return err
		}
		s, err := tx.InsertID(ctx, `INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'L&D', 'ld', ?, ?)`, p, tx.Now, tx.Now)
		if err != nil {
			return err
		}
		team, err = tx.InsertID(ctx, `INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Preston custody', ?, ?)`, p, s, tx.Now, tx.Now)
		return err
	}))
	evs := []liaise.AuditEvent{
		{OccurredAt: at("2026-07-01T08:00:00Z"), UserID: 7, Username: "jsmith", Role: "practitioner", Action: "read", RecordType: "person", RecordID: 41, ProviderID: 1, TeamID: team},
		{OccurredAt: at("2026-07-01T23:30:00Z"), UserID: 7, Username: "jsmith", Role: "practitioner", Action: "list", RecordType: "person_search", ProviderID: 1, Subjects: []int64{41, 42}},
		{OccurredAt: at("2026-07-03T10:00:00Z"), UserID: 8, Username: "akhan", Role: "team_manager", Action: "update", RecordType: "person", RecordID: 42, ProviderID: 1},
		{OccurredAt: at("2026-07-03T11:00:00Z"), UserID: 8, Username: "akhan", Role: "team_manager", Action: "read", RecordType: "person", RecordID: 41, ProviderID: 1},
		{OccurredAt: at("2026-07-04T11:00:00Z"), UserID: 9, Username: "other", Role: "practitioner", Action: "read", RecordType: "person", RecordID: 41, ProviderID: 2},
		{OccurredAt: at("2026-07-05T12:00:00Z"), Username: "nobody", Action: "sign_in_failed"},
	}
	for _, ev := range evs {
		dbtest.Must(t, db.Update(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(ctx, ev) }))
	}
	return team
}

func search(t *testing.T, db *sqlstore.DB, a *liaise.Actor, q sqlstore.AuditQuery) sqlstore.AuditPage {
	t.Helper()
	p, err := db.SearchAudit(liaise.WithActor(context.Background(), a), q)
	dbtest.Must(t, err)
	return p
}

func records(p sqlstore.AuditPage) []string {
	var out []string
	for _, e := range p.Events {
		out = append(out, e.Username+"/"+e.Action+"/"+e.RecordType)
	}
	return out
}

func TestSearchAuditFilters(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		team := searchFixture(t, db)
		base := sqlstore.AuditQuery{From: date("2026-07-01"), To: date("2026-07-31")} // leave out the searches' own events
		cases := []struct {
			name string
			a    *liaise.Actor
			q    func(q sqlstore.AuditQuery) sqlstore.AuditQuery
			want []string
		}{
			{"own provider only, newest first", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { return q },
				[]string{"akhan/read/person", "akhan/update/person", "jsmith/list/person_search", "jsmith/read/person"}},
			{"system sees every provider", liaise.SystemActor("r"), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.RecordID, q.RecordType = 41, "person"; return q },
				[]string{"other/read/person", "akhan/read/person", "jsmith/read/person"}},
			{"by username", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.Username = "jsmith"; return q },
				[]string{"jsmith/list/person_search", "jsmith/read/person"}},
			{"by user id", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.UserID = 8; return q },
				[]string{"akhan/read/person", "akhan/update/person"}},
			{"by record", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.RecordType, q.RecordID = "person", 42; return q },
				[]string{"akhan/update/person"}},
			{"by record type", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.RecordType = "person_search"; return q },
				[]string{"jsmith/list/person_search"}},
			{"seen in a list", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.SubjectID = 42; return q },
				[]string{"jsmith/list/person_search"}},
			// 23:30 UTC on 1 July is 00:30 on 2 July in London.
			{"to is a London day", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery { q.To = date("2026-07-01"); return q },
				[]string{"jsmith/read/person"}},
			{"from is a London day", auditor(1), func(q sqlstore.AuditQuery) sqlstore.AuditQuery {
				q.From, q.To = date("2026-07-02"), date("2026-07-02")
				return q
			},
				[]string{"jsmith/list/person_search"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := records(search(t, db, c.a, c.q(base)))
				if len(got) != len(c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("got %v, want %v", got, c.want)
					}
				}
			})
		}
		p := search(t, db, auditor(1), sqlstore.AuditQuery{RecordType: "person", RecordID: 41, From: date("2026-07-01"), To: date("2026-07-01")})
		if len(p.Events) != 1 || p.Events[0].TeamName != "Preston custody" || p.Events[0].TeamID != team {
			t.Fatalf("team not shown: %+v", p.Events)
		}
	})
}

func TestSearchAuditPagination(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		addEvents(t, db, 7)
		var seen []int64
		q := sqlstore.AuditQuery{Username: "jsmith", Limit: 3}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			p := search(t, db, auditor(1), q)
			for _, e := range p.Events {
				if len(seen) > 0 && e.Seq >= seen[len(seen)-1] {
					t.Fatalf("not newest first: %d after %v", e.Seq, seen)
				}
				seen = append(seen, e.Seq)
			}
			if p.NextCursor == "" {
				break
			}
			if len(p.Events) != 3 {
				t.Fatalf("full page has %d events", len(p.Events))
			}
			q.Cursor = p.NextCursor
		}
		if len(seen) != 7 {
			t.Fatalf("paged through %d events, want 7", len(seen))
		}
	})
}

func TestSearchAuditRefusals(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := liaise.WithActor(context.Background(), auditor(1))
		for _, c := range []string{
			"not-base64!",
			base64.RawURLEncoding.EncodeToString([]byte(`{"v":2,"sort":"seq","values":[],"id":5}`)),
			base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"sort":"name","values":[],"id":5}`)),
			base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"sort":"seq","values":[],"id":0}`)),
			base64.RawURLEncoding.EncodeToString([]byte(`not json`)),
		} {
			if _, err := db.SearchAudit(ctx, sqlstore.AuditQuery{Cursor: c}); liaise.ErrorCode(err) != liaise.EINVALID {
				t.Errorf("cursor %q: err %v, want invalid", c, err)
			}
		}
		if _, err := db.SearchAudit(ctx, sqlstore.AuditQuery{From: date("2026-07-02"), To: date("2026-07-01")}); liaise.ErrorFields(err)["to"] == "" {
			t.Errorf("to before from: %v", err)
		}
		practitioner := &liaise.Actor{UserID: 7, ProviderID: 1, RoleName: "Practitioner", Capabilities: []string{liaise.CapPersonSearch}}
		if _, err := db.SearchAudit(liaise.WithActor(context.Background(), practitioner), sqlstore.AuditQuery{}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("practitioner searched the audit trail: %v", err)
		}
		if _, err := db.SearchAudit(context.Background(), sqlstore.AuditQuery{}); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
			t.Errorf("anonymous search: %v", err)
		}
	})
}

func TestSearchAuditIsAudited(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		search(t, db, auditor(1), sqlstore.AuditQuery{Username: "jsmith", RecordType: "person", RecordID: 41})
		var user, action, detail string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT username, action, detail FROM audit_events WHERE record_type = 'audit_search'`).Scan(&user, &action, &detail))
		if user != "auditor1" || action != liaise.AuditRead || detail != "username=jsmith record_type=person record_id=41" {
			t.Fatalf("audit of the search: %s %s %q", user, action, detail)
		}
	})
}
