package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"liaise"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

// The demo's fictional people: about 200, most at Lancashire & South
// Cumbria, so the people pages have something real to show. They are
// generated from a fixed seed, so every load makes the same people, with
// names in proportions plausible for the towns each team serves. Every
// identifier is fictional: NHS numbers come from the 999 test range, phone
// numbers from Ofcom's ranges reserved for drama.

// PeopleDay is the day the demo people's ages are counted to.
var PeopleDay = liaise.Date{Year: 2026, Month: time.November, Day: 23}

// Demo people counts per team. Each demo practitioner's team has people, and
// Preston (the practitioner's team) the most.
var (
	northTeamPeople = []teamCount{
		{TeamPreston, 48}, {TeamBlackburnBurnley, 40}, {TeamBlackpoolLanc, 32}, {TeamCumbria, 24}, {TeamLSCReconnect, 16},
	}
	southTeamPeople = []teamCount{
		{TeamBerkshireCustody, 19},
		{"Thames Valley L&D – Oxfordshire custody", 3},
		{"Thames Valley L&D – Buckinghamshire and Milton Keynes custody", 3},
		{"Thames Valley L&D – courts", 3},
		{"Hampshire & Isle of Wight L&D – custody", 3},
		{"Hampshire & Isle of Wight L&D – courts", 3},
		{"Thames Valley RECONNECT", 3},
		{"Hampshire & Isle of Wight RECONNECT", 3},
	}
)

type teamCount struct {
	team string
	n    int
}

// People returns the demo people of each provider, the same every time.
func People() (north, south []sqlstore.PersonSeed) {
	g := newPeopleGen()
	north = g.provider(northSpecials(), northTeamPeople)
	g.resetProvider()
	south = g.provider(southSpecials(), southTeamPeople)
	return north, south
}

// --- Generator ----------------------------------------------------------------

type peopleGen struct {
	r       *rand.Rand
	nhsNext int             // next nine digits to try in the 999 test range
	pncUsed map[string]bool // PNC IDs are unique across the demo
	dobUsed map[liaise.Date]bool
	seq     int
}

func newPeopleGen() *peopleGen {
	g := &peopleGen{
		r: rand.New(rand.NewPCG(2026, 11)),
		// 999 000 0018 and its neighbours are what people type when trying
		// the forms (the browser tests do), so the demo starts further on.
		nhsNext: 999_100_000,
		pncUsed: map[string]bool{},
	}
	g.resetProvider()
	return g
}

// resetProvider starts a provider's dates of birth afresh. Generated people
// never share a date of birth within a provider, so the duplicate check
// flags only the deliberate near-duplicates.
func (g *peopleGen) resetProvider() {
	g.dobUsed = map[liaise.Date]bool{
		// Dates of birth the browser tests type when creating people.
		{Year: 1998, Month: time.March, Day: 27}:  true,
		{Year: 2009, Month: time.August, Day: 14}: true,
	}
}

// pick returns one of s at random.
func pick[T any](g *peopleGen, s []T) T { return s[g.r.IntN(len(s))] }

