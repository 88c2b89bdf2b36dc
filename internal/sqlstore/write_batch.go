package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// writeBatcher gives SQLite group commit for write transactions. SQLite has
// one writer, and committing a transaction writes every page it touched to
// the WAL: for a new identification (a dozen tables and their indexes) that
// was as much work as the statements. When transactions queue up, the
// writer runs them one after another inside one transaction, each in its
// own savepoint (a failed one is rolled back to its savepoint and the rest
// go on), and commits once; every caller waits for that commit, so no
// caller hears "saved" before its rows are durable, and a failed commit
// fails every transaction of the group. The effect is the same as running
// them one at a time, in order. A transaction alone runs exactly as before.
// PostgreSQL has concurrent writers and commits each transaction itself.
type writeBatcher struct {
	db    *DB
	reqs  chan *writeReq
	stop  chan struct{}
	done  chan struct{}
	close sync.Once
	// groups counts shared commits (tests).
	groups atomic.Int64
}

type writeReq struct {
	ctx context.Context
	fn  func(*Tx) error
	// res is sent once: the transaction's error after the group's commit.
	res chan writeResult
}

type writeResult struct {
	err   error
	panic any
}

// maxWriteBatch bounds a group, so one commit never waits on too many.
const maxWriteBatch = 64

var errWriterClosed = errors.New("database is closing")

func newWriteBatcher(db *DB) *writeBatcher {
	b := &writeBatcher{db: db, reqs: make(chan *writeReq), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *writeBatcher) submit(ctx context.Context, fn func(*Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, res: make(chan writeResult, 1)}
	select {
	case b.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return errWriterClosed
	}
	// The function may be running: wait for the commit even if the caller
	// has gone, as a lone transaction would.
	res := <-r.res
	if res.panic != nil {
		panic(res.panic)
	}
	return res.err
}

func (b *writeBatcher) shutdown() {
	b.close.Do(func() { close(b.stop) })
	<-b.done
}

func (b *writeBatcher) loop() {
	stopped := false
	defer func() {
		if !stopped {
			// A transaction's function ended the goroutine (runtime.Goexit,
			// as t.FailNow does): its caller has its answer; carry on.
			go b.loop()
			return
		}
		close(b.done)
	}()
	batch := make([]*writeReq, 0, maxWriteBatch)
	for {
		select {
		case r := <-b.reqs:
			batch = append(batch[:0], r)
		case <-b.stop:
			stopped = true
			return
		}
	more:
		for len(batch) < maxWriteBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		b.run(batch)
		b.db.ws.learn(context.Background())
	}
}

// run commits batch, one transaction or a group, and answers every caller.
func (b *writeBatcher) run(batch []*writeReq) {
	results := make([]writeResult, len(batch))
	for i := range results {
		results[i].err = errGroupNotSaved // until its function returns
	}
	var sqlTx *sql.Tx
	committed := false
	defer func() {
		if sqlTx != nil && !committed {
			_ = sqlTx.Rollback()
			for i := range results {
				if results[i].err == nil && results[i].panic == nil {
					results[i].err = errGroupNotSaved
				}
			}
		}
		for i, r := range batch {
			r.res <- results[i]
		}
	}()
	if len(batch) == 1 {
		results[0].err = errTransactionExited // if runAlone never returns
		results[0] = runAlone(b.db, batch[0])
		return
	}
	b.groups.Add(1)
	ctx := context.Background()
	var err error
	if sqlTx, err = b.db.w.BeginTx(ctx, nil); err != nil {
		sqlTx = nil
		for i := range results {
			results[i].err = fmt.Errorf("begin: %w", err)
		}
		return
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT liaise_write"); err != nil {
			results[i].err = fmt.Errorf("savepoint: %w", err)
			return
		}
		results[i].err = errTransactionExited // if runInSavepoint never returns
		results[i] = runInSavepoint(r, &Tx{tx: sqlTx, db: b.db, Now: b.db.Now()})
		if results[i].err != nil || results[i].panic != nil {
			// Some errors (an interrupted write) end the whole transaction;
			// then ROLLBACK TO fails and nothing of the group is kept.
			if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO liaise_write"); err != nil {
				return
			}
		}
		if _, err := sqlTx.ExecContext(ctx, "RELEASE liaise_write"); err != nil {
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		sqlTx = nil // ended either way
		for i := range results {
			if results[i].err == nil && results[i].panic == nil {
				results[i].err = fmt.Errorf("commit: %w", err)
			}
		}
		return
	}
	committed = true
}

// errGroupNotSaved answers a transaction that succeeded in a group whose
// commit could not happen.
var errGroupNotSaved = errors.New("not saved: the shared write transaction failed")

var errTransactionExited = errors.New("the transaction's function did not return")

func runAlone(db *DB, r *writeReq) (res writeResult) {
	res.err = errTransactionExited
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panic: p}
		}
	}()
	return writeResult{err: db.update(r.ctx, r.fn)}
}

func runInSavepoint(r *writeReq, tx *Tx) (res writeResult) {
	res.err = errTransactionExited
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panic: p}
		}
	}()
	return writeResult{err: r.fn(tx)}
}

// update runs fn in a transaction of its own.
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rolls back whatever way fn leaves (an error, a panic, Goexit); a no-op
	// after Commit.
	defer sqlTx.Rollback()
	tx := &Tx{tx: sqlTx, db: db, Now: db.Now()}
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
