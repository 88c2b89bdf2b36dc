package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liaise"
)

// Case notes (issue 3 item 14): free-text notes on an episode, append-only.
// Nothing here updates or deletes a note: a correction is a new note that
// amends the original (which stays and points to its amendment), and a note
// written in error is marked so with a reason in its own table, its text
// still shown struck through. The database refuses UPDATE of case_notes.

// MaxNoteLen bounds a note: long enough for a full write-up, short enough
// that a pasted document does not become a note.
const MaxNoteLen = 10000

// Note is one case note as a reader may see it.
type Note struct {
	ID               int64
	EpisodeID        int64
	OccurredAt       liaise.Time
	RecordedAt       liaise.Time
	UserID           int64
	UserName         string
	Text             string
	RestrictedToTeam bool
	AmendsNoteID     int64
	// AmendedByID and AmendedAt name the note that amends this one, if any.
	AmendedByID int64
	AmendedAt   liaise.Time
	// AmendsOccurredAt is when the note this one amends was about.
	AmendsOccurredAt liaise.Time
	// EnteredInError is set when the note was marked written in error.
	EnteredInError bool
	ErrorReason    string
	ErrorByName    string
	ErrorAt        liaise.Time
	// Hidden is set when the note is restricted to a team the reader is not
	// in: Text is then empty.
	Hidden bool
}

// Late reports whether the note was written up more than a day after what
// it records.
func (n Note) Late() bool { return liaise.LateEntry(n.OccurredAt, n.RecordedAt) }

// NoteInput is a new note, or an amendment when AmendsNoteID is set.
type NoteInput struct {
	Text             string
	OccurredAt       liaise.Time
	RestrictedToTeam bool
	AmendsNoteID     int64
}

const noteCols = `n.id, n.episode_id, n.occurred_at, n.recorded_at, n.user_id, COALESCE(u.display_name, 'System'), n.text, n.restricted_to_team,
	n.amends_note_id, am.id, am.recorded_at, orig.occurred_at, x.note_id IS NOT NULL, COALESCE(x.reason, ''), COALESCE(xu.display_name, ''), x.recorded_at`

const noteFrom = ` FROM case_notes n LEFT JOIN users u ON u.id = n.user_id
	LEFT JOIN case_notes am ON am.amends_note_id = n.id
	LEFT JOIN case_notes orig ON orig.id = n.amends_note_id
	LEFT JOIN case_note_errors x ON x.note_id = n.id LEFT JOIN users xu ON xu.id = x.user_id`

func scanNote(row interface{ Scan(...any) error }, n *Note) error {
	var user, amends, amendedBy sql.NullInt64
	err := row.Scan(&n.ID, &n.EpisodeID, &n.OccurredAt, &n.RecordedAt, &user, &n.UserName, &n.Text, &n.RestrictedToTeam,
		&amends, &amendedBy, &n.AmendedAt, &n.AmendsOccurredAt, &n.EnteredInError, &n.ErrorReason, &n.ErrorByName, &n.ErrorAt)
	n.UserID, n.AmendsNoteID, n.AmendedByID = user.Int64, amends.Int64, amendedBy.Int64
	return err
}

// hideRestricted blanks a team-restricted note for a reader outside the
// team (one who opened the episode by break-glass).
func hideRestricted(a *liaise.Actor, e Episode, n *Note) {
	if n.RestrictedToTeam && !a.InTeam(e.TeamID) {
		n.Text, n.Hidden = "", true
		n.ErrorReason = ""
	}
}

func noteNotFound() error { return liaise.Errorf(liaise.ENOTFOUND, "Case note was not found.") }

