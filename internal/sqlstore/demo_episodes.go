package sqlstore

import (
	"context"
	"fmt"
	"time"

	"liaise"
)

// EpisodeSeed is a fictional episode for the demo. Every time in it is an
// offset, so the generated data is the same on every run and the writer
// places it relative to the database clock: an episode alerted Ago before
// "now" with its steps At after that.
type EpisodeSeed struct {
	Provider string
	// PersonIndex is the person's position in the provider's PersonSeeds.
	PersonIndex int
	Site        string
	Ago         time.Duration
	// Overnight places the alert in the small hours of the latest night
	// (London time) instead of Ago, so a weekday site sees it arrive out of
	// hours and wait for the morning queue.
	Overnight    bool
	HearingToday bool
	ReferrerRole string
	Concerns     string
	Urgency      string
	Allocated    string // username, or ""
	Steps        []StepSeed
	// Extras written after the pathway, through the public store functions.
	Screening  *liaise.Screening // OccurredAt is set by the writer (the screened step)
	Notes      []NoteSeed
	Consent    bool // consent to share with the police, given verbally
	Disclosure *liaise.Disclosure
	// AdviceNote drafts a custody advice note from the record, approves it
	// and issues it to the custody sergeant (needs Consent).
	AdviceNote bool
	Contact    *Contact
	Referral   *NewReferralInput
	// ObtainedBy is the username of who asked for consent.
	ObtainedBy string
}

// StepSeed is one transition, At after the alert (Retry after the alert
// too, for a deferral).
type StepSeed struct {
	To     liaise.EpisodeState
	Reason string
	At     time.Duration
	Retry  time.Duration
}

// NoteSeed is a case note At after the alert.
type NoteSeed struct {
	At   time.Duration
	Text string
}

// EpisodeCounts says what LoadDemoEpisodes created.
type EpisodeCounts struct {
	Episodes, Sites, Transitions, Screenings, Notes, Consents, Disclosures, Documents, Contacts, Referrals int
}

// ErrEpisodesExist refuses a second demo episode load.
var ErrEpisodesExist = liaise.Errorf(liaise.ECONFLICT, "the database already has episodes; demo episodes load only once")

type demoSite struct {
	id, team int64
	hours    string
	typ      string
}

