package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Onward referrals in the JSON API: list, make, read one (its version is the
// ETag) and move it along its state machine with If-Match.

func (s *Server) referralAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/referrals", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListReferrals,
			Summary: "The onward referrals of an episode (MHSDS MHS105), oldest first", Response: referralListJSON{Items: []referralJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/referrals", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddReferral, Status: http.StatusCreated,
			Summary: "Make an onward referral, planned or already sent: need (vulnerabilities code), service (free text), method, decided_at and, when sent later, sent_at",
			Request: referralBody{}, Response: referralJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/referrals/{rid}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetReferral,
			Summary: "One onward referral with its status history and allowed next states; its version is the ETag", Response: referralJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/referrals/{rid}/transitions", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiReferralTransition,
			Status:  http.StatusCreated,
			Summary: "Move an onward referral to its next state, with If-Match; a move the state machine does not allow is a 422 naming the field",
			Request: referralTransitionBody{}, Response: referralJSON{}},
	}
}

type referralBody struct {
	Need                        string `json:"need"`
	Service                     string `json:"service"`
	Method                      string `json:"method"`
	State                       string `json:"state,omitempty"`
	DecidedAt                   string `json:"decided_at"`
	SentAt                      string `json:"sent_at,omitempty"`
	SupportedToFirstAppointment bool   `json:"supported_to_first_appointment,omitempty"`
}

type referralTransitionBody struct {
	To                          string `json:"to"`
	Reason                      string `json:"reason,omitempty"`
	OccurredAt                  string `json:"occurred_at"`
	FirstAppointmentAt          string `json:"first_appointment_at,omitempty"`
	SupportedToFirstAppointment *bool  `json:"supported_to_first_appointment,omitempty"`
}

type referralTransitionJSON struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Reason     string `json:"reason,omitempty"`
	OccurredAt string `json:"occurred_at"`
	RecordedAt string `json:"recorded_at"`
	Late       bool   `json:"late"`
	UserName   string `json:"user_name"`
}

type referralJSON struct {
	ID                          string                   `json:"id"`
	EpisodeID                   string                   `json:"episode_id"`
	Need                        string                   `json:"need"`
	Service                     string                   `json:"service"`
	Method                      string                   `json:"method"`
	State                       string                   `json:"state"`
	StateLabel                  string                   `json:"state_label"`
	DecidedAt                   string                   `json:"decided_at"`
	SentAt                      string                   `json:"sent_at,omitempty"`
	FirstAppointmentAt          string                   `json:"first_appointment_at,omitempty"`
	AttendedAt                  string                   `json:"attended_at,omitempty"`
	SupportedToFirstAppointment bool                     `json:"supported_to_first_appointment"`
	NextStates                  []string                 `json:"next_states"`
	Transitions                 []referralTransitionJSON `json:"transitions,omitempty"`
	Version                     int                      `json:"version"`
}

type referralListJSON struct {
	Items []referralJSON `json:"items"`
}

func toReferralJSON(x sqlstore.Referral) referralJSON {
	out := referralJSON{ID: epID(x.ID), EpisodeID: epID(x.EpisodeID), Need: x.Need, Service: x.Service, Method: x.Method, State: string(x.State),
		StateLabel: x.State.Label(), DecidedAt: timeJSON(x.DecidedAt), SentAt: timeJSON(x.SentAt), FirstAppointmentAt: timeJSON(x.FirstAppointmentAt),
		AttendedAt: timeJSON(x.AttendedAt), SupportedToFirstAppointment: x.SupportedToFirstAppointment, NextStates: []string{}, Version: x.Version}
	if !x.State.Terminal() {
		for _, r := range liaise.NextReferralStates(x.State) {
			out.NextStates = append(out.NextStates, string(r.To))
		}
	}
	for _, h := range x.History {
		out.Transitions = append(out.Transitions, referralTransitionJSON{From: string(h.From), To: string(h.To), Reason: h.Reason,
			OccurredAt: timeJSON(h.OccurredAt), RecordedAt: timeJSON(h.RecordedAt), Late: h.Late(), UserName: h.UserName})
	}
	return out
}

func referralLocation(episode, id int64) string {
	return "/api/v1/episodes/" + epID(episode) + "/referrals/" + strconv.FormatInt(id, 10)
}

func (s *Server) apiListReferrals(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, err := s.DB.ListReferrals(r.Context(), id)
	if err != nil {
		return err
	}
	out := referralListJSON{Items: []referralJSON{}}
	for _, x := range list {
		out.Items = append(out.Items, toReferralJSON(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b referralBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.NewReferralInput{Need: b.Need, Service: b.Service, Method: b.Method, State: liaise.ReferralState(b.State),
		SupportedToFirstAppointment: b.SupportedToFirstAppointment}
	if in.DecidedAt, err = parseAPITime("decided_at", b.DecidedAt); err != nil {
		return err
	}
	if in.SentAt, err = parseAPITime("sent_at", b.SentAt); err != nil {
		return err
	}
	ref, err := s.DB.AddReferral(r.Context(), id, in)
	if err != nil {
		return err
	}
	got, err := s.DB.GetReferral(r.Context(), id, ref.ID)
	if err != nil {
		return err
	}
	return writeCreated(w, referralLocation(id, ref.ID), got.Version, toReferralJSON(got))
}

func (s *Server) apiGetReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	ref, err := s.DB.GetReferral(r.Context(), id, rid)
	if err != nil {
		return err
	}
	setETag(w, ref.Version)
	return writeJSON(w, http.StatusOK, toReferralJSON(ref))
}

func (s *Server) apiReferralTransition(w http.ResponseWriter, r *http.Request) error {
	var b referralTransitionBody
	id, version, err := readPatch(r, &b)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	in := sqlstore.ReferralTransitionInput{To: liaise.ReferralState(b.To), Reason: b.Reason, Version: version, Supported: b.SupportedToFirstAppointment}
	if in.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if in.FirstAppointmentAt, err = parseAPITime("first_appointment_at", b.FirstAppointmentAt); err != nil {
		return err
	}
	if _, err := s.DB.TransitionReferral(r.Context(), id, rid, in); err != nil {
		if liaise.ErrorCode(err) == liaise.EINVALID && len(liaise.ErrorFields(err)) == 0 {
			return fieldErr("to", liaise.ErrorMessage(err))
		}
		return err
	}
	got, err := s.DB.GetReferral(r.Context(), id, rid)
	if err != nil {
		return err
	}
	return writeCreated(w, referralLocation(id, rid), got.Version, toReferralJSON(got))
}
