package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// contactEpisode opens an episode at team 1's custody suite (M03).
func contactEpisode(t *testing.T, db *sqlstore.DB) (*peopleFixture, sqlstore.Episode) {
	t.Helper()
	f := newPeopleFixture(t, db)
	weekday, _ := episodeSites(t, f)
	e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Kit", FamilyName: "Marlow", SiteID: weekday, AlertedAt: london(2026, time.November, 23, 8, 0)})
	dbtest.Must(t, err)
	return f, e
}

func auditCount(t *testing.T, db *sqlstore.DB, recordType, action string) int {
	t.Helper()
	var n int
	dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE record_type = ? AND action = ?`, recordType, action).Scan(&n))
	return n
}

func TestValidateContact(t *testing.T) {
	now := london(2026, time.November, 23, 9, 30)
	at := london(2026, time.November, 23, 9, 0)
	direct := sqlstore.Contact{Kind: sqlstore.ContactDirect, OccurredAt: at, Minutes: 30, ConsultationMechanism: "01", ActivityLocationType: "M03", AttendedOrDNA: "5"}
	indirect := sqlstore.Contact{Kind: sqlstore.ContactIndirect, OccurredAt: at, Minutes: 10, CounterpartAgencyType: "police", CounterpartRole: "Custody sergeant"}
	with := func(c sqlstore.Contact, fn func(*sqlstore.Contact)) sqlstore.Contact { fn(&c); return c }
	tests := []struct {
		name  string
		c     sqlstore.Contact
		field string // "" for valid
	}{
		{"direct", direct, ""},
		{"indirect", indirect, ""},
		{"one minute", with(direct, func(c *sqlstore.Contact) { c.Minutes = 1 }), ""},
		{"600 minutes", with(direct, func(c *sqlstore.Contact) { c.Minutes = 600 }), ""},
		{"zero minutes", with(direct, func(c *sqlstore.Contact) { c.Minutes = 0 }), "duration_minutes"},
		{"601 minutes", with(indirect, func(c *sqlstore.Contact) { c.Minutes = 601 }), "duration_minutes"},
		{"unknown mechanism", with(direct, func(c *sqlstore.Contact) { c.ConsultationMechanism = "03" }), "consultation_mechanism"},
		{"unknown location", with(direct, func(c *sqlstore.Contact) { c.ActivityLocationType = "Z99" }), "activity_location_type"},
		{"unknown attendance", with(direct, func(c *sqlstore.Contact) { c.AttendedOrDNA = "9" }), "attended_or_dna"},
		{"missing attendance", with(direct, func(c *sqlstore.Contact) { c.AttendedOrDNA = "" }), "attended_or_dna"},
		{"attendees", with(direct, func(c *sqlstore.Contact) { c.OthersPresent = []string{"appropriate_adult", "interpreter"} }), ""},
		{"unknown attendee", with(direct, func(c *sqlstore.Contact) { c.OthersPresent = []string{"dog"} }), "others_present"},
		{"repeated attendee", with(direct, func(c *sqlstore.Contact) { c.OthersPresent = []string{"solicitor", "solicitor"} }), "others_present"},
		{"unknown agency", with(indirect, func(c *sqlstore.Contact) { c.CounterpartAgencyType = "fire" }), "counterpart_agency_type"},
		{"indirect with attendance", with(indirect, func(c *sqlstore.Contact) { c.AttendedOrDNA = "5" }), "kind"},
		{"no time", with(direct, func(c *sqlstore.Contact) { c.OccurredAt = liaise.Time{} }), "occurred_at"},
		{"future", with(direct, func(c *sqlstore.Contact) { c.OccurredAt = liaise.NewTime(now.Add(time.Hour)) }), "occurred_at"},
		{"no kind", with(direct, func(c *sqlstore.Contact) { c.Kind = "" }), "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sqlstore.ValidateContact(tt.c, now)
			fields := liaise.ErrorFields(err)
			if tt.field == "" && err != nil {
				t.Fatalf("want valid, got %v", err)
			}
			if tt.field != "" && fields[tt.field] == "" {
				t.Fatalf("want an error at %s, got %v", tt.field, err)
			}
		})
	}
}

func TestContactsStore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f, e := contactEpisode(t, db)
		// The location defaults from the episode's site.
		c := sqlstore.Contact{Kind: sqlstore.ContactDirect, OccurredAt: london(2026, time.November, 23, 9, 0), Minutes: 45, ConsultationMechanism: "01",
			AttendedOrDNA: "5", OthersPresent: []string{"appropriate_adult"}, ReasonableAdjustment: "Plain words, breaks", Planned: false, Summary: "Screened in cell 4"}
		dbtest.Must(t, db.AddContact(f.p1, e.ID, &c))
		if c.ActivityLocationType != "M03" {
			t.Errorf("location default %q", c.ActivityLocationType)
		}
		// A late entry: written up two days after.
		late := sqlstore.Contact{Kind: sqlstore.ContactIndirect, OccurredAt: london(2026, time.November, 21, 10, 0), Minutes: 15,
			CounterpartAgencyType: "probation", CounterpartRole: "Court duty officer", Summary: "Shared bail address"}
		dbtest.Must(t, db.AddContact(f.p1, e.ID, &late))
		bad := sqlstore.Contact{Kind: sqlstore.ContactDirect, OccurredAt: db.Now(), Minutes: 0, ConsultationMechanism: "xx", AttendedOrDNA: "5"}
		err := db.AddContact(f.p1, e.ID, &bad)
		if fs := liaise.ErrorFields(err); fs["duration_minutes"] == "" || fs["consultation_mechanism"] == "" {
			t.Errorf("invalid contact: %v", err)
		}
		// Another team's practitioner without break-glass gets nothing; another provider's gets not found.
		if err := db.AddContact(f.str2, e.ID, &c); err == nil {
			t.Errorf("other team wrote a contact")
		}
		if _, err := db.ListContacts(f.pB, e.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		n := auditCount(t, db, "contact", liaise.AuditList)
		list, err := db.ListContacts(f.p1b, e.ID)
		dbtest.Must(t, err)
		if len(list) != 2 || list[0].ID != c.ID || list[1].ID != late.ID || !list[1].Late() || list[0].Late() {
			t.Fatalf("list %+v", list)
		}
		if got := list[0]; got.Minutes != 45 || len(got.OthersPresent) != 1 || got.OthersPresent[0] != "appropriate_adult" || got.UserName != "p1" || got.ReasonableAdjustment == "" {
			t.Errorf("direct %+v", got)
		}
		if auditCount(t, db, "contact", liaise.AuditList) != n+1 || auditCount(t, db, "contact", liaise.AuditCreate) != 2 {
			t.Errorf("contacts not audited")
		}
		// Entered in error: needs a reason, happens once, the entry stays.
		if err := db.MarkContactInError(f.p1, e.ID, late.ID, " "); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("no reason: %v", err)
		}
		dbtest.Must(t, db.MarkContactInError(f.p1, e.ID, late.ID, "Wrong person"))
		if err := db.MarkContactInError(f.p1, e.ID, late.ID, "Again"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("marked twice: %v", err)
		}
		if err := db.MarkContactInError(f.p1, e.ID, 999999, "x"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("unknown contact: %v", err)
		}
		list, err = db.ListContacts(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(list) != 2 || !list[1].EnteredInError || list[1].ErrorReason != "Wrong person" || list[0].EnteredInError {
			t.Errorf("after error %+v", list)
		}
	})
}
