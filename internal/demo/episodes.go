package demo

import (
	"math/rand/v2"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// The demo episodes: most demo people have one (some an earlier closed one
// as well), in every state of the pathway, so the caseloads and boards have
// something real to show. Times are offsets from the load's clock, so the
// boards always look like a live shift: people at Preston custody waiting
// now, deferred retries due in the next hours, overnight arrivals at Preston
// Magistrates' Court waiting for the morning queue, and today's court list.

// Board site names used for the live-shift episodes.
const (
	PrestonCustody = "Preston Police Custody Suite"
	PrestonMags    = "Preston Magistrates' Court"
)

// Board counts: how many live-shift episodes the demo puts on the Preston boards.
const (
	BoardWaiting    = 15
	BoardDeferred   = 3
	BoardOvernight  = 3
	BoardHearing    = 4
	CaseloadPriyaTo = 20 // episodes allocated to the demo practitioner
)

type teamInfo struct {
	provider string
	sites    []string
	members  []string
}

// ldTeams returns the L&D teams of the demo organisation with their sites
// and the demo accounts in them, by team name.
func ldTeams() map[string]*teamInfo {
	out := map[string]*teamInfo{}
	for _, p := range Organisation("").Providers {
		ld := map[string]bool{}
		for _, s := range p.Services {
			if s.Type == liaise.ServiceLD {
				ld[s.Name] = true
			}
		}
		for _, t := range p.Teams {
			if ld[t.Service] {
				out[t.Name] = &teamInfo{provider: p.Name}
			}
		}
		for _, s := range p.Sites {
			if t := out[s.Team]; t != nil {
				t.sites = append(t.sites, s.Name)
			}
		}
	}
	for _, a := range Accounts() {
		if a.Role != "practitioner" && a.Role != "senior_practitioner" && a.Role != "team_manager" && a.Role != "str_worker" {
			continue
		}
		for _, tn := range a.Teams {
			if t := out[tn]; t != nil {
				t.members = append(t.members, a.Username)
			}
		}
	}
	return out
}

type episodeGen struct {
	r     *rand.Rand
	teams map[string]*teamInfo
	priya int
}

func (g *episodeGen) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)+1))
}
func (g *episodeGen) chance(p float64) bool { return g.r.Float64() < p }
func pickOf[T any](g *episodeGen, s []T) T  { return s[g.r.IntN(len(s))] }

// Episodes returns the demo episodes, the same every time.
func Episodes() []sqlstore.EpisodeSeed {
	g := &episodeGen{r: rand.New(rand.NewPCG(2026, 3)), teams: ldTeams()}
	north, south := People()
	var out []sqlstore.EpisodeSeed
	// Preston people first take the live-shift episodes of the boards.
	var preston []int
	for i, p := range north {
		if p.Team == TeamPreston {
			preston = append(preston, i)
		}
	}
	board := map[int]bool{}
	next := 0
	take := func() int { i := preston[next]; next++; board[i] = true; return i }
	waiting := []liaise.EpisodeState{liaise.EpisodeIdentified, liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending}
	for k := range BoardWaiting {
		ago := g.between(10*time.Minute, 7*time.Hour+50*time.Minute)
		s := g.episode(NorthProvider, take(), PrestonCustody, waiting[k%len(waiting)], ago)
		if k%3 == 0 && s.Steps[len(s.Steps)-1].To == liaise.EpisodeScreeningPending {
			s.Allocated = "practitioner"
			g.priya++
		}
		out = append(out, s)
	}
	deferReasons := []string{liaise.DeferIntoxicated, liaise.DeferAsleep, liaise.DeferInInterview}
	for k := range BoardDeferred {
		ago := g.between(time.Hour, 3*time.Hour)
		s := g.episode(NorthProvider, take(), PrestonCustody, liaise.EpisodeAccepted, ago)
		last := s.Steps[len(s.Steps)-1].At
		at := last + g.between(5*time.Minute, 20*time.Minute)
		s.Steps = append(s.Steps, sqlstore.StepSeed{To: liaise.EpisodeDeferred, Reason: deferReasons[k], At: at,
			Retry: ago + g.between(time.Hour, 4*time.Hour)})
		out = append(out, s)
	}
	for k := range BoardOvernight {
		s := g.episode(NorthProvider, take(), PrestonMags, []liaise.EpisodeState{liaise.EpisodeIdentified, liaise.EpisodeReceived}[k%2], 24*time.Hour)
		s.Overnight, s.Ago = true, g.between(0, 3*time.Hour)
		s.ReferrerRole = ""
		out = append(out, s)
	}
	for k := range BoardHearing {
		ago := g.between(30*time.Minute, 5*time.Hour)
		s := g.episode(NorthProvider, take(), PrestonMags, waiting[1+k%3], ago)
		s.HearingToday = true
		s.ReferrerRole = ""
		out = append(out, s)
	}
	for _, prov := range []struct {
		name   string
		people []sqlstore.PersonSeed
	}{{NorthProvider, north}, {SouthProvider, south}} {
		for i, p := range prov.people {
			t := g.teams[p.Team]
			if t == nil || (prov.name == NorthProvider && board[i]) {
				if t != nil && g.chance(0.2) {
					out = append(out, g.earlier(prov.name, i, pickOf(g, t.sites)))
				}
				continue
			}
			if !g.chance(0.85) {
				continue
			}
			if g.chance(0.15) {
				out = append(out, g.earlier(prov.name, i, pickOf(g, t.sites)))
			}
			state := g.finalState()
			out = append(out, g.episode(prov.name, i, pickOf(g, t.sites), state, g.agoFor(state)))
		}
	}
	return out
}

