package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// Episodes in the JSON API: quick identify, caseloads, one episode with its
// history, changes with If-Match, and transitions as an action resource.

func (s *Server) episodeAPIRoutes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/api/v1/episodes", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiQuickIdentify, Status: http.StatusCreated,
			Summary: "Quick identify: start an episode (state identified) for an existing person (person_id) or a name as given, at a site, with when L&D was alerted and by whom",
			Request: quickIdentifyBody{}, Response: episodeJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListEpisodes,
			Summary:  "A caseload in queue order: your own (the default, or assigned=me) or a team's (team_id, optionally assigned=me)",
			Response: episodeListJSON{Items: []episodeSummaryJSON{{}}},
			Query: []QueryParam{{"assigned", "me: only episodes allocated to you"}, {"team_id", "A team you are a member of"},
				{"state", "A state to include (repeat for several); open states when absent"}, {"cursor", "next_cursor of the previous page"},
				{"limit", "Page size, at most 50"}, {"site_id", "Only episodes at this site"},
				{"worker", "A team member's user id, me, or unallocated (team caseloads)"}, {"age_group", "child, adult or unknown: age when L&D was alerted"},
				{"overdue", "true: only episodes with an open overdue task"}, {"sort", "queue (oldest first, the default), newest or name; the cursor keeps it"}}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetEpisode,
			Summary: "One episode with its transitions and clocks; its version is the ETag", Response: episodeJSON{}},
		{Method: "PATCH", Pattern: "/api/v1/episodes/{id}", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiPatchEpisode,
			Summary: "Complete an episode: setting, concerns, urgency, hearing date, allocated worker; send only the fields to change, with If-Match",
			Request: episodePatchBody{}, Response: episodeJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/transitions", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiTransition, Status: http.StatusCreated,
			Summary: "Move an episode to its next state, with If-Match; a move the pathway does not allow is a 422 naming the field",
			Request: transitionBody{}, Response: episodeJSON{}},
	}
}

type quickIdentifyBody struct {
	PersonID         string `json:"person_id,omitempty"`
	GivenName        string `json:"given_name,omitempty"`
	FamilyName       string `json:"family_name,omitempty"`
	CustodyRecord    string `json:"custody_record,omitempty"`
	CourtReference   string `json:"court_reference,omitempty"`
	SiteID           string `json:"site_id"`
	AlertedAt        string `json:"alerted_at"`
	ReferrerAgencyID string `json:"referrer_agency_id,omitempty"`
	ReferrerRole     string `json:"referrer_role,omitempty"`
}

type episodePatchBody struct {
	Setting         *string `json:"setting,omitempty"`
	Concerns        *string `json:"concerns,omitempty"`
	Urgency         *string `json:"urgency,omitempty"`
	HearingDate     *string `json:"hearing_date,omitempty"`
	AllocatedUserID *string `json:"allocated_user_id,omitempty"`
}

type transitionBody struct {
	To         string `json:"to"`
	Reason     string `json:"reason,omitempty"`
	OccurredAt string `json:"occurred_at"`
	RetryAt    string `json:"retry_at,omitempty"`
}

type transitionJSON struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Reason     string `json:"reason,omitempty"`
	OccurredAt string `json:"occurred_at"`
	RecordedAt string `json:"recorded_at"`
	RetryAt    string `json:"retry_at,omitempty"`
	Late       bool   `json:"late"`
	UserName   string `json:"user_name"`
	// EnteredInError: the screening or assessment that made this move was
	// marked entered in error, so it no longer counts for the clocks.
	EnteredInError bool `json:"entered_in_error,omitempty"`
}

// clocksJSON gives each clock in minutes; a clock whose stages were not
// both reached is left out (0 is a real reading: the same minute).
type clocksJSON struct {
	IdentifiedToReceivedMinutes *int `json:"identified_to_received_minutes,omitempty"`
	ReceivedToScreenedMinutes   *int `json:"received_to_screened_minutes,omitempty"`
	IdentifiedToScreenedMinutes *int `json:"identified_to_screened_minutes,omitempty"`
	ScreenedToAssessedMinutes   *int `json:"screened_to_assessed_minutes,omitempty"`
	IdentifiedToClosedMinutes   *int `json:"identified_to_closed_minutes,omitempty"`
	DeferredMinutes             int  `json:"deferred_minutes,omitempty"`
}

