package liaise

import (
	"strings"
	"testing"
	"time"
)

func documentSources() DocumentSources {
	at := NewTime(time.Date(2026, 12, 6, 14, 30, 0, 0, time.UTC))
	return DocumentSources{
		Person: Person{InterpreterNeeded: true, PreferredLanguage: "Polish", ReasonableAdjustments: "Needs short breaks"},
		Screening: &Screening{Kind: ScreeningFull, Mode: ModeFaceToFace, OccurredAt: at, RiskInCustody: RiskHigh, AdviceToCustody: "Check every 30 minutes",
			RiskToSelf: Risk{Level: RiskMedium, Notes: "Overdose in March"}, RiskToOthers: Risk{Level: RiskLow},
			RiskFromOthers: Risk{Level: RiskMedium, Notes: "Partner named as threatening"}, Safeguarding: Risk{Level: RiskHigh, Notes: "Two children at home"}},
		Assessments: []Assessment{{Type: AssessMentalHealth, OccurredAt: at, Formulation: "Paranoid schizophrenia, relapsing",
			Findings: []AssessmentFinding{
				{Domain: "mental_health", Text: "Hears voices; diagnosis of schizophrenia", Sharing: SharingHealthOnly},
				{Domain: "learning_disability", Text: "Reads at age-8 level", Sharing: SharingShareable},
			},
			Recommendations: []AssessmentRecommendation{{Type: "appropriate_adult"}, {Type: "diversion_oocd", Note: "Community caution with a referral"}},
		}},
		Profile:      &CommunicationProfile{AdaptedQuestioning: "One question at a time", IntermediaryNeeded: IntermediaryYes, Strengths: "Good eye contact"},
		Safeguarding: []string{"Child safeguarding referral to Lancashire MASH, reference M-123"},
	}
}

