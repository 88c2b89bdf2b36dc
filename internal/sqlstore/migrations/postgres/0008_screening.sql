-- Screening (issue 3 item 6): minimum and full screens, each with the
-- version of the question set it answered, and the checklist answers per
-- vulnerability. Append-only: a wrong entry is marked entered in error.

CREATE TABLE screenings (
	id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	episode_id              BIGINT NOT NULL REFERENCES episodes(id),
	kind                    TEXT NOT NULL,
	question_set_version    TEXT NOT NULL,
	occurred_at             TIMESTAMPTZ NOT NULL,
	recorded_at             TIMESTAMPTZ NOT NULL,
	user_id                 BIGINT REFERENCES users(id),
	mode                    TEXT NOT NULL DEFAULT '',
	-- Where each party was, for a telephone or video screen.
	remote_details          TEXT NOT NULL DEFAULT '',
	others_present          TEXT NOT NULL DEFAULT '',
	interpreter_used        BOOLEAN NOT NULL DEFAULT FALSE,
	interpreter_language    TEXT NOT NULL DEFAULT '',
	risk_in_custody         TEXT NOT NULL DEFAULT '',
	advice_to_custody       TEXT NOT NULL DEFAULT '',
	assessment_needed       TEXT NOT NULL DEFAULT '',
	risk_to_self            TEXT NOT NULL DEFAULT '',
	risk_to_self_notes      TEXT NOT NULL DEFAULT '',
	risk_to_others          TEXT NOT NULL DEFAULT '',
	risk_to_others_notes    TEXT NOT NULL DEFAULT '',
	risk_from_others        TEXT NOT NULL DEFAULT '',
	risk_from_others_notes  TEXT NOT NULL DEFAULT '',
	safeguarding            TEXT NOT NULL DEFAULT '',
	safeguarding_notes      TEXT NOT NULL DEFAULT '',
	urgency                 TEXT NOT NULL DEFAULT '',
	-- A not-screened reason when the screen could not be completed.
	incomplete_reason       TEXT NOT NULL DEFAULT '',
	entered_in_error        BOOLEAN NOT NULL DEFAULT FALSE,
	entered_in_error_reason TEXT NOT NULL DEFAULT '',
	version                 INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX screenings_episode ON screenings (episode_id, occurred_at);

CREATE TABLE screening_answers (
	screening_id       BIGINT NOT NULL REFERENCES screenings(id),
	vulnerability_code TEXT NOT NULL,
	answer             TEXT NOT NULL,
	notes              TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (screening_id, vulnerability_code)
);
