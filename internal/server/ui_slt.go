package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// The speech and language therapy queue: open requests of the therapist's
// teams, oldest first, and the communication profile form that answers one;
// and cancelling an open request with a reason, by the episode's team (from
// the assessment page) or a therapist (from the queue).

func (s *Server) sltRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/slt", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.sltQueue},
		{Method: "GET", Pattern: "/slt/{request_id}/profile", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.sltProfileNew},
		{Method: "POST", Pattern: "/slt/{request_id}/profile", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.sltProfileCreate, Draft: s.sltDraft},
		{Method: "GET", Pattern: "/slt/{request_id}/cancel", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.sltCancelForm},
		{Method: "POST", Pattern: "/slt/{request_id}/cancel", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.sltCancelSave},
	}
}

func sltHref(id int64) string { return "/slt/" + strconv.FormatInt(id, 10) }

func sltRequestID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("request_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}

type sltQueueRow struct {
	Requested, PersonName, EpisodeHref, Team, Reason, Urgency, RequestedBy, ProfileHref, CancelHref string
}

func (s *Server) sltQueue(w http.ResponseWriter, r *http.Request) error {
	q, err := s.DB.SLTQueue(r.Context())
	if err != nil {
		return err
	}
	var rows []sltQueueRow
	for _, it := range q {
		rows = append(rows, sltQueueRow{Requested: it.RequestedAt.Local().Format("2 Jan 2006 15:04"), PersonName: it.PersonName,
			EpisodeHref: episodeHref(it.EpisodeID), Team: it.TeamName, Reason: it.Reason, Urgency: liaise.LabelOf(liaise.SLTUrgencies, it.Urgency),
			RequestedBy: it.RequestedByName, ProfileHref: sltHref(it.ID) + "/profile", CancelHref: sltHref(it.ID) + "/cancel?from=queue"})
	}
	p := s.newPage(r, "Speech and language therapy queue")
	p.Data = rows
	s.render(w, r, http.StatusOK, "slt", p)
	return nil
}

type sltProfileFormData struct {
	Action, BackHref, PersonName, Reason, Urgency string
	Intermediary                                  []Option
}

// sltRequestPage opens a request for the form; a break-glass refusal sends
// the user to the person's page, which asks for the reason.
func (s *Server) sltRequestPage(w http.ResponseWriter, r *http.Request, id int64) (sqlstore.SLTRequestRecord, sqlstore.Episode, bool, error) {
	req, e, err := s.DB.GetSLTRequest(r.Context(), id)
	if breakGlassRedirect(w, r, err) {
		return req, e, true, nil
	}
	return req, e, false, err
}

func (s *Server) renderSLTProfileForm(w http.ResponseWriter, r *http.Request, status int, req sqlstore.SLTRequestRecord, e sqlstore.Episode, f *Form) error {
	if err := s.draftForm(r, f, sltSubject(req, e)); err != nil {
		return err
	}
	p := s.newPage(r, "Record communication profile: "+e.Person.DisplayName())
	p.Form = f
	p.Data = sltProfileFormData{Action: "/slt/" + strconv.FormatInt(req.ID, 10) + "/profile", BackHref: "/slt", PersonName: e.Person.DisplayName(),
		Reason: req.Reason, Urgency: liaise.LabelOf(liaise.SLTUrgencies, req.Urgency),
		Intermediary: screeningOptions(liaise.IntermediaryChoices)}
	s.render(w, r, status, "slt_profile_form", p)
	return nil
}

func (s *Server) sltProfileNew(w http.ResponseWriter, r *http.Request) error {
	id, err := sltRequestID(r)
	if err != nil {
		return err
	}
	req, e, handled, err := s.sltRequestPage(w, r, id)
	if handled || err != nil {
		return err
	}
	if req.Status != liaise.SLTOpen {
		return s.redirect(w, r, assessmentHref(req.EpisodeID), "This request is already "+req.Status)
	}
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	f.Set("version", strconv.Itoa(req.Version))
	return s.renderSLTProfileForm(w, r, http.StatusOK, req, e, f)
}

func (s *Server) sltProfileCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := sltRequestID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	p := &liaise.CommunicationProfile{AdaptedQuestioning: f.Get("adapted_questioning"), IntermediaryNeeded: f.Get("intermediary_needed"),
		Strengths: f.Get("strengths"), Difficulties: f.Get("difficulties"), Recommendations: f.Get("recommendations")}
	p.OccurredAt = formTime(f, "occurred_at", "When the assessment happened")
	status := http.StatusUnprocessableEntity
	if f.Valid() {
		err := s.DB.RecordCommunicationProfile(r.Context(), id, f.Int("version"), p)
		if err == nil {
			s.draftDone(r)
			return s.redirect(w, r, "/slt", "Communication profile recorded: the request is completed")
		}
		switch {
		case liaise.ErrorCode(err) == liaise.ESTALE || liaise.ErrorCode(err) == liaise.ECONFLICT:
			// Nothing is saved over the other answer: say so at the top.
			f.AddError("", "Someone else has changed or answered this request since you opened it, so your profile has not been saved. Check the assessment page before you record it again.")
			status = ErrorStatus(err)
		case !f.Absorb(err, "occurred_at", "adapted_questioning", "intermediary_needed", "strengths", "difficulties", "recommendations"):
			return err
		}
	}
	req, e, handled, err := s.sltRequestPage(w, r, id)
	if handled || err != nil {
		return err
	}
	return s.renderSLTProfileForm(w, r, status, req, e, f)
}

