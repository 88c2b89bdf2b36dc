package sqlstore_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// noteEpisode opens an episode at team 1's site for p1.
func noteEpisode(t *testing.T, db *sqlstore.DB, f *peopleFixture) sqlstore.Episode {
	t.Helper()
	weekday, _ := episodeSites(t, f)
	e, err := db.QuickIdentify(f.p1, sqlstore.QuickIdentifyInput{GivenName: "Nora", FamilyName: "Notes", SiteID: weekday, AlertedAt: db.Now()})
	dbtest.Must(t, err)
	return e
}

func TestNotesAppendOnly(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newPeopleFixture(t, db)
		e := noteEpisode(t, db, f)
		ago := func(d time.Duration) liaise.Time { return liaise.NewTime(db.Now().Add(-d)) }

		// Validation names the fields.
		_, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "  ", OccurredAt: liaise.NewTime(db.Now().Add(time.Hour))})
		if fe := liaise.ErrorFields(err); fe["text"] == "" || fe["occurred_at"] == "" {
			t.Fatalf("validation: %v", err)
		}
		_, err = db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: strings.Repeat("é", sqlstore.MaxNoteLen+1), OccurredAt: ago(time.Minute)})
		if liaise.ErrorFields(err)["text"] == "" {
			t.Fatalf("too long: %v", err)
		}
		if _, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: strings.Repeat("é", sqlstore.MaxNoteLen), OccurredAt: ago(time.Minute)}); err != nil {
			t.Fatalf("10,000 characters: %v", err)
		}

		n1, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "Seen in cell 4; calm.", OccurredAt: ago(time.Hour)})
		dbtest.Must(t, err)
		late, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "Written up after the weekend.", OccurredAt: ago(49 * time.Hour)})
		dbtest.Must(t, err)
		secret, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "Disclosed abuse at home.", OccurredAt: ago(30 * time.Minute), RestrictedToTeam: true})
		dbtest.Must(t, err)
		if n1.Late() || !late.Late() || n1.UserName != "p1" {
			t.Errorf("late flags / author: %+v %+v", n1, late)
		}

		// An amendment is a new note; the original stays as it was.
		am, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "Seen in cell 5; calm.", OccurredAt: ago(time.Hour), AmendsNoteID: n1.ID})
		dbtest.Must(t, err)
		orig, err := db.GetNote(f.p1, e.ID, n1.ID)
		dbtest.Must(t, err)
		if orig.Text != "Seen in cell 4; calm." || orig.AmendedByID != am.ID || am.AmendsNoteID != n1.ID || !am.AmendsOccurredAt.Equal(n1.OccurredAt.Time) {
			t.Errorf("amendment: orig %+v am %+v", orig, am)
		}
		// Amendments form one line: the original cannot be amended twice.
		if _, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "Again", OccurredAt: ago(time.Hour), AmendsNoteID: n1.ID}); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("second amendment of the original: %v", err)
		}
		// Only the author (or a senior) corrects a note.
		if _, err := db.AddNote(f.p1b, e.ID, sqlstore.NoteInput{Text: "Mine", OccurredAt: ago(time.Hour), AmendsNoteID: am.ID}); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("amend by another practitioner: %v", err)
		}
		if _, err := db.MarkNoteEnteredInError(f.p1b, e.ID, late.ID, "Wrong person"); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("entered in error by another practitioner: %v", err)
		}

		// Entered in error: a reason is needed; the note stays.
		if _, err := db.MarkNoteEnteredInError(f.p1, e.ID, late.ID, " "); liaise.ErrorFields(err)["reason"] == "" {
			t.Errorf("no reason: %v", err)
		}
		eie, err := db.MarkNoteEnteredInError(f.p1, e.ID, late.ID, "Written on the wrong person's record")
		dbtest.Must(t, err)
		if !eie.EnteredInError || eie.Text != "Written up after the weekend." || eie.ErrorReason == "" || eie.ErrorByName != "p1" {
			t.Errorf("entered in error: %+v", eie)
		}
		if _, err := db.MarkNoteEnteredInError(f.p1, e.ID, late.ID, "Again and again"); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("marked twice: %v", err)
		}
		if _, err := db.AddNote(f.p1, e.ID, sqlstore.NoteInput{Text: "Fix", OccurredAt: ago(time.Hour), AmendsNoteID: late.ID}); liaise.ErrorCode(err) != liaise.ECONFLICT {
			t.Errorf("amend a note entered in error: %v", err)
		}

		// Newest first, everything kept.
		list, err := db.ListNotes(f.p1, e.ID)
		dbtest.Must(t, err)
		if len(list) != 5 || list[0].ID != am.ID || list[len(list)-1].Text != strings.Repeat("é", sqlstore.MaxNoteLen) {
			t.Fatalf("list: %d notes, first %+v", len(list), list[0])
		}

		// The database itself refuses to edit a note.
		if _, err := db.Exec(context.Background(), `UPDATE case_notes SET text = 'changed' WHERE id = ?`, n1.ID); err == nil {
			t.Errorf("UPDATE of case_notes was allowed")
		}
		// And the store offers no way to: its note methods only add and read.
		allowed := map[string]bool{"AddNote": true, "ListNotes": true, "GetNote": true, "MarkNoteEnteredInError": true}
		typ := reflect.TypeOf(db)
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; strings.Contains(name, "Note") && !allowed[name] {
				t.Errorf("store method %s may change notes", name)
			}
		}

		// Another team's practitioner needs break-glass, and then sees that a
		// restricted note exists but not its text.
		var bge *liaise.BreakGlassError
		if _, err := db.ListNotes(f.p2, e.ID); !errors.As(err, &bge) {
			t.Fatalf("other team without break-glass: %v", err)
		}
		dbtest.Must(t, db.BreakGlass(f.p2, e.PersonID, "Court asked for an urgent update"))
		list, err = db.ListNotes(f.p2, e.ID)
		dbtest.Must(t, err)
		for _, n := range list {
			if n.ID == secret.ID && (!n.Hidden || n.Text != "") {
				t.Errorf("restricted note shown to a break-glass reader: %+v", n)
			}
			if n.ID == n1.ID && (n.Hidden || n.Text == "") {
				t.Errorf("unrestricted note hidden: %+v", n)
			}
		}
		if n, err := db.GetNote(f.p2, e.ID, secret.ID); err != nil || n.Text != "" {
			t.Errorf("GetNote restricted for break-glass: %+v %v", n, err)
		}
		// A break-glass reader cannot correct the team's notes.
		if _, err := db.MarkNoteEnteredInError(f.p2, e.ID, n1.ID, "Not theirs to mark"); liaise.ErrorCode(err) != liaise.EFORBIDDEN {
			t.Errorf("break-glass correction: %v", err)
		}
		// The team sees the text.
		if n, _ := db.GetNote(f.p1b, e.ID, secret.ID); n.Text != "Disclosed abuse at home." {
			t.Errorf("team member: %+v", n)
		}
		// Another provider sees nothing.
		if _, err := db.ListNotes(f.pB, e.ID); liaise.ErrorCode(err) != liaise.ENOTFOUND {
			t.Errorf("other provider: %v", err)
		}
		// Reads and writes are audited.
		var reads, writes int
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE record_type = 'case_note' AND action = 'list'`).Scan(&reads))
		dbtest.Must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE record_type = 'case_note' AND action IN ('create', 'update')`).Scan(&writes))
		if reads < 2 || writes != 6 {
			t.Errorf("audit: %d reads, %d writes", reads, writes)
		}
	})
}
