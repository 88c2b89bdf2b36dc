package seed

import (
	"fmt"
	"liaise/internal/demo"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

// person is one seeded person: the domain record plus what the steps need.
type person struct {
	liaise.Person
	idx    int
	h      *heritage
	female bool
	area   *area
	prov   *provider
	// firstAt is when L&D first met them: when their record was created.
	firstAt   time.Time
	createdAt time.Time
	createdBy *staff
	episodes  []*episode
}

// Age profile of people seen by L&D at their first episode: mostly in their
// twenties and thirties, about 9% children aged 10 to 17.
var (
	ageBands   = [][2]int{{10, 13}, {14, 17}, {18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 85}}
	ageWeights = []int{15, 75, 215, 300, 210, 110, 50, 20}
)

var inwardLetters = words(`A B D E F G H J L N P Q R S T U W X Y Z`)

// makePerson makes the person at position idx of the run, first met at a
// time spread evenly over the years seeded (so ids follow first contact, as
// in a live system), and plans their episodes.
func (g *gen) makePerson(idx int) *person {
	g.src.Seed(g.opt.Seed, uint64(idx)+1)
	p := &person{idx: idx}
	p.ID = g.id(tPeople)
	g.check = idx%g.opt.CheckEvery == 0

	frac := (float64(idx) + g.r.Float64()) / float64(g.opt.People)
	p.firstAt = g.start.Add(time.Duration(frac * float64(g.span)))
	p.prov = g.pickProvider()
	first := g.pickSite(p.prov, nil)
	p.ProviderID = p.prov.id
	p.TeamID = first.team.id
	a := first.team.area
	p.area = &a

	g.demographics(p, first)
	g.planEpisodes(p, first)
	// A few people were first recorded by a RECONNECT team, from prison.
	if g.chance(0.02) {
		for _, t := range p.prov.teams {
			if !t.ld && len(t.staff) > 0 {
				p.TeamID = t.id
				break
			}
		}
	}
	return p
}

func (g *gen) pickProvider() *provider {
	if len(g.org.providers) == 1 {
		return g.org.providers[0]
	}
	return g.org.weighted[g.cumPick(g.org.provCum)]
}

// pickSite picks where an episode happens: a site of one of the provider's
// L&D teams by workload, or of team when it is given.
func (g *gen) pickSite(p *provider, t *team) *site {
	if t == nil {
		t = p.ldTeams[g.cumPick(p.ldCum)]
	}
	return t.sites[g.cumPick(t.siteCum)]
}

// givenName and familyName pick from a heritage's pools.
func (g *gen) givenName(h *heritage, female bool) string {
	if female {
		return h.female[g.cumPick(h.femaleW)]
	}
	return h.male[g.cumPick(h.maleW)]
}

func (g *gen) familyName(h *heritage, female bool) string {
	var f string
	switch {
	case female && len(h.femaleFamily) > 0 && g.chance(0.25):
		f = pick(g, h.femaleFamily)
	case !female && len(h.maleFamily) > 0 && g.chance(0.15):
		f = pick(g, h.maleFamily)
	case h.generated && g.chance(0.22):
		f = pick(g, surnamePrefixes) + pick(g, surnameSuffixes)
	default:
		f = h.family[g.cumPick(h.familyW)]
	}
	if h.double && g.chance(0.03) {
		if other := h.family[g.cumPick(h.familyW)]; other != f {
			f += "-" + other
		}
	}
	if female && h.feminine != nil {
		f = h.feminine(f)
	}
	return f
}

var nicknames = map[string]string{
	"Christopher": "Chris", "Daniel": "Danny", "Michael": "Mike", "Thomas": "Tom", "Rebecca": "Becky", "Joshua": "Josh",
	"Katarzyna": "Kasia", "Małgorzata": "Gosia", "Aleksandra": "Ola", "Mohammed": "Mo", "Alexandru": "Alex", "Anthony": "Tony",
	"Jermaine": "Jay", "Stephen": "Steve", "Nicola": "Nicky", "Chukwuemeka": "Emeka", "Oluwaseun": "Seun", "Richard": "Rich",
	"Robert": "Bob", "William": "Billy", "Samantha": "Sam", "Elizabeth": "Liz", "Jennifer": "Jen", "Alasdair": "Ali",
}

var (
	streets = words(`Church_Street Victoria_Road Station_Road Park_Road Queen_Street Albert_Road Mill_Lane King_Street
		Manchester_Road Moorland_Avenue Brookside_Close Cedar_Grove Meadow_Way Canal_Street Union_Street Hawthorn_Crescent
		St_Mary's_Road Bishop's_Walk Water_Lane Chapel_Street New_Road Oxford_Road London_Road Elm_Close`)
	schools = []string{"Moorside Academy", "Riverside High School", "St Anne's Catholic High School", "Hillcrest Pupil Referral Unit",
		"Westfield Community College", "Not in education (excluded)", "Elective home education", "Oakwood Specialist School"}
	prisonLetters = words(`A B C D E F G H J K L M N P R S T V W X Y Z`)
)

// demographics fills in who the person is, as of their first episode at
// site first.
func (g *gen) demographics(p *person, first *site) {
	a := p.area
	h := a.mix[g.cumPickWeighted(a.mix)].h
	p.h = h
	switch x := g.r.Float64(); {
	case x < 0.04:
		p.IdentityStatus = liaise.IdentityUnknown
	case x < 0.34:
		p.IdentityStatus = liaise.IdentityConfirmed
	default:
		p.IdentityStatus = liaise.IdentityAsGiven
	}
	known := p.IdentityStatus != liaise.IdentityUnknown

	band := weighted(g, ageBands, ageWeights)
	age := g.between(band[0], band[1])
	child := age < 18
	p.female = g.chance(map[bool]float64{true: 0.2, false: 0.15}[child])

	given, family := g.givenName(h, p.female), g.familyName(h, p.female)
	nameType := liaise.NameGivenInCustody
	if p.IdentityStatus == liaise.IdentityConfirmed {
		nameType = liaise.NameLegal
	}
	if !known && g.chance(0.6) {
		family = "" // gave a first name only
	}
	p.Names = []liaise.PersonName{{Type: nameType, Given: given, Family: family}}
	if nick, ok := nicknames[given]; ok && g.chance(0.35) {
		p.Names = append(p.Names, liaise.PersonName{Type: liaise.NamePreferred, Given: nick, Family: family})
	}
	if g.chance(0.1) {
		ag, af := given, g.familyName(h, p.female)
		if g.chance(0.4) {
			ag = g.givenName(h, p.female)
		}
		p.Names = append(p.Names, liaise.PersonName{Type: liaise.NameAlias, Given: ag, Family: af})
	}

	day := londonDate(p.firstAt)
	if known {
		born := day.Time().AddDate(-age, 0, -g.r.IntN(365))
		p.DateOfBirth = liaise.DateOf(born)
	} else {
		p.DOBUnknown = true
		p.EstimatedAge = max(10, (age+2)/5*5) // estimates come rounded
	}

	p.StatedGender = "1"
	if p.female {
		p.StatedGender = "2"
	}
	if g.chance(0.008) {
		p.StatedGender = "X"
	}
	switch x := g.r.Float64(); {
	case x < 0.55:
		p.GenderIdentity = p.StatedGender
	case x < 0.58:
		p.GenderIdentity = "Z"
	case x < 0.59:
		p.GenderIdentity = "3"
	}
	p.EthnicCategory = pick(g, h.ethnic)
	switch x := g.r.Float64(); {
	case !known || x < 0.04:
		p.EthnicCategory = "99"
	case x < 0.08:
		p.EthnicCategory = "Z"
	}

	if h.languages != nil {
		lang := pick(g, h.languages)
		if g.chance(h.interpreter) && age >= 16 {
			p.PreferredLanguage, p.InterpreterNeeded = lang, true
			p.CommunicationNeeds = "Limited English: use a " + lang + " interpreter for screening, assessment and anything to sign"
		} else if g.chance(0.3) {
			p.PreferredLanguage = lang
		}
	}
	if !p.InterpreterNeeded && g.chance(0.005) {
		p.PreferredLanguage, p.InterpreterNeeded = "British Sign Language", true
		p.CommunicationNeeds = "Deaf: uses British Sign Language. Book a registered BSL interpreter; do not rely on lip-reading or notes"
	} else if p.CommunicationNeeds == "" && g.chance(0.07) {
		p.CommunicationNeeds = pick(g, demo.CommunicationNeeds)
	}
	p.LDStatus = weighted(g, []string{"", "5", "X", "U", "1", "2", "3", "4"}, []int{30, 38, 21, 4, 2, 2, 2, 1})
	p.AutismStatus = weighted(g, []string{"", "5", "X", "U", "1", "2", "3", "4"}, []int{30, 38, 21, 4, 2, 2, 1, 1})
	switch {
	case p.LDStatus >= "1" && p.LDStatus <= "4":
		p.ReasonableAdjustments = pick(g, demo.LDAdjustments)
	case p.AutismStatus >= "1" && p.AutismStatus <= "4":
		p.ReasonableAdjustments = pick(g, demo.AutismAdjustments)
	case g.chance(0.08):
		p.ReasonableAdjustments = pick(g, demo.OtherAdjustments)
	}

	t := pick(g, a.towns)
	switch {
	case !known:
	case !child && g.chance(a.nfa):
		p.NoFixedAbode = true
	case g.chance(0.88):
		street := strings.ReplaceAll(pick(g, streets), "_", " ")
		p.Address = strconv.Itoa(g.between(1, 240)) + " " + street + ", " + t.name
		if g.chance(0.15) {
			p.Address = "Flat " + strconv.Itoa(g.between(1, 30)) + ", " + p.Address
		}
		p.Postcode = pick(g, t.outward) + " " + strconv.Itoa(g.between(1, 9)) + pick(g, inwardLetters) + pick(g, inwardLetters)
	}
	if known && g.chance(map[bool]float64{true: 0.25, false: 0.65}[p.NoFixedAbode]) {
		p.GPPracticeODS = fmt.Sprintf("%s%03d", a.gp, g.between(1, 299))
	}
	if child {
		p.ExArmedForces, p.CareLeaver = "no", "no"
	} else {
		p.ExArmedForces = weighted(g, []string{"no", "unknown", "yes"}, []int{55, 40, map[bool]int{true: 5, false: 0}[age >= 25]})
		leaver := 6
		if age <= 25 {
			leaver = 20
		}
		p.CareLeaver = weighted(g, []string{"no", "unknown", "yes"}, []int{45, 50 - leaver, leaver})
	}

	// Identifiers: NHS numbers from the 999 test range, so none is real.
	if known && g.chance(0.83) {
		if n := g.nhsNumber(p.ID); n != "" {
			ver := weighted(g, []string{liaise.NHSAsGiven, liaise.NHSVerified, liaise.NHSNotKnown}, []int{70, 25, 5})
			if p.IdentityStatus == liaise.IdentityConfirmed {
				ver = weighted(g, []string{liaise.NHSVerified, liaise.NHSAsGiven}, []int{85, 15})
			}
			p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDNHSNumber, Value: n, NHSVerification: ver})
		}
	}
	if known && age >= 12 && g.chance(map[bool]float64{true: 0.3, false: 0.62}[child]) {
		// Given on an arrest between their 12th birthday and now.
		from := max(day.Year-age+12, day.Year-15)
		year := g.between(from, day.Year)
		serial := 1_000_000 + int((p.ID*7919+12345)%8_999_999)
		if id, ok := ident.MakePNCID(year%100, serial); ok {
			p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDPNC, Value: id})
		}
	}
	if known && !child && g.chance(0.09) {
		p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDPrisonNumber,
			Value: fmt.Sprintf("A%04d%s%s", g.between(1000, 9999), pick(g, prisonLetters), pick(g, prisonLetters))})
	}
	if child {
		g.childDetails(p)
	}
	p.Restricted = g.chance(0.0002) // a member of staff
	p.Version = 1
}

