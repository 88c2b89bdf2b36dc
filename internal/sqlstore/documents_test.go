package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// documentEpisode is an episode of team 2 with a full screening and a
// mental health assessment with one health-only and one shareable finding.
func documentEpisode(t *testing.T, f *peopleFixture) sqlstore.Episode {
	t.Helper()
	_, site := episodeSites(t, f)
	db := f.db
	at := func(min int) liaise.Time { return liaise.NewTime(db.Now().Add(time.Duration(min-120) * time.Minute)) }
	e := screeningEpisode(t, f, site)
	_, err := db.RecordScreening(f.p2, e.ID, &liaise.Screening{Kind: liaise.ScreeningFull, OccurredAt: at(10), Mode: liaise.ModeFaceToFace,
		RiskInCustody: liaise.RiskHigh, AdviceToCustody: "Level 2 observations", AssessmentNeeded: liaise.AssessmentYes, Urgency: "urgent",
		RiskToSelf: liaise.Risk{Level: liaise.RiskMedium, Notes: "Overdose last month"}, RiskToOthers: liaise.Risk{Level: liaise.RiskLow},
		RiskFromOthers: liaise.Risk{Level: liaise.RiskLow}, Safeguarding: liaise.Risk{Level: liaise.RiskMedium, Notes: "Two children at home"}})
	dbtest.Must(t, err)
	_, err = db.RecordAssessment(f.p2, e.ID, &liaise.Assessment{Type: liaise.AssessMentalHealth, OccurredAt: at(40), Formulation: "Relapse of schizophrenia",
		Findings: []liaise.AssessmentFinding{{Domain: "mental_health", Text: "Diagnosed schizophrenia"},
			{Domain: "substance_alcohol", Text: "Drinks daily", Sharing: liaise.SharingShareable}},
		Recommendations: []liaise.AssessmentRecommendation{{Type: liaise.RecommendAppropriateAdult}, {Type: "diversion_oocd", Note: "Community caution"}}})
	dbtest.Must(t, err)
	return e
}

func documentSection(d sqlstore.DocumentVersion, key string) liaise.DocumentSection {
	for _, s := range d.Sections {
		if s.Key == key {
			return s
		}
	}
	return liaise.DocumentSection{}
}

