package sqlstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"liaise"
	"liaise/internal/codes"
)

// The person's timeline (issue 3 item 3): one list, newest first by when
// things happened (occurred_at, never when they were typed), of every
// episode step, screening, assessment, consent, disclosure, onward referral
// and its steps, contact, justice outcome, case note, youth and support
// entry of the episodes the reader may open, with the person's own record
// changes. Entries entered in error are shown and marked, never left out.
//
// Visibility follows episodeAccess, decided once for all the person's
// episodes: the reader sees an episode of a team they are in, or one opened
// by a live break-glass grant; the others are counted (Skipped) so the page
// can say so. A case note restricted to its team is left out for a reader
// outside that team.
//
// A long history does not make a page slow. A page is read in two steps:
// one key query takes, from each source, the newest limit+1 (occurred_at,
// id) keys past the cursor from an index on (episode_id, occurred_at)
// (covering on SQLite; with one episode it stops after limit+1 entries,
// with several it sorts their keys only) and merges them with UNION ALL,
// ORDER BY and LIMIT in the database; then one detail query per kind on
// the page reads only the rows shown, by primary key. The whole read is one
// audit event with the person as its subject.

// Kinds of timeline entry: the type tag shown, the "type" of the API and the
// source named in a cursor. Their order is the tie-break between sources
// at the same instant, latest in the list first.
const (
	TimelineRecord           = "record" // the person's own record: created, details changed
	TimelineEpisode          = "episode"
	TimelineAppropriateAdult = "appropriate_adult"
	TimelineConsent          = "consent"
	TimelineScreening        = "screening"
	TimelineAssessment       = "assessment"
	TimelineSLT              = "slt_request"
	TimelineProfile          = "communication_profile"
	TimelineContact          = "contact"
	TimelineDisclosure       = "disclosure"
	TimelineSafeguarding     = "safeguarding_referral"
	TimelineReferral         = "referral"
	TimelineSupport          = "support_goal"
	TimelineOutcome          = "outcome"
	TimelineNote             = "note"
)

// TimelinePageSize is how many entries a page shows.
const TimelinePageSize = 50

// maxExcerpt bounds the free text an entry quotes (a note, a contact
// summary); the whole text is on the record part's page.
const maxExcerpt = 200

// personEventKinds are the person_events kinds about the person's own
// record. The other kinds written there (screening, disclosure, …) belong
// to an episode but carry no episode id, so the timeline reads those from
// their own tables, where the episode decides who may see them.
var personEventKinds = []string{"created", "updated", "not_duplicate"}

// TimelineEntry is one thing that happened, in words a practitioner uses.
type TimelineEntry struct {
	Kind string
	ID   int64
	// EpisodeID is the episode it belongs to (0: the person's own record).
	EpisodeID int64
	// ParentID is the onward referral a referral step belongs to.
	ParentID   int64
	OccurredAt liaise.Time
	RecordedAt liaise.Time
	RecordedBy string
	// Title says what happened; Detail adds what a reader needs next.
	Title  string
	Detail string
	// Flag names something to notice (e.g. "Without consent"), shown as a tag.
	Flag           string
	EnteredInError bool
	ErrorReason    string
	// The episode's team and site, and whether the reader sees it only
	// through break-glass.
	TeamName   string
	SiteName   string
	BreakGlass bool
}

// Late reports whether the entry was recorded more than a day after it
// happened.
func (e TimelineEntry) Late() bool { return liaise.LateEntry(e.OccurredAt, e.RecordedAt) }

// Timeline is one page of a person's timeline with the person's record.
type Timeline struct {
	Person liaise.Person
	Items  []TimelineEntry
	// NextCursor asks for the page of older entries ("" on the last page).
	NextCursor string
	// Skipped counts the person's episodes left out: with teams the reader
	// is not in and not opened by break-glass.
	Skipped int
	// CanBreakGlass says the reader could open those with a reason.
	CanBreakGlass bool
	// Episodes are those the reader may open, newest first, and Alerts
	// the dated alerts of their latest screening (first page only).
	Episodes []PersonEpisode
	Alerts   []PersonAlert
}

// TimelineQuery asks for one page: Cursor is a NextCursor ("" for the
// newest); BreakGlassReason opens a record outside the reader's teams, or
// the episodes of other teams of a record the reader can open.
type TimelineQuery struct {
	Cursor           string
	Limit            int
	BreakGlassReason string
}

