package liaise

import (
	"testing"
	"time"
)

func TestScreeningValidate(t *testing.T) {
	now := NewTime(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	vulns := []string{"mental_health", "autism", "substance_alcohol"}
	minimum := func() Screening {
		return Screening{Kind: ScreeningMinimum, OccurredAt: NewTime(now.Add(-time.Hour)), Mode: ModeFaceToFace, RiskInCustody: RiskLow, AssessmentNeeded: AssessmentYes}
	}
	full := func() Screening {
		s := minimum()
		s.Kind = ScreeningFull
		s.RiskToSelf, s.RiskToOthers, s.RiskFromOthers, s.Safeguarding = Risk{Level: RiskLow}, Risk{Level: RiskNone}, Risk{Level: RiskNone}, Risk{Level: RiskMedium, Notes: "Child at home"}
		s.Urgency = "routine"
		s.Vulnerabilities = []VulnerabilityAnswer{{Code: "autism", Answer: AnswerSuspected}}
		return s
	}
	tests := []struct {
		name   string
		edit   func(*Screening)
		base   func() Screening
		fields []string // fields that must be in error; none means valid
	}{
		{"minimum screen alone", func(*Screening) {}, minimum, nil},
		{"full screen", func(*Screening) {}, full, nil},
		{"unknown kind", func(s *Screening) { s.Kind = "quick" }, minimum, []string{"kind"}},
		{"no time", func(s *Screening) { s.OccurredAt = Time{} }, minimum, []string{"occurred_at"}},
		{"future time", func(s *Screening) { s.OccurredAt = NewTime(now.Add(time.Hour)) }, minimum, []string{"occurred_at"}},
		{"minimum needs risk in custody and assessment", func(s *Screening) { s.RiskInCustody, s.AssessmentNeeded = "", "" }, minimum, []string{"risk_in_custody", "assessment_needed"}},
		{"bad risk level", func(s *Screening) { s.RiskInCustody = "extreme" }, minimum, []string{"risk_in_custody"}},
		{"high risk needs advice", func(s *Screening) { s.RiskInCustody = RiskHigh }, minimum, []string{"advice_to_custody"}},
		{"high risk with advice", func(s *Screening) { s.RiskInCustody, s.AdviceToCustody = RiskHigh, "Constant observation" }, minimum, nil},
		{"unknown vulnerability code refused", func(s *Screening) {
			s.Vulnerabilities = append(s.Vulnerabilities, VulnerabilityAnswer{Code: "astrology", Answer: AnswerConfirmed})
		}, full, []string{"vulnerabilities"}},
		{"vulnerability answered twice", func(s *Screening) {
			s.Vulnerabilities = append(s.Vulnerabilities, VulnerabilityAnswer{Code: "autism", Answer: AnswerNone})
		}, full, []string{"vulnerabilities"}},
		{"bad answer", func(s *Screening) { s.Vulnerabilities[0].Answer = "maybe" }, full, []string{"vuln_autism"}},
		{"incomplete needs a reason", func(s *Screening) { s.Incomplete = true }, minimum, []string{"incomplete_reason"}},
		{"incomplete reason must be known", func(s *Screening) { s.Incomplete, s.IncompleteReason = true, "bored" }, minimum, []string{"incomplete_reason"}},
		{"incomplete with a reason needs nothing else", func(s *Screening) {
			*s = Screening{Kind: ScreeningFull, OccurredAt: s.OccurredAt, Incomplete: true, IncompleteReason: NotScreenedReleasedBeforeSeen}
		}, minimum, nil},
		{"remote mode needs where each party was", func(s *Screening) { s.Mode = ModeTelephone }, minimum, []string{"remote_details"}},
		{"video with where each party was", func(s *Screening) { s.Mode, s.RemoteDetails = ModeVideo, "Me at the hub, person in cell 4" }, minimum, nil},
		{"unknown mode", func(s *Screening) { s.Mode = "carrier_pigeon" }, minimum, []string{"mode"}},
		{"interpreter needs a language", func(s *Screening) { s.InterpreterUsed = true }, minimum, []string{"interpreter_language"}},
		{"full needs every risk and urgency", func(s *Screening) { s.RiskToSelf, s.Safeguarding, s.Urgency = Risk{}, Risk{}, "" }, full,
			[]string{"risk_to_self", "safeguarding", "urgency"}},
		{"bad urgency", func(s *Screening) { s.Urgency = "whenever" }, full, []string{"urgency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.base()
			tt.edit(&s)
			err := s.Validate(vulns, now)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v %v", err, ErrorFields(err))
				}
				if s.QuestionSetVersion != QuestionSetVersion {
					t.Errorf("version %q", s.QuestionSetVersion)
				}
				return
			}
			fields := ErrorFields(err)
			for _, f := range tt.fields {
				if fields[f] == "" {
					t.Errorf("want an error on %s, got %v", f, fields)
				}
			}
		})
	}
}

// A full screen stores every vulnerability, unanswered ones as not explored,
// in the order of the code list.
func TestScreeningFullChecklistDefaults(t *testing.T) {
	now := NewTime(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	s := Screening{Kind: ScreeningFull, OccurredAt: now, Incomplete: true, IncompleteReason: NotScreenedDeclined,
		Vulnerabilities: []VulnerabilityAnswer{{Code: "substance_alcohol", Answer: AnswerConfirmed, Notes: " daily "}}}
	if err := s.Validate([]string{"mental_health", "autism", "substance_alcohol"}, now); err != nil {
		t.Fatal(err)
	}
	want := []VulnerabilityAnswer{{"mental_health", AnswerNotExplored, ""}, {"autism", AnswerNotExplored, ""}, {"substance_alcohol", AnswerConfirmed, "daily"}}
	if len(s.Vulnerabilities) != len(want) {
		t.Fatalf("answers %+v", s.Vulnerabilities)
	}
	for i := range want {
		if s.Vulnerabilities[i] != want[i] {
			t.Errorf("answer %d = %+v, want %+v", i, s.Vulnerabilities[i], want[i])
		}
	}
	if s.Answer("autism").Answer != AnswerNotExplored || s.Answer("gambling").Answer != AnswerNotExplored {
		t.Errorf("Answer default")
	}
	// A minimum screen keeps only what was answered.
	m := Screening{Kind: ScreeningMinimum, OccurredAt: now, Mode: ModeFaceToFace, RiskInCustody: RiskNone, AssessmentNeeded: AssessmentNo}
	if err := m.Validate([]string{"autism"}, now); err != nil || len(m.Vulnerabilities) != 0 {
		t.Errorf("minimum: %v %+v", err, m.Vulnerabilities)
	}
}
