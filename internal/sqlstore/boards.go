package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"liaise"
)

// Boards and caseload filters (issue 3 item 16): the team caseload's extra
// filters and sorts, and the per-site or per-hub board of who is waiting.

// Age groups of a person at the time L&D was alerted.
const (
	AgeChild   = "child"
	AgeAdult   = "adult"
	AgeUnknown = "unknown"
)

// AgeGroups lists the age groups with their labels.
var AgeGroups = []liaise.CodeLabel{
	{Code: AgeChild, Label: "Child (under 18)"},
	{Code: AgeAdult, Label: "Adult"},
	{Code: AgeUnknown, Label: "Age not known"},
}

// Caseload sorts; the cursor carries the sort so a page never mixes orders.
const (
	SortQueue  = "queue"
	SortNewest = "newest"
	SortName   = "name"
)

// EpisodeSorts lists the caseload sorts with their labels, default first.
var EpisodeSorts = []liaise.CodeLabel{
	{Code: SortQueue, Label: "Queue time, oldest first"},
	{Code: SortNewest, Label: "Queue time, newest first"},
	{Code: SortName, Label: "Person's name"},
}

// AgeGroupAt is the age group of a person when L&D was alerted at t: from
// the date of birth when known, else the estimated age; unknown without
// either (never assumed a child or an adult).
func AgeGroupAt(p liaise.Person, t liaise.Time) string {
	if (p.DOBUnknown || p.DateOfBirth.IsZero()) && p.EstimatedAge <= 0 {
		return AgeUnknown
	}
	if p.AgeOn(liaise.DateOf(t.Local())) < 18 {
		return AgeChild
	}
	return AgeAdult
}

// ageGroupSQL is the condition for an age group, the SQL form of AgeGroupAt.
// PostgreSQL takes the alert's date in Europe/London; SQLite has no time
// zones and takes its UTC date (differs only for a birthday alerted between
// midnight and 1am in summer).
func ageGroupSQL(engine, group string) (string, bool) {
	known := `(p.date_of_birth IS NOT NULL AND NOT p.dob_unknown)`
	cutoff := `date(e.alerted_at, '-18 years')`
	if engine == Postgres {
		cutoff = `((e.alerted_at AT TIME ZONE 'Europe/London')::date - INTERVAL '18 years')`
	}
	child := `(CASE WHEN ` + known + ` THEN p.date_of_birth > ` + cutoff + ` ELSE p.estimated_age > 0 AND p.estimated_age < 18 END)`
	unknown := `(NOT ` + known + ` AND p.estimated_age <= 0)`
	switch group {
	case AgeChild:
		return child, true
	case AgeUnknown:
		return unknown, true
	case AgeAdult:
		return `(NOT ` + unknown + ` AND NOT ` + child + `)`, true
	}
	return "", false
}

type episodeCursor struct {
	V      int      `json:"v"`
	Sort   string   `json:"sort"`
	Values []string `json:"values"`
	ID     int64    `json:"id"`
}

