package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/codes"
	"liaise/internal/sqlstore"
)

// Screening pages: an episode's screenings, and the minimum and full
// screening forms (issue 3 item 6). A wrong screening is marked entered in
// error (ui_entered_in_error.go): it stays, flagged, and no longer counts.

func (s *Server) screeningRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/episodes/{id}/screening", Cap: liaise.CapRecordRead, Personal: true, Handler: s.screeningList},
		{Method: "GET", Pattern: "/episodes/{id}/screening/{kind}", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.screeningNew},
		{Method: "POST", Pattern: "/episodes/{id}/screening/{kind}", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.screeningCreate, Draft: s.episodeDraft},
	}, s.inErrorRoutes(screeningsInError), s.screeningAPIRoutes())
}

// screeningsInError marks a screening entered in error; the move to
// screened that a complete screen made is taken back with it.
var screeningsInError = inErrorKind{Page: "screening", API: "screenings", Param: "screening_id", Store: sqlstore.ScreeningEntries}

func screeningHref(id int64) string { return episodeHref(id) + "/screening" }

// episodeForPage opens an episode for a page; a break-glass refusal sends
// the user to the person's page, which asks for the reason (handled is set).
func (s *Server) screeningEpisodePage(w http.ResponseWriter, r *http.Request, id int64) (e sqlstore.Episode, handled bool, err error) {
	e, err = s.DB.GetEpisode(r.Context(), id)
	var bge *liaise.BreakGlassError
	if errors.As(err, &bge) {
		http.Redirect(w, r, "/people/"+strconv.FormatInt(bge.PersonID, 10), http.StatusSeeOther)
		return e, true, nil
	}
	return e, false, err
}

// --- The list ---------------------------------------------------------------

type screeningListData struct {
	EpisodeHref, PersonName string
	Tag                     personTag
	CanWrite                bool
	MinimumHref, FullHref   string
	Items                   []screeningSummary
}

type screeningSummary struct {
	Title    string
	Rows     []summaryRow
	Late     bool
	NotDone  bool
	Outcome  string
	Findings []string
	correctionView
}

func screeningLevel(level string) string {
	if level == "" {
		return "Not recorded"
	}
	return liaise.LabelOf(liaise.RiskLevels, level)
}

func screeningOrNot(s string) string {
	if s == "" {
		return "Not recorded"
	}
	return s
}

func summariseScreening(r sqlstore.ScreeningRecord, canWrite bool) screeningSummary {
	sc := r.Screening
	out := screeningSummary{Title: liaise.LabelOf(liaise.ScreeningKinds, string(sc.Kind)) + ", " + sc.OccurredAt.Local().Format("2 Jan 2006 15:04"),
		Late: liaise.LateEntry(sc.OccurredAt, sc.RecordedAt), NotDone: sc.Incomplete,
		correctionView: screeningsInError.view(sc.EpisodeID, sc.ID, sc.EnteredInError, r.Correction, canWrite)}
	recorded := sc.RecordedAt.Local().Format("2 Jan 2006 15:04") + " by " + r.UserName
	out.Rows = []summaryRow{
		{"Recorded", recorded},
		{"Question set", sc.QuestionSetVersion},
	}
	if sc.Incomplete {
		out.Rows = append(out.Rows, summaryRow{"Not completed because", codes.Label("not-screened-reasons", sc.IncompleteReason)})
	}
	how := screeningOrNot(liaise.LabelOf(liaise.ScreeningModes, sc.Mode))
	if sc.RemoteDetails != "" {
		how += " (" + sc.RemoteDetails + ")"
	}
	out.Rows = append(out.Rows, summaryRow{"How", how})
	if sc.OthersPresent != "" {
		out.Rows = append(out.Rows, summaryRow{"Also present", sc.OthersPresent})
	}
	if sc.InterpreterUsed {
		out.Rows = append(out.Rows, summaryRow{"Interpreter", sc.InterpreterLanguage})
	}
	out.Rows = append(out.Rows,
		summaryRow{"Risk in custody", screeningLevel(sc.RiskInCustody)},
		summaryRow{"Advice to custody staff", screeningOrNot(sc.AdviceToCustody)},
		summaryRow{"Assessment needed", screeningOrNot(liaise.LabelOf(liaise.AssessmentNeededChoices, sc.AssessmentNeeded))})
	if sc.Kind == liaise.ScreeningFull {
		for _, x := range []struct {
			k string
			r liaise.Risk
		}{{"Risk to self", sc.RiskToSelf}, {"Risk to others", sc.RiskToOthers}, {"Risk from others", sc.RiskFromOthers}, {"Safeguarding", sc.Safeguarding}} {
			v := screeningLevel(x.r.Level)
			if x.r.Notes != "" {
				v += ": " + x.r.Notes
			}
			out.Rows = append(out.Rows, summaryRow{x.k, v})
		}
		out.Rows = append(out.Rows, summaryRow{"Urgency", screeningOrNot(liaise.LabelOf(liaise.ScreeningUrgencies, sc.Urgency))})
	}
	for _, v := range sc.Vulnerabilities {
		if v.Answer == liaise.AnswerSuspected || v.Answer == liaise.AnswerConfirmed {
			f := codes.Label("vulnerabilities", v.Code) + ": " + lowerText(liaise.LabelOf(liaise.VulnerabilityAnswers, v.Answer))
			if v.Notes != "" {
				f += " (" + v.Notes + ")"
			}
			out.Findings = append(out.Findings, f)
		}
	}
	return out
}

