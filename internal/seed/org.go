package seed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// The organisation the people are attached to: whatever providers, teams and
// sites the database holds (the demo organisation when seed loaded it), plus
// seeded staff in every team so the work is spread over realistic caseloads.

type orgModel struct {
	providers []*provider
	// weighted are the providers with L&D teams, picked by provCum.
	weighted []*provider
	provCum  []float64
	teams    []*team
	users    map[int64]*staff
}

type provider struct {
	id      int64
	name    string
	ldTeams []*team // teams of an L&D service with sites: where episodes happen
	teams   []*team
	// cumulative weights of ldTeams by their sites' workload.
	ldCum []float64
	// agencies by type: the first of each, as the demo loader does.
	agency map[string]int64
	// people recorded by a RECONNECT team come from the prisons.
	weight float64
}

type team struct {
	id       int64
	prov     *provider
	name     string
	ld       bool
	sites    []*site
	siteCum  []float64
	area     area
	staff    []*staff // everyone in the team
	workers  []*staff // who is allocated episodes and does the work
	seniors  []*staff // senior practitioners and team managers
	support  []*staff // STR and peer support workers
	slt      []*staff
	managers []*staff
	weight   float64
}

type site struct {
	id      int64
	team    *team
	name    string
	typ     string
	hours   string
	actLoc  string
	setting string
	weight  float64
}

type staff struct {
	id       int64
	provider int64
	username string
	role     string
	ip       string
}

// siteWeight is a site's share of the work: custody suites see most people,
// the round-the-clock ones most of all.
func siteWeight(typ, hours string) float64 {
	switch typ {
	case "custody_suite":
		if hours == "24/7" {
			return 6
		}
		return 3.5
	case "magistrates_court":
		return 1.6
	case "crown_court":
		return 0.5
	case "youth_court":
		return 0.3
	case "voluntary_attendance":
		return 0.6
	case "probation_office":
		return 0.3
	}
	return 0
}

