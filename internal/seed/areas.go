package seed

import "strings"

// Areas: what the people a team sees look like, by where the team works.
// The demo organisation's teams are recognised by the places in their names;
// any other team (a real organisation seeded for a load test) gets the
// English average.

type town struct {
	name    string
	outward []string
}

type mixEntry struct {
	h *heritage
	w float64
}

// area is a team's towns (for addresses and postcodes), its mix of name
// heritages, its police force's custody record prefix, the GP practice
// code prefix of its commissioning area, its council and youth justice
// service, and its share of people of no fixed abode.
type area struct {
	towns   []town
	mix     []mixEntry
	force   string
	gp      string
	council string
	yjs     string
	nfa     float64
}

func mixOf(pairs ...any) []mixEntry {
	var out []mixEntry
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, mixEntry{pairs[i].(*heritage), float64(pairs[i+1].(int))})
	}
	return out
}

var (
	prestonMix = mixOf(british, 70, irish, 3, traveller, 1, polish, 5, romanian, 2, indian, 8, pakistani, 6, lithuanian, 1, middleEastern, 1, mixed, 3)
	eastLancs  = mixOf(british, 60, irish, 2, polish, 4, romanian, 3, indian, 6, pakistani, 17, bangladeshi, 5, middleEastern, 1, mixed, 2)
	coastMix   = mixOf(british, 76, scottish, 2, irish, 5, traveller, 1, welsh, 2, polish, 5, romanian, 2, chinese, 1, indian, 2, mixed, 4)
	cumbria    = mixOf(british, 80, scottish, 6, welsh, 1, irish, 3, polish, 4, romanian, 1, lithuanian, 1, chinese, 1, mixed, 3)
	berksMix   = mixOf(british, 40, irish, 3, polish, 6, romanian, 5, indian, 9, pakistani, 12, caribbean, 7, westAfrican, 5,
		somali, 3, nepali, 3, chinese, 1, middleEastern, 3, iberian, 2, albanian, 1, mixed, 5)
	southMix = mixOf(british, 60, scottish, 1, irish, 3, traveller, 1, polish, 5, romanian, 4, lithuanian, 1, indian, 4, pakistani, 4,
		caribbean, 3, westAfrican, 3, nepali, 2, chinese, 2, vietnamese, 1, middleEastern, 2, turkish, 1, iberian, 2, albanian, 1, mixed, 4)
	englandMix = mixOf(british, 66, scottish, 2, welsh, 1, irish, 3, traveller, 1, polish, 4, romanian, 3, lithuanian, 1, albanian, 1,
		indian, 3, pakistani, 4, bangladeshi, 1, caribbean, 3, westAfrican, 3, somali, 1, chinese, 1, vietnamese, 1,
		middleEastern, 2, turkish, 1, iberian, 1, nepali, 1, mixed, 4)
)

