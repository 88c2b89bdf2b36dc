package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Assessment pages: an episode's assessments and SLT requests with their
// communication profiles, the assessment form and the SLT request form
// (issue 3 item 7). The therapist's queue and cancelling a request are in
// ui_slt.go. A wrong assessment or profile is marked entered in error
// (ui_entered_in_error.go): it stays, flagged, and no longer counts.

func (s *Server) assessmentRoutes() []Route {
	rs := []Route{
		{Method: "GET", Pattern: "/episodes/{id}/assessment", Cap: liaise.CapRecordRead, Personal: true, Handler: s.assessmentList},
		{Method: "GET", Pattern: "/episodes/{id}/assessment/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.assessmentNew},
		{Method: "POST", Pattern: "/episodes/{id}/assessment/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.assessmentCreate, Draft: s.episodeDraft},
		{Method: "GET", Pattern: "/episodes/{id}/slt-request", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.sltRequestNew},
		{Method: "POST", Pattern: "/episodes/{id}/slt-request", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.sltRequestCreate},
	}
	return slices.Concat(rs, s.inErrorRoutes(assessmentsInError), s.inErrorRoutes(profilesInError), s.sltRoutes(), s.assessmentAPIRoutes())
}

// assessmentsInError marks an assessment entered in error; the move to
// assessed that a complete assessment made is taken back with it.
var assessmentsInError = inErrorKind{Page: "assessment", API: "assessments", Param: "assessment_id", Store: sqlstore.AssessmentEntries}

// profilesInError marks a communication profile entered in error; its
// request stays completed (a new request asks for a new profile).
var profilesInError = inErrorKind{Page: "communication-profiles", Back: "assessment", API: "communication-profiles", Param: "profile_id",
	Store: sqlstore.ProfileEntries}

func assessmentHref(id int64) string { return episodeHref(id) + "/assessment" }

// assessmentToolRows is how many scored-tool rows the form offers.
const assessmentToolRows = 3

// --- The list ---------------------------------------------------------------

type assessmentListData struct {
	EpisodeHref, PersonName string
	Tag                     personTag
	CanWrite                bool
	NewHref, SLTHref        string
	Items                   []assessmentSummary
	SLT                     []sltSummary
}

type assessmentFindingView struct{ Domain, Text, Sharing string }

type assessmentSummary struct {
	Title           string
	Late, NotDone   bool
	Rows            []summaryRow
	Findings        []assessmentFindingView
	Tools           []string
	Recommendations []string
	correctionView
}

type sltSummary struct {
	Title, Status, StatusClass string
	Rows                       []summaryRow
	Profile                    []summaryRow
	// CancelHref offers to cancel an open request.
	CancelHref string
	// ProfileError is the profile's correction.
	ProfileError correctionView
}

func summariseAssessment(r sqlstore.AssessmentRecord, canWrite bool) assessmentSummary {
	x := r.Assessment
	out := assessmentSummary{Title: liaise.LabelOf(liaise.AssessmentTypes, x.Type) + ", " + x.OccurredAt.Local().Format("2 Jan 2006 15:04"),
		Late: liaise.LateEntry(x.OccurredAt, x.RecordedAt), NotDone: x.Incomplete,
		correctionView: assessmentsInError.view(x.EpisodeID, x.ID, x.EnteredInError, r.Correction, canWrite)}
	out.Rows = []summaryRow{{"Recorded", x.RecordedAt.Local().Format("2 Jan 2006 15:04") + " by " + r.UserName}}
	if x.Incomplete {
		out.Rows = append(out.Rows, summaryRow{"Not completed because", codes.Label("not-assessed-reasons", x.IncompleteReason)})
	}
	out.Rows = append(out.Rows, summaryRow{"Formulation", screeningOrNot(x.Formulation)})
	for _, f := range x.Findings {
		out.Findings = append(out.Findings, assessmentFindingView{codes.Label("vulnerabilities", f.Domain), f.Text, liaise.LabelOf(liaise.SharingTags, f.Sharing)})
	}
	for _, t := range x.Tools {
		s := t.Tool
		if t.Version != "" {
			s += " (version " + t.Version + ")"
		}
		out.Tools = append(out.Tools, s+": "+t.Score)
	}
	for _, rec := range x.Recommendations {
		s := codes.Label("recommendation-types", rec.Type)
		if rec.Note != "" {
			s += ": " + rec.Note
		}
		out.Recommendations = append(out.Recommendations, s)
	}
	return out
}

// sltStatusClass is the tag colour of a request's status.
func sltStatusClass(status string) string {
	switch status {
	case liaise.SLTOpen:
		return "nhsuk-tag--blue"
	case liaise.SLTCompleted:
		return "nhsuk-tag--green"
	}
	return "nhsuk-tag--grey"
}

func summariseSLT(r sqlstore.SLTRequestRecord, canWrite bool) sltSummary {
	out := sltSummary{Title: "Requested " + r.RequestedAt.Local().Format("2 Jan 2006 15:04") + " by " + r.RequestedByName,
		Status: liaise.LabelOf(liaise.SLTStatuses, r.Status), StatusClass: sltStatusClass(r.Status)}
	out.Rows = []summaryRow{{"Reason", r.Reason}, {"Urgency", liaise.LabelOf(liaise.SLTUrgencies, r.Urgency)}}
	switch {
	case r.Status == liaise.SLTCancelled:
		out.Rows = append(out.Rows, summaryRow{"Cancelled", whenText(r.CancelledAt) + " by " + r.CancelledByName + ": " + r.CancelReason})
	case r.Status == liaise.SLTOpen && canWrite:
		out.CancelHref = sltHref(r.ID) + "/cancel"
	}
	if p := r.Profile; p != nil {
		out.ProfileError = profilesInError.view(r.EpisodeID, p.ID, r.ProfileInError, r.ProfileCorrection, canWrite)
		out.Profile = []summaryRow{
			{"Assessed", p.OccurredAt.Local().Format("2 Jan 2006 15:04") + " by " + r.ProfileByName},
			{"Adapted questioning", p.AdaptedQuestioning},
			{"Registered intermediary needed", liaise.LabelOf(liaise.IntermediaryChoices, p.IntermediaryNeeded)},
			{"Communication strengths", screeningOrNot(p.Strengths)},
			{"Communication difficulties", screeningOrNot(p.Difficulties)},
			{"Recommendations for police and court", screeningOrNot(p.Recommendations)},
		}
	}
	return out
}

func (s *Server) assessmentList(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	list, err := s.DB.ListAssessments(r.Context(), id)
	if err != nil {
		return err
	}
	reqs, err := s.DB.ListSLTRequests(r.Context(), id)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := assessmentListData{EpisodeHref: episodeHref(id), PersonName: e.Person.DisplayName(), Tag: stateTag(e.State),
		CanWrite: a.Can(liaise.CapRecordWrite) && !e.State.Terminal(), NewHref: assessmentHref(id) + "/new", SLTHref: episodeHref(id) + "/slt-request"}
	canCorrect := a.Can(liaise.CapRecordWrite)
	for _, x := range list {
		d.Items = append(d.Items, summariseAssessment(x, canCorrect))
	}
	for _, q := range reqs {
		d.SLT = append(d.SLT, summariseSLT(q, canCorrect))
	}
	p := s.newPage(r, "Assessment: "+d.PersonName)
	p.Data = d
	s.render(w, r, http.StatusOK, "assessment", p)
	return nil
}

// --- The assessment form ----------------------------------------------------

type assessmentFormData struct {
	Action, BackHref, PersonName string
	Types, Sharing, Reasons      []Option
	Domains                      []assessmentDomainQ
	Tools                        []assessmentToolQ
	Recs                         []assessmentRecQ
}

type assessmentDomainQ struct{ ID, ShareID, Label string }

type assessmentToolQ struct{ N, Name, Version, Score string }

type assessmentRecQ struct{ ID, NoteID, Label string }

func (s *Server) renderAssessmentForm(w http.ResponseWriter, r *http.Request, status int, e sqlstore.Episode, f *Form) error {
	today := liaise.DateOf(s.now().In(liaise.London))
	d := assessmentFormData{Action: assessmentHref(e.ID) + "/new", BackHref: assessmentHref(e.ID), PersonName: e.Person.DisplayName(),
		Types: screeningOptions(liaise.AssessmentTypes), Sharing: screeningOptions(liaise.SharingTags), Reasons: codeOptions("not-assessed-reasons", today)}
	for _, c := range s.DB.VulnerabilityCodes() {
		d.Domains = append(d.Domains, assessmentDomainQ{ID: "finding_" + c, ShareID: "share_" + c, Label: codes.Label("vulnerabilities", c)})
	}
	for i := 1; i <= assessmentToolRows; i++ {
		n := fmt.Sprintf("tool_%d", i)
		d.Tools = append(d.Tools, assessmentToolQ{N: fmt.Sprint(i), Name: n + "_name", Version: n + "_version", Score: n + "_score"})
	}
	for _, c := range liaise.RecommendationTypes {
		d.Recs = append(d.Recs, assessmentRecQ{ID: "rec_" + c, NoteID: "rec_" + c + "_note", Label: codes.Label("recommendation-types", c)})
	}
	if err := s.draftForm(r, f, episodeSubject(e)); err != nil {
		return err
	}
	p := s.newPage(r, "Record an assessment: "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "assessment_form", p)
	return nil
}

func (s *Server) assessmentNew(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	for _, c := range s.DB.VulnerabilityCodes() {
		f.Set("share_"+c, liaise.SharingHealthOnly)
	}
	return s.renderAssessmentForm(w, r, http.StatusOK, e, f)
}

func (s *Server) assessmentFromForm(f *Form) *liaise.Assessment {
	x := &liaise.Assessment{Type: f.Get("type"), Formulation: f.Get("formulation"), Incomplete: f.Get("incomplete") == "yes",
		IncompleteReason: f.Get("incomplete_reason")}
	x.OccurredAt = formTime(f, "occurred_at", "When the assessment happened")
	for _, c := range s.DB.VulnerabilityCodes() {
		if t := f.Get("finding_" + c); t != "" {
			x.Findings = append(x.Findings, liaise.AssessmentFinding{Domain: c, Text: t, Sharing: f.Get("share_" + c)})
		}
	}
	for i := 1; i <= assessmentToolRows; i++ {
		n := fmt.Sprintf("tool_%d", i)
		x.Tools = append(x.Tools, liaise.ScoredTool{Tool: f.Get(n + "_name"), Version: f.Get(n + "_version"), Score: f.Get(n + "_score")})
	}
	for _, c := range liaise.RecommendationTypes {
		if f.Get("rec_"+c) == "yes" {
			x.Recommendations = append(x.Recommendations, liaise.AssessmentRecommendation{Type: c, Note: f.Get("rec_" + c + "_note")})
		}
	}
	return x
}

func assessmentFlash(x *liaise.Assessment, res sqlstore.AssessmentResult) string {
	switch {
	case x.Incomplete:
		return "Assessment recorded as not completed. The episode stays " + lowerText(res.State.Label())
	case res.Moved:
		return "Assessment recorded: the episode is now assessed"
	}
	msg := "Assessment recorded. The episode stays " + lowerText(res.State.Label())
	if res.NotMoved != "" {
		msg += " (" + strings.TrimSuffix(res.NotMoved, ".") + ")"
	}
	return msg
}

func (s *Server) assessmentFieldOrder() []string {
	order := []string{"type", "occurred_at"}
	for _, c := range s.DB.VulnerabilityCodes() {
		order = append(order, "finding_"+c, "share_"+c)
	}
	for i := 1; i <= assessmentToolRows; i++ {
		order = append(order, fmt.Sprintf("tool_%d_name", i), fmt.Sprintf("tool_%d_score", i))
	}
	order = append(order, "formulation")
	for _, c := range liaise.RecommendationTypes {
		order = append(order, "rec_"+c+"_note")
	}
	return append(order, "incomplete_reason")
}

func (s *Server) assessmentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	x := s.assessmentFromForm(f)
	if f.Valid() {
		res, err := s.DB.RecordAssessment(r.Context(), id, x)
		if err == nil {
			s.draftDone(r)
			return s.redirect(w, r, assessmentHref(id), assessmentFlash(x, res))
		}
		if !f.Absorb(err, s.assessmentFieldOrder()...) {
			return err
		}
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	return s.renderAssessmentForm(w, r, http.StatusUnprocessableEntity, e, f)
}

// --- The SLT request form ---------------------------------------------------

type sltRequestFormData struct {
	Action, BackHref, PersonName string
	Urgencies                    []Option
}

func (s *Server) renderSLTRequestForm(w http.ResponseWriter, r *http.Request, status int, e sqlstore.Episode, f *Form) error {
	p := s.newPage(r, "Request a speech and language therapy assessment: "+e.Person.DisplayName())
	p.Form = f
	p.Data = sltRequestFormData{Action: episodeHref(e.ID) + "/slt-request", BackHref: assessmentHref(e.ID), PersonName: e.Person.DisplayName(),
		Urgencies: screeningOptions(liaise.SLTUrgencies)}
	s.render(w, r, status, "slt_request_form", p)
	return nil
}

func (s *Server) sltRequestNew(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	f := NewForm(nil)
	f.Set("urgency", "routine")
	return s.renderSLTRequestForm(w, r, http.StatusOK, e, f)
}

func (s *Server) sltRequestCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	_, err = s.DB.RequestSLT(r.Context(), id, &liaise.SLTRequest{Reason: f.Get("reason"), Urgency: f.Get("urgency")})
	if err == nil {
		return s.redirect(w, r, assessmentHref(id), "Speech and language therapy assessment requested: it is on the therapists' queue")
	}
	if !f.Absorb(err, "reason", "urgency") {
		return err
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	return s.renderSLTRequestForm(w, r, http.StatusUnprocessableEntity, e, f)
}
