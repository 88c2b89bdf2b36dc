package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/sqlstore"
)

// Case notes pages: the episode's notes, newest first, with a form to add
// one; an amendment form (a new note linked to the original, which stays)
// and an entered-in-error form with a reason. No page edits or deletes a note.

func (s *Server) noteRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/episodes/{id}/notes", Cap: liaise.CapRecordRead, Personal: true, Handler: s.notesPage},
		{Method: "POST", Pattern: "/episodes/{id}/notes", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.noteCreate},
		{Method: "GET", Pattern: "/episodes/{id}/notes/{note_id}/amend", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.noteAmendPage},
	}, append(s.inErrorRoutes(notesInError), s.noteAPIRoutes()...)...)
}

// notesInError marks a case note entered in error: notes keep their own
// table of errors and rule (only the author, or a senior in the team, may
// correct a note), so the kind brings its own steps. The API answers with
// the note (201: a correction is a new row beside the note).
var notesInError = inErrorKind{Page: "notes", API: "notes", Param: "note_id", what: "case note", response: noteJSON{}, status: http.StatusCreated,
	label: "Why was this note entered in error?", flash: "Note marked as entered in error: it stays in the record, struck through",
	anchor: noteAnchor,
	entry: func(s *Server, r *http.Request, e sqlstore.Episode, id int64) (sqlstore.Entry, []string, error) {
		n, err := s.DB.GetNote(r.Context(), e.ID, id)
		if err != nil {
			return sqlstore.Entry{}, nil, err
		}
		if err := noteCorrectable(liaise.ActorFrom(r.Context()), e, n); err != nil {
			return sqlstore.Entry{}, nil, err
		}
		v := toNoteView(n, false)
		return sqlstore.Entry{ID: n.ID, EpisodeID: e.ID, What: "Case note", OccurredAt: n.OccurredAt, RecordedAt: n.RecordedAt, ByName: n.UserName,
			EnteredInError: n.EnteredInError, Correction: sqlstore.Correction{ErrorReason: n.ErrorReason, ErrorAt: n.ErrorAt, ErrorByName: n.ErrorByName}}, v.Lines, nil
	},
	mark: func(s *Server, ctx context.Context, episode, id int64, reason string) (string, error) {
		_, err := s.DB.MarkNoteEnteredInError(ctx, episode, id, reason)
		return "", err
	},
	answer: func(s *Server, ctx context.Context, episode, id int64) (any, error) {
		n, err := s.DB.GetNote(ctx, episode, id)
		return toNoteJSON(n), err
	}}

// noteView is one note as the page shows it.
type noteView struct {
	ID, Anchor, Occurred, Recorded, Author string
	Lines                                  []string
	Late, Restricted, Hidden               bool
	// Amendment: this note corrects the note of AmendsWhen.
	AmendsHref, AmendsWhen string
	// Amended: a later note corrects this one.
	AmendedHref, AmendedWhen string
	InError                  bool
	ErrorReason, ErrorBy     string
	ErrorWhen                string
	AmendHref, ErrorHref     string
}

type notesPageData struct {
	PersonName, EpisodeHref, Action string
	Notes                           []noteView
	CanWrite, BreakGlass            bool
	// Note is the note being amended or marked (amend and error pages).
	Note *noteView
}

func noteAnchor(id int64) string { return "note-" + strconv.FormatInt(id, 10) }

func notesHref(episode int64) string { return episodeHref(episode) + "/notes" }

func stamp(t liaise.Time) string { return t.Local().Format("2 Jan 2006 15:04") }

func toNoteView(n sqlstore.Note, canCorrect bool) noteView {
	v := noteView{ID: strconv.FormatInt(n.ID, 10), Anchor: noteAnchor(n.ID), Occurred: stamp(n.OccurredAt), Recorded: stamp(n.RecordedAt),
		Author: n.UserName, Late: n.Late(), Restricted: n.RestrictedToTeam, Hidden: n.Hidden, InError: n.EnteredInError,
		ErrorReason: n.ErrorReason, ErrorBy: n.ErrorByName}
	if !n.Hidden {
		v.Lines = strings.Split(strings.ReplaceAll(n.Text, "\r\n", "\n"), "\n")
	}
	if n.EnteredInError {
		v.ErrorWhen = stamp(n.ErrorAt)
	}
	if n.AmendsNoteID != 0 {
		v.AmendsHref, v.AmendsWhen = "#"+noteAnchor(n.AmendsNoteID), stamp(n.AmendsOccurredAt)
	}
	if n.AmendedByID != 0 {
		v.AmendedHref, v.AmendedWhen = "#"+noteAnchor(n.AmendedByID), stamp(n.AmendedAt)
	}
	if canCorrect && !n.Hidden && !n.EnteredInError {
		base := notesHref(n.EpisodeID) + "/" + v.ID
		if n.AmendedByID == 0 {
			v.AmendHref = base + "/amend"
		}
		v.ErrorHref = base + "/entered-in-error"
	}
	return v
}

