package sqlstore_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// timelineFixture: one person with an episode at team 1's custody suite
// (e1, written by p1) and one at team 2's court (e2, written by p2), each
// with a note restricted to its team.
type timelineFixture struct {
	*peopleFixture
	person      int64
	e1, e2      sqlstore.Episode
	contactErr  int64 // a contact of e1 marked entered in error
	restricted1 int64 // e1's team-restricted note
	restricted2 int64 // e2's team-restricted note
}

func newTimelineFixture(t *testing.T, db *sqlstore.DB) *timelineFixture {
	t.Helper()
	f := &timelineFixture{peopleFixture: newPeopleFixture(t, db)}
	weekday, always := episodeSites(t, f.peopleFixture)
	var err error
	f.e1, err = db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Kit", FamilyName: "Marlow", SiteID: weekday, AlertedAt: london(2026, time.November, 20, 8, 0)})
	dbtest.Must(t, err)
	f.person = f.e1.PersonID
	f.e2, err = db.QuickIdentify(f.p2, sqlstore.QuickIdentifyInput{PersonID: f.person, SiteID: always, AlertedAt: london(2026, time.November, 21, 10, 0)})
	dbtest.Must(t, err)

	_, err = db.Transition(f.p1, f.e1.ID, sqlstore.TransitionInput{To: liaise.EpisodeReceived, OccurredAt: london(2026, time.November, 20, 8, 10), Version: 1})
	dbtest.Must(t, err)
	note := func(ctx context.Context, e sqlstore.Episode, text string, at liaise.Time, restricted bool) int64 {
		n, err := db.AddNote(ctx, e.ID, sqlstore.NoteInput{Text: text, OccurredAt: at, RestrictedToTeam: restricted})
		dbtest.Must(t, err)
		return n.ID
	}
	note(f.p1, f.e1, "Seen in cell 4; calm and talking.", london(2026, time.November, 20, 9, 0), false)
	f.restricted1 = note(f.p1, f.e1, "Team 1 only: safeguarding history.", london(2026, time.November, 20, 9, 30), true)
	c := sqlstore.Contact{Kind: sqlstore.ContactDirect, OccurredAt: london(2026, time.November, 20, 10, 0), Minutes: 45, ConsultationMechanism: "01",
		AttendedOrDNA: "5", Summary: "Screened in cell 4"}
	dbtest.Must(t, db.AddContact(f.p1, f.e1.ID, &c))
	_, err = db.RecordConsent(f.p1, f.e1.ID, sqlstore.ConsentInput{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal,
		OccurredAt: london(2026, time.November, 20, 10, 30)})
	dbtest.Must(t, err)
	_, err = db.RecordDisclosure(f.p1, f.e1.ID, liaise.Disclosure{RecipientAgency: liaise.RecipientPolice, RecipientRole: "Custody sergeant",
		Purpose: liaise.PurposeInterviewAdaptations, Content: "Needs breaks.", Channel: liaise.ChannelVerbal, OccurredAt: london(2026, time.November, 20, 11, 0)})
	dbtest.Must(t, err)
	_, err = db.AddReferral(f.p1, f.e1.ID, sqlstore.NewReferralInput{Need: "substance_drugs", Service: "Inspire", Method: "ers",
		State: liaise.ReferralPlanned, DecidedAt: london(2026, time.November, 20, 12, 0)})
	dbtest.Must(t, err)
	wrong := sqlstore.Contact{Kind: sqlstore.ContactIndirect, OccurredAt: london(2026, time.November, 20, 13, 0), Minutes: 10,
		CounterpartAgencyType: "police", CounterpartRole: "Custody sergeant", Summary: "Wrong person"}
	dbtest.Must(t, db.AddContact(f.p1, f.e1.ID, &wrong))
	dbtest.Must(t, db.MarkContactInError(f.p1, f.e1.ID, wrong.ID, "Recorded against the wrong person"))
	f.contactErr = wrong.ID

	note(f.p2, f.e2, "At court; duty solicitor informed.", london(2026, time.November, 21, 11, 0), false)
	f.restricted2 = note(f.p2, f.e2, "Team 2 only.", london(2026, time.November, 21, 11, 30), true)
	return f
}

