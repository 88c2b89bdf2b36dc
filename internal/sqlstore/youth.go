package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"liaise"
)

// Children and young people (issue 3 item 17): the appropriate adult
// (present, or why not) and safeguarding referrals, both append-only. They
// are recorded beside screening and never block it.

// Appropriate adult relationships (PACE Code C 1.7 for a child).
var AARelationships = []struct{ Code, Label string }{
	{"parent", "Parent"},
	{"guardian", "Guardian"},
	{"carer", "Carer"},
	{"social_worker", "Social worker"},
	{"la_representative", "Local authority or voluntary organisation representative"},
	{"other_adult", "Another responsible adult aged 18 or over"},
}

// Reasons an appropriate adult is not present.
var AAAbsentReasons = []struct{ Code, Label string }{
	{"not_yet_arrived", "Not yet arrived"},
	{"refused", "Refused to attend"},
	{"not_required", "Not required: the person is an adult"},
	{"other", "Other"},
}

// SafeguardingDestinations are where a safeguarding referral goes.
var SafeguardingDestinations = []struct{ Code, Label string }{
	{"childrens_services", "Local authority children's services"},
	{"mash", "Multi-agency safeguarding hub (MASH)"},
	{"adult_safeguarding", "Adult safeguarding"},
}

func youthLabel(list []struct{ Code, Label string }, code string) string {
	for _, x := range list {
		if x.Code == code {
			return x.Label
		}
	}
	return ""
}

// AARelationshipLabel, AAAbsentReasonLabel and SafeguardingLabel name a code.
func AARelationshipLabel(code string) string { return youthLabel(AARelationships, code) }

// AAAbsentReasonLabel names a reason an appropriate adult is not present.
func AAAbsentReasonLabel(code string) string { return youthLabel(AAAbsentReasons, code) }

// SafeguardingLabel names a safeguarding referral destination.
func SafeguardingLabel(code string) string { return youthLabel(SafeguardingDestinations, code) }

// AppropriateAdult is one appropriate adult entry; the latest counts.
type AppropriateAdult struct {
	ID, EpisodeID, PersonID    int64
	Present                    bool
	Relationship, Name         string
	AbsentReason, AbsentDetail string
	OccurredAt, RecordedAt     liaise.Time
	RecordedByName             string
}

// Late reports an entry recorded over 24 hours after the event.
func (a AppropriateAdult) Late() bool { return liaise.LateEntry(a.OccurredAt, a.RecordedAt) }

// SafeguardingReferral is one referral to a safeguarding team.
type SafeguardingReferral struct {
	ID, EpisodeID, PersonID int64
	ReferredTo, Reference   string
	Concern, Outcome        string
	OccurredAt, RecordedAt  liaise.Time
	RecordedByName          string
}

// Late reports an entry recorded over 24 hours after the event.
func (s SafeguardingReferral) Late() bool { return liaise.LateEntry(s.OccurredAt, s.RecordedAt) }

// YouthRecord is what the children and young people page shows.
type YouthRecord struct {
	Episode Episode
	// Age is the age in years at the alert time; -1 when not known.
	Age int
	// AppearsUnder18 is set for an unknown date of birth with an
	// estimated age under 18.
	AppearsUnder18    bool
	AppropriateAdults []AppropriateAdult
	SafeguardingRefs  []SafeguardingReferral
}

// Child reports whether the youth rules apply at the alert.
func (y YouthRecord) Child() bool { return liaise.TreatAsChild(y.Age, y.AppearsUnder18) }

// LatestAA is the appropriate adult entry that counts, if any.
func (y YouthRecord) LatestAA() (AppropriateAdult, bool) {
	if len(y.AppropriateAdults) == 0 {
		return AppropriateAdult{}, false
	}
	return y.AppropriateAdults[len(y.AppropriateAdults)-1], true
}

// youthAge is the age at the alert (from the date of birth) and whether a
// person of unknown birth date appears under 18 (their estimated age).
func youthAge(e Episode) (int, bool) {
	age := ageAtEvent(e.Person, e.AlertedAt)
	if age < 0 && e.Person.EstimatedAge > 0 {
		return -1, e.Person.EstimatedAge < 18
	}
	return age, false
}

