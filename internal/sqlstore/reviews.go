package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"liaise"
)

// The Caldicott Guardian's review queue of break-glass openings (DESIGN.md
// §10: break-glass access is flagged for review). Each opening is reviewed
// once, with an outcome, by someone holding CapDisclosureReview in the same
// provider; a review is never overwritten, so the record of who judged an
// opening, and how, stays as it was first written.

// Review statuses for ReviewQuery.
const (
	ReviewPending  = "pending"
	ReviewReviewed = "reviewed"
	ReviewAll      = "all"
)

// Review outcomes.
const (
	OutcomeAppropriate   = "appropriate"
	OutcomeInappropriate = "inappropriate"
	OutcomeFollowUp      = "needs_follow_up"
)

// ReviewOutcomes lists the outcomes a reviewer may record, in the order a
// form offers them.
var ReviewOutcomes = []liaise.CodeLabel{
	{Code: OutcomeAppropriate, Label: "Appropriate"},
	{Code: OutcomeInappropriate, Label: "Inappropriate"},
	{Code: OutcomeFollowUp, Label: "Needs follow-up"},
}

// maxReviewComment bounds a review comment.
const maxReviewComment = 2000

// ReviewQuery filters the break-glass review queue.
type ReviewQuery struct {
	Status string // pending (default), reviewed or all
	Cursor string
	Limit  int
}

// BreakGlassReview is one break-glass opening as the reviewer sees it.
type BreakGlassReview struct {
	ID        int64
	At        liaise.Time
	UserID    int64
	StaffName string
	StaffRole string
	PersonID  int64
	// PersonName is "Restricted record" when the person is restricted and
	// the reviewer is not named on them.
	PersonName string
	Hidden     bool
	Reason     string
	// Reviewed* and Outcome/Comment are empty while the opening is pending.
	ReviewedBy     int64
	ReviewedByName string
	ReviewedAt     liaise.Time
	Outcome        string
	Comment        string
}

// Pending reports whether the opening still waits for review.
func (r BreakGlassReview) Pending() bool { return r.ReviewedAt.IsZero() }

// BreakGlassReviewPage is a page of the queue, newest first.
type BreakGlassReviewPage struct {
	Items      []BreakGlassReview
	NextCursor string
}

const maxReviewLimit = 50

