package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Tasks in the JSON API: an episode's tasks, my open tasks, one task,
// changes (title, due, assignee) with If-Match, and completion as an action.

func (s *Server) taskAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/tasks", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListEpisodeTasks,
			Summary: "An episode's tasks: open ones by due time, then completed ones", Response: taskListJSON{Items: []taskJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/tasks", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiCreateTask, Status: http.StatusCreated,
			Summary: "Add a task to an episode: due_at (a time) or due_date (by the end of that day), assigned to a member of the episode's team",
			Request: taskBody{}, Response: taskJSON{}},
		{Method: "GET", Pattern: "/api/v1/tasks", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListMyTasks,
			Summary: "Open tasks assigned to you across your teams' episodes, soonest due (so overdue) first", Response: taskListJSON{Items: []taskJSON{{}}},
			Query: []QueryParam{{"assignee", "me (the default and only value)"}, {"cursor", "next_cursor of the previous page"}, {"limit", "Page size, at most 100"}}},
		{Method: "GET", Pattern: "/api/v1/tasks/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetTask,
			Summary: "One task; its version is the ETag", Response: taskJSON{}},
		{Method: "PATCH", Pattern: "/api/v1/tasks/{id}", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiPatchTask,
			Summary: "Change an open task's title, due time or assignee (reassign within the team); send only the fields to change, with If-Match",
			Request: taskPatchBody{}, Response: taskJSON{}},
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/complete", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiCompleteTask,
			Summary: "Complete a task, with If-Match; a stale version is a 412 and the task is unchanged", Response: taskJSON{}},
	}
}

type taskBody struct {
	Title          string `json:"title"`
	DueAt          string `json:"due_at,omitempty"`
	DueDate        string `json:"due_date,omitempty"`
	AssigneeUserID string `json:"assignee_user_id,omitempty"`
}

type taskPatchBody struct {
	Title          *string `json:"title,omitempty"`
	DueAt          *string `json:"due_at,omitempty"`
	DueDate        *string `json:"due_date,omitempty"`
	AssigneeUserID *string `json:"assignee_user_id,omitempty"`
}

type taskJSON struct {
	ID              string `json:"id"`
	EpisodeID       string `json:"episode_id"`
	PersonID        string `json:"person_id,omitempty"`
	PersonName      string `json:"person_name"`
	Kind            string `json:"kind"`
	KindLabel       string `json:"kind_label"`
	Title           string `json:"title"`
	DueAt           string `json:"due_at"`
	DueDate         string `json:"due_date,omitempty"`
	AllDay          bool   `json:"all_day"`
	Overdue         bool   `json:"overdue"`
	AssigneeUserID  string `json:"assignee_user_id,omitempty"`
	AssigneeName    string `json:"assignee_name,omitempty"`
	CreatedAt       string `json:"created_at"`
	CreatedByName   string `json:"created_by_name"`
	CompletedAt     string `json:"completed_at,omitempty"`
	CompletedByName string `json:"completed_by_name,omitempty"`
	Version         int    `json:"version"`
}

