package liaise

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A person is one human with many names, identifiers and (later) episodes.
// Names given in custody are often false, so the record says how far its
// identity is confirmed, and find-before-create looks for likely duplicates.

// Identity statuses: how far the person's identity is established.
const (
	IdentityConfirmed = "confirmed"
	IdentityAsGiven   = "as_given" // as given to police: may be false
	IdentityUnknown   = "unknown"
)

// IdentityStatuses lists the statuses with their labels, in form order.
var IdentityStatuses = []CodeLabel{
	{IdentityConfirmed, "Confirmed"},
	{IdentityAsGiven, "As given to police"},
	{IdentityUnknown, "Unknown"},
}

// Name types.
const (
	NameGivenInCustody = "given_in_custody"
	NameLegal          = "legal"
	NamePreferred      = "preferred"
	NameAlias          = "alias"
)

// NameTypes lists the kinds of name with their labels.
var NameTypes = []CodeLabel{
	{NameGivenInCustody, "Name given in custody"},
	{NameLegal, "Legal name"},
	{NamePreferred, "Preferred name"},
	{NameAlias, "Other name (alias)"},
}

// Identifier types. Values are stored normalised so matching is exact.
const (
	IDNHSNumber     = "nhs_number"
	IDPNC           = "pnc_id"
	IDPrisonNumber  = "prison_number"
	IDCustodyRecord = "custody_record"
	IDLocal         = "local_id"
)

// IdentifierTypes lists identifier kinds with their labels.
var IdentifierTypes = []CodeLabel{
	{IDNHSNumber, "NHS number"},
	{IDPNC, "PNC ID"},
	{IDPrisonNumber, "Prison number"},
	{IDCustodyRecord, "Custody record number"},
	{IDLocal, "Local ID"},
}

// NHS number verification statuses.
const (
	NHSAsGiven  = "as_given"
	NHSVerified = "verified"
	NHSNotKnown = "not_known"
)

// NHSVerifications lists verification statuses with labels.
var NHSVerifications = []CodeLabel{
	{NHSAsGiven, "As given"},
	{NHSVerified, "Verified"},
	{NHSNotKnown, "Not known"},
}

// YesNoUnknown answers for indicators such as ex-armed forces.
var YesNoUnknown = []CodeLabel{{"yes", "Yes"}, {"no", "No"}, {"unknown", "Not known"}}

// Relationships of a responsible adult to a child.
var AdultRelationships = []CodeLabel{
	{"parent", "Parent"},
	{"guardian", "Guardian"},
	{"carer", "Carer"},
	{"corporate_parent", "Corporate parent (local authority)"},
}

// CodeLabel is a fixed choice with its plain-English label.
type CodeLabel struct {
	Code  string
	Label string
}

