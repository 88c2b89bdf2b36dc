package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"liaise"
	"liaise/internal/codes"
)

// Screenings: minimum and full screens of an episode, append-only. A
// complete screen also moves the episode to screened, in the same
// transaction, when the pathway allows it from the episode's state; when it
// does not, the screen is still kept (it is clinical information) and the
// state is left alone.

// ScreeningRecord is a stored screening with the name of who recorded it.
type ScreeningRecord struct {
	liaise.Screening
	UserName string
	// Correction says why, when and by whom, when EnteredInError.
	Correction
}

// ScreeningResult says what recording a screening did to the episode.
type ScreeningResult struct {
	ID int64
	// Moved is set when the episode moved to screened.
	Moved bool
	// State is the episode's state afterwards.
	State liaise.EpisodeState
	// NotMoved says why the episode did not move, for a complete screen.
	NotMoved string
}

// vulnerabilityCodes is the checklist: the vulnerabilities code list valid on day.
func vulnerabilityCodes(day liaise.Date) ([]string, error) {
	cs, err := codes.List("vulnerabilities")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cs {
		if c.ValidOn(day) {
			out = append(out, c.Code)
		}
	}
	return out, nil
}

// VulnerabilityCodes returns the screening checklist's vulnerability codes
// valid today, in list order.
func (db *DB) VulnerabilityCodes() []string {
	out, _ := vulnerabilityCodes(liaise.DateOf(db.Now().In(liaise.London)))
	return out
}

// RecordScreening validates and stores a screening of an episode, with its
// answers and an audit event, and, for a complete screen, the transition to
// screened when liaise.CheckTransition allows it.
func (db *DB) RecordScreening(ctx context.Context, episodeID int64, s *liaise.Screening) (ScreeningResult, error) {
	a := liaise.ActorFrom(ctx)
	var res ScreeningResult
	if _, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID); err != nil {
		return res, err
	}
	now := db.Now()
	vulns, err := vulnerabilityCodes(liaise.DateOf(now.In(liaise.London)))
	if err != nil {
		return res, err
	}
	if err := s.Validate(vulns, now); err != nil {
		return res, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		e, err := loadEpisodeRow(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		if s.OccurredAt.Before(e.AlertedAt.Time) {
			return fieldError("occurred_at", "The screening cannot be before L&D was alerted, at "+e.AlertedAt.Local().Format("15:04 on 2 January 2006"))
		}
		s.EpisodeID, s.RecordedAt, s.UserID, s.Version, s.EnteredInError = episodeID, tx.Now, a.UserID, 1, false
		s.ID, err = tx.InsertID(ctx, `INSERT INTO screenings (episode_id, kind, question_set_version, occurred_at, recorded_at, user_id, mode,
			remote_details, others_present, interpreter_used, interpreter_language, risk_in_custody, advice_to_custody, assessment_needed,
			risk_to_self, risk_to_self_notes, risk_to_others, risk_to_others_notes, risk_from_others, risk_from_others_notes,
			safeguarding, safeguarding_notes, urgency, incomplete_reason, entered_in_error, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, 1)`,
			episodeID, string(s.Kind), s.QuestionSetVersion, s.OccurredAt, tx.Now, nullID(a.UserID), s.Mode,
			s.RemoteDetails, s.OthersPresent, s.InterpreterUsed, s.InterpreterLanguage, s.RiskInCustody, s.AdviceToCustody, s.AssessmentNeeded,
			s.RiskToSelf.Level, s.RiskToSelf.Notes, s.RiskToOthers.Level, s.RiskToOthers.Notes, s.RiskFromOthers.Level, s.RiskFromOthers.Notes,
			s.Safeguarding.Level, s.Safeguarding.Notes, s.Urgency, s.IncompleteReason)
		if err != nil {
			return err
		}
		for _, v := range s.Vulnerabilities {
			if _, err := tx.Exec(ctx, `INSERT INTO screening_answers (screening_id, vulnerability_code, answer, notes) VALUES (?, ?, ?, ?)`,
				s.ID, v.Code, v.Answer, v.Notes); err != nil {
				return err
			}
		}
		res.ID, res.State = s.ID, e.State
		kind := liaise.LabelOf(liaise.ScreeningKinds, string(s.Kind))
		detail := fmt.Sprintf("%s, question set %s", screeningLower(kind), s.QuestionSetVersion)
		if s.Incomplete {
			detail += ", not completed: " + s.IncompleteReason
		}
		if liaise.LateEntry(s.OccurredAt, tx.Now) {
			detail += " (late entry)"
		}
		if err := auditWrite(ctx, tx, a, liaise.AuditCreate, "screening", s.ID, e.ProviderID, e.TeamID, detail); err != nil {
			return err
		}
		summary := kind + " recorded"
		if s.Incomplete {
			summary = kind + " could not be completed"
		}
		if err := addPersonEvent(ctx, tx, a, e.PersonID, "screening", summary); err != nil {
			return err
		}
		if s.Incomplete {
			return nil
		}
		prev, err := lastMoveAt(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		tc := liaise.TransitionContext{OccurredAt: s.OccurredAt, RecordedAt: tx.Now, PreviousOccurredAt: prev}
		if err := liaise.CheckTransition(e.State, liaise.EpisodeScreened, tc); err != nil {
			if liaise.ErrorCode(err) != liaise.EINVALID {
				return err
			}
			// The screen is kept; the pathway is not forced.
			res.NotMoved = liaise.ErrorMessage(err)
			return nil
		}
		if err := tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(liaise.EpisodeScreened), tx.Now, episodeID, e.Version); err != nil {
			return err
		}
		if err := insertTransitionFrom(ctx, tx, a, episodeID, liaise.Transition{From: e.State, To: liaise.EpisodeScreened, OccurredAt: s.OccurredAt}, "screening", s.ID); err != nil {
			return err
		}
		res.Moved, res.State = true, liaise.EpisodeScreened
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", episodeID, e.ProviderID, e.TeamID,
			fmt.Sprintf("transition %s to %s by screening", e.State, liaise.EpisodeScreened))
	})
	if err != nil {
		return ScreeningResult{}, err
	}
	return res, nil
}

