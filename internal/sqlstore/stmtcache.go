package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps prepared statements by their SQL text for one SQLite pool.
// The pure-Go SQLite driver parses and plans every query afresh, which cost
// a sixth of the server's CPU under load (docs/performance.md); a statement
// prepared once is reused on every connection of the pool (database/sql
// prepares it again on a connection that lacks it). PostgreSQL needs none:
// pgx caches prepared statements per connection itself.
type stmtCache struct {
	pool *sql.DB
	max  int

	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// missed holds writer statements run unprepared inside a transaction,
	// to be prepared once the connection is free (learn).
	missed map[string]struct{}
	// unpreparable holds texts that failed to prepare outside their
	// transaction (a temporary table made in it), so they are not retried.
	unpreparable map[string]struct{}
}

// maxCachedStatements bounds the cache: queries built with a varying number
// of placeholders (IN lists) make many texts, and beyond this many they run
// unprepared, as before.
const maxCachedStatements = 2000

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, max: maxCachedStatements, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of q, preparing it on first use; nil
// (and no error) when the cache is full.
func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	if c == nil {
		return nil, nil
	}
	c.mu.RLock()
	s := c.m[q]
	c.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s = c.m[q]; s != nil {
		return s, nil
	}
	if len(c.m) >= c.max {
		return nil, nil
	}
	s, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.m[q] = s
	return s, nil
}

// lookup returns the prepared statement of q if it is already cached. A
// write transaction holds the writer's only connection, so it can use a
// statement prepared before but never prepare one: a miss is noted, and
// learn prepares it after the transaction (a new identification runs about
// fifteen statements, and parsing them each time was most of the single
// writer's work).
func (c *stmtCache) lookup(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[q]
	_, noted := c.missed[q]
	if !noted {
		_, noted = c.unpreparable[q]
	}
	c.mu.RUnlock()
	if st != nil || noted || !learnable(q) {
		return st
	}
	c.mu.Lock()
	if c.missed == nil {
		c.missed = map[string]struct{}{}
	}
	if len(c.m)+len(c.missed) < c.max {
		c.missed[q] = struct{}{}
	}
	c.mu.Unlock()
	return nil
}

// learnable says whether q may be kept prepared: one data statement (a
// prepared text runs only its first statement, and schema changes and
// pragmas run once).
func learnable(q string) bool {
	if strings.Contains(q, ";") {
		return false
	}
	head := strings.ToUpper(strings.TrimSpace(q))
	for _, verb := range []string{"INSERT", "UPDATE", "DELETE", "SELECT", "WITH"} {
		if strings.HasPrefix(head, verb) {
			return true
		}
	}
	return false
}

// learn prepares the statements lookup missed. Call it with no transaction
// held by the caller; it waits for the connection like any other use. A
// statement that fails to prepare is dropped and runs unprepared as before.
func (c *stmtCache) learn(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.RLock()
	n := len(c.missed)
	c.mu.RUnlock()
	if n == 0 {
		return
	}
	// Never hold the lock while preparing: the connection may be in another
	// transaction, whose lookups need the lock to finish.
	c.mu.Lock()
	qs := make([]string, 0, len(c.missed))
	for q := range c.missed {
		qs = append(qs, q)
	}
	clear(c.missed)
	c.mu.Unlock()
	for _, q := range qs {
		st, err := c.pool.PrepareContext(ctx, q)
		c.mu.Lock()
		if err != nil {
			if c.unpreparable == nil {
				c.unpreparable = map[string]struct{}{}
			}
			if len(c.unpreparable) < c.max {
				c.unpreparable[q] = struct{}{}
			}
			c.mu.Unlock()
			continue
		}
		if _, ok := c.m[q]; ok || len(c.m) >= c.max {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

// prepareAll prepares the statements qs while no transaction holds a
// connection (at Open).
func (c *stmtCache) prepareAll(ctx context.Context, qs ...string) error {
	for _, q := range qs {
		if _, err := c.get(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = map[string]*sql.Stmt{}
}
