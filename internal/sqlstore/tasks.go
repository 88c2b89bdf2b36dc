package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liaise"
	"liaise/internal/codes"
)

// Tasks and reminders (issue 3 item 15): work due on an episode, assigned to
// a member of its team. Staff add tasks by hand; rules add them too, through
// CreateAutoTask in the same transaction as the event that calls for them
// (the retry of a deferred screening, youth justice liaison for a child, and
// later the referral outcome check and documents due before a hearing). A
// task is overdue while it is open after its due time.

// Task kinds.
const (
	TaskManual               = "manual"
	TaskReferralOutcomeCheck = "referral_outcome_check"
	TaskDocumentDue          = "document_due"
	TaskDeferredRetry        = "deferred_retry"
	TaskYJSLiaison           = "yjs_liaison"
)

// TaskKinds lists the kinds with their labels.
var TaskKinds = []liaise.CodeLabel{
	{Code: TaskManual, Label: "Task"},
	{Code: TaskReferralOutcomeCheck, Label: "Referral outcome check"},
	{Code: TaskDocumentDue, Label: "Document due"},
	{Code: TaskDeferredRetry, Label: "Deferred: try again"},
	{Code: TaskYJSLiaison, Label: "Youth justice liaison"},
}

// maxTaskLimit caps a page of tasks.
const maxTaskLimit = 100

// Task is one task with the names shown beside it.
type Task struct {
	ID             int64
	ProviderID     int64
	TeamID         int64
	EpisodeID      int64
	Kind           string
	Title          string
	DueAt          liaise.Time
	AllDay         bool
	AssigneeUserID int64
	SourceType     string
	SourceID       int64
	CreatedAt      liaise.Time
	CreatedBy      int64
	CompletedAt    liaise.Time
	CompletedBy    int64
	Version        int

	// Read-only extras.
	AssigneeName, CreatedByName, CompletedByName string
	PersonID                                     int64
	PersonName                                   string
	// Hidden is set when the person is restricted and the reader is not
	// named staff: PersonName is then "Restricted record".
	Hidden bool
}

// Open reports whether the task is still to do.
func (t Task) Open() bool { return t.CompletedAt.IsZero() }

// OverdueAt reports whether the task is open and past its due time at now.
func (t Task) OverdueAt(now time.Time) bool { return t.Open() && t.DueAt.Before(now) }

// DueDate is the day the task is due, in Europe/London.
func (t Task) DueDate() liaise.Date { return liaise.DateOf(t.DueAt.Local()) }

// KindLabel is the label of the task's kind.
func (t Task) KindLabel() string { return liaise.LabelOf(TaskKinds, t.Kind) }

// EndOfDay is the last moment of d in Europe/London: the due time of a task
// due "on" a day, so it becomes overdue only when that day is over.
func EndOfDay(d liaise.Date) liaise.Time {
	return liaise.NewTime(time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, liaise.London).Add(-time.Microsecond))
}

// TaskInput is a task added or changed by hand. AllDay tasks are due by
// the end of DueAt's day (see EndOfDay).
type TaskInput struct {
	Title          string
	DueAt          liaise.Time
	AllDay         bool
	AssigneeUserID int64
}

const taskCols = `k.id, k.provider_id, k.team_id, k.episode_id, k.kind, k.title, k.due_at, k.due_all_day, k.assignee_user_id, k.source_type,
	k.source_id, k.created_at, k.created_by, k.completed_at, k.completed_by, k.version,
	COALESCE(ua.display_name, ''), COALESCE(uc.display_name, 'System'), COALESCE(ud.display_name, '')`

const taskFrom = ` FROM tasks k LEFT JOIN users ua ON ua.id = k.assignee_user_id LEFT JOIN users uc ON uc.id = k.created_by
	LEFT JOIN users ud ON ud.id = k.completed_by`

func scanTask(row interface{ Scan(...any) error }, t *Task, extra ...any) error {
	var assignee, source, createdBy, completedBy sql.NullInt64
	dest := []any{&t.ID, &t.ProviderID, &t.TeamID, &t.EpisodeID, &t.Kind, &t.Title, &t.DueAt, &t.AllDay, &assignee, &t.SourceType,
		&source, &t.CreatedAt, &createdBy, &t.CompletedAt, &completedBy, &t.Version, &t.AssigneeName, &t.CreatedByName, &t.CompletedByName}
	err := row.Scan(append(dest, extra...)...)
	t.AssigneeUserID, t.SourceID, t.CreatedBy, t.CompletedBy = assignee.Int64, source.Int64, createdBy.Int64, completedBy.Int64
	return err
}

