package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"time"

	"liaise"
)

// The audit chain (DESIGN.md §10, docs/adr/0002-audit-chain.md): a single
// sealer gives each committed audit row the next chain_no, the previous
// row's hash and an HMAC over a canonical encoding of the row, so editing,
// deleting or inserting a sealed row is detected by Verify.

// AuditSealerLease is the lease the one sealing instance holds.
const AuditSealerLease = "audit-sealer"

// GenesisHash is the prev_hash of the first sealed event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// DefaultSealBatch is how many events one sealing transaction chains: large
// enough to keep up with tens of thousands of audited reads a second, small
// enough that the transaction stays short.
const DefaultSealBatch = 1000

// auditKeySetting is the settings row holding the generated development key.
const auditKeySetting = "audit_key"

// sealLockKey serialises sealers on PostgreSQL (an operator's `audit verify`
// may seal while a server's sealer runs): "audseal" in ASCII.
const sealLockKey = 0x61756473656164

// verifyProgressEvery is how often Verify reports progress on long chains.
const verifyProgressEvery = 100_000

// EnsureAuditKey returns the key of the audit chain: the configured one, or
// in development the key stored in the settings table, generated (32 random
// bytes, hex) on first start so the chain stays verifiable across restarts.
// generated reports whether this call created it. Production refuses to start
// without LIAISE_AUDIT_KEY (config.Validate), so it never reaches here empty.
func (db *DB) EnsureAuditKey(ctx context.Context, configured string) (key string, generated bool, err error) {
	if configured != "" {
		return configured, false, nil
	}
	err = db.Update(ctx, func(tx *Tx) error {
		generated = false
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, auditKeySetting).Scan(&key)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, auditKeySetting, hex.EncodeToString(b))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Another instance generated it first: use theirs.
			return tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, auditKeySetting).Scan(&key)
		}
		key, generated = hex.EncodeToString(b), true
		a := liaise.ActorFrom(ctx)
		if a == nil {
			a = liaise.SystemActor("")
		}
		ev := liaise.EventFor(a, liaise.AuditCreate, "setting", 0)
		ev.Detail = "audit_key generated (development)"
		return tx.Audit(ctx, ev)
	})
	return key, generated, err
}

// chainRow is an audit row as the chain sees it. Nullable ids stay nullable
// so that NULL and 0 encode differently: changing one into the other is an edit.
type chainRow struct {
	seq        int64
	chainNo    sql.NullInt64
	occurredAt liaise.Time
	userID     sql.NullInt64
	username   string
	role       string
	action     string
	recordType string
	recordID   sql.NullInt64
	teamID     sql.NullInt64
	providerID sql.NullInt64
	clientIP   string
	requestID  string
	detail     string
	prevHash   sql.NullString
	hash       sql.NullString
	subjects   []int64
}

// chainColumns are read by both the sealer and Verify; each event comes once
// per subject (or once with a NULL subject), grouped by the reader.
const chainColumns = `e.seq, e.chain_no, e.occurred_at, e.user_id, e.username, e.role, e.action,
	e.record_type, e.record_id, e.team_id, e.provider_id, e.client_ip, e.request_id, e.detail,
	e.prev_hash, e.hash, s.subject_id`

// canonical is the unambiguous byte encoding the HMAC covers: a version tag,
// then each field as a 4-byte big-endian length and its bytes (so no field
// can bleed into the next), integers in decimal, NULL ids as empty fields,
// the time as UTC microseconds since 1970, the subject ids sorted and
// preceded by their count, and the previous event's hash last.
func canonical(buf []byte, r *chainRow, chainNo int64, prevHash string) []byte {
	field := func(s string) { buf = binary.BigEndian.AppendUint32(buf, uint32(len(s))); buf = append(buf, s...) }
	num := func(n int64) { field(strconv.FormatInt(n, 10)) }
	null := func(n sql.NullInt64) {
		if n.Valid {
			num(n.Int64)
		} else {
			field("")
		}
	}
	field("liaise-audit-v1")
	num(chainNo)
	num(r.seq)
	num(r.occurredAt.UnixMicro())
	null(r.userID)
	field(r.username)
	field(r.role)
	field(r.action)
	field(r.recordType)
	null(r.recordID)
	null(r.teamID)
	null(r.providerID)
	field(r.clientIP)
	field(r.requestID)
	field(r.detail)
	num(int64(len(r.subjects)))
	for _, s := range r.subjects {
		num(s)
	}
	field(prevHash)
	return buf
}

