package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Justice outcome pages: an episode's custody and court outcomes, whether
// each recommendation was followed, and the next hearing that hands the
// episode over to the court's team.

func (s *Server) outcomeRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/episodes/{id}/outcomes", Cap: liaise.CapRecordRead, Personal: true, Handler: s.outcomesPage},
		{Method: "GET", Pattern: "/episodes/{id}/outcomes/custody", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.outcomeNew(liaise.StageCustody)},
		{Method: "POST", Pattern: "/episodes/{id}/outcomes/custody", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.outcomeCreate(liaise.StageCustody), Draft: s.episodeDraft},
		{Method: "GET", Pattern: "/episodes/{id}/outcomes/court", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.outcomeNew(liaise.StageCourt)},
		{Method: "POST", Pattern: "/episodes/{id}/outcomes/court", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.outcomeCreate(liaise.StageCourt), Draft: s.episodeDraft},
	}, s.inErrorRoutes(outcomesInError), s.outcomeAPIRoutes())
}

// outcomesInError marks a custody or court outcome entered in error: it no
// longer counts (as a diversion, or for the recommendations followed). A
// handover it made is not undone.
var outcomesInError = inErrorKind{Page: "outcomes", API: "outcomes", Param: "outcome_id", Store: sqlstore.OutcomeEntries}

// --- List --------------------------------------------------------------------------

type outcomesPageData struct {
	episodeHeading
	Rows                   []outcomeRow
	CanWrite               bool
	CustodyHref, CourtHref string
}

type outcomeRow struct {
	When, Stage, Outcome, Requirements, Notes, Hearing, HandoverNote, By, Recorded string
	Recommendations                                                                []string
	Diversion, Late                                                                bool
	correctionView
}

func (s *Server) outcomesPage(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	list, err := s.DB.ListJusticeOutcomes(r.Context(), id)
	if err != nil {
		return err
	}
	href := episodeHref(id)
	d := outcomesPageData{episodeHeading: episodeHeading{href, e.Person.DisplayName()}, CanWrite: liaise.ActorFrom(r.Context()).Can(liaise.CapRecordWrite),
		CustodyHref: href + "/outcomes/custody", CourtHref: href + "/outcomes/court"}
	for _, o := range list {
		row := outcomeRow{When: whenText(o.OccurredAt), Stage: "Custody", Outcome: sqlstore.OutcomeLabel(o.Stage, o.Outcome), Notes: o.Notes,
			HandoverNote: o.HandoverNote, By: o.UserName, Recorded: whenText(o.RecordedAt), Diversion: o.Diversion(), Late: o.Late(),
			correctionView: outcomesInError.view(id, o.ID, o.EnteredInError, o.Correction, d.CanWrite)}
		if o.Stage == liaise.StageCourt {
			row.Stage = "Court"
		}
		var reqs []string
		for _, q := range o.Requirements {
			reqs = append(reqs, codes.Label("community-order-requirements", q))
		}
		row.Requirements = strings.Join(reqs, ", ")
		if o.NextHearingSiteID != 0 {
			row.Hearing = o.NextHearingSiteName + " on " + dateText(o.NextHearingDate) + " (handed over to " + o.HandoverTeamName + ")"
		}
		for _, rec := range o.Recommendations {
			t := codes.Label("recommendation-types", rec.Type)
			if rec.Detail != "" {
				t += " (" + rec.Detail + ")"
			}
			row.Recommendations = append(row.Recommendations, t+": "+lowerText(liaise.LabelOf(liaise.FollowedAnswers, rec.Followed)))
		}
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, "Justice outcomes – "+d.PersonName)
	p.Data = d
	s.render(w, r, http.StatusOK, "outcomes", p)
	return nil
}

// --- Add ---------------------------------------------------------------------------

type outcomeRecField struct {
	ID, Label, Value string
}

type outcomeFormData struct {
	episodeHeading
	Court                 bool
	Heading, Action       string
	Outcomes, Requirement []Option
	Followed              []Option
	Recommendations       []outcomeRecField
	Courts                []Option
	HearingHint           string
}

var outcomeFields = []string{"occurred_at", "stage", "outcome", "requirements", "recommendations", "notes", "next_hearing_site_id", "next_hearing_date", "handover_note"}

