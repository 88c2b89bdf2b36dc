package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liaise"
	"liaise/internal/codes"
)

// Documents for police and court (issue 3 item 10). A document belongs to
// an episode and has numbered versions; the version's header and sections
// are written once. liaise.DraftDocument decides what a new document says
// (minimum necessary); this file stores versions, stamps approval, issue
// and withdrawal on them, and issues through insertDisclosure, so a
// document goes out only under the same consent rules as any sharing.

// DocumentVersion is one version of a document with the names beside it.
type DocumentVersion struct {
	ID             int64
	Number         int
	Status         string
	Header         liaise.DocumentHeader
	Sections       []liaise.DocumentSection
	WrittenBy      int64
	WrittenByName  string
	WrittenAt      liaise.Time
	ApprovedByName string
	ApprovedAt     liaise.Time
	IdentityMethod string
	IssuedByName   string
	IssuedAt       liaise.Time
	DisclosureID   int64
	// IssuedTo is the recipient of the disclosure that issued it.
	IssuedToAgency, IssuedToRole string
	WithdrawnByName              string
	WithdrawnAt                  liaise.Time
	WithdrawalReason             string
}

// Included returns the sections that are in the document.
func (v DocumentVersion) Included() []liaise.DocumentSection {
	var out []liaise.DocumentSection
	for _, s := range v.Sections {
		if s.Included && s.Text != "" {
			out = append(out, s)
		}
	}
	return out
}

// Document is a document with its latest version, and all its versions
// (newest first) when opened.
type Document struct {
	ID, ProviderID, EpisodeID, PersonID int64
	Kind, Status                        string
	LatestVersion                       int
	HearingDate                         liaise.Date
	CreatedAt, UpdatedAt                liaise.Time
	Version                             int
	Latest                              DocumentVersion
	Versions                            []DocumentVersion
}

// KindLabel is the document's kind in words.
func (d Document) KindLabel() string { return liaise.LabelOf(liaise.DocumentKinds, d.Kind) }

func documentNotFound() error { return liaise.Errorf(liaise.ENOTFOUND, "That document was not found.") }

const documentVersionCols = `v.id, v.number, v.status, v.header, v.sections, v.written_by, COALESCE(wu.display_name, 'System'), v.written_at,
	COALESCE(au.display_name, ''), v.approved_at, COALESCE(v.identity_method, ''), COALESCE(iu.display_name, ''), v.issued_at,
	COALESCE(v.disclosure_id, 0), COALESCE(dd.recipient_agency, ''), COALESCE(dd.recipient_role, ''), COALESCE(xu.display_name, ''),
	v.withdrawn_at, COALESCE(v.withdrawal_reason, '')`

const documentVersionFrom = ` FROM document_versions v LEFT JOIN users wu ON wu.id = v.written_by LEFT JOIN users au ON au.id = v.approved_by
	LEFT JOIN users iu ON iu.id = v.issued_by LEFT JOIN users xu ON xu.id = v.withdrawn_by LEFT JOIN disclosures dd ON dd.id = v.disclosure_id`

func scanDocumentVersion(row interface{ Scan(...any) error }, v *DocumentVersion, extra ...any) error {
	var header, sections string
	var by sql.NullInt64
	err := row.Scan(append([]any{&v.ID, &v.Number, &v.Status, &header, &sections, &by, &v.WrittenByName, &v.WrittenAt, &v.ApprovedByName,
		&v.ApprovedAt, &v.IdentityMethod, &v.IssuedByName, &v.IssuedAt, &v.DisclosureID, &v.IssuedToAgency, &v.IssuedToRole,
		&v.WithdrawnByName, &v.WithdrawnAt, &v.WithdrawalReason}, extra...)...)
	if err != nil {
		return err
	}
	v.WrittenBy = by.Int64
	if err := json.Unmarshal([]byte(header), &v.Header); err != nil {
		return fmt.Errorf("document version %d header: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(sections), &v.Sections); err != nil {
		return fmt.Errorf("document version %d sections: %w", v.ID, err)
	}
	return nil
}

const documentCols = `d.id, d.provider_id, d.episode_id, d.person_id, d.kind, d.status, d.latest_version, d.hearing_date, d.created_at, d.updated_at, d.version`

func scanDocument(row interface{ Scan(...any) error }, d *Document, extra ...any) error {
	return row.Scan(append([]any{&d.ID, &d.ProviderID, &d.EpisodeID, &d.PersonID, &d.Kind, &d.Status, &d.LatestVersion, &d.HearingDate,
		&d.CreatedAt, &d.UpdatedAt, &d.Version}, extra...)...)
}

// auditDocumentRead audits a read or print of an episode's documents.
func (db *DB) auditDocumentRead(ctx context.Context, a *liaise.Actor, e Episode, action string, id int64, detail string) error {
	ev := liaise.EventFor(a, action, "document", id)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = detail
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	return db.AuditRead(ctx, ev)
}

// openEpisodeForDocuments opens an episode for reading its documents, with
// the person's names for the page's heading.
func (db *DB) openEpisodeForDocuments(ctx context.Context, a *liaise.Actor, episodeID int64) (Episode, error) {
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return e, err
	}
	return e, loadPersonChildren(ctx, db, &e.Person)
}