// hasher computes event hashes with one HMAC state, reset per event.
type hasher struct {
	mac hash.Hash
	buf []byte
}

func newHasher(key []byte) *hasher { return &hasher{mac: hmac.New(sha256.New, key)} }

func (h *hasher) sum(r *chainRow, chainNo int64, prevHash string) string {
	h.buf = canonical(h.buf[:0], r, chainNo, prevHash)
	h.mac.Reset()
	h.mac.Write(h.buf)
	return hex.EncodeToString(h.mac.Sum(nil))
}

// rowReader groups the joined event × subject rows into events.
type rowReader struct {
	rows *sql.Rows
	buf  *chainRow
}

func (rr *rowReader) scan() (*chainRow, error) {
	r := &chainRow{}
	var subj sql.NullInt64
	if err := rr.rows.Scan(&r.seq, &r.chainNo, &r.occurredAt, &r.userID, &r.username, &r.role, &r.action,
		&r.recordType, &r.recordID, &r.teamID, &r.providerID, &r.clientIP, &r.requestID, &r.detail,
		&r.prevHash, &r.hash, &subj); err != nil {
		return nil, err
	}
	if subj.Valid {
		r.subjects = append(r.subjects, subj.Int64)
	}
	return r, nil
}

// verifyWindow is how many chain numbers Verify reads per query: the whole
// chain in one ordered query makes PostgreSQL sort tens of millions of rows
// on disk; a window is read from the chain_no index with no sort.
const verifyWindow = 50000

// chainReader reads the sealed chain in order, one window of chain numbers
// at a time, as whole events.
type chainReader struct {
	db     *DB
	ctx    context.Context
	from   int64 // chain numbers <= from have been queried
	head   int64 // the highest sealed chain number when verification began
	window int64
	rr     *rowReader
}

func (db *DB) chainWindows(ctx context.Context) (*chainReader, error) {
	c := &chainReader{db: db, ctx: ctx, window: db.verifyWindow}
	if c.window <= 0 {
		c.window = verifyWindow
	}
	if err := db.QueryRow(ctx, `SELECT COALESCE(MAX(chain_no), 0) FROM audit_events`).Scan(&c.head); err != nil {
		return nil, err
	}
	return c, nil
}

// next returns the next whole event, or nil after the head.
func (c *chainReader) next() (*chainRow, error) {
	for {
		if c.rr != nil {
			r, err := c.rr.next()
			if r != nil || err != nil {
				return r, err
			}
			c.rr.rows.Close()
			c.rr = nil
		}
		if c.from >= c.head {
			return nil, nil
		}
		to := c.from + c.window
		rows, err := c.db.Query(c.ctx, `SELECT `+chainColumns+`
			FROM audit_events e LEFT JOIN audit_subjects s ON s.seq = e.seq
			WHERE e.chain_no > ? AND e.chain_no <= ?
			ORDER BY e.chain_no, s.subject_id`, c.from, to)
		if err != nil {
			return nil, err
		}
		c.rr, c.from = &rowReader{rows: rows}, to
	}
}

func (c *chainReader) close() {
	if c.rr != nil {
		c.rr.rows.Close()
	}
}

// next returns the next whole event, or nil at the end.
func (rr *rowReader) next() (*chainRow, error) {
	if rr.buf == nil {
		if !rr.rows.Next() {
			return nil, rr.rows.Err()
		}
		r, err := rr.scan()
		if err != nil {
			return nil, err
		}
		rr.buf = r
	}
	cur := rr.buf
	rr.buf = nil
	for rr.rows.Next() {
		r, err := rr.scan()
		if err != nil {
			return nil, err
		}
		if r.seq == cur.seq {
			cur.subjects = append(cur.subjects, r.subjects...)
			continue
		}
		rr.buf = r
		break
	}
	if err := rr.rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(cur.subjects)
	return cur, nil
}