// episodeForPage opens the episode named by the path's {id} for a sub-page.
func (s *Server) episodeForPage(w http.ResponseWriter, r *http.Request) (sqlstore.Episode, bool, error) {
	id, err := orgPathID(r)
	if err != nil {
		return sqlstore.Episode{}, false, err
	}
	return s.episodeByID(w, r, id)
}

// episodeByID opens an episode for a sub-page; without access but with
// break-glass rights it sends the user to the person's page for a reason.
func (s *Server) episodeByID(w http.ResponseWriter, r *http.Request, id int64) (sqlstore.Episode, bool, error) {
	e, err := s.DB.GetEpisode(r.Context(), id)
	if breakGlassRedirect(w, r, err) {
		return e, false, nil
	}
	return e, err == nil, err
}

// canCorrectNote mirrors the store's rule for the links it shows: the
// author or a senior, within the team.
func canCorrectNote(a *liaise.Actor, e sqlstore.Episode, n sqlstore.Note) bool {
	return a.Can(liaise.CapRecordWrite) && a.InTeam(e.TeamID) && (a.System || n.UserID == a.UserID || a.Can(liaise.CapAllocate))
}

// noteCorrectable refuses, saying why, a user who may not correct the note.
func noteCorrectable(a *liaise.Actor, e sqlstore.Episode, n sqlstore.Note) error {
	if !canCorrectNote(a, e, n) {
		return liaise.Errorf(liaise.EFORBIDDEN, "Only the author of a note, or a senior practitioner or manager in the team, can correct it: add a new note instead.")
	}
	return nil
}

func (s *Server) notesPage(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	return s.renderNotes(w, r, http.StatusOK, f)
}

func (s *Server) renderNotes(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	e, ok, err := s.episodeForPage(w, r)
	if !ok {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	notes, err := s.DB.ListNotes(r.Context(), e.ID)
	if err != nil {
		return err
	}
	d := notesPageData{PersonName: e.Person.DisplayName(), EpisodeHref: episodeHref(e.ID), Action: notesHref(e.ID),
		CanWrite: a.Can(liaise.CapRecordWrite), BreakGlass: e.BreakGlass}
	for _, n := range notes {
		d.Notes = append(d.Notes, toNoteView(n, canCorrectNote(a, e, n)))
	}
	p := s.newPage(r, "Case notes: "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "notes", p)
	return nil
}

func noteInput(f *Form) sqlstore.NoteInput {
	in := sqlstore.NoteInput{Text: f.Values.Get("text"), RestrictedToTeam: f.Get("restricted_to_team") == "yes", AmendsNoteID: f.Int64("amends_note_id")}
	in.OccurredAt = formTime(f, "occurred_at", "When it happened")
	return in
}

func (s *Server) noteCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := noteInput(f)
	if f.Valid() {
		n, err := s.DB.AddNote(r.Context(), id, in)
		if err == nil {
			flash := "Note added"
			if in.AmendsNoteID != 0 {
				flash = "Amendment added: the original note is kept and links to it"
			}
			return s.redirect(w, r, notesHref(id)+"#"+noteAnchor(n.ID), flash)
		}
		switch {
		case liaise.ErrorCode(err) == liaise.ECONFLICT:
			f.AddError("", liaise.ErrorMessage(err))
		case f.Absorb(err, "text", "occurred_at"):
		default:
			return err
		}
	}
	if in.AmendsNoteID != 0 {
		return s.renderNoteForm(w, r, http.StatusUnprocessableEntity, in.AmendsNoteID, f)
	}
	return s.renderNotes(w, r, http.StatusUnprocessableEntity, f)
}

// renderNoteForm shows the amend form for one note.
func (s *Server) renderNoteForm(w http.ResponseWriter, r *http.Request, status int, noteID int64, f *Form) error {
	e, ok, err := s.episodeForPage(w, r)
	if !ok {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	n, err := s.DB.GetNote(r.Context(), e.ID, noteID)
	if err != nil {
		return err
	}
	if err := noteCorrectable(a, e, n); err != nil {
		return err
	}
	v := toNoteView(n, true)
	d := notesPageData{PersonName: e.Person.DisplayName(), EpisodeHref: notesHref(e.ID), Note: &v, CanWrite: true}
	d.Action = notesHref(e.ID)
	if f == nil {
		f = NewForm(nil)
		f.Set("text", n.Text)
		setFormTime(f, "occurred_at", n.OccurredAt.Time)
		if n.RestrictedToTeam {
			f.Set("restricted_to_team", "yes")
		}
	}
	f.Set("amends_note_id", v.ID)
	p := s.newPage(r, "Amend a note: "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "notes_amend", p)
	return nil
}

func noteIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("note_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}

func (s *Server) noteAmendPage(w http.ResponseWriter, r *http.Request) error {
	nid, err := noteIDParam(r)
	if err != nil {
		return err
	}
	return s.renderNoteForm(w, r, http.StatusOK, nid, nil)
}