// cumPickWeighted picks from a heritage mix.
func (g *gen) cumPickWeighted(mix []mixEntry) int {
	total := 0.0
	for _, m := range mix {
		total += m.w
	}
	x := g.r.Float64() * total
	for i, m := range mix {
		if x < m.w {
			return i
		}
		x -= m.w
	}
	return len(mix) - 1
}

// nhsNumber returns the person's NHS number from the 999 test range: an
// affine permutation of the id over the range's million nine-digit stems,
// so no two people of a run share one; stems whose check digit would be 10,
// all-same-digit placeholders and numbers already in the database are
// skipped (the person then has none).
func (g *gen) nhsNumber(id int64) string {
	stem := int32((id*777_777 + 123_457) % 1_000_000)
	if g.nhsUsed[stem] {
		return ""
	}
	n := strconv.Itoa(999_000_000 + int(stem))
	d, ok := ident.NHSNumberCheckDigit(n)
	if !ok {
		return ""
	}
	n += strconv.Itoa(d)
	if _, err := ident.NormaliseNHSNumber(n); err != nil {
		return ""
	}
	g.nhsUsed[stem] = true
	return n
}

// childDetails fills in what the service needs for a child: responsible
// adults, looked-after and child-protection status and the professionals
// around them.
func (g *gen) childDetails(p *person) {
	a, family := p.area, p.Names[0].Family
	phone := func() string { return fmt.Sprintf("07700 900%03d", g.r.IntN(1000)) }
	switch x := g.r.Float64(); {
	case x < 0.18:
		p.LookedAfter = true
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{Name: a.council + " (corporate parent)",
			Relationship: "corporate_parent", ParentalResponsibility: true, Phone: fmt.Sprintf("01632 960%03d", g.r.IntN(1000))})
		if g.chance(0.6) {
			p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
				Name: g.givenName(british, true) + " " + g.familyName(british, true) + " (foster carer)", Relationship: "carer", Phone: phone()})
		}
	case x < 0.26:
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
			Name: g.givenName(p.h, true) + " " + family + " (grandmother, kinship carer)", Relationship: "carer", Phone: phone()})
	default:
		p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
			Name: strings.TrimSpace(g.givenName(p.h, true) + " " + family), Relationship: "parent", ParentalResponsibility: true, Phone: phone()})
		if g.chance(0.35) {
			p.ResponsibleAdults = append(p.ResponsibleAdults, liaise.ResponsibleAdult{
				Name: strings.TrimSpace(g.givenName(p.h, false) + " " + family), Relationship: "parent", ParentalResponsibility: true, Phone: phone()})
		}
	}
	p.ChildProtection = g.chance(0.15)
	if p.LookedAfter || p.ChildProtection || g.chance(0.3) {
		p.SocialWorker = fmt.Sprintf("%s %s, %s children's social care, 01632 960%03d", g.givenName(british, true), g.familyName(british, true), a.council, g.r.IntN(1000))
	}
	if g.chance(0.55) {
		p.YouthJusticeWorker = g.givenName(british, g.chance(0.5)) + " " + g.familyName(british, false) + ", " + a.yjs
	}
	if g.chance(0.85) {
		p.School = pick(g, schools)
	}
}

