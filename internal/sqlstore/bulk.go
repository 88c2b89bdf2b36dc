package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"liaise"
)

// Bulk loading (liaise seed, internal/seed) writes millions of rows with
// engine-specific means the store's Update does not offer: SQLite pragmas
// and multi-row inserts on the one writer connection, PostgreSQL COPY. These
// few exports give it that connection and the store's own rules (the audit
// chain's encoding, the setting of a site) so it copies none of them.

// BulkConn runs fn with a dedicated connection of the writer pool. On SQLite
// it is the one writer connection, so nothing else writes meanwhile, and the
// reader pool keeps no idle connections, so fn may change the journal mode
// (which needs the file to itself); fn must leave the connection as it found
// it (pragmas restored, no open transaction).
func (db *DB) BulkConn(ctx context.Context, fn func(conn *sql.Conn) error) error {
	if db.Engine == SQLite {
		db.r.SetMaxIdleConns(0)
		defer db.r.SetMaxIdleConns(2) // database/sql's default
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// Rebind rewrites ? placeholders for the engine, for statements a bulk
// loader runs on its own connection.
func (db *DB) Rebind(q string) string { return db.rebind(q) }

// SettingForSite is the usual setting of a site type (what quick identify
// records for an episode opened there).
func SettingForSite(siteType string) string { return settingForSite(siteType) }

// AuditChain seals audit events as they are written in bulk, continuing the
// chain from its head with the sealer's own canonical encoding and HMAC, so
// `liaise audit verify` checks bulk-loaded events exactly as sealed ones.
// Events must be written with the seq and chain_no it was given, in order.
type AuditChain struct {
	h    *hasher
	row  chainRow
	no   int64
	hash string
}

// NewAuditChain continues the chain after the event (headNo, headHash); use
// ChainHead for an up-to-date head once everything pending is sealed.
func NewAuditChain(key []byte, headNo int64, headHash string) *AuditChain {
	return &AuditChain{h: newHasher(key), no: headNo, hash: headHash}
}

// Next seals ev, to be stored with seq, and returns its chain_no, prev_hash
// and hash. Zero ids stand for NULL, as insertAudit stores them.
func (c *AuditChain) Next(seq int64, ev *liaise.AuditEvent) (chainNo int64, prevHash, hash string) {
	null := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
	r := &c.row
	*r = chainRow{seq: seq, occurredAt: ev.OccurredAt, userID: null(ev.UserID), username: ev.Username, role: ev.Role,
		action: ev.Action, recordType: ev.RecordType, recordID: null(ev.RecordID), teamID: null(ev.TeamID),
		providerID: null(ev.ProviderID), clientIP: ev.ClientIP, requestID: ev.RequestID, detail: ev.Detail,
		subjects: append(r.subjects[:0], ev.Subjects...)}
	slices.Sort(r.subjects)
	r.subjects = slices.Compact(r.subjects) // audit_subjects keeps each id once
	c.no++
	prevHash = c.hash
	c.hash = c.h.sum(r, c.no, prevHash)
	return c.no, prevHash, c.hash
}

// Head is the chain_no and hash of the last event sealed.
func (c *AuditChain) Head() (int64, string) { return c.no, c.hash }
