package liaise

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Documents for police and court (issue 3 item 10, domain.md §1.9 and §9.1
// "Report / Document"): the custody advice note, the court report and the
// communication profile. A document is drafted from the record with the
// minimum necessary in it (Caldicott principle 3): each kind has a fixed
// list of sections, and the sections that would carry health-only findings,
// safeguarding or other people's information start left out; putting one in
// needs a reason, which is kept with the version. Every change is a new
// version; a version is approved by a practitioner, then issued after an
// identity check, and issuing records a disclosure under the same consent
// rules as any other sharing.

// Document kinds.
const (
	DocAdviceNote           = "custody_advice_note"
	DocCourtReport          = "court_report"
	DocCommunicationProfile = "communication_profile"
)

// DocumentKinds lists the kinds with their labels.
var DocumentKinds = []CodeLabel{
	{DocAdviceNote, "Custody advice note"},
	{DocCourtReport, "Court report"},
	{DocCommunicationProfile, "Communication profile"},
}

// Document statuses: the status of a document is that of its latest version.
const (
	DocDraft     = "draft"
	DocApproved  = "approved"
	DocIssued    = "issued"
	DocWithdrawn = "withdrawn"
)

// DocumentStatuses lists the statuses with their labels.
var DocumentStatuses = []CodeLabel{
	{DocDraft, "Draft"}, {DocApproved, "Approved"}, {DocIssued, "Issued"}, {DocWithdrawn, "Withdrawn"},
}

// Sensitivities of a section: content minimum necessary leaves out unless
// someone chooses it and says why.
const (
	SensitiveHealthOnly   = "health_only"
	SensitiveSafeguarding = "safeguarding"
	SensitiveThirdParty   = "third_party"
)

// SensitivityLabels says, for the form and the print, why a section is
// left out by default.
var SensitivityLabels = []CodeLabel{
	{SensitiveHealthOnly, "Health only"},
	{SensitiveSafeguarding, "Safeguarding"},
	{SensitiveThirdParty, "About other people"},
}

// DocumentSection is one section of a document version.
type DocumentSection struct {
	Key       string `json:"key"`
	Heading   string `json:"heading"`
	Text      string `json:"text"`
	Included  bool   `json:"included"`
	Sensitive string `json:"sensitive,omitempty"`
	// Reason says why a sensitive section is included; required then.
	Reason string `json:"reason,omitempty"`
}

// DocumentHeader identifies the person and the occasion. It is a snapshot
// taken when the version is written, so an issued document never changes
// when the record does.
type DocumentHeader struct {
	PersonName     string `json:"person_name"`
	DateOfBirth    string `json:"date_of_birth"`
	IdentityStatus string `json:"identity_status"`
	CustodyRecord  string `json:"custody_record,omitempty"`
	CourtReference string `json:"court_reference,omitempty"`
	Site           string `json:"site,omitempty"`
	HearingDate    Date   `json:"hearing_date,omitzero"`
	Child          bool   `json:"child"`
	Team           string `json:"team,omitempty"`
}

// sectionTemplate is one section of a kind: its heading, a hint for the
// writer, its sensitivity and whether it is in the document by default.
type sectionTemplate struct {
	Key, Heading, Hint string
	Sensitive          string
	Default            bool
}

// The sections of each kind. An advice note carries adaptations and risk,
// not diagnoses; a court report carries the findings tagged shareable.
var documentTemplates = map[string][]sectionTemplate{
	DocAdviceNote: {
		{Key: "adaptations", Heading: "Adaptations for detention and interview", Default: true,
			Hint: "What custody staff and the officer in the case should do differently: appropriate adult, breaks, plain words, interpreter."},
		{Key: "risk", Heading: "Risk", Default: true, Hint: "Risk levels from the screening, without the clinical detail behind them."},
		{Key: "recommendations", Heading: "Recommendations", Default: true,
			Hint: "Recommendations for the charging decision or disposal, for example diversion."},
		{Key: "findings", Heading: "Vulnerabilities", Hint: "Findings tagged shareable. An advice note usually leaves diagnoses out."},
		{Key: "health_only", Heading: "Health-only findings", Sensitive: SensitiveHealthOnly},
		{Key: "risk_detail", Heading: "Detail behind the risk levels", Sensitive: SensitiveHealthOnly},
		{Key: "safeguarding", Heading: "Safeguarding", Sensitive: SensitiveSafeguarding},
		{Key: "third_party", Heading: "Information about other people", Sensitive: SensitiveThirdParty},
	},
	DocCourtReport: {
		{Key: "background", Heading: "About this report", Default: true, Hint: "Who prepared it, and what it draws on."},
		{Key: "findings", Heading: "Vulnerabilities", Default: true, Hint: "Findings tagged shareable with justice partners."},
		{Key: "impact", Heading: "Effect on the person's participation", Default: true,
			Hint: "How these needs affect understanding, engagement with the court process and any order the court makes."},
		{Key: "communication", Heading: "Communication needs", Default: true, Hint: "How to communicate with the person in court."},
		{Key: "risk", Heading: "Risk", Default: true, Hint: "Risk levels, without the clinical detail behind them."},
		{Key: "recommendations", Heading: "Recommendations", Default: true,
			Hint: "For example a psychiatric report on fitness to plead, bail with support, or a treatment requirement."},
		{Key: "formulation", Heading: "Formulation", Sensitive: SensitiveHealthOnly},
		{Key: "health_only", Heading: "Health-only findings", Sensitive: SensitiveHealthOnly},
		{Key: "risk_detail", Heading: "Detail behind the risk levels", Sensitive: SensitiveHealthOnly},
		{Key: "safeguarding", Heading: "Safeguarding", Sensitive: SensitiveSafeguarding},
		{Key: "third_party", Heading: "Information about other people", Sensitive: SensitiveThirdParty},
	},
	DocCommunicationProfile: {
		{Key: "communication", Heading: "Communication strengths and difficulties", Default: true},
		{Key: "questioning", Heading: "How to ask questions", Default: true, Hint: "Adapted questioning for interview or court."},
		{Key: "intermediary", Heading: "Registered intermediary", Default: true},
		{Key: "recommendations", Heading: "Recommendations", Default: true},
		{Key: "health_only", Heading: "Health-only findings", Sensitive: SensitiveHealthOnly},
	},
}

// DocumentSectionHint returns the writer's hint of a section of a kind.
func DocumentSectionHint(kind, key string) string {
	for _, t := range documentTemplates[kind] {
		if t.Key == key {
			return t.Hint
		}
	}
	return ""
}

// Recipients each kind may be issued to, the first being the usual one.
var documentRecipients = map[string][]string{
	DocAdviceNote:           {RecipientPolice, RecipientCPS, RecipientYJS},
	DocCourtReport:          {RecipientCourt, RecipientProbation, RecipientCPS, RecipientYJS},
	DocCommunicationProfile: {RecipientPolice, RecipientCourt, RecipientCPS, RecipientYJS},
}

// DocumentRecipients returns the agencies a kind of document may go to.
func DocumentRecipients(kind string) []string { return documentRecipients[kind] }

// DocumentPurpose is the disclosure purpose a kind is issued for by default.
func DocumentPurpose(kind string) string {
	switch kind {
	case DocCourtReport:
		return PurposeCaseManagement
	}
	return PurposeInterviewAdaptations
}

// Identity checks before issue: how the writer made sure the document is
// about the person in front of the recipient.
var IdentityCheckMethods = []CodeLabel{
	{"custody_record", "Name, date of birth and custody record number checked against the custody record"},
	{"court_list", "Name, date of birth and court reference checked against the court list"},
	{"nhs_number", "Verified NHS number matches the record"},
	{"pnc", "PNC ID checked with the police"},
	{"in_person", "Confirmed with the person, face to face"},
}

// DocumentSources is what a document is drafted from. Label names codes
// (the root package cannot read the code lists itself): list is
// "vulnerabilities" or "recommendation-types".
type DocumentSources struct {
	Person Person
	// Screening is the latest completed screening not entered in error.
	Screening *Screening
	// Assessments are the completed ones not entered in error, newest first.
	Assessments []Assessment
	// Profile is the latest communication profile, if any.
	Profile *CommunicationProfile
	// Safeguarding lists safeguarding referrals in words.
	Safeguarding []string
	// Child is set when the person is, or is treated as, under 18.
	Child bool
	Label func(list, code string) string
	// When formats a time for the text ("6 Dec 2026 14:30").
	When func(Time) string
}

func (s DocumentSources) label(list, code string) string {
	if s.Label == nil {
		return code
	}
	return s.Label(list, code)
}

func (s DocumentSources) when(t Time) string {
	if s.When == nil {
		return t.Local().Format("2 Jan 2006 15:04")
	}
	return s.When(t)
}

// lines joins the non-empty texts, each as a list item ("- " first).
func lines(xs ...string) string {
	var b strings.Builder
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("- ")
			b.WriteString(strings.ReplaceAll(x, "\r\n", "\n"))
		}
	}
	return b.String()
}

