-- National scale (issue 4). Person search by name and date of birth reads
-- one index range: date of birth first (the selective column), then the
-- name token, covering the person id. Caseloads page through open episodes
-- in queue order straight from partial indexes of open episodes (their
-- predicate is the caseload query's, word for word: see openEpisodeSQL), so
-- a page of 50 reads 50 index entries and sorts nothing, however long the
-- team's history.

DROP INDEX IF EXISTS person_name_tokens_dob;
CREATE INDEX person_name_tokens_dob_token ON person_name_tokens (provider_id, date_of_birth, token, person_id);

CREATE INDEX IF NOT EXISTS episodes_team_open ON episodes (team_id, queue_at, id) WHERE state NOT IN ('closed', 'rejected');
CREATE INDEX episodes_allocated_open ON episodes (allocated_user_id, queue_at, id) WHERE state NOT IN ('closed', 'rejected');
