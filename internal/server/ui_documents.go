package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"liaise"
	"liaise/internal/sqlstore"
)

// Documents for police and court (issue 3 item 10): an episode's documents,
// drafting one from the record, editing (each save is a new version),
// approving, issuing after an identity check (which records the
// disclosure), withdrawing and printing. What goes in by default is the
// domain's decision (liaise.DraftDocument); these pages explain it.

func (s *Server) documentRoutes() []Route {
	return slices.Concat([]Route{
		{Method: "GET", Pattern: "/episodes/{id}/documents", Cap: liaise.CapRecordRead, Personal: true, Handler: s.documentsPage},
		{Method: "POST", Pattern: "/episodes/{id}/documents", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.documentDraft},
		{Method: "GET", Pattern: "/episodes/{id}/documents/{did}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.documentPage},
		{Method: "GET", Pattern: "/episodes/{id}/documents/{did}/edit", Cap: liaise.CapRecordWrite, Personal: true,
			Handler: s.documentFormPage(liaise.DocActionEdit, func(w http.ResponseWriter, r *http.Request, doc sqlstore.Document, e sqlstore.Episode) error {
				return s.renderDocumentForm(w, r, http.StatusOK, doc, e, documentFormFromVersion(doc.Latest, doc.Version))
			})},
		{Method: "POST", Pattern: "/episodes/{id}/documents/{did}/edit", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.documentSave,
			Draft: s.documentDraftSubject},
		{Method: "POST", Pattern: "/episodes/{id}/documents/{did}/approve", Cap: liaise.CapDocumentApprove, Personal: true, Handler: s.documentApprove},
		{Method: "GET", Pattern: "/episodes/{id}/documents/{did}/issue", Cap: liaise.CapDocumentApprove, Personal: true,
			Handler: s.documentFormPage(liaise.DocActionIssue, s.documentIssueForm)},
		{Method: "POST", Pattern: "/episodes/{id}/documents/{did}/issue", Cap: liaise.CapDocumentApprove, Personal: true, Handler: s.documentIssue},
		{Method: "GET", Pattern: "/episodes/{id}/documents/{did}/withdraw", Cap: liaise.CapDocumentApprove, Personal: true,
			Handler: s.documentFormPage(liaise.DocActionWithdraw, func(w http.ResponseWriter, r *http.Request, doc sqlstore.Document, e sqlstore.Episode) error {
				return s.renderDocumentWithdraw(w, r, http.StatusOK, doc, e, NewForm(nil))
			})},
		{Method: "POST", Pattern: "/episodes/{id}/documents/{did}/withdraw", Cap: liaise.CapDocumentApprove, Personal: true, Handler: s.documentWithdraw},
		{Method: "GET", Pattern: "/episodes/{id}/documents/{did}/print", Cap: liaise.CapRecordRead, Personal: true, Handler: s.documentPrint},
	}, s.documentAPIRoutes())
}

func documentsHref(episode int64) string { return episodeHref(episode) + "/documents" }

func documentHref(episode, id int64) string {
	return documentsHref(episode) + "/" + strconv.FormatInt(id, 10)
}

// documentStatusTag is the NHS.UK tag of a document status.
func documentStatusTag(status string) personTag {
	class := map[string]string{liaise.DocDraft: "nhsuk-tag--grey", liaise.DocApproved: "nhsuk-tag--blue", liaise.DocIssued: "nhsuk-tag--green",
		liaise.DocWithdrawn: "nhsuk-tag--red"}[status]
	return personTag{Label: liaise.LabelOf(liaise.DocumentStatuses, status), Class: class}
}

// --- List and draft ------------------------------------------------------------

type documentsPageData struct {
	episodeHeading
	Rows     []documentRow
	CanWrite bool
	Action   string
	Kinds    []Option
}

type documentRow struct {
	Href, Kind, Version, Written, Approved, Issued string
	Status                                         personTag
}

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocuments(w, r, http.StatusOK, nil)
}

