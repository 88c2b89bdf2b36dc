package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

// tokenRoutes are personal API tokens (account page and API) and
// administrators' service accounts.
func (s *Server) tokenRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "POST", Pattern: "/account/tokens", Cap: liaise.CapAPITokens, Handler: s.createTokenUI},
		{Method: "POST", Pattern: "/account/tokens/{id}/revoke", Handler: s.revokeTokenUI},
	}, s.apiTokenRoutes(), s.serviceAccountRoutes())
}

// tokenCreatedData is the page that shows a new token, the only time it is shown.
type tokenCreatedData struct {
	Token     string
	Name      string
	ExpiresAt liaise.Time
	Scopes    []string
	// Account and Back say whose token it is and where to go next.
	Account string
	Back    string
}

// maxTokenDays is the longest a token may be made to last.
const maxTokenDays = 365

// newTokenRecord validates a personal token's name and expiry (in days; 0
// = none) and returns the record to store with its secret and hash.
func (s *Server) newTokenRecord(userID int64, name string, days int, scopes []string) (*sqlstore.APIToken, string, string, error) {
	var v liaise.Validation
	name = strings.TrimSpace(name)
	v.Check(name != "", "name", "Enter a name for the token, like the script or system that will use it")
	v.Check(len(name) <= 100, "name", "Token name must be 100 characters or fewer")
	v.Check(validDays(days), "expires_in_days", daysMessage)
	if err := v.Err(); err != nil {
		return nil, "", "", err
	}
	t, token, hash := s.mintToken(userID, name, days, auth.APIPrefix, scopes)
	return t, token, hash, nil
}

const daysMessage = "Expiry must be a whole number of days from 1 to 365, or left empty for no expiry"

func validDays(days int) bool { return days >= 0 && days <= maxTokenDays }

// mintToken makes a token secret and the record that stores its hash and a
// short prefix, by which people recognise it in lists and logs.
func (s *Server) mintToken(userID int64, name string, days int, prefix string, scopes []string) (*sqlstore.APIToken, string, string) {
	token, hash := auth.NewToken(prefix)
	if scopes == nil {
		scopes = []string{}
	}
	t := &sqlstore.APIToken{UserID: userID, Name: strings.TrimSpace(name), Prefix: token[:len(prefix)+7], Scopes: scopes}
	if days > 0 {
		t.ExpiresAt = liaise.NewTime(s.now().Add(time.Duration(days) * 24 * time.Hour))
	}
	return t, token, hash
}

// parseDays reads an optional whole number of days from a form.
func parseDays(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

func (s *Server) createTokenUI(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return liaise.Errorf(liaise.EINVALID, "The form could not be read. Go back and try again.")
	}
	f := NewForm(r.PostForm)
	days, ok := parseDays(f.Get("expires_in_days"))
	if !ok {
		days = -1
	}
	// A token made by a scoped token can do no more than its maker.
	t, token, hash, err := s.newTokenRecord(a.UserID, f.Get("name"), days, a.Scopes)
	if err == nil {
		err = s.DB.InsertAPIToken(r.Context(), t, hash)
	}
	if f.Absorb(err, "name", "expires_in_days") {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, nil, f)
	}
	if err != nil {
		return err
	}
	p := s.newPage(r, "Your new API token")
	p.Data = tokenCreatedData{Token: token, Name: t.Name, ExpiresAt: t.ExpiresAt, Scopes: t.Scopes, Back: "/account"}
	s.render(w, r, http.StatusOK, "token_created", p)
	return nil
}

func (s *Server) revokeTokenUI(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	id, err := authPathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.DB.RevokeAPIToken(r.Context(), a.UserID, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "The token has been revoked. Anything using it can no longer sign in.")
}

// authPathID reads a numeric id from the URL path; anything else is not found.
func authPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}