func (g *peopleGen) chance(p float64) bool  { return g.r.Float64() < p }
func (g *peopleGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// nhsNumber returns the next NHS number of the test range whose nine digits
// have a modulus 11 check digit (those whose check digit would be 10 are
// never issued, so they are skipped).
func (g *peopleGen) nhsNumber() string {
	for {
		nine := fmt.Sprintf("%09d", g.nhsNext)
		g.nhsNext++
		if d, ok := ident.NHSNumberCheckDigit(nine); ok {
			return nine + fmt.Sprint(d)
		}
	}
}

// pncID returns an unused PNC ID first recorded in a year the person was at
// least 12.
func (g *peopleGen) pncID(born int) string {
	from := max(born+12, 1996)
	for {
		year := g.between(min(from, 2026), 2026)
		if id, ok := ident.MakePNCID(year%100, g.between(1000, 999999)); ok && !g.pncUsed[id] {
			g.pncUsed[id] = true
			return id
		}
	}
}

// dob returns an unused date of birth for someone aged age on PeopleDay.
func (g *peopleGen) dob(age int) liaise.Date {
	for {
		d := liaise.DateOf(PeopleDay.Time().AddDate(-age, 0, -g.r.IntN(365)))
		if !g.dobUsed[d] {
			g.dobUsed[d] = true
			return d
		}
	}
}

func (g *peopleGen) provider(specials []sqlstore.PersonSeed, counts []teamCount) []sqlstore.PersonSeed {
	perTeam := map[string]int{}
	for _, s := range specials {
		perTeam[s.Team]++
		g.dobUsed[s.Person.DateOfBirth] = true
		for _, id := range s.Person.Identifiers {
			if id.Type == liaise.IDPNC {
				g.pncUsed[id.Value] = true
			}
		}
	}
	out := append([]sqlstore.PersonSeed(nil), specials...)
	for _, tc := range counts {
		a, ok := areas[tc.team]
		if !ok {
			panic("demo: no area for team " + tc.team) // a team renamed in data.go but not here
		}
		for range tc.n - perTeam[tc.team] {
			g.seq++
			out = append(out, sqlstore.PersonSeed{Ref: fmt.Sprintf("p%03d", g.seq), Team: tc.team, Person: g.person(a)})
		}
	}
	return out
}

// person generates one person of area a.
func (g *peopleGen) person(a area) liaise.Person {
	h := g.heritage(a)
	female := g.chance(0.18)
	var p liaise.Person

	// Identity: names given in custody are often all there is.
	switch x := g.r.Float64(); {
	case x < 0.05 && !a.reconnect: // prisons know who they release
		p.IdentityStatus = liaise.IdentityUnknown
	case x < 0.28:
		p.IdentityStatus = liaise.IdentityConfirmed
	default:
		p.IdentityStatus = liaise.IdentityAsGiven
	}
	known := p.IdentityStatus != liaise.IdentityUnknown
	child := a.children && known && g.chance(0.105)
	given, family := g.name(h, female)
	first := liaise.NameGivenInCustody
	if p.IdentityStatus == liaise.IdentityConfirmed {
		first = liaise.NameLegal
	}
	if !known {
		// "Gave first name only": the family name is not known.
		if g.chance(0.6) {
			family = ""
		}
	}
	p.Names = []liaise.PersonName{{Type: first, Given: given, Family: family}}
	if nick, ok := nicknames[given]; ok && g.chance(0.4) {
		p.Names = append(p.Names, liaise.PersonName{Type: liaise.NamePreferred, Given: nick, Family: family})
	}
	if g.chance(0.12) {
		ag, af := g.name(h, female)
		if g.chance(0.5) {
			ag = given
		}
		p.Names = append(p.Names, liaise.PersonName{Type: liaise.NameAlias, Given: ag, Family: af})
	}

	// Age.
	var age int
	switch {
	case child:
		age = pick(g, []int{10, 12, 13, 14, 14, 15, 15, 15, 16, 16, 16, 17, 17, 17})
	case a.reconnect:
		age = g.between(21, 60)
	default:
		age = g.adultAge()
	}
	if !known {
		p.DOBUnknown = true
		p.EstimatedAge = (age + 2) / 5 * 5 // estimates come rounded
	} else {
		p.DateOfBirth = g.dob(age)
	}
	born := PeopleDay.Year - age

	// Gender and ethnicity, from the MHSDS code lists.
	p.StatedGender = "1"
	if female {
		p.StatedGender = "2"
	}
	if g.chance(0.01) {
		p.StatedGender = "X"
	}
	switch x := g.r.Float64(); {
	case x < 0.55:
		p.GenderIdentity = map[string]string{"1": "1", "2": "2", "X": "X"}[p.StatedGender]
	case x < 0.58:
		p.GenderIdentity = "Z"
	case x < 0.595:
		p.GenderIdentity = "3" // non-binary
	}
	p.EthnicCategory = pick(g, h.ethnic)
	switch x := g.r.Float64(); {
	case !known || x < 0.04:
		p.EthnicCategory = "99"
	case x < 0.09:
		p.EthnicCategory = "Z"
	}

	// Language and communication.
	if h.languages != nil {
		lang := pick(g, h.languages)
		if g.chance(h.interpreter) && age >= 16 {
			p.PreferredLanguage, p.InterpreterNeeded = lang, true
			p.CommunicationNeeds = "Limited English: use a " + lang + " interpreter for screening, assessment and anything to sign"
		} else if g.chance(0.3) {
			p.PreferredLanguage = lang
		}
	}
	if !p.InterpreterNeeded && g.chance(0.01) {
		p.PreferredLanguage, p.InterpreterNeeded = "British Sign Language", true
		p.CommunicationNeeds = "Deaf: uses British Sign Language. Book a registered BSL interpreter; do not rely on lip-reading or notes"
	} else if p.CommunicationNeeds == "" && g.chance(0.08) {
		p.CommunicationNeeds = pick(g, CommunicationNeeds)
	}

	// Learning disability and autism (MHSDS indicators).
	p.LDStatus = g.weighted([]string{"", "5", "X", "U", "1", "2", "3", "4"}, []int{30, 38, 21, 4, 2, 2, 2, 1})
	p.AutismStatus = g.weighted([]string{"", "5", "X", "U", "1", "2", "3", "4"}, []int{30, 38, 21, 4, 2, 2, 1, 1})
	switch {
	case p.LDStatus >= "1" && p.LDStatus <= "4":
		p.ReasonableAdjustments = pick(g, LDAdjustments)
	case p.AutismStatus >= "1" && p.AutismStatus <= "4":
		p.ReasonableAdjustments = pick(g, AutismAdjustments)
	case g.chance(0.1):
		p.ReasonableAdjustments = pick(g, OtherAdjustments)
	}

	// Where they live.
	t := a.towns[g.r.IntN(len(a.towns))]
	switch {
	case !known:
		// Nothing to go on yet.
	case !child && g.chance(a.nfa):
		p.NoFixedAbode = true
	case g.chance(0.87):
		p.Address = fmt.Sprintf("%d %s, %s", g.between(1, 180), pick(g, streets), t.name)
		if g.chance(0.15) {
			p.Address = fmt.Sprintf("Flat %d, %s", g.between(1, 24), p.Address)
		}
		p.Postcode = pick(g, t.outward) + " " + fmt.Sprint(g.between(1, 9)) + pick(g, inwardLetters) + pick(g, inwardLetters)
	}
	if known && g.chance(map[bool]float64{true: 0.25, false: 0.6}[p.NoFixedAbode]) {
		p.GPPracticeODS = fmt.Sprintf("%s%03d", a.gp, g.between(1, 199))
	}
	if child {
		p.ExArmedForces, p.CareLeaver = "no", "no"
	} else {
		p.ExArmedForces = g.weighted([]string{"no", "unknown", "yes"}, []int{55, 40, map[bool]int{true: 6, false: 0}[age >= 25]})
		careLeaver := 6
		if age <= 25 {
			careLeaver = 20
		}
		p.CareLeaver = g.weighted([]string{"no", "unknown", "yes"}, []int{45, 50 - careLeaver, careLeaver})
	}

	// Identifiers.
	if known && g.chance(0.72) {
		ver := g.weighted([]string{liaise.NHSAsGiven, liaise.NHSVerified, liaise.NHSNotKnown}, []int{75, 20, 5})
		if p.IdentityStatus == liaise.IdentityConfirmed {
			ver = g.weighted([]string{liaise.NHSVerified, liaise.NHSAsGiven}, []int{85, 15})
		}
		p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDNHSNumber, Value: g.nhsNumber(), NHSVerification: ver})
	}
	if known && (!child || age >= 14) && g.chance(map[bool]float64{true: 0.35, false: 0.68}[child]) {
		p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDPNC, Value: g.pncID(born)})
	}
	if !a.reconnect && g.chance(0.4) {
		p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDCustodyRecord,
			Value: fmt.Sprintf("%s-%d-%06d", a.force, pick(g, []int{25, 26, 26}), g.between(100, 12000))})
	}
	if known && !child && g.chance(map[bool]float64{true: 0.85, false: 0.04}[a.reconnect]) {
		p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDPrisonNumber,
			Value: fmt.Sprintf("A%04d%s%s", g.between(1000, 9999), pick(g, prisonLetters), pick(g, prisonLetters))})
	}

	if child {
		g.childDetails(&p, a, h, family)
	}
	return p
}