// areaKeys are the places a team's name may mention, with their areas.
var areaKeys = []struct {
	key string
	a   area
}{
	{"Preston", area{towns: []town{{"Preston", []string{"PR1", "PR2"}}, {"Chorley", []string{"PR7"}}, {"Skelmersdale", []string{"WN8"}}},
		mix: prestonMix, force: "LC", gp: "P81", council: "Lancashire County Council", yjs: "Lancashire Youth Justice Service", nfa: 0.09}},
	{"Blackburn", area{towns: []town{{"Blackburn", []string{"BB1", "BB2"}}, {"Burnley", []string{"BB10", "BB11", "BB12"}},
		{"Accrington", []string{"BB5"}}, {"Nelson", []string{"BB9"}}},
		mix: eastLancs, force: "LC", gp: "P81", council: "Blackburn with Darwen Borough Council", yjs: "Blackburn with Darwen Youth Justice Service", nfa: 0.07}},
	{"Blackpool", area{towns: []town{{"Blackpool", []string{"FY1", "FY3", "FY4"}}, {"Lancaster", []string{"LA1"}}, {"Morecambe", []string{"LA3", "LA4"}}},
		mix: coastMix, force: "LC", gp: "P81", council: "Blackpool Council", yjs: "Blackpool Youth Justice Service", nfa: 0.12}},
	{"Cumbria", area{towns: []town{{"Carlisle", []string{"CA1", "CA2"}}, {"Workington", []string{"CA14"}}, {"Barrow-in-Furness", []string{"LA14"}},
		{"Kendal", []string{"LA9"}}},
		mix: cumbria, force: "CU", gp: "A82", council: "Cumberland Council", yjs: "Cumbria Youth Justice Service", nfa: 0.06}},
	{"Lancashire", area{towns: []town{{"Preston", []string{"PR1", "PR2"}}, {"Blackburn", []string{"BB1"}}, {"Blackpool", []string{"FY1"}},
		{"Lancaster", []string{"LA1"}}, {"Barrow-in-Furness", []string{"LA14"}}},
		mix: prestonMix, force: "LC", gp: "P81", council: "Lancashire County Council", yjs: "Lancashire Youth Justice Service", nfa: 0.2}},
	{"Berkshire", area{towns: []town{{"Reading", []string{"RG1", "RG2", "RG30"}}, {"Slough", []string{"SL1", "SL2"}}, {"Maidenhead", []string{"SL6"}},
		{"Bracknell", []string{"RG12"}}},
		mix: berksMix, force: "TVP", gp: "K81", council: "Reading Borough Council", yjs: "Reading Youth Justice Service", nfa: 0.1}},
	{"Oxfordshire", area{towns: []town{{"Oxford", []string{"OX1", "OX4"}}, {"Banbury", []string{"OX16"}}, {"Abingdon", []string{"OX14"}}},
		mix: southMix, force: "TVP", gp: "K84", council: "Oxfordshire County Council", yjs: "Oxfordshire Youth Justice Service", nfa: 0.1}},
	{"Buckinghamshire", area{towns: []town{{"High Wycombe", []string{"HP11", "HP13"}}, {"Aylesbury", []string{"HP19", "HP21"}},
		{"Milton Keynes", []string{"MK6", "MK9"}}},
		mix: berksMix, force: "TVP", gp: "K82", council: "Buckinghamshire Council", yjs: "Buckinghamshire Youth Offending Service", nfa: 0.08}},
	{"Thames Valley", area{towns: []town{{"Reading", []string{"RG1", "RG2"}}, {"Oxford", []string{"OX1", "OX4"}}, {"Milton Keynes", []string{"MK6", "MK9"}},
		{"Aylesbury", []string{"HP19"}}},
		mix: southMix, force: "TVP", gp: "K81", council: "Reading Borough Council", yjs: "Reading Youth Justice Service", nfa: 0.09}},
	{"Hampshire", area{towns: []town{{"Southampton", []string{"SO14", "SO15", "SO16"}}, {"Portsmouth", []string{"PO1", "PO4"}},
		{"Basingstoke", []string{"RG21", "RG24"}}, {"Newport", []string{"PO30"}}, {"Winchester", []string{"SO23"}}},
		mix: southMix, force: "HC", gp: "J82", council: "Southampton City Council", yjs: "Southampton Youth Justice Service", nfa: 0.1}},
}

var englandArea = area{towns: []town{{"Leeds", []string{"LS1", "LS9"}}, {"Bristol", []string{"BS1", "BS5"}}, {"Nottingham", []string{"NG1", "NG7"}},
	{"Birmingham", []string{"B6", "B10"}}}, mix: englandMix, force: "XX", gp: "Y01", council: "the local authority",
	yjs: "the youth justice service", nfa: 0.1}

// areaFor returns the area of a team by its name: the most specific place
// it names, which comes last ("Lancashire L&D – Preston custody" is Preston).
func areaFor(teamName string) area {
	best, at := englandArea, -1
	for _, k := range areaKeys {
		if i := strings.LastIndex(teamName, k.key); i > at {
			best, at = k.a, i
		}
	}
	return best
}
