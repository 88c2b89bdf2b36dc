package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Support work pages and API: STR and peer-support goals with their
// outcomes, and "I know this person" declarations, which stop a worker being
// given that person's goals until the worker (or a manager) withdraws them
// with a reason; a withdrawn declaration stays on the page as withdrawn.

func (s *Server) supportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/episodes/{id}/support", Cap: liaise.CapRecordRead, Personal: true, Handler: s.supportPage},
		{Method: "GET", Pattern: "/episodes/{id}/support/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.supportGoalNew},
		{Method: "POST", Pattern: "/episodes/{id}/support/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.supportGoalCreate},
		{Method: "GET", Pattern: "/episodes/{id}/support/{gid}/outcome", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.supportOutcomeForm},
		{Method: "POST", Pattern: "/episodes/{id}/support/{gid}/outcome", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.supportOutcomeSave},
		{Method: "GET", Pattern: "/people/{id}/conflict", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.conflictForm},
		{Method: "POST", Pattern: "/people/{id}/conflict", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.conflictSave},
		{Method: "GET", Pattern: "/people/{id}/conflicts/{cid}/withdraw", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.conflictWithdrawForm},
		{Method: "POST", Pattern: "/people/{id}/conflicts/{cid}/withdraw", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.conflictWithdrawSave},

		{Method: "GET", Pattern: "/api/v1/episodes/{id}/support-goals", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListSupportGoals,
			Summary: "The support goals of an episode (STR and peer-support work), oldest first, with their outcomes", Response: supportGoalListJSON{Items: []supportGoalJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/support-goals", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddSupportGoal, Status: http.StatusCreated,
			Summary: "Set a support goal: goal_type (housing, benefits, gp_registration, substance_service, mental_health_service, education_employment, id_documents, bank_account, phone, other), worker_user_id from the episode's team who has not declared they know the person, set_at, optional target_date",
			Request: supportGoalBody{}, Response: supportGoalJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/support-goals/{gid}/outcome", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiSupportOutcome,
			Summary: "Record a goal's outcome (status achieved, partly_achieved, not_achieved or withdrawn; outcome_at; outcome_note); If-Match with the goal's version",
			Request: supportOutcomeBody{}, Response: supportGoalJSON{}},
		{Method: "POST", Pattern: "/api/v1/people/{id}/conflicts", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiDeclareConflict, Status: http.StatusCreated,
			Summary: "Declare that the calling member of staff knows this person (a lived-experience conflict); they can then not be the worker of the person's support goals",
			Request: conflictBody{}, Response: conflictJSON{}},
		{Method: "POST", Pattern: "/api/v1/people/{id}/conflicts/{cid}/withdraw", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiWithdrawConflict,
			Summary: "Withdraw a declaration with a reason, as the member of staff who made it or a manager: it stays in the record as withdrawn (who, when, why) " +
				"and no longer stops them being the worker of the person's support goals (422 without a reason, 409 when already withdrawn, 404 for another person's declaration)",
			Request: inErrorBody{}, Response: conflictJSON{}},
	}
}

func supportHref(id int64) string { return episodeHref(id) + "/support" }

// --- Page --------------------------------------------------------------------------

type supportPageData struct {
	episodeHeading
	Goals                       []supportRow
	Conflicts, Withdrawn        []conflictRow
	CanWrite                    bool
	NewHref, ConflictHref, Name string
}

type supportRow struct {
	Type, Description, Worker, Set, Target, Status, Note, OutcomeAt, OutcomeHref string
	Open, Late                                                                   bool
}

type conflictRow struct {
	Name, Note, When, WithdrawHref string
	// Once withdrawn: by whom, when and why.
	WithdrawnBy, WithdrawnWhen, WithdrawReason string
}

func (s *Server) supportPage(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	goals, err := s.DB.ListSupportGoals(r.Context(), id)
	if err != nil {
		return err
	}
	conflicts, err := s.DB.EpisodeConflicts(r.Context(), id)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := supportPageData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, CanWrite: a.Can(liaise.CapRecordWrite),
		NewHref: supportHref(id) + "/new", ConflictHref: "/people/" + strconv.FormatInt(e.PersonID, 10) + "/conflict?episode=" + strconv.FormatInt(id, 10)}
	for _, c := range conflicts {
		row := conflictRow{Name: c.UserName, Note: c.Note, When: whenText(c.DeclaredAt)}
		if !c.Live() {
			row.WithdrawnBy, row.WithdrawnWhen, row.WithdrawReason = c.WithdrawnByName, whenText(c.WithdrawnAt), c.WithdrawReason
			d.Withdrawn = append(d.Withdrawn, row)
			continue
		}
		if sqlstore.MayWithdrawConflict(a, c) {
			row.WithdrawHref = conflictHref(e.PersonID, c.ID) + "/withdraw?episode=" + strconv.FormatInt(id, 10)
		}
		d.Conflicts = append(d.Conflicts, row)
	}
	for _, g := range goals {
		row := supportRow{Type: g.TypeLabel(), Description: g.Description, Worker: g.WorkerName, Set: whenText(g.SetAt), Status: g.StatusLabel(),
			Note: g.OutcomeNote, OutcomeAt: whenText(g.OutcomeAt), Open: g.Status == sqlstore.SupportStatusOpen, Late: g.Late()}
		if !g.TargetDate.IsZero() {
			row.Target = g.TargetDate.Time().Format("2 Jan 2006")
		}
		if row.Open {
			row.OutcomeHref = supportHref(id) + "/" + strconv.FormatInt(g.ID, 10) + "/outcome"
		}
		d.Goals = append(d.Goals, row)
	}
	p := s.newPage(r, "Support work – "+d.PersonName)
	p.Data = d
	s.render(w, r, http.StatusOK, "support", p)
	return nil
}

