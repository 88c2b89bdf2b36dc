package liaise

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// An episode is one pass of a person through the L&D pathway (domain.md
// §1.7, §9.3). Its state changes only along the table EpisodeTransitions;
// every change is a Transition with the time it happened (occurred_at, which
// staff may enter after the event) and the time it was recorded, and the
// pathway clocks come from occurred_at alone.

// EpisodeState is where an episode is on the pathway.
type EpisodeState string

// Episode states (domain.md §9.3, plus deferred from issue 3 item 5).
const (
	EpisodeIdentified        EpisodeState = "identified"         // CJS staff alerted L&D
	EpisodeReceived          EpisodeState = "received"           // referral received; the response clock starts
	EpisodeRejected          EpisodeState = "rejected"           // terminal
	EpisodeAccepted          EpisodeState = "accepted"           // accepted by the team
	EpisodeScreeningPending  EpisodeState = "screening_pending"  // waiting to be screened
	EpisodeDeferred          EpisodeState = "deferred"           // cannot be seen yet: retry later
	EpisodeScreened          EpisodeState = "screened"           // screening done
	EpisodeNotScreened       EpisodeState = "not_screened"       // screening could not be done
	EpisodeAssessmentPending EpisodeState = "assessment_pending" // waiting for assessment
	EpisodeAssessed          EpisodeState = "assessed"           // assessment done
	EpisodeNotAssessed       EpisodeState = "not_assessed"       // assessment could not be done
	EpisodeSupport           EpisodeState = "support"            // STR or peer support under way
	EpisodeClosed            EpisodeState = "closed"             // terminal
)

// EpisodeStates lists every state with its label, in pathway order.
var EpisodeStates = []CodeLabel{
	{string(EpisodeIdentified), "Identified"},
	{string(EpisodeReceived), "Received"},
	{string(EpisodeRejected), "Rejected"},
	{string(EpisodeAccepted), "Accepted"},
	{string(EpisodeScreeningPending), "Waiting for screening"},
	{string(EpisodeDeferred), "Deferred"},
	{string(EpisodeScreened), "Screened"},
	{string(EpisodeNotScreened), "Not screened"},
	{string(EpisodeAssessmentPending), "Waiting for assessment"},
	{string(EpisodeAssessed), "Assessed"},
	{string(EpisodeNotAssessed), "Not assessed"},
	{string(EpisodeSupport), "Receiving support"},
	{string(EpisodeClosed), "Closed"},
}

// Label returns the state's label, e.g. "Waiting for screening".
func (s EpisodeState) Label() string { return LabelOf(EpisodeStates, string(s)) }

// Valid reports whether s is a known state.
func (s EpisodeState) Valid() bool {
	return slices.ContainsFunc(EpisodeStates, func(c CodeLabel) bool { return c.Code == string(s) })
}

// Terminal reports whether nothing may follow s: a rejected or closed
// episode is never reopened; a new referral starts a new episode.
func (s EpisodeState) Terminal() bool { return s == EpisodeRejected || s == EpisodeClosed }

// words is the label as it reads inside a sentence.
func (s EpisodeState) words() string { return lowerFirst(s.Label()) }

// Rejection reasons (local codes; rejection-reasons-local maps them to MHSDS
// ReferRejectReason 01–03).
const (
	RejectDuplicate          = "duplicate"
	RejectAlternativeService = "alternative_service"
	RejectIncomplete         = "incomplete"
	RejectIneligible         = "ineligible"
)

// RejectionReasons lists the local rejection reason codes.
var RejectionReasons = []string{RejectDuplicate, RejectAlternativeService, RejectIncomplete, RejectIneligible}

// Deferral reasons: the person cannot be seen yet.
const (
	DeferIntoxicated      = "intoxicated"
	DeferAsleep           = "asleep"
	DeferInInterview      = "in_interview"
	DeferWithLegalAdviser = "with_legal_adviser"
	DeferOther            = "other"
)

// DeferralReasons lists the deferral reason codes.
var DeferralReasons = []string{DeferIntoxicated, DeferAsleep, DeferInInterview, DeferWithLegalAdviser, DeferOther}