func encodeEpisodeCursor(sort string, values []string, id int64) string {
	b, _ := json.Marshal(episodeCursor{V: 1, Sort: sort, Values: values, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeEpisodeCursor(s, sort string, n int) ([]string, int64, error) {
	var c episodeCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.V != 1 || c.Sort != sort || len(c.Values) != n || c.ID <= 0 {
		return nil, 0, fieldError("cursor", "The cursor is not valid: start the list again")
	}
	return c.Values, c.ID, nil
}

// episodeFilters appends the optional filters of q (site, unallocated, age
// group, overdue task) to a caseload query over episodes e and people p.
func (db *DB) episodeFilters(q EpisodeQuery, sqlq *string, args *[]any) error {
	if q.SiteID != 0 {
		*sqlq += ` AND e.site_id = ?`
		*args = append(*args, q.SiteID)
	}
	if q.Unallocated {
		*sqlq += ` AND e.allocated_user_id IS NULL`
	}
	if q.AgeGroup != "" {
		cond, ok := ageGroupSQL(db.Engine, q.AgeGroup)
		if !ok {
			return fieldError("age_group", "Choose child, adult or age not known")
		}
		*sqlq += ` AND ` + cond
	}
	if q.Overdue {
		*sqlq += ` AND EXISTS (SELECT 1 FROM tasks k WHERE k.episode_id = e.id AND k.completed_at IS NULL AND k.due_at < ?)`
		*args = append(*args, db.Now())
	}
	return nil
}

// episodeOrder appends the keyset condition of the cursor and the ORDER BY
// of q's sort. Name order is by the first name's family then given name.
func episodeOrder(q EpisodeQuery, sqlq *string, args *[]any) error {
	sort := q.Sort
	if sort == "" {
		sort = SortQueue
	}
	const fam, giv = `COALESCE(n.family, '')`, `COALESCE(n.given, '')`
	switch sort {
	case SortQueue, SortNewest:
		if q.Cursor != "" {
			vals, id, err := decodeEpisodeCursor(q.Cursor, sort, 1)
			var t liaise.Time
			if err == nil && t.Scan(vals[0]) != nil {
				err = fieldError("cursor", "The cursor is not valid: start the list again")
			}
			if err != nil {
				return err
			}
			op := ">"
			if sort == SortNewest {
				op = "<"
			}
			*sqlq += ` AND (e.queue_at ` + op + ` ? OR (e.queue_at = ? AND e.id ` + op + ` ?))`
			*args = append(*args, t, t, id)
		}
		if sort == SortNewest {
			*sqlq += ` ORDER BY e.queue_at DESC, e.id DESC`
		} else {
			*sqlq += ` ORDER BY e.queue_at, e.id`
		}
	case SortName:
		if q.Cursor != "" {
			vals, id, err := decodeEpisodeCursor(q.Cursor, sort, 2)
			if err != nil {
				return err
			}
			*sqlq += ` AND (` + fam + ` > ? OR (` + fam + ` = ? AND (` + giv + ` > ? OR (` + giv + ` = ? AND e.id > ?))))`
			*args = append(*args, vals[0], vals[0], vals[1], vals[1], id)
		}
		*sqlq += ` ORDER BY ` + fam + `, ` + giv + `, e.id`
	default:
		return fieldError("sort", "Choose how to sort the caseload")
	}
	return nil
}

// nextEpisodeCursor is the cursor after the last row of a page in sort.
func nextEpisodeCursor(sort string, last EpisodeSummary) string {
	switch sort {
	case SortName:
		return encodeEpisodeCursor(sort, []string{last.sortFamily, last.sortGiven}, last.ID)
	case SortNewest:
		return encodeEpisodeCursor(sort, []string{last.QueueAt.String()}, last.ID)
	}
	return encodeEpisodeCursor(SortQueue, []string{last.QueueAt.String()}, last.ID)
}

// Worker is a member of a team who can hold episodes.
type Worker struct {
	UserID int64
	Name   string
}

// TeamWorkers lists the active members of a team, by name, for the
// caseload's worker filter.
func (db *DB) TeamWorkers(ctx context.Context, teamID int64) ([]Worker, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapCaseloadTeam, liaise.Resource{Type: "episode", ProviderID: a.ProviderID, TeamID: teamID}); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.team_id = ? AND NOT u.disabled ORDER BY u.display_name, u.id`, teamID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Worker
	for rows.Next() {
		var w Worker
		if err := rows.Scan(&w.UserID, &w.Name); err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(x Worker) bool { return x.UserID == w.UserID }) {
			out = append(out, w)
		}
	}
	return out, rows.Err()
}

// --- Boards ----------------------------------------------------------------------

// WaitingAlertAfter is how long someone may wait after L&D was alerted
// before the board marks them red.
const WaitingAlertAfter = 2 * time.Hour

// Board kinds.
const (
	BoardSite = "site"
	BoardHub  = "hub"
)

// maxBoardRows caps each board query: a board is a screen, not a report.
const maxBoardRows = 200

// boardStatesSQL selects the episodes a board shows at its sites (alias e):
// waiting (boardWaitingStates) or deferred. It is the predicate of the
// partial index episodes_site_board (migration 0022), word for word, so the
// planner reads the board in queue order from that index.
const boardStatesSQL = `e.state IN ('identified', 'received', 'accepted', 'screening_pending', 'deferred')`

// BoardRef names a board the actor can open.
type BoardRef struct {
	Kind string
	ID   int64
	Name string
}

// BoardItem is one person on a board.
type BoardItem struct {
	EpisodeID   int64
	PersonID    int64
	SiteID      int64
	Name        string
	Initials    string
	DateOfBirth liaise.Date
	Hidden      bool
	SiteName    string
	State       liaise.EpisodeState
	AlertedAt   liaise.Time
	QueueAt     liaise.Time
	OutOfHours  bool
	RetryAt     liaise.Time
	HearingDate liaise.Date
	// Waited is how long since L&D was alerted; Over when past WaitingAlertAfter.
	Waited time.Duration
	Over   bool
	// RetryOverdue is set when a deferred episode's retry time has passed.
	RetryOverdue bool
}

// Board is one site's or hub's view of who is waiting.
type Board struct {
	Kind       string
	ID         int64
	Name       string
	Today      liaise.Date
	UpdatedAt  liaise.Time
	Waiting    []BoardItem
	Deferred   []BoardItem
	MorningQ   []BoardItem
	CourtToday []BoardItem
}

// boardWaitingStates are the states of someone still waiting for L&D.
var boardWaitingStates = []liaise.EpisodeState{liaise.EpisodeIdentified, liaise.EpisodeReceived, liaise.EpisodeAccepted, liaise.EpisodeScreeningPending}

func isCourtSite(typ string) bool {
	return typ == "magistrates_court" || typ == "youth_court" || typ == "crown_court"
}

// readableSites keeps the sites whose team the actor may read records of.
func readableSites(a *liaise.Actor, sites []liaise.Site) []liaise.Site {
	var out []liaise.Site
	for _, s := range sites {
		if s.TeamID != 0 && liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "episode", ProviderID: s.ProviderID, TeamID: s.TeamID}) == nil {
			out = append(out, s)
		}
	}
	return out
}

func (db *DB) providerSites(ctx context.Context, a *liaise.Actor) ([]liaise.Site, error) {
	q, args := siteSelect, []any{}
	if !a.System {
		q += ` WHERE provider_id = ?`
		args = append(args, a.ProviderID)
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanSites(rows)
}

// ReadableSites lists, by name, the sites whose episodes the actor can read:
// the caseload's site filter, without ListBoards' hubs.
func (db *DB) ReadableSites(ctx context.Context) ([]liaise.Site, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "episode"}); err != nil {
		return nil, err
	}
	all, err := db.providerSites(ctx, a)
	if err != nil {
		return nil, err
	}
	sites := readableSites(a, all)
	slices.SortFunc(sites, func(x, y liaise.Site) int { return strings.Compare(x.Name, y.Name) })
	return sites, nil
}

// ListBoards lists the boards the actor can open: the sites of their teams,
// then the hubs covering at least one of them, each by name.
func (db *DB) ListBoards(ctx context.Context) ([]BoardRef, error) {
	a := liaise.ActorFrom(ctx)
	sites, err := db.ReadableSites(ctx)
	if err != nil {
		return nil, err
	}
	var out []BoardRef
	ok := map[int64]bool{}
	for _, s := range sites {
		out = append(out, BoardRef{Kind: BoardSite, ID: s.ID, Name: s.Name})
		ok[s.ID] = true
	}
	hq, args := hubSelect, []any{}
	if !a.System {
		hq += ` WHERE provider_id = ?`
		args = append(args, a.ProviderID)
	}
	rows, err := db.Query(ctx, hq, args...)
	if err != nil {
		return nil, err
	}
	hubs, err := scanHubs(rows)
	if err != nil {
		return nil, err
	}
	where, hargs := ` WHERE h.provider_id = ?`, []any{a.ProviderID}
	if a.System {
		where, hargs = ` WHERE 1 = 1`, nil
	}
	if err := hubSites(ctx, db, hubs, where, hargs...); err != nil {
		return nil, err
	}
	var hrefs []BoardRef
	for _, h := range hubs {
		if slices.ContainsFunc(h.SiteIDs, func(id int64) bool { return ok[id] }) {
			hrefs = append(hrefs, BoardRef{Kind: BoardHub, ID: h.ID, Name: h.Name})
		}
	}
	slices.SortFunc(hrefs, func(x, y BoardRef) int { return strings.Compare(x.Name, y.Name) })
	out = append(out, hrefs...)
	ids := make([]int64, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	ev := liaise.EventFor(a, liaise.AuditList, "board", 0)
	ev.Subjects = ids // sites then hubs, as listed
	return out, db.AuditRead(ctx, ev)
}

// Initials are a name's initials for boards others can see: "A. H.".
func Initials(given, family string) string {
	var parts []string
	for _, w := range []string{given, family} {
		if f := strings.Fields(w); len(f) > 0 {
			r := []rune(f[0])
			parts = append(parts, strings.ToUpper(string(r[0]))+".")
		}
	}
	if len(parts) == 0 {
		return "?"
	}
	return strings.Join(parts, " ")
}

// GetBoard returns the board of a site or hub: who is waiting (oldest
// first), who is deferred with their retry time, who arrived out of hours
// and waits for the morning, and today's court list at its court sites.
// Only episodes of teams the actor may read are shown; a site of another
// team is forbidden, another provider's is not found. One audit event names
// the people shown.
func (db *DB) GetBoard(ctx context.Context, kind string, id int64) (Board, error) {
	a := liaise.ActorFrom(ctx)
	b := Board{Kind: kind, ID: id}
	if err := liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "episode"}); err != nil {
		return b, err
	}
	var sites []liaise.Site
	switch kind {
	case BoardSite:
		s, err := getSite(ctx, db, id)
		if err != nil || (!a.System && s.ProviderID != a.ProviderID) {
			return b, liaise.Errorf(liaise.ENOTFOUND, "The site was not found.")
		}
		if err := liaise.Authorize(a, liaise.CapRecordRead, liaise.Resource{Type: "episode", ProviderID: s.ProviderID, TeamID: s.TeamID}); err != nil || s.TeamID == 0 {
			return b, liaise.Errorf(liaise.EFORBIDDEN, "This site belongs to a team you are not a member of.")
		}
		b.Name, sites = s.Name, []liaise.Site{s}
	case BoardHub:
		h, err := getHub(ctx, db, id)
		if err != nil || (!a.System && h.ProviderID != a.ProviderID) {
			return b, liaise.Errorf(liaise.ENOTFOUND, "The hub was not found.")
		}
		b.Name = h.Name
		for _, sid := range h.SiteIDs {
			s, err := getSite(ctx, db, sid)
			if err != nil {
				return b, err
			}
			sites = append(sites, s)
		}
		if sites = readableSites(a, sites); len(sites) == 0 {
			return b, liaise.Errorf(liaise.EFORBIDDEN, "None of this hub's sites belongs to a team you are a member of.")
		}
	default:
		return b, liaise.Errorf(liaise.ENOTFOUND, "There is no such board.")
	}
	now := db.Now()
	b.UpdatedAt, b.Today = now, liaise.DateOf(now.Local())
	siteIDs := make([]any, 0, len(sites))
	var courts []any
	for _, s := range sites {
		siteIDs = append(siteIDs, s.ID)
		if isCourtSite(s.Type) {
			courts = append(courts, s.ID)
		}
	}
	// Two reads, each in queue order from its own index and capped: who
	// waits or is deferred at the sites (a partial index holds only those
	// states, so a site with a long history reads only its board), and
	// today's court list at its courts.
	type query struct {
		cond string
		args []any
	}
	queries := []query{{`e.site_id IN (` + placeholders(len(siteIDs)) + `) AND ` + boardStatesSQL, siteIDs}}
	if len(courts) > 0 {
		queries = append(queries, query{`e.site_id IN (` + placeholders(len(courts)) + `) AND e.hearing_date = ?`, append(slices.Clone(courts), b.Today)})
	}
	type row struct {
		it             BoardItem
		team, provider int64
		restricted     bool
		given, family  string
	}
	var found []row
	seen := map[int64]bool{}
	for _, q := range queries {
		rows, err := db.Query(ctx, `SELECT e.id, e.person_id, COALESCE(e.site_id, 0), e.team_id, e.provider_id, p.date_of_birth, p.restricted,
			COALESCE(n.given, ''), COALESCE(n.family, ''), COALESCE(s.name, ''), e.state, e.alerted_at, e.queue_at, e.out_of_hours, e.hearing_date,
			(SELECT x.retry_at FROM episode_transitions x WHERE x.episode_id = e.id AND NOT x.entered_in_error ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1)
			FROM episodes e JOIN people p ON p.id = e.person_id LEFT JOIN person_names n ON n.person_id = p.id AND n.position = 0
			LEFT JOIN sites s ON s.id = e.site_id WHERE `+q.cond+` ORDER BY e.queue_at, e.id LIMIT ?`, append(q.args, maxBoardRows)...)
		if err != nil {
			return b, err
		}
		for rows.Next() {
			var r row
			var state string
			var retry sql.NullString
			if err := rows.Scan(&r.it.EpisodeID, &r.it.PersonID, &r.it.SiteID, &r.team, &r.provider, &r.it.DateOfBirth, &r.restricted, &r.given, &r.family,
				&r.it.SiteName, &state, &r.it.AlertedAt, &r.it.QueueAt, &r.it.OutOfHours, &r.it.HearingDate, &retry); err != nil {
				rows.Close()
				return b, err
			}
			r.it.State = liaise.EpisodeState(state)
			if retry.Valid && retry.String != "" {
				if err := r.it.RetryAt.Scan(retry.String); err != nil {
					rows.Close()
					return b, err
				}
			}
			if !seen[r.it.EpisodeID] {
				seen[r.it.EpisodeID] = true
				found = append(found, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return b, err
		}
	}
	var ids []int64
	for _, r := range found {
		res := liaise.Resource{Type: "episode", ID: r.it.EpisodeID, ProviderID: r.provider, TeamID: r.team}
		if liaise.Authorize(a, liaise.CapRecordRead, res) != nil {
			continue // an episode of a team the actor is not in, at a shared site
		}
		it := r.it
		it.Name = (&liaise.Person{Names: []liaise.PersonName{{Given: r.given, Family: r.family}}}).DisplayName()
		it.Initials = Initials(r.given, r.family)
		if r.restricted && !a.System {
			named, err := namedStaff(ctx, db, it.PersonID)
			if err != nil {
				return b, err
			}
			if !slices.Contains(named, a.UserID) {
				it.Name, it.Initials, it.DateOfBirth, it.Hidden = "Restricted record", "—", liaise.Date{}, true
			}
		}
		it.Waited = now.Sub(it.AlertedAt.Time)
		it.Over = it.Waited > WaitingAlertAfter
		it.RetryOverdue = !it.RetryAt.IsZero() && it.RetryAt.Before(now.Time)
		if !slices.Contains(ids, it.PersonID) {
			ids = append(ids, it.PersonID)
		}
		switch {
		case it.State == liaise.EpisodeDeferred:
			b.Deferred = append(b.Deferred, it)
		case slices.Contains(boardWaitingStates, it.State) && it.OutOfHours:
			b.MorningQ = append(b.MorningQ, it)
		case slices.Contains(boardWaitingStates, it.State):
			b.Waiting = append(b.Waiting, it)
		}
		if !it.HearingDate.IsZero() && it.HearingDate == b.Today && slices.Contains(courts, any(it.SiteID)) {
			b.CourtToday = append(b.CourtToday, it)
		}
	}
	slices.SortStableFunc(b.Waiting, func(x, y BoardItem) int { return x.AlertedAt.Compare(y.AlertedAt.Time) })
	slices.SortStableFunc(b.Deferred, func(x, y BoardItem) int { return retryKey(x).Compare(retryKey(y)) })
	ev := liaise.EventFor(a, liaise.AuditList, "episode", 0)
	ev.Detail = kind + " board"
	ev.Subjects = ids
	if err := db.AuditRead(ctx, ev); err != nil {
		return Board{}, err
	}
	return b, nil
}

func retryKey(it BoardItem) time.Time {
	if it.RetryAt.IsZero() {
		return it.QueueAt.Time
	}
	return it.RetryAt.Time
}