// timelineEpisode is one of the person's episodes as the timeline sees it.
type timelineEpisode struct {
	ID, TeamID         int64
	TeamName, SiteName string
	BreakGlass         bool
	// What the person page lists of the episode.
	State     liaise.EpisodeState
	Setting   string
	AlertedAt liaise.Time
}

// timelineCursor is a decoded cursor: the last entry shown.
type timelineCursor struct {
	at   liaise.Time
	rank int
	id   int64
}

func encodeTimelineCursor(k timelineKey) string {
	kind := timelineSources[k.rank-1].kind
	b, _ := json.Marshal(listCursor{V: 1, Sort: "occurred_at", Values: []any{k.at.String(), kind}, ID: k.id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func badTimelineCursor() error {
	return &liaise.Error{Code: liaise.EINVALID, Message: "The link to older entries is not valid: go back to the newest entries.",
		Fields: map[string]string{"cursor": "The cursor is not one this service gave out"}}
}

// decodeTimelineCursor reads a cursor made by encodeTimelineCursor;
// anything else is EINVALID (422).
func decodeTimelineCursor(s string) (timelineCursor, error) {
	badCursor := badTimelineCursor
	var c timelineCursor
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return c, badCursor()
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var lc listCursor
	if err := dec.Decode(&lc); err != nil || dec.More() || lc.V != 1 || lc.Sort != "occurred_at" || lc.ID <= 0 || len(lc.Values) != 2 {
		return c, badCursor()
	}
	at, ok1 := lc.Values[0].(string)
	kind, ok2 := lc.Values[1].(string)
	if !ok1 || !ok2 || c.at.Scan(at) != nil || c.at.IsZero() {
		return c, badCursor()
	}
	c.rank = timelineRank(kind)
	if c.rank == 0 {
		return c, badCursor()
	}
	c.id = lc.ID
	return c, nil
}

// timelineSource is one table (or join) the timeline reads. In the SQL, x
// is the source row.
type timelineSource struct {
	kind string
	// from is the FROM clause; at is when the row's event happened; scope is
	// the episode column ("" for the person's own record).
	from, at, scope string
	// where narrows the rows (may be empty).
	where string
	// teamOnly hides rows from readers outside the episode's team.
	teamOnly string
	// detail selects the rows shown ("x.id IN (…)" is appended); scan
	// reads one into an entry.
	detail string
	scan   func(sc interface{ Scan(...any) error }, e *TimelineEntry) error
}

func timelineRank(kind string) int {
	for i, s := range timelineSources {
		if s.kind == kind {
			return i + 1
		}
	}
	return 0
}

// who is the recorder's name, or "System" for rows written by a feed.
const who = `COALESCE(u.display_name, 'System')`

var timelineSources = []timelineSource{
	{kind: TimelineRecord, from: `person_events x`, at: `x.occurred_at`,
		where:  `x.kind IN ('` + strings.Join(personEventKinds, `', '`) + `')`,
		detail: `SELECT x.id, 0, x.occurred_at, x.recorded_at, ` + who + `, x.summary FROM person_events x LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			return sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &e.Title)
		}},
	{kind: TimelineEpisode, from: `episode_transitions x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.from_state, x.to_state, x.reason, x.retry_at
			FROM episode_transitions x LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var from, to, reason string
			var retry liaise.Time
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &from, &to, &reason, &retry); err != nil {
				return err
			}
			e.Title, e.Detail = transitionWords(liaise.EpisodeState(from), liaise.EpisodeState(to), reason, retry)
			return nil
		}},
	{kind: TimelineAppropriateAdult, from: `appropriate_adults x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.present, x.relationship, x.name, x.absent_reason, x.absent_detail
			FROM appropriate_adults x LEFT JOIN users u ON u.id = x.recorded_by`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var present bool
			var rel, name, why, detail string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &present, &rel, &name, &why, &detail); err != nil {
				return err
			}
			if present {
				e.Title = "Appropriate adult present"
				e.Detail = strings.TrimSpace(name + " (" + screeningLower(AARelationshipLabel(rel)) + ")")
			} else {
				e.Title, e.Flag = "No appropriate adult", "No appropriate adult"
				e.Detail = AAAbsentReasonLabel(why)
				if detail != "" {
					e.Detail += ": " + excerpt(detail)
				}
			}
			return nil
		}},
	{kind: TimelineConsent, from: `consents x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, COALESCE(u.display_name, ob.display_name, 'System'), x.scope, x.decision,
			x.entered_in_error, x.error_reason FROM consents x LEFT JOIN users u ON u.id = x.recorded_by LEFT JOIN users ob ON ob.id = x.obtained_by`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var scope, decision string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &scope, &decision, &e.EnteredInError, &e.ErrorReason); err != nil {
				return err
			}
			e.Title = "Consent: " + screeningLower(codes.Label("consent-scopes", scope))
			e.Detail = liaise.LabelOf(liaise.ConsentDecisions, decision)
			return nil
		}},
	{kind: TimelineScreening, from: `screenings x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.kind, x.incomplete_reason, x.risk_in_custody, x.assessment_needed,
			x.entered_in_error, x.error_reason FROM screenings x LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var kind, incomplete, risk, assess string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &kind, &incomplete, &risk, &assess,
				&e.EnteredInError, &e.ErrorReason); err != nil {
				return err
			}
			e.Title = liaise.LabelOf(liaise.ScreeningKinds, kind)
			if incomplete != "" {
				e.Title += " not completed"
				e.Detail = codes.Label("not-screened-reasons", incomplete)
				return nil
			}
			var parts []string
			if risk != "" {
				parts = append(parts, "Risk in custody: "+screeningLower(liaise.LabelOf(liaise.RiskLevels, risk)))
			}
			if assess != "" {
				parts = append(parts, "Assessment needed: "+screeningLower(liaise.LabelOf(liaise.AssessmentNeededChoices, assess)))
			}
			e.Detail = strings.Join(parts, ". ")
			if risk == liaise.RiskHigh {
				e.Flag = "High risk in custody"
			}
			return nil
		}},
	{kind: TimelineAssessment, from: `assessments x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.type, x.incomplete_reason, x.entered_in_error, x.error_reason
			FROM assessments x LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var typ, incomplete string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &typ, &incomplete, &e.EnteredInError, &e.ErrorReason); err != nil {
				return err
			}
			e.Title = "Assessment: " + screeningLower(liaise.LabelOf(liaise.AssessmentTypes, typ))
			if incomplete != "" {
				e.Title += " (not completed)"
				e.Detail = codes.Label("not-assessed-reasons", incomplete)
			}
			return nil
		}},
	{kind: TimelineSLT, from: `slt_requests x`, at: `x.requested_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.requested_at, x.requested_at, ` + who + `, x.urgency, x.status
			FROM slt_requests x LEFT JOIN users u ON u.id = x.requested_by`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var urgency, status string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &urgency, &status); err != nil {
				return err
			}
			e.Title = "Speech and language therapy assessment requested"
			e.Detail = liaise.LabelOf(liaise.SLTUrgencies, urgency) + ". " + liaise.LabelOf(liaise.SLTStatuses, status)
			return nil
		}},
	{kind: TimelineProfile, from: `communication_profiles x JOIN slt_requests q ON q.id = x.request_id`, at: `x.occurred_at`, scope: `q.episode_id`,
		detail: `SELECT x.id, q.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.intermediary_needed
			FROM communication_profiles x JOIN slt_requests q ON q.id = x.request_id LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var intermediary string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &intermediary); err != nil {
				return err
			}
			e.Title = "Communication profile recorded"
			if intermediary != "" {
				e.Detail = "Intermediary needed: " + screeningLower(liaise.LabelOf(liaise.IntermediaryChoices, intermediary))
			}
			return nil
		}},
	{kind: TimelineContact, from: `contacts x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.kind, x.duration_minutes, x.attended_or_dna,
			x.counterpart_agency_type, x.counterpart_role, x.summary, x.entered_in_error, x.error_reason FROM contacts x LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var kind, attended, agency, role, summary string
			var minutes int
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &kind, &minutes, &attended, &agency, &role, &summary,
				&e.EnteredInError, &e.ErrorReason); err != nil {
				return err
			}
			if kind == ContactIndirect {
				e.Title = fmt.Sprintf("Liaison with %s (%d minutes)", screeningLower(liaise.LabelOf(CounterpartAgencyTypes, agency)), minutes)
				if role != "" {
					e.Title = fmt.Sprintf("Liaison with %s, %s (%d minutes)", screeningLower(liaise.LabelOf(CounterpartAgencyTypes, agency)), role, minutes)
				}
			} else {
				e.Title = fmt.Sprintf("Direct contact (%d minutes)", minutes)
				if attended != "" {
					e.Title += ": " + screeningLower(codes.Label("attended-or-dna", attended))
				}
			}
			e.Detail = excerpt(summary)
			return nil
		}},
	{kind: TimelineDisclosure, from: `disclosures x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.recipient_agency, x.recipient_role, x.purpose, x.channel,
			x.consent_id IS NULL, COALESCE(x.legal_basis, ''), x.urgent FROM disclosures x LEFT JOIN users u ON u.id = x.disclosed_by`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var agency, role, purpose, channel, basis string
			var withoutConsent, urgent bool
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &agency, &role, &purpose, &channel,
				&withoutConsent, &basis, &urgent); err != nil {
				return err
			}
			e.Title = "Information shared with " + agencyWords(agency)
			if role != "" {
				e.Title += " (" + role + ")"
			}
			parts := []string{"For " + screeningLower(codes.Label("disclosure-purposes", purpose)), liaise.LabelOf(liaise.DisclosureChannels, channel)}
			if withoutConsent {
				e.Flag = "Without consent"
				parts = append(parts, "Without consent: "+screeningLower(codes.Label("disclosure-legal-bases", basis)))
			}
			if urgent {
				parts = append(parts, "Urgent")
			}
			e.Detail = strings.Join(parts, ". ")
			return nil
		}},
	{kind: TimelineSafeguarding, from: `safeguarding_referrals x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.referred_to, x.reference
			FROM safeguarding_referrals x LEFT JOIN users u ON u.id = x.recorded_by`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var to, ref string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &to, &ref); err != nil {
				return err
			}
			e.Title = "Safeguarding referral to " + SafeguardingLabel(to)
			if ref != "" {
				e.Detail = "Reference " + ref
			}
			return nil
		}},
	{kind: TimelineReferral, from: `onward_referral_transitions x JOIN onward_referrals r ON r.id = x.referral_id`, at: `x.occurred_at`, scope: `r.episode_id`,
		detail: `SELECT x.id, r.episode_id, r.id, x.occurred_at, x.recorded_at, ` + who + `, x.from_state, x.to_state, x.reason, r.service, r.need
			FROM onward_referral_transitions x JOIN onward_referrals r ON r.id = x.referral_id LEFT JOIN users u ON u.id = x.user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var from, to, reason, service, need string
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.ParentID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &from, &to, &reason, &service, &need); err != nil {
				return err
			}
			state := liaise.ReferralState(to)
			if from == "" {
				e.Title = "Onward referral to " + service + ": " + screeningLower(state.Label())
				e.Detail = "For " + screeningLower(codes.Label("vulnerabilities", need))
			} else {
				e.Title = "Referral to " + service + ": " + screeningLower(state.Label())
				e.Detail = excerpt(reason)
			}
			return nil
		}},
	{kind: TimelineSupport, from: `support_goals x`, at: `x.set_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.set_at, x.recorded_at, ` + who + `, x.goal_type, x.status, COALESCE(w.display_name, '')
			FROM support_goals x LEFT JOIN users u ON u.id = x.created_by LEFT JOIN users w ON w.id = x.worker_user_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			g := SupportGoal{}
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &g.Type, &g.Status, &g.WorkerName); err != nil {
				return err
			}
			e.Title = "Support goal set: " + screeningLower(g.TypeLabel())
			e.Detail = g.StatusLabel()
			if g.WorkerName != "" {
				e.Detail += ". Worker: " + g.WorkerName
			}
			return nil
		}},
	{kind: TimelineOutcome, from: `justice_outcomes x`, at: `x.occurred_at`, scope: `x.episode_id`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.stage, x.outcome, x.next_hearing_date, COALESCE(h.name, ''),
			x.entered_in_error, x.error_reason FROM justice_outcomes x LEFT JOIN users u ON u.id = x.user_id LEFT JOIN teams h ON h.id = x.handover_team_id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var stage, outcome, team string
			var hearing liaise.Date
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &stage, &outcome, &hearing, &team,
				&e.EnteredInError, &e.ErrorReason); err != nil {
				return err
			}
			e.Title = outcomeTitle(stage, outcome)
			if !hearing.IsZero() {
				e.Detail = "Next hearing " + hearing.Time().Format("Monday 2 January 2006")
				if team != "" {
					e.Detail += ", handed over to " + team
				}
			}
			return nil
		}},
	{kind: TimelineNote, from: `case_notes x`, at: `x.occurred_at`, scope: `x.episode_id`, teamOnly: `x.restricted_to_team = FALSE`,
		detail: `SELECT x.id, x.episode_id, x.occurred_at, x.recorded_at, ` + who + `, x.text, x.restricted_to_team, x.amends_note_id IS NOT NULL,
			am.id IS NOT NULL, err.note_id IS NOT NULL, COALESCE(err.reason, '') FROM case_notes x LEFT JOIN users u ON u.id = x.user_id
			LEFT JOIN case_notes am ON am.amends_note_id = x.id LEFT JOIN case_note_errors err ON err.note_id = x.id`,
		scan: func(sc interface{ Scan(...any) error }, e *TimelineEntry) error {
			var text string
			var restricted, amends, amended bool
			if err := sc.Scan(&e.ID, &e.EpisodeID, &e.OccurredAt, &e.RecordedAt, &e.RecordedBy, &text, &restricted, &amends, &amended,
				&e.EnteredInError, &e.ErrorReason); err != nil {
				return err
			}
			// The note speaks for itself; the type tag says it is a note.
			e.Title = excerpt(text)
			var about []string
			if amends {
				about = append(about, "Correction of an earlier note.")
			}
			if restricted {
				about = append(about, "Restricted to the team.")
			}
			e.Detail = strings.Join(about, " ")
			if amended {
				e.Flag = "Amended"
			}
			return nil
		}},
}