// Reasons screening could not be done.
const (
	NotScreenedReleasedBeforeSeen     = "released_before_seen"
	NotScreenedDeclined               = "declined"
	NotScreenedUnfit                  = "unfit"
	NotScreenedOutOfHours             = "out_of_hours"
	NotScreenedAlreadyOpen            = "already_open"
	NotScreenedInterpreterUnavailable = "interpreter_unavailable"
	NotScreenedOther                  = "other"
)

// NotScreenedReasons lists the reasons screening could not be done.
var NotScreenedReasons = []string{
	NotScreenedReleasedBeforeSeen, NotScreenedDeclined, NotScreenedUnfit, NotScreenedOutOfHours,
	NotScreenedAlreadyOpen, NotScreenedInterpreterUnavailable, NotScreenedOther,
}

// Reasons assessment could not be done.
const (
	NotAssessedReleasedBeforeSeen     = "released_before_seen"
	NotAssessedDeclined               = "declined"
	NotAssessedUnfit                  = "unfit"
	NotAssessedInterpreterUnavailable = "interpreter_unavailable"
	NotAssessedAlreadyOpen            = "already_open"
	NotAssessedNoPractitioner         = "no_practitioner"
	NotAssessedOther                  = "other"
)

// NotAssessedReasons lists the reasons assessment could not be done.
var NotAssessedReasons = []string{
	NotAssessedReleasedBeforeSeen, NotAssessedDeclined, NotAssessedUnfit, NotAssessedInterpreterUnavailable,
	NotAssessedAlreadyOpen, NotAssessedNoPractitioner, NotAssessedOther,
}

// Local closure reasons; closure-reasons-local maps each to MHSDS
// ReferClosReason 01–09 for export.
const (
	CloseAdmittedToHospital  = "admitted_to_hospital"
	CloseNoFurtherInput      = "no_further_input"
	CloseReleasedBeforeSeen  = "released_before_seen"
	CloseMovedOutOfArea      = "moved_out_of_area"
	CloseAssessmentCompleted = "assessment_completed"
	CloseSupportCompleted    = "support_completed"
	CloseDisengaged          = "disengaged"
	CloseDied                = "died"
	ClosePersonRequested     = "person_requested"
	CloseReferredOn          = "referred_on"
	CloseTransferredCustody  = "transferred_to_custody"
	CloseDeclined            = "declined"
)

// ClosureReasons lists the local closure reason codes.
var ClosureReasons = []string{
	CloseAdmittedToHospital, CloseNoFurtherInput, CloseReleasedBeforeSeen, CloseMovedOutOfArea,
	CloseAssessmentCompleted, CloseSupportCompleted, CloseDisengaged, CloseDied, ClosePersonRequested,
	CloseReferredOn, CloseTransferredCustody, CloseDeclined,
}

// reasonLists says which code list a transition's reason comes from, by
// target state; the same names are the CSV lists the UI labels them from.
var reasonLists = map[EpisodeState]struct {
	codes []string
	noun  string
}{
	EpisodeRejected:    {RejectionReasons, "why the referral was rejected"},
	EpisodeDeferred:    {DeferralReasons, "why the person cannot be seen yet"},
	EpisodeNotScreened: {NotScreenedReasons, "why screening could not be done"},
	EpisodeNotAssessed: {NotAssessedReasons, "why assessment could not be done"},
	EpisodeClosed:      {ClosureReasons, "why the episode is being closed"},
}

// Settings where a person is identified or seen (the settings code list).
const (
	SettingPoliceCustody       = "police_custody"
	SettingVoluntaryAttendance = "voluntary_attendance"
	SettingMagistratesCourt    = "magistrates_court"
	SettingYouthCourt          = "youth_court"
	SettingCrownCourt          = "crown_court"
	SettingProbation           = "probation"
	SettingCommunity           = "community"
	SettingPrison              = "prison"
)

// Settings lists the setting codes.
var Settings = []string{
	SettingPoliceCustody, SettingVoluntaryAttendance, SettingMagistratesCourt, SettingYouthCourt,
	SettingCrownCourt, SettingProbation, SettingCommunity, SettingPrison,
}

// CourtSetting reports whether setting is a court, where the court stage of
// an episode (and its consent to share with the court) applies.
func CourtSetting(setting string) bool {
	return setting == SettingMagistratesCourt || setting == SettingYouthCourt || setting == SettingCrownCourt
}

// Clock-skew allowance: a device clock a little ahead of the server's must
// not make a just-happened event "in the future".
const clockSkew = 5 * time.Minute

