package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"liaise"
)

// Consent (issue 3 item 8): one decision about one scope for an episode,
// checked by liaise.ValidateConsent (age rules included) and stored
// append-only. A withdrawal is a new row; a mistaken row is marked entered
// in error with a reason and then no longer counts. The person's age at the
// decision is computed here from the date of birth, never typed.

// ConsentInput is what a form or the API gives for one decision.
type ConsentInput struct {
	Scope, Decision, Form string
	InterpreterUsed       bool
	// ObtainedBy is the user who asked; 0 means the actor.
	ObtainedBy       int64
	OccurredAt       liaise.Time
	ExpiresAt        liaise.Time
	CourtStage       bool
	BestInterests    bool
	GillickCompetent bool
	ParentalConsent  bool
	// AppearsUnder18 counts only when the date of birth is not known.
	AppearsUnder18 bool
}

// ConsentRecord is a stored consent with the names shown beside it.
type ConsentRecord struct {
	liaise.Consent
	PersonID       int64
	ObtainedByName string
	// Correction says why, when and by whom, when EnteredInError.
	Correction
}

// ConsentLog is an episode's consents and disclosures, oldest first, as one
// page shows them.
type ConsentLog struct {
	Episode     Episode
	Consents    []ConsentRecord
	Disclosures []DisclosureRecord
}

// consents returns the bare consents, for liaise.ActiveConsent.
func (l ConsentLog) consents() []liaise.Consent {
	out := make([]liaise.Consent, len(l.Consents))
	for i, c := range l.Consents {
		out[i] = c.Consent
	}
	return out
}