// childDetails fills in what the service needs for a child: responsible
// adults, looked-after and child-protection status and the professionals
// around them.
func (g *peopleGen) childDetails(p *liaise.Person, a area, h *heritage, family string) {
	switch x := g.r.Float64(); {
	case x < 0.18:
		p.LookedAfter = true
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
			Name: a.council + " (corporate parent)", Relationship: "corporate_parent", ParentalResponsibility: true, Phone: dramaLandline(g)})
		if g.chance(0.6) {
			fg, ff := g.name(adultHeritage(h), g.chance(0.7))
			p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
				Name: fg + " " + ff + " (foster carer)", Relationship: "carer", Phone: dramaMobile(g)})
		}
	case x < 0.26:
		given, _ := g.name(h, true)
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
			Name: given + " " + family + " (grandmother, kinship carer)", Relationship: "carer", Phone: dramaMobile(g)})
	case x < 0.32:
		given, fam := g.name(h, g.chance(0.5))
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
			Name: given + " " + fam, Relationship: "guardian", ParentalResponsibility: true, Phone: dramaMobile(g)})
	default:
		mother, _ := g.name(h, true)
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
			Name: mother + " " + family, Relationship: "parent", ParentalResponsibility: true, Phone: dramaMobile(g)})
		if g.chance(0.35) {
			father, _ := g.name(h, false)
			p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
				Name: father + " " + family, Relationship: "parent", ParentalResponsibility: true, Phone: dramaMobile(g)})
		}
	}
	p.ChildProtection = g.chance(0.15)
	if p.LookedAfter || p.ChildProtection || g.chance(0.3) {
		sg, sf := g.name(british, g.chance(0.7))
		p.SocialWorker = fmt.Sprintf("%s %s, %s children's social care, %s", sg, sf, a.council, dramaLandline(g))
	}
	if g.chance(0.55) {
		yg, yf := g.name(british, g.chance(0.5))
		p.YouthJusticeWorker = fmt.Sprintf("%s %s, %s", yg, yf, a.yjs)
	}
	if g.chance(0.85) {
		p.School = pick(g, schools)
	}
}

func (g *peopleGen) weighted(choices []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return choices[i]
		}
		n -= w
	}
	return choices[len(choices)-1]
}

// adultAge follows the age profile of people seen in custody: mostly in
// their twenties and thirties.
func (g *peopleGen) adultAge() int {
	band := g.weighted([]string{"18", "25", "35", "45", "55", "65"}, []int{22, 31, 22, 14, 8, 3})
	switch band {
	case "18":
		return g.between(18, 24)
	case "25":
		return g.between(25, 34)
	case "35":
		return g.between(35, 44)
	case "45":
		return g.between(45, 54)
	case "55":
		return g.between(55, 64)
	}
	return g.between(65, 80)
}

func (g *peopleGen) heritage(a area) *heritage {
	total := 0
	for _, m := range a.mix {
		total += m.w
	}
	n := g.r.IntN(total)
	for _, m := range a.mix {
		if n < m.w {
			return m.h
		}
		n -= m.w
	}
	return british
}

// name returns a given and family name from h; some British family names
// are double-barrelled.
func (g *peopleGen) name(h *heritage, female bool) (given, family string) {
	if female {
		given = pick(g, h.female)
	} else {
		given = pick(g, h.male)
	}
	family = pick(g, h.family)
	switch {
	case female && len(h.femaleFamily) > 0 && g.chance(0.25):
		family = pick(g, h.femaleFamily)
	case !female && len(h.maleFamily) > 0 && g.chance(0.2):
		family = pick(g, h.maleFamily)
	case h.double && g.chance(0.05):
		other := pick(g, h.family)
		if other != family {
			family += "-" + other
		}
	}
	if female && h.feminine != nil {
		family = h.feminine(family)
	}
	return given, family
}

// adultHeritage is the heritage a foster carer is drawn from: most foster
// carers in these areas are White British.
func adultHeritage(h *heritage) *heritage {
	if h == british || h == mixed {
		return british
	}
	return h
}

func dramaMobile(g *peopleGen) string   { return fmt.Sprintf("07700 900%03d", g.r.IntN(1000)) }
func dramaLandline(g *peopleGen) string { return fmt.Sprintf("01632 960%03d", g.r.IntN(1000)) }

// --- Hand-written people ------------------------------------------------------

func date(y int, m time.Month, d int) liaise.Date { return liaise.Date{Year: y, Month: m, Day: d} }

func nhs(n string, ver string) liaise.Identifier {
	return liaise.Identifier{Type: liaise.IDNHSNumber, Value: n, NHSVerification: ver}
}