// ListDocuments returns an episode's documents, newest first, each with its
// latest version. Audited.
func (db *DB) ListDocuments(ctx context.Context, episodeID int64) ([]Document, Episode, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.openEpisodeForDocuments(ctx, a, episodeID)
	if err != nil {
		return nil, e, err
	}
	rows, err := db.Query(ctx, `SELECT `+documentCols+`, `+documentVersionCols+` FROM documents d
		JOIN document_versions v ON v.document_id = d.id AND v.number = d.latest_version`+strings.TrimPrefix(documentVersionFrom, " FROM document_versions v")+`
		WHERE d.episode_id = ? ORDER BY d.id DESC`, episodeID)
	if err != nil {
		return nil, e, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var v DocumentVersion
		var header, sections string
		var by sql.NullInt64
		if err := scanDocument(rows, &d, &v.ID, &v.Number, &v.Status, &header, &sections, &by, &v.WrittenByName, &v.WrittenAt, &v.ApprovedByName,
			&v.ApprovedAt, &v.IdentityMethod, &v.IssuedByName, &v.IssuedAt, &v.DisclosureID, &v.IssuedToAgency, &v.IssuedToRole,
			&v.WithdrawnByName, &v.WithdrawnAt, &v.WithdrawalReason); err != nil {
			return nil, e, err
		}
		v.WrittenBy = by.Int64
		d.Latest = v
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, e, err
	}
	return out, e, db.auditDocumentRead(ctx, a, e, liaise.AuditList, 0, "documents of episode "+strconv.FormatInt(episodeID, 10))
}

