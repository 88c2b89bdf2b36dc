package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// Task pages: an episode's tasks with a form to add one, "My tasks" (open
// tasks assigned to me across my teams' episodes, overdue first and marked),
// completing a task and giving it to another member of the team.

func (s *Server) taskRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/tasks", Cap: liaise.CapRecordRead, Personal: true, Handler: s.myTasks},
		{Method: "GET", Pattern: "/episodes/{id}/tasks", Cap: liaise.CapRecordRead, Personal: true, Handler: s.episodeTasksPage},
		{Method: "POST", Pattern: "/episodes/{id}/tasks", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.taskCreate},
		{Method: "POST", Pattern: "/tasks/{id}/complete", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.taskComplete},
		{Method: "GET", Pattern: "/tasks/{id}/reassign", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.taskReassignPage},
		{Method: "POST", Pattern: "/tasks/{id}/reassign", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.taskReassign},
	}, s.taskAPIRoutes()...)
}

// taskRow is one task as a table shows it.
type taskRow struct {
	ID, Title, Kind, Due, Assignee, Person, PersonHref, Version, Done, ReassignHref string
	Overdue, Open, Hidden                                                           bool
}

type tasksPageData struct {
	PersonName, EpisodeHref, Action, Back string
	Open, Done                            []taskRow
	Members                               []Option
	CanWrite                              bool
	Next                                  string
	// Task is the task being reassigned.
	Task *taskRow
}

func tasksHref(episode int64) string { return episodeHref(episode) + "/tasks" }

func dueText(t sqlstore.Task) string {
	if t.AllDay {
		return t.DueAt.Local().Format("2 Jan 2006")
	}
	return t.DueAt.Local().Format("2 Jan 2006 15:04")
}

func toTaskRow(t sqlstore.Task, now time.Time) taskRow {
	row := taskRow{ID: strconv.FormatInt(t.ID, 10), Title: t.Title, Kind: t.KindLabel(), Due: dueText(t), Assignee: t.AssigneeName,
		Person: t.PersonName, PersonHref: tasksHref(t.EpisodeID), Version: strconv.Itoa(t.Version), Overdue: t.OverdueAt(now), Open: t.Open(),
		Hidden: t.Hidden, ReassignHref: "/tasks/" + strconv.FormatInt(t.ID, 10) + "/reassign"}
	if row.Assignee == "" {
		row.Assignee = "Not assigned"
	}
	if !t.Open() {
		row.Done = t.CompletedAt.Local().Format("2 Jan 2006 15:04") + " by " + t.CompletedByName
		if t.CompletedByName == "" {
			row.Done = t.CompletedAt.Local().Format("2 Jan 2006 15:04")
		}
	}
	return row
}

func (s *Server) memberOptions(r *http.Request, episode int64) ([]Option, error) {
	ms, err := s.DB.EpisodeTeamMembers(r.Context(), episode)
	if err != nil {
		return nil, err
	}
	var out []Option
	for _, m := range ms {
		out = append(out, Option{Value: strconv.FormatInt(m.UserID, 10), Label: m.Name})
	}
	return out, nil
}

func (s *Server) episodeTasksPage(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	a := liaise.ActorFrom(r.Context())
	setFormDate(f, "due_at", liaise.DateOf(s.now().In(liaise.London)))
	f.Set("assignee_user_id", strconv.FormatInt(a.UserID, 10))
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	return s.renderEpisodeTasks(w, r, http.StatusOK, id, f)
}

func (s *Server) renderEpisodeTasks(w http.ResponseWriter, r *http.Request, status int, episodeID int64, f *Form) error {
	e, ok, err := s.episodeByID(w, r, episodeID)
	if !ok {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	tasks, err := s.DB.ListEpisodeTasks(r.Context(), e.ID)
	if err != nil {
		return err
	}
	d := tasksPageData{PersonName: e.Person.DisplayName(), EpisodeHref: episodeHref(e.ID), Action: tasksHref(e.ID), Back: tasksHref(e.ID),
		CanWrite: a.Can(liaise.CapRecordWrite)}
	now := s.now()
	for _, t := range tasks {
		if t.Open() {
			d.Open = append(d.Open, toTaskRow(t, now))
		} else {
			d.Done = append(d.Done, toTaskRow(t, now))
		}
	}
	if d.CanWrite {
		if d.Members, err = s.memberOptions(r, e.ID); err != nil {
			return err
		}
	}
	p := s.newPage(r, "Tasks: "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "tasks", p)
	return nil
}

// taskDue reads the due date and optional time: without a time the task is
// due by the end of the day.
func taskDue(f *Form) (liaise.Time, bool) {
	if f.Get("due_at-time") != "" {
		return formTime(f, "due_at", "Due"), false
	}
	d := formDate(f, "due_at", "Due date")
	if d.IsZero() {
		return liaise.Time{}, true
	}
	return sqlstore.EndOfDay(d), true
}

func (s *Server) taskCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := sqlstore.TaskInput{Title: f.Get("title"), AssigneeUserID: f.Int64("assignee_user_id")}
	in.DueAt, in.AllDay = taskDue(f)
	if f.Valid() {
		_, err := s.DB.CreateTask(r.Context(), id, in)
		if err == nil {
			return s.redirect(w, r, tasksHref(id), "Task added")
		}
		if !f.Absorb(err, "title", "due_at", "assignee_user_id") {
			return err
		}
	}
	return s.renderEpisodeTasks(w, r, http.StatusUnprocessableEntity, id, f)
}