// Seal chains every committed unsealed audit event, batch events per
// transaction, and returns how many it sealed. Only one instance should run
// it routinely (see AuditSealerLease), but concurrent calls are safe: on
// PostgreSQL they queue on an advisory lock, and chain_no is UNIQUE anyway.
func (db *DB) Seal(ctx context.Context, key []byte, batch int) (int, error) {
	return db.SealUpTo(ctx, key, batch, 0)
}

// SealUpTo is Seal stopping after about maxEvents events (0: no limit), so the
// background sealer renews its lease between rounds even with a backlog.
func (db *DB) SealUpTo(ctx context.Context, key []byte, batch, maxEvents int) (int, error) {
	if len(key) == 0 {
		return 0, errors.New("audit sealing needs a key (LIAISE_AUDIT_KEY)")
	}
	if batch <= 0 {
		batch = DefaultSealBatch
	}
	h := newHasher(key)
	total := 0
	for {
		n, err := db.sealBatch(ctx, h, batch)
		total += n
		if err != nil || n < batch || (maxEvents > 0 && total >= maxEvents) {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// unsealedSQLite takes the oldest unsealed events. SQLite has one writer, so
// rows commit in seq order and none can appear later below the ones taken.
const unsealedSQLite = `SELECT ` + chainColumns + `
	FROM (SELECT * FROM audit_events WHERE chain_no IS NULL ORDER BY seq LIMIT ?) e
	LEFT JOIN audit_subjects s ON s.seq = e.seq
	ORDER BY e.seq, s.subject_id`

// unsealedPostgres takes only rows whose inserting transaction is older than
// every running one: a transaction still in flight may hold a lower seq, and
// waiting for it keeps the chain in (nearly) seq order. A very long-running
// transaction therefore delays sealing, never loses a row.
const unsealedPostgres = `SELECT ` + chainColumns + `
	FROM (SELECT * FROM audit_events WHERE chain_no IS NULL
		AND tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY seq LIMIT ?) e
	LEFT JOIN audit_subjects s ON s.seq = e.seq
	ORDER BY e.seq, s.subject_id`

const chainHeadSQL = `SELECT chain_no, hash FROM audit_events WHERE chain_no IS NOT NULL ORDER BY chain_no DESC LIMIT 1`

func (db *DB) sealBatch(ctx context.Context, h *hasher, batch int) (int, error) {
	var n int
	err := db.Update(ctx, func(tx *Tx) error {
		n = 0
		q := unsealedSQLite
		if db.Engine == Postgres {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(sealLockKey)); err != nil {
				return err
			}
			q = unsealedPostgres
		}
		head, headHash, err := chainHead(ctx, tx.QueryRow(ctx, chainHeadSQL))
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, q, batch)
		if err != nil {
			return err
		}
		rr := &rowReader{rows: rows}
		var evs []*chainRow
		for {
			r, err := rr.next()
			if err != nil {
				rows.Close()
				return err
			}
			if r == nil {
				break
			}
			evs = append(evs, r)
		}
		rows.Close()
		if len(evs) == 0 {
			return nil
		}
		seqs := make([]int64, len(evs))
		nos := make([]int64, len(evs))
		prevs := make([]string, len(evs))
		hashes := make([]string, len(evs))
		for i, r := range evs {
			head++
			seqs[i], nos[i], prevs[i] = r.seq, head, headHash
			headHash = h.sum(r, head, headHash)
			hashes[i] = headHash
		}
		var affected int64
		if db.Engine == Postgres {
			res, err := tx.Exec(ctx, `UPDATE audit_events AS e SET chain_no = v.c, prev_hash = v.p, hash = v.h
				FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS v(seq, c, p, h)
				WHERE e.seq = v.seq AND e.chain_no IS NULL`, seqs, nos, prevs, hashes)
			if err != nil {
				return err
			}
			affected, _ = res.RowsAffected()
		} else {
			for i := range evs {
				res, err := tx.Exec(ctx, `UPDATE audit_events SET chain_no = ?, prev_hash = ?, hash = ? WHERE seq = ? AND chain_no IS NULL`,
					nos[i], prevs[i], hashes[i], seqs[i])
				if err != nil {
					return err
				}
				k, _ := res.RowsAffected()
				affected += k
			}
		}
		if affected != int64(len(evs)) {
			return fmt.Errorf("audit sealing: %d of %d events changed under the sealer; nothing sealed", affected, len(evs))
		}
		n = len(evs)
		return nil
	})
	return n, err
}

func chainHead(ctx context.Context, row *sql.Row) (int64, string, error) {
	var no int64
	var h sql.NullString
	err := row.Scan(&no, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, GenesisHash, nil
	}
	return no, h.String, err
}

// ChainHead returns the last sealed event's chain_no and hash (0 and the
// genesis hash for an empty chain).
func (db *DB) ChainHead(ctx context.Context) (chainNo int64, hash string, err error) {
	return chainHead(ctx, db.QueryRow(ctx, chainHeadSQL))
}

// UnsealedCount returns how many audit events wait for the sealer.
func (db *DB) UnsealedCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE chain_no IS NULL`).Scan(&n)
	return n, err
}

// Checkpoint is the head of the chain at a moment, kept in audit_checkpoints
// and written to the log, so removing the tail of the chain is detected.
type Checkpoint struct {
	At      liaise.Time
	ChainNo int64
	Hash    string
}

// WriteCheckpoint records the current head of the chain. ok is false (and
// nothing is written) while the chain is empty.
func (db *DB) WriteCheckpoint(ctx context.Context) (cp Checkpoint, ok bool, err error) {
	err = db.Update(ctx, func(tx *Tx) error {
		no, h, err := chainHead(ctx, tx.QueryRow(ctx, chainHeadSQL))
		if err != nil || no == 0 {
			return err
		}
		cp, ok = Checkpoint{At: tx.Now, ChainNo: no, Hash: h}, true
		_, err = tx.Exec(ctx, `INSERT INTO audit_checkpoints (at, chain_no, hash) VALUES (?, ?, ?)`, cp.At, cp.ChainNo, cp.Hash)
		return err
	})
	return cp, ok, err
}

// LatestCheckpoint returns the most recent checkpoint (ok false if none).
func (db *DB) LatestCheckpoint(ctx context.Context) (cp Checkpoint, ok bool, err error) {
	err = db.QueryRow(ctx, `SELECT at, chain_no, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1`).Scan(&cp.At, &cp.ChainNo, &cp.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, false, nil
	}
	return cp, err == nil, err
}

// CheckpointIfDue writes a checkpoint when the last one is older than every
// (or there is none), so a scaled-out service writes one an hour whichever
// instance seals.
func (db *DB) CheckpointIfDue(ctx context.Context, every time.Duration) (cp Checkpoint, written bool, err error) {
	last, ok, err := db.LatestCheckpoint(ctx)
	if err != nil {
		return cp, false, err
	}
	if ok && db.Now().Sub(last.At.Time) < every {
		return cp, false, nil
	}
	if head, _, err := db.ChainHead(ctx); err != nil || head == 0 {
		return cp, false, err // nothing to checkpoint yet: no write transaction
	}
	return db.WriteCheckpoint(ctx)
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	// Checked is how many sealed events were checked and found intact.
	Checked int
	// Head is the chain_no of the last sealed event read.
	Head int64
	// FirstBroken is the first event where the chain fails, or nil.
	FirstBroken *BrokenEvent
}

// BrokenEvent says where and why the chain fails.
type BrokenEvent struct {
	ChainNo int64
	Seq     int64 // 0 when the event is gone (tail removed)
	Reason  string
}

// Verify recomputes the chain in chain_no order, streaming the rows so tens
// of millions of events need no more memory than a few, and checks it
// against every checkpoint. progress (if not nil) is called every 100,000
// events with the number checked so far. Unsealed events are not checked;
// seal first. A broken chain is a result, not an error: err is for failures
// to read.
func (db *DB) Verify(ctx context.Context, key []byte, progress func(done int)) (VerifyResult, error) {
	var res VerifyResult
	if len(key) == 0 {
		return res, errors.New("audit verification needs a key (LIAISE_AUDIT_KEY)")
	}
	cps, err := db.checkpoints(ctx)
	if err != nil {
		return res, err
	}
	byNo := make(map[int64][]Checkpoint, len(cps))
	for _, cp := range cps {
		byNo[cp.ChainNo] = append(byNo[cp.ChainNo], cp)
	}
	rr, err := db.chainWindows(ctx)
	if err != nil {
		return res, err
	}
	defer rr.close()
	h := newHasher(key)
	var prevNo int64
	prevHash := GenesisHash
	cur, err := rr.next()
	if err != nil {
		return res, err
	}
	for cur != nil {
		nxt, err := rr.next()
		if err != nil {
			return res, err
		}
		if reason := checkEvent(h, prevNo, prevHash, cur, nxt, byNo); reason != "" {
			res.FirstBroken = &BrokenEvent{ChainNo: cur.chainNo.Int64, Seq: cur.seq, Reason: reason}
			res.Head = cur.chainNo.Int64
			return res, nil
		}
		res.Checked++
		if progress != nil && res.Checked%verifyProgressEvery == 0 {
			progress(res.Checked)
		}
		prevNo, prevHash = cur.chainNo.Int64, cur.hash.String
		cur = nxt
	}
	res.Head = prevNo
	// Checkpoints beyond the head mean events after it were removed.
	for _, cp := range cps {
		if cp.ChainNo > res.Head {
			res.FirstBroken = &BrokenEvent{ChainNo: cp.ChainNo, Reason: fmt.Sprintf(
				"chain ends at %d but checkpoint of %s says %d (tail removed)", res.Head, cp.At, cp.ChainNo)}
			break
		}
	}
	return res, nil
}

func (db *DB) checkpoints(ctx context.Context) ([]Checkpoint, error) {
	rows, err := db.Query(ctx, `SELECT at, chain_no, hash FROM audit_checkpoints ORDER BY chain_no DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cps []Checkpoint
	for rows.Next() {
		var cp Checkpoint
		if err := rows.Scan(&cp.At, &cp.ChainNo, &cp.Hash); err != nil {
			return nil, err
		}
		cps = append(cps, cp)
	}
	return cps, rows.Err()
}

