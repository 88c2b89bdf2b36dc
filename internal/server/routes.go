package server

import (
	"net/http"
	"slices"
	"strings"
)

// handlerFunc is a handler that returns its error; the wrapper renders the
// error as an NHS-styled page or a JSON problem, so handlers never pick
// statuses for errors themselves.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table. The role × route test, the OpenAPI
// test and the audit test iterate this table, so no route escapes them.
type Route struct {
	Method  string
	Pattern string // net/http pattern path, e.g. /admin/teams/{id}
	Handler handlerFunc
	// Cap is the capability the route needs ("" = any signed-in user).
	Cap string
	// Public routes need no sign-in (sign-in page, health checks, static files).
	Public bool
	// Personal routes show or change personal data: no-store, and audited.
	Personal bool
	// Config routes show or change configuration data and are audited.
	Config bool
	// Draft, on a long form's POST route, opens the form's record so the
	// form can save as a draft (ui_drafts.go).
	Draft draftOpener
	// API documentation: summary, and example request/response values whose
	// Go types are reflected into the OpenAPI schema.
	Summary  string
	Request  any
	Response any
	// Status is the success status the API route returns (200 if 0).
	Status int
	// Query documents the query parameters an API route reads (filters,
	// cursor), for the OpenAPI document.
	Query []QueryParam
}

// QueryParam is one documented query parameter of an API route.
type QueryParam struct {
	Name, Description string
}

// API reports whether the route is part of the JSON API.
func (rt Route) API() bool { return strings.HasPrefix(rt.Pattern, "/api/") }

// allRoutes is the whole route table. Each area declares its routes in its own file.
func (s *Server) allRoutes() []Route {
	return slices.Concat(
		s.opsRoutes(),
		s.openAPIRoutes(),
		s.authRoutes(),
		s.homeRoutes(),
		s.codeRoutes(),
		s.orgRoutes(),
		s.userRoutes(),
		s.auditRoutes(),
		s.tokenRoutes(),
		s.peopleRoutes(),
		s.episodeRoutes(),
		s.contactRoutes(),
		s.outcomeRoutes(),
		s.reviewRoutes(),
		s.consentRoutes(),
		s.documentRoutes(),
		s.screeningRoutes(),
		s.assessmentRoutes(),
		s.noteRoutes(), s.taskRoutes(),
		s.youthRoutes(),
		s.boardRoutes(),
		s.supportRoutes(),
	)
}

func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	mux.Handle("GET /static/", s.staticHandler("/static/"))
	mux.Handle("GET /assets/", s.staticHandler("/assets/"))
	mux.Handle("/", s.wrap(Route{Pattern: "/", Public: true, Handler: func(w http.ResponseWriter, r *http.Request) error {
		return notFoundError()
	}}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, forbiddenCrossOrigin())
	}))
	var h http.Handler = mux
	h = s.csrf(cop, h)
	h = s.securityHeaders(h)
	h = s.instrument(h)
	h = s.requestID(h)
	h = s.recoverPanics(h)
	h = s.realClientAddr(h)
	return h
}
