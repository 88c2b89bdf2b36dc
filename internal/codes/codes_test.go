package codes

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"liaise"
)

// required is every list the foundation issue names (issue 2, item 5).
var required = []string{
	"bank-holidays", "ethnic-category", "person-stated-gender", "gender-identity",
	"source-of-referral", "service-team-type", "primary-reason-for-referral",
	"referral-closure-reason", "referral-rejection-reason", "attended-or-dna",
	"consultation-mechanism", "activity-location-type", "learning-disability-status",
	"autism-status", "vulnerabilities", "referrer-roles", "settings",
	// The L&D pathway's local lists (issue 3).
	"rejection-reasons-local", "deferral-reasons", "not-screened-reasons", "not-assessed-reasons",
	"closure-reasons-local", "consent-scopes", "disclosure-purposes", "disclosure-legal-bases",
	"recommendation-types", "custody-outcomes", "court-outcomes", "community-order-requirements",
}

func TestRequiredListsExist(t *testing.T) {
	for _, name := range required {
		if _, ok := Info(name); !ok {
			t.Errorf("list %s is missing", name)
			continue
		}
		cs, err := List(name)
		if err != nil || len(cs) == 0 {
			t.Errorf("list %s: %d codes, %v", name, len(cs), err)
		}
	}
}