// checkEvent returns why cur breaks the chain after the event (prevNo,
// prevHash), or "". An event whose HMAC matches its own stored prev_hash was
// sealed by us, so a gap before it means deleted events; one whose HMAC does
// not was forged or edited, and nxt (the following event, or nil) tells
// which: an edited event's successor still links to its stored hash.
func checkEvent(h *hasher, prevNo int64, prevHash string, cur, nxt *chainRow, cps map[int64][]Checkpoint) string {
	no := cur.chainNo.Int64
	if no != prevNo+1 {
		if h.sum(cur, no, cur.prevHash.String) != cur.hash.String {
			return fmt.Sprintf("chain_no jumps from %d to %d: event inserted with a forged chain_no and hash", prevNo, no)
		}
		if no == prevNo+2 {
			return fmt.Sprintf("chain_no %d is missing (deleted)", prevNo+1)
		}
		return fmt.Sprintf("chain_no %d to %d are missing (deleted)", prevNo+1, no-1)
	}
	if cur.prevHash.String != prevHash {
		return fmt.Sprintf("prev_hash does not link to event %d (inserted or rewritten)", prevNo)
	}
	if h.sum(cur, no, prevHash) != cur.hash.String {
		successorLinks := nxt != nil && nxt.chainNo.Int64 == no+1 && nxt.prevHash.String == cur.hash.String
		switch {
		case !isHash(cur.hash.String):
			return "event inserted with a forged hash"
		case successorLinks && prevNo == 0 && h.sum(nxt, no+1, cur.hash.String) != nxt.hash.String:
			return "hash does not match from the first event on: the audit key is wrong (or every event was rewritten)"
		case successorLinks:
			return "hash does not match (edited)"
		case nxt == nil:
			return "hash does not match: the last event was edited, or inserted with a forged hash"
		default:
			return "event inserted with a forged hash"
		}
	}
	for _, cp := range cps[no] {
		if cp.Hash != cur.hash.String {
			return fmt.Sprintf("hash differs from the checkpoint of %s (chain rewritten)", cp.At)
		}
	}
	return ""
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
