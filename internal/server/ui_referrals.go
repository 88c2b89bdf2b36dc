package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Onward referral pages: an episode's referrals, making one, and one
// referral with its history and the next steps its state machine allows.

func (s *Server) referralRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/episodes/{id}/referrals", Cap: liaise.CapRecordRead, Personal: true, Handler: s.referralsPage},
		{Method: "GET", Pattern: "/episodes/{id}/referrals/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.referralNew},
		{Method: "POST", Pattern: "/episodes/{id}/referrals/new", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.referralCreate},
		{Method: "GET", Pattern: "/episodes/{id}/referrals/{rid}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.referralShow},
		{Method: "POST", Pattern: "/episodes/{id}/referrals/{rid}/transitions", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.referralTransition},
	}
}

// referralTag is the colour of a referral state's tag.
func referralTag(st liaise.ReferralState) personTag {
	class := "nhsuk-tag--blue"
	switch st {
	case liaise.ReferralPlanned:
		class = "nhsuk-tag--yellow"
	case liaise.ReferralDeclined, liaise.ReferralDidNotAttend, liaise.ReferralDisengaged:
		class = "nhsuk-tag--orange"
	case liaise.ReferralAttended, liaise.ReferralEngaged4Weeks, liaise.ReferralEngaged12Weeks:
		class = "nhsuk-tag--green"
	}
	return personTag{Label: st.Label(), Class: class}
}

func referralHref(episode, id int64) string {
	return episodeHref(episode) + "/referrals/" + strconv.FormatInt(id, 10)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// --- List --------------------------------------------------------------------------

type referralsPageData struct {
	episodeHeading
	Rows     []referralRow
	CanWrite bool
	NewHref  string
}

type referralRow struct {
	Href, Service, Need, Method, Decided, Sent, FirstAppointment, Supported string
	Tag                                                                     personTag
}

func (s *Server) referralsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	list, err := s.DB.ListReferrals(r.Context(), id)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := referralsPageData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, CanWrite: a.Can(liaise.CapRecordWrite),
		NewHref: episodeHref(id) + "/referrals/new"}
	for _, x := range list {
		d.Rows = append(d.Rows, referralRow{Href: referralHref(id, x.ID), Service: x.Service, Need: codes.Label("vulnerabilities", x.Need),
			Method: liaise.LabelOf(liaise.ReferralMethods, x.Method), Decided: whenText(x.DecidedAt), Sent: whenText(x.SentAt),
			FirstAppointment: whenText(x.FirstAppointmentAt), Supported: yesNo(x.SupportedToFirstAppointment), Tag: referralTag(x.State)})
	}
	p := s.newPage(r, "Onward referrals – "+d.PersonName)
	p.Data = d
	s.render(w, r, http.StatusOK, "referrals", p)
	return nil
}

// --- New ---------------------------------------------------------------------------

type referralFormData struct {
	episodeHeading
	Action                 string
	Needs, Methods, States []Option
}

var referralFields = []string{"need", "service", "method", "state", "decided_at", "sent_at"}

func (s *Server) renderReferralForm(w http.ResponseWriter, r *http.Request, status int, id int64, f *Form) error {
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	today := liaise.DateOf(s.now().In(liaise.London))
	d := referralFormData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, Action: episodeHref(id) + "/referrals/new",
		Needs: codeOptions("vulnerabilities", today), Methods: labelOptions(liaise.ReferralMethods),
		States: []Option{{string(liaise.ReferralPlanned), "Planned: not sent yet"}, {string(liaise.ReferralSent), "Sent"}}}
	p := s.newPage(r, "Make an onward referral")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "referral_new", p)
	return nil
}

func (s *Server) referralNew(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f := NewForm(nil)
	setFormTime(f, "decided_at", s.now())
	f.Set("state", string(liaise.ReferralPlanned))
	return s.renderReferralForm(w, r, http.StatusOK, id, f)
}

func (s *Server) referralCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := sqlstore.NewReferralInput{Need: f.Get("need"), Service: f.Get("service"), Method: f.Get("method"),
		State: liaise.ReferralState(f.Get("state")), SupportedToFirstAppointment: f.Get("supported") == "yes"}
	in.DecidedAt = formTime(f, "decided_at", "When the decision to refer was made")
	in.SentAt = formTime(f, "sent_at", "When it was sent")
	if in.State == "" {
		f.AddError("state", "Choose whether the referral is planned or already sent")
	}
	if f.Valid() {
		ref, err := s.DB.AddReferral(r.Context(), id, in)
		if err == nil {
			return s.redirect(w, r, referralHref(id, ref.ID), "Onward referral recorded as "+lowerText(ref.State.Label()))
		}
		if breakGlassRedirect(w, r, err) {
			return nil
		}
		if !f.Absorb(err, referralFields...) {
			return err
		}
	}
	return s.renderReferralForm(w, r, http.StatusUnprocessableEntity, id, f)
}

