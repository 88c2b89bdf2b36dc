package seed

import (
	"fmt"
	"time"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Episodes: about 1.5 a person over the years (most people are seen once, a
// few are frequent attenders), each walked along the pathway with plausible
// gaps between the steps. An episode whose steps would run past the end of
// the data stops where it is, so the newest episodes are open in every state
// of the pathway — a few hundred per team at a million people — and the
// rest are closed or rejected.

type pstep struct {
	to     liaise.EpisodeState
	reason string
	at     time.Time
	retry  time.Time
	by     *staff
}

type episode struct {
	id      int64
	p       *person
	prov    *provider
	team    *team
	site    *site
	setting string
	alerted time.Time
	steps   []pstep
	// final is the state the episode is in at the end of the data.
	final liaise.EpisodeState
	// end is when the last step happened; closed is set for terminal states.
	end    time.Time
	closed bool
	// age is the person's age when L&D was alerted (-1 when not known);
	// child applies the youth rules (under 18, or of unknown age and
	// appearing under 18).
	age   int
	child bool

	alloc          *staff
	identifiedBy   *staff
	urgency        string
	referrerRole   string
	agency         int64
	concerns       string
	custodyRecord  string
	courtReference string
	hearing        liaise.Date
	queueAt        time.Time
	outOfHours     bool

	consents []liaise.Consent
	// screenedBy is who screened (and usually did the rest of the work).
	worker *staff

	// moves are the transitions to screened and assessed, which the
	// screening or assessment that made them names (source_type,
	// source_id) and shares its recorded_at with, as the store writes both
	// in one transaction.
	screenedMove, assessedMove move

	// What documents are drafted from (liaise.DocumentSources), with when
	// each came into the record, and the disclosures the disclosures step
	// left to the documents step to issue as documents.
	screening    *liaise.Screening
	assessment   *liaise.Assessment
	profile      *liaise.CommunicationProfile
	profileBy    *staff
	sourcesAt    [3]time.Time // recorded: screening, assessment, profile
	safeguarding []timedLine
	docIssues    []docIssue
}

// move is a transition row in the batch (see gen.set) and when it was
// recorded; row is -1 when there is none.
type move struct {
	row      int
	recorded time.Time
}

// timedLine is a line of text that entered the record at a time.
type timedLine struct {
	text string
	at   time.Time
}

// at returns when the episode first reached s.
func (e *episode) at(s liaise.EpisodeState) (time.Time, bool) {
	for _, st := range e.steps {
		if st.to == s {
			return st.at, true
		}
	}
	return time.Time{}, false
}

// reached reports whether the episode reached s.
func (e *episode) reached(s liaise.EpisodeState) bool {
	_, ok := e.at(s)
	return ok
}

// horizon is the latest time work in the episode can be recorded: a few
// days after closure (letters and notes follow), or the end of the data.
func (e *episode) horizon(g *gen) time.Time {
	if e.closed {
		return g.clamp(e.end.Add(72 * time.Hour))
	}
	return g.until
}

// within returns a time in [from, to], or from when to is earlier.
func (g *gen) within(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(g.dur(0, to.Sub(from)))
}

// Episodes per person: weights for 1, 2, … 8 episodes.
var episodeCounts = []int{680, 180, 70, 32, 16, 10, 6, 6}

// planEpisodes lays out the person's episodes from their first contact.
func (g *gen) planEpisodes(p *person, first *site) {
	p.episodes = p.episodes[:0]
	n := weighted(g, []int{1, 2, 3, 4, 5, 6, 7, 8}, episodeCounts)
	s, at := first, g.alertTime(first, p.firstAt)
	if at.After(g.until) {
		at = p.firstAt // the newest people: everyone has an episode
	}
	for i := 0; i < n; i++ {
		if at.After(g.until) {
			break
		}
		e := g.planEpisode(p, s, at)
		p.episodes = append(p.episodes, e)
		// The next: a court hearing after custody within weeks, or a new
		// arrest months or years later, mostly in the same area.
		next := e.end.Add(24 * time.Hour)
		switch x := g.r.Float64(); {
		case x < 0.12 && e.setting == liaise.SettingPoliceCustody:
			s = g.courtSite(s.team)
			next = next.Add(g.dur(24*time.Hour, 30*24*time.Hour))
		case x < 0.55:
			s = g.pickSite(p.prov, s.team)
			next = next.Add(g.dur(14*24*time.Hour, 240*24*time.Hour))
		case x < 0.9:
			s = g.pickSite(p.prov, nil)
			next = next.Add(g.dur(60*24*time.Hour, 900*24*time.Hour))
		default:
			s = g.pickSite(p.prov, s.team)
			next = next.Add(g.dur(365*24*time.Hour, 1500*24*time.Hour))
		}
		at = g.alertTime(s, next)
	}
}

// courtSite is a court of the provider, preferring team's own.
func (g *gen) courtSite(t *team) *site {
	for _, tt := range append([]*team{t}, t.prov.ldTeams...) {
		var courts []*site
		for _, s := range tt.sites {
			if s.typ == "magistrates_court" || s.typ == "crown_court" {
				courts = append(courts, s)
			}
		}
		if len(courts) > 0 {
			return pick(g, courts)
		}
	}
	return g.pickSite(t.prov, t)
}

// alertTime moves a moment on day to a time the site would alert L&D: any
// hour in custody (most in the afternoon and evening), court sitting hours
// on weekdays, office hours elsewhere.
func (g *gen) alertTime(s *site, day time.Time) time.Time {
	l := day.In(liaise.London)
	base := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, liaise.London)
	switch s.typ {
	case "custody_suite":
		hour := weighted(g, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23},
			[]int{3, 3, 2, 2, 1, 1, 2, 3, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 5, 5, 4, 4})
		return base.Add(time.Duration(hour)*time.Hour + g.dur(0, 59*time.Minute+59*time.Second)).UTC()
	default:
		for wd := base.Weekday(); wd == time.Saturday || wd == time.Sunday; wd = base.Weekday() {
			base = base.AddDate(0, 0, 1)
		}
		return base.Add(8*time.Hour + 30*time.Minute + g.dur(0, 7*time.Hour)).UTC()
	}
}

