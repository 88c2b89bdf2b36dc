-- People and their identity (issue 3). Episodes reference people(id) later.
-- Names are folded in Go and searched through person_name_tokens by prefix
-- range, the same on both engines (DESIGN.md §10).

CREATE TABLE people (
	id                     INTEGER PRIMARY KEY,
	provider_id            INTEGER NOT NULL REFERENCES providers(id),
	team_id                INTEGER NOT NULL REFERENCES teams(id),
	identity_status        TEXT NOT NULL,
	date_of_birth          TEXT,
	dob_unknown            BOOLEAN NOT NULL DEFAULT FALSE,
	estimated_age          INTEGER NOT NULL DEFAULT 0,
	stated_gender          TEXT NOT NULL DEFAULT '',
	gender_identity        TEXT NOT NULL DEFAULT '',
	ethnic_category        TEXT NOT NULL DEFAULT '',
	preferred_language     TEXT NOT NULL DEFAULT '',
	interpreter_needed     BOOLEAN NOT NULL DEFAULT FALSE,
	communication_needs    TEXT NOT NULL DEFAULT '',
	reasonable_adjustments TEXT NOT NULL DEFAULT '',
	address                TEXT NOT NULL DEFAULT '',
	postcode               TEXT NOT NULL DEFAULT '',
	no_fixed_abode         BOOLEAN NOT NULL DEFAULT FALSE,
	gp_practice_ods        TEXT NOT NULL DEFAULT '',
	ex_armed_forces        TEXT NOT NULL DEFAULT 'unknown',
	care_leaver            TEXT NOT NULL DEFAULT 'unknown',
	ld_status              TEXT NOT NULL DEFAULT '',
	autism_status          TEXT NOT NULL DEFAULT '',
	looked_after           BOOLEAN NOT NULL DEFAULT FALSE,
	child_protection       BOOLEAN NOT NULL DEFAULT FALSE,
	social_worker          TEXT NOT NULL DEFAULT '',
	youth_justice_worker   TEXT NOT NULL DEFAULT '',
	school                 TEXT NOT NULL DEFAULT '',
	restricted             BOOLEAN NOT NULL DEFAULT FALSE,
	-- Folded first name, for ordering search results (keyset).
	sort_family            TEXT NOT NULL DEFAULT '',
	sort_given             TEXT NOT NULL DEFAULT '',
	version                INTEGER NOT NULL DEFAULT 1,
	created_at             TEXT NOT NULL,
	created_by             INTEGER REFERENCES users(id),
	updated_at             TEXT NOT NULL
);
CREATE INDEX people_dob ON people (provider_id, date_of_birth);
CREATE INDEX people_sort ON people (provider_id, sort_family, sort_given, id);
CREATE INDEX people_team ON people (team_id, sort_family, sort_given, id);

CREATE TABLE person_names (
	id            INTEGER PRIMARY KEY,
	person_id     INTEGER NOT NULL REFERENCES people(id),
	position      INTEGER NOT NULL,
	type          TEXT NOT NULL,
	given         TEXT NOT NULL DEFAULT '',
	family        TEXT NOT NULL DEFAULT '',
	folded_given  TEXT NOT NULL DEFAULT '',
	folded_family TEXT NOT NULL DEFAULT ''
);
CREATE INDEX person_names_person ON person_names (person_id);

CREATE TABLE person_name_tokens (
	person_id     INTEGER NOT NULL REFERENCES people(id),
	token         TEXT NOT NULL,
	provider_id   INTEGER NOT NULL,
	date_of_birth TEXT,
	PRIMARY KEY (person_id, token)
);
CREATE INDEX person_name_tokens_search ON person_name_tokens (provider_id, token, person_id);
CREATE INDEX person_name_tokens_dob ON person_name_tokens (provider_id, date_of_birth);

CREATE TABLE person_identifiers (
	id               INTEGER PRIMARY KEY,
	person_id        INTEGER NOT NULL REFERENCES people(id),
	provider_id      INTEGER NOT NULL,
	type             TEXT NOT NULL,
	value            TEXT NOT NULL,
	nhs_verification TEXT NOT NULL DEFAULT ''
);
CREATE INDEX person_identifiers_value ON person_identifiers (provider_id, type, value);
CREATE INDEX person_identifiers_person ON person_identifiers (person_id);

CREATE TABLE responsible_adults (
	id                      INTEGER PRIMARY KEY,
	person_id               INTEGER NOT NULL REFERENCES people(id),
	name                    TEXT NOT NULL,
	relationship            TEXT NOT NULL,
	parental_responsibility BOOLEAN NOT NULL DEFAULT FALSE,
	phone                   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX responsible_adults_person ON responsible_adults (person_id);

-- "Not the same person", stored both ways so either side finds it.
CREATE TABLE person_not_duplicates (
	person_id       INTEGER NOT NULL REFERENCES people(id),
	other_person_id INTEGER NOT NULL REFERENCES people(id),
	recorded_by     INTEGER REFERENCES users(id),
	recorded_at     TEXT NOT NULL,
	reason          TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (person_id, other_person_id)
);

-- Staff who may see a restricted person.
CREATE TABLE person_named_staff (
	person_id INTEGER NOT NULL REFERENCES people(id),
	user_id   INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (person_id, user_id)
);

-- The person's own history, for the timeline (never field values).
CREATE TABLE person_events (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL REFERENCES people(id),
	occurred_at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	user_id     INTEGER REFERENCES users(id),
	kind        TEXT NOT NULL,
	summary     TEXT NOT NULL
);
CREATE INDEX person_events_person ON person_events (person_id, occurred_at);

-- Break-glass openings for the Caldicott Guardian to review.
CREATE TABLE break_glass_reviews (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	person_id   INTEGER NOT NULL REFERENCES people(id),
	provider_id INTEGER NOT NULL,
	reason      TEXT NOT NULL,
	at          TEXT NOT NULL,
	reviewed_by INTEGER REFERENCES users(id),
	reviewed_at TEXT
);
CREATE INDEX break_glass_reviews_open ON break_glass_reviews (provider_id, at) WHERE reviewed_at IS NULL;

-- A break-glass opening lasts an hour, so a page can be used without
-- repeating the reason at every click.
CREATE TABLE break_glass_grants (
	user_id    INTEGER NOT NULL REFERENCES users(id),
	person_id  INTEGER NOT NULL REFERENCES people(id),
	reason     TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	PRIMARY KEY (user_id, person_id)
);