// LoadDemoEpisodes writes the demo episodes after the demo organisation:
// the episodes and their transitions (each checked with
// liaise.CheckTransition, in order) in one audited transaction, then the
// screenings, notes, consents, disclosures, contacts and referrals through
// the public store functions. peopleCounts gives each provider's number of
// seeded people, whose ids are in insertion order. Only the system actor may
// load.
func (db *DB) LoadDemoEpisodes(ctx context.Context, seeds []EpisodeSeed) (EpisodeCounts, error) {
	var c EpisodeCounts
	a := liaise.ActorFrom(ctx)
	if a == nil || !a.System {
		return c, liaise.Errorf(liaise.EFORBIDDEN, "Only the operator at the command line can load demo episodes.")
	}
	now := db.Now()
	providers := map[string]int64{}
	people := map[string][]int64{}
	sites := map[string]map[string]demoSite{}
	users := map[string]map[string]int64{}
	agencies := map[string]map[string]int64{} // provider → agency type → first id
	rows, err := db.Query(ctx, `SELECT id, name FROM providers ORDER BY id`)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return c, err
		}
		providers[name] = id
	}
	rows.Close()
	for name, pid := range providers {
		ids, err := collectIDs(ctx, db, `SELECT id FROM people WHERE provider_id = ? ORDER BY id`, pid)
		if err != nil {
			return c, err
		}
		people[name] = ids
		sites[name], users[name], agencies[name] = map[string]demoSite{}, map[string]int64{}, map[string]int64{}
		r, err := db.Query(ctx, `SELECT id, name, COALESCE(team_id, 0), hours, type FROM sites WHERE provider_id = ?`, pid)
		if err != nil {
			return c, err
		}
		for r.Next() {
			var s demoSite
			var n string
			if err := r.Scan(&s.id, &n, &s.team, &s.hours, &s.typ); err != nil {
				r.Close()
				return c, err
			}
			sites[name][n] = s
		}
		r.Close()
		r, err = db.Query(ctx, `SELECT id, username FROM users WHERE provider_id = ?`, pid)
		if err != nil {
			return c, err
		}
		for r.Next() {
			var id int64
			var n string
			if err := r.Scan(&id, &n); err != nil {
				r.Close()
				return c, err
			}
			users[name][n] = id
		}
		r.Close()
		r, err = db.Query(ctx, `SELECT id, type FROM agencies WHERE provider_id = ? ORDER BY id`, pid)
		if err != nil {
			return c, err
		}
		for r.Next() {
			var id int64
			var t string
			if err := r.Scan(&id, &t); err != nil {
				r.Close()
				return c, err
			}
			if agencies[name][t] == 0 {
				agencies[name][t] = id
			}
		}
		r.Close()
	}

	type placed struct {
		seed    *EpisodeSeed
		id      int64
		person  liaise.Person
		alerted liaise.Time
		at      map[liaise.EpisodeState]liaise.Time
	}
	var done []placed
	usedSites := map[int64]bool{}
	err = db.Update(ctx, func(tx *Tx) error {
		c, done, usedSites = EpisodeCounts{}, nil, map[int64]bool{}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM episodes LIMIT 1) e`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrEpisodesExist
		}
		today := liaise.DateOf(tx.Now.In(liaise.London))
		for i := range seeds {
			s := &seeds[i]
			pid, ok := providers[s.Provider]
			if !ok {
				return liaise.Errorf(liaise.EINVALID, "demo episode %d names provider %q, which does not exist", i, s.Provider)
			}
			site, ok := sites[s.Provider][s.Site]
			if !ok || site.team == 0 {
				return liaise.Errorf(liaise.EINVALID, "demo episode %d names site %q, which %s does not have (with a team)", i, s.Site, s.Provider)
			}
			if s.PersonIndex < 0 || s.PersonIndex >= len(people[s.Provider]) {
				return liaise.Errorf(liaise.EINVALID, "demo episode %d names person %d of %s, who does not exist", i, s.PersonIndex, s.Provider)
			}
			person, err := loadPersonRow(ctx, tx, people[s.Provider][s.PersonIndex])
			if err != nil {
				return err
			}
			alerted := tx.Now.Add(-s.Ago)
			if s.Overnight {
				alerted = latestSmallHours(tx.Now.Time).Add(s.Ago)
			}
			alertedT := liaise.NewTime(alerted)
			var alloc int64
			if s.Allocated != "" {
				if alloc, ok = users[s.Provider][s.Allocated]; !ok {
					return liaise.Errorf(liaise.EINVALID, "demo episode %d names user %q, who does not exist", i, s.Allocated)
				}
			}
			var agency int64
			switch site.typ {
			case "custody_suite", "voluntary_attendance":
				agency = agencies[s.Provider]["police"]
			case "magistrates_court", "youth_court", "crown_court":
				agency = agencies[s.Provider]["court"]
			case "probation_office":
				agency = agencies[s.Provider]["probation"]
			}
			var hearing any
			if s.HearingToday {
				hearing = today
			}
			queue, ooh := QueueTime(site.hours, alertedT)
			urgency := s.Urgency
			if urgency == "" {
				urgency = UrgencyRoutine
			}
			e := Episode{ProviderID: pid, PersonID: person.ID, TeamID: site.team, SiteID: site.id, ServiceType: "ld", Setting: settingForSite(site.typ),
				AlertedAt: alertedT, ReferrerAgencyID: agency, ReferrerRole: s.ReferrerRole, Urgency: urgency, AllocatedUserID: alloc,
				OutOfHours: ooh, QueueAt: queue}
			custody := ""
			if e.Setting == liaise.SettingPoliceCustody {
				custody = fmt.Sprintf("DEMO/%06d", 100000+i*37)
			}
			court := ""
			if liaise.CourtSetting(e.Setting) {
				court = fmt.Sprintf("DEMO-%05d", 20000+i*13)
			}
			e.ID, err = tx.InsertID(ctx, `INSERT INTO episodes (provider_id, person_id, team_id, site_id, service_type, state, setting, alerted_at,
				referrer_agency_id, referrer_role, custody_record, court_reference, concerns, urgency, hearing_date, allocated_user_id,
				out_of_hours, queue_at, version, created_at, created_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
				e.ProviderID, e.PersonID, e.TeamID, e.SiteID, e.ServiceType, string(liaise.EpisodeIdentified), e.Setting, e.AlertedAt,
				nullID(agency), s.ReferrerRole, custody, court, s.Concerns, urgency, hearing, nullID(alloc), ooh, queue, tx.Now, nil, tx.Now)
			if err != nil {
				return fmt.Errorf("demo episode %d: %w", i, err)
			}
			p := placed{seed: s, id: e.ID, person: person, alerted: alertedT, at: map[liaise.EpisodeState]liaise.Time{}}
			var state liaise.EpisodeState
			var prev liaise.Time
			for _, st := range s.Steps {
				occurred := liaise.NewTime(alerted.Add(st.At))
				if occurred.After(tx.Now.Time) {
					occurred = tx.Now
				}
				tc := liaise.TransitionContext{Reason: st.Reason, OccurredAt: occurred, RecordedAt: tx.Now, PreviousOccurredAt: prev}
				t := liaise.Transition{From: state, To: st.To, Reason: st.Reason, OccurredAt: occurred}
				if st.To == liaise.EpisodeDeferred {
					tc.RetryAt = liaise.NewTime(alerted.Add(st.Retry))
					t.RetryAt = tc.RetryAt
				}
				if err := liaise.CheckTransition(state, st.To, tc); err != nil {
					return fmt.Errorf("demo episode %d, %s to %s: %w", i, state, st.To, err)
				}
				if err := insertTransition(ctx, tx, a, e.ID, t); err != nil {
					return err
				}
				if state != "" {
					e.State = state
					if err := transitionTasks(ctx, tx, e, t); err != nil {
						return err
					}
				}
				state, prev = st.To, occurred
				p.at[st.To] = occurred
				c.Transitions++
			}
			if _, err := tx.Exec(ctx, `UPDATE episodes SET state = ?, version = ? WHERE id = ?`, string(state), len(s.Steps), e.ID); err != nil {
				return err
			}
			e.State = state
			if err := identifyTasks(ctx, tx, e, person); err != nil {
				return err
			}
			if err := addPersonEvent(ctx, tx, a, person.ID, "episode", "Identified at "+s.Site); err != nil {
				return err
			}
			if err := auditWrite(ctx, tx, a, liaise.AuditCreate, "episode", e.ID, e.ProviderID, e.TeamID, "demo episode"); err != nil {
				return err
			}
			c.Episodes++
			usedSites[site.id] = true
			done = append(done, p)
		}
		return nil
	})
	if err != nil {
		return EpisodeCounts{}, err
	}
	c.Sites = len(usedSites)

	// The record of the work, through the same functions the pages use.
	for _, p := range done {
		s := p.seed
		when := func(d time.Duration) liaise.Time {
			t := p.alerted.Add(d)
			if t.After(now.Time) {
				t = now.Time
			}
			return liaise.NewTime(t)
		}
		screenedAt, ok := p.at[liaise.EpisodeScreened]
		if s.Screening != nil && ok {
			sc := *s.Screening
			sc.OccurredAt = screenedAt
			if _, err := db.RecordScreening(ctx, p.id, &sc); err != nil {
				return c, fmt.Errorf("demo episode %d screening: %w", p.id, err)
			}
			c.Screenings++
		}
		for _, n := range s.Notes {
			if _, err := db.AddNote(ctx, p.id, NoteInput{Text: n.Text, OccurredAt: when(n.At)}); err != nil {
				return c, fmt.Errorf("demo episode %d note: %w", p.id, err)
			}
			c.Notes++
		}
		base := screenedAt
		if base.IsZero() {
			base = p.alerted
		}
		if s.Consent {
			by := users[s.Provider][s.ObtainedBy]
			// A child under 16 in the demo is judged Gillick competent.
			age := ageAtEvent(p.person, base)
			child := age >= 0 && age < 16
			if _, err := db.RecordConsent(ctx, p.id, ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven,
				Form: liaise.ConsentVerbal, ObtainedBy: by, OccurredAt: base, GillickCompetent: child}); err != nil {
				return c, fmt.Errorf("demo episode %d consent: %w", p.id, err)
			}
			c.Consents++
		}
		if s.Disclosure != nil {
			d := *s.Disclosure
			d.OccurredAt = liaise.NewTime(minTime(base.Add(10*time.Minute), now.Time))
			if _, err := db.RecordDisclosure(ctx, p.id, d); err != nil {
				return c, fmt.Errorf("demo episode %d disclosure: %w", p.id, err)
			}
			c.Disclosures++
		}
		if s.AdviceNote {
			if err := db.demoAdviceNote(ctx, p.id, users[s.Provider][s.ObtainedBy], liaise.NewTime(minTime(base.Add(15*time.Minute), now.Time))); err != nil {
				return c, fmt.Errorf("demo episode %d advice note: %w", p.id, err)
			}
			c.Documents++
		}
		if s.Contact != nil {
			ct := *s.Contact
			ct.OccurredAt = base
			if err := db.AddContact(ctx, p.id, &ct); err != nil {
				return c, fmt.Errorf("demo episode %d contact: %w", p.id, err)
			}
			c.Contacts++
		}
		if s.Referral != nil {
			r := *s.Referral
			r.DecidedAt = liaise.NewTime(minTime(base.Add(20*time.Minute), now.Time))
			r.SentAt = liaise.NewTime(minTime(base.Add(40*time.Minute), now.Time))
			if _, err := db.AddReferral(ctx, p.id, r); err != nil {
				return c, fmt.Errorf("demo episode %d referral: %w", p.id, err)
			}
			c.Referrals++
		}
	}
	return c, nil
}

// demoAdviceNote drafts, approves and issues a custody advice note as the
// practitioner who asked for consent (as the operator when they may not
// approve documents or open the episode), so the documents pages have something real to show.
func (db *DB) demoAdviceNote(ctx context.Context, episodeID, userID int64, at liaise.Time) error {
	if a, err := db.LoadActor(ctx, userID); err == nil && a.Can(liaise.CapDocumentApprove) {
		if _, err := db.episodeAccess(ctx, a, liaise.CapRecordWrite, episodeID); err == nil {
			ctx = liaise.WithActor(ctx, a)
		}
	}
	d, err := db.DraftDocument(ctx, episodeID, liaise.DocAdviceNote)
	if err != nil {
		return err
	}
	if err := db.ApproveDocument(ctx, episodeID, d.ID, d.Version); err != nil {
		return err
	}
	_, err = db.IssueDocument(ctx, episodeID, d.ID, d.Version+1, IssueInput{Identity: liaise.IdentityCheck{Method: "custody_record", Confirmed: true},
		Disclosure: liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant", Purpose: liaise.PurposeInterviewAdaptations,
			Channel: liaise.ChannelSecureEmail, OccurredAt: at}})
	return err
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// latestSmallHours is 01:00 London time on the latest night that has
// fully passed 06:00, or the night before when it is earlier than that.
func latestSmallHours(now time.Time) time.Time {
	l := now.In(liaise.London)
	d := time.Date(l.Year(), l.Month(), l.Day(), 1, 0, 0, 0, liaise.London)
	if l.Hour() < 6 {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

func collectIDs(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