var stateWeights = []struct {
	s liaise.EpisodeState
	w int
}{
	{liaise.EpisodeIdentified, 3}, {liaise.EpisodeReceived, 3}, {liaise.EpisodeRejected, 4}, {liaise.EpisodeAccepted, 3},
	{liaise.EpisodeScreeningPending, 5}, {liaise.EpisodeDeferred, 3}, {liaise.EpisodeScreened, 8}, {liaise.EpisodeNotScreened, 6},
	{liaise.EpisodeAssessmentPending, 6}, {liaise.EpisodeAssessed, 6}, {liaise.EpisodeNotAssessed, 2}, {liaise.EpisodeSupport, 8},
	{liaise.EpisodeClosed, 20},
}

func (g *episodeGen) finalState() liaise.EpisodeState {
	total := 0
	for _, w := range stateWeights {
		total += w.w
	}
	n := g.r.IntN(total)
	for _, w := range stateWeights {
		if n < w.w {
			return w.s
		}
		n -= w.w
	}
	return liaise.EpisodeClosed
}

func (g *episodeGen) agoFor(s liaise.EpisodeState) time.Duration {
	const day = 24 * time.Hour
	switch s {
	case liaise.EpisodeIdentified, liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending, liaise.EpisodeDeferred:
		return g.between(time.Hour, 3*day)
	case liaise.EpisodeScreened, liaise.EpisodeNotScreened, liaise.EpisodeAssessmentPending:
		return g.between(day, 20*day)
	case liaise.EpisodeAssessed, liaise.EpisodeNotAssessed, liaise.EpisodeSupport:
		return g.between(3*day, 60*day)
	}
	return g.between(day, 60*day)
}

// earlier is a closed episode from two or three months ago.
func (g *episodeGen) earlier(provider string, person int, site string) sqlstore.EpisodeSeed {
	s := g.episode(provider, person, site, liaise.EpisodeClosed, g.between(65*24*time.Hour, 89*24*time.Hour))
	s.Allocated = ""
	return s
}

