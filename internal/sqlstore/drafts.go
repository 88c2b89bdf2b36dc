package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"liaise"
)

// Drafts: what one user typed into one long form and has not yet submitted,
// so an idle sign-out on a shared custody terminal loses nothing (DESIGN.md
// §10 "Sessions"; docs/adr/0005-drafts.md). A draft belongs to its user
// alone: every method here acts for the signed-in actor and never reads
// another user's draft. Whether the user may still open the form's record
// is checked by the form (internal/server/ui_drafts.go) before a draft is
// saved, restored or discarded.

// DraftLifetime is how long a draft is kept after it was last saved; the
// session clean-up job purges older ones.
const DraftLifetime = 14 * 24 * time.Hour

// maxDraftBytes bounds one draft's stored values: the longest form is a few
// kilobytes, so this only stops abuse.
const maxDraftBytes = 256 << 10

// Draft is one user's unsubmitted copy of one form.
type Draft struct {
	ID     int64
	UserID int64
	// FormKey is the form's own path (e.g. /episodes/12/screening/full):
	// one draft per user per form.
	FormKey string
	// Values are the posted fields, exactly as the form would submit them.
	Values url.Values
	// Version is the version of the form's record when the form was opened,
	// so a restored draft cannot be saved over a later change (0 when the
	// form makes a new record of its own, such as a new person).
	Version   int
	SavedAt   liaise.Time
	ExpiresAt liaise.Time
}

// DraftRecord names the record a draft's form belongs to, for the audit
// trail ("who looked at this person" includes their drafts). A zero
// DraftRecord (a new person, or a form kept after its session ended) is
// audited against the draft itself.
type DraftRecord struct {
	Type       string
	ID, TeamID int64
}

func draftActor(ctx context.Context) (*liaise.Actor, error) {
	a := liaise.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return nil, liaise.Errorf(liaise.EUNAUTHENTICATED, "Sign in to keep a draft.")
	}
	return a, nil
}

// draftEvent is the audit event of a draft operation: on the form's record
// when there is one, else on the draft. detail names the form by its path,
// which holds only ids, never what was typed.
func draftEvent(a *liaise.Actor, action string, rec DraftRecord, draftID int64, detail, key string) liaise.AuditEvent {
	typ, id := rec.Type, rec.ID
	if typ == "" {
		typ, id = "draft", draftID
	}
	ev := liaise.EventFor(a, action, typ, id)
	ev.TeamID = rec.TeamID
	ev.Detail = detail + ": " + key
	return ev
}

func validDraftKey(key string) error {
	if !strings.HasPrefix(key, "/") || len(key) > 300 {
		return liaise.Errorf(liaise.EINVALID, "A draft must belong to a form of Liaise.")
	}
	return nil
}

// SaveDraft keeps d for the signed-in user, replacing their earlier draft
// of the same form, and audits it (detail says why: saved by the user, or
// kept after the session ended) in the same transaction. It sets d's id,
// user and times.
func (db *DB) SaveDraft(ctx context.Context, d *Draft, rec DraftRecord, detail string) error {
	a, err := draftActor(ctx)
	if err != nil {
		return err
	}
	if err := validDraftKey(d.FormKey); err != nil {
		return err
	}
	vals := url.Values{}
	for k, vs := range d.Values {
		vals[k] = vs
	}
	b, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	if len(b) > maxDraftBytes {
		return liaise.Errorf(liaise.EINVALID, "This form is too long to keep as a draft. Save it instead.")
	}
	return db.Update(ctx, func(tx *Tx) error {
		d.UserID, d.SavedAt, d.ExpiresAt = a.UserID, tx.Now, liaise.NewTime(tx.Now.Add(DraftLifetime))
		id, err := tx.InsertID(ctx, `INSERT INTO drafts (user_id, form_key, form_values, record_version, saved_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id, form_key) DO UPDATE SET form_values = excluded.form_values, record_version = excluded.record_version,
			saved_at = excluded.saved_at, expires_at = excluded.expires_at`,
			d.UserID, d.FormKey, string(b), d.Version, d.SavedAt, d.ExpiresAt)
		if err != nil {
			return err
		}
		d.ID = id
		return tx.Audit(ctx, draftEvent(a, liaise.AuditUpdate, rec, id, detail, d.FormKey))
	})
}

// RestoreDraft returns the signed-in user's live draft of the form and
// audits that it was shown; ok is false when there is none (or it has
// expired). Call it only once the user has opened the form's record.
func (db *DB) RestoreDraft(ctx context.Context, formKey string, rec DraftRecord) (d Draft, ok bool, err error) {
	a, err := draftActor(ctx)
	if err != nil {
		return d, false, err
	}
	var raw string
	err = db.QueryRow(ctx, `SELECT id, user_id, form_key, form_values, record_version, saved_at, expires_at FROM drafts
		WHERE user_id = ? AND form_key = ? AND expires_at > ?`, a.UserID, formKey, db.Now()).
		Scan(&d.ID, &d.UserID, &d.FormKey, &raw, &d.Version, &d.SavedAt, &d.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, false, nil
	}
	if err != nil {
		return Draft{}, false, err
	}
	if err := json.Unmarshal([]byte(raw), &d.Values); err != nil {
		return Draft{}, false, err
	}
	if d.Values == nil {
		d.Values = url.Values{}
	}
	if err := db.AuditRead(ctx, draftEvent(a, liaise.AuditRead, rec, d.ID, "draft restored", formKey)); err != nil {
		return Draft{}, false, err
	}
	return d, true, nil
}

// DiscardDraft deletes the signed-in user's draft of the form at their
// request, audited; it reports whether there was one.
func (db *DB) DiscardDraft(ctx context.Context, formKey string, rec DraftRecord) (bool, error) {
	a, err := draftActor(ctx)
	if err != nil {
		return false, err
	}
	var found bool
	err = db.Update(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `DELETE FROM drafts WHERE user_id = ? AND form_key = ? RETURNING id`, a.UserID, formKey).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		return tx.Audit(ctx, draftEvent(a, liaise.AuditUpdate, rec, id, "draft discarded", formKey))
	})
	return found, err
}

// DeleteDraft removes the signed-in user's draft of a form once the form
// has been submitted: the submission itself is the audited change.
func (db *DB) DeleteDraft(ctx context.Context, formKey string) error {
	a, err := draftActor(ctx)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `DELETE FROM drafts WHERE user_id = ? AND form_key = ?`, a.UserID, formKey)
	return err
}

// DeleteExpiredDrafts purges drafts past their expiry (the session
// clean-up job calls it); it returns how many went.
func (db *DB) DeleteExpiredDrafts(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM drafts WHERE expires_at <= ?`, liaise.NewTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// EndedSessionUser returns the user of a session that ended by itself (idle
// or at its time limit) but was not signed out or revoked, so a form posted
// just after an idle sign-out can be kept as that user's draft. It never
// signs anyone in: the session stays ended.
func (db *DB) EndedSessionUser(ctx context.Context, tokenHash string) (int64, bool, error) {
	var uid int64
	err := db.QueryRow(ctx, `SELECT user_id FROM sessions WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return uid, err == nil, err
}