func taskNotFound() error { return liaise.Errorf(liaise.ENOTFOUND, "Task was not found.") }

func loadTask(ctx context.Context, q queryer, id int64) (Task, error) {
	var t Task
	err := scanTask(q.QueryRow(ctx, `SELECT `+taskCols+taskFrom+` WHERE k.id = ?`, id), &t)
	if errors.Is(err, sql.ErrNoRows) {
		return t, taskNotFound()
	}
	return t, err
}

// teamMember reports whether user is an active member of team.
func teamMember(ctx context.Context, q queryer, user, team int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.user_id = ? AND m.team_id = ? AND NOT u.disabled`,
		user, team).Scan(&n)
	return n > 0, err
}

// taskAccess loads a task and checks the actor may use capability on its
// episode (provider, team or break-glass, restricted person).
func (db *DB) taskAccess(ctx context.Context, a *liaise.Actor, capability string, id int64) (Task, Episode, error) {
	if err := liaise.Authorize(a, capability, liaise.Resource{Type: "task"}); err != nil {
		return Task{}, Episode{}, err
	}
	t, err := loadTask(ctx, db, id)
	if err != nil {
		return Task{}, Episode{}, err
	}
	if !a.System && t.ProviderID != a.ProviderID {
		return Task{}, Episode{}, taskNotFound()
	}
	e, err := db.episodeAccess(ctx, a, capability, t.EpisodeID)
	if err != nil {
		return Task{}, Episode{}, err
	}
	t.PersonID, t.PersonName = e.PersonID, e.Person.DisplayName()
	return t, e, nil
}

func (db *DB) validateTask(ctx context.Context, in *TaskInput, team int64) error {
	var v liaise.Validation
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	switch {
	case in.Title == "":
		v.Add("title", "Enter what needs doing")
	case utf8.RuneCountInString(in.Title) > 200:
		v.Add("title", "The task must be 200 characters or fewer")
	}
	if in.DueAt.IsZero() {
		v.Add("due_at", "Enter when the task is due")
	} else if in.AllDay {
		in.DueAt = EndOfDay(liaise.DateOf(in.DueAt.Local()))
	}
	if in.AssigneeUserID != 0 {
		ok, err := teamMember(ctx, db, in.AssigneeUserID, team)
		if err != nil {
			return err
		}
		v.Check(ok, "assignee_user_id", "Choose a member of the episode's team")
	}
	return v.Err()
}

// CreateTask adds a task to an episode by hand.
func (db *DB) CreateTask(ctx context.Context, episodeID int64, in TaskInput) (Task, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return Task{}, err
	}
	if err := db.validateTask(ctx, &in, e.TeamID); err != nil {
		return Task{}, err
	}
	var id int64
	err = db.Update(ctx, func(tx *Tx) error {
		var err error
		id, err = insertTask(ctx, tx, a, e, AutoTask{Kind: TaskManual, Title: in.Title, DueAt: in.DueAt, AllDay: in.AllDay, AssigneeUserID: in.AssigneeUserID})
		if err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "task", id, e.ProviderID, e.TeamID, "task added")
	})
	if err != nil {
		return Task{}, err
	}
	t, err := loadTask(ctx, db, id)
	t.PersonID, t.PersonName = e.PersonID, e.Person.DisplayName()
	return t, err
}

func insertTask(ctx context.Context, tx *Tx, a *liaise.Actor, e Episode, in AutoTask) (int64, error) {
	return tx.InsertID(ctx, `INSERT INTO tasks (provider_id, team_id, episode_id, kind, title, due_at, due_all_day, assignee_user_id, source_type, source_id,
		created_at, created_by, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
		e.ProviderID, e.TeamID, e.ID, in.Kind, in.Title, in.DueAt, in.AllDay, nullID(in.AssigneeUserID), in.SourceType, nullID(in.SourceID),
		tx.Now, nullID(a.UserID), tx.Now)
}

