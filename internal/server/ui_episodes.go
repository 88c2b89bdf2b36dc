package server

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Episode pages: the caseload (mine and my team's), quick identify, and the
// episode page with its next steps, history and clocks.

func (s *Server) episodeRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/caseload", Cap: liaise.CapRecordRead, Personal: true, Handler: s.caseload},
		{Method: "GET", Pattern: "/episodes/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.episodeNew},
		{Method: "POST", Pattern: "/episodes/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.episodeCreate},
		{Method: "GET", Pattern: "/episodes/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.episodeShow},
		{Method: "POST", Pattern: "/episodes/{id}/transitions", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.episodeTransition},
	}, s.episodeAPIRoutes()...)
}

// reasonList names the code list a target state's reason comes from.
var reasonList = map[liaise.EpisodeState]string{
	liaise.EpisodeRejected:    "rejection-reasons-local",
	liaise.EpisodeDeferred:    "deferral-reasons",
	liaise.EpisodeNotScreened: "not-screened-reasons",
	liaise.EpisodeNotAssessed: "not-assessed-reasons",
	liaise.EpisodeClosed:      "closure-reasons-local",
}

// stateTag is the colour of a state's tag.
func stateTag(st liaise.EpisodeState) personTag {
	class := "nhsuk-tag--blue"
	switch st {
	case liaise.EpisodeIdentified, liaise.EpisodeReceived, liaise.EpisodeScreeningPending, liaise.EpisodeAssessmentPending:
		class = "nhsuk-tag--yellow"
	case liaise.EpisodeDeferred:
		class = "nhsuk-tag--orange"
	case liaise.EpisodeScreened, liaise.EpisodeAssessed, liaise.EpisodeSupport, liaise.EpisodeAccepted:
		class = "nhsuk-tag--green"
	case liaise.EpisodeRejected, liaise.EpisodeClosed, liaise.EpisodeNotScreened, liaise.EpisodeNotAssessed:
		class = "nhsuk-tag--grey"
	}
	return personTag{Label: st.Label(), Class: class}
}

// agoText says how long ago t was: "2h 10m ago", "just now".
func agoText(now time.Time, t liaise.Time) string {
	d := now.Sub(t.Time)
	if d < time.Minute {
		return "just now"
	}
	d = d.Truncate(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh ago", days, h)
	case h > 0:
		return fmt.Sprintf("%dh %dm ago", h, m)
	}
	return fmt.Sprintf("%dm ago", m)
}

func durationText(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	if days > 0 {
		return fmt.Sprintf("%dd %dh %dm", days, h, m)
	}
	return fmt.Sprintf("%dh %dm", h, m)
}

func episodeHref(id int64) string { return "/episodes/" + strconv.FormatInt(id, 10) }

// formTime reads a date input (id-day, id-month, id-year) and a time input
// (id-time, HH:MM) as a time in Europe/London. Blank gives the zero time.
func formTime(f *Form, id, label string) liaise.Time {
	d := formDate(f, id, label)
	clock := f.Get(id + "-time")
	if d.IsZero() && clock == "" {
		return liaise.Time{}
	}
	if d.IsZero() {
		if f.Error(id) == "" {
			f.AddError(id, label+": enter the date as well as the time")
		}
		return liaise.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", d.String()+" "+clock, liaise.London)
	if err != nil {
		f.AddError(id, label+": enter the time on the 24-hour clock, like 14:30")
		return liaise.Time{}
	}
	return liaise.NewTime(t)
}

// setFormTime fills a date and time input with t in Europe/London.
func setFormTime(f *Form, id string, t time.Time) {
	lt := t.In(liaise.London)
	setFormDate(f, id, liaise.DateOf(lt))
	f.Set(id+"-time", lt.Format("15:04"))
}

// --- Caseload ------------------------------------------------------------------

type caseloadData struct {
	Tabs     []NavItem
	Team     bool
	TeamName string
	// Rows is the table body, written in Go (caseloadRowsHTML): a caseload
	// is the busiest list, and fifty rows through html/template cost a
	// reflective escaper call per value.
	Rows      template.HTML
	Next      string
	CanCreate bool
	// The filter form (ui_boards.go).
	Form                                     *Form
	States, Sites, Workers, AgeGroups, Sorts []Option
	TeamID                                   int64
}

type caseloadRow struct {
	Href, Person, Age, Site, Alerted, Ago, Worker string
	Tag                                           personTag
	OutOfHours, Hidden                            bool
}

func (s *Server) caseload(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	f := NewForm(r.URL.Query())
	q := sqlstore.EpisodeQuery{TeamID: f.Int64("team_id"), Cursor: f.Get("cursor")}
	d := caseloadData{Team: q.TeamID != 0, CanCreate: a.Can(liaise.CapRecordWrite)}
	if err := s.caseloadFilters(r, f, &q, &d); err != nil {
		return err
	}
	d.Tabs = append(d.Tabs, NavItem{Label: "My caseload", Href: "/caseload", Current: q.TeamID == 0})
	if a.Can(liaise.CapCaseloadTeam) {
		for i, id := range a.TeamIDs {
			name := "Team caseload"
			if i < len(a.TeamNames) {
				name = a.TeamNames[i]
				if len(a.TeamIDs) == 1 {
					name = "Team caseload: " + name
				}
			}
			d.Tabs = append(d.Tabs, NavItem{Label: name, Href: "/caseload?team_id=" + strconv.FormatInt(id, 10), Current: id == q.TeamID})
			if id == q.TeamID {
				d.TeamName = name
			}
		}
	}
	page, err := s.DB.ListEpisodes(r.Context(), q)
	if f.Absorb(err) {
		page = sqlstore.EpisodePage{}
	} else if err != nil {
		return err
	}
	now := s.now()
	rows := make([]caseloadRow, 0, len(page.Items))
	for _, it := range page.Items {
		row := caseloadRow{Href: episodeHref(it.ID), Person: it.PersonName, Site: it.SiteName, Tag: stateTag(it.State), Hidden: it.Hidden,
			Alerted: it.AlertedAt.Local().Format("2 Jan 15:04"), Ago: agoText(now, it.AlertedAt), Worker: it.AllocatedName, OutOfHours: it.OutOfHours}
		row.Age = "Not known"
		if it.Age >= 0 {
			row.Age = strconv.Itoa(it.Age)
		}
		if row.Worker == "" {
			row.Worker = "Not allocated"
		}
		rows = append(rows, row)
	}
	d.Rows = caseloadRowsHTML(rows)
	if page.NextCursor != "" {
		v := caseloadFilterValues(f)
		v.Set("cursor", page.NextCursor)
		if q.TeamID != 0 {
			v.Set("team_id", strconv.FormatInt(q.TeamID, 10))
		}
		d.Next = "/caseload?" + v.Encode()
	}
	p := s.newPage(r, "Caseload")
	p.Form = f
	d.Form = f
	p.Data = d
	s.render(w, r, http.StatusOK, "caseload", p)
	return nil
}

// caseloadRowsHTML writes the caseload table's rows, every value escaped;
// nothing else may be concatenated into the markup.
func caseloadRowsHTML(rows []caseloadRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 640)
	esc := template.HTMLEscapeString
	for _, r := range rows {
		b.WriteString("\n    <tr class=\"nhsuk-table__row\">\n      <td class=\"nhsuk-table__cell\"><a href=\"")
		b.WriteString(esc(r.Href))
		b.WriteString("\">")
		b.WriteString(esc(r.Person))
		b.WriteString("</a></td>\n      <td class=\"nhsuk-table__cell\">")
		b.WriteString(esc(r.Age))
		b.WriteString("</td>\n      <td class=\"nhsuk-table__cell\">")
		b.WriteString(esc(r.Site))
		b.WriteString("</td>\n      <td class=\"nhsuk-table__cell\"><strong class=\"nhsuk-tag ")
		b.WriteString(esc(r.Tag.Class))
		b.WriteString("\">")
		b.WriteString(esc(r.Tag.Label))
		b.WriteString("</strong></td>\n      <td class=\"nhsuk-table__cell\">")
		b.WriteString(esc(r.Alerted))
		b.WriteString(" (")
		b.WriteString(esc(r.Ago))
		b.WriteString(")")
		if r.OutOfHours {
			b.WriteString("<br>Arrived out of hours")
		}
		b.WriteString("</td>\n      <td class=\"nhsuk-table__cell\">")
		b.WriteString(esc(r.Worker))
		b.WriteString("</td>\n    </tr>")
	}
	return template.HTML(b.String())
}

// --- Quick identify ---------------------------------------------------------------

type episodeFormData struct {
	Person                         *personRow
	Sites, Agencies, ReferrerRoles []Option
	NoSites                        bool
}

var quickIdentifyFields = []string{"person_id", "given_name", "family_name", "custody_record", "court_reference", "site_id", "alerted_at", "referrer_agency_id", "referrer_role"}

func (s *Server) renderEpisodeForm(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	a := liaise.ActorFrom(r.Context())
	var d episodeFormData
	if id := f.Int64("person_id"); id > 0 {
		p, err := s.DB.GetPerson(r.Context(), id, "")
		if err != nil {
			return err
		}
		d.Person = &personRow{ID: p.ID, Href: "/people/" + strconv.FormatInt(p.ID, 10), Name: p.DisplayName(), Identity: identityTag(p.IdentityStatus)}
	}
	sites, err := s.DB.ListSites(r.Context(), 0)
	if err != nil {
		return err
	}
	for _, st := range sites {
		if st.TeamID != 0 && (a.System || a.InTeam(st.TeamID)) {
			d.Sites = append(d.Sites, Option{Value: strconv.FormatInt(st.ID, 10), Label: st.Name})
		}
	}
	d.NoSites = len(d.Sites) == 0
	agencies, err := s.DB.ListAgencies(r.Context(), 0)
	if err != nil {
		return err
	}
	for _, g := range agencies {
		d.Agencies = append(d.Agencies, Option{Value: strconv.FormatInt(g.ID, 10), Label: g.Name})
	}
	d.ReferrerRoles = codeOptions("referrer-roles", liaise.DateOf(s.now().In(liaise.London)))
	if len(d.Sites) == 1 && f.Get("site_id") == "" {
		f.Set("site_id", d.Sites[0].Value)
	}
	p := s.newPage(r, "Quick identify")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "episode_new", p)
	return nil
}