// path returns the states an episode passes through to reach final.
func (g *episodeGen) path(final liaise.EpisodeState) []sqlstore.StepSeed {
	st := func(s liaise.EpisodeState, reason string) sqlstore.StepSeed {
		return sqlstore.StepSeed{To: s, Reason: reason}
	}
	p := []sqlstore.StepSeed{st(liaise.EpisodeIdentified, ""), st(liaise.EpisodeReceived, "")}
	toPending := func() {
		p = append(p, st(liaise.EpisodeAccepted, ""), st(liaise.EpisodeScreeningPending, ""))
	}
	toScreened := func() {
		toPending()
		if g.chance(0.2) {
			p = append(p, st(liaise.EpisodeDeferred, pickOf(g, liaise.DeferralReasons)), st(liaise.EpisodeScreeningPending, ""))
		}
		p = append(p, st(liaise.EpisodeScreened, ""))
	}
	switch final {
	case liaise.EpisodeIdentified:
		return p[:1]
	case liaise.EpisodeReceived:
	case liaise.EpisodeRejected:
		p = append(p, st(liaise.EpisodeRejected, pickOf(g, liaise.RejectionReasons)))
	case liaise.EpisodeAccepted:
		p = append(p, st(liaise.EpisodeAccepted, ""))
	case liaise.EpisodeScreeningPending:
		toPending()
	case liaise.EpisodeDeferred:
		toPending()
		p = append(p, st(liaise.EpisodeDeferred, pickOf(g, liaise.DeferralReasons)))
	case liaise.EpisodeScreened:
		toScreened()
	case liaise.EpisodeNotScreened:
		toPending()
		p = append(p, st(liaise.EpisodeNotScreened, pickOf(g, liaise.NotScreenedReasons)))
	case liaise.EpisodeAssessmentPending:
		toScreened()
		p = append(p, st(liaise.EpisodeAssessmentPending, ""))
	case liaise.EpisodeAssessed:
		toScreened()
		p = append(p, st(liaise.EpisodeAssessmentPending, ""), st(liaise.EpisodeAssessed, ""))
	case liaise.EpisodeNotAssessed:
		toScreened()
		p = append(p, st(liaise.EpisodeAssessmentPending, ""), st(liaise.EpisodeNotAssessed, pickOf(g, liaise.NotAssessedReasons)))
	case liaise.EpisodeSupport:
		toScreened()
		if g.chance(0.6) {
			p = append(p, st(liaise.EpisodeAssessmentPending, ""), st(liaise.EpisodeAssessed, ""))
		}
		p = append(p, st(liaise.EpisodeSupport, ""))
	case liaise.EpisodeClosed:
		var reason string
		switch g.r.IntN(5) {
		case 0:
			p = append(p, st(liaise.EpisodeAccepted, ""))
			reason = liaise.CloseReleasedBeforeSeen
		case 1:
			toScreened()
			reason = pickOf(g, []string{liaise.CloseNoFurtherInput, liaise.CloseReferredOn})
		case 2:
			toScreened()
			p = append(p, st(liaise.EpisodeAssessmentPending, ""), st(liaise.EpisodeAssessed, ""))
			reason = pickOf(g, []string{liaise.CloseAssessmentCompleted, liaise.CloseReferredOn, liaise.CloseAdmittedToHospital})
		default:
			toScreened()
			p = append(p, st(liaise.EpisodeSupport, ""))
			reason = pickOf(g, []string{liaise.CloseSupportCompleted, liaise.CloseDisengaged, liaise.CloseMovedOutOfArea, liaise.ClosePersonRequested})
		}
		p = append(p, st(liaise.EpisodeClosed, reason))
	}
	return p
}

// gap is a plausible time from the step before to s.
func (g *episodeGen) gap(s, prev liaise.EpisodeState) time.Duration {
	const day = 24 * time.Hour
	switch s {
	case liaise.EpisodeIdentified:
		return 0
	case liaise.EpisodeReceived:
		return g.between(2*time.Minute, 15*time.Minute)
	case liaise.EpisodeRejected:
		return g.between(10*time.Minute, time.Hour)
	case liaise.EpisodeAccepted:
		return g.between(5*time.Minute, 30*time.Minute)
	case liaise.EpisodeScreeningPending:
		if prev == liaise.EpisodeDeferred {
			return g.between(2*time.Hour, 5*time.Hour)
		}
		return g.between(time.Minute, 10*time.Minute)
	case liaise.EpisodeDeferred:
		return g.between(10*time.Minute, time.Hour)
	case liaise.EpisodeScreened:
		return g.between(20*time.Minute, 3*time.Hour)
	case liaise.EpisodeNotScreened:
		return g.between(30*time.Minute, 4*time.Hour)
	case liaise.EpisodeAssessmentPending:
		return g.between(10*time.Minute, time.Hour)
	case liaise.EpisodeAssessed, liaise.EpisodeNotAssessed:
		return g.between(day, 5*day)
	case liaise.EpisodeSupport:
		return g.between(day, 4*day)
	case liaise.EpisodeClosed:
		if prev == liaise.EpisodeSupport {
			return g.between(5*day, 30*day)
		}
		return g.between(time.Hour, 2*day)
	}
	return time.Hour
}

