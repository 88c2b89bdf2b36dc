package sqlstore_test

import (
	"context"
	"testing"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func codesActor(caps ...string) context.Context {
	return liaise.WithActor(context.Background(), &liaise.Actor{UserID: 1, ProviderID: 1, RoleName: "Tester", Capabilities: caps})
}

func TestCodesLoadedOnMigrate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := codesActor(liaise.CapCodesRead)
		lists, err := db.CodeLists(ctx)
		dbtest.Must(t, err)
		if len(lists) != len(codes.Lists()) {
			t.Fatalf("%d lists in the database, %d shipped", len(lists), len(codes.Lists()))
		}
		for i, l := range codes.Lists() {
			if lists[i] != l {
				t.Errorf("list %d: stored %+v, shipped %+v", i, lists[i], l)
			}
			info, stored, err := db.CodeList(ctx, l.Name)
			dbtest.Must(t, err)
			shipped, _ := codes.List(l.Name)
			if info != l || len(stored) != len(shipped) {
				t.Errorf("%s: %d codes stored, %d shipped", l.Name, len(stored), len(shipped))
				continue
			}
			for j := range shipped {
				a, b := stored[j], shipped[j]
				if a.Code != b.Code || a.Label != b.Label || a.ValidFrom != b.ValidFrom || a.ValidTo != b.ValidTo || len(a.Extra) != len(b.Extra) {
					t.Errorf("%s row %d: stored %+v, shipped %+v", l.Name, j, a, b)
				}
				for k, v := range b.Extra {
					if a.Extra[k] != v {
						t.Errorf("%s/%s extra %s = %q, want %q", l.Name, b.Code, k, a.Extra[k], v)
					}
				}
			}
		}
		// A retired code keeps its end date through the round trip.
		_, stt, err := db.CodeList(ctx, "service-team-type")
		dbtest.Must(t, err)
		for _, c := range stt {
			if c.Code == "A03" && c.ValidTo.String() != "2021-09-30" {
				t.Errorf("A03 valid_to = %q", c.ValidTo)
			}
		}
	})
}

// TestLoadCodesRepairs shows the load is idempotent and puts back what was
// changed by hand: an edited label, a removed row and a stray row.
func TestLoadCodesRepairs(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		bg := context.Background()
		count := func() int {
			var n int
			dbtest.Must(t, db.QueryRow(bg, `SELECT count(*) FROM code_values`).Scan(&n))
			return n
		}
		before := count()
		dbtest.Must(t, db.Migrate(bg, nil))
		if n := count(); n != before {
			t.Fatalf("second load changed the row count: %d → %d", before, n)
		}
		_, err := db.Exec(bg, `UPDATE code_values SET label = 'Wrong' WHERE list = 'service-team-type' AND code = 'D02'`)
		dbtest.Must(t, err)
		_, err = db.Exec(bg, `DELETE FROM code_values WHERE list = 'settings' AND code = 'prison'`)
		dbtest.Must(t, err)
		_, err = db.Exec(bg, `INSERT INTO code_values (list, code, label, valid_from, extra, position) VALUES ('settings', 'moon', 'The moon', '2020-01-01', '{}', 99)`)
		dbtest.Must(t, err)
		dbtest.Must(t, db.Migrate(bg, nil))
		if n := count(); n != before {
			t.Fatalf("after repair %d rows, want %d", n, before)
		}
		var label string
		dbtest.Must(t, db.QueryRow(bg, `SELECT label FROM code_values WHERE list = 'service-team-type' AND code = 'D02'`).Scan(&label))
		if label != "Criminal Justice Liaison and Diversion Service" {
			t.Errorf("D02 label not restored: %q", label)
		}
	})
}

func TestCodeListAccess(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := db.CodeLists(context.Background()); liaise.ErrorCode(err) != liaise.EUNAUTHENTICATED {
			t.Errorf("no actor: %v", err)
		}
		if _, _, err := db.CodeList(codesActor(liaise.CapRecordRead), "settings"); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("without codes.read: %v", err)
		}
		if _, _, err := db.CodeList(codesActor(liaise.CapCodesRead), "no-such-list"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("unknown list: %v", err)
		}
	})
}
