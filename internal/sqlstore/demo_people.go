package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"liaise"
)

// PersonSeed is a fictional person for the demo or synthetic data. Like the
// rest of a seed it refers to other records by name: Team names one of the
// provider's teams, NamedStaff the usernames who may see a restricted
// person, and NotSameAs the Refs of earlier seeds a practitioner has checked
// and recorded as "not the same person" (deliberate near-duplicates).
type PersonSeed struct {
	Ref        string
	Team       string
	Person     liaise.Person
	NotSameAs  []string
	NamedStaff []string
}

// people writes a provider's seeded people through the same validation,
// duplicate check and insert (insertPerson: names, search tokens,
// identifiers, responsible adults, the timeline entry) as CreatePerson. A
// likely duplicate the seed did not declare in NotSameAs fails the load:
// generated data must not make unrelated people look alike by accident.
func (l *seedLoader) people(ctx context.Context, pid int64, teams, users map[string]int64, seeds []PersonSeed) error {
	tx := l.tx
	today := liaise.DateOf(tx.Now.Local())
	refs := map[string]int64{}
	for _, ps := range seeds {
		p := ps.Person
		p.ID, p.ProviderID = 0, pid
		tid, ok := teams[ps.Team]
		if !ok {
			return liaise.Errorf(liaise.EINVALID, "person %q names team %q, which this provider does not have", ps.Ref, ps.Team)
		}
		p.TeamID = tid
		if _, err := ValidatePerson(&p, today); err != nil {
			return invalid("person", ps.Ref, err)
		}
		notSame := map[int64]bool{}
		for _, ref := range ps.NotSameAs {
			id, ok := refs[ref]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "person %q is not the same as %q, which is not an earlier person of this provider", ps.Ref, ref)
			}
			notSame[id] = true
		}
		cands, err := findDuplicates(ctx, tx, l.actor, &p)
		if err != nil {
			return err
		}
		for _, c := range cands {
			if c.Blocking || !notSame[c.PersonID] {
				return liaise.Errorf(liaise.ECONFLICT, "person %q looks like an earlier person (%s) but is not declared as not the same", ps.Ref, strings.Join(c.Reasons, ", "))
			}
		}
		if err := insertPerson(ctx, tx, l.actor, &p); err != nil {
			return fmt.Errorf("person %q: %w", ps.Ref, err)
		}
		if ps.Ref != "" {
			if _, dup := refs[ps.Ref]; dup {
				return liaise.Errorf(liaise.EINVALID, "two people have the reference %q", ps.Ref)
			}
			refs[ps.Ref] = p.ID
		}
		for _, name := range ps.NamedStaff {
			uid, ok := users[NormaliseUsername(name)]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "person %q names user %q, who is not a user of this provider", ps.Ref, name)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO person_named_staff (person_id, user_id) VALUES (?, ?)`, p.ID, uid); err != nil {
				return err
			}
		}
		for _, ref := range ps.NotSameAs {
			if err := insertNotDuplicate(ctx, tx, l.actor, p.ID, refs[ref], "Checked: not the same person (similar names, same date of birth)"); err != nil {
				return err
			}
		}
		l.c.People++
		if err := l.audit(ctx, "person", p.ID, pid, p.TeamID); err != nil {
			return err
		}
	}
	return nil
}