func timelineAll(t *testing.T, db *sqlstore.DB, ctx context.Context, person int64, limit int) (items []sqlstore.TimelineEntry, pages int, last sqlstore.Timeline) {
	t.Helper()
	cursor := ""
	for {
		tl, err := db.PersonTimeline(ctx, person, sqlstore.TimelineQuery{Cursor: cursor, Limit: limit})
		dbtest.Must(t, err)
		items, pages, last = append(items, tl.Items...), pages+1, tl
		if tl.NextCursor == "" {
			return items, pages, last
		}
		if len(tl.Items) != limit {
			t.Fatalf("page %d has %d items but a next cursor", pages, len(tl.Items))
		}
		cursor = tl.NextCursor
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
	}
}

func entryKey(e sqlstore.TimelineEntry) string { return fmt.Sprintf("%s/%d", e.Kind, e.ID) }

// checkOrder fails unless items are newest first by when they happened.
func checkOrder(t *testing.T, items []sqlstore.TimelineEntry) {
	t.Helper()
	for i := 1; i < len(items); i++ {
		if items[i].OccurredAt.After(items[i-1].OccurredAt.Time) {
			t.Fatalf("entry %d (%s at %s) is newer than entry %d (%s at %s)", i, items[i].Title, items[i].OccurredAt, i-1, items[i-1].Title, items[i-1].OccurredAt)
		}
	}
}

func TestTimelineMergesSourcesAndEpisodes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newTimelineFixture(t, db)
		// p1 (team 1) sees e1 in full, not e2, which is counted.
		tl, err := db.PersonTimeline(f.p1, f.person, sqlstore.TimelineQuery{})
		dbtest.Must(t, err)
		if tl.Person.DisplayName() != "Kit Marlow" || tl.Skipped != 1 || !tl.CanBreakGlass || tl.NextCursor != "" {
			t.Fatalf("person %q skipped %d can break glass %v next %q", tl.Person.DisplayName(), tl.Skipped, tl.CanBreakGlass, tl.NextCursor)
		}
		checkOrder(t, tl.Items)
		var got []string
		for _, e := range tl.Items {
			got = append(got, e.Kind+": "+e.Title)
			if e.EpisodeID == f.e2.ID {
				t.Errorf("another team's episode shown: %+v", e)
			}
			if e.EpisodeID == f.e1.ID && (e.TeamName != "Preston custody" || e.SiteName != "Preston custody suite" || e.RecordedBy != "p1" || e.BreakGlass) {
				t.Errorf("episode context of %s: %+v", e.Title, e)
			}
		}
		want := []string{
			"record: Record created",
			"contact: Liaison with police, Custody sergeant (10 minutes)",
			"referral: Onward referral to Inspire: planned",
			"disclosure: Information shared with the police (Custody sergeant)",
			"consent: Consent: share information with the police",
			"contact: Direct contact (45 minutes): attended on time or, if late, before the relevant care professional was ready to see the patient",
			"note: Team 1 only: safeguarding history.",
			"note: Seen in cell 4; calm and talking.",
			"episode: Episode moved to received",
			"episode: Episode opened: L&D alerted",
		}
		if len(got) != len(want) {
			t.Fatalf("got %d entries:\n%s", len(got), strings.Join(got, "\n"))
		}
		for i := range want {
			// Labels from code lists may be long: compare their start.
			if !strings.HasPrefix(got[i], want[i][:min(len(want[i]), 40)]) {
				t.Errorf("entry %d = %q, want %q", i, got[i], want[i])
			}
		}
		// Entered in error: shown, marked, with the reason.
		i := slices.IndexFunc(tl.Items, func(e sqlstore.TimelineEntry) bool { return e.Kind == sqlstore.TimelineContact && e.ID == f.contactErr })
		if i < 0 || !tl.Items[i].EnteredInError || tl.Items[i].ErrorReason != "Recorded against the wrong person" {
			t.Errorf("entered in error not shown flagged: %+v", tl.Items)
		}
		// Late entries are flagged: everything here was written up days later.
		if !tl.Items[len(tl.Items)-1].Late() || tl.Items[0].Late() {
			t.Errorf("late flags: first %v last %v", tl.Items[0].Late(), tl.Items[len(tl.Items)-1].Late())
		}
		if tl.Items[3].Flag != "" || !strings.Contains(tl.Items[3].Detail, "Interview adaptations") && !strings.Contains(tl.Items[3].Detail, "interview") {
			t.Errorf("disclosure %+v", tl.Items[3])
		}
	})
}

