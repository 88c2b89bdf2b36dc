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
	"liaise/internal/ident"
)

// People: one human, many names and identifiers. Staff with CapPersonSearch
// may search every person of their provider (audited, so duplicates are
// found); opening a record needs CapRecordRead and a legitimate relationship
// (the record's team, or a team with one of the person's episodes) or
// break-glass with a reason.
// Restricted people are seen only by named staff. Another provider's person
// answers "not found", so ids do not leak across the boundary.

// personChecker validates identifiers and codes for liaise.ValidatePerson.
type personChecker struct{}

func (personChecker) NHSNumber(s string) (string, error) { return ident.NormaliseNHSNumber(s) }
func (personChecker) PNCID(s string) (string, error)     { return ident.NormalisePNCID(s) }
func (personChecker) Postcode(s string) (string, error)  { return ident.NormalisePostcode(s) }
func (personChecker) ODS(s string) (string, error) {
	c, _, err := ident.NormaliseODS(s)
	return c, err
}
func (personChecker) Code(list, code string, on liaise.Date) error {
	return codes.Check(list, code, on)
}

// ValidatePerson checks and normalises p with the real identifier and code
// validators; it returns warnings that do not block saving.
func ValidatePerson(p *liaise.Person, today liaise.Date) ([]string, error) {
	return liaise.ValidatePerson(p, today, personChecker{})
}

// breakGlassFor is how long a break-glass opening lasts.
const breakGlassFor = time.Hour

const personCols = `p.id, p.provider_id, p.team_id, p.identity_status, p.date_of_birth, p.dob_unknown, p.estimated_age,
	p.stated_gender, p.gender_identity, p.ethnic_category, p.preferred_language, p.interpreter_needed,
	p.communication_needs, p.reasonable_adjustments, p.address, p.postcode, p.no_fixed_abode, p.gp_practice_ods,
	p.ex_armed_forces, p.care_leaver, p.ld_status, p.autism_status, p.looked_after, p.child_protection,
	p.social_worker, p.youth_justice_worker, p.school, p.restricted, p.version, p.created_at, t.name`

func scanPerson(row interface{ Scan(...any) error }, p *liaise.Person) error {
	return row.Scan(&p.ID, &p.ProviderID, &p.TeamID, &p.IdentityStatus, &p.DateOfBirth, &p.DOBUnknown, &p.EstimatedAge,
		&p.StatedGender, &p.GenderIdentity, &p.EthnicCategory, &p.PreferredLanguage, &p.InterpreterNeeded,
		&p.CommunicationNeeds, &p.ReasonableAdjustments, &p.Address, &p.Postcode, &p.NoFixedAbode, &p.GPPracticeODS,
		&p.ExArmedForces, &p.CareLeaver, &p.LDStatus, &p.AutismStatus, &p.LookedAfter, &p.ChildProtection,
		&p.SocialWorker, &p.YouthJusticeWorker, &p.School, &p.Restricted, &p.Version, &p.CreatedAt, &p.TeamName)
}

func personNotFound() error { return liaise.Errorf(liaise.ENOTFOUND, "Person was not found.") }

// loadPersonRow reads a person's own row (no children).
func loadPersonRow(ctx context.Context, q queryer, id int64) (liaise.Person, error) {
	var p liaise.Person
	err := scanPerson(q.QueryRow(ctx, `SELECT `+personCols+` FROM people p JOIN teams t ON t.id = p.team_id WHERE p.id = ?`, id), &p)
	if errors.Is(err, sql.ErrNoRows) {
		return p, personNotFound()
	}
	return p, err
}