// transitionReasons names the code list of a step's reason (as the episode
// page does).
var transitionReasons = map[liaise.EpisodeState]string{
	liaise.EpisodeRejected:    "rejection-reasons-local",
	liaise.EpisodeDeferred:    "deferral-reasons",
	liaise.EpisodeNotScreened: "not-screened-reasons",
	liaise.EpisodeNotAssessed: "not-assessed-reasons",
	liaise.EpisodeClosed:      "closure-reasons-local",
}

func transitionWords(from, to liaise.EpisodeState, reason string, retry liaise.Time) (title, detail string) {
	switch {
	case from == "":
		title = "Episode opened: L&D alerted"
	case to == liaise.EpisodeClosed:
		title = "Episode closed"
	case to == liaise.EpisodeRejected:
		title = "Episode rejected"
	default:
		title = "Episode moved to " + screeningLower(to.Label())
	}
	if reason != "" {
		if list, ok := transitionReasons[to]; ok {
			detail = codes.Label(list, reason)
		} else {
			detail = excerpt(reason)
		}
	}
	if !retry.IsZero() {
		if detail != "" {
			detail += ". "
		}
		detail += "Try again at " + retry.Local().Format("15:04 on 2 January 2006")
	}
	return title, detail
}

// excerpt shortens free text to its first maxExcerpt characters.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxExcerpt])) + "…"
}

