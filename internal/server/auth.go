package server

import (
	"context"
	"net/http"
	"strings"

	"liaise"
	"liaise/internal/auth"
)

// authState holds the sign-in machinery the server needs between requests.
type authState struct{}

func newAuthState(s *Server) *authState { return &authState{} }

// sessionCookieName uses the __Host- prefix only over https: Go's cookie jar
// (and browsers) do not send Secure cookies to http://127.0.0.1.
func (s *Server) sessionCookieName() string {
	if s.Cfg.Secure() {
		return "__Host-liaise"
	}
	return "liaise_session"
}

// setSessionCookie hands the browser its session token.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(), Value: token, Path: "/",
		HttpOnly: true, Secure: s.Cfg.Secure(), SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie removes the session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Cfg.Secure(), SameSite: http.SameSiteLaxMode})
}

type sessionKey struct{}

// sessionFrom returns the id of the session the request came with (0 for tokens).
func sessionFrom(r *http.Request) int64 {
	id, _ := r.Context().Value(sessionKey{}).(int64)
	return id
}

// authenticate returns the actor of a request from its bearer token or
// session cookie, or nil when there is none. A dead session clears its
// cookie and counts as none, so the user is sent to sign in again.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*liaise.Actor, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "Send the API token as 'Authorization: Bearer <token>'.")
		}
		t, err := s.DB.LookupAPIToken(ctx, auth.HashToken(strings.TrimSpace(tok)), s.now())
		if err != nil {
			return nil, err
		}
		a, err := s.DB.LoadActor(ctx, t.UserID)
		if err != nil {
			return nil, err
		}
		a.Scopes = t.Scopes
		return a, nil
	}
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, a, err := s.DB.LookupSessionActor(ctx, auth.HashToken(c.Value), s.Cfg.SessionIdle, s.now())
	if err != nil {
		if liaise.ErrorCode(err) == liaise.EUNAUTHENTICATED {
			s.clearSessionCookie(w)
			s.setFlash(w, liaise.ErrorMessage(err))
			return nil, nil
		}
		return nil, err
	}
	// Background polling must not keep a shared terminal signed in.
	if r.Header.Get("X-Liaise-Background") == "" {
		if err := s.DB.TouchSession(ctx, sess, s.now()); err != nil {
			return nil, err
		}
	}
	*r = *r.WithContext(contextWithSession(ctx, sess.ID))
	return a, nil
}

func contextWithSession(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, sessionKey{}, id)
}