// Recommendation types that ask custody to act (the advice note's
// adaptations) rather than inform a charging or court decision.
var custodyRecommendations = []string{"appropriate_adult", "interview_adaptations", "custody_healthcare_review", "mha_assessment"}

func (s DocumentSources) recommendations(keep func(string) bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s.Assessments {
		for _, r := range x.Recommendations {
			if !keep(r.Type) || seen[r.Type] {
				continue
			}
			seen[r.Type] = true
			text := s.label("recommendation-types", r.Type)
			if r.Note != "" {
				text += ": " + r.Note
			}
			out = append(out, text)
		}
	}
	return out
}

func (s DocumentSources) findings(sharing string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s.Assessments {
		for _, f := range x.Findings {
			if f.Sharing != sharing || seen[f.Domain] {
				continue
			}
			seen[f.Domain] = true
			out = append(out, s.label("vulnerabilities", f.Domain)+": "+f.Text)
		}
	}
	return out
}

func riskLine(what, level string) string {
	if level == "" {
		return ""
	}
	return what + ": " + LabelOf(RiskLevels, level)
}

func (s DocumentSources) risk() string {
	sc := s.Screening
	if sc == nil {
		return ""
	}
	return lines(riskLine("Risk in custody", sc.RiskInCustody),
		riskLine("Risk to self (including risk related to the charge)", sc.RiskToSelf.Level),
		riskLine("Risk to others", sc.RiskToOthers.Level),
		riskLine("Risk from others", sc.RiskFromOthers.Level),
		"From the screening on "+s.when(sc.OccurredAt)+".")
}

