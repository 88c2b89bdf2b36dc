package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Justice outcomes in the JSON API: list and record an episode's custody and
// court outcomes, with recommendations followed and the next hearing.

func (s *Server) outcomeAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/outcomes", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListOutcomes,
			Summary:  "The custody and court outcomes of an episode, newest first, with whether each recommendation was followed and whether the outcome is a diversion out of the justice system (never for an outcome entered in error)",
			Response: outcomeListJSON{Items: []outcomeJSON{{Recommendations: []recommendationJSON{{}}}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/outcomes", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddOutcome, Status: http.StatusCreated,
			Summary: "Record a custody (custody-outcomes) or court (court-outcomes) outcome; requirements (community-order-requirements) only with a community order or suspended sentence; with a charge or remand, next_hearing_site_id (a court site) and next_hearing_date hand the episode over to that court's team",
			Request: outcomeBody{Recommendations: []recommendationJSON{{}}}, Response: outcomeJSON{Recommendations: []recommendationJSON{{}}}},
	}
}

type recommendationJSON struct {
	Type     string `json:"type"`
	Detail   string `json:"detail,omitempty"`
	Followed string `json:"followed"`
}

type outcomeBody struct {
	Stage             string               `json:"stage"`
	Outcome           string               `json:"outcome"`
	Requirements      []string             `json:"requirements,omitempty"`
	OccurredAt        string               `json:"occurred_at"`
	Notes             string               `json:"notes,omitempty"`
	Recommendations   []recommendationJSON `json:"recommendations,omitempty"`
	NextHearingSiteID string               `json:"next_hearing_site_id,omitempty"`
	NextHearingDate   string               `json:"next_hearing_date,omitempty"`
	HandoverNote      string               `json:"handover_note,omitempty"`
}

type outcomeJSON struct {
	ID                string               `json:"id"`
	EpisodeID         string               `json:"episode_id"`
	Stage             string               `json:"stage"`
	Outcome           string               `json:"outcome"`
	Requirements      []string             `json:"requirements"`
	Diversion         bool                 `json:"diversion"`
	OccurredAt        string               `json:"occurred_at"`
	RecordedAt        string               `json:"recorded_at"`
	Late              bool                 `json:"late"`
	Notes             string               `json:"notes"`
	Recommendations   []recommendationJSON `json:"recommendations"`
	NextHearingSiteID string               `json:"next_hearing_site_id,omitempty"`
	NextHearingDate   string               `json:"next_hearing_date,omitempty"`
	HandoverTeamID    string               `json:"handover_team_id,omitempty"`
	HandoverNote      string               `json:"handover_note,omitempty"`
	UserName          string               `json:"user_name"`
	EnteredInError    bool                 `json:"entered_in_error"`
	ErrorReason       string               `json:"error_reason,omitempty"`
	ErrorAt           string               `json:"error_at,omitempty"`
	ErrorByName       string               `json:"error_by_name,omitempty"`
}

type outcomeListJSON struct {
	Items []outcomeJSON `json:"items"`
}

func toOutcomeJSON(o sqlstore.JusticeOutcome) outcomeJSON {
	out := outcomeJSON{ID: epID(o.ID), EpisodeID: epID(o.EpisodeID), Stage: o.Stage, Outcome: o.Outcome, Requirements: o.Requirements,
		Diversion: o.Diversion(), OccurredAt: timeJSON(o.OccurredAt), RecordedAt: timeJSON(o.RecordedAt), Late: o.Late(), Notes: o.Notes,
		Recommendations: []recommendationJSON{}, HandoverNote: o.HandoverNote, UserName: o.UserName, EnteredInError: o.EnteredInError,
		ErrorReason: o.ErrorReason, ErrorAt: timeJSON(o.ErrorAt), ErrorByName: o.ErrorByName}
	if out.Requirements == nil {
		out.Requirements = []string{}
	}
	for _, r := range o.Recommendations {
		out.Recommendations = append(out.Recommendations, recommendationJSON{Type: r.Type, Detail: r.Detail, Followed: r.Followed})
	}
	if o.NextHearingSiteID != 0 {
		out.NextHearingSiteID, out.NextHearingDate, out.HandoverTeamID = epID(o.NextHearingSiteID), o.NextHearingDate.String(), epID(o.HandoverTeamID)
	}
	return out
}

func (s *Server) apiListOutcomes(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, err := s.DB.ListJusticeOutcomes(r.Context(), id)
	if err != nil {
		return err
	}
	out := outcomeListJSON{Items: []outcomeJSON{}}
	for _, o := range list {
		out.Items = append(out.Items, toOutcomeJSON(o))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddOutcome(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b outcomeBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	var o sqlstore.JusticeOutcome
	o.Stage, o.Outcome, o.Requirements, o.Notes, o.HandoverNote = b.Stage, b.Outcome, b.Requirements, b.Notes, b.HandoverNote
	for _, rec := range b.Recommendations {
		o.Recommendations = append(o.Recommendations, liaise.Recommendation{Type: rec.Type, Detail: rec.Detail, Followed: rec.Followed})
	}
	if o.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if b.NextHearingSiteID != "" {
		if o.NextHearingSiteID, err = strconv.ParseInt(b.NextHearingSiteID, 10, 64); err != nil {
			return fieldErr("next_hearing_site_id", "Give the id of a court site")
		}
	}
	if b.NextHearingDate != "" {
		if o.NextHearingDate, err = liaise.ParseDate(b.NextHearingDate); err != nil {
			return fieldErr("next_hearing_date", "Give the date as YYYY-MM-DD")
		}
	}
	if err := s.DB.AddJusticeOutcome(r.Context(), id, &o); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/episodes/"+epID(id)+"/outcomes")
	// After a handover the caller's team may no longer read the episode, so
	// answer with what was written rather than reading it back.
	return writeJSON(w, http.StatusCreated, toOutcomeJSON(o))
}