type episodeJSON struct {
	ID               string           `json:"id"`
	PersonID         string           `json:"person_id"`
	PersonName       string           `json:"person_name"`
	TeamID           string           `json:"team_id"`
	TeamName         string           `json:"team_name"`
	SiteID           string           `json:"site_id,omitempty"`
	SiteName         string           `json:"site_name,omitempty"`
	State            string           `json:"state"`
	StateLabel       string           `json:"state_label"`
	Setting          string           `json:"setting,omitempty"`
	AlertedAt        string           `json:"alerted_at"`
	QueueAt          string           `json:"queue_at"`
	OutOfHours       bool             `json:"out_of_hours"`
	ReferrerAgencyID string           `json:"referrer_agency_id,omitempty"`
	ReferrerRole     string           `json:"referrer_role,omitempty"`
	CustodyRecord    string           `json:"custody_record,omitempty"`
	CourtReference   string           `json:"court_reference,omitempty"`
	Concerns         string           `json:"concerns"`
	Urgency          string           `json:"urgency"`
	HearingDate      string           `json:"hearing_date,omitempty"`
	AllocatedUserID  string           `json:"allocated_user_id,omitempty"`
	AllocatedName    string           `json:"allocated_name,omitempty"`
	Transitions      []transitionJSON `json:"transitions"`
	Clocks           clocksJSON       `json:"clocks"`
	BreakGlass       bool             `json:"break_glass"`
	Version          int              `json:"version"`
}

type episodeSummaryJSON struct {
	ID            string `json:"id"`
	PersonID      string `json:"person_id"`
	PersonName    string `json:"person_name"`
	Age           *int   `json:"age,omitempty"`
	TeamName      string `json:"team_name"`
	SiteName      string `json:"site_name,omitempty"`
	State         string `json:"state"`
	StateLabel    string `json:"state_label"`
	AlertedAt     string `json:"alerted_at"`
	QueueAt       string `json:"queue_at"`
	OutOfHours    bool   `json:"out_of_hours"`
	Urgency       string `json:"urgency"`
	AllocatedName string `json:"allocated_name,omitempty"`
	Restricted    bool   `json:"restricted"`
}