func (s DocumentSources) riskDetail() string {
	sc := s.Screening
	if sc == nil {
		return ""
	}
	note := func(what, n string) string {
		if n == "" {
			return ""
		}
		return what + ": " + n
	}
	return lines(note("Risk to self", sc.RiskToSelf.Notes), note("Risk to others", sc.RiskToOthers.Notes))
}

func (s DocumentSources) safeguarding() string {
	var xs []string
	if sc := s.Screening; sc != nil && sc.Safeguarding.Level != "" && sc.Safeguarding.Level != RiskNone {
		xs = append(xs, riskLine("Safeguarding concern", sc.Safeguarding.Level))
		xs = append(xs, sc.Safeguarding.Notes)
	}
	return lines(append(xs, s.Safeguarding...)...)
}

func (s DocumentSources) thirdParty() string {
	if sc := s.Screening; sc != nil && sc.RiskFromOthers.Notes != "" {
		return lines("Risk from others: " + sc.RiskFromOthers.Notes)
	}
	return ""
}

// personNeeds is what the person record says about communication.
func (s DocumentSources) personNeeds() []string {
	p := s.Person
	var xs []string
	if p.InterpreterNeeded {
		lang := p.PreferredLanguage
		if lang == "" {
			lang = "their language"
		}
		xs = append(xs, "Needs an interpreter ("+lang+").")
	}
	if p.CommunicationNeeds != "" {
		xs = append(xs, "Communication needs: "+p.CommunicationNeeds)
	}
	if p.ReasonableAdjustments != "" {
		xs = append(xs, "Reasonable adjustments: "+p.ReasonableAdjustments)
	}
	return xs
}

// profileParts is what the communication profile says, in its parts.
func (s DocumentSources) profileParts() (communication []string, questioning, intermediary, recs string) {
	p := s.Profile
	if p == nil {
		return nil, "", "", ""
	}
	if p.Strengths != "" {
		communication = append(communication, "Strengths: "+p.Strengths)
	}
	if p.Difficulties != "" {
		communication = append(communication, "Difficulties: "+p.Difficulties)
	}
	intermediary = map[string]string{IntermediaryYes: "A registered intermediary is needed.", IntermediaryNo: "A registered intermediary is not needed.",
		IntermediaryUnsure: "A registered intermediary may be needed: the therapist was not sure."}[p.IntermediaryNeeded]
	return communication, p.AdaptedQuestioning, intermediary, p.Recommendations
}

