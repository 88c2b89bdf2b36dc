package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liaise"
)

// Support work: goals that an STR or peer support worker sets with the
// person, and their outcomes. A worker who has declared they know the person
// (a lived-experience conflict) is never made the worker of their goals
// while the declaration stands; the worker or a manager can withdraw it with
// a reason, and it stays in the record as withdrawn.

// Support goal types.
const (
	GoalHousing              = "housing"
	GoalBenefits             = "benefits"
	GoalGPRegistration       = "gp_registration"
	GoalSubstanceService     = "substance_service"
	GoalMentalHealthService  = "mental_health_service"
	GoalEducationEmployment  = "education_employment"
	GoalIDDocuments          = "id_documents"
	GoalBankAccount          = "bank_account"
	GoalPhone                = "phone"
	GoalOther                = "other"
	SupportStatusOpen        = "open"
	SupportStatusAchieved    = "achieved"
	SupportStatusPartly      = "partly_achieved"
	SupportStatusNotAchieved = "not_achieved"
	SupportStatusWithdrawn   = "withdrawn"
)

// SupportGoalTypes label the goal types, in form order.
var SupportGoalTypes = []liaise.CodeLabel{
	{Code: GoalHousing, Label: "Housing"},
	{Code: GoalBenefits, Label: "Benefits"},
	{Code: GoalGPRegistration, Label: "GP registration"},
	{Code: GoalSubstanceService, Label: "Substance use service"},
	{Code: GoalMentalHealthService, Label: "Mental health service"},
	{Code: GoalEducationEmployment, Label: "Education or employment"},
	{Code: GoalIDDocuments, Label: "ID documents"},
	{Code: GoalBankAccount, Label: "Bank account"},
	{Code: GoalPhone, Label: "Phone"},
	{Code: GoalOther, Label: "Other"},
}

// SupportOutcomes are the statuses a goal can end in.
var SupportOutcomes = []liaise.CodeLabel{
	{Code: SupportStatusAchieved, Label: "Achieved"},
	{Code: SupportStatusPartly, Label: "Partly achieved"},
	{Code: SupportStatusNotAchieved, Label: "Not achieved"},
	{Code: SupportStatusWithdrawn, Label: "Withdrawn"},
}

// SupportGoal is one goal of an episode's support work.
type SupportGoal struct {
	ID          int64
	EpisodeID   int64
	Type        string
	Description string
	WorkerID    int64
	WorkerName  string
	SetAt       liaise.Time
	TargetDate  liaise.Date
	Status      string
	OutcomeNote string
	OutcomeAt   liaise.Time
	RecordedAt  liaise.Time
	Version     int
}

// TypeLabel is the goal type for people.
func (g SupportGoal) TypeLabel() string { return liaise.LabelOf(SupportGoalTypes, g.Type) }

// StatusLabel is the status for people.
func (g SupportGoal) StatusLabel() string {
	if g.Status == SupportStatusOpen {
		return "Open"
	}
	return liaise.LabelOf(SupportOutcomes, g.Status)
}

// Late reports whether the goal was recorded more than a day after it was set.
func (g SupportGoal) Late() bool { return liaise.LateEntry(g.SetAt, g.RecordedAt) }

// PersonConflict is a declaration by a member of staff that they know the person.
type PersonConflict struct {
	ID          int64
	PersonID    int64
	UserID      int64
	UserName    string
	Note        string
	DeclaredAt  liaise.Time
	WithdrawnAt liaise.Time
	// Who withdrew it and why, once withdrawn.
	WithdrawnByName string
	WithdrawReason  string
}

// Live reports whether the declaration still stands (it blocks assignment).
func (c PersonConflict) Live() bool { return c.WithdrawnAt.IsZero() }

func checkWhen(v *liaise.Validation, t liaise.Time, now liaise.Time, field, label string) {
	switch {
	case t.IsZero():
		v.Add(field, "Enter "+label)
	case t.After(now.Add(5 * time.Minute)):
		v.Add(field, "The "+label+" cannot be in the future")
	}
}

