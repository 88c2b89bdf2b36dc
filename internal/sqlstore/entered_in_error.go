package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"liaise"
)

// markEnteredInError marks one row of an episode's append-only record as
// entered in error, with a reason: the row stays in the record (nothing is
// deleted) and can be marked only once. table must have the columns
// entered_in_error, error_reason, error_at and error_by; it is one of our own
// table names, never user input.
func (db *DB) markEnteredInError(ctx context.Context, table, recordType, what string, episodeID, id int64, reason string) error {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fieldError("reason", "Enter why this entry is wrong")
	}
	if utf8.RuneCountInString(reason) > 2000 {
		return fieldError("reason", "The reason must be 2,000 characters or fewer")
	}
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE `+table+` SET entered_in_error = TRUE, error_reason = ?, error_at = ?, error_by = ?
			WHERE id = ? AND episode_id = ? AND NOT entered_in_error`, reason, tx.Now, nullID(a.UserID), id, episodeID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var marked bool
			err := tx.QueryRow(ctx, `SELECT entered_in_error FROM `+table+` WHERE id = ? AND episode_id = ?`, id, episodeID).Scan(&marked)
			if errors.Is(err, sql.ErrNoRows) {
				return liaise.Errorf(liaise.ENOTFOUND, "That %s was not found.", what)
			}
			if err != nil {
				return err
			}
			return liaise.Errorf(liaise.ECONFLICT, "This entry is already marked as entered in error.")
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, recordType, id, e.ProviderID, e.TeamID, "entered in error")
	})
}
