package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"liaise"
	"liaise/internal/codes"
)

// Contacts: the work done in an episode. A direct contact is time with the
// person (MHSDS MHS201, who else attended MHS203); an indirect activity is
// liaison about them without them there (MHS204), such as a call with the
// custody sergeant or the probation court team. Entries are append-only: a
// wrong one is marked entered in error with a reason and stays visible.

// Contact kinds.
const (
	ContactDirect   = "direct"
	ContactIndirect = "indirect"
)

// Duration limits of a contact, in minutes.
const (
	MinContactMinutes = 1
	MaxContactMinutes = 600
)

// ContactAttendees are who else may attend a direct contact (MHS203).
var ContactAttendees = []liaise.CodeLabel{
	{Code: "appropriate_adult", Label: "Appropriate adult"},
	{Code: "parent_carer", Label: "Parent or carer"},
	{Code: "interpreter", Label: "Interpreter"},
	{Code: "solicitor", Label: "Solicitor"},
	{Code: "custody_staff", Label: "Custody staff"},
	{Code: "other_professional", Label: "Other professional"},
}

// CounterpartAgencyTypes are the agencies an indirect activity is with.
var CounterpartAgencyTypes = []liaise.CodeLabel{
	{Code: "police", Label: "Police"},
	{Code: "court", Label: "Court"},
	{Code: "probation", Label: "Probation"},
	{Code: "youth_justice", Label: "Youth justice"},
	{Code: "cps", Label: "Crown Prosecution Service"},
	{Code: "health", Label: "Health"},
	{Code: "other", Label: "Other"},
}

// Contact is one direct contact or indirect activity.
type Contact struct {
	ID        int64
	EpisodeID int64
	Kind      string
	// OccurredAt is when it started, as staff entered it.
	OccurredAt liaise.Time
	RecordedAt liaise.Time
	UserID     int64
	UserName   string
	Minutes    int

	// Direct contacts only.
	ConsultationMechanism string // consultation-mechanism
	ActivityLocationType  string // activity-location-type
	AttendedOrDNA         string // attended-or-dna
	OthersPresent         []string
	ReasonableAdjustment  string
	Planned               bool

	// Indirect activities only.
	CounterpartAgencyType string
	CounterpartRole       string

	Summary        string
	EnteredInError bool
	ErrorReason    string
}

// Late reports whether the contact was recorded more than a day after it happened.
func (c Contact) Late() bool { return liaise.LateEntry(c.OccurredAt, c.RecordedAt) }

// ValidateContact checks a contact's fields against its kind and the code
// lists in force on the day it happened. now bounds occurred_at.
func ValidateContact(c Contact, now liaise.Time) error {
	var v liaise.Validation
	switch {
	case c.OccurredAt.IsZero():
		v.Add("occurred_at", "Enter the date and time it happened")
	case c.OccurredAt.After(now.Add(5 * time.Minute)):
		v.Add("occurred_at", "The time it happened cannot be in the future")
	}
	v.Check(c.Minutes >= MinContactMinutes && c.Minutes <= MaxContactMinutes, "duration_minutes",
		fmt.Sprintf("Enter the duration in minutes, from %d to %d", MinContactMinutes, MaxContactMinutes))
	on := liaise.DateOf(now.Local())
	if !c.OccurredAt.IsZero() {
		on = liaise.DateOf(c.OccurredAt.Local())
	}
	checkCode := func(list, val, field, msg string) {
		v.Check(val != "" && codes.Check(list, val, on) == nil, field, msg)
	}
	switch c.Kind {
	case ContactDirect:
		checkCode("consultation-mechanism", c.ConsultationMechanism, "consultation_mechanism", "Choose how the contact took place")
		checkCode("activity-location-type", c.ActivityLocationType, "activity_location_type", "Choose where the contact took place")
		checkCode("attended-or-dna", c.AttendedOrDNA, "attended_or_dna", "Choose whether the person attended")
		for i, o := range c.OthersPresent {
			v.Check(hasCodeLabel(ContactAttendees, o) && !slices.Contains(c.OthersPresent[:i], o), "others_present", "Choose who else attended from the list, each once")
		}
		v.Check(utf8.RuneCountInString(c.ReasonableAdjustment) <= 2000, "reasonable_adjustment", "Reasonable adjustments must be 2,000 characters or fewer")
		v.Check(c.CounterpartAgencyType == "" && c.CounterpartRole == "", "counterpart_agency_type", "A direct contact has no counterpart agency: record liaison as an indirect activity")
	case ContactIndirect:
		v.Check(hasCodeLabel(CounterpartAgencyTypes, c.CounterpartAgencyType), "counterpart_agency_type", "Choose the agency the activity was with")
		v.Check(utf8.RuneCountInString(c.CounterpartRole) <= 200, "counterpart_role", "The role must be 200 characters or fewer")
		v.Check(c.ConsultationMechanism == "" && c.ActivityLocationType == "" && c.AttendedOrDNA == "" && len(c.OthersPresent) == 0,
			"kind", "An indirect activity is without the person: record time with them as a direct contact")
	default:
		v.Add("kind", "Choose a direct contact or an indirect activity")
	}
	v.Check(utf8.RuneCountInString(c.Summary) <= 10000, "summary", "The summary must be 10,000 characters or fewer")
	return v.Err()
}

func hasCodeLabel(list []liaise.CodeLabel, code string) bool {
	return slices.ContainsFunc(list, func(c liaise.CodeLabel) bool { return c.Code == code })
}