func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, e, err := s.DB.ListDocuments(r.Context(), id)
	if breakGlassRedirect(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	a := liaise.ActorFrom(r.Context())
	d := documentsPageData{episodeHeading: episodeHeading{EpisodeHref: episodeHref(id), PersonName: e.Person.DisplayName()},
		CanWrite: a.Can(liaise.CapRecordWrite) && !e.State.Terminal(), Action: documentsHref(id), Kinds: labelOptions(liaise.DocumentKinds)}
	if len(e.Person.Names) == 0 {
		d.PersonName = "Episode " + strconv.FormatInt(id, 10)
	}
	for _, x := range list {
		row := documentRow{Href: documentHref(id, x.ID), Kind: x.KindLabel(), Version: strconv.Itoa(x.LatestVersion),
			Written: whenText(x.Latest.WrittenAt) + " by " + x.Latest.WrittenByName, Status: documentStatusTag(x.Status)}
		if x.Latest.ApprovedByName != "" {
			row.Approved = x.Latest.ApprovedByName
		}
		if !x.Latest.IssuedAt.IsZero() {
			row.Issued = recipientLabel(x.Latest.IssuedToAgency) + ", " + whenText(x.Latest.IssuedAt)
		}
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, "Documents for police and court")
	if f != nil {
		p.Form = f
	}
	p.Data = d
	s.render(w, r, status, "documents", p)
	return nil
}

func (s *Server) documentDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	f, err := orgParseForm(r)
	if err != nil {
		return err
	}
	doc, err := s.DB.DraftDocument(r.Context(), id, f.Get("kind"))
	if breakGlassRedirect(w, r, err) {
		return nil
	}
	if err == nil {
		return s.redirect(w, r, documentHref(id, doc.ID)+"/edit", doc.KindLabel()+" drafted from the record: check each section before you approve it")
	}
	if !f.Absorb(err, "kind") {
		return err
	}
	return s.renderDocuments(w, r, http.StatusUnprocessableEntity, f)
}

// --- One document --------------------------------------------------------------

// documentView is a version as the recipient sees it, for the page and print.
type documentView struct {
	Title, Status, Version   string
	Draft, Issued, Withdrawn bool
	Header                   []summaryRow
	IdentityWarning          string
	Sections                 []documentSectionView
	Footer                   []string
}

type documentSectionView struct {
	Heading, Sensitive, Reason string
	Paragraphs                 []documentParagraph
}

// documentParagraph is a run of text lines, or of list items ("- " lines).
type documentParagraph struct {
	List  bool
	Lines []string
}

// paragraphs splits section text into paragraphs and lists, so a drafted
// "- item" list prints as a list and free text as paragraphs.
func paragraphs(text string) []documentParagraph {
	var out []documentParagraph
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t\r")
		item, isItem := strings.CutPrefix(line, "- ")
		switch {
		case strings.TrimSpace(line) == "":
			out = append(out, documentParagraph{})
		case isItem:
			if n := len(out); n > 0 && out[n-1].List {
				out[n-1].Lines = append(out[n-1].Lines, item)
			} else {
				out = append(out, documentParagraph{List: true, Lines: []string{item}})
			}
		default:
			if n := len(out); n > 0 && !out[n-1].List && len(out[n-1].Lines) > 0 {
				out[n-1].Lines = append(out[n-1].Lines, line)
			} else {
				out = append(out, documentParagraph{Lines: []string{line}})
			}
		}
	}
	return slices.DeleteFunc(out, func(p documentParagraph) bool { return len(p.Lines) == 0 })
}

