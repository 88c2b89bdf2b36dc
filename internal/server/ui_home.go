package server

import (
	"net/http"

	"liaise"
)

func (s *Server) homeRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/{$}", Handler: s.home},
		{Method: "GET", Pattern: "/api/v1/me", Handler: s.apiMe, Summary: "Who the token or session belongs to, with role, teams and capabilities", Response: meResponse{}},
		{Method: "GET", Pattern: "/accessibility", Public: true, Handler: s.static("accessibility", "Accessibility statement")},
		{Method: "GET", Pattern: "/privacy", Public: true, Handler: s.static("privacy", "How Liaise uses information")},
		{Method: "GET", Pattern: "/directory", Handler: s.area("Directory", "The directory of support services that people are referred and signposted to arrives in a later release.")},
		{Method: "GET", Pattern: "/reports", Cap: liaise.CapReportAggregate, Handler: s.area("Reports", "Monthly returns, performance indicators and equality monitoring arrive in a later release.")},
	}
}

type homeData struct {
	Capabilities []liaise.Capability
}

// home shows who the user is, their teams and what their role lets them do.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	p := s.newPage(r, "Home")
	var d homeData
	for _, c := range liaise.AllCapabilities {
		if a.Can(c.Code) {
			d.Capabilities = append(d.Capabilities, c)
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "home", p)
	return nil
}

func (s *Server) static(name, title string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s.render(w, r, http.StatusOK, name, s.newPage(r, title))
		return nil
	}
}

type areaData struct{ Message string }

// area is the landing page of an area whose features arrive in later
// releases; it says plainly what will be there.
func (s *Server) area(title, msg string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := s.newPage(r, title)
		p.Data = areaData{Message: msg}
		s.render(w, r, http.StatusOK, "area", p)
		return nil
	}
}