// loadDocument reads one document of an episode with every version, newest
// first.
func loadDocument(ctx context.Context, q queryer, episodeID, id int64) (Document, error) {
	var d Document
	err := scanDocument(q.QueryRow(ctx, `SELECT `+documentCols+` FROM documents d WHERE d.id = ? AND d.episode_id = ?`, id, episodeID), &d)
	if errors.Is(err, sql.ErrNoRows) {
		return d, documentNotFound()
	}
	if err != nil {
		return d, err
	}
	rows, err := q.Query(ctx, `SELECT `+documentVersionCols+documentVersionFrom+` WHERE v.document_id = ? ORDER BY v.number DESC`, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var v DocumentVersion
		if err := scanDocumentVersion(rows, &v); err != nil {
			return d, err
		}
		d.Versions = append(d.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	if len(d.Versions) == 0 {
		return d, fmt.Errorf("document %d has no versions", id)
	}
	d.Latest = d.Versions[0]
	return d, nil
}

// GetDocument opens one document of an episode with all its versions.
// Audited.
func (db *DB) GetDocument(ctx context.Context, episodeID, id int64) (Document, Episode, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.openEpisodeForDocuments(ctx, a, episodeID)
	if err != nil {
		return Document{}, e, err
	}
	d, err := loadDocument(ctx, db, episodeID, id)
	if err != nil {
		return d, e, err
	}
	return d, e, db.auditDocumentRead(ctx, a, e, liaise.AuditRead, id, d.Kind)
}

// PrintDocument opens one version of a document for printing; the print is
// audited as such, since a printed copy leaves the system.
func (db *DB) PrintDocument(ctx context.Context, episodeID, id int64, number int) (Document, DocumentVersion, Episode, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.openEpisodeForDocuments(ctx, a, episodeID)
	if err != nil {
		return Document{}, DocumentVersion{}, e, err
	}
	d, err := loadDocument(ctx, db, episodeID, id)
	if err != nil {
		return d, DocumentVersion{}, e, err
	}
	if number == 0 {
		number = d.LatestVersion
	}
	for _, v := range d.Versions {
		if v.Number == number {
			return d, v, e, db.auditDocumentRead(ctx, a, e, liaise.AuditPrint, id, fmt.Sprintf("%s version %d", d.Kind, number))
		}
	}
	return d, DocumentVersion{}, e, liaise.Errorf(liaise.ENOTFOUND, "That version of the document was not found.")
}

// documentHeader takes the identifying snapshot of an episode's person.
func documentHeader(e Episode) liaise.DocumentHeader {
	p := e.Person
	h := liaise.DocumentHeader{PersonName: p.DisplayName(), IdentityStatus: p.IdentityStatus, CustodyRecord: e.CustodyRecord,
		CourtReference: e.CourtReference, Site: e.SiteName, HearingDate: e.HearingDate, Team: e.TeamName}
	switch {
	case !p.DOBUnknown && !p.DateOfBirth.IsZero():
		h.DateOfBirth = p.DateOfBirth.Time().Format("2 January 2006")
	case p.EstimatedAge > 0:
		h.DateOfBirth = "Not known (about " + strconv.Itoa(p.EstimatedAge) + ")"
	default:
		h.DateOfBirth = "Not known"
	}
	age, appears := youthAge(e)
	h.Child = liaise.TreatAsChild(age, appears)
	return h
}

// documentSources reads what a new document is drafted from, through the
// audited readers of each part of the record.
func (db *DB) documentSources(ctx context.Context, e Episode) (liaise.DocumentSources, error) {
	src := liaise.DocumentSources{Person: e.Person, Label: codes.Label,
		When: func(t liaise.Time) string { return t.Local().Format("2 Jan 2006 15:04") }}
	age, appears := youthAge(e)
	src.Child = liaise.TreatAsChild(age, appears)
	screenings, err := db.ListScreenings(ctx, e.ID)
	if err != nil {
		return src, err
	}
	for _, s := range screenings {
		if !s.EnteredInError && !s.Incomplete {
			sc := s.Screening
			src.Screening = &sc
			break
		}
	}
	assessments, err := db.ListAssessments(ctx, e.ID)
	if err != nil {
		return src, err
	}
	for _, x := range assessments {
		if !x.EnteredInError && !x.Incomplete {
			src.Assessments = append(src.Assessments, x.Assessment)
		}
	}
	requests, err := db.ListSLTRequests(ctx, e.ID)
	if err != nil {
		return src, err
	}
	for _, r := range requests {
		if r.Profile != nil && !r.ProfileInError {
			src.Profile = r.Profile
			break
		}
	}
	youth, err := db.GetYouthRecord(ctx, e.ID)
	if err != nil {
		return src, err
	}
	for _, s := range youth.SafeguardingRefs {
		line := "Safeguarding referral to " + SafeguardingLabel(s.ReferredTo) + " on " + s.OccurredAt.Local().Format("2 Jan 2006")
		if s.Reference != "" {
			line += ", reference " + s.Reference
		}
		if s.Concern != "" {
			line += ": " + s.Concern
		}
		src.Safeguarding = append(src.Safeguarding, line)
	}
	return src, nil
}

// DraftDocument starts a document of kind for an episode, drafted from the
// record with the minimum necessary in it, as version 1. A court report for
// an episode with a hearing date gets a task due the working day before.
func (db *DB) DraftDocument(ctx context.Context, episodeID int64, kind string) (Document, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return Document{}, err
	}
	if err := loadPersonChildren(ctx, db, &e.Person); err != nil {
		return Document{}, err
	}
	src, err := db.documentSources(ctx, e)
	if err != nil {
		return Document{}, err
	}
	sections, err := liaise.DraftDocument(kind, src)
	if err != nil {
		return Document{}, err
	}
	var id int64
	err = db.Update(ctx, func(tx *Tx) error {
		cur, err := loadEpisodeRow(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		if cur.State.Terminal() {
			return fieldError("kind", "The episode is closed: start a new episode to write a document")
		}
		var hearing any
		if kind == liaise.DocCourtReport && !cur.HearingDate.IsZero() {
			hearing = cur.HearingDate
		}
		id, err = tx.InsertID(ctx, `INSERT INTO documents (provider_id, episode_id, person_id, kind, status, latest_version, hearing_date,
			created_by, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, 1)`,
			e.ProviderID, e.ID, e.PersonID, kind, liaise.DocDraft, hearing, nullID(a.UserID), tx.Now, tx.Now)
		if err != nil {
			return err
		}
		if err := insertDocumentVersion(ctx, tx, a, id, 1, documentHeader(e), sections); err != nil {
			return err
		}
		if hearing != nil {
			due := EndOfDay(codes.AddWorkingDays(cur.HearingDate, -1))
			title := "Court report due before the hearing on " + cur.HearingDate.Time().Format("Monday 2 January")
			if _, err := CreateAutoTask(ctx, tx, AutoTask{EpisodeID: e.ID, Kind: TaskDocumentDue, Title: title, DueAt: due, AllDay: true,
				AssigneeUserID: a.UserID, SourceType: "document", SourceID: id}); err != nil {
				return err
			}
		}
		if err := addPersonEvent(ctx, tx, a, e.PersonID, "document", liaise.LabelOf(liaise.DocumentKinds, kind)+" drafted"); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "document", id, e.ProviderID, e.TeamID, kind+" version 1")
	})
	if err != nil {
		return Document{}, err
	}
	d, err := loadDocument(ctx, db, episodeID, id)
	return d, err
}

func insertDocumentVersion(ctx context.Context, tx *Tx, a *liaise.Actor, docID int64, number int, h liaise.DocumentHeader, sections []liaise.DocumentSection) error {
	header, err := json.Marshal(h)
	if err != nil {
		return err
	}
	body, err := json.Marshal(sections)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO document_versions (document_id, number, status, header, sections, written_by, written_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, docID, number, liaise.DocDraft, string(header), string(body), nullID(a.UserID), tx.Now)
	return err
}

// documentChange opens a document for a change in a transaction: the
// episode must be writable by the actor with capability, the document's
// row version current, and the action allowed on its latest version.
func (db *DB) documentChange(ctx context.Context, capability string, episodeID, id int64, version int, action string,
	fn func(tx *Tx, a *liaise.Actor, e Episode, d Document) error) error {
	a := liaise.ActorFrom(ctx)
	// Approving and issuing need their own capability, and are also writes
	// to the record, so team access is checked as for any write.
	if err := liaise.Authorize(a, capability, liaise.Resource{Type: "episode"}); err != nil {
		return err
	}
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return err
	}
	if err := loadPersonChildren(ctx, db, &e.Person); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		d, err := loadDocument(ctx, tx, episodeID, id)
		if err != nil {
			return err
		}
		if d.Version != version {
			return liaise.Errorf(liaise.ESTALE, "Someone else changed this document while you were working on it. Nothing you entered has been saved over "+
				"their change: reload the page to see the latest version and make your change again.")
		}
		if err := liaise.DocumentActionAllowed(d.Status, action); err != nil {
			return err
		}
		if err := fn(tx, a, e, d); err != nil {
			return err
		}
		return tx.UpdateVersioned(ctx, "documents", `UPDATE documents SET status = (SELECT status FROM document_versions WHERE document_id = ? AND number =
			(SELECT MAX(number) FROM document_versions WHERE document_id = ?)), latest_version = (SELECT MAX(number) FROM document_versions WHERE document_id = ?),
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, id, id, id, tx.Now, id, version)
	})
}

// SaveDocumentVersion writes the next version of a document with the given
// sections (checked by liaise.ValidateDocumentSections) and a fresh header
// from the record. An approved or issued document goes back to draft: the
// change must be approved, and issued, again.
func (db *DB) SaveDocumentVersion(ctx context.Context, episodeID, id int64, version int, sections []liaise.DocumentSection) (int, error) {
	var number int
	err := db.documentChange(ctx, liaise.CapRecordWrite, episodeID, id, version, liaise.DocActionEdit, func(tx *Tx, a *liaise.Actor, e Episode, d Document) error {
		secs, err := liaise.ValidateDocumentSections(d.Kind, sections)
		if err != nil {
			return err
		}
		number = d.LatestVersion + 1
		if err := insertDocumentVersion(ctx, tx, a, id, number, documentHeader(e), secs); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "document", id, e.ProviderID, e.TeamID, fmt.Sprintf("%s version %d", d.Kind, number))
	})
	return number, err
}

// ApproveDocument approves the latest version, a draft with every included
// section written. Only a role that may approve documents can.
func (db *DB) ApproveDocument(ctx context.Context, episodeID, id int64, version int) error {
	return db.documentChange(ctx, liaise.CapDocumentApprove, episodeID, id, version, liaise.DocActionApprove, func(tx *Tx, a *liaise.Actor, e Episode, d Document) error {
		if err := liaise.CheckReadyToApprove(d.Latest.Sections); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE document_versions SET status = ?, approved_by = ?, approved_at = ? WHERE id = ?`,
			liaise.DocApproved, nullID(a.UserID), tx.Now, d.Latest.ID); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "document", id, e.ProviderID, e.TeamID, fmt.Sprintf("%s version %d approved", d.Kind, d.LatestVersion))
	})
}

