package liaise

import (
	"fmt"
	"slices"
	"strings"
)

// Screening (issue 3 item 6, domain.md §1.8 and §9.1): a minimum screen that
// can be done alone when the person is about to be released, or the full
// checklist. The question set is versioned and the version is stored with
// every response, so an answer is always read against the questions asked.

// QuestionSetVersion is the version of the screening questions below. Change
// it whenever a question, an answer choice or a rule changes.
const QuestionSetVersion = "ld-screen-2026.1"

// ScreeningKind says which question set was used.
type ScreeningKind string

// Screening kinds.
const (
	ScreeningMinimum ScreeningKind = "minimum" // risk in custody, advice, whether to assess
	ScreeningFull    ScreeningKind = "full"    // the whole checklist
)

// ScreeningKinds lists the kinds with their labels.
var ScreeningKinds = []CodeLabel{
	{string(ScreeningMinimum), "Minimum screen"},
	{string(ScreeningFull), "Full screen"},
}

// Risk levels of each risk domain.
const (
	RiskNone   = "none"
	RiskLow    = "low"
	RiskMedium = "medium"
	RiskHigh   = "high"
)

// RiskLevels lists the risk levels with their labels, lowest first.
var RiskLevels = []CodeLabel{{RiskNone, "None"}, {RiskLow, "Low"}, {RiskMedium, "Medium"}, {RiskHigh, "High"}}

// Answers to a vulnerability question. Not explored is the default: an
// unanswered question must never read as "none".
const (
	AnswerNotExplored = "not_explored"
	AnswerNone        = "none"
	AnswerSuspected   = "suspected"
	AnswerConfirmed   = "confirmed"
)

// VulnerabilityAnswers lists the answers with their labels.
var VulnerabilityAnswers = []CodeLabel{
	{AnswerNotExplored, "Not explored"}, {AnswerNone, "None"}, {AnswerSuspected, "Suspected"}, {AnswerConfirmed, "Confirmed"},
}

// Answers to "is an assessment needed?".
const (
	AssessmentYes    = "yes"
	AssessmentNo     = "no"
	AssessmentUnsure = "unsure"
)

// AssessmentNeededChoices lists the answers with their labels.
var AssessmentNeededChoices = []CodeLabel{{AssessmentYes, "Yes"}, {AssessmentNo, "No"}, {AssessmentUnsure, "Not sure"}}

// Screening urgencies.
var ScreeningUrgencies = []CodeLabel{{"routine", "Routine"}, {"urgent", "Urgent"}, {"emergency", "Emergency"}}

// Screening modes.
const (
	ModeFaceToFace = "face_to_face"
	ModeTelephone  = "telephone"
	ModeVideo      = "video"
)

// ScreeningModes lists the modes with their labels.
var ScreeningModes = []CodeLabel{{ModeFaceToFace, "Face to face"}, {ModeTelephone, "Telephone"}, {ModeVideo, "Video"}}

// Remote reports whether a mode is not face to face.
func Remote(mode string) bool { return mode == ModeTelephone || mode == ModeVideo }

// Risk is one risk domain's level and notes.
type Risk struct {
	Level string `json:"level"`
	Notes string `json:"notes"`
}

// VulnerabilityAnswer is the answer to one vulnerability of the checklist
// (a code from the vulnerabilities code list).
type VulnerabilityAnswer struct {
	Code   string `json:"code"`
	Answer string `json:"answer"`
	Notes  string `json:"notes,omitempty"`
}

