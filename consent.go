package liaise

import (
	"fmt"
	"slices"
	"time"
)

// Consent is recorded per scope (domain.md §9.1, §1.13): consent to share
// with the police says nothing about the court. Records are append-only; the
// latest decision for a scope is the one that counts. Every disclosure must
// rest on an active consent of the matching scope or on a legal basis for
// sharing without consent, which the Caldicott Guardian then reviews.

// Consent scopes.
const (
	ScopeEngage         = "engage"
	ScopeScreenAssess   = "screen_assess"
	ScopeSharePolice    = "share_police"
	ScopeShareCPS       = "share_cps"
	ScopeShareCourt     = "share_court"
	ScopeShareProbation = "share_probation"
	ScopeShareYJS       = "share_yjs"
	ScopeShareHealth    = "share_health"
	ScopeShareCommunity = "share_community"
	ScopeContactFamily  = "contact_family"
	ScopeResearch       = "research"
)

// ConsentScopes lists the scope codes (the consent-scopes code list).
var ConsentScopes = []string{
	ScopeEngage, ScopeScreenAssess, ScopeSharePolice, ScopeShareCPS, ScopeShareCourt, ScopeShareProbation,
	ScopeShareYJS, ScopeShareHealth, ScopeShareCommunity, ScopeContactFamily, ScopeResearch,
}

// Consent decisions.
const (
	ConsentGiven         = "given"
	ConsentRefused       = "refused"
	ConsentWithdrawn     = "withdrawn"
	ConsentDeferred      = "deferred" // not yet asked, or the person wants to decide later
	ConsentLacksCapacity = "lacks_capacity"
)

// ConsentDecisions lists the decisions with their labels.
var ConsentDecisions = []CodeLabel{
	{ConsentGiven, "Given"},
	{ConsentRefused, "Refused"},
	{ConsentWithdrawn, "Withdrawn"},
	{ConsentDeferred, "Not yet decided"},
	{ConsentLacksCapacity, "Lacks capacity to decide"},
}

// Consent forms.
const (
	ConsentVerbal  = "verbal"
	ConsentWritten = "written"
)

// ConsentForms lists the forms of consent with their labels.
var ConsentForms = []CodeLabel{{ConsentVerbal, "Verbal"}, {ConsentWritten, "Written"}}

// Consent is one decision about one scope.
type Consent struct {
	ID        int64  `json:"id,string,omitempty"`
	EpisodeID int64  `json:"episode_id,string,omitempty"`
	Scope     string `json:"scope"`
	Decision  string `json:"decision"`
	Form      string `json:"form,omitempty"`
	// InterpreterUsed says the decision was made through an interpreter.
	InterpreterUsed bool `json:"interpreter_used"`
	// ObtainedBy is the user who asked.
	ObtainedBy int64 `json:"obtained_by,string"`
	OccurredAt Time  `json:"occurred_at"`
	RecordedAt Time  `json:"recorded_at,omitzero"`
	// ExpiresAt ends a given consent without a withdrawal (zero: no expiry).
	ExpiresAt Time `json:"expires_at,omitzero"`
	// CourtStage marks a decision made for the court stage of the episode.
	CourtStage bool `json:"court_stage"`
	// BestInterests records a best-interests decision under the Mental
	// Capacity Act 2005 for a person who lacks capacity; from age 16 only.
	BestInterests bool `json:"best_interests"`
	// GillickCompetent records that a child under 16 fully understands what
	// is proposed and so can consent for themselves.
	GillickCompetent bool `json:"gillick_competent"`
	// ParentalConsent records that a person with parental responsibility
	// consented for a child.
	ParentalConsent bool `json:"parental_consent"`
	// PersonAgeAtEvent is the person's age in whole years when asked; -1
	// when not known.
	PersonAgeAtEvent int `json:"person_age_at_event"`
	// AppearsUnder18 matters only when the age is not known: such a person
	// is treated as a child.
	AppearsUnder18 bool `json:"appears_under_18"`
	// EnteredInError marks a record corrected later; it no longer counts.
	EnteredInError bool `json:"entered_in_error"`
}

