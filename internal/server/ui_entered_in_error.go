package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/sqlstore"
)

// Entered in error, for every kind of entry in an episode's append-only
// record: one form (a reason, with an NHS error summary when it is empty),
// one page handler and one API handler. A wrong entry is never changed or
// deleted: it is marked with a reason and stays on its list page, flagged.
// Each record type is an inErrorKind, and its route function adds
// s.inErrorRoutes(kind)... — the next record type is one line there.

// inErrorKind is one kind of entry that can be marked entered in error.
type inErrorKind struct {
	// Page is the list page's segment under /episodes/{id}; the form is at
	// /episodes/{id}/<Page>/{<Param>}/entered-in-error.
	Page string
	// Back is the list page to return to when it is not Page.
	Back string
	// API is the segment under /api/v1/episodes/{id}.
	API string
	// Param names the entry's id in the paths.
	Param string
	// Store is the kind in the store (the shared routine).
	Store *sqlstore.EntryKind

	// Optional, for record types with rules of their own (case notes):
	// what the form shows, how marking is done and what the API answers.
	entry    func(s *Server, r *http.Request, e sqlstore.Episode, id int64) (sqlstore.Entry, []string, error)
	mark     func(s *Server, ctx context.Context, episode, id int64, reason string) (string, error)
	answer   func(s *Server, ctx context.Context, episode, id int64) (any, error)
	response any // the answer's example for OpenAPI
	status   int // the API's success status (200 if 0)
	anchor   func(id int64) string
	what     string
	label    string
	flash    string
}

func (k inErrorKind) noun() string {
	if k.what != "" {
		return k.what
	}
	return k.Store.What
}

func (k inErrorKind) backPath() string {
	if k.Back != "" {
		return k.Back
	}
	return k.Page
}

// href is where the form of one entry is.
func (k inErrorKind) href(episode, id int64) string {
	return episodeHref(episode) + "/" + k.Page + "/" + strconv.FormatInt(id, 10) + "/entered-in-error"
}

// inErrorRoutes declares the form (GET and POST) and the API action of a kind.
func (s *Server) inErrorRoutes(k inErrorKind) []Route {
	page := "/episodes/{id}/" + k.Page + "/{" + k.Param + "}/entered-in-error"
	var resp any = entryJSON{}
	if k.response != nil {
		resp = k.response
	}
	return []Route{
		{Method: "GET", Pattern: page, Cap: liaise.CapRecordWrite, Personal: true, Handler: s.inErrorForm(k)},
		{Method: "POST", Pattern: page, Cap: liaise.CapRecordWrite, Personal: true, Handler: s.inErrorSave(k)},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/" + k.API + "/{" + k.Param + "}/entered-in-error", Cap: liaise.CapRecordWrite, Personal: true,
			Handler: s.apiInError(k), Status: k.status,
			Summary: "Mark " + article(k.noun()) + " " + k.noun() + " entered in error with a reason; it is kept in the record, flagged with the reason, who and when " +
				"(422 without a reason, 409 when already marked, 404 for an entry of another episode)",
			Request: inErrorBody{}, Response: resp},
	}
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// correctionView is what a list page shows of one entry's correction: the
// flag with the reason once marked, otherwise the link to mark it.
type correctionView struct {
	InError                         bool
	ErrorReason, ErrorBy, ErrorWhen string
	ErrorHref                       string
}

// view is the correction of one entry for its list page; canWrite offers the link.
func (k inErrorKind) view(episode, id int64, inError bool, c sqlstore.Correction, canWrite bool) correctionView {
	v := correctionView{InError: inError}
	if inError {
		v.ErrorReason, v.ErrorBy, v.ErrorWhen = c.ErrorReason, c.ErrorByName, whenText(c.ErrorAt)
	} else if canWrite {
		v.ErrorHref = k.href(episode, id)
	}
	return v
}

// --- The form ----------------------------------------------------------------------

// correctionForm is the one page that asks the reason for a correction:
// marking an entry entered in error, cancelling an SLT request, withdrawing
// an "I know this person" declaration. Facts say what is being corrected;
// without an Action the page says Done instead of showing the form.
type correctionForm struct {
	PersonName, Heading string
	BackHref, BackLabel string
	Facts               []factLines
	Info                string
	Label, Hint, Button string
	Action              string
	Hidden              []hiddenField
	Done                string
}

// factLines is one row of a summary list whose value may have several lines.
type factLines struct {
	Key   string
	Lines []string
}

type hiddenField struct{ Name, Value string }

func fact(key string, lines ...string) factLines { return factLines{key, lines} }

// renderCorrection shows the correction form.
func (s *Server) renderCorrection(w http.ResponseWriter, r *http.Request, status int, d correctionForm, f *Form) {
	p := s.newPage(r, d.Heading+" – "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "correction_form", p)
}

func (k inErrorKind) ids(r *http.Request) (int64, int64, error) {
	id, err := orgPathID(r)
	if err != nil {
		return 0, 0, err
	}
	xid, err := pathID(r, k.Param)
	return id, xid, err
}

