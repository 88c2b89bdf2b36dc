package liaise

import (
	"fmt"
	"slices"
	"time"
)

// Onward referrals, recommendations and justice outcomes: what L&D asked
// others to do and what came of it, so diversion out of the justice system
// and support within it can both be reported (issue 3 items 11 and 12).

// ReferralState is where an onward referral is.
type ReferralState string

// Onward referral states.
const (
	ReferralPlanned                ReferralState = "planned"
	ReferralSent                   ReferralState = "sent"
	ReferralAcknowledged           ReferralState = "acknowledged"
	ReferralDeclined               ReferralState = "declined" // by the receiving service; terminal
	ReferralFirstAppointmentBooked ReferralState = "first_appointment_booked"
	ReferralAttended               ReferralState = "attended"
	ReferralDidNotAttend           ReferralState = "did_not_attend"
	ReferralEngaged4Weeks          ReferralState = "engaged_4_weeks"
	ReferralEngaged12Weeks         ReferralState = "engaged_12_weeks" // terminal
	ReferralDisengaged             ReferralState = "disengaged"       // terminal
)

// ReferralStates lists the states with their labels, in order.
var ReferralStates = []CodeLabel{
	{string(ReferralPlanned), "Planned"},
	{string(ReferralSent), "Sent"},
	{string(ReferralAcknowledged), "Acknowledged"},
	{string(ReferralDeclined), "Declined by the service"},
	{string(ReferralFirstAppointmentBooked), "First appointment booked"},
	{string(ReferralAttended), "Attended first appointment"},
	{string(ReferralDidNotAttend), "Did not attend first appointment"},
	{string(ReferralEngaged4Weeks), "Engaged at 4 weeks"},
	{string(ReferralEngaged12Weeks), "Engaged at 12 weeks"},
	{string(ReferralDisengaged), "Disengaged"},
}

// Label returns the state's label.
func (s ReferralState) Label() string { return LabelOf(ReferralStates, string(s)) }

// Valid reports whether s is a known state.
func (s ReferralState) Valid() bool { return hasCode(ReferralStates, string(s)) }

// Terminal reports whether nothing may follow s.
func (s ReferralState) Terminal() bool {
	return s == ReferralDeclined || s == ReferralEngaged12Weeks || s == ReferralDisengaged
}

func (s ReferralState) words() string { return lowerFirst(s.Label()) }

const (
	fourWeeks   = 28 * 24 * time.Hour
	twelveWeeks = 84 * 24 * time.Hour
)

// ReferralTransitions is every allowed move of an onward referral.
var ReferralTransitions = []TransitionRule[ReferralState]{
	{From: "", To: ReferralPlanned, Label: "Plan a referral"},
	{From: "", To: ReferralSent, Label: "Record a referral sent"},
	{From: ReferralPlanned, To: ReferralSent, Label: "Record as sent"},
	{From: ReferralSent, To: ReferralAcknowledged, Label: "Record acknowledgement"},
	{From: ReferralSent, To: ReferralDeclined, RequiresReason: true, Label: "Record that the service declined"},
	// Many services book the first appointment as their acknowledgement.
	{From: ReferralSent, To: ReferralFirstAppointmentBooked, Label: "Record the first appointment"},
	{From: ReferralAcknowledged, To: ReferralDeclined, RequiresReason: true, Label: "Record that the service declined"},
	{From: ReferralAcknowledged, To: ReferralFirstAppointmentBooked, Label: "Record the first appointment"},
	{From: ReferralFirstAppointmentBooked, To: ReferralAttended, Label: "Record attendance"},
	{From: ReferralFirstAppointmentBooked, To: ReferralDidNotAttend, Label: "Record did not attend"},
	{From: ReferralDidNotAttend, To: ReferralFirstAppointmentBooked, Label: "Rebook the first appointment"},
	{From: ReferralAttended, To: ReferralEngaged4Weeks, Guard: engagedGuard(fourWeeks, "4"), Label: "Record engagement at 4 weeks"},
	{From: ReferralAttended, To: ReferralDisengaged, Label: "Record disengagement"},
	{From: ReferralEngaged4Weeks, To: ReferralEngaged12Weeks, Guard: engagedGuard(twelveWeeks, "12"), Label: "Record engagement at 12 weeks"},
	{From: ReferralEngaged4Weeks, To: ReferralDisengaged, Label: "Record disengagement"},
}

// engagedGuard refuses an engagement check recorded before the person can
// have been engaged that long since attending.
func engagedGuard(after time.Duration, weeks string) func(TransitionContext) error {
	return func(tc TransitionContext) error {
		if tc.AttendedAt.IsZero() {
			return nil
		}
		if tc.OccurredAt.Before(tc.AttendedAt.Add(after)) {
			return fieldError("occurred_at", fmt.Sprintf("Engagement at %s weeks can be recorded only from %s, %s weeks after the first appointment.",
				weeks, tc.AttendedAt.Add(after).In(London).Format("2 January 2006"), weeks))
		}
		return nil
	}
}

