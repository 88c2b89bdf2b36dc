package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Contact pages: an episode's direct contacts and indirect activities, the
// forms that record them, and marking one entered in error. Onward
// referrals (ui_referrals.go) and both APIs hang off the same route function.

func (s *Server) contactRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/episodes/{id}/contacts", Cap: liaise.CapRecordRead, Personal: true, Handler: s.contactsPage},
		{Method: "GET", Pattern: "/episodes/{id}/contacts/direct", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.contactNew(sqlstore.ContactDirect)},
		{Method: "POST", Pattern: "/episodes/{id}/contacts/direct", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.contactCreate(sqlstore.ContactDirect), Draft: s.episodeDraft},
		{Method: "GET", Pattern: "/episodes/{id}/contacts/indirect", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.contactNew(sqlstore.ContactIndirect)},
		{Method: "POST", Pattern: "/episodes/{id}/contacts/indirect", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.contactCreate(sqlstore.ContactIndirect), Draft: s.episodeDraft},
	}, s.inErrorRoutes(contactsInError), s.contactAPIRoutes(), s.referralRoutes(), s.referralAPIRoutes())
}

// contactsInError marks a contact or activity entered in error; the API
// answers with the contact.
var contactsInError = inErrorKind{Page: "contacts", API: "contacts", Param: "cid", Store: sqlstore.ContactEntries, response: contactJSON{},
	answer: func(s *Server, ctx context.Context, episode, id int64) (any, error) {
		c, err := s.DB.GetContact(ctx, episode, id)
		return toContactJSON(c), err
	}}

// breakGlassRedirect sends a user without team access to the person's page,
// which asks for the break-glass reason; it reports whether it did.
func breakGlassRedirect(w http.ResponseWriter, r *http.Request, err error) bool {
	var bge *liaise.BreakGlassError
	if errors.As(err, &bge) {
		http.Redirect(w, r, "/people/"+strconv.FormatInt(bge.PersonID, 10), http.StatusSeeOther)
		return true
	}
	return false
}

// pathID reads a positive id path parameter other than {id}.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFoundError()
	}
	return id, nil
}

// episodeHeading is what every part page shows of its episode.
type episodeHeading struct {
	EpisodeHref, PersonName string
}

func whenText(t liaise.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 2006 15:04")
}

func minutesText(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// --- List --------------------------------------------------------------------------

type contactsPageData struct {
	episodeHeading
	Direct, Indirect         []contactRow
	CanWrite                 bool
	DirectHref, IndirectHref string
}

type contactRow struct {
	When, Duration, How, Where, Attendance, Others, Adjustment, With, Summary, By, Recorded string
	Planned, Late                                                                           bool
	correctionView
}

func (s *Server) contactsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	list, err := s.DB.ListContacts(r.Context(), id)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	href := episodeHref(id)
	d := contactsPageData{episodeHeading: episodeHeading{href, e.Person.DisplayName()}, CanWrite: a.Can(liaise.CapRecordWrite),
		DirectHref: href + "/contacts/direct", IndirectHref: href + "/contacts/indirect"}
	for _, c := range list {
		row := contactRow{When: whenText(c.OccurredAt), Duration: minutesText(c.Minutes), Summary: c.Summary, By: c.UserName,
			Recorded: whenText(c.RecordedAt), Late: c.Late(), Planned: c.Planned, Adjustment: c.ReasonableAdjustment,
			correctionView: contactsInError.view(id, c.ID, c.EnteredInError, sqlstore.Correction{ErrorReason: c.ErrorReason}, d.CanWrite)}
		if c.Kind == sqlstore.ContactDirect {
			row.How = codes.Label("consultation-mechanism", c.ConsultationMechanism)
			row.Where = codes.Label("activity-location-type", c.ActivityLocationType)
			row.Attendance = codes.Label("attended-or-dna", c.AttendedOrDNA)
			var others []string
			for _, o := range c.OthersPresent {
				others = append(others, liaise.LabelOf(sqlstore.ContactAttendees, o))
			}
			row.Others = strings.Join(others, ", ")
			d.Direct = append(d.Direct, row)
			continue
		}
		row.With = liaise.LabelOf(sqlstore.CounterpartAgencyTypes, c.CounterpartAgencyType)
		if c.CounterpartRole != "" {
			row.With += ": " + c.CounterpartRole
		}
		d.Indirect = append(d.Indirect, row)
	}
	p := s.newPage(r, "Contacts – "+d.PersonName)
	p.Data = d
	s.render(w, r, http.StatusOK, "contacts", p)
	return nil
}

