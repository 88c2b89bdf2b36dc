package server

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

// People pages: find before create, the create form with its "is this the
// same person?" step, the person page (identity and alerts first, then one
// timeline of the episodes the user may open, then details), break-glass,
// and the edit form.

func (s *Server) peopleRoutes() []Route {
	return append([]Route{
		// The bare form shows no personal data; the search is its own route,
		// audited by the store with the ids it showed.
		{Method: "GET", Pattern: "/people", Cap: liaise.CapPersonSearch, Handler: s.peopleFind},
		{Method: "GET", Pattern: "/people/search", Cap: liaise.CapPersonSearch, Personal: true, Handler: s.peopleSearch},
		{Method: "GET", Pattern: "/people/new", Cap: liaise.CapRecordWrite, Handler: s.personNew},
		{Method: "POST", Pattern: "/people/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.personCreate, Draft: s.newPersonDraft},
		{Method: "GET", Pattern: "/people/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.personShow},
		{Method: "POST", Pattern: "/people/{id}/break-glass", Cap: liaise.CapBreakGlass, Personal: true, Handler: s.personBreakGlass},
		{Method: "GET", Pattern: "/people/{id}/edit", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.personEdit},
		{Method: "POST", Pattern: "/people/{id}/edit", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.personUpdate, Draft: s.personDraft},
		{Method: "POST", Pattern: "/people/{id}/not-duplicates", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.personNotDuplicate},
	}, s.peopleAPIRoutes()...)
}

// --- Find --------------------------------------------------------------------

type peopleFindData struct {
	Searched bool
	Criteria string // the query string of the search, for the create link
	Items    []personRow
	Next     string
	Team     bool // no criteria: the people recorded by the user's teams
	CanWrite bool
}

// personRow is one search result as shown.
type personRow struct {
	ID             int64
	Href           string
	Name           string
	DOB            string
	Identity       personTag
	Identifiers    []string
	TeamName       string
	Hidden         bool
	KnownElsewhere bool
	// Alerts are the dated risks of a person known elsewhere.
	Alerts []string
}

type personTag struct{ Label, Class string }

func identityTag(status string) personTag {
	switch status {
	case liaise.IdentityConfirmed:
		return personTag{"Identity confirmed", "nhsuk-tag--green"}
	case liaise.IdentityAsGiven:
		return personTag{"As given to police", "nhsuk-tag--yellow"}
	}
	return personTag{"Identity unknown", "nhsuk-tag--grey"}
}

func identifierText(x liaise.Identifier) string {
	label := liaise.LabelOf(liaise.IdentifierTypes, x.Type)
	switch x.Type {
	case liaise.IDNHSNumber:
		return label + " " + ident.FormatNHSNumber(x.Value) + " (" + strings.ToLower(liaise.LabelOf(liaise.NHSVerifications, x.NHSVerification)) + ")"
	case liaise.IDPNC:
		return label + " " + ident.FormatPNCID(x.Value)
	}
	return label + " " + x.Value
}

func dobText(d liaise.Date, unknown bool, age, estimated int) string {
	if unknown || d.IsZero() {
		if estimated > 0 {
			return "Not known (estimated age " + strconv.Itoa(estimated) + ")"
		}
		return "Not known"
	}
	return dateText(d) + " (" + strconv.Itoa(age) + ")"
}

func (s *Server) peopleFind(w http.ResponseWriter, r *http.Request) error {
	if r.URL.RawQuery != "" {
		// A bookmarked search keeps working (and is audited on its route).
		http.Redirect(w, r, "/people/search?"+r.URL.RawQuery, http.StatusSeeOther)
		return nil
	}
	p := s.newPage(r, "Find a person")
	p.Data = peopleFindData{CanWrite: liaise.ActorFrom(r.Context()).Can(liaise.CapRecordWrite)}
	s.render(w, r, http.StatusOK, "people_find", p)
	return nil
}

func (s *Server) peopleSearch(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	f := NewForm(r.URL.Query())
	q := sqlstore.PersonQuery{Q: f.Get("q"), Identifier: f.Get("identifier"), Cursor: f.Get("cursor")}
	q.DateOfBirth = formDate(f, "date_of_birth", "Date of birth")
	d := peopleFindData{Searched: true, CanWrite: a.Can(liaise.CapRecordWrite)}
	status := http.StatusOK
	if f.Valid() {
		page, err := s.DB.SearchPeople(r.Context(), q)
		switch {
		case err == nil:
			d.Items = personRows(a, page.Items)
			d.Team = q.Q == "" && q.Identifier == "" && q.DateOfBirth.IsZero()
			if page.NextCursor != "" {
				v := url.Values{}
				for k, vs := range f.Values {
					v[k] = vs
				}
				v.Set("cursor", page.NextCursor)
				d.Next = "/people/search?" + v.Encode()
			}
		case f.Absorb(err, "q", "date_of_birth", "identifier", "cursor"):
			status = ErrorStatus(err)
		default:
			return err
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	crit := url.Values{}
	for _, k := range []string{"q", "identifier", "date_of_birth-day", "date_of_birth-month", "date_of_birth-year"} {
		if v := f.Get(k); v != "" {
			crit.Set(k, v)
		}
	}
	d.Criteria = crit.Encode()
	p := s.newPage(r, "Find a person")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "people_find", p)
	return nil
}

func personRows(a *liaise.Actor, items []sqlstore.PersonSummary) []personRow {
	rows := make([]personRow, 0, len(items))
	for _, it := range items {
		row := personRow{ID: it.ID, Href: "/people/" + strconv.FormatInt(it.ID, 10), Name: it.Name, Hidden: it.Hidden}
		if !it.Hidden {
			row.DOB = dobText(it.DateOfBirth, it.DOBUnknown, it.Age, it.EstimatedAge)
			row.Identity = identityTag(it.IdentityStatus)
			for _, x := range it.Identifiers {
				row.Identifiers = append(row.Identifiers, identifierText(x))
			}
			row.TeamName = it.TeamName
			row.KnownElsewhere = !a.InTeam(it.TeamID)
			for _, x := range it.Alerts {
				row.Alerts = append(row.Alerts, x.Text+" (screening on "+x.At.Local().Format("2 Jan 2006")+")")
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// --- Create ------------------------------------------------------------------

// personFormData is the view model of the create and edit forms.
type personFormData struct {
	Heading, Action, Submit, Back string
	Editing                       bool
	Stale                         bool
	Choices                       personChoices
	// subject is the person being edited (none when creating), for drafts.
	subject draftSubject
}

type personChoices struct {
	IdentityStatuses, NameTypes, OtherNameTypes, NHSVerifications, YesNo, Relationships []Option
	StatedGender, GenderIdentity, Ethnic, LD, Autism                                    []Option
}

func labelOptions(cl []liaise.CodeLabel) []Option {
	out := make([]Option, len(cl))
	for i, c := range cl {
		out[i] = Option{Value: c.Code, Label: c.Label}
	}
	return out
}

func codeOptions(list string, today liaise.Date) []Option {
	cs, _ := codes.List(list)
	var out []Option
	for _, c := range cs {
		if c.ValidOn(today) {
			out = append(out, Option{Value: c.Code, Label: c.Label})
		}
	}
	return out
}

func (s *Server) personChoices() personChoices {
	today := liaise.DateOf(s.now().In(liaise.London))
	var other []liaise.CodeLabel
	for _, t := range liaise.NameTypes {
		if t.Code != liaise.NameGivenInCustody {
			other = append(other, t)
		}
	}
	return personChoices{
		IdentityStatuses: labelOptions(liaise.IdentityStatuses),
		NameTypes:        labelOptions(liaise.NameTypes),
		OtherNameTypes:   labelOptions(other),
		NHSVerifications: labelOptions(liaise.NHSVerifications),
		YesNo:            labelOptions(liaise.YesNoUnknown),
		Relationships:    labelOptions(liaise.AdultRelationships),
		StatedGender:     codeOptions("person-stated-gender", today),
		GenderIdentity:   codeOptions("gender-identity", today),
		Ethnic:           codeOptions("ethnic-category", today),
		LD:               codeOptions("learning-disability-status", today),
		Autism:           codeOptions("autism-status", today),
	}
}

// personFields is the order of the form, for the error summary.
var personFields = []string{"given_name", "family_name", "name_type", "other_family", "date_of_birth", "estimated_age", "identity_status",
	"nhs_number", "nhs_verification", "pnc_id", "custody_record", "prison_number", "local_id", "stated_gender", "gender_identity",
	"ethnic_category", "preferred_language", "communication_needs", "reasonable_adjustments", "address", "postcode", "gp_practice_ods",
	"ex_armed_forces", "care_leaver", "ld_status", "autism_status", "ra_name", "ra_relationship", "social_worker", "youth_justice_worker", "school"}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	// Carry the search into the form, so nothing is typed twice.
	q := r.URL.Query()
	if name := strings.Fields(q.Get("q")); len(name) > 0 {
		f.Set("family_name", name[len(name)-1])
		f.Set("given_name", strings.Join(name[:len(name)-1], " "))
	}
	for _, k := range []string{"date_of_birth-day", "date_of_birth-month", "date_of_birth-year"} {
		f.Set(k, q.Get(k))
	}
	if id := q.Get("identifier"); id != "" {
		if _, err := ident.NormaliseNHSNumber(id); err == nil {
			f.Set("nhs_number", id)
		} else if _, err := ident.NormalisePNCID(id); err == nil {
			f.Set("pnc_id", id)
		} else {
			f.Set("custody_record", id)
		}
	}
	f.Set("identity_status", liaise.IdentityAsGiven)
	f.Set("name_type", liaise.NameGivenInCustody)
	return s.renderPersonForm(w, r, http.StatusOK, f, personFormData{}, nil)
}

func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, status int, f *Form, d personFormData, warnings []string) error {
	if d.Action == "" {
		d.Heading, d.Action, d.Submit, d.Back = "Create a new person", "/people/new", "Create person", "/people"
	}
	if err := s.draftForm(r, f, d.subject); err != nil {
		return err
	}
	d.Choices = s.personChoices()
	p := s.newPage(r, d.Heading)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "person_form", p)
	return nil
}

// personFromForm reads the form into p, keeping what the form does not
// show (further names and identifiers of a kind) from the stored record.
func personFromForm(f *Form, stored *liaise.Person) liaise.Person {
	var p liaise.Person
	if stored != nil {
		p = *stored
	}
	p.IdentityStatus = f.Get("identity_status")
	names := []liaise.PersonName{{Type: f.Get("name_type"), Given: f.Get("given_name"), Family: f.Get("family_name")}}
	if g, fam := f.Get("other_given"), f.Get("other_family"); g != "" || fam != "" {
		names = append(names, liaise.PersonName{Type: f.Get("other_name_type"), Given: g, Family: fam})
	}
	if stored != nil && len(stored.Names) > 2 {
		names = append(names, stored.Names[2:]...)
	}
	p.Names = names
	p.DOBUnknown = f.Get("dob_unknown") == "yes"
	p.DateOfBirth = liaise.Date{}
	if !p.DOBUnknown {
		p.DateOfBirth = formDate(f, "date_of_birth", "Date of birth")
	}
	p.EstimatedAge = f.Int("estimated_age")
	var ids []liaise.Identifier
	for _, t := range liaise.IdentifierTypes {
		if v := f.Get(t.Code); v != "" {
			x := liaise.Identifier{Type: t.Code, Value: v}
			if t.Code == liaise.IDNHSNumber {
				x.NHSVerification = f.Get("nhs_verification")
			}
			ids = append(ids, x)
		}
		if stored != nil {
			// Further identifiers of this kind are kept as they are.
			first := true
			for _, x := range stored.Identifiers {
				if x.Type == t.Code {
					if !first {
						ids = append(ids, x)
					}
					first = false
				}
			}
		}
	}
	p.Identifiers = ids
	p.StatedGender = f.Get("stated_gender")
	p.GenderIdentity = f.Get("gender_identity")
	p.EthnicCategory = f.Get("ethnic_category")
	p.PreferredLanguage = f.Get("preferred_language")
	p.InterpreterNeeded = f.Get("interpreter_needed") == "yes"
	p.CommunicationNeeds = f.Get("communication_needs")
	p.ReasonableAdjustments = f.Get("reasonable_adjustments")
	p.Address = f.Get("address")
	p.Postcode = f.Get("postcode")
	p.NoFixedAbode = f.Get("no_fixed_abode") == "yes"
	p.GPPracticeODS = f.Get("gp_practice_ods")
	p.ExArmedForces = f.Get("ex_armed_forces")
	p.CareLeaver = f.Get("care_leaver")
	p.LDStatus = f.Get("ld_status")
	p.AutismStatus = f.Get("autism_status")
	p.ResponsibleAdults = nil
	if n, rel, ph := f.Get("ra_name"), f.Get("ra_relationship"), f.Get("ra_phone"); n != "" || rel != "" || ph != "" {
		p.ResponsibleAdults = []liaise.ResponsibleAdult{{Name: n, Relationship: rel, ParentalResponsibility: f.Get("ra_pr") == "yes", Phone: ph}}
	}
	if stored != nil && len(stored.ResponsibleAdults) > 1 {
		p.ResponsibleAdults = append(p.ResponsibleAdults, stored.ResponsibleAdults[1:]...)
	}
	p.LookedAfter = f.Get("looked_after") == "yes"
	p.ChildProtection = f.Get("child_protection") == "yes"
	p.SocialWorker = f.Get("social_worker")
	p.YouthJusticeWorker = f.Get("youth_justice_worker")
	p.School = f.Get("school")
	p.Restricted = f.Get("restricted") == "yes"
	p.Version = f.Int("version")
	return p
}

// fillPersonForm prefills the edit form from a stored person.
func fillPersonForm(f *Form, p liaise.Person) {
	yes := func(k string, b bool) {
		if b {
			f.Set(k, "yes")
		}
	}
	f.Set("identity_status", p.IdentityStatus)
	if len(p.Names) > 0 {
		f.Set("name_type", p.Names[0].Type)
		f.Set("given_name", p.Names[0].Given)
		f.Set("family_name", p.Names[0].Family)
	}
	if len(p.Names) > 1 {
		f.Set("other_name_type", p.Names[1].Type)
		f.Set("other_given", p.Names[1].Given)
		f.Set("other_family", p.Names[1].Family)
	}
	yes("dob_unknown", p.DOBUnknown)
	setFormDate(f, "date_of_birth", p.DateOfBirth)
	if p.EstimatedAge > 0 {
		f.Set("estimated_age", strconv.Itoa(p.EstimatedAge))
	}
	for _, t := range liaise.IdentifierTypes {
		for _, x := range p.Identifiers {
			if x.Type == t.Code {
				v := x.Value
				if t.Code == liaise.IDNHSNumber {
					v = ident.FormatNHSNumber(v)
					f.Set("nhs_verification", x.NHSVerification)
				}
				f.Set(t.Code, v)
				break
			}
		}
	}
	f.Set("stated_gender", p.StatedGender)
	f.Set("gender_identity", p.GenderIdentity)
	f.Set("ethnic_category", p.EthnicCategory)
	f.Set("preferred_language", p.PreferredLanguage)
	yes("interpreter_needed", p.InterpreterNeeded)
	f.Set("communication_needs", p.CommunicationNeeds)
	f.Set("reasonable_adjustments", p.ReasonableAdjustments)
	f.Set("address", p.Address)
	f.Set("postcode", p.Postcode)
	yes("no_fixed_abode", p.NoFixedAbode)
	f.Set("gp_practice_ods", p.GPPracticeODS)
	f.Set("ex_armed_forces", p.ExArmedForces)
	f.Set("care_leaver", p.CareLeaver)
	f.Set("ld_status", p.LDStatus)
	f.Set("autism_status", p.AutismStatus)
	if len(p.ResponsibleAdults) > 0 {
		ra := p.ResponsibleAdults[0]
		f.Set("ra_name", ra.Name)
		f.Set("ra_relationship", ra.Relationship)
		yes("ra_pr", ra.ParentalResponsibility)
		f.Set("ra_phone", ra.Phone)
	}
	yes("looked_after", p.LookedAfter)
	yes("child_protection", p.ChildProtection)
	f.Set("social_worker", p.SocialWorker)
	f.Set("youth_justice_worker", p.YouthJusticeWorker)
	f.Set("school", p.School)
	yes("restricted", p.Restricted)
}

// duplicatesData is the "Is this the same person?" page.
type duplicatesData struct {
	Candidates []duplicateRow
	Blocking   bool
	// Hidden carries every submitted field, so "None of these" resubmits
	// the same person with the override.
	Hidden []Option
}

type duplicateRow struct {
	Href, Name, DOB string
	Reasons         []string
	Blocking        bool
	Restricted      bool
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	p := personFromForm(f, nil)
	if !f.Valid() {
		s.absorbPersonErrors(f, p)
		return s.renderPersonForm(w, r, http.StatusUnprocessableEntity, f, personFormData{}, nil)
	}
	warnings, err := s.DB.CreatePerson(r.Context(), &p, f.Get("override") == "1")
	var de *liaise.DuplicateError
	switch {
	case err == nil:
		s.draftDone(r)
		flash := "Person created"
		if len(warnings) > 0 {
			flash += ". " + strings.Join(warnings, " ")
		}
		return s.redirect(w, r, "/people/"+strconv.FormatInt(p.ID, 10), flash)
	case errors.As(err, &de):
		d := duplicatesData{Blocking: de.Blocking()}
		for _, c := range de.Candidates {
			row := duplicateRow{Href: "/people/" + strconv.FormatInt(c.PersonID, 10), Name: c.Name, Reasons: c.Reasons, Blocking: c.Blocking, Restricted: c.Restricted}
			if dob, err := liaise.ParseDate(c.DateOfBirth); err == nil {
				row.DOB = dateText(dob)
			}
			d.Candidates = append(d.Candidates, row)
		}
		for k, vs := range f.Values {
			if k == "override" {
				continue
			}
			for _, v := range vs {
				d.Hidden = append(d.Hidden, Option{Value: v, Label: k})
			}
		}
		page := s.newPage(r, "Is this the same person?")
		page.Data = d
		s.render(w, r, http.StatusConflict, "person_duplicates", page)
		return nil
	case f.Absorb(err, personFields...):
		return s.renderPersonForm(w, r, ErrorStatus(err), f, personFormData{}, nil)
	}
	return err
}

// --- Person page ---------------------------------------------------------------

type personPageData struct {
	P           liaise.Person
	Name        string
	DOB         string
	Identity    personTag
	Identifiers []string
	Alerts      []string
	Details     []summaryRow
	Child       bool
	ChildRows   []summaryRow
	EditHref    string
	CanWrite    bool
	// The timeline: entries grouped by day (Europe/London), newest first.
	// Timeline is the entries' markup, written in Go (timelineHTML): fifty
	// entries through html/template cost a reflective call per value.
	Timeline template.HTML
	// OlderHref and NewestHref page through it ("" when there is none).
	OlderHref, NewestHref string
	// Skipped says how many episodes with other teams are left out;
	// BreakGlassAction is where to give a reason to open them.
	Skipped          string
	SkippedOne       bool
	BreakGlassAction string
	DisclosuresHref  string
	// Episodes the reader may open, newest first; RecordAlerts are the
	// dated risks and vulnerabilities of the latest screening.
	Episodes     []personEpisodeRow
	RecordAlerts []personAlertGroup
}

type personEpisodeRow struct {
	Href, Started, Where, Setting string
	State                         personTag
	BreakGlass                    bool
}

// personAlertGroup is the alerts of one screening, with where they came from.
type personAlertGroup struct {
	When, Href string
	Items      []personAlertRow
}

type personAlertRow struct {
	Text string
	Risk bool
}

type summaryRow struct{ Key, Value string }

// timelineDay is one day of the timeline.
type timelineDay struct {
	Heading string
	Items   []timelineItem
}

// timelineItem is one timeline entry as the page shows it.
type timelineItem struct {
	Time, Tag, Title, Detail, Href, Where, By, Recorded, Flag, ErrorReason string
	Late, InError, BreakGlass                                              bool
}

// timelineTags are the type tags of the timeline's entry kinds.
var timelineTags = map[string]string{
	sqlstore.TimelineRecord: "Record", sqlstore.TimelineEpisode: "Episode", sqlstore.TimelineAppropriateAdult: "Appropriate adult",
	sqlstore.TimelineConsent: "Consent", sqlstore.TimelineScreening: "Screening", sqlstore.TimelineAssessment: "Assessment",
	sqlstore.TimelineSLT: "Speech and language", sqlstore.TimelineProfile: "Speech and language", sqlstore.TimelineContact: "Contact",
	sqlstore.TimelineDisclosure: "Disclosure", sqlstore.TimelineSafeguarding: "Safeguarding", sqlstore.TimelineReferral: "Referral",
	sqlstore.TimelineSupport: "Support", sqlstore.TimelineOutcome: "Outcome", sqlstore.TimelineNote: "Case note",
}

// timelineParts are the record part pages of the entry kinds, under
// /episodes/{id}/.
var timelineParts = map[string]string{
	sqlstore.TimelineAppropriateAdult: "youth", sqlstore.TimelineSafeguarding: "youth", sqlstore.TimelineConsent: "consent",
	sqlstore.TimelineDisclosure: "consent", sqlstore.TimelineScreening: "screening", sqlstore.TimelineAssessment: "assessment",
	sqlstore.TimelineSLT: "assessment", sqlstore.TimelineProfile: "assessment", sqlstore.TimelineContact: "contacts",
	sqlstore.TimelineSupport: "support", sqlstore.TimelineOutcome: "outcomes", sqlstore.TimelineNote: "notes",
}

// timelineHref is the page where an entry is recorded in full ("" for the
// person's own record, which is this page).
func timelineHref(e sqlstore.TimelineEntry) string {
	if e.EpisodeID == 0 {
		return ""
	}
	href := episodeHref(e.EpisodeID)
	switch e.Kind {
	case sqlstore.TimelineEpisode:
		return href
	case sqlstore.TimelineReferral:
		return href + "/referrals/" + strconv.FormatInt(e.ParentID, 10)
	case sqlstore.TimelineNote:
		return href + "/notes#" + noteAnchor(e.ID)
	}
	return href + "/" + timelineParts[e.Kind]
}

// timelineWhere names the episode an entry belongs to: its team and site.
func timelineWhere(e sqlstore.TimelineEntry) string {
	if e.EpisodeID == 0 {
		return "Person record"
	}
	if e.SiteName != "" && e.SiteName != e.TeamName {
		return e.TeamName + ", " + e.SiteName
	}
	return e.TeamName
}

// timelineDays groups entries by their day in Europe/London.
func timelineDays(items []sqlstore.TimelineEntry) []timelineDay {
	var days []timelineDay
	for _, e := range items {
		local := e.OccurredAt.Local()
		heading := local.Format("Monday 2 January 2006")
		if len(days) == 0 || days[len(days)-1].Heading != heading {
			days = append(days, timelineDay{Heading: heading})
		}
		it := timelineItem{Time: local.Format("15:04"), Tag: timelineTags[e.Kind], Title: e.Title, Detail: e.Detail, Href: timelineHref(e),
			Where: timelineWhere(e), By: e.RecordedBy, Flag: e.Flag, Late: e.Late(), InError: e.EnteredInError, ErrorReason: e.ErrorReason,
			BreakGlass: e.BreakGlass}
		if it.Late {
			it.Recorded = stamp(e.RecordedAt)
		}
		d := &days[len(days)-1]
		d.Items = append(d.Items, it)
	}
	return days
}

// timelineHTML writes the timeline's days and entries as the person page
// shows them, every value escaped; nothing else may be concatenated in.
func timelineHTML(days []timelineDay) template.HTML {
	var b strings.Builder
	b.Grow(len(days)*120 + 900*len(days)*2)
	esc := func(s string) { b.WriteString(template.HTMLEscapeString(s)) }
	raw := b.WriteString
	// wrapped writes v escaped between open and close, or nothing when v is empty.
	wrapped := func(open, v, close string) {
		if v != "" {
			raw(open)
			esc(v)
			raw(close)
		}
	}
	for _, d := range days {
		raw("\n<h3 class=\"nhsuk-heading-s nhsuk-u-margin-bottom-2\">")
		esc(d.Heading)
		raw("</h3>\n<dl class=\"nhsuk-summary-list\">")
		for _, it := range d.Items {
			raw("\n  <div class=\"nhsuk-summary-list__row\">\n    <dt class=\"nhsuk-summary-list__key\">")
			esc(it.Time)
			raw("</dt>\n    <dd class=\"nhsuk-summary-list__value\">\n      <p class=\"nhsuk-u-margin-bottom-1\"><strong class=\"nhsuk-tag nhsuk-tag--grey\">")
			esc(it.Tag)
			raw("</strong>")
			if it.InError {
				raw(" <strong class=\"nhsuk-tag nhsuk-tag--red\">Entered in error</strong>")
			}
			if it.Late {
				raw(" <strong class=\"nhsuk-tag nhsuk-tag--orange\">Late entry</strong>")
			}
			wrapped(" <strong class=\"nhsuk-tag nhsuk-tag--yellow\">", it.Flag, "</strong>")
			if it.BreakGlass {
				raw(" <strong class=\"nhsuk-tag nhsuk-tag--purple\">Opened by break-glass</strong>")
			}
			raw("</p>\n      <p class=\"nhsuk-u-margin-bottom-1\">")
			if it.InError {
				raw("<del><span class=\"nhsuk-u-visually-hidden\">Entered in error: </span>")
			}
			if it.Href != "" {
				raw("<a href=\"")
				esc(it.Href)
				raw("\">")
				esc(it.Title)
				raw("</a>")
			} else {
				esc(it.Title)
			}
			if it.InError {
				raw("</del>")
			}
			raw("</p>\n      ")
			wrapped("<p class=\"nhsuk-body-s nhsuk-u-margin-bottom-1\">", it.Detail, "</p>")
			raw("\n      ")
			if it.InError {
				raw("<p class=\"nhsuk-body-s nhsuk-u-margin-bottom-1\">Marked as entered in error")
				wrapped(": ", it.ErrorReason, "")
				raw("</p>")
			}
			raw("\n      <p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-0\">")
			esc(it.Where)
			raw(". Recorded by ")
			esc(it.By)
			wrapped(" on ", it.Recorded, "")
			raw(".</p>\n    </dd>\n  </div>")
		}
		raw("\n</dl>")
	}
	return template.HTML(b.String())
}

// skippedText says plainly how many episodes the timeline leaves out.
func skippedText(n int) string {
	if n == 1 {
		return "1 episode with another team is not shown."
	}
	return strconv.Itoa(n) + " episodes with other teams are not shown."
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	before := r.URL.Query().Get("before")
	tl, err := s.DB.PersonTimeline(r.Context(), id, sqlstore.TimelineQuery{Cursor: before})
	var bge *liaise.BreakGlassError
	if errors.As(err, &bge) {
		s.renderBreakGlass(w, r, id, NewForm(nil))
		return nil
	}
	if err != nil {
		return err
	}
	p := tl.Person
	href := "/people/" + strconv.FormatInt(p.ID, 10)
	today := liaise.DateOf(s.now().In(liaise.London))
	d := personPageData{P: p, Name: p.DisplayName(), DOB: dobText(p.DateOfBirth, p.DOBUnknown, p.AgeOn(today), p.EstimatedAge),
		Identity: identityTag(p.IdentityStatus), EditHref: href + "/edit", DisclosuresHref: href + "/disclosures",
		CanWrite: liaise.ActorFrom(r.Context()).Can(liaise.CapRecordWrite), Child: p.IsChildOn(today), Timeline: timelineHTML(timelineDays(tl.Items))}
	if tl.NextCursor != "" {
		d.OlderHref = href + "?" + url.Values{"before": {tl.NextCursor}}.Encode() + "#timeline"
	}
	if before != "" {
		d.NewestHref = href + "#timeline"
	}
	if tl.Skipped > 0 {
		d.Skipped, d.SkippedOne = skippedText(tl.Skipped), tl.Skipped == 1
		if tl.CanBreakGlass {
			d.BreakGlassAction = href + "/break-glass"
		}
	}
	for _, x := range p.Identifiers {
		d.Identifiers = append(d.Identifiers, identifierText(x))
	}
	for _, e := range tl.Episodes {
		where := e.TeamName
		if e.SiteName != "" {
			where += ", " + e.SiteName
		}
		d.Episodes = append(d.Episodes, personEpisodeRow{Href: episodeHref(e.ID), Started: stamp(e.AlertedAt), Where: where,
			Setting: codes.Label("settings", e.Setting), State: stateTag(e.State), BreakGlass: e.BreakGlass})
	}
	for _, x := range tl.Alerts {
		when, href := "From the screening on "+x.At.Local().Format("2 Jan 2006 15:04"), episodeHref(x.EpisodeID)+"/screening"
		if n := len(d.RecordAlerts); n == 0 || d.RecordAlerts[n-1].When != when || d.RecordAlerts[n-1].Href != href {
			d.RecordAlerts = append(d.RecordAlerts, personAlertGroup{When: when, Href: href})
		}
		g := &d.RecordAlerts[len(d.RecordAlerts)-1]
		g.Items = append(g.Items, personAlertRow{Text: x.Text, Risk: x.Kind == "risk"})
	}
	if p.Restricted {
		d.Alerts = append(d.Alerts, "Restricted record: only named staff can see it")
	}
	if d.Child {
		d.Alerts = append(d.Alerts, "Child: under 18. Appropriate adult and parental consent rules apply")
	}
	if p.InterpreterNeeded {
		lang := p.PreferredLanguage
		if lang == "" {
			lang = "language not recorded"
		}
		d.Alerts = append(d.Alerts, "Interpreter needed ("+lang+")")
	}
	if p.CommunicationNeeds != "" {
		d.Alerts = append(d.Alerts, "Communication needs: "+p.CommunicationNeeds)
	}
	if p.ReasonableAdjustments != "" {
		d.Alerts = append(d.Alerts, "Reasonable adjustments: "+p.ReasonableAdjustments)
	}
	if p.NoFixedAbode {
		d.Alerts = append(d.Alerts, "No fixed abode")
	}
	if p.BreakGlass {
		d.Alerts = append(d.Alerts, "You opened this record with break-glass access: your reason is recorded and will be reviewed")
	}
	label := func(list, code string) string {
		if code == "" {
			return "Not recorded"
		}
		return codes.Label(list, code)
	}
	text := func(s string) string {
		if s == "" {
			return "Not recorded"
		}
		return s
	}
	yn := func(b bool) string {
		if b {
			return "Yes"
		}
		return "No"
	}
	var names []string
	for _, n := range p.Names {
		names = append(names, n.Full()+" ("+strings.ToLower(liaise.LabelOf(liaise.NameTypes, n.Type))+")")
	}
	postcode := p.Postcode
	if p.NoFixedAbode {
		postcode = "No fixed abode"
	}
	d.Details = []summaryRow{
		{"Names", strings.Join(names, "; ")},
		{"Person stated gender", label("person-stated-gender", p.StatedGender)},
		{"Gender identity", label("gender-identity", p.GenderIdentity)},
		{"Ethnic category", label("ethnic-category", p.EthnicCategory)},
		{"Preferred language", text(p.PreferredLanguage)},
		{"Interpreter needed", yn(p.InterpreterNeeded)},
		{"Address", text(p.Address)},
		{"Postcode", text(postcode)},
		{"GP practice (ODS code)", text(p.GPPracticeODS)},
		{"Ex-armed forces", liaise.LabelOf(liaise.YesNoUnknown, p.ExArmedForces)},
		{"Care leaver", liaise.LabelOf(liaise.YesNoUnknown, p.CareLeaver)},
		{"Learning disability", label("learning-disability-status", p.LDStatus)},
		{"Autism", label("autism-status", p.AutismStatus)},
		{"Recorded by", p.TeamName},
	}
	if d.Child || len(p.ResponsibleAdults) > 0 || p.LookedAfter || p.ChildProtection {
		for _, ra := range p.ResponsibleAdults {
			v := ra.Name + ", " + strings.ToLower(liaise.LabelOf(liaise.AdultRelationships, ra.Relationship))
			if ra.ParentalResponsibility {
				v += ", has parental responsibility"
			}
			if ra.Phone != "" {
				v += ", " + ra.Phone
			}
			d.ChildRows = append(d.ChildRows, summaryRow{"Responsible adult", v})
		}
		d.ChildRows = append(d.ChildRows,
			summaryRow{"Looked after", yn(p.LookedAfter)},
			summaryRow{"Child protection plan", yn(p.ChildProtection)},
			summaryRow{"Social worker", text(p.SocialWorker)},
			summaryRow{"Youth justice worker", text(p.YouthJusticeWorker)},
			summaryRow{"School", text(p.School)})
	}
	page := s.newPage(r, d.Name)
	page.Form = NewForm(nil) // the break-glass reason, when episodes are left out
	page.Data = d
	s.render(w, r, http.StatusOK, "person", page)
	return nil
}

type breakGlassData struct {
	Action string
	// Episodes is set when the reason is for the episodes of other teams
	// of a record the user can already open (the timeline's form).
	Episodes bool
}

func (s *Server) renderBreakGlass(w http.ResponseWriter, r *http.Request, id int64, f *Form) {
	d := breakGlassData{Action: "/people/" + strconv.FormatInt(id, 10) + "/break-glass", Episodes: f.Get("scope") == "episodes"}
	title := "You are not in a team working with this person"
	if d.Episodes {
		title = "Open this person's episodes with other teams"
	}
	page := s.newPage(r, title)
	page.Form = f
	page.Data = d
	status := http.StatusForbidden
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "person_break_glass", page)
}

func (s *Server) personBreakGlass(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	err = s.DB.BreakGlass(r.Context(), id, f.Get("reason"))
	switch {
	case err == nil && f.Get("scope") == "episodes":
		return s.redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"#timeline", "Episodes opened for one hour. Your reason has been recorded for review.")
	case err == nil:
		return s.redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "Record opened for one hour. Your reason has been recorded for review.")
	case f.Absorb(err, "reason"):
		s.renderBreakGlass(w, r, id, f)
		return nil
	}
	return err
}

// --- Edit --------------------------------------------------------------------

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	p, err := s.DB.GetPerson(r.Context(), id, "")
	if err != nil {
		return err
	}
	f := NewForm(nil)
	fillPersonForm(f, p)
	f.Set("version", strconv.Itoa(p.Version))
	return s.renderPersonForm(w, r, http.StatusOK, f, editFormData(p), nil)
}

