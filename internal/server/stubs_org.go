package server

func (s *Server) orgRoutes() []Route  { return nil }
func (s *Server) userRoutes() []Route { return nil }
