package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Assessments, SLT requests and communication profiles in the JSON API.

func (s *Server) assessmentAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/assessments", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListAssessments,
			Summary:  "An episode's assessments, newest first, with findings (each shareable or health_only), scored tools and recommendations",
			Response: assessmentListJSON{Items: []assessmentJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/assessments", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiRecordAssessment, Status: http.StatusCreated,
			Summary: "Record an assessment. Findings default to health_only (minimum necessary). A complete assessment also moves the episode to " +
				"assessed when its state allows; otherwise it is kept and the state unchanged (episode_moved false, with the reason)",
			Request: assessmentBody{}, Response: assessmentJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/slt-requests", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiRequestSLT, Status: http.StatusCreated,
			Summary: "Request a speech and language therapy assessment; it joins the therapists' queue", Request: sltRequestBody{}, Response: sltRequestJSON{}},
		{Method: "GET", Pattern: "/api/v1/slt/requests", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.apiSLTQueue,
			Summary: "The speech and language therapy queue: open requests of the therapist's teams, oldest first", Response: sltQueueJSON{Items: []sltRequestJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/slt/requests/{id}/profile", Cap: liaise.CapSLTQueue, Personal: true, Handler: s.apiRecordProfile, Status: http.StatusCreated,
			Summary: "Record the communication profile for an open request, completing it (If-Match with the request's version is required)",
			Request: profileBody{}, Response: profileJSON{}},
		{Method: "POST", Pattern: "/api/v1/slt/requests/{id}/cancel", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiCancelSLT,
			Summary: "Cancel an open request with a reason, by the episode's team or a therapist: it leaves the queue and stays in the record as cancelled. " +
				"If-Match with the request's version is required (428 without it, 412 when stale); 409 when the request is completed or already cancelled",
			Request: inErrorBody{}, Response: sltRequestJSON{}},
	}
}

type assessmentBody struct {
	Type             string                            `json:"type"`
	OccurredAt       string                            `json:"occurred_at"`
	Findings         []liaise.AssessmentFinding        `json:"findings,omitempty"`
	Tools            []liaise.ScoredTool               `json:"tools,omitempty"`
	Formulation      string                            `json:"formulation"`
	Recommendations  []liaise.AssessmentRecommendation `json:"recommendations,omitempty"`
	Incomplete       bool                              `json:"incomplete,omitempty"`
	IncompleteReason string                            `json:"incomplete_reason,omitempty"`
}

type assessmentJSON struct {
	ID               string                            `json:"id"`
	EpisodeID        string                            `json:"episode_id"`
	Type             string                            `json:"type"`
	OccurredAt       string                            `json:"occurred_at"`
	RecordedAt       string                            `json:"recorded_at"`
	Late             bool                              `json:"late"`
	UserID           string                            `json:"user_id,omitempty"`
	UserName         string                            `json:"user_name"`
	Findings         []liaise.AssessmentFinding        `json:"findings"`
	Tools            []liaise.ScoredTool               `json:"tools"`
	Formulation      string                            `json:"formulation"`
	Recommendations  []liaise.AssessmentRecommendation `json:"recommendations"`
	Incomplete       bool                              `json:"incomplete"`
	IncompleteReason string                            `json:"incomplete_reason"`
	EnteredInError   bool                              `json:"entered_in_error"`
	Version          int                               `json:"version"`
	// Set only in the answer to a POST: what recording did to the episode.
	EpisodeState   string `json:"episode_state,omitempty"`
	EpisodeMoved   *bool  `json:"episode_moved,omitempty"`
	NotMovedReason string `json:"not_moved_reason,omitempty"`
}

type assessmentListJSON struct {
	Items []assessmentJSON `json:"items"`
}

func toAssessmentJSON(r sqlstore.AssessmentRecord) assessmentJSON {
	x := r.Assessment
	out := assessmentJSON{ID: epID(x.ID), EpisodeID: epID(x.EpisodeID), Type: x.Type, OccurredAt: timeJSON(x.OccurredAt), RecordedAt: timeJSON(x.RecordedAt),
		Late: liaise.LateEntry(x.OccurredAt, x.RecordedAt), UserID: epID(x.UserID), UserName: r.UserName, Findings: x.Findings, Tools: x.Tools,
		Formulation: x.Formulation, Recommendations: x.Recommendations, Incomplete: x.Incomplete, IncompleteReason: x.IncompleteReason,
		EnteredInError: x.EnteredInError, Version: x.Version}
	if out.Findings == nil {
		out.Findings = []liaise.AssessmentFinding{}
	}
	if out.Tools == nil {
		out.Tools = []liaise.ScoredTool{}
	}
	if out.Recommendations == nil {
		out.Recommendations = []liaise.AssessmentRecommendation{}
	}
	return out
}