// AppropriateAdultInput is a new appropriate adult entry.
type AppropriateAdultInput struct {
	Present                    bool
	Relationship, Name         string
	AbsentReason, AbsentDetail string
	OccurredAt                 liaise.Time
}

// SafeguardingInput is a new safeguarding referral.
type SafeguardingInput struct {
	ReferredTo, Reference, Concern, Outcome string
	OccurredAt                              liaise.Time
}

func (db *DB) checkOccurred(v *liaise.Validation, t liaise.Time) {
	if t.IsZero() {
		v.Add("occurred_at", "Enter when it happened")
	} else if t.After(db.Now().Add(5 * time.Minute)) {
		v.Add("occurred_at", "The time cannot be in the future")
	}
}

// RecordAppropriateAdult adds an appropriate adult entry for an episode.
func (db *DB) RecordAppropriateAdult(ctx context.Context, episodeID int64, in AppropriateAdultInput) (AppropriateAdult, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return AppropriateAdult{}, err
	}
	r := AppropriateAdult{EpisodeID: e.ID, PersonID: e.PersonID, Present: in.Present, OccurredAt: in.OccurredAt, RecordedByName: a.DisplayName}
	var v liaise.Validation
	if in.Present {
		r.Relationship, r.Name = strings.TrimSpace(in.Relationship), strings.TrimSpace(in.Name)
		if AARelationshipLabel(r.Relationship) == "" {
			v.Add("relationship", "Select who the appropriate adult is")
		}
		if r.Name == "" {
			v.Add("name", "Enter the appropriate adult's name")
		} else if len(r.Name) > 200 {
			v.Add("name", "The name must be 200 characters or fewer")
		}
	} else {
		r.AbsentReason, r.AbsentDetail = strings.TrimSpace(in.AbsentReason), strings.TrimSpace(in.AbsentDetail)
		if AAAbsentReasonLabel(r.AbsentReason) == "" {
			v.Add("absent_reason", "Select why there is no appropriate adult")
		} else if r.AbsentReason == "other" && r.AbsentDetail == "" {
			v.Add("absent_detail", "Say why there is no appropriate adult")
		}
		if r.AbsentReason != "other" {
			r.AbsentDetail = ""
		}
	}
	db.checkOccurred(&v, in.OccurredAt)
	if err := v.Err(); err != nil {
		return AppropriateAdult{}, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		r.RecordedAt = tx.Now
		var err error
		r.ID, err = tx.InsertID(ctx, `INSERT INTO appropriate_adults (provider_id, episode_id, person_id, present, relationship, name, absent_reason,
			absent_detail, occurred_at, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ProviderID, e.ID, e.PersonID, r.Present, r.Relationship, r.Name, r.AbsentReason, r.AbsentDetail, r.OccurredAt, tx.Now, nullID(a.UserID))
		if err != nil {
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "appropriate_adult", r.ID)
		ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
		ev.Detail = "present"
		if !r.Present {
			ev.Detail = "not present: " + r.AbsentReason
		}
		ev.Subjects = []int64{e.PersonID}
		return tx.Audit(ctx, ev)
	})
	if err != nil {
		return AppropriateAdult{}, err
	}
	return r, nil
}

// RecordSafeguardingReferral adds a safeguarding referral for an episode;
// the referral's reference is required.
func (db *DB) RecordSafeguardingReferral(ctx context.Context, episodeID int64, in SafeguardingInput) (SafeguardingReferral, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return SafeguardingReferral{}, err
	}
	r := SafeguardingReferral{EpisodeID: e.ID, PersonID: e.PersonID, ReferredTo: strings.TrimSpace(in.ReferredTo), Reference: strings.TrimSpace(in.Reference),
		Concern: strings.TrimSpace(in.Concern), Outcome: strings.TrimSpace(in.Outcome), OccurredAt: in.OccurredAt, RecordedByName: a.DisplayName}
	var v liaise.Validation
	if SafeguardingLabel(r.ReferredTo) == "" {
		v.Add("referred_to", "Select who the referral was made to")
	}
	if r.Reference == "" {
		v.Add("reference", "Enter the referral's reference")
	} else if len(r.Reference) > 100 {
		v.Add("reference", "The reference must be 100 characters or fewer")
	}
	if len(r.Concern) > 4000 {
		v.Add("concern", "The summary must be 4,000 characters or fewer")
	}
	if len(r.Outcome) > 4000 {
		v.Add("outcome", "The outcome must be 4,000 characters or fewer")
	}
	db.checkOccurred(&v, in.OccurredAt)
	if err := v.Err(); err != nil {
		return SafeguardingReferral{}, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		r.RecordedAt = tx.Now
		var err error
		r.ID, err = tx.InsertID(ctx, `INSERT INTO safeguarding_referrals (provider_id, episode_id, person_id, referred_to, reference, concern, outcome,
			occurred_at, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ProviderID, e.ID, e.PersonID, r.ReferredTo, r.Reference, r.Concern, r.Outcome, r.OccurredAt, tx.Now, nullID(a.UserID))
		if err != nil {
			return err
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "safeguarding_referral", r.ID)
		ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
		ev.Detail = r.ReferredTo
		ev.Subjects = []int64{e.PersonID}
		return tx.Audit(ctx, ev)
	})
	if err != nil {
		return SafeguardingReferral{}, err
	}
	return r, nil
}