// northSpecials are the people every demo needs: near-duplicates the team
// has checked, restricted records, and names that test search.
func northSpecials() []sqlstore.PersonSeed {
	smithDOB := date(1988, time.March, 14)
	iqbalDOB := date(1993, time.July, 2)
	oneillDOB := date(1979, time.November, 30)
	nowakDOB := date(1990, time.May, 19)
	as, conf := liaise.IdentityAsGiven, liaise.IdentityConfirmed
	custody := liaise.NameGivenInCustody
	person := func(status string, given, family string, dob liaise.Date, gender, ethnic string) liaise.Person {
		typ := custody
		if status == conf {
			typ = liaise.NameLegal
		}
		return liaise.Person{IdentityStatus: status, Names: []liaise.PersonName{{Type: typ, Given: given, Family: family}},
			DateOfBirth: dob, StatedGender: gender, GenderIdentity: gender, EthnicCategory: ethnic}
	}
	johnSmith := person(conf, "John", "Smith", smithDOB, "1", "A")
	johnSmith.Address, johnSmith.Postcode = "41 Ribbleton Lane, Preston", "PR1 5EZ"
	johnSmith.Identifiers = []liaise.Identifier{nhs("9990012342", liaise.NHSVerified), {Type: liaise.IDCustodyRecord, Value: "LC-26-004512"}}
	johnSmyth := person(as, "John", "Smyth", smithDOB, "1", "B")
	johnSmyth.Address, johnSmyth.Postcode = "7 Lord Street, Fleetwood", "FY7 6DS"
	jonSmyth := person(as, "Jon", "Smyth", smithDOB, "1", "A")
	jonSmyth.NoFixedAbode = true

	mohammed := person(conf, "Mohammed", "Iqbal", iqbalDOB, "1", "J")
	mohammed.Address, mohammed.Postcode = "19 Whalley Range, Blackburn", "BB1 6EE"
	muhammad := person(as, "Muhammad", "Iqbal", iqbalDOB, "1", "J")
	muhammad.PreferredLanguage = "Urdu"

	siobhan := person(conf, "Siobhán", "O'Neill", oneillDOB, "2", "B")
	siobhan.ReasonableAdjustments = "Anxious in enclosed rooms: offer the interview room by the door and say how long things will take"
	siobhan2 := person(as, "Siobhan", "O'Neil", oneillDOB, "2", "A")

	lukasz := person(conf, "Łukasz", "Nowak", nowakDOB, "1", "C")
	lukasz.PreferredLanguage, lukasz.InterpreterNeeded = "Polish", true
	lukasz.CommunicationNeeds = "Limited English: use a Polish interpreter for screening, assessment and anything to sign"
	lukasz2 := person(as, "Lukasz", "Novak", nowakDOB, "1", "C")

	aoife := person(as, "Aoife", "Ní Bhriain", date(2010, time.February, 9), "2", "B")
	aoife.ResponsibleAdults = []liaise.ResponsibleAdult{{Name: "Lancashire County Council (corporate parent)", Relationship: "corporate_parent", ParentalResponsibility: true, Phone: "01632 960417"}}
	aoife.LookedAfter, aoife.School = true, "Moorside Academy"
	aoife.SocialWorker = "Karen Holt, Lancashire County Council children's social care, 01632 960402"
	zoe := person(as, "Zoë", "Entwistle", date(2001, time.June, 3), "2", "A")
	zoe.Address, zoe.Postcode = "3 Talbot Road, Blackpool", "FY1 3AH"
	sian := person(conf, "Siân", "Pritchard-Jones", date(1984, time.October, 21), "2", "A")
	sian.Address, sian.Postcode = "12 Highgate, Kendal", "LA9 4ED"

	// Restricted: members of the trust's own staff, seen only by named staff.
	staff1 := person(conf, "Rebecca", "Hartley", date(1986, time.January, 17), "2", "A")
	staff1.Restricted = true
	staff1.Identifiers = []liaise.Identifier{nhs("9990045674", liaise.NHSVerified)}
	staff2 := person(conf, "Imran", "Sadiq", date(1991, time.September, 5), "1", "J")
	staff2.Restricted = true

	mgr := []string{"team-manager"}
	return []sqlstore.PersonSeed{
		{Ref: "john-smith", Team: TeamPreston, Person: johnSmith},
		{Ref: "john-smyth", Team: TeamBlackpoolLanc, Person: johnSmyth, NotSameAs: []string{"john-smith"}},
		{Ref: "jon-smyth", Team: TeamPreston, Person: jonSmyth, NotSameAs: []string{"john-smith", "john-smyth"}},
		{Ref: "mohammed-iqbal", Team: TeamBlackburnBurnley, Person: mohammed},
		{Ref: "muhammad-iqbal", Team: TeamBlackburnBurnley, Person: muhammad, NotSameAs: []string{"mohammed-iqbal"}},
		{Ref: "siobhan-oneill", Team: TeamPreston, Person: siobhan},
		{Ref: "siobhan-oneil", Team: TeamPreston, Person: siobhan2, NotSameAs: []string{"siobhan-oneill"}},
		{Ref: "lukasz-nowak", Team: TeamPreston, Person: lukasz},
		{Ref: "lukasz-novak", Team: TeamBlackburnBurnley, Person: lukasz2, NotSameAs: []string{"lukasz-nowak"}},
		{Ref: "aoife-ni-bhriain", Team: TeamPreston, Person: aoife},
		{Ref: "zoe-entwistle", Team: TeamBlackpoolLanc, Person: zoe},
		{Ref: "sian-pritchard-jones", Team: TeamCumbria, Person: sian},
		{Ref: "staff-1", Team: TeamPreston, Person: staff1, NamedStaff: mgr},
		{Ref: "staff-2", Team: TeamBlackburnBurnley, Person: staff2, NamedStaff: mgr},
	}
}