func (s *Server) episodeNew(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	if id := r.URL.Query().Get("person_id"); id != "" {
		f.Set("person_id", id)
	}
	setFormTime(f, "alerted_at", s.now())
	return s.renderEpisodeForm(w, r, http.StatusOK, f)
}

func (s *Server) episodeCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := sqlstore.QuickIdentifyInput{PersonID: f.Int64("person_id"), GivenName: f.Get("given_name"), FamilyName: f.Get("family_name"),
		CustodyRecord: f.Get("custody_record"), CourtReference: f.Get("court_reference"), SiteID: f.Int64("site_id"),
		ReferrerAgencyID: f.Int64("referrer_agency_id"), ReferrerRole: f.Get("referrer_role")}
	in.AlertedAt = formTime(f, "alerted_at", "When L&D was alerted")
	if f.Valid() {
		e, err := s.DB.QuickIdentify(r.Context(), in)
		if err == nil {
			flash := "Episode started"
			if e.OutOfHours {
				flash += ": it arrived out of hours, so it is in the queue for " + e.QueueAt.Local().Format("15:04 on Monday 2 January")
			}
			return s.redirect(w, r, episodeHref(e.ID), flash)
		}
		if !f.Absorb(err, quickIdentifyFields...) {
			return err
		}
	}
	return s.renderEpisodeForm(w, r, http.StatusUnprocessableEntity, f)
}