// ValidateConsent checks one consent record, including the age rules of
// domain.md §4.4: 16- and 17-year-olds are presumed to have capacity and a
// best-interests decision is possible from 16; under 16 a child consents if
// Gillick competent, otherwise a person with parental responsibility does.
// A person of unknown age who appears under 18 is treated as a child under
// 16, since nothing shows they are older.
func ValidateConsent(c Consent) error {
	var v Validation
	v.Check(slices.Contains(ConsentScopes, c.Scope), "scope", "Choose what the consent is for.")
	v.Check(hasCode(ConsentDecisions, c.Decision), "decision", "Choose the person's decision.")
	if c.Decision == ConsentGiven || c.Decision == ConsentWithdrawn || c.Form != "" {
		v.Check(hasCode(ConsentForms, c.Form), "form", "Choose whether the decision was verbal or written.")
	}
	v.Check(c.ObtainedBy > 0, "obtained_by", "Record who asked the person.")
	v.Check(!c.OccurredAt.IsZero(), "occurred_at", "Enter the date and time the person decided.")
	if !c.ExpiresAt.IsZero() && !c.OccurredAt.IsZero() {
		v.Check(c.ExpiresAt.After(c.OccurredAt.Time), "expires_at", "The consent must expire after it was given.")
	}
	v.Check(!c.BestInterests || c.Decision == ConsentLacksCapacity, "best_interests",
		"A best-interests decision is recorded only when the person lacks capacity to decide.")

	under16 := c.PersonAgeAtEvent < 16 && (c.PersonAgeAtEvent >= 0 || c.AppearsUnder18)
	who := "a child under 16"
	if c.PersonAgeAtEvent < 0 {
		who = "a person of unknown age who appears to be under 18, who is treated as a child,"
	}
	if under16 {
		if c.Decision == ConsentGiven && !c.GillickCompetent && !c.ParentalConsent {
			v.Add("gillick_competent", fmt.Sprintf("Consent from %s counts only if they are Gillick competent (they fully understand what is proposed) "+
				"or a person with parental responsibility consents. Record which applies.", who))
		}
		if c.Decision == ConsentLacksCapacity && c.BestInterests {
			v.Add("best_interests", fmt.Sprintf("A best-interests decision under the Mental Capacity Act can be made only from age 16. For %s, "+
				"a person with parental responsibility must consent instead.", who))
		}
	}
	return v.Err()
}

func hasCode(choices []CodeLabel, code string) bool {
	return slices.ContainsFunc(choices, func(c CodeLabel) bool { return c.Code == code })
}

// permits reports whether a decision lets the scoped activity go ahead:
// consent given, or a best-interests decision for someone who lacks capacity.
func (c Consent) permits(at time.Time) bool {
	if !c.ExpiresAt.IsZero() && !at.Before(c.ExpiresAt.Time) {
		return false
	}
	return c.Decision == ConsentGiven || (c.Decision == ConsentLacksCapacity && c.BestInterests)
}

// latestConsent returns the latest decision for scope made at or before at.
func latestConsent(consents []Consent, scope string, at time.Time) (Consent, bool) {
	var best Consent
	found := false
	for _, c := range consents {
		if c.Scope != scope || c.EnteredInError || c.OccurredAt.After(at) {
			continue
		}
		// Later in the slice wins a tie: it was recorded later.
		if !found || !c.OccurredAt.Before(best.OccurredAt.Time) {
			best, found = c, true
		}
	}
	return best, found
}

// ActiveConsent returns the consent for scope in force at time at: the
// latest decision for the scope made by then, if it is consent given (or a
// best-interests decision) that has not expired. A later refusal, withdrawal
// or deferral ends it.
func ActiveConsent(consents []Consent, scope string, at time.Time) (Consent, bool) {
	c, ok := latestConsent(consents, scope, at)
	if !ok || !c.permits(at) {
		return Consent{}, false
	}
	return c, true
}

// Recipient agencies of a disclosure.
const (
	RecipientPolice    = "police"
	RecipientCPS       = "cps"
	RecipientCourt     = "court"
	RecipientProbation = "probation"
	RecipientYJS       = "yjs"
	RecipientHealth    = "health"
	RecipientOther     = "other"
)