func (s *Server) renderOutcomeForm(w http.ResponseWriter, r *http.Request, status int, stage string, id int64, f *Form) error {
	e, ok, err := s.episodeByID(w, r, id)
	if !ok {
		return err
	}
	sites, err := s.DB.CourtSites(r.Context())
	if err != nil {
		return err
	}
	today := liaise.DateOf(s.now().In(liaise.London))
	d := outcomeFormData{episodeHeading: episodeHeading{episodeHref(id), e.Person.DisplayName()}, Court: stage == liaise.StageCourt,
		Action: episodeHref(id) + "/outcomes/" + stage, Followed: labelOptions(liaise.FollowedAnswers)}
	if d.Court {
		d.Heading = "Record a court outcome"
		d.Outcomes = codeOptions("court-outcomes", today)
		d.Requirement = codeOptions("community-order-requirements", today)
		d.HearingHint = "Only when remanded in custody or on bail: the episode moves to that court's team, who see it on their caseload"
	} else {
		d.Heading = "Record a custody outcome"
		d.Outcomes = codeOptions("custody-outcomes", today)
		d.HearingHint = "Only when charged: the episode moves to that court's team, who see it on their caseload"
	}
	for _, t := range liaise.RecommendationTypes {
		d.Recommendations = append(d.Recommendations, outcomeRecField{ID: "rec_" + t, Label: codes.Label("recommendation-types", t), Value: f.Get("rec_" + t)})
	}
	for _, st := range sites {
		d.Courts = append(d.Courts, Option{Value: strconv.FormatInt(st.ID, 10), Label: st.Name})
	}
	if err := s.draftForm(r, f, episodeSubject(e)); err != nil {
		return err
	}
	p := s.newPage(r, d.Heading)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "outcome_form", p)
	return nil
}

func (s *Server) outcomeNew(stage string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		f := NewForm(nil)
		setFormTime(f, "occurred_at", s.now())
		return s.renderOutcomeForm(w, r, http.StatusOK, stage, id, f)
	}
}

// outcomeFromForm reads an outcome form; format errors go straight into f.
// Each recommendation type has its own answer; blank means not recommended.
func outcomeFromForm(f *Form, stage string) sqlstore.JusticeOutcome {
	var o sqlstore.JusticeOutcome
	o.Stage, o.Outcome, o.Notes = stage, f.Get("outcome"), f.Get("notes")
	o.OccurredAt = formTime(f, "occurred_at", "When the decision was made")
	if stage == liaise.StageCourt {
		o.Requirements = f.Values["requirements"]
	}
	for _, t := range liaise.RecommendationTypes {
		if v := f.Get("rec_" + t); v != "" {
			rec := liaise.Recommendation{Type: t, Followed: v}
			if t == liaise.RecommendOther {
				rec.Detail = f.Get("rec_other_detail")
			}
			o.Recommendations = append(o.Recommendations, rec)
		}
	}
	if v := f.Get("next_hearing_site_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.AddError("next_hearing_site_id", "Choose the court of the next hearing")
		}
		o.NextHearingSiteID = n
	}
	o.NextHearingDate = formDate(f, "next_hearing_date", "Date of the next hearing")
	o.HandoverNote = f.Get("handover_note")
	return o
}

func (s *Server) outcomeCreate(stage string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := orgPathID(r)
		if err != nil {
			return err
		}
		f, err := orgParseForm(r)
		if err != nil {
			return err
		}
		o := outcomeFromForm(f, stage)
		if f.Valid() {
			err := s.DB.AddJusticeOutcome(r.Context(), id, &o)
			if err == nil {
				s.draftDone(r)
				flash := "Outcome recorded"
				if o.Late() {
					flash += " (flagged as a late entry: recorded more than 24 hours after it happened)"
				}
				if o.HandoverTeamID != 0 {
					flash += ". Handed over to " + o.HandoverTeamName + " for the hearing on " + dateText(o.NextHearingDate)
					// The previous team no longer sees the episode, unless also in the court team.
					if !liaise.ActorFrom(r.Context()).InTeam(o.HandoverTeamID) {
						return s.redirect(w, r, "/caseload", flash)
					}
				}
				return s.redirect(w, r, episodeHref(id)+"/outcomes", flash)
			}
			if breakGlassRedirect(w, r, err) {
				return nil
			}
			if !f.Absorb(err, outcomeFields...) {
				return err
			}
		}
		return s.renderOutcomeForm(w, r, http.StatusUnprocessableEntity, stage, id, f)
	}
}