// ValidateSupportGoal checks a new goal's own fields.
func ValidateSupportGoal(g SupportGoal, now liaise.Time) error {
	var v liaise.Validation
	v.Check(hasCodeLabel(SupportGoalTypes, g.Type), "goal_type", "Choose the type of goal")
	v.Check(utf8.RuneCountInString(g.Description) <= 2000, "description", "The description must be 2,000 characters or fewer")
	v.Check(g.Type != GoalOther || g.Description != "", "description", "Describe the goal")
	v.Check(g.WorkerID > 0, "worker_user_id", "Choose the worker")
	checkWhen(&v, g.SetAt, now, "set_at", "date and time the goal was set")
	if !g.TargetDate.IsZero() && !g.SetAt.IsZero() {
		v.Check(!g.TargetDate.Before(liaise.DateOf(g.SetAt.Local())), "target_date", "The target date must be on or after the day the goal was set")
	}
	return v.Err()
}

// hasConflict reports whether user has a live declaration about person.
func hasConflict(ctx context.Context, q queryer, person, user int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM person_conflicts WHERE person_id = ? AND user_id = ? AND withdrawn_at IS NULL`, person, user).Scan(&n)
	return n > 0, err
}

// AddSupportGoal sets a goal in an episode. The worker must be in the
// episode's team and must not have declared that they know the person.
func (db *DB) AddSupportGoal(ctx context.Context, episodeID int64, g *SupportGoal) error {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return err
	}
	g.Description = strings.TrimSpace(g.Description)
	if err := ValidateSupportGoal(*g, db.Now()); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		ok, err := teamMember(ctx, tx, g.WorkerID, e.TeamID)
		if err != nil {
			return err
		}
		if !ok {
			return fieldError("worker_user_id", "Choose a worker from the episode's team")
		}
		conflict, err := hasConflict(ctx, tx, e.PersonID, g.WorkerID)
		if err != nil {
			return err
		}
		if conflict {
			return fieldError("worker_user_id", "This worker has declared that they know this person, so cannot be the worker for their goals: choose someone else")
		}
		g.EpisodeID, g.RecordedAt, g.Status, g.Version = episodeID, tx.Now, SupportStatusOpen, 1
		g.ID, err = tx.InsertID(ctx, `INSERT INTO support_goals (episode_id, provider_id, team_id, person_id, goal_type, description, worker_user_id,
			set_at, target_date, status, recorded_at, created_by, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
			episodeID, e.ProviderID, e.TeamID, e.PersonID, g.Type, g.Description, g.WorkerID, g.SetAt, g.TargetDate, SupportStatusOpen, tx.Now, nullID(a.UserID), tx.Now)
		if err != nil {
			return err
		}
		detail := g.Type
		if g.Late() {
			detail += " (late entry)"
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "support_goal", g.ID, e.ProviderID, e.TeamID, detail)
	})
}