// GetYouthRecord opens an episode's appropriate adult entries and
// safeguarding referrals, oldest first, with the age at the alert. The read
// is audited once.
func (db *DB) GetYouthRecord(ctx context.Context, episodeID int64) (YouthRecord, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return YouthRecord{}, err
	}
	y := YouthRecord{Episode: e}
	y.Age, y.AppearsUnder18 = youthAge(e)
	rows, err := db.Query(ctx, `SELECT x.id, x.present, x.relationship, x.name, x.absent_reason, x.absent_detail, x.occurred_at, x.recorded_at,
		COALESCE(u.display_name, '') FROM appropriate_adults x LEFT JOIN users u ON u.id = x.recorded_by
		WHERE x.episode_id = ? ORDER BY x.occurred_at, x.id`, e.ID)
	if err != nil {
		return YouthRecord{}, err
	}
	for rows.Next() {
		r := AppropriateAdult{EpisodeID: e.ID, PersonID: e.PersonID}
		if err := rows.Scan(&r.ID, &r.Present, &r.Relationship, &r.Name, &r.AbsentReason, &r.AbsentDetail, &r.OccurredAt, &r.RecordedAt, &r.RecordedByName); err != nil {
			rows.Close()
			return YouthRecord{}, err
		}
		y.AppropriateAdults = append(y.AppropriateAdults, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return YouthRecord{}, err
	}
	rows, err = db.Query(ctx, `SELECT x.id, x.referred_to, x.reference, x.concern, x.outcome, x.occurred_at, x.recorded_at,
		COALESCE(u.display_name, '') FROM safeguarding_referrals x LEFT JOIN users u ON u.id = x.recorded_by
		WHERE x.episode_id = ? ORDER BY x.occurred_at, x.id`, e.ID)
	if err != nil {
		return YouthRecord{}, err
	}
	for rows.Next() {
		r := SafeguardingReferral{EpisodeID: e.ID, PersonID: e.PersonID}
		if err := rows.Scan(&r.ID, &r.ReferredTo, &r.Reference, &r.Concern, &r.Outcome, &r.OccurredAt, &r.RecordedAt, &r.RecordedByName); err != nil {
			rows.Close()
			return YouthRecord{}, err
		}
		y.SafeguardingRefs = append(y.SafeguardingRefs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return YouthRecord{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "appropriate_adult", 0)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Detail = "children and young people record of episode " + strconv.FormatInt(e.ID, 10)
	if e.BreakGlass {
		ev.Detail += " (break-glass)"
	}
	ev.Subjects = []int64{e.PersonID}
	if err := db.AuditRead(ctx, ev); err != nil {
		return YouthRecord{}, err
	}
	return y, nil
}