// --- The people step ----------------------------------------------------------------

var tNamedStaff = table("person_named_staff", "", "person_id, user_id")

// writePerson writes the person as insertPerson does: the row, names, search
// tokens, identifiers, responsible adults, the timeline entry and the audit
// event of the create.
func writePerson(g *gen, p *person) {
	first := p.episodes[0]
	p.createdAt = g.recorded(first.alerted)
	p.createdBy = first.identifiedBy
	// Quick identify records the custody record number the person came with.
	if first.custodyRecord != "" && p.IdentityStatus != liaise.IdentityConfirmed && g.chance(0.6) {
		p.Identifiers = append(p.Identifiers, liaise.Identifier{Type: liaise.IDCustodyRecord, Value: first.custodyRecord})
	}
	if g.check {
		q := p.Person
		q.Names = slices.Clone(p.Names)
		q.Identifiers = slices.Clone(p.Identifiers)
		// A person's record is current state, checked (as an edit today
		// would be) against the code lists in force at the end of the data.
		warnings, err := sqlstore.ValidatePerson(&q, londonDate(g.until))
		g.fail("person", err)
		if len(warnings) > 0 {
			g.fail("person", fmt.Errorf("unexpected warnings %v", warnings))
		}
		if err == nil && (!slices.Equal(q.Identifiers, p.Identifiers) || q.Postcode != p.Postcode || q.GPPracticeODS != p.GPPracticeODS || !slices.Equal(q.Names, p.Names)) {
			g.fail("person", fmt.Errorf("validation changed the record: stored values must already be normalised"))
		}
	}
	var dob any
	if !p.DateOfBirth.IsZero() {
		dob = p.DateOfBirth
	}
	sortFamily, sortGiven := liaise.FoldName(p.Names[0].Family), liaise.FoldName(p.Names[0].Given)
	created := lt(p.createdAt)
	g.row(tPeople, p.ID, p.ProviderID, p.TeamID, p.IdentityStatus, dob, p.DOBUnknown, int64(p.EstimatedAge),
		p.StatedGender, p.GenderIdentity, p.EthnicCategory, p.PreferredLanguage, p.InterpreterNeeded, p.CommunicationNeeds,
		p.ReasonableAdjustments, p.Address, p.Postcode, p.NoFixedAbode, p.GPPracticeODS, p.ExArmedForces, p.CareLeaver,
		p.LDStatus, p.AutismStatus, p.LookedAfter, p.ChildProtection, p.SocialWorker, p.YouthJusticeWorker, p.School,
		p.Restricted, sortFamily, sortGiven, int64(1), created, staffID(p.createdBy), created)
	var tokens []string
	for i, n := range p.Names {
		g.row(tPersonNames, g.id(tPersonNames), p.ID, int64(i), n.Type, n.Given, n.Family, liaise.FoldName(n.Given), liaise.FoldName(n.Family))
		for _, t := range slices.Concat(liaise.NameTokens(n.Given), liaise.NameTokens(n.Family)) {
			if !slices.Contains(tokens, t) {
				tokens = append(tokens, t)
			}
		}
	}
	for _, t := range tokens {
		g.row(tNameTokens, p.ID, t, p.ProviderID, dob)
	}
	for _, x := range p.Identifiers {
		g.row(tIdentifiers, g.id(tIdentifiers), p.ID, p.ProviderID, x.Type, x.Value, x.NHSVerification)
	}
	for _, r := range p.ResponsibleAdults {
		g.row(tAdults, g.id(tAdults), p.ID, r.Name, r.Relationship, r.ParentalResponsibility, r.Phone)
	}
	if p.Restricted {
		named := pickStaff(g, first.team.managers, first.team.seniors, first.team.workers)
		if named != nil {
			g.row(tNamedStaff, p.ID, named.id)
		}
		if p.createdBy != nil && p.createdBy != named {
			g.row(tNamedStaff, p.ID, p.createdBy.id)
		}
	}
	summary := "Record created"
	if len(p.Identifiers) > 0 {
		kinds := make([]string, len(p.Identifiers))
		for i, id := range p.Identifiers {
			kinds[i] = liaise.LabelOf(liaise.IdentifierTypes, id.Type)
		}
		summary += " with " + strings.Join(kinds, ", ")
	}
	g.personEvent(p.ID, p.createdAt, p.createdAt, p.createdBy, "created", summary)
	detail := "created"
	if p.IdentityStatus != liaise.IdentityConfirmed {
		detail = "created by quick identify"
	}
	ev := g.event(p.createdBy, p.createdAt, liaise.AuditCreate, "person", p.ID, p.ProviderID, p.TeamID)
	ev.Detail = detail
	g.audit(&ev)
}
