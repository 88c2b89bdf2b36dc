package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Disclosure pages: the form that records a sharing (refused, with the
// domain's reason, when nothing allows it), the person's disclosure log and
// the review queue of disclosures made without consent.

type disclosureFormData struct {
	EpisodeHref, BackHref, Action, PersonName string
	Current                                   []summaryRow
	Agencies, Purposes, Channels, Bases       []Option
}

var disclosureFields = []string{"recipient_agency", "recipient_role", "purpose", "content", "channel", "occurred_at", "consent_scope", "legal_basis"}

func (s *Server) renderDisclosureForm(w http.ResponseWriter, r *http.Request, status int, l sqlstore.ConsentLog, f *Form) error {
	e := l.Episode
	today := liaise.DateOf(s.now().In(liaise.London))
	d := disclosureFormData{EpisodeHref: episodeHref(e.ID), BackHref: consentHref(e.ID), Action: episodeHref(e.ID) + "/disclosures/new",
		PersonName: e.Person.DisplayName(), Purposes: codeOptions("disclosure-purposes", today), Channels: labelOptions(liaise.DisclosureChannels)}
	for _, g := range liaise.RecipientAgencies {
		d.Agencies = append(d.Agencies, Option{Value: g.Code, Label: g.Label})
	}
	d.Bases = append([]Option{{Value: "", Label: "None: the person has consented to this sharing"}}, codeOptions("disclosure-legal-bases", today)...)
	d.Current = consentInForce(l, s.now())
	p := s.newPage(r, "Record a disclosure")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "disclosure_form", p)
	return nil
}

func (s *Server) disclosureNew(w http.ResponseWriter, r *http.Request) error {
	l, ok, err := s.consentEpisode(w, r)
	if !ok {
		return err
	}
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	return s.renderDisclosureForm(w, r, http.StatusOK, l, f)
}