// loadOrg reads the organisation. Teams without sites, and services other
// than L&D, get no episodes (RECONNECT adds its own through its step).
func loadOrg(ctx context.Context, db *sqlstore.DB) (*orgModel, error) {
	m := &orgModel{users: map[int64]*staff{}}
	provs := map[int64]*provider{}
	rows, err := db.Query(ctx, `SELECT id, name FROM providers ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		p := &provider{agency: map[string]int64{}}
		if err := rows.Scan(&p.id, &p.name); err != nil {
			rows.Close()
			return nil, err
		}
		provs[p.id] = p
		m.providers = append(m.providers, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	teams := map[int64]*team{}
	rows, err = db.Query(ctx, `SELECT t.id, t.provider_id, t.name, s.type FROM teams t JOIN services s ON s.id = t.service_id ORDER BY t.id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		t := &team{}
		var pid int64
		var typ string
		if err := rows.Scan(&t.id, &pid, &t.name, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		t.prov, t.ld, t.area = provs[pid], typ == liaise.ServiceLD, areaFor(t.name)
		teams[t.id] = t
		m.teams = append(m.teams, t)
		t.prov.teams = append(t.prov.teams, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT id, team_id, name, type, hours, act_loc_type FROM sites WHERE team_id IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		s := &site{}
		var tid int64
		if err := rows.Scan(&s.id, &tid, &s.name, &s.typ, &s.hours, &s.actLoc); err != nil {
			rows.Close()
			return nil, err
		}
		s.team, s.setting = teams[tid], sqlstore.SettingForSite(s.typ)
		s.weight = siteWeight(s.typ, s.hours)
		if s.team != nil && s.weight > 0 {
			s.team.sites = append(s.team.sites, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT id, provider_id, type FROM agencies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, pid int64
		var typ string
		if err := rows.Scan(&id, &pid, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		if p := provs[pid]; p != nil && p.agency[typ] == 0 {
			p.agency[typ] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	total := 0.0
	for _, t := range m.teams {
		for _, s := range t.sites {
			t.weight += s.weight
			t.siteCum = append(t.siteCum, t.weight)
		}
		if t.ld && len(t.sites) > 0 {
			t.prov.ldTeams = append(t.prov.ldTeams, t)
			t.prov.weight += t.weight
			t.prov.ldCum = append(t.prov.ldCum, t.prov.weight)
			total += t.weight
		}
	}
	for _, p := range m.providers {
		if p.weight > 0 {
			m.weighted = append(m.weighted, p)
			cum := p.weight
			if n := len(m.provCum); n > 0 {
				cum += m.provCum[n-1]
			}
			m.provCum = append(m.provCum, cum)
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("the organisation has no L&D team with a custody suite, court or probation site: nowhere to seed episodes")
	}
	return m, nil
}

// loadStaff reads every enabled account with its teams, keeping those who do
// the work of an episode.
func (m *orgModel) loadStaff(ctx context.Context, db *sqlstore.DB) error {
	teams := map[int64]*team{}
	for _, t := range m.teams {
		t.staff, t.workers, t.seniors, t.support, t.slt, t.managers = nil, nil, nil, nil, nil, nil
		teams[t.id] = t
	}
	rows, err := db.Query(ctx, `SELECT u.id, u.provider_id, u.username, r.code, m.team_id FROM users u
		JOIN roles r ON r.id = u.role_id JOIN memberships m ON m.user_id = u.id
		WHERE NOT u.disabled AND NOT u.service_account ORDER BY m.team_id, u.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		s := &staff{}
		var tid int64
		if err := rows.Scan(&s.id, &s.provider, &s.username, &s.role, &tid); err != nil {
			return err
		}
		if u, ok := m.users[s.id]; ok {
			s = u
		} else {
			s.ip = fmt.Sprintf("10.%d.%d.%d", s.provider%250, tid%250, s.id%250+2)
			m.users[s.id] = s
		}
		if t := teams[tid]; t != nil {
			t.add(s)
		}
	}
	return rows.Err()
}

// add makes s a member of the team, in the lists of their role.
func (t *team) add(s *staff) {
	t.staff = append(t.staff, s)
	switch s.role {
	case "practitioner":
		t.workers = append(t.workers, s)
	case "senior_practitioner":
		t.workers = append(t.workers, s)
		t.seniors = append(t.seniors, s)
	case "team_manager":
		t.seniors = append(t.seniors, s)
		t.managers = append(t.managers, s)
	case "str_worker", "peer_support_worker", "care_navigator":
		t.support = append(t.support, s)
	case "slt":
		t.slt = append(t.slt, s)
	}
}

// staffPlan is how many of each role a seeded team has, by its workload.
func staffPlan(t *team) []struct {
	role string
	n    int
} {
	size := 8 + int(t.weight*0.9)
	if !t.ld {
		return []struct {
			role string
			n    int
		}{{"care_navigator", 4}, {"str_worker", 3}, {"peer_support_worker", 2}, {"team_manager", 1}}
	}
	return []struct {
		role string
		n    int
	}{{"practitioner", size}, {"senior_practitioner", 2 + size/6}, {"team_manager", 1}, {"str_worker", 1 + size/8},
		{"peer_support_worker", 1 + size/12}, {"slt", 1}}
}

// roleLetters shorten roles in seeded usernames.
var roleLetters = map[string]string{"practitioner": "p", "senior_practitioner": "s", "team_manager": "m", "str_worker": "w",
	"peer_support_worker": "e", "slt": "l", "care_navigator": "n"}

// seededEmailDomain marks seeded staff, so seeding again finds them.
const seededEmailDomain = "@liaise-seed.invalid"

// ensureStaff adds the seeded staff that are missing (none after the first
// seed), written like any other batch so they are audited and sealed. A
// member's name depends only on their team, role and number, never on
// --seed, so every seed finds the same staff.
func (g *gen) ensureStaff(ctx context.Context, db *sqlstore.DB, at time.Time) (int, error) {
	existing := map[string]bool{}
	rows, err := db.Query(ctx, `SELECT email FROM users WHERE email LIKE ?`, "%"+seededEmailDomain)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return 0, err
		}
		existing[u] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	roles := map[string]int64{}
	rows, err = db.Query(ctx, `SELECT id, code FROM roles WHERE provider_id IS NULL`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return 0, err
		}
		roles[code] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	system := &staff{}
	for _, t := range g.org.teams {
		if len(t.sites) == 0 && t.ld {
			continue
		}
		for _, p := range staffPlan(t) {
			for i := 1; i <= p.n; i++ {
				// The mailbox names the place in the team, so it is found again.
				email := fmt.Sprintf("t%d-%s-%02d%s", t.id, roleLetters[p.role], i, seededEmailDomain)
				if existing[email] {
					continue
				}
				g.src.Seed(uint64(t.id), uint64(i)<<8|uint64(len(p.role))<<32|uint64(roleLetters[p.role][0]))
				given, family := g.staffName()
				username := fmt.Sprintf("%s%s%d%s%02d", asciiLower(given)[:1], asciiLower(family), t.id, roleLetters[p.role], i)
				u := &liaise.User{ProviderID: t.prov.id, Username: username, DisplayName: given + " " + family + " (seeded)",
					Email: email, RoleCode: p.role, Memberships: []liaise.Membership{{TeamID: t.id, TeamName: t.name}}}
				if err := sqlstore.ValidateUser(u); err != nil {
					return 0, fmt.Errorf("seeded user %s: %w", username, err)
				}
				roleID, ok := roles[p.role]
				if !ok {
					return 0, fmt.Errorf("the built-in role %q is missing", p.role)
				}
				id := g.id(tUsers)
				g.row(tUsers, id, u.ProviderID, u.Username, u.DisplayName, u.Email, roleID, "", false, false, int64(1), lt(at), lt(at))
				g.row(tMemberships, id, t.id)
				t.add(&staff{id: id, provider: t.prov.id, username: username, role: p.role,
					ip: fmt.Sprintf("10.%d.%d.%d", t.prov.id%250, t.id%250, id%250+2)})
				ev := g.event(system, at, liaise.AuditCreate, "user", id, t.prov.id, 0)
				ev.Detail = "role " + p.role + " (seeded staff)"
				ev.RequestID, ev.ClientIP = "", ""
				g.audit(&ev)
				n++
			}
		}
	}
	return n, nil
}

// asciiLower is a name folded to the letters a username may hold.
func asciiLower(s string) string {
	var b strings.Builder
	for _, r := range liaise.FoldName(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// staffName is a staff member's name, from the British and South Asian pools.
func (g *gen) staffName() (string, string) {
	h := british
	if g.chance(0.2) {
		h = pick(g, []*heritage{indian, pakistani, irish, caribbean, westAfrican, polish})
	}
	female := g.chance(0.7)
	return g.givenName(h, female), g.familyName(h, female)
}

// pickStaff returns one of list, or nil when it is empty.
func pickStaff(g *gen, list ...[]*staff) *staff {
	for _, l := range list {
		if len(l) > 0 {
			return l[g.r.IntN(len(l))]
		}
	}
	return nil
}

// teamsByName is for tests and the summary.
func (m *orgModel) teamsByName() []string {
	var out []string
	for _, t := range m.teams {
		out = append(out, t.name)
	}
	slices.Sort(out)
	return out
}