// LateAfter is how long after the event an entry counts as late.
const LateAfter = 24 * time.Hour

// TransitionContext carries what the guards of a move need.
type TransitionContext struct {
	// Reason is the code from the target state's reason list, when it needs one.
	Reason string
	// OccurredAt is when the move happened, as staff entered it.
	OccurredAt Time
	// RecordedAt is the system's time of recording ("now").
	RecordedAt Time
	// PreviousOccurredAt is when the previous move happened (zero for the first).
	PreviousOccurredAt Time
	// RetryAt is when to try again, for a deferral.
	RetryAt Time
	// AttendedAt is when the first appointment was attended, for the
	// engagement checks of an onward referral.
	AttendedAt Time
}

// TransitionRule is one allowed move between two states. The tables of rules
// are the only place the pathway's order is decided.
type TransitionRule[S ~string] struct {
	From, To S
	// Guard checks anything beyond the common time and reason checks; nil
	// when there is nothing more.
	Guard func(tc TransitionContext) error
	// RequiresReason says the move needs a reason code.
	RequiresReason bool
	// Label is the action as a button would say it.
	Label string
}

// EpisodeTransitions is every allowed move of an episode. Closure from each
// non-terminal state is added by withClosure, so a new state cannot forget it.
var EpisodeTransitions = withClosure([]TransitionRule[EpisodeState]{
	{From: "", To: EpisodeIdentified, Label: "Identify"},
	{From: EpisodeIdentified, To: EpisodeReceived, Label: "Record the referral as received"},
	{From: EpisodeReceived, To: EpisodeRejected, RequiresReason: true, Label: "Reject the referral"},
	{From: EpisodeReceived, To: EpisodeAccepted, Label: "Accept the referral"},
	{From: EpisodeReceived, To: EpisodeDeferred, RequiresReason: true, Guard: deferGuard, Label: "Defer: try again later"},
	{From: EpisodeAccepted, To: EpisodeScreeningPending, Label: "Add to the screening queue"},
	{From: EpisodeAccepted, To: EpisodeDeferred, RequiresReason: true, Guard: deferGuard, Label: "Defer: try again later"},
	{From: EpisodeScreeningPending, To: EpisodeScreened, Label: "Record screening"},
	{From: EpisodeScreeningPending, To: EpisodeNotScreened, RequiresReason: true, Label: "Record that screening could not be done"},
	{From: EpisodeScreeningPending, To: EpisodeDeferred, RequiresReason: true, Guard: deferGuard, Label: "Defer: try again later"},
	{From: EpisodeDeferred, To: EpisodeDeferred, RequiresReason: true, Guard: deferGuard, Label: "Defer again"},
	{From: EpisodeDeferred, To: EpisodeScreeningPending, Label: "Return to the screening queue"},
	{From: EpisodeDeferred, To: EpisodeScreened, Label: "Record screening"},
	{From: EpisodeDeferred, To: EpisodeNotScreened, RequiresReason: true, Label: "Record that screening could not be done"},
	{From: EpisodeScreened, To: EpisodeAssessmentPending, Label: "Add to the assessment queue"},
	// Screening may find no assessment is needed but short-term support is.
	{From: EpisodeScreened, To: EpisodeSupport, Label: "Start support"},
	{From: EpisodeAssessmentPending, To: EpisodeAssessed, Label: "Record assessment"},
	{From: EpisodeAssessmentPending, To: EpisodeNotAssessed, RequiresReason: true, Label: "Record that assessment could not be done"},
	{From: EpisodeAssessed, To: EpisodeSupport, Label: "Start support"},
})

func withClosure(rules []TransitionRule[EpisodeState]) []TransitionRule[EpisodeState] {
	for _, s := range EpisodeStates {
		st := EpisodeState(s.Code)
		if !st.Terminal() {
			rules = append(rules, TransitionRule[EpisodeState]{From: st, To: EpisodeClosed, RequiresReason: true, Label: "Close the episode"})
		}
	}
	return rules
}

func deferGuard(tc TransitionContext) error {
	if tc.RetryAt.IsZero() {
		return fieldError("retry_at", "Enter when to try again.")
	}
	if !tc.RetryAt.After(tc.OccurredAt.Time) {
		return fieldError("retry_at", "The time to try again must be after the time of the deferral.")
	}
	return nil
}

