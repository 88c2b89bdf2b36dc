package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

// People in the JSON API. The same store calls as the pages, so the same
// rules apply: duplicates answer 409 with the candidates (a matching NHS
// number always), break-glass takes its reason from a header, and updates
// need If-Match.

func (s *Server) peopleAPIRoutes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/api/v1/people", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiCreatePerson, Status: http.StatusCreated,
			Summary: "Record a new person. Likely duplicates answer 409 with \"candidates\"; send \"confirm_not_duplicate\": true to create anyway (never for a matching NHS number)",
			Request: personBody{}, Response: personJSON{}},
		{Method: "GET", Pattern: "/api/v1/people", Cap: liaise.CapPersonSearch, Personal: true, Handler: s.apiSearchPeople,
			Summary:  "Find people by name fragments, date of birth or any identifier; with no criteria, the people recorded by your teams",
			Response: personListJSON{Items: []personSummaryJSON{{}}},
			Query: []QueryParam{{"q", "Name fragments; each must match the start of part of one of the person's names"},
				{"date_of_birth", "Date of birth, YYYY-MM-DD"}, {"identifier", "NHS number, PNC ID, prison number, custody record number or local ID"},
				{"cursor", "next_cursor of the previous page"}, {"limit", "Page size, at most 50"}}},
		{Method: "GET", Pattern: "/api/v1/people/{id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetPerson,
			Summary: "One person; its version is the ETag. Outside your teams, send X-Liaise-Break-Glass-Reason (audited and reviewed)", Response: personJSON{}},
		{Method: "PATCH", Pattern: "/api/v1/people/{id}", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiPatchPerson,
			Summary: "Change a person; send only the fields to change, with If-Match", Request: personBody{}, Response: personJSON{}},
		{Method: "GET", Pattern: "/api/v1/people/{id}/timeline", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiPersonTimeline,
			Summary: "The person's timeline, newest first by when things happened: every episode step, screening, assessment, consent, disclosure, " +
				"onward referral, contact, outcome and case note of the episodes you may open (entries entered in error included, marked). " +
				"skipped_episodes counts episodes with other teams left out; to open them (or a record outside your teams) send X-Liaise-Break-Glass-Reason (audited and reviewed)",
			Response: timelineJSON{Items: []timelineItemJSON{{}}},
			Query:    []QueryParam{{"cursor", "next_cursor of the previous page, for older entries"}, {"limit", "Page size, at most 50"}}},
		{Method: "POST", Pattern: "/api/v1/people/{id}/not-duplicates", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiNotDuplicate, Status: http.StatusCreated,
			Summary: "Record that two people are not the same person, so the duplicate check stops offering them", Request: notDuplicateBody{}, Response: notDuplicateBody{}},
	}
}

// personBody is the API's person: pointer fields, so PATCH changes only
// what it sends. The flat name and identifier fields cover the common case;
// names and identifiers replace the lists whole.
type personBody struct {
	IdentityStatus        *string                    `json:"identity_status,omitempty"`
	GivenName             *string                    `json:"given_name,omitempty"`
	FamilyName            *string                    `json:"family_name,omitempty"`
	Names                 *[]liaise.PersonName       `json:"names,omitempty"`
	DateOfBirth           *string                    `json:"date_of_birth,omitempty"`
	DOBUnknown            *bool                      `json:"date_of_birth_unknown,omitempty"`
	EstimatedAge          *int                       `json:"estimated_age,omitempty"`
	NHSNumber             *string                    `json:"nhs_number,omitempty"`
	NHSVerification       *string                    `json:"nhs_number_verification,omitempty"`
	PNCID                 *string                    `json:"pnc_id,omitempty"`
	CustodyRecord         *string                    `json:"custody_record,omitempty"`
	PrisonNumber          *string                    `json:"prison_number,omitempty"`
	LocalID               *string                    `json:"local_id,omitempty"`
	Identifiers           *[]liaise.Identifier       `json:"identifiers,omitempty"`
	StatedGender          *string                    `json:"stated_gender,omitempty"`
	GenderIdentity        *string                    `json:"gender_identity,omitempty"`
	EthnicCategory        *string                    `json:"ethnic_category,omitempty"`
	PreferredLanguage     *string                    `json:"preferred_language,omitempty"`
	InterpreterNeeded     *bool                      `json:"interpreter_needed,omitempty"`
	CommunicationNeeds    *string                    `json:"communication_needs,omitempty"`
	ReasonableAdjustments *string                    `json:"reasonable_adjustments,omitempty"`
	Address               *string                    `json:"address,omitempty"`
	Postcode              *string                    `json:"postcode,omitempty"`
	NoFixedAbode          *bool                      `json:"no_fixed_abode,omitempty"`
	GPPracticeODS         *string                    `json:"gp_practice_ods,omitempty"`
	ExArmedForces         *string                    `json:"ex_armed_forces,omitempty"`
	CareLeaver            *string                    `json:"care_leaver,omitempty"`
	LDStatus              *string                    `json:"learning_disability_status,omitempty"`
	AutismStatus          *string                    `json:"autism_status,omitempty"`
	ResponsibleAdults     *[]liaise.ResponsibleAdult `json:"responsible_adults,omitempty"`
	LookedAfter           *bool                      `json:"looked_after,omitempty"`
	ChildProtection       *bool                      `json:"child_protection,omitempty"`
	SocialWorker          *string                    `json:"social_worker,omitempty"`
	YouthJusticeWorker    *string                    `json:"youth_justice_worker,omitempty"`
	School                *string                    `json:"school,omitempty"`
	Restricted            *bool                      `json:"restricted,omitempty"`
	TeamID                *string                    `json:"team_id,omitempty"`
	ConfirmNotDuplicate   bool                       `json:"confirm_not_duplicate,omitempty"`
}

