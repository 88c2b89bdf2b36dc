package seed

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// The record of the work in an episode: one function per step of the
// registry. Each builds the domain record, checks it with the store's own
// validators when the person is in the checked sample, and writes the rows,
// timeline entries and audit events its store function would have written.

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// checkTime fails when a record says it happened after it was recorded.
func (g *gen) checkTime(what string, occurred, recorded time.Time) {
	if g.check && occurred.After(recorded.Add(5*time.Minute)) {
		g.fail(what, fmt.Errorf("occurred at %s but recorded at %s", occurred, recorded))
	}
}

// --- Screenings ------------------------------------------------------------------------

var (
	adviceToCustody = []string{
		"Observe at the usual level; offer a drink and a hot meal. Explain each step before it happens.",
		"Check on the person every 30 minutes while low mood persists; tell L&D if they become distressed.",
		"Use short, plain questions and check understanding; an appropriate adult is advised for interview.",
		"Rousable checks overnight: withdrawal from alcohol is likely. Ask the custody nurse to review at 02:00.",
		"Keep in a cell near the desk; remove cords. Ask the healthcare professional to review before interview.",
	}
	riskNotes = []string{
		"Thoughts of self-harm in the past month; none today. Protective factors: children, dog.",
		"History of violence when intoxicated; calm today.",
		"Owes money to a local dealer; fears returning home.",
		"Says a partner controls their money and phone.",
	}
	// Base rates of suspected or confirmed needs at a full screen.
	vulnRates = map[string]float64{
		"mental_health": 0.6, "substance_drugs": 0.38, "substance_alcohol": 0.32, "self_harm_suicide": 0.22, "housing": 0.3,
		"finance_debt_benefits": 0.25, "learning_disability": 0.06, "learning_difficulty": 0.1, "autism": 0.05,
		"adhd_neurodevelopmental": 0.1, "acquired_brain_injury": 0.06, "physical_health": 0.2, "slcn": 0.08,
		"domestic_abuse": 0.08, "sexual_abuse_trauma": 0.06, "employment_education": 0.2, "gambling": 0.03,
		"veteran": 0.02, "care_leaver": 0.05, "safeguarding_adult": 0.04, "safeguarding_child": 0.04,
		"womens_pathway": 0.0, "charge_related_risk": 0.05, "other": 0.01,
	}
)

func screenings(g *gen, e *episode) {
	if at, ok := e.at(liaise.EpisodeScreened); ok {
		g.screening(e, at, "")
		return
	}
	for _, st := range e.steps {
		if st.to == liaise.EpisodeNotScreened && g.chance(0.4) {
			g.screening(e, st.at, st.reason)
		}
	}
}

func (g *gen) riskLevel(weights []int) string {
	return weighted(g, []string{liaise.RiskNone, liaise.RiskLow, liaise.RiskMedium, liaise.RiskHigh}, weights)
}

// screening writes a screening at at; a reason makes it incomplete.
func (g *gen) screening(e *episode, at time.Time, reason string) {
	p := e.p
	s := liaise.Screening{Kind: liaise.ScreeningMinimum, QuestionSetVersion: liaise.QuestionSetVersion, OccurredAt: lt(at)}
	if reason != "" {
		s.Incomplete, s.IncompleteReason = true, reason
	} else {
		s.Mode = weighted(g, []string{liaise.ModeFaceToFace, liaise.ModeTelephone, liaise.ModeVideo}, []int{85, 10, 5})
		if liaise.Remote(s.Mode) {
			s.RemoteDetails = "Practitioner at the team base; the person in a consultation room at " + e.site.name + "."
		}
		if p.InterpreterNeeded {
			s.InterpreterUsed, s.InterpreterLanguage = true, p.PreferredLanguage
		}
		switch {
		case e.child:
			s.OthersPresent = pick(g, []string{"Appropriate adult (parent)", "Appropriate adult (social worker)", "Appropriate adult"})
		case g.chance(0.15):
			s.OthersPresent = pick(g, []string{"Custody nurse", "Solicitor", "Detention officer at the door"})
		}
		s.RiskInCustody = g.riskLevel([]int{30, 45, 20, 5})
		if s.RiskInCustody == liaise.RiskMedium || s.RiskInCustody == liaise.RiskHigh || g.chance(0.4) {
			s.AdviceToCustody = pick(g, adviceToCustody)
		}
		s.AssessmentNeeded = liaise.AssessmentNo
		if e.reached(liaise.EpisodeAssessmentPending) {
			s.AssessmentNeeded = liaise.AssessmentYes
		} else if g.chance(0.15) {
			s.AssessmentNeeded = liaise.AssessmentUnsure
		}
		if g.chance(0.4) {
			s.Kind = liaise.ScreeningFull
			risk := func() liaise.Risk {
				r := liaise.Risk{Level: g.riskLevel([]int{45, 35, 15, 5})}
				if r.Level == liaise.RiskMedium || r.Level == liaise.RiskHigh {
					r.Notes = pick(g, riskNotes)
				}
				return r
			}
			s.RiskToSelf, s.RiskToOthers, s.RiskFromOthers, s.Safeguarding = risk(), risk(), risk(), risk()
			s.Urgency = weighted(g, []string{"routine", "urgent", "emergency"}, []int{80, 17, 3})
			for _, code := range g.vulns {
				rate := vulnRates[code]
				if code == "womens_pathway" && p.female {
					rate = 0.5
				}
				a := liaise.VulnerabilityAnswer{Code: code, Answer: liaise.AnswerNone}
				switch x := g.r.Float64(); {
				case x < rate*0.45:
					a.Answer = liaise.AnswerConfirmed
				case x < rate:
					a.Answer = liaise.AnswerSuspected
				case x > 0.93:
					a.Answer = liaise.AnswerNotExplored
				}
				s.Vulnerabilities = append(s.Vulnerabilities, a)
			}
		}
	}
	by := e.worker
	var recorded time.Time
	if move := e.screenedMove; reason == "" && move.row >= 0 {
		recorded = move.recorded // the move to screened, in the same transaction
	} else {
		recorded = g.recorded(at)
	}
	g.checkTime("screening", at, recorded)
	if g.check {
		c := s
		c.Vulnerabilities = slices.Clone(s.Vulnerabilities)
		g.fail("screening", c.Validate(g.vulns, lt(recorded)))
		if !slices.Equal(c.Vulnerabilities, s.Vulnerabilities) {
			g.fail("screening", fmt.Errorf("validation changed the answers"))
		}
	}
	id := g.id(tScreenings)
	g.row(tScreenings, id, e.id, string(s.Kind), s.QuestionSetVersion, s.OccurredAt, lt(recorded), staffID(by), s.Mode,
		s.RemoteDetails, s.OthersPresent, s.InterpreterUsed, s.InterpreterLanguage, s.RiskInCustody, s.AdviceToCustody, s.AssessmentNeeded,
		s.RiskToSelf.Level, s.RiskToSelf.Notes, s.RiskToOthers.Level, s.RiskToOthers.Notes, s.RiskFromOthers.Level, s.RiskFromOthers.Notes,
		s.Safeguarding.Level, s.Safeguarding.Notes, s.Urgency, s.IncompleteReason, false, int64(1))
	for _, v := range s.Vulnerabilities {
		g.row(tScreeningAnswers, id, v.Code, v.Answer, v.Notes)
	}
	if !s.Incomplete {
		if move := e.screenedMove; move.row >= 0 {
			g.set(tTransitions, move.row, "source_type", "screening")
			g.set(tTransitions, move.row, "source_id", id)
		}
		s.RecordedAt = lt(recorded)
		e.screening, e.sourcesAt[0] = &s, recorded
	}
	kind := liaise.LabelOf(liaise.ScreeningKinds, string(s.Kind))
	detail := fmt.Sprintf("%s, question set %s", lowerFirst(kind), s.QuestionSetVersion)
	summary := kind + " recorded"
	if s.Incomplete {
		detail += ", not completed: " + s.IncompleteReason
		summary = kind + " could not be completed"
	}
	g.write(by, recorded, liaise.AuditCreate, "screening", id, e, detail+lateDetail(at, recorded))
	g.personEvent(p.ID, recorded, recorded, by, "screening", summary)
}

// --- Assessments -------------------------------------------------------------------------

