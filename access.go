package liaise

import (
	"context"
	"slices"
)

// Capabilities are the actions a role may take. Roles are data (an
// administrator can define an "advanced STR worker"); capabilities are code,
// because each one guards code paths.
const (
	CapPersonSearch       = "person.search"       // find people across the provider (audited)
	CapRecordRead         = "record.read"         // open personal records of own teams' episodes
	CapRecordWrite        = "record.write"        // record and change episodes, contacts, notes
	CapBreakGlass         = "record.break_glass"  // open a record outside own teams with a reason
	CapCaseloadTeam       = "caseload.team"       // see the whole team's caseload
	CapAllocate           = "caseload.allocate"   // allocate work to staff
	CapSLTQueue           = "slt.queue"           // work the speech and language therapy queue
	CapDisclosureReview   = "disclosure.review"   // review non-consensual disclosures (Caldicott)
	CapDocumentApprove    = "document.approve"    // approve and issue documents for police and court
	CapReportAggregate    = "report.aggregate"    // aggregate reports, no identifiable data
	CapReportIdentifiable = "report.identifiable" // reports and extracts with identifiable data
	CapAuditSearch        = "audit.search"        // search the audit trail
	CapOrgManage          = "admin.org"           // manage providers, services, teams, sites
	CapUserManage         = "admin.users"         // manage staff accounts and memberships
	CapRoleManage         = "admin.roles"         // define roles and their capabilities
	CapServiceAccounts    = "admin.service_accounts"
	CapCodesRead          = "codes.read"  // read reference code lists
	CapOrgRead            = "org.read"    // read the organisation model
	CapAPITokens          = "tokens.self" // create personal API tokens
)

// Capability describes one capability for the admin pages.
type Capability struct {
	Code  string
	Label string
}

// AllCapabilities lists every capability with a plain-English label.
var AllCapabilities = []Capability{
	{CapPersonSearch, "Search people across the provider"},
	{CapRecordRead, "Open records of people on their teams' caseloads"},
	{CapRecordWrite, "Record and update case work"},
	{CapBreakGlass, "Open a record outside their teams, giving a reason"},
	{CapCaseloadTeam, "See the whole team's caseload"},
	{CapAllocate, "Allocate work to staff"},
	{CapSLTQueue, "Work the speech and language therapy queue"},
	{CapDisclosureReview, "Review disclosures made without consent"},
	{CapDocumentApprove, "Approve and issue documents for police and court"},
	{CapReportAggregate, "Run aggregate reports (no identifiable data)"},
	{CapReportIdentifiable, "Run reports and extracts with identifiable data"},
	{CapAuditSearch, "Search the audit trail"},
	{CapOrgManage, "Manage providers, contracts, services, teams and sites"},
	{CapUserManage, "Manage staff accounts and team memberships"},
	{CapRoleManage, "Define roles and what they may do"},
	{CapServiceAccounts, "Create service-account tokens for system feeds"},
	{CapCodesRead, "Read reference code lists"},
	{CapOrgRead, "See the organisation: services, teams and sites"},
	{CapAPITokens, "Create personal API tokens"},
}