// RecordSupportOutcome ends an open goal with an outcome status, a note and
// when it happened. version must be the goal's current version.
func (db *DB) RecordSupportOutcome(ctx context.Context, episodeID, goalID int64, status, note string, at liaise.Time, version int) error {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	var v liaise.Validation
	v.Check(hasCodeLabel(SupportOutcomes, status), "status", "Choose the outcome")
	v.Check(utf8.RuneCountInString(note) <= 2000, "outcome_note", "The note must be 2,000 characters or fewer")
	checkWhen(&v, at, db.Now(), "outcome_at", "date and time of the outcome")
	if err := v.Err(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		var cur string
		var setAt liaise.Time
		err := tx.QueryRow(ctx, `SELECT status, set_at FROM support_goals WHERE id = ? AND episode_id = ?`, goalID, episodeID).Scan(&cur, &setAt)
		if errors.Is(err, sql.ErrNoRows) {
			return liaise.Errorf(liaise.ENOTFOUND, "That goal was not found.")
		}
		if err != nil {
			return err
		}
		if at.Before(setAt.Time) {
			return fieldError("outcome_at", "The outcome cannot be before the goal was set")
		}
		if err := tx.UpdateVersioned(ctx, "support_goals", `UPDATE support_goals SET status = ?, outcome_note = ?, outcome_at = ?, outcome_recorded_at = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, status, note, at, tx.Now, tx.Now, goalID, version); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "support_goal", goalID, e.ProviderID, e.TeamID, "outcome "+status)
	})
}

const supportSelect = `SELECT g.id, g.episode_id, g.goal_type, g.description, g.worker_user_id, COALESCE(u.display_name, ''), g.set_at, g.target_date,
	g.status, g.outcome_note, g.outcome_at, g.recorded_at, g.version FROM support_goals g LEFT JOIN users u ON u.id = g.worker_user_id`

func scanSupportGoal(sc interface{ Scan(...any) error }) (SupportGoal, error) {
	var g SupportGoal
	err := sc.Scan(&g.ID, &g.EpisodeID, &g.Type, &g.Description, &g.WorkerID, &g.WorkerName, &g.SetAt, &g.TargetDate, &g.Status,
		&g.OutcomeNote, &g.OutcomeAt, &g.RecordedAt, &g.Version)
	return g, err
}

func supportReadEvent(a *liaise.Actor, action, typ string, id int64, e Episode) liaise.AuditEvent {
	ev := liaise.EventFor(a, action, typ, id)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("episode %d", e.ID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	return ev
}

// ListSupportGoals returns an episode's goals, oldest first. The read is audited.
func (db *DB) ListSupportGoals(ctx context.Context, episodeID int64) ([]SupportGoal, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, supportSelect+` WHERE g.episode_id = ? ORDER BY g.set_at, g.id`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SupportGoal
	for rows.Next() {
		g, err := scanSupportGoal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.AuditRead(ctx, supportReadEvent(a, liaise.AuditList, "support_goal", 0, e))
}

// GetSupportGoal returns one goal of an episode. The read is audited.
func (db *DB) GetSupportGoal(ctx context.Context, episodeID, id int64) (SupportGoal, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return SupportGoal{}, err
	}
	g, err := scanSupportGoal(db.QueryRow(ctx, supportSelect+` WHERE g.id = ? AND g.episode_id = ?`, id, episodeID))
	if errors.Is(err, sql.ErrNoRows) {
		return SupportGoal{}, liaise.Errorf(liaise.ENOTFOUND, "That goal was not found.")
	}
	if err != nil {
		return SupportGoal{}, err
	}
	return g, db.AuditRead(ctx, supportReadEvent(a, liaise.AuditRead, "support_goal", id, e))
}

// DeclareConflict records that the acting member of staff knows the person
// (for example from their own lived experience), with an optional note. A
// second declaration while one is live is refused.
func (db *DB) DeclareConflict(ctx context.Context, personID int64, note string) (PersonConflict, error) {
	a := liaise.ActorFrom(ctx)
	p, _, err := db.personAccess(ctx, a, liaise.CapRecordWrite, personID, "")
	if err != nil {
		return PersonConflict{}, err
	}
	if a.UserID == 0 {
		return PersonConflict{}, liaise.Errorf(liaise.EINVALID, "Only a member of staff can declare that they know a person.")
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 2000 {
		return PersonConflict{}, fieldError("note", "The note must be 2,000 characters or fewer")
	}
	c := PersonConflict{PersonID: personID, UserID: a.UserID, Note: note}
	err = db.Update(ctx, func(tx *Tx) error {
		live, err := hasConflict(ctx, tx, personID, a.UserID)
		if err != nil {
			return err
		}
		if live {
			return liaise.Errorf(liaise.ECONFLICT, "You have already declared that you know this person.")
		}
		c.DeclaredAt = tx.Now
		c.ID, err = tx.InsertID(ctx, `INSERT INTO person_conflicts (person_id, provider_id, user_id, note, declared_at) VALUES (?, ?, ?, ?, ?)`,
			personID, p.ProviderID, a.UserID, note, tx.Now)
		if err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "person_conflict", c.ID, p.ProviderID, p.TeamID, fmt.Sprintf("person %d", personID))
	})
	return c, err
}

// MayWithdrawConflict mirrors WithdrawConflict's rule for the links pages
// show: the member of staff who declared it, or a manager (who allocates work).
func MayWithdrawConflict(a *liaise.Actor, c PersonConflict) bool {
	return a.Can(liaise.CapRecordWrite) && (a.System || (a.UserID != 0 && a.UserID == c.UserID) || a.Can(liaise.CapAllocate))
}

// WithdrawConflict withdraws a live "I know this person" declaration with a
// reason, by the member of staff who made it or a manager. It stays in the
// record as withdrawn, with who withdrew it, when and why, and no longer
// stops the worker being given the person's goals. A declaration already
// withdrawn is a conflict; one about another person is not found.
func (db *DB) WithdrawConflict(ctx context.Context, personID, conflictID int64, reason string) (PersonConflict, error) {
	a := liaise.ActorFrom(ctx)
	p, bg, err := db.personAccess(ctx, a, liaise.CapRecordWrite, personID, "")
	if err != nil {
		return PersonConflict{}, err
	}
	c, err := scanConflict(db.QueryRow(ctx, conflictSelect+` WHERE c.id = ? AND c.person_id = ?`, conflictID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return PersonConflict{}, conflictNotFound()
	}
	if err != nil {
		return PersonConflict{}, err
	}
	if !MayWithdrawConflict(a, c) {
		return PersonConflict{}, liaise.Errorf(liaise.EFORBIDDEN, "Only the member of staff who made the declaration, or a manager, can withdraw it.")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return PersonConflict{}, fieldError("reason", "Enter why the declaration is being withdrawn")
	case utf8.RuneCountInString(reason) > 2000:
		return PersonConflict{}, fieldError("reason", "The reason must be 2,000 characters or fewer")
	}
	err = db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE person_conflicts SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ?
			WHERE id = ? AND person_id = ? AND withdrawn_at IS NULL`, tx.Now, nullID(a.UserID), reason, conflictID, personID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return liaise.Errorf(liaise.ECONFLICT, "This declaration is already withdrawn.")
		}
		c.WithdrawnAt, c.WithdrawnByName, c.WithdrawReason = tx.Now, a.DisplayName, reason
		ev := liaise.EventFor(a, liaise.AuditUpdate, "person_conflict", conflictID)
		ev.ProviderID, ev.TeamID, ev.Subjects = p.ProviderID, p.TeamID, []int64{personID}
		ev.Detail = fmt.Sprintf("withdrawn, person %d", personID)
		if bg {
			ev.Detail += ", break-glass"
		}
		return tx.Audit(ctx, ev)
	})
	if err != nil {
		return PersonConflict{}, err
	}
	return c, nil
}

