package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"liaise"
	"liaise/internal/auth"
)

// authRoutes are signing in and out, and the account page.
func (s *Server) authRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/sign-in", Public: true, Handler: s.signInPage},
		{Method: "POST", Pattern: "/sign-in", Public: true, Handler: s.signIn},
		// Signing out is public: with no session there is nothing to end, and
		// the answer is the sign-in page either way.
		{Method: "POST", Pattern: "/sign-out", Public: true, Handler: s.signOut},
		{Method: "POST", Pattern: "/account/sign-out-everywhere", Public: true, Handler: s.signOutEverywhere},
	}, s.accountRoutes())
}

// signInData is the sign-in page's view model.
type signInData struct {
	Next string
	// Notice explains why the user is here (signed out, idle timeout).
	Notice string
}

// safeNext returns where to go after sign-in: only a path on this site.
// "//host" and "/\host" are other sites to a browser, so they go home.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if strings.ContainsAny(next, "\r\n\t\x00") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "Sign in")
	d := signInData{Next: safeNext(r.URL.Query().Get("next")), Notice: p.Flash}
	if d.Notice == "" {
		d.Notice = s.takeFlash(r)
	}
	p.Flash = "" // shown as an inset on this page, not as a success banner
	p.Data = d
	s.render(w, r, http.StatusOK, "sign_in", p)
	return nil
}

// renderSignIn shows the sign-in form again with its errors; the password
// is never sent back.
func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, f *Form, next string) error {
	f.Values.Del("password")
	p := s.newPage(r, "Sign in")
	p.Flash = ""
	p.Form = f
	p.Data = signInData{Next: next}
	s.render(w, r, status, "sign_in", p)
	return nil
}

// maxPasswordBytes bounds the work one request can ask of the hasher.
const maxPasswordBytes = 1024

// signIn checks a username and password. Every refusal says the same thing
// whether or not the account exists, takes about as long, and counts
// towards the account's throttle (DESIGN.md §10).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return liaise.Errorf(liaise.EINVALID, "The form could not be read. Go back and try again.")
	}
	f := NewForm(r.PostForm)
	username, password := f.Get("username"), r.PostForm.Get("password")
	next := safeNext(f.Get("next"))
	if username == "" {
		f.AddError("username", "Enter your username")
	}
	if password == "" {
		f.AddError("password", "Enter your password")
	}
	if !f.Valid() {
		return s.renderSignIn(w, r, http.StatusUnprocessableEntity, f, next)
	}

	now, ip := s.now(), clientIP(r)
	ev := liaise.AuditEvent{Action: liaise.AuditSignInFailed, RecordType: "user", ClientIP: ip, RequestID: requestIDFrom(ctx), OccurredAt: liaise.NewTime(now)}
	creds, err := s.DB.Credentials(ctx, username)
	exists := err == nil
	if err != nil && liaise.ErrorCode(err) != liaise.ENOTFOUND {
		return err
	}
	if exists {
		// The account's own username, never what was typed: people type
		// passwords into the username box.
		ev.UserID, ev.RecordID, ev.Username = creds.UserID, creds.UserID, creds.Username
		// The account's provider, so that provider's auditors see the failure.
		ev.ProviderID = creds.ProviderID
	}

	th := auth.DefaultThrottle
	allowed, err := s.DB.ReserveSignInAttempt(ctx, username, ip, now, now.Add(-th.Lookback()), now.Add(-th.AddressWindow),
		func(account []time.Time, address int) bool {
			return !th.AccountLockedUntil(account, now).IsZero() || th.AddressBlocked(address)
		})
	if err != nil {
		return err
	}
	if !allowed {
		// Refused without checking the password, and not counted, so the
		// lock ends when the message says it will.
		ev.Detail = "refused: too many failed attempts"
		if err := s.DB.AuditRead(ctx, ev); err != nil {
			return err
		}
		f.AddError("", auth.MsgLocked)
		return s.renderSignIn(w, r, http.StatusTooManyRequests, f, next)
	}

	phc := ""
	if exists {
		phc = creds.PasswordHash
	}
	if len(password) > maxPasswordBytes {
		password, phc = "", "" // still spend the time of a check
	}
	ok, rehash, err := s.Hasher.Verify(password, phc)
	if err != nil {
		s.Log.ErrorContext(ctx, "stored password hash is unreadable", slog.String("request_id", ev.RequestID), slog.Int64("user_id", creds.UserID))
		ok = false
	}
	ok = ok && exists && !creds.Disabled && !creds.ServiceAccount
	if ok && creds.Demo && s.Cfg.Production() {
		s.Log.WarnContext(ctx, "demo account refused in production", slog.String("request_id", ev.RequestID))
		ok = false
	}
	if !ok {
		// The attempt was already counted by ReserveSignInAttempt.
		if err := s.DB.AuditRead(ctx, ev); err != nil {
			return err
		}
		f.AddError("username", auth.MsgBadCredentials)
		return s.renderSignIn(w, r, http.StatusUnprocessableEntity, f, next)
	}

	if rehash {
		s.rehash(ctx, creds.UserID, password, creds.PasswordHash, ev)
	}
	if err := s.DB.ClearSignInFailures(ctx, username); err != nil {
		return err
	}
	if err := s.startSession(w, r, creds.UserID, ""); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// rehash stores a hash with current parameters after a sign-in with old