// episode builds one episode reaching final, alerted ago before the load.
func (g *episodeGen) episode(provider string, person int, site string, final liaise.EpisodeState, ago time.Duration) sqlstore.EpisodeSeed {
	s := sqlstore.EpisodeSeed{Provider: provider, PersonIndex: person, Site: site, Ago: ago, Steps: g.path(final),
		Urgency:      pickOf(g, []string{sqlstore.UrgencyRoutine, sqlstore.UrgencyRoutine, sqlstore.UrgencyRoutine, sqlstore.UrgencyUrgent}),
		ReferrerRole: pickOf(g, []string{"custody_sergeant", "custody_sergeant", "detention_officer", "custody_healthcare", "police_officer"}),
		Concerns:     pickOf(g, concerns)}
	var at time.Duration
	var prev liaise.EpisodeState
	for i := range s.Steps {
		at += g.gap(s.Steps[i].To, prev)
		s.Steps[i].At = at
		prev = s.Steps[i].To
	}
	// Everything must have happened before the load: squeeze the steps
	// into the time since the alert.
	if limit := ago - time.Minute; at > limit && at > 0 {
		for i := range s.Steps {
			s.Steps[i].At = time.Duration(float64(s.Steps[i].At) * float64(max(limit, 0)) / float64(at))
		}
	}
	for i := range s.Steps {
		if s.Steps[i].To == liaise.EpisodeDeferred {
			s.Steps[i].Retry = s.Steps[i].At + g.between(time.Hour, 4*time.Hour)
		}
	}
	team := g.teamOfSite(site)
	open := !final.Terminal()
	switch {
	case team != nil && team.members != nil && slicesHas(team.members, "practitioner") && open && g.priya < CaseloadPriyaTo &&
		final != liaise.EpisodeIdentified && final != liaise.EpisodeReceived:
		s.Allocated = "practitioner"
		g.priya++
	case team != nil && len(team.members) > 0 && final != liaise.EpisodeIdentified && g.chance(0.6):
		s.Allocated = pickOf(g, team.members)
	}
	s.ObtainedBy = s.Allocated
	if s.ObtainedBy == "" {
		s.ObtainedBy = "senior-practitioner"
		if provider == SouthProvider {
			s.ObtainedBy = "tv-practitioner"
		}
	}
	screened := false
	for _, st := range s.Steps {
		screened = screened || st.To == liaise.EpisodeScreened
	}
	if !screened {
		if final == liaise.EpisodeNotScreened || final == liaise.EpisodeRejected {
			s.Notes = []sqlstore.NoteSeed{{At: s.Steps[len(s.Steps)-1].At, Text: pickOf(g, shortNotes)}}
		}
		return s
	}
	var screenAt time.Duration
	for _, st := range s.Steps {
		if st.To == liaise.EpisodeScreened {
			screenAt = st.At
		}
	}
	s.Screening = g.screening()
	s.Notes = []sqlstore.NoteSeed{{At: screenAt, Text: pickOf(g, screenNotes)}}
	if g.chance(0.5) {
		s.Notes = append(s.Notes, sqlstore.NoteSeed{At: s.Steps[len(s.Steps)-1].At, Text: pickOf(g, followNotes)})
	}
	if g.chance(0.7) {
		s.Consent = true
		if g.chance(0.6) {
			s.Disclosure = &liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant",
				Purpose: liaise.PurposeInterviewAdaptations, Channel: liaise.ChannelVerbal, ConsentScope: liaise.ScopeSharePolice,
				Content: pickOf(g, disclosures)}
			// Open episodes that shared with police also have the advice
			// note issued (no random draw, so the rest of the demo is unchanged).
			s.AdviceNote = !final.Terminal()
		}
	}
	if g.chance(0.8) {
		s.Contact = &sqlstore.Contact{Kind: sqlstore.ContactDirect, Minutes: 15 + g.r.IntN(46), ConsultationMechanism: "01", AttendedOrDNA: "5",
			Summary: "Screening interview in a private room; the person engaged throughout."}
	}
	late := final == liaise.EpisodeAssessed || final == liaise.EpisodeSupport || final == liaise.EpisodeClosed
	if late && g.chance(0.4) {
		need := pickOf(g, []string{"substance_drugs", "substance_alcohol", "mental_health"})
		s.Referral = &sqlstore.NewReferralInput{Need: need, Service: services[need], Method: pickOf(g, []string{"secure_email", "phone", "warm_handover"}),
			State: liaise.ReferralSent, SupportedToFirstAppointment: g.chance(0.5)}
	}
	return s
}