func TestTimelineVisibility(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newTimelineFixture(t, db)
		has := func(items []sqlstore.TimelineEntry, kind string, id int64) bool {
			return slices.ContainsFunc(items, func(e sqlstore.TimelineEntry) bool { return e.Kind == kind && e.ID == id })
		}
		episodesOf := func(items []sqlstore.TimelineEntry) []int64 {
			var out []int64
			for _, e := range items {
				if e.EpisodeID != 0 && !slices.Contains(out, e.EpisodeID) {
					out = append(out, e.EpisodeID)
				}
			}
			slices.Sort(out)
			return out
		}
		// p2's team has e2, so p2 opens the person (recorded by team 1)
		// without break-glass and sees e2 only, with its restricted note.
		tl, err := db.PersonTimeline(f.p2, f.person, sqlstore.TimelineQuery{})
		dbtest.Must(t, err)
		if tl.Person.BreakGlass || tl.Skipped != 1 || !slices.Equal(episodesOf(tl.Items), []int64{f.e2.ID}) || !has(tl.Items, sqlstore.TimelineNote, f.restricted2) {
			t.Fatalf("p2 before break-glass: skipped %d episodes %v", tl.Skipped, episodesOf(tl.Items))
		}
		// The timeline agrees with opening each episode.
		for _, e := range []sqlstore.Episode{f.e1, f.e2} {
			_, err := db.GetEpisode(f.p2, e.ID)
			if shown := slices.Contains(episodesOf(tl.Items), e.ID); shown != (err == nil) {
				t.Errorf("episode %d shown %v but GetEpisode says %v", e.ID, shown, err)
			}
		}
		// A role without break-glass cannot open e1 either; it is counted,
		// and the page is told no reason would help.
		tl, err = db.PersonTimeline(f.str2, f.person, sqlstore.TimelineQuery{})
		dbtest.Must(t, err)
		if tl.Skipped != 1 || tl.CanBreakGlass {
			t.Errorf("str2: skipped %d can break glass %v", tl.Skipped, tl.CanBreakGlass)
		}
		// After break-glass p2 sees e1 too, marked, but not e1's note
		// restricted to team 1.
		dbtest.Must(t, db.BreakGlass(f.p2, f.person, "Brought to Lancaster court this morning"))
		tl, err = db.PersonTimeline(f.p2, f.person, sqlstore.TimelineQuery{})
		dbtest.Must(t, err)
		if tl.Skipped != 0 || !slices.Equal(episodesOf(tl.Items), []int64{f.e1.ID, f.e2.ID}) {
			t.Fatalf("p2 after break-glass: skipped %d episodes %v", tl.Skipped, episodesOf(tl.Items))
		}
		if has(tl.Items, sqlstore.TimelineNote, f.restricted1) || !has(tl.Items, sqlstore.TimelineNote, f.restricted2) {
			t.Errorf("restricted notes: team 1's shown %v, team 2's shown %v", has(tl.Items, sqlstore.TimelineNote, f.restricted1), has(tl.Items, sqlstore.TimelineNote, f.restricted2))
		}
		for _, e := range tl.Items {
			if e.EpisodeID != 0 && e.BreakGlass != (e.EpisodeID == f.e1.ID) {
				t.Errorf("break-glass mark of %s: %v", e.Title, e.BreakGlass)
			}
		}
		for _, e := range []sqlstore.Episode{f.e1, f.e2} {
			if _, err := db.GetEpisode(f.p2, e.ID); err != nil {
				t.Errorf("GetEpisode %d after break-glass: %v", e.ID, err)
			}
		}
		// p1 sees its own team's restricted note.
		tl, err = db.PersonTimeline(f.p1, f.person, sqlstore.TimelineQuery{})
		dbtest.Must(t, err)
		if !has(tl.Items, sqlstore.TimelineNote, f.restricted1) || has(tl.Items, sqlstore.TimelineNote, f.restricted2) {
			t.Error("p1 restricted notes wrong")
		}
		// Another provider: not found.
		if _, err := db.PersonTimeline(f.pB, f.person, sqlstore.TimelineQuery{}); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		// Restricted person: named staff only (p1 restricts, p2 is not named).
		p, err := db.GetPerson(f.p1, f.person, "")
		dbtest.Must(t, err)
		p.Restricted, p.EstimatedAge = true, 30
		_, err = db.UpdatePerson(f.p1, &p)
		dbtest.Must(t, err)
		if _, err := db.PersonTimeline(f.p2, f.person, sqlstore.TimelineQuery{}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("restricted person, not named: %v", err)
		}
		if _, err := db.PersonTimeline(f.p1, f.person, sqlstore.TimelineQuery{}); err != nil {
			t.Errorf("restricted person, named: %v", err)
		}
	})
}