const conflictSelect = `SELECT c.id, c.person_id, c.user_id, COALESCE(u.display_name, ''), c.note, c.declared_at, c.withdrawn_at,
	COALESCE(wu.display_name, ''), c.withdraw_reason
	FROM person_conflicts c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN users wu ON wu.id = c.withdrawn_by`

func scanConflict(sc interface{ Scan(...any) error }) (PersonConflict, error) {
	var c PersonConflict
	err := sc.Scan(&c.ID, &c.PersonID, &c.UserID, &c.UserName, &c.Note, &c.DeclaredAt, &c.WithdrawnAt, &c.WithdrawnByName, &c.WithdrawReason)
	return c, err
}

// GetConflict returns one declaration about a person (live or withdrawn),
// under the person's access rules. The read is audited.
func (db *DB) GetConflict(ctx context.Context, personID, id int64) (PersonConflict, error) {
	a := liaise.ActorFrom(ctx)
	p, bg, err := db.personAccess(ctx, a, liaise.CapRecordRead, personID, "")
	if err != nil {
		return PersonConflict{}, err
	}
	c, err := scanConflict(db.QueryRow(ctx, conflictSelect+` WHERE c.id = ? AND c.person_id = ?`, id, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return PersonConflict{}, conflictNotFound()
	}
	if err != nil {
		return PersonConflict{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "person_conflict", id)
	ev.ProviderID, ev.TeamID, ev.Subjects = p.ProviderID, p.TeamID, []int64{personID}
	if bg {
		ev.Detail = "break-glass"
	}
	return c, db.AuditRead(ctx, ev)
}

func conflictNotFound() error {
	return liaise.Errorf(liaise.ENOTFOUND, "That declaration was not found.")
}

// EpisodeConflicts lists the declarations about an episode's person, live
// and withdrawn, oldest first, so the support page can warn who must not
// work with them and show what was withdrawn. The read is audited.
func (db *DB) EpisodeConflicts(ctx context.Context, episodeID int64) ([]PersonConflict, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, conflictSelect+` WHERE c.person_id = ? ORDER BY c.declared_at, c.id`, e.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PersonConflict
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.AuditRead(ctx, supportReadEvent(a, liaise.AuditList, "person_conflict", 0, e))
}
