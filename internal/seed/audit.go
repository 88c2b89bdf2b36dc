package seed

import (
	"slices"
	"time"

	"liaise"
)

// The audit trail and the person's timeline, as the store writes them.
// Every write a step makes has the audit event its store function would
// have written (same action, record type and detail), and reads add the
// events of staff opening records, so the trail has the tens of events per
// episode a real one has. Events are sealed into the chain as they are made
// (sqlstore.AuditChain), in the order they are written.

// systemRequestID is what the command line's system actor carries.
const systemRequestID = "cli-seed"

// event is an audit event by s at t; a nil s is the system actor (the
// operator at the command line).
func (g *gen) event(s *staff, at time.Time, action, typ string, id, provider, team int64) liaise.AuditEvent {
	ev := liaise.AuditEvent{OccurredAt: lt(at), Action: action, RecordType: typ, RecordID: id, ProviderID: provider, TeamID: team}
	if s == nil || s.id == 0 {
		ev.Username, ev.Role, ev.RequestID = "system", "system", systemRequestID
		return ev
	}
	ev.UserID, ev.Username, ev.Role, ev.ClientIP, ev.RequestID = s.id, s.username, s.role, s.ip, g.requestID()
	return ev
}

// audit seals ev into the chain and writes it with its subjects.
func (g *gen) audit(ev *liaise.AuditEvent) {
	if len(ev.Subjects) > 1 {
		slices.Sort(ev.Subjects)
		ev.Subjects = slices.Compact(ev.Subjects)
	}
	seq := g.id(tAudit)
	no, prev, hash := g.chain.Next(seq, ev)
	g.row(tAudit, seq, ev.OccurredAt, nullID(ev.UserID), ev.Username, ev.Role, ev.Action, ev.RecordType, nullID(ev.RecordID),
		nullID(ev.TeamID), nullID(ev.ProviderID), ev.ClientIP, ev.RequestID, ev.Detail, no, prev, hash)
	for _, s := range ev.Subjects {
		g.row(tAuditSubjects, seq, s)
	}
}

// write records the audit event of a write by s.
func (g *gen) write(s *staff, at time.Time, action, typ string, id int64, e *episode, detail string) {
	ev := g.event(s, at, action, typ, id, e.prov.id, e.team.id)
	ev.Detail = detail
	g.audit(&ev)
}

// personEvent adds an entry to the person's timeline.
func (g *gen) personEvent(person int64, occurred, recorded time.Time, s *staff, kind, summary string) {
	g.row(tPersonEvents, g.id(tPersonEvents), person, lt(occurred), lt(recorded), staffID(s), kind, summary)
}

// staffID is s's id for a user_id column, or NULL.
func staffID(s *staff) any {
	if s == nil || s.id == 0 {
		return nil
	}
	return s.id
}

// nullID stores 0 as NULL, like the store's nullID.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// lateDetail is the store's " (late entry)" suffix.
func lateDetail(occurred, recorded time.Time) string {
	if liaise.LateEntry(lt(occurred), lt(recorded)) {
		return " (late entry)"
	}
	return ""
}