// --- Cancel a request ------------------------------------------------------------

// sltCancelBack is where the cancel form returns to: the queue when opened
// from it, otherwise the episode's assessment page.
func sltCancelBack(from string, episode int64) (href, label string) {
	if from == "queue" {
		return "/slt", "Speech and language therapy queue"
	}
	return assessmentHref(episode), "Assessment"
}

func (s *Server) renderSLTCancel(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := sltRequestID(r)
	if err != nil {
		return err
	}
	req, e, err := s.DB.SLTRequestForChange(r.Context(), id)
	if breakGlassRedirect(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	version := strconv.Itoa(req.Version)
	if v := f.Get("version"); v != "" {
		version = v // the version the user saw: a stale one is refused, not replaced
	}
	d := correctionForm{PersonName: e.Person.DisplayName(), Heading: "Cancel a speech and language therapy request",
		Action: sltHref(id) + "/cancel", Label: "Why is the request being cancelled?", Hint: "For example, released before the therapist could see them",
		Button: "Cancel the request", Info: "The request leaves the therapists' queue. It stays in the record as cancelled, with your reason.",
		Hidden: []hiddenField{{"version", version}, {"from", f.Get("from")}},
		Facts: []factLines{fact("Requested", whenText(req.RequestedAt)+" by "+req.RequestedByName), fact("Reason", req.Reason),
			fact("Urgency", liaise.LabelOf(liaise.SLTUrgencies, req.Urgency)), fact("Status", liaise.LabelOf(liaise.SLTStatuses, req.Status))}}
	d.BackHref, d.BackLabel = sltCancelBack(f.Get("from"), req.EpisodeID)
	if req.Status != liaise.SLTOpen && status == http.StatusOK {
		d.Action, d.Done = "", "This request is already "+req.Status+": it cannot be cancelled."
	}
	s.renderCorrection(w, r, status, d, f)
	return nil
}

func (s *Server) sltCancelForm(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	f.Set("from", r.URL.Query().Get("from"))
	return s.renderSLTCancel(w, r, http.StatusOK, f)
}

func (s *Server) sltCancelSave(w http.ResponseWriter, r *http.Request) error {
	id, err := sltRequestID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	req, err := s.DB.CancelSLTRequest(r.Context(), id, f.Int("version"), f.Values.Get("reason"))
	switch {
	case err == nil:
		back, _ := sltCancelBack(f.Get("from"), req.EpisodeID)
		return s.redirect(w, r, back, "Speech and language therapy request cancelled: it has left the therapists' queue")
	case breakGlassRedirect(w, r, err):
		return nil
	case liaise.ErrorCode(err) == liaise.ESTALE:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderSLTCancel(w, r, http.StatusPreconditionFailed, f)
	case liaise.ErrorCode(err) == liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderSLTCancel(w, r, http.StatusConflict, f)
	case f.Absorb(err, "reason"):
		return s.renderSLTCancel(w, r, http.StatusUnprocessableEntity, f)
	}
	return err
}
