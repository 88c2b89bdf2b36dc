package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Case notes in the JSON API: list and add (an amendment is a new note with
// amends_note_id), read one, and mark one entered in error. There is no
// PATCH or DELETE: notes are append-only.

func (s *Server) noteAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/notes", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListNotes,
			Summary:  "An episode's case notes, newest first; notes restricted to the team come without text (hidden) for a break-glass reader",
			Response: noteListJSON{Items: []noteJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/notes", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddNote, Status: http.StatusCreated,
			Summary: "Add a case note; with amends_note_id it amends that note, which stays in the record linked to the amendment",
			Request: noteBody{}, Response: noteJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/notes/{note_id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetNote,
			Summary: "One case note", Response: noteJSON{}},
	}
}

type noteBody struct {
	Text             string `json:"text"`
	OccurredAt       string `json:"occurred_at"`
	RestrictedToTeam bool   `json:"restricted_to_team,omitempty"`
	AmendsNoteID     string `json:"amends_note_id,omitempty"`
}

type noteErrorJSON struct {
	Reason     string `json:"reason,omitempty"`
	ByName     string `json:"by_name"`
	RecordedAt string `json:"recorded_at"`
}

type noteJSON struct {
	ID               string         `json:"id"`
	EpisodeID        string         `json:"episode_id"`
	OccurredAt       string         `json:"occurred_at"`
	RecordedAt       string         `json:"recorded_at"`
	Late             bool           `json:"late"`
	UserID           string         `json:"user_id,omitempty"`
	UserName         string         `json:"user_name"`
	Text             string         `json:"text"`
	RestrictedToTeam bool           `json:"restricted_to_team"`
	Hidden           bool           `json:"hidden"`
	AmendsNoteID     string         `json:"amends_note_id,omitempty"`
	AmendedByNoteID  string         `json:"amended_by_note_id,omitempty"`
	EnteredInError   *noteErrorJSON `json:"entered_in_error,omitempty"`
}

type noteListJSON struct {
	Items []noteJSON `json:"items"`
}

func toNoteJSON(n sqlstore.Note) noteJSON {
	out := noteJSON{ID: epID(n.ID), EpisodeID: epID(n.EpisodeID), OccurredAt: timeJSON(n.OccurredAt), RecordedAt: timeJSON(n.RecordedAt),
		Late: n.Late(), UserID: epID(n.UserID), UserName: n.UserName, Text: n.Text, RestrictedToTeam: n.RestrictedToTeam, Hidden: n.Hidden,
		AmendsNoteID: epID(n.AmendsNoteID), AmendedByNoteID: epID(n.AmendedByID)}
	if n.EnteredInError {
		out.EnteredInError = &noteErrorJSON{Reason: n.ErrorReason, ByName: n.ErrorByName, RecordedAt: timeJSON(n.ErrorAt)}
	}
	return out
}

func noteLocation(episode, note int64) string {
	return "/api/v1/episodes/" + epID(episode) + "/notes/" + strconv.FormatInt(note, 10)
}

func (s *Server) apiListNotes(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	notes, err := s.DB.ListNotes(r.Context(), id)
	if err != nil {
		return err
	}
	out := noteListJSON{Items: []noteJSON{}}
	for _, n := range notes {
		out.Items = append(out.Items, toNoteJSON(n))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddNote(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b noteBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.NoteInput{Text: b.Text, RestrictedToTeam: b.RestrictedToTeam}
	if in.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if in.AmendsNoteID, err = parseAPIID("amends_note_id", b.AmendsNoteID); err != nil {
		return err
	}
	n, err := s.DB.AddNote(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", noteLocation(id, n.ID))
	return writeJSON(w, http.StatusCreated, toNoteJSON(n))
}

func (s *Server) apiGetNote(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	nid, err := noteIDParam(r)
	if err != nil {
		return err
	}
	n, err := s.DB.GetNote(r.Context(), id, nid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toNoteJSON(n))
}
