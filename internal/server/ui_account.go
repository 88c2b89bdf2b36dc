package server

import (
	"net/http"
	"time"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

func (s *Server) accountRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/account", Handler: s.accountPage},
		{Method: "POST", Pattern: "/account/password", Handler: s.changePassword},
	}
}

// accountData is the account page's view model.
type accountData struct {
	Tokens       []tokenView
	CanCreate    bool
	PasswordForm *Form
	TokenForm    *Form
}

// tokenView is a token as listed: never the token itself, only its prefix.
type tokenView struct {
	sqlstore.APIToken
	Status string
}

func (s *Server) tokenViews(tokens []sqlstore.APIToken) []tokenView {
	now := s.now()
	out := make([]tokenView, len(tokens))
	for i, t := range tokens {
		st := "Active"
		switch {
		case !t.RevokedAt.IsZero():
			st = "Revoked"
		case !t.ExpiresAt.IsZero() && now.After(t.ExpiresAt.Time):
			st = "Expired"
		}
		out[i] = tokenView{APIToken: t, Status: st}
	}
	return out
}

// renderAccount shows the account page; pf and tf carry a rejected
// password or token form back with its errors.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, pf, tf *Form) error {
	a := liaise.ActorFrom(r.Context())
	tokens, err := s.DB.ListAPITokens(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	p := s.newPage(r, "Your account")
	if pf == nil {
		pf = NewForm(nil)
	}
	if tf == nil {
		tf = NewForm(nil)
	}
	p.Errors = append(pf.Summary(), tf.Summary()...)
	p.Form = pf
	p.Data = accountData{Tokens: s.tokenViews(tokens), CanCreate: a.Can(liaise.CapAPITokens), PasswordForm: pf, TokenForm: tf}
	s.render(w, r, status, "account", p)
	return nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, nil, nil)
}

// changePassword checks the current password, applies the policy, stores
// the new hash (which ends every session of the user) and signs this
// browser back in with a fresh session.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := liaise.ActorFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return liaise.Errorf(liaise.EINVALID, "The form could not be read. Go back and try again.")
	}
	f := NewForm(r.PostForm)
	current, next, confirm := r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), r.PostForm.Get("confirm_password")
	if current == "" {
		f.AddError("current_password", "Enter your current password")
	}
	if err := auth.ValidatePassword(next, a.Username); err != nil {
		f.AddError("new_password", liaise.ErrorFields(err)["password"])
	} else if next == current {
		f.AddError("new_password", "Choose a new password that is different from your current one")
	}
	if confirm == "" {
		f.AddError("confirm_password", "Enter your new password again")
	} else if next != "" && confirm != next {
		f.AddError("confirm_password", "The new passwords do not match. Enter the same password in both boxes")
	}
	if !f.Valid() {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, f, nil)
	}

	// A wrong current password counts towards the account's throttle, so a
	// terminal left signed in cannot be used to guess it.
	now, ip := s.now(), clientIP(r)
	th := auth.DefaultThrottle
	allowed, err := s.DB.ReserveSignInAttempt(ctx, a.Username, ip, now, now.Add(-th.Lookback()), now.Add(-th.AddressWindow),
		func(account []time.Time, address int) bool {
			return !th.AccountLockedUntil(account, now).IsZero() || th.AddressBlocked(address)
		})
	if err != nil {
		return err
	}
	if !allowed {
		return auth.ErrLocked()
	}
	creds, err := s.DB.Credentials(ctx, a.Username)
	if err != nil {
		return err
	}
	ok, _, err := s.Hasher.Verify(current, creds.PasswordHash)
	if err != nil || !ok {
		ev := liaise.EventFor(a, liaise.AuditSignInFailed, "user", a.UserID)
		ev.OccurredAt = liaise.NewTime(now)
		ev.Detail = "wrong current password when changing password"
		// The attempt was already counted by ReserveSignInAttempt.
		if err := s.DB.AuditRead(ctx, ev); err != nil {
			return err
		}
		f.AddError("current_password", "Your current password is not correct")
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	hash, err := s.Hasher.Hash(next)
	if err != nil {
		return err
	}
	if err := s.DB.SetPasswordHash(ctx, a.UserID, hash); err != nil {
		return err
	}
	if err := s.DB.ClearSignInFailures(ctx, a.Username); err != nil {
		return err
	}
	if err := s.startSession(w, r, a.UserID, "after changing password"); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "Your password has been changed. You have been signed out on your other devices.")
}
