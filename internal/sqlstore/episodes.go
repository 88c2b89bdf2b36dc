package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"liaise"
	"liaise/internal/codes"
)

// Episodes: one pass of a person through the L&D pathway. Quick identify
// opens one in under a minute (name as given, site, when L&D was alerted and
// by whom) and is never blocked by the duplicate check; everything else
// follows. States change only through Transition, which applies
// liaise.CheckTransition and records who moved it, when it happened and when
// it was recorded. Opening an episode needs membership of its team or a
// live break-glass grant for its person.

// Episode urgencies.
const (
	UrgencyRoutine   = "routine"
	UrgencyUrgent    = "urgent"
	UrgencyEmergency = "emergency"
)

// Urgencies lists the urgencies with their labels.
var Urgencies = []liaise.CodeLabel{
	{Code: UrgencyRoutine, Label: "Routine"},
	{Code: UrgencyUrgent, Label: "Urgent"},
	{Code: UrgencyEmergency, Label: "Emergency"},
}

// maxEpisodeLimit caps a page of a caseload.
const maxEpisodeLimit = 50

// Episode is one episode with the names shown beside it.
type Episode struct {
	ID               int64
	ProviderID       int64
	PersonID         int64
	TeamID           int64
	SiteID           int64
	ServiceType      string
	State            liaise.EpisodeState
	Setting          string
	AlertedAt        liaise.Time
	ReferrerAgencyID int64
	ReferrerRole     string
	CustodyRecord    string
	CourtReference   string
	Concerns         string
	Urgency          string
	HearingDate      liaise.Date
	AllocatedUserID  int64
	OutOfHours       bool
	QueueAt          liaise.Time
	Version          int
	CreatedAt        liaise.Time
	UpdatedAt        liaise.Time

	// Read-only extras filled when the episode is opened.
	TeamName, SiteName, AgencyName, AllocatedName string
	Person                                        liaise.Person
	History                                       []EpisodeTransition
	// BreakGlass is set when the reader opened it through break-glass.
	BreakGlass bool
}

// EpisodeTransition is one recorded move with the name of who made it.
type EpisodeTransition struct {
	liaise.Transition
	UserName string
}

// Transitions returns the bare transitions, for liaise.Clocks.
func (e *Episode) Transitions() []liaise.Transition {
	out := make([]liaise.Transition, len(e.History))
	for i, h := range e.History {
		out[i] = h.Transition
	}
	return out
}

// LastOccurredAt is when the latest move happened (zero before any).
func (e *Episode) LastOccurredAt() liaise.Time {
	var t liaise.Time
	for _, h := range e.History {
		if h.OccurredAt.After(t.Time) {
			t = h.OccurredAt
		}
	}
	return t
}

// QuickIdentifyInput is what quick identify takes: an existing person or a
// name as given, the site, when L&D was alerted and who alerted it.
type QuickIdentifyInput struct {
	PersonID         int64
	GivenName        string
	FamilyName       string
	CustodyRecord    string
	CourtReference   string
	SiteID           int64
	AlertedAt        liaise.Time
	ReferrerAgencyID int64
	ReferrerRole     string
}

// settingForSite is the usual setting of a site type, so quick identify
// need not ask for it.
func settingForSite(siteType string) string {
	switch siteType {
	case "custody_suite":
		return liaise.SettingPoliceCustody
	case "voluntary_attendance":
		return liaise.SettingVoluntaryAttendance
	case "magistrates_court":
		return liaise.SettingMagistratesCourt
	case "youth_court":
		return liaise.SettingYouthCourt
	case "crown_court":
		return liaise.SettingCrownCourt
	case "prison", "yoi", "irc":
		return liaise.SettingPrison
	case "probation_office":
		return liaise.SettingProbation
	case "community_base":
		return liaise.SettingCommunity
	}
	return ""
}