// Screening is one screening response.
type Screening struct {
	ID                 int64         `json:"id,string,omitempty"`
	EpisodeID          int64         `json:"episode_id,string,omitempty"`
	Kind               ScreeningKind `json:"kind"`
	QuestionSetVersion string        `json:"question_set_version"`
	OccurredAt         Time          `json:"occurred_at"`
	RecordedAt         Time          `json:"recorded_at"`
	UserID             int64         `json:"user_id,string,omitempty"`
	Mode               string        `json:"mode"`
	// RemoteDetails says where each party was, for a remote screen.
	RemoteDetails       string `json:"remote_details,omitempty"`
	OthersPresent       string `json:"others_present,omitempty"`
	InterpreterUsed     bool   `json:"interpreter_used"`
	InterpreterLanguage string `json:"interpreter_language,omitempty"`
	// The minimum screen.
	RiskInCustody    string `json:"risk_in_custody"`
	AdviceToCustody  string `json:"advice_to_custody"`
	AssessmentNeeded string `json:"assessment_needed"`
	// The full screen. RiskToSelf includes charge-related risk.
	RiskToSelf      Risk                  `json:"risk_to_self"`
	RiskToOthers    Risk                  `json:"risk_to_others"`
	RiskFromOthers  Risk                  `json:"risk_from_others"`
	Safeguarding    Risk                  `json:"safeguarding"`
	Urgency         string                `json:"urgency"`
	Vulnerabilities []VulnerabilityAnswer `json:"vulnerabilities"`
	// Incomplete is set when the screen could not be completed; then
	// IncompleteReason (a not-screened reason) says why.
	Incomplete       bool   `json:"incomplete"`
	IncompleteReason string `json:"incomplete_reason,omitempty"`
	EnteredInError   bool   `json:"entered_in_error"`
	Version          int    `json:"version"`
}

// Complete reports whether the screen was completed.
func (s *Screening) Complete() bool { return !s.Incomplete }

// Answer returns the answer recorded for a vulnerability code, not explored
// when there is none.
func (s *Screening) Answer(code string) VulnerabilityAnswer {
	for _, a := range s.Vulnerabilities {
		if a.Code == code {
			return a
		}
	}
	return VulnerabilityAnswer{Code: code, Answer: AnswerNotExplored}
}

// Free-text limits.
const (
	maxScreeningNotes = 5000
	maxScreeningShort = 200
)