// --- One referral --------------------------------------------------------------------

type referralPageData struct {
	episodeHeading
	Ref      sqlstore.Referral
	Heading  string
	Tag      personTag
	Facts    []summaryRow
	Next     []nextStep
	History  []historyRow
	CanWrite bool
	Action   string
	// Declining and booking need more than a time.
	CanDecline, CanBook bool
}

func (s *Server) referralShow(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	return s.renderReferral(w, r, http.StatusOK, f)
}

func (s *Server) renderReferral(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	ref, err := s.DB.GetReferral(r.Context(), id, rid)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	text := func(s string) string {
		if s == "" {
			return "Not recorded"
		}
		return s
	}
	d := referralPageData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, Ref: ref, Heading: "Referral to " + ref.Service,
		Tag: referralTag(ref.State), CanWrite: a.Can(liaise.CapRecordWrite) && !ref.State.Terminal(), Action: referralHref(id, rid) + "/transitions"}
	d.Facts = []summaryRow{
		{"Service", ref.Service},
		{"Need", codes.Label("vulnerabilities", ref.Need)},
		{"Method", liaise.LabelOf(liaise.ReferralMethods, ref.Method)},
		{"Decision to refer", whenText(ref.DecidedAt)},
		{"Sent", text(whenText(ref.SentAt))},
		{"First appointment", text(whenText(ref.FirstAppointmentAt))},
		{"Supported to the first appointment", yesNo(ref.SupportedToFirstAppointment)},
	}
	if !ref.AttendedAt.IsZero() {
		d.Facts = append(d.Facts, summaryRow{"Attended", whenText(ref.AttendedAt)})
	}
	for _, rule := range liaise.NextReferralStates(ref.State) {
		step := nextStep{ID: "to", Value: string(rule.To), Label: rule.Label + " (" + lowerText(rule.To.Label()) + ")", Checked: f.Get("to") == string(rule.To)}
		if len(d.Next) > 0 {
			step.ID = "to-" + string(rule.To)
		}
		d.Next = append(d.Next, step)
		d.CanDecline = d.CanDecline || rule.RequiresReason
		d.CanBook = d.CanBook || rule.To == liaise.ReferralFirstAppointmentBooked
	}
	for _, h := range ref.History {
		row := historyRow{Occurred: whenText(h.OccurredAt), Recorded: whenText(h.RecordedAt), Step: h.To.Label(), Reason: h.Reason, By: h.UserName, Late: h.Late()}
		if h.From != "" {
			row.Step = h.From.Label() + " to " + lowerText(h.To.Label())
		}
		d.History = append(d.History, row)
	}
	f.Set("version", strconv.Itoa(ref.Version))
	p := s.newPage(r, d.Heading)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "referral", p)
	return nil
}

func (s *Server) referralTransition(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	to := liaise.ReferralState(f.Get("to"))
	in := sqlstore.ReferralTransitionInput{To: to, Reason: f.Get("reason"), Version: f.Int("version")}
	in.OccurredAt = formTime(f, "occurred_at", "When this happened")
	in.FirstAppointmentAt = formTime(f, "first_appointment_at", "First appointment")
	if to == liaise.ReferralFirstAppointmentBooked {
		supported := f.Get("supported") == "yes"
		in.Supported = &supported
	}
	if to == "" {
		f.AddError("to", "Choose the next step")
	}
	status := http.StatusUnprocessableEntity
	if f.Valid() {
		_, err := s.DB.TransitionReferral(r.Context(), id, rid, in)
		if err == nil {
			return s.redirect(w, r, referralHref(id, rid), "Referral moved to "+lowerText(to.Label()))
		}
		switch {
		case breakGlassRedirect(w, r, err):
			return nil
		case liaise.ErrorCode(err) == liaise.ESTALE:
			f.AddError("", liaise.ErrorMessage(err))
			status = http.StatusPreconditionFailed
		case liaise.ErrorCode(err) == liaise.EINVALID && len(liaise.ErrorFields(err)) == 0:
			// A refused move names no field: show it at the choice.
			f.AddError("to", liaise.ErrorMessage(err))
		case f.Absorb(err, "to", "occurred_at", "reason", "first_appointment_at"):
		default:
			return err
		}
	}
	if f.Get("occurred_at-day") == "" {
		setFormTime(f, "occurred_at", s.now())
	}
	return s.renderReferral(w, r, status, f)
}
