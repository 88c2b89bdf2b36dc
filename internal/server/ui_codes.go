package server

import (
	"net/http"
	"slices"
	"sort"

	"liaise"
	"liaise/internal/codes"
)

// codeRoutes lists the reference code lists, read-only, in the UI and the
// API. Code lists are not personal data, so reads are not audited.
func (s *Server) codeRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/codes", Cap: liaise.CapCodesRead, Handler: s.codeListsPage},
		{Method: "GET", Pattern: "/codes/{list}", Cap: liaise.CapCodesRead, Handler: s.codeListPage},
		{Method: "GET", Pattern: "/api/v1/codes", Cap: liaise.CapCodesRead, Handler: s.apiCodeLists,
			Summary: "List the reference code lists", Response: codeListsResponse{}},
		{Method: "GET", Pattern: "/api/v1/codes/{list}", Cap: liaise.CapCodesRead, Handler: s.apiCodeList,
			Summary: "Get a code list with every version of its codes", Response: codeListResponse{},
			Query: []QueryParam{{Name: "on", Description: "Only codes valid on this date (YYYY-MM-DD)."}}},
	}
}

type codeListsData struct {
	Lists []codes.ListInfo
}

func (s *Server) codeListsPage(w http.ResponseWriter, r *http.Request) error {
	lists, err := s.DB.CodeLists(r.Context())
	if err != nil {
		return err
	}
	p := s.newPage(r, "Code lists")
	p.Data = codeListsData{Lists: lists}
	s.render(w, r, http.StatusOK, "codes", p)
	return nil
}

// codeRow is one version of a code as the list page shows it.
type codeRow struct {
	Code, Label string
	ValidFrom   liaise.Date
	ValidTo     liaise.Date
	Status      string // Current, Retired, Future
	Extra       []string
}

type codeListData struct {
	List codes.ListInfo
	// ExtraNames are the list's mapping columns; ExtraHeadings their headings.
	ExtraNames    []string
	ExtraHeadings []string
	Rows          []codeRow
	Current       int
	Retired       int
	Today         liaise.Date
}

// codeExtraHeadings gives mapping columns readable headings; unknown ones show their name.
var codeExtraHeadings = map[string]string{
	"mhsds_source": "MHSDS source of referral",
}

// codeExtraHeading is the column heading of a mapping column.
func codeExtraHeading(name string) string {
	if h, ok := codeExtraHeadings[name]; ok {
		return h
	}
	return name
}

func (s *Server) codeListPage(w http.ResponseWriter, r *http.Request) error {
	info, cs, err := s.DB.CodeList(r.Context(), r.PathValue("list"))
	if err != nil {
		return err
	}
	d := codeListData{List: info, Today: liaise.DateOf(s.now().In(liaise.London)), ExtraNames: codeExtraNames(cs)}
	for _, n := range d.ExtraNames {
		d.ExtraHeadings = append(d.ExtraHeadings, codeExtraHeading(n))
	}
	for _, c := range cs {
		row := codeRow{Code: c.Code, Label: c.Label, ValidFrom: c.ValidFrom, ValidTo: c.ValidTo, Status: codeStatus(c, d.Today)}
		for _, n := range d.ExtraNames {
			row.Extra = append(row.Extra, c.Extra[n])
		}
		switch row.Status {
		case "Current":
			d.Current++
		case "Retired":
			d.Retired++
		}
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, info.Title)
	p.Data = d
	s.render(w, r, http.StatusOK, "code_list", p)
	return nil
}

func codeStatus(c codes.Code, today liaise.Date) string {
	switch {
	case c.Retired(today):
		return "Retired"
	case today.Before(c.ValidFrom):
		return "Future"
	}
	return "Current"
}

// codeExtraNames returns the mapping column names used by any code, sorted.
func codeExtraNames(cs []codes.Code) []string {
	var names []string
	for _, c := range cs {
		for k := range c.Extra {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	sort.Strings(names)
	return names
}