// PersonTimeline opens a person's record with one page of its timeline.
// Access is the person's (personAccess: team, named staff for a restricted
// person, break-glass with a reason); each episode then needs its own team
// or a live break-glass grant. A bad cursor is EINVALID. The read is one
// audit event with the person as its subject.
func (db *DB) PersonTimeline(ctx context.Context, personID int64, q TimelineQuery) (Timeline, error) {
	a := liaise.ActorFrom(ctx)
	var tl Timeline
	p, bg, err := db.personAccess(ctx, a, liaise.CapRecordRead, personID, q.BreakGlassReason)
	if err != nil {
		return tl, err
	}
	p.BreakGlass = bg
	var cur *timelineCursor
	if q.Cursor != "" {
		c, err := decodeTimelineCursor(q.Cursor)
		if err != nil {
			return tl, err
		}
		cur = &c
	}
	limit := q.Limit
	if limit <= 0 || limit > TimelinePageSize {
		limit = TimelinePageSize
	}
	if err := loadPersonChildren(ctx, db, &p); err != nil {
		return tl, err
	}
	tl.Person = p
	episodes, team, other, skipped, err := db.timelineEpisodes(ctx, a, p, bg)
	if err != nil {
		return tl, err
	}
	if reason := strings.TrimSpace(q.BreakGlassReason); reason != "" && !bg && skipped > 0 && a.Can(liaise.CapBreakGlass) {
		// The record was open already: the reason is for the other teams'
		// episodes (as BreakGlass does for the page's form).
		if err := liaise.ValidBreakGlassReason(reason); err != nil {
			return tl, err
		}
		if err := db.openBreakGlass(ctx, a, p, reason); err != nil {
			return tl, err
		}
		bg, tl.Person.BreakGlass = true, true
		if episodes, team, other, skipped, err = db.timelineEpisodes(ctx, a, p, bg); err != nil {
			return tl, err
		}
	}
	tl.Skipped, tl.CanBreakGlass = skipped, skipped > 0 && a.Can(liaise.CapBreakGlass)
	if cur == nil {
		open := slices.Concat(team, other)
		tl.Episodes = personEpisodes(episodes, open)
		if tl.Alerts, err = personAlerts(ctx, db, open); err != nil {
			return tl, err
		}
	}
	keys, err := timelineKeys(ctx, db, p.ID, team, other, cur, limit+1)
	if err != nil {
		return tl, err
	}
	if len(keys) > limit {
		keys = keys[:limit]
		tl.NextCursor = encodeTimelineCursor(keys[limit-1])
	}
	if tl.Items, err = timelineDetails(ctx, db, keys, episodes); err != nil {
		return tl, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "person", p.ID)
	ev.ProviderID, ev.TeamID = p.ProviderID, p.TeamID
	ev.Subjects = []int64{p.ID}
	ev.Detail = "record and timeline"
	if cur != nil {
		ev.Detail = "older timeline entries"
	}
	if bg {
		ev.Detail += " (break-glass)"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return Timeline{}, err
	}
	return tl, nil
}

