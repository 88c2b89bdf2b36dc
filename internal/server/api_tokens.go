package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

func (s *Server) apiTokenRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/tokens", Handler: s.apiListTokens,
			Summary: "Your API tokens (never the secrets, only their prefixes)", Response: tokenList{}},
		{Method: "GET", Pattern: "/api/v1/tokens/{id}", Handler: s.apiGetToken,
			Summary: "One of your API tokens", Response: sqlstore.APIToken{}},
		{Method: "POST", Pattern: "/api/v1/tokens", Cap: liaise.CapAPITokens, Handler: s.apiCreateToken, Status: http.StatusCreated,
			Summary: "Create a personal API token; the secret is in the response and is never shown again", Request: tokenRequest{}, Response: tokenCreated{}},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Handler: s.apiRevokeToken, Status: http.StatusNoContent,
			Summary: "Revoke one of your API tokens"},
	}
}

// tokenList is a user's tokens.
type tokenList struct {
	Items []sqlstore.APIToken `json:"items"`
}

// tokenRequest asks for a personal token. ExpiresInDays is 1 to 365, or 0
// (or absent) for a token that does not expire.
type tokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"`
}

// tokenCreated is a new token with its secret, shown this once.
type tokenCreated struct {
	Token     string      `json:"token"`
	ID        int64       `json:"id,string"`
	UserID    int64       `json:"user_id,string"`
	Name      string      `json:"name"`
	Prefix    string      `json:"prefix"`
	Scopes    []string    `json:"scopes"`
	CreatedAt liaise.Time `json:"created_at"`
	ExpiresAt liaise.Time `json:"expires_at"`
}

func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	tokens, err := s.DB.ListAPITokens(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []sqlstore.APIToken{}
	}
	return writeJSON(w, http.StatusOK, tokenList{Items: tokens})
}

func (s *Server) apiGetToken(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	id, err := authPathID(r, "id")
	if err != nil {
		return err
	}
	tokens, err := s.DB.ListAPITokens(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID == id {
			return writeJSON(w, http.StatusOK, t)
		}
	}
	return liaise.Errorf(liaise.ENOTFOUND, "That token was not found.")
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	var req tokenRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	// A token made with a scoped token can do no more than its maker.
	t, token, hash, err := s.newTokenRecord(a.UserID, req.Name, req.ExpiresInDays, a.Scopes)
	if err != nil {
		return err
	}
	if err := s.DB.InsertAPIToken(r.Context(), t, hash); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tokens/"+strconv.FormatInt(t.ID, 10))
	return writeJSON(w, http.StatusCreated, tokenCreated{Token: token, ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, Scopes: t.Scopes, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	id, err := authPathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.DB.RevokeAPIToken(r.Context(), a.UserID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