// GetTask returns one task (audited).
func (db *DB) GetTask(ctx context.Context, id int64) (Task, error) {
	a := liaise.ActorFrom(ctx)
	t, e, err := db.taskAccess(ctx, a, liaise.CapRecordRead, id)
	if err != nil {
		return Task{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "task", t.ID)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	if e.BreakGlass {
		ev.Detail = "break-glass"
	}
	return t, db.AuditRead(ctx, ev)
}

// UpdateTask changes a task's title, due time and assignee if t.Version is
// still current (a stale version is refused with ESTALE). Reassigning is an
// update of the assignee alone.
func (db *DB) UpdateTask(ctx context.Context, id int64, in TaskInput, version int) (Task, error) {
	a := liaise.ActorFrom(ctx)
	old, e, err := db.taskAccess(ctx, a, liaise.CapRecordWrite, id)
	if err != nil {
		return Task{}, err
	}
	if err := db.validateTask(ctx, &in, e.TeamID); err != nil {
		return Task{}, err
	}
	if !old.Open() {
		return Task{}, liaise.Errorf(liaise.ECONFLICT, "This task is already complete.")
	}
	var c changes
	c.add("title", old.Title != in.Title)
	c.add("due", !old.DueAt.Equal(in.DueAt.Time) || old.AllDay != in.AllDay)
	c.add("assignee", old.AssigneeUserID != in.AssigneeUserID)
	err = db.Update(ctx, func(tx *Tx) error {
		err := tx.UpdateVersioned(ctx, "tasks", `UPDATE tasks SET title = ?, due_at = ?, due_all_day = ?, assignee_user_id = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND completed_at IS NULL`, in.Title, in.DueAt, in.AllDay, nullID(in.AssigneeUserID), tx.Now, id, version)
		if err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "task", id, e.ProviderID, e.TeamID, c.String())
	})
	if err != nil {
		return Task{}, err
	}
	t, err := loadTask(ctx, db, id)
	t.PersonID, t.PersonName = e.PersonID, e.Person.DisplayName()
	return t, err
}

// ReassignTask gives a task to another member of the episode's team (0
// leaves it unassigned).
func (db *DB) ReassignTask(ctx context.Context, id, assignee int64, version int) (Task, error) {
	a := liaise.ActorFrom(ctx)
	old, _, err := db.taskAccess(ctx, a, liaise.CapRecordWrite, id)
	if err != nil {
		return Task{}, err
	}
	return db.UpdateTask(ctx, id, TaskInput{Title: old.Title, DueAt: old.DueAt, AllDay: old.AllDay, AssigneeUserID: assignee}, version)
}

// CompleteTask marks a task done by the actor, if version is current.
func (db *DB) CompleteTask(ctx context.Context, id int64, version int) (Task, error) {
	a := liaise.ActorFrom(ctx)
	old, e, err := db.taskAccess(ctx, a, liaise.CapRecordWrite, id)
	if err != nil {
		return Task{}, err
	}
	if !old.Open() && old.Version == version {
		return Task{}, liaise.Errorf(liaise.ECONFLICT, "This task is already complete.")
	}
	err = db.Update(ctx, func(tx *Tx) error {
		err := tx.UpdateVersioned(ctx, "tasks", `UPDATE tasks SET completed_at = ?, completed_by = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND completed_at IS NULL`, tx.Now, nullID(a.UserID), tx.Now, id, version)
		if err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "task", id, e.ProviderID, e.TeamID, "completed")
	})
	if err != nil {
		return Task{}, err
	}
	t, err := loadTask(ctx, db, id)
	t.PersonID, t.PersonName = e.PersonID, e.Person.DisplayName()
	return t, err
}

