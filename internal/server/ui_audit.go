package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/sqlstore"
)

// auditPageData is the view model of the auditor's search page.
type auditPageData struct {
	Rows []auditRow
	// NextURL is the link to the next (older) page, "" on the last.
	NextURL string
	// Filtered says whether any filter was given (for the caption).
	Filtered bool
	// Head and Unsealed describe the chain: sealed up to Head, Unsealed waiting.
	Head     int64
	Unsealed int64
}

// auditRow is one event as the page shows it.
type auditRow struct {
	When, User, Role, Action, Detail, Record, Team, ClientIP, RequestID string
}

// auditPage is the auditor's search: filters in a GET form (so a search can
// be bookmarked and paged), results newest first, a page at a time.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	p := s.newPage(r, "Audit trail")
	p.Form = NewForm(v)
	var d auditPageData
	for _, k := range []string{"username", "user_id", "record_type", "record_id", "subject_id", "from", "to"} {
		if strings.TrimSpace(v.Get(k)) != "" {
			d.Filtered = true
		}
	}
	status := http.StatusOK
	q, err := auditQueryFrom(v)
	var page sqlstore.AuditPage
	if err == nil {
		page, err = s.DB.SearchAudit(ctx, q)
	}
	if err != nil {
		if liaise.ErrorCode(err) != liaise.EINVALID {
			return err
		}
		status = http.StatusUnprocessableEntity
		for _, k := range []string{"username", "user_id", "record_type", "record_id", "subject_id", "from", "to"} {
			if m := liaise.ErrorFields(err)[k]; m != "" {
				p.Form.AddError(k, m)
			}
		}
		if len(p.Form.Errors) == 0 {
			// A bad cursor or page size is not a field on the form.
			p.Form.AddError("", liaise.ErrorMessage(err))
		}
	}
	roleNames := map[string]string{}
	for _, r := range liaise.BuiltInRoles {
		roleNames[r.Code] = r.Name
	}
	for _, e := range page.Events {
		row := auditRow{
			When:      e.OccurredAt.Local().Format("2 Jan 2006 15:04:05"),
			User:      e.Username,
			Role:      e.Role,
			Action:    auditActionLabel(e.Action),
			Detail:    e.Detail,
			Record:    auditHumanize(e.RecordType),
			Team:      e.TeamName,
			ClientIP:  e.ClientIP,
			RequestID: e.RequestID,
		}
		if n, ok := roleNames[e.Role]; ok {
			row.Role = n
		}
		if e.RecordID != 0 {
			row.Record += " " + strconv.FormatInt(e.RecordID, 10)
		}
		if row.Team == "" && e.TeamID != 0 {
			row.Team = "Team " + strconv.FormatInt(e.TeamID, 10)
		}
		d.Rows = append(d.Rows, row)
	}
	if page.NextCursor != "" {
		next := url.Values{}
		for k, vs := range v {
			if k != "cursor" && len(vs) > 0 && vs[0] != "" {
				next.Set(k, vs[0])
			}
		}
		next.Set("cursor", page.NextCursor)
		d.NextURL = "/audit?" + next.Encode()
	}
	if d.Head, _, err = s.DB.ChainHead(ctx); err != nil {
		return err
	}
	if d.Unsealed, err = s.DB.UnsealedCount(ctx); err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, status, "audit", p)
	return nil
}

var auditActionLabels = map[string]string{
	liaise.AuditRead:          "Viewed",
	liaise.AuditList:          "Listed or searched",
	liaise.AuditCreate:        "Created",
	liaise.AuditUpdate:        "Changed",
	liaise.AuditDisable:       "Disabled",
	liaise.AuditSignIn:        "Signed in",
	liaise.AuditSignInFailed:  "Sign-in failed",
	liaise.AuditSignOut:       "Signed out",
	liaise.AuditSignOutAll:    "Signed out everywhere",
	liaise.AuditPasswordReset: "Password reset",
	liaise.AuditTokenCreate:   "API token created",
	liaise.AuditTokenRevoke:   "API token revoked",
	liaise.AuditBreakGlass:    "Break-glass access",
	liaise.AuditExport:        "Exported",
}

func auditActionLabel(a string) string {
	if l, ok := auditActionLabels[a]; ok {
		return l
	}
	return auditHumanize(a)
}

// auditHumanize turns a code such as person_search into "person search".
func auditHumanize(code string) string { return strings.ReplaceAll(code, "_", " ") }