func section(t *testing.T, secs []DocumentSection, key string) DocumentSection {
	t.Helper()
	for _, s := range secs {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("no section %q", key)
	return DocumentSection{}
}

// Minimum necessary: an advice note carries adaptations and risk, not
// diagnoses; health-only findings, safeguarding and other people's
// information start left out of every kind.
func TestDraftDocumentMinimumNecessary(t *testing.T) {
	src := documentSources()
	for _, tc := range []struct {
		kind     string
		included []string
		excluded []string
	}{
		{DocAdviceNote, []string{"adaptations", "risk", "recommendations"}, []string{"findings", "health_only", "risk_detail", "safeguarding", "third_party"}},
		{DocCourtReport, []string{"background", "findings", "impact", "communication", "risk", "recommendations"},
			[]string{"formulation", "health_only", "risk_detail", "safeguarding", "third_party"}},
		{DocCommunicationProfile, []string{"communication", "questioning", "intermediary"}, []string{"health_only"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			secs, err := DraftDocument(tc.kind, src)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.included {
				if !section(t, secs, k).Included {
					t.Errorf("%s is left out; want it in by default", k)
				}
			}
			for _, k := range tc.excluded {
				if section(t, secs, k).Included {
					t.Errorf("%s is included; want it left out by default", k)
				}
			}
			var included strings.Builder
			for _, s := range secs {
				if s.Included {
					included.WriteString(s.Text + "\n")
				}
			}
			for _, never := range []string{"schizophrenia", "Overdose", "Partner named", "Two children", "MASH"} {
				if strings.Contains(included.String(), never) {
					t.Errorf("included text carries %q (health only, risk detail, third party or safeguarding):\n%s", never, included.String())
				}
			}
		})
	}
	note, _ := DraftDocument(DocAdviceNote, src)
	adapt := section(t, note, "adaptations").Text
	for _, want := range []string{"appropriate_adult", "Check every 30 minutes", "One question at a time", "registered intermediary", "Polish", "short breaks"} {
		if !strings.Contains(adapt, want) {
			t.Errorf("adaptations lack %q:\n%s", want, adapt)
		}
	}
	if r := section(t, note, "recommendations").Text; !strings.Contains(r, "Community caution") || strings.Contains(r, "appropriate_adult") {
		t.Errorf("advice note recommendations = %q; want the diversion, not the custody adaptations again", r)
	}
	if r := section(t, note, "risk").Text; !strings.Contains(r, "Risk in custody: High") || strings.Contains(r, "Overdose") {
		t.Errorf("risk = %q; want levels without the notes", r)
	}
	if s := section(t, note, "safeguarding"); !strings.Contains(s.Text, "MASH") || s.Sensitive != SensitiveSafeguarding {
		t.Errorf("safeguarding section = %+v; want the referral drafted but marked sensitive", s)
	}
	report, _ := DraftDocument(DocCourtReport, src)
	if f := section(t, report, "findings").Text; !strings.Contains(f, "Reads at age-8 level") || strings.Contains(f, "voices") {
		t.Errorf("court report findings = %q; want shareable only", f)
	}
}

func TestDraftDocumentChildAndEmptyRecord(t *testing.T) {
	secs, err := DraftDocument(DocAdviceNote, DocumentSources{Child: true})
	if err != nil {
		t.Fatal(err)
	}
	if a := section(t, secs, "adaptations"); !a.Included || !strings.Contains(a.Text, "appropriate adult must be present") {
		t.Errorf("child's adaptations = %+v", a)
	}
	if r := section(t, secs, "risk"); r.Included || r.Text != "" {
		t.Errorf("risk with no screening = %+v; want empty and left out", r)
	}
	if _, err := DraftDocument("letter", DocumentSources{}); ErrorCode(err) != EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestValidateDocumentSections(t *testing.T) {
	for _, tc := range []struct {
		name  string
		given []DocumentSection
		field string
	}{
		{"sensitive without reason", []DocumentSection{{Key: "risk", Text: "High", Included: true}, {Key: "safeguarding", Text: "x", Included: true}}, "reason_safeguarding"},
		{"nothing included", []DocumentSection{{Key: "risk", Text: "High"}}, "sections"},
		{"included but all empty", []DocumentSection{{Key: "risk", Included: true}}, "sections"},
		{"unknown section", []DocumentSection{{Key: "diagnosis", Text: "x", Included: true}, {Key: "risk", Text: "x", Included: true}}, "sections"},
		{"too long", []DocumentSection{{Key: "risk", Text: strings.Repeat("a", 10001), Included: true}}, "text_risk"},
		{"fine", []DocumentSection{{Key: "risk", Text: "High", Included: true}, {Key: "safeguarding", Text: "x", Included: true, Reason: "The court asked"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ValidateDocumentSections(DocAdviceNote, tc.given)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(out) != len(documentTemplates[DocAdviceNote]) || out[0].Key != "adaptations" || section(t, out, "safeguarding").Sensitive != SensitiveSafeguarding {
					t.Errorf("sections not put in the kind's order with sensitivities: %+v", out)
				}
				return
			}
			if _, ok := ErrorFields(err)[tc.field]; !ok {
				t.Errorf("err = %v (fields %v); want an error on %s", err, ErrorFields(err), tc.field)
			}
		})
	}
	// A writer cannot rename a section or clear its sensitivity.
	out, err := ValidateDocumentSections(DocAdviceNote, []DocumentSection{{Key: "risk", Heading: "Diagnosis", Text: "x", Included: true},
		{Key: "third_party", Text: "y", Sensitive: "", Included: true, Reason: "Needed for bail"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := section(t, out, "risk"); s.Heading != "Risk" {
		t.Errorf("heading = %q", s.Heading)
	}
	if s := section(t, out, "third_party"); s.Sensitive != SensitiveThirdParty {
		t.Errorf("sensitivity cleared: %+v", s)
	}
	if err := CheckReadyToApprove([]DocumentSection{{Key: "impact", Heading: "Effect", Included: true}}); ErrorFields(err)["text_impact"] == "" {
		t.Errorf("empty included section approved: %v", err)
	}
}

func TestDocumentActionAllowed(t *testing.T) {
	for _, tc := range []struct {
		status, action string
		ok             bool
	}{
		{DocDraft, DocActionEdit, true}, {DocApproved, DocActionEdit, true}, {DocIssued, DocActionEdit, true},
		{DocDraft, DocActionApprove, true}, {DocApproved, DocActionApprove, false}, {DocIssued, DocActionApprove, false},
		{DocDraft, DocActionIssue, false}, {DocApproved, DocActionIssue, true}, {DocIssued, DocActionIssue, false},
		{DocDraft, DocActionWithdraw, false}, {DocIssued, DocActionWithdraw, true}, {DocWithdrawn, DocActionWithdraw, false},
	} {
		err := DocumentActionAllowed(tc.status, tc.action)
		if (err == nil) != tc.ok {
			t.Errorf("%s on %s: err = %v, want ok=%v", tc.action, tc.status, err, tc.ok)
		}
		if err != nil && ErrorCode(err) != ECONFLICT {
			t.Errorf("%s on %s: code %s, want conflict", tc.action, tc.status, ErrorCode(err))
		}
	}
}

func TestIdentityCheck(t *testing.T) {
	if err := (IdentityCheck{Method: "custody_record"}).Validate(); ErrorFields(err)["identity_confirmed"] == "" {
		t.Errorf("unconfirmed check passed: %v", err)
	}
	if err := (IdentityCheck{Method: "guess", Confirmed: true}).Validate(); ErrorFields(err)["identity_method"] == "" {
		t.Errorf("unknown method passed: %v", err)
	}
	if err := (IdentityCheck{Method: "court_list", Confirmed: true}).Validate(); err != nil {
		t.Error(err)
	}
}
