package liaise

import (
	"fmt"
	"slices"
	"strings"
)

// Assessment (issue 3 item 7, domain.md §1.7 stage 3 and §9.1): a fuller,
// trauma-informed assessment with findings per domain, each tagged for
// sharing, optional scored tools, a formulation and recommendations to
// justice decision-makers. Also the speech and language therapy (SLT)
// request and the therapist's communication profile.

// Assessment types.
const (
	AssessGeneral            = "general"
	AssessMentalHealth       = "mental_health"
	AssessLearningDisability = "learning_disability"
	AssessAutismND           = "autism_neurodevelopmental"
	AssessSLCN               = "slcn"
	AssessSubstanceMisuse    = "substance_misuse"
	AssessCYP                = "children_young_people"
)

// AssessmentTypes lists the assessment types with their labels.
var AssessmentTypes = []CodeLabel{
	{AssessGeneral, "General L&D assessment"},
	{AssessMentalHealth, "Mental health"},
	{AssessLearningDisability, "Learning disability"},
	{AssessAutismND, "Autism or neurodevelopmental"},
	{AssessSLCN, "Speech, language and communication"},
	{AssessSubstanceMisuse, "Substance misuse"},
	{AssessCYP, "Children and young people"},
}

// Sharing tags of a finding. Health only is the default: minimum necessary
// (Caldicott), so nothing leaves health unless someone chose it.
const (
	SharingShareable  = "shareable"
	SharingHealthOnly = "health_only"
)

// SharingTags lists the sharing tags with their labels.
var SharingTags = []CodeLabel{{SharingHealthOnly, "Health only"}, {SharingShareable, "Shareable with justice partners"}}

// AssessmentFinding is what was found in one domain (a vulnerabilities code).
type AssessmentFinding struct {
	Domain  string `json:"domain"`
	Text    string `json:"text"`
	Sharing string `json:"sharing"`
}

// ScoredTool is a structured instrument used in the assessment.
type ScoredTool struct {
	Tool    string `json:"tool"`
	Version string `json:"version,omitempty"`
	Score   string `json:"score"`
}

// AssessmentRecommendation is a recommendation (recommendation-types code
// list) made from the assessment, with a note.
type AssessmentRecommendation struct {
	Type string `json:"type"`
	Note string `json:"note,omitempty"`
}

// Assessment is one assessment of an episode. Append-only.
type Assessment struct {
	ID              int64                      `json:"id,string,omitempty"`
	EpisodeID       int64                      `json:"episode_id,string,omitempty"`
	Type            string                     `json:"type"`
	OccurredAt      Time                       `json:"occurred_at"`
	RecordedAt      Time                       `json:"recorded_at"`
	UserID          int64                      `json:"user_id,string,omitempty"`
	Findings        []AssessmentFinding        `json:"findings"`
	Tools           []ScoredTool               `json:"tools"`
	Formulation     string                     `json:"formulation"`
	Recommendations []AssessmentRecommendation `json:"recommendations"`
	// Incomplete is set when the assessment could not be completed; then
	// IncompleteReason (a not-assessed reason) says why.
	Incomplete       bool   `json:"incomplete"`
	IncompleteReason string `json:"incomplete_reason,omitempty"`
	EnteredInError   bool   `json:"entered_in_error"`
	Version          int    `json:"version"`
}

const (
	maxAssessmentText  = 10000
	maxAssessmentShort = 200
	maxAssessmentTools = 20
)