// RecipientAgencies lists recipient agencies with labels, the consent scope
// that covers sharing with each, and the words used in messages.
var RecipientAgencies = []struct{ Code, Label, Scope, Words string }{
	{RecipientPolice, "Police", ScopeSharePolice, "the police"},
	{RecipientCPS, "Crown Prosecution Service", ScopeShareCPS, "the Crown Prosecution Service"},
	{RecipientCourt, "Court", ScopeShareCourt, "the court"},
	{RecipientProbation, "Probation", ScopeShareProbation, "probation"},
	{RecipientYJS, "Youth justice service", ScopeShareYJS, "the youth justice service"},
	{RecipientHealth, "GP or other health service", ScopeShareHealth, "health services"},
	{RecipientOther, "Community or other service", ScopeShareCommunity, "community services"},
}

// ScopeForRecipient returns the consent scope that covers sharing with an
// agency, or "" for an unknown agency.
func ScopeForRecipient(agency string) string {
	for _, a := range RecipientAgencies {
		if a.Code == agency {
			return a.Scope
		}
	}
	return ""
}

func recipientWords(agency string) string {
	for _, a := range RecipientAgencies {
		if a.Code == agency {
			return a.Words
		}
	}
	return agency
}

// Disclosure purposes (domain.md §9.1; the disclosure-purposes code list).
const (
	PurposeChargingDecision     = "charging_decision"
	PurposeOOCD                 = "oocd"
	PurposeInterviewAdaptations = "interview_adaptations"
	PurposeBailRemand           = "bail_remand"
	PurposeCaseManagement       = "case_management"
	PurposeFitnessToPlead       = "fitness_to_plead"
	PurposeSentencing           = "sentencing"
	PurposePSR                  = "psr"
	PurposeCSTRSuitability      = "cstr_suitability"
	PurposeSafeguarding         = "safeguarding"
	PurposeRisk                 = "risk"
	PurposeContinuityOfCare     = "continuity_of_care"
)

// DisclosurePurposes lists the purpose codes.
var DisclosurePurposes = []string{
	PurposeChargingDecision, PurposeOOCD, PurposeInterviewAdaptations, PurposeBailRemand, PurposeCaseManagement,
	PurposeFitnessToPlead, PurposeSentencing, PurposePSR, PurposeCSTRSuitability, PurposeSafeguarding, PurposeRisk,
	PurposeContinuityOfCare,
}

// Legal bases for sharing without consent (domain.md §5.1); "" means the
// disclosure rests on consent.
const (
	BasisSeriousHarm   = "serious_harm"
	BasisSafeguarding  = "safeguarding"
	BasisCourtOrder    = "court_order"
	BasisStatutoryDuty = "statutory_duty"
)

// LegalBases lists the non-consensual legal basis codes.
var LegalBases = []string{BasisSeriousHarm, BasisSafeguarding, BasisCourtOrder, BasisStatutoryDuty}

// Disclosure channels.
const (
	ChannelVerbal         = "verbal"
	ChannelSecureEmail    = "secure_email"
	ChannelDocumentUpload = "document_upload"
	ChannelPhone          = "phone"
)

// DisclosureChannels lists the channels with their labels.
var DisclosureChannels = []CodeLabel{
	{ChannelVerbal, "In person"},
	{ChannelSecureEmail, "Secure email"},
	{ChannelDocumentUpload, "Document upload"},
	{ChannelPhone, "Telephone"},
}

// Disclosure is one sharing of information outside the service.
type Disclosure struct {
	ID              int64  `json:"id,string,omitempty"`
	EpisodeID       int64  `json:"episode_id,string,omitempty"`
	RecipientAgency string `json:"recipient_agency"`
	// RecipientRole is who received it, e.g. custody sergeant, legal adviser.
	RecipientRole string `json:"recipient_role"`
	Purpose       string `json:"purpose"`
	Content       string `json:"content"`
	Channel       string `json:"channel"`
	OccurredAt    Time   `json:"occurred_at"`
	// ConsentScope is the scope relied on; empty means the recipient's own.
	ConsentScope string `json:"consent_scope,omitempty"`
	// LegalBasis is set when sharing without consent.
	LegalBasis string `json:"legal_basis,omitempty"`
	// Urgent marks a disclosure made at once to prevent harm, ahead of review.
	Urgent      bool  `json:"urgent"`
	DisclosedBy int64 `json:"disclosed_by,string,omitempty"`
}

