package demo

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

func allPeople() []sqlstore.PersonSeed {
	north, south := People()
	return slices.Concat(north, south)
}

// Every generated person passes the validation the person form uses, with
// no warning (no one is under 10).
func TestDemoPeopleAreValid(t *testing.T) {
	north, south := People()
	if len(north) != 160 || len(south) != 40 {
		t.Fatalf("%d north and %d south people, want 160 and 40", len(north), len(south))
	}
	for _, ps := range allPeople() {
		p := ps.Person
		warnings, err := sqlstore.ValidatePerson(&p, PeopleDay)
		if err != nil {
			t.Errorf("%s (%s): %v %v", ps.Ref, ps.Person.DisplayName(), err, liaise.ErrorFields(err))
		}
		if len(warnings) > 0 {
			t.Errorf("%s: warnings %v", ps.Ref, warnings)
		}
		// Validation changed nothing: the generator writes normalised values.
		if !reflect.DeepEqual(p.Identifiers, ps.Person.Identifiers) || p.Postcode != ps.Person.Postcode {
			t.Errorf("%s: normalised %v %q, generated %v %q", ps.Ref, p.Identifiers, p.Postcode, ps.Person.Identifiers, ps.Person.Postcode)
		}
		if age := p.AgeOn(PeopleDay); age < 10 || age > 80 {
			t.Errorf("%s is %d on %s, want 10 to 80", ps.Ref, age, PeopleDay)
		}
	}
}

func TestDemoPeopleAreDeterministic(t *testing.T) {
	n1, s1 := People()
	n2, s2 := People()
	if !reflect.DeepEqual(n1, n2) || !reflect.DeepEqual(s1, s2) {
		t.Fatal("two generations differ")
	}
}

func TestDemoPeopleTeams(t *testing.T) {
	north, south := People()
	teamsOf := func(p sqlstore.ProviderSeed) []string {
		var out []string
		for _, t := range p.Teams {
			out = append(out, t.Name)
		}
		return out
	}
	org := Organisation("x")
	for _, c := range []struct {
		people []sqlstore.PersonSeed
		teams  []string
	}{
		{north, teamsOf(provider(t, org, NorthProvider))},
		{south, teamsOf(provider(t, org, SouthProvider))},
	} {
		count := map[string]int{}
		for _, ps := range c.people {
			if !slices.Contains(c.teams, ps.Team) {
				t.Errorf("%s: team %q is not a team of the provider", ps.Ref, ps.Team)
			}
			count[ps.Team]++
		}
		for _, team := range c.teams {
			if count[team] == 0 {
				t.Errorf("no people in %s", team)
			}
		}
		if team := c.teams[0]; team == TeamPreston && count[team] < 40 {
			t.Errorf("%d people in %s, want at least 40", count[team], team)
		}
	}
	for _, a := range Accounts() {
		for _, team := range a.Teams {
			if !slices.ContainsFunc(allPeople(), func(ps sqlstore.PersonSeed) bool { return ps.Team == team }) {
				t.Errorf("%s's team %s has no people", a.Username, team)
			}
		}
	}
}

// The identifiers are fictional and unique: NHS numbers from the 999 test
// range passing the modulus 11 check, PNC IDs with their check character.
func TestDemoPeopleIdentifiers(t *testing.T) {
	seen := map[string]string{}
	prefixes := map[string]bool{}
	for _, ps := range allPeople() {
		for _, id := range ps.Person.Identifiers {
			switch id.Type {
			case liaise.IDNHSNumber:
				if !strings.HasPrefix(id.Value, "999") || ident.ValidNHSNumber(id.Value) != nil {
					t.Errorf("%s: NHS number %s is not a valid number of the 999 test range", ps.Ref, id.Value)
				}
				// The number the browser tests type when creating a person.
				if id.Value == "9990000018" {
					t.Errorf("%s has 999 000 0018", ps.Ref)
				}
			case liaise.IDPNC:
				if ident.ValidPNCID(id.Value) != nil {
					t.Errorf("%s: PNC ID %s is not valid", ps.Ref, id.Value)
				}
			case liaise.IDCustodyRecord:
				prefixes[strings.SplitN(id.Value, "-", 2)[0]] = true
			}
			key := id.Type + " " + id.Value
			if other, ok := seen[key]; ok {
				t.Errorf("%s and %s share %s", other, ps.Ref, key)
			}
			seen[key] = ps.Ref
		}
	}
	for _, force := range []string{"LC", "TVP"} {
		if !prefixes[force] {
			t.Errorf("no custody record number of force %s", force)
		}
	}
}

