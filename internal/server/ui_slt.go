package server

import (
	"errors"
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// The speech and language therapy queue: open requests of the therapist's
// teams, oldest first, and the communication profile form that answers one.

func (s *Server) sltRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/slt", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.sltQueue},
		{Method: "GET", Pattern: "/slt/{request_id}/profile", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.sltProfileNew},
		{Method: "POST", Pattern: "/slt/{request_id}/profile", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.sltProfileCreate, Draft: s.sltDraft},
	}
}

func sltRequestID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("request_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}

type sltQueueRow struct {
	Requested, PersonName, EpisodeHref, Team, Reason, Urgency, RequestedBy, ProfileHref string
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
			RequestedBy: it.RequestedByName, ProfileHref: "/slt/" + strconv.FormatInt(it.ID, 10) + "/profile"})
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
	var bge *liaise.BreakGlassError
	if errors.As(err, &bge) {
		http.Redirect(w, r, "/people/"+strconv.FormatInt(bge.PersonID, 10), http.StatusSeeOther)
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
