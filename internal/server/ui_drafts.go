package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

// Drafts of long forms (issue 3 item 18; docs/adr/0005-drafts.md): a long
// form saves as a draft — by its "Save as draft" button without JavaScript,
// by autosave with it — so an idle sign-out loses nothing. A draft lives on
// the form's own route: the POST that submits the form also saves, autosaves
// and discards its draft (the field draftField says which), so a draft
// passes the same capability and record access check as the form itself.
//
// A long form joins with:
//   - Draft: an opener on its POST route, which opens the form's record with
//     the form's access check (episodeDraft, personDraft…);
//   - s.draftForm(r, f, subject) where it renders, to restore the draft on a
//     GET and give the draft controls what they need;
//   - s.draftDone(r) when the form has been saved, to delete the draft;
//   - {{template "draftBanner" .Form}} above the form and
//     {{template "draftSubmit" (dict "Form" .Form "Label" "Save")}} in place
//     of its submit button.

// draftField is the form field of a draft operation: the "Save as draft"
// button sends save, autosave (app.js) sends autosave, the banner's button
// sends discard. A submission has no such field.
const draftField = "_draft"

// draftBaseField carries the record's version from when the form was
// opened, for forms without a version field of their own.
const draftBaseField = "_draft_base"

// backgroundHeader marks a request the browser sent by itself (autosave):
// it does not count as activity, so it never keeps an idle session alive.
const backgroundHeader = "X-Liaise-Background"

// draftSubject is the record a long form belongs to, as opened by the form's
// own access check.
type draftSubject struct {
	Type       string // "episode", "person", "slt_request"; "" for a new person
	ID, TeamID int64
	Version    int
	// Noun names the record in the banner: "episode", "person's details".
	Noun string
}

func (d draftSubject) record() sqlstore.DraftRecord {
	return sqlstore.DraftRecord{Type: d.Type, ID: d.ID, TeamID: d.TeamID}
}

// draftOpener opens a long form's record for a draft operation with the same
// access check as the form itself. It is a POST route's Draft field.
type draftOpener func(r *http.Request) (draftSubject, error)

func episodeSubject(e sqlstore.Episode) draftSubject {
	return draftSubject{Type: "episode", ID: e.ID, TeamID: e.TeamID, Version: e.Version, Noun: "episode"}
}

// episodeDraft opens the episode of an episode's long form ({id}).
func (s *Server) episodeDraft(r *http.Request) (draftSubject, error) {
	id, err := orgPathID(r)
	if err != nil {
		return draftSubject{}, err
	}
	e, err := s.DB.GetEpisode(r.Context(), id)
	return episodeSubject(e), err
}

func personSubject(p liaise.Person) draftSubject {
	return draftSubject{Type: "person", ID: p.ID, TeamID: p.TeamID, Version: p.Version, Noun: "person's details"}
}

// personDraft opens the person of the edit form ({id}).
func (s *Server) personDraft(r *http.Request) (draftSubject, error) {
	id, err := orgPathID(r)
	if err != nil {
		return draftSubject{}, err
	}
	p, err := s.DB.GetPerson(r.Context(), id, "")
	return personSubject(p), err
}

// newPersonDraft is the create-person form's: there is no record yet, and
// the route's capability is the form's whole check.
func (s *Server) newPersonDraft(r *http.Request) (draftSubject, error) { return draftSubject{}, nil }

func sltSubject(req sqlstore.SLTRequestRecord, e sqlstore.Episode) draftSubject {
	return draftSubject{Type: "slt_request", ID: req.ID, TeamID: e.TeamID, Version: req.Version, Noun: "request"}
}

// sltDraft opens the request a communication profile answers ({request_id}).
func (s *Server) sltDraft(r *http.Request) (draftSubject, error) {
	id, err := sltRequestID(r)
	if err != nil {
		return draftSubject{}, err
	}
	req, e, err := s.DB.GetSLTRequest(r.Context(), id)
	return sltSubject(req, e), err
}

// DraftState is what a long form's draft banner and controls show.
type DraftState struct {
	// Restored: the form shows the user's draft, saved at SavedAt.
	Restored bool
	// JustSaved: the user has just pressed "Save as draft".
	JustSaved bool
	SavedAt   liaise.Time
	// Changed: the record has changed since the draft's form was opened.
	// Blocked: and the form carries that old version, so saving the draft
	// will be refused as stale (an edit form); otherwise it only warns.
	Changed, Blocked bool
	Noun             string
	// Action is where the discard button posts: the form's own path.
	Action string
	// IdleSeconds is the idle sign-out, so autosave can save just before it.
	IdleSeconds int
}