// ListEpisodeTasks returns an episode's tasks: open ones by due time, then
// completed ones. The read is audited.
func (db *DB) ListEpisodeTasks(ctx context.Context, episodeID int64) ([]Task, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT `+taskCols+taskFrom+` WHERE k.episode_id = ? ORDER BY (k.completed_at IS NOT NULL), k.due_at, k.id`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		if err := scanTask(rows, &t); err != nil {
			return nil, err
		}
		t.PersonID, t.PersonName = e.PersonID, e.Person.DisplayName()
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ev := liaise.EventFor(a, liaise.AuditList, "task", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = "tasks of episode " + strconv.FormatInt(e.ID, 10)
	if e.BreakGlass {
		ev.Detail += " (break-glass)"
	}
	return out, db.AuditRead(ctx, ev)
}

// TaskQuery is a page of the actor's open tasks.
type TaskQuery struct {
	Cursor string
	Limit  int
}

// TaskPage is a page of tasks.
type TaskPage struct {
	Items      []Task
	NextCursor string
}

func encodeTaskCursor(t liaise.Time, id int64) string {
	b, _ := json.Marshal(queueCursor{V: 1, Sort: "due", Values: []string{t.String()}, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeTaskCursor(s string) (liaise.Time, int64, error) {
	var c queueCursor
	var t liaise.Time
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err == nil && c.V == 1 && c.Sort == "due" && len(c.Values) == 1 && c.ID > 0 {
		err = t.Scan(c.Values[0])
	} else if err == nil {
		err = errors.New("bad cursor")
	}
	if err != nil {
		return t, 0, fieldError("cursor", "The cursor is not valid: start the list again")
	}
	return t, c.ID, nil
}

// ListMyTasks returns the open tasks assigned to the actor on episodes of
// their teams, soonest due first (so overdue ones lead), with a keyset
// cursor. One audit event names the people shown.
func (db *DB) ListMyTasks(ctx context.Context, q TaskQuery) (TaskPage, error) {
	a := liaise.ActorFrom(ctx)
	var page TaskPage
	if err := liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "task"}); err != nil {
		return page, err
	}
	sqlq := `SELECT ` + taskCols + `, e.person_id, p.restricted, COALESCE(n.given, ''), COALESCE(n.family, '')` + taskFrom + `
		JOIN episodes e ON e.id = k.episode_id JOIN people p ON p.id = e.person_id
		LEFT JOIN person_names n ON n.person_id = p.id AND n.position = 0
		WHERE k.assignee_user_id = ? AND k.completed_at IS NULL`
	args := []any{a.UserID}
	if !a.System {
		teams := append([]int64{0}, a.TeamIDs...)
		sqlq += ` AND k.provider_id = ? AND k.team_id IN (` + placeholders(len(teams)) + `)`
		args = append(args, a.ProviderID)
		for _, t := range teams {
			args = append(args, t)
		}
	}
	if q.Cursor != "" {
		t, id, err := decodeTaskCursor(q.Cursor)
		if err != nil {
			return page, err
		}
		sqlq += ` AND (k.due_at > ? OR (k.due_at = ? AND k.id > ?))`
		args = append(args, t, t, id)
	}
	limit := q.Limit
	if limit <= 0 || limit > maxTaskLimit {
		limit = maxTaskLimit
	}
	sqlq += ` ORDER BY k.due_at, k.id LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.Query(ctx, sqlq, args...)
	if err != nil {
		return page, err
	}
	var restricted []bool
	for rows.Next() {
		var t Task
		var restr bool
		var given, family string
		if err := scanTask(rows, &t, &t.PersonID, &restr, &given, &family); err != nil {
			rows.Close()
			return page, err
		}
		p := liaise.Person{Names: []liaise.PersonName{{Given: given, Family: family}}}
		t.PersonName = p.DisplayName()
		page.Items = append(page.Items, t)
		restricted = append(restricted, restr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items, restricted = page.Items[:limit], restricted[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodeTaskCursor(last.DueAt, last.ID)
	}
	ids := make([]int64, 0, len(page.Items))
	for i := range page.Items {
		t := &page.Items[i]
		if !slices.Contains(ids, t.PersonID) {
			ids = append(ids, t.PersonID)
		}
		if restricted[i] && !a.System {
			named, err := namedStaff(ctx, db, t.PersonID)
			if err != nil {
				return page, err
			}
			if !slices.Contains(named, a.UserID) {
				t.PersonName, t.Hidden = "Restricted record", true
			}
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "task", 0)
	ev.Detail = "my tasks"
	ev.Subjects = ids
	if err := db.AuditRead(ctx, ev); err != nil {
		return TaskPage{}, err
	}
	return page, nil
}

// --- Automatic tasks --------------------------------------------------------------

// AutoTask is a task a rule creates.
type AutoTask struct {
	EpisodeID int64
	Kind      string
	Title     string
	DueAt     liaise.Time
	AllDay    bool
	// AssigneeUserID is who should do it; someone no longer in the
	// episode's team leaves the task unassigned, for the team to pick up.
	AssigneeUserID int64
	// SourceType and SourceID name what the task was made for, so the rule
	// can find it again (e.g. "referral" and its id).
	SourceType string
	SourceID   int64
}

// CreateAutoTask adds a rule's task inside the caller's transaction, so the
// task exists exactly when the event that called for it does, and audits it.
func CreateAutoTask(ctx context.Context, tx *Tx, in AutoTask) (int64, error) {
	a := liaise.ActorFrom(ctx)
	e, err := loadEpisodeRow(ctx, tx, in.EpisodeID)
	if err != nil {
		return 0, err
	}
	if in.Kind == "" || in.Kind == TaskManual || liaise.LabelOf(TaskKinds, in.Kind) == in.Kind {
		return 0, errors.New("sqlstore: automatic task of unknown kind " + in.Kind) // a caller's bug
	}
	if in.AllDay {
		in.DueAt = EndOfDay(liaise.DateOf(in.DueAt.Local()))
	}
	if in.AssigneeUserID != 0 {
		ok, err := teamMember(ctx, tx, in.AssigneeUserID, e.TeamID)
		if err != nil {
			return 0, err
		}
		if !ok {
			in.AssigneeUserID = 0
		}
	}
	id, err := insertTask(ctx, tx, a, e, in)
	if err != nil {
		return 0, err
	}
	return id, auditWrite(ctx, tx, a, liaise.AuditCreate, "task", id, e.ProviderID, e.TeamID, "created automatically: "+in.Kind)
}

// CompleteAutoTasks closes an episode's open tasks of a kind when the event
// they waited for has happened (the person was seen, so the retry is done).
func CompleteAutoTasks(ctx context.Context, tx *Tx, episodeID int64, kind string) error {
	a := liaise.ActorFrom(ctx)
	rows, err := tx.Query(ctx, `SELECT id, provider_id, team_id FROM tasks WHERE episode_id = ? AND kind = ? AND completed_at IS NULL`, episodeID, kind)
	if err != nil {
		return err
	}
	type open struct{ id, provider, team int64 }
	var list []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.provider, &o.team); err != nil {
			rows.Close()
			return err
		}
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range list {
		if _, err := tx.Exec(ctx, `UPDATE tasks SET completed_at = ?, completed_by = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			tx.Now, nullID(a.UserID), tx.Now, o.id); err != nil {
			return err
		}
		if err := auditWrite(ctx, tx, a, liaise.AuditUpdate, "task", o.id, o.provider, o.team, "completed automatically"); err != nil {
			return err
		}
	}
	return nil
}

// transitionTasks applies the task rules of an episode's move: leaving (or
// renewing) a deferral closes its retry task; a deferral with a retry time
// gets a retry task for the allocated worker, due then.
func transitionTasks(ctx context.Context, tx *Tx, e Episode, t liaise.Transition) error {
	if e.State == liaise.EpisodeDeferred {
		if err := CompleteAutoTasks(ctx, tx, e.ID, TaskDeferredRetry); err != nil {
			return err
		}
	}
	if t.To == liaise.EpisodeDeferred && !t.RetryAt.IsZero() {
		title := "Try again to see the person"
		if t.Reason != "" {
			title += " (deferred: " + taskLowerFirst(codes.Label("deferral-reasons", t.Reason)) + ")"
		}
		if _, err := CreateAutoTask(ctx, tx, AutoTask{EpisodeID: e.ID, Kind: TaskDeferredRetry, Title: title, DueAt: t.RetryAt,
			AssigneeUserID: e.AllocatedUserID, SourceType: "episode_transition"}); err != nil {
			return err
		}
	}
	// Referral outcome checks (N days after an onward referral is sent) and
	// documents due before a hearing hook in here and in their own stores
	// when those parts land, through CreateAutoTask.
	return nil
}

// identifyTasks applies the task rules of a new episode: a person under 18
// at the time L&D was alerted (or of unknown age who appears under 18, by
// the estimated age) needs youth justice liaison by the next working day.
// A person whose age is not known at all gets nothing.
func identifyTasks(ctx context.Context, tx *Tx, e Episode, p liaise.Person) error {
	a := liaise.ActorFrom(ctx)
	day := liaise.DateOf(e.AlertedAt.Local())
	if !p.IsChildOn(day) {
		return nil
	}
	var assignee int64
	if a != nil && !a.System && a.InTeam(e.TeamID) {
		assignee = a.UserID
	}
	_, err := CreateAutoTask(ctx, tx, AutoTask{EpisodeID: e.ID, Kind: TaskYJSLiaison, Title: "Liaise with the youth justice service (a child under 18)",
		DueAt: EndOfDay(codes.AddWorkingDays(day, 1)), AllDay: true, AssigneeUserID: assignee, SourceType: "episode"})
	return err
}

func taskLowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// TeamMember is a member of staff a task can be assigned to.
type TeamMember struct {
	UserID int64
	Name   string
}

// EpisodeTeamMembers lists the active members of an episode's team, by
// name, for choosing who a task is for.
func (db *DB) EpisodeTeamMembers(ctx context.Context, episodeID int64) ([]TeamMember, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.team_id = ? AND NOT u.disabled ORDER BY u.display_name, u.id`, e.TeamID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TeamMember
	for rows.Next() {
		var m TeamMember
		if err := rows.Scan(&m.UserID, &m.Name); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
