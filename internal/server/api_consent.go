package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Consents, disclosures and the disclosure review queue in the JSON API,
// under the same rules as the pages.

func (s *Server) consentAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/consents", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListConsents,
			Summary:  "An episode's consent decisions, oldest first; active says whether a decision is the one in force for its scope now",
			Response: consentListJSON{Items: []consentJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/consents", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiCreateConsent, Status: http.StatusCreated,
			Summary: "Record one consent decision for one scope (a withdrawal is a new decision \"withdrawn\"); age rules apply: under 16 needs gillick_competent or parental_consent, best_interests only from 16",
			Request: consentBody{}, Response: consentJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/consents/{consent_id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetConsent,
			Summary: "One consent decision", Response: consentJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/disclosures", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListDisclosures,
			Summary:  "An episode's disclosures, oldest first, each with the consent or legal basis it rested on and its review",
			Response: disclosureListJSON{Items: []disclosureJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/disclosures", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiCreateDisclosure, Status: http.StatusCreated,
			Summary: "Record a disclosure: it needs an active consent of the recipient's scope or a legal_basis (then it joins the review queue for the next working day); otherwise 422 naming legal_basis with the reason",
			Request: disclosureBody{}, Response: disclosureJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/disclosures/{disclosure_id}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetDisclosure,
			Summary: "One disclosure", Response: disclosureJSON{}},
		{Method: "GET", Pattern: "/api/v1/reviews/disclosures", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.apiListDisclosureReviews,
			Summary:  "Disclosures of your provider made without consent: pending ones oldest due first (default), reviewed or all",
			Response: disclosureListJSON{Items: []disclosureJSON{{}}},
			Query:    []QueryParam{{"status", "pending (default), reviewed or all"}}},
		{Method: "POST", Pattern: "/api/v1/reviews/disclosures/{id}", Cap: liaise.CapDisclosureReview, Personal: true, Handler: s.apiRecordDisclosureReview,
			Summary: "Review a disclosure made without consent once: outcome appropriate, inappropriate or needs_follow_up (the last two need a comment)",
			Request: reviewBody{}, Response: disclosureJSON{}},
	}
}

type consentBody struct {
	Scope            string `json:"scope"`
	Decision         string `json:"decision"`
	Form             string `json:"form,omitempty"`
	InterpreterUsed  bool   `json:"interpreter_used,omitempty"`
	ObtainedBy       string `json:"obtained_by,omitempty"`
	OccurredAt       string `json:"occurred_at"`
	ExpiresAt        string `json:"expires_at,omitempty"`
	CourtStage       bool   `json:"court_stage,omitempty"`
	BestInterests    bool   `json:"best_interests,omitempty"`
	GillickCompetent bool   `json:"gillick_competent,omitempty"`
	ParentalConsent  bool   `json:"parental_consent,omitempty"`
	AppearsUnder18   bool   `json:"appears_under_18,omitempty"`
}

type consentJSON struct {
	ID               string `json:"id"`
	EpisodeID        string `json:"episode_id"`
	PersonID         string `json:"person_id"`
	Scope            string `json:"scope"`
	Decision         string `json:"decision"`
	Form             string `json:"form,omitempty"`
	InterpreterUsed  bool   `json:"interpreter_used"`
	ObtainedBy       string `json:"obtained_by"`
	ObtainedByName   string `json:"obtained_by_name"`
	OccurredAt       string `json:"occurred_at"`
	RecordedAt       string `json:"recorded_at"`
	ExpiresAt        string `json:"expires_at,omitempty"`
	Late             bool   `json:"late"`
	CourtStage       bool   `json:"court_stage"`
	BestInterests    bool   `json:"best_interests"`
	GillickCompetent bool   `json:"gillick_competent"`
	ParentalConsent  bool   `json:"parental_consent"`
	PersonAgeAtEvent int    `json:"person_age_at_event"`
	AppearsUnder18   bool   `json:"appears_under_18"`
	EnteredInError   bool   `json:"entered_in_error"`
	ErrorReason      string `json:"error_reason,omitempty"`
	ErrorAt          string `json:"error_at,omitempty"`
	ErrorByName      string `json:"error_by_name,omitempty"`
	Active           bool   `json:"active"`
}

type consentListJSON struct {
	Items []consentJSON `json:"items"`
}