func southSpecials() []sqlstore.PersonSeed {
	hassanDOB := date(1996, time.January, 8)
	abdi := liaise.Person{IdentityStatus: liaise.IdentityAsGiven, DateOfBirth: hassanDOB, StatedGender: "1", EthnicCategory: "N",
		Names:             []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: "Abdi", Family: "Hassan"}},
		PreferredLanguage: "Somali", InterpreterNeeded: true,
		CommunicationNeeds: "Limited English: use a Somali interpreter for screening, assessment and anything to sign"}
	abdi2 := liaise.Person{IdentityStatus: liaise.IdentityConfirmed, DateOfBirth: hassanDOB, StatedGender: "1", EthnicCategory: "N",
		Names: []liaise.PersonName{{Type: liaise.NameLegal, Given: "Abdi", Family: "Hasan"}}, Address: "28 Oxford Road, Reading", Postcode: "RG1 7LA"}
	jose := liaise.Person{IdentityStatus: liaise.IdentityAsGiven, DateOfBirth: date(1982, time.April, 30), StatedGender: "1", EthnicCategory: "C",
		Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: "José", Family: "Gonçalves"}}, PreferredLanguage: "Portuguese"}
	anjali := liaise.Person{IdentityStatus: liaise.IdentityConfirmed, DateOfBirth: date(1999, time.December, 12), StatedGender: "2", GenderIdentity: "2", EthnicCategory: "H",
		Names: []liaise.PersonName{{Type: liaise.NameLegal, Given: "Anjali", Family: "D'Souza"}}, Address: "5 Wexham Road, Slough", Postcode: "SL1 1UA"}
	delroy := liaise.Person{IdentityStatus: liaise.IdentityConfirmed, DateOfBirth: date(1974, time.August, 22), StatedGender: "1", GenderIdentity: "1",
		EthnicCategory: "M", Names: []liaise.PersonName{{Type: liaise.NameLegal, Given: "Delroy", Family: "Campbell-Reid"}},
		Identifiers:           []liaise.Identifier{nhs("9990067899", liaise.NHSVerified)},
		ReasonableAdjustments: "Type 2 diabetes: custody healthcare to be told; needs food at regular times",
		NoFixedAbode:          true, ExArmedForces: "yes"}
	return []sqlstore.PersonSeed{
		{Ref: "delroy-campbell-reid", Team: TeamBerkshireCustody, Person: delroy},
		{Ref: "abdi-hassan", Team: TeamBerkshireCustody, Person: abdi},
		{Ref: "abdi-hasan", Team: TeamBerkshireCustody, Person: abdi2, NotSameAs: []string{"abdi-hassan"}},
		{Ref: "jose-goncalves", Team: TeamBerkshireCustody, Person: jose},
		{Ref: "anjali-dsouza", Team: TeamBerkshireCustody, Person: anjali},
	}
}

// --- Areas ----------------------------------------------------------------------

type town struct {
	name    string
	outward []string
}

type weightedHeritage struct {
	h *heritage
	w int
}

// area is what a team's people look like: the towns it serves and their
// mix of heritages, its police force's custody record prefix, the GP
// practice code prefix of its commissioning area, its council and youth
// justice service.
type area struct {
	towns     []town
	mix       []weightedHeritage
	force     string
	gp        string
	council   string
	yjs       string
	nfa       float64 // share with no fixed abode
	children  bool    // the team sees children (L&D, not RECONNECT)
	reconnect bool    // people leaving prison
}

var (
	preston    = town{"Preston", []string{"PR1", "PR2"}}
	chorley    = town{"Chorley", []string{"PR7"}}
	skem       = town{"Skelmersdale", []string{"WN8"}}
	blackburn  = town{"Blackburn", []string{"BB1", "BB2"}}
	burnley    = town{"Burnley", []string{"BB10", "BB11", "BB12"}}
	accrington = town{"Accrington", []string{"BB5"}}
	nelson     = town{"Nelson", []string{"BB9"}}
	blackpool  = town{"Blackpool", []string{"FY1", "FY3", "FY4"}}
	lancaster  = town{"Lancaster", []string{"LA1"}}
	morecambe  = town{"Morecambe", []string{"LA3", "LA4"}}
	carlisle   = town{"Carlisle", []string{"CA1", "CA2"}}
	workington = town{"Workington", []string{"CA14"}}
	barrow     = town{"Barrow-in-Furness", []string{"LA14"}}
	kendal     = town{"Kendal", []string{"LA9"}}
	reading    = town{"Reading", []string{"RG1", "RG2", "RG30"}}
	slough     = town{"Slough", []string{"SL1", "SL2"}}
	maidenhead = town{"Maidenhead", []string{"SL6"}}
	bracknell  = town{"Bracknell", []string{"RG12"}}
	oxford     = town{"Oxford", []string{"OX1", "OX4"}}
	banbury    = town{"Banbury", []string{"OX16"}}
	wycombe    = town{"High Wycombe", []string{"HP11", "HP13"}}
	aylesbury  = town{"Aylesbury", []string{"HP19", "HP21"}}
	mk         = town{"Milton Keynes", []string{"MK6", "MK9"}}
	soton      = town{"Southampton", []string{"SO14", "SO15"}}
	portsmouth = town{"Portsmouth", []string{"PO1", "PO4"}}
	newport    = town{"Newport", []string{"PO30"}}
)

// Heritage mixes, weighted roughly as the towns' populations (Preston and
// Blackburn have large Indian and Pakistani communities, Burnley a
// Bangladeshi one, Reading and Slough are among the most diverse towns in
// England, Cumbria is overwhelmingly White British) and a little towards
// the people L&D sees.
var (
	prestonMix = []weightedHeritage{{british, 58}, {irish, 4}, {welsh, 1}, {polish, 7}, {romanian, 3}, {indian, 11}, {pakistani, 6},
		{caribbean, 2}, {african, 2}, {chinese, 1}, {arab, 3}, {mixed, 4}}
	eastLancsMix = []weightedHeritage{{british, 50}, {irish, 2}, {polish, 5}, {romanian, 3}, {indian, 9}, {pakistani, 18}, {bangladeshi, 6},
		{arab, 2}, {caribbean, 1}, {chinese, 1}, {mixed, 3}}
	coastMix = []weightedHeritage{{british, 74}, {irish, 6}, {welsh, 2}, {polish, 6}, {romanian, 3}, {chinese, 2}, {indian, 2},
		{arab, 1}, {mixed, 4}}
	cumbriaMix = []weightedHeritage{{british, 84}, {welsh, 2}, {irish, 3}, {polish, 5}, {romanian, 2}, {chinese, 1}, {mixed, 3}}
	berksMix   = []weightedHeritage{{british, 40}, {irish, 3}, {polish, 6}, {romanian, 5}, {indian, 9}, {pakistani, 12}, {caribbean, 8},
		{african, 6}, {somali, 4}, {nepali, 3}, {chinese, 2}, {arab, 3}, {iberian, 3}, {mixed, 5}}
	southMix = []weightedHeritage{{british, 60}, {irish, 3}, {polish, 6}, {romanian, 4}, {indian, 5}, {pakistani, 5}, {caribbean, 4},
		{african, 4}, {nepali, 2}, {chinese, 2}, {arab, 2}, {iberian, 2}, {mixed, 4}}
)