func editFormData(p liaise.Person) personFormData {
	href := "/people/" + strconv.FormatInt(p.ID, 10)
	return personFormData{Heading: "Change " + p.DisplayName() + "’s details", Action: href + "/edit", Submit: "Save changes", Back: href, Editing: true, subject: personSubject(p)}
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	stored, err := s.DB.GetPerson(r.Context(), id, "")
	if err != nil {
		return err
	}
	p := personFromForm(f, &stored)
	d := editFormData(stored)
	if !f.Valid() {
		s.absorbPersonErrors(f, p)
		return s.renderPersonForm(w, r, http.StatusUnprocessableEntity, f, d, nil)
	}
	warnings, err := s.DB.UpdatePerson(r.Context(), &p)
	switch {
	case err == nil:
		s.draftDone(r)
		flash := "Changes saved"
		if len(warnings) > 0 {
			flash += ". " + strings.Join(warnings, " ")
		}
		return s.redirect(w, r, d.Back, flash)
	case f.Absorb(err, personFields...):
		return s.renderPersonForm(w, r, ErrorStatus(err), f, d, nil)
	case liaise.ErrorCode(err) == liaise.ESTALE, liaise.ErrorCode(err) == liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		d.Stale = liaise.ErrorCode(err) == liaise.ESTALE
		return s.renderPersonForm(w, r, ErrorStatus(err), f, d, nil)
	}
	return err
}

// absorbPersonErrors adds the domain's errors to a form that already has
// one the domain cannot see (a date that is not a real date), so every
// problem is listed at once.
func (s *Server) absorbPersonErrors(f *Form, p liaise.Person) {
	_, err := sqlstore.ValidatePerson(&p, liaise.DateOf(s.now().In(liaise.London)))
	if err == nil {
		return
	}
	fields := liaise.ErrorFields(err)
	for _, k := range personFields {
		if m, ok := fields[k]; ok && k != "date_of_birth" {
			f.AddError(k, m)
		}
	}
}

func (s *Server) personNotDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	if err := s.DB.RecordNotDuplicate(r.Context(), id, f.Int64("other_person_id"), f.Get("reason")); err != nil {
		return err
	}
	return s.redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "Recorded as not the same person")
}