func encodeReviewCursor(at liaise.Time, id int64) string {
	b, _ := json.Marshal(listCursor{V: 1, Sort: "at", Values: []any{at.String()}, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeReviewCursor(s string) (liaise.Time, int64, error) {
	var at liaise.Time
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return at, 0, badCursor()
	}
	var c listCursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != 1 || c.Sort != "at" || c.ID <= 0 || len(c.Values) != 1 {
		return at, 0, badCursor()
	}
	v, ok := c.Values[0].(string)
	if !ok || at.Scan(v) != nil {
		return at, 0, badCursor()
	}
	return at, c.ID, nil
}

// ValidReviewStatus reports whether s is a queue filter; "" means pending.
func ValidReviewStatus(s string) bool {
	return s == "" || s == ReviewPending || s == ReviewReviewed || s == ReviewAll
}

const reviewCols = `r.id, r.at, r.user_id, u.display_name, ro.name, r.person_id, p.provider_id, p.restricted, r.reason,
	r.reviewed_by, rv.display_name, r.reviewed_at, r.outcome, r.comment`

const reviewFrom = ` FROM break_glass_reviews r
	JOIN people p ON p.id = r.person_id
	JOIN users u ON u.id = r.user_id
	JOIN roles ro ON ro.id = u.role_id
	LEFT JOIN users rv ON rv.id = r.reviewed_by`

func scanReview(row interface{ Scan(...any) error }, r *BreakGlassReview, provider *int64, restricted *bool) error {
	var by sql.NullInt64
	var byName, outcome, comment sql.NullString
	err := row.Scan(&r.ID, &r.At, &r.UserID, &r.StaffName, &r.StaffRole, &r.PersonID, provider, restricted, &r.Reason,
		&by, &byName, &r.ReviewedAt, &outcome, &comment)
	r.ReviewedBy, r.ReviewedByName, r.Outcome, r.Comment = by.Int64, byName.String, outcome.String, comment.String
	return err
}

// reviewPersonName is the person's display name, or "Restricted record"
// for a restricted person the actor is not named on.
func reviewPersonName(ctx context.Context, q queryer, a *liaise.Actor, r *BreakGlassReview, restricted bool) error {
	if restricted && !a.System {
		named, err := namedStaff(ctx, q, r.PersonID)
		if err != nil {
			return err
		}
		if !slices.Contains(named, a.UserID) {
			r.PersonName, r.Hidden = "Restricted record", true
			return nil
		}
	}
	p := liaise.Person{ID: r.PersonID}
	rows, err := q.Query(ctx, `SELECT type, given, family FROM person_names WHERE person_id = ? ORDER BY position, id`, r.PersonID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n liaise.PersonName
		if err := rows.Scan(&n.Type, &n.Given, &n.Family); err != nil {
			return err
		}
		p.Names = append(p.Names, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.PersonName = p.DisplayName()
	return nil
}

// ListBreakGlassReviews lists the break-glass openings of the actor's
// provider, newest first, for review. The list is audited as one event
// naming the people shown.
func (db *DB) ListBreakGlassReviews(ctx context.Context, q ReviewQuery) (BreakGlassReviewPage, error) {
	a := liaise.ActorFrom(ctx)
	var page BreakGlassReviewPage
	if err := liaise.Authorize(a, liaise.CapDisclosureReview, liaise.Resource{Type: "break_glass_review"}); err != nil {
		return page, err
	}
	if !ValidReviewStatus(q.Status) {
		return page, fieldError("status", "Choose pending, reviewed or all")
	}
	if q.Status == "" {
		q.Status = ReviewPending
	}
	limit := q.Limit
	if limit <= 0 || limit > maxReviewLimit {
		limit = maxReviewLimit
	}
	sqlq := `SELECT ` + reviewCols + reviewFrom + ` WHERE 1 = 1`
	var args []any
	if !a.System {
		// The person's provider is the boundary, whoever opened the record.
		sqlq += ` AND p.provider_id = ?`
		args = append(args, a.ProviderID)
	}
	switch q.Status {
	case ReviewPending:
		sqlq += ` AND r.reviewed_at IS NULL`
	case ReviewReviewed:
		sqlq += ` AND r.reviewed_at IS NOT NULL`
	}
	if q.Cursor != "" {
		at, id, err := decodeReviewCursor(q.Cursor)
		if err != nil {
			return page, err
		}
		sqlq += ` AND (r.at < ? OR (r.at = ? AND r.id < ?))`
		args = append(args, at, at, id)
	}
	sqlq += ` ORDER BY r.at DESC, r.id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.Query(ctx, sqlq, args...)
	if err != nil {
		return page, err
	}
	var restricted []bool
	for rows.Next() {
		var r BreakGlassReview
		var provider int64
		var res bool
		if err := scanReview(rows, &r, &provider, &res); err != nil {
			rows.Close()
			return page, err
		}
		page.Items = append(page.Items, r)
		restricted = append(restricted, res)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodeReviewCursor(last.At, last.ID)
	}
	var subjects []int64
	for i := range page.Items {
		if err := reviewPersonName(ctx, db, a, &page.Items[i], restricted[i]); err != nil {
			return page, err
		}
		if !slices.Contains(subjects, page.Items[i].PersonID) {
			subjects = append(subjects, page.Items[i].PersonID)
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "break_glass_review", 0)
	ev.Detail = "review queue: " + q.Status
	ev.Subjects = subjects
	if err := db.AuditRead(ctx, ev); err != nil {
		return BreakGlassReviewPage{}, err
	}
	return page, nil
}

// RecordBreakGlassReview records the outcome of reviewing one break-glass
// opening. An opening is reviewed once; a second review is a conflict that
// names the first reviewer. Inappropriate and needs-follow-up outcomes need a
// comment saying why, and no one reviews their own opening. It returns the
// reviewed opening.
func (db *DB) RecordBreakGlassReview(ctx context.Context, id int64, outcome, comment string) (BreakGlassReview, error) {
	a := liaise.ActorFrom(ctx)
	var r BreakGlassReview
	if err := liaise.Authorize(a, liaise.CapDisclosureReview, liaise.Resource{Type: "break_glass_review"}); err != nil {
		return r, err
	}
	outcome, comment = strings.TrimSpace(outcome), strings.TrimSpace(comment)
	var v liaise.Validation
	if !slices.ContainsFunc(ReviewOutcomes, func(c liaise.CodeLabel) bool { return c.Code == outcome }) {
		v.Add("outcome", "Choose whether the access was appropriate, inappropriate or needs follow-up")
	}
	if comment == "" && (outcome == OutcomeInappropriate || outcome == OutcomeFollowUp) {
		v.Add("comment", "Say why the access was inappropriate or what follow-up is needed")
	}
	if len([]rune(comment)) > maxReviewComment {
		v.Add("comment", "The comment must be 2,000 characters or fewer")
	}
	missing := liaise.Errorf(liaise.ENOTFOUND, "That break-glass opening was not found.")
	err := db.Update(ctx, func(tx *Tx) error {
		var provider int64
		var restricted bool
		err := scanReview(tx.QueryRow(ctx, `SELECT `+reviewCols+reviewFrom+` WHERE r.id = ?`, id), &r, &provider, &restricted)
		if errors.Is(err, sql.ErrNoRows) {
			return missing
		}
		if err != nil {
			return err
		}
		if !a.System && provider != a.ProviderID {
			return missing // ids do not leak across the provider boundary
		}
		if err := liaise.Authorize(a, liaise.CapDisclosureReview, liaise.Resource{Type: "break_glass_review", ID: id, ProviderID: provider}); err != nil {
			return err
		}
		if !r.Pending() {
			return liaise.Errorf(liaise.ECONFLICT, "This opening was already reviewed by %s at %s.",
				r.ReviewedByName, r.ReviewedAt.Local().Format("15:04 on 2 January 2006"))
		}
		if !a.System && r.UserID == a.UserID {
			return liaise.Errorf(liaise.EFORBIDDEN, "You cannot review your own break-glass opening: another reviewer must.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var by any
		if a.UserID != 0 {
			by = a.UserID
		}
		res, err := tx.Exec(ctx, `UPDATE break_glass_reviews SET reviewed_by = ?, reviewed_at = ?, outcome = ?, comment = ?
			WHERE id = ? AND reviewed_at IS NULL`, by, tx.Now, outcome, comment, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return liaise.Errorf(liaise.ECONFLICT, "This opening was reviewed by someone else a moment ago: reload the page.")
		}
		// The comment may name people, so only the outcome goes in the detail.
		ev := liaise.EventFor(a, liaise.AuditUpdate, "break_glass_review", id)
		ev.ProviderID = provider
		ev.Detail = "outcome: " + outcome
		ev.Subjects = []int64{r.PersonID}
		if err := tx.Audit(ctx, ev); err != nil {
			return err
		}
		r.ReviewedBy, r.ReviewedByName, r.ReviewedAt, r.Outcome, r.Comment = a.UserID, a.DisplayName, tx.Now, outcome, comment
		return reviewPersonName(ctx, tx, a, &r, restricted)
	})
	if err != nil {
		return BreakGlassReview{}, err
	}
	return r, nil
}
