package liaise

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeChecker accepts identifiers that look right without the real check
// digits (those are tested in internal/ident); codes in a tiny list.
type fakeChecker struct{}

func (fakeChecker) NHSNumber(s string) (string, error) {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 10 {
		return "", Errorf(EINVALID, "bad NHS number")
	}
	return s, nil
}
func (fakeChecker) PNCID(s string) (string, error) {
	if !strings.Contains(s, "/") {
		return "", Errorf(EINVALID, "bad PNC ID")
	}
	return strings.ToUpper(s), nil
}
func (fakeChecker) Postcode(s string) (string, error) {
	if len(s) < 5 {
		return "", Errorf(EINVALID, "bad postcode")
	}
	return strings.ToUpper(s), nil
}
func (fakeChecker) ODS(s string) (string, error) { return strings.ToUpper(s), nil }
func (fakeChecker) Code(list, code string, on Date) error {
	if code == "A" || code == "1" {
		return nil
	}
	return Errorf(EINVALID, "bad code")
}

func d(y, m, day int) Date { return Date{y, timeMonth(m), day} }

func TestValidatePerson(t *testing.T) {
	today := d(2026, 11, 23)
	ok := func() Person {
		return Person{IdentityStatus: IdentityAsGiven, Names: []PersonName{{Given: "Zoë", Family: "O'Brien"}}, DateOfBirth: d(1990, 1, 2)}
	}
	cases := []struct {
		name   string
		edit   func(p *Person)
		field  string // "" = valid
		warned bool
	}{
		{"valid", func(p *Person) {}, "", false},
		{"no name", func(p *Person) { p.Names = []PersonName{{Given: " ", Family: ""}} }, "given_name", false},
		{"family only", func(p *Person) { p.Names = []PersonName{{Family: "Smith"}} }, "", false},
		{"no identity status", func(p *Person) { p.IdentityStatus = "" }, "identity_status", false},
		{"no dob", func(p *Person) { p.DateOfBirth = Date{} }, "date_of_birth", false},
		{"future dob", func(p *Person) { p.DateOfBirth = d(2026, 11, 24) }, "date_of_birth", false},
		{"born today", func(p *Person) { p.DateOfBirth = today }, "", true},
		{"121 years", func(p *Person) { p.DateOfBirth = d(1905, 11, 22) }, "date_of_birth", false},
		{"dob unknown, age given", func(p *Person) { p.DOBUnknown, p.EstimatedAge = true, 30 }, "", false},
		{"dob unknown, age 9", func(p *Person) { p.DOBUnknown, p.EstimatedAge = true, 9 }, "estimated_age", false},
		{"dob unknown, age 101", func(p *Person) { p.DOBUnknown, p.EstimatedAge = true, 101 }, "estimated_age", false},
		{"age 9 warns", func(p *Person) { p.DateOfBirth = d(2017, 1, 1) }, "", true},
		{"age 10 fine", func(p *Person) { p.DateOfBirth = d(2016, 11, 23) }, "", false},
		{"bad NHS number", func(p *Person) { p.Identifiers = []Identifier{{Type: IDNHSNumber, Value: "123"}} }, "nhs_number", false},
		{"bad PNC", func(p *Person) { p.Identifiers = []Identifier{{Type: IDPNC, Value: "123"}} }, "pnc_id", false},
		{"unknown identifier type", func(p *Person) { p.Identifiers = []Identifier{{Type: "passport", Value: "123"}} }, "identifiers", false},
		{"bad postcode", func(p *Person) { p.Postcode = "x" }, "postcode", false},
		{"no fixed abode drops postcode", func(p *Person) { p.Postcode, p.NoFixedAbode = "x", true }, "", false},
		{"bad code", func(p *Person) { p.EthnicCategory = "ZZ" }, "ethnic_category", false},
		{"good code", func(p *Person) { p.EthnicCategory = "A" }, "", false},
		{"bad yes/no", func(p *Person) { p.CareLeaver = "maybe" }, "care_leaver", false},
		{"adult without relationship", func(p *Person) { p.ResponsibleAdults = []ResponsibleAdult{{Name: "Mum"}} }, "ra_relationship", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ok()
			c.edit(&p)
			warnings, err := ValidatePerson(&p, today, fakeChecker{})
			if c.field == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if c.field != "" && ErrorFields(err)[c.field] == "" {
				t.Fatalf("error %v, want one on %s", err, c.field)
			}
			if (len(warnings) > 0) != c.warned {
				t.Errorf("warnings %v, want warned=%v", warnings, c.warned)
			}
		})
	}
	p := ok()
	p.Postcode, p.NoFixedAbode = "PR1 1AA", true
	p.Identifiers = []Identifier{{Type: IDNHSNumber, Value: "943 476 5919"}, {Type: IDCustodyRecord, Value: " la 123 / 26 "}}
	if _, err := ValidatePerson(&p, today, fakeChecker{}); err != nil {
		t.Fatal(err)
	}
	if p.Postcode != "" || p.Identifiers[0].Value != "9434765919" || p.Identifiers[0].NHSVerification != NHSAsGiven || p.Identifiers[1].Value != "LA123/26" || p.ExArmedForces != "unknown" {
		t.Errorf("normalised %+v", p)
	}
}