// QueueTime returns when work alerted at t is due at a site with the given
// hours: t itself when the site is open, otherwise its next opening (bank
// holidays of England and Wales count). Unreadable hours count as 24/7.
func QueueTime(hours string, t liaise.Time) (queue liaise.Time, outOfHours bool) {
	h, err := liaise.ParseHours(hours)
	if err != nil {
		return t, false
	}
	next := h.NextOpening(t.Time, codes.IsBankHoliday)
	if next.IsZero() || !next.After(t.Time) {
		return t, false
	}
	return liaise.NewTime(next), true
}

// QuickIdentify opens an episode in state identified, creating the person
// from the name as given when no PersonID is given. It is never blocked by
// possible duplicates: names given in custody are often false, and the
// duplicate review happens later.
func (db *DB) QuickIdentify(ctx context.Context, in QuickIdentifyInput) (Episode, error) {
	a := liaise.ActorFrom(ctx)
	var e Episode
	if err := liaise.Authorize(a, liaise.CapRecordWrite, liaise.Resource{Type: "episode"}); err != nil {
		return e, err
	}
	now := db.Now()
	var v liaise.Validation
	in.GivenName = strings.Join(strings.Fields(in.GivenName), " ")
	in.FamilyName = strings.Join(strings.Fields(in.FamilyName), " ")
	in.CustodyRecord = liaise.NormaliseOtherIdentifier(in.CustodyRecord)
	in.CourtReference = strings.Join(strings.Fields(in.CourtReference), " ")
	if in.PersonID == 0 {
		v.Check(in.GivenName != "" || in.FamilyName != "", "given_name", "Enter the name the person gave: a given name, a family name or both")
		v.Check(len(in.GivenName) <= 200 && len(in.FamilyName) <= 200, "family_name", "A name must be 200 characters or fewer")
	}
	v.Check(len(in.CustodyRecord) <= 40, "custody_record", "A custody record number must be 40 characters or fewer")
	v.Check(len(in.CourtReference) <= 40, "court_reference", "A court reference must be 40 characters or fewer")
	v.Check(in.SiteID > 0, "site_id", "Choose the site where the person is")
	switch {
	case in.AlertedAt.IsZero():
		v.Add("alerted_at", "Enter the date and time L&D was alerted")
	case in.AlertedAt.After(now.Add(5 * time.Minute)):
		v.Add("alerted_at", "The time L&D was alerted cannot be in the future")
	}
	if in.ReferrerRole != "" {
		if err := codes.Check("referrer-roles", in.ReferrerRole, liaise.DateOf(now.Local())); err != nil {
			v.Add("referrer_role", "Choose the role of the person who alerted L&D")
		}
	}
	var site liaise.Site
	if in.SiteID > 0 {
		var err error
		site, err = getSite(ctx, db, in.SiteID)
		switch {
		case liaise.ErrorCode(err) == liaise.ENOTFOUND || (err == nil && !a.System && site.ProviderID != a.ProviderID):
			v.Add("site_id", "Choose one of your sites")
		case err != nil:
			return e, err
		case site.TeamID == 0:
			v.Add("site_id", "This site has no team yet: ask your administrator to give it one")
		}
	}
	if in.ReferrerAgencyID != 0 && site.ProviderID != 0 {
		g, err := getAgency(ctx, db, in.ReferrerAgencyID)
		if err != nil || g.ProviderID != site.ProviderID {
			v.Add("referrer_agency_id", "Choose one of the agencies in the list")
		}
	}
	if err := v.Err(); err != nil {
		return e, err
	}
	if err := liaise.Authorize(a, liaise.CapRecordWrite, liaise.Resource{Type: "episode", ProviderID: site.ProviderID, TeamID: site.TeamID}); err != nil {
		return e, err
	}
	var person liaise.Person
	if in.PersonID != 0 {
		var err error
		person, err = loadPersonRow(ctx, db, in.PersonID)
		if err != nil || (!a.System && person.ProviderID != site.ProviderID) {
			return e, fieldError("person_id", "That person was not found")
		}
		if person.Restricted && !a.System {
			named, err := namedStaff(ctx, db, person.ID)
			if err != nil {
				return e, err
			}
			if !slices.Contains(named, a.UserID) {
				return e, liaise.Errorf(liaise.EFORBIDDEN, "This record is restricted to named staff.")
			}
		}
	} else {
		person = liaise.Person{ProviderID: site.ProviderID, TeamID: site.TeamID, IdentityStatus: liaise.IdentityAsGiven, DOBUnknown: true,
			ExArmedForces: "unknown", CareLeaver: "unknown",
			Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: in.GivenName, Family: in.FamilyName}}}
		if in.CustodyRecord != "" {
			person.Identifiers = []liaise.Identifier{{Type: liaise.IDCustodyRecord, Value: in.CustodyRecord}}
		}
	}
	queue, ooh := QueueTime(site.Hours, in.AlertedAt)
	e = Episode{ProviderID: site.ProviderID, TeamID: site.TeamID, SiteID: site.ID, ServiceType: "ld", State: liaise.EpisodeIdentified,
		Setting: settingForSite(site.Type), AlertedAt: in.AlertedAt, ReferrerAgencyID: in.ReferrerAgencyID, ReferrerRole: in.ReferrerRole,
		CustodyRecord: in.CustodyRecord, CourtReference: in.CourtReference, Urgency: UrgencyRoutine, OutOfHours: ooh, QueueAt: queue, Version: 1}
	err := db.Update(ctx, func(tx *Tx) error {
		if err := liaise.CheckTransition("", liaise.EpisodeIdentified, liaise.TransitionContext{OccurredAt: in.AlertedAt, RecordedAt: tx.Now}); err != nil {
			return err
		}
		if person.ID == 0 {
			if err := insertPerson(ctx, tx, a, &person); err != nil {
				return err
			}
			if err := auditWrite(ctx, tx, a, liaise.AuditCreate, "person", person.ID, person.ProviderID, person.TeamID, "created by quick identify"); err != nil {
				return err
			}
		}
		e.PersonID = person.ID
		e.CreatedAt, e.UpdatedAt = tx.Now, tx.Now
		var err error
		e.ID, err = tx.InsertID(ctx, `INSERT INTO episodes (provider_id, person_id, team_id, site_id, service_type, state, setting, alerted_at,
			referrer_agency_id, referrer_role, custody_record, court_reference, concerns, urgency, hearing_date, allocated_user_id,
			out_of_hours, queue_at, version, created_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, NULL, NULL, ?, ?, 1, ?, ?, ?)`,
			e.ProviderID, e.PersonID, e.TeamID, e.SiteID, e.ServiceType, string(e.State), e.Setting, e.AlertedAt,
			nullID(e.ReferrerAgencyID), e.ReferrerRole, e.CustodyRecord, e.CourtReference, e.Urgency,
			e.OutOfHours, e.QueueAt, tx.Now, nullID(a.UserID), tx.Now)
		if err != nil {
			return err
		}
		if err := insertTransition(ctx, tx, a, e.ID, liaise.Transition{To: liaise.EpisodeIdentified, OccurredAt: in.AlertedAt}); err != nil {
			return err
		}
		if err := identifyTasks(ctx, tx, e, person); err != nil { // youth justice liaison for a child (tasks.go)
			return err
		}
		if err := addPersonEvent(ctx, tx, a, person.ID, "episode", "Identified at "+site.Name); err != nil {
			return err
		}
		detail := "quick identify"
		if ooh {
			detail += ", arrived out of hours"
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "episode", e.ID, e.ProviderID, e.TeamID, detail)
	})
	if err != nil {
		return Episode{}, err
	}
	return e, nil
}