func (s *Server) apiListAssessments(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, err := s.DB.ListAssessments(r.Context(), id)
	if err != nil {
		return err
	}
	out := assessmentListJSON{Items: []assessmentJSON{}}
	for _, x := range list {
		out.Items = append(out.Items, toAssessmentJSON(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRecordAssessment(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b assessmentBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	x := &liaise.Assessment{Type: b.Type, Findings: b.Findings, Tools: b.Tools, Formulation: b.Formulation, Recommendations: b.Recommendations,
		Incomplete: b.Incomplete, IncompleteReason: b.IncompleteReason}
	if x.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	res, err := s.DB.RecordAssessment(r.Context(), id, x)
	if err != nil {
		return err
	}
	list, err := s.DB.ListAssessments(r.Context(), id)
	if err != nil {
		return err
	}
	var out assessmentJSON
	for _, got := range list {
		if got.ID == res.ID {
			out = toAssessmentJSON(got)
		}
	}
	moved := res.Moved
	out.EpisodeState, out.EpisodeMoved, out.NotMovedReason = string(res.State), &moved, res.NotMoved
	return writeCreated(w, "/api/v1/episodes/"+epID(id)+"/assessments/"+epID(res.ID), 1, out)
}

type sltRequestBody struct {
	Reason  string `json:"reason"`
	Urgency string `json:"urgency"`
}

type sltRequestJSON struct {
	ID              string `json:"id"`
	EpisodeID       string `json:"episode_id"`
	PersonID        string `json:"person_id,omitempty"`
	PersonName      string `json:"person_name,omitempty"`
	TeamName        string `json:"team_name,omitempty"`
	Reason          string `json:"reason"`
	Urgency         string `json:"urgency"`
	RequestedBy     string `json:"requested_by,omitempty"`
	RequestedByName string `json:"requested_by_name,omitempty"`
	RequestedAt     string `json:"requested_at"`
	Status          string `json:"status"`
	Version         int    `json:"version"`
	// Set when the request was cancelled.
	CancelReason    string `json:"cancel_reason,omitempty"`
	CancelledAt     string `json:"cancelled_at,omitempty"`
	CancelledByName string `json:"cancelled_by_name,omitempty"`
}

type sltQueueJSON struct {
	Items []sltRequestJSON `json:"items"`
}

func toSLTJSON(r liaise.SLTRequest) sltRequestJSON {
	return sltRequestJSON{ID: epID(r.ID), EpisodeID: epID(r.EpisodeID), Reason: r.Reason, Urgency: r.Urgency, RequestedBy: epID(r.RequestedBy),
		RequestedAt: timeJSON(r.RequestedAt), Status: r.Status, Version: r.Version}
}

func (s *Server) apiRequestSLT(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b sltRequestBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	req := &liaise.SLTRequest{Reason: b.Reason, Urgency: b.Urgency}
	rid, err := s.DB.RequestSLT(r.Context(), id, req)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/slt/requests/"+epID(rid), req.Version, toSLTJSON(*req))
}

func (s *Server) apiSLTQueue(w http.ResponseWriter, r *http.Request) error {
	q, err := s.DB.SLTQueue(r.Context())
	if err != nil {
		return err
	}
	out := sltQueueJSON{Items: []sltRequestJSON{}}
	for _, it := range q {
		j := toSLTJSON(it.SLTRequest)
		j.PersonID, j.PersonName, j.TeamName, j.RequestedByName = epID(it.PersonID), it.PersonName, it.TeamName, it.RequestedByName
		out.Items = append(out.Items, j)
	}
	return writeJSON(w, http.StatusOK, out)
}

type profileBody struct {
	OccurredAt         string `json:"occurred_at"`
	AdaptedQuestioning string `json:"adapted_questioning"`
	IntermediaryNeeded string `json:"intermediary_needed"`
	Strengths          string `json:"strengths,omitempty"`
	Difficulties       string `json:"difficulties,omitempty"`
	Recommendations    string `json:"recommendations,omitempty"`
}

type profileJSON struct {
	ID                 string `json:"id"`
	RequestID          string `json:"request_id"`
	OccurredAt         string `json:"occurred_at"`
	RecordedAt         string `json:"recorded_at"`
	UserID             string `json:"user_id,omitempty"`
	AdaptedQuestioning string `json:"adapted_questioning"`
	IntermediaryNeeded string `json:"intermediary_needed"`
	Strengths          string `json:"strengths"`
	Difficulties       string `json:"difficulties"`
	Recommendations    string `json:"recommendations"`
}

func (s *Server) apiRecordProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFoundError()
	}
	// Answering a request changes it (it becomes completed): send the
	// version last read, so a concurrent answer is not overwritten.
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b profileBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	p := &liaise.CommunicationProfile{AdaptedQuestioning: b.AdaptedQuestioning, IntermediaryNeeded: b.IntermediaryNeeded, Strengths: b.Strengths,
		Difficulties: b.Difficulties, Recommendations: b.Recommendations}
	if p.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if err := s.DB.RecordCommunicationProfile(r.Context(), id, version, p); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/slt/requests/"+epID(id)+"/profile", 1, profileJSON{ID: epID(p.ID), RequestID: epID(id),
		OccurredAt: timeJSON(p.OccurredAt), RecordedAt: timeJSON(p.RecordedAt), UserID: epID(p.UserID), AdaptedQuestioning: p.AdaptedQuestioning,
		IntermediaryNeeded: p.IntermediaryNeeded, Strengths: p.Strengths, Difficulties: p.Difficulties, Recommendations: p.Recommendations})
}

func (s *Server) apiCancelSLT(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFoundError()
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b inErrorBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	req, err := s.DB.CancelSLTRequest(r.Context(), id, version, b.Reason)
	if err != nil {
		return err
	}
	out := toSLTJSON(req.SLTRequest)
	out.RequestedByName, out.CancelReason, out.CancelledAt, out.CancelledByName = req.RequestedByName, req.CancelReason, timeJSON(req.CancelledAt), req.CancelledByName
	setETag(w, req.Version)
	return writeJSON(w, http.StatusOK, out)
}