var (
	findingTexts = map[string][]string{
		"mental_health": {"Low mood for six months with poor sleep and appetite; no psychotic features.",
			"Hears voices when stressed; known to the community mental health team until last year.",
			"Panic attacks several times a week since a recent bereavement."},
		"substance_drugs":   {"Daily heroin and crack use; on a methadone script but topping up.", "Cannabis most days to manage anxiety."},
		"substance_alcohol": {"Drinks 2–3 litres of cider a day; previous withdrawal seizures.", "Binge drinking at weekends linked to offending."},
		"housing":           {"Sofa-surfing since leaving a hostel; at risk of rough sleeping.", "Tenancy at risk because of rent arrears."},
		"self_harm_suicide": {"Cuts when distressed; last episode two weeks ago. No current plan.", "Overdose last year; says things are better now."},
		"learning_disability": {"Attended a special school; needs help with reading and forms. Understanding is limited.",
			"LDSQ suggests a learning disability; needs adapted questioning."},
		"finance_debt_benefits": {"No income since benefits stopped; relies on food banks."},
		"physical_health":       {"Type 2 diabetes, not taking medication regularly.", "Chronic back pain; uses pain relief not prescribed to them."},
	}
	formulations = []string{
		"Longstanding low mood and alcohol use, worse since losing accommodation. Offending linked to intoxication. Would benefit from a mental health referral and support to find housing.",
		"Likely learning disability affecting understanding of the process. Needs an appropriate adult and adapted communication; referral for a learning disability assessment.",
		"Opiate dependence with unstable housing; engaged well today and wants help. Recovery service referral and STR support to attend.",
		"Acute distress after a bereavement with thoughts of self-harm; protective factors present. Safety plan agreed; GP and crisis team informed with consent.",
		"No significant mental health needs found; substance use is recreational. Information given about local services.",
	}
	tools = []liaise.ScoredTool{
		{Tool: "PHQ-9", Version: "1999", Score: "14"}, {Tool: "PHQ-9", Version: "1999", Score: "21"}, {Tool: "GAD-7", Score: "11"},
		{Tool: "AUDIT", Score: "19"}, {Tool: "AUDIT", Score: "27"}, {Tool: "LDSQ", Score: "below cut-off"},
		{Tool: "Kessler (K10)", Score: "28"}, {Tool: "Hayes Ability Screening Index", Score: "82"},
	}
	assessmentTypes   = []string{liaise.AssessGeneral, liaise.AssessMentalHealth, liaise.AssessSubstanceMisuse, liaise.AssessLearningDisability, liaise.AssessAutismND, liaise.AssessSLCN}
	assessmentWeights = []int{50, 25, 10, 7, 5, 3}
)

func assessments(g *gen, e *episode) {
	if at, ok := e.at(liaise.EpisodeAssessed); ok {
		g.assessment(e, at, "")
		return
	}
	for _, st := range e.steps {
		if st.to == liaise.EpisodeNotAssessed && g.chance(0.5) {
			g.assessment(e, st.at, st.reason)
		}
	}
}

func (g *gen) assessment(e *episode, at time.Time, reason string) {
	x := liaise.Assessment{Type: weighted(g, assessmentTypes, assessmentWeights), OccurredAt: lt(at)}
	if e.child {
		x.Type = liaise.AssessCYP
	}
	if reason != "" {
		x.Incomplete, x.IncompleteReason = true, reason
	} else {
		x.Formulation = pick(g, formulations)
		for _, d := range g.vulns {
			texts, ok := findingTexts[d]
			if !ok || !g.chance(0.35) {
				continue
			}
			sharing := liaise.SharingHealthOnly
			if g.chance(0.4) {
				sharing = liaise.SharingShareable
			}
			x.Findings = append(x.Findings, liaise.AssessmentFinding{Domain: d, Text: pick(g, texts), Sharing: sharing})
		}
		for range g.between(0, 2) {
			x.Tools = append(x.Tools, pick(g, tools))
		}
		for _, r := range liaise.RecommendationTypes[:len(liaise.RecommendationTypes)-1] {
			if g.chance(0.12) {
				x.Recommendations = append(x.Recommendations, liaise.AssessmentRecommendation{Type: r})
			}
		}
	}
	by := e.worker
	var recorded time.Time
	if move := e.assessedMove; reason == "" && move.row >= 0 {
		recorded = move.recorded // the move to assessed, in the same transaction
	} else {
		recorded = g.recorded(at)
	}
	if g.check {
		c := x
		c.Findings, c.Tools, c.Recommendations = slices.Clone(x.Findings), slices.Clone(x.Tools), slices.Clone(x.Recommendations)
		g.fail("assessment", c.Validate(g.vulns, liaise.NotAssessedReasons, lt(recorded)))
		if len(c.Findings) != len(x.Findings) || len(c.Tools) != len(x.Tools) || len(c.Recommendations) != len(x.Recommendations) {
			g.fail("assessment", fmt.Errorf("validation changed the record"))
		}
	}
	id := g.id(tAssessments)
	g.row(tAssessments, id, e.id, x.Type, x.OccurredAt, lt(recorded), staffID(by), x.Formulation, x.IncompleteReason, false, int64(1))
	shareable := 0
	for _, f := range x.Findings {
		g.row(tFindings, id, f.Domain, f.Text, f.Sharing)
		if f.Sharing == liaise.SharingShareable {
			shareable++
		}
	}
	for i, t := range x.Tools {
		g.row(tTools, id, int64(i+1), t.Tool, t.Version, t.Score)
	}
	for _, r := range x.Recommendations {
		g.row(tRecommendations, id, r.Type, r.Note)
	}
	if !x.Incomplete {
		if move := e.assessedMove; move.row >= 0 {
			g.set(tTransitions, move.row, "source_type", "assessment")
			g.set(tTransitions, move.row, "source_id", id)
		}
		x.RecordedAt = lt(recorded)
		e.assessment, e.sourcesAt[1] = &x, recorded
	}
	label := liaise.LabelOf(liaise.AssessmentTypes, x.Type)
	detail := fmt.Sprintf("%s assessment, %d findings (%d shareable), %d tools, %d recommendations", x.Type, len(x.Findings),
		shareable, len(x.Tools), len(x.Recommendations))
	summary := "Assessment (" + lowerFirst(label) + ") recorded"
	if x.Incomplete {
		detail += ", not completed: " + x.IncompleteReason
		summary = "Assessment (" + lowerFirst(label) + ") could not be completed"
	}
	g.write(by, recorded, liaise.AuditCreate, "assessment", id, e, detail+lateDetail(at, recorded))
	g.personEvent(e.p.ID, recorded, recorded, by, "assessment", summary)
}

// --- Speech and language therapy ---------------------------------------------------------

func sltRequests(g *gen, e *episode) {
	at, ok := e.at(liaise.EpisodeScreened)
	if !ok || len(e.team.slt) == 0 {
		return
	}
	p := e.p
	rate := 0.015
	if e.child || p.CommunicationNeeds != "" || (p.LDStatus >= "1" && p.LDStatus <= "4") {
		rate = 0.25
	}
	if !g.chance(rate) {
		return
	}
	requested := at.Add(g.dur(30*minute, 6*hour))
	if requested.After(g.until) || (e.closed && !requested.Before(e.end)) {
		return
	}
	r := liaise.SLTRequest{Reason: "Difficulty understanding questions at screening; needs a communication assessment before interview or the hearing.",
		Urgency: weighted(g, []string{"routine", "before_hearing", "urgent"}, []int{50, 35, 15})}
	if g.check {
		c := r
		g.fail("speech and language therapy request", c.Validate())
	}
	by := e.worker
	id := g.id(tSLTRequests)
	status, version, updated := liaise.SLTOpen, int64(1), requested
	profileAt := requested.Add(g.dur(2*hour, 5*day))
	slt := pick(g, e.team.slt)
	// Requests of closed episodes were all answered (the store has no way to
	// cancel one yet, so an unanswered one would wait in the SLT queue for
	// ever); those of open episodes may still wait.
	profiled := !profileAt.After(g.until) && (e.closed || g.chance(0.6))
	var profileRecorded time.Time
	if profiled {
		profileRecorded = g.recorded(profileAt)
		status, version, updated = liaise.SLTCompleted, 2, profileRecorded
	}
	g.row(tSLTRequests, id, e.id, r.Reason, r.Urgency, staffID(by), lt(requested), status, lt(updated), version)
	g.write(by, requested, liaise.AuditCreate, "slt_request", id, e, "urgency "+r.Urgency)
	g.personEvent(p.ID, requested, requested, by, "slt_request", "Speech and language therapy assessment requested")
	if !profiled {
		return
	}
	cp := liaise.CommunicationProfile{OccurredAt: lt(profileAt),
		AdaptedQuestioning: "One question at a time in short sentences; avoid negatives and hypotheticals; check understanding by asking them to explain back.",
		IntermediaryNeeded: weighted(g, []string{liaise.IntermediaryYes, liaise.IntermediaryNo, liaise.IntermediaryUnsure}, []int{30, 55, 15}),
		Strengths:          "Good everyday vocabulary; answers well with visual prompts.",
		Difficulties:       "Struggles with abstract language, time concepts and long questions.",
		Recommendations:    "Breaks every 30 minutes; written summary in easy read."}
	if g.check {
		c := cp
		g.fail("communication profile", c.Validate(lt(profileRecorded)))
	}
	pid := g.id(tCommProfiles)
	g.row(tCommProfiles, pid, id, e.id, cp.OccurredAt, lt(profileRecorded), staffID(slt), cp.AdaptedQuestioning, cp.IntermediaryNeeded,
		cp.Strengths, cp.Difficulties, cp.Recommendations)
	cp.RecordedAt = lt(profileRecorded)
	e.profile, e.profileBy, e.sourcesAt[2] = &cp, slt, profileRecorded
	g.write(slt, profileRecorded, liaise.AuditCreate, "communication_profile", pid, e, "intermediary needed: "+cp.IntermediaryNeeded)
	g.write(slt, profileRecorded, liaise.AuditUpdate, "slt_request", id, e, "completed by communication profile")
	g.personEvent(p.ID, profileRecorded, profileRecorded, slt, "communication_profile", "Communication profile recorded")
}

