package sqlstore

import "context"

// loadCodes loads the code lists shipped in internal/codes into the database.
func (db *DB) loadCodes(ctx context.Context) error { return nil }