// --- New goal ----------------------------------------------------------------------

type supportGoalFormData struct {
	episodeHeading
	Action           string
	Types, Workers   []Option
	ConflictWarnings []string
}

var supportGoalFields = []string{"goal_type", "description", "worker_user_id", "set_at", "target_date"}

func (s *Server) renderSupportGoalForm(w http.ResponseWriter, r *http.Request, status int, id int64, f *Form) error {
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	members, err := s.DB.EpisodeTeamMembers(r.Context(), id)
	if err != nil {
		return err
	}
	conflicts, err := s.DB.EpisodeConflicts(r.Context(), id)
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	d := supportGoalFormData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, Action: supportHref(id) + "/new",
		Types: labelOptions(sqlstore.SupportGoalTypes)}
	for _, c := range conflicts {
		if c.Live() {
			known[c.UserID] = true
			d.ConflictWarnings = append(d.ConflictWarnings, c.UserName)
		}
	}
	d.Workers = []Option{{Value: "", Label: "Choose a worker"}}
	for _, m := range members {
		label := m.Name
		if known[m.UserID] {
			label += " (has declared they know this person)"
		}
		d.Workers = append(d.Workers, Option{Value: strconv.FormatInt(m.UserID, 10), Label: label})
	}
	p := s.newPage(r, "Set a support goal")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "support_goal_form", p)
	return nil
}

func (s *Server) supportGoalNew(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f := NewForm(nil)
	setFormTime(f, "set_at", s.now())
	if a := liaise.ActorFrom(r.Context()); a.UserID != 0 {
		f.Set("worker_user_id", strconv.FormatInt(a.UserID, 10))
	}
	return s.renderSupportGoalForm(w, r, http.StatusOK, id, f)
}

func (s *Server) supportGoalCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	g := sqlstore.SupportGoal{Type: f.Get("goal_type"), Description: f.Get("description")}
	g.SetAt = formTime(f, "set_at", "When the goal was set")
	g.TargetDate = formDate(f, "target_date", "Target date")
	if v := f.Get("worker_user_id"); v != "" {
		if g.WorkerID, err = strconv.ParseInt(v, 10, 64); err != nil {
			f.AddError("worker_user_id", "Choose a worker from the list")
		}
	}
	if f.Valid() {
		err := s.DB.AddSupportGoal(r.Context(), id, &g)
		if err == nil {
			flash := "Support goal set"
			if g.Late() {
				flash += " (flagged as a late entry: recorded more than 24 hours after it was set)"
			}
			return s.redirect(w, r, supportHref(id), flash)
		}
		if breakGlassRedirect(w, r, err) {
			return nil
		}
		if !f.Absorb(err, supportGoalFields...) {
			return err
		}
	}
	return s.renderSupportGoalForm(w, r, http.StatusUnprocessableEntity, id, f)
}