// --- Consents -------------------------------------------------------------------------------

// consents records the person's decisions at screening (or when screening
// could not be done because they declined): to engage, to be screened and
// assessed, and to share with the agencies the setting involves.
func consents(g *gen, e *episode) {
	at, ok := e.at(liaise.EpisodeScreened)
	if !ok {
		for _, st := range e.steps {
			if st.to == liaise.EpisodeNotScreened && st.reason == liaise.NotScreenedDeclined {
				g.consent(e, st.at, liaise.ScopeEngage, liaise.ConsentRefused)
			}
		}
		return
	}
	at = at.Add(-g.dur(5*minute, 20*minute))
	if at.Before(e.alerted) {
		at = e.alerted
	}
	g.consent(e, at, liaise.ScopeEngage, weighted(g, []string{liaise.ConsentGiven, liaise.ConsentRefused}, []int{96, 4}))
	g.consent(e, at, liaise.ScopeScreenAssess, weighted(g, []string{liaise.ConsentGiven, liaise.ConsentRefused, liaise.ConsentLacksCapacity}, []int{93, 5, 2}))
	share := []string{liaise.ConsentGiven, liaise.ConsentRefused, liaise.ConsentDeferred}
	later := at.Add(g.dur(minute, 15*minute))
	switch {
	case e.setting == liaise.SettingPoliceCustody || e.setting == liaise.SettingVoluntaryAttendance:
		if g.chance(0.8) {
			g.consent(e, later, liaise.ScopeSharePolice, weighted(g, share, []int{80, 15, 5}))
		}
	case liaise.CourtSetting(e.setting):
		if g.chance(0.85) {
			g.consent(e, later, liaise.ScopeShareCourt, weighted(g, share, []int{82, 13, 5}))
		}
		if g.chance(0.3) {
			g.consent(e, later, liaise.ScopeShareProbation, weighted(g, share, []int{85, 10, 5}))
		}
	case e.setting == liaise.SettingProbation:
		g.consent(e, later, liaise.ScopeShareProbation, weighted(g, share, []int{85, 10, 5}))
	}
	if g.chance(0.3) {
		g.consent(e, later, liaise.ScopeShareHealth, weighted(g, share, []int{88, 10, 2}))
	}
	if e.child {
		if g.chance(0.6) {
			g.consent(e, later, liaise.ScopeShareYJS, weighted(g, share, []int{85, 10, 5}))
		}
		if g.chance(0.5) {
			g.consent(e, later, liaise.ScopeContactFamily, weighted(g, share, []int{80, 15, 5}))
		}
	}
	// A few withdraw consent to share with the police later.
	for _, c := range e.consents {
		if c.Scope == liaise.ScopeSharePolice && c.Decision == liaise.ConsentGiven && g.chance(0.02) {
			w := c.OccurredAt.Add(g.dur(hour, 3*day))
			if !w.After(e.horizon(g)) {
				g.consent(e, w, liaise.ScopeSharePolice, liaise.ConsentWithdrawn)
			}
			break
		}
	}
}

// consent records one decision, with the age rules of ValidateConsent.
func (g *gen) consent(e *episode, at time.Time, scope, decision string) {
	p := e.p
	if at.After(g.until) {
		return
	}
	c := liaise.Consent{EpisodeID: e.id, Scope: scope, Decision: decision, ObtainedBy: e.worker.id, OccurredAt: lt(at),
		InterpreterUsed: p.InterpreterNeeded, CourtStage: liaise.CourtSetting(e.setting), PersonAgeAtEvent: -1}
	if decision == liaise.ConsentGiven || decision == liaise.ConsentWithdrawn || g.chance(0.3) {
		c.Form = weighted(g, []string{liaise.ConsentVerbal, liaise.ConsentWritten}, []int{85, 15})
	}
	if !p.DOBUnknown && !p.DateOfBirth.IsZero() {
		c.PersonAgeAtEvent = liaise.AgeOn(p.DateOfBirth, londonDate(at))
	} else {
		c.AppearsUnder18 = e.child
	}
	under16 := c.PersonAgeAtEvent < 16 && (c.PersonAgeAtEvent >= 0 || c.AppearsUnder18)
	if decision == liaise.ConsentGiven && under16 {
		if g.chance(0.7) {
			c.GillickCompetent = true
		} else {
			c.ParentalConsent = true
		}
	}
	if decision == liaise.ConsentLacksCapacity {
		c.BestInterests = !under16 && g.chance(0.7)
	}
	if c.Scope == liaise.ScopeResearch || (decision == liaise.ConsentGiven && g.chance(0.02)) {
		c.ExpiresAt = lt(at.Add(90 * day))
	}
	recorded := g.recorded(at)
	if g.check {
		g.fail("consent", liaise.ValidateConsent(c))
		g.checkTime("consent", at, recorded)
	}
	c.ID = g.id(tConsents)
	var expires any
	if !c.ExpiresAt.IsZero() {
		expires = c.ExpiresAt
	}
	g.row(tConsents, c.ID, e.prov.id, e.id, p.ID, c.Scope, c.Decision, c.Form, c.InterpreterUsed, c.ObtainedBy, c.OccurredAt,
		lt(recorded), expires, c.CourtStage, c.BestInterests, c.GillickCompetent, c.ParentalConsent, int64(c.PersonAgeAtEvent),
		c.AppearsUnder18, staffID(e.worker))
	ev := g.event(e.worker, recorded, liaise.AuditCreate, "consent", c.ID, e.prov.id, e.team.id)
	ev.Detail = c.Scope + ": " + c.Decision
	ev.Subjects = []int64{p.ID}
	g.audit(&ev)
	c.RecordedAt = lt(recorded)
	e.consents = append(e.consents, c)
}

// --- Disclosures ------------------------------------------------------------------------------

var disclosureContent = map[string][]string{
	liaise.RecipientPolice: {"Needs short plain questions in interview and breaks every hour; an appropriate adult is advised.",
		"Finds it hard to process spoken information; please check understanding and allow extra time.",
		"Low mood today; the advice is to check on them regularly and tell L&D of any change."},
	liaise.RecipientCourt: {"Assessed by L&D today: depression and alcohol dependence. Engaging with the recovery service; a community order with an alcohol treatment requirement may be suitable.",
		"Likely learning disability; needs adapted questioning and time to understand proceedings."},
	liaise.RecipientProbation: {"Summary of needs for the pre-sentence report: mental health, housing and alcohol use."},
	liaise.RecipientHealth:    {"Seen by L&D in custody; low mood and thoughts of self-harm. Please review at the surgery this week."},
	liaise.RecipientYJS:       {"Seen by L&D with their parent as appropriate adult; speech and language needs suspected."},
}

