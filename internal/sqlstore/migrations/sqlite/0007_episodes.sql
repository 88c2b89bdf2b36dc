-- Episodes (issue 3 items 4, 5, 16): one pass of a person through the L&D
-- pathway, and every move between states with when it happened
-- (occurred_at, as staff entered it) and when it was recorded.

CREATE TABLE episodes (
	id                 INTEGER PRIMARY KEY,
	provider_id        INTEGER NOT NULL REFERENCES providers(id),
	person_id          INTEGER NOT NULL REFERENCES people(id),
	team_id            INTEGER NOT NULL REFERENCES teams(id),
	site_id            INTEGER REFERENCES sites(id),
	service_type       TEXT NOT NULL DEFAULT 'ld',
	state              TEXT NOT NULL,
	setting            TEXT NOT NULL DEFAULT '',
	-- When L&D was alerted: the start of every clock.
	alerted_at         TEXT NOT NULL,
	referrer_agency_id INTEGER REFERENCES agencies(id),
	referrer_role      TEXT NOT NULL DEFAULT '',
	custody_record     TEXT NOT NULL DEFAULT '',
	court_reference    TEXT NOT NULL DEFAULT '',
	concerns           TEXT NOT NULL DEFAULT '',
	urgency            TEXT NOT NULL DEFAULT 'routine',
	hearing_date       TEXT,
	allocated_user_id  INTEGER REFERENCES users(id),
	out_of_hours       BOOLEAN NOT NULL DEFAULT FALSE,
	-- alerted_at, or the site's next opening when it arrived out of hours:
	-- the order of the morning queue and of caseloads.
	queue_at           TEXT NOT NULL,
	version            INTEGER NOT NULL DEFAULT 1,
	created_at         TEXT NOT NULL,
	created_by         INTEGER REFERENCES users(id),
	updated_at         TEXT NOT NULL
);
CREATE INDEX episodes_team ON episodes (team_id, state, queue_at, id);
CREATE INDEX episodes_allocated ON episodes (allocated_user_id, state);
CREATE INDEX episodes_person ON episodes (person_id);

CREATE TABLE episode_transitions (
	id          INTEGER PRIMARY KEY,
	episode_id  INTEGER NOT NULL REFERENCES episodes(id),
	from_state  TEXT NOT NULL DEFAULT '',
	to_state    TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	retry_at    TEXT,
	occurred_at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	user_id     INTEGER REFERENCES users(id)
);
CREATE INDEX episode_transitions_episode ON episode_transitions (episode_id, occurred_at);