// NextEpisodeStates returns the moves allowed from s, in table order.
func NextEpisodeStates(s EpisodeState) []TransitionRule[EpisodeState] {
	return nextRules(EpisodeTransitions, s)
}

// CheckTransition says whether an episode may move from one state to
// another: nil, or an EINVALID *Error whose message says why not and what
// to do instead.
func CheckTransition(from, to EpisodeState, tc TransitionContext) error {
	if !to.Valid() {
		return Errorf(EINVALID, "%q is not a state an episode can be in.", to)
	}
	if from != "" && !from.Valid() {
		return Errorf(EINVALID, "%q is not a state an episode can be in.", from)
	}
	if from.Terminal() {
		return Errorf(EINVALID, "An episode that is %s cannot be moved to %s: start a new episode instead.", from.words(), to.words())
	}
	r, ok := findRule(EpisodeTransitions, from, to)
	if !ok {
		if from == "" {
			return Errorf(EINVALID, "A new episode starts as identified, not %s.", to.words())
		}
		var next []string
		for _, n := range NextEpisodeStates(from) {
			next = append(next, n.To.words())
		}
		return Errorf(EINVALID, "An episode that is %s cannot be moved to %s. Next it can be %s.", from.words(), to.words(), orList(next))
	}
	if err := checkTimes(tc); err != nil {
		return err
	}
	if r.RequiresReason {
		rl := reasonLists[to]
		if tc.Reason == "" {
			return fieldError("reason", "Choose "+rl.noun+".")
		}
		if !slices.Contains(rl.codes, tc.Reason) {
			return fieldError("reason", fmt.Sprintf("%q is not one of the reasons to choose from: choose %s.", tc.Reason, rl.noun))
		}
	}
	if r.Guard != nil {
		return r.Guard(tc)
	}
	return nil
}

// checkTimes holds the time rules every move shares: it happened, not in
// the future, and not before the move before it.
func checkTimes(tc TransitionContext) error {
	if tc.OccurredAt.IsZero() {
		return fieldError("occurred_at", "Enter the date and time this happened.")
	}
	if tc.RecordedAt.IsZero() {
		return errors.New("liaise: transition without a recorded time") // a caller's bug, shown as internal
	}
	if tc.OccurredAt.After(tc.RecordedAt.Add(clockSkew)) {
		return fieldError("occurred_at", "The time this happened cannot be in the future.")
	}
	if !tc.PreviousOccurredAt.IsZero() && tc.OccurredAt.Before(tc.PreviousOccurredAt.Time) {
		return fieldError("occurred_at", "The time this happened cannot be before the previous step, at "+
			tc.PreviousOccurredAt.Local().Format("15:04 on 2 January 2006")+".")
	}
	return nil
}

func findRule[S ~string](rules []TransitionRule[S], from, to S) (TransitionRule[S], bool) {
	for _, r := range rules {
		if r.From == from && r.To == to {
			return r, true
		}
	}
	return TransitionRule[S]{}, false
}

func nextRules[S ~string](rules []TransitionRule[S], from S) []TransitionRule[S] {
	var out []TransitionRule[S]
	for _, r := range rules {
		if r.From == from {
			out = append(out, r)
		}
	}
	return out
}

