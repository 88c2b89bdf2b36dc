package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liaise"
	"liaise/internal/codes"
)

// Disclosures (issue 3 item 9): every sharing outside the service, resting
// on an active consent of the matching scope or on a legal basis for
// sharing without consent (liaise.CheckDisclosure decides, against the
// consents read in the same transaction). A disclosure without consent is
// stored at once, so an urgent one at 02:00 is never blocked, and joins the
// provider's review queue for the next working day, where it is reviewed
// once. Disclosures are append-only.

// Limits on free text, so a pasted document does not become a disclosure.
const (
	maxDisclosureContent = 10000
	maxRecipientRole     = 200
)

// DisclosureRecord is a stored disclosure with what the pages show beside it.
type DisclosureRecord struct {
	liaise.Disclosure
	ProviderID, TeamID, PersonID int64
	RecordedAt                   liaise.Time
	// ConsentID is the consent relied on (0: a legal basis instead).
	ConsentID       int64
	DisclosedByName string
	NeedsReview     bool
	ReviewDue       liaise.Date
	ReviewedBy      int64
	ReviewedByName  string
	ReviewedAt      liaise.Time
	Outcome         string
	Comment         string
	// PersonName is filled for the review queue: "Restricted record" when
	// the reviewer is not named on a restricted person (Hidden).
	PersonName string
	Hidden     bool
	// The document version the disclosure shared, if it issued one.
	DocumentID, DocumentVersionID int64
	DocumentNumber                int
	DocumentKind                  string
}

// Pending reports whether the disclosure still waits for review.
func (d DisclosureRecord) Pending() bool { return d.NeedsReview && d.ReviewedAt.IsZero() }

const disclosureCols = `d.id, d.provider_id, e.team_id, d.episode_id, d.person_id, d.recipient_agency, d.recipient_role, d.purpose, d.content,
	d.channel, d.occurred_at, d.recorded_at, d.disclosed_by, COALESCE(du.display_name, ''), d.consent_id, COALESCE(c.scope, ''),
	d.legal_basis, d.urgent, d.needs_review, d.review_due, d.reviewed_by, COALESCE(ru.display_name, ''), d.reviewed_at, d.outcome, d.comment, p.restricted,
	COALESCE(dv.id, 0), COALESCE(dv.document_id, 0), COALESCE(dv.number, 0), COALESCE(doc.kind, '')`

const disclosureFrom = ` FROM disclosures d JOIN episodes e ON e.id = d.episode_id JOIN people p ON p.id = d.person_id
	LEFT JOIN users du ON du.id = d.disclosed_by LEFT JOIN consents c ON c.id = d.consent_id LEFT JOIN users ru ON ru.id = d.reviewed_by
	LEFT JOIN document_versions dv ON dv.id = d.document_version_id LEFT JOIN documents doc ON doc.id = dv.document_id`

func scanDisclosure(row interface{ Scan(...any) error }, d *DisclosureRecord, restricted *bool) error {
	var by, consent, reviewer sql.NullInt64
	var basis, outcome, comment sql.NullString
	err := row.Scan(&d.ID, &d.ProviderID, &d.TeamID, &d.EpisodeID, &d.PersonID, &d.RecipientAgency, &d.RecipientRole, &d.Purpose, &d.Content,
		&d.Channel, &d.OccurredAt, &d.RecordedAt, &by, &d.DisclosedByName, &consent, &d.ConsentScope, &basis, &d.Urgent, &d.NeedsReview,
		&d.ReviewDue, &reviewer, &d.ReviewedByName, &d.ReviewedAt, &outcome, &comment, restricted,
		&d.DocumentVersionID, &d.DocumentID, &d.DocumentNumber, &d.DocumentKind)
	d.DisclosedBy, d.ConsentID, d.LegalBasis, d.ReviewedBy = by.Int64, consent.Int64, basis.String, reviewer.Int64
	d.Outcome, d.Comment = outcome.String, comment.String
	return err
}

