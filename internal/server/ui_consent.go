package server

import (
	"errors"
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Consent and disclosure pages (issue 3 items 8 and 9): one page per
// episode with its consents and its disclosures, a form for each, the
// person's disclosure log and the review queue of disclosures made without
// consent. The rules live in the root package; these pages store, show and
// explain them.

func (s *Server) consentRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/episodes/{id}/consent", Cap: liaise.CapRecordRead, Personal: true, Handler: s.consentPage},
		{Method: "GET", Pattern: "/episodes/{id}/consent/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.consentNew},
		{Method: "POST", Pattern: "/episodes/{id}/consent/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.consentCreate},
		{Method: "GET", Pattern: "/episodes/{id}/disclosures/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.disclosureNew},
		{Method: "POST", Pattern: "/episodes/{id}/disclosures/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.disclosureCreate},
		{Method: "GET", Pattern: "/people/{id}/disclosures", Cap: liaise.CapRecordRead, Personal: true, Handler: s.personDisclosures},
		{Method: "GET", Pattern: "/reviews/disclosures", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.disclosureReviews},
		{Method: "POST", Pattern: "/reviews/disclosures/{id}", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.disclosureReviewRecord},
	}, append(s.inErrorRoutes(consentsInError), s.consentAPIRoutes()...)...)
}

// consentsInError marks a consent decision entered in error: it no longer
// counts (a disclosure cannot rest on it), and the decision before it for
// that scope, if any, is in force again.
var consentsInError = inErrorKind{Page: "consent", API: "consents", Param: "consent_id", Store: sqlstore.ConsentEntries}

func consentHref(id int64) string { return episodeHref(id) + "/consent" }

// consentEpisode opens the consent log, sending a reader who needs
// break-glass to the person's page for the reason (as the episode page does).
func (s *Server) consentEpisode(w http.ResponseWriter, r *http.Request) (sqlstore.ConsentLog, bool, error) {
	id, err := orgPathID(r)
	if err != nil {
		return sqlstore.ConsentLog{}, false, err
	}
	l, err := s.DB.GetConsentLog(r.Context(), id)
	var bge *liaise.BreakGlassError
	if errors.As(err, &bge) {
		http.Redirect(w, r, "/people/"+strconv.FormatInt(bge.PersonID, 10), http.StatusSeeOther)
		return l, false, nil
	}
	return l, err == nil, err
}

type consentPageData struct {
	EpisodeHref, PersonName, PersonHref, LogHref string
	NewConsentHref, NewDisclosureHref            string
	// Voluntary attendance needs consent to the referral itself.
	Voluntary, EngageGiven bool
	EngageHref             string
	Current                []summaryRow
	Consents               []consentRow
	Disclosures            []disclosureRow
	CanWrite, CanReview    bool
	BreakGlass             bool
}

type consentRow struct {
	When, Scope, Decision, Form, By, Age, Recorded string
	Notes                                          []string
	Late                                           bool
	correctionView
}

type disclosureRow struct {
	When, To, Purpose, Channel, Basis, By, Content, Recorded string
	Urgent, Late, Pending                                    bool
	Review, EpisodeHref                                      string
	// Document links the document version the disclosure issued.
	DocumentHref, DocumentLabel string
}

func consentLateEntry(occurred, recorded liaise.Time) bool {
	return !occurred.IsZero() && recorded.Sub(occurred.Time) > liaise.LateAfter
}

func consentAgeText(age int, appearsUnder18 bool) string {
	switch {
	case age >= 0:
		return strconv.Itoa(age)
	case appearsUnder18:
		return "Not known (appears under 18)"
	}
	return "Not known"
}

func toConsentRow(c sqlstore.ConsentRecord, canWrite bool) consentRow {
	row := consentRow{When: c.OccurredAt.Local().Format("2 Jan 2006 15:04"), Scope: codes.Label("consent-scopes", c.Scope),
		Decision: liaise.LabelOf(liaise.ConsentDecisions, c.Decision), Form: lowerText(liaise.LabelOf(liaise.ConsentForms, c.Form)), By: c.ObtainedByName,
		Age: consentAgeText(c.PersonAgeAtEvent, c.AppearsUnder18), Recorded: c.RecordedAt.Local().Format("2 Jan 2006 15:04"),
		Late: consentLateEntry(c.OccurredAt, c.RecordedAt), correctionView: consentsInError.view(c.EpisodeID, c.ID, c.EnteredInError, c.Correction, canWrite)}
	if c.Form == "" {
		row.Form = ""
	}
	for _, x := range []struct {
		on   bool
		text string
	}{
		{c.CourtStage, "Court stage"}, {c.InterpreterUsed, "Interpreter used"}, {c.BestInterests, "Best-interests decision"},
		{c.GillickCompetent, "Gillick competent"}, {c.ParentalConsent, "Parental consent"},
	} {
		if x.on {
			row.Notes = append(row.Notes, x.text)
		}
	}
	if !c.ExpiresAt.IsZero() {
		row.Notes = append(row.Notes, "Expires "+c.ExpiresAt.Local().Format("2 Jan 2006 15:04"))
	}
	return row
}

func recipientLabel(code string) string {
	for _, g := range liaise.RecipientAgencies {
		if g.Code == code {
			return g.Label
		}
	}
	return code
}

func toDisclosureRow(d sqlstore.DisclosureRecord) disclosureRow {
	row := disclosureRow{When: d.OccurredAt.Local().Format("2 Jan 2006 15:04"), To: recipientLabel(d.RecipientAgency) + ": " + d.RecipientRole,
		Purpose: codes.Label("disclosure-purposes", d.Purpose), Channel: liaise.LabelOf(liaise.DisclosureChannels, d.Channel), By: d.DisclosedByName,
		Content: d.Content, Recorded: d.RecordedAt.Local().Format("2 Jan 2006 15:04"), Urgent: d.Urgent, Late: consentLateEntry(d.OccurredAt, d.RecordedAt),
		Pending: d.Pending(), EpisodeHref: episodeHref(d.EpisodeID)}
	if d.DocumentID != 0 {
		row.DocumentHref = documentHref(d.EpisodeID, d.DocumentID) + "/print?v=" + strconv.Itoa(d.DocumentNumber)
		row.DocumentLabel = liaise.LabelOf(liaise.DocumentKinds, d.DocumentKind) + ", version " + strconv.Itoa(d.DocumentNumber)
	}
	if d.ConsentID != 0 {
		row.Basis = "Consent: " + lowerText(codes.Label("consent-scopes", d.ConsentScope))
	} else {
		row.Basis = "Without consent: " + lowerText(codes.Label("disclosure-legal-bases", d.LegalBasis))
	}
	switch {
	case d.Pending():
		row.Review = "Waiting for review (due " + d.ReviewDue.Time().Format("Monday 2 January 2006") + ")"
	case d.NeedsReview:
		row.Review = "Reviewed: " + lowerText(liaise.LabelOf(sqlstore.ReviewOutcomes, d.Outcome))
	}
	return row
}

func (s *Server) consentPage(w http.ResponseWriter, r *http.Request) error {
	l, ok, err := s.consentEpisode(w, r)
	if !ok {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	e := l.Episode
	d := consentPageData{EpisodeHref: episodeHref(e.ID), PersonName: e.Person.DisplayName(), PersonHref: "/people/" + strconv.FormatInt(e.PersonID, 10),
		NewConsentHref: consentHref(e.ID) + "/new", NewDisclosureHref: episodeHref(e.ID) + "/disclosures/new",
		CanWrite: a.Can(liaise.CapRecordWrite), CanReview: a.Can(liaise.CapDisclosureReview), BreakGlass: e.BreakGlass,
		Voluntary: e.Setting == liaise.SettingVoluntaryAttendance, EngageHref: consentHref(e.ID) + "/new?scope=" + liaise.ScopeEngage}
	d.LogHref = d.PersonHref + "/disclosures"
	now := s.now()
	for _, c := range l.Active(now) {
		if c.Scope == liaise.ScopeEngage {
			d.EngageGiven = true
		}
		d.Current = append(d.Current, summaryRow{codes.Label("consent-scopes", c.Scope),
			liaise.LabelOf(liaise.ConsentDecisions, c.Decision) + " on " + c.OccurredAt.Local().Format("2 Jan 2006 15:04")})
	}
	for i := len(l.Consents) - 1; i >= 0; i-- {
		d.Consents = append(d.Consents, toConsentRow(l.Consents[i], d.CanWrite))
	}
	for i := len(l.Disclosures) - 1; i >= 0; i-- {
		d.Disclosures = append(d.Disclosures, toDisclosureRow(l.Disclosures[i]))
	}
	p := s.newPage(r, "Consent and disclosures")
	p.Data = d
	s.render(w, r, http.StatusOK, "consent", p)
	return nil
}

// --- Consent form -------------------------------------------------------------

type consentFormData struct {
	EpisodeHref, BackHref, Action, PersonName, Age string
	AgeUnknown, Voluntary                          bool
	Scopes, Decisions, Forms                       []Option
}

var consentFields = []string{"scope", "decision", "form", "occurred_at", "obtained_by", "expires_at", "gillick_competent", "best_interests"}

func (s *Server) renderConsentForm(w http.ResponseWriter, r *http.Request, status int, l sqlstore.ConsentLog, f *Form) error {
	e := l.Episode
	today := liaise.DateOf(s.now().In(liaise.London))
	d := consentFormData{EpisodeHref: episodeHref(e.ID), BackHref: consentHref(e.ID), Action: consentHref(e.ID) + "/new", PersonName: e.Person.DisplayName(),
		AgeUnknown: e.Person.DOBUnknown || e.Person.DateOfBirth.IsZero(), Voluntary: e.Setting == liaise.SettingVoluntaryAttendance,
		Scopes: codeOptions("consent-scopes", today), Decisions: labelOptions(liaise.ConsentDecisions), Forms: labelOptions(liaise.ConsentForms)}
	if !d.AgeUnknown {
		d.Age = strconv.Itoa(e.Person.AgeOn(today))
	}
	p := s.newPage(r, "Record consent")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "consent_form", p)
	return nil
}

func (s *Server) consentNew(w http.ResponseWriter, r *http.Request) error {
	l, ok, err := s.consentEpisode(w, r)
	if !ok {
		return err
	}
	f := NewForm(nil)
	if sc := r.URL.Query().Get("scope"); sc != "" {
		f.Set("scope", sc)
	} else if l.Episode.Setting == liaise.SettingVoluntaryAttendance {
		f.Set("scope", liaise.ScopeEngage)
	}
	setFormTime(f, "occurred_at", s.now())
	return s.renderConsentForm(w, r, http.StatusOK, l, f)
}

func consentYes(f *Form, k string) bool { return f.Get(k) == "yes" }

func (s *Server) consentCreate(w http.ResponseWriter, r *http.Request) error {
	l, ok, err := s.consentEpisode(w, r)
	if !ok {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := sqlstore.ConsentInput{Scope: f.Get("scope"), Decision: f.Get("decision"), Form: f.Get("form"), InterpreterUsed: consentYes(f, "interpreter_used"),
		CourtStage: consentYes(f, "court_stage"), BestInterests: consentYes(f, "best_interests"), GillickCompetent: consentYes(f, "gillick_competent"),
		ParentalConsent: consentYes(f, "parental_consent"), AppearsUnder18: consentYes(f, "appears_under_18")}
	in.OccurredAt = formTime(f, "occurred_at", "When the person decided")
	if f.Valid() {
		c, err := s.DB.RecordConsent(r.Context(), l.Episode.ID, in)
		if err == nil {
			return s.redirect(w, r, consentHref(l.Episode.ID), "Consent recorded: "+lowerText(codes.Label("consent-scopes", c.Scope))+", "+
				lowerText(liaise.LabelOf(liaise.ConsentDecisions, c.Decision)))
		}
		if !f.Absorb(err, consentFields...) {
			return err
		}
	}
	return s.renderConsentForm(w, r, http.StatusUnprocessableEntity, l, f)
}