func fieldError(field, msg string) *Error {
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// orList joins words as "a, b or c", dropping repeats.
func orList(words []string) string {
	var seen []string
	for _, w := range words {
		if !slices.Contains(seen, w) {
			seen = append(seen, w)
		}
	}
	switch len(seen) {
	case 0:
		return "nothing"
	case 1:
		return seen[0]
	}
	return strings.Join(seen[:len(seen)-1], ", ") + " or " + seen[len(seen)-1]
}

// Transition is one recorded move of an episode, attributed and timed.
type Transition struct {
	ID        int64        `json:"id,string,omitempty"`
	EpisodeID int64        `json:"episode_id,string,omitempty"`
	From      EpisodeState `json:"from"` // "" for the first, into identified
	To        EpisodeState `json:"to"`
	Reason    string       `json:"reason,omitempty"`
	// OccurredAt is when it happened; clocks use it.
	OccurredAt Time `json:"occurred_at"`
	// RecordedAt is when it was entered.
	RecordedAt Time `json:"recorded_at"`
	// RetryAt is when to try again, for a deferral.
	RetryAt Time  `json:"retry_at,omitzero"`
	UserID  int64 `json:"user_id,string"`
	// EnteredInError is set when the entry that made this move (a screening
	// or an assessment) was marked entered in error: the move stays in the
	// history, flagged, and no longer counts for the clocks.
	EnteredInError bool `json:"entered_in_error,omitempty"`
}

// Late reports whether t was recorded more than a day after it happened,
// so reports can flag entries written up long after the event.
func Late(t Transition) bool { return LateEntry(t.OccurredAt, t.RecordedAt) }

// LateEntry reports whether something recorded at recorded happened more
// than LateAfter before.
func LateEntry(occurred, recorded Time) bool {
	return !occurred.IsZero() && recorded.Sub(occurred.Time) > LateAfter
}

// NotReached is a clock whose start or end stage was never reached. Zero is
// a real reading: both stages recorded in the same minute.
const NotReached time.Duration = -1

// EpisodeClocks are the times between pathway stages, from occurred_at only.
// A clock whose stages were not both reached is NotReached.
type EpisodeClocks struct {
	IdentifiedToReceived time.Duration
	// ReceivedToScreened is the response clock sites set targets against.
	ReceivedToScreened   time.Duration
	IdentifiedToScreened time.Duration
	ScreenedToAssessed   time.Duration
	IdentifiedToAssessed time.Duration
	IdentifiedToClosed   time.Duration
	// Deferred is the total time spent deferred.
	Deferred time.Duration
}

// Clocks derives the pathway clocks of an episode from its transitions, in
// any order. Each stage counts from the first time it was reached, except
// closure, which is final. Moves entered in error do not count.
func Clocks(transitions []Transition) EpisodeClocks {
	ts := slices.DeleteFunc(slices.Clone(transitions), func(t Transition) bool { return t.EnteredInError })
	slices.SortStableFunc(ts, func(a, b Transition) int { return a.OccurredAt.Compare(b.OccurredAt.Time) })
	first := map[EpisodeState]time.Time{}
	var deferredSince time.Time
	var c EpisodeClocks
	for _, t := range ts {
		if _, ok := first[t.To]; !ok {
			first[t.To] = t.OccurredAt.Time
		}
		if t.From == EpisodeDeferred && !deferredSince.IsZero() {
			c.Deferred += t.OccurredAt.Sub(deferredSince)
			deferredSince = time.Time{}
		}
		if t.To == EpisodeDeferred && deferredSince.IsZero() {
			deferredSince = t.OccurredAt.Time
		}
	}
	between := func(a, b EpisodeState) time.Duration {
		ta, okA := first[a]
		tb, okB := first[b]
		if !okA || !okB || tb.Before(ta) {
			return NotReached
		}
		return tb.Sub(ta)
	}
	c.IdentifiedToReceived = between(EpisodeIdentified, EpisodeReceived)
	c.ReceivedToScreened = between(EpisodeReceived, EpisodeScreened)
	c.IdentifiedToScreened = between(EpisodeIdentified, EpisodeScreened)
	c.ScreenedToAssessed = between(EpisodeScreened, EpisodeAssessed)
	c.IdentifiedToAssessed = between(EpisodeIdentified, EpisodeAssessed)
	c.IdentifiedToClosed = between(EpisodeIdentified, EpisodeClosed)
	return c
}

// Age bands for reporting and for the youth rules keyed off age at the event.
const (
	AgeBandUnknown   = "unknown"
	AgeBandUnder10   = "under_10" // below the age of criminal responsibility: a warning
	AgeBand10To15    = "10_15"
	AgeBand16To17    = "16_17"
	AgeBand18To24    = "18_24"
	AgeBand25AndOver = "25_plus"
)

// AgeBand returns the band of an age at the event; a negative age is unknown.
func AgeBand(age int) string {
	switch {
	case age < 0:
		return AgeBandUnknown
	case age < 10:
		return AgeBandUnder10
	case age < 16:
		return AgeBand10To15
	case age < 18:
		return AgeBand16To17
	case age < 25:
		return AgeBand18To24
	}
	return AgeBand25AndOver
}

// TreatAsChild reports whether the youth rules apply at an event: under 18,
// or of unknown age (negative) and appearing under 18 (issue 3 item 17).
func TreatAsChild(age int, appearsUnder18 bool) bool {
	if age < 0 {
		return appearsUnder18
	}
	return age < 18
}
