-- Case notes and tasks (issue 3 items 14, 15).
--
-- Case notes are append-only: a correction is a new note that amends the
-- original (which stays, linked), and a note written in error is marked in
-- case_note_errors with a reason, never changed or deleted. A trigger refuses
-- any UPDATE of case_notes, so no later code can edit a note by mistake.

CREATE TABLE case_notes (
	id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	episode_id         BIGINT NOT NULL REFERENCES episodes(id),
	occurred_at        TIMESTAMPTZ NOT NULL,
	recorded_at        TIMESTAMPTZ NOT NULL,
	user_id            BIGINT REFERENCES users(id),
	text               TEXT NOT NULL,
	-- Visible only to members of the episode's team; a break-glass reader
	-- sees that a note exists, not its text.
	restricted_to_team BOOLEAN NOT NULL DEFAULT FALSE,
	-- The note this one corrects; unique, so amendments form one line.
	amends_note_id     BIGINT REFERENCES case_notes(id)
);
CREATE INDEX case_notes_episode ON case_notes (episode_id, recorded_at, id);
CREATE UNIQUE INDEX case_notes_amends ON case_notes (amends_note_id);

CREATE FUNCTION case_notes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'case notes are append-only';
END
$$;
CREATE TRIGGER case_notes_append_only BEFORE UPDATE ON case_notes
	FOR EACH ROW EXECUTE FUNCTION case_notes_append_only();

CREATE TABLE case_note_errors (
	note_id     BIGINT PRIMARY KEY REFERENCES case_notes(id),
	reason      TEXT NOT NULL,
	user_id     BIGINT REFERENCES users(id),
	recorded_at TIMESTAMPTZ NOT NULL
);

-- Tasks and reminders: manual or created by a rule (kind), due at a time or
-- by the end of a day (due_all_day: due_at is then the last moment of that
-- day in Europe/London), open until completed.
CREATE TABLE tasks (
	id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id      BIGINT NOT NULL REFERENCES providers(id),
	team_id          BIGINT NOT NULL REFERENCES teams(id),
	episode_id       BIGINT NOT NULL REFERENCES episodes(id),
	kind             TEXT NOT NULL DEFAULT 'manual',
	title            TEXT NOT NULL,
	due_at           TIMESTAMPTZ NOT NULL,
	due_all_day      BOOLEAN NOT NULL DEFAULT FALSE,
	assignee_user_id BIGINT REFERENCES users(id),
	-- What an automatic task was made for (e.g. 'referral', its id), so the
	-- rule that made it can find it again.
	source_type      TEXT NOT NULL DEFAULT '',
	source_id        BIGINT,
	created_at       TIMESTAMPTZ NOT NULL,
	created_by       BIGINT REFERENCES users(id),
	completed_at     TIMESTAMPTZ,
	completed_by     BIGINT REFERENCES users(id),
	version          INTEGER NOT NULL DEFAULT 1,
	updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX tasks_episode ON tasks (episode_id, due_at, id);
CREATE INDEX tasks_open_assignee ON tasks (assignee_user_id, due_at, id) WHERE completed_at IS NULL;
