package server

import (
	"net/http"
	"net/url"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// The Caldicott Guardian's (or a manager's) review queue of break-glass
// openings: a page with a filter and one small review form per pending row,
// and the same in the API.

func (s *Server) reviewRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/reviews/break-glass", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.reviewsPage},
		{Method: "POST", Pattern: "/reviews/break-glass/{id}", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.reviewRecord},
		{Method: "GET", Pattern: "/api/v1/reviews/break-glass", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.apiListReviews,
			Summary:  "Break-glass openings of your provider for review, newest first",
			Response: reviewListJSON{Items: []reviewJSON{{}}},
			Query: []QueryParam{{"status", "pending (default), reviewed or all"},
				{"cursor", "next_cursor of the previous page"}, {"limit", "Page size, at most 50"}}},
		{Method: "POST", Pattern: "/api/v1/reviews/break-glass/{id}", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.apiRecordReview,
			Summary: "Review a break-glass opening once: outcome appropriate, inappropriate or needs_follow_up (the last two need a comment)",
			Request: reviewBody{}, Response: reviewJSON{}},
	}
}

// reviewsData is the view model of the review page.
type reviewsData struct {
	Status  string
	Filters []reviewFilter
	Caption string
	Rows    []reviewRow
	NextURL string
}

type reviewFilter struct {
	Value, Label string
	Checked      bool
}

// reviewRow is one opening as the page shows it, with its own form state.
type reviewRow struct {
	ID          int64
	When        string
	Staff, Role string
	PersonHref  string
	PersonName  string
	Reason      string
	Pending     bool
	Own         bool
	Action      string
	// Form state of a pending row after a refused submission.
	Outcome, Comment           string
	OutcomeError, CommentError string
	Options                    []liaise.CodeLabel
	// A reviewed row.
	OutcomeLabel, OutcomeClass string
	ReviewedBy, ReviewedAt     string
	ReviewComment              string
}

var reviewStatusLabels = []liaise.CodeLabel{
	{Code: sqlstore.ReviewPending, Label: "Waiting for review"},
	{Code: sqlstore.ReviewReviewed, Label: "Reviewed"},
	{Code: sqlstore.ReviewAll, Label: "All"},
}

func outcomeClass(o string) string {
	switch o {
	case sqlstore.OutcomeAppropriate:
		return "nhsuk-tag--green"
	case sqlstore.OutcomeInappropriate:
		return "nhsuk-tag--red"
	}
	return "nhsuk-tag--orange"
}

// reviewStatus reads the filter, falling back to pending for anything unknown.
func reviewStatus(v url.Values) string {
	st := v.Get("status")
	if st == "" || !sqlstore.ValidReviewStatus(st) {
		return sqlstore.ReviewPending
	}
	return st
}

func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderReviews(w, r, http.StatusOK, reviewStatus(r.URL.Query()), r.URL.Query().Get("cursor"), nil, 0)
}

// renderReviews lists the queue; f and formID carry a refused submission
// for the row formID, so its errors show beside it and in the summary.
func (s *Server) renderReviews(w http.ResponseWriter, r *http.Request, status int, filter, cursor string, f *Form, formID int64) error {
	a := liaise.ActorFrom(r.Context())
	p := s.newPage(r, "Break-glass reviews")
	if f == nil {
		f = NewForm(nil)
	}
	page, err := s.DB.ListBreakGlassReviews(r.Context(), sqlstore.ReviewQuery{Status: filter, Cursor: cursor})
	if err != nil {
		if liaise.ErrorCode(err) != liaise.EINVALID {
			return err
		}
		// A bad cursor: say so and show the first page.
		f.AddError("", liaise.ErrorMessage(err))
		status = http.StatusUnprocessableEntity
		if page, err = s.DB.ListBreakGlassReviews(r.Context(), sqlstore.ReviewQuery{Status: filter}); err != nil {
			return err
		}
	}
	d := reviewsData{Status: filter}
	for _, c := range reviewStatusLabels {
		d.Filters = append(d.Filters, reviewFilter{Value: c.Code, Label: c.Label, Checked: c.Code == filter})
		if c.Code == filter {
			d.Caption = c.Label
		}
	}
	if filter == sqlstore.ReviewAll {
		d.Caption = "All break-glass openings"
	} else {
		d.Caption = "Break-glass openings: " + d.Caption
	}
	for _, it := range page.Items {
		id := strconv.FormatInt(it.ID, 10)
		row := reviewRow{
			ID: it.ID, When: it.At.Local().Format("2 Jan 2006 15:04"), Staff: it.StaffName, Role: it.StaffRole,
			PersonName: it.PersonName, Reason: it.Reason, Pending: it.Pending(), Own: it.UserID == a.UserID,
			Action: "/reviews/break-glass/" + id, Options: sqlstore.ReviewOutcomes,
		}
		if !it.Hidden {
			row.PersonHref = "/people/" + strconv.FormatInt(it.PersonID, 10)
		}
		if it.ID == formID {
			row.Outcome, row.Comment = f.Get("outcome"), f.Values.Get("comment")
			row.OutcomeError, row.CommentError = f.Error("outcome-"+id), f.Error("comment-"+id)
		}
		if !row.Pending {
			row.OutcomeLabel = liaise.LabelOf(sqlstore.ReviewOutcomes, it.Outcome)
			row.OutcomeClass = outcomeClass(it.Outcome)
			row.ReviewedBy = it.ReviewedByName
			row.ReviewedAt = it.ReviewedAt.Local().Format("2 Jan 2006 15:04")
			row.ReviewComment = it.Comment
		}
		d.Rows = append(d.Rows, row)
	}
	if page.NextCursor != "" {
		d.NextURL = "/reviews/break-glass?" + url.Values{"status": {filter}, "cursor": {page.NextCursor}}.Encode()
	}
	p.Form = f
	p.Data = d
	s.render(w, r, status, "reviews_break_glass", p)
	return nil
}

