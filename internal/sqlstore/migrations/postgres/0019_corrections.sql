-- Corrections never erase (issue 3). Every part of an episode's record that
-- can be marked entered in error keeps who marked it and when, beside the
-- reason: screenings and assessments get the same column names as contacts
-- and outcomes, consents and communication profiles get what they lacked (a
-- profile also names its episode, so one routine marks them all). An SLT
-- request can be cancelled with a reason, and an "I know this person"
-- declaration withdrawn with who and why; both stay in the record.
--
-- A transition made by a screening or an assessment names it (source_type,
-- source_id), so marking that entry in error takes the transition out of the
-- clocks: the transition stays, flagged entered_in_error.

ALTER TABLE screenings RENAME COLUMN entered_in_error_reason TO error_reason;
ALTER TABLE screenings ADD COLUMN error_at TIMESTAMPTZ;
ALTER TABLE screenings ADD COLUMN error_by BIGINT REFERENCES users(id);

ALTER TABLE assessments RENAME COLUMN entered_in_error_reason TO error_reason;
ALTER TABLE assessments ADD COLUMN error_at TIMESTAMPTZ;
ALTER TABLE assessments ADD COLUMN error_by BIGINT REFERENCES users(id);

ALTER TABLE consents ADD COLUMN error_at TIMESTAMPTZ;
ALTER TABLE consents ADD COLUMN error_by BIGINT REFERENCES users(id);

ALTER TABLE communication_profiles ADD COLUMN episode_id BIGINT REFERENCES episodes(id);
UPDATE communication_profiles SET episode_id = (SELECT r.episode_id FROM slt_requests r WHERE r.id = communication_profiles.request_id);
ALTER TABLE communication_profiles ADD COLUMN entered_in_error BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE communication_profiles ADD COLUMN error_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE communication_profiles ADD COLUMN error_at TIMESTAMPTZ;
ALTER TABLE communication_profiles ADD COLUMN error_by BIGINT REFERENCES users(id);
CREATE INDEX communication_profiles_episode ON communication_profiles (episode_id);

ALTER TABLE slt_requests ADD COLUMN cancelled_at TIMESTAMPTZ;
ALTER TABLE slt_requests ADD COLUMN cancelled_by BIGINT REFERENCES users(id);
ALTER TABLE slt_requests ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE person_conflicts ADD COLUMN withdrawn_by BIGINT REFERENCES users(id);
ALTER TABLE person_conflicts ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE episode_transitions ADD COLUMN source_type TEXT NOT NULL DEFAULT '';
ALTER TABLE episode_transitions ADD COLUMN source_id BIGINT;
ALTER TABLE episode_transitions ADD COLUMN entered_in_error BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX episode_transitions_source ON episode_transitions (source_type, source_id);

-- Transitions made before this migration: a screening or assessment and the
-- move it made were written in one transaction, so they share recorded_at.
UPDATE episode_transitions SET source_type = 'screening', source_id = (SELECT MIN(s.id) FROM screenings s
	WHERE s.episode_id = episode_transitions.episode_id AND s.recorded_at = episode_transitions.recorded_at
	AND s.occurred_at = episode_transitions.occurred_at AND s.incomplete_reason = '')
WHERE to_state = 'screened' AND EXISTS (SELECT 1 FROM screenings s
	WHERE s.episode_id = episode_transitions.episode_id AND s.recorded_at = episode_transitions.recorded_at
	AND s.occurred_at = episode_transitions.occurred_at AND s.incomplete_reason = '');
UPDATE episode_transitions SET source_type = 'assessment', source_id = (SELECT MIN(x.id) FROM assessments x
	WHERE x.episode_id = episode_transitions.episode_id AND x.recorded_at = episode_transitions.recorded_at
	AND x.occurred_at = episode_transitions.occurred_at AND x.incomplete_reason = '')
WHERE to_state = 'assessed' AND EXISTS (SELECT 1 FROM assessments x
	WHERE x.episode_id = episode_transitions.episode_id AND x.recorded_at = episode_transitions.recorded_at
	AND x.occurred_at = episode_transitions.occurred_at AND x.incomplete_reason = '');