func insertTransition(ctx context.Context, tx *Tx, a *liaise.Actor, episode int64, t liaise.Transition) error {
	return insertTransitionFrom(ctx, tx, a, episode, t, "", 0)
}

// insertTransitionFrom records a move made by an entry of the record (a
// screening or an assessment, named by sourceType and sourceID), so marking
// that entry entered in error can take the move back (takeBackMove).
func insertTransitionFrom(ctx context.Context, tx *Tx, a *liaise.Actor, episode int64, t liaise.Transition, sourceType string, sourceID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO episode_transitions (episode_id, from_state, to_state, reason, retry_at, occurred_at, recorded_at, user_id,
		source_type, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, episode, string(t.From), string(t.To), t.Reason, t.RetryAt, t.OccurredAt, tx.Now,
		nullID(a.UserID), sourceType, nullID(sourceID))
	return err
}

// lastMoveAt is when the episode's latest move that counts happened (zero
// before any), for the guard that moves are recorded in order.
func lastMoveAt(ctx context.Context, tx *Tx, episode int64) (liaise.Time, error) {
	var prev liaise.Time
	err := tx.QueryRow(ctx, `SELECT occurred_at FROM episode_transitions WHERE episode_id = ? AND NOT entered_in_error
		ORDER BY occurred_at DESC, id DESC LIMIT 1`, episode).Scan(&prev)
	if errors.Is(err, sql.ErrNoRows) {
		return prev, nil
	}
	return prev, err
}