func TestNameFolding(t *testing.T) {
	cases := map[string][]string{
		"Zoë O'Brien-Smith":   {"zoe", "obrien", "smith", "obriensmith"},
		"D’Arcy":              {"darcy"},
		"ŁUKASZ Wójcik":       {"lukasz", "wojcik"},
		"Anne-Marie  Le Roux": {"anne", "marie", "annemarie", "le", "roux"},
		"  ":                  nil,
		"Straße":              {"strasse"},
	}
	for in, want := range cases {
		if got := NameTokens(in); !slices.Equal(got, want) {
			t.Errorf("NameTokens(%q) = %v, want %v", in, got, want)
		}
	}
	// Every way staff type the name finds it: each query token is a prefix of a name token.
	name := NameTokens("Zoë O'Brien-Smith")
	for _, q := range []string{"zoe", "obrien", "o'brien", "smith", "OBRIEN-SMITH", "Zoe\u0308"} {
		for _, qt := range NameTokens(q) {
			if !slices.ContainsFunc(name, func(t string) bool { return strings.HasPrefix(t, qt) }) {
				t.Errorf("query %q token %q matches no name token of %v", q, qt, name)
			}
		}
	}
}

func TestAgeOn(t *testing.T) {
	cases := []struct {
		dob, on Date
		want    int
	}{
		{d(2000, 5, 10), d(2026, 5, 9), 25},
		{d(2000, 5, 10), d(2026, 5, 10), 26},
		{d(2004, 2, 29), d(2026, 2, 28), 21},
		{d(2004, 2, 29), d(2026, 3, 1), 22},
		{d(2026, 1, 1), d(2025, 1, 1), 0},
	}
	for _, c := range cases {
		if got := AgeOn(c.dob, c.on); got != c.want {
			t.Errorf("AgeOn(%v, %v) = %d, want %d", c.dob, c.on, got, c.want)
		}
	}
	p := Person{DOBUnknown: true, EstimatedAge: 16}
	if !p.IsChildOn(d(2026, 1, 1)) || p.AgeOn(d(2026, 1, 1)) != 16 {
		t.Error("estimated age 16 is a child")
	}
}

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		n    int
	}{{"murphy", "murphey", 1}, {"murphy", "murphy", 0}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"zoë", "zoe", 1}} {
		if got := Levenshtein(c.a, c.b); got != c.n {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.n)
		}
	}
}

func TestDuplicateAndBreakGlassErrors(t *testing.T) {
	err := error(NewDuplicateError([]DuplicateCandidate{{PersonID: 1, Blocking: true}}))
	var de *DuplicateError
	if ErrorCode(err) != ECONFLICT || !errors.As(err, &de) || !de.Blocking() {
		t.Errorf("duplicate error: %v", err)
	}
	err = NewBreakGlassError(3)
	if ErrorCode(err) != EFORBIDDEN {
		t.Errorf("break-glass error code %s", ErrorCode(err))
	}
	if ValidBreakGlassReason("too short") == nil || ValidBreakGlassReason("ten chars!") != nil {
		t.Error("reason length rule")
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }
