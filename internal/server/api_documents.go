package server

import (
	"net/http"
	"strconv"

	"liaise"
	"liaise/internal/sqlstore"
)

// Documents for police and court in the JSON API: list, draft from the
// record, read one with its versions (the document's version is the ETag),
// and, with If-Match, write a new version, approve, issue and withdraw.

func (s *Server) documentAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/documents", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiListDocuments,
			Summary:  "The documents of an episode (custody advice notes, court reports, communication profiles), newest first, each with its latest version",
			Response: documentListJSON{Items: []documentJSON{{}}}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/documents", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiDraftDocument, Status: http.StatusCreated,
			Summary: "Draft a document of a kind from the record, with the minimum necessary included: health-only, safeguarding and third-party sections start left out",
			Request: documentDraftBody{}, Response: documentJSON{}},
		{Method: "GET", Pattern: "/api/v1/episodes/{id}/documents/{did}", Cap: liaise.CapRecordRead, Personal: true, Handler: s.apiGetDocument,
			Summary: "One document with every version, newest first; its version is the ETag", Response: documentJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/documents/{did}/versions", Cap: liaise.CapRecordWrite, Personal: true, Handler: s.apiSaveDocument,
			Status:  http.StatusCreated,
			Summary: "Write the next version of a document (a draft), with If-Match; an included sensitive section needs a reason",
			Request: documentVersionBody{}, Response: documentJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/documents/{did}/approval", Cap: liaise.CapDocumentApprove, Personal: true, Handler: s.apiApproveDocument,
			Status: http.StatusCreated, Summary: "Approve the latest version, a draft with every included section written, with If-Match", Response: documentJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/documents/{did}/issue", Cap: liaise.CapDocumentApprove, Personal: true, Handler: s.apiIssueDocument,
			Status:  http.StatusCreated,
			Summary: "Issue the approved version after an identity check, with If-Match; it is recorded as a disclosure under the consent rules (422 naming legal_basis without consent or a basis)",
			Request: documentIssueBody{}, Response: documentJSON{}},
		{Method: "POST", Pattern: "/api/v1/episodes/{id}/documents/{did}/withdrawal", Cap: liaise.CapDocumentApprove, Personal: true, Handler: s.apiWithdrawDocument,
			Status: http.StatusCreated, Summary: "Withdraw an issued document with a reason, with If-Match; the disclosure stays on record",
			Request: reasonBody{}, Response: documentJSON{}},
	}
}

type documentDraftBody struct {
	Kind string `json:"kind"`
}

type documentVersionBody struct {
	Sections []liaise.DocumentSection `json:"sections"`
}

type documentIssueBody struct {
	IdentityCheck   liaise.IdentityCheck `json:"identity_check"`
	RecipientAgency string               `json:"recipient_agency"`
	RecipientRole   string               `json:"recipient_role"`
	Purpose         string               `json:"purpose"`
	Channel         string               `json:"channel"`
	OccurredAt      string               `json:"occurred_at,omitempty"`
	LegalBasis      string               `json:"legal_basis,omitempty"`
}

type reasonBody struct {
	Reason string `json:"reason"`
}

type documentVersionJSON struct {
	Number           int                      `json:"number"`
	Status           string                   `json:"status"`
	Header           liaise.DocumentHeader    `json:"header"`
	Sections         []liaise.DocumentSection `json:"sections"`
	WrittenBy        string                   `json:"written_by"`
	WrittenAt        string                   `json:"written_at"`
	ApprovedBy       string                   `json:"approved_by,omitempty"`
	ApprovedAt       string                   `json:"approved_at,omitempty"`
	IdentityMethod   string                   `json:"identity_method,omitempty"`
	IssuedBy         string                   `json:"issued_by,omitempty"`
	IssuedAt         string                   `json:"issued_at,omitempty"`
	DisclosureID     string                   `json:"disclosure_id,omitempty"`
	IssuedToAgency   string                   `json:"issued_to_agency,omitempty"`
	IssuedToRole     string                   `json:"issued_to_role,omitempty"`
	WithdrawnBy      string                   `json:"withdrawn_by,omitempty"`
	WithdrawnAt      string                   `json:"withdrawn_at,omitempty"`
	WithdrawalReason string                   `json:"withdrawal_reason,omitempty"`
}

type documentJSON struct {
	ID            string                `json:"id"`
	EpisodeID     string                `json:"episode_id"`
	Kind          string                `json:"kind"`
	Status        string                `json:"status"`
	LatestVersion int                   `json:"latest_version"`
	HearingDate   string                `json:"hearing_date,omitempty"`
	Latest        documentVersionJSON   `json:"latest"`
	Versions      []documentVersionJSON `json:"versions,omitempty"`
	Version       int                   `json:"version"`
}

type documentListJSON struct {
	Items []documentJSON `json:"items"`
}

