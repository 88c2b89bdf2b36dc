package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/sqlstore"
)

// Boards: a site's or hub's screen of who is waiting, who is deferred, who
// arrived out of hours and today's court list. Initials mode
// (?display=initials) is for screens others can see: initials only, no
// dates of birth. No meta refresh (strict CSP, and a screen that reloads
// under a reader is a hazard): a plain Refresh link and the time it was
// updated.

func (s *Server) boardRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/boards", Cap: liaise.CapRecordRead, Personal: true, Handler: s.boardList},
		{Method: "GET", Pattern: "/boards/{kind}/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.boardShow},
		{Method: "GET", Pattern: "/api/v1/boards/{kind}/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiBoard,
			Summary:  "A site's or hub's board (kind site or hub): waiting (oldest first), deferred with retry times, arrived out of hours, today's court list",
			Response: boardJSON{Waiting: []boardItemJSON{{}}},
			Query:    []QueryParam{{"display", "initials: initials instead of names, and no dates of birth"}}},
		{Method: "GET", Pattern: "/api/v1/boards/{board}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiBoard,
			Summary:  "A board by its one id, site-{id} or hub-{id} (the same board as /api/v1/boards/{kind}/{id})",
			Response: boardJSON{Waiting: []boardItemJSON{{}}},
			Query:    []QueryParam{{"display", "initials: initials instead of names, and no dates of birth"}}},
	}
}

type boardListData struct {
	Sites, Hubs []NavItem
}

func (s *Server) boardList(w http.ResponseWriter, r *http.Request) error {
	refs, err := s.DB.ListBoards(r.Context())
	if err != nil {
		return err
	}
	var d boardListData
	for _, b := range refs {
		it := NavItem{Label: b.Name, Href: boardHref(b.Kind, b.ID)}
		if b.Kind == sqlstore.BoardHub {
			d.Hubs = append(d.Hubs, it)
		} else {
			d.Sites = append(d.Sites, it)
		}
	}
	p := s.newPage(r, "Boards")
	p.Data = d
	s.render(w, r, http.StatusOK, "boards", p)
	return nil
}

func boardHref(kind string, id int64) string {
	return "/boards/" + kind + "/" + strconv.FormatInt(id, 10)
}

type boardRow struct {
	Href, Person, DOB, Site, State, Alerted, Waited, Queue, Retry string
	Over, RetryOverdue, Hidden                                    bool
	Tag                                                           personTag
}

type boardData struct {
	Name, KindLabel, Updated, Refresh, Toggle, ToggleLabel string
	Initials                                               bool
	Waiting, Deferred, MorningQ, Court                     []boardRow
	Threshold                                              string
}

func (s *Server) loadBoard(r *http.Request) (sqlstore.Board, bool, error) {
	kind, idText := r.PathValue("kind"), r.PathValue("id")
	if b := r.PathValue("board"); b != "" {
		// One opaque id: "site-12" or "hub-3".
		kind, idText, _ = strings.Cut(b, "-")
	}
	if kind != sqlstore.BoardSite && kind != sqlstore.BoardHub {
		return sqlstore.Board{}, false, notFoundError()
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return sqlstore.Board{}, false, notFoundError()
	}
	initials := false
	switch r.URL.Query().Get("display") {
	case "":
	case "initials":
		initials = true
	default:
		return sqlstore.Board{}, false, fieldErr("display", "display must be initials")
	}
	b, err := s.DB.GetBoard(r.Context(), kind, id)
	return b, initials, err
}