// --- Outcome -----------------------------------------------------------------------

type supportOutcomeData struct {
	episodeHeading
	Action   string
	Facts    []summaryRow
	Outcomes []Option
	Version  int
}

func (s *Server) renderSupportOutcome(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	gid, err := pathID(r, "gid")
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	g, err := s.DB.GetSupportGoal(r.Context(), id, gid)
	if err != nil {
		return err
	}
	d := supportOutcomeData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()},
		Action: supportHref(id) + "/" + strconv.FormatInt(gid, 10) + "/outcome", Outcomes: labelOptions(sqlstore.SupportOutcomes), Version: g.Version,
		Facts: []summaryRow{{"Goal", g.TypeLabel()}, {"Worker", g.WorkerName}, {"Set", whenText(g.SetAt)}, {"Status", g.StatusLabel()}}}
	if g.Description != "" {
		d.Facts = append(d.Facts, summaryRow{"Description", g.Description})
	}
	if f.Get("version") != "" {
		d.Version, _ = strconv.Atoi(f.Get("version"))
	}
	p := s.newPage(r, "Record the outcome of a goal")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "support_outcome_form", p)
	return nil
}

func (s *Server) supportOutcomeForm(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	setFormTime(f, "outcome_at", s.now())
	return s.renderSupportOutcome(w, r, http.StatusOK, f)
}

func (s *Server) supportOutcomeSave(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	gid, err := pathID(r, "gid")
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	at := formTime(f, "outcome_at", "When the outcome happened")
	version, _ := strconv.Atoi(f.Get("version"))
	if !f.Valid() {
		return s.renderSupportOutcome(w, r, http.StatusUnprocessableEntity, f)
	}
	err = s.DB.RecordSupportOutcome(r.Context(), id, gid, f.Get("status"), f.Get("outcome_note"), at, version)
	switch {
	case err == nil:
		return s.redirect(w, r, supportHref(id), "Outcome recorded")
	case breakGlassRedirect(w, r, err):
		return nil
	case liaise.ErrorCode(err) == liaise.ESTALE:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderSupportOutcome(w, r, http.StatusPreconditionFailed, f)
	case f.Absorb(err, "status", "outcome_note", "outcome_at"):
		return s.renderSupportOutcome(w, r, http.StatusUnprocessableEntity, f)
	}
	return err
}

// --- I know this person ------------------------------------------------------------

type conflictFormData struct {
	PersonName, PersonHref, Action string
}