func toDocumentVersionJSON(v sqlstore.DocumentVersion) documentVersionJSON {
	out := documentVersionJSON{Number: v.Number, Status: v.Status, Header: v.Header, Sections: v.Sections, WrittenBy: v.WrittenByName,
		WrittenAt: timeJSON(v.WrittenAt), ApprovedBy: v.ApprovedByName, ApprovedAt: timeJSON(v.ApprovedAt), IdentityMethod: v.IdentityMethod,
		IssuedBy: v.IssuedByName, IssuedAt: timeJSON(v.IssuedAt), IssuedToAgency: v.IssuedToAgency, IssuedToRole: v.IssuedToRole,
		WithdrawnBy: v.WithdrawnByName, WithdrawnAt: timeJSON(v.WithdrawnAt), WithdrawalReason: v.WithdrawalReason}
	if v.DisclosureID != 0 {
		out.DisclosureID = strconv.FormatInt(v.DisclosureID, 10)
	}
	if out.Sections == nil {
		out.Sections = []liaise.DocumentSection{}
	}
	return out
}

func toDocumentJSON(d sqlstore.Document) documentJSON {
	out := documentJSON{ID: epID(d.ID), EpisodeID: epID(d.EpisodeID), Kind: d.Kind, Status: d.Status, LatestVersion: d.LatestVersion,
		Latest: toDocumentVersionJSON(d.Latest), Version: d.Version}
	if !d.HearingDate.IsZero() {
		out.HearingDate = d.HearingDate.String()
	}
	for _, v := range d.Versions {
		out.Versions = append(out.Versions, toDocumentVersionJSON(v))
	}
	return out
}

func documentLocation(episode, id int64) string {
	return "/api/v1/episodes/" + epID(episode) + "/documents/" + strconv.FormatInt(id, 10)
}

func (s *Server) apiListDocuments(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	list, _, err := s.DB.ListDocuments(r.Context(), id)
	if err != nil {
		return err
	}
	out := documentListJSON{Items: []documentJSON{}}
	for _, d := range list {
		out.Items = append(out.Items, toDocumentJSON(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiDraftDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	var b documentDraftBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	d, err := s.DB.DraftDocument(r.Context(), id, b.Kind)
	if err != nil {
		return err
	}
	return writeCreated(w, documentLocation(id, d.ID), d.Version, toDocumentJSON(d))
}

func (s *Server) apiGetDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := orgPathID(r)
	if err != nil {
		return err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return err
	}
	d, _, err := s.DB.GetDocument(r.Context(), id, did)
	if err != nil {
		return err
	}
	setETag(w, d.Version)
	return writeJSON(w, http.StatusOK, toDocumentJSON(d))
}

// documentAction runs a change of a document named by the path with the
// If-Match version, then answers with the document as it now is.
func (s *Server) documentAction(w http.ResponseWriter, r *http.Request, body any, change func(episode, id int64, version int) error) error {
	var id int64
	var version int
	var err error
	if body == nil {
		// Approval takes no body: the If-Match version says what is approved.
		if id, err = orgPathID(r); err == nil {
			version, err = ifMatch(r)
		}
	} else {
		id, version, err = readPatch(r, body)
	}
	if err != nil {
		return err
	}
	did, err := pathID(r, "did")
	if err != nil {
		return err
	}
	if err := change(id, did, version); err != nil {
		return err
	}
	d, _, err := s.DB.GetDocument(r.Context(), id, did)
	if err != nil {
		return err
	}
	return writeCreated(w, documentLocation(id, did), d.Version, toDocumentJSON(d))
}

func (s *Server) apiSaveDocument(w http.ResponseWriter, r *http.Request) error {
	var b documentVersionBody
	return s.documentAction(w, r, &b, func(episode, id int64, version int) error {
		_, err := s.DB.SaveDocumentVersion(r.Context(), episode, id, version, b.Sections)
		return err
	})
}

func (s *Server) apiApproveDocument(w http.ResponseWriter, r *http.Request) error {
	return s.documentAction(w, r, nil, func(episode, id int64, version int) error {
		return s.DB.ApproveDocument(r.Context(), episode, id, version)
	})
}

func (s *Server) apiIssueDocument(w http.ResponseWriter, r *http.Request) error {
	var b documentIssueBody
	return s.documentAction(w, r, &b, func(episode, id int64, version int) error {
		in := sqlstore.IssueInput{Identity: b.IdentityCheck, Disclosure: liaise.Disclosure{RecipientAgency: b.RecipientAgency, RecipientRole: b.RecipientRole,
			Purpose: b.Purpose, Channel: b.Channel, LegalBasis: b.LegalBasis}}
		var err error
		if in.Disclosure.OccurredAt, err = parseAPITime("occurred_at", b.OccurredAt); err != nil {
			return err
		}
		_, err = s.DB.IssueDocument(r.Context(), episode, id, version, in)
		return err
	})
}

func (s *Server) apiWithdrawDocument(w http.ResponseWriter, r *http.Request) error {
	var b reasonBody
	return s.documentAction(w, r, &b, func(episode, id int64, version int) error {
		return s.DB.WithdrawDocument(r.Context(), episode, id, version, b.Reason)
	})
}
