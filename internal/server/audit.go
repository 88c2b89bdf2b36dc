package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// The audit area: the sealer that chains audit events in the background
// (docs/adr/0002-audit-chain.md) and the auditor's search, as a page
// (ui_audit.go) and an API (api_audit.go).

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/audit", Cap: liaise.CapAuditSearch, Personal: true, Handler: s.auditPage},
		{Method: "GET", Pattern: "/api/v1/audit/events", Cap: liaise.CapAuditSearch, Personal: true, Handler: s.apiAuditEvents,
			Summary:  "Search the audit trail, newest first (your provider's events; the search is itself audited)",
			Query:    auditQueryParams,
			Response: auditEventsResponse{}},
	}
}

// Sealer timing: seal often so the chain trails the writes by seconds; the
// lease outlives several missed rounds, so a brief stall does not hand the
// job to another instance, yet a dead holder is replaced within half a minute.
const (
	sealEvery       = 2 * time.Second
	sealLeaseTTL    = 30 * time.Second
	sealMaxPerRound = 50 * sqlstore.DefaultSealBatch
	checkpointEvery = time.Hour
)

func (s *Server) auditJobs() []func(context.Context) {
	return []func(context.Context){s.auditSealer}
}

// auditSealer seals audit events every couple of seconds while this instance
// holds the audit-sealer lease, and writes (and logs) a checkpoint of the
// chain's head each hour. It returns when ctx ends, releasing the lease so
// another instance takes over at once.
func (s *Server) auditSealer(ctx context.Context) {
	sealer := &sealerState{s: s, holder: leaseHolderName()}
	defer sealer.release()
	t := time.NewTicker(sealEvery)
	defer t.Stop()
	for {
		sealer.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type sealerState struct {
	s      *Server
	holder string
	key    []byte
	held   bool
}

func (st *sealerState) round(ctx context.Context) {
	s := st.s
	if st.key == nil {
		k, _, err := s.DB.EnsureAuditKey(ctx, s.Cfg.AuditKey)
		if err != nil {
			s.logJobError(ctx, "audit key", err)
			return
		}
		st.key = []byte(k)
	}
	ok, err := s.DB.TryLease(ctx, sqlstore.AuditSealerLease, st.holder, sealLeaseTTL)
	if err != nil {
		s.logJobError(ctx, "audit sealer lease", err)
		return
	}
	if ok != st.held {
		if ok {
			s.Log.Info("audit sealer: this instance now seals the audit chain", "holder", st.holder)
		} else {
			s.Log.Warn("audit sealer: lease lost to another instance", "holder", st.holder)
		}
		st.held = ok
	}
	if !ok {
		return
	}
	if _, err := s.DB.SealUpTo(ctx, st.key, sqlstore.DefaultSealBatch, sealMaxPerRound); err != nil {
		s.logJobError(ctx, "audit sealing", err)
		return
	}
	// One indexed read a round; a write only when the hour is up.
	cp, written, err := s.DB.CheckpointIfDue(ctx, checkpointEvery)
	if err != nil {
		s.logJobError(ctx, "audit checkpoint", err)
		return
	}
	if written {
		// The head's hash in the log, outside the database, is what
		// exposes a truncated tail. No personal data.
		s.Log.Info("audit checkpoint", "chain_no", cp.ChainNo, "hash", cp.Hash, "at", cp.At.String())
	}
}

func (st *sealerState) release() {
	if !st.held {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := st.s.DB.ReleaseLease(ctx, sqlstore.AuditSealerLease, st.holder); err != nil {
		st.s.Log.Warn("audit sealer: could not release the lease; it expires by itself", "err", err)
	}
}

func (s *Server) logJobError(ctx context.Context, job string, err error) {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return // shutting down
	}
	s.Log.Error(job+" failed", "err", err)
}

// leaseHolderName names this process among the instances of the service.
func leaseHolderName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// auditQueryParams are the filters of the audit search, shared by the page
// and the API.
var auditQueryParams = []QueryParam{
	{Name: "username", Description: "Events by this username (also finds failed sign-ins with it)."},
	{Name: "user_id", Description: "Events by this user id."},
	{Name: "record_type", Description: "Events about this kind of record, for example person, episode, user, team."},
	{Name: "record_id", Description: "Events about the record with this id (give record_type too)."},
	{Name: "subject_id", Description: "Lists and searches that showed this record id (a person seen in a list)."},
	{Name: "from", Description: "From this day (YYYY-MM-DD, Europe/London), inclusive."},
	{Name: "to", Description: "Up to this day (YYYY-MM-DD, Europe/London), inclusive."},
	{Name: "cursor", Description: "next_cursor of the previous page."},
	{Name: "limit", Description: "Page size, 1 to 500 (default 50)."},
}

// auditQueryFrom reads the search filters from query parameters, with an
// error per field named after the parameter.
func auditQueryFrom(v url.Values) (sqlstore.AuditQuery, error) {
	var q sqlstore.AuditQuery
	var val liaise.Validation
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	id := func(k, what string) int64 {
		s := get(k)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			val.Add(k, "Enter the "+what+" as a whole number, like 42")
			return 0
		}
		return n
	}
	date := func(k, what string) liaise.Date {
		s := get(k)
		if s == "" {
			return liaise.Date{}
		}
		for _, layout := range []string{"2006-01-02", "2/1/2006"} {
			if t, err := time.Parse(layout, s); err == nil {
				return liaise.DateOf(t)
			}
		}
		val.Add(k, "Enter the "+what+" as a real date, like 23/11/2026")
		return liaise.Date{}
	}
	q.Username = get("username")
	q.UserID = id("user_id", "user id")
	q.RecordType = get("record_type")
	q.RecordID = id("record_id", "record id")
	q.SubjectID = id("subject_id", "record id")
	q.From = date("from", "start date")
	q.To = date("to", "end date")
	q.Cursor = get("cursor")
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > sqlstore.MaxAuditLimit {
			val.Add("limit", fmt.Sprintf("Enter a page size from 1 to %d", sqlstore.MaxAuditLimit))
		}
		q.Limit = n
	}
	return q, val.Err()
}
