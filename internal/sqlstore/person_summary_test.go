package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// The person page lists the episodes the reader may open and the dated
// alerts of the latest screening, and nothing of the episodes they may not.
func TestPersonEpisodesAndAlerts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		e := documentEpisode(t, f)
		_, err := db.RecordScreening(f.p2, e.ID, &liaise.Screening{Kind: liaise.ScreeningFull, OccurredAt: liaise.NewTime(db.Now().Add(-30 * time.Minute)),
			Mode: liaise.ModeFaceToFace, RiskInCustody: liaise.RiskLow, AssessmentNeeded: liaise.AssessmentNo, Urgency: "routine",
			RiskToSelf: liaise.Risk{Level: liaise.RiskHigh}, RiskToOthers: liaise.Risk{Level: liaise.RiskNone}, RiskFromOthers: liaise.Risk{Level: liaise.RiskNone},
			Safeguarding: liaise.Risk{Level: liaise.RiskNone}, Vulnerabilities: []liaise.VulnerabilityAnswer{{Code: "substance_drugs", Answer: liaise.AnswerSuspected},
				{Code: "mental_health", Answer: liaise.AnswerConfirmed}, {Code: "housing", Answer: liaise.AnswerNone}}})
		dbtest.Must(t, err)
		tl, err := db.PersonTimeline(f.p2, e.PersonID, sqlstore.TimelineQuery{})
		dbtest.Must(t, err)
		if len(tl.Episodes) != 1 || tl.Episodes[0].ID != e.ID || tl.Episodes[0].State == "" || tl.Episodes[0].TeamName != "Lancaster court" {
			t.Errorf("episodes %+v", tl.Episodes)
		}
		var texts []string
		for _, a := range tl.Alerts {
			texts = append(texts, a.Text)
			if a.EpisodeID != e.ID || a.At.IsZero() {
				t.Errorf("alert without its date or episode: %+v", a)
			}
		}
		got := strings.Join(texts, "; ")
		// The latest screening's risks (not the earlier one's high custody
		// risk), then the vulnerabilities in the code list's order.
		if !strings.HasPrefix(got, "Risk to self: High; ") || strings.Contains(got, "Risk in custody") || strings.Contains(got, "Housing") ||
			!strings.Contains(got, ": suspected") || !strings.Contains(got, ": confirmed") || strings.Index(got, "Mental health") > strings.Index(got, "drugs") {
			t.Errorf("alerts %q", got)
		}
		// Another team's practitioner opens the record but sees neither.
		tl, err = db.PersonTimeline(f.p1, e.PersonID, sqlstore.TimelineQuery{})
		if err == nil && (len(tl.Episodes) != 0 || len(tl.Alerts) != 0) {
			t.Errorf("other team sees episodes %+v alerts %+v", tl.Episodes, tl.Alerts)
		}
	})
}
