package liaise

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// ldn parses a London wall-clock time "2006-01-02 15:04" for tests.
func ldn(s string) Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, London)
	if err != nil {
		panic(err)
	}
	return NewTime(t)
}

// okContext returns a context that satisfies every guard of a move to "to".
func okContext(to EpisodeState) TransitionContext {
	tc := TransitionContext{
		OccurredAt:         ldn("2026-03-10 10:00"),
		RecordedAt:         ldn("2026-03-10 10:05"),
		PreviousOccurredAt: ldn("2026-03-10 09:00"),
	}
	if rl, ok := reasonLists[to]; ok {
		tc.Reason = rl.codes[0]
	}
	if to == EpisodeDeferred {
		tc.RetryAt = ldn("2026-03-10 12:00")
	}
	return tc
}

// allowedEpisodeMoves is the pathway as domain.md §9.3 and issue 3 item 5
// describe it, written out independently of the table so a dropped or added
// row is noticed.
var allowedEpisodeMoves = map[[2]EpisodeState]bool{
	{"", EpisodeIdentified}:                        false,
	{EpisodeIdentified, EpisodeReceived}:           false,
	{EpisodeReceived, EpisodeRejected}:             true,
	{EpisodeReceived, EpisodeAccepted}:             false,
	{EpisodeReceived, EpisodeDeferred}:             true,
	{EpisodeAccepted, EpisodeScreeningPending}:     false,
	{EpisodeAccepted, EpisodeDeferred}:             true,
	{EpisodeScreeningPending, EpisodeScreened}:     false,
	{EpisodeScreeningPending, EpisodeNotScreened}:  true,
	{EpisodeScreeningPending, EpisodeDeferred}:     true,
	{EpisodeDeferred, EpisodeDeferred}:             true,
	{EpisodeDeferred, EpisodeScreeningPending}:     false,
	{EpisodeDeferred, EpisodeScreened}:             false,
	{EpisodeDeferred, EpisodeNotScreened}:          true,
	{EpisodeScreened, EpisodeAssessmentPending}:    false,
	{EpisodeScreened, EpisodeSupport}:              false,
	{EpisodeAssessmentPending, EpisodeAssessed}:    false,
	{EpisodeAssessmentPending, EpisodeNotAssessed}: true,
	{EpisodeAssessed, EpisodeSupport}:              false,
	{EpisodeIdentified, EpisodeClosed}:             true,
	{EpisodeReceived, EpisodeClosed}:               true,
	{EpisodeAccepted, EpisodeClosed}:               true,
	{EpisodeScreeningPending, EpisodeClosed}:       true,
	{EpisodeDeferred, EpisodeClosed}:               true,
	{EpisodeScreened, EpisodeClosed}:               true,
	{EpisodeNotScreened, EpisodeClosed}:            true,
	{EpisodeAssessmentPending, EpisodeClosed}:      true,
	{EpisodeAssessed, EpisodeClosed}:               true,
	{EpisodeNotAssessed, EpisodeClosed}:            true,
	{EpisodeSupport, EpisodeClosed}:                true,
}

func TestEpisodeTransitionTable(t *testing.T) {
	seen := map[[2]EpisodeState]bool{}
	for _, r := range EpisodeTransitions {
		k := [2]EpisodeState{r.From, r.To}
		if seen[k] {
			t.Errorf("%s → %s is in the table twice", r.From, r.To)
		}
		seen[k] = true
		needsReason, ok := allowedEpisodeMoves[k]
		if !ok {
			t.Errorf("%s → %s is allowed but not expected", r.From, r.To)
			continue
		}
		if r.RequiresReason != needsReason {
			t.Errorf("%s → %s RequiresReason = %v, want %v", r.From, r.To, r.RequiresReason, needsReason)
		}
		if r.Label == "" {
			t.Errorf("%s → %s has no label", r.From, r.To)
		}
		if r.RequiresReason {
			if _, ok := reasonLists[r.To]; !ok {
				t.Errorf("%s → %s needs a reason but %s has no reason list", r.From, r.To, r.To)
			}
		}
	}
	for k := range allowedEpisodeMoves {
		if !seen[k] {
			t.Errorf("%s → %s is expected but missing from the table", k[0], k[1])
		}
	}
}