func (s *Server) screeningList(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	list, err := s.DB.ListScreenings(r.Context(), id)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := screeningListData{EpisodeHref: episodeHref(id), PersonName: e.Person.DisplayName(), Tag: stateTag(e.State),
		CanWrite: a.Can(liaise.CapRecordWrite) && !e.State.Terminal(), MinimumHref: screeningHref(id) + "/minimum", FullHref: screeningHref(id) + "/full"}
	for _, sc := range list {
		d.Items = append(d.Items, summariseScreening(sc, a.Can(liaise.CapRecordWrite)))
	}
	p := s.newPage(r, "Screening: "+d.PersonName)
	p.Data = d
	s.render(w, r, http.StatusOK, "screening", p)
	return nil
}

// --- The forms --------------------------------------------------------------

type screeningFormData struct {
	Full                    bool
	Title, Action, BackHref string
	PersonName              string
	Vulns                   []vulnQuestion
	Risks                   []riskQuestion
	Levels, Answers, Modes  []Option
	Urgencies, Assess       []Option
	YesNo, Reasons          []Option
}

type vulnQuestion struct{ ID, NotesID, Label string }

type riskQuestion struct{ ID, NotesID, Legend, Hint string }

func screeningOptions(cl []liaise.CodeLabel) []Option {
	out := make([]Option, len(cl))
	for i, c := range cl {
		out[i] = Option{Value: c.Code, Label: c.Label}
	}
	return out
}

var screeningRisks = []riskQuestion{
	{"risk_to_self", "risk_to_self_notes", "Risk to self", "Suicide or self-harm, including charge-related risk"},
	{"risk_to_others", "risk_to_others_notes", "Risk to others", ""},
	{"risk_from_others", "risk_from_others_notes", "Risk from others", "For example exploitation, domestic or sexual abuse"},
	{"safeguarding", "safeguarding_notes", "Safeguarding", "A concern about a child or an adult at risk"},
}

func screeningKind(r *http.Request) (liaise.ScreeningKind, error) {
	k := liaise.ScreeningKind(r.PathValue("kind"))
	if k != liaise.ScreeningMinimum && k != liaise.ScreeningFull {
		return "", notFoundError()
	}
	return k, nil
}

func (s *Server) renderScreeningForm(w http.ResponseWriter, r *http.Request, status int, e sqlstore.Episode, kind liaise.ScreeningKind, f *Form) error {
	today := liaise.DateOf(s.now().In(liaise.London))
	d := screeningFormData{Full: kind == liaise.ScreeningFull, Action: screeningHref(e.ID) + "/" + string(kind), BackHref: screeningHref(e.ID),
		PersonName: e.Person.DisplayName(), Levels: screeningOptions(liaise.RiskLevels), Answers: screeningOptions(liaise.VulnerabilityAnswers),
		Modes: screeningOptions(liaise.ScreeningModes), Urgencies: screeningOptions(liaise.ScreeningUrgencies), Assess: screeningOptions(liaise.AssessmentNeededChoices),
		YesNo: []Option{{"no", "No"}, {"yes", "Yes"}}, Reasons: codeOptions("not-screened-reasons", today)}
	d.Title = "Minimum screen"
	if d.Full {
		d.Title = "Full screen"
		d.Risks = screeningRisks
		for _, c := range s.DB.VulnerabilityCodes() {
			d.Vulns = append(d.Vulns, vulnQuestion{ID: "vuln_" + c, NotesID: "vuln_" + c + "_notes", Label: codes.Label("vulnerabilities", c)})
		}
	}
	if err := s.draftForm(r, f, episodeSubject(e)); err != nil {
		return err
	}
	p := s.newPage(r, d.Title+": "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "screening_form", p)
	return nil
}