var areas = map[string]area{
	TeamPreston: {towns: []town{preston, preston, chorley, skem}, mix: prestonMix, force: "LC", gp: "P81",
		council: "Lancashire County Council", yjs: "Lancashire Youth Justice Service", nfa: 0.09, children: true},
	TeamBlackburnBurnley: {towns: []town{blackburn, blackburn, burnley, accrington, nelson}, mix: eastLancsMix, force: "LC", gp: "P81",
		council: "Blackburn with Darwen Borough Council", yjs: "Blackburn with Darwen Youth Justice Service", nfa: 0.07, children: true},
	TeamBlackpoolLanc: {towns: []town{blackpool, blackpool, lancaster, morecambe}, mix: coastMix, force: "LC", gp: "P81",
		council: "Blackpool Council", yjs: "Blackpool Youth Justice Service", nfa: 0.12, children: true},
	TeamCumbria: {towns: []town{carlisle, workington, barrow, kendal}, mix: cumbriaMix, force: "CU", gp: "A82",
		council: "Cumberland Council", yjs: "Cumbria Youth Justice Service", nfa: 0.06, children: true},
	TeamLSCReconnect: {towns: []town{preston, blackburn, blackpool, burnley, lancaster, barrow}, mix: prestonMix, force: "LC", gp: "P81",
		council: "Lancashire County Council", nfa: 0.2, reconnect: true},
	TeamBerkshireCustody: {towns: []town{reading, reading, slough, maidenhead, bracknell}, mix: berksMix, force: "TVP", gp: "K81",
		council: "Reading Borough Council", yjs: "Reading Youth Justice Service", nfa: 0.1, children: true},
	"Thames Valley L&D – Oxfordshire custody": {towns: []town{oxford, banbury}, mix: southMix, force: "TVP", gp: "K84",
		council: "Oxfordshire County Council", yjs: "Oxfordshire Youth Justice Service", nfa: 0.1, children: true},
	"Thames Valley L&D – Buckinghamshire and Milton Keynes custody": {towns: []town{wycombe, aylesbury, mk}, mix: berksMix, force: "TVP", gp: "K82",
		council: "Buckinghamshire Council", yjs: "Buckinghamshire Youth Offending Service", nfa: 0.08, children: true},
	"Thames Valley L&D – courts": {towns: []town{reading, oxford, mk}, mix: southMix, force: "TVP", gp: "K81",
		council: "Reading Borough Council", yjs: "Reading Youth Justice Service", nfa: 0.08, children: true},
	"Hampshire & Isle of Wight L&D – custody": {towns: []town{soton, portsmouth, newport}, mix: southMix, force: "HC", gp: "J82",
		council: "Southampton City Council", yjs: "Southampton Youth Justice Service", nfa: 0.1, children: true},
	"Hampshire & Isle of Wight L&D – courts": {towns: []town{soton, portsmouth}, mix: southMix, force: "HC", gp: "J82",
		council: "Portsmouth City Council", yjs: "Portsmouth Youth Justice Service", nfa: 0.08, children: true},
	"Thames Valley RECONNECT":             {towns: []town{reading, oxford, aylesbury}, mix: southMix, force: "TVP", gp: "K81", nfa: 0.2, reconnect: true},
	"Hampshire & Isle of Wight RECONNECT": {towns: []town{soton, portsmouth, newport}, mix: southMix, force: "HC", gp: "J82", nfa: 0.2, reconnect: true},
}

// --- Name pools -------------------------------------------------------------------

// heritage is a pool of names with the ethnic categories and languages that
// usually go with it. The pools are for plausible variety, not a statement
// about any person: ethnic category is always the person's own description.
type heritage struct {
	male, female, family []string
	// maleFamily and femaleFamily hold gendered family names (Irish Ó / Ní).
	maleFamily, femaleFamily []string
	feminine                 func(string) string // Polish -ski → -ska
	double                   bool                // double-barrelled family names occur
	ethnic                   []string
	languages                []string
	interpreter              float64
}

var british = &heritage{
	male: strings.Fields(`Jack Daniel Liam Ryan Connor Kyle Jordan Callum Lewis Jamie Craig Lee Dean Wayne Darren Paul Mark Gary
		Stephen Michael David Christopher Andrew James Thomas Joshua Bradley Nathan Aaron Reece Shane Carl Kevin Ian Neil Graham
		Keith Barry Alan Brian Kieran Tyler Mason Harvey Alfie Jed Ezekiel Lysander Cosmo Ptolemy`),
	female: strings.Fields(`Chloe Zoë Jade Kayleigh Gemma Stacey Danielle Amy Laura Rebecca Sarah Emma Hayley Leanne Kerry Nicola
		Lisa Michelle Karen Tracey Julie Charlotte Megan Holly Courtney Paige Ellie Bethany Tallulah Hephzibah Clementine`),
	family: strings.Fields(`Smith Jones Taylor Brown Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts
		Green Hall Wood Jackson Clarke Harrison Hughes Edwards Turner Hill Moore Cooper Ward Morris King Watson Baker Harris Allen
		Young Mitchell Entwistle Ramsbottom Duckworth Whittaker Haworth Pickup Ainsworth Ashworth Clegg Hargreaves Isherwood
		Nuttall Shuttleworth Tattersall Cottam Fazackerley Sowerbutts Singleton Threlfall Hesketh Sumner Bamber Postlethwaite
		Dixon Graham Armstrong Bell Nicholson Routledge Tyson Irving Wilkinson Relph Hodgson Birkett Featherstonehaugh`),
	double: true,
	ethnic: []string{"A"},
}