func namedStaff(ctx context.Context, q queryer, person int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT user_id FROM person_named_staff WHERE person_id = ? ORDER BY user_id`, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// personAccess loads a person's row and decides whether the actor may use
// capability on it. A reason opens break-glass for an hour; a live
// break-glass grant is honoured. bg reports access through break-glass.
func (db *DB) personAccess(ctx context.Context, a *liaise.Actor, capability string, id int64, reason string) (p liaise.Person, bg bool, err error) {
	if err := liaise.Authorize(a, capability, liaise.Resource{Type: "person"}); err != nil {
		return p, false, err
	}
	p, err = loadPersonRow(ctx, db, id)
	if err != nil {
		return p, false, err
	}
	if !a.System && p.ProviderID != a.ProviderID {
		return liaise.Person{}, false, personNotFound()
	}
	res := liaise.Resource{Type: "person", ID: p.ID, ProviderID: p.ProviderID, Restricted: p.Restricted}
	if p.Restricted {
		if res.NamedUserIDs, err = namedStaff(ctx, db, p.ID); err != nil {
			return p, false, err
		}
		if err := liaise.Authorize(a, capability, res); err != nil {
			return liaise.Person{}, false, err
		}
	}
	res.TeamID = p.TeamID
	if liaise.Authorize(a, capability, res) == nil {
		return p, false, nil
	}
	// A team with an episode of the person works with them too (an episode
	// handed over to a court team, say), so its members need no break-glass.
	if team, err := episodeTeamOf(ctx, db, a, p.ID); err != nil {
		return p, false, err
	} else if team != 0 {
		res.TeamID = team
		if liaise.Authorize(a, capability, res) == nil {
			return p, false, nil
		}
	}
	if !a.Can(liaise.CapBreakGlass) {
		return liaise.Person{}, false, liaise.Authorize(a, capability, res)
	}
	var live int
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM break_glass_grants WHERE user_id = ? AND person_id = ? AND expires_at > ?`, a.UserID, p.ID, db.Now()).Scan(&live)
	if err != nil {
		return p, false, err
	}
	res.BreakGlass = true
	if live > 0 {
		return p, true, liaise.Authorize(a, capability, res)
	}
	if strings.TrimSpace(reason) == "" {
		return liaise.Person{}, false, liaise.NewBreakGlassError(p.ID)
	}
	if err := liaise.ValidBreakGlassReason(reason); err != nil {
		return liaise.Person{}, false, err
	}
	if err := db.openBreakGlass(ctx, a, p, strings.TrimSpace(reason)); err != nil {
		return liaise.Person{}, false, err
	}
	return p, true, liaise.Authorize(a, capability, res)
}

// episodeTeamOf returns one of the actor's teams that has an episode of
// the person, or 0.
func episodeTeamOf(ctx context.Context, q queryer, a *liaise.Actor, person int64) (int64, error) {
	if a.System || len(a.TeamIDs) == 0 {
		return 0, nil
	}
	args := []any{person}
	for _, t := range a.TeamIDs {
		args = append(args, t)
	}
	var team int64
	err := q.QueryRow(ctx, `SELECT team_id FROM episodes WHERE person_id = ? AND team_id IN (`+placeholders(len(a.TeamIDs))+`) LIMIT 1`, args...).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return team, err
}

