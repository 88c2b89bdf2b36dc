package seed

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Documents for police and court (custody advice notes, court reports and
// communication profiles), as the store's DraftDocument, SaveDocumentVersion,
// ApproveDocument, IssueDocument and WithdrawDocument would have written
// them: drafted by liaise.DraftDocument from what the record held at the
// time, edited into later versions through liaise.ValidateDocumentSections,
// approved, then issued after an identity check as a disclosure under the
// person's consent, which names the version it shared.

// documentsStep is the step's name in the registry.
const documentsStep = "documents"

// docIssue is a disclosure the disclosures step left to the documents step
// to make as the issue of a document of kind.
type docIssue struct {
	kind string
	d    liaise.Disclosure
	at   time.Time
}

// documentKind says whether d goes out as a document, and of which kind
// ("" when it does not): a share of the interview adaptations told to the
// police in custody goes as a custody advice note, of the written reports
// to the court and of the pre-sentence reports to probation as a court
// report.
func (g *gen) documentKind(e *episode, d liaise.Disclosure) string {
	if !g.documents {
		return ""
	}
	switch {
	case d.RecipientAgency == liaise.RecipientPolice && d.Purpose == liaise.PurposeInterviewAdaptations && e.setting == liaise.SettingPoliceCustody:
		if g.chance(0.45) {
			return liaise.DocAdviceNote
		}
	case d.RecipientAgency == liaise.RecipientCourt && d.Channel != liaise.ChannelVerbal:
		if g.chance(0.5) {
			return liaise.DocCourtReport
		}
	case d.RecipientAgency == liaise.RecipientProbation && d.Purpose == liaise.PurposePSR:
		if g.chance(0.3) {
			return liaise.DocCourtReport
		}
	}
	return ""
}

// documents makes the episode's documents: those issued as the disclosures
// the disclosures step set aside, a few communication profiles issued to
// the police or the court, and now and then a draft still being written on
// an open episode.
func documents(g *gen, e *episode) {
	for _, x := range e.docIssues {
		g.issuedDocument(e, x)
	}
	if e.profile != nil && g.chance(0.2) {
		g.profileDocument(e)
	}
	if !e.closed && e.screening != nil && g.chance(0.06) {
		g.draftDocument(e)
	}
}

// docPlan is one document's life: who wrote it and when each version was
// written, then optionally its approval, issue and withdrawal.
type docPlan struct {
	kind    string
	writer  *staff
	written []time.Time
	// approved is zero for a document still in draft.
	approved time.Time
	approver *staff
	// issue, when set, is the disclosure that issues the last version, at
	// issue.at (its occurred and recorded time, as the store's issue is).
	issue    *docIssue
	identity string
	// withdrawn is zero unless the issued document was withdrawn.
	withdrawn time.Time
	reason    string
}

// canApprove reports whether s's role may approve and issue documents
// (liaise.CapDocumentApprove).
func canApprove(s *staff) bool {
	switch s.role {
	case "practitioner", "senior_practitioner", "slt", "team_manager":
		return true
	}
	return false
}

// approverFor is who approves and issues what writer wrote: mostly the
// writer, sometimes a senior of the team.
func (g *gen) approverFor(e *episode, writer *staff) *staff {
	if canApprove(writer) && !g.chance(0.3) {
		return writer
	}
	if s := pickStaff(g, e.team.seniors, e.team.workers); s != nil {
		return s
	}
	return writer
}

// lastDraftBefore is the latest time a document can be drafted for e: the
// store refuses to draft one on a closed episode.
func (e *episode) lastDraftBefore(g *gen) time.Time {
	if e.closed {
		return e.end.Add(-time.Minute)
	}
	return g.until
}

// versionTimes lays out n version times from start, the last at least a few
// minutes before by.
func (g *gen) versionTimes(n int, start, by time.Time) []time.Time {
	out := make([]time.Time, 0, n)
	at := start
	for i := range n {
		if i > 0 {
			at = g.within(at.Add(minute), by)
		}
		out = append(out, at)
	}
	return out
}

var identityMethods = map[string][]string{
	liaise.RecipientPolice:    {"custody_record", "custody_record", "custody_record", "pnc", "in_person"},
	liaise.RecipientCourt:     {"court_list", "court_list", "court_list", "nhs_number", "in_person"},
	liaise.RecipientProbation: {"nhs_number", "in_person", "pnc"},
}

// issuedDocument makes the document that issued x, or, when the record
// held nothing to draft it from in time, shares x as a plain disclosure.
func (g *gen) issuedDocument(e *episode, x docIssue) {
	plain := func() { g.disclosure(e, x.d, x.at, "", disclosureOpt{}) }
	start, lastDraft := e.sourcesAt[0], e.lastDraftBefore(g)
	if e.screening == nil || start.Add(2*minute).After(lastDraft) {
		plain()
		return
	}
	// Drafting, checking and approving take a while: the issue follows the
	// screening by half an hour at least.
	at := x.at
	if at.Before(start.Add(30 * minute)) {
		at = start.Add(g.dur(30*minute, 2*hour))
	}
	versions := weighted(g, []int{1, 2, 3}, []int{50, 45, 5})
	if x.kind == liaise.DocCourtReport {
		versions = weighted(g, []int{2, 3}, []int{85, 15}) // the effect on participation is always written in
	}
	writer := e.worker
	approver := g.approverFor(e, writer)
	first := start.Add(at.Sub(start) / 3)
	if first.After(lastDraft) {
		first = lastDraft
	}
	first = g.within(start.Add(2*minute), first)
	plan := docPlan{kind: x.kind, writer: writer, written: g.versionTimes(versions, first, at.Add(-5*minute))}
	approved := g.within(plan.written[len(plan.written)-1].Add(minute), at.Add(-minute))
	if at.After(e.horizon(g)) || g.chance(0.08) {
		// Not finished before the end of the data or of the episode, or the
		// advice went by word of mouth in the end: the document stays a
		// draft or approved, and the sharing is recorded as it was made.
		plan.written = plan.written[:1]
		if !first.After(g.until) {
			if x.kind != liaise.DocCourtReport && approved.Before(g.until) && approved.Before(e.horizon(g)) && g.chance(0.4) {
				plan.approved, plan.approver = approved, approver
			}
			g.document(e, plan)
		}
		plain()
		return
	}
	issue := x
	issue.at = at
	issue.d.Channel = weighted(g, []string{liaise.ChannelSecureEmail, liaise.ChannelDocumentUpload}, []int{75, 25})
	plan.approved, plan.approver = approved, approver
	plan.issue = &issue
	plan.identity = pick(g, identityMethods[x.d.RecipientAgency])
	if g.chance(0.03) {
		if w := at.Add(g.dur(hour, 3*day)); !w.After(e.horizon(g)) {
			plan.withdrawn = w
			plan.reason = pick(g, []string{"Sent to the wrong secure email address; the recipient confirmed it was deleted.",
				"Issued before the latest assessment was added: superseded by the next version.",
				"The hearing was vacated, so the report is no longer needed."})
		}
	}
	if id := g.document(e, plan); id == 0 {
		// No active consent by the time of the issue: shared as first made.
		plain()
	}
}

// profileDocument issues the speech and language therapist's communication
// profile to the police or the court, where the person consented.
func (g *gen) profileDocument(e *episode) {
	slt, start := e.profileBy, e.sourcesAt[2]
	d := liaise.Disclosure{Purpose: liaise.DocumentPurpose(liaise.DocCommunicationProfile), Channel: liaise.ChannelSecureEmail}
	switch {
	case e.setting == liaise.SettingPoliceCustody || e.setting == liaise.SettingVoluntaryAttendance:
		d.RecipientAgency, d.RecipientRole = liaise.RecipientPolice, "Officer in the case"
	case liaise.CourtSetting(e.setting):
		d.RecipientAgency, d.RecipientRole = liaise.RecipientCourt, "Legal adviser"
	default:
		return
	}
	first := start.Add(g.dur(10*minute, 2*day))
	if first.After(e.lastDraftBefore(g)) {
		return
	}
	at := first.Add(g.dur(30*minute, 6*hour))
	plan := docPlan{kind: liaise.DocCommunicationProfile, writer: slt, written: []time.Time{first}}
	if g.chance(0.2) {
		plan.written = g.versionTimes(2, first, at.Add(-10*minute))
	}
	if !at.After(e.horizon(g)) {
		plan.approved, plan.approver = at.Add(-g.dur(2*minute, 8*minute)), slt
		plan.issue = &docIssue{kind: liaise.DocCommunicationProfile, d: d, at: at}
		plan.identity = pick(g, identityMethods[d.RecipientAgency])
	}
	g.document(e, plan)
}

// draftDocument starts a document on an open episode that is still a
// draft (or approved, waiting to be issued) at the end of the data.
func (g *gen) draftDocument(e *episode) {
	kind := liaise.DocAdviceNote
	if liaise.CourtSetting(e.setting) || e.setting == liaise.SettingProbation {
		kind = liaise.DocCourtReport
	}
	first := g.within(e.sourcesAt[0].Add(10*minute), g.until)
	if first.After(g.until) {
		return
	}
	plan := docPlan{kind: kind, writer: e.worker, written: []time.Time{first}}
	if g.chance(0.3) {
		plan.written = g.versionTimes(2, first, g.until)
		if kind == liaise.DocAdviceNote && g.chance(0.5) {
			if a := plan.written[1].Add(g.dur(minute, hour)); !a.After(g.until) {
				plan.approved, plan.approver = a, g.approverFor(e, e.worker)
			}
		}
	}
	g.document(e, plan)
}

// documentHeader is the store's documentHeader for e.
func documentHeader(e *episode) liaise.DocumentHeader {
	p := e.p
	h := liaise.DocumentHeader{PersonName: p.DisplayName(), IdentityStatus: p.IdentityStatus, CustodyRecord: e.custodyRecord,
		CourtReference: e.courtReference, Site: e.site.name, HearingDate: e.hearing, Team: e.team.name}
	switch {
	case !p.DOBUnknown && !p.DateOfBirth.IsZero():
		h.DateOfBirth = p.DateOfBirth.Time().Format("2 January 2006")
	case p.EstimatedAge > 0:
		h.DateOfBirth = "Not known (about " + strconv.Itoa(p.EstimatedAge) + ")"
	default:
		h.DateOfBirth = "Not known"
	}
	h.Child = documentChild(e)
	return h
}

// documentChild is the store's youthAge and TreatAsChild: under 18 when L&D
// was alerted, or of unknown age and estimated under 18.
func documentChild(e *episode) bool {
	p := e.p
	if !p.DOBUnknown && !p.DateOfBirth.IsZero() {
		return liaise.TreatAsChild(liaise.AgeOn(p.DateOfBirth, londonDate(e.alerted)), false)
	}
	if p.EstimatedAge > 0 {
		return liaise.TreatAsChild(-1, p.EstimatedAge < 18)
	}
	return false
}

// documentSources is what the record held at at, as the store's
// documentSources reads it.
func documentSources(e *episode, at time.Time) liaise.DocumentSources {
	src := liaise.DocumentSources{Person: e.p.Person, Label: codes.Label, Child: documentChild(e),
		When: func(t liaise.Time) string { return t.Local().Format("2 Jan 2006 15:04") }}
	if e.screening != nil && !e.sourcesAt[0].After(at) {
		src.Screening = e.screening
	}
	if e.assessment != nil && !e.sourcesAt[1].After(at) {
		src.Assessments = []liaise.Assessment{*e.assessment}
	}
	if e.profile != nil && !e.sourcesAt[2].After(at) {
		src.Profile = e.profile
	}
	for _, l := range e.safeguarding {
		if !l.at.After(at) {
			src.Safeguarding = append(src.Safeguarding, l.text)
		}
	}
	return src
}

var (
	impactTexts = []string{
		"Needs time to understand what is said in court and may agree to things to end the hearing sooner. Short, plain questions and a check of understanding after each part will help.",
		"Anxiety rises in busy rooms; may appear unco-operative when overwhelmed. A short break when distressed lets them re-engage.",
		"Reads and writes very little: documents should be read aloud. Is able to take part with these adjustments.",
		"Low mood affects concentration; engages well with support from L&D and would be likely to comply with a community order with a treatment requirement.",
	}
	extraAdaptations = []string{
		"Offer a break every hour and whenever the person asks for one.",
		"Explain the caution in plain words and ask the person to say it back.",
		"Allow extra time to answer; do not move on after a silence.",
		"Avoid questions with two parts or with negatives.",
	}
	sensitiveReasons = map[string][]string{
		"formulation":  {"The court asked for the clinical formulation to decide whether a mental health treatment requirement is suitable."},
		"health_only":  {"The custody nurse needs the diagnosis to plan observations overnight; the person agreed.", "Needed for the psychiatric report the court ordered; agreed with the person."},
		"safeguarding": {"Shared so the recipient can protect the person on release; agreed with the person and the safeguarding lead."},
	}
)

// editSections is the writer's change for the next version: what a
// practitioner adds before approval, through the store's validation.
func (g *gen) editSections(kind string, prev []liaise.DocumentSection, x *docIssue) []liaise.DocumentSection {
	secs := slices.Clone(prev)
	for i := range secs {
		s := &secs[i]
		switch {
		case kind == liaise.DocCourtReport && s.Key == "impact" && s.Text == "":
			s.Text, s.Included = pick(g, impactTexts), true
		case kind == liaise.DocAdviceNote && s.Key == "adaptations":
			switch {
			case s.Text == "" && x != nil:
				s.Text = "- " + x.d.Content
			case s.Text == "":
				s.Text = "- " + pick(g, extraAdaptations)
			default:
				s.Text += "\n- " + pick(g, extraAdaptations)
			}
			s.Included = true
		case kind == liaise.DocCommunicationProfile && s.Key == "questioning":
			s.Text += "\n- " + pick(g, extraAdaptations)
		case s.Sensitive != "" && s.Text != "" && !s.Included && len(sensitiveReasons[s.Key]) > 0 && g.chance(0.12):
			s.Included, s.Reason = true, pick(g, sensitiveReasons[s.Key])
		}
	}
	out, err := liaise.ValidateDocumentSections(kind, secs)
	g.fail(kind+" version", err)
	return out
}

// document writes a document with its versions, the task of a court report
// for a hearing, the issuing disclosure and the events of each change. It
// returns the id of the disclosure that issued it, 0 when it was not
// issued.
func (g *gen) document(e *episode, plan docPlan) int64 {
	p := e.p
	label := liaise.LabelOf(liaise.DocumentKinds, plan.kind)
	header, err := json.Marshal(documentHeader(e))
	if err != nil {
		g.fail("document header", err)
		return 0
	}
	id := g.id(tDocuments)
	type version struct {
		id       int64
		number   int
		at       time.Time
		sections []liaise.DocumentSection
	}
	var versions []version
	var secs []liaise.DocumentSection
	for i, at := range plan.written {
		if i == 0 {
			if secs, err = liaise.DraftDocument(plan.kind, documentSources(e, at)); err != nil {
				g.fail("document", err)
				return 0
			}
		} else {
			secs = g.editSections(plan.kind, secs, plan.issue)
		}
		versions = append(versions, version{id: g.id(tDocVersions), number: i + 1, at: at, sections: secs})
	}
	last := &versions[len(versions)-1]
	status, changes, updated := liaise.DocDraft, len(versions), last.at
	if g.check {
		for range versions[1:] {
			g.fail("document edit", liaise.DocumentActionAllowed(liaise.DocDraft, liaise.DocActionEdit))
		}
	}

	// The disclosure that issues it, under the same consent rules as any.
	var disclosureID int64
	if plan.approved.IsZero() {
		plan.issue = nil
	}
	if x := plan.issue; x != nil {
		x.d.Content = fmt.Sprintf("%s, version %d: %s.", label, last.number, strings.Join(includedHeadings(last.sections), "; "))
		disclosureID = g.disclosure(e, x.d, x.at, "", disclosureOpt{by: plan.approver, recorded: x.at, version: last.id})
		if g.check {
			g.fail("identity check", liaise.IdentityCheck{Method: plan.identity, Confirmed: true}.Validate())
			if !slices.Contains(liaise.DocumentRecipients(plan.kind), x.d.RecipientAgency) {
				g.fail("document", fmt.Errorf("a %s issued to %s", plan.kind, x.d.RecipientAgency))
			}
		}
	}

	var hearing any
	if plan.kind == liaise.DocCourtReport && !e.hearing.IsZero() {
		hearing = e.hearing
	}
	first := plan.written[0]
	g.write(plan.writer, first, liaise.AuditCreate, "document", id, e, plan.kind+" version 1")
	g.personEvent(p.ID, first, first, plan.writer, "document", label+" drafted")
	if hearing != nil {
		t := autoTask{kind: sqlstore.TaskDocumentDue, title: "Court report due before the hearing on " + e.hearing.Time().Format("Monday 2 January"),
			due: sqlstore.EndOfDay(codes.AddWorkingDays(e.hearing, -1)).Time, allDay: true, assignee: plan.writer, sourceType: "document",
			sourceID: id, created: first, by: plan.writer, exact: true}
		if disclosureID != 0 {
			t.done, t.doneBy = plan.issue.at, plan.approver
		}
		g.task(e, t)
	}
	for _, v := range versions[1:] {
		g.write(plan.writer, v.at, liaise.AuditUpdate, "document", id, e, fmt.Sprintf("%s version %d", plan.kind, v.number))
	}

	var approvedBy, approvedAt, identity, issuedBy, issuedAt, withdrawnBy, withdrawnAt, reason any
	if !plan.approved.IsZero() {
		if g.check {
			g.fail("document approval", liaise.DocumentActionAllowed(status, liaise.DocActionApprove))
			g.fail(plan.kind+" approval", liaise.CheckReadyToApprove(last.sections))
		}
		status, changes, updated = liaise.DocApproved, changes+1, plan.approved
		approvedBy, approvedAt = plan.approver.id, lt(plan.approved)
		g.write(plan.approver, plan.approved, liaise.AuditUpdate, "document", id, e, fmt.Sprintf("%s version %d approved", plan.kind, last.number))
	}
	if disclosureID != 0 {
		x := plan.issue
		if g.check {
			g.fail("document issue", liaise.DocumentActionAllowed(status, liaise.DocActionIssue))
		}
		status, changes, updated = liaise.DocIssued, changes+1, x.at
		identity, issuedBy, issuedAt = plan.identity, plan.approver.id, lt(x.at)
		g.row(tVersionDisclosures, last.id, disclosureID)
		g.personEvent(p.ID, x.at, x.at, plan.approver, "document", label+" issued to "+agencyWords(x.d.RecipientAgency))
		g.write(plan.approver, x.at, liaise.AuditUpdate, "document", id, e,
			fmt.Sprintf("%s version %d issued to %s, identity checked: %s", plan.kind, last.number, x.d.RecipientAgency, plan.identity))
		if !plan.withdrawn.IsZero() {
			if g.check {
				g.fail("document withdrawal", liaise.DocumentActionAllowed(status, liaise.DocActionWithdraw))
			}
			status, changes, updated = liaise.DocWithdrawn, changes+1, plan.withdrawn
			withdrawnBy, withdrawnAt, reason = plan.approver.id, lt(plan.withdrawn), plan.reason
			g.personEvent(p.ID, plan.withdrawn, plan.withdrawn, plan.approver, "document", label+" withdrawn")
			g.write(plan.approver, plan.withdrawn, liaise.AuditUpdate, "document", id, e, fmt.Sprintf("%s version %d withdrawn", plan.kind, last.number))
		}
	}

	g.row(tDocuments, id, e.prov.id, e.id, p.ID, plan.kind, status, int64(last.number), hearing, staffID(plan.writer), lt(first),
		lt(updated), int64(changes))
	for _, v := range versions {
		body, err := json.Marshal(v.sections)
		if err != nil {
			g.fail("document sections", err)
			return 0
		}
		if v.number < last.number {
			g.row(tDocVersions, v.id, id, int64(v.number), liaise.DocDraft, string(header), string(body), staffID(plan.writer), lt(v.at),
				nil, nil, nil, nil, nil, nil, nil, nil, nil)
			continue
		}
		// The link to the disclosure is filled in after it (tVersionDisclosures).
		g.row(tDocVersions, v.id, id, int64(v.number), status, string(header), string(body), staffID(plan.writer), lt(v.at),
			approvedBy, approvedAt, identity, issuedBy, issuedAt, nil, withdrawnBy, withdrawnAt, reason)
	}
	return disclosureID
}

// includedHeadings are the headings of the sections a version carries, as
// the store's documentDisclosureContent lists them.
func includedHeadings(secs []liaise.DocumentSection) []string {
	var out []string
	for _, s := range secs {
		if s.Included && s.Text != "" {
			out = append(out, s.Heading)
		}
	}
	return out
}
