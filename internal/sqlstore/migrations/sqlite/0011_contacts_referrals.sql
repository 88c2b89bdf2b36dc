-- Contacts and onward referrals (issue 3 items 12 and 13).
--
-- contacts holds direct contacts with the person (MHSDS MHS201, attendees
-- MHS203) and indirect activities without them (MHS204) in one table, told
-- apart by kind, so the episode shows one record of the work done. Rows are
-- append-only: a wrong entry is marked entered_in_error with a reason.

CREATE TABLE contacts (
	id                      INTEGER PRIMARY KEY,
	episode_id              INTEGER NOT NULL REFERENCES episodes(id),
	provider_id             INTEGER NOT NULL REFERENCES providers(id),
	team_id                 INTEGER NOT NULL REFERENCES teams(id),
	person_id               INTEGER NOT NULL REFERENCES people(id),
	kind                    TEXT NOT NULL,
	occurred_at             TEXT NOT NULL,
	recorded_at             TEXT NOT NULL,
	user_id                 INTEGER REFERENCES users(id),
	duration_minutes        INTEGER NOT NULL,
	consultation_mechanism  TEXT NOT NULL DEFAULT '',
	activity_location_type  TEXT NOT NULL DEFAULT '',
	attended_or_dna         TEXT NOT NULL DEFAULT '',
	-- Space-separated codes of who else attended.
	others_present          TEXT NOT NULL DEFAULT '',
	reasonable_adjustment   TEXT NOT NULL DEFAULT '',
	planned                 BOOLEAN NOT NULL DEFAULT FALSE,
	counterpart_agency_type TEXT NOT NULL DEFAULT '',
	counterpart_role        TEXT NOT NULL DEFAULT '',
	summary                 TEXT NOT NULL DEFAULT '',
	entered_in_error        BOOLEAN NOT NULL DEFAULT FALSE,
	error_reason            TEXT NOT NULL DEFAULT '',
	error_at                TEXT,
	error_by                INTEGER REFERENCES users(id)
);
CREATE INDEX contacts_episode ON contacts (episode_id, occurred_at, id);
CREATE INDEX contacts_person ON contacts (person_id, occurred_at);

-- Onward referrals (MHSDS MHS105): one state machine (liaise.ReferralTransitions).
CREATE TABLE onward_referrals (
	id                             INTEGER PRIMARY KEY,
	episode_id                     INTEGER NOT NULL REFERENCES episodes(id),
	provider_id                    INTEGER NOT NULL REFERENCES providers(id),
	team_id                        INTEGER NOT NULL REFERENCES teams(id),
	person_id                      INTEGER NOT NULL REFERENCES people(id),
	need                           TEXT NOT NULL,
	service                        TEXT NOT NULL,
	method                         TEXT NOT NULL,
	state                          TEXT NOT NULL,
	decided_at                     TEXT NOT NULL,
	sent_at                        TEXT,
	first_appointment_at           TEXT,
	attended_at                    TEXT,
	supported_to_first_appointment BOOLEAN NOT NULL DEFAULT FALSE,
	version                        INTEGER NOT NULL DEFAULT 1,
	created_at                     TEXT NOT NULL,
	created_by                     INTEGER REFERENCES users(id),
	updated_at                     TEXT NOT NULL
);
CREATE INDEX onward_referrals_episode ON onward_referrals (episode_id, id);
CREATE INDEX onward_referrals_state ON onward_referrals (provider_id, state, sent_at);

CREATE TABLE onward_referral_transitions (
	id          INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES onward_referrals(id),
	from_state  TEXT NOT NULL DEFAULT '',
	to_state    TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	occurred_at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	user_id     INTEGER REFERENCES users(id)
);
CREATE INDEX onward_referral_transitions_referral ON onward_referral_transitions (referral_id, occurred_at);
