-- The person's timeline (issue 3 item 3) reads each source newest first by
-- when it happened (occurred_at), per episode. These sources had no index
-- that serves that order: case notes were indexed by recorded_at, consents
-- by scope first, and SLT requests by episode only.

CREATE INDEX case_notes_timeline ON case_notes (episode_id, occurred_at, id);
CREATE INDEX consents_timeline ON consents (episode_id, occurred_at, id);
CREATE INDEX slt_requests_timeline ON slt_requests (episode_id, requested_at, id);
