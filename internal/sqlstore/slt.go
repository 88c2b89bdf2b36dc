package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liaise"
)

// Speech and language therapy (SLT): a practitioner requests an SLT
// assessment for an episode; open requests form the therapist's queue (the
// therapist's teams, oldest first); the therapist's communication profile
// answers a request and completes it. An open request can be cancelled with
// a reason, by the episode's team or a therapist: it leaves the queue and
// stays in the record. A wrong profile is marked entered in error
// (ProfileEntries).

// SLTRequestRecord is a stored request with its names and, once completed,
// its communication profile.
type SLTRequestRecord struct {
	liaise.SLTRequest
	RequestedByName string
	Profile         *liaise.CommunicationProfile
	ProfileByName   string
	// ProfileInError is set when the profile was marked entered in error.
	ProfileInError    bool
	ProfileCorrection Correction
	// Cancellation, when Status is cancelled.
	CancelReason    string
	CancelledAt     liaise.Time
	CancelledByName string
}

// SLTQueueItem is an open request on the therapist's queue.
type SLTQueueItem struct {
	liaise.SLTRequest
	RequestedByName string
	PersonID        int64
	PersonName      string
	TeamName        string
	EpisodeState    liaise.EpisodeState
}

func sltNotFound() error {
	return liaise.Errorf(liaise.ENOTFOUND, "Speech and language therapy request was not found.")
}