// openBreakGlass records a break-glass opening: an audit event with the
// reason, a row in the Caldicott Guardian's review queue, and a grant that
// lasts an hour.
func (db *DB) openBreakGlass(ctx context.Context, a *liaise.Actor, p liaise.Person, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO break_glass_reviews (user_id, person_id, provider_id, reason, at) VALUES (?, ?, ?, ?, ?)`,
			a.UserID, p.ID, p.ProviderID, reason, tx.Now); err != nil {
			return err
		}
		expires := liaise.NewTime(tx.Now.Add(breakGlassFor))
		if _, err := tx.Exec(ctx, `INSERT INTO break_glass_grants (user_id, person_id, reason, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, person_id) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at`,
			a.UserID, p.ID, reason, expires); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditBreakGlass, "person", p.ID, p.ProviderID, p.TeamID, reason)
	})
}

// BreakGlass opens a person's record, and all their episodes, outside the
// actor's teams for an hour, with a reason that is audited and queued for
// the Caldicott Guardian.
func (db *DB) BreakGlass(ctx context.Context, id int64, reason string) error {
	a := liaise.ActorFrom(ctx)
	if err := liaise.ValidBreakGlassReason(reason); err != nil {
		if liaise.Authorize(a, liaise.CapBreakGlass, liaise.Resource{Type: "person"}) != nil {
			return liaise.Authorize(a, liaise.CapBreakGlass, liaise.Resource{Type: "person"})
		}
		return err
	}
	p, bg, err := db.personAccess(ctx, a, liaise.CapRecordRead, id, reason)
	if err != nil || bg {
		return err
	}
	// The person's record was open to the actor already (their team), so
	// the reason is for the person's episodes with other teams: record the
	// opening all the same, which lets episodeAccess honour it.
	return db.openBreakGlass(ctx, a, p, strings.TrimSpace(reason))
}

// GetPerson opens a person's record: names, identifiers, responsible adults
// and the timeline. breakGlassReason, when given, opens a record outside the
// actor's teams (see personAccess). The read is audited.
func (db *DB) GetPerson(ctx context.Context, id int64, breakGlassReason string) (liaise.Person, error) {
	a := liaise.ActorFrom(ctx)
	p, bg, err := db.personAccess(ctx, a, liaise.CapRecordRead, id, breakGlassReason)
	if err != nil {
		return liaise.Person{}, err
	}
	p.BreakGlass = bg
	if err := loadPersonChildren(ctx, db, &p); err != nil {
		return liaise.Person{}, err
	}
	if p.Events, err = personEvents(ctx, db, p.ID); err != nil {
		return liaise.Person{}, err
	}
	ev := liaise.EventFor(a, liaise.AuditRead, "person", p.ID)
	ev.ProviderID, ev.TeamID = p.ProviderID, p.TeamID
	if bg {
		ev.Detail = "break-glass"
	}
	if err := db.AuditRead(ctx, ev); err != nil {
		return liaise.Person{}, err
	}
	return p, nil
}

func loadPersonChildren(ctx context.Context, q queryer, p *liaise.Person) error {
	if err := loadNamesAndIdentifiers(ctx, q, []*liaise.Person{p}); err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT name, relationship, parental_responsibility, phone FROM responsible_adults WHERE person_id = ? ORDER BY id`, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	p.ResponsibleAdults = nil
	for rows.Next() {
		var r liaise.ResponsibleAdult
		if err := rows.Scan(&r.Name, &r.Relationship, &r.ParentalResponsibility, &r.Phone); err != nil {
			return err
		}
		p.ResponsibleAdults = append(p.ResponsibleAdults, r)
	}
	return rows.Err()
}