func toDocumentView(doc sqlstore.Document, v sqlstore.DocumentVersion) documentView {
	h := v.Header
	view := documentView{Title: doc.KindLabel(), Status: liaise.LabelOf(liaise.DocumentStatuses, v.Status), Version: strconv.Itoa(v.Number),
		Draft: v.Status == liaise.DocDraft || v.Status == liaise.DocApproved, Issued: v.Status == liaise.DocIssued, Withdrawn: v.Status == liaise.DocWithdrawn}
	add := func(k, val string) {
		if val != "" {
			view.Header = append(view.Header, summaryRow{k, val})
		}
	}
	add("Name", h.PersonName)
	add("Date of birth", h.DateOfBirth)
	add("Custody record number", h.CustodyRecord)
	add("Court reference", h.CourtReference)
	add("Where seen", h.Site)
	if !h.HearingDate.IsZero() {
		add("Hearing", h.HearingDate.Time().Format("Monday 2 January 2006"))
	}
	if h.Child {
		add("Age", "Under 18: a child (PACE Code C)")
	}
	add("From", "Liaison and Diversion, "+h.Team)
	switch h.IdentityStatus {
	case liaise.IdentityAsGiven:
		view.IdentityWarning = "Identity not confirmed: the name and date of birth are as given to police."
	case liaise.IdentityUnknown:
		view.IdentityWarning = "Identity unknown: check who this person is before relying on this document."
	}
	for _, sec := range v.Included() {
		sv := documentSectionView{Heading: sec.Heading, Paragraphs: paragraphs(sec.Text)}
		if sec.Sensitive != "" {
			sv.Sensitive, sv.Reason = liaise.LabelOf(liaise.SensitivityLabels, sec.Sensitive), sec.Reason
		}
		view.Sections = append(view.Sections, sv)
	}
	view.Footer = append(view.Footer, "Written by "+v.WrittenByName+", "+whenText(v.WrittenAt)+".")
	if v.ApprovedByName != "" {
		view.Footer = append(view.Footer, "Approved by "+v.ApprovedByName+", "+whenText(v.ApprovedAt)+".")
	}
	if !v.IssuedAt.IsZero() {
		view.Footer = append(view.Footer, "Issued by "+v.IssuedByName+" to "+lowerText(recipientLabel(v.IssuedToAgency))+" ("+v.IssuedToRole+"), "+
			whenText(v.IssuedAt)+".")
	}
	return view
}

type documentPageData struct {
	episodeHeading
	DocumentsHref                                               string
	Doc                                                         documentView
	Status                                                      personTag
	Version                                                     int
	Versions                                                    []documentVersionRow
	EditHref, ApproveAction, IssueHref, WithdrawHref, PrintHref string
	CanEdit, CanApprove, CanIssue, CanWithdraw                  bool
	Withdrawal                                                  string
}

type documentVersionRow struct {
	Number, Written, Approved, Issued, Withdrawn, PrintHref string
	Status                                                  personTag
}

// documentFor opens a document of the path's episode ({id}, {did}).
func (s *Server) documentFor(w http.ResponseWriter, r *http.Request) (sqlstore.Document, sqlstore.Episode, bool, error) {
	id, err := orgPathID(r)
	if err != nil {
		return sqlstore.Document{}, sqlstore.Episode{}, false, err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return sqlstore.Document{}, sqlstore.Episode{}, false, err
	}
	doc, e, err := s.DB.GetDocument(r.Context(), id, did)
	if breakGlassRedirect(w, r, err) {
		return doc, e, false, nil
	}
	return doc, e, err == nil, err
}

// documentPost opens the path's document for a posted form.
func (s *Server) documentPost(w http.ResponseWriter, r *http.Request) (sqlstore.Document, sqlstore.Episode, *Form, bool, error) {
	doc, e, ok, err := s.documentFor(w, r)
	if !ok {
		return doc, e, nil, false, err
	}
	f, err := orgParseForm(r)
	return doc, e, f, err == nil, err
}

// documentFormPage shows the form of an action on the path's document,
// once the action is allowed on its latest version.
func (s *Server) documentFormPage(action string, show func(http.ResponseWriter, *http.Request, sqlstore.Document, sqlstore.Episode) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		doc, e, ok, err := s.documentFor(w, r)
		if !ok {
			return err
		}
		if err := liaise.DocumentActionAllowed(doc.Status, action); err != nil {
			return err
		}
		return show(w, r, doc, e)
	}
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	doc, e, ok, err := s.documentFor(w, r)
	if !ok {
		return err
	}
	return s.renderDocumentPage(w, r, http.StatusOK, doc, e, nil)
}