var (
	concerns = []string{
		"Custody staff report low mood and a recent bereavement.",
		"Appeared confused at booking in; may have a learning disability.",
		"Says they hear voices; previously known to mental health services.",
		"Heavy alcohol use reported; withdrawal risk overnight.",
		"Difficulty following questions at booking in.",
		"Self-harm scars noted at booking in; says they feel safe now.",
		"Recently released from prison; no accommodation tonight.",
		"Disclosed daily heroin use; on a methadone script from the community team.",
		"Very anxious and tearful; first time in custody.",
		"Family report a diagnosis of autism; distressed by the noise on the wing.",
		"",
	}
	custodyRoles = []string{"custody_sergeant", "detention_officer", "custody_healthcare", "police_officer"}
	custodyRoleW = []int{50, 15, 20, 15}
	courtRoles   = []string{"court_legal_adviser", "defence_solicitor", "probation", "magistrate_judge", "cps", "liaison_diversion"}
	courtRoleW   = []int{30, 30, 20, 10, 5, 5}
)

// planEpisode makes an episode at site s alerted at alerted, with its
// pathway cut at the end of the data.
func (g *gen) planEpisode(p *person, s *site, alerted time.Time) *episode {
	t := s.team
	e := &episode{id: g.id(tEpisodes), p: p, prov: t.prov, team: t, site: s, setting: s.setting, alerted: alerted,
		screenedMove: move{row: -1}, assessedMove: move{row: -1}}
	e.age = -1
	if !p.DateOfBirth.IsZero() {
		e.age = liaise.AgeOn(p.DateOfBirth, londonDate(alerted))
	} else if p.DOBUnknown {
		// Quick identify knows only the estimate, which was made at the first episode.
		years := int(alerted.Sub(p.firstAt).Hours() / (24 * 365.25))
		e.age = -1
		e.child = liaise.TreatAsChild(-1, p.EstimatedAge+years < 18)
	}
	if e.age >= 0 {
		e.child = e.age < 18
	}
	e.urgency = weighted(g, []string{sqlstore.UrgencyRoutine, sqlstore.UrgencyUrgent, sqlstore.UrgencyEmergency}, []int{80, 17, 3})
	e.concerns = pick(g, concerns)
	switch s.typ {
	case "custody_suite", "voluntary_attendance":
		e.agency = t.prov.agency["police"]
		e.referrerRole = weighted(g, custodyRoles, custodyRoleW)
		if s.typ == "voluntary_attendance" {
			e.referrerRole = "police_officer"
		}
	case "magistrates_court", "youth_court", "crown_court":
		e.agency = t.prov.agency["court"]
		e.referrerRole = weighted(g, courtRoles, courtRoleW)
	case "probation_office":
		e.agency = t.prov.agency["probation"]
		e.referrerRole = pick(g, []string{"probation", "offender_manager"})
	}
	if e.setting == liaise.SettingPoliceCustody {
		yy := londonDate(alerted).Year % 100
		e.custodyRecord = fmt.Sprintf("%s-%02d-%07d", t.area.force, yy, e.id%10_000_000)
	}
	if liaise.CourtSetting(e.setting) {
		e.courtReference = fmt.Sprintf("%02d%s%07d%02d", 40+int(t.prov.id%50), t.area.force, e.id%10_000_000, londonDate(alerted).Year%100)
		e.hearing = londonDate(alerted)
	}
	q, ooh := sqlstore.QueueTime(s.hours, lt(alerted))
	e.queueAt, e.outOfHours = q.Time, ooh
	e.identifiedBy = pickStaff(g, t.workers, t.seniors, t.staff)
	g.path(e)
	if last := e.steps[len(e.steps)-1]; true {
		e.final, e.end = last.to, last.at
		e.closed = last.to.Terminal()
	}
	return e
}