// loadNamesAndIdentifiers fills the names and identifiers of several people
// at once (a list's rows, or one person's record), names in their
// position order and identifiers in the order they were added.
func loadNamesAndIdentifiers(ctx context.Context, q queryer, people []*liaise.Person) error {
	if len(people) == 0 {
		return nil
	}
	byID := make(map[int64]*liaise.Person, len(people))
	args := make([]any, len(people))
	for i, p := range people {
		byID[p.ID], args[i] = p, p.ID
		p.Names, p.Identifiers = nil, nil
	}
	in := placeholders(len(people))
	rows, err := q.Query(ctx, `SELECT person_id, type, given, family FROM person_names WHERE person_id IN (`+in+`) ORDER BY person_id, position, id`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n liaise.PersonName
		if err := rows.Scan(&id, &n.Type, &n.Given, &n.Family); err != nil {
			rows.Close()
			return err
		}
		byID[id].Names = append(byID[id].Names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.Query(ctx, `SELECT person_id, type, value, nhs_verification FROM person_identifiers WHERE person_id IN (`+in+`) ORDER BY person_id, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var x liaise.Identifier
		if err := rows.Scan(&id, &x.Type, &x.Value, &x.NHSVerification); err != nil {
			return err
		}
		byID[id].Identifiers = append(byID[id].Identifiers, x)
	}
	return rows.Err()
}

// personEvents returns the newest 200 entries of the person's own history.
func personEvents(ctx context.Context, q queryer, id int64) ([]liaise.PersonEvent, error) {
	rows, err := q.Query(ctx, `SELECT e.id, e.occurred_at, e.recorded_at, COALESCE(u.display_name, 'System'), e.kind, e.summary
		FROM person_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.person_id = ? ORDER BY e.occurred_at DESC, e.id DESC LIMIT 200`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []liaise.PersonEvent
	for rows.Next() {
		var e liaise.PersonEvent
		if err := rows.Scan(&e.ID, &e.OccurredAt, &e.RecordedAt, &e.UserName, &e.Kind, &e.Summary); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func addPersonEvent(ctx context.Context, tx *Tx, a *liaise.Actor, person int64, kind, summary string) error {
	_, err := tx.Exec(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, user_id, kind, summary) VALUES (?, ?, ?, ?, ?, ?)`,
		person, tx.Now, tx.Now, nullID(a.UserID), kind, summary)
	return err
}

// CreatePerson records a new person after checking for likely duplicates:
// with candidates it refuses with a *liaise.DuplicateError unless
// overrideDuplicates is set, in which case each candidate is remembered as
// "not the same person". A matching NHS number always refuses. It returns
// warnings (such as an age under 10) that did not block saving.
func (db *DB) CreatePerson(ctx context.Context, p *liaise.Person, overrideDuplicates bool) ([]string, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapRecordWrite, liaise.Resource{Type: "person"}); err != nil {
		return nil, err
	}
	if p.ProviderID == 0 || !a.System {
		p.ProviderID = a.ProviderID
	}
	if p.TeamID == 0 && len(a.TeamIDs) > 0 {
		p.TeamID = a.TeamIDs[0]
	}
	if p.TeamID == 0 {
		return nil, fieldError("team_id", "You are not a member of any team, so a person cannot be recorded for you. Ask your administrator to add you to a team.")
	}
	owned, err := ownedIDs(ctx, db, "teams", p.ProviderID, []int64{p.TeamID})
	if err != nil {
		return nil, err
	}
	if !owned[p.TeamID] {
		return nil, fieldError("team_id", "Choose one of your provider's teams")
	}
	if err := liaise.Authorize(a, liaise.CapRecordWrite, liaise.Resource{Type: "person", ProviderID: p.ProviderID, TeamID: p.TeamID}); err != nil {
		return nil, err
	}
	warnings, err := ValidatePerson(p, liaise.DateOf(db.Now().Local()))
	if err != nil {
		return warnings, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		cands, err := findDuplicates(ctx, tx, a, p)
		if err != nil {
			return err
		}
		if len(cands) > 0 {
			de := liaise.NewDuplicateError(cands)
			if de.Blocking() || !overrideDuplicates {
				return de
			}
		}
		if err := insertPerson(ctx, tx, a, p); err != nil {
			return err
		}
		for _, c := range cands {
			if err := insertNotDuplicate(ctx, tx, a, p.ID, c.PersonID, "Confirmed not the same person when this record was created"); err != nil {
				return err
			}
		}
		detail := "created"
		if len(cands) > 0 {
			detail = fmt.Sprintf("created despite %d possible duplicates", len(cands))
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "person", p.ID, p.ProviderID, p.TeamID, detail)
	})
	return warnings, err
}