const episodeCols = `e.id, e.provider_id, e.person_id, e.team_id, e.site_id, e.service_type, e.state, e.setting, e.alerted_at,
	e.referrer_agency_id, e.referrer_role, e.custody_record, e.court_reference, e.concerns, e.urgency, e.hearing_date,
	e.allocated_user_id, e.out_of_hours, e.queue_at, e.version, e.created_at, e.updated_at,
	t.name, COALESCE(s.name, ''), COALESCE(g.name, ''), COALESCE(u.display_name, '')`

const episodeFrom = ` FROM episodes e JOIN teams t ON t.id = e.team_id LEFT JOIN sites s ON s.id = e.site_id
	LEFT JOIN agencies g ON g.id = e.referrer_agency_id LEFT JOIN users u ON u.id = e.allocated_user_id`

func episodeNotFound() error { return liaise.Errorf(liaise.ENOTFOUND, "Episode was not found.") }

func loadEpisodeRow(ctx context.Context, q queryer, id int64) (Episode, error) {
	var e Episode
	var site, agency, alloc sql.NullInt64
	var state string
	err := q.QueryRow(ctx, `SELECT `+episodeCols+episodeFrom+` WHERE e.id = ?`, id).Scan(&e.ID, &e.ProviderID, &e.PersonID, &e.TeamID, &site,
		&e.ServiceType, &state, &e.Setting, &e.AlertedAt, &agency, &e.ReferrerRole, &e.CustodyRecord, &e.CourtReference, &e.Concerns,
		&e.Urgency, &e.HearingDate, &alloc, &e.OutOfHours, &e.QueueAt, &e.Version, &e.CreatedAt, &e.UpdatedAt,
		&e.TeamName, &e.SiteName, &e.AgencyName, &e.AllocatedName)
	if errors.Is(err, sql.ErrNoRows) {
		return e, episodeNotFound()
	}
	e.State, e.SiteID, e.ReferrerAgencyID, e.AllocatedUserID = liaise.EpisodeState(state), site.Int64, agency.Int64, alloc.Int64
	return e, err
}

