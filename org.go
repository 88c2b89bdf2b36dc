package liaise

// Provider is an organisation that delivers L&D or RECONNECT. It is the data
// boundary: staff see only their own provider's records.
type Provider struct {
	ID      int64  `json:"id,string"`
	Name    string `json:"name"`
	ODSCode string `json:"ods_code"`
	Version int    `json:"version"`
}

// Contract is a commissioning contract for the services a provider delivers in a region.
type Contract struct {
	ID           int64   `json:"id,string"`
	ProviderID   int64   `json:"provider_id,string"`
	Commissioner string  `json:"commissioner"`
	Region       string  `json:"region"`
	StartDate    Date    `json:"-"`
	EndDate      Date    `json:"-"`
	ServiceIDs   []int64 `json:"-"`
	Version      int     `json:"version"`
}

// Service types.
const (
	ServiceLD        = "ld"
	ServiceRECONNECT = "reconnect"
)

// Service is an L&D or RECONNECT service of a provider.
type Service struct {
	ID         int64  `json:"id,string"`
	ProviderID int64  `json:"provider_id,string"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Version    int    `json:"version"`
}

// Team is a group of staff within a service; access to episodes follows team membership.
type Team struct {
	ID         int64  `json:"id,string"`
	ServiceID  int64  `json:"service_id,string"`
	ProviderID int64  `json:"provider_id,string"`
	Name       string `json:"name"`
	Version    int    `json:"version"`
}

// Site types, with the MHSDS activity location type each maps to by default.
var SiteTypes = []struct{ Code, Label, ActLocType string }{
	{"custody_suite", "Police custody suite", "M03"},
	{"voluntary_attendance", "Voluntary-attendance location", "M03"},
	{"magistrates_court", "Magistrates' court", "N02"},
	{"youth_court", "Youth court", "N02"},
	{"crown_court", "Crown Court", "N02"},
	{"prison", "Prison", "M01"},
	{"yoi", "Young offender institution", "M04"},
	{"irc", "Immigration removal centre", "M05"},
	{"probation_office", "Probation office", "M02"},
	{"community_base", "Community base", "N03"},
}

// SiteTypeLabel returns the label for a site type code, or the code itself.
func SiteTypeLabel(code string) string {
	for _, t := range SiteTypes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// Site is a place where the service works: a custody suite, court or prison.
type Site struct {
	ID         int64  `json:"id,string"`
	ProviderID int64  `json:"provider_id,string"`
	TeamID     int64  `json:"team_id,string,omitempty"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	ActLocType string `json:"activity_location_type"`
	// Hours holds opening hours per weekday, e.g. "mon-fri 09:00-17:00; sat-sun 07:00-22:00",
	// or "24/7"; work arriving outside them lands in the next morning's queue.
	Hours   string `json:"opening_hours"`
	Version int    `json:"version"`
}

// Hub covers several sites, usually staffed from one base.
type Hub struct {
	ID         int64   `json:"id,string"`
	ProviderID int64   `json:"provider_id,string"`
	Name       string  `json:"name"`
	SiteIDs    []int64 `json:"site_ids"`
	Version    int     `json:"version"`
}

// Partner organisations employ some staff (a charity employing peer support workers).
type Partner struct {
	ID         int64  `json:"id,string"`
	ProviderID int64  `json:"provider_id,string"`
	Name       string `json:"name"`
	ODSCode    string `json:"ods_code"`
	Version    int    `json:"version"`
}

// Agency types for outside agencies that refer to L&D and receive information from it.
var AgencyTypes = []struct{ Code, Label string }{
	{"police", "Police force"},
	{"custody_healthcare", "Custody healthcare provider"},
	{"court", "Court"},
	{"cps", "Crown Prosecution Service"},
	{"probation", "Probation"},
	{"youth_justice", "Youth justice service"},
	{"prison", "Prison"},
	{"local_authority", "Local authority"},
	{"other", "Other"},
}

// Agency is an outside organisation that refers people or receives information.
type Agency struct {
	ID         int64  `json:"id,string"`
	ProviderID int64  `json:"provider_id,string"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Version    int    `json:"version"`
}

// ServiceTypes lists the programmes a service delivers, with plain-English labels.
var ServiceTypes = []struct{ Code, Label string }{
	{ServiceLD, "Liaison and Diversion"},
	{ServiceRECONNECT, "RECONNECT (care after custody)"},
}

// ServiceTypeLabel returns the label for a service type code, or the code itself.
func ServiceTypeLabel(code string) string {
	for _, t := range ServiceTypes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// SiteTypeActLocType returns the MHSDS activity location type a site type
// maps to by default ("" for an unknown type).
func SiteTypeActLocType(code string) string {
	for _, t := range SiteTypes {
		if t.Code == code {
			return t.ActLocType
		}
	}
	return ""
}

// ActivityLocationTypes are the MHSDS activity location type codes a site may
// map to (NHS Data Dictionary; domain.md §2.3): the criminal-justice group and
// the others L&D and RECONNECT staff work in. MHSDS has no court code, so
// courts map to N02 by default.
var ActivityLocationTypes = []struct{ Code, Label string }{
	{"M01", "Prison"},
	{"M02", "Probation Service premises"},
	{"M03", "Police station or police custody suite"},
	{"M04", "Young offender institution"},
	{"M05", "Immigration removal centre"},
	{"M06", "Young offender institution (15 to 17)"},
	{"M07", "Young offender institution (18 to 21)"},
	{"A01", "Patient's home"},
	{"G03", "Children's home"},
	{"L01", "School"},
	{"N01", "Street or other public open space"},
	{"N02", "Other publicly accessible area or building"},
	{"N03", "Voluntary or charitable agency premises"},
	{"X01", "Other locations not elsewhere classified"},
}

// ActivityLocationTypeLabel returns the label of an activity location type code, or the code itself.
func ActivityLocationTypeLabel(code string) string {
	for _, t := range ActivityLocationTypes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// AgencyTypeLabel returns the label for an agency type code, or the code itself.
func AgencyTypeLabel(code string) string {
	for _, t := range AgencyTypes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}