type disclosureBody struct {
	RecipientAgency string `json:"recipient_agency"`
	RecipientRole   string `json:"recipient_role"`
	Purpose         string `json:"purpose"`
	Content         string `json:"content"`
	Channel         string `json:"channel"`
	OccurredAt      string `json:"occurred_at"`
	LegalBasis      string `json:"legal_basis,omitempty"`
	Urgent          bool   `json:"urgent,omitempty"`
}

type disclosureReviewJSON struct {
	Status         string `json:"status"`
	Due            string `json:"due"`
	ReviewedBy     string `json:"reviewed_by,omitempty"`
	ReviewedByName string `json:"reviewed_by_name,omitempty"`
	ReviewedAt     string `json:"reviewed_at,omitempty"`
	Outcome        string `json:"outcome,omitempty"`
	Comment        string `json:"comment,omitempty"`
}

type disclosureJSON struct {
	ID              string                `json:"id"`
	EpisodeID       string                `json:"episode_id"`
	PersonID        string                `json:"person_id"`
	PersonName      string                `json:"person_name,omitempty"`
	RecipientAgency string                `json:"recipient_agency"`
	RecipientRole   string                `json:"recipient_role"`
	Purpose         string                `json:"purpose"`
	Content         string                `json:"content"`
	Channel         string                `json:"channel"`
	OccurredAt      string                `json:"occurred_at"`
	RecordedAt      string                `json:"recorded_at"`
	Late            bool                  `json:"late"`
	DisclosedBy     string                `json:"disclosed_by,omitempty"`
	DisclosedByName string                `json:"disclosed_by_name"`
	ConsentID       string                `json:"consent_id,omitempty"`
	ConsentScope    string                `json:"consent_scope,omitempty"`
	LegalBasis      string                `json:"legal_basis,omitempty"`
	Urgent          bool                  `json:"urgent"`
	NeedsReview     bool                  `json:"needs_review"`
	Review          *disclosureReviewJSON `json:"review,omitempty"`
}

type disclosureListJSON struct {
	Items []disclosureJSON `json:"items"`
}

func toConsentJSON(c sqlstore.ConsentRecord, active bool) consentJSON {
	return consentJSON{ID: epID(c.ID), EpisodeID: epID(c.EpisodeID), PersonID: epID(c.PersonID), Scope: c.Scope, Decision: c.Decision, Form: c.Form,
		InterpreterUsed: c.InterpreterUsed, ObtainedBy: epID(c.ObtainedBy), ObtainedByName: c.ObtainedByName, OccurredAt: timeJSON(c.OccurredAt),
		RecordedAt: timeJSON(c.RecordedAt), ExpiresAt: timeJSON(c.ExpiresAt), Late: consentLateEntry(c.OccurredAt, c.RecordedAt), CourtStage: c.CourtStage,
		BestInterests: c.BestInterests, GillickCompetent: c.GillickCompetent, ParentalConsent: c.ParentalConsent, PersonAgeAtEvent: c.PersonAgeAtEvent,
		AppearsUnder18: c.AppearsUnder18, EnteredInError: c.EnteredInError, ErrorReason: c.ErrorReason,
		ErrorAt: timeJSON(c.ErrorAt), ErrorByName: c.ErrorByName, Active: active}
}

func toDisclosureJSON(d sqlstore.DisclosureRecord) disclosureJSON {
	out := disclosureJSON{ID: epID(d.ID), EpisodeID: epID(d.EpisodeID), PersonID: epID(d.PersonID), PersonName: d.PersonName,
		RecipientAgency: d.RecipientAgency, RecipientRole: d.RecipientRole, Purpose: d.Purpose, Content: d.Content, Channel: d.Channel,
		OccurredAt: timeJSON(d.OccurredAt), RecordedAt: timeJSON(d.RecordedAt), Late: consentLateEntry(d.OccurredAt, d.RecordedAt),
		DisclosedBy: epID(d.DisclosedBy), DisclosedByName: d.DisclosedByName, ConsentID: epID(d.ConsentID), ConsentScope: d.ConsentScope,
		LegalBasis: d.LegalBasis, Urgent: d.Urgent, NeedsReview: d.NeedsReview}
	if d.NeedsReview {
		rv := &disclosureReviewJSON{Status: sqlstore.ReviewPending, Due: d.ReviewDue.String()}
		if !d.Pending() {
			rv.Status, rv.ReviewedBy, rv.ReviewedByName = sqlstore.ReviewReviewed, epID(d.ReviewedBy), d.ReviewedByName
			rv.ReviewedAt, rv.Outcome, rv.Comment = timeJSON(d.ReviewedAt), d.Outcome, d.Comment
		}
		out.Review = rv
	}
	return out
}

