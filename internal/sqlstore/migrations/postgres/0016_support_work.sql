-- Support work (issue 3 item 13): STR and peer-support goals with their
-- outcomes, and "I know this person" declarations (lived-experience
-- conflicts) that stop a worker being given that person's goals.

CREATE TABLE support_goals (
	id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	episode_id          BIGINT NOT NULL REFERENCES episodes(id),
	provider_id         BIGINT NOT NULL REFERENCES providers(id),
	team_id             BIGINT NOT NULL REFERENCES teams(id),
	person_id           BIGINT NOT NULL REFERENCES people(id),
	goal_type           TEXT NOT NULL,
	description         TEXT NOT NULL DEFAULT '',
	worker_user_id      BIGINT NOT NULL REFERENCES users(id),
	set_at              TIMESTAMPTZ NOT NULL,
	target_date         DATE,
	status              TEXT NOT NULL DEFAULT 'open',
	outcome_note        TEXT NOT NULL DEFAULT '',
	outcome_at          TIMESTAMPTZ,
	outcome_recorded_at TIMESTAMPTZ,
	recorded_at         TIMESTAMPTZ NOT NULL,
	created_by          BIGINT REFERENCES users(id),
	version             INTEGER NOT NULL DEFAULT 1,
	updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_goals_episode ON support_goals (episode_id, set_at, id);

CREATE TABLE person_conflicts (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	person_id    BIGINT NOT NULL REFERENCES people(id),
	provider_id  BIGINT NOT NULL REFERENCES providers(id),
	user_id      BIGINT NOT NULL REFERENCES users(id),
	note         TEXT NOT NULL DEFAULT '',
	declared_at  TIMESTAMPTZ NOT NULL,
	withdrawn_at TIMESTAMPTZ
);
CREATE INDEX person_conflicts_person ON person_conflicts (person_id, user_id);
