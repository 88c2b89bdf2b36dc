package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liaise"
	"liaise/internal/codes"
)

// Corrections never erase (DESIGN.md §10): a wrong entry in an episode's
// append-only record is marked entered in error with a reason, once. It
// stays in the record, flagged, with who marked it and when, and the change
// is audited in the same transaction. Every kind of entry goes through one
// routine, MarkInError; an EntryKind below says which table it lives in, how
// to name one entry, and what marking it takes back (a screening's move of
// the episode, for example). The next kind of entry is one more EntryKind.

// EntryKind is one kind of append-only episode record that can be marked
// entered in error. Its table has the columns id, episode_id, occurred_at,
// recorded_at, entered_in_error, error_reason, error_at and error_by.
type EntryKind struct {
	// Type is the record type in the audit trail, e.g. "screening".
	Type string
	// What names one entry in messages, e.g. "screening".
	What string
	// table is one of our own table names, never user input.
	table string
	// label is SQL for two texts about the row (alias x) that describe turns
	// into what the entry is, e.g. "Minimum screen".
	label    string
	describe func(a, b string) string
	// by is the column of who recorded the entry.
	by string
	// timeline: creating the entry added a line to the person's timeline, so
	// marking it adds one too.
	timeline bool
	// after runs in the marking transaction to take back what the entry did
	// to the episode; it returns a sentence saying what happened, or "".
	after func(ctx context.Context, tx *Tx, a *liaise.Actor, e Episode, id int64) (string, error)
}

// The kinds of entry that can be marked entered in error (case notes keep
// their own table of errors: MarkNoteEnteredInError).
var (
	ContactEntries = &EntryKind{Type: "contact", What: "contact", table: "contacts", label: "x.kind, x.counterpart_agency_type", by: "user_id",
		describe: func(kind, agency string) string {
			if kind == ContactIndirect {
				return "Indirect activity with " + strings.ToLower(liaise.LabelOf(CounterpartAgencyTypes, agency))
			}
			return "Direct contact"
		}}
	OutcomeEntries = &EntryKind{Type: "justice_outcome", What: "outcome", table: "justice_outcomes", label: "x.stage, x.outcome", by: "user_id",
		describe: outcomeTitle, timeline: true}
	ScreeningEntries = &EntryKind{Type: "screening", What: "screening", table: "screenings", label: "x.kind, x.incomplete_reason", by: "user_id",
		describe: func(kind, incomplete string) string {
			return liaise.LabelOf(liaise.ScreeningKinds, kind) + notCompleted(incomplete)
		}, timeline: true, after: takeBackMove("screenings", "screening")}
	AssessmentEntries = &EntryKind{Type: "assessment", What: "assessment", table: "assessments", label: "x.type, x.incomplete_reason", by: "user_id",
		describe: func(typ, incomplete string) string {
			return "Assessment (" + screeningLower(liaise.LabelOf(liaise.AssessmentTypes, typ)) + ")" + notCompleted(incomplete)
		}, timeline: true, after: takeBackMove("assessments", "assessment")}
	ConsentEntries = &EntryKind{Type: "consent", What: "consent", table: "consents", label: "x.scope, x.decision", by: "recorded_by",
		describe: func(scope, decision string) string {
			return "Consent: " + screeningLower(codes.Label("consent-scopes", scope)) + ", " + screeningLower(liaise.LabelOf(liaise.ConsentDecisions, decision))
		}}
	ProfileEntries = &EntryKind{Type: "communication_profile", What: "communication profile", table: "communication_profiles",
		label: "x.intermediary_needed, ''", by: "user_id", timeline: true,
		describe: func(string, string) string { return "Communication profile (speech and language therapy)" }}
)

func notCompleted(reason string) string {
	if reason != "" {
		return " (not completed)"
	}
	return ""
}

// Entry is one entry of a kind as the entered-in-error form shows it.
type Entry struct {
	ID, EpisodeID  int64
	What           string
	OccurredAt     liaise.Time
	RecordedAt     liaise.Time
	ByName         string
	EnteredInError bool
	Correction
}

// Correction is how an entry was marked entered in error: why, when and by whom.
type Correction struct {
	ErrorReason string
	ErrorAt     liaise.Time
	ErrorByName string
}