// CheckDisclosure decides whether a disclosure may be made. It may when the
// person's consent of the matching scope is active at the time; otherwise
// only on a legal basis for sharing without consent, and then needsReview
// is true: the disclosure joins the Caldicott Guardian's review queue for
// the next working day. A practitioner may make a serious-harm or
// safeguarding disclosure alone, at any hour. Anything else is refused with
// an EINVALID error that says why and what to record instead.
func CheckDisclosure(d Disclosure, consents []Consent) (needsReview bool, err error) {
	var v Validation
	scope := ScopeForRecipient(d.RecipientAgency)
	v.Check(scope != "", "recipient_agency", "Choose who the information is going to.")
	v.Check(d.RecipientRole != "", "recipient_role", "Enter the role of the person receiving the information, for example custody sergeant.")
	v.Check(slices.Contains(DisclosurePurposes, d.Purpose), "purpose", "Choose why the information is being shared.")
	v.Check(d.Content != "", "content", "Record what was shared.")
	v.Check(hasCode(DisclosureChannels, d.Channel), "channel", "Choose how the information was shared.")
	v.Check(!d.OccurredAt.IsZero(), "occurred_at", "Enter the date and time the information was shared.")
	v.Check(d.LegalBasis == "" || slices.Contains(LegalBases, d.LegalBasis), "legal_basis", "Choose a legal basis from the list.")
	if err := v.Err(); err != nil {
		return false, err
	}
	words := recipientWords(d.RecipientAgency)
	if d.ConsentScope != "" && d.ConsentScope != scope {
		return false, fieldError("consent_scope", fmt.Sprintf("Consent to %s does not cover sharing with %s.", scopeWords(d.ConsentScope), words))
	}
	if _, ok := ActiveConsent(consents, scope, d.OccurredAt.Time); ok {
		return false, nil
	}
	if d.LegalBasis != "" {
		// Every disclosure without consent is reviewed, urgent or not.
		return true, nil
	}
	why := fmt.Sprintf("There is no active consent to share with %s", words)
	if last, ok := latestConsent(consents, scope, d.OccurredAt.Time); ok {
		switch {
		case last.Decision == ConsentWithdrawn:
			why = fmt.Sprintf("The person withdrew their consent to share with %s at %s", words, last.OccurredAt.Local().Format("15:04 on 2 January 2006"))
		case last.Decision == ConsentRefused:
			why = fmt.Sprintf("The person refused consent to share with %s", words)
		case last.Decision == ConsentGiven:
			why = fmt.Sprintf("The person's consent to share with %s expired at %s", words, last.ExpiresAt.Local().Format("15:04 on 2 January 2006"))
		}
	}
	msg := fmt.Sprintf("%s, and no legal basis was given. Record the person's consent to share with %s, or choose the legal basis for sharing without consent.", why, words)
	return false, fieldError("legal_basis", msg)
}

func scopeWords(scope string) string {
	for _, a := range RecipientAgencies {
		if a.Scope == scope {
			return "share with " + a.Words
		}
	}
	switch scope {
	case ScopeEngage:
		return "engage with the service"
	case ScopeScreenAssess:
		return "screening and assessment"
	case ScopeContactFamily:
		return "contact family"
	case ScopeResearch:
		return "research"
	}
	return scope
}

// NextWorkingDay returns the first working day after the London date of t:
// not a Saturday, Sunday or a day isHoliday reports (nil: no holidays). A
// disclosure made without consent is reviewed on that day.
func NextWorkingDay(t time.Time, isHoliday func(Date) bool) Date {
	d := DateOf(t.In(London)).Time()
	for {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if isHoliday != nil && isHoliday(DateOf(d)) {
			continue
		}
		return DateOf(d)
	}
}
