package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Screenings in the JSON API: list an episode's screenings and record one.

func (s *Server) screeningAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/screenings", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListScreenings,
			Summary:  "An episode's screenings, newest first, each with its question-set version and vulnerability answers",
			Response: screeningListJSON{Items: []screeningJSON{{}}}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/screenings/{screening_id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetScreening,
			Summary: "One screening of an episode", Response: screeningJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/screenings", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiRecordScreening, Status: http.StatusCreated,
			Summary: "Record a minimum or full screen (question set " + liaise.QuestionSetVersion + "). A complete screen also moves the episode to screened " +
				"when its state allows; otherwise the screen is kept and the state unchanged (episode_moved false, with the reason)",
			Request: screeningBody{}, Response: screeningJSON{}},
	}
}

type screeningBody struct {
	Kind                string                       `json:"kind"`
	OccurredAt          string                       `json:"occurred_at"`
	Mode                string                       `json:"mode,omitempty"`
	RemoteDetails       string                       `json:"remote_details,omitempty"`
	OthersPresent       string                       `json:"others_present,omitempty"`
	InterpreterUsed     bool                         `json:"interpreter_used,omitempty"`
	InterpreterLanguage string                       `json:"interpreter_language,omitempty"`
	RiskInCustody       string                       `json:"risk_in_custody,omitempty"`
	AdviceToCustody     string                       `json:"advice_to_custody,omitempty"`
	AssessmentNeeded    string                       `json:"assessment_needed,omitempty"`
	RiskToSelf          *liaise.Risk                 `json:"risk_to_self,omitempty"`
	RiskToOthers        *liaise.Risk                 `json:"risk_to_others,omitempty"`
	RiskFromOthers      *liaise.Risk                 `json:"risk_from_others,omitempty"`
	Safeguarding        *liaise.Risk                 `json:"safeguarding,omitempty"`
	Urgency             string                       `json:"urgency,omitempty"`
	Vulnerabilities     []liaise.VulnerabilityAnswer `json:"vulnerabilities,omitempty"`
	Incomplete          bool                         `json:"incomplete,omitempty"`
	IncompleteReason    string                       `json:"incomplete_reason,omitempty"`
}

type screeningJSON struct {
	ID                  string                       `json:"id"`
	EpisodeID           string                       `json:"episode_id"`
	Kind                string                       `json:"kind"`
	QuestionSetVersion  string                       `json:"question_set_version"`
	OccurredAt          string                       `json:"occurred_at"`
	RecordedAt          string                       `json:"recorded_at"`
	Late                bool                         `json:"late"`
	UserID              string                       `json:"user_id,omitempty"`
	UserName            string                       `json:"user_name"`
	Mode                string                       `json:"mode"`
	RemoteDetails       string                       `json:"remote_details"`
	OthersPresent       string                       `json:"others_present"`
	InterpreterUsed     bool                         `json:"interpreter_used"`
	InterpreterLanguage string                       `json:"interpreter_language"`
	RiskInCustody       string                       `json:"risk_in_custody"`
	AdviceToCustody     string                       `json:"advice_to_custody"`
	AssessmentNeeded    string                       `json:"assessment_needed"`
	RiskToSelf          liaise.Risk                  `json:"risk_to_self"`
	RiskToOthers        liaise.Risk                  `json:"risk_to_others"`
	RiskFromOthers      liaise.Risk                  `json:"risk_from_others"`
	Safeguarding        liaise.Risk                  `json:"safeguarding"`
	Urgency             string                       `json:"urgency"`
	Vulnerabilities     []liaise.VulnerabilityAnswer `json:"vulnerabilities"`
	Incomplete          bool                         `json:"incomplete"`
	IncompleteReason    string                       `json:"incomplete_reason"`
	EnteredInError      bool                         `json:"entered_in_error"`
	ErrorReason         string                       `json:"error_reason,omitempty"`
	ErrorAt             string                       `json:"error_at,omitempty"`
	ErrorByName         string                       `json:"error_by_name,omitempty"`
	Version             int                          `json:"version"`
	// Set only in the answer to a POST: what recording did to the episode.
	EpisodeState   string `json:"episode_state,omitempty"`
	EpisodeMoved   *bool  `json:"episode_moved,omitempty"`
	NotMovedReason string `json:"not_moved_reason,omitempty"`
}