// TestEveryEpisodeMove runs CheckTransition over every pair of states: the
// allowed ones pass with a good context, every other one is refused.
func TestEveryEpisodeMove(t *testing.T) {
	states := []EpisodeState{""}
	for _, s := range EpisodeStates {
		states = append(states, EpisodeState(s.Code))
	}
	for _, from := range states {
		for _, to := range states[1:] {
			err := CheckTransition(from, to, okContext(to))
			_, allowed := allowedEpisodeMoves[[2]EpisodeState{from, to}]
			switch {
			case allowed && err != nil:
				t.Errorf("%q → %s refused: %v", from, to, err)
			case !allowed && ErrorCode(err) != EINVALID:
				t.Errorf("%q → %s = %v, want refused as invalid", from, to, err)
			}
		}
	}
}

func TestRefusedEpisodeMoves(t *testing.T) {
	tests := []struct {
		from, to EpisodeState
		want     string
	}{
		{EpisodeClosed, EpisodeScreened, "An episode that is closed cannot be moved to screened: start a new episode instead."},
		{EpisodeRejected, EpisodeAccepted, "An episode that is rejected cannot be moved to accepted: start a new episode instead."},
		{EpisodeClosed, EpisodeClosed, "start a new episode instead"},
		{EpisodeIdentified, EpisodeScreened, "An episode that is identified cannot be moved to screened. Next it can be received or closed."},
		{EpisodeScreeningPending, EpisodeAssessed, "Next it can be screened, not screened, deferred or closed."},
		{EpisodeAccepted, EpisodeScreened, "cannot be moved to screened"},
		{EpisodeScreened, EpisodeAssessed, "An episode that is screened cannot be moved to assessed."},
		{EpisodeNotScreened, EpisodeScreened, "Next it can be closed."},
		{EpisodeAssessed, EpisodeScreened, "cannot be moved to screened"},
		{EpisodeSupport, EpisodeAssessed, "An episode that is receiving support cannot be moved to assessed."},
		{EpisodeIdentified, EpisodeRejected, "cannot be moved to rejected"},
		{EpisodeNotAssessed, EpisodeAssessmentPending, "cannot be moved to waiting for assessment"},
		{EpisodeSupport, EpisodeDeferred, "cannot be moved to deferred"},
		{"", EpisodeReceived, "A new episode starts as identified, not received."},
		{EpisodeReceived, "moon", `"moon" is not a state`},
		{"moon", EpisodeClosed, `"moon" is not a state`},
	}
	for _, tt := range tests {
		err := CheckTransition(tt.from, tt.to, okContext(tt.to))
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.want) {
			t.Errorf("%q → %q = %v, want invalid containing %q", tt.from, tt.to, err, tt.want)
		}
	}
}

func TestTerminalStates(t *testing.T) {
	for _, s := range EpisodeStates {
		st := EpisodeState(s.Code)
		next := NextEpisodeStates(st)
		if st.Terminal() {
			if len(next) != 0 {
				t.Errorf("terminal %s has moves %v", st, next)
			}
			continue
		}
		if !slices.ContainsFunc(next, func(r TransitionRule[EpisodeState]) bool { return r.To == EpisodeClosed }) {
			t.Errorf("%s cannot be closed", st)
		}
	}
	if !EpisodeClosed.Terminal() || !EpisodeRejected.Terminal() || EpisodeSupport.Terminal() || EpisodeNotScreened.Terminal() {
		t.Error("terminal states wrong")
	}
}