func screeningLower(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// ListScreenings returns an episode's screenings, newest first, each with
// its answers. The read is audited with the person as subject.
func (db *DB) ListScreenings(ctx context.Context, episodeID int64) ([]ScreeningRecord, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT s.id, s.kind, s.question_set_version, s.occurred_at, s.recorded_at, s.user_id, COALESCE(u.display_name, 'System'),
		s.mode, s.remote_details, s.others_present, s.interpreter_used, s.interpreter_language, s.risk_in_custody, s.advice_to_custody,
		s.assessment_needed, s.risk_to_self, s.risk_to_self_notes, s.risk_to_others, s.risk_to_others_notes, s.risk_from_others,
		s.risk_from_others_notes, s.safeguarding, s.safeguarding_notes, s.urgency, s.incomplete_reason, s.entered_in_error, s.version,
		s.error_reason, s.error_at, COALESCE(eu.display_name, '')
		FROM screenings s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN users eu ON eu.id = s.error_by WHERE s.episode_id = ? ORDER BY s.occurred_at DESC, s.id DESC`, episodeID)
	if err != nil {
		return nil, err
	}
	var out []ScreeningRecord
	for rows.Next() {
		var r ScreeningRecord
		var kind string
		var user sql.NullInt64
		s := &r.Screening
		if err := rows.Scan(&s.ID, &kind, &s.QuestionSetVersion, &s.OccurredAt, &s.RecordedAt, &user, &r.UserName,
			&s.Mode, &s.RemoteDetails, &s.OthersPresent, &s.InterpreterUsed, &s.InterpreterLanguage, &s.RiskInCustody, &s.AdviceToCustody,
			&s.AssessmentNeeded, &s.RiskToSelf.Level, &s.RiskToSelf.Notes, &s.RiskToOthers.Level, &s.RiskToOthers.Notes, &s.RiskFromOthers.Level,
			&s.RiskFromOthers.Notes, &s.Safeguarding.Level, &s.Safeguarding.Notes, &s.Urgency, &s.IncompleteReason, &s.EnteredInError, &s.Version,
			&r.ErrorReason, &r.ErrorAt, &r.ErrorByName); err != nil {
			rows.Close()
			return nil, err
		}
		s.EpisodeID, s.Kind, s.UserID, s.Incomplete = episodeID, liaise.ScreeningKind(kind), user.Int64, s.IncompleteReason != ""
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > 0 {
		byID := map[int64]*ScreeningRecord{}
		for i := range out {
			byID[out[i].ID] = &out[i]
		}
		rows, err := db.Query(ctx, `SELECT a.screening_id, a.vulnerability_code, a.answer, a.notes FROM screening_answers a
			JOIN screenings s ON s.id = a.screening_id WHERE s.episode_id = ?`, episodeID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var v liaise.VulnerabilityAnswer
			if err := rows.Scan(&id, &v.Code, &v.Answer, &v.Notes); err != nil {
				rows.Close()
				return nil, err
			}
			if r := byID[id]; r != nil {
				r.Vulnerabilities = append(r.Vulnerabilities, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// Answers in checklist order, whatever order the engine returned.
		vulns := db.VulnerabilityCodes()
		order := func(code string) int {
			for i, c := range vulns {
				if c == code {
					return i
				}
			}
			return len(vulns)
		}
		for i := range out {
			sortScreeningAnswers(out[i].Vulnerabilities, order)
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "screening", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("screenings of episode %d", episodeID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

func sortScreeningAnswers(as []liaise.VulnerabilityAnswer, order func(string) int) {
	slices.SortStableFunc(as, func(x, y liaise.VulnerabilityAnswer) int {
		if c := cmp.Compare(order(x.Code), order(y.Code)); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
}