type episodeListJSON struct {
	Items      []episodeSummaryJSON `json:"items"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

func epID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func timeJSON(t liaise.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toEpisodeJSON(e sqlstore.Episode) episodeJSON {
	out := episodeJSON{ID: epID(e.ID), PersonID: epID(e.PersonID), PersonName: e.Person.DisplayName(), TeamID: epID(e.TeamID), TeamName: e.TeamName,
		SiteID: epID(e.SiteID), SiteName: e.SiteName, State: string(e.State), StateLabel: e.State.Label(), Setting: e.Setting,
		AlertedAt: timeJSON(e.AlertedAt), QueueAt: timeJSON(e.QueueAt), OutOfHours: e.OutOfHours, ReferrerAgencyID: epID(e.ReferrerAgencyID),
		ReferrerRole: e.ReferrerRole, CustodyRecord: e.CustodyRecord, CourtReference: e.CourtReference, Concerns: e.Concerns, Urgency: e.Urgency,
		HearingDate: e.HearingDate.String(), AllocatedUserID: epID(e.AllocatedUserID), AllocatedName: e.AllocatedName,
		Transitions: []transitionJSON{}, BreakGlass: e.BreakGlass, Version: e.Version}
	if e.HearingDate.IsZero() {
		out.HearingDate = ""
	}
	for _, h := range e.History {
		out.Transitions = append(out.Transitions, transitionJSON{From: string(h.From), To: string(h.To), Reason: h.Reason,
			OccurredAt: timeJSON(h.OccurredAt), RecordedAt: timeJSON(h.RecordedAt), RetryAt: timeJSON(h.RetryAt), Late: liaise.Late(h.Transition), UserName: h.UserName,
			EnteredInError: h.EnteredInError})
	}
	c := liaise.Clocks(e.Transitions())
	m := func(d time.Duration) *int {
		if d < 0 {
			return nil
		}
		n := int(d / time.Minute)
		return &n
	}
	out.Clocks = clocksJSON{m(c.IdentifiedToReceived), m(c.ReceivedToScreened), m(c.IdentifiedToScreened), m(c.ScreenedToAssessed), m(c.IdentifiedToClosed),
		int(c.Deferred / time.Minute)}
	return out
}

// parseAPITime reads an RFC 3339 time; blank is the zero time.
func parseAPITime(field, s string) (liaise.Time, error) {
	if strings.TrimSpace(s) == "" {
		return liaise.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return liaise.Time{}, fieldErr(field, field+" must be a time like 2026-11-23T14:30:00Z")
	}
	return liaise.NewTime(t), nil
}

func parseAPIID(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldErr(field, field+" must be an id")
	}
	return id, nil
}

func (s *Server) apiQuickIdentify(w http.ResponseWriter, r *http.Request) error {
	var b quickIdentifyBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.QuickIdentifyInput{GivenName: b.GivenName, FamilyName: b.FamilyName, CustodyRecord: b.CustodyRecord,
		CourtReference: b.CourtReference, ReferrerRole: b.ReferrerRole}
	var err error
	if in.PersonID, err = parseAPIID("person_id", b.PersonID); err != nil {
		return err
	}
	if in.SiteID, err = parseAPIID("site_id", b.SiteID); err != nil {
		return err
	}
	if in.ReferrerAgencyID, err = parseAPIID("referrer_agency_id", b.ReferrerAgencyID); err != nil {
		return err
	}
	if in.AlertedAt, err = parseAPITime("alerted_at", b.AlertedAt); err != nil {
		return err
	}
	e, err := s.DB.QuickIdentify(r.Context(), in)
	if err != nil {
		return err
	}
	got, err := s.DB.GetEpisode(r.Context(), e.ID)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/episodes/"+epID(e.ID), got.Version, toEpisodeJSON(got))
}

func (s *Server) apiListEpisodes(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	a := liaise.ActorFrom(r.Context())
	q := sqlstore.EpisodeQuery{Cursor: v.Get("cursor")}
	var err error
	if q.TeamID, err = parseAPIID("team_id", v.Get("team_id")); err != nil {
		return err
	}
	switch v.Get("assigned") {
	case "":
	case "me":
		q.AllocatedTo = a.UserID
	default:
		return fieldErr("assigned", "assigned must be me")
	}
	if err := parseCaseloadFilters(a, v, &q); err != nil { // ui_boards.go
		return err
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return fieldErr("limit", "limit must be a whole number from 1 to 50")
		}
		q.Limit = n
	}
	page, err := s.DB.ListEpisodes(r.Context(), q)
	if err != nil {
		return err
	}
	out := episodeListJSON{Items: []episodeSummaryJSON{}, NextCursor: page.NextCursor}
	for _, it := range page.Items {
		x := episodeSummaryJSON{ID: epID(it.ID), PersonID: epID(it.PersonID), PersonName: it.PersonName, TeamName: it.TeamName, SiteName: it.SiteName,
			State: string(it.State), StateLabel: it.State.Label(), AlertedAt: timeJSON(it.AlertedAt), QueueAt: timeJSON(it.QueueAt),
			OutOfHours: it.OutOfHours, Urgency: it.Urgency, AllocatedName: it.AllocatedName, Restricted: it.Hidden}
		if it.Age >= 0 {
			age := it.Age
			x.Age = &age
		}
		out.Items = append(out.Items, x)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetEpisode(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, err := s.DB.GetEpisode(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, e.Version)
	return writeJSON(w, http.StatusOK, toEpisodeJSON(e))
}

func (s *Server) apiPatchEpisode(w http.ResponseWriter, r *http.Request) error {
	var b episodePatchBody
	id, version, err := readPatch(r, &b)
	if err != nil {
		return err
	}
	e, err := s.DB.GetEpisode(r.Context(), id)
	if err != nil {
		return err
	}
	setStr(&e.Setting, b.Setting)
	setStr(&e.Concerns, b.Concerns)
	setStr(&e.Urgency, b.Urgency)
	if b.HearingDate != nil {
		e.HearingDate = liaise.Date{}
		if *b.HearingDate != "" {
			d, err := liaise.ParseDate(*b.HearingDate)
			if err != nil {
				return fieldErr("hearing_date", "hearing_date must be a date in the form YYYY-MM-DD")
			}
			e.HearingDate = d
		}
	}
	if b.AllocatedUserID != nil {
		if e.AllocatedUserID, err = parseAPIID("allocated_user_id", *b.AllocatedUserID); err != nil {
			return err
		}
	}
	e.Version = version
	if err := s.DB.UpdateEpisode(r.Context(), &e); err != nil {
		return err
	}
	got, err := s.DB.GetEpisode(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, got.Version)
	return writeJSON(w, http.StatusOK, toEpisodeJSON(got))
}

func (s *Server) apiTransition(w http.ResponseWriter, r *http.Request) error {
	var b transitionBody
	id, version, err := readPatch(r, &b)
	if err != nil {
		return err
	}
	in := sqlstore.TransitionInput{To: liaise.EpisodeState(b.To), Reason: b.Reason, Version: version}
	if in.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if in.RetryAt, err = parseAPITime("retry_at", b.RetryAt); err != nil {
		return err
	}
	if _, err := s.DB.Transition(r.Context(), id, in); err != nil {
		if liaise.ErrorCode(err) == liaise.EINVALID && len(liaise.ErrorFields(err)) == 0 {
			return fieldErr("to", liaise.ErrorMessage(err))
		}
		return err
	}
	got, err := s.DB.GetEpisode(r.Context(), id)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/episodes/"+epID(id), got.Version, toEpisodeJSON(got))
}
