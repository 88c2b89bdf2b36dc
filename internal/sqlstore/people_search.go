package sqlstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"liaise"
	"liaise/internal/ident"
)

// Person search: by name fragments (each must prefix-match a token of one
// of the person's names), date of birth, or any identifier. Names are
// searched through person_name_tokens by range, so the index does the work
// on both engines; results are ordered by folded family and given name with
// a keyset cursor and no total count (DESIGN.md §8, §10).

// PersonQuery is a person search.
type PersonQuery struct {
	Q           string
	DateOfBirth liaise.Date
	Identifier  string
	Cursor      string
	Limit       int
}

// PersonSummary is one search result. Hidden results are restricted people
// the actor is not named on: only "Restricted record" is shown.
type PersonSummary struct {
	ID             int64
	Name           string
	DateOfBirth    liaise.Date
	DOBUnknown     bool
	EstimatedAge   int
	Age            int
	IdentityStatus string
	Identifiers    []liaise.Identifier
	TeamID         int64
	TeamName       string
	Restricted     bool
	Hidden         bool
	// Alerts are the dated risks of the latest screening, for a person
	// known to another team (so a practitioner sees the risk before asking
	// to open the record).
	Alerts []PersonAlert
}

// PersonPage is a page of search results.
type PersonPage struct {
	Items      []PersonSummary
	NextCursor string
}

// maxPersonLimit caps a page of search results.
const maxPersonLimit = 50

type personCursor struct {
	V      int      `json:"v"`
	Sort   string   `json:"sort"`
	Values []string `json:"values"`
	ID     int64    `json:"id"`
}