func TestTimelinePagination(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newTimelineFixture(t, db)
		// Ties: three notes and a contact at the same instant, in e1.
		tie := london(2026, time.November, 20, 14, 0)
		for i := range 3 {
			_, err := db.AddNote(f.p1, f.e1.ID, sqlstore.NoteInput{Text: fmt.Sprintf("Tie %d", i), OccurredAt: tie})
			dbtest.Must(t, err)
		}
		c := sqlstore.Contact{Kind: sqlstore.ContactDirect, OccurredAt: tie, Minutes: 5, ConsultationMechanism: "01", AttendedOrDNA: "5"}
		dbtest.Must(t, db.AddContact(f.p1, f.e1.ID, &c))
		dbtest.Must(t, db.BreakGlass(f.p2, f.person, "Brought to Lancaster court this morning"))

		full, pages, _ := timelineAll(t, db, f.p2, f.person, 50)
		if pages != 1 || len(full) < 15 {
			t.Fatalf("full: %d entries in %d pages", len(full), pages)
		}
		checkOrder(t, full)
		for _, limit := range []int{1, 2, 3, 7} {
			paged, pages, _ := timelineAll(t, db, f.p2, f.person, limit)
			if want := (len(full) + limit - 1) / limit; pages != want {
				t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
			}
			var a, b []string
			for _, e := range full {
				a = append(a, entryKey(e))
			}
			seen := map[string]bool{}
			for _, e := range paged {
				k := entryKey(e)
				if seen[k] {
					t.Errorf("limit %d: %s twice", limit, k)
				}
				seen[k] = true
				b = append(b, k)
			}
			if !slices.Equal(a, b) {
				t.Errorf("limit %d: pages give\n%v\nwant\n%v", limit, b, a)
			}
		}
		// Equal times keep one order: by source, then newest id first.
		var at []string
		for _, e := range full {
			if e.OccurredAt.Equal(tie.Time) {
				at = append(at, e.Kind)
			}
		}
		if !slices.Equal(at, []string{"note", "note", "note", "contact"}) {
			t.Errorf("tie order %v", at)
		}
	})
}

func TestTimelineBadCursorAndAudit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newTimelineFixture(t, db)
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for _, c := range []string{"!!!", enc("{}"), enc(`{"v":1,"sort":"name","values":["2026-11-20T08:00:00.000000Z","note"],"id":1}`),
			enc(`{"v":1,"sort":"occurred_at","values":["yesterday","note"],"id":1}`),
			enc(`{"v":1,"sort":"occurred_at","values":["2026-11-20T08:00:00.000000Z","tasks"],"id":1}`),
			enc(`{"v":1,"sort":"occurred_at","values":["2026-11-20T08:00:00.000000Z","note"],"id":0}`),
			enc(`{"v":1,"sort":"occurred_at","values":["2026-11-20T08:00:00.000000Z","note"],"id":1,"x":2}`)} {
			_, err := db.PersonTimeline(f.p1, f.person, sqlstore.TimelineQuery{Cursor: c})
			if liaise.ErrorCode(err) != liaise.EINVALID || liaise.ErrorFields(err)["cursor"] == "" {
				t.Errorf("cursor %q: %v", c, err)
			}
		}
		// A good cursor of an older page works and each read is one audit event.
		count := func() int {
			var n int
			dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events e JOIN audit_subjects s ON s.seq = e.seq
				WHERE e.record_type = 'person' AND e.record_id = ? AND e.action = ? AND s.subject_id = ?`, f.person, liaise.AuditRead, f.person).Scan(&n))
			return n
		}
		before := count()
		tl, err := db.PersonTimeline(f.p1, f.person, sqlstore.TimelineQuery{Limit: 2})
		dbtest.Must(t, err)
		older, err := db.PersonTimeline(f.p1, f.person, sqlstore.TimelineQuery{Limit: 2, Cursor: tl.NextCursor})
		dbtest.Must(t, err)
		if len(older.Items) != 2 || older.Items[0].OccurredAt.After(tl.Items[1].OccurredAt.Time) {
			t.Errorf("older page %+v", older.Items)
		}
		if got := count() - before; got != 2 {
			t.Errorf("audit events: %d, want 2", got)
		}
	})
}