// apiConsentLog opens the consent log of the path's episode.
func (s *Server) apiConsentLog(r *http.Request) (sqlstore.ConsentLog, error) {
	id, err := orgPathID(r)
	if err != nil {
		return sqlstore.ConsentLog{}, err
	}
	return s.DB.GetConsentLog(r.Context(), id)
}

func (s *Server) consentItems(l sqlstore.ConsentLog) []consentJSON {
	active := map[int64]bool{}
	for _, c := range l.Active(s.now()) {
		active[c.ID] = true
	}
	out := []consentJSON{}
	for _, c := range l.Consents {
		out = append(out, toConsentJSON(c, active[c.ID]))
	}
	return out
}

func (s *Server) apiListConsents(w http.ResponseWriter, r *http.Request) error {
	l, err := s.apiConsentLog(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, consentListJSON{Items: s.consentItems(l)})
}

func (s *Server) apiGetConsent(w http.ResponseWriter, r *http.Request) error {
	l, err := s.apiConsentLog(r)
	if err != nil {
		return err
	}
	want := r.PathValue("consent_id")
	for _, c := range s.consentItems(l) {
		if c.ID == want {
			return writeJSON(w, http.StatusOK, c)
		}
	}
	return liaise.Errorf(liaise.ENOTFOUND, "That consent was not found.")
}

func (s *Server) apiCreateConsent(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b consentBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.ConsentInput{Scope: b.Scope, Decision: b.Decision, Form: b.Form, InterpreterUsed: b.InterpreterUsed, CourtStage: b.CourtStage,
		BestInterests: b.BestInterests, GillickCompetent: b.GillickCompetent, ParentalConsent: b.ParentalConsent, AppearsUnder18: b.AppearsUnder18}
	if in.ObtainedBy, err = parseAPIID("obtained_by", b.ObtainedBy); err != nil {
		return err
	}
	if in.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	if in.ExpiresAt, err = parseAPITime("expires_at", b.ExpiresAt); err != nil {
		return err
	}
	c, err := s.DB.RecordConsent(r.Context(), id, in)
	if err != nil {
		return err
	}
	l, err := s.DB.GetConsentLog(r.Context(), id)
	if err != nil {
		return err
	}
	active := false
	for _, x := range l.Active(s.now()) {
		active = active || x.ID == c.ID
	}
	w.Header().Set("Location", "/api/v1/episodes/"+epID(id)+"/consents/"+epID(c.ID))
	return writeJSON(w, http.StatusCreated, toConsentJSON(c, active))
}

func (s *Server) apiListDisclosures(w http.ResponseWriter, r *http.Request) error {
	l, err := s.apiConsentLog(r)
	if err != nil {
		return err
	}
	out := disclosureListJSON{Items: []disclosureJSON{}}
	for _, d := range l.Disclosures {
		out.Items = append(out.Items, toDisclosureJSON(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetDisclosure(w http.ResponseWriter, r *http.Request) error {
	l, err := s.apiConsentLog(r)
	if err != nil {
		return err
	}
	want := r.PathValue("disclosure_id")
	for _, d := range l.Disclosures {
		if strconv.FormatInt(d.ID, 10) == want {
			return writeJSON(w, http.StatusOK, toDisclosureJSON(d))
		}
	}
	return liaise.Errorf(liaise.ENOTFOUND, "That disclosure was not found.")
}

func (s *Server) apiCreateDisclosure(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b disclosureBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	d := liaise.Disclosure{RecipientAgency: b.RecipientAgency, RecipientRole: b.RecipientRole, Purpose: b.Purpose, Content: b.Content,
		Channel: b.Channel, LegalBasis: b.LegalBasis, Urgent: b.Urgent}
	if d.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	rec, err := s.DB.RecordDisclosure(r.Context(), id, d)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/episodes/"+epID(id)+"/disclosures/"+epID(rec.ID))
	return writeJSON(w, http.StatusCreated, toDisclosureJSON(rec))
}

func (s *Server) apiListDisclosureReviews(w http.ResponseWriter, r *http.Request) error {
	items, err := s.DB.ListDisclosureReviews(r.Context(), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := disclosureListJSON{Items: []disclosureJSON{}}
	for _, d := range items {
		out.Items = append(out.Items, toDisclosureJSON(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRecordDisclosureReview(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b reviewBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	d, err := s.DB.RecordDisclosureReview(r.Context(), id, b.Outcome, b.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toDisclosureJSON(d))
}