func disclosures(g *gen, e *episode) {
	for _, c := range slices.Clone(e.consents) {
		if c.Decision != liaise.ConsentGiven {
			continue
		}
		var d liaise.Disclosure
		switch c.Scope {
		case liaise.ScopeSharePolice:
			if !g.chance(0.6) {
				continue
			}
			d = liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: pick(g, []string{"Custody sergeant", "Custody sergeant", "Officer in the case", "Custody inspector"}),
				Purpose: weighted(g, []string{liaise.PurposeInterviewAdaptations, liaise.PurposeRisk, liaise.PurposeChargingDecision, liaise.PurposeOOCD}, []int{50, 25, 15, 10}),
				Channel: liaise.ChannelVerbal}
		case liaise.ScopeShareCourt:
			if !g.chance(0.7) {
				continue
			}
			d = liaise.Disclosure{RecipientAgency: liaise.RecipientCourt, RecipientRole: pick(g, []string{"Legal adviser", "Magistrates", "District judge", "Defence solicitor"}),
				Purpose: weighted(g, []string{liaise.PurposeBailRemand, liaise.PurposeSentencing, liaise.PurposeCaseManagement, liaise.PurposeFitnessToPlead}, []int{35, 35, 25, 5}),
				Channel: weighted(g, []string{liaise.ChannelVerbal, liaise.ChannelSecureEmail, liaise.ChannelDocumentUpload}, []int{40, 40, 20})}
		case liaise.ScopeShareProbation:
			if !g.chance(0.5) {
				continue
			}
			d = liaise.Disclosure{RecipientAgency: liaise.RecipientProbation, RecipientRole: "Probation court officer",
				Purpose: weighted(g, []string{liaise.PurposePSR, liaise.PurposeCSTRSuitability}, []int{70, 30}), Channel: liaise.ChannelSecureEmail}
		case liaise.ScopeShareHealth:
			if !g.chance(0.4) {
				continue
			}
			d = liaise.Disclosure{RecipientAgency: liaise.RecipientHealth, RecipientRole: "GP", Purpose: liaise.PurposeContinuityOfCare, Channel: liaise.ChannelSecureEmail}
		case liaise.ScopeShareYJS:
			if !g.chance(0.5) {
				continue
			}
			d = liaise.Disclosure{RecipientAgency: liaise.RecipientYJS, RecipientRole: "YJS case worker", Purpose: liaise.PurposeCaseManagement, Channel: liaise.ChannelPhone}
		default:
			continue
		}
		d.Content = pick(g, disclosureContent[d.RecipientAgency])
		at := c.OccurredAt.Time.Add(g.dur(5*minute, 3*hour))
		if kind := g.documentKind(e, d); kind != "" {
			// Shared as a document: the documents step writes it.
			e.docIssues = append(e.docIssues, docIssue{kind: kind, d: d, at: at})
			continue
		}
		g.disclosure(e, d, at, "", disclosureOpt{})
	}
	// Sharing without consent to prevent serious harm, reviewed next working day.
	if at, ok := e.at(liaise.EpisodeScreened); ok && g.chance(0.012) {
		d := liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant", Purpose: liaise.PurposeRisk,
			Channel: liaise.ChannelVerbal, Urgent: true, Content: "Said they intend to harm their former partner on release; shared to prevent serious harm."}
		basis := weighted(g, []string{liaise.BasisSeriousHarm, liaise.BasisSafeguarding}, []int{70, 30})
		g.disclosure(e, d, at.Add(g.dur(5*minute, hour)), basis, disclosureOpt{})
	}
}

// disclosureOpt says more about a disclosure: who made it (default the
// episode's worker), when it was recorded (default a little after it
// happened) and the document version it issued, if any.
type disclosureOpt struct {
	by       *staff
	recorded time.Time
	version  int64
}

// disclosure records d at at, on consent or on basis (then for review),
// and returns its id; 0 when nothing could be shared (no active consent).
func (g *gen) disclosure(e *episode, d liaise.Disclosure, at time.Time, basis string, o disclosureOpt) int64 {
	if at.After(e.horizon(g)) {
		return 0
	}
	p := e.p
	by := o.by
	if by == nil {
		by = e.worker
	}
	d.EpisodeID, d.DisclosedBy, d.OccurredAt, d.LegalBasis = e.id, by.id, lt(at), basis
	needsReview, err := liaise.CheckDisclosure(d, e.consents)
	if err != nil {
		// Consent was refused or withdrawn by then: nothing is shared.
		if basis == "" && liaise.ErrorCode(err) == liaise.EINVALID {
			return 0
		}
		g.fail("disclosure", err)
		return 0
	}
	recorded := o.recorded
	if recorded.IsZero() {
		recorded = g.recorded(at)
	}
	g.checkTime("disclosure", at, recorded)
	var consentID, legalBasis, due, reviewedBy, reviewedAt, outcome, comment any
	scope := ""
	var reviewer *staff
	var reviewed time.Time
	if needsReview {
		rd := sqlstore.ReviewDue(at)
		legalBasis, due = basis, rd
		// Reviewed once, on the due day, by a manager who did not make it.
		if rev := pickStaff(g, e.team.managers, e.team.seniors); rev != nil && rev != by {
			reviewed = rd.Time().Add(time.Duration(g.between(9, 16)) * hour)
			if !reviewed.After(g.until) {
				reviewer = rev
				reviewedBy, reviewedAt, outcome, comment = rev.id, lt(reviewed), sqlstore.OutcomeAppropriate, ""
			}
		}
	} else {
		c, _ := liaise.ActiveConsent(e.consents, liaise.ScopeForRecipient(d.RecipientAgency), at)
		consentID, scope = c.ID, c.Scope
	}
	id := g.id(tDisclosures)
	g.row(tDisclosures, id, e.prov.id, e.id, p.ID, d.RecipientAgency, d.RecipientRole, d.Purpose, d.Content, d.Channel, d.OccurredAt,
		lt(recorded), staffID(by), consentID, legalBasis, d.Urgent, needsReview, due, reviewedBy, reviewedAt, outcome, comment, nullID(o.version))
	summary := "Information shared with " + agencyWords(d.RecipientAgency) + " (" + d.RecipientRole + ")"
	if needsReview {
		summary += " without consent"
	}
	g.personEvent(p.ID, recorded, recorded, by, "disclosure", summary)
	ev := g.event(by, recorded, liaise.AuditCreate, "disclosure", id, e.prov.id, e.team.id)
	ev.Detail = "to " + d.RecipientAgency + ", "
	if needsReview {
		ev.Detail += "legal basis " + basis
	} else {
		ev.Detail += "consent " + scope
	}
	if o.version != 0 {
		ev.Detail += ", document version " + strconv.FormatInt(o.version, 10)
	}
	ev.Subjects = []int64{p.ID}
	g.audit(&ev)
	if reviewer != nil {
		ev := g.event(reviewer, reviewed, liaise.AuditUpdate, "disclosure", id, e.prov.id, e.team.id)
		ev.Detail = "review outcome: " + sqlstore.OutcomeAppropriate
		ev.Subjects = []int64{p.ID}
		g.audit(&ev)
	}
	return id
}

// agencyWords names an agency in a sentence ("the police"), as the
// store's timeline entries do.
func agencyWords(code string) string {
	for _, a := range liaise.RecipientAgencies {
		if a.Code == code {
			return a.Words
		}
	}
	return code
}

// --- Contacts -----------------------------------------------------------------------------------

var (
	directSummaries = []string{
		"Screening interview in a private room; the person engaged throughout.",
		"Assessment completed; talked through what happens next and agreed referrals.",
		"Met at the community base to work on goals; keen to get back into a routine.",
		"Home visit: reviewed the safety plan and checked medication.",
		"Telephone check-in: attended the GP appointment and feels more settled.",
	}
	indirectWith = []struct{ agency, role, summary string }{
		{"police", "Custody sergeant", "Advised the custody sergeant on adaptations for interview."},
		{"court", "Legal adviser", "Updated the legal adviser before the hearing."},
		{"probation", "Probation court officer", "Shared the assessment summary for the pre-sentence report, with consent."},
		{"health", "GP surgery", "Asked the GP surgery for a summary of the person's medication, with consent."},
		{"other", "Housing options officer", "Called the council's housing team about emergency accommodation."},
		{"cps", "Crown prosecutor", "Answered the prosecutor's questions about the person's fitness for interview."},
	}
	othersPresentCodes = []string{"custody_staff", "solicitor", "interpreter", "other_professional"}
)