func (s *Server) disclosureCreate(w http.ResponseWriter, r *http.Request) error {
	l, ok, err := s.consentEpisode(w, r)
	if !ok {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	d := liaise.Disclosure{RecipientAgency: f.Get("recipient_agency"), RecipientRole: f.Get("recipient_role"), Purpose: f.Get("purpose"),
		Content: f.Values.Get("content"), Channel: f.Get("channel"), LegalBasis: f.Get("legal_basis"), Urgent: consentYes(f, "urgent")}
	d.OccurredAt = formTime(f, "occurred_at", "When the information was shared")
	if f.Valid() {
		rec, err := s.DB.RecordDisclosure(r.Context(), l.Episode.ID, d)
		if err == nil {
			flash := "Disclosure to " + lowerText(recipientLabel(rec.RecipientAgency)) + " recorded"
			if rec.NeedsReview {
				flash += ". It was made without consent, so it will be reviewed on " + rec.ReviewDue.Time().Format("Monday 2 January")
			}
			return s.redirect(w, r, consentHref(l.Episode.ID), flash)
		}
		if !f.Absorb(err, disclosureFields...) {
			return err
		}
	}
	return s.renderDisclosureForm(w, r, http.StatusUnprocessableEntity, l, f)
}

// consentInForce lists the consents in force at now, for the forms that
// share information.
func consentInForce(l sqlstore.ConsentLog, now time.Time) []summaryRow {
	var out []summaryRow
	for _, c := range l.Active(now) {
		out = append(out, summaryRow{codes.Label("consent-scopes", c.Scope), "Given on " + c.OccurredAt.Local().Format("2 Jan 2006 15:04")})
	}
	return out
}

// --- The person's disclosure log ---------------------------------------------

type personDisclosuresData struct {
	PersonName, PersonHref string
	Rows                   []disclosureRow
	Skipped                bool
}

func (s *Server) personDisclosures(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	l, err := s.DB.PersonDisclosures(r.Context(), id)
	if err != nil {
		return err
	}
	d := personDisclosuresData{PersonName: l.Person.DisplayName(), PersonHref: "/people/" + strconv.FormatInt(id, 10), Skipped: l.Skipped}
	if len(l.Person.Names) == 0 {
		d.PersonName = "This person"
	}
	for i := len(l.Items) - 1; i >= 0; i-- {
		d.Rows = append(d.Rows, toDisclosureRow(l.Items[i]))
	}
	p := s.newPage(r, "Disclosure log")
	p.Data = d
	s.render(w, r, http.StatusOK, "disclosure_log", p)
	return nil
}

// --- Review queue ---------------------------------------------------------------

type disclosureReviewsData struct {
	Status  string
	Filters []reviewFilter
	Caption string
	Rows    []disclosureReviewRow
}

type disclosureReviewRow struct {
	disclosureRow
	ID                         int64
	Due, PersonName            string
	PersonHref, Action         string
	Own                        bool
	Outcome, Comment           string
	OutcomeError, CommentError string
	Options                    []liaise.CodeLabel
	OutcomeLabel, OutcomeClass string
	ReviewedBy, ReviewedAt     string
	ReviewComment              string
}

func (s *Server) disclosureReviews(w http.ResponseWriter, r *http.Request) error {
	return s.renderDisclosureReviews(w, r, http.StatusOK, reviewStatus(r.URL.Query()), nil, 0)
}

func (s *Server) renderDisclosureReviews(w http.ResponseWriter, r *http.Request, status int, filter string, f *Form, formID int64) error {
	a := liaise.ActorFrom(r.Context())
	if f == nil {
		f = NewForm(nil)
	}
	items, err := s.DB.ListDisclosureReviews(r.Context(), filter)
	if err != nil {
		return err
	}
	d := disclosureReviewsData{Status: filter}
	for _, c := range reviewStatusLabels {
		d.Filters = append(d.Filters, reviewFilter{Value: c.Code, Label: c.Label, Checked: c.Code == filter})
		if c.Code == filter {
			d.Caption = "Disclosures without consent: " + lowerText(c.Label)
		}
	}
	for _, it := range items {
		sid := strconv.FormatInt(it.ID, 10)
		row := disclosureReviewRow{disclosureRow: toDisclosureRow(it), ID: it.ID, Due: it.ReviewDue.Time().Format("Mon 2 Jan 2006"),
			PersonName: it.PersonName, Action: "/reviews/disclosures/" + sid, Own: it.DisclosedBy == a.UserID, Options: sqlstore.ReviewOutcomes}
		if !it.Hidden {
			row.PersonHref = "/people/" + strconv.FormatInt(it.PersonID, 10)
		}
		if it.ID == formID {
			row.Outcome, row.Comment = f.Get("outcome"), f.Values.Get("comment")
			row.OutcomeError, row.CommentError = f.Error("outcome-"+sid), f.Error("comment-"+sid)
		}
		if !it.Pending() {
			row.OutcomeLabel, row.OutcomeClass = liaise.LabelOf(sqlstore.ReviewOutcomes, it.Outcome), outcomeClass(it.Outcome)
			row.ReviewedBy, row.ReviewedAt, row.ReviewComment = it.ReviewedByName, it.ReviewedAt.Local().Format("2 Jan 2006 15:04"), it.Comment
		}
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, "Disclosure reviews")
	p.Form = f
	p.Data = d
	s.render(w, r, status, "reviews_disclosures", p)
	return nil
}

func (s *Server) disclosureReviewRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	filter := reviewStatus(f.Values)
	_, err = s.DB.RecordDisclosureReview(r.Context(), id, f.Get("outcome"), f.Values.Get("comment"))
	if err == nil {
		return s.redirect(w, r, "/reviews/disclosures?"+url.Values{"status": {filter}}.Encode(), "Review recorded.")
	}
	sid := strconv.FormatInt(id, 10)
	var e *liaise.Error
	switch {
	case liaise.ErrorCode(err) == liaise.EINVALID:
		fields := liaise.ErrorFields(err)
		for _, k := range []string{"outcome", "comment"} {
			if m := fields[k]; m != "" {
				f.AddError(k+"-"+sid, m)
			}
		}
		if f.Valid() {
			f.AddError("", liaise.ErrorMessage(err))
		}
		return s.renderDisclosureReviews(w, r, http.StatusUnprocessableEntity, filter, f, id)
	case liaise.ErrorCode(err) == liaise.ECONFLICT:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderDisclosureReviews(w, r, http.StatusConflict, filter, f, 0)
	case errors.As(err, &e) && e.Code == liaise.EFORBIDDEN:
		f.AddError("", liaise.ErrorMessage(err))
		return s.renderDisclosureReviews(w, r, http.StatusForbidden, filter, f, 0)
	}
	return err
}