func (s DocumentSources) adaptations() string {
	var xs []string
	if s.Child {
		xs = append(xs, "The person is under 18 (or treated as under 18): an appropriate adult must be present (PACE Code C).")
	}
	xs = append(xs, s.recommendations(func(t string) bool { return slices.Contains(custodyRecommendations, t) })...)
	if sc := s.Screening; sc != nil && sc.AdviceToCustody != "" {
		xs = append(xs, sc.AdviceToCustody)
	}
	if p := s.Profile; p != nil {
		xs = append(xs, "Questioning: "+p.AdaptedQuestioning)
		if p.IntermediaryNeeded == IntermediaryYes {
			xs = append(xs, "A registered intermediary is needed.")
		}
	}
	xs = append(xs, s.personNeeds()...)
	return lines(xs...)
}

func (s DocumentSources) background() string {
	var xs []string
	if sc := s.Screening; sc != nil {
		xs = append(xs, LabelOf(ScreeningKinds, string(sc.Kind))+" on "+s.when(sc.OccurredAt)+" ("+strings.ToLower(LabelOf(ScreeningModes, sc.Mode))+").")
	}
	for i := len(s.Assessments) - 1; i >= 0; i-- {
		x := s.Assessments[i]
		xs = append(xs, LabelOf(AssessmentTypes, x.Type)+" assessment on "+s.when(x.OccurredAt)+".")
	}
	if p := s.Profile; p != nil {
		xs = append(xs, "Communication assessment by a speech and language therapist on "+s.when(p.OccurredAt)+".")
	}
	if len(xs) == 0 {
		return ""
	}
	return "This report draws on:\n" + lines(xs...)
}

// DraftDocument drafts the sections of a new document of kind from the
// record, with the minimum necessary defaults: each section is included
// when its kind includes it by default and it has something to say.
func DraftDocument(kind string, src DocumentSources) ([]DocumentSection, error) {
	tpl, ok := documentTemplates[kind]
	if !ok {
		return nil, fieldError("kind", "Choose the kind of document")
	}
	var latest *Assessment
	if len(src.Assessments) > 0 {
		latest = &src.Assessments[0]
	}
	comm, questioning, intermediary, profileRecs := src.profileParts()
	text := map[string]string{
		"risk":         src.risk(),
		"risk_detail":  src.riskDetail(),
		"safeguarding": src.safeguarding(),
		"third_party":  src.thirdParty(),
		"findings":     lines(src.findings(SharingShareable)...),
		"health_only":  lines(src.findings(SharingHealthOnly)...),
	}
	switch kind {
	case DocAdviceNote:
		text["adaptations"] = src.adaptations()
		text["recommendations"] = lines(src.recommendations(func(t string) bool { return !slices.Contains(custodyRecommendations, t) })...)
	case DocCourtReport:
		text["background"] = src.background()
		text["communication"] = lines(slices.Concat(comm, []string{questioning, intermediary}, src.personNeeds())...)
		text["recommendations"] = lines(src.recommendations(func(string) bool { return true })...)
		if latest != nil {
			text["formulation"] = latest.Formulation
		}
	case DocCommunicationProfile:
		text["communication"] = lines(append(comm, src.personNeeds()...)...)
		text["questioning"], text["intermediary"], text["recommendations"] = lines(questioning), lines(intermediary), lines(profileRecs)
	}
	out := make([]DocumentSection, len(tpl))
	for i, t := range tpl {
		body := strings.TrimSpace(text[t.Key])
		out[i] = DocumentSection{Key: t.Key, Heading: t.Heading, Text: body, Sensitive: t.Sensitive,
			Included: t.Default && t.Sensitive == "" && (body != "" || t.Key == "impact")}
	}
	return out, nil
}

// Limits on a section.
const (
	maxSectionText   = 10000
	maxSectionReason = 1000
)