func contacts(g *gen, e *episode) {
	if at, ok := e.at(liaise.EpisodeScreened); ok && g.chance(0.85) {
		g.directContact(e, at.Add(-g.dur(20*minute, 40*minute)), g.between(15, 60), false, e.site.actLoc)
	}
	if at, ok := e.at(liaise.EpisodeAssessed); ok {
		g.directContact(e, at.Add(-g.dur(hour, 2*hour)), g.between(40, 120), true, e.site.actLoc)
	}
	if from, ok := e.at(liaise.EpisodeSupport); ok {
		to := e.horizon(g)
		if e.closed {
			to = e.end
		}
		for range g.between(1, 6) {
			loc := weighted(g, []string{"A01", "N03", "N02", "M02"}, []int{40, 30, 20, 10})
			g.directContact(e, g.within(from, to), g.between(20, 90), true, loc)
		}
	}
	if e.reached(liaise.EpisodeAccepted) {
		for range weighted(g, []int{0, 1, 2, 3}, []int{25, 40, 25, 10}) {
			w := pick(g, indirectWith)
			if e.child && g.chance(0.4) {
				w = struct{ agency, role, summary string }{"youth_justice", "YJS case worker", "Agreed next steps with the youth justice service."}
			}
			start, _ := e.at(liaise.EpisodeAccepted)
			c := sqlstore.Contact{Kind: sqlstore.ContactIndirect, OccurredAt: lt(g.within(start, e.horizon(g))), Minutes: g.between(5, 30),
				CounterpartAgencyType: w.agency, CounterpartRole: w.role, Summary: w.summary}
			g.contact(e, c)
		}
	}
}

// mechanismFrom is when the consultation-mechanism codes (MHSDS v5) start:
// the code list holds no earlier codes, so a direct contact before it could
// not be recorded with a valid one and is not made.
var mechanismFrom = time.Date(2021, time.October, 1, 0, 0, 0, 0, liaise.London)

func (g *gen) directContact(e *episode, at time.Time, minutes int, planned bool, loc string) {
	if at.Before(mechanismFrom) {
		return
	}
	if at.Before(e.alerted) {
		at = e.alerted
	}
	c := sqlstore.Contact{Kind: sqlstore.ContactDirect, OccurredAt: lt(at), Minutes: minutes, ConsultationMechanism: "01",
		ActivityLocationType: loc, AttendedOrDNA: "5", Planned: planned, Summary: pick(g, directSummaries)}
	if planned && g.chance(0.25) {
		c.ConsultationMechanism = weighted(g, []string{"02", "11"}, []int{80, 20})
	}
	if planned && g.chance(0.1) {
		c.AttendedOrDNA = weighted(g, []string{"3", "2", "6"}, []int{60, 25, 15})
	}
	if e.child && !planned {
		c.OthersPresent = append(c.OthersPresent, "appropriate_adult")
	}
	if e.p.InterpreterNeeded {
		c.OthersPresent = append(c.OthersPresent, "interpreter")
	} else if g.chance(0.15) {
		c.OthersPresent = append(c.OthersPresent, pick(g, othersPresentCodes))
	}
	if e.p.ReasonableAdjustments != "" && g.chance(0.5) {
		c.ReasonableAdjustment = "Followed the adjustments on the person's record."
	}
	g.contact(e, c)
}

func (g *gen) contact(e *episode, c sqlstore.Contact) {
	at := c.OccurredAt.Time
	if at.After(g.until) {
		return
	}
	by := e.worker
	recorded := g.recorded(at)
	if g.check {
		g.fail(c.Kind+" contact", sqlstore.ValidateContact(c, lt(recorded)))
	}
	id := g.id(tContacts)
	g.row(tContacts, id, e.id, e.prov.id, e.team.id, e.p.ID, c.Kind, c.OccurredAt, lt(recorded), staffID(by), int64(c.Minutes),
		c.ConsultationMechanism, c.ActivityLocationType, c.AttendedOrDNA, strings.Join(c.OthersPresent, " "), c.ReasonableAdjustment, c.Planned,
		c.CounterpartAgencyType, c.CounterpartRole, c.Summary)
	what := "Direct contact"
	if c.Kind == sqlstore.ContactIndirect {
		what = "Liaison with " + strings.ToLower(liaise.LabelOf(sqlstore.CounterpartAgencyTypes, c.CounterpartAgencyType))
	}
	g.personEvent(e.p.ID, at, recorded, by, "contact", fmt.Sprintf("%s (%d minutes)", what, c.Minutes))
	g.write(by, recorded, liaise.AuditCreate, "contact", id, e, c.Kind+lateDetail(at, recorded))
}

// --- Onward referrals ------------------------------------------------------------------------------

var referralServices = map[string][]string{
	"mental_health":         {"Community Mental Health Team", "Primary care mental health (talking therapies)", "Early Intervention in Psychosis team"},
	"substance_drugs":       {"Community drug and alcohol recovery service", "Needle exchange and harm reduction service"},
	"substance_alcohol":     {"Community drug and alcohol recovery service", "Alcohol liaison nurse"},
	"housing":               {"Council housing options team", "Homeless outreach (street team)"},
	"finance_debt_benefits": {"Citizens Advice debt service"},
	"domestic_abuse":        {"Independent domestic violence adviser (IDVA) service"},
	"learning_disability":   {"Community learning disability team"},
	"employment_education":  {"Employment support (IPS)"},
}

var referralNeeds = []string{"mental_health", "substance_drugs", "substance_alcohol", "housing", "finance_debt_benefits", "domestic_abuse",
	"learning_disability", "employment_education"}
var referralNeedW = []int{35, 20, 15, 12, 6, 4, 4, 4}

func onwardReferrals(g *gen, e *episode) {
	var from time.Time
	switch {
	case e.reached(liaise.EpisodeAssessed) && g.chance(0.5):
		from, _ = e.at(liaise.EpisodeAssessed)
	case e.reached(liaise.EpisodeSupport) && g.chance(0.4):
		from, _ = e.at(liaise.EpisodeSupport)
	case e.final == liaise.EpisodeClosed && e.steps[len(e.steps)-1].reason == liaise.CloseReferredOn:
		from = e.end.Add(-g.dur(10*minute, hour))
	case e.reached(liaise.EpisodeScreened) && g.chance(0.08):
		from, _ = e.at(liaise.EpisodeScreened)
	default:
		return
	}
	for range weighted(g, []int{1, 2}, []int{80, 20}) {
		g.onwardReferral(e, from.Add(g.dur(10*minute, 2*hour)))
	}
}