// NextReferralStates returns the moves allowed from s, in table order.
func NextReferralStates(s ReferralState) []TransitionRule[ReferralState] {
	return nextRules(ReferralTransitions, s)
}

// CheckReferralTransition says whether an onward referral may move from one
// state to another: nil, or an EINVALID *Error that says why not.
func CheckReferralTransition(from, to ReferralState, tc TransitionContext) error {
	if !to.Valid() || (from != "" && !from.Valid()) {
		return Errorf(EINVALID, "%q to %q is not a change an onward referral can make.", from, to)
	}
	if from.Terminal() {
		return Errorf(EINVALID, "An onward referral that is %s cannot be moved to %s: make a new referral instead.", from.words(), to.words())
	}
	r, ok := findRule(ReferralTransitions, from, to)
	if !ok {
		if from == "" {
			return Errorf(EINVALID, "A new onward referral starts as planned or sent, not %s.", to.words())
		}
		var next []string
		for _, n := range NextReferralStates(from) {
			next = append(next, n.To.words())
		}
		return Errorf(EINVALID, "An onward referral that is %s cannot be moved to %s. Next it can be %s.", from.words(), to.words(), orList(next))
	}
	if err := checkTimes(tc); err != nil {
		return err
	}
	if r.RequiresReason && tc.Reason == "" {
		return fieldError("reason", "Record why the service declined the referral.")
	}
	if r.Guard != nil {
		return r.Guard(tc)
	}
	return nil
}

// Referral methods.
var ReferralMethods = []CodeLabel{
	{"ers", "NHS e-Referral Service"},
	{"secure_email", "Secure email"},
	{"phone", "Telephone"},
	{"warm_handover", "Warm handover (in person)"},
	{"letter", "Letter"},
	{"other", "Other"},
}

// OnwardReferral is a referral from L&D to another service (MHSDS MHS105).
type OnwardReferral struct {
	ID        int64         `json:"id,string,omitempty"`
	EpisodeID int64         `json:"episode_id,string,omitempty"`
	Need      string        `json:"need"`    // vulnerabilities code the referral addresses
	Service   string        `json:"service"` // free text until the directory exists
	Method    string        `json:"method"`
	State     ReferralState `json:"state"`
	DecidedAt Time          `json:"decided_at,omitzero"`
	SentAt    Time          `json:"sent_at,omitzero"`
	// FirstAppointmentAt is when the first appointment is booked for.
	FirstAppointmentAt Time `json:"first_appointment_at,omitzero"`
	AttendedAt         Time `json:"attended_at,omitzero"`
	// SupportedToFirstAppointment says a worker goes with the person (or
	// otherwise gets them there): a core L&D output.
	SupportedToFirstAppointment bool `json:"supported_to_first_appointment"`
	Version                     int  `json:"version"`
}

// ValidateReferral checks the fields of an onward referral.
func ValidateReferral(r OnwardReferral) error {
	var v Validation
	v.Check(r.Need != "", "need", "Choose the need the referral is for.")
	v.Check(r.Service != "", "service", "Enter the service the person is referred to.")
	v.Check(hasCode(ReferralMethods, r.Method), "method", "Choose how the referral is made.")
	v.Check(r.State.Valid(), "state", "Choose the state of the referral.")
	return v.Err()
}

// Recommendation types (the recommendation-types code list).
const (
	RecommendAppropriateAdult         = "appropriate_adult"
	RecommendInterviewAdaptations     = "interview_adaptations"
	RecommendCustodyHealthcareReview  = "custody_healthcare_review"
	RecommendMHAAssessment            = "mha_assessment"
	RecommendPsychiatricReportFitness = "psychiatric_report_fitness_to_plead"
	RecommendDiversionOOCD            = "diversion_oocd"
	RecommendBailWithSupport          = "bail_with_support"
	RecommendCSTRMHTR                 = "cstr_mhtr"
	RecommendCSTRDRR                  = "cstr_drr"
	RecommendCSTRATR                  = "cstr_atr"
	RecommendHospitalOrder            = "hospital_order"
	RecommendOther                    = "other"
)

// RecommendationTypes lists the recommendation type codes.
var RecommendationTypes = []string{
	RecommendAppropriateAdult, RecommendInterviewAdaptations, RecommendCustodyHealthcareReview, RecommendMHAAssessment,
	RecommendPsychiatricReportFitness, RecommendDiversionOOCD, RecommendBailWithSupport, RecommendCSTRMHTR,
	RecommendCSTRDRR, RecommendCSTRATR, RecommendHospitalOrder, RecommendOther,
}

// Whether a recommendation was followed.
const (
	FollowedYes     = "yes"
	FollowedNo      = "no"
	FollowedUnknown = "unknown"
)

// FollowedAnswers lists the answers with their labels.
var FollowedAnswers = []CodeLabel{{FollowedYes, "Followed"}, {FollowedNo, "Not followed"}, {FollowedUnknown, "Not known yet"}}