func (s *Server) renderDocumentPage(w http.ResponseWriter, r *http.Request, status int, doc sqlstore.Document, e sqlstore.Episode, f *Form) error {
	a := liaise.ActorFrom(r.Context())
	href := documentHref(doc.EpisodeID, doc.ID)
	d := documentPageData{episodeHeading: episodeHeading{EpisodeHref: episodeHref(doc.EpisodeID), PersonName: e.Person.DisplayName()},
		DocumentsHref: documentsHref(doc.EpisodeID), Doc: toDocumentView(doc, doc.Latest), Status: documentStatusTag(doc.Status), Version: doc.Version,
		EditHref: href + "/edit", ApproveAction: href + "/approve", IssueHref: href + "/issue", WithdrawHref: href + "/withdraw",
		PrintHref: href + "/print?v=" + strconv.Itoa(doc.LatestVersion)}
	write, approve := a.Can(liaise.CapRecordWrite) && !e.State.Terminal(), a.Can(liaise.CapDocumentApprove)
	d.CanEdit = write && liaise.DocumentActionAllowed(doc.Status, liaise.DocActionEdit) == nil
	d.CanApprove = approve && liaise.DocumentActionAllowed(doc.Status, liaise.DocActionApprove) == nil
	d.CanIssue = approve && liaise.DocumentActionAllowed(doc.Status, liaise.DocActionIssue) == nil
	d.CanWithdraw = approve && liaise.DocumentActionAllowed(doc.Status, liaise.DocActionWithdraw) == nil
	if doc.Latest.WithdrawalReason != "" {
		d.Withdrawal = "Withdrawn by " + doc.Latest.WithdrawnByName + ", " + whenText(doc.Latest.WithdrawnAt) + ": " + doc.Latest.WithdrawalReason
	}
	for _, v := range doc.Versions {
		row := documentVersionRow{Number: strconv.Itoa(v.Number), Written: whenText(v.WrittenAt) + " by " + v.WrittenByName, Status: documentStatusTag(v.Status),
			PrintHref: href + "/print?v=" + strconv.Itoa(v.Number)}
		if v.Number != doc.LatestVersion && (v.Status == liaise.DocDraft || v.Status == liaise.DocApproved) {
			// Never issued, and replaced by a later version.
			row.Status = personTag{Label: "Superseded", Class: "nhsuk-tag--white"}
		}
		if v.ApprovedByName != "" {
			row.Approved = v.ApprovedByName + ", " + whenText(v.ApprovedAt)
		}
		if !v.IssuedAt.IsZero() {
			row.Issued = recipientLabel(v.IssuedToAgency) + " (" + v.IssuedToRole + "), " + whenText(v.IssuedAt)
		}
		if !v.WithdrawnAt.IsZero() {
			row.Withdrawn = whenText(v.WithdrawnAt)
		}
		d.Versions = append(d.Versions, row)
	}
	p := s.newPage(r, doc.KindLabel()+": "+d.PersonName)
	if f != nil {
		p.Form = f
	}
	p.Data = d
	s.render(w, r, status, "document", p)
	return nil
}