// safeBack keeps a "back" field to our own task pages.
func safeBack(back, fallback string) string {
	if back == "/tasks" || (strings.HasPrefix(back, "/episodes/") && strings.HasSuffix(back, "/tasks") && !strings.Contains(back, "//")) {
		return back
	}
	return fallback
}

func (s *Server) taskComplete(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	t, err := s.DB.CompleteTask(r.Context(), id, f.Int("version"))
	if err == nil {
		return s.redirect(w, r, safeBack(f.Get("back"), tasksHref(t.EpisodeID)), "Task done: "+t.Title)
	}
	status := http.StatusConflict
	switch liaise.ErrorCode(err) {
	case liaise.ESTALE:
		status = http.StatusPreconditionFailed
	case liaise.ECONFLICT:
	default:
		return err
	}
	// Show the latest list with the reason in the error summary.
	f.AddError("", liaise.ErrorMessage(err))
	if back := safeBack(f.Get("back"), ""); back != "/tasks" {
		cur, gerr := s.DB.GetTask(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		return s.renderEpisodeTasks(w, r, status, cur.EpisodeID, f)
	}
	return s.renderMyTasks(w, r, status, f)
}

func (s *Server) renderTaskReassign(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	t, err := s.DB.GetTask(r.Context(), id)
	if err != nil {
		return err
	}
	row := toTaskRow(t, s.now())
	d := tasksPageData{PersonName: t.PersonName, EpisodeHref: tasksHref(t.EpisodeID), Action: "/tasks/" + row.ID + "/reassign", Task: &row, CanWrite: true}
	if d.Members, err = s.memberOptions(r, t.EpisodeID); err != nil {
		return err
	}
	if f == nil {
		f = NewForm(nil)
		f.Set("assignee_user_id", strconv.FormatInt(t.AssigneeUserID, 10))
		f.Set("version", row.Version)
	}
	p := s.newPage(r, "Reassign a task: "+t.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "tasks_reassign", p)
	return nil
}

func (s *Server) taskReassignPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTaskReassign(w, r, http.StatusOK, nil)
}

func (s *Server) taskReassign(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	t, err := s.DB.ReassignTask(r.Context(), id, f.Int64("assignee_user_id"), f.Int("version"))
	switch {
	case err == nil:
		who := t.AssigneeName
		if who == "" {
			who = "nobody: the team can pick it up"
		}
		return s.redirect(w, r, tasksHref(t.EpisodeID), "Task assigned to "+who)
	case liaise.ErrorCode(err) == liaise.ESTALE:
		f.AddError("", liaise.ErrorMessage(err))
		status = http.StatusPreconditionFailed
	case liaise.ErrorCode(err) == liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		status = http.StatusConflict
	case f.Absorb(err, "assignee_user_id"):
	default:
		return err
	}
	return s.renderTaskReassign(w, r, status, f)
}

type myTasksData struct {
	Rows     []taskRow
	Next     string
	CanWrite bool
}

func (s *Server) myTasks(w http.ResponseWriter, r *http.Request) error {
	return s.renderMyTasks(w, r, http.StatusOK, NewForm(nil))
}

func (s *Server) renderMyTasks(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	page, err := s.DB.ListMyTasks(r.Context(), sqlstore.TaskQuery{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := myTasksData{CanWrite: a.Can(liaise.CapRecordWrite)}
	now := s.now()
	for _, t := range page.Items {
		d.Rows = append(d.Rows, toTaskRow(t, now))
	}
	if page.NextCursor != "" {
		d.Next = "/tasks?" + url.Values{"cursor": {page.NextCursor}}.Encode()
	}
	p := s.newPage(r, "My tasks")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "tasks_mine", p)
	return nil
}