// ValidateDocumentSections checks the sections of a version of kind and
// puts them in the kind's order with its headings and sensitivities (the
// writer cannot rename a section or clear its sensitivity). An included
// sensitive section needs a reason; something must be included.
func ValidateDocumentSections(kind string, given []DocumentSection) ([]DocumentSection, error) {
	tpl, ok := documentTemplates[kind]
	if !ok {
		return nil, fieldError("kind", "Choose the kind of document")
	}
	byKey := map[string]DocumentSection{}
	var v Validation
	for _, s := range given {
		if !slices.ContainsFunc(tpl, func(t sectionTemplate) bool { return t.Key == s.Key }) {
			v.Add("sections", fmt.Sprintf("%q is not a section of a %s", s.Key, strings.ToLower(LabelOf(DocumentKinds, kind))))
			continue
		}
		byKey[s.Key] = s
	}
	out := make([]DocumentSection, len(tpl))
	anything := false
	for i, t := range tpl {
		s := byKey[t.Key]
		s.Key, s.Heading, s.Sensitive = t.Key, t.Heading, t.Sensitive
		s.Text = strings.TrimSpace(strings.ReplaceAll(s.Text, "\r\n", "\n"))
		s.Reason = strings.TrimSpace(s.Reason)
		v.Check(utf8.RuneCountInString(s.Text) <= maxSectionText, "text_"+t.Key, s.Heading+" must be 10,000 characters or fewer")
		if s.Included && t.Sensitive != "" {
			v.Check(s.Reason != "", "reason_"+t.Key, fmt.Sprintf("Say why %s is needed by the recipient, or leave it out", strings.ToLower(s.Heading)))
			v.Check(utf8.RuneCountInString(s.Reason) <= maxSectionReason, "reason_"+t.Key, "The reason must be 1,000 characters or fewer")
		}
		if !s.Included {
			s.Reason = ""
		}
		anything = anything || (s.Included && s.Text != "")
		out[i] = s
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !anything {
		return nil, fieldError("sections", "Include at least one section with something in it")
	}
	return out, nil
}

// CheckReadyToApprove reports what stops a version being approved: an
// included section with nothing written in it.
func CheckReadyToApprove(sections []DocumentSection) error {
	var v Validation
	for _, s := range sections {
		v.Check(!s.Included || s.Text != "", "text_"+s.Key, s.Heading+" is included but empty: write it or leave it out")
	}
	return v.Err()
}

// Document actions on the latest version.
const (
	DocActionEdit     = "edit"
	DocActionApprove  = "approve"
	DocActionIssue    = "issue"
	DocActionWithdraw = "withdraw"
)

// DocumentActionAllowed says whether action may be taken on a document
// whose latest version has status. Any change makes a new draft version
// (an approved draft loses its approval; an issued document is revised);
// only a draft is approved, only an approved version issued, only an
// issued version withdrawn.
func DocumentActionAllowed(status, action string) error {
	ok := map[string][]string{
		DocActionEdit:     {DocDraft, DocApproved, DocIssued, DocWithdrawn},
		DocActionApprove:  {DocDraft},
		DocActionIssue:    {DocApproved},
		DocActionWithdraw: {DocIssued},
	}[action]
	if slices.Contains(ok, status) {
		return nil
	}
	what := map[string]string{
		DocActionApprove:  "Only a draft can be approved",
		DocActionIssue:    "Only an approved version can be issued: approve it first",
		DocActionWithdraw: "Only an issued document can be withdrawn",
	}[action]
	if what == "" {
		what = "That cannot be done to this document"
	}
	return Errorf(ECONFLICT, "%s. This document is %s.", what, strings.ToLower(LabelOf(DocumentStatuses, status)))
}

// IdentityCheck is the check made before a document is issued.
type IdentityCheck struct {
	Method string `json:"method"`
	// Confirmed is the issuer's statement that the document is about the
	// person the recipient has in front of them.
	Confirmed bool `json:"confirmed"`
}

// Validate checks the identity check.
func (c IdentityCheck) Validate() error {
	var v Validation
	v.Check(known(IdentityCheckMethods, c.Method), "identity_method", "Choose how you checked the person's identity")
	v.Check(c.Confirmed, "identity_confirmed", "Confirm that you have checked this document is about the right person")
	return v.Err()
}