// LabelOf returns the label of code among choices, or code itself.
func LabelOf(choices []CodeLabel, code string) string {
	for _, c := range choices {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func validChoice(choices []CodeLabel, code string) bool {
	for _, c := range choices {
		if c.Code == code {
			return true
		}
	}
	return false
}

// PersonName is one name of a person.
type PersonName struct {
	Type   string `json:"type"`
	Given  string `json:"given_name"`
	Family string `json:"family_name"`
}

// Full returns "Given FAMILY"-style display text (given then family).
func (n PersonName) Full() string {
	return strings.TrimSpace(n.Given + " " + n.Family)
}

// Identifier is one identifier of a person, stored normalised.
type Identifier struct {
	Type            string `json:"type"`
	Value           string `json:"value"`
	NHSVerification string `json:"nhs_verification,omitempty"`
}

// ResponsibleAdult is a parent, guardian, carer or corporate parent of a child.
type ResponsibleAdult struct {
	Name                   string `json:"name"`
	Relationship           string `json:"relationship"`
	ParentalResponsibility bool   `json:"parental_responsibility"`
	Phone                  string `json:"phone"`
}

// Person is one human known to the service.
type Person struct {
	ID                    int64
	ProviderID            int64
	TeamID                int64 // the team that created the record: the legitimate relationship until episodes exist
	IdentityStatus        string
	Names                 []PersonName
	DateOfBirth           Date
	DOBUnknown            bool
	EstimatedAge          int
	StatedGender          string
	GenderIdentity        string
	EthnicCategory        string
	PreferredLanguage     string
	InterpreterNeeded     bool
	CommunicationNeeds    string
	ReasonableAdjustments string
	Address               string
	Postcode              string
	NoFixedAbode          bool
	GPPracticeODS         string
	ExArmedForces         string
	CareLeaver            string
	LDStatus              string
	AutismStatus          string
	Identifiers           []Identifier
	ResponsibleAdults     []ResponsibleAdult
	LookedAfter           bool
	ChildProtection       bool
	SocialWorker          string
	YouthJusticeWorker    string
	School                string
	Restricted            bool
	Version               int
	CreatedAt             Time

	// Read-only extras filled by the store when a record is opened.
	TeamName string
	Events   []PersonEvent
	// BreakGlass is set when the reader opened the record through break-glass.
	BreakGlass bool
}

// PersonEvent is one entry of a person's own history, shown on the timeline.
type PersonEvent struct {
	ID         int64
	OccurredAt Time
	RecordedAt Time
	UserName   string
	Kind       string
	Summary    string
}

// DisplayName is the first name of the person (the name they are known by).
func (p *Person) DisplayName() string {
	for _, n := range p.Names {
		if s := n.Full(); s != "" {
			return s
		}
	}
	return "Name not known"
}

// Identifier returns the first identifier of type typ, or "".
func (p *Person) Identifier(typ string) string {
	for _, id := range p.Identifiers {
		if id.Type == typ {
			return id.Value
		}
	}
	return ""
}

// AgeOn returns the person's age on day: from the date of birth, or the
// estimated age when it is unknown (0 when neither is known).
func (p *Person) AgeOn(day Date) int {
	if p.DOBUnknown || p.DateOfBirth.IsZero() {
		return p.EstimatedAge
	}
	return AgeOn(p.DateOfBirth, day)
}

// IsChildOn reports whether the person is under 18 on day. A person of
// unknown age with no estimate is not assumed a child.
func (p *Person) IsChildOn(day Date) bool {
	age := p.AgeOn(day)
	return (age > 0 || !p.DateOfBirth.IsZero()) && age < 18
}

// AgeOn returns the age in whole years on day of someone born on dob; a
// 29 February birthday counts on 1 March in other years.
func AgeOn(dob, day Date) int {
	age := day.Year - dob.Year
	if day.Month < dob.Month || (day.Month == dob.Month && day.Day < dob.Day) {
		age--
	}
	return max(age, 0)
}

// PersonChecker validates identifiers, postcodes and codes. The root package
// cannot import internal/ident or internal/codes (they import it), so the
// store passes an implementation in.
type PersonChecker interface {
	NHSNumber(s string) (string, error)
	PNCID(s string) (string, error)
	Postcode(s string) (string, error)
	ODS(s string) (string, error)
	Code(list, code string, on Date) error
}

// IdentifierField is the form field id of an identifier type.
func IdentifierField(typ string) string { return typ }

// NormaliseOtherIdentifier is how prison numbers, custody record numbers and
// local ids are stored and matched: capitals without spaces.
func NormaliseOtherIdentifier(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ValidatePerson checks and normalises p (identifiers, postcode) and returns
// warnings that do not block saving, such as an age under 10. Field ids match
// the person form.
func ValidatePerson(p *Person, today Date, chk PersonChecker) ([]string, error) {
	var v Validation
	var warnings []string
	if !validChoice(IdentityStatuses, p.IdentityStatus) {
		v.Add("identity_status", "Choose whether the identity is confirmed, as given to police, or unknown")
	}
	var names []PersonName
	for _, n := range p.Names {
		n.Given = strings.Join(strings.Fields(n.Given), " ")
		n.Family = strings.Join(strings.Fields(n.Family), " ")
		if n.Given == "" && n.Family == "" {
			continue
		}
		if n.Type == "" {
			n.Type = NameGivenInCustody
		}
		if !validChoice(NameTypes, n.Type) {
			v.Add("name_type", "Choose what kind of name this is")
		}
		if len(n.Given) > 200 || len(n.Family) > 200 {
			v.Add("family_name", "A name must be 200 characters or fewer")
		}
		names = append(names, n)
	}
	p.Names = names
	if len(names) == 0 {
		v.Add("given_name", "Enter the person's name: a given name, a family name or both")
	}
	switch {
	case p.DOBUnknown:
		p.DateOfBirth = Date{}
		if p.EstimatedAge < 10 || p.EstimatedAge > 100 {
			v.Add("estimated_age", "Enter an estimated age between 10 and 100")
		}
	case p.DateOfBirth.IsZero():
		v.Add("date_of_birth", "Enter the date of birth, or say it is not known and give an estimated age")
	case today.Before(p.DateOfBirth):
		v.Add("date_of_birth", "Date of birth must be today or in the past")
	case p.DateOfBirth.Before(Date{today.Year - 120, today.Month, today.Day}):
		v.Add("date_of_birth", "Date of birth must be less than 120 years ago")
	default:
		p.EstimatedAge = 0
	}
	if age := p.AgeOn(today); (!p.DateOfBirth.IsZero() || p.DOBUnknown) && age < 10 && v.fields["date_of_birth"] == "" && v.fields["estimated_age"] == "" {
		warnings = append(warnings, fmt.Sprintf("This person is %d: Liaison and Diversion works with people aged 10 and over (the age of criminal responsibility).", age))
	}
	seen := map[string]bool{}
	var ids []Identifier
	for _, id := range p.Identifiers {
		raw := strings.TrimSpace(id.Value)
		if raw == "" {
			continue
		}
		field := IdentifierField(id.Type)
		switch id.Type {
		case IDNHSNumber:
			n, err := chk.NHSNumber(raw)
			if err != nil {
				v.Add(field, ErrorMessage(err))
				continue
			}
			id.Value = n
			if id.NHSVerification == "" {
				id.NHSVerification = NHSAsGiven
			}
			if !validChoice(NHSVerifications, id.NHSVerification) {
				v.Add("nhs_verification", "Choose whether the NHS number is as given, verified or not known")
			}
		case IDPNC:
			n, err := chk.PNCID(raw)
			if err != nil {
				v.Add(field, ErrorMessage(err))
				continue
			}
			id.Value, id.NHSVerification = n, ""
		case IDPrisonNumber, IDCustodyRecord, IDLocal:
			id.Value, id.NHSVerification = NormaliseOtherIdentifier(raw), ""
			if len(id.Value) > 40 {
				v.Add(field, "An identifier must be 40 characters or fewer")
				continue
			}
		default:
			v.Add("identifiers", fmt.Sprintf("%q is not a kind of identifier Liaise records", id.Type))
			continue
		}
		if seen[id.Type+"\x00"+id.Value] {
			continue
		}
		seen[id.Type+"\x00"+id.Value] = true
		ids = append(ids, id)
	}
	p.Identifiers = ids
	p.Postcode = strings.TrimSpace(p.Postcode)
	if p.NoFixedAbode {
		// Exports use ZZ99 3VZ; the record keeps no postcode.
		p.Postcode = ""
	} else if p.Postcode != "" {
		if pc, err := chk.Postcode(p.Postcode); err != nil {
			v.Add("postcode", ErrorMessage(err))
		} else {
			p.Postcode = pc
		}
	}
	if s := strings.TrimSpace(p.GPPracticeODS); s != "" {
		if c, err := chk.ODS(s); err != nil {
			v.Add("gp_practice_ods", ErrorMessage(err))
		} else {
			p.GPPracticeODS = c
		}
	} else {
		p.GPPracticeODS = ""
	}
	for _, c := range []struct{ field, list, code string }{
		{"stated_gender", "person-stated-gender", p.StatedGender},
		{"gender_identity", "gender-identity", p.GenderIdentity},
		{"ethnic_category", "ethnic-category", p.EthnicCategory},
		{"ld_status", "learning-disability-status", p.LDStatus},
		{"autism_status", "autism-status", p.AutismStatus},
	} {
		if c.code != "" {
			if err := chk.Code(c.list, c.code, today); err != nil {
				v.Add(c.field, ErrorMessage(err))
			}
		}
	}
	if p.ExArmedForces == "" {
		p.ExArmedForces = "unknown"
	}
	if p.CareLeaver == "" {
		p.CareLeaver = "unknown"
	}
	v.Check(validChoice(YesNoUnknown, p.ExArmedForces), "ex_armed_forces", "Choose yes, no or not known")
	v.Check(validChoice(YesNoUnknown, p.CareLeaver), "care_leaver", "Choose yes, no or not known")
	var adults []ResponsibleAdult
	for _, ra := range p.ResponsibleAdults {
		ra.Name = strings.TrimSpace(ra.Name)
		ra.Phone = strings.TrimSpace(ra.Phone)
		if ra.Name == "" && ra.Phone == "" && ra.Relationship == "" {
			continue
		}
		v.Check(ra.Name != "", "ra_name", "Enter the responsible adult's name")
		v.Check(validChoice(AdultRelationships, ra.Relationship), "ra_relationship", "Choose the responsible adult's relationship to the child")
		adults = append(adults, ra)
	}
	p.ResponsibleAdults = adults
	for _, t := range []struct {
		field string
		s     *string
		max   int
	}{
		{"preferred_language", &p.PreferredLanguage, 100},
		{"communication_needs", &p.CommunicationNeeds, 2000},
		{"reasonable_adjustments", &p.ReasonableAdjustments, 2000},
		{"address", &p.Address, 500},
		{"social_worker", &p.SocialWorker, 200},
		{"youth_justice_worker", &p.YouthJusticeWorker, 200},
		{"school", &p.School, 200},
	} {
		*t.s = strings.TrimSpace(*t.s)
		v.Check(len(*t.s) <= t.max, t.field, fmt.Sprintf("Must be %d characters or fewer", t.max))
	}
	return warnings, v.Err()
}

// --- Name folding --------------------------------------------------------------

// foldTable maps accented Latin letters (and a few ligatures) to plain ones,
// so "Zoë" is found by "zoe". A small table keeps the root package free of
// dependencies; letters outside it are kept as they are (lower-cased).
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a", 'æ': "ae",
	'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c",
	'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g",
	'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĵ': "j", 'ķ': "k",
	'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ŗ': "r", 'ř': "r",
	'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ș': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w", 'ý': "y", 'ÿ': "y", 'ŷ': "y",
	'ź': "z", 'ż': "z", 'ž': "z",
}

// FoldName lower-cases a name, strips accents and drops apostrophes, keeping
// spaces and hyphens as they are: "Zoë O'Brien-Smith" → "zoe obrien-smith".
func FoldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == 'ʼ':
			continue
		case unicode.Is(unicode.Mn, r):
			continue // combining accent typed separately
		}
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NameTokens returns the search tokens of a name: its folded parts split at
// spaces, hyphens and other punctuation, plus the joined form of each
// hyphenated part, so "O'Brien-Smith" gives obrien, smith and obriensmith.
func NameTokens(s string) []string {
	var out []string
	add := func(t string) {
		if t == "" {
			return
		}
		for _, x := range out {
			if x == t {
				return
			}
		}
		out = append(out, t)
	}
	for _, word := range strings.Fields(FoldName(s)) {
		parts := strings.FieldsFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for _, p := range parts {
			add(p)
		}
		if len(parts) > 1 {
			add(strings.Join(parts, ""))
		}
	}
	return out
}

// Levenshtein is the edit distance between a and b (in runes), used to find
// names one typing slip apart.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 {
		return len(rb)
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// --- Duplicates and break-glass ---------------------------------------------

// DuplicateCandidate is an existing person who may be the one being created.
type DuplicateCandidate struct {
	PersonID    int64    `json:"id,string"`
	Name        string   `json:"name"`
	DateOfBirth string   `json:"date_of_birth,omitempty"`
	Reasons     []string `json:"reasons"`
	// Blocking is set for a matching NHS number: never created twice.
	Blocking   bool `json:"blocking"`
	Restricted bool `json:"restricted"`
}

// DuplicateError refuses a create because likely duplicates exist. It
// unwraps to an ECONFLICT *Error, so the usual status table applies.
type DuplicateError struct {
	Candidates []DuplicateCandidate
	err        *Error
}

// NewDuplicateError builds the conflict for candidates.
func NewDuplicateError(c []DuplicateCandidate) *DuplicateError {
	msg := "This person may already be recorded. Check the people listed before creating a new record."
	for _, x := range c {
		if x.Blocking {
			msg = "A person with this NHS number is already recorded. Use their record: the same NHS number cannot be recorded twice."
		}
	}
	return &DuplicateError{Candidates: c, err: &Error{Code: ECONFLICT, Message: msg}}
}

func (e *DuplicateError) Error() string { return e.err.Error() }

// Unwrap exposes the conflict error.
func (e *DuplicateError) Unwrap() error { return e.err }

// Blocking reports whether any candidate blocks creation.
func (e *DuplicateError) Blocking() bool {
	for _, c := range e.Candidates {
		if c.Blocking {
			return true
		}
	}
	return false
}

// BreakGlassError refuses to open a record outside the actor's teams when
// the actor may break glass: the page then asks for a reason. It unwraps to
// an EFORBIDDEN *Error.
type BreakGlassError struct {
	PersonID int64
	err      *Error
}

// NewBreakGlassError builds the refusal for person id.
func NewBreakGlassError(id int64) *BreakGlassError {
	return &BreakGlassError{PersonID: id, err: &Error{Code: EFORBIDDEN, Message: "You are not in a team working with this person. To open the record anyway, give a reason: it is recorded and reviewed by the Caldicott Guardian."}}
}

func (e *BreakGlassError) Error() string { return e.err.Error() }

// Unwrap exposes the forbidden error.
func (e *BreakGlassError) Unwrap() error { return e.err }

// MinBreakGlassReason is the shortest reason accepted for break-glass access,
// so "x" is not a reason.
const MinBreakGlassReason = 10

// ValidBreakGlassReason checks a break-glass reason.
func ValidBreakGlassReason(reason string) error {
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < MinBreakGlassReason {
		var v Validation
		v.Add("reason", fmt.Sprintf("Give the reason you need to open this record, in at least %d characters", MinBreakGlassReason))
		return v.Err()
	}
	return nil
}
