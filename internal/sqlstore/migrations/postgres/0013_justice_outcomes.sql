-- Justice outcomes (issue 3 items 5 and 11): what the police or a court
-- decided in an episode, whether each L&D recommendation was followed (so
-- diversion out of the justice system and support within it can both be
-- reported), and the next hearing when the person is charged or remanded,
-- which hands the episode over to that court's team. Rows are append-only:
-- a wrong entry is marked entered_in_error with a reason.

CREATE TABLE justice_outcomes (
	id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	episode_id           BIGINT NOT NULL REFERENCES episodes(id),
	provider_id          BIGINT NOT NULL REFERENCES providers(id),
	-- The team that recorded it (the episode's team at the time).
	team_id              BIGINT NOT NULL REFERENCES teams(id),
	person_id            BIGINT NOT NULL REFERENCES people(id),
	stage                TEXT NOT NULL,
	outcome              TEXT NOT NULL,
	-- Space-separated community-order-requirements codes.
	requirements         TEXT NOT NULL DEFAULT '',
	occurred_at          TIMESTAMPTZ NOT NULL,
	recorded_at          TIMESTAMPTZ NOT NULL,
	user_id              BIGINT REFERENCES users(id),
	notes                TEXT NOT NULL DEFAULT '',
	next_hearing_site_id BIGINT REFERENCES sites(id),
	next_hearing_date    DATE,
	handover_team_id     BIGINT REFERENCES teams(id),
	handover_note        TEXT NOT NULL DEFAULT '',
	entered_in_error     BOOLEAN NOT NULL DEFAULT FALSE,
	error_reason         TEXT NOT NULL DEFAULT '',
	error_at             TIMESTAMPTZ,
	error_by             BIGINT REFERENCES users(id)
);
CREATE INDEX justice_outcomes_episode ON justice_outcomes (episode_id, occurred_at, id);
CREATE INDEX justice_outcomes_report ON justice_outcomes (provider_id, stage, outcome, occurred_at);

-- Whether each recommendation was followed, recorded with the outcome.
CREATE TABLE outcome_recommendations (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	outcome_id BIGINT NOT NULL REFERENCES justice_outcomes(id),
	type       TEXT NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	followed   TEXT NOT NULL
);
CREATE INDEX outcome_recommendations_outcome ON outcome_recommendations (outcome_id, id);