// personJSON is a person as the API returns it.
type personJSON struct {
	ID                    string                    `json:"id"`
	TeamID                string                    `json:"team_id"`
	TeamName              string                    `json:"team_name"`
	IdentityStatus        string                    `json:"identity_status"`
	GivenName             string                    `json:"given_name"`
	FamilyName            string                    `json:"family_name"`
	Names                 []liaise.PersonName       `json:"names"`
	DateOfBirth           string                    `json:"date_of_birth,omitempty"`
	DOBUnknown            bool                      `json:"date_of_birth_unknown"`
	EstimatedAge          int                       `json:"estimated_age,omitempty"`
	NHSNumber             string                    `json:"nhs_number,omitempty"`
	PNCID                 string                    `json:"pnc_id,omitempty"`
	Identifiers           []liaise.Identifier       `json:"identifiers"`
	StatedGender          string                    `json:"stated_gender"`
	GenderIdentity        string                    `json:"gender_identity"`
	EthnicCategory        string                    `json:"ethnic_category"`
	PreferredLanguage     string                    `json:"preferred_language"`
	InterpreterNeeded     bool                      `json:"interpreter_needed"`
	CommunicationNeeds    string                    `json:"communication_needs"`
	ReasonableAdjustments string                    `json:"reasonable_adjustments"`
	Address               string                    `json:"address"`
	Postcode              string                    `json:"postcode"`
	NoFixedAbode          bool                      `json:"no_fixed_abode"`
	GPPracticeODS         string                    `json:"gp_practice_ods"`
	ExArmedForces         string                    `json:"ex_armed_forces"`
	CareLeaver            string                    `json:"care_leaver"`
	LDStatus              string                    `json:"learning_disability_status"`
	AutismStatus          string                    `json:"autism_status"`
	ResponsibleAdults     []liaise.ResponsibleAdult `json:"responsible_adults"`
	LookedAfter           bool                      `json:"looked_after"`
	ChildProtection       bool                      `json:"child_protection"`
	SocialWorker          string                    `json:"social_worker"`
	YouthJusticeWorker    string                    `json:"youth_justice_worker"`
	School                string                    `json:"school"`
	Restricted            bool                      `json:"restricted"`
	BreakGlass            bool                      `json:"break_glass"`
	Warnings              []string                  `json:"warnings,omitempty"`
	Version               int                       `json:"version"`
}

type personSummaryJSON struct {
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	DateOfBirth    string              `json:"date_of_birth,omitempty"`
	Age            int                 `json:"age,omitempty"`
	IdentityStatus string              `json:"identity_status,omitempty"`
	NHSNumber      string              `json:"nhs_number,omitempty"`
	Identifiers    []liaise.Identifier `json:"identifiers,omitempty"`
	KnownTo        string              `json:"known_to,omitempty"`
	Restricted     bool                `json:"restricted"`
}

type personListJSON struct {
	Items      []personSummaryJSON `json:"items"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// timelineJSON is one page of a person's timeline.
type timelineJSON struct {
	Items      []timelineItemJSON `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
	// SkippedEpisodes counts the person's episodes left out: with teams
	// the caller is not in and not opened by break-glass.
	SkippedEpisodes int `json:"skipped_episodes"`
}