// --- Episode page -------------------------------------------------------------------

type episodePageData struct {
	E           sqlstore.Episode
	PersonName  string
	PersonHref  string
	PersonTag   personTag
	Tag         personTag
	Facts       []summaryRow
	Next        []nextStep
	ReasonLists []reasonSelect
	History     []historyRow
	Clocks      []summaryRow
	CanWrite    bool
	Action      string
	// Parts link to the pages that record each part of the episode.
	Parts []NavItem
	// CanDefer shows the retry time, asked only when a deferral is a next step.
	CanDefer bool
}

// episodeParts are the pages of an episode's record, in pathway order. Each
// area adds itself here when its page exists.
var episodeParts = []struct{ Label, Path string }{
	{"Screening", "screening"},
	{"Assessment", "assessment"},
	{"Consent and disclosures", "consent"},
	{"Documents for police and court", "documents"},
	{"Justice outcomes", "outcomes"},
	{"Onward referrals", "referrals"},
	{"Contacts and activities", "contacts"},
	{"Support work", "support"},
	{"Case notes", "notes"}, {"Tasks", "tasks"},
	{"Children and young people", "youth"},
}

func episodePartLinks(id int64) []NavItem {
	var out []NavItem
	for _, p := range episodeParts {
		out = append(out, NavItem{Label: p.Label, Href: "/episodes/" + strconv.FormatInt(id, 10) + "/" + p.Path})
	}
	return out
}