func TestEpisodeGuards(t *testing.T) {
	base := okContext(EpisodeScreened)
	with := func(f func(*TransitionContext)) TransitionContext { tc := base; f(&tc); return tc }
	tests := []struct {
		name     string
		from, to EpisodeState
		tc       TransitionContext
		field    string // "" means allowed
	}{
		{"good", EpisodeScreeningPending, EpisodeScreened, base, ""},
		{"no occurred_at", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.OccurredAt = Time{} }), "occurred_at"},
		{"within clock skew", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.OccurredAt = NewTime(tc.RecordedAt.Add(4 * time.Minute)) }), ""},
		{"exactly the skew", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.OccurredAt = NewTime(tc.RecordedAt.Add(5 * time.Minute)) }), ""},
		{"future", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.OccurredAt = NewTime(tc.RecordedAt.Add(6 * time.Minute)) }), "occurred_at"},
		{"before previous", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.PreviousOccurredAt = ldn("2026-03-10 10:01") }), "occurred_at"},
		{"same as previous", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.PreviousOccurredAt = tc.OccurredAt }), ""},
		{"first move", "", EpisodeIdentified, with(func(tc *TransitionContext) { tc.PreviousOccurredAt = Time{} }), ""},
		{"written up a week late", EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.RecordedAt = NewTime(tc.OccurredAt.AddDate(0, 0, 7)) }), ""},
		{"no reason", EpisodeScreeningPending, EpisodeNotScreened, base, "reason"},
		{"unknown reason", EpisodeScreeningPending, EpisodeNotScreened, with(func(tc *TransitionContext) { tc.Reason = "bored" }), "reason"},
		{"not screened released", EpisodeScreeningPending, EpisodeNotScreened, with(func(tc *TransitionContext) { tc.Reason = NotScreenedReleasedBeforeSeen }), ""},
		{"closure reason from another list", EpisodeSupport, EpisodeClosed, with(func(tc *TransitionContext) { tc.Reason = RejectDuplicate }), "reason"},
		{"closure", EpisodeSupport, EpisodeClosed, with(func(tc *TransitionContext) { tc.Reason = CloseSupportCompleted }), ""},
		{"rejection", EpisodeReceived, EpisodeRejected, with(func(tc *TransitionContext) { tc.Reason = RejectIneligible }), ""},
		{"not assessed", EpisodeAssessmentPending, EpisodeNotAssessed, with(func(tc *TransitionContext) { tc.Reason = NotAssessedDeclined }), ""},
		{"deferral without retry", EpisodeScreeningPending, EpisodeDeferred, with(func(tc *TransitionContext) { tc.Reason = DeferIntoxicated }), "retry_at"},
		{"deferral retry now", EpisodeScreeningPending, EpisodeDeferred, with(func(tc *TransitionContext) { tc.Reason = DeferIntoxicated; tc.RetryAt = tc.OccurredAt }), "retry_at"},
		{"deferral retry before", EpisodeScreeningPending, EpisodeDeferred, with(func(tc *TransitionContext) { tc.Reason = DeferAsleep; tc.RetryAt = ldn("2026-03-10 09:30") }), "retry_at"},
		{"deferral", EpisodeScreeningPending, EpisodeDeferred, with(func(tc *TransitionContext) { tc.Reason = DeferInInterview; tc.RetryAt = ldn("2026-03-10 11:00") }), ""},
		{"deferral without reason", EpisodeAccepted, EpisodeDeferred, with(func(tc *TransitionContext) { tc.RetryAt = ldn("2026-03-10 11:00") }), "reason"},
	}
	for _, tt := range tests {
		err := CheckTransition(tt.from, tt.to, tt.tc)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || ErrorFields(err)[tt.field] == "" {
			t.Errorf("%s: %v, want invalid on %s", tt.name, err, tt.field)
		}
	}
	err := CheckTransition(EpisodeScreeningPending, EpisodeScreened, with(func(tc *TransitionContext) { tc.PreviousOccurredAt = ldn("2026-07-10 10:01") }))
	if want := "before the previous step, at 10:01 on 10 July 2026."; !strings.Contains(ErrorMessage(err), want) {
		t.Errorf("message %q lacks %q (shown in London time)", ErrorMessage(err), want)
	}
}

func TestLate(t *testing.T) {
	occurred := ldn("2026-03-10 10:00")
	tests := []struct {
		recorded time.Duration
		late     bool
	}{
		{0, false},
		{23 * time.Hour, false},
		{24 * time.Hour, false},
		{24*time.Hour + time.Microsecond, true},
		{72 * time.Hour, true},
	}
	for _, tt := range tests {
		tr := Transition{OccurredAt: occurred, RecordedAt: NewTime(occurred.Add(tt.recorded))}
		if got := Late(tr); got != tt.late {
			t.Errorf("recorded %v after: Late = %v, want %v", tt.recorded, got, tt.late)
		}
	}
}