// TestEveryFileParses checks the registry and the data folder match both ways
// and every file is well formed: names usable as URL segments, a title and
// source for each list, no duplicate code with overlapping validity.
func TestEveryFileParses(t *testing.T) {
	nameRE := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	files, err := fs.Glob(dataFS, "data/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "data/"), ".csv")
		if _, ok := Info(name); !ok {
			t.Errorf("%s has no entry in the list registry", f)
		}
	}
	if _, err := parsed(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range Lists() {
		if seen[l.Name] {
			t.Errorf("list %s registered twice", l.Name)
		}
		seen[l.Name] = true
		if !nameRE.MatchString(l.Name) {
			t.Errorf("list name %q is not lower case with hyphens", l.Name)
		}
		if l.Title == "" || l.Source == "" || l.Description == "" {
			t.Errorf("list %s lacks a title, source or description", l.Name)
		}
		cs, err := List(l.Name)
		if err != nil {
			t.Errorf("%s: %v", l.Name, err)
			continue
		}
		for i, a := range cs {
			if strings.TrimSpace(a.Code) != a.Code || strings.TrimSpace(a.Label) != a.Label {
				t.Errorf("%s: code %q or its label has surrounding spaces", l.Name, a.Code)
			}
			for _, b := range cs[i+1:] {
				if a.Code == b.Code && overlap(a, b) {
					t.Errorf("%s: code %s has two versions valid at once (%s–%s and %s–%s)", l.Name, a.Code, a.ValidFrom, a.ValidTo, b.ValidFrom, b.ValidTo)
				}
			}
		}
	}
}

func overlap(a, b Code) bool {
	endsBefore := func(x, y Code) bool { return !x.ValidTo.IsZero() && x.ValidTo.Before(y.ValidFrom) }
	return !endsBefore(a, b) && !endsBefore(b, a)
}

func TestParseRejectsBadFiles(t *testing.T) {
	bad := map[string]string{
		"empty":          "",
		"wrong header":   "code,name,valid_from,valid_to\nA,x,2020-01-01,\n",
		"short header":   "code,label\nA,x\n",
		"no label":       "code,label,valid_from,valid_to\nA,,2020-01-01,\n",
		"bad from":       "code,label,valid_from,valid_to\nA,x,2020-13-01,\n",
		"bad to":         "code,label,valid_from,valid_to\nA,x,2020-01-01,soon\n",
		"to before from": "code,label,valid_from,valid_to\nA,x,2020-01-01,2019-12-31\n",
		"ragged":         "code,label,valid_from,valid_to\nA,x,2020-01-01\n",
	}
	for name, text := range bad {
		if _, err := Parse([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cs, err := Parse([]byte("# a comment\ncode,label,valid_from,valid_to,map\nA,\"Alpha, first\",2020-01-01,,X1\n"))
	if err != nil || len(cs) != 1 || cs[0].Label != "Alpha, first" || cs[0].Extra["map"] != "X1" || !cs[0].ValidTo.IsZero() {
		t.Fatalf("Parse = %+v, %v", cs, err)
	}
}

func TestLookupByDate(t *testing.T) {
	cases := []struct {
		list, code, on string
		ok             bool
	}{
		{"service-team-type", "D02", "2026-11-23", true},
		{"service-team-type", "A03", "2020-01-01", true},  // retired 30 September 2021
		{"service-team-type", "A03", "2021-09-30", true},  // valid to is inclusive
		{"service-team-type", "A03", "2021-10-01", false}, // gone with MHSDS v5
		{"service-team-type", "F04", "2024-03-31", true},
		{"service-team-type", "F04", "2024-04-01", false},
		{"primary-reason-for-referral", "31", "2024-03-31", false},
		{"primary-reason-for-referral", "31", "2024-04-01", true},
		{"primary-reason-for-referral", "17", "2026-11-23", false}, // never used
		{"source-of-referral", "E1", "2019-04-01", true},
		{"source-of-referral", "E1", "2019-03-31", false},
		{"source-of-referral", "Z9", "2026-11-23", false},
		{"no-such-list", "A", "2026-11-23", false},
	}
	for _, c := range cases {
		_, ok := Lookup(c.list, c.code, date(c.on))
		if ok != c.ok {
			t.Errorf("Lookup(%s, %s, %s) = %v, want %v", c.list, c.code, c.on, ok, c.ok)
		}
	}
	c, ok := Lookup("referrer-roles", "custody_sergeant", date("2026-11-23"))
	if !ok || c.Extra["mhsds_source"] != "E1" {
		t.Fatalf("custody_sergeant = %+v, %v", c, ok)
	}
	c.Extra["mhsds_source"] = "changed"
	if again, _ := Lookup("referrer-roles", "custody_sergeant", date("2026-11-23")); again.Extra["mhsds_source"] != "E1" {
		t.Fatal("a caller's change to Extra leaked into the shared list")
	}
}

func TestLabelAndCheck(t *testing.T) {
	if got := Label("service-team-type", "D02"); got != "Criminal Justice Liaison and Diversion Service" {
		t.Errorf("D02 label %q", got)
	}
	if got := Label("service-team-type", "A03"); got != "Crisis Resolution Team" {
		t.Errorf("retired code label %q", got)
	}
	if got := Label("service-team-type", "QQQ"); got != "QQQ" {
		t.Errorf("unknown code label %q", got)
	}
	if err := Check("settings", "police_custody", date("2026-11-23")); err != nil {
		t.Error(err)
	}
	err := Check("settings", "moon", date("2026-11-23"))
	if liaise.ErrorCode(err) != liaise.EINVALID || !strings.Contains(liaise.ErrorMessage(err), "Settings") {
		t.Errorf("Check unknown = %v", err)
	}
	if _, err := List("no-such-list"); liaise.ErrorCode(err) != liaise.ENOTFOUND {
		t.Errorf("List unknown = %v", err)
	}
}

// TestListContents checks the lists against the domain brief (§1.8, §2.3,
// §9.1), so a code dropped by accident is noticed.
func TestListContents(t *testing.T) {
	codesOf := func(list string) []string {
		cs, err := List(list)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return out
	}
	want := map[string][]string{
		"ethnic-category":      strings.Fields("A B C D E F G H J K L M N P R S Z 99"),
		"person-stated-gender": strings.Fields("1 2 9 X"),
		"gender-identity":      strings.Fields("1 2 3 4 X Z"),
		"source-of-referral": strings.Fields("A1 A2 A3 A4 B1 B2 C1 C2 C3 D1 D2 E1 E2 E3 E4 E5 E6 F1 F2 F3 G1 G2 G3 G4 H1 H2 I1 I2 " +
			"M1 M2 M3 M4 M5 M6 M7 M8 N1 N2 N3 N4 P1 Q1"),
		"service-team-type": strings.Fields("A01 A02 A03 A04 A05 A06 A07 A08 A09 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 " +
			"B01 B02 C01 C02 C04 C05 C06 C07 C08 C10 D01 D02 D03 D04 D05 D06 D07 D08 E01 E02 E03 E04 F01 F02 F03 F04 F05 F06 Z01 Z02"),
		"referral-closure-reason":    strings.Fields("01 02 03 04 05 06 07 08 09"),
		"referral-rejection-reason":  strings.Fields("01 02 03"),
		"attended-or-dna":            strings.Fields("5 6 7 2 3 4"),
		"consultation-mechanism":     strings.Fields("01 02 04 05 09 10 11 12 13 98"),
		"activity-location-type":     strings.Fields("M01 M02 M03 M04 M05 M06 M07 A01 G03 L01 N01 N02 N03 X01"),
		"learning-disability-status": strings.Fields("1 2 3 4 5 U X Z"),
		"autism-status":              strings.Fields("1 2 3 4 5 U X Z"),
		"settings":                   strings.Fields("police_custody voluntary_attendance magistrates_court youth_court crown_court probation community prison"),
	}
	var reasons []string
	for i := 1; i <= 31; i++ {
		if i != 17 {
			reasons = append(reasons, string(rune('0'+i/10))+string(rune('0'+i%10)))
		}
	}
	want["primary-reason-for-referral"] = reasons
	for list, w := range want {
		if got := codesOf(list); !slices.Equal(got, w) {
			t.Errorf("%s codes:\n got %v\nwant %v", list, got, w)
		}
	}
	vul := codesOf("vulnerabilities")
	for _, c := range strings.Fields("mental_health learning_disability learning_difficulty autism adhd_neurodevelopmental acquired_brain_injury " +
		"substance_drugs substance_alcohol physical_health slcn self_harm_suicide charge_related_risk housing finance_debt_benefits " +
		"domestic_abuse sexual_abuse_trauma safeguarding_child safeguarding_adult veteran care_leaver womens_pathway gambling other") {
		if !slices.Contains(vul, c) {
			t.Errorf("vulnerabilities lacks %s", c)
		}
	}
}

// TestReferrerRolesMapToSourceOfReferral checks every local referrer role maps
// to an MHSDS source of referral that is valid today.
func TestReferrerRolesMapToSourceOfReferral(t *testing.T) {
	cs, err := List("referrer-roles")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		src := c.Extra["mhsds_source"]
		if _, ok := Lookup("source-of-referral", src, date("2026-11-23")); !ok {
			t.Errorf("referrer role %s maps to %q, not a current source of referral", c.Code, src)
		}
	}
	for role, src := range map[string]string{"custody_sergeant": "E1", "court_legal_adviser": "E2", "probation": "E3", "prison_healthcare": "E4", "yot": "E6", "self": "B1", "family_friend": "B2"} {
		if c, _ := Lookup("referrer-roles", role, date("2026-11-23")); c.Extra["mhsds_source"] != src {
			t.Errorf("%s maps to %q, want %s", role, c.Extra["mhsds_source"], src)
		}
	}
}

func TestRetired(t *testing.T) {
	c, _ := Lookup("service-team-type", "A03", date("2020-01-01"))
	if !c.Retired(date("2026-11-23")) || c.Retired(date("2021-09-30")) {
		t.Errorf("A03 retired flags wrong: %+v", c)
	}
	d, _ := Lookup("service-team-type", "D02", date("2026-11-23"))
	if d.Retired(date("2099-01-01")) {
		t.Error("a current code is retired")
	}
}