func (s *Server) renderInError(w http.ResponseWriter, r *http.Request, k inErrorKind, status int, f *Form) error {
	id, xid, err := k.ids(r)
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	var x sqlstore.Entry
	var text []string
	if k.entry != nil {
		x, text, err = k.entry(s, r, e, xid)
	} else {
		x, err = s.DB.GetEntry(r.Context(), k.Store, id, xid)
	}
	if err != nil {
		return err
	}
	d := correctionForm{PersonName: e.Person.DisplayName(), Heading: "Mark as entered in error", BackHref: episodeHref(id) + "/" + k.backPath(),
		BackLabel: partLabel(k.backPath()), Action: k.href(id, xid), Label: k.label, Hint: "For example, recorded against the wrong person",
		Button: "Mark as entered in error", Done: "This entry is already marked as entered in error.",
		Info:  "The entry is not deleted: it stays in the record, marked as entered in error with your reason, and no longer counts. Record the right details as a new entry.",
		Facts: []factLines{fact("Entry", x.What), fact("When", whenText(x.OccurredAt)), fact("Recorded", whenText(x.RecordedAt)+" by "+x.ByName)}}
	if text != nil {
		d.Facts = append(d.Facts, fact("Text", text...))
	}
	if d.Label == "" {
		d.Label = "Why is this entry wrong?"
	}
	if x.EnteredInError {
		marked := x.ErrorReason
		if x.ErrorByName != "" {
			marked += " (marked by " + x.ErrorByName + " on " + whenText(x.ErrorAt) + ")"
		}
		d.Facts = append(d.Facts, fact("Entered in error", marked))
		d.Action = ""
	}
	s.renderCorrection(w, r, status, d, f)
	return nil
}

// partLabel is the name of an episode part's page, for the back link.
func partLabel(path string) string {
	for _, p := range episodeParts {
		if p.Path == path {
			return p.Label
		}
	}
	return "Episode"
}

func (s *Server) inErrorForm(k inErrorKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.renderInError(w, r, k, http.StatusOK, NewForm(nil))
	}
}

// markEntry marks one entry of the kind; it returns what that did to the episode.
func (s *Server) markEntry(ctx context.Context, k inErrorKind, id, xid int64, reason string) (string, error) {
	if k.mark != nil {
		return k.mark(s, ctx, id, xid, reason)
	}
	return s.DB.MarkInError(ctx, k.Store, id, xid, reason)
}

func (s *Server) inErrorSave(k inErrorKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, xid, err := k.ids(r)
		if err != nil {
			return err
		}
		f, err := orgParseForm(r)
		if err != nil {
			return err
		}
		effect, err := s.markEntry(r.Context(), k, id, xid, f.Values.Get("reason"))
		switch {
		case err == nil:
			to := episodeHref(id) + "/" + k.backPath()
			if k.anchor != nil {
				to += "#" + k.anchor(xid)
			}
			flash := k.flash
			if flash == "" {
				flash = "Entry marked as entered in error: it stays in the record with your reason"
			}
			if effect != "" {
				flash += ". " + effect
			}
			return s.redirect(w, r, to, flash)
		case breakGlassRedirect(w, r, err):
			return nil
		case liaise.ErrorCode(err) == liaise.ECONFLICT:
			f.AddError("", liaise.ErrorMessage(err))
			return s.renderInError(w, r, k, http.StatusConflict, f)
		case f.Absorb(err, "reason"):
			return s.renderInError(w, r, k, http.StatusUnprocessableEntity, f)
		}
		return err
	}
}

// --- The API -----------------------------------------------------------------------

type inErrorBody struct {
	Reason string `json:"reason"`
}

// entryJSON is an entry after it was marked entered in error.
type entryJSON struct {
	ID             string `json:"id"`
	EpisodeID      string `json:"episode_id"`
	RecordType     string `json:"record_type"`
	What           string `json:"what"`
	OccurredAt     string `json:"occurred_at"`
	RecordedAt     string `json:"recorded_at"`
	RecordedBy     string `json:"recorded_by_name"`
	EnteredInError bool   `json:"entered_in_error"`
	ErrorReason    string `json:"error_reason,omitempty"`
	ErrorAt        string `json:"error_at,omitempty"`
	ErrorByName    string `json:"error_by_name,omitempty"`
	// EpisodeEffect says what marking did to the episode, e.g. that a
	// screening's move to screened was taken back.
	EpisodeEffect string `json:"episode_effect,omitempty"`
}

func (s *Server) apiInError(k inErrorKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, xid, err := k.ids(r)
		if err != nil {
			return err
		}
		var b inErrorBody
		if err := readJSON(r, &b); err != nil {
			return err
		}
		effect, err := s.markEntry(r.Context(), k, id, xid, b.Reason)
		if err != nil {
			return err
		}
		status := k.status
		if status == 0 {
			status = http.StatusOK
		}
		if k.answer != nil {
			out, err := k.answer(s, r.Context(), id, xid)
			if err != nil {
				return err
			}
			return writeJSON(w, status, out)
		}
		x, err := s.DB.GetEntry(r.Context(), k.Store, id, xid)
		if err != nil {
			return err
		}
		return writeJSON(w, status, entryJSON{ID: epID(x.ID), EpisodeID: epID(id), RecordType: k.Store.Type, What: x.What, OccurredAt: timeJSON(x.OccurredAt),
			RecordedAt: timeJSON(x.RecordedAt), RecordedBy: x.ByName, EnteredInError: x.EnteredInError, ErrorReason: x.ErrorReason,
			ErrorAt: timeJSON(x.ErrorAt), ErrorByName: x.ErrorByName, EpisodeEffect: effect})
	}
}
