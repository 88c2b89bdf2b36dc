package server

import (
	"net/http"

	"liaise"
	"liaise/internal/sqlstore"
)

// auditEventJSON is an audit event in the API. Ids are strings (DESIGN.md §10).
type auditEventJSON struct {
	Seq        int64       `json:"seq,string"`
	ChainNo    int64       `json:"chain_no,string,omitempty"`
	OccurredAt liaise.Time `json:"occurred_at"`
	UserID     int64       `json:"user_id,string,omitempty"`
	Username   string      `json:"username"`
	Role       string      `json:"role"`
	Action     string      `json:"action"`
	RecordType string      `json:"record_type"`
	RecordID   int64       `json:"record_id,string,omitempty"`
	TeamID     int64       `json:"team_id,string,omitempty"`
	TeamName   string      `json:"team_name,omitempty"`
	ProviderID int64       `json:"provider_id,string,omitempty"`
	ClientIP   string      `json:"client_ip"`
	RequestID  string      `json:"request_id"`
	Detail     string      `json:"detail,omitempty"`
}

// auditEventsResponse is a page of audit events, newest first. Fetch the
// next (older) page with ?cursor=next_cursor; it is empty on the last page.
type auditEventsResponse struct {
	Events     []auditEventJSON `json:"events"`
	NextCursor string           `json:"next_cursor"`
}

func (s *Server) apiAuditEvents(w http.ResponseWriter, r *http.Request) error {
	q, err := auditQueryFrom(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.DB.SearchAudit(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, auditEventsJSON(page))
}

func auditEventsJSON(p sqlstore.AuditPage) auditEventsResponse {
	out := auditEventsResponse{Events: make([]auditEventJSON, len(p.Events)), NextCursor: p.NextCursor}
	for i, e := range p.Events {
		out.Events[i] = auditEventJSON{
			Seq: e.Seq, ChainNo: e.ChainNo, OccurredAt: e.OccurredAt, UserID: e.UserID, Username: e.Username,
			Role: e.Role, Action: e.Action, RecordType: e.RecordType, RecordID: e.RecordID, TeamID: e.TeamID,
			TeamName: e.TeamName, ProviderID: e.ProviderID, ClientIP: e.ClientIP, RequestID: e.RequestID, Detail: e.Detail,
		}
	}
	return out
}
