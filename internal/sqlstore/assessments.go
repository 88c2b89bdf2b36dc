package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"liaise"
)

// Assessments of an episode, append-only. Like a screening, a complete
// assessment also moves the episode to assessed in the same transaction
// when the pathway allows it; otherwise it is kept and the state is left
// alone.

// AssessmentRecord is a stored assessment with the name of who recorded it.
type AssessmentRecord struct {
	liaise.Assessment
	UserName string
	// Correction says why, when and by whom, when EnteredInError.
	Correction
}

// AssessmentResult says what recording an assessment did to the episode.
type AssessmentResult struct {
	ID int64
	// Moved is set when the episode moved to assessed.
	Moved bool
	// State is the episode's state afterwards.
	State liaise.EpisodeState
	// NotMoved says why the episode did not move, for a complete assessment.
	NotMoved string
}

// RecordAssessment validates and stores an assessment with its findings,
// tools and recommendations and an audit event, and, for a complete
// assessment, the transition to assessed when liaise.CheckTransition allows.
func (db *DB) RecordAssessment(ctx context.Context, episodeID int64, x *liaise.Assessment) (AssessmentResult, error) {
	a := liaise.ActorFrom(ctx)
	var res AssessmentResult
	if _, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID); err != nil {
		return res, err
	}
	now := db.Now()
	domains, err := vulnerabilityCodes(liaise.DateOf(now.In(liaise.London)))
	if err != nil {
		return res, err
	}
	if err := x.Validate(domains, liaise.NotAssessedReasons, now); err != nil {
		return res, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		e, err := loadEpisodeRow(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		if x.OccurredAt.Before(e.AlertedAt.Time) {
			return fieldError("occurred_at", "The assessment cannot be before L&D was alerted, at "+e.AlertedAt.Local().Format("15:04 on 2 January 2006"))
		}
		x.EpisodeID, x.RecordedAt, x.UserID, x.Version, x.EnteredInError = episodeID, tx.Now, a.UserID, 1, false
		x.ID, err = tx.InsertID(ctx, `INSERT INTO assessments (episode_id, type, occurred_at, recorded_at, user_id, formulation, incomplete_reason, entered_in_error, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, 1)`, episodeID, x.Type, x.OccurredAt, tx.Now, nullID(a.UserID), x.Formulation, x.IncompleteReason)
		if err != nil {
			return err
		}
		for _, f := range x.Findings {
			if _, err := tx.Exec(ctx, `INSERT INTO assessment_findings (assessment_id, domain, text, sharing) VALUES (?, ?, ?, ?)`,
				x.ID, f.Domain, f.Text, f.Sharing); err != nil {
				return err
			}
		}
		for i, t := range x.Tools {
			if _, err := tx.Exec(ctx, `INSERT INTO assessment_tools (assessment_id, position, tool, tool_version, score) VALUES (?, ?, ?, ?, ?)`,
				x.ID, i+1, t.Tool, t.Version, t.Score); err != nil {
				return err
			}
		}
		for _, r := range x.Recommendations {
			if _, err := tx.Exec(ctx, `INSERT INTO assessment_recommendations (assessment_id, type, note) VALUES (?, ?, ?)`,
				x.ID, r.Type, r.Note); err != nil {
				return err
			}
		}
		res.ID, res.State = x.ID, e.State
		label := liaise.LabelOf(liaise.AssessmentTypes, x.Type)
		detail := fmt.Sprintf("%s assessment, %d findings (%d shareable), %d tools, %d recommendations", x.Type, len(x.Findings),
			len(x.Shareable()), len(x.Tools), len(x.Recommendations))
		if x.Incomplete {
			detail += ", not completed: " + x.IncompleteReason
		}
		if liaise.LateEntry(x.OccurredAt, tx.Now) {
			detail += " (late entry)"
		}
		if err := auditWrite(ctx, tx, a, liaise.AuditCreate, "assessment", x.ID, e.ProviderID, e.TeamID, detail); err != nil {
			return err
		}
		summary := "Assessment (" + screeningLower(label) + ") recorded"
		if x.Incomplete {
			summary = "Assessment (" + screeningLower(label) + ") could not be completed"
		}
		if err := addPersonEvent(ctx, tx, a, e.PersonID, "assessment", summary); err != nil {
			return err
		}
		if x.Incomplete {
			return nil
		}
		prev, err := lastMoveAt(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		tc := liaise.TransitionContext{OccurredAt: x.OccurredAt, RecordedAt: tx.Now, PreviousOccurredAt: prev}
		if err := liaise.CheckTransition(e.State, liaise.EpisodeAssessed, tc); err != nil {
			if liaise.ErrorCode(err) != liaise.EINVALID {
				return err
			}
			// The assessment is kept; the pathway is not forced.
			res.NotMoved = liaise.ErrorMessage(err)
			return nil
		}
		if err := tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(liaise.EpisodeAssessed), tx.Now, episodeID, e.Version); err != nil {
			return err
		}
		if err := insertTransitionFrom(ctx, tx, a, episodeID, liaise.Transition{From: e.State, To: liaise.EpisodeAssessed, OccurredAt: x.OccurredAt}, "assessment", x.ID); err != nil {
			return err
		}
		res.Moved, res.State = true, liaise.EpisodeAssessed
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", episodeID, e.ProviderID, e.TeamID,
			fmt.Sprintf("transition %s to %s by assessment", e.State, liaise.EpisodeAssessed))
	})
	if err != nil {
		return AssessmentResult{}, err
	}
	return res, nil
}

