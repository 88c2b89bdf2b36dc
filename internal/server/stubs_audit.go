package server

import "context"

func (s *Server) auditRoutes() []Route               { return nil }
func (s *Server) auditJobs() []func(context.Context) { return nil }
