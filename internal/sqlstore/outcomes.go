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

// Justice outcomes: what the police or a court decided in an episode and
// whether each L&D recommendation was followed, so diversion out of the
// justice system (liaise.Diversion) and support within it can both be
// reported. When a person is charged or remanded, the next hearing hands
// the episode over to that court's team: the same episode continues on the
// court team's caseload and board. Entries are append-only.

// CourtSiteTypes are the site types a next hearing can be at.
var CourtSiteTypes = []string{"magistrates_court", "youth_court", "crown_court"}

// NeedsNextHearing reports whether an outcome sends the person on to a
// hearing, so the form asks for the court and date.
func NeedsNextHearing(stage, outcome string) bool {
	switch stage {
	case liaise.StageCustody:
		return outcome == liaise.CustodyCharge
	case liaise.StageCourt:
		return outcome == liaise.CourtRemandCustody || outcome == liaise.CourtRemandBail
	}
	return false
}

// JusticeOutcome is one recorded outcome with its recommendations and the
// next hearing it handed over to.
type JusticeOutcome struct {
	liaise.JusticeOutcome
	RecordedAt      liaise.Time
	UserID          int64
	UserName        string
	Notes           string
	Recommendations []liaise.Recommendation

	// Next hearing, when NeedsNextHearing.
	NextHearingSiteID   int64
	NextHearingDate     liaise.Date
	HandoverNote        string
	NextHearingSiteName string
	HandoverTeamID      int64
	HandoverTeamName    string

	EnteredInError bool
	// Correction says why, when and by whom, when EnteredInError.
	Correction
}

// Late reports whether the outcome was recorded more than a day after it happened.
func (o JusticeOutcome) Late() bool { return liaise.LateEntry(o.OccurredAt, o.RecordedAt) }

// Diversion reports whether the outcome diverts the person out of the
// justice system. An outcome entered in error no longer counts as one.
func (o JusticeOutcome) Diversion() bool { return !o.EnteredInError && liaise.Diversion(o.Outcome) }

// ValidateOutcome checks an outcome, its recommendations and next hearing.
// now bounds occurred_at and the hearing date.
func ValidateOutcome(o JusticeOutcome, now liaise.Time) error {
	var v liaise.Validation
	if err := liaise.ValidateJusticeOutcome(o.JusticeOutcome); err != nil {
		for f, m := range liaise.ErrorFields(err) {
			v.Add(f, m)
		}
	}
	if !o.OccurredAt.IsZero() && o.OccurredAt.After(now.Add(5*time.Minute)) {
		v.Add("occurred_at", "The time of the decision cannot be in the future")
	}
	var seen []string
	for _, r := range o.Recommendations {
		if err := liaise.ValidateRecommendation(r); err != nil {
			for _, m := range liaise.ErrorFields(err) {
				v.Add("recommendations", m)
				break
			}
		}
		if r.Type != liaise.RecommendOther && slices.Contains(seen, r.Type) {
			v.Add("recommendations", "Record each recommendation once")
		}
		seen = append(seen, r.Type)
	}
	v.Check(utf8.RuneCountInString(o.Notes) <= 5000, "notes", "Notes must be 5,000 characters or fewer")
	v.Check(utf8.RuneCountInString(o.HandoverNote) <= 5000, "handover_note", "The handover note must be 5,000 characters or fewer")
	hearing := o.NextHearingSiteID != 0 || !o.NextHearingDate.IsZero() || o.HandoverNote != ""
	if hearing && !NeedsNextHearing(o.Stage, o.Outcome) {
		v.Add("next_hearing_site_id", "A next hearing goes only with a charge or a remand")
	}
	if hearing && NeedsNextHearing(o.Stage, o.Outcome) {
		v.Check(o.NextHearingSiteID != 0, "next_hearing_site_id", "Choose the court of the next hearing")
		switch {
		case o.NextHearingDate.IsZero():
			v.Add("next_hearing_date", "Enter the date of the next hearing")
		case o.NextHearingDate.Before(liaise.DateOf(now.Local())):
			v.Add("next_hearing_date", "The next hearing cannot be in the past")
		}
	}
	return v.Err()
}

// CourtSites lists the provider's court sites that have a team, for the
// next hearing: any practitioner recording an outcome may choose one.
func (db *DB) CourtSites(ctx context.Context) ([]liaise.Site, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapRecordWrite, liaise.Resource{Type: "episode"}); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, siteSelect+` WHERE provider_id = ? AND team_id IS NOT NULL AND type IN (?, ?, ?) ORDER BY name`,
		a.ProviderID, CourtSiteTypes[0], CourtSiteTypes[1], CourtSiteTypes[2])
	if err != nil {
		return nil, err
	}
	return scanSites(rows)
}

// Handover is the next hearing an episode moves to.
type Handover struct {
	SiteID int64
	Date   liaise.Date
	Note   string
	// OccurredAt is when the decision that sent the person there was made.
	OccurredAt liaise.Time
}