// path walks the episode along the pathway from identified, cutting it at
// the end of the data.
func (g *gen) path(e *episode) {
	at := e.alerted
	by := e.identifiedBy
	e.steps = e.steps[:0]
	stop := false
	add := func(to liaise.EpisodeState, reason string, gap time.Duration) {
		if stop {
			return
		}
		at = at.Add(gap)
		if at.After(g.until) {
			stop = true
			return
		}
		e.steps = append(e.steps, pstep{to: to, reason: reason, at: at, by: by})
	}
	const min, hour, day = time.Minute, time.Hour, 24 * time.Hour
	add(liaise.EpisodeIdentified, "", 0)
	add(liaise.EpisodeReceived, "", g.dur(2*min, 15*min))
	if g.chance(0.04) {
		add(liaise.EpisodeRejected, pick(g, liaise.RejectionReasons), g.dur(10*min, hour))
		return
	}
	if e.team != nil && g.chance(0.8) {
		e.alloc = pickStaff(g, e.team.workers, e.team.seniors)
	}
	e.worker = e.alloc
	if e.worker == nil {
		e.worker = pickStaff(g, e.team.workers, e.team.seniors, e.team.staff)
	}
	add(liaise.EpisodeAccepted, "", g.dur(5*min, 30*min))
	by = e.worker
	if g.chance(0.05) {
		add(liaise.EpisodeClosed, liaise.CloseReleasedBeforeSeen, g.dur(30*min, 4*hour))
		return
	}
	add(liaise.EpisodeScreeningPending, "", g.dur(min, 10*min))
	for g.chance(0.12) && !stop {
		gap := g.dur(10*min, hour)
		add(liaise.EpisodeDeferred, pick(g, liaise.DeferralReasons), gap)
		if !stop {
			e.steps[len(e.steps)-1].retry = at.Add(g.dur(hour, 4*hour))
			retry := e.steps[len(e.steps)-1].retry
			add(liaise.EpisodeScreeningPending, "", retry.Sub(at)+g.dur(0, 30*min))
		}
	}
	if g.chance(0.14) {
		add(liaise.EpisodeNotScreened, pick(g, liaise.NotScreenedReasons), g.dur(30*min, 4*hour))
		add(liaise.EpisodeClosed, pick(g, []string{liaise.CloseReleasedBeforeSeen, liaise.CloseDeclined, liaise.CloseNoFurtherInput}), g.dur(hour, 2*day))
		return
	}
	add(liaise.EpisodeScreened, "", g.dur(20*min, 3*hour))
	switch x := g.r.Float64(); {
	case x < 0.45:
		add(liaise.EpisodeClosed, pick(g, []string{liaise.CloseNoFurtherInput, liaise.CloseReferredOn, liaise.CloseNoFurtherInput}), g.dur(hour, 2*day))
	case x < 0.8:
		add(liaise.EpisodeAssessmentPending, "", g.dur(10*min, hour))
		if g.chance(0.1) {
			add(liaise.EpisodeNotAssessed, pick(g, liaise.NotAssessedReasons), g.dur(4*hour, 3*day))
			add(liaise.EpisodeClosed, pick(g, []string{liaise.CloseDisengaged, liaise.CloseNoFurtherInput, liaise.CloseMovedOutOfArea}), g.dur(hour, 2*day))
			return
		}
		add(liaise.EpisodeAssessed, "", g.dur(day, 5*day))
		if g.chance(0.45) {
			add(liaise.EpisodeSupport, "", g.dur(day, 4*day))
			add(liaise.EpisodeClosed, pick(g, []string{liaise.CloseSupportCompleted, liaise.CloseSupportCompleted, liaise.CloseDisengaged,
				liaise.CloseMovedOutOfArea, liaise.ClosePersonRequested, liaise.CloseTransferredCustody}), g.dur(5*day, 45*day))
			return
		}
		add(liaise.EpisodeClosed, pick(g, []string{liaise.CloseAssessmentCompleted, liaise.CloseReferredOn, liaise.CloseAdmittedToHospital,
			liaise.CloseAssessmentCompleted}), g.dur(hour, 2*day))
	default:
		add(liaise.EpisodeSupport, "", g.dur(day, 4*day))
		add(liaise.EpisodeClosed, pick(g, []string{liaise.CloseSupportCompleted, liaise.CloseDisengaged, liaise.ClosePersonRequested}),
			g.dur(5*day, 45*day))
	}
}

