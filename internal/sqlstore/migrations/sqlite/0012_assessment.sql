-- Assessment (issue 3 item 7): assessments with findings per domain (each
-- tagged shareable or health only), scored tools and recommendations;
-- speech and language therapy requests and the communication profiles that
-- answer them. Append-only: a wrong entry is marked entered in error.

CREATE TABLE assessments (
	id                      INTEGER PRIMARY KEY,
	episode_id              INTEGER NOT NULL REFERENCES episodes(id),
	type                    TEXT NOT NULL,
	occurred_at             TEXT NOT NULL,
	recorded_at             TEXT NOT NULL,
	user_id                 INTEGER REFERENCES users(id),
	formulation             TEXT NOT NULL DEFAULT '',
	-- A not-assessed reason when the assessment could not be completed.
	incomplete_reason       TEXT NOT NULL DEFAULT '',
	entered_in_error        BOOLEAN NOT NULL DEFAULT FALSE,
	entered_in_error_reason TEXT NOT NULL DEFAULT '',
	version                 INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assessments_episode ON assessments (episode_id, occurred_at);

CREATE TABLE assessment_findings (
	assessment_id INTEGER NOT NULL REFERENCES assessments(id),
	domain        TEXT NOT NULL,
	text          TEXT NOT NULL,
	sharing       TEXT NOT NULL DEFAULT 'health_only',
	PRIMARY KEY (assessment_id, domain)
);

CREATE TABLE assessment_tools (
	assessment_id INTEGER NOT NULL REFERENCES assessments(id),
	position      INTEGER NOT NULL,
	tool          TEXT NOT NULL,
	tool_version  TEXT NOT NULL DEFAULT '',
	score         TEXT NOT NULL,
	PRIMARY KEY (assessment_id, position)
);

CREATE TABLE assessment_recommendations (
	assessment_id INTEGER NOT NULL REFERENCES assessments(id),
	type          TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (assessment_id, type)
);

CREATE TABLE slt_requests (
	id           INTEGER PRIMARY KEY,
	episode_id   INTEGER NOT NULL REFERENCES episodes(id),
	reason       TEXT NOT NULL,
	urgency      TEXT NOT NULL,
	requested_by INTEGER REFERENCES users(id),
	requested_at TEXT NOT NULL,
	status       TEXT NOT NULL DEFAULT 'open',
	updated_at   TEXT NOT NULL,
	version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX slt_requests_status ON slt_requests (status, requested_at);
CREATE INDEX slt_requests_episode ON slt_requests (episode_id);

CREATE TABLE communication_profiles (
	id                  INTEGER PRIMARY KEY,
	request_id          INTEGER NOT NULL UNIQUE REFERENCES slt_requests(id),
	occurred_at         TEXT NOT NULL,
	recorded_at         TEXT NOT NULL,
	user_id             INTEGER REFERENCES users(id),
	adapted_questioning TEXT NOT NULL,
	intermediary_needed TEXT NOT NULL,
	strengths           TEXT NOT NULL DEFAULT '',
	difficulties        TEXT NOT NULL DEFAULT '',
	recommendations     TEXT NOT NULL DEFAULT ''
);
