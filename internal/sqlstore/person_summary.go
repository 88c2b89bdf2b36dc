package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"liaise"
	"liaise/internal/codes"
)

// What the person page shows above the timeline (issue 3 item 3): the
// episodes the reader may open, to reach them from the person, and the
// dated alerts of the latest screening, so current vulnerabilities and risk
// are seen before the history.

// PersonEpisode is one of the person's episodes the reader may open.
type PersonEpisode struct {
	ID                 int64
	State              liaise.EpisodeState
	Setting            string
	AlertedAt          liaise.Time
	TeamName, SiteName string
	BreakGlass         bool
}

// PersonAlert is a dated alert from the record: a risk at medium or above,
// or a vulnerability suspected or confirmed, from the latest screening.
type PersonAlert struct {
	Kind string // "risk" or "vulnerability"
	Text string
	At   liaise.Time
	// EpisodeID is the episode of the screening it comes from.
	EpisodeID int64
}

// personEpisodes lists the episodes ids (as the timeline read them),
// newest first.
func personEpisodes(all map[int64]timelineEpisode, ids []int64) []PersonEpisode {
	out := make([]PersonEpisode, 0, len(ids))
	for _, id := range ids {
		e := all[id]
		out = append(out, PersonEpisode{ID: e.ID, State: e.State, Setting: e.Setting, AlertedAt: e.AlertedAt, TeamName: e.TeamName,
			SiteName: e.SiteName, BreakGlass: e.BreakGlass})
	}
	slices.SortFunc(out, func(x, y PersonEpisode) int {
		if c := y.AlertedAt.Compare(x.AlertedAt.Time); c != 0 {
			return c
		}
		return int(y.ID - x.ID)
	})
	return out
}

// riskAlerts reads, for each of people, the risks at medium or above of
// their latest completed screening (not in error) in any episode, in one
// query.
func riskAlerts(ctx context.Context, q queryer, people []int64) (map[int64][]PersonAlert, error) {
	out := map[int64][]PersonAlert{}
	if len(people) == 0 {
		return out, nil
	}
	args := make([]any, len(people))
	for i, id := range people {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT e.person_id, s.episode_id, s.occurred_at, s.risk_in_custody, s.risk_to_self, s.risk_to_others, s.risk_from_others,
		s.safeguarding FROM screenings s JOIN episodes e ON e.id = s.episode_id
		WHERE e.person_id IN (`+placeholders(len(people))+`) AND NOT s.entered_in_error AND s.incomplete_reason = ''
		ORDER BY e.person_id, s.occurred_at DESC, s.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := map[int64]bool{}
	for rows.Next() {
		var person, episode int64
		var at liaise.Time
		var custody, self, others, from, safeguarding string
		if err := rows.Scan(&person, &episode, &at, &custody, &self, &others, &from, &safeguarding); err != nil {
			return nil, err
		}
		if done[person] {
			continue // an earlier screening: only the latest counts
		}
		done[person] = true
		out[person] = screeningRiskAlerts(episode, at, custody, self, others, from, safeguarding)
	}
	return out, rows.Err()
}

// screeningRiskAlerts are one screening's risks at medium or above.
func screeningRiskAlerts(episode int64, at liaise.Time, custody, self, others, from, safeguarding string) []PersonAlert {
	var out []PersonAlert
	for _, r := range []struct{ what, level string }{{"Risk in custody", custody}, {"Risk to self", self}, {"Risk to others", others},
		{"Risk from others", from}, {"Safeguarding concern", safeguarding}} {
		if slices.Contains(riskAlertLevels, r.level) {
			out = append(out, PersonAlert{Kind: "risk", Text: r.what + ": " + liaise.LabelOf(liaise.RiskLevels, r.level), At: at, EpisodeID: episode})
		}
	}
	return out
}

// riskAlertLevels are the levels that make an alert.
var riskAlertLevels = []string{liaise.RiskMedium, liaise.RiskHigh}

// personAlerts reads the alerts of the latest completed screening (not in
// error) among the episodes ids: its risks at medium or above and, from the
// latest full screen, the vulnerabilities suspected or confirmed.
func personAlerts(ctx context.Context, q queryer, ids []int64) ([]PersonAlert, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := `s.episode_id IN (` + placeholders(len(ids)) + `) AND NOT s.entered_in_error AND s.incomplete_reason = ''`
	var out []PersonAlert
	var id, episode int64
	var at liaise.Time
	var custody, self, others, from, safeguarding string
	err := q.QueryRow(ctx, `SELECT s.id, s.episode_id, s.occurred_at, s.risk_in_custody, s.risk_to_self, s.risk_to_others, s.risk_from_others, s.safeguarding
		FROM screenings s WHERE `+in+` ORDER BY s.occurred_at DESC, s.id DESC LIMIT 1`, args...).Scan(&id, &episode, &at, &custody, &self, &others, &from, &safeguarding)
	if err == nil {
		out = screeningRiskAlerts(episode, at, custody, self, others, from, safeguarding)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT a.vulnerability_code, a.answer, s.occurred_at, s.episode_id FROM screening_answers a
		JOIN screenings s ON s.id = a.screening_id
		WHERE a.screening_id = (SELECT s.id FROM screenings s WHERE `+in+` AND s.kind = 'full' ORDER BY s.occurred_at DESC, s.id DESC LIMIT 1)
		AND a.answer IN ('suspected', 'confirmed')`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type vuln struct {
		PersonAlert
		rank int
	}
	list, _ := codes.List("vulnerabilities")
	var vulns []vuln
	for rows.Next() {
		var code, answer string
		var v vuln
		if err := rows.Scan(&code, &answer, &v.At, &v.EpisodeID); err != nil {
			return nil, err
		}
		v.Kind, v.Text = "vulnerability", codes.Label("vulnerabilities", code)+": "+strings.ToLower(liaise.LabelOf(liaise.VulnerabilityAnswers, answer))
		v.rank = slices.IndexFunc(list, func(c codes.Code) bool { return c.Code == code })
		vulns = append(vulns, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// In the code list's order, whatever order the engine returned.
	slices.SortStableFunc(vulns, func(x, y vuln) int { return x.rank - y.rank })
	for _, v := range vulns {
		out = append(out, v.PersonAlert)
	}
	return out, nil
}