// RequestSLT records a request for a speech and language therapy assessment.
func (db *DB) RequestSLT(ctx context.Context, episodeID int64, r *liaise.SLTRequest) (int64, error) {
	a := liaise.ActorFrom(ctx)
	if _, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID); err != nil {
		return 0, err
	}
	if err := r.Validate(); err != nil {
		return 0, err
	}
	err := db.Update(ctx, func(tx *Tx) error {
		e, err := loadEpisodeRow(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		if e.State.Terminal() {
			return fieldError("reason", "The episode is closed: a request cannot be made")
		}
		r.EpisodeID, r.RequestedBy, r.RequestedAt, r.Status, r.Version = episodeID, a.UserID, tx.Now, liaise.SLTOpen, 1
		r.ID, err = tx.InsertID(ctx, `INSERT INTO slt_requests (episode_id, reason, urgency, requested_by, requested_at, status, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, episodeID, r.Reason, r.Urgency, nullID(a.UserID), tx.Now, liaise.SLTOpen, tx.Now)
		if err != nil {
			return err
		}
		if err := auditWrite(ctx, tx, a, liaise.AuditCreate, "slt_request", r.ID, e.ProviderID, e.TeamID, "urgency "+r.Urgency); err != nil {
			return err
		}
		return addPersonEvent(ctx, tx, a, e.PersonID, "slt_request", "Speech and language therapy assessment requested")
	})
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}

const sltCols = `r.id, r.episode_id, r.reason, r.urgency, r.requested_by, COALESCE(u.display_name, 'System'), r.requested_at, r.status, r.version`

func scanSLT(rows interface{ Scan(...any) error }, r *liaise.SLTRequest, name *string, extra ...any) error {
	var by sql.NullInt64
	err := rows.Scan(append([]any{&r.ID, &r.EpisodeID, &r.Reason, &r.Urgency, &by, name, &r.RequestedAt, &r.Status, &r.Version}, extra...)...)
	r.RequestedBy = by.Int64
	return err
}

// ListSLTRequests returns an episode's SLT requests, newest first, each
// with its communication profile when there is one. Audited.
func (db *DB) ListSLTRequests(ctx context.Context, episodeID int64) ([]SLTRequestRecord, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT `+sltCols+`, p.id, p.occurred_at, p.recorded_at, p.user_id, COALESCE(pu.display_name, ''),
		p.adapted_questioning, p.intermediary_needed, p.strengths, p.difficulties, p.recommendations,
		COALESCE(p.entered_in_error, FALSE), COALESCE(p.error_reason, ''), p.error_at, COALESCE(peu.display_name, ''),
		r.cancel_reason, r.cancelled_at, COALESCE(cu.display_name, '')
		FROM slt_requests r LEFT JOIN users u ON u.id = r.requested_by
		LEFT JOIN communication_profiles p ON p.request_id = r.id LEFT JOIN users pu ON pu.id = p.user_id
		LEFT JOIN users peu ON peu.id = p.error_by LEFT JOIN users cu ON cu.id = r.cancelled_by
		WHERE r.episode_id = ? ORDER BY r.requested_at DESC, r.id DESC`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SLTRequestRecord
	for rows.Next() {
		var r SLTRequestRecord
		var pid, puser sql.NullInt64
		var pocc, prec sql.Null[liaise.Time]
		var aq, need, str, diff, recs sql.NullString
		pc := &r.ProfileCorrection
		if err := scanSLT(rows, &r.SLTRequest, &r.RequestedByName, &pid, &pocc, &prec, &puser, &r.ProfileByName, &aq, &need, &str, &diff, &recs,
			&r.ProfileInError, &pc.ErrorReason, &pc.ErrorAt, &pc.ErrorByName, &r.CancelReason, &r.CancelledAt, &r.CancelledByName); err != nil {
			return nil, err
		}
		if pid.Valid {
			r.Profile = &liaise.CommunicationProfile{ID: pid.Int64, RequestID: r.ID, OccurredAt: pocc.V, RecordedAt: prec.V, UserID: puser.Int64,
				AdaptedQuestioning: aq.String, IntermediaryNeeded: need.String, Strengths: str.String, Difficulties: diff.String, Recommendations: recs.String}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ev := liaise.EventFor(a, liaise.AuditList, "slt_request", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("speech and language therapy requests of episode %d", episodeID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

// SLTQueue returns the open requests of the therapist's teams within their
// provider, oldest first. The read is audited with the people as subjects.
func (db *DB) SLTQueue(ctx context.Context) ([]SLTQueueItem, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapSLTQueue, liaise.Resource{Type: "slt_request"}); err != nil {
		return nil, err
	}
	var out []SLTQueueItem
	if len(a.TeamIDs) > 0 || a.System {
		q := `SELECT ` + sltCols + `, e.person_id, COALESCE(n.given, ''), COALESCE(n.family, ''), t.name, e.state
			FROM slt_requests r JOIN episodes e ON e.id = r.episode_id LEFT JOIN person_names n ON n.person_id = e.person_id AND n.position = 0 JOIN teams t ON t.id = e.team_id
			LEFT JOIN users u ON u.id = r.requested_by WHERE r.status = ?`
		args := []any{liaise.SLTOpen}
		if !a.System {
			q += ` AND e.provider_id = ? AND e.team_id IN (?` + strings.Repeat(", ?", len(a.TeamIDs)-1) + `)`
			args = append(args, a.ProviderID)
			for _, t := range a.TeamIDs {
				args = append(args, t)
			}
		}
		rows, err := db.Query(ctx, q+` ORDER BY r.requested_at, r.id`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var it SLTQueueItem
			var given, family, state string
			if err := scanSLT(rows, &it.SLTRequest, &it.RequestedByName, &it.PersonID, &given, &family, &it.TeamName, &state); err != nil {
				return nil, err
			}
			it.PersonName, it.EpisodeState = strings.TrimSpace(given+" "+family), liaise.EpisodeState(state)
			if it.PersonName == "" {
				it.PersonName = "Name not known"
			}
			out = append(out, it)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "slt_request", 0)
	ev.ProviderID = a.ProviderID
	for _, it := range out {
		ev.Subjects = append(ev.Subjects, it.PersonID)
	}
	ev.Detail = fmt.Sprintf("speech and language therapy queue, %d open", len(out))
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

// GetSLTRequest returns one request for the therapist, with its episode,
// under the episode's access rules (team membership or break-glass).
func (db *DB) GetSLTRequest(ctx context.Context, id int64) (SLTRequestRecord, Episode, error) {
	return db.openSLTRequest(ctx, id, liaise.CapSLTQueue)
}

// openSLTRequest is one audited read of a request by an actor whom one of
// caps lets act on it (tried in order).
func (db *DB) openSLTRequest(ctx context.Context, id int64, caps ...string) (SLTRequestRecord, Episode, error) {
	a := liaise.ActorFrom(ctx)
	r, e, err := db.sltRequestAccess(ctx, a, id, caps...)
	if err != nil {
		return SLTRequestRecord{}, Episode{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "slt_request", id)
	ev.ProviderID, ev.TeamID, ev.Subjects = e.ProviderID, e.TeamID, []int64{e.PersonID}
	if e.BreakGlass {
		ev.Detail = "break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return SLTRequestRecord{}, Episode{}, err
	}
	return r, e, nil
}

// sltRequestAccess loads a request and its episode for an actor whom the
// first of caps that opens the episode lets act on it. When none does, the
// refusal is the first capability's (break-glass first, for a practitioner
// of another team); another provider's request is not found.
func (db *DB) sltRequestAccess(ctx context.Context, a *liaise.Actor, id int64, caps ...string) (SLTRequestRecord, Episode, error) {
	var held []string
	for _, c := range caps {
		if a.Can(c) {
			held = append(held, c)
		}
	}
	if len(held) == 0 {
		return SLTRequestRecord{}, Episode{}, liaise.Authorize(a, caps[0], liaise.Resource{Type: "slt_request"})
	}
	var r SLTRequestRecord
	err := scanSLT(db.QueryRow(ctx, `SELECT `+sltCols+` FROM slt_requests r LEFT JOIN users u ON u.id = r.requested_by WHERE r.id = ?`, id),
		&r.SLTRequest, &r.RequestedByName)
	if errors.Is(err, sql.ErrNoRows) {
		return SLTRequestRecord{}, Episode{}, sltNotFound()
	}
	if err != nil {
		return SLTRequestRecord{}, Episode{}, err
	}
	var first error
	for _, c := range held {
		e, err := db.episodeAccess(ctx, a, c, r.EpisodeID)
		if err == nil {
			return r, e, nil
		}
		if first == nil {
			first = err
		}
	}
	if liaise.ErrorCode(first) == liaise.ENOTFOUND {
		return SLTRequestRecord{}, Episode{}, sltNotFound()
	}
	return SLTRequestRecord{}, Episode{}, first
}

// RecordCommunicationProfile stores the therapist's profile for an open
// request and completes the request, in one transaction. version is the
// request's version the therapist last saw: a stale one is refused.
func (db *DB) RecordCommunicationProfile(ctx context.Context, requestID int64, version int, p *liaise.CommunicationProfile) error {
	a := liaise.ActorFrom(ctx)
	req, e, err := db.GetSLTRequest(ctx, requestID)
	if err != nil {
		return err
	}
	if err := p.Validate(db.Now()); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		var status string
		var cur int
		if err := tx.QueryRow(ctx, `SELECT status, version FROM slt_requests WHERE id = ?`, requestID).Scan(&status, &cur); err != nil {
			return err
		}
		if status != liaise.SLTOpen {
			return liaise.Errorf(liaise.ECONFLICT, "This request is already %s.", status)
		}
		if p.OccurredAt.Before(req.RequestedAt.Time) {
			return fieldError("occurred_at", "The assessment cannot be before it was requested, at "+req.RequestedAt.Local().Format("15:04 on 2 January 2006"))
		}
		if err := tx.UpdateVersioned(ctx, "slt_requests", `UPDATE slt_requests SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			liaise.SLTCompleted, tx.Now, requestID, version); err != nil {
			return err
		}
		p.RequestID, p.RecordedAt, p.UserID = requestID, tx.Now, a.UserID
		var err error
		p.ID, err = tx.InsertID(ctx, `INSERT INTO communication_profiles (request_id, episode_id, occurred_at, recorded_at, user_id, adapted_questioning,
			intermediary_needed, strengths, difficulties, recommendations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			requestID, req.EpisodeID, p.OccurredAt, tx.Now, nullID(a.UserID), p.AdaptedQuestioning, p.IntermediaryNeeded, p.Strengths, p.Difficulties, p.Recommendations)
		if err != nil {
			return err
		}
		detail := "intermediary needed: " + p.IntermediaryNeeded
		if e.BreakGlass {
			detail += ", break-glass"
		}
		if err := auditWrite(ctx, tx, a, liaise.AuditCreate, "communication_profile", p.ID, e.ProviderID, e.TeamID, detail); err != nil {
			return err
		}
		if err := auditWrite(ctx, tx, a, liaise.AuditUpdate, "slt_request", requestID, e.ProviderID, e.TeamID, "completed by communication profile"); err != nil {
			return err
		}
		return addPersonEvent(ctx, tx, a, e.PersonID, "communication_profile", "Communication profile recorded")
	})
}

// SLTRequestForChange opens a request for someone who may cancel it: the
// episode's team (record.write on the episode) or a therapist (as
// GetSLTRequest). Another team's practitioner gets the episode's refusal
// (break-glass first); another provider's, not found. The read is audited.
func (db *DB) SLTRequestForChange(ctx context.Context, id int64) (SLTRequestRecord, Episode, error) {
	return db.openSLTRequest(ctx, id, liaise.CapRecordWrite, liaise.CapSLTQueue)
}

// CancelSLTRequest cancels an open request with a reason, by the episode's
// team or a therapist: it leaves the therapists' queue and stays in the
// record with who cancelled it, when and why. version is the request's
// version the user saw: a stale one is refused (ESTALE) and nothing is
// changed. A completed or already cancelled request cannot be cancelled
// (ECONFLICT).
func (db *DB) CancelSLTRequest(ctx context.Context, id int64, version int, reason string) (SLTRequestRecord, error) {
	a := liaise.ActorFrom(ctx)
	r, e, err := db.sltRequestAccess(ctx, a, id, liaise.CapRecordWrite, liaise.CapSLTQueue)
	if err != nil {
		return SLTRequestRecord{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return SLTRequestRecord{}, fieldError("reason", "Enter why the request is being cancelled")
	case utf8.RuneCountInString(reason) > 2000:
		return SLTRequestRecord{}, fieldError("reason", "The reason must be 2,000 characters or fewer")
	}
	err = db.Update(ctx, func(tx *Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM slt_requests WHERE id = ?`, id).Scan(&status); err != nil {
			return err
		}
		switch status {
		case liaise.SLTCompleted:
			return liaise.Errorf(liaise.ECONFLICT, "This request is already completed, so it cannot be cancelled. If its communication profile is wrong, mark the profile as entered in error.")
		case liaise.SLTCancelled:
			return liaise.Errorf(liaise.ECONFLICT, "This request is already cancelled.")
		}
		if err := tx.UpdateVersioned(ctx, "slt_requests", `UPDATE slt_requests SET status = ?, cancel_reason = ?, cancelled_at = ?, cancelled_by = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, liaise.SLTCancelled, reason, tx.Now, nullID(a.UserID), tx.Now, id, version); err != nil {
			return err
		}
		r.Status, r.Version, r.CancelReason, r.CancelledAt, r.CancelledByName = liaise.SLTCancelled, version+1, reason, tx.Now, a.DisplayName
		ev := liaise.EventFor(a, liaise.AuditUpdate, "slt_request", id)
		ev.ProviderID, ev.TeamID, ev.Subjects, ev.Detail = e.ProviderID, e.TeamID, []int64{e.PersonID}, "cancelled"
		if e.BreakGlass {
			ev.Detail += ", break-glass"
		}
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		return addPersonEvent(ctx, tx, a, e.PersonID, "slt_request", "Speech and language therapy request cancelled")
	})
	if err != nil {
		return SLTRequestRecord{}, err
	}
	return r, nil
}
