package sqlstore

// SetVerifyWindow makes Verify read the chain in windows of n chain
// numbers, so tests cross window boundaries with a few events.
func (db *DB) SetVerifyWindow(n int64) { db.verifyWindow = n }

// OpenEpisodeSQL is the open-episode predicate of the caseload queries.
const OpenEpisodeSQL = openEpisodeSQL

// BoardStatesSQL is the board's state predicate; BoardWaitingStates the
// states it calls waiting.
const BoardStatesSQL = boardStatesSQL

var BoardWaitingStates = boardWaitingStates