func (s *Server) documentApprove(w http.ResponseWriter, r *http.Request) error {
	doc, e, f, ok, err := s.documentPost(w, r)
	if !ok {
		return err
	}
	err = s.DB.ApproveDocument(r.Context(), doc.EpisodeID, doc.ID, f.Int("version"))
	if err == nil {
		return s.redirect(w, r, documentHref(doc.EpisodeID, doc.ID), doc.KindLabel()+" version "+strconv.Itoa(doc.LatestVersion)+" approved: it can now be issued")
	}
	switch {
	case liaise.ErrorCode(err) == liaise.EINVALID:
		// The approval is refused for what the version says: one message
		// at the button, naming each section to write or leave out.
		var msgs []string
		for _, sec := range doc.Latest.Sections {
			if m := liaise.ErrorFields(err)["text_"+sec.Key]; m != "" {
				msgs = append(msgs, m)
			}
		}
		if len(msgs) == 0 {
			msgs = append(msgs, liaise.ErrorMessage(err))
		}
		f.AddError("approve", "This version cannot be approved yet. "+strings.Join(msgs, ". ")+". Edit the document first.")
	case !documentFormError(f, err, "approve"):
		return err
	}
	return s.renderDocumentPage(w, r, http.StatusUnprocessableEntity, doc, e, f)
}

// documentFormError puts a refused change into the form: field errors at
// their fields (in order), a stale or conflicting change at field (the
// page's main control).
func documentFormError(f *Form, err error, field string, order ...string) bool {
	switch liaise.ErrorCode(err) {
	case liaise.ESTALE, liaise.ECONFLICT:
		f.AddError(field, liaise.ErrorMessage(err))
		return true
	}
	return f.Absorb(err, order...)
}

// --- Edit ----------------------------------------------------------------------

type documentFormData struct {
	episodeHeading
	BackHref, Action, Kind string
	Version                int
	Sections, Sensitive    []documentFormSection
	WasIssued              bool
	// SensitiveOpen opens the left-out sections when any has something in
	// it (drafted text, or the writer chose to include it).
	SensitiveOpen bool
}

type documentFormSection struct {
	Key, Heading, Hint, Sensitive string
}

func documentFormFromVersion(v sqlstore.DocumentVersion, version int) *Form {
	f := NewForm(nil)
	f.Set("version", strconv.Itoa(version))
	for _, sec := range v.Sections {
		f.Set("text_"+sec.Key, sec.Text)
		f.Set("reason_"+sec.Key, sec.Reason)
		if sec.Included {
			f.Set("include_"+sec.Key, "yes")
		}
	}
	return f
}

func documentSubject(doc sqlstore.Document, e sqlstore.Episode) draftSubject {
	return draftSubject{Type: "document", ID: doc.ID, TeamID: e.TeamID, Version: doc.Version, Noun: "document"}
}

// documentDraftSubject opens the document of the edit form for its draft.
func (s *Server) documentDraftSubject(r *http.Request) (draftSubject, error) {
	id, err := orgPathID(r)
	if err != nil {
		return draftSubject{}, err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return draftSubject{}, err
	}
	doc, e, err := s.DB.GetDocument(r.Context(), id, did)
	return documentSubject(doc, e), err
}

func (s *Server) renderDocumentForm(w http.ResponseWriter, r *http.Request, status int, doc sqlstore.Document, e sqlstore.Episode, f *Form) error {
	// A long report is typed over a while: it keeps a draft like other long forms.
	if err := s.draftForm(r, f, documentSubject(doc, e)); err != nil {
		return err
	}
	href := documentHref(doc.EpisodeID, doc.ID)
	d := documentFormData{episodeHeading: episodeHeading{EpisodeHref: episodeHref(doc.EpisodeID), PersonName: e.Person.DisplayName()},
		BackHref: href, Action: href + "/edit", Kind: doc.KindLabel(), Version: f.Int("version"), WasIssued: doc.Status == liaise.DocIssued}
	for _, sec := range doc.Latest.Sections {
		fs := documentFormSection{Key: sec.Key, Heading: sec.Heading, Hint: liaise.DocumentSectionHint(doc.Kind, sec.Key)}
		if sec.Sensitive != "" {
			fs.Sensitive = liaise.LabelOf(liaise.SensitivityLabels, sec.Sensitive)
			d.Sensitive = append(d.Sensitive, fs)
			d.SensitiveOpen = d.SensitiveOpen || f.Get("text_"+sec.Key) != "" || f.Get("include_"+sec.Key) == "yes" || f.Error("reason_"+sec.Key) != ""
		} else {
			d.Sections = append(d.Sections, fs)
		}
	}
	p := s.newPage(r, "Edit "+lowerText(doc.KindLabel())+": "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "document_form", p)
	return nil
}