func (s *Server) renderConflictForm(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	p, err := s.DB.GetPerson(r.Context(), id, "")
	if breakGlassRedirect(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	href := "/people/" + strconv.FormatInt(id, 10)
	pg := s.newPage(r, "Declare that you know this person")
	pg.Form = f
	pg.Data = conflictFormData{PersonName: p.DisplayName(), PersonHref: href, Action: href + "/conflict"}
	s.render(w, r, status, "support_conflict_form", pg)
	return nil
}

func (s *Server) conflictForm(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	if ep, err := strconv.ParseInt(r.URL.Query().Get("episode"), 10, 64); err == nil && ep > 0 {
		f.Set("episode_id", strconv.FormatInt(ep, 10))
	}
	return s.renderConflictForm(w, r, http.StatusOK, f)
}

func (s *Server) conflictSave(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	_, err = s.DB.DeclareConflict(r.Context(), id, f.Get("note"))
	switch {
	case err == nil:
		back := "/people/" + strconv.FormatInt(id, 10)
		if ep, e := strconv.ParseInt(f.Get("episode_id"), 10, 64); e == nil && ep > 0 {
			back = supportHref(ep)
		}
		return s.redirect(w, r, back, "Declaration recorded: you will not be made the worker for this person's support goals")
	case breakGlassRedirect(w, r, err):
		return nil
	case liaise.ErrorCode(err) == liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderConflictForm(w, r, http.StatusConflict, f)
	case f.Absorb(err, "note"):
		return s.renderConflictForm(w, r, http.StatusUnprocessableEntity, f)
	}
	return err
}

// --- Withdraw a declaration ---------------------------------------------------------

func conflictHref(person, id int64) string {
	return "/people/" + strconv.FormatInt(person, 10) + "/conflicts/" + strconv.FormatInt(id, 10)
}

// conflictBack is where the withdraw form returns to: the support page of
// the episode it was opened from, otherwise the person's page.
func conflictBack(f *Form, person int64) (href, label string) {
	if ep, err := strconv.ParseInt(f.Get("episode_id"), 10, 64); err == nil && ep > 0 {
		return supportHref(ep), "Support work"
	}
	return "/people/" + strconv.FormatInt(person, 10), "Person"
}

func (s *Server) renderConflictWithdraw(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	p, err := s.DB.GetPerson(r.Context(), id, "")
	if breakGlassRedirect(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	c, err := s.DB.GetConflict(r.Context(), id, cid)
	if err != nil {
		return err
	}
	d := correctionForm{PersonName: p.DisplayName(), Heading: "Withdraw a declaration that you know this person", Action: conflictHref(id, cid) + "/withdraw",
		Label: "Why is the declaration being withdrawn?", Hint: "For example, declared on the wrong person's record", Button: "Withdraw the declaration",
		Info:   "The declaration stays in the record as withdrawn, with your reason, and " + c.UserName + " can then be the worker for this person's support goals.",
		Hidden: []hiddenField{{"episode_id", f.Get("episode_id")}},
		Facts:  []factLines{fact("Declared by", c.UserName), fact("When", whenText(c.DeclaredAt))}}
	if c.Note != "" {
		d.Facts = append(d.Facts, fact("How they know them", c.Note))
	}
	d.BackHref, d.BackLabel = conflictBack(f, id)
	if !c.Live() {
		d.Facts = append(d.Facts, fact("Withdrawn", whenText(c.WithdrawnAt)+" by "+c.WithdrawnByName+": "+c.WithdrawReason))
		d.Action, d.Done = "", "This declaration is already withdrawn."
	}
	s.renderCorrection(w, r, status, d, f)
	return nil
}

func (s *Server) conflictWithdrawForm(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	f.Set("episode_id", r.URL.Query().Get("episode"))
	return s.renderConflictWithdraw(w, r, http.StatusOK, f)
}

func (s *Server) conflictWithdrawSave(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	c, err := s.DB.WithdrawConflict(r.Context(), id, cid, f.Values.Get("reason"))
	switch {
	case err == nil:
		back, _ := conflictBack(f, id)
		return s.redirect(w, r, back, "Declaration withdrawn: "+c.UserName+" can now be the worker for this person's support goals")
	case breakGlassRedirect(w, r, err):
		return nil
	case liaise.ErrorCode(err) == liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderConflictWithdraw(w, r, http.StatusConflict, f)
	case f.Absorb(err, "reason"):
		return s.renderConflictWithdraw(w, r, http.StatusUnprocessableEntity, f)
	}
	return err
}

// --- API ---------------------------------------------------------------------------

type supportGoalBody struct {
	GoalType     string `json:"goal_type"`
	Description  string `json:"description,omitempty"`
	WorkerUserID string `json:"worker_user_id"`
	SetAt        string `json:"set_at"`
	TargetDate   string `json:"target_date,omitempty"`
}

type supportOutcomeBody struct {
	Status      string `json:"status"`
	OutcomeAt   string `json:"outcome_at"`
	OutcomeNote string `json:"outcome_note,omitempty"`
}

type supportGoalJSON struct {
	ID           string `json:"id"`
	EpisodeID    string `json:"episode_id"`
	GoalType     string `json:"goal_type"`
	Description  string `json:"description"`
	WorkerUserID string `json:"worker_user_id"`
	WorkerName   string `json:"worker_name"`
	SetAt        string `json:"set_at"`
	TargetDate   string `json:"target_date,omitempty"`
	Status       string `json:"status"`
	OutcomeNote  string `json:"outcome_note,omitempty"`
	OutcomeAt    string `json:"outcome_at,omitempty"`
	RecordedAt   string `json:"recorded_at"`
	Late         bool   `json:"late"`
	Version      int    `json:"version"`
}

type supportGoalListJSON struct {
	Items []supportGoalJSON `json:"items"`
}

type conflictBody struct {
	Note string `json:"note,omitempty"`
}

type conflictJSON struct {
	ID         string `json:"id"`
	PersonID   string `json:"person_id"`
	UserID     string `json:"user_id"`
	UserName   string `json:"user_name,omitempty"`
	Note       string `json:"note"`
	DeclaredAt string `json:"declared_at"`
	// Set once withdrawn.
	WithdrawnAt     string `json:"withdrawn_at,omitempty"`
	WithdrawnByName string `json:"withdrawn_by_name,omitempty"`
	WithdrawReason  string `json:"withdraw_reason,omitempty"`
}

func toConflictJSON(c sqlstore.PersonConflict) conflictJSON {
	return conflictJSON{ID: epID(c.ID), PersonID: epID(c.PersonID), UserID: epID(c.UserID), UserName: c.UserName, Note: c.Note,
		DeclaredAt: timeJSON(c.DeclaredAt), WithdrawnAt: timeJSON(c.WithdrawnAt), WithdrawnByName: c.WithdrawnByName, WithdrawReason: c.WithdrawReason}
}

func toSupportGoalJSON(g sqlstore.SupportGoal) supportGoalJSON {
	out := supportGoalJSON{ID: epID(g.ID), EpisodeID: epID(g.EpisodeID), GoalType: g.Type, Description: g.Description, WorkerUserID: epID(g.WorkerID),
		WorkerName: g.WorkerName, SetAt: timeJSON(g.SetAt), Status: g.Status, OutcomeNote: g.OutcomeNote, OutcomeAt: timeJSON(g.OutcomeAt),
		RecordedAt: timeJSON(g.RecordedAt), Late: g.Late(), Version: g.Version}
	if !g.TargetDate.IsZero() {
		out.TargetDate = g.TargetDate.String()
	}
	return out
}

func (s *Server) apiListSupportGoals(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, err := s.DB.ListSupportGoals(r.Context(), id)
	if err != nil {
		return err
	}
	out := supportGoalListJSON{Items: []supportGoalJSON{}}
	for _, g := range list {
		out.Items = append(out.Items, toSupportGoalJSON(g))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddSupportGoal(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b supportGoalBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	g := sqlstore.SupportGoal{Type: b.GoalType, Description: b.Description}
	if b.WorkerUserID != "" {
		if g.WorkerID, err = strconv.ParseInt(b.WorkerUserID, 10, 64); err != nil {
			return fieldErr("worker_user_id", "worker_user_id must be a user id")
		}
	}
	if g.SetAt, err = parseAPITime("set_at", b.SetAt); err != nil {
		return err
	}
	if b.TargetDate != "" {
		if g.TargetDate, err = liaise.ParseDate(b.TargetDate); err != nil {
			return fieldErr("target_date", "target_date must be a date like 2026-12-01")
		}
	}
	if err := s.DB.AddSupportGoal(r.Context(), id, &g); err != nil {
		return err
	}
	got, err := s.DB.GetSupportGoal(r.Context(), id, g.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/episodes/"+epID(id)+"/support-goals/"+epID(g.ID))
	setETag(w, got.Version)
	return writeJSON(w, http.StatusCreated, toSupportGoalJSON(got))
}

func (s *Server) apiSupportOutcome(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	gid, err := pathID(r, "gid")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b supportOutcomeBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	at, err := parseAPITime("outcome_at", b.OutcomeAt)
	if err != nil {
		return err
	}
	if err := s.DB.RecordSupportOutcome(r.Context(), id, gid, b.Status, b.OutcomeNote, at, version); err != nil {
		return err
	}
	got, err := s.DB.GetSupportGoal(r.Context(), id, gid)
	if err != nil {
		return err
	}
	setETag(w, got.Version)
	return writeJSON(w, http.StatusOK, toSupportGoalJSON(got))
}

func (s *Server) apiDeclareConflict(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b conflictBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	c, err := s.DB.DeclareConflict(r.Context(), id, b.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/people/"+epID(id)+"/conflicts/"+epID(c.ID))
	return writeJSON(w, http.StatusCreated, toConflictJSON(c))
}

func (s *Server) apiWithdrawConflict(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	var b inErrorBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	c, err := s.DB.WithdrawConflict(r.Context(), id, cid, b.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toConflictJSON(c))
}