type nextStep struct {
	ID, Value, Label string
	Checked          bool
}

type reasonSelect struct {
	ID, Label string
	Options   []Option
}

type historyRow struct {
	Occurred, Recorded, Step, Reason, By string
	Late, InError                        bool
}

func (s *Server) episodeShow(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	return s.renderEpisode(w, r, http.StatusOK, id, f)
}

func (s *Server) renderEpisode(w http.ResponseWriter, r *http.Request, status int, id int64, f *Form) error {
	e, err := s.DB.GetEpisode(r.Context(), id)
	var bge *liaise.BreakGlassError
	if errors.As(err, &bge) {
		// The person's page asks for the break-glass reason.
		http.Redirect(w, r, "/people/"+strconv.FormatInt(bge.PersonID, 10), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	today := liaise.DateOf(s.now().In(liaise.London))
	d := episodePageData{E: e, Parts: episodePartLinks(e.ID), PersonName: e.Person.DisplayName(), PersonHref: "/people/" + strconv.FormatInt(e.PersonID, 10),
		PersonTag: identityTag(e.Person.IdentityStatus), Tag: stateTag(e.State), CanWrite: a.Can(liaise.CapRecordWrite) && !e.State.Terminal(),
		Action: episodeHref(e.ID) + "/transitions"}
	text := func(s string) string {
		if s == "" {
			return "Not recorded"
		}
		return s
	}
	queue := e.QueueAt.Local().Format("2 Jan 2006 15:04")
	if e.OutOfHours {
		queue += " (arrived out of hours: queued for the site's next opening)"
	}
	referrer := e.AgencyName
	if e.ReferrerRole != "" {
		referrer = strings.TrimPrefix(referrer+", "+strings.ToLower(codes.Label("referrer-roles", e.ReferrerRole)), ", ")
	}
	setting := ""
	if e.Setting != "" {
		setting = codes.Label("settings", e.Setting)
	}
	d.Facts = []summaryRow{
		{"Date of birth (age)", dobText(e.Person.DateOfBirth, e.Person.DOBUnknown, e.Person.AgeOn(today), e.Person.EstimatedAge)},
		{"Team", e.TeamName},
		{"Site", text(e.SiteName)},
		{"Setting", text(setting)},
		{"L&D alerted", e.AlertedAt.Local().Format("2 Jan 2006 15:04") + " (" + agoText(s.now(), e.AlertedAt) + ")"},
		{"In the queue from", queue},
		{"Who alerted L&D", text(referrer)},
		{"Custody record number", text(e.CustodyRecord)},
		{"Court reference", text(e.CourtReference)},
		{"Urgency", liaise.LabelOf(sqlstore.Urgencies, e.Urgency)},
		{"Worker", text(e.AllocatedName)},
		{"Hearing date", text(dateText(e.HearingDate))},
	}
	if e.BreakGlass {
		d.Facts = append(d.Facts, summaryRow{"Access", "You opened this episode with break-glass access: your reason is recorded and will be reviewed"})
	}
	seen := map[liaise.EpisodeState]bool{}
	for _, rule := range liaise.NextEpisodeStates(e.State) {
		if seen[rule.To] {
			continue
		}
		seen[rule.To] = true
		d.CanDefer = d.CanDefer || rule.To == liaise.EpisodeDeferred
		step := nextStep{ID: "to", Value: string(rule.To), Label: rule.Label + " (" + lowerText(rule.To.Label()) + ")", Checked: f.Get("to") == string(rule.To)}
		if len(d.Next) > 0 {
			step.ID = "to-" + string(rule.To)
		}
		d.Next = append(d.Next, step)
		if rule.RequiresReason {
			d.ReasonLists = append(d.ReasonLists, reasonSelect{ID: "reason_" + string(rule.To), Label: "Reason, if " + lowerText(rule.To.Label()),
				Options: codeOptions(reasonList[rule.To], today)})
		}
	}
	for _, h := range e.History {
		row := historyRow{Occurred: h.OccurredAt.Local().Format("2 Jan 2006 15:04"), Recorded: h.RecordedAt.Local().Format("2 Jan 2006 15:04"),
			Step: h.To.Label(), By: h.UserName, Late: liaise.Late(h.Transition), InError: h.EnteredInError}
		if h.From != "" {
			row.Step = h.From.Label() + " to " + lowerText(h.To.Label())
		}
		if h.Reason != "" {
			row.Reason = codes.Label(reasonList[h.To], h.Reason)
		}
		if !h.RetryAt.IsZero() {
			row.Reason += " (try again at " + h.RetryAt.Local().Format("15:04 on 2 Jan") + ")"
		}
		if h.EnteredInError {
			row.Reason = strings.TrimSpace(row.Reason + " Made by an entry later marked entered in error: it no longer counts for the clocks")
		}
		d.History = append(d.History, row)
	}
	c := liaise.Clocks(e.Transitions())
	for _, x := range []struct {
		label string
		d     time.Duration
	}{
		{"Identified to received", c.IdentifiedToReceived}, {"Received to screened", c.ReceivedToScreened},
		{"Identified to screened", c.IdentifiedToScreened}, {"Screened to assessed", c.ScreenedToAssessed},
		{"Identified to assessed", c.IdentifiedToAssessed}, {"Identified to closed", c.IdentifiedToClosed}, {"Time deferred", c.Deferred},
	} {
		if x.d > 0 || (x.d == 0 && x.label != "Time deferred") {
			d.Clocks = append(d.Clocks, summaryRow{x.label, durationText(x.d)})
		}
	}
	f.Set("version", strconv.Itoa(e.Version))
	p := s.newPage(r, d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "episode", p)
	return nil
}

func (s *Server) episodeTransition(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	to := liaise.EpisodeState(f.Get("to"))
	in := sqlstore.TransitionInput{To: to, Reason: f.Get("reason_" + string(to)), Version: f.Int("version")}
	in.OccurredAt = formTime(f, "occurred_at", "When this happened")
	in.RetryAt = formTime(f, "retry_at", "When to try again")
	if to == "" {
		f.AddError("to", "Choose the next step")
	}
	status := http.StatusUnprocessableEntity
	if f.Valid() {
		_, err := s.DB.Transition(r.Context(), id, in)
		if err == nil {
			return s.redirect(w, r, episodeHref(id), "Episode moved to "+lowerText(to.Label()))
		}
		if fields := liaise.ErrorFields(err); fields["reason"] != "" {
			// The reason is asked for beside each step that needs one.
			renamed := map[string]string{}
			for k, v := range fields {
				if k == "reason" {
					k = "reason_" + string(to)
				}
				renamed[k] = v
			}
			err = &liaise.Error{Code: liaise.EINVALID, Message: liaise.ErrorMessage(err), Fields: renamed}
		}
		switch {
		case liaise.ErrorCode(err) == liaise.ESTALE:
			f.AddError("", liaise.ErrorMessage(err))
			status = http.StatusPreconditionFailed
		case liaise.ErrorCode(err) == liaise.EINVALID && len(liaise.ErrorFields(err)) == 0:
			// A refused move names no field: show it at the choice.
			f.AddError("to", liaise.ErrorMessage(err))
		case f.Absorb(err, "to", "occurred_at", "retry_at"):
		default:
			return err
		}
	}
	if f.Get("occurred_at-day") == "" {
		setFormTime(f, "occurred_at", s.now())
	}
	return s.renderEpisode(w, r, status, id, f)
}
