package sqlstore

import (
	"context"
	"database/sql"
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
// statement prepared before (prepareAll at Open) but never prepare one.
func (c *stmtCache) lookup(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[q]
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