// episodeAccess loads an episode and decides whether the actor may use
// capability on it: the provider boundary (another provider's episode is
// "not found"), a restricted person's named staff, then membership of the
// episode's team or a live break-glass grant for its person. Without either,
// a role that may break glass gets a *liaise.BreakGlassError, so the page
// can ask for a reason on the person's record.
func (db *DB) episodeAccess(ctx context.Context, a *liaise.Actor, capability string, id int64) (Episode, error) {
	if err := liaise.Authorize(a, capability, liaise.Resource{Type: "episode"}); err != nil {
		return Episode{}, err
	}
	e, err := loadEpisodeRow(ctx, db, id)
	if err != nil {
		return Episode{}, err
	}
	if !a.System && e.ProviderID != a.ProviderID {
		return Episode{}, episodeNotFound()
	}
	p, err := loadPersonRow(ctx, db, e.PersonID)
	if err != nil {
		return Episode{}, err
	}
	res := liaise.Resource{Type: "episode", ID: e.ID, ProviderID: e.ProviderID, TeamID: e.TeamID, Restricted: p.Restricted}
	if p.Restricted {
		if res.NamedUserIDs, err = namedStaff(ctx, db, p.ID); err != nil {
			return Episode{}, err
		}
	}
	e.Person = p
	err = liaise.Authorize(a, capability, res)
	if err == nil {
		return e, nil
	}
	// Break-glass helps only with the team check, never the provider or a
	// restricted record's named staff.
	outsideTeam := res
	outsideTeam.TeamID = 0
	if !a.Can(liaise.CapBreakGlass) || liaise.Authorize(a, capability, outsideTeam) != nil {
		return Episode{}, err
	}
	var live int
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM break_glass_grants WHERE user_id = ? AND person_id = ? AND expires_at > ?`, a.UserID, p.ID, db.Now()).Scan(&live)
	if err != nil {
		return Episode{}, err
	}
	if live == 0 {
		return Episode{}, liaise.NewBreakGlassError(p.ID)
	}
	res.BreakGlass, e.BreakGlass = true, true
	return e, liaise.Authorize(a, capability, res)
}

func episodeHistory(ctx context.Context, q queryer, id int64) ([]EpisodeTransition, error) {
	rows, err := q.Query(ctx, `SELECT x.id, x.from_state, x.to_state, x.reason, x.retry_at, x.occurred_at, x.recorded_at, x.user_id, COALESCE(u.display_name, 'System'),
		x.entered_in_error FROM episode_transitions x LEFT JOIN users u ON u.id = x.user_id WHERE x.episode_id = ? ORDER BY x.occurred_at, x.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EpisodeTransition
	for rows.Next() {
		var t EpisodeTransition
		var from, to string
		var user sql.NullInt64
		if err := rows.Scan(&t.ID, &from, &to, &t.Reason, &t.RetryAt, &t.OccurredAt, &t.RecordedAt, &user, &t.UserName, &t.EnteredInError); err != nil {
			return nil, err
		}
		t.EpisodeID, t.From, t.To, t.UserID = id, liaise.EpisodeState(from), liaise.EpisodeState(to), user.Int64
		out = append(out, t)
	}
	return out, rows.Err()
}

// GetEpisode opens an episode with its person (names and identifiers) and
// its history of transitions. The read is audited.
func (db *DB) GetEpisode(ctx context.Context, id int64) (Episode, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, id)
	if err != nil {
		return Episode{}, err
	}
	if err := loadPersonChildren(ctx, db, &e.Person); err != nil {
		return Episode{}, err
	}
	if e.History, err = episodeHistory(ctx, db, e.ID); err != nil {
		return Episode{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "episode", e.ID)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	if e.BreakGlass {
		ev.Detail = "break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return Episode{}, err
	}
	return e, nil
}

