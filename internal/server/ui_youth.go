package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Children and young people page (issue 3 item 17): the age at the alert
// (with a warning under 10), the appropriate adult (present, or why not;
// the latest entry counts) and safeguarding referrals. Both are append-only
// and never block screening. The JSON API is at the end of this file.

func (s *Server) youthRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/episodes/{id}/youth", Cap: liaise.CapRecordRead, Personal: true, Handler: s.youthPage},
		{Method: "POST", Pattern: "/episodes/{id}/youth/appropriate-adult", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.youthAACreate},
		{Method: "POST", Pattern: "/episodes/{id}/youth/safeguarding-referrals", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.youthSGCreate},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/appropriate-adult", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListAA,
			Summary:  "An episode's appropriate adult entries, oldest first; the latest counts (current), with the age at the alert",
			Response: aaListJSON{Items: []aaJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/appropriate-adult", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddAA,
			Status:  http.StatusCreated,
			Summary: "Record the appropriate adult: present with relationship and name, or not present with a reason; never blocks screening",
			Request: aaBody{}, Response: aaJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/safeguarding-referrals", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListSG,
			Summary: "An episode's safeguarding referrals, oldest first", Response: sgListJSON{Items: []sgJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/safeguarding-referrals", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiAddSG,
			Status:  http.StatusCreated,
			Summary: "Record a safeguarding referral (children's services, MASH or adult safeguarding) with its reference",
			Request: sgBody{}, Response: sgJSON{}},
	}
}

func youthHref(episode int64) string { return episodeHref(episode) + "/youth" }

type aaView struct {
	Present                  bool
	Who, Name, Why, Occurred string
	Recorded, By             string
	Late                     bool
}

type sgView struct {
	To, Reference, Concern, Outcome string
	Occurred, Recorded, By          string
	Late                            bool
}

type youthPageData struct {
	PersonName, EpisodeHref, TasksHref, Action string
	AgeText                                    string
	Child, Under10, CanWrite, BreakGlass       bool
	AARecorded                                 bool
	Current                                    aaView
	AAHistory                                  []aaView
	Referrals                                  []sgView
	Relationships, AbsentReasons, Destinations []Option
	PresentOptions                             []Option
}

func youthOptions(list []struct{ Code, Label string }) []Option {
	out := make([]Option, len(list))
	for i, x := range list {
		out[i] = Option{Value: x.Code, Label: x.Label}
	}
	return out
}

func toAAView(a sqlstore.AppropriateAdult) aaView {
	v := aaView{Present: a.Present, Name: a.Name, Occurred: stamp(a.OccurredAt), Recorded: stamp(a.RecordedAt), By: a.RecordedByName, Late: a.Late()}
	if a.Present {
		v.Who = sqlstore.AARelationshipLabel(a.Relationship)
	} else {
		v.Why = sqlstore.AAAbsentReasonLabel(a.AbsentReason)
		if a.AbsentDetail != "" {
			v.Why += ": " + a.AbsentDetail
		}
	}
	return v
}

func youthAgeText(y sqlstore.YouthRecord) string {
	switch {
	case y.Age >= 0:
		return strconv.Itoa(y.Age)
	case y.AppearsUnder18:
		return "Not known: appears under 18 (treated as a child)"
	}
	return "Not known"
}

func (s *Server) youthPage(w http.ResponseWriter, r *http.Request) error {
	f := NewForm(nil)
	setFormTime(f, "aa_at", s.now())
	setFormTime(f, "sg_at", s.now())
	return s.renderYouth(w, r, http.StatusOK, f)
}