// timelineItemJSON is one timeline entry.
type timelineItemJSON struct {
	Type           string `json:"type"`
	ID             string `json:"id"`
	EpisodeID      string `json:"episode_id,omitempty"`
	OccurredAt     string `json:"occurred_at"`
	RecordedAt     string `json:"recorded_at"`
	RecordedBy     string `json:"recorded_by"`
	Title          string `json:"title"`
	Detail         string `json:"detail,omitempty"`
	Flag           string `json:"flag,omitempty"`
	TeamName       string `json:"team_name,omitempty"`
	SiteName       string `json:"site_name,omitempty"`
	LateEntry      bool   `json:"late_entry"`
	EnteredInError bool   `json:"entered_in_error"`
	ErrorReason    string `json:"error_reason,omitempty"`
	BreakGlass     bool   `json:"break_glass"`
	// Href is the web page where the entry is recorded in full.
	Href string `json:"href,omitempty"`
}

type notDuplicateBody struct {
	OtherPersonID string `json:"other_person_id"`
	Reason        string `json:"reason"`
}

// duplicateProblem is the 409 body: a problem document with the candidates.
type duplicateProblem struct {
	Problem
	Candidates []liaise.DuplicateCandidate `json:"candidates"`
}

func toPersonJSON(p liaise.Person, warnings []string) personJSON {
	out := personJSON{ID: strconv.FormatInt(p.ID, 10), TeamID: strconv.FormatInt(p.TeamID, 10), TeamName: p.TeamName, IdentityStatus: p.IdentityStatus,
		Names: p.Names, DateOfBirth: p.DateOfBirth.String(), DOBUnknown: p.DOBUnknown, EstimatedAge: p.EstimatedAge,
		NHSNumber: p.Identifier(liaise.IDNHSNumber), PNCID: p.Identifier(liaise.IDPNC), Identifiers: p.Identifiers,
		StatedGender: p.StatedGender, GenderIdentity: p.GenderIdentity, EthnicCategory: p.EthnicCategory, PreferredLanguage: p.PreferredLanguage,
		InterpreterNeeded: p.InterpreterNeeded, CommunicationNeeds: p.CommunicationNeeds, ReasonableAdjustments: p.ReasonableAdjustments,
		Address: p.Address, Postcode: p.Postcode, NoFixedAbode: p.NoFixedAbode, GPPracticeODS: p.GPPracticeODS, ExArmedForces: p.ExArmedForces,
		CareLeaver: p.CareLeaver, LDStatus: p.LDStatus, AutismStatus: p.AutismStatus, ResponsibleAdults: p.ResponsibleAdults,
		LookedAfter: p.LookedAfter, ChildProtection: p.ChildProtection, SocialWorker: p.SocialWorker, YouthJusticeWorker: p.YouthJusticeWorker,
		School: p.School, Restricted: p.Restricted, BreakGlass: p.BreakGlass, Warnings: warnings, Version: p.Version}
	if len(p.Names) > 0 {
		out.GivenName, out.FamilyName = p.Names[0].Given, p.Names[0].Family
	}
	if out.Names == nil {
		out.Names = []liaise.PersonName{}
	}
	if out.Identifiers == nil {
		out.Identifiers = []liaise.Identifier{}
	}
	if out.ResponsibleAdults == nil {
		out.ResponsibleAdults = []liaise.ResponsibleAdult{}
	}
	return out
}