// Time is the draft's time of day in London, like 14:32.
func (d *DraftState) Time() string { return d.SavedAt.Local().Format("15:04") }

// When is the draft's time and day in London, like "14:32 on 6 December".
func (d *DraftState) When() string { return d.SavedAt.Local().Format("15:04 on 2 January") }

// draftForm readies a long form f for drafts. On a GET (the form opened
// afresh) it restores the user's draft of this form, if they have one, over
// the prefilled values and notes it for the banner; subject must already
// have been opened with the form's access check, so the draft of a record
// the user can no longer open is never shown. On every render it gives the
// draft controls the form's path and the idle time-out.
func (s *Server) draftForm(r *http.Request, f *Form, subject draftSubject) error {
	st := &DraftState{Action: r.URL.Path, Noun: subject.Noun, IdleSeconds: int(s.Cfg.SessionIdle / time.Second)}
	f.Draft = st
	if f.Get(draftBaseField) == "" {
		f.Set(draftBaseField, strconv.Itoa(subject.Version))
	}
	if r.Method != http.MethodGet {
		return nil
	}
	d, ok, err := s.DB.RestoreDraft(r.Context(), r.URL.Path, subject.record())
	if err != nil || !ok {
		return err
	}
	f.Values = d.Values
	f.Values.Del(draftField)
	if f.Get(draftBaseField) == "" {
		f.Set(draftBaseField, strconv.Itoa(d.Version))
	}
	st.Restored, st.SavedAt = true, d.SavedAt
	st.JustSaved = r.URL.Query().Get("draft") == "saved"
	st.Changed = subject.Version != 0 && d.Version != 0 && d.Version != subject.Version
	st.Blocked = st.Changed && f.Get("version") != ""
	return nil
}

// draftDone deletes the user's draft of the form just saved. A failure is
// logged, not shown: the form itself was saved, and a leftover draft says
// what it is when it next appears.
func (s *Server) draftDone(r *http.Request) {
	if err := s.DB.DeleteDraft(r.Context(), r.URL.Path); err != nil {
		s.Log.ErrorContext(r.Context(), "draft not deleted after submit", slog.String("request_id", requestIDFrom(r.Context())), slog.Any("err", err))
	}
}

// draftValues are the posted fields as a draft keeps them.
func draftValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != draftField {
			out[k] = vs
		}
	}
	return out
}

// draftVersion is the version of the record the posted form was opened at:
// its version field on an edit form, else the version noted when it was
// opened, else the record's version now.
func draftVersion(v url.Values, subject draftSubject) int {
	for _, k := range []string{"version", draftBaseField} {
		if n, err := strconv.Atoi(v.Get(k)); err == nil && n > 0 {
			return n
		}
	}
	return subject.Version
}

// draftSavedJSON answers an autosave.
type draftSavedJSON struct {
	SavedAt liaise.Time `json:"saved_at"`
	// Message is what the page shows in its status line.
	Message string `json:"message"`
	// SignedOut is set when the session had ended; Kept says whether what
	// was typed was kept as a draft all the same.
	SignedOut bool   `json:"signed_out,omitempty"`
	Kept      bool   `json:"kept,omitempty"`
	SignIn    string `json:"sign_in,omitempty"`
}

// draftAction handles a draft operation posted to a long form's route
// (wrap calls it after the route's capability check); it reports whether
// the request was one. The opener applies the form's record access check.
func (s *Server) draftAction(w http.ResponseWriter, r *http.Request, open draftOpener) bool {
	if err := r.ParseForm(); err != nil {
		return false // the form's handler explains
	}
	op := r.PostForm.Get(draftField)
	if op == "" {
		return false
	}
	err := s.draftOp(w, r, op, open)
	if err != nil {
		if op != "autosave" && breakGlassRedirect(w, r, err) {
			return true
		}
		s.renderError(w, r, err)
	}
	return true
}

