package liaise

import (
	"testing"
	"time"
)

func TestAssessmentValidate(t *testing.T) {
	now := NewTime(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	domains := []string{"mental_health", "autism", "substance_alcohol"}
	reasons := []string{"declined"}
	good := func() Assessment {
		return Assessment{Type: AssessMentalHealth, OccurredAt: NewTime(now.Add(-time.Hour)), Formulation: "Low mood since bereavement"}
	}
	tests := []struct {
		name   string
		edit   func(*Assessment)
		fields []string
	}{
		{"valid", func(*Assessment) {}, nil},
		{"no type", func(x *Assessment) { x.Type = "" }, []string{"type"}},
		{"unknown type", func(x *Assessment) { x.Type = "psychic" }, []string{"type"}},
		{"no time", func(x *Assessment) { x.OccurredAt = Time{} }, []string{"occurred_at"}},
		{"future", func(x *Assessment) { x.OccurredAt = NewTime(now.Add(time.Hour)) }, []string{"occurred_at"}},
		{"no formulation", func(x *Assessment) { x.Formulation = " " }, []string{"formulation"}},
		{"incomplete needs no formulation", func(x *Assessment) { x.Formulation, x.Incomplete, x.IncompleteReason = "", true, "declined" }, nil},
		{"incomplete needs a reason", func(x *Assessment) { x.Incomplete = true }, []string{"incomplete_reason"}},
		{"unknown domain", func(x *Assessment) { x.Findings = []AssessmentFinding{{Domain: "astrology", Text: "x"}} }, []string{"findings"}},
		{"bad sharing", func(x *Assessment) {
			x.Findings = []AssessmentFinding{{Domain: "autism", Text: "x", Sharing: "public"}}
		}, []string{"share_autism"}},
		{"tool without score", func(x *Assessment) { x.Tools = []ScoredTool{{Tool: "PHQ-9"}} }, []string{"tool_1_score"}},
		{"score without tool", func(x *Assessment) { x.Tools = []ScoredTool{{}, {Score: "12"}} }, []string{"tool_2_name"}},
		{"unknown recommendation", func(x *Assessment) { x.Recommendations = []AssessmentRecommendation{{Type: "prison"}} }, []string{"recommendations"}},
		{"other needs a note", func(x *Assessment) { x.Recommendations = []AssessmentRecommendation{{Type: RecommendOther}} }, []string{"rec_other_note"}},
		{"twice", func(x *Assessment) {
			x.Recommendations = []AssessmentRecommendation{{Type: RecommendAppropriateAdult}, {Type: RecommendAppropriateAdult}}
		}, []string{"recommendations"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := good()
			tt.edit(&x)
			err := x.Validate(domains, reasons, now)
			got := fieldsOf(err)
			if len(got) != len(tt.fields) {
				t.Fatalf("fields %v, want %v (%v)", got, tt.fields, err)
			}
			for _, f := range tt.fields {
				if _, ok := got[f]; !ok {
					t.Errorf("no error on %s: %v", f, got)
				}
			}
		})
	}
}

func fieldsOf(err error) map[string]string {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		return map[string]string{"?": err.Error()}
	}
	return e.Fields
}

func TestAssessmentTidies(t *testing.T) {
	now := NewTime(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	x := Assessment{Type: AssessGeneral, OccurredAt: now, Formulation: "f",
		Findings: []AssessmentFinding{{Domain: "substance_alcohol", Text: "Daily drinking", Sharing: SharingShareable},
			{Domain: "mental_health", Text: "Hears voices"}, {Domain: "autism", Text: "  "}},
		Tools:           []ScoredTool{{}, {Tool: "AUDIT", Score: "24"}},
		Recommendations: []AssessmentRecommendation{{Type: RecommendCSTRATR, Note: "Willing"}}}
	if err := x.Validate([]string{"mental_health", "autism", "substance_alcohol"}, nil, now); err != nil {
		t.Fatal(err)
	}
	if len(x.Findings) != 2 || x.Findings[0].Domain != "mental_health" || x.Findings[0].Sharing != SharingHealthOnly {
		t.Errorf("findings %+v: want domain order, empty dropped, health only by default", x.Findings)
	}
	if len(x.Tools) != 1 || x.Tools[0].Tool != "AUDIT" {
		t.Errorf("tools %+v", x.Tools)
	}
	if s := x.Shareable(); len(s) != 1 || s[0].Domain != "substance_alcohol" {
		t.Errorf("shareable %+v", s)
	}
}

func TestSLTValidate(t *testing.T) {
	now := NewTime(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	if err := (&SLTRequest{Reason: " ", Urgency: "soon"}).Validate(); len(fieldsOf(err)) != 2 {
		t.Errorf("request: %v", err)
	}
	if err := (&SLTRequest{Reason: "Struggles to follow questions", Urgency: "routine"}).Validate(); err != nil {
		t.Errorf("request: %v", err)
	}
	p := CommunicationProfile{OccurredAt: now, IntermediaryNeeded: "maybe"}
	if f := fieldsOf(p.Validate(now)); len(f) != 2 || f["adapted_questioning"] == "" || f["intermediary_needed"] == "" {
		t.Errorf("profile: %v", f)
	}
	p = CommunicationProfile{OccurredAt: now, AdaptedQuestioning: "Short questions", IntermediaryNeeded: IntermediaryYes}
	if err := p.Validate(now); err != nil {
		t.Errorf("profile: %v", err)
	}
}
