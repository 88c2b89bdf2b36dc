// Package demo holds the demo organisation: two NHS providers of Liaison and
// Diversion and RECONNECT, with teams and sites named after the real places
// they serve, and one demo account per built-in role, so a newcomer can sign
// in as each role and see what it may see.
package demo

import (
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// Password is every demo account's password; the README prints it. Demo
// accounts are refused when LIAISE_ENV=production.
const Password = "Liaise-demo-2026!"

// Provider names, exported so tests and documentation refer to one spelling.
const (
	SouthProvider = "Berkshire Healthcare NHS Foundation Trust"
	NorthProvider = "Lancashire & South Cumbria NHS Foundation Trust"
)

// Commissioning contracts in the demo run seven years (issue 2: "the seeds'
// regions hold seven-year contracts").
var (
	ContractStart = liaise.Date{Year: 2024, Month: time.April, Day: 1}
	ContractEnd   = liaise.Date{Year: 2031, Month: time.March, Day: 31}
)

// Hours of work at sites: custody is where most work arrives, so most suites
// are covered from early morning to late evening and the busiest round the
// clock; courts and prisons are covered in office hours.
const (
	hours24x7     = "24/7"
	hoursCustody  = "mon-sun 07:00-22:00"
	hoursOffice   = "mon-fri 09:00-17:00"
	hoursSatCourt = "mon-fri 09:00-17:00; sat 09:00-12:00"
)

// Account describes one demo account for the README and the tests.
type Account struct {
	Username    string
	DisplayName string
	Role        string // role code from liaise.BuiltInRoles
	Provider    string
	Teams       []string
	Partner     string
}

// Team names of the Lancashire & South Cumbria provider that the accounts use.
const (
	TeamPreston          = "Lancashire L&D – Preston custody and courts"
	TeamBlackburnBurnley = "Lancashire L&D – Blackburn and Burnley"
	TeamBlackpoolLanc    = "Lancashire L&D – Blackpool and Lancaster"
	TeamCumbria          = "South Cumbria and Cumbria L&D"
	TeamLSCReconnect     = "Lancashire & South Cumbria RECONNECT"
	TeamBerkshireCustody = "Thames Valley L&D – Berkshire custody"
	northPartner         = "Lancashire Lived Experience Network (demo)"
	southPartner         = "Solent Peer Support (demo)"
)

// Accounts lists the demo accounts: one per built-in role at the Lancashire &
// South Cumbria provider, and a practitioner at the other provider to show
// the data boundary.
func Accounts() []Account {
	ld := []string{TeamPreston, TeamBlackburnBurnley, TeamBlackpoolLanc, TeamCumbria}
	n := NorthProvider
	return []Account{
		{"practitioner", "Priya Shah (demo practitioner)", "practitioner", n, []string{TeamPreston}, ""},
		{"senior-practitioner", "Tom Whitehead (demo senior practitioner)", "senior_practitioner", n, []string{TeamPreston}, ""},
		{"slt", "Hannah Okafor (demo speech and language therapist)", "slt", n, []string{TeamPreston, TeamBlackburnBurnley}, ""},
		{"str-worker", "Dan Riley (demo STR worker)", "str_worker", n, []string{TeamBlackburnBurnley}, ""},
		{"peer-support-worker", "Jo Kelly (demo peer support worker)", "peer_support_worker", n, []string{TeamLSCReconnect}, northPartner},
		{"care-navigator", "Aisha Begum (demo care navigator)", "care_navigator", n, []string{TeamLSCReconnect}, ""},
		{"team-manager", "Mark Sutcliffe (demo team manager)", "team_manager", n, []string{TeamPreston, TeamBlackburnBurnley}, ""},
		{"service-manager", "Claire Dawson (demo service manager)", "service_manager", n, ld, ""},
		{"caldicott-guardian", "Dr Susan Marsh (demo Caldicott Guardian)", "caldicott_guardian", n, nil, ""},
		{"administrator", "Gareth Lloyd (demo administrator)", "administrator", n, nil, ""},
		{"analyst", "Ben Carter (demo analyst)", "analyst", n, nil, ""},
		{"auditor", "Fiona Grant (demo auditor)", "auditor", n, nil, ""},
		{"tv-practitioner", "Sam Okoye (demo practitioner, Thames Valley)", "practitioner", SouthProvider, []string{TeamBerkshireCustody}, ""},
	}
}

// Organisation returns the demo organisation, its accounts and its fictional
// people, with every account's password set to passwordHash (hashed once by
// the caller: argon2id is slow on purpose).
func Organisation(passwordHash string) sqlstore.OrgSeed {
	south, north := southProvider(), northProvider()
	for _, a := range Accounts() {
		u := sqlstore.UserSeed{
			Username:     a.Username,
			DisplayName:  a.DisplayName,
			Email:        a.Username + "@liaise-demo.invalid",
			Role:         a.Role,
			Partner:      a.Partner,
			Teams:        a.Teams,
			PasswordHash: passwordHash,
			Demo:         true,
		}
		if a.Provider == SouthProvider {
			south.Users = append(south.Users, u)
		} else {
			north.Users = append(north.Users, u)
		}
	}
	north.People, south.People = People()
	return sqlstore.OrgSeed{Providers: []sqlstore.ProviderSeed{south, north}, Detail: "demo organisation"}
}

// southProvider covers Thames Valley (Berkshire, Oxfordshire, Buckinghamshire
// and Milton Keynes) and Hampshire & Isle of Wight, as Berkshire Healthcare's
// L&D and RECONNECT services do.
func southProvider() sqlstore.ProviderSeed {
	const (
		ld        = "Liaison and Diversion – Thames Valley and Hampshire & Isle of Wight"
		reconnect = "RECONNECT – Thames Valley and Hampshire & Isle of Wight"

		oxon      = "Thames Valley L&D – Oxfordshire custody"
		bucks     = "Thames Valley L&D – Buckinghamshire and Milton Keynes custody"
		tvCourts  = "Thames Valley L&D – courts"
		hiowCust  = "Hampshire & Isle of Wight L&D – custody"
		hiowCourt = "Hampshire & Isle of Wight L&D – courts"
		tvRC      = "Thames Valley RECONNECT"
		hiowRC    = "Hampshire & Isle of Wight RECONNECT"
		berks     = TeamBerkshireCustody
	)
	const commissioner = "NHS England – Health and Justice (South East)"
	return sqlstore.ProviderSeed{
		Name:    SouthProvider,
		ODSCode: "RWX",
		Services: []sqlstore.ServiceSeed{
			{Name: ld, Type: liaise.ServiceLD},
			{Name: reconnect, Type: liaise.ServiceRECONNECT},
		},
		Contracts: []sqlstore.ContractSeed{
			{Commissioner: commissioner, Region: "Thames Valley", Start: ContractStart, End: ContractEnd, Services: []string{ld, reconnect}},
			{Commissioner: commissioner, Region: "Hampshire and Isle of Wight", Start: ContractStart, End: ContractEnd, Services: []string{ld, reconnect}},
		},
		Teams: []sqlstore.TeamSeed{
			{Name: berks, Service: ld},
			{Name: oxon, Service: ld},
			{Name: bucks, Service: ld},
			{Name: tvCourts, Service: ld},
			{Name: hiowCust, Service: ld},
			{Name: hiowCourt, Service: ld},
			{Name: tvRC, Service: reconnect},
			{Name: hiowRC, Service: reconnect},
		},
		Sites: []sqlstore.SiteSeed{
			// Thames Valley Police's seven custody suites.
			{Name: "Loddon Valley Police Custody Suite (Reading)", Type: "custody_suite", Hours: hours24x7, Team: berks},
			{Name: "Maidenhead Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: berks},
			{Name: "Reading Police Station (voluntary attendance)", Type: "voluntary_attendance", Hours: hoursOffice, Team: berks},
			{Name: "Abingdon Police Custody Suite", Type: "custody_suite", Hours: hours24x7, Team: oxon},
			{Name: "Banbury Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: oxon},
			{Name: "Aylesbury Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: bucks},
			{Name: "High Wycombe Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: bucks},
			{Name: "Milton Keynes Police Custody Suite", Type: "custody_suite", Hours: hours24x7, Team: bucks},
			// Thames Valley courts.
			{Name: "Reading Magistrates' Court", Type: "magistrates_court", Hours: hoursSatCourt, Team: tvCourts},
			{Name: "Reading Youth Court", Type: "youth_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "Reading Crown Court", Type: "crown_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "Oxford Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "Oxford Crown Court", Type: "crown_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "Banbury Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "High Wycombe Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "Milton Keynes Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: tvCourts},
			{Name: "Aylesbury Crown Court", Type: "crown_court", Hours: hoursOffice, Team: tvCourts},
			// Hampshire and Isle of Wight Constabulary's four custody suites.
			{Name: "Southampton Central Police Investigation Centre", Type: "custody_suite", Hours: hours24x7, Team: hiowCust},
			{Name: "Portsmouth Police Investigation Centre", Type: "custody_suite", Hours: hours24x7, Team: hiowCust},
			{Name: "Basingstoke Police Investigation Centre", Type: "custody_suite", Hours: hoursCustody, Team: hiowCust},
			{Name: "Newport (Isle of Wight) Police Investigation Centre", Type: "custody_suite", Hours: hoursCustody, Team: hiowCust},
			// Hampshire and Isle of Wight courts.
			{Name: "Southampton Magistrates' Court", Type: "magistrates_court", Hours: hoursSatCourt, Team: hiowCourt},
			{Name: "Southampton Crown Court", Type: "crown_court", Hours: hoursOffice, Team: hiowCourt},
			{Name: "Portsmouth Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: hiowCourt},
			{Name: "Portsmouth Crown Court", Type: "crown_court", Hours: hoursOffice, Team: hiowCourt},
			{Name: "Basingstoke Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: hiowCourt},
			{Name: "Winchester Crown Court", Type: "crown_court", Hours: hoursOffice, Team: hiowCourt},
			{Name: "Isle of Wight Magistrates' Court (Newport)", Type: "magistrates_court", Hours: hoursOffice, Team: hiowCourt},
			{Name: "Isle of Wight Crown Court (Newport)", Type: "crown_court", Hours: hoursOffice, Team: hiowCourt},
			// RECONNECT works in the prisons before release and from community bases after.
			{Name: "HMP Bullingdon", Type: "prison", Hours: hoursOffice, Team: tvRC},
			{Name: "HMP Grendon", Type: "prison", Hours: hoursOffice, Team: tvRC},
			{Name: "HMP Springhill", Type: "prison", Hours: hoursOffice, Team: tvRC},
			{Name: "HMP Huntercombe", Type: "prison", Hours: hoursOffice, Team: tvRC},
			{Name: "HMYOI Aylesbury", Type: "yoi", Hours: hoursOffice, Team: tvRC},
			{Name: "Reading Probation Office", Type: "probation_office", Hours: hoursOffice, Team: tvRC},
			{Name: "RECONNECT Thames Valley community base (Reading)", Type: "community_base", Hours: hoursOffice, Team: tvRC},
			{Name: "HMP Winchester", Type: "prison", Hours: hoursOffice, Team: hiowRC},
			{Name: "HMP Isle of Wight", Type: "prison", Hours: hoursOffice, Team: hiowRC},
			{Name: "RECONNECT Hampshire & Isle of Wight community base (Southampton)", Type: "community_base", Hours: hoursOffice, Team: hiowRC},
		},
		Hubs: []sqlstore.HubSeed{
			{Name: "Reading hub", Sites: []string{"Loddon Valley Police Custody Suite (Reading)", "Reading Police Station (voluntary attendance)", "Reading Magistrates' Court", "Reading Youth Court", "Reading Crown Court"}},
			{Name: "Oxford hub", Sites: []string{"Abingdon Police Custody Suite", "Oxford Magistrates' Court", "Oxford Crown Court"}},
			{Name: "Southampton hub", Sites: []string{"Southampton Central Police Investigation Centre", "Southampton Magistrates' Court", "Southampton Crown Court"}},
		},
		Partners: []sqlstore.PartnerSeed{{Name: southPartner}},
		Agencies: []sqlstore.AgencySeed{
			{Name: "Thames Valley Police", Type: "police"},
			{Name: "Hampshire and Isle of Wight Constabulary", Type: "police"},
			{Name: "Custody Healthcare Partnership (demo)", Type: "custody_healthcare"},
			{Name: "HM Courts & Tribunals Service – Thames Valley", Type: "court"},
			{Name: "HM Courts & Tribunals Service – Hampshire and Isle of Wight", Type: "court"},
			{Name: "CPS Thames and Chiltern", Type: "cps"},
			{Name: "CPS Wessex", Type: "cps"},
			{Name: "Probation Service – South Central", Type: "probation"},
			{Name: "Reading Youth Offending Service", Type: "youth_justice"},
			{Name: "Oxfordshire Youth Justice Service", Type: "youth_justice"},
			{Name: "Hampshire Youth Offending Team", Type: "youth_justice"},
			{Name: "Isle of Wight Youth Offending Team", Type: "youth_justice"},
		},
	}
}

// northProvider covers Lancashire and South Cumbria; its Cumbria team also
// reaches the north Cumbrian custody suites and courts (Carlisle, Workington).
func northProvider() sqlstore.ProviderSeed {
	const (
		ld        = "Liaison and Diversion – Lancashire & South Cumbria"
		reconnect = "RECONNECT – Lancashire & South Cumbria"
	)
	return sqlstore.ProviderSeed{
		Name:    NorthProvider,
		ODSCode: "RW5",
		Services: []sqlstore.ServiceSeed{
			{Name: ld, Type: liaise.ServiceLD},
			{Name: reconnect, Type: liaise.ServiceRECONNECT},
		},
		Contracts: []sqlstore.ContractSeed{
			{Commissioner: "NHS England – Health and Justice (North West)", Region: "Lancashire and South Cumbria", Start: ContractStart, End: ContractEnd, Services: []string{ld, reconnect}},
		},
		Teams: []sqlstore.TeamSeed{
			{Name: TeamPreston, Service: ld},
			{Name: TeamBlackburnBurnley, Service: ld},
			{Name: TeamBlackpoolLanc, Service: ld},
			{Name: TeamCumbria, Service: ld},
			{Name: TeamLSCReconnect, Service: reconnect},
		},
		Sites: []sqlstore.SiteSeed{
			{Name: "Preston Police Custody Suite", Type: "custody_suite", Hours: hours24x7, Team: TeamPreston},
			{Name: "Skelmersdale Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamPreston},
			{Name: "Preston Magistrates' Court", Type: "magistrates_court", Hours: hoursSatCourt, Team: TeamPreston},
			{Name: "Preston Youth Court", Type: "youth_court", Hours: hoursOffice, Team: TeamPreston},
			{Name: "Preston Crown Court", Type: "crown_court", Hours: hoursOffice, Team: TeamPreston},
			{Name: "Preston Probation Office", Type: "probation_office", Hours: hoursOffice, Team: TeamPreston},

			{Name: "Blackburn Police Custody Suite", Type: "custody_suite", Hours: hours24x7, Team: TeamBlackburnBurnley},
			{Name: "Burnley Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamBlackburnBurnley},
			{Name: "Blackburn Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamBlackburnBurnley},
			{Name: "Burnley Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamBlackburnBurnley},
			{Name: "Burnley Crown Court", Type: "crown_court", Hours: hoursOffice, Team: TeamBlackburnBurnley},

			{Name: "Blackpool Police Custody Suite", Type: "custody_suite", Hours: hours24x7, Team: TeamBlackpoolLanc},
			{Name: "Lancaster Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamBlackpoolLanc},
			{Name: "Blackpool Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamBlackpoolLanc},
			{Name: "Lancaster Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamBlackpoolLanc},
			{Name: "Lancaster Crown Court", Type: "crown_court", Hours: hoursOffice, Team: TeamBlackpoolLanc},

			{Name: "Carlisle (Durranhill) Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamCumbria},
			{Name: "Workington Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamCumbria},
			{Name: "Barrow Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamCumbria},
			{Name: "Kendal Police Custody Suite", Type: "custody_suite", Hours: hoursCustody, Team: TeamCumbria},
			{Name: "Carlisle Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamCumbria},
			{Name: "Carlisle Crown Court", Type: "crown_court", Hours: hoursOffice, Team: TeamCumbria},
			{Name: "Workington (West Cumbria) Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamCumbria},
			{Name: "Barrow-in-Furness Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamCumbria},
			{Name: "Kendal Magistrates' Court", Type: "magistrates_court", Hours: hoursOffice, Team: TeamCumbria},

			{Name: "HMP Preston", Type: "prison", Hours: hoursOffice, Team: TeamLSCReconnect},
			{Name: "HMP Lancaster Farms", Type: "prison", Hours: hoursOffice, Team: TeamLSCReconnect},
			{Name: "HMP Kirkham", Type: "prison", Hours: hoursOffice, Team: TeamLSCReconnect},
			{Name: "HMP Wymott", Type: "prison", Hours: hoursOffice, Team: TeamLSCReconnect},
			{Name: "HMP Garth", Type: "prison", Hours: hoursOffice, Team: TeamLSCReconnect},
			{Name: "HMP Haverigg", Type: "prison", Hours: hoursOffice, Team: TeamLSCReconnect},
			{Name: "RECONNECT Lancashire & South Cumbria community base (Preston)", Type: "community_base", Hours: hoursOffice, Team: TeamLSCReconnect},
		},
		Hubs: []sqlstore.HubSeed{
			{Name: "Preston hub", Sites: []string{"Preston Police Custody Suite", "Preston Magistrates' Court", "Preston Youth Court", "Preston Crown Court"}},
			{Name: "East Lancashire hub", Sites: []string{"Blackburn Police Custody Suite", "Burnley Police Custody Suite", "Blackburn Magistrates' Court", "Burnley Magistrates' Court", "Burnley Crown Court"}},
			{Name: "Cumbria hub", Sites: []string{
				"Carlisle (Durranhill) Police Custody Suite", "Carlisle Magistrates' Court", "Carlisle Crown Court",
				"Workington Police Custody Suite", "Workington (West Cumbria) Magistrates' Court",
				"Barrow Police Custody Suite", "Barrow-in-Furness Magistrates' Court",
				"Kendal Police Custody Suite", "Kendal Magistrates' Court",
			}},
		},
		Partners: []sqlstore.PartnerSeed{{Name: northPartner}},
		Agencies: []sqlstore.AgencySeed{
			{Name: "Lancashire Constabulary", Type: "police"},
			{Name: "Cumbria Constabulary", Type: "police"},
			{Name: "Custody Healthcare Partnership (demo)", Type: "custody_healthcare"},
			{Name: "HM Courts & Tribunals Service – Lancashire and Cumbria", Type: "court"},
			{Name: "CPS North West", Type: "cps"},
			{Name: "Probation Service – North West", Type: "probation"},
			{Name: "Lancashire County Council Youth Justice Service", Type: "youth_justice"},
			{Name: "Blackburn with Darwen Youth Justice Service", Type: "youth_justice"},
			{Name: "Blackpool Youth Justice Service", Type: "youth_justice"},
			{Name: "Westmorland and Furness Youth Justice Service", Type: "youth_justice"},
		},
	}
}