func (s *Server) draftOp(w http.ResponseWriter, r *http.Request, op string, open draftOpener) error {
	switch op {
	case "save", "discard":
	case "autosave":
		// Autosave is the browser's own doing: the header kept the request
		// from counting as activity (auth.go), and is required so no client
		// can keep an idle session alive by autosaving.
		if r.Header.Get(backgroundHeader) == "" {
			return liaise.Errorf(liaise.EINVALID, "Autosave must be sent as a background request.")
		}
	default:
		return liaise.Errorf(liaise.EINVALID, "Choose to save or discard the draft.")
	}
	subject, err := open(r)
	if err != nil {
		return err
	}
	ctx, key := r.Context(), r.URL.Path
	if op == "discard" {
		if _, err := s.DB.DiscardDraft(ctx, key, subject.record()); err != nil {
			return err
		}
		return s.redirect(w, r, key, "Draft discarded")
	}
	d := sqlstore.Draft{FormKey: key, Values: draftValues(r.PostForm), Version: draftVersion(r.PostForm, subject)}
	if err := s.DB.SaveDraft(ctx, &d, subject.record(), "draft saved"); err != nil {
		return err
	}
	if op == "autosave" {
		return writeJSON(w, http.StatusOK, draftSavedJSON{SavedAt: d.SavedAt, Message: "Draft saved " + d.SavedAt.Local().Format("15:04")})
	}
	http.Redirect(w, r, key+"?draft=saved", http.StatusSeeOther)
	return nil
}

// keepAfterSignOut answers a long form posted after its session ended (an
// idle sign-out while typing). What was posted is kept as a draft of the
// session's user — identified by the ended session's token, and never for
// a session that was signed out or revoked — and the user is sent to sign
// in and back to the form, where the draft is restored once the form's
// access check passes. Nobody is signed in by this.
func (s *Server) keepAfterSignOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	kept := false
	c, cerr := r.Cookie(s.sessionCookieName())
	if cerr == nil && c.Value != "" && r.ParseForm() == nil && len(r.PostForm) > 0 && r.PostForm.Get(draftField) != "discard" {
		var err error
		kept, err = s.keepForUser(ctx, r, auth.HashToken(c.Value))
		if err != nil {
			s.Log.ErrorContext(ctx, "draft not kept after the session ended", slog.String("request_id", requestIDFrom(ctx)), slog.Any("err", err))
		}
	}
	if kept {
		// Keep the ended session's token in the browser (authenticate
		// cleared it), so later autosaves and the final submit are kept
		// too. The token cannot sign anyone in again: its session stays
		// ended, and signing in replaces it.
		s.setSessionCookie(w, c.Value)
	}
	signIn := "/sign-in?next=" + url.QueryEscape(r.URL.Path)
	msg := "You were signed out, so the form was not saved. Sign in again and enter it again."
	if kept {
		msg = "You were signed out, so the form was not saved. What you entered has been kept as a draft: sign in to carry on."
	}
	if r.Header.Get(backgroundHeader) != "" {
		msg = "You have been signed out, and what you type now cannot be kept. Sign in again to carry on."
		if kept {
			msg = "You have been signed out. What you typed is kept as a draft: sign in again to carry on."
		}
		writeJSON(w, http.StatusUnauthorized, draftSavedJSON{SignedOut: true, Kept: kept, SignIn: signIn, Message: msg})
		return
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, signIn, http.StatusSeeOther)
}

func (s *Server) keepForUser(ctx context.Context, r *http.Request, tokenHash string) (bool, error) {
	uid, ok, err := s.DB.EndedSessionUser(ctx, tokenHash)
	if err != nil || !ok {
		return false, err
	}
	a, err := s.DB.LoadActor(ctx, uid)
	if liaise.ErrorCode(err) == liaise.EUNAUTHENTICATED {
		return false, nil // disabled since
	}
	if err != nil {
		return false, err
	}
	a.ClientIP, a.RequestID = clientIP(r), requestIDFrom(ctx)
	d := sqlstore.Draft{FormKey: r.URL.Path, Values: draftValues(r.PostForm), Version: draftVersion(r.PostForm, draftSubject{})}
	if err := s.DB.SaveDraft(liaise.WithActor(ctx, a), &d, sqlstore.DraftRecord{}, "draft kept after the session ended"); err != nil {
		if liaise.ErrorCode(err) == liaise.EINVALID {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// cleanUpDrafts purges expired drafts; the session clean-up job runs it
// under its lease.
func (s *Server) cleanUpDrafts(ctx context.Context) {
	if _, err := s.DB.DeleteExpiredDrafts(ctx, s.now()); err != nil && ctx.Err() == nil {
		s.Log.Error("draft clean-up", slog.Any("err", err))
	}
}