// --- The episodes step ------------------------------------------------------------------

// writeEpisode writes the episode as quick identify and each transition
// would have: the row in its final state, every transition (checked with
// liaise.CheckTransition), the timeline entry, the audit events, and the
// youth justice liaison task of a child.
func writeEpisode(g *gen, e *episode) {
	p := e.p
	created := g.recorded(e.alerted)
	if e.id == p.episodes[0].id {
		created = p.createdAt
	}
	var prevAt time.Time
	var state liaise.EpisodeState
	updated := created
	for i, st := range e.steps {
		recorded := created
		if i > 0 {
			recorded = g.recorded(st.at)
		}
		if recorded.After(updated) {
			updated = recorded
		}
		if g.check {
			tc := liaise.TransitionContext{Reason: st.reason, OccurredAt: lt(st.at), RecordedAt: lt(recorded), PreviousOccurredAt: lt(prevAt), RetryAt: lt(st.retry)}
			if prevAt.IsZero() {
				tc.PreviousOccurredAt = liaise.Time{}
			}
			g.fail("transition "+string(state)+" to "+string(st.to), liaise.CheckTransition(state, st.to, tc))
		}
		var retry any
		if !st.retry.IsZero() {
			retry = lt(st.retry)
		}
		switch st.to {
		case liaise.EpisodeScreened:
			e.screenedMove = move{row: g.next(tTransitions), recorded: recorded}
		case liaise.EpisodeAssessed:
			e.assessedMove = move{row: g.next(tTransitions), recorded: recorded}
		}
		g.row(tTransitions, g.id(tTransitions), e.id, string(state), string(st.to), st.reason, retry, lt(st.at), lt(recorded), staffID(st.by), "", nil)
		if i == 0 {
			detail := "quick identify"
			if e.outOfHours {
				detail += ", arrived out of hours"
			}
			g.write(st.by, recorded, liaise.AuditCreate, "episode", e.id, e, detail)
			g.personEvent(p.ID, recorded, recorded, st.by, "episode", "Identified at "+e.site.name)
		} else {
			detail := fmt.Sprintf("transition %s to %s", state, st.to)
			switch st.to {
			case liaise.EpisodeScreened:
				detail += " by screening"
			case liaise.EpisodeAssessed:
				detail += " by assessment"
			default:
				detail += lateDetail(st.at, recorded)
			}
			g.write(st.by, recorded, liaise.AuditUpdate, "episode", e.id, e, detail)
		}
		prevAt, state = st.at, st.to
	}
	var agency, hearing, alloc any
	if e.agency != 0 {
		agency = e.agency
	}
	if !e.hearing.IsZero() {
		hearing = e.hearing
	}
	if e.alloc != nil && e.reached(liaise.EpisodeAccepted) {
		alloc = e.alloc.id
	}
	g.row(tEpisodes, e.id, e.prov.id, p.ID, e.team.id, e.site.id, "ld", string(e.final), e.setting, lt(e.alerted),
		agency, e.referrerRole, e.custodyRecord, e.courtReference, e.concerns, e.urgency, hearing, alloc,
		e.outOfHours, lt(e.queueAt), int64(len(e.steps)), lt(created), staffID(e.identifiedBy), lt(updated))
	if g.check {
		g.checkEpisodeCodes(e)
	}
}

// checkEpisodeCodes checks the coded fields of an episode against the code
// lists, as quick identify and the episode form do.
func (g *gen) checkEpisodeCodes(e *episode) {
	on := londonDate(e.alerted)
	if e.referrerRole != "" {
		g.fail("episode referrer role", codes.Check("referrer-roles", e.referrerRole, on))
	}
	if e.setting != "" {
		g.fail("episode setting", codes.Check("settings", e.setting, on))
	}
	if len(e.custodyRecord) > 40 || len(e.courtReference) > 40 || liaise.NormaliseOtherIdentifier(e.custodyRecord) != e.custodyRecord {
		g.fail("episode references", fmt.Errorf("custody record %q or court reference %q", e.custodyRecord, e.courtReference))
	}
}