// ContactLocationDefault is the activity location type of the episode's
// site, which the contact form starts with.
func (db *DB) ContactLocationDefault(ctx context.Context, e Episode) string {
	if e.SiteID == 0 {
		return ""
	}
	s, err := getSite(ctx, db, e.SiteID)
	if err != nil {
		return ""
	}
	return s.ActLocType
}

// AddContact records a direct contact or indirect activity in an episode.
// A direct contact without a location takes the episode site's.
func (db *DB) AddContact(ctx context.Context, episodeID int64, c *Contact) error {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return err
	}
	c.Summary = strings.TrimSpace(c.Summary)
	c.ReasonableAdjustment = strings.TrimSpace(c.ReasonableAdjustment)
	c.CounterpartRole = strings.TrimSpace(c.CounterpartRole)
	if c.Kind == ContactDirect && c.ActivityLocationType == "" {
		c.ActivityLocationType = db.ContactLocationDefault(ctx, e)
	}
	if err := ValidateContact(*c, db.Now()); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		c.EpisodeID, c.RecordedAt, c.UserID = episodeID, tx.Now, a.UserID
		c.ID, err = tx.InsertID(ctx, `INSERT INTO contacts (episode_id, provider_id, team_id, person_id, kind, occurred_at, recorded_at, user_id,
			duration_minutes, consultation_mechanism, activity_location_type, attended_or_dna, others_present, reasonable_adjustment, planned,
			counterpart_agency_type, counterpart_role, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			episodeID, e.ProviderID, e.TeamID, e.PersonID, c.Kind, c.OccurredAt, tx.Now, nullID(a.UserID), c.Minutes,
			c.ConsultationMechanism, c.ActivityLocationType, c.AttendedOrDNA, strings.Join(c.OthersPresent, " "), c.ReasonableAdjustment, c.Planned,
			c.CounterpartAgencyType, c.CounterpartRole, c.Summary)
		if err != nil {
			return err
		}
		what := "Direct contact"
		if c.Kind == ContactIndirect {
			what = "Liaison with " + strings.ToLower(liaise.LabelOf(CounterpartAgencyTypes, c.CounterpartAgencyType))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, user_id, kind, summary) VALUES (?, ?, ?, ?, ?, ?)`,
			e.PersonID, c.OccurredAt, tx.Now, nullID(a.UserID), "contact", fmt.Sprintf("%s (%d minutes)", what, c.Minutes)); err != nil {
			return err
		}
		detail := c.Kind
		if c.Late() {
			detail += " (late entry)"
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "contact", c.ID, e.ProviderID, e.TeamID, detail)
	})
}

// MarkContactInError marks a contact entered in error, with a reason; it
// stays in the record. A contact is marked once.
func (db *DB) MarkContactInError(ctx context.Context, episodeID, contactID int64, reason string) error {
	_, err := db.MarkInError(ctx, ContactEntries, episodeID, contactID, reason)
	return err
}

const contactSelect = `SELECT c.id, c.kind, c.occurred_at, c.recorded_at, c.user_id, COALESCE(u.display_name, 'System'), c.duration_minutes,
	c.consultation_mechanism, c.activity_location_type, c.attended_or_dna, c.others_present, c.reasonable_adjustment, c.planned,
	c.counterpart_agency_type, c.counterpart_role, c.summary, c.entered_in_error, c.error_reason
	FROM contacts c LEFT JOIN users u ON u.id = c.user_id`

func scanContact(sc interface{ Scan(...any) error }, episodeID int64) (Contact, error) {
	c := Contact{EpisodeID: episodeID}
	var user sql.NullInt64
	var others string
	err := sc.Scan(&c.ID, &c.Kind, &c.OccurredAt, &c.RecordedAt, &user, &c.UserName, &c.Minutes, &c.ConsultationMechanism,
		&c.ActivityLocationType, &c.AttendedOrDNA, &others, &c.ReasonableAdjustment, &c.Planned, &c.CounterpartAgencyType,
		&c.CounterpartRole, &c.Summary, &c.EnteredInError, &c.ErrorReason)
	c.UserID, c.OthersPresent = user.Int64, strings.Fields(others)
	return c, err
}

func contactReadEvent(a *liaise.Actor, action string, id int64, e Episode) liaise.AuditEvent {
	ev := liaise.EventFor(a, action, "contact", id)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("episode %d", e.ID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	return ev
}

// ListContacts returns an episode's contacts and activities, newest first,
// including those entered in error. The read is audited.
func (db *DB) ListContacts(ctx context.Context, episodeID int64) ([]Contact, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, contactSelect+` WHERE c.episode_id = ? ORDER BY c.occurred_at DESC, c.id DESC`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		c, err := scanContact(rows, episodeID)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.AuditRead(ctx, contactReadEvent(a, liaise.AuditList, 0, e))
}

// GetContact returns one contact of an episode. The read is audited.
func (db *DB) GetContact(ctx context.Context, episodeID, id int64) (Contact, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return Contact{}, err
	}
	c, err := scanContact(db.QueryRow(ctx, contactSelect+` WHERE c.id = ? AND c.episode_id = ?`, id, episodeID), episodeID)
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, liaise.Errorf(liaise.ENOTFOUND, "That contact was not found.")
	}
	if err != nil {
		return Contact{}, err
	}
	return c, db.AuditRead(ctx, contactReadEvent(a, liaise.AuditRead, id, e))
}
