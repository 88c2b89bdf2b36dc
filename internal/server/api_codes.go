package server

import (
	"net/http"

	"liaise"
	"liaise/internal/codes"
)

// codeListSummary describes one code list in the API.
type codeListSummary struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Source      string `json:"source"`
	Description string `json:"description"`
	Href        string `json:"href"`
}

// codeListsResponse is GET /api/v1/codes.
type codeListsResponse struct {
	Lists []codeListSummary `json:"lists"`
}

// codeValue is one version of a code in the API. valid_to is null while the
// code is current; extra holds the list's mapping columns ({} when none).
type codeValue struct {
	Code      string            `json:"code"`
	Label     string            `json:"label"`
	ValidFrom string            `json:"valid_from"`
	ValidTo   *string           `json:"valid_to"`
	Extra     map[string]string `json:"extra"`
}

// codeListResponse is GET /api/v1/codes/{list}.
type codeListResponse struct {
	List        string      `json:"list"`
	Title       string      `json:"title"`
	Source      string      `json:"source"`
	Description string      `json:"description"`
	Codes       []codeValue `json:"codes"`
}

func (s *Server) apiCodeLists(w http.ResponseWriter, r *http.Request) error {
	lists, err := s.DB.CodeLists(r.Context())
	if err != nil {
		return err
	}
	out := codeListsResponse{Lists: []codeListSummary{}}
	for _, l := range lists {
		out.Lists = append(out.Lists, codeListSummary{Name: l.Name, Title: l.Title, Source: l.Source, Description: l.Description, Href: "/api/v1/codes/" + l.Name})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCodeList(w http.ResponseWriter, r *http.Request) error {
	var on liaise.Date
	if q := r.URL.Query().Get("on"); q != "" {
		d, err := liaise.ParseDate(q)
		if err != nil {
			return &liaise.Error{Code: liaise.EINVALID, Message: "The date to filter on is not valid.", Fields: map[string]string{"on": "Enter a date in the form YYYY-MM-DD."}}
		}
		on = d
	}
	info, cs, err := s.DB.CodeList(r.Context(), r.PathValue("list"))
	if err != nil {
		return err
	}
	out := codeListResponse{List: info.Name, Title: info.Title, Source: info.Source, Description: info.Description, Codes: []codeValue{}}
	for _, c := range cs {
		if !on.IsZero() && !c.ValidOn(on) {
			continue
		}
		out.Codes = append(out.Codes, codeValueOf(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func codeValueOf(c codes.Code) codeValue {
	v := codeValue{Code: c.Code, Label: c.Label, ValidFrom: c.ValidFrom.String(), Extra: c.Extra}
	if !c.ValidTo.IsZero() {
		to := c.ValidTo.String()
		v.ValidTo = &to
	}
	if v.Extra == nil {
		v.Extra = map[string]string{}
	}
	return v
}
