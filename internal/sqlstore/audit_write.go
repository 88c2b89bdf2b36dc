package sqlstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"liaise"
)

// insertAudit appends events (and the subjects a list showed) in tx.
// auditEventInsert writes one audit event and returns its sequence number.
const auditEventInsert = `INSERT INTO audit_events
	(occurred_at, user_id, username, role, action, record_type, record_id, team_id, provider_id, client_ip, request_id, detail)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`

// auditSubjectChunk is how many (seq, subject) rows one INSERT writes: a
// search or caseload page names up to 50 people, and one statement for them
// all is far cheaper than one each.
const auditSubjectChunk = 100

// auditSubjectInsert writes n audit subject rows.
func auditSubjectInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_subjects (seq, subject_id) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?)")
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	return b.String()
}

// auditWriteStatements are prepared at Open (SQLite), so the group
// committer's transactions reuse them.
func auditWriteStatements() []string {
	return []string{auditEventInsert, auditSubjectInsert(auditSubjectChunk)}
}

func insertAudit(ctx context.Context, tx *Tx, evs []liaise.AuditEvent) error {
	var subjects []any
	for _, ev := range evs {
		var seq int64
		err := tx.QueryRow(ctx, auditEventInsert, ev.OccurredAt, nullID(ev.UserID), ev.Username, ev.Role, ev.Action, ev.RecordType,
			nullID(ev.RecordID), nullID(ev.TeamID), nullID(ev.ProviderID), ev.ClientIP, ev.RequestID, ev.Detail).Scan(&seq)
		if err != nil {
			return err
		}
		for _, s := range ev.Subjects {
			subjects = append(subjects, seq, s)
		}
	}
	for len(subjects) > 0 {
		n := min(len(subjects)/2, auditSubjectChunk)
		if _, err := tx.Exec(ctx, auditSubjectInsert(n), subjects[:2*n]...); err != nil {
			return err
		}
		subjects = subjects[2*n:]
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AuditRead records a read of personal or configuration data. Reads are not
// in a write transaction, so a group committer writes many requests' events
// in one transaction; the caller waits until its own event is committed, so
// no read goes unaudited (and a failure to audit fails the request).
func (db *DB) AuditRead(ctx context.Context, ev liaise.AuditEvent) error {
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = db.Now()
	}
	return db.audit.submit(ctx, ev)
}

type auditReq struct {
	ev   liaise.AuditEvent
	done chan error
}

type auditCommitter struct {
	db     *DB
	reqs   chan auditReq
	stop   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
}

func newAuditCommitter(db *DB) *auditCommitter {
	c := &auditCommitter{db: db, reqs: make(chan auditReq, 1024), stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

var errAuditClosed = errors.New("audit committer closed")

func (c *auditCommitter) submit(ctx context.Context, ev liaise.AuditEvent) error {
	r := auditReq{ev: ev, done: make(chan error, 1)}
	select {
	case c.reqs <- r:
	case <-c.stop:
		return errAuditClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Wait for the commit even if the client has gone: the event is in flight.
	return <-r.done
}

func (c *auditCommitter) loop() {
	defer c.wg.Done()
	const maxBatch = 256
	batch := make([]auditReq, 0, maxBatch)
	for {
		var first auditReq
		select {
		case first = <-c.reqs:
		case <-c.stop:
			// Drain what is queued so nobody waits forever.
			for {
				select {
				case r := <-c.reqs:
					batch = append(batch, r)
				default:
					c.flush(batch)
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-c.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		c.flush(batch)
		batch = batch[:0]
	}
}

func (c *auditCommitter) flush(batch []auditReq) {
	if len(batch) == 0 {
		return
	}
	evs := make([]liaise.AuditEvent, len(batch))
	for i, r := range batch {
		evs[i] = r.ev
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c.db.ws != nil && c.db.ws.lookup(auditEventInsert) == nil {
		// Prepared outside the transaction (which will hold the writer's
		// only connection); until the tables exist (before migrating) the
		// writes simply run unprepared.
		_ = c.db.ws.prepareAll(ctx, auditWriteStatements()...)
	}
	err := c.db.Update(ctx, func(tx *Tx) error { return insertAudit(ctx, tx, evs) })
	for _, r := range batch {
		r.done <- err
	}
}

func (c *auditCommitter) close() {
	c.closed.Do(func() { close(c.stop) })
	c.wg.Wait()
}