func TestDocumentLifecycle(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		e := documentEpisode(t, f)

		d, err := db.DraftDocument(f.p2, e.ID, liaise.DocAdviceNote)
		dbtest.Must(t, err)
		if d.Status != liaise.DocDraft || d.LatestVersion != 1 || len(d.Versions) != 1 || d.Latest.Header.PersonName != "Kim Lee" {
			t.Fatalf("drafted %+v", d)
		}
		var in []string
		for _, s := range d.Latest.Included() {
			in = append(in, s.Key+": "+s.Text)
		}
		text := strings.Join(in, "\n")
		for _, want := range []string{"adaptations", "Level 2 observations", "risk: - Risk in custody: High", "Community caution"} {
			if !strings.Contains(text, want) {
				t.Errorf("advice note lacks %q:\n%s", want, text)
			}
		}
		for _, never := range []string{"schizophrenia", "Overdose", "Two children", "Drinks daily"} {
			if strings.Contains(text, never) {
				t.Errorf("advice note carries %q by default:\n%s", never, text)
			}
		}

		// A stale edit is refused and nothing is written.
		secs := d.Latest.Sections
		if _, err := db.SaveDocumentVersion(f.p2, e.ID, d.ID, d.Version+1, secs); liaise.ErrorCode(err) != liaise.ESTALE {
			t.Errorf("stale save: %v", err)
		}
		// Safeguarding included without a reason is refused.
		for i := range secs {
			if secs[i].Key == "safeguarding" {
				secs[i].Included = true
			}
		}
		if _, err := db.SaveDocumentVersion(f.p2, e.ID, d.ID, d.Version, secs); liaise.ErrorFields(err)["reason_safeguarding"] == "" {
			t.Errorf("sensitive without reason: %v", err)
		}
		for i := range secs {
			if secs[i].Key == "safeguarding" {
				secs[i].Reason = "The custody sergeant must arrange care for the children"
			}
		}
		n, err := db.SaveDocumentVersion(f.p2, e.ID, d.ID, d.Version, secs)
		dbtest.Must(t, err)
		if n != 2 {
			t.Errorf("new version %d", n)
		}
		d, _, err = db.GetDocument(f.p2, e.ID, d.ID)
		dbtest.Must(t, err)
		if len(d.Versions) != 2 || documentSection(d.Versions[1], "safeguarding").Included || !documentSection(d.Latest, "safeguarding").Included {
			t.Errorf("versions %+v", d.Versions)
		}

		// Approval: not by an STR worker; not before it is ready; not twice.
		if err := db.ApproveDocument(f.str2, e.ID, d.ID, d.Version); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("STR worker approved: %v", err)
		}
		issue := sqlstore.IssueInput{Identity: liaise.IdentityCheck{Method: "custody_record", Confirmed: true},
			Disclosure: liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant", Purpose: liaise.PurposeInterviewAdaptations,
				Channel: liaise.ChannelSecureEmail}}
		if _, err := db.IssueDocument(f.p2, e.ID, d.ID, d.Version, issue); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("issued a draft: %v", err)
		}
		dbtest.Must(t, db.ApproveDocument(f.p2, e.ID, d.ID, d.Version))
		d, _, _ = db.GetDocument(f.p2, e.ID, d.ID)
		if d.Status != liaise.DocApproved || d.Latest.ApprovedByName != "p2" {
			t.Errorf("approved %+v", d.Latest)
		}

		// Issue: identity check first, then the disclosure rules.
		noCheck := issue
		noCheck.Identity.Confirmed = false
		if _, err := db.IssueDocument(f.p2, e.ID, d.ID, d.Version, noCheck); liaise.ErrorFields(err)["identity_confirmed"] == "" {
			t.Errorf("issued without identity check: %v", err)
		}
		if _, err := db.IssueDocument(f.p2, e.ID, d.ID, d.Version, issue); !strings.Contains(liaise.ErrorFields(err)["legal_basis"], "no active consent") {
			t.Errorf("issued without consent: %v", err)
		}
		wrong := issue
		wrong.Disclosure.RecipientAgency = liaise.RecipientCourt
		if _, err := db.IssueDocument(f.p2, e.ID, d.ID, d.Version, wrong); liaise.ErrorFields(err)["recipient_agency"] == "" {
			t.Errorf("advice note issued to a court: %v", err)
		}
		if n := screeningCount(t, db, `SELECT COUNT(*) FROM disclosures WHERE episode_id = ?`, e.ID); n != 0 {
			t.Fatalf("refused issue left %d disclosures", n)
		}
		_, err = db.RecordConsent(f.p2, e.ID, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal,
			OccurredAt: liaise.NewTime(db.Now().Add(-30 * time.Minute))})
		dbtest.Must(t, err)
		rec, err := db.IssueDocument(f.p2, e.ID, d.ID, d.Version, issue)
		dbtest.Must(t, err)
		if rec.ConsentID == 0 || rec.NeedsReview || !strings.Contains(rec.Content, "Custody advice note, version 2") || !strings.Contains(rec.Content, "Safeguarding") {
			t.Errorf("disclosure %+v", rec)
		}
		d, _, _ = db.GetDocument(f.p2, e.ID, d.ID)
		if d.Status != liaise.DocIssued || d.Latest.DisclosureID != rec.ID || d.Latest.IdentityMethod != "custody_record" || d.Latest.IssuedToRole != "Custody sergeant" {
			t.Errorf("issued %+v", d.Latest)
		}
		log, err := db.PersonDisclosures(f.p2, e.PersonID)
		dbtest.Must(t, err)
		if len(log.Items) != 1 || log.Items[0].DocumentID != d.ID || log.Items[0].DocumentNumber != 2 || log.Items[0].DocumentKind != liaise.DocAdviceNote {
			t.Errorf("disclosure log %+v", log.Items)
		}

		// Withdraw needs a reason; a change after issue starts version 3.
		if err := db.WithdrawDocument(f.p2, e.ID, d.ID, d.Version, " "); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("withdrawn without reason: %v", err)
		}
		dbtest.Must(t, db.WithdrawDocument(f.p2, e.ID, d.ID, d.Version, "Sent to the wrong custody suite"))
		d, _, _ = db.GetDocument(f.p2, e.ID, d.ID)
		if d.Status != liaise.DocWithdrawn || d.Latest.WithdrawalReason != "Sent to the wrong custody suite" {
			t.Errorf("withdrawn %+v", d.Latest)
		}
		n, err = db.SaveDocumentVersion(f.p2, e.ID, d.ID, d.Version, d.Latest.Sections)
		dbtest.Must(t, err)
		d, _, _ = db.GetDocument(f.p2, e.ID, d.ID)
		if n != 3 || d.Status != liaise.DocDraft || d.Versions[1].Status != liaise.DocWithdrawn {
			t.Errorf("after withdrawal: %d %+v", n, d.Versions)
		}

		// Printing is audited; others see nothing.
		_, v, _, err := db.PrintDocument(f.p2, e.ID, d.ID, 2)
		dbtest.Must(t, err)
		if v.Number != 2 || screeningCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE record_type = 'document' AND action = 'print'`) != 1 {
			t.Errorf("print %d not audited", v.Number)
		}
		if _, _, err := db.GetDocument(f.p1, e.ID, d.ID); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team read: %v", err)
		}
		if _, _, err := db.GetDocument(f.pB, e.ID, d.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider read: %v", err)
		}
		if _, err := db.DraftDocument(f.p1, e.ID, liaise.DocCourtReport); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("other team drafted: %v", err)
		}
		list, _, err := db.ListDocuments(f.p2, e.ID)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].Latest.Number != 3 {
			t.Errorf("list %+v", list)
		}
	})
}

// A screening marked entered in error is not drafted from.
func TestDocumentIgnoresEntriesInError(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		e := documentEpisode(t, f)
		list, err := db.ListScreenings(f.p2, e.ID)
		dbtest.Must(t, err)
		_, err = db.MarkInError(f.p2, sqlstore.ScreeningEntries, e.ID, list[0].ID, "Wrong person's screening")
		dbtest.Must(t, err)
		d, err := db.DraftDocument(f.p2, e.ID, liaise.DocAdviceNote)
		dbtest.Must(t, err)
		if r := documentSection(d.Latest, "risk"); r.Included || strings.Contains(r.Text, "Risk in custody") {
			t.Errorf("drafted from a screening in error: %+v", r)
		}
	})
}

func TestCourtReportDueBeforeHearing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		e := documentEpisode(t, f)
		got, err := db.GetEpisode(f.p2, e.ID)
		dbtest.Must(t, err)
		// Monday 7 December 2026 is the hearing; the report is due by the end of Friday 4th.
		got.HearingDate = pdate("2026-12-07")
		dbtest.Must(t, db.UpdateEpisode(f.p2, &got))
		d, err := db.DraftDocument(f.p2, e.ID, liaise.DocCourtReport)
		dbtest.Must(t, err)
		if !documentSection(d.Latest, "impact").Included || documentSection(d.Latest, "formulation").Included {
			t.Errorf("court report sections %+v", d.Latest.Sections)
		}
		tasks, err := db.ListEpisodeTasks(f.p2, e.ID)
		dbtest.Must(t, err)
		var due *sqlstore.Task
		for i := range tasks {
			if tasks[i].Kind == sqlstore.TaskDocumentDue {
				due = &tasks[i]
			}
		}
		if due == nil || due.DueAt.Local().Format("2006-01-02") != "2026-12-04" || !strings.Contains(due.Title, "Monday 7 December") {
			t.Fatalf("document-due task %+v", due)
		}
		// Approval needs the empty "effect" section written or left out.
		if err := db.ApproveDocument(f.p2, e.ID, d.ID, d.Version); liaise.ErrorFields(err)["text_impact"] == "" {
			t.Errorf("approved with an empty section: %v", err)
		}
	})
}
