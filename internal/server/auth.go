package server

import (
	"context"
	"net/http"

	"liaise"
)

// authState holds the sign-in machinery (filled in by the auth work).
type authState struct{}

func newAuthState(s *Server) *authState { return &authState{} }

// authenticate returns the actor of a request from its session cookie or
// bearer token, or nil when there is none.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*liaise.Actor, error) {
	return nil, nil
}

func (s *Server) authRoutes() []Route                  { return nil }
func (s *Server) tokenRoutes() []Route                 { return nil }
func (s *Server) sessionJobs() []func(context.Context) { return nil }