// Active returns the consents in force at t, one per scope, in scope order.
func (l ConsentLog) Active(t time.Time) []ConsentRecord {
	cs := l.consents()
	var out []ConsentRecord
	for _, scope := range liaise.ConsentScopes {
		if c, ok := liaise.ActiveConsent(cs, scope, t); ok {
			for _, r := range l.Consents {
				if r.ID == c.ID {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// ageAtEvent is the person's age in whole years on the London date of t,
// or -1 when the date of birth is not known.
func ageAtEvent(p liaise.Person, t liaise.Time) int {
	if p.DOBUnknown || p.DateOfBirth.IsZero() || t.IsZero() {
		return -1
	}
	return liaise.AgeOn(p.DateOfBirth, liaise.DateOf(t.Local()))
}

// RecordConsent stores one consent decision for an episode after the
// domain checks (scope, decision, form and the age rules).
func (db *DB) RecordConsent(ctx context.Context, episodeID int64, in ConsentInput) (ConsentRecord, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return ConsentRecord{}, err
	}
	if in.ObtainedBy == 0 {
		in.ObtainedBy = a.UserID
	}
	c := liaise.Consent{EpisodeID: e.ID, Scope: strings.TrimSpace(in.Scope), Decision: strings.TrimSpace(in.Decision), Form: strings.TrimSpace(in.Form),
		InterpreterUsed: in.InterpreterUsed, ObtainedBy: in.ObtainedBy, OccurredAt: in.OccurredAt, ExpiresAt: in.ExpiresAt,
		CourtStage: in.CourtStage, BestInterests: in.BestInterests, GillickCompetent: in.GillickCompetent, ParentalConsent: in.ParentalConsent,
		PersonAgeAtEvent: ageAtEvent(e.Person, in.OccurredAt)}
	// A known age decides; "appears under 18" is only for an unknown one.
	c.AppearsUnder18 = c.PersonAgeAtEvent < 0 && in.AppearsUnder18
	var v liaise.Validation
	if err := liaise.ValidateConsent(c); err != nil {
		for k, m := range liaise.ErrorFields(err) {
			v.Add(k, m)
		}
	}
	if !c.OccurredAt.IsZero() && c.OccurredAt.After(db.Now().Add(5*time.Minute)) {
		v.Add("occurred_at", "The time of the decision cannot be in the future")
	}
	if c.ObtainedBy != 0 && c.ObtainedBy != a.UserID {
		var provider int64
		err := db.QueryRow(ctx, `SELECT provider_id FROM users WHERE id = ?`, c.ObtainedBy).Scan(&provider)
		if err != nil || (provider != e.ProviderID) {
			v.Add("obtained_by", "Choose a member of staff of this service")
		}
	}
	if err := v.Err(); err != nil {
		return ConsentRecord{}, err
	}
	rec := ConsentRecord{Consent: c, PersonID: e.PersonID, ObtainedByName: a.DisplayName}
	err = db.Update(ctx, func(tx *Tx) error {
		rec.RecordedAt = tx.Now
		var expires any
		if !c.ExpiresAt.IsZero() {
			expires = c.ExpiresAt
		}
		var err error
		rec.ID, err = tx.InsertID(ctx, `INSERT INTO consents (provider_id, episode_id, person_id, scope, decision, form, interpreter_used, obtained_by,
			occurred_at, recorded_at, expires_at, court_stage, best_interests, gillick_competent, parental_consent, person_age_at_event,
			appears_under_18, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ProviderID, e.ID, e.PersonID, c.Scope, c.Decision, c.Form, c.InterpreterUsed, c.ObtainedBy, c.OccurredAt, tx.Now, expires,
			c.CourtStage, c.BestInterests, c.GillickCompetent, c.ParentalConsent, c.PersonAgeAtEvent, c.AppearsUnder18, nullID(a.UserID))
		if err != nil {
			return err
		}
		if c.ObtainedBy != a.UserID {
			if err := tx.QueryRow(ctx, `SELECT display_name FROM users WHERE id = ?`, c.ObtainedBy).Scan(&rec.ObtainedByName); err != nil {
				return err
			}
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "consent", rec.ID)
		ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
		ev.Detail = c.Scope + ": " + c.Decision
		ev.Subjects = []int64{e.PersonID}
		return tx.Audit(ctx, ev)
	})
	if err != nil {
		return ConsentRecord{}, err
	}
	return rec, nil
}

const consentCols = `c.id, c.episode_id, c.person_id, c.scope, c.decision, c.form, c.interpreter_used, c.obtained_by, c.occurred_at, c.recorded_at,
	c.expires_at, c.court_stage, c.best_interests, c.gillick_competent, c.parental_consent, c.person_age_at_event, c.appears_under_18,
	c.entered_in_error, c.error_reason, c.error_at, COALESCE(eu.display_name, ''), COALESCE(u.display_name, '')`

func loadConsents(ctx context.Context, q queryer, episodeID int64) ([]ConsentRecord, error) {
	rows, err := q.Query(ctx, `SELECT `+consentCols+` FROM consents c LEFT JOIN users u ON u.id = c.obtained_by LEFT JOIN users eu ON eu.id = c.error_by
		WHERE c.episode_id = ? ORDER BY c.occurred_at, c.id`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConsentRecord
	for rows.Next() {
		var r ConsentRecord
		if err := rows.Scan(&r.ID, &r.EpisodeID, &r.PersonID, &r.Scope, &r.Decision, &r.Form, &r.InterpreterUsed, &r.ObtainedBy, &r.OccurredAt,
			&r.RecordedAt, &r.ExpiresAt, &r.CourtStage, &r.BestInterests, &r.GillickCompetent, &r.ParentalConsent, &r.PersonAgeAtEvent,
			&r.AppearsUnder18, &r.EnteredInError, &r.ErrorReason, &r.ErrorAt, &r.ErrorByName, &r.ObtainedByName); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetConsentLog opens an episode's consents and disclosures (the episode's
// own access rules apply). The read is audited once.
func (db *DB) GetConsentLog(ctx context.Context, episodeID int64) (ConsentLog, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return ConsentLog{}, err
	}
	l := ConsentLog{Episode: e}
	if l.Consents, err = loadConsents(ctx, db, e.ID); err != nil {
		return ConsentLog{}, err
	}
	if l.Disclosures, err = loadDisclosures(ctx, db, `d.episode_id = ?`, e.ID); err != nil {
		return ConsentLog{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "consent", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Detail = "consents and disclosures of episode " + strconv.FormatInt(e.ID, 10)
	if e.BreakGlass {
		ev.Detail += " (break-glass)"
	}
	ev.Subjects = []int64{e.PersonID}
	if err := db.AuditRead(ctx, ev); err != nil {
		return ConsentLog{}, err
	}
	return l, nil
}
