-- Support work (issue 3 item 13): STR and peer-support goals with their
-- outcomes, and "I know this person" declarations (lived-experience
-- conflicts) that stop a worker being given that person's goals.

CREATE TABLE support_goals (
	id                  INTEGER PRIMARY KEY,
	episode_id          INTEGER NOT NULL REFERENCES episodes(id),
	provider_id         INTEGER NOT NULL REFERENCES providers(id),
	team_id             INTEGER NOT NULL REFERENCES teams(id),
	person_id           INTEGER NOT NULL REFERENCES people(id),
	goal_type           TEXT NOT NULL,
	description         TEXT NOT NULL DEFAULT '',
	worker_user_id      INTEGER NOT NULL REFERENCES users(id),
	set_at              TEXT NOT NULL,
	target_date         TEXT,
	status              TEXT NOT NULL DEFAULT 'open',
	outcome_note        TEXT NOT NULL DEFAULT '',
	outcome_at          TEXT,
	outcome_recorded_at TEXT,
	recorded_at         TEXT NOT NULL,
	created_by          INTEGER REFERENCES users(id),
	version             INTEGER NOT NULL DEFAULT 1,
	updated_at          TEXT NOT NULL
);
CREATE INDEX support_goals_episode ON support_goals (episode_id, set_at, id);

CREATE TABLE person_conflicts (
	id           INTEGER PRIMARY KEY,
	person_id    INTEGER NOT NULL REFERENCES people(id),
	provider_id  INTEGER NOT NULL REFERENCES providers(id),
	user_id      INTEGER NOT NULL REFERENCES users(id),
	note         TEXT NOT NULL DEFAULT '',
	declared_at  TEXT NOT NULL,
	withdrawn_at TEXT
);
CREATE INDEX person_conflicts_person ON person_conflicts (person_id, user_id);
