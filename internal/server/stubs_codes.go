package server

func (s *Server) codeRoutes() []Route { return nil }
