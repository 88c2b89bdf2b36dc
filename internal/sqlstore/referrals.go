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
	"liaise/internal/codes"
)

// Onward referrals: what L&D asked another service to do for the person
// (MHSDS MHS105). The state changes only through TransitionReferral, along
// liaise.ReferralTransitions; each move is recorded with when it happened
// and when it was recorded, and stale versions are refused.

// Referral is an onward referral with its history.
type Referral struct {
	liaise.OnwardReferral
	ProviderID, TeamID, PersonID int64
	CreatedAt, UpdatedAt         liaise.Time
	History                      []ReferralTransition
}

// ReferralTransition is one recorded move of an onward referral.
type ReferralTransition struct {
	ID         int64
	From, To   liaise.ReferralState
	Reason     string
	OccurredAt liaise.Time
	RecordedAt liaise.Time
	UserID     int64
	UserName   string
}

// Late reports whether the move was recorded more than a day after it happened.
func (t ReferralTransition) Late() bool { return liaise.LateEntry(t.OccurredAt, t.RecordedAt) }

// NewReferralInput is a new onward referral: planned, or already sent.
type NewReferralInput struct {
	Need                        string
	Service                     string
	Method                      string
	State                       liaise.ReferralState // planned or sent
	DecidedAt                   liaise.Time
	SentAt                      liaise.Time // when sent; DecidedAt if zero
	SupportedToFirstAppointment bool
}

// ReferralTransitionInput is one requested move of an onward referral.
type ReferralTransitionInput struct {
	To         liaise.ReferralState
	Reason     string
	OccurredAt liaise.Time
	// FirstAppointmentAt is when the first appointment is, for a move to
	// first appointment booked.
	FirstAppointmentAt liaise.Time
	// Supported, when set with a booking, records whether a worker will
	// support the person to the appointment.
	Supported *bool
	Version   int
}

func validateReferralFields(r liaise.OnwardReferral, on liaise.Date) error {
	var v liaise.Validation
	v.Check(!r.DecidedAt.IsZero(), "decided_at", "Enter when the decision to refer was made")
	if err := liaise.ValidateReferral(r); err != nil {
		for k, m := range liaise.ErrorFields(err) {
			v.Add(k, m)
		}
	}
	if r.Need != "" && codes.Check("vulnerabilities", r.Need, on) != nil {
		v.Add("need", "Choose the need the referral is for from the list")
	}
	v.Check(utf8.RuneCountInString(r.Service) <= 200, "service", "The service must be 200 characters or fewer")
	return v.Err()
}