// UpdateEpisode saves the details that complete an episode (setting,
// concerns, urgency, hearing date, allocated worker) if e.Version is still
// current; a stale version is refused with ESTALE.
func (db *DB) UpdateEpisode(ctx context.Context, e *Episode) error {
	a := liaise.ActorFrom(ctx)
	old, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, e.ID)
	if err != nil {
		return err
	}
	var v liaise.Validation
	today := liaise.DateOf(db.Now().Local())
	e.Setting = strings.TrimSpace(e.Setting)
	if e.Setting != "" && codes.Check("settings", e.Setting, today) != nil {
		v.Add("setting", "Choose the setting from the list")
	}
	if e.Urgency == "" {
		e.Urgency = UrgencyRoutine
	}
	v.Check(slices.ContainsFunc(Urgencies, func(c liaise.CodeLabel) bool { return c.Code == e.Urgency }), "urgency", "Choose routine, urgent or emergency")
	e.Concerns = strings.TrimSpace(e.Concerns)
	v.Check(len(e.Concerns) <= 5000, "concerns", "Concerns must be 5,000 characters or fewer")
	if e.AllocatedUserID != 0 && e.AllocatedUserID != old.AllocatedUserID {
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.user_id = ? AND m.team_id = ? AND NOT u.disabled`,
			e.AllocatedUserID, old.TeamID).Scan(&n); err != nil {
			return err
		}
		v.Check(n > 0, "allocated_user_id", "Choose a member of the episode's team")
	}
	if err := v.Err(); err != nil {
		return err
	}
	var c changes
	c.add("setting", old.Setting != e.Setting)
	c.add("concerns", old.Concerns != e.Concerns)
	c.add("urgency", old.Urgency != e.Urgency)
	c.add("hearing date", old.HearingDate != e.HearingDate)
	c.add("allocated worker", old.AllocatedUserID != e.AllocatedUserID)
	return db.Update(ctx, func(tx *Tx) error {
		err := tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET setting = ?, concerns = ?, urgency = ?, hearing_date = ?, allocated_user_id = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			e.Setting, e.Concerns, e.Urgency, e.HearingDate, nullID(e.AllocatedUserID), tx.Now, e.ID, e.Version)
		if err != nil {
			return err
		}
		e.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", e.ID, old.ProviderID, old.TeamID, c.String())
	})
}

// TransitionInput is one requested move of an episode.
type TransitionInput struct {
	To         liaise.EpisodeState
	Reason     string
	OccurredAt liaise.Time
	RetryAt    liaise.Time
	// Version is the episode version the user saw.
	Version int
}

// Transition moves an episode along the pathway if liaise.CheckTransition
// allows it and the version is current: the transition row, the new state
// and version, and the audit row are written together. It returns the new
// version.
func (db *DB) Transition(ctx context.Context, episodeID int64, in TransitionInput) (int, error) {
	a := liaise.ActorFrom(ctx)
	if _, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID); err != nil {
		return 0, err
	}
	var version int
	err := db.Update(ctx, func(tx *Tx) error {
		e, err := loadEpisodeRow(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		if e.Version != in.Version {
			return tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET version = version WHERE id = ? AND version = ?`, episodeID, in.Version)
		}
		prev, err := lastMoveAt(ctx, tx, episodeID)
		if err != nil {
			return err
		}
		tc := liaise.TransitionContext{Reason: in.Reason, OccurredAt: in.OccurredAt, RecordedAt: tx.Now, PreviousOccurredAt: prev, RetryAt: in.RetryAt}
		if err := liaise.CheckTransition(e.State, in.To, tc); err != nil {
			return err
		}
		t := liaise.Transition{From: e.State, To: in.To, OccurredAt: in.OccurredAt}
		for _, r := range liaise.NextEpisodeStates(e.State) {
			if r.To == in.To && r.RequiresReason {
				t.Reason = in.Reason
			}
		}
		if in.To == liaise.EpisodeDeferred {
			t.RetryAt = in.RetryAt
		}
		if err := tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(in.To), tx.Now, episodeID, in.Version); err != nil {
			return err
		}
		version = in.Version + 1
		if err := insertTransition(ctx, tx, a, episodeID, t); err != nil {
			return err
		}
		if err := transitionTasks(ctx, tx, e, t); err != nil { // the deferred-retry task (tasks.go)
			return err
		}
		detail := fmt.Sprintf("transition %s to %s", e.State, in.To)
		if liaise.LateEntry(in.OccurredAt, tx.Now) {
			detail += " (late entry)"
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", episodeID, e.ProviderID, e.TeamID, detail)
	})
	return version, err
}

