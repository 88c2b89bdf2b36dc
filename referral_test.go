// The external test package may import internal/codes (which imports
// liaise), so the Go constants can be checked against the shipped lists.
package liaise_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/codes"
)

func lt(s string) liaise.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, liaise.London)
	if err != nil {
		panic(err)
	}
	return liaise.NewTime(t)
}

var allowedReferralMoves = map[[2]liaise.ReferralState]bool{
	{"", liaise.ReferralPlanned}:                                         false,
	{"", liaise.ReferralSent}:                                            false,
	{liaise.ReferralPlanned, liaise.ReferralSent}:                        false,
	{liaise.ReferralSent, liaise.ReferralAcknowledged}:                   false,
	{liaise.ReferralSent, liaise.ReferralDeclined}:                       true,
	{liaise.ReferralSent, liaise.ReferralFirstAppointmentBooked}:         false,
	{liaise.ReferralAcknowledged, liaise.ReferralDeclined}:               true,
	{liaise.ReferralAcknowledged, liaise.ReferralFirstAppointmentBooked}: false,
	{liaise.ReferralFirstAppointmentBooked, liaise.ReferralAttended}:     false,
	{liaise.ReferralFirstAppointmentBooked, liaise.ReferralDidNotAttend}: false,
	{liaise.ReferralDidNotAttend, liaise.ReferralFirstAppointmentBooked}: false,
	{liaise.ReferralAttended, liaise.ReferralEngaged4Weeks}:              false,
	{liaise.ReferralAttended, liaise.ReferralDisengaged}:                 false,
	{liaise.ReferralEngaged4Weeks, liaise.ReferralEngaged12Weeks}:        false,
	{liaise.ReferralEngaged4Weeks, liaise.ReferralDisengaged}:            false,
}

func goodReferralContext() liaise.TransitionContext {
	return liaise.TransitionContext{
		Reason:             "no capacity",
		OccurredAt:         lt("2026-06-10 10:00"),
		RecordedAt:         lt("2026-06-10 10:00"),
		PreviousOccurredAt: lt("2026-06-01 10:00"),
	}
}

func TestEveryReferralMove(t *testing.T) {
	seen := map[[2]liaise.ReferralState]bool{}
	for _, r := range liaise.ReferralTransitions {
		k := [2]liaise.ReferralState{r.From, r.To}
		needsReason, ok := allowedReferralMoves[k]
		if !ok || seen[k] || r.RequiresReason != needsReason || r.Label == "" {
			t.Errorf("table row %s → %s: expected %v, duplicate %v, reason %v", r.From, r.To, ok, seen[k], r.RequiresReason)
		}
		seen[k] = true
	}
	for k := range allowedReferralMoves {
		if !seen[k] {
			t.Errorf("%s → %s missing from the table", k[0], k[1])
		}
	}
	states := []liaise.ReferralState{""}
	for _, s := range liaise.ReferralStates {
		states = append(states, liaise.ReferralState(s.Code))
	}
	for _, from := range states {
		for _, to := range states[1:] {
			err := liaise.CheckReferralTransition(from, to, goodReferralContext())
			_, allowed := allowedReferralMoves[[2]liaise.ReferralState{from, to}]
			if allowed && err != nil {
				t.Errorf("%q → %s refused: %v", from, to, err)
			}
			if !allowed && liaise.ErrorCode(err) != liaise.EINVALID {
				t.Errorf("%q → %s = %v, want refused", from, to, err)
			}
		}
		if from.Terminal() && len(liaise.NextReferralStates(from)) != 0 {
			t.Errorf("terminal %s has moves", from)
		}
	}
}