func (s *Server) documentSave(w http.ResponseWriter, r *http.Request) error {
	doc, e, f, ok, err := s.documentPost(w, r)
	if !ok {
		return err
	}
	var secs []liaise.DocumentSection
	for _, sec := range doc.Latest.Sections {
		secs = append(secs, liaise.DocumentSection{Key: sec.Key, Text: f.Values.Get("text_" + sec.Key), Included: f.Get("include_"+sec.Key) == "yes",
			Reason: f.Get("reason_" + sec.Key)})
	}
	n, err := s.DB.SaveDocumentVersion(r.Context(), doc.EpisodeID, doc.ID, f.Int("version"), secs)
	if err == nil {
		s.draftDone(r)
		return s.redirect(w, r, documentHref(doc.EpisodeID, doc.ID), "Version "+strconv.Itoa(n)+" saved as a draft")
	}
	first := ""
	if len(doc.Latest.Sections) > 0 {
		first = "text_" + doc.Latest.Sections[0].Key
	}
	if !documentFormError(f, err, first) {
		return err
	}
	return s.renderDocumentForm(w, r, http.StatusUnprocessableEntity, doc, e, f)
}

// --- Issue ---------------------------------------------------------------------

type documentIssueData struct {
	episodeHeading
	BackHref, Action, Kind, VersionText string
	Version                             int
	Sections                            []string
	IdentityWarning                     string
	Current                             []summaryRow
	Methods, Agencies, Purposes         []Option
	Channels, Bases                     []Option
}

var documentIssueFields = []string{"identity_method", "identity_confirmed", "recipient_agency", "recipient_role", "purpose", "channel", "occurred_at", "legal_basis"}

func (s *Server) renderDocumentIssue(w http.ResponseWriter, r *http.Request, status int, doc sqlstore.Document, e sqlstore.Episode, f *Form) error {
	today := liaise.DateOf(s.now().In(liaise.London))
	href := documentHref(doc.EpisodeID, doc.ID)
	view := toDocumentView(doc, doc.Latest)
	d := documentIssueData{episodeHeading: episodeHeading{EpisodeHref: episodeHref(doc.EpisodeID), PersonName: e.Person.DisplayName()},
		BackHref: href, Action: href + "/issue", Kind: doc.KindLabel(), VersionText: strconv.Itoa(doc.LatestVersion), Version: doc.Version,
		IdentityWarning: view.IdentityWarning, Methods: labelOptions(liaise.IdentityCheckMethods), Purposes: codeOptions("disclosure-purposes", today),
		Channels: labelOptions(liaise.DisclosureChannels)}
	for _, sec := range view.Sections {
		d.Sections = append(d.Sections, sec.Heading)
	}
	for _, code := range liaise.DocumentRecipients(doc.Kind) {
		d.Agencies = append(d.Agencies, Option{Value: code, Label: recipientLabel(code)})
	}
	d.Bases = append([]Option{{Value: "", Label: "None: the person has consented to this sharing"}}, codeOptions("disclosure-legal-bases", today)...)
	l, err := s.DB.GetConsentLog(r.Context(), doc.EpisodeID)
	if err != nil {
		return err
	}
	d.Current = consentInForce(l, s.now())
	p := s.newPage(r, "Issue "+lowerText(doc.KindLabel())+": "+d.PersonName)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "document_issue", p)
	return nil
}

func (s *Server) documentIssueForm(w http.ResponseWriter, r *http.Request, doc sqlstore.Document, e sqlstore.Episode) error {
	f := NewForm(nil)
	f.Set("recipient_agency", liaise.DocumentRecipients(doc.Kind)[0])
	f.Set("purpose", liaise.DocumentPurpose(doc.Kind))
	setFormTime(f, "occurred_at", s.now())
	return s.renderDocumentIssue(w, r, http.StatusOK, doc, e, f)
}

