-- Children and young people (issue 3 item 17).
--
-- Both tables are append-only: the latest appropriate adult row for an
-- episode is the one that counts, and a referral is corrected by a new one.
-- Neither blocks screening: they are recorded beside it.

CREATE TABLE appropriate_adults (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id   BIGINT NOT NULL REFERENCES providers(id),
	episode_id    BIGINT NOT NULL REFERENCES episodes(id),
	person_id     BIGINT NOT NULL REFERENCES people(id),
	present       BOOLEAN NOT NULL,
	-- When present: who (relationship code) and their name.
	relationship  TEXT NOT NULL DEFAULT '',
	name          TEXT NOT NULL DEFAULT '',
	-- When not present: why not, with text for "other".
	absent_reason TEXT NOT NULL DEFAULT '',
	absent_detail TEXT NOT NULL DEFAULT '',
	occurred_at   TIMESTAMPTZ NOT NULL,
	recorded_at   TIMESTAMPTZ NOT NULL,
	recorded_by   BIGINT REFERENCES users(id)
);
CREATE INDEX appropriate_adults_episode ON appropriate_adults (episode_id, occurred_at, id);

CREATE TABLE safeguarding_referrals (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id BIGINT NOT NULL REFERENCES providers(id),
	episode_id  BIGINT NOT NULL REFERENCES episodes(id),
	person_id   BIGINT NOT NULL REFERENCES people(id),
	referred_to TEXT NOT NULL,
	reference   TEXT NOT NULL,
	concern     TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL DEFAULT '',
	occurred_at TIMESTAMPTZ NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL,
	recorded_by BIGINT REFERENCES users(id)
);
CREATE INDEX safeguarding_referrals_episode ON safeguarding_referrals (episode_id, occurred_at, id);