// Validate checks and tidies an assessment: domains are the vulnerabilities
// codes valid today (findings come out in that order), reasons the
// not-assessed reasons, now the time of recording. A complete assessment
// needs a formulation; empty findings, tools and recommendations are dropped.
func (x *Assessment) Validate(domains, reasons []string, now Time) error {
	var v Validation
	x.Type, x.Formulation, x.IncompleteReason = strings.TrimSpace(x.Type), strings.TrimSpace(x.Formulation), strings.TrimSpace(x.IncompleteReason)
	if x.Type == "" {
		v.Add("type", "Choose the type of assessment")
	} else if !known(AssessmentTypes, x.Type) {
		v.Add("type", "Choose a type of assessment from the list")
	}
	switch {
	case x.OccurredAt.IsZero():
		v.Add("occurred_at", "Enter the date and time of the assessment")
	case x.OccurredAt.After(now.Add(clockSkew)):
		v.Add("occurred_at", "The time of the assessment cannot be in the future")
	}
	if x.Incomplete {
		if !slices.Contains(reasons, x.IncompleteReason) {
			v.Add("incomplete_reason", "Choose why the assessment could not be completed")
		}
	} else {
		x.IncompleteReason = ""
		v.Check(x.Formulation != "", "formulation", "Enter the formulation: a summary of the person's needs and what they mean")
	}
	v.Check(len(x.Formulation) <= maxAssessmentText, "formulation", "The formulation must be 10,000 characters or fewer")
	given := map[string]AssessmentFinding{}
	for _, f := range x.Findings {
		f.Domain, f.Text, f.Sharing = strings.TrimSpace(f.Domain), strings.TrimSpace(f.Text), strings.TrimSpace(f.Sharing)
		field := "finding_" + f.Domain
		switch {
		case !slices.Contains(domains, f.Domain):
			v.Add("findings", fmt.Sprintf("%q is not an assessment domain", f.Domain))
			continue
		case given[f.Domain].Domain != "":
			v.Add("findings", fmt.Sprintf("%q has more than one finding", f.Domain))
			continue
		case f.Text == "":
			continue
		}
		if f.Sharing == "" {
			f.Sharing = SharingHealthOnly
		}
		v.Check(known(SharingTags, f.Sharing), "share_"+f.Domain, "Choose health only or shareable")
		v.Check(len(f.Text) <= maxAssessmentText, field, "A finding must be 10,000 characters or fewer")
		given[f.Domain] = f
	}
	var tools []ScoredTool
	for i, t := range x.Tools {
		t.Tool, t.Version, t.Score = strings.TrimSpace(t.Tool), strings.TrimSpace(t.Version), strings.TrimSpace(t.Score)
		if t.Tool == "" && t.Version == "" && t.Score == "" {
			continue
		}
		field := fmt.Sprintf("tool_%d", i+1)
		v.Check(t.Tool != "", field+"_name", "Enter the name of the tool")
		v.Check(t.Score != "", field+"_score", "Enter the score")
		v.Check(len(t.Tool) <= maxAssessmentShort && len(t.Version) <= maxAssessmentShort && len(t.Score) <= maxAssessmentShort,
			field+"_name", "Tool name, version and score must each be 200 characters or fewer")
		tools = append(tools, t)
	}
	v.Check(len(tools) <= maxAssessmentTools, "tools", "Record at most 20 tools")
	seen := map[string]bool{}
	var recs []AssessmentRecommendation
	for _, r := range x.Recommendations {
		r.Type, r.Note = strings.TrimSpace(r.Type), strings.TrimSpace(r.Note)
		switch {
		case !slices.Contains(RecommendationTypes, r.Type):
			v.Add("recommendations", fmt.Sprintf("%q is not a recommendation type", r.Type))
			continue
		case seen[r.Type]:
			v.Add("recommendations", fmt.Sprintf("%q is recommended more than once", r.Type))
			continue
		}
		seen[r.Type] = true
		v.Check(r.Type != RecommendOther || r.Note != "", "rec_"+r.Type+"_note", "Describe the other recommendation")
		v.Check(len(r.Note) <= maxAssessmentText, "rec_"+r.Type+"_note", "A note must be 10,000 characters or fewer")
		recs = append(recs, r)
	}
	if err := v.Err(); err != nil {
		return err
	}
	var out []AssessmentFinding
	for _, d := range domains {
		if f, ok := given[d]; ok {
			out = append(out, f)
		}
	}
	x.Findings, x.Tools, x.Recommendations = out, tools, recs
	return nil
}

// Shareable returns the findings tagged shareable: what a document for
// police or court may draw on by default.
func (x *Assessment) Shareable() []AssessmentFinding {
	var out []AssessmentFinding
	for _, f := range x.Findings {
		if f.Sharing == SharingShareable {
			out = append(out, f)
		}
	}
	return out
}