func (g *gen) onwardReferral(e *episode, decided time.Time) {
	if decided.After(g.until) {
		return
	}
	need := weighted(g, referralNeeds, referralNeedW)
	r := liaise.OnwardReferral{EpisodeID: e.id, Need: need, Service: pick(g, referralServices[need]) + " (" + e.p.area.towns[0].name + ")",
		Method:    weighted(g, []string{"ers", "secure_email", "phone", "warm_handover", "letter"}, []int{15, 40, 20, 20, 5}),
		DecidedAt: lt(decided), SupportedToFirstAppointment: g.chance(0.3)}
	by := e.worker
	type move struct {
		to     liaise.ReferralState
		reason string
		at     time.Time
	}
	var moves []move
	at := decided
	state := liaise.ReferralPlanned
	if g.chance(0.85) {
		state = liaise.ReferralSent
		at = at.Add(g.dur(0, 2*day))
		if at.After(g.until) {
			state, at = liaise.ReferralPlanned, decided
		}
	}
	moves = append(moves, move{state, "", at})
	next := func(to liaise.ReferralState, reason string, gap time.Duration) bool {
		t := at.Add(gap)
		if t.After(g.until) {
			return false
		}
		at = t
		moves = append(moves, move{to, reason, t})
		return true
	}
	if state == liaise.ReferralPlanned && g.chance(0.7) {
		if !next(liaise.ReferralSent, "", g.dur(hour, 3*day)) {
			goto done
		}
	}
	if moves[len(moves)-1].to != liaise.ReferralSent {
		goto done
	}
	if g.chance(0.1) {
		next(liaise.ReferralDeclined, "Does not meet the service's criteria.", g.dur(day, 10*day))
		goto done
	}
	if g.chance(0.6) && !next(liaise.ReferralAcknowledged, "", g.dur(hour, 5*day)) {
		goto done
	}
	if !g.chance(0.85) || !next(liaise.ReferralFirstAppointmentBooked, "", g.dur(day, 14*day)) {
		goto done
	}
	r.FirstAppointmentAt = lt(at.Add(g.dur(2*day, 14*day)))
	if r.FirstAppointmentAt.After(g.until) {
		goto done
	}
	if g.chance(0.3) {
		if !next(liaise.ReferralDidNotAttend, "", r.FirstAppointmentAt.Sub(at)+g.dur(hour, day)) {
			goto done
		}
		if !g.chance(0.5) || !next(liaise.ReferralFirstAppointmentBooked, "", g.dur(day, 7*day)) {
			goto done
		}
		r.FirstAppointmentAt = lt(at.Add(g.dur(2*day, 14*day)))
		if r.FirstAppointmentAt.After(g.until) {
			goto done
		}
	}
	if !next(liaise.ReferralAttended, "", r.FirstAppointmentAt.Sub(at)+g.dur(hour, 2*day)) {
		goto done
	}
	r.AttendedAt = lt(at)
	if g.chance(0.25) {
		next(liaise.ReferralDisengaged, "", g.dur(7*day, 60*day))
		goto done
	}
	if !next(liaise.ReferralEngaged4Weeks, "", 28*day+g.dur(0, 7*day)) {
		goto done
	}
	if g.chance(0.2) {
		next(liaise.ReferralDisengaged, "", g.dur(7*day, 50*day))
		goto done
	}
	next(liaise.ReferralEngaged12Weeks, "", 56*day+g.dur(0, 14*day))
done:
	r.State = moves[len(moves)-1].to
	for _, m := range moves {
		if m.to == liaise.ReferralSent {
			r.SentAt = lt(m.at)
		}
	}
	if !slices.ContainsFunc(moves, func(m move) bool { return m.to == liaise.ReferralFirstAppointmentBooked }) {
		r.FirstAppointmentAt = liaise.Time{}
	}
	if g.check {
		g.fail("onward referral", liaise.ValidateReferral(r))
		g.fail("onward referral need", codes.Check("vulnerabilities", r.Need, londonDate(decided)))
	}
	id := g.id(tReferrals)
	created := g.recorded(moves[0].at)
	updated := created
	var prevState liaise.ReferralState
	var prev time.Time
	var attended liaise.Time
	var task *referralTask
	for i, m := range moves {
		recorded := created
		if i > 0 {
			recorded = g.recorded(m.at)
			if recorded.After(updated) {
				updated = recorded
			}
		}
		if g.check {
			tc := liaise.TransitionContext{Reason: m.reason, OccurredAt: lt(m.at), RecordedAt: lt(recorded), PreviousOccurredAt: lt(prev), AttendedAt: attended}
			g.fail("onward referral transition to "+string(m.to), liaise.CheckReferralTransition(prevState, m.to, tc))
		}
		g.row(tReferralTransitions, g.id(tReferralTransitions), id, string(prevState), string(m.to), m.reason, lt(m.at), lt(recorded), staffID(by))
		if i == 0 {
			g.write(by, recorded, liaise.AuditCreate, "onward_referral", id, e, "state "+string(m.to)+lateDetail(m.at, recorded))
			g.personEvent(e.p.ID, m.at, recorded, by, "referral", "Onward referral to "+r.Service+" ("+lowerFirst(m.to.Label())+")")
		} else {
			g.write(by, recorded, liaise.AuditUpdate, "onward_referral", id, e, fmt.Sprintf("transition %s to %s%s", prevState, m.to, lateDetail(m.at, recorded)))
		}
		if m.to == liaise.ReferralSent {
			task = &referralTask{sentAt: m.at, recorded: recorded}
		} else if task != nil && task.doneAt.IsZero() && i > 0 {
			task.doneAt = recorded
		}
		if m.to == liaise.ReferralAttended {
			attended = lt(m.at)
		}
		prevState, prev = m.to, m.at
	}
	g.row(tReferrals, id, e.id, e.prov.id, e.team.id, e.p.ID, r.Need, r.Service, r.Method, string(r.State), r.DecidedAt, nullTime(r.SentAt),
		nullTime(r.FirstAppointmentAt), nullTime(r.AttendedAt), r.SupportedToFirstAppointment, int64(len(moves)), lt(created), staffID(by), lt(updated))
	if task != nil {
		// The outcome check, due 14 days after sending (LIAISE_REFERRAL_CHECK_DAYS).
		due := sqlstore.EndOfDay(londonDate(task.sentAt.Add(14 * day)))
		g.task(e, autoTask{kind: sqlstore.TaskReferralOutcomeCheck, title: "Check the outcome of the referral to " + r.Service,
			due: due.Time, allDay: true, assignee: by, sourceType: "referral", sourceID: id, created: task.recorded, by: by,
			done: task.doneAt, doneBy: by, manualDone: true})
	}
}

type referralTask struct{ sentAt, recorded, doneAt time.Time }