// IssueInput is what issuing a document takes: the identity check, and the
// disclosure it makes (recipient, purpose, channel, time; a legal basis
// only when the person has not consented).
type IssueInput struct {
	Identity   liaise.IdentityCheck
	Disclosure liaise.Disclosure
}

// IssueDocument issues the latest (approved) version after an identity
// check, recording the sharing as a disclosure that points at the version.
// The disclosure rules are the same as for any sharing: an active consent
// of the recipient's scope, or a legal basis (and then review).
func (db *DB) IssueDocument(ctx context.Context, episodeID, id int64, version int, in IssueInput) (DisclosureRecord, error) {
	var rec DisclosureRecord
	if err := in.Identity.Validate(); err != nil {
		return rec, err
	}
	d := in.Disclosure
	d.RecipientAgency, d.RecipientRole = strings.TrimSpace(d.RecipientAgency), strings.Join(strings.Fields(d.RecipientRole), " ")
	d.Purpose, d.Channel, d.LegalBasis = strings.TrimSpace(d.Purpose), strings.TrimSpace(d.Channel), strings.TrimSpace(d.LegalBasis)
	var v liaise.Validation
	v.Check(utf8.RuneCountInString(d.RecipientRole) <= maxRecipientRole, "recipient_role", "The role must be 200 characters or fewer")
	if err := v.Err(); err != nil {
		return rec, err
	}
	err := db.documentChange(ctx, liaise.CapDocumentApprove, episodeID, id, version, liaise.DocActionIssue, func(tx *Tx, a *liaise.Actor, e Episode, doc Document) error {
		allowed := liaise.DocumentRecipients(doc.Kind)
		ok := false
		for _, r := range allowed {
			ok = ok || r == d.RecipientAgency
		}
		if !ok {
			return fieldError("recipient_agency", "Choose who the "+strings.ToLower(doc.KindLabel())+" is going to")
		}
		if d.OccurredAt.IsZero() {
			d.OccurredAt = tx.Now
		} else if d.OccurredAt.After(tx.Now.Add(5 * time.Minute)) {
			return fieldError("occurred_at", "The time it was issued cannot be in the future")
		}
		d.EpisodeID, d.DisclosedBy = e.ID, a.UserID
		d.Content = documentDisclosureContent(doc)
		var err error
		rec, err = insertDisclosure(ctx, tx, a, e, d, doc.Latest.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE document_versions SET status = ?, identity_method = ?, issued_by = ?, issued_at = ?, disclosure_id = ? WHERE id = ?`,
			liaise.DocIssued, in.Identity.Method, nullID(a.UserID), tx.Now, rec.ID, doc.Latest.ID); err != nil {
			return err
		}
		if doc.Kind == liaise.DocCourtReport {
			if err := CompleteAutoTasks(ctx, tx, e.ID, TaskDocumentDue); err != nil {
				return err
			}
		}
		if err := addPersonEvent(ctx, tx, a, e.PersonID, "document", doc.KindLabel()+" issued to "+agencyWords(d.RecipientAgency)); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "document", id, e.ProviderID, e.TeamID,
			fmt.Sprintf("%s version %d issued to %s, identity checked: %s", doc.Kind, doc.LatestVersion, d.RecipientAgency, in.Identity.Method))
	})
	return rec, err
}

// documentDisclosureContent is what the disclosure log says was shared:
// the document, its version and the sections it carried, so the log shows
// what went without copying the text (the version holds it).
func documentDisclosureContent(d Document) string {
	var heads []string
	for _, s := range d.Latest.Included() {
		heads = append(heads, s.Heading)
	}
	return fmt.Sprintf("%s, version %d: %s.", d.KindLabel(), d.LatestVersion, strings.Join(heads, "; "))
}

// WithdrawDocument withdraws an issued document with a reason (sent to the
// wrong recipient, or superseded); the disclosure stays on record.
func (db *DB) WithdrawDocument(ctx context.Context, episodeID, id int64, version int, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fieldError("reason", "Enter why the document is being withdrawn")
	}
	if utf8.RuneCountInString(reason) > 2000 {
		return fieldError("reason", "The reason must be 2,000 characters or fewer")
	}
	return db.documentChange(ctx, liaise.CapDocumentApprove, episodeID, id, version, liaise.DocActionWithdraw, func(tx *Tx, a *liaise.Actor, e Episode, d Document) error {
		if _, err := tx.Exec(ctx, `UPDATE document_versions SET status = ?, withdrawn_by = ?, withdrawn_at = ?, withdrawal_reason = ? WHERE id = ?`,
			liaise.DocWithdrawn, nullID(a.UserID), tx.Now, reason, d.Latest.ID); err != nil {
			return err
		}
		if err := addPersonEvent(ctx, tx, a, e.PersonID, "document", d.KindLabel()+" withdrawn"); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "document", id, e.ProviderID, e.TeamID, fmt.Sprintf("%s version %d withdrawn", d.Kind, d.LatestVersion))
	})
}