// SLT request states.
const (
	SLTOpen      = "open"
	SLTCompleted = "completed"
	SLTCancelled = "cancelled"
)

// SLTStatuses lists the request states with their labels.
var SLTStatuses = []CodeLabel{{SLTOpen, "Open"}, {SLTCompleted, "Completed"}, {SLTCancelled, "Cancelled"}}

// SLTUrgencies lists how soon the therapist is needed.
var SLTUrgencies = []CodeLabel{{"routine", "Routine"}, {"before_hearing", "Before the next hearing"}, {"urgent", "Urgent (today)"}}

// SLTRequest asks a speech and language therapist to assess a person.
type SLTRequest struct {
	ID          int64  `json:"id,string,omitempty"`
	EpisodeID   int64  `json:"episode_id,string,omitempty"`
	Reason      string `json:"reason"`
	Urgency     string `json:"urgency"`
	RequestedBy int64  `json:"requested_by,string,omitempty"`
	RequestedAt Time   `json:"requested_at"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
}

// Validate checks an SLT request.
func (r *SLTRequest) Validate() error {
	var v Validation
	r.Reason, r.Urgency = strings.TrimSpace(r.Reason), strings.TrimSpace(r.Urgency)
	v.Check(r.Reason != "", "reason", "Enter why a speech and language therapy assessment is needed")
	v.Check(len(r.Reason) <= maxAssessmentText, "reason", "The reason must be 10,000 characters or fewer")
	v.Check(known(SLTUrgencies, r.Urgency), "urgency", "Choose how urgent the request is")
	return v.Err()
}

// Answers to "is a registered intermediary needed?".
const (
	IntermediaryYes    = "yes"
	IntermediaryNo     = "no"
	IntermediaryUnsure = "unsure"
)

// IntermediaryChoices lists the answers with their labels.
var IntermediaryChoices = []CodeLabel{{IntermediaryYes, "Yes"}, {IntermediaryNo, "No"}, {IntermediaryUnsure, "Not sure"}}

// CommunicationProfile is the therapist's answer to an SLT request: how
// police and court should communicate with the person.
type CommunicationProfile struct {
	ID                 int64  `json:"id,string,omitempty"`
	RequestID          int64  `json:"request_id,string,omitempty"`
	OccurredAt         Time   `json:"occurred_at"`
	RecordedAt         Time   `json:"recorded_at"`
	UserID             int64  `json:"user_id,string,omitempty"`
	AdaptedQuestioning string `json:"adapted_questioning"`
	IntermediaryNeeded string `json:"intermediary_needed"`
	Strengths          string `json:"strengths"`
	Difficulties       string `json:"difficulties"`
	Recommendations    string `json:"recommendations"`
}

// Validate checks a communication profile; now is the time of recording.
func (p *CommunicationProfile) Validate(now Time) error {
	var v Validation
	for _, s := range []*string{&p.AdaptedQuestioning, &p.IntermediaryNeeded, &p.Strengths, &p.Difficulties, &p.Recommendations} {
		*s = strings.TrimSpace(*s)
	}
	switch {
	case p.OccurredAt.IsZero():
		v.Add("occurred_at", "Enter the date and time of the assessment")
	case p.OccurredAt.After(now.Add(clockSkew)):
		v.Add("occurred_at", "The time of the assessment cannot be in the future")
	}
	v.Check(p.AdaptedQuestioning != "", "adapted_questioning", "Enter the advice on adapted questioning")
	v.Check(known(IntermediaryChoices, p.IntermediaryNeeded), "intermediary_needed", "Choose whether a registered intermediary is needed")
	for _, x := range []struct{ field, val string }{{"adapted_questioning", p.AdaptedQuestioning}, {"strengths", p.Strengths},
		{"difficulties", p.Difficulties}, {"recommendations", p.Recommendations}} {
		v.Check(len(x.val) <= maxAssessmentText, x.field, "This must be 10,000 characters or fewer")
	}
	return v.Err()
}