func TestClocksUseOccurredAt(t *testing.T) {
	// Written up the next morning after a night shift: recorded_at is hours
	// later and in a different order, occurred_at is what counts.
	next := ldn("2026-03-11 08:00")
	tr := func(from, to EpisodeState, occurred string, recordedLater time.Duration) Transition {
		return Transition{From: from, To: to, OccurredAt: ldn(occurred), RecordedAt: NewTime(next.Add(recordedLater))}
	}
	ts := []Transition{
		tr(EpisodeAssessmentPending, EpisodeAssessed, "2026-03-10 23:30", 0),
		tr("", EpisodeIdentified, "2026-03-10 20:00", 5*time.Minute),
		tr(EpisodeIdentified, EpisodeReceived, "2026-03-10 20:10", 4*time.Minute),
		tr(EpisodeReceived, EpisodeAccepted, "2026-03-10 20:15", 3*time.Minute),
		tr(EpisodeAccepted, EpisodeScreeningPending, "2026-03-10 20:15", 2*time.Minute),
		tr(EpisodeScreeningPending, EpisodeDeferred, "2026-03-10 20:30", time.Minute),
		tr(EpisodeDeferred, EpisodeScreened, "2026-03-10 22:00", 0),
		tr(EpisodeScreened, EpisodeAssessmentPending, "2026-03-10 22:15", 0),
	}
	c := Clocks(ts)
	want := EpisodeClocks{
		IdentifiedToReceived: 10 * time.Minute,
		ReceivedToScreened:   110 * time.Minute,
		IdentifiedToScreened: 2 * time.Hour,
		ScreenedToAssessed:   90 * time.Minute,
		IdentifiedToAssessed: 210 * time.Minute,
		IdentifiedToClosed:   NotReached,
		Deferred:             90 * time.Minute,
	}
	if c != want {
		t.Errorf("Clocks = %+v\nwant %+v", c, want)
	}
	closed := append(ts, tr(EpisodeAssessed, EpisodeClosed, "2026-03-12 20:00", 0))
	if got := Clocks(closed).IdentifiedToClosed; got != 48*time.Hour {
		t.Errorf("IdentifiedToClosed = %v, want 48h", got)
	}
	none := EpisodeClocks{NotReached, NotReached, NotReached, NotReached, NotReached, NotReached, 0}
	if c := Clocks(nil); c != none {
		t.Errorf("no transitions: %+v, want every clock not reached", c)
	}
	// Two stages in the same minute give a real zero, not "not reached".
	quick := []Transition{tr("", EpisodeIdentified, "2026-03-10 20:00", 0), tr(EpisodeIdentified, EpisodeReceived, "2026-03-10 20:00", 0)}
	if c := Clocks(quick); c.IdentifiedToReceived != 0 || c.ReceivedToScreened != NotReached {
		t.Errorf("same minute: %+v", c)
	}
	// A screening entered in error takes its move out of the clocks; the
	// screen that replaces it counts from its own time.
	wrong := slices.Clone(ts)
	wrong[6].EnteredInError = true
	if c := Clocks(wrong); c.ReceivedToScreened != NotReached || c.ScreenedToAssessed != NotReached || c.IdentifiedToAssessed != 210*time.Minute {
		t.Errorf("with the screening in error: %+v", c)
	}
	redone := append(wrong, tr(EpisodeDeferred, EpisodeScreened, "2026-03-10 22:30", time.Hour))
	if c := Clocks(redone); c.ReceivedToScreened != 140*time.Minute || c.ScreenedToAssessed != time.Hour {
		t.Errorf("with the replacing screening: %+v", c)
	}
}

func TestAgeBandsAndChildren(t *testing.T) {
	for age, want := range map[int]string{-1: AgeBandUnknown, 0: AgeBandUnder10, 9: AgeBandUnder10, 10: AgeBand10To15,
		15: AgeBand10To15, 16: AgeBand16To17, 17: AgeBand16To17, 18: AgeBand18To24, 24: AgeBand18To24, 25: AgeBand25AndOver} {
		if got := AgeBand(age); got != want {
			t.Errorf("AgeBand(%d) = %s, want %s", age, got, want)
		}
	}
	tests := []struct {
		age    int
		appear bool
		child  bool
	}{{17, false, true}, {18, true, false}, {-1, true, true}, {-1, false, false}, {12, false, true}}
	for _, tt := range tests {
		if got := TreatAsChild(tt.age, tt.appear); got != tt.child {
			t.Errorf("TreatAsChild(%d, %v) = %v", tt.age, tt.appear, got)
		}
	}
}

func TestStateLabels(t *testing.T) {
	for _, s := range EpisodeStates {
		if s.Label == "" || s.Label == s.Code {
			t.Errorf("state %s has no label", s.Code)
		}
	}
	if got := fmt.Sprint(EpisodeScreeningPending.Label()); got != "Waiting for screening" {
		t.Errorf("label %q", got)
	}
	if !CourtSetting(SettingYouthCourt) || CourtSetting(SettingPoliceCustody) {
		t.Error("CourtSetting wrong")
	}
}
