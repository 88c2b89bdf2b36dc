package server

import "context"

func (s *Server) authRoutes() []Route                  { return nil }
func (s *Server) tokenRoutes() []Route                 { return nil }
func (s *Server) sessionJobs() []func(context.Context) { return nil }