// HandOverEpisode moves an episode, within tx, to the team of the court
// site of its next hearing: it sets the site, setting and hearing date,
// clears a worker who is not of the new team, adds a timeline entry and
// audits it. The episode continues; the previous team loses access (only
// break-glass opens it for them). It returns the court site and team name.
func HandOverEpisode(ctx context.Context, tx *Tx, a *liaise.Actor, e Episode, h Handover) (liaise.Site, string, error) {
	site, err := getSite(ctx, tx, h.SiteID)
	if err != nil || site.ProviderID != e.ProviderID {
		return liaise.Site{}, "", fieldError("next_hearing_site_id", "Choose a court of your organisation")
	}
	if !slices.Contains(CourtSiteTypes, site.Type) || site.TeamID == 0 {
		return liaise.Site{}, "", fieldError("next_hearing_site_id", "Choose a court that has an L&D team")
	}
	var teamName string
	if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = ?`, site.TeamID).Scan(&teamName); err != nil {
		return liaise.Site{}, "", err
	}
	alloc := nullID(e.AllocatedUserID)
	if site.TeamID != e.TeamID {
		alloc = nil
	}
	err = tx.UpdateVersioned(ctx, "episodes", `UPDATE episodes SET team_id = ?, site_id = ?, setting = ?, hearing_date = ?, allocated_user_id = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		site.TeamID, site.ID, settingForSite(site.Type), h.Date, alloc, tx.Now, e.ID, e.Version)
	if err != nil {
		return liaise.Site{}, "", err
	}
	what := fmt.Sprintf("handed over to %s for the hearing on %s", teamName, h.Date.Time().Format("2 January 2006"))
	if _, err := tx.Exec(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, user_id, kind, summary) VALUES (?, ?, ?, ?, ?, ?)`,
		e.PersonID, h.OccurredAt, tx.Now, nullID(a.UserID), "handover", "Episode "+what+" at "+site.Name); err != nil {
		return liaise.Site{}, "", err
	}
	return site, teamName, auditWrite(ctx, tx, a, liaise.AuditUpdate, "episode", e.ID, e.ProviderID, e.TeamID, what)
}

// AddJusticeOutcome records an outcome in an episode with whether each
// recommendation was followed; with a next hearing it hands the episode
// over to the court's team in the same transaction.
func (db *DB) AddJusticeOutcome(ctx context.Context, episodeID int64, o *JusticeOutcome) error {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID)
	if err != nil {
		return err
	}
	o.Notes = strings.TrimSpace(o.Notes)
	o.HandoverNote = strings.TrimSpace(o.HandoverNote)
	for i := range o.Recommendations {
		o.Recommendations[i].Detail = strings.TrimSpace(o.Recommendations[i].Detail)
	}
	if err := ValidateOutcome(*o, db.Now()); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		o.EpisodeID, o.RecordedAt, o.UserID, o.UserName = episodeID, tx.Now, a.UserID, a.DisplayName
		var handTeam any
		if o.NextHearingSiteID != 0 {
			site, name, err := HandOverEpisode(ctx, tx, a, e, Handover{SiteID: o.NextHearingSiteID, Date: o.NextHearingDate, Note: o.HandoverNote, OccurredAt: o.OccurredAt})
			if err != nil {
				return err
			}
			o.HandoverTeamID, o.HandoverTeamName, o.NextHearingSiteName, handTeam = site.TeamID, name, site.Name, site.TeamID
		}
		o.ID, err = tx.InsertID(ctx, `INSERT INTO justice_outcomes (episode_id, provider_id, team_id, person_id, stage, outcome, requirements,
			occurred_at, recorded_at, user_id, notes, next_hearing_site_id, next_hearing_date, handover_team_id, handover_note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			episodeID, e.ProviderID, e.TeamID, e.PersonID, o.Stage, o.Outcome, strings.Join(o.Requirements, " "), o.OccurredAt, tx.Now,
			nullID(a.UserID), o.Notes, nullID(o.NextHearingSiteID), o.NextHearingDate, handTeam, o.HandoverNote)
		if err != nil {
			return err
		}
		for _, r := range o.Recommendations {
			if _, err := tx.Exec(ctx, `INSERT INTO outcome_recommendations (outcome_id, type, detail, followed) VALUES (?, ?, ?, ?)`,
				o.ID, r.Type, r.Detail, r.Followed); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, user_id, kind, summary) VALUES (?, ?, ?, ?, ?, ?)`,
			e.PersonID, o.OccurredAt, tx.Now, nullID(a.UserID), "outcome", outcomeTitle(o.Stage, o.Outcome)); err != nil {
			return err
		}
		detail := o.Stage + " " + o.Outcome
		if o.Late() {
			detail += " (late entry)"
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "justice_outcome", o.ID, e.ProviderID, e.TeamID, detail)
	})
}

// OutcomeLabel is the label of an outcome code of a stage.
func OutcomeLabel(stage, outcome string) string {
	list := "custody-outcomes"
	if stage == liaise.StageCourt {
		list = "court-outcomes"
	}
	return codes.Label(list, outcome)
}

func outcomeTitle(stage, outcome string) string {
	if stage == liaise.StageCourt {
		return "Court outcome: " + OutcomeLabel(stage, outcome)
	}
	return "Custody outcome: " + OutcomeLabel(stage, outcome)
}

// MarkOutcomeInError marks an outcome entered in error, with a reason; it
// stays in the record. A handover it made is not undone.
func (db *DB) MarkOutcomeInError(ctx context.Context, episodeID, outcomeID int64, reason string) error {
	_, err := db.MarkInError(ctx, OutcomeEntries, episodeID, outcomeID, reason)
	return err
}

const outcomeSelect = `SELECT o.id, o.stage, o.outcome, o.requirements, o.occurred_at, o.recorded_at, o.user_id, COALESCE(u.display_name, 'System'),
	o.notes, o.next_hearing_site_id, o.next_hearing_date, COALESCE(s.name, ''), o.handover_team_id, COALESCE(t.name, ''), o.handover_note,
	o.entered_in_error, o.error_reason, o.error_at, COALESCE(eu.display_name, '')
	FROM justice_outcomes o LEFT JOIN users u ON u.id = o.user_id LEFT JOIN sites s ON s.id = o.next_hearing_site_id
	LEFT JOIN teams t ON t.id = o.handover_team_id LEFT JOIN users eu ON eu.id = o.error_by`

func scanOutcome(sc interface{ Scan(...any) error }, episodeID int64) (JusticeOutcome, error) {
	o := JusticeOutcome{}
	o.EpisodeID = episodeID
	var user, site, team sql.NullInt64
	var reqs string
	err := sc.Scan(&o.ID, &o.Stage, &o.Outcome, &reqs, &o.OccurredAt, &o.RecordedAt, &user, &o.UserName, &o.Notes, &site, &o.NextHearingDate,
		&o.NextHearingSiteName, &team, &o.HandoverTeamName, &o.HandoverNote, &o.EnteredInError, &o.ErrorReason, &o.ErrorAt, &o.ErrorByName)
	o.UserID, o.NextHearingSiteID, o.HandoverTeamID, o.Requirements = user.Int64, site.Int64, team.Int64, strings.Fields(reqs)
	return o, err
}

func outcomeRecommendations(ctx context.Context, db *DB, list []JusticeOutcome) error {
	for i := range list {
		rows, err := db.Query(ctx, `SELECT id, type, detail, followed FROM outcome_recommendations WHERE outcome_id = ? ORDER BY id`, list[i].ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			r := liaise.Recommendation{EpisodeID: list[i].EpisodeID}
			if err := rows.Scan(&r.ID, &r.Type, &r.Detail, &r.Followed); err != nil {
				rows.Close()
				return err
			}
			list[i].Recommendations = append(list[i].Recommendations, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func outcomeReadEvent(a *liaise.Actor, action string, id int64, e Episode) liaise.AuditEvent {
	ev := liaise.EventFor(a, action, "justice_outcome", id)
	ev.ProviderID, ev.TeamID = e.ProviderID, e.TeamID
	ev.Subjects = []int64{e.PersonID}
	ev.Detail = fmt.Sprintf("episode %d", e.ID)
	if e.BreakGlass {
		ev.Detail += ", break-glass"
	}
	return ev
}

// ListJusticeOutcomes returns an episode's outcomes, newest first, with
// their recommendations, including those entered in error. The read is audited.
func (db *DB) ListJusticeOutcomes(ctx context.Context, episodeID int64) ([]JusticeOutcome, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, outcomeSelect+` WHERE o.episode_id = ? ORDER BY o.occurred_at DESC, o.id DESC`, episodeID)
	if err != nil {
		return nil, err
	}
	var out []JusticeOutcome
	for rows.Next() {
		o, err := scanOutcome(rows, episodeID)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := outcomeRecommendations(ctx, db, out); err != nil {
		return nil, err
	}
	return out, db.AuditRead(ctx, outcomeReadEvent(a, liaise.AuditList, 0, e))
}

// GetJusticeOutcome returns one outcome of an episode. The read is audited.
// After a handover the recording team can no longer read it.
func (db *DB) GetJusticeOutcome(ctx context.Context, episodeID, id int64) (JusticeOutcome, error) {
	a := liaise.ActorFrom(ctx)
	e, err := db.episodeAccess(ctx, a, liaise.CapRecordRead, episodeID)
	if err != nil {
		return JusticeOutcome{}, err
	}
	o, err := scanOutcome(db.QueryRow(ctx, outcomeSelect+` WHERE o.id = ? AND o.episode_id = ?`, id, episodeID), episodeID)
	if errors.Is(err, sql.ErrNoRows) {
		return JusticeOutcome{}, liaise.Errorf(liaise.ENOTFOUND, "That outcome was not found.")
	}
	if err != nil {
		return JusticeOutcome{}, err
	}
	list := []JusticeOutcome{o}
	if err := outcomeRecommendations(ctx, db, list); err != nil {
		return JusticeOutcome{}, err
	}
	return list[0], db.AuditRead(ctx, outcomeReadEvent(a, liaise.AuditRead, id, e))
}