// Validate checks a screening against the question set and tidies it:
// vulnerabilities is the vulnerabilities code list valid today, in order;
// now is the time of recording. A full screen gets an answer for every
// vulnerability (not explored unless given), in list order. Field names in
// the error are the form's and the API's.
func (s *Screening) Validate(vulnerabilities []string, now Time) error {
	var v Validation
	s.QuestionSetVersion = QuestionSetVersion
	trim := func(p *string) { *p = strings.TrimSpace(*p) }
	for _, p := range []*string{&s.Mode, &s.RemoteDetails, &s.OthersPresent, &s.InterpreterLanguage, &s.RiskInCustody, &s.AdviceToCustody,
		&s.AssessmentNeeded, &s.Urgency, &s.IncompleteReason, &s.RiskToSelf.Level, &s.RiskToSelf.Notes, &s.RiskToOthers.Level,
		&s.RiskToOthers.Notes, &s.RiskFromOthers.Level, &s.RiskFromOthers.Notes, &s.Safeguarding.Level, &s.Safeguarding.Notes} {
		trim(p)
	}
	full := s.Kind == ScreeningFull
	v.Check(s.Kind == ScreeningMinimum || full, "kind", "Choose a minimum or a full screen")
	switch {
	case s.OccurredAt.IsZero():
		v.Add("occurred_at", "Enter the date and time of the screening")
	case s.OccurredAt.After(now.Add(clockSkew)):
		v.Add("occurred_at", "The time of the screening cannot be in the future")
	}
	complete := !s.Incomplete
	if s.Incomplete {
		switch {
		case s.IncompleteReason == "":
			v.Add("incomplete_reason", "Choose why the screening could not be completed")
		case !slices.Contains(NotScreenedReasons, s.IncompleteReason):
			v.Add("incomplete_reason", "Choose why the screening could not be completed from the list")
		}
	} else {
		s.IncompleteReason = ""
	}
	// How the screen was done.
	if s.Mode == "" && complete {
		v.Add("mode", "Choose whether the screening was face to face, by telephone or by video")
	} else if s.Mode != "" && !known(ScreeningModes, s.Mode) {
		v.Add("mode", "Choose face to face, telephone or video")
	}
	if Remote(s.Mode) && s.RemoteDetails == "" {
		v.Add("remote_details", "Say where you were and where the person was, as the screening was not face to face")
	}
	v.Check(len(s.RemoteDetails) <= maxScreeningNotes, "remote_details", "Where each party was must be 5,000 characters or fewer")
	v.Check(len(s.OthersPresent) <= maxScreeningShort*5, "others_present", "Who else was present must be 1,000 characters or fewer")
	if s.InterpreterUsed {
		v.Check(s.InterpreterLanguage != "", "interpreter_language", "Enter the language the interpreter used")
		v.Check(len(s.InterpreterLanguage) <= maxScreeningShort, "interpreter_language", "The language must be 200 characters or fewer")
	} else {
		s.InterpreterLanguage = ""
	}
	// The minimum screen, which every complete screen answers.
	level := func(field, value, what string, required bool) {
		switch {
		case value == "" && required:
			v.Add(field, "Choose the level of "+what+": none, low, medium or high")
		case value != "" && !known(RiskLevels, value):
			v.Add(field, "Choose none, low, medium or high for "+what)
		}
	}
	level("risk_in_custody", s.RiskInCustody, "risk in custody", complete)
	if s.AssessmentNeeded == "" && complete {
		v.Add("assessment_needed", "Choose whether an assessment is needed")
	} else if s.AssessmentNeeded != "" && !known(AssessmentNeededChoices, s.AssessmentNeeded) {
		v.Add("assessment_needed", "Choose yes, no or not sure for whether an assessment is needed")
	}
	if complete && (s.RiskInCustody == RiskMedium || s.RiskInCustody == RiskHigh) {
		v.Check(s.AdviceToCustody != "", "advice_to_custody", "Enter the advice given to custody staff about the risk in custody")
	}
	v.Check(len(s.AdviceToCustody) <= maxScreeningNotes, "advice_to_custody", "Advice to custody staff must be 5,000 characters or fewer")
	// The full checklist.
	for _, d := range []struct {
		field, what string
		r           *Risk
	}{
		{"risk_to_self", "risk to self", &s.RiskToSelf},
		{"risk_to_others", "risk to others", &s.RiskToOthers},
		{"risk_from_others", "risk from others", &s.RiskFromOthers},
		{"safeguarding", "safeguarding concern", &s.Safeguarding},
	} {
		level(d.field, d.r.Level, d.what, full && complete)
		v.Check(len(d.r.Notes) <= maxScreeningNotes, d.field+"_notes", "Notes must be 5,000 characters or fewer")
	}
	if s.Urgency == "" && full && complete {
		v.Add("urgency", "Choose routine, urgent or emergency")
	} else if s.Urgency != "" && !known(ScreeningUrgencies, s.Urgency) {
		v.Add("urgency", "Choose routine, urgent or emergency")
	}
	given := map[string]VulnerabilityAnswer{}
	for _, a := range s.Vulnerabilities {
		a.Code, a.Answer, a.Notes = strings.TrimSpace(a.Code), strings.TrimSpace(a.Answer), strings.TrimSpace(a.Notes)
		field := "vuln_" + a.Code
		switch {
		case !slices.Contains(vulnerabilities, a.Code):
			v.Add("vulnerabilities", fmt.Sprintf("%q is not a vulnerability on the checklist", a.Code))
			continue
		case given[a.Code].Code != "":
			v.Add("vulnerabilities", fmt.Sprintf("%q is answered more than once", a.Code))
			continue
		}
		if a.Answer == "" {
			a.Answer = AnswerNotExplored
		}
		v.Check(known(VulnerabilityAnswers, a.Answer), field, "Choose not explored, none, suspected or confirmed")
		v.Check(len(a.Notes) <= maxScreeningNotes, field+"_notes", "Notes must be 5,000 characters or fewer")
		given[a.Code] = a
	}
	if err := v.Err(); err != nil {
		return err
	}
	// The stored checklist is in list order; a full screen says "not
	// explored" explicitly for every question left unanswered.
	var out []VulnerabilityAnswer
	for _, c := range vulnerabilities {
		a, ok := given[c]
		if !ok && full {
			a, ok = VulnerabilityAnswer{Code: c, Answer: AnswerNotExplored}, true
		}
		if ok {
			out = append(out, a)
		}
	}
	s.Vulnerabilities = out
	return nil
}

func known(choices []CodeLabel, code string) bool {
	return slices.ContainsFunc(choices, func(c CodeLabel) bool { return c.Code == code })
}