// AddReferral records a new onward referral, planned or sent, with its
// first transition.
func (db *DB) AddReferral(ctx context.Context, episodeID int64, in NewReferralInput) (Referral, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return Referral{}, err
	}
	r := Referral{OnwardReferral: liaise.OnwardReferral{EpisodeID: episodeID, Need: strings.TrimSpace(in.Need),
		Service: strings.Join(strings.Fields(in.Service), " "), Method: in.Method, State: in.State, DecidedAt: in.DecidedAt,
		SupportedToFirstAppointment: in.SupportedToFirstAppointment, Version: 1},
		ProviderID: e.ProviderID, TeamID: e.TeamID, PersonID: e.PersonID}
	if r.State == "" {
		r.State = liaise.ReferralPlanned
	}
	now := db.Now()
	if err := validateReferralFields(r.OnwardReferral, liaise.DateOf(now.Local())); err != nil {
		return Referral{}, err
	}
	occurred := in.DecidedAt
	if r.State == liaise.ReferralSent {
		r.SentAt = in.SentAt
		if r.SentAt.IsZero() {
			r.SentAt = in.DecidedAt
		}
		occurred = r.SentAt
		if !in.DecidedAt.IsZero() && r.SentAt.Before(in.DecidedAt.Time) {
			return Referral{}, fieldError("sent_at", "The time the referral was sent cannot be before the decision to refer")
		}
	}
	err = db.Update(ctx, func(tx *Tx) error {
		if err := liaise.CheckReferralTransition("", r.State, liaise.TransitionContext{OccurredAt: occurred, RecordedAt: tx.Now}); err != nil {
			if f := liaise.ErrorFields(err); f["occurred_at"] != "" {
				field := "decided_at"
				if r.State == liaise.ReferralSent {
					field = "sent_at"
				}
				return fieldError(field, f["occurred_at"])
			}
			if len(liaise.ErrorFields(err)) == 0 {
				return fieldError("state", liaise.ErrorMessage(err))
			}
			return err
		}
		r.CreatedAt, r.UpdatedAt = tx.Now, tx.Now
		var err error
		r.ID, err = tx.InsertID(ctx, `INSERT INTO onward_referrals (episode_id, provider_id, team_id, person_id, need, service, method, state,
			decided_at, sent_at, first_appointment_at, attended_at, supported_to_first_appointment, version, created_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 1, ?, ?, ?)`,
			episodeID, e.ProviderID, e.TeamID, e.PersonID, r.Need, r.Service, r.Method, string(r.State), r.DecidedAt, r.SentAt,
			r.SupportedToFirstAppointment, tx.Now, nullID(a.UserID), tx.Now)
		if err != nil {
			return err
		}
		if err := insertReferralTransition(ctx, tx, a, r.ID, "", r.State, "", occurred); err != nil {
			return err
		}
		if r.State == liaise.ReferralSent {
			if err := referralSent(ctx, tx, a, r); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, user_id, kind, summary) VALUES (?, ?, ?, ?, ?, ?)`,
			e.PersonID, occurred, tx.Now, nullID(a.UserID), "referral", "Onward referral to "+r.Service+" ("+lowerFirstRune(r.State.Label())+")"); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "onward_referral", r.ID, e.ProviderID, e.TeamID, "state "+string(r.State)+lateDetail(occurred, tx.Now))
	})
	if err != nil {
		return Referral{}, err
	}
	return r, nil
}

// referralSent is the point where an onward referral becomes sent: it adds
// the task to check the referral's outcome, due the configured number of
// days after sending (LIAISE_REFERRAL_CHECK_DAYS), for whoever sent it, in
// the same transaction.
func referralSent(ctx context.Context, tx *Tx, a *liaise.Actor, r Referral) error {
	due := liaise.NewTime(r.SentAt.Add(time.Duration(tx.db.referralCheckDays()) * 24 * time.Hour))
	var assignee int64
	if a != nil {
		assignee = a.UserID
	}
	_, err := CreateAutoTask(ctx, tx, AutoTask{EpisodeID: r.EpisodeID, Kind: TaskReferralOutcomeCheck,
		Title: "Check the outcome of the referral to " + r.Service, DueAt: due, AllDay: true,
		AssigneeUserID: assignee, SourceType: "referral", SourceID: r.ID})
	return err
}

func lateDetail(occurred, recorded liaise.Time) string {
	if liaise.LateEntry(occurred, recorded) {
		return " (late entry)"
	}
	return ""
}

func lowerFirstRune(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func insertReferralTransition(ctx context.Context, tx *Tx, a *liaise.Actor, referral int64, from, to liaise.ReferralState, reason string, occurred liaise.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO onward_referral_transitions (referral_id, from_state, to_state, reason, occurred_at, recorded_at, user_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, referral, string(from), string(to), reason, occurred, tx.Now, nullID(a.UserID))
	return err
}

const referralCols = `id, episode_id, provider_id, team_id, person_id, need, service, method, state, decided_at, sent_at,
	first_appointment_at, attended_at, supported_to_first_appointment, version, created_at, updated_at`

func scanReferral(sc interface{ Scan(...any) error }) (Referral, error) {
	var r Referral
	var state string
	err := sc.Scan(&r.ID, &r.EpisodeID, &r.ProviderID, &r.TeamID, &r.PersonID, &r.Need, &r.Service, &r.Method, &state, &r.DecidedAt,
		&r.SentAt, &r.FirstAppointmentAt, &r.AttendedAt, &r.SupportedToFirstAppointment, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	r.State = liaise.ReferralState(state)
	return r, err
}

func loadReferralRow(ctx context.Context, q queryer, episodeID, id int64) (Referral, error) {
	r, err := scanReferral(q.QueryRow(ctx, `SELECT `+referralCols+` FROM onward_referrals WHERE id = ? AND episode_id = ?`, id, episodeID))
	if errors.Is(err, sql.ErrNoRows) {
		return Referral{}, liaise.Errorf(liaise.ENOTFOUND, "That onward referral was not found.")
	}
	return r, err
}

func referralHistory(ctx context.Context, q queryer, id int64) ([]ReferralTransition, error) {
	rows, err := q.Query(ctx, `SELECT x.id, x.from_state, x.to_state, x.reason, x.occurred_at, x.recorded_at, x.user_id, COALESCE(u.display_name, 'System')
		FROM onward_referral_transitions x LEFT JOIN users u ON u.id = x.user_id WHERE x.referral_id = ? ORDER BY x.occurred_at, x.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReferralTransition
	for rows.Next() {
		var t ReferralTransition
		var from, to string
		var user sql.NullInt64
		if err := rows.Scan(&t.ID, &from, &to, &t.Reason, &t.OccurredAt, &t.RecordedAt, &user, &t.UserName); err != nil {
			return nil, err
		}
		t.From, t.To, t.UserID = liaise.ReferralState(from), liaise.ReferralState(to), user.Int64
		out = append(out, t)
	}
	return out, rows.Err()
}

// ListReferrals returns an episode's onward referrals, oldest first. The
// read is audited.
func (db *DB) ListReferrals(ctx context.Context, episodeID int64) ([]Referral, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT `+referralCols+` FROM onward_referrals WHERE episode_id = ? ORDER BY decided_at, id`, episodeID)
	if err != nil {
		return nil, err
	}
	var out []Referral
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ev := liaise.EventFor(a, liaise.AuditList, "onward_referral", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("episode %d", episodeID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	return out, db.AuditRead(ctx, ev)
}

// GetReferral opens one onward referral of an episode with its history.
// The read is audited.
func (db *DB) GetReferral(ctx context.Context, episodeID, id int64) (Referral, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return Referral{}, err
	}
	r, err := loadReferralRow(ctx, db, episodeID, id)
	if err != nil {
		return Referral{}, err
	}
	if r.History, err = referralHistory(ctx, db, id); err != nil {
		return Referral{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "onward_referral", id)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	if e.BreakGlass {
		ev.Detail = "break-glass"
	}
	return r, db.AuditRead(ctx, ev)
}

// TransitionReferral moves an onward referral along liaise.ReferralTransitions
// if the version is current: the transition row, the new state and times,
// the version and the audit row are written together. It returns the new
// version.
func (db *DB) TransitionReferral(ctx context.Context, episodeID, id int64, in ReferralTransitionInput) (int, error) {
	a := liaise.ActorFrom(ctx)
	if _, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID); err != nil {
		return 0, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > 2000 {
		return 0, fieldError("reason", "The reason must be 2,000 characters or fewer")
	}
	var version int
	err := db.Update(ctx, func(tx *Tx) error {
		r, err := loadReferralRow(ctx, tx, episodeID, id)
		if err != nil {
			return err
		}
		if r.Version != in.Version {
			return tx.UpdateVersioned(ctx, "onward_referrals", `UPDATE onward_referrals SET version = version WHERE id = ? AND version = ?`, id, in.Version)
		}
		var prev liaise.Time
		err = tx.QueryRow(ctx, `SELECT occurred_at FROM onward_referral_transitions WHERE referral_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 1`, id).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		tc := liaise.TransitionContext{Reason: in.Reason, OccurredAt: in.OccurredAt, RecordedAt: tx.Now, PreviousOccurredAt: prev, AttendedAt: r.AttendedAt}
		if err := liaise.CheckReferralTransition(r.State, in.To, tc); err != nil {
			return err
		}
		reason := ""
		for _, rule := range liaise.NextReferralStates(r.State) {
			if rule.To == in.To && rule.RequiresReason {
				reason = in.Reason
			}
		}
		switch in.To {
		case liaise.ReferralSent:
			r.SentAt = in.OccurredAt
		case liaise.ReferralFirstAppointmentBooked:
			if in.FirstAppointmentAt.IsZero() {
				return fieldError("first_appointment_at", "Enter the date and time of the first appointment")
			}
			if in.FirstAppointmentAt.Before(in.OccurredAt.Time) {
				return fieldError("first_appointment_at", "The first appointment cannot be before it was booked")
			}
			r.FirstAppointmentAt = in.FirstAppointmentAt
			if in.Supported != nil {
				r.SupportedToFirstAppointment = *in.Supported
			}
		case liaise.ReferralAttended:
			r.AttendedAt = in.OccurredAt
		}
		if err := tx.UpdateVersioned(ctx, "onward_referrals", `UPDATE onward_referrals SET state = ?, sent_at = ?, first_appointment_at = ?,
			attended_at = ?, supported_to_first_appointment = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(in.To), r.SentAt, r.FirstAppointmentAt, r.AttendedAt, r.SupportedToFirstAppointment, tx.Now, id, in.Version); err != nil {
			return err
		}
		version = in.Version + 1
		if err := insertReferralTransition(ctx, tx, a, id, r.State, in.To, reason, in.OccurredAt); err != nil {
			return err
		}
		if in.To == liaise.ReferralSent {
			if err := referralSent(ctx, tx, a, r); err != nil {
				return err
			}
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "onward_referral", id, r.ProviderID, r.TeamID,
			fmt.Sprintf("transition %s to %s%s", r.State, in.To, lateDetail(in.OccurredAt, tx.Now)))
	})
	return version, err
}
