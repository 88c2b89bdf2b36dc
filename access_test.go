package liaise

import "testing"

func TestAuthorize(t *testing.T) {
	prac := &Actor{UserID: 1, ProviderID: 10, RoleName: "Practitioner", Capabilities: []string{CapRecordRead, CapBreakGlass, CapPersonSearch}, TeamIDs: []int64{100}}
	analyst := &Actor{UserID: 2, ProviderID: 10, RoleName: "Analyst", Capabilities: []string{CapReportAggregate}}
	scoped := &Actor{UserID: 3, ProviderID: 10, RoleName: "Practitioner", Capabilities: []string{CapRecordRead, CapPersonSearch}, TeamIDs: []int64{100}, Scopes: []string{CapPersonSearch}}
	tests := []struct {
		name  string
		actor *Actor
		cap   string
		res   Resource
		want  string
	}{
		{"nobody", nil, CapRecordRead, Resource{}, EUNAUTHENTICATED},
		{"system", SystemActor("x"), CapOrgManage, Resource{ProviderID: 99}, ""},
		{"own team", prac, CapRecordRead, Resource{ProviderID: 10, TeamID: 100}, ""},
		{"other team", prac, CapRecordRead, Resource{ProviderID: 10, TeamID: 200}, EFORBIDDEN},
		{"other team break glass", prac, CapRecordRead, Resource{ProviderID: 10, TeamID: 200, BreakGlass: true}, ""},
		{"other provider even with break glass", prac, CapRecordRead, Resource{ProviderID: 11, TeamID: 200, BreakGlass: true}, EFORBIDDEN},
		{"search across provider", prac, CapPersonSearch, Resource{ProviderID: 10, TeamID: 200}, ""},
		{"missing capability", analyst, CapRecordRead, Resource{ProviderID: 10}, EFORBIDDEN},
		{"analyst aggregates", analyst, CapReportAggregate, Resource{ProviderID: 10}, ""},
		{"restricted not named", prac, CapRecordRead, Resource{ProviderID: 10, TeamID: 100, Restricted: true, NamedUserIDs: []int64{7}}, EFORBIDDEN},
		{"restricted named", prac, CapRecordRead, Resource{ProviderID: 10, TeamID: 100, Restricted: true, NamedUserIDs: []int64{1}}, ""},
		{"token scope allows", scoped, CapPersonSearch, Resource{ProviderID: 10}, ""},
		{"token scope narrows", scoped, CapRecordRead, Resource{ProviderID: 10, TeamID: 100}, EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(Authorize(tt.actor, tt.cap, tt.res)); got != tt.want {
				t.Fatalf("Authorize = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBuiltInRolesUseKnownCapabilities(t *testing.T) {
	known := map[string]bool{}
	for _, c := range AllCapabilities {
		known[c.Code] = true
	}
	codes := map[string]bool{}
	for _, r := range BuiltInRoles {
		if codes[r.Code] {
			t.Errorf("duplicate role %s", r.Code)
		}
		codes[r.Code] = true
		for _, c := range r.Capabilities {
			if !known[c] {
				t.Errorf("role %s has unknown capability %s", r.Code, c)
			}
		}
	}
	for _, want := range []string{"practitioner", "senior_practitioner", "slt", "str_worker", "peer_support_worker", "care_navigator", "team_manager", "service_manager", "caldicott_guardian", "administrator", "analyst", "auditor"} {
		if !codes[want] {
			t.Errorf("missing built-in role %s", want)
		}
	}
	// The analyst sees aggregates only: no capability that opens a person's record.
	for _, r := range BuiltInRoles {
		if r.Code == "analyst" {
			for _, c := range r.Capabilities {
				if c == CapRecordRead || c == CapPersonSearch || c == CapReportIdentifiable {
					t.Errorf("analyst has identifiable capability %s", c)
				}
			}
		}
	}
}