func (s *Server) screeningNew(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	kind, err := screeningKind(r)
	if err != nil {
		return err
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	f := NewForm(nil)
	setFormTime(f, "occurred_at", s.now())
	f.Set("mode", liaise.ModeFaceToFace)
	f.Set("interpreter_used", "no")
	for _, c := range s.DB.VulnerabilityCodes() {
		f.Set("vuln_"+c, liaise.AnswerNotExplored)
	}
	return s.renderScreeningForm(w, r, http.StatusOK, e, kind, f)
}

// screeningFromForm reads the form's answers; only a full screen's form
// carries the checklist.
func (s *Server) screeningFromForm(f *Form, kind liaise.ScreeningKind) *liaise.Screening {
	sc := &liaise.Screening{Kind: kind, Mode: f.Get("mode"), RemoteDetails: f.Get("remote_details"), OthersPresent: f.Get("others_present"),
		InterpreterUsed: f.Get("interpreter_used") == "yes", InterpreterLanguage: f.Get("interpreter_language"),
		RiskInCustody: f.Get("risk_in_custody"), AdviceToCustody: f.Get("advice_to_custody"), AssessmentNeeded: f.Get("assessment_needed"),
		Incomplete: f.Get("incomplete") == "yes", IncompleteReason: f.Get("incomplete_reason")}
	sc.OccurredAt = formTime(f, "occurred_at", "When the screening happened")
	if kind == liaise.ScreeningFull {
		sc.Urgency = f.Get("urgency")
		sc.RiskToSelf = liaise.Risk{Level: f.Get("risk_to_self"), Notes: f.Get("risk_to_self_notes")}
		sc.RiskToOthers = liaise.Risk{Level: f.Get("risk_to_others"), Notes: f.Get("risk_to_others_notes")}
		sc.RiskFromOthers = liaise.Risk{Level: f.Get("risk_from_others"), Notes: f.Get("risk_from_others_notes")}
		sc.Safeguarding = liaise.Risk{Level: f.Get("safeguarding"), Notes: f.Get("safeguarding_notes")}
		for _, c := range s.DB.VulnerabilityCodes() {
			sc.Vulnerabilities = append(sc.Vulnerabilities, liaise.VulnerabilityAnswer{Code: c, Answer: f.Get("vuln_" + c), Notes: f.Get("vuln_" + c + "_notes")})
		}
	}
	return sc
}

// screeningFlash is the success banner: what happened to the episode too.
func screeningFlash(sc *liaise.Screening, res sqlstore.ScreeningResult) string {
	kind := liaise.LabelOf(liaise.ScreeningKinds, string(sc.Kind))
	switch {
	case sc.Incomplete:
		return kind + " recorded as not completed. The episode stays " + lowerText(res.State.Label()) +
			": if screening will not be tried again, record that it could not be done on the episode page"
	case res.Moved:
		return kind + " recorded: the episode is now screened"
	}
	msg := kind + " recorded. The episode stays " + lowerText(res.State.Label())
	if res.NotMoved != "" {
		msg += " (" + strings.TrimSuffix(res.NotMoved, ".") + ")"
	}
	return msg
}

var screeningFieldOrder = []string{"occurred_at", "mode", "remote_details", "others_present", "interpreter_used", "interpreter_language",
	"risk_in_custody", "advice_to_custody", "assessment_needed"}

func (s *Server) screeningCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	kind, err := screeningKind(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	sc := s.screeningFromForm(f, kind)
	if f.Valid() {
		res, err := s.DB.RecordScreening(r.Context(), id, sc)
		if err == nil {
			s.draftDone(r)
			return s.redirect(w, r, screeningHref(id), screeningFlash(sc, res))
		}
		order := slices.Clone(screeningFieldOrder)
		for _, q := range screeningRisks {
			order = append(order, q.ID, q.NotesID)
		}
		order = append(order, "urgency")
		for _, c := range s.DB.VulnerabilityCodes() {
			order = append(order, "vuln_"+c, "vuln_"+c+"_notes")
		}
		order = append(order, "incomplete_reason")
		if !f.Absorb(err, order...) {
			return err
		}
	}
	e, handled, err := s.screeningEpisodePage(w, r, id)
	if handled || err != nil {
		return err
	}
	return s.renderScreeningForm(w, r, http.StatusUnprocessableEntity, e, kind, f)
}