func (s *Server) boardShow(w http.ResponseWriter, r *http.Request) error {
	b, initials, err := s.loadBoard(r)
	if err != nil {
		return err
	}
	href := boardHref(b.Kind, b.ID)
	d := boardData{Name: b.Name, KindLabel: "Site", Updated: b.UpdatedAt.Local().Format("15:04"), Initials: initials,
		Refresh: href, Toggle: href + "?display=initials", ToggleLabel: "Show initials only",
		Threshold: durationText(sqlstore.WaitingAlertAfter)}
	if b.Kind == sqlstore.BoardHub {
		d.KindLabel = "Hub"
	}
	if initials {
		d.Refresh, d.Toggle, d.ToggleLabel = href+"?display=initials", href, "Show full names"
	}
	row := func(it sqlstore.BoardItem) boardRow {
		x := boardRow{Href: episodeHref(it.EpisodeID), Person: it.Name, Site: it.SiteName, State: it.State.Label(), Tag: stateTag(it.State),
			Alerted: it.AlertedAt.Local().Format("2 Jan 15:04"), Waited: durationText(it.Waited), Over: it.Over,
			Queue: it.QueueAt.Local().Format("2 Jan 15:04"), RetryOverdue: it.RetryOverdue, Hidden: it.Hidden}
		if initials {
			x.Person = it.Initials
		} else if !it.DateOfBirth.IsZero() {
			x.DOB = it.DateOfBirth.Time().Format("2 Jan 2006")
		}
		if !it.RetryAt.IsZero() {
			x.Retry = it.RetryAt.Local().Format("2 Jan 15:04")
		}
		return x
	}
	for _, it := range b.Waiting {
		d.Waiting = append(d.Waiting, row(it))
	}
	for _, it := range b.Deferred {
		d.Deferred = append(d.Deferred, row(it))
	}
	for _, it := range b.MorningQ {
		d.MorningQ = append(d.MorningQ, row(it))
	}
	for _, it := range b.CourtToday {
		d.Court = append(d.Court, row(it))
	}
	p := s.newPage(r, b.Name+" board")
	p.Data = d
	s.render(w, r, http.StatusOK, "board", p)
	return nil
}

type boardItemJSON struct {
	EpisodeID     string `json:"episode_id"`
	PersonID      string `json:"person_id"`
	PersonName    string `json:"person_name"`
	DateOfBirth   string `json:"date_of_birth,omitempty"`
	Restricted    bool   `json:"restricted"`
	SiteName      string `json:"site_name,omitempty"`
	State         string `json:"state"`
	AlertedAt     string `json:"alerted_at"`
	QueueAt       string `json:"queue_at"`
	OutOfHours    bool   `json:"out_of_hours"`
	WaitedMinutes int    `json:"waited_minutes"`
	OverThreshold bool   `json:"over_threshold"`
	RetryAt       string `json:"retry_at,omitempty"`
	RetryOverdue  bool   `json:"retry_overdue"`
	HearingDate   string `json:"hearing_date,omitempty"`
}

type boardJSON struct {
	Kind             string          `json:"kind"`
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	UpdatedAt        string          `json:"updated_at"`
	ThresholdMinutes int             `json:"threshold_minutes"`
	Waiting          []boardItemJSON `json:"waiting"`
	Deferred         []boardItemJSON `json:"deferred"`
	OutOfHours       []boardItemJSON `json:"out_of_hours"`
	CourtToday       []boardItemJSON `json:"court_today"`
}

func (s *Server) apiBoard(w http.ResponseWriter, r *http.Request) error {
	b, initials, err := s.loadBoard(r)
	if err != nil {
		return err
	}
	conv := func(items []sqlstore.BoardItem) []boardItemJSON {
		out := []boardItemJSON{}
		for _, it := range items {
			x := boardItemJSON{EpisodeID: epID(it.EpisodeID), PersonID: epID(it.PersonID), PersonName: it.Name, Restricted: it.Hidden,
				SiteName: it.SiteName, State: string(it.State), AlertedAt: timeJSON(it.AlertedAt), QueueAt: timeJSON(it.QueueAt),
				OutOfHours: it.OutOfHours, WaitedMinutes: int(it.Waited.Minutes()), OverThreshold: it.Over, RetryAt: timeJSON(it.RetryAt),
				RetryOverdue: it.RetryOverdue}
			if !it.HearingDate.IsZero() {
				x.HearingDate = it.HearingDate.String()
			}
			if initials {
				x.PersonName = it.Initials
			} else if !it.DateOfBirth.IsZero() {
				x.DateOfBirth = it.DateOfBirth.String()
			}
			out = append(out, x)
		}
		return out
	}
	return writeJSON(w, http.StatusOK, boardJSON{Kind: b.Kind, ID: epID(b.ID), Name: b.Name, UpdatedAt: timeJSON(b.UpdatedAt),
		ThresholdMinutes: int(sqlstore.WaitingAlertAfter.Minutes()), Waiting: conv(b.Waiting), Deferred: conv(b.Deferred),
		OutOfHours: conv(b.MorningQ), CourtToday: conv(b.CourtToday)})
}