// --- Caseloads -----------------------------------------------------------------

// EpisodeQuery is a caseload: the actor's own (AllocatedTo = the actor, the
// default) or a team's (TeamID, which needs CapCaseloadTeam and membership;
// AllocatedTo then filters by worker). States default to every open state.
type EpisodeQuery struct {
	AllocatedTo int64
	TeamID      int64
	States      []liaise.EpisodeState
	Cursor      string
	Limit       int
	// Optional filters and sort (boards.go): a site, only unallocated
	// episodes (team caseloads), an age group at the alert (AgeGroups),
	// only episodes with an open overdue task, and Sort (EpisodeSorts).
	SiteID      int64
	Unallocated bool
	AgeGroup    string
	Overdue     bool
	Sort        string
}

// EpisodeSummary is one caseload row.
type EpisodeSummary struct {
	ID            int64
	PersonID      int64
	PersonName    string
	Age           int // -1 when not known
	Hidden        bool
	TeamName      string
	SiteName      string
	State         liaise.EpisodeState
	AlertedAt     liaise.Time
	QueueAt       liaise.Time
	OutOfHours    bool
	Urgency       string
	AllocatedName string

	sortFamily, sortGiven string // the name sort's cursor values
}

// EpisodePage is a page of a caseload.
type EpisodePage struct {
	Items      []EpisodeSummary
	NextCursor string
}

// queueCursor is the keyset cursor of lists ordered by a time and an id
// (DESIGN.md §10: base64url JSON {"v":1,"sort":…,"values":[…],"id":…}).
type queueCursor struct {
	V      int      `json:"v"`
	Sort   string   `json:"sort"`
	Values []string `json:"values"`
	ID     int64    `json:"id"`
}

// OpenEpisodeStates are the states a caseload shows by default.
// openEpisodeSQL selects open episodes (alias e); it is the predicate of the
// partial indexes of migration 0021, word for word.
const openEpisodeSQL = `e.state NOT IN ('closed', 'rejected')`

func OpenEpisodeStates() []liaise.EpisodeState {
	var out []liaise.EpisodeState
	for _, s := range liaise.EpisodeStates {
		if st := liaise.EpisodeState(s.Code); !st.Terminal() {
			out = append(out, st)
		}
	}
	return out
}