func nullTime(t liaise.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// --- Case notes -------------------------------------------------------------------------------------

var (
	screenNotes = []string{
		"Seen in a private room in custody. Calm and polite, answered questions well. Described poor sleep and worry about housing. No immediate risk identified.",
		"Screened with the custody nurse present. Reports low mood for some months and drinking most days. Agreed to a follow-up call from the team.",
		"Speech was quiet and slow; needed questions repeated and put simply. Advised custody staff to check understanding in interview.",
		"Settled and cooperative. Talked about stopping medication a few weeks ago. Will ask the GP practice for a summary with consent.",
		"Tearful at first, settled after a drink. Says they have not slept for days. Advised the sergeant on observation levels.",
	}
	followNotes = []string{
		"Telephone follow-up: the person is staying with family and has an appointment with their GP next week.",
		"Met at the community base. Talked through goals for the next month; keen to get back into routine.",
		"Liaised with probation about the next appointment; they will share the date with the person.",
		"Left a voicemail and sent a letter with the team's number, as agreed.",
		"Accompanied to the housing office; placed in temporary accommodation tonight.",
	}
	shortNotes = []string{
		"Released before L&D could see them. Left a leaflet with the custody sergeant to pass on.",
		"Referral did not meet the criteria for this service; the custody sergeant was told and agreed.",
		"Person declined to speak with L&D today. Told them how to contact the team later if they wish.",
	}
	closingNotes = []string{
		"Closing: needs met for now; the person knows how to contact the team again.",
		"Closing after three attempts to make contact; letter sent with the team's number.",
		"Closing: handed over to the community mental health team, who have seen the person.",
	}
)

func caseNotes(g *gen, e *episode) {
	if at, ok := e.at(liaise.EpisodeScreened); ok {
		g.note(e, at.Add(g.dur(0, 30*minute)), pick(g, screenNotes))
		if g.chance(0.3) {
			g.note(e, at.Add(g.dur(30*minute, 6*hour)), pick(g, followNotes))
		}
	} else if e.final == liaise.EpisodeRejected || e.reached(liaise.EpisodeNotScreened) || (e.closed && g.chance(0.5)) {
		g.note(e, e.end, pick(g, shortNotes))
	}
	if from, ok := e.at(liaise.EpisodeSupport); ok {
		to := e.horizon(g)
		if e.closed {
			to = e.end
		}
		for range g.between(1, 4) {
			g.note(e, g.within(from, to), pick(g, followNotes))
		}
	}
	if e.closed && e.reached(liaise.EpisodeScreened) && g.chance(0.6) {
		g.note(e, e.end, pick(g, closingNotes))
	}
}

func (g *gen) note(e *episode, at time.Time, text string) {
	if at.After(g.until) {
		return
	}
	by := e.worker
	if by == nil {
		by = e.identifiedBy
	}
	recorded := g.recorded(at)
	g.checkTime("case note", at, recorded)
	restricted := g.chance(0.03)
	id := g.id(tNotes)
	g.row(tNotes, id, e.id, lt(at), lt(recorded), staffID(by), text, restricted)
	detail := "note added"
	if restricted {
		detail += ", restricted to the team"
	}
	g.write(by, recorded, liaise.AuditCreate, "case_note", id, e, detail+lateDetail(at, recorded))
}

// --- Tasks ------------------------------------------------------------------------------------------

type autoTask struct {
	kind, title         string
	due                 time.Time
	allDay              bool
	assignee            *staff
	sourceType          string
	sourceID            int64
	created             time.Time
	by                  *staff
	done                time.Time
	doneBy              *staff
	manualDone          bool // completed by a person ("completed"), not a rule
	createdDetailManual bool
	// exact: created and done are when they were recorded (the task was
	// made and completed by the system in another record's transaction).
	exact bool
}

// tasks writes the tasks rules make (the retry of a deferral, youth
// justice liaison for a child) and a few added by hand.
func tasks(g *gen, e *episode) {
	for i, st := range e.steps {
		if st.to != liaise.EpisodeDeferred || st.retry.IsZero() {
			continue
		}
		t := autoTask{kind: sqlstore.TaskDeferredRetry, title: "Try again to see the person (deferred: " + lowerFirst(codes.Label("deferral-reasons", st.reason)) + ")",
			due: st.retry, assignee: e.alloc, sourceType: "episode_transition", created: st.at, by: st.by}
		if i+1 < len(e.steps) {
			t.done, t.doneBy = e.steps[i+1].at, e.steps[i+1].by
		}
		g.task(e, t)
	}
	if e.child {
		day := londonDate(e.alerted)
		t := autoTask{kind: sqlstore.TaskYJSLiaison, title: "Liaise with the youth justice service (a child under 18)",
			due: sqlstore.EndOfDay(codes.AddWorkingDays(day, 1)).Time, allDay: true, assignee: e.identifiedBy, sourceType: "episode",
			created: e.alerted, by: e.identifiedBy, doneBy: e.worker, manualDone: true}
		if g.chance(0.9) {
			t.done = e.alerted.Add(g.dur(2*hour, 30*hour))
		}
		g.task(e, t)
	}
	if e.reached(liaise.EpisodeAccepted) && g.chance(0.12) {
		start, _ := e.at(liaise.EpisodeAccepted)
		created := g.within(start, e.horizon(g))
		t := autoTask{kind: sqlstore.TaskManual, title: pick(g, []string{"Chase the GP summary", "Book an interpreter for the assessment",
			"Send the court report", "Call the person back", "Check the housing application"}),
			due: created.Add(g.dur(4*hour, 5*day)), assignee: e.worker, created: created, by: e.worker, doneBy: e.worker,
			manualDone: true, createdDetailManual: true}
		if g.chance(0.9) {
			t.done = created.Add(g.dur(hour, 6*day))
		}
		g.task(e, t)
	}
}

// task writes one task; it is completed when done is set and not after the
// end of the data.
func (g *gen) task(e *episode, t autoTask) {
	if t.created.After(g.until) {
		return
	}
	created := t.created
	if !t.exact {
		created = g.recorded(t.created)
	}
	if t.allDay {
		t.due = sqlstore.EndOfDay(londonDate(t.due)).Time
	}
	assignee := t.assignee
	if assignee != nil && !slices.Contains(e.team.staff, assignee) {
		assignee = nil
	}
	var completedAt, completedBy any
	version, updated := int64(1), created
	// Nothing is left open on a closed episode: someone ticked it off.
	if e.closed && (t.done.IsZero() || t.done.After(e.end.Add(3*day))) {
		t.done = g.within(e.end, e.end.Add(3*day))
		if t.done.Before(t.created) {
			t.done = t.created.Add(g.dur(minute, hour))
		}
		if t.doneBy == nil {
			t.doneBy = e.worker
		}
		t.manualDone, t.exact = true, false
	}
	var done time.Time
	if !t.done.IsZero() {
		done = t.done
		if !t.exact {
			done = g.recorded(t.done)
		}
		if done.Before(created) {
			done = created
		}
		if !t.done.After(g.until) {
			completedAt, completedBy, version, updated = lt(done), staffID(t.doneBy), 2, done
		}
	}
	id := g.id(tTasks)
	g.row(tTasks, id, e.prov.id, e.team.id, e.id, t.kind, t.title, lt(t.due), t.allDay, staffID(assignee), t.sourceType, nullID(t.sourceID),
		lt(created), staffID(t.by), completedAt, completedBy, version, lt(updated))
	detail := "created automatically: " + t.kind
	if t.createdDetailManual {
		detail = "task added"
	}
	g.write(t.by, created, liaise.AuditCreate, "task", id, e, detail)
	if completedAt != nil {
		detail := "completed automatically"
		if t.manualDone {
			detail = "completed"
		}
		g.write(t.doneBy, done, liaise.AuditUpdate, "task", id, e, detail)
	}
}

// --- Justice outcomes --------------------------------------------------------------------------------

func justiceOutcomes(g *gen, e *episode) {
	if !e.reached(liaise.EpisodeAccepted) {
		return
	}
	start, _ := e.at(liaise.EpisodeAccepted)
	var o sqlstore.JusticeOutcome
	switch {
	case e.setting == liaise.SettingPoliceCustody || e.setting == liaise.SettingVoluntaryAttendance:
		if !g.chance(0.5) {
			return
		}
		o.Stage = liaise.StageCustody
		if e.child {
			o.Outcome = weighted(g, []string{liaise.CustodyNFA, liaise.CustodyRUI, liaise.CustodyYouthCaution, liaise.CustodyYouthConditionalCaution, liaise.CustodyCharge, liaise.CustodyBail},
				[]int{25, 20, 20, 15, 12, 8})
		} else {
			o.Outcome = weighted(g, []string{liaise.CustodyNFA, liaise.CustodyRUI, liaise.CustodyBail, liaise.CustodyCharge, liaise.CustodyDiversionaryCaution, liaise.CustodyCommunityCaution},
				[]int{20, 25, 15, 25, 9, 6})
		}
	case liaise.CourtSetting(e.setting):
		if !g.chance(0.45) {
			return
		}
		o.Stage = liaise.StageCourt
		if e.child {
			o.Outcome = weighted(g, []string{liaise.CourtReferralOrder, liaise.CourtYRO, liaise.CourtRemandBail, liaise.CourtDischarge}, []int{40, 30, 20, 10})
		} else {
			o.Outcome = weighted(g, []string{liaise.CourtRemandCustody, liaise.CourtRemandBail, liaise.CourtCommunityOrder, liaise.CourtSuspendedSentence,
				liaise.CourtCustodialSentence, liaise.CourtHospitalOrder, liaise.CourtDischarge, liaise.CourtFine}, []int{10, 20, 25, 12, 12, 1, 10, 10})
		}
		if (o.Outcome == liaise.CourtCommunityOrder || o.Outcome == liaise.CourtSuspendedSentence) && g.chance(0.35) {
			for _, r := range liaise.OrderRequirements {
				if g.chance(0.4) {
					o.Requirements = append(o.Requirements, r)
				}
			}
		}
	default:
		return
	}
	at := g.within(start.Add(2*hour), start.Add(36*hour))
	if at.After(g.until) {
		return
	}
	o.OccurredAt = lt(at)
	for _, r := range []string{liaise.RecommendInterviewAdaptations, liaise.RecommendAppropriateAdult, liaise.RecommendDiversionOOCD, liaise.RecommendBailWithSupport, liaise.RecommendCSTRMHTR} {
		if g.chance(0.15) {
			o.Recommendations = append(o.Recommendations, liaise.Recommendation{Type: r,
				Followed: weighted(g, []string{liaise.FollowedYes, liaise.FollowedNo, liaise.FollowedUnknown}, []int{60, 20, 20})})
		}
	}
	by := e.worker
	recorded := g.recorded(at)
	if g.check {
		g.fail("justice outcome", sqlstore.ValidateOutcome(o, lt(recorded)))
	}
	id := g.id(tOutcomes)
	g.row(tOutcomes, id, e.id, e.prov.id, e.team.id, e.p.ID, o.Stage, o.Outcome, strings.Join(o.Requirements, " "), o.OccurredAt, lt(recorded), staffID(by), "")
	for _, r := range o.Recommendations {
		g.row(tOutcomeRecs, g.id(tOutcomeRecs), id, r.Type, r.Detail, r.Followed)
	}
	title := "Custody outcome: "
	if o.Stage == liaise.StageCourt {
		title = "Court outcome: "
	}
	g.personEvent(e.p.ID, at, recorded, by, "outcome", title+sqlstore.OutcomeLabel(o.Stage, o.Outcome))
	g.write(by, recorded, liaise.AuditCreate, "justice_outcome", id, e, o.Stage+" "+o.Outcome+lateDetail(at, recorded))
}

// --- Children and young people -------------------------------------------------------------------------

func youth(g *gen, e *episode) {
	p := e.p
	start, ok := e.at(liaise.EpisodeAccepted)
	if !ok {
		return
	}
	if e.child && (e.setting == liaise.SettingPoliceCustody || e.setting == liaise.SettingVoluntaryAttendance) {
		at := start.Add(g.dur(5*minute, 90*minute))
		if !at.After(g.until) {
			in := sqlstore.AppropriateAdultInput{Present: g.chance(0.85), OccurredAt: lt(at)}
			if in.Present {
				in.Relationship = weighted(g, []string{"parent", "guardian", "carer", "social_worker", "la_representative"}, []int{55, 5, 10, 15, 15})
				in.Name = g.givenName(p.h, true) + " " + g.familyName(british, true)
				if in.Relationship == "parent" && p.Names[0].Family != "" {
					in.Name = g.givenName(p.h, true) + " " + p.Names[0].Family
				}
			} else {
				in.AbsentReason = weighted(g, []string{"not_yet_arrived", "refused", "other"}, []int{70, 20, 10})
				if in.AbsentReason == "other" {
					in.AbsentDetail = "Parent unreachable; the local authority is finding an appropriate adult."
				}
			}
			recorded := g.recorded(at)
			if g.check {
				if in.Present && (sqlstore.AARelationshipLabel(in.Relationship) == "" || in.Name == "") ||
					!in.Present && sqlstore.AAAbsentReasonLabel(in.AbsentReason) == "" {
					g.fail("appropriate adult", fmt.Errorf("%+v", in))
				}
				g.checkTime("appropriate adult", at, recorded)
			}
			id := g.id(tAppropriateAdults)
			g.row(tAppropriateAdults, id, e.prov.id, e.id, p.ID, in.Present, in.Relationship, in.Name, in.AbsentReason, in.AbsentDetail,
				lt(at), lt(recorded), staffID(e.worker))
			ev := g.event(e.worker, recorded, liaise.AuditCreate, "appropriate_adult", id, e.prov.id, e.team.id)
			ev.Detail = "present"
			if !in.Present {
				ev.Detail = "not present: " + in.AbsentReason
			}
			ev.Subjects = []int64{p.ID}
			g.audit(&ev)
		}
	}
	rate := 0.02
	if e.child {
		rate = 0.12
	}
	if !g.chance(rate) {
		return
	}
	at := g.within(start, e.horizon(g))
	to := "adult_safeguarding"
	if e.child {
		to = weighted(g, []string{"childrens_services", "mash"}, []int{50, 50})
	}
	in := sqlstore.SafeguardingInput{ReferredTo: to, Reference: fmt.Sprintf("SG-%d-%06d", londonDate(at).Year, e.id%1_000_000),
		Concern: "Disclosed being exploited to carry drugs; frightened of the people involved.", OccurredAt: lt(at)}
	if g.chance(0.6) {
		in.Outcome = "Strategy meeting held; allocated to a social worker."
	}
	recorded := g.recorded(at)
	if g.check && (sqlstore.SafeguardingLabel(in.ReferredTo) == "" || in.Reference == "") {
		g.fail("safeguarding referral", fmt.Errorf("%+v", in))
	}
	id := g.id(tSafeguarding)
	g.row(tSafeguarding, id, e.prov.id, e.id, p.ID, in.ReferredTo, in.Reference, in.Concern, in.Outcome, lt(at), lt(recorded), staffID(e.worker))
	// As the store words it for a document's safeguarding section.
	line := "Safeguarding referral to " + sqlstore.SafeguardingLabel(in.ReferredTo) + " on " + in.OccurredAt.Local().Format("2 Jan 2006") +
		", reference " + in.Reference + ": " + in.Concern
	e.safeguarding = append(e.safeguarding, timedLine{line, recorded})
	ev := g.event(e.worker, recorded, liaise.AuditCreate, "safeguarding_referral", id, e.prov.id, e.team.id)
	ev.Detail = in.ReferredTo
	ev.Subjects = []int64{p.ID}
	g.audit(&ev)
}

// --- Support goals ------------------------------------------------------------------------------------------

var goalDescriptions = map[string]string{
	sqlstore.GoalHousing: "Find somewhere settled to live", sqlstore.GoalBenefits: "Get Universal Credit restarted",
	sqlstore.GoalGPRegistration: "Register with a GP near the hostel", sqlstore.GoalSubstanceService: "Start with the recovery service",
	sqlstore.GoalMentalHealthService: "Attend the first CMHT appointment", sqlstore.GoalIDDocuments: "Get a birth certificate and photo ID",
	sqlstore.GoalBankAccount: "Open a basic bank account", sqlstore.GoalPhone: "Get a phone so services can reach them",
	sqlstore.GoalEducationEmployment: "Enrol on a college course", sqlstore.GoalOther: "Reconnect with their sister",
}

func supportGoals(g *gen, e *episode) {
	start, ok := e.at(liaise.EpisodeSupport)
	if !ok {
		return
	}
	worker := pickStaff(g, e.team.support, e.team.workers)
	if worker == nil {
		return
	}
	types := make([]string, 0, len(sqlstore.SupportGoalTypes))
	for _, t := range sqlstore.SupportGoalTypes {
		types = append(types, t.Code)
	}
	for range g.between(1, 3) {
		setAt := start.Add(g.dur(hour, 2*day))
		if setAt.After(g.until) {
			return
		}
		gl := sqlstore.SupportGoal{Type: pick(g, types), WorkerID: worker.id, SetAt: lt(setAt),
			TargetDate: londonDate(setAt.Add(g.dur(14*day, 42*day)))}
		gl.Description = goalDescriptions[gl.Type]
		recorded := g.recorded(setAt)
		if g.check {
			g.fail("support goal", sqlstore.ValidateSupportGoal(gl, lt(recorded)))
		}
		status, version, updated := sqlstore.SupportStatusOpen, int64(1), recorded
		var outcomeAt, outcomeRecorded any
		note := ""
		var outcomeRec time.Time
		if e.closed {
			status = weighted(g, []string{sqlstore.SupportStatusAchieved, sqlstore.SupportStatusPartly, sqlstore.SupportStatusNotAchieved, sqlstore.SupportStatusWithdrawn}, []int{50, 20, 20, 10})
			at := g.within(setAt, e.end)
			outcomeRec = g.recorded(at)
			if outcomeRec.Before(recorded) {
				outcomeRec = recorded
			}
			outcomeAt, outcomeRecorded, version, updated = lt(at), lt(outcomeRec), 2, outcomeRec
			note = "Reviewed with the person at the end of support."
		}
		id := g.id(tSupportGoals)
		g.row(tSupportGoals, id, e.id, e.prov.id, e.team.id, e.p.ID, gl.Type, gl.Description, worker.id, gl.SetAt, gl.TargetDate, status,
			note, outcomeAt, outcomeRecorded, lt(recorded), staffID(worker), version, lt(updated))
		g.write(worker, recorded, liaise.AuditCreate, "support_goal", id, e, gl.Type+lateDetail(setAt, recorded))
		if outcomeAt != nil {
			g.write(worker, outcomeRec, liaise.AuditUpdate, "support_goal", id, e, "outcome "+status)
		}
	}
}

// --- Reads ------------------------------------------------------------------------------------------------------

// reads records staff opening the episode and the person, and the search
// that found them, as the pages audit them: most of an audit trail is
// reads.
func reads(g *gen, e *episode) {
	p := e.p
	to := e.horizon(g)
	// The search before quick identify (or to find them again), showing
	// them among others.
	if by := e.identifiedBy; by != nil {
		at := e.alerted.Add(-g.dur(minute, 5*minute))
		ev := g.event(by, at, liaise.AuditList, "person_search", 0, by.provider, 0)
		ev.Detail = weighted(g, []string{"search by name and date of birth", "search by name", "search by identifier"}, []int{50, 35, 15})
		ev.Subjects = append(ev.Subjects, p.ID)
		for range g.between(0, 3) {
			if p.ID > 1 {
				ev.Subjects = append(ev.Subjects, 1+g.r.Int64N(p.ID-1))
			}
		}
		g.audit(&ev)
	}
	readers := []*staff{e.worker, e.worker, e.identifiedBy}
	if m := pickStaff(g, e.team.managers, e.team.seniors); m != nil {
		readers = append(readers, m)
	}
	n := g.between(1, 3)
	if e.reached(liaise.EpisodeSupport) {
		n += g.between(1, 3)
	}
	for range n {
		by := pick(g, readers)
		if by == nil {
			continue
		}
		at := g.within(e.alerted, to)
		ev := g.event(by, at, liaise.AuditRead, "episode", e.id, e.prov.id, e.team.id)
		ev.Subjects = []int64{p.ID}
		g.audit(&ev)
		if g.chance(0.2) {
			ev := g.event(by, at.Add(g.dur(10*time.Second, 5*minute)), liaise.AuditRead, "person", p.ID, p.ProviderID, p.TeamID)
			g.audit(&ev)
		}
	}
}