func TestReferralGuards(t *testing.T) {
	attended := lt("2026-06-01 10:00")
	tests := []struct {
		name     string
		from, to liaise.ReferralState
		tc       liaise.TransitionContext
		want     string // "" means allowed
	}{
		{"declined without a reason", liaise.ReferralSent, liaise.ReferralDeclined,
			liaise.TransitionContext{OccurredAt: lt("2026-06-02 10:00"), RecordedAt: lt("2026-06-02 10:00")}, "Record why the service declined"},
		{"engaged at 4 weeks too soon", liaise.ReferralAttended, liaise.ReferralEngaged4Weeks,
			liaise.TransitionContext{OccurredAt: lt("2026-06-28 10:00"), RecordedAt: lt("2026-06-28 10:00"), AttendedAt: attended},
			"Engagement at 4 weeks can be recorded only from 29 June 2026"},
		{"engaged at 4 weeks", liaise.ReferralAttended, liaise.ReferralEngaged4Weeks,
			liaise.TransitionContext{OccurredAt: lt("2026-06-29 10:00"), RecordedAt: lt("2026-06-29 10:00"), AttendedAt: attended}, ""},
		{"engaged at 12 weeks too soon", liaise.ReferralEngaged4Weeks, liaise.ReferralEngaged12Weeks,
			liaise.TransitionContext{OccurredAt: lt("2026-08-01 10:00"), RecordedAt: lt("2026-08-01 10:00"), AttendedAt: attended}, "12 weeks"},
		{"engaged at 12 weeks", liaise.ReferralEngaged4Weeks, liaise.ReferralEngaged12Weeks,
			liaise.TransitionContext{OccurredAt: lt("2026-08-24 10:00"), RecordedAt: lt("2026-08-24 10:00"), AttendedAt: attended}, ""},
		{"future", liaise.ReferralPlanned, liaise.ReferralSent,
			liaise.TransitionContext{OccurredAt: lt("2026-06-02 10:06"), RecordedAt: lt("2026-06-02 10:00")}, "cannot be in the future"},
		{"before the previous step", liaise.ReferralPlanned, liaise.ReferralSent,
			liaise.TransitionContext{OccurredAt: lt("2026-06-02 10:00"), RecordedAt: lt("2026-06-02 10:00"), PreviousOccurredAt: lt("2026-06-02 11:00")}, "before the previous step"},
		{"after disengagement", liaise.ReferralDisengaged, liaise.ReferralEngaged12Weeks, goodReferralContext(),
			"An onward referral that is disengaged cannot be moved to engaged at 12 weeks: make a new referral instead."},
		{"skipping the appointment", liaise.ReferralSent, liaise.ReferralAttended, goodReferralContext(),
			"An onward referral that is sent cannot be moved to attended first appointment. Next it can be acknowledged, declined by the service or first appointment booked."},
	}
	for _, tt := range tests {
		err := liaise.CheckReferralTransition(tt.from, tt.to, tt.tc)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if liaise.ErrorCode(err) != liaise.EINVALID || !strings.Contains(liaise.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v, want invalid containing %q", tt.name, err, tt.want)
		}
	}
}

func TestReferralRecommendationOutcomeValidation(t *testing.T) {
	ref := liaise.OnwardReferral{Need: "substance_drugs", Service: "Turning Point", Method: "warm_handover",
		State: liaise.ReferralPlanned, SupportedToFirstAppointment: true}
	if err := liaise.ValidateReferral(ref); err != nil {
		t.Error(err)
	}
	ref.Method = "pigeon"
	if liaise.ErrorFields(liaise.ValidateReferral(ref))["method"] == "" {
		t.Error("unknown method accepted")
	}

	recs := []struct {
		r     liaise.Recommendation
		field string
	}{
		{liaise.Recommendation{Type: liaise.RecommendAppropriateAdult, Followed: liaise.FollowedYes}, ""},
		{liaise.Recommendation{Type: liaise.RecommendOther, Followed: liaise.FollowedUnknown}, "detail"},
		{liaise.Recommendation{Type: liaise.RecommendOther, Detail: "Referral to women's centre", Followed: liaise.FollowedNo}, ""},
		{liaise.Recommendation{Type: "lock_them_up", Followed: liaise.FollowedNo}, "type"},
		{liaise.Recommendation{Type: liaise.RecommendCSTRMHTR}, "followed"},
	}
	for _, tt := range recs {
		err := liaise.ValidateRecommendation(tt.r)
		if (tt.field == "" && err != nil) || (tt.field != "" && liaise.ErrorFields(err)[tt.field] == "") {
			t.Errorf("%+v: %v, want field %q", tt.r, err, tt.field)
		}
	}

	day := lt("2026-06-10 10:00")
	outs := []struct {
		o     liaise.JusticeOutcome
		field string
	}{
		{liaise.JusticeOutcome{Stage: liaise.StageCustody, Outcome: liaise.CustodyDiversionaryCaution, OccurredAt: day}, ""},
		{liaise.JusticeOutcome{Stage: liaise.StageCustody, Outcome: liaise.CourtFine, OccurredAt: day}, "outcome"},
		{liaise.JusticeOutcome{Stage: liaise.StageCourt, Outcome: liaise.CourtCommunityOrder, Requirements: []string{liaise.RequirementMHTR, liaise.RequirementATR}, OccurredAt: day}, ""},
		{liaise.JusticeOutcome{Stage: liaise.StageCourt, Outcome: liaise.CourtSuspendedSentence, Requirements: []string{liaise.RequirementDRR}, OccurredAt: day}, ""},
		{liaise.JusticeOutcome{Stage: liaise.StageCourt, Outcome: liaise.CourtCommunityOrder, Requirements: []string{liaise.RequirementMHTR, liaise.RequirementMHTR}, OccurredAt: day}, "requirements"},
		{liaise.JusticeOutcome{Stage: liaise.StageCourt, Outcome: liaise.CourtFine, Requirements: []string{liaise.RequirementDRR}, OccurredAt: day}, "requirements"},
		{liaise.JusticeOutcome{Stage: liaise.StageCourt, Outcome: liaise.CourtCommunityOrder, Requirements: []string{"curfew"}, OccurredAt: day}, "requirements"},
		{liaise.JusticeOutcome{Stage: "appeal", Outcome: liaise.CourtFine, OccurredAt: day}, "stage"},
		{liaise.JusticeOutcome{Stage: liaise.StageCourt, Outcome: liaise.CourtHospitalOrder}, "occurred_at"},
	}
	for _, tt := range outs {
		err := liaise.ValidateJusticeOutcome(tt.o)
		if (tt.field == "" && err != nil) || (tt.field != "" && liaise.ErrorFields(err)[tt.field] == "") {
			t.Errorf("%+v: %v, want field %q", tt.o, err, tt.field)
		}
	}
	if !liaise.Diversion(liaise.CustodyCommunityCaution) || liaise.Diversion(liaise.CustodyCharge) || liaise.Diversion(liaise.CourtCommunityOrder) {
		t.Error("Diversion wrong")
	}
}