func (s *Server) renderYouth(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	e, ok, err := s.episodeForPage(w, r)
	if !ok {
		return err
	}
	y, err := s.DB.GetYouthRecord(r.Context(), e.ID)
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := youthPageData{PersonName: e.Person.DisplayName(), EpisodeHref: episodeHref(e.ID), TasksHref: episodeHref(e.ID) + "/tasks",
		Action: youthHref(e.ID), AgeText: youthAgeText(y), Child: y.Child(), Under10: y.Age >= 0 && y.Age < 10,
		CanWrite: a.Can(liaise.CapRecordWrite), BreakGlass: e.BreakGlass,
		Relationships: youthOptions(sqlstore.AARelationships), AbsentReasons: youthOptions(sqlstore.AAAbsentReasons),
		Destinations: youthOptions(sqlstore.SafeguardingDestinations), PresentOptions: []Option{{"yes", "Yes"}, {"no", "No"}}}
	if cur, ok := y.LatestAA(); ok {
		d.AARecorded, d.Current = true, toAAView(cur)
	}
	for i := len(y.AppropriateAdults) - 1; i >= 0; i-- {
		d.AAHistory = append(d.AAHistory, toAAView(y.AppropriateAdults[i]))
	}
	for _, x := range y.SafeguardingRefs {
		d.Referrals = append(d.Referrals, sgView{To: sqlstore.SafeguardingLabel(x.ReferredTo), Reference: x.Reference, Concern: x.Concern,
			Outcome: x.Outcome, Occurred: stamp(x.OccurredAt), Recorded: stamp(x.RecordedAt), By: x.RecordedByName, Late: x.Late()})
	}
	p := s.newPage(r, "Children and young people: "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "youth", p)
	return nil
}

// absorbAs takes a store validation error into the form, renaming the
// store's occurred_at to this form's time field (two forms share the page).
func absorbAs(f *Form, err error, timeID string, order ...string) bool {
	if liaise.ErrorCode(err) != liaise.EINVALID {
		return false
	}
	var v liaise.Validation
	for k, m := range liaise.ErrorFields(err) {
		if k == "occurred_at" {
			k = timeID
		}
		v.Add(k, m)
	}
	if v.Err() == nil {
		f.AddError("", liaise.ErrorMessage(err))
		return true
	}
	return f.Absorb(v.Err(), order...)
}

func (s *Server) youthAACreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := sqlstore.AppropriateAdultInput{Present: f.Get("aa_present") == "yes", Relationship: f.Get("relationship"), Name: f.Get("name"),
		AbsentReason: f.Get("absent_reason"), AbsentDetail: f.Get("absent_detail")}
	if p := f.Get("aa_present"); p != "yes" && p != "no" {
		f.AddError("aa_present", "Select yes if an appropriate adult is present")
	}
	in.OccurredAt = formTime(f, "aa_at", "When")
	if f.Valid() {
		_, err := s.DB.RecordAppropriateAdult(r.Context(), id, in)
		if err == nil {
			return s.redirect(w, r, youthHref(id), "Appropriate adult recorded")
		}
		if !absorbAs(f, err, "aa_at", "relationship", "name", "absent_reason", "absent_detail", "aa_at") {
			return err
		}
	}
	return s.renderYouth(w, r, http.StatusUnprocessableEntity, f)
}

func (s *Server) youthSGCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	in := sqlstore.SafeguardingInput{ReferredTo: f.Get("referred_to"), Reference: f.Get("reference"), Concern: f.Values.Get("concern"),
		Outcome: f.Values.Get("outcome")}
	in.OccurredAt = formTime(f, "sg_at", "When the referral was made")
	if f.Valid() {
		_, err := s.DB.RecordSafeguardingReferral(r.Context(), id, in)
		if err == nil {
			return s.redirect(w, r, youthHref(id), "Safeguarding referral recorded")
		}
		if !absorbAs(f, err, "sg_at", "referred_to", "reference", "concern", "outcome", "sg_at") {
			return err
		}
	}
	return s.renderYouth(w, r, http.StatusUnprocessableEntity, f)
}

// --- JSON API ------------------------------------------------------------------

type aaBody struct {
	Present      bool   `json:"present"`
	Relationship string `json:"relationship,omitempty"`
	Name         string `json:"name,omitempty"`
	AbsentReason string `json:"absent_reason,omitempty"`
	AbsentDetail string `json:"absent_detail,omitempty"`
	OccurredAt   string `json:"occurred_at"`
}

type aaJSON struct {
	ID           string `json:"id"`
	EpisodeID    string `json:"episode_id"`
	Present      bool   `json:"present"`
	Relationship string `json:"relationship,omitempty"`
	Name         string `json:"name,omitempty"`
	AbsentReason string `json:"absent_reason,omitempty"`
	AbsentDetail string `json:"absent_detail,omitempty"`
	OccurredAt   string `json:"occurred_at"`
	RecordedAt   string `json:"recorded_at"`
	Late         bool   `json:"late"`
	RecordedBy   string `json:"recorded_by_name"`
}