// timelineEpisodes decides, for each of the person's episodes at once,
// what episodeAccess would for reading it: team lists those of the
// reader's teams, other those open through a live break-glass grant, and
// skipped counts the rest of the provider's. bg says personAccess already
// found (or opened) a live grant.
func (db *DB) timelineEpisodes(ctx context.Context, a *liaise.Actor, p liaise.Person, bg bool) (map[int64]timelineEpisode, []int64, []int64, int, error) {
	var named []int64
	if p.Restricted {
		var err error
		if named, err = namedStaff(ctx, db, p.ID); err != nil {
			return nil, nil, nil, 0, err
		}
	}
	rows, err := db.Query(ctx, `SELECT e.id, e.provider_id, e.team_id, t.name, COALESCE(s.name, ''), e.state, e.setting, e.alerted_at
		FROM episodes e JOIN teams t ON t.id = e.team_id
		LEFT JOIN sites s ON s.id = e.site_id WHERE e.person_id = ? ORDER BY e.id`, p.ID)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	type row struct {
		timelineEpisode
		provider int64
	}
	var all []row
	for rows.Next() {
		var r row
		var state string
		if err := rows.Scan(&r.ID, &r.provider, &r.TeamID, &r.TeamName, &r.SiteName, &state, &r.Setting, &r.AlertedAt); err != nil {
			rows.Close()
			return nil, nil, nil, 0, err
		}
		r.State = liaise.EpisodeState(state)
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, 0, err
	}
	live := -1 // not yet known
	if bg {
		live = 1
	}
	episodes := map[int64]timelineEpisode{}
	var team, other []int64
	skipped := 0
	for _, r := range all {
		if !a.System && r.provider != a.ProviderID {
			continue // another provider's: "not found", not even counted
		}
		res := liaise.Resource{Type: "episode", ID: r.ID, ProviderID: r.provider, TeamID: r.TeamID, Restricted: p.Restricted, NamedUserIDs: named}
		if liaise.Authorize(a, liaise.CapRecordRead, res) == nil {
			episodes[r.ID] = r.timelineEpisode
			team = append(team, r.ID)
			continue
		}
		// Break-glass helps only with the team check (as in episodeAccess).
		outside := res
		outside.TeamID = 0
		if !a.Can(liaise.CapBreakGlass) || liaise.Authorize(a, liaise.CapRecordRead, outside) != nil {
			skipped++
			continue
		}
		if live < 0 {
			var n int
			err := db.QueryRow(ctx, `SELECT COUNT(*) FROM break_glass_grants WHERE user_id = ? AND person_id = ? AND expires_at > ?`,
				a.UserID, p.ID, db.Now()).Scan(&n)
			if err != nil {
				return nil, nil, nil, 0, err
			}
			live = min(n, 1)
		}
		res.BreakGlass = true
		if live == 0 || liaise.Authorize(a, liaise.CapRecordRead, res) != nil {
			skipped++
			continue
		}
		r.BreakGlass = true
		episodes[r.ID] = r.timelineEpisode
		other = append(other, r.ID)
	}
	return episodes, team, other, skipped, nil
}