// ListEpisodes returns a caseload in queue order (queue time, then id) with
// a keyset cursor. One audit event names the people shown.
func (db *DB) ListEpisodes(ctx context.Context, q EpisodeQuery) (EpisodePage, error) {
	a := liaise.ActorFrom(ctx)
	var page EpisodePage
	if err := liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "episode"}); err != nil {
		return page, err
	}
	sqlq := `SELECT e.id, e.person_id, p.date_of_birth, p.dob_unknown, p.estimated_age, p.restricted, COALESCE(n.given, ''), COALESCE(n.family, ''),
		t.name, COALESCE(s.name, ''), e.state, e.alerted_at, e.queue_at, e.out_of_hours, e.urgency, COALESCE(u.display_name, '')
		FROM episodes e JOIN people p ON p.id = e.person_id JOIN teams t ON t.id = e.team_id
		LEFT JOIN person_names n ON n.person_id = p.id AND n.position = 0
		LEFT JOIN sites s ON s.id = e.site_id LEFT JOIN users u ON u.id = e.allocated_user_id WHERE 1 = 1`
	var args []any
	if !a.System {
		sqlq += ` AND e.provider_id = ?`
		args = append(args, a.ProviderID)
	}
	detail := "my caseload"
	if q.TeamID != 0 {
		if err := liaise.Authorize(a, liaise.CapCaseloadTeam, liaise.Resource{Type: "episode", ProviderID: a.ProviderID, TeamID: q.TeamID}); err != nil {
			return page, err
		}
		detail = "team caseload"
		sqlq += ` AND e.team_id = ?`
		args = append(args, q.TeamID)
		if q.AllocatedTo != 0 {
			sqlq += ` AND e.allocated_user_id = ?`
			args = append(args, q.AllocatedTo)
		}
	} else {
		if q.AllocatedTo != 0 && q.AllocatedTo != a.UserID {
			return page, fieldError("assigned", "Choose a team to see someone else's caseload")
		}
		sqlq += ` AND e.allocated_user_id = ?`
		args = append(args, a.UserID)
		if !a.System {
			// Only episodes of teams the actor is still in.
			teams := append([]int64{0}, a.TeamIDs...)
			sqlq += ` AND e.team_id IN (` + placeholders(len(teams)) + `)`
			for _, t := range teams {
				args = append(args, t)
			}
		}
	}
	for _, s := range q.States {
		if !s.Valid() {
			return page, fieldError("state", fmt.Sprintf("%q is not a state an episode can be in", s))
		}
	}
	if len(q.States) == 0 {
		// Open episodes, in words both planners match to the partial
		// indexes of open episodes (literals, not parameters), so a page
		// is read in queue order from the index and nothing is sorted.
		sqlq += ` AND ` + openEpisodeSQL
	} else {
		sqlq += ` AND e.state IN (` + placeholders(len(q.States)) + `)`
		for _, s := range q.States {
			args = append(args, string(s))
		}
	}
	if err := db.episodeFilters(q, &sqlq, &args); err != nil {
		return page, err
	}
	if err := episodeOrder(q, &sqlq, &args); err != nil {
		return page, err
	}
	limit := q.Limit
	if limit <= 0 || limit > maxEpisodeLimit {
		limit = maxEpisodeLimit
	}
	sqlq += ` LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.Query(ctx, sqlq, args...)
	if err != nil {
		return page, err
	}
	today := liaise.DateOf(db.Now().Local())
	var restricted []bool
	for rows.Next() {
		var s EpisodeSummary
		var dob liaise.Date
		var unknown, restr bool
		var est int
		var given, family, state string
		if err := rows.Scan(&s.ID, &s.PersonID, &dob, &unknown, &est, &restr, &given, &family, &s.TeamName, &s.SiteName, &state,
			&s.AlertedAt, &s.QueueAt, &s.OutOfHours, &s.Urgency, &s.AllocatedName); err != nil {
			rows.Close()
			return page, err
		}
		s.State = liaise.EpisodeState(state)
		p := liaise.Person{DateOfBirth: dob, DOBUnknown: unknown, EstimatedAge: est, Names: []liaise.PersonName{{Given: given, Family: family}}}
		s.PersonName = p.DisplayName()
		s.sortFamily, s.sortGiven = family, given
		s.Age = -1
		if !dob.IsZero() || est > 0 {
			s.Age = p.AgeOn(today)
		}
		page.Items = append(page.Items, s)
		restricted = append(restricted, restr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = nextEpisodeCursor(q.Sort, last)
	}
	ids := make([]int64, 0, len(page.Items))
	for i := range page.Items {
		s := &page.Items[i]
		if !slices.Contains(ids, s.PersonID) {
			ids = append(ids, s.PersonID)
		}
		if restricted[i] && !a.System {
			named, err := namedStaff(ctx, db, s.PersonID)
			if err != nil {
				return page, err
			}
			if !slices.Contains(named, a.UserID) {
				s.PersonName, s.Age, s.Hidden = "Restricted record", -1, true
			}
		}
	}
	ev := liaise.EventFor(a, liaise.AuditList, "episode", 0)
	if q.TeamID != 0 {
		ev.TeamID = q.TeamID
	}
	ev.Detail = detail
	ev.Subjects = ids
	if err := db.AuditRead(ctx, ev); err != nil {
		return EpisodePage{}, err
	}
	return page, nil
}