type taskListJSON struct {
	Items      []taskJSON `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

func (s *Server) toTaskJSON(t sqlstore.Task) taskJSON {
	out := taskJSON{ID: epID(t.ID), EpisodeID: epID(t.EpisodeID), PersonID: epID(t.PersonID), PersonName: t.PersonName, Kind: t.Kind,
		KindLabel: t.KindLabel(), Title: t.Title, DueAt: timeJSON(t.DueAt), AllDay: t.AllDay, Overdue: t.OverdueAt(s.now()),
		AssigneeUserID: epID(t.AssigneeUserID), AssigneeName: t.AssigneeName, CreatedAt: timeJSON(t.CreatedAt), CreatedByName: t.CreatedByName,
		CompletedAt: timeJSON(t.CompletedAt), Version: t.Version}
	if t.AllDay {
		out.DueDate = t.DueDate().String()
	}
	if !t.Open() {
		out.CompletedByName = t.CompletedByName
	}
	if t.Hidden {
		out.PersonID = ""
	}
	return out
}

// taskDueJSON reads due_at (a time) or due_date (a whole day).
func taskDueJSON(dueAt, dueDate string) (liaise.Time, bool, error) {
	if dueDate != "" {
		if dueAt != "" {
			return liaise.Time{}, false, fieldErr("due_at", "Send due_at or due_date, not both")
		}
		d, err := liaise.ParseDate(dueDate)
		if err != nil {
			return liaise.Time{}, false, fieldErr("due_date", "due_date must be a date in the form YYYY-MM-DD")
		}
		return sqlstore.EndOfDay(d), true, nil
	}
	t, err := parseAPITime("due_at", dueAt)
	return t, false, err
}

func taskLocation(id int64) string { return "/api/v1/tasks/" + strconv.FormatInt(id, 10) }

func (s *Server) apiListEpisodeTasks(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	tasks, err := s.DB.ListEpisodeTasks(r.Context(), id)
	if err != nil {
		return err
	}
	out := taskListJSON{Items: []taskJSON{}}
	for _, t := range tasks {
		out.Items = append(out.Items, s.toTaskJSON(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateTask(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b taskBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.TaskInput{Title: b.Title}
	if in.DueAt, in.AllDay, err = taskDueJSON(b.DueAt, b.DueDate); err != nil {
		return err
	}
	if in.AssigneeUserID, err = parseAPIID("assignee_user_id", b.AssigneeUserID); err != nil {
		return err
	}
	t, err := s.DB.CreateTask(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeCreated(w, taskLocation(t.ID), t.Version, s.toTaskJSON(t))
}

func (s *Server) apiListMyTasks(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	if a := v.Get("assignee"); a != "" && a != "me" {
		return fieldErr("assignee", "assignee must be me")
	}
	q := sqlstore.TaskQuery{Cursor: v.Get("cursor")}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return fieldErr("limit", "limit must be a whole number from 1 to 100")
		}
		q.Limit = n
	}
	page, err := s.DB.ListMyTasks(r.Context(), q)
	if err != nil {
		return err
	}
	out := taskListJSON{Items: []taskJSON{}, NextCursor: page.NextCursor}
	for _, t := range page.Items {
		out.Items = append(out.Items, s.toTaskJSON(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetTask(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	t, err := s.DB.GetTask(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, t.Version)
	return writeJSON(w, http.StatusOK, s.toTaskJSON(t))
}

func (s *Server) apiPatchTask(w http.ResponseWriter, r *http.Request) error {
	var b taskPatchBody
	id, version, err := readPatch(r, &b)
	if err != nil {
		return err
	}
	t, err := s.DB.GetTask(r.Context(), id)
	if err != nil {
		return err
	}
	in := sqlstore.TaskInput{Title: t.Title, DueAt: t.DueAt, AllDay: t.AllDay, AssigneeUserID: t.AssigneeUserID}
	setStr(&in.Title, b.Title)
	if b.DueAt != nil || b.DueDate != nil {
		var at, date string
		setStr(&at, b.DueAt)
		setStr(&date, b.DueDate)
		if in.DueAt, in.AllDay, err = taskDueJSON(at, date); err != nil {
			return err
		}
	}
	if b.AssigneeUserID != nil {
		if in.AssigneeUserID, err = parseAPIID("assignee_user_id", *b.AssigneeUserID); err != nil {
			return err
		}
	}
	got, err := s.DB.UpdateTask(r.Context(), id, in, version)
	if err != nil {
		return err
	}
	setETag(w, got.Version)
	return writeJSON(w, http.StatusOK, s.toTaskJSON(got))
}

func (s *Server) apiCompleteTask(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	t, err := s.DB.CompleteTask(r.Context(), id, version)
	if err != nil {
		return err
	}
	setETag(w, t.Version)
	return writeJSON(w, http.StatusOK, s.toTaskJSON(t))
}