func loadDisclosures(ctx context.Context, q queryer, where string, args ...any) ([]DisclosureRecord, error) {
	rows, err := q.Query(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE `+where+` ORDER BY d.occurred_at, d.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DisclosureRecord
	for rows.Next() {
		var d DisclosureRecord
		var restricted bool
		if err := scanDisclosure(rows, &d, &restricted); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ReviewDue is when a disclosure made at t without consent is reviewed: the
// next working day in England and Wales.
func ReviewDue(t time.Time) liaise.Date { return liaise.NextWorkingDay(t, codes.IsBankHoliday) }

// RecordDisclosure stores one disclosure for an episode if
// liaise.CheckDisclosure allows it against the episode's consents; a
// refusal is an EINVALID error whose message says why and what to record.
func (db *DB) RecordDisclosure(ctx context.Context, episodeID int64, d liaise.Disclosure) (DisclosureRecord, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return DisclosureRecord{}, err
	}
	d.EpisodeID, d.DisclosedBy = e.ID, a.UserID
	d.RecipientAgency, d.RecipientRole = strings.TrimSpace(d.RecipientAgency), strings.Join(strings.Fields(d.RecipientRole), " ")
	d.Purpose, d.Channel, d.LegalBasis = strings.TrimSpace(d.Purpose), strings.TrimSpace(d.Channel), strings.TrimSpace(d.LegalBasis)
	d.Content = strings.TrimSpace(d.Content)
	var v liaise.Validation
	v.Check(utf8.RuneCountInString(d.RecipientRole) <= maxRecipientRole, "recipient_role", "The role must be 200 characters or fewer")
	v.Check(utf8.RuneCountInString(d.Content) <= maxDisclosureContent, "content", "What was shared must be 10,000 characters or fewer: summarise it")
	v.Check(d.OccurredAt.IsZero() || !d.OccurredAt.After(db.Now().Add(5*time.Minute)), "occurred_at", "The time it was shared cannot be in the future")
	if err := v.Err(); err != nil {
		return DisclosureRecord{}, err
	}
	var rec DisclosureRecord
	err = db.Update(ctx, func(tx *Tx) error {
		rec, err = insertDisclosure(ctx, tx, a, e, d, 0)
		return err
	})
	if err != nil {
		return DisclosureRecord{}, err
	}
	return rec, nil
}

// insertDisclosure checks d against the episode's consents, read in tx, and
// stores it with its person event and audit row; documentVersion names the
// document version it shared (0: none).
func insertDisclosure(ctx context.Context, tx *Tx, a *liaise.Actor, e Episode, d liaise.Disclosure, documentVersion int64) (DisclosureRecord, error) {
	rec := DisclosureRecord{Disclosure: d, ProviderID: e.ProviderID, TeamID: e.TeamID, PersonID: e.PersonID, DisclosedByName: a.DisplayName}
	consents, err := loadConsents(ctx, tx, e.ID)
	if err != nil {
		return rec, err
	}
	bare := make([]liaise.Consent, len(consents))
	for i, c := range consents {
		bare[i] = c.Consent
	}
	needsReview, err := liaise.CheckDisclosure(d, bare)
	if err != nil {
		return rec, err
	}
	var consentID, basis, due any
	if needsReview {
		rec.NeedsReview, rec.ReviewDue = true, ReviewDue(d.OccurredAt.Time)
		basis, due = d.LegalBasis, rec.ReviewDue
	} else {
		// Consent covers it: the consent, not a basis, is the record.
		c, _ := liaise.ActiveConsent(bare, liaise.ScopeForRecipient(d.RecipientAgency), d.OccurredAt.Time)
		rec.ConsentID, rec.ConsentScope, rec.LegalBasis = c.ID, c.Scope, ""
		consentID = c.ID
	}
	rec.RecordedAt = tx.Now
	rec.ID, err = tx.InsertID(ctx, `INSERT INTO disclosures (provider_id, episode_id, person_id, recipient_agency, recipient_role, purpose, content,
		channel, occurred_at, recorded_at, disclosed_by, consent_id, legal_basis, urgent, needs_review, review_due, document_version_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ProviderID, e.ID, e.PersonID, d.RecipientAgency, d.RecipientRole, d.Purpose, d.Content, d.Channel, d.OccurredAt, tx.Now,
		nullID(a.UserID), consentID, basis, d.Urgent, needsReview, due, nullID(documentVersion))
	if err != nil {
		return rec, err
	}
	summary := "Information shared with " + agencyWords(d.RecipientAgency) + " (" + d.RecipientRole + ")"
	if needsReview {
		summary += " without consent"
	}
	if err := addPersonEvent(ctx, tx, a, e.PersonID, "disclosure", summary); err != nil {
		return rec, err
	}
	// The content may name people, so only the basis goes in the detail.
	ev := liaise.EventFor(a, liaise.AuditCreate, "disclosure", rec.ID)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Detail = "to " + d.RecipientAgency + ", "
	if needsReview {
		ev.Detail += "legal basis " + d.LegalBasis
	} else {
		ev.Detail += "consent " + rec.ConsentScope
	}
	if documentVersion != 0 {
		ev.Detail += ", document version " + strconv.FormatInt(documentVersion, 10)
	}
	ev.Subjects = []int64{e.PersonID}
	return rec, tx.Audit(ctx, ev)
}

// agencyWords names an agency in a sentence: "the police".
func agencyWords(code string) string {
	for _, g := range liaise.RecipientAgencies {
		if g.Code == code {
			return g.Words
		}
	}
	return code
}

func agencyLabel(code string) string {
	for _, g := range liaise.RecipientAgencies {
		if g.Code == code {
			return g.Label
		}
	}
	return code
}

// PersonDisclosureLog is what went to whom for one person, across the
// episodes the reader may open.
type PersonDisclosureLog struct {
	Person liaise.Person
	Items  []DisclosureRecord
	// Skipped says some episodes were left out: the reader could open them
	// only with break-glass (or not at all).
	Skipped bool
}

// PersonDisclosures lists a person's disclosures, oldest first, from each
// episode the actor may open without a new break-glass reason.
func (db *DB) PersonDisclosures(ctx context.Context, personID int64) (PersonDisclosureLog, error) {
	a := liaise.ActorFrom(ctx)
	var l PersonDisclosureLog
	if err := liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "episode"}); err != nil {
		return l, err
	}
	p, err := loadPersonRow(ctx, db, personID)
	if err != nil {
		return l, err
	}
	if !a.System && p.ProviderID != a.ProviderID {
		return l, personNotFound()
	}
	rows, err := db.Query(ctx, `SELECT id FROM episodes WHERE person_id = ? ORDER BY id`, personID)
	if err != nil {
		return l, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return l, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return l, err
	}
	var open []int64
	for _, id := range ids {
		_, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, id)
		switch {
		case err == nil:
			open = append(open, id)
		case liaise.ErrorCode(err) == liaise.EFORBIDDEN:
			l.Skipped = true
		default:
			return l, err
		}
	}
	if len(ids) > 0 && len(open) == 0 {
		// Nothing this reader may see: no names either.
		l.Person = liaise.Person{ID: p.ID, ProviderID: p.ProviderID, Restricted: p.Restricted}
	} else {
		l.Person = p
		if err := loadPersonChildren(ctx, db, &l.Person); err != nil {
			return l, err
		}
	}
	for _, id := range open {
		items, err := loadDisclosures(ctx, db, `d.episode_id = ?`, id)
		if err != nil {
			return l, err
		}
		l.Items = append(l.Items, items...)
	}
	slices.SortStableFunc(l.Items, func(x, y DisclosureRecord) int { return x.OccurredAt.Compare(y.OccurredAt.Time) })
	ev := liaise.EventFor(a, liaise.AuditList, "disclosure", 0)
	ev.ProviderID = p.ProviderID
	ev.Detail = "disclosure log of a person"
	ev.Subjects = []int64{p.ID}
	if err := db.AuditRead(ctx, ev); err != nil {
		return l, err
	}
	return l, nil
}

// maxDisclosureQueue caps the review queue page; the queue is worked daily.
const maxDisclosureQueue = 200

// ListDisclosureReviews lists the disclosures made without consent in the
// actor's provider: pending ones (the default) oldest due first, reviewed
// ones newest review first, or all. The list is audited with the people
// shown.
func (db *DB) ListDisclosureReviews(ctx context.Context, status string) ([]DisclosureRecord, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapDisclosureReview, liaise.Resource{Type: "disclosure"}); err != nil {
		return nil, err
	}
	if !ValidReviewStatus(status) {
		return nil, fieldError("status", "Choose pending, reviewed or all")
	}
	if status == "" {
		status = ReviewPending
	}
	where := []string{"d.needs_review = TRUE"}
	var args []any
	if !a.System {
		where, args = append(where, "d.provider_id = ?"), append(args, a.ProviderID)
	}
	order := "d.review_due, d.occurred_at, d.id"
	switch status {
	case ReviewPending:
		where = append(where, "d.reviewed_at IS NULL")
	case ReviewReviewed:
		where = append(where, "d.reviewed_at IS NOT NULL")
		order = "d.reviewed_at DESC, d.id DESC"
	}
	rows, err := db.Query(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT `+itoa(maxDisclosureQueue), args...)
	if err != nil {
		return nil, err
	}
	var out []DisclosureRecord
	var restricted []bool
	for rows.Next() {
		var d DisclosureRecord
		var r bool
		if err := scanDisclosure(rows, &d, &r); err != nil {
			rows.Close()
			return nil, err
		}
		out, restricted = append(out, d), append(restricted, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var subjects []int64
	for i := range out {
		if err := disclosurePersonName(ctx, db, a, &out[i], restricted[i]); err != nil {
			return nil, err
		}
		if !slices.Contains(subjects, out[i].PersonID) {
			subjects = append(subjects, out[i].PersonID)
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "disclosure", 0)
	ev.Detail = "disclosure review queue: " + status
	ev.Subjects = subjects
	if err := db.AuditRead(ctx, ev); err != nil {
		return nil, err
	}
	return out, nil
}

func disclosurePersonName(ctx context.Context, q queryer, a *liaise.Actor, d *DisclosureRecord, restricted bool) error {
	r := BreakGlassReview{PersonID: d.PersonID}
	if err := reviewPersonName(ctx, q, a, &r, restricted); err != nil {
		return err
	}
	d.PersonName, d.Hidden = r.PersonName, r.Hidden
	if d.Hidden {
		d.Content = "" // a restricted record's content stays with its named staff
	}
	return nil
}

// RecordDisclosureReview records the review of one disclosure made without
// consent, once: outcome appropriate, inappropriate or needs follow-up (the
// last two with a comment). No one reviews their own disclosure.
func (db *DB) RecordDisclosureReview(ctx context.Context, id int64, outcome, comment string) (DisclosureRecord, error) {
	a := liaise.ActorFrom(ctx)
	var d DisclosureRecord
	if err := liaise.Authorize(a, liaise.CapDisclosureReview, liaise.Resource{Type: "disclosure"}); err != nil {
		return d, err
	}
	outcome, comment = strings.TrimSpace(outcome), strings.TrimSpace(comment)
	var v liaise.Validation
	if !slices.ContainsFunc(ReviewOutcomes, func(c liaise.CodeLabel) bool { return c.Code == outcome }) {
		v.Add("outcome", "Choose whether the disclosure was appropriate, inappropriate or needs follow-up")
	}
	if comment == "" && (outcome == OutcomeInappropriate || outcome == OutcomeFollowUp) {
		v.Add("comment", "Say why the disclosure was inappropriate or what follow-up is needed")
	}
	if utf8.RuneCountInString(comment) > maxReviewComment {
		v.Add("comment", "The comment must be 2,000 characters or fewer")
	}
	missing := liaise.Errorf(liaise.ENOTFOUND, "That disclosure was not found in the review queue.")
	err := db.Update(ctx, func(tx *Tx) error {
		var restricted bool
		err := scanDisclosure(tx.QueryRow(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE d.id = ?`, id), &d, &restricted)
		if errors.Is(err, sql.ErrNoRows) {
			return missing
		}
		if err != nil {
			return err
		}
		if (!a.System && d.ProviderID != a.ProviderID) || !d.NeedsReview {
			return missing // ids do not leak across the provider boundary
		}
		if err := liaise.Authorize(a, liaise.CapDisclosureReview, liaise.Resource{Type: "disclosure", ID: id, ProviderID: d.ProviderID}); err != nil {
			return err
		}
		if !d.Pending() {
			return liaise.Errorf(liaise.ECONFLICT, "This disclosure was already reviewed by %s at %s.",
				d.ReviewedByName, d.ReviewedAt.Local().Format("15:04 on 2 January 2006"))
		}
		if !a.System && d.DisclosedBy == a.UserID {
			return liaise.Errorf(liaise.EFORBIDDEN, "You cannot review your own disclosure: another reviewer must.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE disclosures SET reviewed_by = ?, reviewed_at = ?, outcome = ?, comment = ? WHERE id = ? AND reviewed_at IS NULL`,
			nullID(a.UserID), tx.Now, outcome, comment, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return liaise.Errorf(liaise.ECONFLICT, "This disclosure was reviewed by someone else a moment ago: reload the page.")
		}
		ev := liaise.EventFor(a, liaise.AuditUpdate, "disclosure", id)
		ev.ProviderID, ev.TeamID = d.ProviderID, d.TeamID
		ev.Detail = "review outcome: " + outcome
		ev.Subjects = []int64{d.PersonID}
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		d.ReviewedBy, d.ReviewedByName, d.ReviewedAt, d.Outcome, d.Comment = a.UserID, a.DisplayName, tx.Now, outcome, comment
		return disclosurePersonName(ctx, tx, a, &d, restricted)
	})
	if err != nil {
		return DisclosureRecord{}, err
	}
	return d, nil
}