// apply copies the fields present in b onto p.
func (b personBody) apply(p *liaise.Person) error {
	str := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	boolean := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	str(&p.IdentityStatus, b.IdentityStatus)
	if b.Names != nil {
		p.Names = *b.Names
	}
	if b.GivenName != nil || b.FamilyName != nil {
		if len(p.Names) == 0 {
			p.Names = []liaise.PersonName{{Type: liaise.NameGivenInCustody}}
		}
		str(&p.Names[0].Given, b.GivenName)
		str(&p.Names[0].Family, b.FamilyName)
	}
	if b.DateOfBirth != nil {
		p.DateOfBirth = liaise.Date{}
		if *b.DateOfBirth != "" {
			d, err := liaise.ParseDate(*b.DateOfBirth)
			if err != nil {
				return fieldErr("date_of_birth", "Date of birth must be a date in the form YYYY-MM-DD")
			}
			p.DateOfBirth = d
		}
	}
	boolean(&p.DOBUnknown, b.DOBUnknown)
	if b.EstimatedAge != nil {
		p.EstimatedAge = *b.EstimatedAge
	}
	if b.Identifiers != nil {
		p.Identifiers = *b.Identifiers
	}
	setID := func(typ string, v *string) {
		if v == nil {
			return
		}
		var keep []liaise.Identifier
		done := false
		for _, x := range p.Identifiers {
			if x.Type == typ {
				if done || *v == "" {
					continue
				}
				x.Value, done = *v, true
				if typ == liaise.IDNHSNumber && b.NHSVerification != nil {
					x.NHSVerification = *b.NHSVerification
				}
			}
			keep = append(keep, x)
		}
		if !done && *v != "" {
			x := liaise.Identifier{Type: typ, Value: *v}
			if typ == liaise.IDNHSNumber && b.NHSVerification != nil {
				x.NHSVerification = *b.NHSVerification
			}
			keep = append(keep, x)
		}
		p.Identifiers = keep
	}
	setID(liaise.IDNHSNumber, b.NHSNumber)
	setID(liaise.IDPNC, b.PNCID)
	setID(liaise.IDCustodyRecord, b.CustodyRecord)
	setID(liaise.IDPrisonNumber, b.PrisonNumber)
	setID(liaise.IDLocal, b.LocalID)
	str(&p.StatedGender, b.StatedGender)
	str(&p.GenderIdentity, b.GenderIdentity)
	str(&p.EthnicCategory, b.EthnicCategory)
	str(&p.PreferredLanguage, b.PreferredLanguage)
	boolean(&p.InterpreterNeeded, b.InterpreterNeeded)
	str(&p.CommunicationNeeds, b.CommunicationNeeds)
	str(&p.ReasonableAdjustments, b.ReasonableAdjustments)
	str(&p.Address, b.Address)
	str(&p.Postcode, b.Postcode)
	boolean(&p.NoFixedAbode, b.NoFixedAbode)
	str(&p.GPPracticeODS, b.GPPracticeODS)
	str(&p.ExArmedForces, b.ExArmedForces)
	str(&p.CareLeaver, b.CareLeaver)
	str(&p.LDStatus, b.LDStatus)
	str(&p.AutismStatus, b.AutismStatus)
	if b.ResponsibleAdults != nil {
		p.ResponsibleAdults = *b.ResponsibleAdults
	}
	boolean(&p.LookedAfter, b.LookedAfter)
	boolean(&p.ChildProtection, b.ChildProtection)
	str(&p.SocialWorker, b.SocialWorker)
	str(&p.YouthJusticeWorker, b.YouthJusticeWorker)
	str(&p.School, b.School)
	boolean(&p.Restricted, b.Restricted)
	return nil
}

func fieldErr(field, msg string) error {
	return &liaise.Error{Code: liaise.EINVALID, Message: "There is a problem with what was sent.", Fields: map[string]string{field: msg}}
}

// personAPIFields renames the form's field ids to the API's.
var personAPIFields = map[string]string{"ld_status": "learning_disability_status", "nhs_verification": "nhs_number_verification",
	"dob_unknown": "date_of_birth_unknown", "ra_name": "responsible_adults", "ra_relationship": "responsible_adults", "name_type": "names"}

// writeDuplicates answers a duplicate refusal with the candidates.
func writeDuplicates(w http.ResponseWriter, r *http.Request, de *liaise.DuplicateError) error {
	p := duplicateProblem{Problem: Problem{Type: "about:blank", Title: http.StatusText(http.StatusConflict), Status: http.StatusConflict,
		Detail: liaise.ErrorMessage(de), Code: liaise.ECONFLICT, RequestID: requestIDFrom(r.Context())}, Candidates: de.Candidates}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusConflict)
	return json.NewEncoder(w).Encode(p)
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var b personBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	p := liaise.Person{IdentityStatus: liaise.IdentityAsGiven}
	if err := b.apply(&p); err != nil {
		return err
	}
	if b.TeamID != nil {
		p.TeamID, _ = strconv.ParseInt(*b.TeamID, 10, 64)
	}
	warnings, err := s.DB.CreatePerson(r.Context(), &p, b.ConfirmNotDuplicate)
	var de *liaise.DuplicateError
	if errors.As(err, &de) {
		return writeDuplicates(w, r, de)
	}
	if err != nil {
		return apiFieldNames(err, personAPIFields)
	}
	got, err := s.DB.GetPerson(r.Context(), p.ID, "")
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/people/"+strconv.FormatInt(p.ID, 10), got.Version, toPersonJSON(got, warnings))
}