// --- Caseload filters ---------------------------------------------------------------

// caseloadFilterKeys are the caseload form's parameters, kept on the next
// page's link.
var caseloadFilterKeys = []string{"state", "site_id", "worker", "age_group", "overdue", "sort"}

func caseloadFilterValues(f *Form) url.Values {
	v := url.Values{}
	for _, k := range caseloadFilterKeys {
		for _, x := range f.Values[k] {
			if x = strings.TrimSpace(x); x != "" {
				v.Add(k, x)
			}
		}
	}
	return v
}

// parseCaseloadFilters reads the filters shared by the caseload page and
// the API into q: state (repeated), site_id, worker (a user id, "me" or
// "unallocated"; team caseloads only), age_group, overdue and sort.
func parseCaseloadFilters(a *liaise.Actor, v url.Values, q *sqlstore.EpisodeQuery) error {
	for _, st := range v["state"] {
		if st = strings.TrimSpace(st); st != "" {
			q.States = append(q.States, liaise.EpisodeState(st))
		}
	}
	var err error
	if q.SiteID, err = parseAPIID("site_id", strings.TrimSpace(v.Get("site_id"))); err != nil {
		return err
	}
	switch w := strings.TrimSpace(v.Get("worker")); w {
	case "":
	case "unallocated":
		if q.TeamID == 0 {
			return fieldErr("worker", "Choose a team to see unallocated episodes")
		}
		q.Unallocated = true
	case "me":
		q.AllocatedTo = a.UserID
	default:
		if q.AllocatedTo, err = parseAPIID("worker", w); err != nil {
			return err
		}
	}
	q.AgeGroup = strings.TrimSpace(v.Get("age_group"))
	switch v.Get("overdue") {
	case "", "false":
	case "true", "on", "1":
		q.Overdue = true
	default:
		return fieldErr("overdue", "overdue must be true or false")
	}
	q.Sort = strings.TrimSpace(v.Get("sort"))
	return nil
}

func (s *Server) caseloadFilters(r *http.Request, f *Form, q *sqlstore.EpisodeQuery, d *caseloadData) error {
	a := liaise.ActorFrom(r.Context())
	d.TeamID = q.TeamID
	if err := parseCaseloadFilters(a, f.Values, q); !f.Absorb(err) && err != nil {
		return err
	}
	for _, st := range sqlstore.OpenEpisodeStates() {
		d.States = append(d.States, Option{Value: string(st), Label: st.Label()})
	}
	sites, err := s.DB.ReadableSites(r.Context())
	if err != nil {
		return err
	}
	for _, st := range sites {
		d.Sites = append(d.Sites, Option{Value: strconv.FormatInt(st.ID, 10), Label: st.Name})
	}
	if q.TeamID != 0 {
		workers, err := s.DB.TeamWorkers(r.Context(), q.TeamID)
		if err != nil {
			return err
		}
		d.Workers = append(d.Workers, Option{Value: "unallocated", Label: "Not allocated"})
		for _, w := range workers {
			d.Workers = append(d.Workers, Option{Value: strconv.FormatInt(w.UserID, 10), Label: w.Name})
		}
	}
	d.AgeGroups, d.Sorts = labelOptions(sqlstore.AgeGroups), labelOptions(sqlstore.EpisodeSorts)
	return nil
}