func (s *Server) reviewRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	filter := reviewStatus(f.Values)
	_, err = s.DB.RecordBreakGlassReview(r.Context(), id, f.Get("outcome"), f.Values.Get("comment"))
	if err == nil {
		return s.redirect(w, r, "/reviews/break-glass?status="+filter, "Review recorded.")
	}
	sid := strconv.FormatInt(id, 10)
	switch liaise.ErrorCode(err) {
	case liaise.EINVALID:
		fields := liaise.ErrorFields(err)
		// Each row has its own fields, so the summary links to this row's.
		for _, k := range []string{"outcome", "comment"} {
			if m := fields[k]; m != "" {
				f.AddError(k+"-"+sid, m)
			}
		}
		if f.Valid() {
			f.AddError("", liaise.ErrorMessage(err))
		}
		return s.renderReviews(w, r, http.StatusUnprocessableEntity, filter, "", f, id)
	case liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderReviews(w, r, http.StatusConflict, filter, "", f, 0)
	}
	return err
}

// --- API ---------------------------------------------------------------------

// reviewJSON is one break-glass opening in the API.
type reviewJSON struct {
	ID             string       `json:"id"`
	At             liaise.Time  `json:"at"`
	StaffUserID    string       `json:"staff_user_id"`
	StaffName      string       `json:"staff_name"`
	StaffRole      string       `json:"staff_role"`
	PersonID       string       `json:"person_id"`
	PersonName     string       `json:"person_name"`
	Reason         string       `json:"reason"`
	Status         string       `json:"status"`
	ReviewedBy     string       `json:"reviewed_by,omitempty"`
	ReviewedByName string       `json:"reviewed_by_name,omitempty"`
	ReviewedAt     *liaise.Time `json:"reviewed_at,omitempty"`
	Outcome        string       `json:"outcome,omitempty"`
	Comment        string       `json:"comment,omitempty"`
}

type reviewListJSON struct {
	Items      []reviewJSON `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// reviewBody is the API's review of an opening.
type reviewBody struct {
	Outcome string `json:"outcome"`
	Comment string `json:"comment"`
}

func toReviewJSON(it sqlstore.BreakGlassReview) reviewJSON {
	x := reviewJSON{ID: strconv.FormatInt(it.ID, 10), At: it.At, StaffUserID: strconv.FormatInt(it.UserID, 10), StaffName: it.StaffName,
		StaffRole: it.StaffRole, PersonID: strconv.FormatInt(it.PersonID, 10), PersonName: it.PersonName, Reason: it.Reason,
		Status: sqlstore.ReviewPending}
	if !it.Pending() {
		at := it.ReviewedAt
		x.Status, x.ReviewedAt, x.Outcome, x.Comment, x.ReviewedByName = sqlstore.ReviewReviewed, &at, it.Outcome, it.Comment, it.ReviewedByName
		if it.ReviewedBy != 0 {
			x.ReviewedBy = strconv.FormatInt(it.ReviewedBy, 10)
		}
	}
	return x
}

func (s *Server) apiListReviews(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q := sqlstore.ReviewQuery{Status: v.Get("status"), Cursor: v.Get("cursor")}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return fieldErr("limit", "limit must be a whole number from 1 to 50")
		}
		q.Limit = n
	}
	page, err := s.DB.ListBreakGlassReviews(r.Context(), q)
	if err != nil {
		return err
	}
	out := reviewListJSON{Items: []reviewJSON{}, NextCursor: page.NextCursor}
	for _, it := range page.Items {
		out.Items = append(out.Items, toReviewJSON(it))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRecordReview(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b reviewBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	rev, err := s.DB.RecordBreakGlassReview(r.Context(), id, b.Outcome, b.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toReviewJSON(rev))
}