func (g *episodeGen) screening() *liaise.Screening {
	risk := pickOf(g, []string{liaise.RiskNone, liaise.RiskLow, liaise.RiskLow, liaise.RiskMedium})
	sc := &liaise.Screening{Kind: liaise.ScreeningMinimum, Mode: liaise.ModeFaceToFace, RiskInCustody: risk,
		AssessmentNeeded: pickOf(g, []string{liaise.AssessmentYes, liaise.AssessmentNo, liaise.AssessmentUnsure})}
	if risk == liaise.RiskMedium || g.chance(0.5) {
		sc.AdviceToCustody = pickOf(g, advice)
	}
	if g.chance(0.4) {
		sc.Kind = liaise.ScreeningFull
		level := func() liaise.Risk {
			return liaise.Risk{Level: pickOf(g, []string{liaise.RiskNone, liaise.RiskLow, liaise.RiskMedium})}
		}
		sc.RiskToSelf, sc.RiskToOthers, sc.RiskFromOthers, sc.Safeguarding = level(), level(), level(), level()
		sc.Urgency = "routine"
		sc.Vulnerabilities = []liaise.VulnerabilityAnswer{
			{Code: "mental_health", Answer: pickOf(g, []string{liaise.AnswerSuspected, liaise.AnswerConfirmed, liaise.AnswerNone})},
			{Code: "substance_alcohol", Answer: pickOf(g, []string{liaise.AnswerSuspected, liaise.AnswerNone})},
			{Code: "learning_disability", Answer: liaise.AnswerNone},
		}
	}
	return sc
}

func (g *episodeGen) teamOfSite(site string) *teamInfo {
	for _, t := range g.teams {
		if slicesHas(t.sites, site) {
			return t
		}
	}
	return nil
}

func slicesHas(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

var services = map[string]string{
	"substance_drugs":   "Lantern Recovery Service (demo substance misuse service)",
	"substance_alcohol": "Lantern Recovery Service (demo substance misuse service)",
	"mental_health":     "Riverside Community Mental Health Team (demo)",
}

var concerns = []string{
	"Custody staff report low mood and a recent bereavement.",
	"Appeared confused at booking in; may have a learning disability.",
	"Says they hear voices; previously known to mental health services.",
	"Heavy alcohol use reported; withdrawal risk overnight.",
	"Difficulty following questions at booking in.",
	"Self-harm scars noted at booking in; says they feel safe now.",
	"",
}

var shortNotes = []string{
	"Released before L&D could see them. Left a leaflet with the custody sergeant to pass on.",
	"Referral did not meet the criteria for this service; the custody sergeant was told and agreed.",
	"Person declined to speak with L&D today. Told them how to contact the team later if they wish.",
}

var screenNotes = []string{
	"Seen in a private room in custody. Calm and polite, answered questions well. Described poor sleep and worry about housing. No immediate risk identified.",
	"Screened with the custody nurse present. Reports low mood for some months and drinking most days. Agreed to a follow-up call from the team.",
	"Speech was quiet and slow; needed questions repeated and put simply. Advised custody staff to check understanding in interview.",
	"Settled and cooperative. Talked about stopping medication a few weeks ago. Will ask the GP practice for a summary with consent.",
}

var followNotes = []string{
	"Telephone follow-up: the person is staying with family and has an appointment with their GP next week.",
	"Met at the community base. Talked through goals for the next month; keen to get back into routine.",
	"Liaised with probation about the next appointment; they will share the date with the person.",
	"Left a voicemail and sent a letter with the team's number, as agreed.",
}

var advice = []string{
	"Observe at the usual level; offer a drink and a hot meal. Explain each step before it happens.",
	"Check on the person every 30 minutes while low mood persists; tell L&D if they become distressed.",
	"Use short, plain questions and check understanding; an appropriate adult is advised for interview.",
}

var disclosures = []string{
	"Needs short plain questions in interview and breaks every hour; an appropriate adult is advised.",
	"Finds it hard to process spoken information; please check understanding and allow extra time.",
	"Low mood today; the advice is to check on them regularly and tell L&D of any change.",
}