func (s *Server) apiSearchPeople(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q := sqlstore.PersonQuery{Q: v.Get("q"), Identifier: v.Get("identifier"), Cursor: v.Get("cursor")}
	if s := v.Get("date_of_birth"); s != "" {
		d, err := liaise.ParseDate(s)
		if err != nil {
			return fieldErr("date_of_birth", "Date of birth must be a date in the form YYYY-MM-DD")
		}
		q.DateOfBirth = d
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return fieldErr("limit", "limit must be a whole number from 1 to 50")
		}
		q.Limit = n
	}
	page, err := s.DB.SearchPeople(r.Context(), q)
	if err != nil {
		return err
	}
	out := personListJSON{Items: []personSummaryJSON{}, NextCursor: page.NextCursor}
	for _, it := range page.Items {
		x := personSummaryJSON{ID: strconv.FormatInt(it.ID, 10), Name: it.Name, Restricted: it.Restricted}
		if !it.Hidden {
			x.DateOfBirth, x.Age, x.IdentityStatus, x.Identifiers = it.DateOfBirth.String(), it.Age, it.IdentityStatus, it.Identifiers
			for _, id := range it.Identifiers {
				if id.Type == liaise.IDNHSNumber && x.NHSNumber == "" {
					x.NHSNumber = ident.FormatNHSNumber(id.Value)
				}
			}
			x.KnownTo = it.TeamName
		}
		out.Items = append(out.Items, x)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	p, err := s.DB.GetPerson(r.Context(), id, r.Header.Get("X-Liaise-Break-Glass-Reason"))
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	return writeJSON(w, http.StatusOK, toPersonJSON(p, nil))
}

func (s *Server) apiPatchPerson(w http.ResponseWriter, r *http.Request) error {
	var b personBody
	id, version, err := readPatch(r, &b)
	if err != nil {
		return err
	}
	p, err := s.DB.GetPerson(r.Context(), id, r.Header.Get("X-Liaise-Break-Glass-Reason"))
	if err != nil {
		return err
	}
	if err := b.apply(&p); err != nil {
		return err
	}
	p.Version = version
	warnings, err := s.DB.UpdatePerson(r.Context(), &p)
	var de *liaise.DuplicateError
	if errors.As(err, &de) {
		return writeDuplicates(w, r, de)
	}
	if err != nil {
		return apiFieldNames(err, personAPIFields)
	}
	got, err := s.DB.GetPerson(r.Context(), id, "")
	if err != nil {
		return err
	}
	setETag(w, got.Version)
	return writeJSON(w, http.StatusOK, toPersonJSON(got, warnings))
}

func (s *Server) apiNotDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b notDuplicateBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	other, _ := strconv.ParseInt(b.OtherPersonID, 10, 64)
	if err := s.DB.RecordNotDuplicate(r.Context(), id, other, b.Reason); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, b)
}

func (s *Server) apiPersonTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	q := sqlstore.TimelineQuery{Cursor: r.URL.Query().Get("cursor"), BreakGlassReason: r.Header.Get("X-Liaise-Break-Glass-Reason")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > sqlstore.TimelinePageSize {
			return fieldErr("limit", "limit must be a whole number from 1 to 50")
		}
		q.Limit = n
	}
	tl, err := s.DB.PersonTimeline(r.Context(), id, q)
	if err != nil {
		return err
	}
	out := timelineJSON{Items: make([]timelineItemJSON, 0, len(tl.Items)), NextCursor: tl.NextCursor, SkippedEpisodes: tl.Skipped}
	for _, e := range tl.Items {
		x := timelineItemJSON{Type: e.Kind, ID: strconv.FormatInt(e.ID, 10), OccurredAt: timeJSON(e.OccurredAt), RecordedAt: timeJSON(e.RecordedAt),
			RecordedBy: e.RecordedBy, Title: e.Title, Detail: e.Detail, Flag: e.Flag, TeamName: e.TeamName, SiteName: e.SiteName,
			LateEntry: e.Late(), EnteredInError: e.EnteredInError, ErrorReason: e.ErrorReason, BreakGlass: e.BreakGlass, Href: timelineHref(e)}
		if e.EpisodeID != 0 {
			x.EpisodeID = strconv.FormatInt(e.EpisodeID, 10)
		}
		out.Items = append(out.Items, x)
	}
	return writeJSON(w, http.StatusOK, out)
}