// ones. A failure is logged, not shown: the sign-in itself succeeded.
func (s *Server) rehash(ctx context.Context, userID int64, password, old string, ev liaise.AuditEvent) {
	h, err := s.Hasher.Hash(password)
	if err == nil {
		ev.Action, ev.Detail = liaise.AuditUpdate, "password hash upgraded to current parameters"
		err = s.DB.RehashPassword(ctx, userID, old, h, ev)
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "password rehash failed", slog.String("request_id", ev.RequestID), slog.Any("err", err))
	}
}

// startSession signs userID in with a new session token (a new one every
// time, so a token planted before sign-in is worthless), retiring the
// session the browser came with, and sets the cookie. detail notes why,
// in the audit event.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64, detail string) error {
	ctx := r.Context()
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		if err := s.DB.RevokeSessionToken(ctx, auth.HashToken(c.Value)); err != nil {
			return err
		}
	}
	a, err := s.DB.LoadActor(ctx, userID)
	if err != nil {
		return err
	}
	a.ClientIP, a.RequestID = clientIP(r), requestIDFrom(ctx)
	ev := liaise.EventFor(a, liaise.AuditSignIn, "user", userID)
	ev.OccurredAt = liaise.NewTime(s.now())
	ev.Detail = detail
	token, hash := auth.NewToken(auth.SessionPrefix)
	if _, err := s.DB.CreateSession(ctx, userID, hash, s.sessionMax(), ev); err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	return nil
}

// sessionMax is the absolute session lifetime (12 hours if unset).
func (s *Server) sessionMax() time.Duration {
	if s.Cfg.SessionMax > 0 {
		return s.Cfg.SessionMax
	}
	return 12 * time.Hour
}

// signOut ends this browser's session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if a := liaise.ActorFrom(r.Context()); a != nil {
		if id := sessionFrom(r); id != 0 {
			if err := s.DB.RevokeSession(r.Context(), id, liaise.EventFor(a, liaise.AuditSignOut, "user", a.UserID)); err != nil {
				return err
			}
		}
	}
	s.clearSessionCookie(w)
	return s.redirect(w, r, "/sign-in", "You have signed out")
}

// signOutEverywhere ends every session of the user: a terminal left signed
// in elsewhere, or a suspicion that someone else is using the account.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	if a := liaise.ActorFrom(r.Context()); a != nil {
		if _, err := s.DB.RevokeUserSessions(r.Context(), a.UserID, liaise.EventFor(a, liaise.AuditSignOutAll, "user", a.UserID)); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return s.redirect(w, r, "/sign-in", "You have signed out on every device")
}

// sessionJobs clears ended sessions and old sign-in failures every ten
// minutes, on one instance at a time (a lease in the database).
func (s *Server) sessionJobs() []func(context.Context) {
	return []func(context.Context){func(ctx context.Context) {
		holder := "sessions-" + newRequestID()
		tick := time.NewTicker(10 * time.Minute)
		defer tick.Stop()
		for {
			s.cleanUpSessions(ctx, holder)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}}
}

func (s *Server) cleanUpSessions(ctx context.Context, holder string) {
	ok, err := s.DB.TryLease(ctx, "session-cleanup", holder, 15*time.Minute)
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			s.Log.Error("session clean-up lease", slog.Any("err", err))
		}
		return
	}
	now := s.now()
	if _, err := s.DB.DeleteExpiredSessions(ctx, now, s.Cfg.SessionIdle); err != nil && ctx.Err() == nil {
		s.Log.Error("session clean-up", slog.Any("err", err))
	}
	if _, err := s.DB.DeleteOldSignInFailures(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
		s.Log.Error("sign-in failure clean-up", slog.Any("err", err))
	}
	s.cleanUpDrafts(ctx)
	if err := s.DB.Optimize(ctx); err != nil && ctx.Err() == nil {
		s.Log.Error("database statistics", slog.Any("err", err))
	}
}
