package demo

import (
	"slices"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

// lscTowns are the places issue 2 names for Lancashire & South Cumbria.
var lscTowns = []string{"Blackburn", "Blackpool", "Burnley", "Lancaster", "Preston", "Skelmersdale", "Carlisle", "Barrow", "Workington", "Kendal"}

var lscPrisons = []string{"HMP Preston", "HMP Lancaster Farms", "HMP Kirkham", "HMP Wymott", "HMP Garth", "HMP Haverigg"}

func provider(t *testing.T, seed sqlstore.OrgSeed, name string) sqlstore.ProviderSeed {
	t.Helper()
	for _, p := range seed.Providers {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no provider %q", name)
	return sqlstore.ProviderSeed{}
}

func TestEveryLancashireAndCumbriaTownHasACustodySuiteAndCourt(t *testing.T) {
	north := provider(t, Organisation("x"), NorthProvider)
	for _, town := range lscTowns {
		var custody, court bool
		for _, s := range north.Sites {
			if !strings.Contains(s.Name, town) {
				continue
			}
			custody = custody || s.Type == "custody_suite"
			court = court || strings.HasSuffix(s.Type, "_court")
		}
		if !custody {
			t.Errorf("%s has no police custody suite", town)
		}
		// Skelmersdale has no court of its own: its cases go to Preston.
		if !court && town != "Skelmersdale" {
			t.Errorf("%s has no court", town)
		}
	}
	for _, want := range []string{"Preston Crown Court", "Burnley Crown Court", "Carlisle Crown Court", "Preston Youth Court"} {
		if !slices.ContainsFunc(north.Sites, func(s sqlstore.SiteSeed) bool { return s.Name == want }) {
			t.Errorf("missing %s", want)
		}
	}
	for _, prison := range lscPrisons {
		i := slices.IndexFunc(north.Sites, func(s sqlstore.SiteSeed) bool { return s.Name == prison })
		if i < 0 {
			t.Errorf("missing %s", prison)
			continue
		}
		if s := north.Sites[i]; s.Type != "prison" || s.Team != TeamLSCReconnect {
			t.Errorf("%s: type %q team %q, want a prison of the RECONNECT team", prison, s.Type, s.Team)
		}
	}
}

func TestSouthProviderCoversThamesValleyAndHampshire(t *testing.T) {
	south := provider(t, Organisation("x"), SouthProvider)
	var regions []string
	for _, c := range south.Contracts {
		regions = append(regions, c.Region)
	}
	if !slices.Equal(regions, []string{"Thames Valley", "Hampshire and Isle of Wight"}) {
		t.Errorf("regions = %v", regions)
	}
	for _, want := range []string{"HMP Bullingdon", "HMP Winchester", "HMP Isle of Wight", "HMYOI Aylesbury", "Winchester Crown Court", "Reading Magistrates' Court", "Southampton Central Police Investigation Centre", "Loddon Valley Police Custody Suite (Reading)"} {
		if !slices.ContainsFunc(south.Sites, func(s sqlstore.SiteSeed) bool { return s.Name == want }) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestProvidersAreWellFormed(t *testing.T) {
	for _, p := range Organisation("x").Providers {
		if code, kind, err := ident.NormaliseODS(p.ODSCode); err != nil || kind != ident.ODSTrust || code != p.ODSCode {
			t.Errorf("%s: ODS code %q is not a trust code (%v)", p.Name, p.ODSCode, err)
		}
		types := map[string]bool{}
		for _, s := range p.Services {
			types[s.Type] = true
		}
		if !types[liaise.ServiceLD] || !types[liaise.ServiceRECONNECT] {
			t.Errorf("%s: services %v, want one L&D and one RECONNECT", p.Name, p.Services)
		}
		for _, c := range p.Contracts {
			// Seven years: from 1 April to 31 March seven years on.
			if c.Start.AddMonthsClamped(84).Time().AddDate(0, 0, -1) != c.End.Time() {
				t.Errorf("%s %s: contract %s to %s is not seven years", p.Name, c.Region, c.Start, c.End)
			}
			if len(c.Services) != len(p.Services) {
				t.Errorf("%s %s: contract covers %v, want both services", p.Name, c.Region, c.Services)
			}
		}
		seen := map[string]bool{}
		for _, s := range p.Sites {
			if seen[s.Name] {
				t.Errorf("%s: site %q twice", p.Name, s.Name)
			}
			seen[s.Name] = true
			if liaise.SiteTypeLabel(s.Type) == s.Type {
				t.Errorf("%s: site %q has unknown type %q", p.Name, s.Name, s.Type)
			}
			if s.Team == "" {
				t.Errorf("%s: site %q needs a team", p.Name, s.Name)
			}
			// Written in canonical form, so the data reads as the pages show it.
			if h, err := liaise.ParseHours(s.Hours); err != nil || h.String() != s.Hours {
				t.Errorf("%s: site %q hours %q: canonical %q, err %v", p.Name, s.Name, s.Hours, h.String(), err)
			}
		}
		if len(p.Hubs) == 0 || len(p.Partners) == 0 || len(p.Agencies) == 0 {
			t.Errorf("%s: needs hubs, partners and agencies", p.Name)
		}
	}
}

func TestOneAccountPerBuiltInRole(t *testing.T) {
	want := []string{"practitioner", "senior-practitioner", "slt", "str-worker", "peer-support-worker", "care-navigator",
		"team-manager", "service-manager", "caldicott-guardian", "administrator", "analyst", "auditor"}
	byRole := map[string]string{}
	var names []string
	for _, a := range Accounts() {
		if a.Provider != NorthProvider {
			continue
		}
		if prev, dup := byRole[a.Role]; dup {
			t.Errorf("role %s has two accounts: %s and %s", a.Role, prev, a.Username)
		}
		byRole[a.Role] = a.Username
		names = append(names, a.Username)
	}
	for _, r := range liaise.BuiltInRoles {
		if byRole[r.Code] == "" {
			t.Errorf("no demo account for role %s", r.Code)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("usernames = %v, want %v", names, want)
	}
	for _, u := range provider(t, Organisation("the-hash"), NorthProvider).Users {
		if !u.Demo || u.PasswordHash != "the-hash" {
			t.Errorf("%s: demo=%v hash=%q", u.Username, u.Demo, u.PasswordHash)
		}
		if u.Role == "peer_support_worker" && u.Partner == "" {
			t.Errorf("the peer support worker should be employed by the partner charity")
		}
	}
}