// CapabilityLabel returns the label of a capability code.
func CapabilityLabel(code string) string {
	for _, c := range AllCapabilities {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// Role is a named set of capabilities, held as data.
type Role struct {
	ID           int64    `json:"id,string"`
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Capabilities []string `json:"capabilities"`
	BuiltIn      bool     `json:"built_in"`
	Version      int      `json:"version"`
}

// User is a member of staff (or, with ServiceAccount, a system feed).
type User struct {
	ID           int64        `json:"id,string"`
	ProviderID   int64        `json:"provider_id,string"`
	Username     string       `json:"username"`
	DisplayName  string       `json:"display_name"`
	Email        string       `json:"email"`
	RoleCode     string       `json:"role"`
	PartnerID    int64        `json:"partner_id,string,omitempty"`
	Disabled     bool         `json:"disabled"`
	Demo         bool         `json:"demo"`
	Memberships  []Membership `json:"memberships"`
	PasswordHash string       `json:"-"`
	Version      int          `json:"version"`
}

// Membership puts a user in a team.
type Membership struct {
	TeamID   int64  `json:"team_id,string"`
	TeamName string `json:"team_name"`
}

// Actor is who is acting: a signed-in user, an API token's owner or the CLI
// operator. Every service call takes one from the context.
type Actor struct {
	UserID       int64
	Username     string
	DisplayName  string
	ProviderID   int64
	RoleCode     string
	RoleName     string
	Capabilities []string
	TeamIDs      []int64
	TeamNames    []string
	// Scopes narrows a service-account or API token; empty means the role's full capabilities.
	Scopes []string
	// System marks the operator at the command line (migrations, demo load),
	// who acts for every provider.
	System    bool
	ClientIP  string
	RequestID string
}

// Can reports whether the actor holds capability cap (and, for a scoped token, the scope).
func (a *Actor) Can(cap string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	if len(a.Scopes) > 0 && !slices.Contains(a.Scopes, cap) {
		return false
	}
	return slices.Contains(a.Capabilities, cap)
}

// InTeam reports whether the actor is a member of team.
func (a *Actor) InTeam(team int64) bool {
	return a != nil && (a.System || slices.Contains(a.TeamIDs, team))
}

// Resource is what an action is on, as far as access decisions need to know.
type Resource struct {
	Type       string // "provider", "team", "user", "person", "episode", ...
	ID         int64
	ProviderID int64 // 0 for resources outside any provider (code lists)
	TeamID     int64 // 0 when not team-scoped
	// Restricted records are visible only to named staff.
	Restricted   bool
	NamedUserIDs []int64
	// BreakGlass is set when the actor gave a reason to open a record outside their teams.
	BreakGlass bool
}

// Authorize is the one place that decides whether an actor may take an action
// on a resource. The UI, the API and the CLI all call it. It returns nil or an
// EFORBIDDEN / EUNAUTHENTICATED error that says why in plain words.
func Authorize(a *Actor, cap string, r Resource) error {
	if a == nil {
		return Errorf(EUNAUTHENTICATED, "Sign in to continue.")
	}
	if a.System {
		return nil
	}
	if !a.Can(cap) {
		return Errorf(EFORBIDDEN, "Your role (%s) does not allow this: %s.", a.RoleName, lowerFirst(CapabilityLabel(cap)))
	}
	if r.ProviderID != 0 && r.ProviderID != a.ProviderID {
		// The provider is the data boundary (DESIGN §10).
		return Errorf(EFORBIDDEN, "This record belongs to another provider organisation.")
	}
	if r.Restricted && !slices.Contains(r.NamedUserIDs, a.UserID) {
		return Errorf(EFORBIDDEN, "This record is restricted to named staff.")
	}
	if r.TeamID != 0 && teamScoped(cap) && !a.InTeam(r.TeamID) {
		if r.BreakGlass && a.Can(CapBreakGlass) {
			return nil
		}
		return Errorf(EFORBIDDEN, "This record belongs to a team you are not a member of.")
	}
	return nil
}

// teamScoped capabilities need team membership (a legitimate relationship)
// as well as the capability.
func teamScoped(cap string) bool {
	switch cap {
	case CapRecordRead, CapRecordWrite, CapCaseloadTeam, CapAllocate:
		return true
	}
	return false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SystemActor is the operator at the command line.
func SystemActor(requestID string) *Actor {
	return &Actor{System: true, Username: "system", RoleCode: "system", RoleName: "System", RequestID: requestID}
}

// BuiltInRoles is the starting capability table, loaded into the roles table
// by migration. These roles are shared across providers and changed only by
// the system operator; administrators add roles for their own provider.
var BuiltInRoles = []Role{
	{Code: "practitioner", Name: "Practitioner", Capabilities: []string{CapPersonSearch, CapRecordRead, CapRecordWrite, CapDocumentApprove, CapBreakGlass, CapCaseloadTeam, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "senior_practitioner", Name: "Senior practitioner", Capabilities: []string{CapPersonSearch, CapRecordRead, CapRecordWrite, CapDocumentApprove, CapBreakGlass, CapCaseloadTeam, CapAllocate, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "slt", Name: "Speech and language therapist", Capabilities: []string{CapPersonSearch, CapRecordRead, CapRecordWrite, CapDocumentApprove, CapBreakGlass, CapCaseloadTeam, CapSLTQueue, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "str_worker", Name: "STR worker", Capabilities: []string{CapPersonSearch, CapRecordRead, CapRecordWrite, CapCodesRead, CapOrgRead}},
	{Code: "peer_support_worker", Name: "Peer support worker", Capabilities: []string{CapRecordRead, CapRecordWrite, CapCodesRead, CapOrgRead}},
	{Code: "care_navigator", Name: "Care navigator", Capabilities: []string{CapPersonSearch, CapRecordRead, CapRecordWrite, CapCaseloadTeam, CapCodesRead, CapOrgRead}},
	{Code: "team_manager", Name: "Team manager", Capabilities: []string{CapPersonSearch, CapRecordRead, CapRecordWrite, CapDocumentApprove, CapBreakGlass, CapCaseloadTeam, CapAllocate, CapDisclosureReview, CapReportAggregate, CapReportIdentifiable, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "service_manager", Name: "Service manager", Capabilities: []string{CapPersonSearch, CapRecordRead, CapBreakGlass, CapCaseloadTeam, CapAllocate, CapDisclosureReview, CapReportAggregate, CapReportIdentifiable, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "caldicott_guardian", Name: "Caldicott Guardian", Capabilities: []string{CapPersonSearch, CapRecordRead, CapBreakGlass, CapDisclosureReview, CapAuditSearch, CapReportAggregate, CapCodesRead, CapOrgRead}},
	{Code: "administrator", Name: "Administrator", Capabilities: []string{CapOrgManage, CapUserManage, CapRoleManage, CapServiceAccounts, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "analyst", Name: "Analyst", Capabilities: []string{CapReportAggregate, CapCodesRead, CapOrgRead, CapAPITokens}},
	{Code: "auditor", Name: "Auditor", Capabilities: []string{CapAuditSearch, CapCodesRead, CapOrgRead}},
}