// Recommendation is advice L&D gave to a justice decision-maker.
type Recommendation struct {
	ID        int64  `json:"id,string,omitempty"`
	EpisodeID int64  `json:"episode_id,string,omitempty"`
	Type      string `json:"type"`
	Detail    string `json:"detail,omitempty"`
	Followed  string `json:"followed"`
}

// ValidateRecommendation checks a recommendation; "other" needs a detail.
func ValidateRecommendation(r Recommendation) error {
	var v Validation
	v.Check(slices.Contains(RecommendationTypes, r.Type), "type", "Choose what was recommended.")
	v.Check(r.Type != RecommendOther || r.Detail != "", "detail", "Describe the recommendation.")
	v.Check(hasCode(FollowedAnswers, r.Followed), "followed", "Say whether the recommendation was followed, or that it is not known yet.")
	return v.Err()
}

// Custody outcomes (the custody-outcomes code list).
const (
	CustodyNFA                     = "nfa"
	CustodyRUI                     = "rui"
	CustodyBail                    = "bail"
	CustodyCharge                  = "charge"
	CustodyDiversionaryCaution     = "diversionary_caution"
	CustodyCommunityCaution        = "community_caution"
	CustodyYouthCaution            = "youth_caution"
	CustodyYouthConditionalCaution = "youth_conditional_caution"
)

// CustodyOutcomes lists the custody outcome codes.
var CustodyOutcomes = []string{
	CustodyNFA, CustodyRUI, CustodyBail, CustodyCharge, CustodyDiversionaryCaution,
	CustodyCommunityCaution, CustodyYouthCaution, CustodyYouthConditionalCaution,
}

// Court outcomes (the court-outcomes code list).
const (
	CourtRemandCustody     = "remand_custody"
	CourtRemandBail        = "remand_bail"
	CourtCommunityOrder    = "community_order"
	CourtSuspendedSentence = "suspended_sentence"
	CourtCustodialSentence = "custodial_sentence"
	CourtHospitalOrder     = "hospital_order"
	CourtReferralOrder     = "referral_order"
	CourtYRO               = "yro"
	CourtDischarge         = "discharge"
	CourtFine              = "fine"
)

// CourtOutcomes lists the court outcome codes.
var CourtOutcomes = []string{
	CourtRemandCustody, CourtRemandBail, CourtCommunityOrder, CourtSuspendedSentence, CourtCustodialSentence,
	CourtHospitalOrder, CourtReferralOrder, CourtYRO, CourtDischarge, CourtFine,
}

// Community sentence treatment requirements (the
// community-order-requirements code list).
const (
	RequirementMHTR = "mhtr"
	RequirementDRR  = "drr"
	RequirementATR  = "atr"
)

// OrderRequirements lists the treatment requirement codes.
var OrderRequirements = []string{RequirementMHTR, RequirementDRR, RequirementATR}

// Justice stages an outcome belongs to.
const (
	StageCustody = "custody"
	StageCourt   = "court"
)

// JusticeOutcome is a decision of the police or a court in the episode.
type JusticeOutcome struct {
	ID        int64  `json:"id,string,omitempty"`
	EpisodeID int64  `json:"episode_id,string,omitempty"`
	Stage     string `json:"stage"`
	Outcome   string `json:"outcome"`
	// Requirements are the treatment requirements of a community order or
	// suspended sentence.
	Requirements []string `json:"requirements,omitempty"`
	OccurredAt   Time     `json:"occurred_at"`
}

// ValidateJusticeOutcome checks an outcome against its stage's list;
// treatment requirements belong only to community orders and suspended
// sentences, each at most once.
func ValidateJusticeOutcome(o JusticeOutcome) error {
	var v Validation
	switch o.Stage {
	case StageCustody:
		v.Check(slices.Contains(CustodyOutcomes, o.Outcome), "outcome", "Choose the custody outcome.")
	case StageCourt:
		v.Check(slices.Contains(CourtOutcomes, o.Outcome), "outcome", "Choose the court outcome.")
	default:
		v.Add("stage", "Choose whether this is a custody or a court outcome.")
	}
	if len(o.Requirements) > 0 {
		v.Check(o.Outcome == CourtCommunityOrder || o.Outcome == CourtSuspendedSentence, "requirements",
			"Treatment requirements go only with a community order or a suspended sentence.")
		for i, r := range o.Requirements {
			v.Check(slices.Contains(OrderRequirements, r) && !slices.Contains(o.Requirements[:i], r), "requirements",
				"Choose each treatment requirement once: mental health, drug rehabilitation or alcohol treatment.")
		}
	}
	v.Check(!o.OccurredAt.IsZero(), "occurred_at", "Enter the date of the decision.")
	return v.Err()
}

// Diversion reports whether an outcome diverts the person out of the
// justice system: no further action or an out-of-court disposal.
func Diversion(outcome string) bool {
	switch outcome {
	case CustodyNFA, CustodyDiversionaryCaution, CustodyCommunityCaution, CustodyYouthCaution, CustodyYouthConditionalCaution:
		return true
	}
	return false
}
