package sqlstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"liaise"
)

// insertAudit appends events (and the subjects a list showed) in tx.
func insertAudit(ctx context.Context, tx *Tx, evs []liaise.AuditEvent) error {
	for _, ev := range evs {
		var seq int64
		err := tx.QueryRow(ctx, `INSERT INTO audit_events
			(occurred_at, user_id, username, role, action, record_type, record_id, team_id, provider_id, client_ip, request_id, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			ev.OccurredAt, nullID(ev.UserID), ev.Username, ev.Role, ev.Action, ev.RecordType, nullID(ev.RecordID),
			nullID(ev.TeamID), nullID(ev.ProviderID), ev.ClientIP, ev.RequestID, ev.Detail).Scan(&seq)
		if err != nil {
			return err
		}
		for _, s := range ev.Subjects {
			if _, err := tx.Exec(ctx, `INSERT INTO audit_subjects (seq, subject_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, seq, s); err != nil {
				return err
			}
		}
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
	err := c.db.Update(ctx, func(tx *Tx) error { return insertAudit(ctx, tx, evs) })
	for _, r := range batch {
		r.done <- err
	}
}

func (c *auditCommitter) close() {
	c.closed.Do(func() { close(c.stop) })
	c.wg.Wait()
}