// TestGoCodesMatchLists keeps the Go constants and the shipped code lists
// in step both ways: every constant is a code in its list, and every code
// in the list is one the rules accept.
func TestGoCodesMatchLists(t *testing.T) {
	pairs := map[string][]string{
		"rejection-reasons-local":      liaise.RejectionReasons,
		"deferral-reasons":             liaise.DeferralReasons,
		"not-screened-reasons":         liaise.NotScreenedReasons,
		"not-assessed-reasons":         liaise.NotAssessedReasons,
		"closure-reasons-local":        liaise.ClosureReasons,
		"consent-scopes":               liaise.ConsentScopes,
		"disclosure-purposes":          liaise.DisclosurePurposes,
		"disclosure-legal-bases":       liaise.LegalBases,
		"recommendation-types":         liaise.RecommendationTypes,
		"custody-outcomes":             liaise.CustodyOutcomes,
		"court-outcomes":               liaise.CourtOutcomes,
		"community-order-requirements": liaise.OrderRequirements,
		"settings":                     liaise.Settings,
	}
	today := liaise.DateOf(time.Now())
	for list, goCodes := range pairs {
		cs, err := codes.List(list)
		if err != nil {
			t.Errorf("%s: %v", list, err)
			continue
		}
		var listed []string
		for _, c := range cs {
			if c.ValidOn(today) {
				listed = append(listed, c.Code)
			}
		}
		for _, g := range goCodes {
			if !slices.Contains(listed, g) {
				t.Errorf("Go code %q is not a current code in %s", g, list)
			}
		}
		for _, l := range listed {
			if !slices.Contains(goCodes, l) {
				t.Errorf("%s code %q is unknown to the Go rules", list, l)
			}
		}
	}
}

// TestLocalReasonsMapToMHSDS checks every local closure and rejection reason
// maps to a current national code.
func TestLocalReasonsMapToMHSDS(t *testing.T) {
	today := liaise.DateOf(time.Now())
	for local, national := range map[string]string{
		"closure-reasons-local":   "referral-closure-reason",
		"rejection-reasons-local": "referral-rejection-reason",
	} {
		cs, err := codes.List(local)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if _, ok := codes.Lookup(national, c.Extra["mhsds"], today); !ok {
				t.Errorf("%s %s maps to %q, not a code in %s", local, c.Code, c.Extra["mhsds"], national)
			}
		}
	}
	want := map[string]string{"duplicate": "01", "alternative_service": "02", "incomplete": "03", "ineligible": "02"}
	for code, mhsds := range want {
		if c, _ := codes.Lookup("rejection-reasons-local", code, today); c.Extra["mhsds"] != mhsds {
			t.Errorf("rejection reason %s maps to %q, want %s", code, c.Extra["mhsds"], mhsds)
		}
	}
	for code, mhsds := range map[string]string{"admitted_to_hospital": "01", "died": "06", "referred_on": "08", "declined": "09"} {
		if c, _ := codes.Lookup("closure-reasons-local", code, today); c.Extra["mhsds"] != mhsds {
			t.Errorf("closure reason %s maps to %q, want %s", code, c.Extra["mhsds"], mhsds)
		}
	}
}