// The mix is plausible: proportions the brief asks for, and the names that
// exercise accent-, apostrophe- and hyphen-insensitive search.
func TestDemoPeopleVariety(t *testing.T) {
	people := allPeople()
	var children, nhs, pnc, unknown, confirmed, interpreter, nfa, adjustments, restricted, lookedAfter, notSame int
	ethnic := map[string]bool{}
	var names []string
	for _, ps := range people {
		p := ps.Person
		if p.IsChildOn(PeopleDay) {
			children++
			if len(p.ResponsibleAdults) == 0 {
				t.Errorf("%s is a child with no responsible adult", ps.Ref)
			}
			if p.LookedAfter {
				lookedAfter++
			}
		}
		if p.Identifier(liaise.IDNHSNumber) != "" {
			nhs++
		}
		if p.Identifier(liaise.IDPNC) != "" {
			pnc++
		}
		switch p.IdentityStatus {
		case liaise.IdentityUnknown:
			unknown++
			if !p.DOBUnknown || p.EstimatedAge == 0 {
				t.Errorf("%s: unknown identity with a date of birth", ps.Ref)
			}
		case liaise.IdentityConfirmed:
			confirmed++
		}
		if p.InterpreterNeeded {
			interpreter++
		}
		if p.NoFixedAbode {
			nfa++
		}
		if p.ReasonableAdjustments != "" {
			adjustments++
		}
		if p.Restricted {
			restricted++
			if !slices.Equal(ps.NamedStaff, []string{"team-manager"}) {
				t.Errorf("%s is restricted with named staff %v, want the team manager", ps.Ref, ps.NamedStaff)
			}
		}
		notSame += len(ps.NotSameAs)
		ethnic[p.EthnicCategory] = true
		for _, n := range p.Names {
			names = append(names, n.Full())
		}
	}
	n := float64(len(people))
	for _, c := range []struct {
		what     string
		got      int
		min, max float64
	}{
		{"children", children, 0.05, 0.12},
		{"with an NHS number", nhs, 0.6, 0.8},
		{"with a PNC ID", pnc, 0.5, 0.7},
		{"of unknown identity", unknown, 0.01, 0.08},
		{"confirmed", confirmed, 0.1, 0.4},
		{"needing an interpreter", interpreter, 0.02, 0.15},
		{"of no fixed abode", nfa, 0.03, 0.2},
		{"with reasonable adjustments", adjustments, 0.05, 0.4},
	} {
		if share := float64(c.got) / n; share < c.min || share > c.max {
			t.Errorf("%d people %s (%.0f%%), want %.0f%% to %.0f%%", c.got, c.what, 100*share, 100*c.min, 100*c.max)
		}
	}
	if restricted != 2 || lookedAfter == 0 || notSame < 5 {
		t.Errorf("%d restricted (want 2), %d looked after, %d not-the-same declarations", restricted, lookedAfter, notSame)
	}
	for _, code := range strings.Fields("A B C H J K M N R S 99") {
		if !ethnic[code] {
			t.Errorf("no one of ethnic category %s", code)
		}
	}
	all := strings.Join(names, "\n")
	for _, want := range []string{"Zoë", "Siân", "José", "Łukasz", "Ní Bhriain", "O'Neill", "D'Souza", "-"} {
		if !strings.Contains(all, want) {
			t.Errorf("no name with %q", want)
		}
	}
}

// The browser tests create "Zoë O'Brien-Smith" (born 27 March 1998) and
// "Jordan Ní Bhriain" (born 14 August 2009) and expect no match first.
func TestDemoPeopleLeaveBrowserTestsAlone(t *testing.T) {
	for _, ps := range allPeople() {
		p := ps.Person
		var tokens []string
		for _, n := range p.Names {
			tokens = append(tokens, liaise.NameTokens(n.Full())...)
		}
		has := func(prefix string) bool {
			return slices.ContainsFunc(tokens, func(t string) bool { return strings.HasPrefix(t, prefix) })
		}
		if has("zoe") && has("obrien") {
			t.Errorf("%s matches a search for zoe o'brien", ps.Ref)
		}
		for _, d := range []liaise.Date{{Year: 1998, Month: time.March, Day: 27}, {Year: 2009, Month: time.August, Day: 14}} {
			if p.DateOfBirth == d {
				t.Errorf("%s was born on %s", ps.Ref, d)
			}
		}
	}
}