func (s *Server) documentIssue(w http.ResponseWriter, r *http.Request) error {
	doc, e, f, ok, err := s.documentPost(w, r)
	if !ok {
		return err
	}
	in := sqlstore.IssueInput{Identity: liaise.IdentityCheck{Method: f.Get("identity_method"), Confirmed: f.Get("identity_confirmed") == "yes"},
		Disclosure: liaise.Disclosure{RecipientAgency: f.Get("recipient_agency"), RecipientRole: f.Get("recipient_role"), Purpose: f.Get("purpose"),
			Channel: f.Get("channel"), LegalBasis: f.Get("legal_basis")}}
	in.Disclosure.OccurredAt = formTime(f, "occurred_at", "When it was issued")
	if f.Valid() {
		rec, err := s.DB.IssueDocument(r.Context(), doc.EpisodeID, doc.ID, f.Int("version"), in)
		if err == nil {
			flash := doc.KindLabel() + " issued to " + lowerText(recipientLabel(rec.RecipientAgency)) + " and recorded as a disclosure"
			if rec.NeedsReview {
				flash += ". It was shared without consent, so it will be reviewed on " + rec.ReviewDue.Time().Format("Monday 2 January")
			}
			return s.redirect(w, r, documentHref(doc.EpisodeID, doc.ID), flash)
		}
		if !documentFormError(f, err, "identity_method", documentIssueFields...) {
			return err
		}
	}
	return s.renderDocumentIssue(w, r, http.StatusUnprocessableEntity, doc, e, f)
}

// --- Withdraw ------------------------------------------------------------------

type documentWithdrawData struct {
	episodeHeading
	BackHref, Action, Kind string
	Version                int
}

func (s *Server) renderDocumentWithdraw(w http.ResponseWriter, r *http.Request, status int, doc sqlstore.Document, e sqlstore.Episode, f *Form) error {
	href := documentHref(doc.EpisodeID, doc.ID)
	p := s.newPage(r, "Withdraw "+lowerText(doc.KindLabel())+": "+e.Person.DisplayName())
	p.Form = f
	p.Data = documentWithdrawData{episodeHeading: episodeHeading{EpisodeHref: episodeHref(doc.EpisodeID), PersonName: e.Person.DisplayName()},
		BackHref: href, Action: href + "/withdraw", Kind: doc.KindLabel(), Version: doc.Version}
	s.render(w, r, status, "document_withdraw", p)
	return nil
}

func (s *Server) documentWithdraw(w http.ResponseWriter, r *http.Request) error {
	doc, e, f, ok, err := s.documentPost(w, r)
	if !ok {
		return err
	}
	err = s.DB.WithdrawDocument(r.Context(), doc.EpisodeID, doc.ID, f.Int("version"), f.Get("reason"))
	if err == nil {
		return s.redirect(w, r, documentHref(doc.EpisodeID, doc.ID), doc.KindLabel()+" withdrawn. Tell the recipient it no longer stands.")
	}
	if !documentFormError(f, err, "reason") {
		return err
	}
	return s.renderDocumentWithdraw(w, r, http.StatusUnprocessableEntity, doc, e, f)
}

// --- Print ---------------------------------------------------------------------

type documentPrintData struct {
	BackHref string
	Doc      documentView
}

func (s *Server) documentPrint(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return err
	}
	n := 0
	if v := r.URL.Query().Get("v"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			return notFoundError()
		}
	}
	doc, v, _, err := s.DB.PrintDocument(r.Context(), id, did, n)
	if breakGlassRedirect(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	p := s.newPage(r, doc.KindLabel()+" (version "+strconv.Itoa(v.Number)+")")
	p.Data = documentPrintData{BackHref: documentHref(id, did), Doc: toDocumentView(doc, v)}
	s.render(w, r, http.StatusOK, "document_print", p)
	return nil
}
