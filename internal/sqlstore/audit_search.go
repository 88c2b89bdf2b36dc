package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"liaise"
)

// AuditQuery filters the audit trail. Zero fields do not filter.
type AuditQuery struct {
	UserID     int64
	Username   string
	RecordType string
	RecordID   int64
	// SubjectID finds list and search events that showed this id (a person
	// seen in a list), so "who looked at this person" includes searches.
	SubjectID int64
	// From and To are calendar days in Europe/London, both inclusive.
	From, To liaise.Date
	// Cursor continues from the previous page's NextCursor.
	Cursor string
	// Limit is the page size (default 50, at most 500).
	Limit int
}

// AuditEntry is an audit event as the auditor sees it.
type AuditEntry struct {
	liaise.AuditEvent
	// TeamName names TeamID, when the team still exists.
	TeamName string `json:"team_name,omitempty"`
	// ChainNo is the event's place in the sealed chain (0 until sealed).
	ChainNo int64 `json:"chain_no,string,omitempty"`
}

// AuditPage is one page of search results, newest first.
type AuditPage struct {
	Events []AuditEntry `json:"events"`
	// NextCursor fetches the next (older) page; empty on the last page.
	NextCursor string `json:"next_cursor"`
}

// Page sizes of audit searches.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 500
)

// listCursor is the keyset cursor of every list (DESIGN.md §10).
type listCursor struct {
	V      int    `json:"v"`
	Sort   string `json:"sort"`
	Values []any  `json:"values"`
	ID     int64  `json:"id"`
}

func encodeSeqCursor(seq int64) string {
	b, _ := json.Marshal(listCursor{V: 1, Sort: "seq", Values: []any{}, ID: seq})
	return base64.RawURLEncoding.EncodeToString(b)
}

func badCursor() error {
	return &liaise.Error{Code: liaise.EINVALID, Message: "The page link is not valid: start the search again.",
		Fields: map[string]string{"cursor": "The cursor is not one this service gave out"}}
}

// decodeSeqCursor reads a cursor made by encodeSeqCursor; anything else is EINVALID.
func decodeSeqCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return 0, badCursor()
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c listCursor
	if err := dec.Decode(&c); err != nil || dec.More() {
		return 0, badCursor()
	}
	if c.V != 1 || c.Sort != "seq" || c.ID <= 0 || len(c.Values) != 0 {
		return 0, badCursor()
	}
	return c.ID, nil
}

// startOfDay is midnight in Europe/London of d, in UTC.
func startOfDay(d liaise.Date) liaise.Time {
	return liaise.NewTime(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, liaise.London))
}

// SearchAudit returns audit events matching q, newest first, a page at a
// time (keyset on seq, no total count: the trail holds tens of millions of
// rows). An auditor sees only their own provider's events; the system actor
// sees all. The search is itself audited.
func (db *DB) SearchAudit(ctx context.Context, q AuditQuery) (AuditPage, error) {
	var page AuditPage
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapAuditSearch, liaise.Resource{Type: "audit_event"}); err != nil {
		return page, err
	}
	var v liaise.Validation
	v.Check(q.UserID >= 0, "user_id", "Enter a user id as a whole number")
	v.Check(q.RecordID >= 0, "record_id", "Enter a record id as a whole number")
	v.Check(q.SubjectID >= 0, "subject_id", "Enter a record id as a whole number")
	v.Check(q.RecordID == 0 || q.RecordType != "", "record_type", "Enter the record type as well as the record id")
	v.Check(q.From.IsZero() || q.To.IsZero() || !q.To.Before(q.From), "to", "The end date must be the same as or after the start date")
	if err := v.Err(); err != nil {
		return page, err
	}
	var before int64
	if q.Cursor != "" {
		var err error
		if before, err = decodeSeqCursor(q.Cursor); err != nil {
			return page, err
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultAuditLimit
	}
	limit = min(limit, MaxAuditLimit)

	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if !a.System {
		add("e.provider_id = ?", a.ProviderID)
	}
	if q.UserID != 0 {
		add("e.user_id = ?", q.UserID)
	}
	if u := strings.TrimSpace(q.Username); u != "" {
		add("e.username = ?", u)
	}
	if q.RecordType != "" {
		add("e.record_type = ?", q.RecordType)
	}
	if q.RecordID != 0 {
		add("e.record_id = ?", q.RecordID)
	}
	if q.SubjectID != 0 {
		add("e.seq IN (SELECT seq FROM audit_subjects WHERE subject_id = ?)", q.SubjectID)
	}
	if !q.From.IsZero() {
		add("e.occurred_at >= ?", startOfDay(q.From))
	}
	if !q.To.IsZero() {
		add("e.occurred_at < ?", startOfDay(liaise.DateOf(q.To.Time().AddDate(0, 0, 1))))
	}
	if before != 0 {
		add("e.seq < ?", before)
	}
	sqlText := `SELECT e.seq, e.occurred_at, e.user_id, e.username, e.role, e.action, e.record_type, e.record_id,
		e.team_id, e.provider_id, e.client_ip, e.request_id, e.detail, e.chain_no, t.name
		FROM audit_events e LEFT JOIN teams t ON t.id = e.team_id`
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	sqlText += " ORDER BY e.seq DESC LIMIT ?"
	args = append(args, limit+1)

	rows, err := db.Query(ctx, sqlText, args...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	page.Events = []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var user, rec, team, prov, chain sql.NullInt64
		var teamName sql.NullString
		if err := rows.Scan(&e.Seq, &e.OccurredAt, &user, &e.Username, &e.Role, &e.Action, &e.RecordType, &rec,
			&team, &prov, &e.ClientIP, &e.RequestID, &e.Detail, &chain, &teamName); err != nil {
			return page, err
		}
		e.UserID, e.RecordID, e.TeamID, e.ProviderID, e.ChainNo = user.Int64, rec.Int64, team.Int64, prov.Int64, chain.Int64
		e.TeamName = teamName.String
		page.Events = append(page.Events, e)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Events) > limit {
		page.Events = page.Events[:limit]
		page.NextCursor = encodeSeqCursor(page.Events[limit-1].Seq)
	}

	// Looking at the trail is itself a read worth recording: who searched
	// for whom. The filters are staff identifiers and record ids, no more.
	ev := liaise.EventFor(a, liaise.AuditRead, "audit_search", 0)
	ev.Detail = describeAuditQuery(q)
	if err := db.AuditRead(ctx, ev); err != nil {
		return AuditPage{}, err
	}
	return page, nil
}

// describeAuditQuery is the audit detail of a search: its filters.
func describeAuditQuery(q AuditQuery) string {
	var parts []string
	add := func(k string, v any) { parts = append(parts, fmt.Sprintf("%s=%v", k, v)) }
	if q.UserID != 0 {
		add("user_id", q.UserID)
	}
	if q.Username != "" {
		add("username", strings.TrimSpace(q.Username))
	}
	if q.RecordType != "" {
		add("record_type", q.RecordType)
	}
	if q.RecordID != 0 {
		add("record_id", q.RecordID)
	}
	if q.SubjectID != 0 {
		add("subject_id", q.SubjectID)
	}
	if !q.From.IsZero() {
		add("from", q.From)
	}
	if !q.To.IsZero() {
		add("to", q.To)
	}
	if q.Cursor != "" {
		add("page", "next")
	}
	return strings.Join(parts, " ")
}