// insertPerson writes a new, validated person with its names, identifiers
// and first timeline entry; CreatePerson and quick identify share it.
func insertPerson(ctx context.Context, tx *Tx, a *liaise.Actor, p *liaise.Person) error {
	var err error
	p.ID, err = tx.InsertID(ctx, `INSERT INTO people (provider_id, team_id, identity_status, date_of_birth, dob_unknown, estimated_age,
			stated_gender, gender_identity, ethnic_category, preferred_language, interpreter_needed, communication_needs,
			reasonable_adjustments, address, postcode, no_fixed_abode, gp_practice_ods, ex_armed_forces, care_leaver,
			ld_status, autism_status, looked_after, child_protection, social_worker, youth_justice_worker, school,
			restricted, sort_family, sort_given, version, created_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
		append(personArgs(p), tx.Now, nullID(a.UserID), tx.Now)...)
	if err != nil {
		return err
	}
	p.Version, p.CreatedAt = 1, tx.Now
	if err := writePersonChildren(ctx, tx, p); err != nil {
		return err
	}
	if p.Restricted && a.UserID != 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO person_named_staff (person_id, user_id) VALUES (?, ?)`, p.ID, a.UserID); err != nil {
			return err
		}
	}
	summary := "Record created"
	if len(p.Identifiers) > 0 {
		var kinds []string
		for _, id := range p.Identifiers {
			k := liaise.LabelOf(liaise.IdentifierTypes, id.Type)
			if len(k) > 1 && k[1] >= 'a' && k[1] <= 'z' {
				k = screeningLower(k) // "custody record number", but "NHS number"
			}
			kinds = append(kinds, k)
		}
		summary += " with the " + strings.Join(kinds, ", ")
	}
	if err := addPersonEvent(ctx, tx, a, p.ID, "created", summary); err != nil {
		return err
	}
	return nil
}

// personArgs are the scalar columns in the order of the INSERT and UPDATE.
func personArgs(p *liaise.Person) []any {
	var fam, giv string
	if len(p.Names) > 0 {
		fam, giv = liaise.FoldName(p.Names[0].Family), liaise.FoldName(p.Names[0].Given)
	}
	return []any{p.ProviderID, p.TeamID, p.IdentityStatus, p.DateOfBirth, p.DOBUnknown, p.EstimatedAge,
		p.StatedGender, p.GenderIdentity, p.EthnicCategory, p.PreferredLanguage, p.InterpreterNeeded, p.CommunicationNeeds,
		p.ReasonableAdjustments, p.Address, p.Postcode, p.NoFixedAbode, p.GPPracticeODS, p.ExArmedForces, p.CareLeaver,
		p.LDStatus, p.AutismStatus, p.LookedAfter, p.ChildProtection, p.SocialWorker, p.YouthJusticeWorker, p.School,
		p.Restricted, fam, giv}
}

// writePersonChildren replaces names, search tokens, identifiers and
// responsible adults (the person's history keeps what changed).
func writePersonChildren(ctx context.Context, tx *Tx, p *liaise.Person) error {
	for _, t := range []string{"person_names", "person_name_tokens", "person_identifiers", "responsible_adults"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE person_id = ?`, p.ID); err != nil {
			return err
		}
	}
	var tokens []string
	for i, n := range p.Names {
		if _, err := tx.Exec(ctx, `INSERT INTO person_names (person_id, position, type, given, family, folded_given, folded_family) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.ID, i, n.Type, n.Given, n.Family, liaise.FoldName(n.Given), liaise.FoldName(n.Family)); err != nil {
			return err
		}
		for _, t := range slices.Concat(liaise.NameTokens(n.Given), liaise.NameTokens(n.Family)) {
			if !slices.Contains(tokens, t) {
				tokens = append(tokens, t)
			}
		}
	}
	for _, t := range tokens {
		if _, err := tx.Exec(ctx, `INSERT INTO person_name_tokens (person_id, token, provider_id, date_of_birth) VALUES (?, ?, ?, ?)`,
			p.ID, t, p.ProviderID, p.DateOfBirth); err != nil {
			return err
		}
	}
	for _, x := range p.Identifiers {
		if _, err := tx.Exec(ctx, `INSERT INTO person_identifiers (person_id, provider_id, type, value, nhs_verification) VALUES (?, ?, ?, ?, ?)`,
			p.ID, p.ProviderID, x.Type, x.Value, x.NHSVerification); err != nil {
			return err
		}
	}
	for _, r := range p.ResponsibleAdults {
		if _, err := tx.Exec(ctx, `INSERT INTO responsible_adults (person_id, name, relationship, parental_responsibility, phone) VALUES (?, ?, ?, ?, ?)`,
			p.ID, r.Name, r.Relationship, r.ParentalResponsibility, r.Phone); err != nil {
			return err
		}
	}
	return nil
}

