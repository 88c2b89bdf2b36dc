package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

func TestValidateOutcome(t *testing.T) {
	now := london(2026, time.November, 23, 12, 0)
	at := london(2026, time.November, 23, 9, 0)
	base := func(stage, outcome string) sqlstore.JusticeOutcome {
		var o sqlstore.JusticeOutcome
		o.Stage, o.Outcome, o.OccurredAt = stage, outcome, at
		return o
	}
	with := func(o sqlstore.JusticeOutcome, fn func(*sqlstore.JusticeOutcome)) sqlstore.JusticeOutcome {
		fn(&o)
		return o
	}
	hearing := func(o *sqlstore.JusticeOutcome) {
		o.NextHearingSiteID, o.NextHearingDate = 7, liaise.Date{Year: 2026, Month: 11, Day: 24}
	}
	tests := []struct {
		name  string
		o     sqlstore.JusticeOutcome
		field string
	}{
		{"nfa", base("custody", "nfa"), ""},
		{"unknown custody outcome", base("custody", "remand_custody"), "outcome"},
		{"no stage", base("", "nfa"), "stage"},
		{"community order with MHTR and DRR", with(base("court", "community_order"), func(o *sqlstore.JusticeOutcome) { o.Requirements = []string{"mhtr", "drr"} }), ""},
		{"requirement on a fine", with(base("court", "fine"), func(o *sqlstore.JusticeOutcome) { o.Requirements = []string{"mhtr"} }), "requirements"},
		{"repeated requirement", with(base("court", "suspended_sentence"), func(o *sqlstore.JusticeOutcome) { o.Requirements = []string{"atr", "atr"} }), "requirements"},
		{"future", with(base("custody", "nfa"), func(o *sqlstore.JusticeOutcome) { o.OccurredAt = liaise.NewTime(now.Add(time.Hour)) }), "occurred_at"},
		{"recommendation followed", with(base("custody", "nfa"), func(o *sqlstore.JusticeOutcome) {
			o.Recommendations = []liaise.Recommendation{{Type: "diversion_oocd", Followed: "yes"}}
		}), ""},
		{"bad followed", with(base("custody", "nfa"), func(o *sqlstore.JusticeOutcome) {
			o.Recommendations = []liaise.Recommendation{{Type: "diversion_oocd", Followed: "maybe"}}
		}), "recommendations"},
		{"other without detail", with(base("custody", "nfa"), func(o *sqlstore.JusticeOutcome) {
			o.Recommendations = []liaise.Recommendation{{Type: "other", Followed: "no"}}
		}), "recommendations"},
		{"charge with hearing", with(base("custody", "charge"), hearing), ""},
		{"remand on bail with hearing", with(base("court", "remand_bail"), hearing), ""},
		{"hearing after nfa", with(base("custody", "nfa"), hearing), "next_hearing_site_id"},
		{"hearing without date", with(base("custody", "charge"), func(o *sqlstore.JusticeOutcome) { o.NextHearingSiteID = 7 }), "next_hearing_date"},
		{"hearing in the past", with(base("court", "remand_custody"), func(o *sqlstore.JusticeOutcome) {
			o.NextHearingSiteID, o.NextHearingDate = 7, liaise.Date{Year: 2026, Month: 11, Day: 20}
		}), "next_hearing_date"},
		{"charge without hearing", base("custody", "charge"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sqlstore.ValidateOutcome(tt.o, now)
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

func TestJusticeOutcomesStore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		custody, court := episodeSites(t, f)
		e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Kit", FamilyName: "Marlow", SiteID: custody, AlertedAt: london(2026, time.November, 23, 8, 0)})
		dbtest.Must(t, err)

		// A custody outcome with recommendations followed.
		var o sqlstore.JusticeOutcome
		o.Stage, o.Outcome, o.OccurredAt = liaise.StageCustody, liaise.CustodyCommunityCaution, london(2026, time.November, 23, 9, 0)
		o.Recommendations = []liaise.Recommendation{{Type: "diversion_oocd", Followed: "yes"}, {Type: "appropriate_adult", Followed: "no"}}
		dbtest.Must(t, db.AddJusticeOutcome(f.p1, e.ID, &o))
		list, err := db.ListJusticeOutcomes(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].Outcome != "community_caution" || !list[0].Diversion() || len(list[0].Recommendations) != 2 ||
			list[0].Recommendations[0].Followed != "yes" || list[0].UserName != "p1" {
			t.Fatalf("stored: %+v", list)
		}
		if auditCount(t, db, "justice_outcome", liaise.AuditCreate) != 1 {
			t.Error("outcome not audited")
		}

		// Requirements are refused on a fine; nothing is written.
		var fine sqlstore.JusticeOutcome
		fine.Stage, fine.Outcome, fine.OccurredAt, fine.Requirements = liaise.StageCourt, liaise.CourtFine, london(2026, time.November, 23, 9, 0), []string{"mhtr"}
		if err := db.AddJusticeOutcome(f.p1, e.ID, &fine); liaise.ErrorFields(err)["requirements"] == "" {
			t.Fatalf("requirements on a fine: %v", err)
		}
		// Another team's practitioner cannot record one without break-glass.
		if err := db.AddJusticeOutcome(f.p2, e.ID, &o); err == nil {
			t.Fatal("another team recorded an outcome")
		}

		// Charged, next hearing at the court: the episode moves to the court team.
		var charge sqlstore.JusticeOutcome
		charge.Stage, charge.Outcome, charge.OccurredAt = liaise.StageCustody, liaise.CustodyCharge, london(2026, time.November, 23, 9, 10)
		charge.NextHearingSiteID, charge.NextHearingDate, charge.HandoverNote = court, liaise.Date{Year: 2026, Month: 11, Day: 24}, "Needs an intermediary"
		dbtest.Must(t, db.AddJusticeOutcome(f.p1, e.ID, &charge))
		if charge.HandoverTeamID != f.team2 || charge.HandoverTeamName != "Lancaster court" {
			t.Fatalf("handover: %+v", charge)
		}
		moved, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		if moved.TeamID != f.team2 || moved.SiteID != court || moved.HearingDate.String() != "2026-11-24" || moved.Setting != liaise.SettingMagistratesCourt ||
			moved.Version != e.Version+1 || moved.AllocatedUserID != 0 {
			t.Fatalf("episode after handover: %+v", moved)
		}
		page, err := db.ListEpisodes(f.p2, sqlstore.EpisodeQuery{TeamID: f.team2})
		dbtest.Must(t, err)
		found := false
		for _, it := range page.Items {
			found = found || it.ID == e.ID
		}
		if !found {
			t.Fatalf("court caseload lacks the episode: %+v", page.Items)
		}
		// The custody team no longer opens it without break-glass.
		if _, err := db.GetEpisode(f.p1, e.ID); err == nil {
			t.Fatal("the previous team still opens the episode")
		}
		var summary string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT summary FROM person_events WHERE person_id = ? AND kind = 'handover'`, e.PersonID).Scan(&summary))
		if summary != "Episode handed over to Lancaster court for the hearing on 24 November 2026 at Lancaster court" {
			t.Errorf("timeline: %q", summary)
		}
		var detail string
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT detail FROM audit_events WHERE record_type = 'episode' AND detail LIKE 'handed over%'`).Scan(&detail))
		if detail != "handed over to Lancaster court for the hearing on 24 November 2026" {
			t.Errorf("audit: %q", detail)
		}
		list, err = db.ListJusticeOutcomes(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(list) != 2 || list[0].NextHearingSiteName != "Lancaster court" || list[0].HandoverNote != "Needs an intermediary" || list[0].NextHearingDate.String() != "2026-11-24" {
			t.Fatalf("list after handover: %+v", list)
		}

		// A custody site is not a court for a hearing.
		var bad sqlstore.JusticeOutcome
		bad.Stage, bad.Outcome, bad.OccurredAt = liaise.StageCourt, liaise.CourtRemandCustody, london(2026, time.November, 23, 9, 20)
		bad.NextHearingSiteID, bad.NextHearingDate = custody, liaise.Date{Year: 2026, Month: 11, Day: 30}
		if err := db.AddJusticeOutcome(f.p2, e.ID, &bad); liaise.ErrorFields(err)["next_hearing_site_id"] == "" {
			t.Fatalf("custody suite as court: %v", err)
		}
		// The other provider sees nothing.
		if _, err := db.ListJusticeOutcomes(f.pB, e.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Fatalf("other provider: %v", err)
		}
		sites, err := db.CourtSites(f.p1)
		dbtest.Must(t, err)
		if len(sites) != 1 || sites[0].ID != court {
			t.Fatalf("court sites: %+v", sites)
		}
		// Entered in error, once.
		dbtest.Must(t, db.MarkOutcomeInError(f.p2, e.ID, list[1].ID, "Wrong person"))
		if err := db.MarkOutcomeInError(f.p2, e.ID, list[1].ID, "Again"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Fatalf("second mark: %v", err)
		}
	})
}