// ListNotes returns an episode's notes, newest first. Notes restricted to
// the team come without their text for a reader outside it. The read is
// audited with the person as its subject.
func (db *DB) ListNotes(ctx context.Context, episodeID int64) ([]Note, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT `+noteCols+noteFrom+` WHERE n.episode_id = ? ORDER BY n.recorded_at DESC, n.id DESC`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := scanNote(rows, &n); err != nil {
			return nil, err
		}
		hideRestricted(a, e, &n)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ev := liaise.EventFor(a, liaise.AuditList, "case_note", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = "notes of episode " + strconv.FormatInt(e.ID, 10)
	if e.BreakGlass {
		ev.Detail += " (break-glass)"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

// GetNote returns one note of an episode (audited).
func (db *DB) GetNote(ctx context.Context, episodeID, noteID int64) (Note, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return Note{}, err
	}
	n, err := loadNote(ctx, db, episodeID, noteID)
	if err != nil {
		return Note{}, err
	}
	hideRestricted(a, e, &n)
	ev := liaise.EventFor(a, liaise.AuditRead, "case_note", n.ID)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	if e.BreakGlass {
		ev.Detail = "break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return Note{}, err
	}
	return n, nil
}

func loadNote(ctx context.Context, q queryer, episodeID, noteID int64) (Note, error) {
	var n Note
	err := scanNote(q.QueryRow(ctx, `SELECT `+noteCols+noteFrom+` WHERE n.id = ? AND n.episode_id = ?`, noteID, episodeID), &n)
	if errors.Is(err, sql.ErrNoRows) {
		return n, noteNotFound()
	}
	return n, err
}

// mayCorrect says whether the actor may amend a note or mark it entered in
// error: its author, or someone who allocates the team's work (a senior
// practitioner or manager), and never from outside the team.
func mayCorrect(a *liaise.Actor, e Episode, n Note) error {
	if a.System {
		return nil
	}
	if !a.InTeam(e.TeamID) {
		return liaise.Errorf(liaise.EFORBIDDEN, "Only members of the episode's team can correct its notes.")
	}
	if n.UserID != a.UserID && !a.Can(liaise.CapAllocate) {
		return liaise.Errorf(liaise.EFORBIDDEN, "Only the author of a note, or a senior practitioner or manager, can correct it: add a new note instead.")
	}
	return nil
}

// AddNote appends a note to an episode. With AmendsNoteID it is an
// amendment: the original stays as it was and shows that it was amended.
func (db *DB) AddNote(ctx context.Context, episodeID int64, in NoteInput) (Note, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return Note{}, err
	}
	now := db.Now()
	var v liaise.Validation
	in.Text = strings.TrimRight(in.Text, " \t\r\n")
	switch {
	case strings.TrimSpace(in.Text) == "":
		v.Add("text", "Enter the note")
	case utf8.RuneCountInString(in.Text) > MaxNoteLen:
		v.Add("text", "A note must be 10,000 characters or fewer")
	}
	switch {
	case in.OccurredAt.IsZero():
		v.Add("occurred_at", "Enter the date and time the note is about")
	case in.OccurredAt.After(now.Add(5 * time.Minute)):
		v.Add("occurred_at", "The time the note is about cannot be in the future")
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	var id int64
	err = db.Update(ctx, func(tx *Tx) error {
		detail := "note added"
		if in.AmendsNoteID != 0 {
			orig, err := loadNote(ctx, tx, episodeID, in.AmendsNoteID)
			if err != nil {
				return err
			}
			if err := mayCorrect(a, e, orig); err != nil {
				return err
			}
			if orig.EnteredInError {
				return liaise.Errorf(liaise.ECONFLICT, "That note was marked as entered in error: add a new note instead.")
			}
			if orig.AmendedByID != 0 {
				return liaise.Errorf(liaise.ECONFLICT, "That note has already been amended: amend the latest version instead.")
			}
			detail = "amends note " + strconv.FormatInt(orig.ID, 10)
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO case_notes (episode_id, occurred_at, recorded_at, user_id, text, restricted_to_team, amends_note_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, episodeID, in.OccurredAt, tx.Now, nullID(a.UserID), in.Text, in.RestrictedToTeam, nullID(in.AmendsNoteID))
		if err != nil {
			if in.AmendsNoteID != 0 && isUniqueViolation(err) {
				return liaise.Errorf(liaise.ECONFLICT, "That note has just been amended by someone else: amend the latest version instead.")
			}
			return err
		}
		if in.RestrictedToTeam {
			detail += ", restricted to the team"
		}
		if liaise.LateEntry(in.OccurredAt, tx.Now) {
			detail += " (late entry)"
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "case_note", id, e.ProviderID, e.TeamID, detail)
	})
	if err != nil {
		return Note{}, err
	}
	return loadNote(ctx, db, episodeID, id)
}

// MarkNoteEnteredInError records that a note was written in error (for
// example on the wrong person's record), with a reason. The note is kept and
// shown struck through; it is never deleted.
func (db *DB) MarkNoteEnteredInError(ctx context.Context, episodeID, noteID int64, reason string) (Note, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return Note{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Note{}, fieldError("reason", "Enter why the note was entered in error")
	case utf8.RuneCountInString(reason) > 500:
		return Note{}, fieldError("reason", "The reason must be 500 characters or fewer")
	}
	err = db.Update(ctx, func(tx *Tx) error {
		n, err := loadNote(ctx, tx, episodeID, noteID)
		if err != nil {
			return err
		}
		if err := mayCorrect(a, e, n); err != nil {
			return err
		}
		if n.EnteredInError {
			return liaise.Errorf(liaise.ECONFLICT, "That note is already marked as entered in error.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_note_errors (note_id, reason, user_id, recorded_at) VALUES (?, ?, ?, ?)`,
			noteID, reason, nullID(a.UserID), tx.Now); err != nil {
			if isUniqueViolation(err) {
				return liaise.Errorf(liaise.ECONFLICT, "That note is already marked as entered in error.")
			}
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "case_note", noteID, e.ProviderID, e.TeamID, "marked entered in error")
	})
	if err != nil {
		return Note{}, err
	}
	return loadNote(ctx, db, episodeID, noteID)
}
