package sqlstore_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestDraftsStore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		now := time.Date(2026, 12, 6, 14, 32, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		f := newPeopleFixture(t, db)
		ctx := context.Background()
		key := "/episodes/12/screening/full"
		rec := sqlstore.DraftRecord{Type: "episode", ID: 12, TeamID: f.team1}

		// No one signed in: nothing is kept.
		if err := db.SaveDraft(ctx, &sqlstore.Draft{FormKey: key}, rec, "draft saved"); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
			t.Fatalf("anonymous save: %v", err)
		}

		d := sqlstore.Draft{FormKey: key, Values: url.Values{"advice_to_custody": {"Check every 30 minutes"}, "others_present": {"a", "b"}}, Version: 3}
		dbtest.Must(t, db.SaveDraft(f.p1, &d, rec, "draft saved"))
		if d.ID == 0 || d.UserID != f.ids["p1"] || !d.SavedAt.Equal(now) || !d.ExpiresAt.Equal(now.Add(sqlstore.DraftLifetime)) {
			t.Fatalf("saved %+v", d)
		}
		got, ok, err := db.RestoreDraft(f.p1, key, rec)
		dbtest.Must(t, err)
		if !ok || got.Values.Get("advice_to_custody") != "Check every 30 minutes" || len(got.Values["others_present"]) != 2 || got.Version != 3 || !got.SavedAt.Equal(now) {
			t.Fatalf("restored %+v %v", got, ok)
		}
		// Only the owner reads it.
		if _, ok, err := db.RestoreDraft(f.p1b, key, rec); err != nil || ok {
			t.Fatalf("another user read the draft: %v %v", ok, err)
		}

		// One draft per user per form: a later save replaces it.
		now = now.Add(time.Minute)
		d2 := sqlstore.Draft{FormKey: key, Values: url.Values{"advice_to_custody": {"Check every 15 minutes"}}, Version: 3}
		dbtest.Must(t, db.SaveDraft(f.p1, &d2, rec, "draft saved"))
		dbtest.Must(t, db.SaveDraft(f.p1b, &sqlstore.Draft{FormKey: key, Values: url.Values{"x": {"p1b's"}}}, rec, "draft saved"))
		var n int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM drafts WHERE user_id = ?`, f.ids["p1"]).Scan(&n))
		if n != 1 || d2.ID != d.ID {
			t.Fatalf("%d drafts for p1 (ids %d, %d)", n, d.ID, d2.ID)
		}
		got, _, _ = db.RestoreDraft(f.p1, key, rec)
		if got.Values.Get("advice_to_custody") != "Check every 15 minutes" {
			t.Fatalf("replaced draft %+v", got.Values)
		}

		// Saves, restores and discards are audited on the form's record;
		// what was typed never reaches the audit trail.
		if c := auditCount(t, db, "episode", liaise.AuditUpdate); c != 3 {
			t.Errorf("%d save events, want 3", c)
		}
		if c := auditCount(t, db, "episode", liaise.AuditRead); c != 2 {
			t.Errorf("%d restore events, want 2", c)
		}
		var leaked int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%minutes%'`).Scan(&leaked))
		if leaked != 0 {
			t.Error("a draft's values reached the audit trail")
		}

		// Discard: gone, audited, and a second discard finds nothing.
		found, err := db.DiscardDraft(f.p1, key, rec)
		dbtest.Must(t, err)
		if !found {
			t.Fatal("discard found no draft")
		}
		if _, ok, _ := db.RestoreDraft(f.p1, key, rec); ok {
			t.Fatal("discarded draft restored")
		}
		if found, _ := db.DiscardDraft(f.p1, key, rec); found {
			t.Error("second discard found a draft")
		}
		var discards int
		dbtest.Must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE detail = ?`, "draft discarded: "+key).Scan(&discards))
		if discards != 1 {
			t.Errorf("%d discard events", discards)
		}

		// A new person's form has no record: the draft itself is audited.
		np := sqlstore.Draft{FormKey: "/people/new", Values: url.Values{"family_name": {"Hart"}}}
		dbtest.Must(t, db.SaveDraft(f.p1, &np, sqlstore.DraftRecord{}, "draft saved"))
		if c := auditCount(t, db, "draft", liaise.AuditUpdate); c != 1 {
			t.Errorf("%d draft-record events", c)
		}
		dbtest.Must(t, db.DeleteDraft(f.p1, "/people/new"))
		if _, ok, _ := db.RestoreDraft(f.p1, "/people/new", sqlstore.DraftRecord{}); ok {
			t.Error("deleted draft restored")
		}

		// Bounds: a form's own path, and a sane size.
		if err := db.SaveDraft(f.p1, &sqlstore.Draft{FormKey: "https://elsewhere/"}, rec, "draft saved"); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("foreign key: %v", err)
		}
		huge := sqlstore.Draft{FormKey: key, Values: url.Values{"summary": {strings.Repeat("x", 300<<10)}}}
		if err := db.SaveDraft(f.p1, &huge, rec, "draft saved"); liaise.ErrorCode(err) != liaise.EINVALID {
			t.Errorf("huge draft: %v", err)
		}

		// Drafts expire after 14 days and the clean-up purges them.
		now = now.Add(sqlstore.DraftLifetime + time.Minute)
		if _, ok, _ := db.RestoreDraft(f.p1b, key, rec); ok {
			t.Error("expired draft restored")
		}
		gone, err := db.DeleteExpiredDrafts(ctx, now)
		dbtest.Must(t, err)
		if gone != 1 {
			t.Errorf("purged %d, want 1", gone)
		}
	})
}

func TestEndedSessionUser(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		ctx := context.Background()
		ev := liaise.AuditEvent{Action: liaise.AuditSignIn, RecordType: "user"}
		s, err := db.CreateSession(ctx, f.ids["p1"], "hash-idle", time.Hour, ev)
		dbtest.Must(t, err)
		if uid, ok, err := db.EndedSessionUser(ctx, "hash-idle"); err != nil || !ok || uid != f.ids["p1"] {
			t.Fatalf("idle session: %d %v %v", uid, ok, err)
		}
		dbtest.Must(t, db.RevokeSession(ctx, s.ID, ev))
		if _, ok, err := db.EndedSessionUser(ctx, "hash-idle"); err != nil || ok {
			t.Fatalf("revoked session still names its user: %v %v", ok, err)
		}
		if _, ok, err := db.EndedSessionUser(ctx, "no-such-hash"); err != nil || ok {
			t.Fatalf("unknown token: %v %v", ok, err)
		}
	})
}