type aaListJSON struct {
	// AgeAtAlert is -1 when the date of birth is not known.
	AgeAtAlert     int      `json:"age_at_alert"`
	AppearsUnder18 bool     `json:"appears_under_18"`
	Child          bool     `json:"child"`
	Current        *aaJSON  `json:"current"`
	Items          []aaJSON `json:"items"`
}

type sgBody struct {
	ReferredTo string `json:"referred_to"`
	Reference  string `json:"reference"`
	Concern    string `json:"concern,omitempty"`
	Outcome    string `json:"outcome,omitempty"`
	OccurredAt string `json:"occurred_at"`
}

type sgJSON struct {
	ID         string `json:"id"`
	EpisodeID  string `json:"episode_id"`
	ReferredTo string `json:"referred_to"`
	Reference  string `json:"reference"`
	Concern    string `json:"concern"`
	Outcome    string `json:"outcome"`
	OccurredAt string `json:"occurred_at"`
	RecordedAt string `json:"recorded_at"`
	Late       bool   `json:"late"`
	RecordedBy string `json:"recorded_by_name"`
}

type sgListJSON struct {
	Items []sgJSON `json:"items"`
}

func toAAJSON(a sqlstore.AppropriateAdult) aaJSON {
	return aaJSON{ID: epID(a.ID), EpisodeID: epID(a.EpisodeID), Present: a.Present, Relationship: a.Relationship, Name: a.Name,
		AbsentReason: a.AbsentReason, AbsentDetail: a.AbsentDetail, OccurredAt: timeJSON(a.OccurredAt), RecordedAt: timeJSON(a.RecordedAt),
		Late: a.Late(), RecordedBy: a.RecordedByName}
}

func toSGJSON(x sqlstore.SafeguardingReferral) sgJSON {
	return sgJSON{ID: epID(x.ID), EpisodeID: epID(x.EpisodeID), ReferredTo: x.ReferredTo, Reference: x.Reference, Concern: x.Concern,
		Outcome: x.Outcome, OccurredAt: timeJSON(x.OccurredAt), RecordedAt: timeJSON(x.RecordedAt), Late: x.Late(), RecordedBy: x.RecordedByName}
}

func (s *Server) apiListAA(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	y, err := s.DB.GetYouthRecord(r.Context(), id)
	if err != nil {
		return err
	}
	out := aaListJSON{AgeAtAlert: y.Age, AppearsUnder18: y.AppearsUnder18, Child: y.Child(), Items: []aaJSON{}}
	for _, a := range y.AppropriateAdults {
		out.Items = append(out.Items, toAAJSON(a))
	}
	if cur, ok := y.LatestAA(); ok {
		c := toAAJSON(cur)
		out.Current = &c
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddAA(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b aaBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.AppropriateAdultInput{Present: b.Present, Relationship: b.Relationship, Name: b.Name, AbsentReason: b.AbsentReason, AbsentDetail: b.AbsentDetail}
	if in.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	a, err := s.DB.RecordAppropriateAdult(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/episodes/"+epID(id)+"/appropriate-adult")
	return writeJSON(w, http.StatusCreated, toAAJSON(a))
}

func (s *Server) apiListSG(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	y, err := s.DB.GetYouthRecord(r.Context(), id)
	if err != nil {
		return err
	}
	out := sgListJSON{Items: []sgJSON{}}
	for _, x := range y.SafeguardingRefs {
		out.Items = append(out.Items, toSGJSON(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddSG(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b sgBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	in := sqlstore.SafeguardingInput{ReferredTo: b.ReferredTo, Reference: b.Reference, Concern: b.Concern, Outcome: b.Outcome}
	if in.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
		return err
	}
	x, err := s.DB.RecordSafeguardingReferral(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/episodes/"+epID(id)+"/safeguarding-referrals#"+epID(x.ID))
	return writeJSON(w, http.StatusCreated, toSGJSON(x))
}
