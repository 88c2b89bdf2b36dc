package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"liaise"
)

// statusOf is the one table that maps error codes to HTTP statuses.
var statusOf = map[string]int{
	liaise.EINVALID:         http.StatusUnprocessableEntity,
	liaise.EUNAUTHENTICATED: http.StatusUnauthorized,
	liaise.EFORBIDDEN:       http.StatusForbidden,
	liaise.ENOTFOUND:        http.StatusNotFound,
	liaise.ECONFLICT:        http.StatusConflict,
	liaise.ESTALE:           http.StatusPreconditionFailed,
	liaise.EPRECONDITION:    http.StatusPreconditionRequired,
	liaise.ERATELIMITED:     http.StatusTooManyRequests,
	liaise.EINTERNAL:        http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for err.
func ErrorStatus(err error) int {
	if s, ok := statusOf[liaise.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func notFoundError() error {
	return liaise.Errorf(liaise.ENOTFOUND, "Page not found.")
}

func forbiddenCrossOrigin() error {
	return liaise.Errorf(liaise.EFORBIDDEN, "This request came from another website, so it was refused. Go back to Liaise and try again.")
}

// wrap turns a route into an http.Handler: it authenticates, checks the
// route's capability, sets cache headers and renders any error.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := routeInfoFrom(r.Context()); info != nil {
			info.pattern = rt.Pattern
		}
		r = r.WithContext(context.WithValue(r.Context(), flashWriterKey{}, w))
		actor, err := s.authenticate(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if actor != nil {
			actor.ClientIP = clientIP(r)
			actor.RequestID = requestIDFrom(r.Context())
			r = r.WithContext(liaise.WithActor(r.Context(), actor))
		}
		if !rt.Public || actor != nil {
			// Anything shown to a signed-in user may carry personal data or
			// their name: never cache it on a shared custody-suite terminal.
			w.Header().Set("Cache-Control", "no-store")
		}
		if !rt.Public {
			if actor == nil {
				if rt.Draft != nil && r.Method == http.MethodPost {
					s.keepAfterSignOut(w, r) // an idle sign-out loses nothing
					return
				}
				if rt.API() || r.Method != http.MethodGet {
					s.renderError(w, r, liaise.Errorf(liaise.EUNAUTHENTICATED, "Sign in to continue."))
					return
				}
				http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if rt.Cap != "" {
				if err := liaise.Authorize(actor, rt.Cap, liaise.Resource{}); err != nil {
					s.renderError(w, r, err)
					return
				}
			}
		}
		if rt.Draft != nil && r.Method == http.MethodPost && s.draftAction(w, r, rt.Draft) {
			return
		}
		if err := rt.Handler(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// renderError shows err as a problem+json body on the API and as an
// NHS-styled error page elsewhere. Internal errors are logged with the
// request id and shown without detail.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := ErrorStatus(err)
	if status == http.StatusInternalServerError {
		s.Log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestIDFrom(r.Context())), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeProblem(w, r, status, err)
		return
	}
	page := s.newPage(r, errorTitle(status))
	page.Data = errorPage{Status: status, Message: liaise.ErrorMessage(err), RequestID: requestIDFrom(r.Context())}
	if status == http.StatusNotFound {
		page.Data = errorPage{Status: status, Message: "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.", RequestID: requestIDFrom(r.Context())}
	}
	s.render(w, r, status, "error", page)
}

type errorPage struct {
	Status    int
	Message   string
	RequestID string
}

func errorTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusForbidden:
		return "You do not have access to this page"
	case http.StatusUnauthorized:
		return "Sign in to continue"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	case http.StatusInternalServerError:
		return "Sorry, there is a problem with the service"
	case http.StatusPreconditionFailed, http.StatusConflict:
		return "This record has changed"
	}
	return "There is a problem"
}

// Problem is an RFC 9457 problem document with per-field errors.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Code      string            `json:"code"`
	Errors    map[string]string `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    liaise.ErrorMessage(err),
		Code:      liaise.ErrorCode(err),
		Errors:    liaise.ErrorFields(err),
		RequestID: requestIDFrom(r.Context()),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as the API response body.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readJSON decodes a request body strictly: unknown fields are an error, so a
// typo in a client does not silently drop data.
func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return liaise.Errorf(liaise.EINVALID, "Send the body as application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return liaise.Errorf(liaise.EINVALID, "The body is not valid JSON (at byte %d).", syn.Offset)
		case errors.As(err, &typ):
			return &liaise.Error{Code: liaise.EINVALID, Message: "A field has the wrong type.", Fields: map[string]string{typ.Field: "must be a " + typ.Type.String()}}
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return liaise.Errorf(liaise.EINVALID, "The body has a field this API does not know: %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return liaise.Errorf(liaise.EINVALID, "The body could not be read as JSON.")
	}
	return nil
}

// ifMatch reads the If-Match header as a record version for optimistic concurrency.
func ifMatch(r *http.Request) (int, error) {
	h := strings.Trim(strings.TrimPrefix(r.Header.Get("If-Match"), "W/"), `"`)
	if h == "" {
		return 0, liaise.Errorf(liaise.EPRECONDITION, "Send If-Match with the version you last read, so a concurrent change is not overwritten.")
	}
	v := 0
	for _, c := range h {
		if c < '0' || c > '9' {
			return 0, liaise.Errorf(liaise.EINVALID, "If-Match must be the record's version number.")
		}
		v = v*10 + int(c-'0')
	}
	return v, nil
}

// setETag sends the record version as the ETag.
func setETag(w http.ResponseWriter, version int) {
	w.Header().Set("ETag", `"`+itoa(version)+`"`)
}

func itoa(n int) string { return strconv.Itoa(n) }