// errorReason tidies and checks the reason given for a correction.
func errorReason(reason string, max int) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", fieldError("reason", "Enter why this entry is wrong")
	}
	if utf8.RuneCountInString(reason) > max {
		return "", fieldError("reason", fmt.Sprintf("The reason must be %s characters or fewer", thousands(max)))
	}
	return reason, nil
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	if len(s) > 3 {
		s = s[:len(s)-3] + "," + s[len(s)-3:]
	}
	return s
}

func (k *EntryKind) notFound() error {
	return liaise.Errorf(liaise.ENOTFOUND, "That %s was not found.", k.What)
}

// GetEntry returns one entry of an episode for the entered-in-error form,
// under the episode's access rules. The read is audited.
func (db *DB) GetEntry(ctx context.Context, k *EntryKind, episodeID, id int64) (Entry, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return Entry{}, err
	}
	x := Entry{ID: id, EpisodeID: episodeID}
	var l1, l2 string
	err = db.QueryRow(ctx, `SELECT `+k.label+`, x.occurred_at, x.recorded_at, COALESCE(u.display_name, 'System'), x.entered_in_error,
		x.error_reason, x.error_at, COALESCE(eu.display_name, '')
		FROM `+k.table+` x LEFT JOIN users u ON u.id = x.`+k.by+` LEFT JOIN users eu ON eu.id = x.error_by
		WHERE x.id = ? AND x.episode_id = ?`, id, episodeID).Scan(&l1, &l2, &x.OccurredAt, &x.RecordedAt, &x.ByName, &x.EnteredInError,
		&x.ErrorReason, &x.ErrorAt, &x.ErrorByName)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, k.notFound()
	}
	if err != nil {
		return Entry{}, err
	}
	x.What = k.describe(l1, l2)
	ev := liaise.EventFor(a, liaise.AuditRead, k.Type, id)
	ev.ProviderID, ev.TeamID, ev.Subjects = e.ProviderID, e.TeamID, []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("episode %d, to correct", episodeID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	return x, db.AuditRead(ctx, ev)
}