// timelineKey is one entry found by the key query.
type timelineKey struct {
	rank int
	at   liaise.Time
	id   int64
}

// timelineKeys returns the newest n keys past cur across every source, in
// timeline order (occurred_at, then source, then id, all descending).
func timelineKeys(ctx context.Context, q queryer, personID int64, team, other []int64, cur *timelineCursor, n int) ([]timelineKey, error) {
	var branches []string
	var args []any
	branch := func(rank int, s timelineSource, cond string, condArgs ...any) {
		w := cond
		if s.where != "" {
			w += " AND " + s.where
		}
		args = append(args, condArgs...)
		if cur != nil {
			switch {
			case rank < cur.rank:
				w += " AND " + s.at + " <= ?"
				args = append(args, cur.at)
			case rank == cur.rank:
				w += " AND (" + s.at + " < ? OR (" + s.at + " = ? AND x.id < ?))"
				args = append(args, cur.at, cur.at, cur.id)
			default:
				w += " AND " + s.at + " < ?"
				args = append(args, cur.at)
			}
		}
		branches = append(branches, `SELECT * FROM (SELECT `+strconv.Itoa(rank)+` AS src, `+s.at+` AS ts, x.id AS id FROM `+s.from+
			` WHERE `+w+` ORDER BY `+s.at+` DESC, x.id DESC LIMIT `+strconv.Itoa(n)+`) AS k`+strconv.Itoa(len(branches)))
	}
	in := func(col string, ids []int64) (string, []any) {
		xs := make([]any, len(ids))
		for i, id := range ids {
			xs[i] = id
		}
		if len(ids) == 1 {
			return col + " = ?", xs
		}
		return col + " IN (" + placeholders(len(ids)) + ")", xs
	}
	visible := slices.Concat(team, other)
	for i, s := range timelineSources {
		rank := i + 1
		switch {
		case s.scope == "":
			branch(rank, s, "x.person_id = ?", personID)
		case len(visible) == 0:
		case s.teamOnly == "" || len(other) == 0:
			c, xs := in(s.scope, visible)
			branch(rank, s, c, xs...)
		default:
			if len(team) > 0 {
				c, xs := in(s.scope, team)
				branch(rank, s, c, xs...)
			}
			c, xs := in(s.scope, other)
			branch(rank, s, c+" AND "+s.teamOnly, xs...)
		}
	}
	rows, err := q.Query(ctx, strings.Join(branches, " UNION ALL ")+` ORDER BY ts DESC, src DESC, id DESC LIMIT `+strconv.Itoa(n), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []timelineKey
	for rows.Next() {
		var k timelineKey
		if err := rows.Scan(&k.rank, &k.at, &k.id); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// timelineDetails reads the rows of keys, one query per source on the
// page, and returns them in the keys' order with their episode's team and
// site.
func timelineDetails(ctx context.Context, q queryer, keys []timelineKey, episodes map[int64]timelineEpisode) ([]TimelineEntry, error) {
	byRank := map[int][]any{}
	for _, k := range keys {
		byRank[k.rank] = append(byRank[k.rank], k.id)
	}
	type ref struct {
		rank int
		id   int64
	}
	found := map[ref]TimelineEntry{}
	for rank, ids := range byRank {
		s := timelineSources[rank-1]
		rows, err := q.Query(ctx, s.detail+` WHERE x.id IN (`+placeholders(len(ids))+`)`, ids...)
		if err != nil {
			return nil, fmt.Errorf("timeline %s: %w", s.kind, err)
		}
		for rows.Next() {
			e := TimelineEntry{Kind: s.kind}
			if err := s.scan(rows, &e); err != nil {
				rows.Close()
				return nil, fmt.Errorf("timeline %s: %w", s.kind, err)
			}
			found[ref{rank, e.ID}] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]TimelineEntry, 0, len(keys))
	for _, k := range keys {
		e, ok := found[ref{k.rank, k.id}]
		if !ok {
			continue
		}
		if ep, ok := episodes[e.EpisodeID]; ok {
			e.TeamName, e.SiteName, e.BreakGlass = ep.TeamName, ep.SiteName, ep.BreakGlass
		}
		if !e.EnteredInError {
			e.ErrorReason = ""
		}
		out = append(out, e)
	}
	return out, nil
}