var mixed = &heritage{
	male:   british.male,
	female: british.female,
	family: strings.Fields(`Smith Brown Campbell Francis Thompson Clarke Williams Hussain Khan Patel Mensah Taylor Walker Reid Grant`),
	double: true,
	ethnic: []string{"D", "D", "E", "F", "F", "G"},
}

var welsh = &heritage{
	male:   strings.Fields(`Dafydd Rhys Gethin Iwan Owain Gareth Huw Ioan Aled Emyr`),
	female: strings.Fields(`Siân Ffion Cerys Bethan Rhiannon Nia Eleri Angharad Carys Gwenllian`),
	family: strings.Fields(`Jones Williams Davies Evans Thomas Roberts Lloyd Pritchard Llewellyn Prosser Pugh Vaughan Bowen Griffiths Morgan`),
	double: true,
	ethnic: []string{"A"},
}

var irish = &heritage{
	male:         strings.Fields(`Seán Ciarán Pádraig Declan Eoin Cian Oisín Niall Liam Conor Darragh Michael Patrick`),
	female:       strings.Fields(`Siobhán Niamh Aoife Róisín Orla Caoimhe Saoirse Sinéad Áine Bridget Mary`),
	family:       strings.Fields(`Murphy Byrne Ryan O'Sullivan Walsh O'Connor McCarthy Doherty Kavanagh Gallagher O'Neill Quinn McLaughlin Brennan O'Donoghue`),
	maleFamily:   []string{"Ó Briain", "Ó Súilleabháin", "Mac Giolla Phádraig"},
	femaleFamily: []string{"Ní Bhriain", "Ní Shúilleabháin", "Ní Dhomhnaill"},
	ethnic:       []string{"B"},
}

var polish = &heritage{
	male:   strings.Fields(`Łukasz Paweł Krzysztof Tomasz Piotr Michał Wojciech Marcin Kamil Dawid Jakub Grzegorz`),
	female: strings.Fields(`Agnieszka Małgorzata Katarzyna Joanna Magdalena Anna Zofia Ewa Natalia Aleksandra`),
	family: strings.Fields(`Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski
		Kozłowski Jankowski Mazur Krawczyk Grabowski Pawlak Michalski Wróbel Jabłoński Nowicki`),
	feminine: func(s string) string {
		if strings.HasSuffix(s, "ki") {
			return strings.TrimSuffix(s, "ki") + "ka"
		}
		return s
	},
	ethnic:      []string{"C"},
	languages:   []string{"Polish"},
	interpreter: 0.3,
}

var romanian = &heritage{
	male:        strings.Fields(`Andrei Alexandru Mihai Ionuț Florin Bogdan Răzvan Ștefan Gheorghe Adrian Marius Cristian Constantin`),
	female:      strings.Fields(`Elena Ioana Andreea Maria Alina Mihaela Florentina Georgiana Ramona`),
	family:      strings.Fields(`Popescu Ionescu Popa Dumitru Stan Stoica Rusu Munteanu Constantin Lungu Marin Tudor Moldovan Bălan Ciobanu Radu Lăcătuș`),
	ethnic:      []string{"C"},
	languages:   []string{"Romanian"},
	interpreter: 0.4,
}

var pakistani = &heritage{
	male:        strings.Fields(`Mohammed Muhammad Imran Adeel Zubair Faisal Usman Bilal Hamza Asif Tariq Shahid Kashif Zeeshan Amjad Sajid`),
	female:      strings.Fields(`Ayesha Sana Nadia Amina Saima Zainab Fatima Rukhsana Shazia Mehwish`),
	family:      strings.Fields(`Khan Hussain Ahmed Iqbal Mahmood Akhtar Rehman Shah Ali Malik Butt Raja Bashir Javed Aslam Mirza Qureshi Anwar`),
	ethnic:      []string{"J"},
	languages:   []string{"Urdu", "Punjabi", "Pahari-Pothwari"},
	interpreter: 0.07,
}

var indian = &heritage{
	male: strings.Fields(`Yusuf Ismail Irfan Ayub Salim Imtiaz Rakesh Nilesh Hitesh Jayesh Vijay Sanjay Gurpreet Harjit Manjit
		Jaspal Kulwinder Sukhdev Arjun Rohit`),
	female: strings.Fields(`Priyanka Hina Nazia Rubina Kiran Jaspreet Harpreet Manpreet Meera Pooja Nisha Anjali`),
	family: strings.Fields(`Patel Mistry Desai Lad Valand Mulla Vohra Sharma Singh Gill Sandhu Bains Dhillon Sidhu Kumar D'Souza
		Pereira Chauhan`),
	ethnic:      []string{"H"},
	languages:   []string{"Gujarati", "Punjabi", "Hindi"},
	interpreter: 0.05,
}

var bangladeshi = &heritage{
	male:         strings.Fields(`Abdul Jahangir Rubel Shahid Anwar Sohel Mizanur Habibur`),
	female:       strings.Fields(`Shamima Taslima Rahima Nasreen Sumaiya Jahanara`),
	family:       strings.Fields(`Miah Uddin Rahman Ali Islam Choudhury Ahmed Hoque`),
	femaleFamily: []string{"Begum", "Khatun"},
	ethnic:       []string{"K"},
	languages:    []string{"Sylheti", "Bengali"},
	interpreter:  0.1,
}

var somali = &heritage{
	male:        strings.Fields(`Abdi Abdirahman Mohamed Yusuf Ahmed Omar Hassan Abdullahi Ismail Mustafe`),
	female:      strings.Fields(`Hodan Faadumo Hibaaq Ayaan Khadra Nasra Sahra Ifrah`),
	family:      strings.Fields(`Abdi Farah Omar Warsame Jama Ali Osman Mohamud Yusuf Hersi Aden Egal`),
	ethnic:      []string{"N"},
	languages:   []string{"Somali"},
	interpreter: 0.4,
}