// MarkInError marks one entry of an episode entered in error, with a reason:
// the entry stays in the record (nothing is deleted), flagged with who marked
// it and when, and can be marked only once (a second time is a conflict).
// An id of another episode is not found. The write needs record.write on
// the episode and is audited with it, in one transaction. It returns what
// marking did to the episode, when it did anything (for the page to say).
func (db *DB) MarkInError(ctx context.Context, k *EntryKind, episodeID, id int64, reason string) (string, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return "", err
	}
	if reason, err = errorReason(reason, 2000); err != nil {
		return "", err
	}
	var effect string
	err = db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE `+k.table+` SET entered_in_error = TRUE, error_reason = ?, error_at = ?, error_by = ?
			WHERE id = ? AND episode_id = ? AND NOT entered_in_error`, reason, tx.Now, nullID(a.UserID), id, episodeID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var marked bool
			err := tx.QueryRow(ctx, `SELECT entered_in_error FROM `+k.table+` WHERE id = ? AND episode_id = ?`, id, episodeID).Scan(&marked)
			if errors.Is(err, sql.ErrNoRows) {
				return k.notFound()
			}
			if err != nil {
				return err
			}
			return liaise.Errorf(liaise.ECONFLICT, "This entry is already marked as entered in error.")
		}
		ev := liaise.EventFor(a, liaise.AuditUpdate, k.Type, id)
		ev.ProviderID, ev.TeamID, ev.Subjects, ev.Detail = e.ProviderID, e.TeamID, []int64{e.PersonID}, "entered in error"
		if e.BreakGlass {
			ev.Detail += ", break-glass"
		}
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		if k.timeline {
			var l1, l2 string
			if err := tx.QueryRow(ctx, `SELECT `+k.label+` FROM `+k.table+` x WHERE x.id = ?`, id).Scan(&l1, &l2); err != nil {
				return err
			}
			if err := addPersonEvent(ctx, tx, a, e.PersonID, k.Type, k.describe(l1, l2)+" marked as entered in error"); err != nil {
				return err
			}
		}
		if k.after != nil {
			effect, err = k.after(ctx, tx, a, e, id)
		}
		return err
	})
	return effect, err
}

// takeBackMove is the after step of screenings and assessments: the move
// to screened or assessed that the entry made is flagged entered in error
// (it stays in the history and leaves the clocks). When another complete
// entry of the kind, made since the episode reached that point, can stand
// in, the move is recorded again from it; otherwise, when nothing has moved
// the episode on since, the episode goes back to where it was.
func takeBackMove(table, source string) func(ctx context.Context, tx *Tx, a *liaise.Actor, e Episode, id int64) (string, error) {
	return func(ctx context.Context, tx *Tx, a *liaise.Actor, e Episode, id int64) (string, error) {
		var moveID int64
		var from, to string
		var at liaise.Time
		err := tx.QueryRow(ctx, `SELECT id, from_state, to_state, occurred_at FROM episode_transitions
			WHERE episode_id = ? AND source_type = ? AND source_id = ? AND NOT entered_in_error`, e.ID, source, id).Scan(&moveID, &from, &to, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil // it never moved the episode
		}
		if err != nil {
			return "", err
		}
		var latest int64
		if err := tx.QueryRow(ctx, `SELECT id FROM episode_transitions WHERE episode_id = ? AND NOT entered_in_error
			ORDER BY occurred_at DESC, id DESC LIMIT 1`, e.ID).Scan(&latest); err != nil {
			return "", err
		}
		// When the episode reached the state the move started from.
		var since liaise.Time
		err = tx.QueryRow(ctx, `SELECT occurred_at FROM episode_transitions WHERE episode_id = ? AND NOT entered_in_error AND id <> ?
			AND to_state = ? AND occurred_at <= ? ORDER BY occurred_at DESC, id DESC LIMIT 1`, e.ID, moveID, from, at).Scan(&since)
		if errors.Is(err, sql.ErrNoRows) {
			since = e.AlertedAt
		} else if err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, `UPDATE episode_transitions SET entered_in_error = TRUE WHERE id = ?`, moveID); err != nil {
			return "", err
		}
		move := fmt.Sprintf("%s to %s", from, to)
		toLabel := screeningLower(liaise.EpisodeState(to).Label())

		// Another complete entry that made no move of its own stands in.
		var standIn int64
		var standInAt liaise.Time
		err = tx.QueryRow(ctx, `SELECT x.id, x.occurred_at FROM `+table+` x WHERE x.episode_id = ? AND x.id <> ? AND NOT x.entered_in_error
			AND x.incomplete_reason = '' AND x.occurred_at >= ?
			AND NOT EXISTS (SELECT 1 FROM episode_transitions t WHERE t.episode_id = x.episode_id AND t.source_type = ? AND t.source_id = x.id AND NOT t.entered_in_error)
			ORDER BY x.occurred_at, x.id LIMIT 1`, e.ID, id, since, source).Scan(&standIn, &standInAt)
		switch {
		case err == nil:
			t := liaise.Transition{From: liaise.EpisodeState(from), To: liaise.EpisodeState(to), OccurredAt: standInAt}
			if err := insertTransitionFrom(ctx, tx, a, e.ID, t, source, standIn); err != nil {
				return "", err
			}
			return fmt.Sprintf("The episode stays %s: the %s of %s now counts instead", toLabel, source, standInAt.Local().Format("2 Jan 2006 15:04")),
				auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", e.ID, e.ProviderID, e.TeamID,
					fmt.Sprintf("transition %s now from %s %d (%s %d entered in error)", move, source, standIn, source, id))
		case !errors.Is(err, sql.ErrNoRows):
			return "", err
		}
		cur, err := loadEpisodeRow(ctx, tx, e.ID)
		if err != nil {
			return "", err
		}
		if latest != moveID || string(cur.State) != to {
			return "The episode has moved on since, so its state is unchanged; the move to " + toLabel + " no longer counts for the clocks",
				auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", e.ID, e.ProviderID, e.TeamID,
					fmt.Sprintf("transition %s entered in error with %s %d", move, source, id))
		}
		if err := tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			from, tx.Now, e.ID, cur.Version); err != nil {
			return "", err
		}
		return "The episode is back to " + screeningLower(liaise.EpisodeState(from).Label()),
			auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", e.ID, e.ProviderID, e.TeamID,
				fmt.Sprintf("transition %s taken back: %s %d entered in error", move, source, id))
	}
}