type screeningListJSON struct {
	Items []screeningJSON `json:"items"`
}

func toScreeningJSON(r sqlstore.ScreeningRecord) screeningJSON {
	sc := r.Screening
	out := screeningJSON{ID: epID(sc.ID), EpisodeID: epID(sc.EpisodeID), Kind: string(sc.Kind), QuestionSetVersion: sc.QuestionSetVersion,
		OccurredAt: timeJSON(sc.OccurredAt), RecordedAt: timeJSON(sc.RecordedAt), Late: liaise.LateEntry(sc.OccurredAt, sc.RecordedAt),
		UserID: epID(sc.UserID), UserName: r.UserName, Mode: sc.Mode, RemoteDetails: sc.RemoteDetails, OthersPresent: sc.OthersPresent,
		InterpreterUsed: sc.InterpreterUsed, InterpreterLanguage: sc.InterpreterLanguage, RiskInCustody: sc.RiskInCustody,
		AdviceToCustody: sc.AdviceToCustody, AssessmentNeeded: sc.AssessmentNeeded, RiskToSelf: sc.RiskToSelf, RiskToOthers: sc.RiskToOthers,
		RiskFromOthers: sc.RiskFromOthers, Safeguarding: sc.Safeguarding, Urgency: sc.Urgency, Vulnerabilities: sc.Vulnerabilities,
		Incomplete: sc.Incomplete, IncompleteReason: sc.IncompleteReason, EnteredInError: sc.EnteredInError, ErrorReason: r.ErrorReason, ErrorAt: timeJSON(r.ErrorAt),
		ErrorByName: r.ErrorByName, Version: sc.Version}
	if out.Vulnerabilities == nil {
		out.Vulnerabilities = []liaise.VulnerabilityAnswer{}
	}
	return out
}

func screeningAPIHref(episode, id int64) string {
	return "/api/v1/episodes/" + epID(episode) + "/screenings/" + epID(id)
}

func (s *Server) apiListScreenings(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, err := s.DB.ListScreenings(r.Context(), id)
	if err != nil {
		return err
	}
	out := screeningListJSON{Items: []screeningJSON{}}
	for _, sc := range list {
		out.Items = append(out.Items, toScreeningJSON(sc))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	sid, err := strconv.ParseInt(r.PathValue("screening_id"), 10, 64)
	if err != nil || sid <= 0 {
		return notFoundError()
	}
	list, err := s.DB.ListScreenings(r.Context(), id)
	if err != nil {
		return err
	}
	for _, sc := range list {
		if sc.ID == sid {
			setETag(w, sc.Version)
			return writeJSON(w, http.StatusOK, toScreeningJSON(sc))
		}
	}
	return liaise.Errorf(liaise.ENOTFOUND, "Screening was not found.")
}

func (s *Server) apiRecordScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b screeningBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	sc := &liaise.Screening{Kind: liaise.ScreeningKind(b.Kind), Mode: b.Mode, RemoteDetails: b.RemoteDetails, OthersPresent: b.OthersPresent,
		InterpreterUsed: b.InterpreterUsed, InterpreterLanguage: b.InterpreterLanguage, RiskInCustody: b.RiskInCustody,
		AdviceToCustody: b.AdviceToCustody, AssessmentNeeded: b.AssessmentNeeded, Urgency: b.Urgency, Vulnerabilities: b.Vulnerabilities,
		Incomplete: b.Incomplete, IncompleteReason: b.IncompleteReason}
	for _, x := range []struct {
		dst *liaise.Risk
		src *liaise.Risk
	}{{&sc.RiskToSelf, b.RiskToSelf}, {&sc.RiskToOthers, b.RiskToOthers}, {&sc.RiskFromOthers, b.RiskFromOthers}, {&sc.Safeguarding, b.Safeguarding}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
	if sc.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	res, err := s.DB.RecordScreening(r.Context(), id, sc)
	if err != nil {
		return err
	}
	list, err := s.DB.ListScreenings(r.Context(), id)
	if err != nil {
		return err
	}
	var out screeningJSON
	for _, got := range list {
		if got.ID == res.ID {
			out = toScreeningJSON(got)
		}
	}
	moved := res.Moved
	out.EpisodeState, out.EpisodeMoved, out.NotMovedReason = string(res.State), &moved, res.NotMoved
	return writeCreated(w, screeningAPIHref(id, res.ID), 1, out)
}