// UpdatePerson saves a changed person if p.Version is still current (a
// stale version is refused with ESTALE). The timeline and the audit name
// the fields changed, never their values.
func (db *DB) UpdatePerson(ctx context.Context, p *liaise.Person) ([]string, error) {
	a := liaise.ActorFrom(ctx)
	old, _, err := db.personAccess(ctx, a, liaise.CapRecordWrite, p.ID, "")
	if err != nil {
		return nil, err
	}
	if err := loadPersonChildren(ctx, db, &old); err != nil {
		return nil, err
	}
	p.ProviderID, p.TeamID = old.ProviderID, old.TeamID
	warnings, err := ValidatePerson(p, liaise.DateOf(db.Now().Local()))
	if err != nil {
		return warnings, err
	}
	changed := personChanges(&old, p)
	err = db.Update(ctx, func(tx *Tx) error {
		cands, err := findDuplicates(ctx, tx, a, p)
		if err != nil {
			return err
		}
		var blocking []liaise.DuplicateCandidate
		for _, c := range cands {
			if c.Blocking {
				blocking = append(blocking, c)
			}
		}
		if len(blocking) > 0 {
			return liaise.NewDuplicateError(blocking)
		}
		args := append(personArgs(p)[2:], tx.Now, p.ID, p.Version)
		err = tx.UpdateVersioned(ctx, "people", `UPDATE people SET identity_status = ?, date_of_birth = ?, dob_unknown = ?, estimated_age = ?,
			stated_gender = ?, gender_identity = ?, ethnic_category = ?, preferred_language = ?, interpreter_needed = ?, communication_needs = ?,
			reasonable_adjustments = ?, address = ?, postcode = ?, no_fixed_abode = ?, gp_practice_ods = ?, ex_armed_forces = ?, care_leaver = ?,
			ld_status = ?, autism_status = ?, looked_after = ?, child_protection = ?, social_worker = ?, youth_justice_worker = ?, school = ?,
			restricted = ?, sort_family = ?, sort_given = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, args...)
		if err != nil {
			return err
		}
		p.Version++
		if err := writePersonChildren(ctx, tx, p); err != nil {
			return err
		}
		if p.Restricted && !old.Restricted && a.UserID != 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO person_named_staff (person_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, p.ID, a.UserID); err != nil {
				return err
			}
		}
		if len(changed) > 0 {
			if err := addPersonEvent(ctx, tx, a, p.ID, "updated", "Details changed: "+strings.Join(changed, ", ")); err != nil {
				return err
			}
		}
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "person", p.ID, p.ProviderID, p.TeamID, changes(changed).String())
	})
	return warnings, err
}

// personChanges names the fields that differ between old and p, in words.
func personChanges(old, p *liaise.Person) []string {
	var c changes
	c.add("identity status", old.IdentityStatus != p.IdentityStatus)
	c.add("names", !slices.Equal(old.Names, p.Names))
	c.add("date of birth", old.DateOfBirth != p.DateOfBirth || old.DOBUnknown != p.DOBUnknown || old.EstimatedAge != p.EstimatedAge)
	for _, t := range liaise.IdentifierTypes {
		c.add(liaise.LabelOf(liaise.IdentifierTypes, t.Code), !slices.Equal(idsOf(old, t.Code), idsOf(p, t.Code)))
	}
	c.add("gender", old.StatedGender != p.StatedGender || old.GenderIdentity != p.GenderIdentity)
	c.add("ethnic category", old.EthnicCategory != p.EthnicCategory)
	c.add("language and interpreter", old.PreferredLanguage != p.PreferredLanguage || old.InterpreterNeeded != p.InterpreterNeeded)
	c.add("communication needs", old.CommunicationNeeds != p.CommunicationNeeds)
	c.add("reasonable adjustments", old.ReasonableAdjustments != p.ReasonableAdjustments)
	c.add("address", old.Address != p.Address || old.Postcode != p.Postcode || old.NoFixedAbode != p.NoFixedAbode)
	c.add("GP practice", old.GPPracticeODS != p.GPPracticeODS)
	c.add("ex-armed forces", old.ExArmedForces != p.ExArmedForces)
	c.add("care leaver", old.CareLeaver != p.CareLeaver)
	c.add("learning disability status", old.LDStatus != p.LDStatus)
	c.add("autism status", old.AutismStatus != p.AutismStatus)
	c.add("responsible adults", !slices.Equal(old.ResponsibleAdults, p.ResponsibleAdults))
	c.add("child details", old.LookedAfter != p.LookedAfter || old.ChildProtection != p.ChildProtection || old.SocialWorker != p.SocialWorker ||
		old.YouthJusticeWorker != p.YouthJusticeWorker || old.School != p.School)
	c.add("restricted", old.Restricted != p.Restricted)
	return c
}

func idsOf(p *liaise.Person, typ string) []liaise.Identifier {
	var out []liaise.Identifier
	for _, x := range p.Identifiers {
		if x.Type == typ {
			out = append(out, x)
		}
	}
	return out
}

// --- Duplicates ----------------------------------------------------------------

// FindDuplicates lists people of the actor's provider who may be p: the same
// NHS number (which blocks creating p), the same PNC ID, the same family
// name and date of birth, or the same date of birth and given name with a
// family name one typing slip away. Pairs recorded as not the same person
// are left out (except a matching NHS number).
func (db *DB) FindDuplicates(ctx context.Context, p liaise.Person) ([]liaise.DuplicateCandidate, error) {
	a := liaise.ActorFrom(ctx)
	if err := liaise.Authorize(a, liaise.CapPersonSearch, liaise.Resource{Type: "person"}); err != nil {
		return nil, err
	}
	if p.ProviderID == 0 || !a.System {
		p.ProviderID = a.ProviderID
	}
	if _, err := ValidatePerson(&p, liaise.DateOf(db.Now().Local())); err != nil && len(p.Names) == 0 {
		return nil, err
	}
	return findDuplicates(ctx, db, a, &p)
}

func findDuplicates(ctx context.Context, q queryer, a *liaise.Actor, p *liaise.Person) ([]liaise.DuplicateCandidate, error) {
	byID := map[int64]*liaise.DuplicateCandidate{}
	var order []int64
	add := func(id int64, reason string, blocking bool) {
		c, ok := byID[id]
		if !ok {
			c = &liaise.DuplicateCandidate{PersonID: id}
			byID[id] = c
			order = append(order, id)
		}
		if !slices.Contains(c.Reasons, reason) {
			c.Reasons = append(c.Reasons, reason)
		}
		c.Blocking = c.Blocking || blocking
	}
	for _, x := range p.Identifiers {
		var reason string
		switch x.Type {
		case liaise.IDNHSNumber:
			reason = "Same NHS number"
		case liaise.IDPNC:
			reason = "Same PNC ID"
		default:
			continue
		}
		ids, err := queryIDs(ctx, q, `SELECT person_id FROM person_identifiers WHERE provider_id = ? AND type = ? AND value = ? AND person_id <> ?`,
			p.ProviderID, x.Type, x.Value, p.ID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			add(id, reason, x.Type == liaise.IDNHSNumber)
		}
	}
	if !p.DateOfBirth.IsZero() {
		rows, err := q.Query(ctx, `SELECT n.person_id, n.folded_given, n.folded_family FROM people x JOIN person_names n ON n.person_id = x.id
			WHERE x.provider_id = ? AND x.date_of_birth = ? AND x.id <> ? ORDER BY x.id LIMIT 500`, p.ProviderID, p.DateOfBirth, p.ID)
		if err != nil {
			return nil, err
		}
		type nm struct {
			id            int64
			given, family string
		}
		var others []nm
		for rows.Next() {
			var o nm
			if err := rows.Scan(&o.id, &o.given, &o.family); err != nil {
				rows.Close()
				return nil, err
			}
			others = append(others, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, n := range p.Names {
			fg, ff := liaise.FoldName(n.Given), liaise.FoldName(n.Family)
			for _, o := range others {
				switch {
				case ff != "" && ff == o.family:
					add(o.id, "Same family name and date of birth", false)
				case fg != "" && fg == o.given && ff != "" && liaise.Levenshtein(ff, o.family) <= 1:
					add(o.id, "Similar name and same date of birth", false)
				}
			}
		}
	}
	if len(order) == 0 {
		return nil, nil
	}
	var notDup []int64
	if p.ID != 0 {
		var err error
		if notDup, err = queryIDs(ctx, q, `SELECT other_person_id FROM person_not_duplicates WHERE person_id = ?`, p.ID); err != nil {
			return nil, err
		}
	}
	var out []liaise.DuplicateCandidate
	for _, id := range order {
		c := byID[id]
		if !c.Blocking && slices.Contains(notDup, id) {
			continue
		}
		o, err := loadPersonRow(ctx, q, id)
		if err != nil {
			return nil, err
		}
		c.Restricted = o.Restricted
		visible := !o.Restricted
		if o.Restricted {
			named, err := namedStaff(ctx, q, id)
			if err != nil {
				return nil, err
			}
			visible = a.System || slices.Contains(named, a.UserID)
		}
		if visible {
			if err := loadPersonChildren(ctx, q, &o); err != nil {
				return nil, err
			}
			c.Name = o.DisplayName()
			c.DateOfBirth = o.DateOfBirth.String()
		} else {
			c.Name = "Restricted record"
		}
		out = append(out, *c)
	}
	return out, nil
}

func queryIDs(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func insertNotDuplicate(ctx context.Context, tx *Tx, a *liaise.Actor, x, y int64, reason string) error {
	for _, pair := range [][2]int64{{x, y}, {y, x}} {
		if _, err := tx.Exec(ctx, `INSERT INTO person_not_duplicates (person_id, other_person_id, recorded_by, recorded_at, reason) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (person_id, other_person_id) DO NOTHING`, pair[0], pair[1], nullID(a.UserID), tx.Now, reason); err != nil {
			return err
		}
	}
	return nil
}

// RecordNotDuplicate remembers that two people of the provider are not the
// same person, so the duplicate check stops offering the pair.
func (db *DB) RecordNotDuplicate(ctx context.Context, id, other int64, reason string) error {
	a := liaise.ActorFrom(ctx)
	p, _, err := db.personAccess(ctx, a, liaise.CapRecordWrite, id, "")
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		return fieldError("reason", "The reason must be 500 characters or fewer")
	}
	if other == id || other <= 0 {
		return fieldError("other_person_id", "Choose another person")
	}
	o, err := loadPersonRow(ctx, db, other)
	if err != nil || o.ProviderID != p.ProviderID {
		return fieldError("other_person_id", "That person was not found")
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := insertNotDuplicate(ctx, tx, a, id, other, reason); err != nil {
			return err
		}
		if err := addPersonEvent(ctx, tx, a, id, "not_duplicate", fmt.Sprintf("Recorded as not the same person as record %d", other)); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "person_not_duplicate", id, p.ProviderID, p.TeamID, fmt.Sprintf("other person %d", other))
	})
}