// --- Add ---------------------------------------------------------------------------

type contactFormData struct {
	episodeHeading
	Direct                                       bool
	Heading, Action                              string
	Mechanisms, Locations, Attendance, Attendees []Option
	Agencies                                     []Option
}

var contactFields = []string{"occurred_at", "duration_minutes", "consultation_mechanism", "activity_location_type", "attended_or_dna", "others_present",
	"reasonable_adjustment", "counterpart_agency_type", "counterpart_role", "summary", "kind"}

func (s *Server) renderContactForm(w http.ResponseWriter, r *http.Request, status int, kind string, id int64, f *Form) error {
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	today := liaise.DateOf(s.now().In(liaise.London))
	d := contactFormData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, Direct: kind == sqlstore.ContactDirect,
		Action: episodeHref(id) + "/contacts/" + kind}
	if d.Direct {
		d.Heading = "Record a direct contact"
		d.Mechanisms = codeOptions("consultation-mechanism", today)
		d.Locations = codeOptions("activity-location-type", today)
		d.Attendance = codeOptions("attended-or-dna", today)
		d.Attendees = labelOptions(sqlstore.ContactAttendees)
		if status == http.StatusOK {
			f.Set("activity_location_type", s.DB.ContactLocationDefault(r.Context(), e))
		}
	} else {
		d.Heading = "Record an indirect activity"
		d.Agencies = labelOptions(sqlstore.CounterpartAgencyTypes)
	}
	if err := s.draftForm(r, f, episodeSubject(e)); err != nil {
		return err
	}
	p := s.newPage(r, d.Heading)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "contact_form", p)
	return nil
}

func (s *Server) contactNew(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		f := NewForm(nil)
		setFormTime(f, "occurred_at", s.now())
		return s.renderContactForm(w, r, http.StatusOK, kind, id, f)
	}
}

// contactFromForm reads a contact form; format errors go straight into f.
func contactFromForm(f *Form, kind string) sqlstore.Contact {
	c := sqlstore.Contact{Kind: kind, Summary: f.Get("summary")}
	c.OccurredAt = formTime(f, "occurred_at", "When it happened")
	if v := f.Get("duration_minutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.AddError("duration_minutes", "Enter the duration as a whole number of minutes, like 30")
		}
		c.Minutes = n
	}
	if kind == sqlstore.ContactDirect {
		c.ConsultationMechanism = f.Get("consultation_mechanism")
		c.ActivityLocationType = f.Get("activity_location_type")
		c.AttendedOrDNA = f.Get("attended_or_dna")
		c.OthersPresent = f.Values["others_present"]
		c.ReasonableAdjustment = f.Get("reasonable_adjustment")
		c.Planned = f.Get("planned") == "yes"
	} else {
		c.CounterpartAgencyType = f.Get("counterpart_agency_type")
		c.CounterpartRole = f.Get("counterpart_role")
	}
	return c
}

func (s *Server) contactCreate(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		f, err := orgParseForm(r)
		if err != nil {
			return err
		}
		c := contactFromForm(f, kind)
		if f.Valid() {
			err := s.DB.AddContact(r.Context(), id, &c)
			if err == nil {
				flash := "Direct contact recorded"
				if kind == sqlstore.ContactIndirect {
					flash = "Indirect activity recorded"
				}
				if c.Late() {
					flash += " (flagged as a late entry: recorded more than 24 hours after it happened)"
				}
				s.draftDone(r)
				return s.redirect(w, r, episodeHref(id)+"/contacts", flash)
			}
			if breakGlassRedirect(w, r, err) {
				return nil
			}
			if !f.Absorb(err, contactFields...) {
				return err
			}
		}
		return s.renderContactForm(w, r, http.StatusUnprocessableEntity, kind, id, f)
	}
}