// ListAssessments returns an episode's assessments, newest first, each with
// its findings (in domain order), tools and recommendations. The read is
// audited with the person as subject.
func (db *DB) ListAssessments(ctx context.Context, episodeID int64) ([]AssessmentRecord, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT x.id, x.type, x.occurred_at, x.recorded_at, x.user_id, COALESCE(u.display_name, 'System'), x.formulation,
		x.incomplete_reason, x.entered_in_error, x.version, x.error_reason, x.error_at, COALESCE(eu.display_name, '')
		FROM assessments x LEFT JOIN users u ON u.id = x.user_id LEFT JOIN users eu ON eu.id = x.error_by WHERE x.episode_id = ? ORDER BY x.occurred_at DESC, x.id DESC`, episodeID)
	if err != nil {
		return nil, err
	}
	var out []AssessmentRecord
	for rows.Next() {
		var r AssessmentRecord
		var user sql.NullInt64
		x := &r.Assessment
		if err := rows.Scan(&x.ID, &x.Type, &x.OccurredAt, &x.RecordedAt, &user, &r.UserName, &x.Formulation, &x.IncompleteReason,
			&x.EnteredInError, &x.Version, &r.ErrorReason, &r.ErrorAt, &r.ErrorByName); err != nil {
			rows.Close()
			return nil, err
		}
		x.EpisodeID, x.UserID, x.Incomplete = episodeID, user.Int64, x.IncompleteReason != ""
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byID := map[int64]*AssessmentRecord{}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	if len(out) > 0 {
		if err := db.assessmentParts(ctx, episodeID, byID); err != nil {
			return nil, err
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "assessment", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("assessments of episode %d", episodeID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

// assessmentParts loads findings, tools and recommendations of an
// episode's assessments into byID.
func (db *DB) assessmentParts(ctx context.Context, episodeID int64, byID map[int64]*AssessmentRecord) error {
	each := func(q string, scan func(*sql.Rows) error) error {
		rows, err := db.Query(ctx, q, episodeID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := each(`SELECT f.assessment_id, f.domain, f.text, f.sharing FROM assessment_findings f JOIN assessments x ON x.id = f.assessment_id
		WHERE x.episode_id = ?`, func(rows *sql.Rows) error {
		var id int64
		var f liaise.AssessmentFinding
		if err := rows.Scan(&id, &f.Domain, &f.Text, &f.Sharing); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Findings = append(r.Findings, f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(`SELECT t.assessment_id, t.tool, t.tool_version, t.score FROM assessment_tools t JOIN assessments x ON x.id = t.assessment_id
		WHERE x.episode_id = ? ORDER BY t.assessment_id, t.position`, func(rows *sql.Rows) error {
		var id int64
		var t liaise.ScoredTool
		if err := rows.Scan(&id, &t.Tool, &t.Version, &t.Score); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Tools = append(r.Tools, t)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(`SELECT r.assessment_id, r.type, r.note FROM assessment_recommendations r JOIN assessments x ON x.id = r.assessment_id
		WHERE x.episode_id = ?`, func(rows *sql.Rows) error {
		var id int64
		var rec liaise.AssessmentRecommendation
		if err := rows.Scan(&id, &rec.Type, &rec.Note); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Recommendations = append(r.Recommendations, rec)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Findings in domain order and recommendations in list order, whatever
	// order the engine returned.
	domains := db.VulnerabilityCodes()
	pos := func(list []string, c string) int {
		for i, x := range list {
			if x == c {
				return i
			}
		}
		return len(list)
	}
	for _, r := range byID {
		assessmentSort(r.Findings, func(f liaise.AssessmentFinding) int { return pos(domains, f.Domain) })
		assessmentSort(r.Recommendations, func(x liaise.AssessmentRecommendation) int { return pos(liaise.RecommendationTypes, x.Type) })
	}
	return nil
}

func assessmentSort[T any](xs []T, key func(T) int) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && key(xs[j]) < key(xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}