var caribbean = &heritage{
	male:   strings.Fields(`Marcus Jermaine Tyrone Delroy Leon Winston Kemar Dwayne Andre Devon Everton Kareem`),
	female: strings.Fields(`Keisha Shanice Marcia Simone Tanisha Jasmine Paulette Monique`),
	family: strings.Fields(`Campbell Brown Francis Thompson Clarke Grant Williams Bailey Lewis Reid Samuels McKenzie Forbes Gordon
		Bennett Henry Hylton Reynolds`),
	ethnic: []string{"M", "M", "M", "P"},
}

var african = &heritage{
	male:   strings.Fields(`Chukwuemeka Oluwaseun Adebayo Kwame Kofi Tendai Babajide Emeka Tunde Obinna`),
	female: strings.Fields(`Ngozi Ama Abena Chiamaka Folasade Tariro Adaeze Funmilayo`),
	family: strings.Fields(`Adeyemi Mensah Boateng Okonkwo Eze Asante Oyelaran Moyo Ncube Osei Okeke Chikwanha`),
	ethnic: []string{"N"},
}

var chinese = &heritage{
	male:        []string{"Wei", "Jun", "Hao", "Ming", "Ka-Wai", "Chun", "Jian"},
	female:      []string{"Li Na", "Mei", "Xiaoling", "Wing", "Hui", "Yan", "Ka-Yan"},
	family:      strings.Fields(`Chen Wang Li Zhang Liu Wong Chan Lam Cheung Ng Leung Ho`),
	ethnic:      []string{"R"},
	languages:   []string{"Mandarin", "Cantonese"},
	interpreter: 0.3,
}

var arab = &heritage{
	male:   strings.Fields(`Ahmad Omar Karim Ali Hassan Mahmoud Rashid Hamid Jawad Dawit Samir Reza`),
	female: strings.Fields(`Rana Layla Sara Nour Maryam Yasmin Zahra Shirin`),
	family: strings.Fields(`Al-Hassan Al-Sayed Al-Khatib Karimi Rahimi Haddad Mustafa Abdullah Haidari Mohammadi Tesfaye
		Ghebremichael Ahmadzai`),
	ethnic:      []string{"S", "S", "S", "L"},
	languages:   []string{"Arabic", "Arabic", "Kurdish (Sorani)", "Pashto", "Dari", "Farsi", "Tigrinya"},
	interpreter: 0.55,
}

var nepali = &heritage{
	male:        strings.Fields(`Bikash Prakash Suman Dipendra Rajan`),
	female:      strings.Fields(`Sunita Sabina Anita Puja`),
	family:      strings.Fields(`Gurung Rai Limbu Thapa Magar Tamang`),
	ethnic:      []string{"L"},
	languages:   []string{"Nepali"},
	interpreter: 0.25,
}

var iberian = &heritage{
	male:        strings.Fields(`José João Miguel Tiago Martín Rui`),
	female:      strings.Fields(`Inês María Ana Beatriz Joana`),
	family:      strings.Fields(`García Fernández Silva Santos Gonçalves Pereira Rodrigues Ferreira Martínez`),
	ethnic:      []string{"C"},
	languages:   []string{"Portuguese", "Spanish"},
	interpreter: 0.25,
}

// nicknames are preferred names people commonly go by.
var nicknames = map[string]string{
	"Christopher": "Chris", "Daniel": "Danny", "Michael": "Mike", "Thomas": "Tom", "Rebecca": "Becky", "Joshua": "Josh",
	"Katarzyna": "Kasia", "Małgorzata": "Gosia", "Aleksandra": "Ola", "Mohammed": "Mo", "Alexandru": "Alex",
	"Jermaine": "Jay", "Stephen": "Steve", "Nicola": "Nicky", "Chukwuemeka": "Emeka", "Oluwaseun": "Seun",
}

var (
	streets = []string{"Church Street", "Victoria Road", "Station Road", "Park Road", "Queen Street", "Albert Road", "Mill Lane",
		"King Street", "Manchester Road", "Moorland Avenue", "Brookside Close", "Cedar Grove", "Meadow Way", "Canal Street",
		"Union Street", "Hawthorn Crescent"}
	inwardLetters = strings.Fields(`A B D E F G H J L N P Q R S T U W X Y Z`)
	prisonLetters = strings.Fields(`A B C D E F G H J K L M N P R S T V W X Y Z`)
	schools       = []string{"Moorside Academy", "Riverside High School", "St Anne's Catholic High School", "Hillcrest Pupil Referral Unit",
		"Westfield Community College", "Not in education (excluded)", "Elective home education", "Oakwood Specialist School"}

	// CommunicationNeeds and the adjustments lists are what a person record
	// says about communication and reasonable adjustments, for the demo and
	// for liaise seed.
	CommunicationNeeds = []string{
		"Stammer: give time to answer and do not finish sentences",
		"Reads and writes very little: read documents aloud and check understanding",
		"Hearing aids: face the person, one speaker at a time, no background noise",
		"Speech slurred since a head injury: not a sign of intoxication",
		"Speaks quietly and says yes to end conversations: ask open questions",
	}
	LDAdjustments = []string{
		"Learning disability: short sentences, one question at a time, check understanding by asking them to explain back; easy-read leaflets",
		"Needs an appropriate adult at interview; explain rights in easy read and allow extra time",
		"Has a support worker who helps with letters: copy appointment letters to them with consent",
	}
	AutismAdjustments = []string{
		"Autistic: quiet room with low lighting, warn before touching or changes of plan, allow time to process questions",
		"Autistic: literal understanding, avoid figures of speech; prefers written information in advance",
		"Sensory overload in busy custody areas: see in the interview room, not at the cell hatch",
	}
	OtherAdjustments = []string{
		"Wheelchair user: needs the accessible interview room",
		"ADHD: breaks every 30 minutes and written summaries after appointments",
		"Dyslexia: read documents aloud and give information in larger print",
		"Anxiety in enclosed spaces: keep the door open where safe",
		"Epilepsy: custody healthcare to be told; flashing lights are a trigger",
	}
)
