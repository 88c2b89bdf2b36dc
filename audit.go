package liaise

// Audit actions. Reads and writes of personal or configuration data, sign-ins
// and their failures all leave an event.
const (
	AuditRead          = "read"
	AuditList          = "list"
	AuditCreate        = "create"
	AuditUpdate        = "update"
	AuditDisable       = "disable"
	AuditSignIn        = "sign_in"
	AuditSignInFailed  = "sign_in_failed"
	AuditSignOut       = "sign_out"
	AuditSignOutAll    = "sign_out_everywhere"
	AuditPasswordReset = "password_reset"
	AuditTokenCreate   = "token_create"
	AuditTokenRevoke   = "token_revoke"
	AuditBreakGlass    = "break_glass"
	AuditExport        = "export"
	AuditPrint         = "print"
)

// AuditEvent is one append-only entry in the audit trail.
type AuditEvent struct {
	Seq        int64  `json:"seq,string"`
	OccurredAt Time   `json:"occurred_at"`
	UserID     int64  `json:"user_id,string,omitempty"`
	Username   string `json:"username"`
	Role       string `json:"role"`
	Action     string `json:"action"`
	RecordType string `json:"record_type"`
	RecordID   int64  `json:"record_id,string,omitempty"`
	TeamID     int64  `json:"team_id,string,omitempty"`
	ProviderID int64  `json:"provider_id,string,omitempty"`
	ClientIP   string `json:"client_ip"`
	RequestID  string `json:"request_id"`
	// Detail is a short non-personal note (a break-glass reason, a field list).
	Detail string `json:"detail,omitempty"`
	// Subjects are the ids a list or search showed, so "who saw this person"
	// includes appearances in search results.
	Subjects []int64 `json:"-"`
}

// EventFor fills who/where of an audit event from the actor.
func EventFor(a *Actor, action, recordType string, recordID int64) AuditEvent {
	ev := AuditEvent{Action: action, RecordType: recordType, RecordID: recordID}
	if a != nil {
		ev.UserID = a.UserID
		ev.Username = a.Username
		ev.Role = a.RoleCode
		ev.ProviderID = a.ProviderID
		ev.ClientIP = a.ClientIP
		ev.RequestID = a.RequestID
	}
	return ev
}