func encodePersonCursor(family, given string, id int64) string {
	b, _ := json.Marshal(personCursor{V: 1, Sort: "name", Values: []string{family, given}, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePersonCursor(s string) (personCursor, error) {
	var c personCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.V != 1 || c.Sort != "name" || len(c.Values) != 2 || c.ID <= 0 {
		return c, fieldError("cursor", "The cursor is not valid: start the search again")
	}
	return c, nil
}

// prefixEnd returns the smallest string greater than every string starting
// with prefix: the prefix with its last character incremented (valid UTF-8,
// since PostgreSQL refuses anything else).
func prefixEnd(prefix string) string {
	r, size := utf8.DecodeLastRuneInString(prefix)
	r++
	if r >= 0xD800 && r < 0xE000 {
		r = 0xE000
	}
	return prefix[:len(prefix)-size] + string(r)
}

// identifierMatches returns the (type, value) pairs an identifier typed in
// a search may stand for.
func identifierMatches(s string) [][2]string {
	var out [][2]string
	if n, err := ident.NormaliseNHSNumber(s); err == nil {
		out = append(out, [2]string{liaise.IDNHSNumber, n})
	}
	if n, err := ident.NormalisePNCID(s); err == nil {
		out = append(out, [2]string{liaise.IDPNC, n})
	}
	raw := liaise.NormaliseOtherIdentifier(s)
	for _, t := range []string{liaise.IDPrisonNumber, liaise.IDCustodyRecord, liaise.IDLocal} {
		out = append(out, [2]string{t, raw})
	}
	return out
}

// SearchPeople finds people of the actor's provider. It writes one audit
// event naming the kind of search (never the search text) and the ids shown.
func (db *DB) SearchPeople(ctx context.Context, q PersonQuery) (PersonPage, error) {
	a := liaise.ActorFrom(ctx)
	var page PersonPage
	if err := liaise.Authorize(a, liaise.CapPersonSearch, liaise.Resource{Type: "person"}); err != nil {
		return page, err
	}
	provider := a.ProviderID
	tokens := liaise.NameTokens(q.Q)
	if len(tokens) > 5 {
		tokens = tokens[:5]
	}
	q.Identifier = strings.TrimSpace(q.Identifier)
	limit := q.Limit
	if limit <= 0 || limit > maxPersonLimit {
		limit = maxPersonLimit
	}
	sqlq := `SELECT p.id, p.team_id, t.name, p.date_of_birth, p.dob_unknown, p.estimated_age, p.identity_status, p.restricted, p.sort_family, p.sort_given
		FROM people p JOIN teams t ON t.id = p.team_id WHERE p.provider_id = ?`
	args := []any{provider}
	var kinds []string
	if len(tokens) > 0 {
		kinds = append(kinds, "name")
		for _, tok := range tokens {
			sqlq += ` AND p.id IN (SELECT nt.person_id FROM person_name_tokens nt WHERE nt.provider_id = ? AND nt.token >= ? AND nt.token < ?`
			args = append(args, provider, tok, prefixEnd(tok))
			if !q.DateOfBirth.IsZero() {
				sqlq += ` AND nt.date_of_birth = ?`
				args = append(args, q.DateOfBirth)
			}
			sqlq += `)`
		}
	}
	if !q.DateOfBirth.IsZero() {
		kinds = append(kinds, "date of birth")
		sqlq += ` AND p.date_of_birth = ?`
		args = append(args, q.DateOfBirth)
	}
	if q.Identifier != "" {
		kinds = append(kinds, "identifier")
		var ors []string
		sqlq += ` AND p.id IN (SELECT pi.person_id FROM person_identifiers pi WHERE pi.provider_id = ? AND (`
		args = append(args, provider)
		for _, m := range identifierMatches(q.Identifier) {
			ors = append(ors, `(pi.type = ? AND pi.value = ?)`)
			args = append(args, m[0], m[1])
		}
		sqlq += strings.Join(ors, " OR ") + `))`
	}
	if len(kinds) == 0 {
		// No criteria: the people recorded by the actor's teams.
		kinds = append(kinds, "own teams")
		teams := a.TeamIDs
		if len(teams) == 0 {
			teams = []int64{0}
		}
		sqlq += ` AND p.team_id IN (` + placeholders(len(teams)) + `)`
		for _, t := range teams {
			args = append(args, t)
		}
	}
	if q.Cursor != "" {
		c, err := decodePersonCursor(q.Cursor)
		if err != nil {
			return page, err
		}
		sqlq += ` AND (p.sort_family > ? OR (p.sort_family = ? AND (p.sort_given > ? OR (p.sort_given = ? AND p.id > ?))))`
		args = append(args, c.Values[0], c.Values[0], c.Values[1], c.Values[1], c.ID)
	}
	sqlq += ` ORDER BY p.sort_family, p.sort_given, p.id LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.Query(ctx, sqlq, args...)
	if err != nil {
		return page, err
	}
	type sortKey struct{ family, given string }
	var keys []sortKey
	for rows.Next() {
		var s PersonSummary
		var k sortKey
		if err := rows.Scan(&s.ID, &s.TeamID, &s.TeamName, &s.DateOfBirth, &s.DOBUnknown, &s.EstimatedAge, &s.IdentityStatus, &s.Restricted, &k.family, &k.given); err != nil {
			rows.Close()
			return page, err
		}
		page.Items = append(page.Items, s)
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodePersonCursor(keys[limit-1].family, keys[limit-1].given, last.ID)
	}
	today := liaise.DateOf(db.Now().Local())
	ids := make([]int64, len(page.Items))
	var shown []*liaise.Person
	for i := range page.Items {
		s := &page.Items[i]
		ids[i] = s.ID
		if s.Restricted && !a.System {
			named, err := namedStaff(ctx, db, s.ID)
			if err != nil {
				return page, err
			}
			if !slices.Contains(named, a.UserID) {
				*s = PersonSummary{ID: s.ID, Name: "Restricted record", Restricted: true, Hidden: true}
				continue
			}
		}
		shown = append(shown, &liaise.Person{ID: s.ID, DateOfBirth: s.DateOfBirth, DOBUnknown: s.DOBUnknown, EstimatedAge: s.EstimatedAge})
	}
	// Names and identifiers of every result in two queries, not two a row.
	if err := loadNamesAndIdentifiers(ctx, db, shown); err != nil {
		return page, err
	}
	for i, j := 0, 0; i < len(page.Items) && j < len(shown); i++ {
		s, p := &page.Items[i], shown[j]
		if s.Hidden || s.ID != p.ID {
			continue
		}
		s.Name = p.DisplayName()
		s.Identifiers = p.Identifiers
		s.Age = p.AgeOn(today)
		j++
	}
	var elsewhere []int64
	for _, it := range page.Items {
		if !it.Hidden && !a.InTeam(it.TeamID) {
			elsewhere = append(elsewhere, it.ID)
		}
	}
	alerts, err := riskAlerts(ctx, db, elsewhere)
	if err != nil {
		return page, err
	}
	for i := range page.Items {
		page.Items[i].Alerts = alerts[page.Items[i].ID]
	}
	ev := liaise.EventFor(a, liaise.AuditList, "person_search", 0)
	ev.Detail = "search by " + strings.Join(kinds, " and ")
	ev.Subjects = ids
	if err := db.AuditRead(ctx, ev); err != nil {
		return PersonPage{}, err
	}
	return page, nil
}
