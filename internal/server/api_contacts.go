package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Contacts in the JSON API: list and record direct contacts and indirect
// activities of an episode, and mark one entered in error.

func (s *Server) contactAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/contacts", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListContacts,
			Summary:  "The direct contacts (kind direct, MHSDS MHS201) and indirect activities (kind indirect, MHS204) of an episode, newest first, including entries marked entered in error",
			Response: contactListJSON{Items: []contactJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/contacts", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddContact, Status: http.StatusCreated,
			Summary: "Record a direct contact (consultation_mechanism, activity_location_type — the episode site's when blank — attended_or_dna, others_present) or an indirect activity (counterpart_agency_type, counterpart_role); duration_minutes 1–600",
			Request: contactBody{}, Response: contactJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/contacts/{cid}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetContact,
			Summary: "One contact or activity of an episode", Response: contactJSON{}},
	}
}

type contactBody struct {
	Kind                  string   `json:"kind"`
	OccurredAt            string   `json:"occurred_at"`
	DurationMinutes       int      `json:"duration_minutes"`
	ConsultationMechanism string   `json:"consultation_mechanism,omitempty"`
	ActivityLocationType  string   `json:"activity_location_type,omitempty"`
	AttendedOrDNA         string   `json:"attended_or_dna,omitempty"`
	OthersPresent         []string `json:"others_present,omitempty"`
	ReasonableAdjustment  string   `json:"reasonable_adjustment,omitempty"`
	Planned               bool     `json:"planned,omitempty"`
	CounterpartAgencyType string   `json:"counterpart_agency_type,omitempty"`
	CounterpartRole       string   `json:"counterpart_role,omitempty"`
	Summary               string   `json:"summary,omitempty"`
}

type contactJSON struct {
	ID                    string   `json:"id"`
	EpisodeID             string   `json:"episode_id"`
	Kind                  string   `json:"kind"`
	OccurredAt            string   `json:"occurred_at"`
	RecordedAt            string   `json:"recorded_at"`
	Late                  bool     `json:"late"`
	DurationMinutes       int      `json:"duration_minutes"`
	ConsultationMechanism string   `json:"consultation_mechanism,omitempty"`
	ActivityLocationType  string   `json:"activity_location_type,omitempty"`
	AttendedOrDNA         string   `json:"attended_or_dna,omitempty"`
	OthersPresent         []string `json:"others_present"`
	ReasonableAdjustment  string   `json:"reasonable_adjustment,omitempty"`
	Planned               bool     `json:"planned"`
	CounterpartAgencyType string   `json:"counterpart_agency_type,omitempty"`
	CounterpartRole       string   `json:"counterpart_role,omitempty"`
	Summary               string   `json:"summary"`
	UserName              string   `json:"user_name"`
	EnteredInError        bool     `json:"entered_in_error"`
	ErrorReason           string   `json:"error_reason,omitempty"`
}

type contactListJSON struct {
	Items []contactJSON `json:"items"`
}

func toContactJSON(c sqlstore.Contact) contactJSON {
	out := contactJSON{ID: epID(c.ID), EpisodeID: epID(c.EpisodeID), Kind: c.Kind, OccurredAt: timeJSON(c.OccurredAt), RecordedAt: timeJSON(c.RecordedAt),
		Late: c.Late(), DurationMinutes: c.Minutes, ConsultationMechanism: c.ConsultationMechanism, ActivityLocationType: c.ActivityLocationType,
		AttendedOrDNA: c.AttendedOrDNA, OthersPresent: c.OthersPresent, ReasonableAdjustment: c.ReasonableAdjustment, Planned: c.Planned,
		CounterpartAgencyType: c.CounterpartAgencyType, CounterpartRole: c.CounterpartRole, Summary: c.Summary, UserName: c.UserName,
		EnteredInError: c.EnteredInError, ErrorReason: c.ErrorReason}
	if out.OthersPresent == nil {
		out.OthersPresent = []string{}
	}
	return out
}

func contactLocation(episode, id int64) string {
	return "/api/v1/episodes/" + epID(episode) + "/contacts/" + strconv.FormatInt(id, 10)
}

func (s *Server) apiListContacts(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, err := s.DB.ListContacts(r.Context(), id)
	if err != nil {
		return err
	}
	out := contactListJSON{Items: []contactJSON{}}
	for _, c := range list {
		out.Items = append(out.Items, toContactJSON(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddContact(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b contactBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	c := sqlstore.Contact{Kind: b.Kind, Minutes: b.DurationMinutes, ConsultationMechanism: b.ConsultationMechanism,
		ActivityLocationType: b.ActivityLocationType, AttendedOrDNA: b.AttendedOrDNA, OthersPresent: b.OthersPresent,
		ReasonableAdjustment: b.ReasonableAdjustment, Planned: b.Planned, CounterpartAgencyType: b.CounterpartAgencyType,
		CounterpartRole: b.CounterpartRole, Summary: b.Summary}
	if c.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if err := s.DB.AddContact(r.Context(), id, &c); err != nil {
		return err
	}
	got, err := s.DB.GetContact(r.Context(), id, c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", contactLocation(id, c.ID))
	return writeJSON(w, http.StatusCreated, toContactJSON(got))
}

func (s *Server) apiGetContact(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	c, err := s.DB.GetContact(r.Context(), id, cid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toContactJSON(c))
}
