-- Consent and disclosure (issue 3 items 8 and 9). Both are append-only:
-- a withdrawal is a new consent row, and a mistaken row is marked
-- entered_in_error with a reason rather than changed or deleted. A
-- disclosure without consent carries its legal basis and waits in the
-- provider's review queue until reviewed once.

CREATE TABLE consents (
	id                  INTEGER PRIMARY KEY,
	provider_id         INTEGER NOT NULL REFERENCES providers(id),
	episode_id          INTEGER NOT NULL REFERENCES episodes(id),
	person_id           INTEGER NOT NULL REFERENCES people(id),
	scope               TEXT NOT NULL,
	decision            TEXT NOT NULL,
	form                TEXT NOT NULL DEFAULT '',
	interpreter_used    BOOLEAN NOT NULL DEFAULT FALSE,
	obtained_by         INTEGER NOT NULL REFERENCES users(id),
	occurred_at         TEXT NOT NULL,
	recorded_at         TEXT NOT NULL,
	expires_at          TEXT,
	court_stage         BOOLEAN NOT NULL DEFAULT FALSE,
	best_interests      BOOLEAN NOT NULL DEFAULT FALSE,
	gillick_competent   BOOLEAN NOT NULL DEFAULT FALSE,
	parental_consent    BOOLEAN NOT NULL DEFAULT FALSE,
	-- Whole years at occurred_at from the date of birth; -1 when not known.
	person_age_at_event INTEGER NOT NULL DEFAULT -1,
	appears_under_18    BOOLEAN NOT NULL DEFAULT FALSE,
	entered_in_error    BOOLEAN NOT NULL DEFAULT FALSE,
	error_reason        TEXT NOT NULL DEFAULT '',
	recorded_by         INTEGER REFERENCES users(id)
);
CREATE INDEX consents_episode ON consents (episode_id, scope, occurred_at, id);

CREATE TABLE disclosures (
	id               INTEGER PRIMARY KEY,
	provider_id      INTEGER NOT NULL REFERENCES providers(id),
	episode_id       INTEGER NOT NULL REFERENCES episodes(id),
	person_id        INTEGER NOT NULL REFERENCES people(id),
	recipient_agency TEXT NOT NULL,
	recipient_role   TEXT NOT NULL,
	purpose          TEXT NOT NULL,
	content          TEXT NOT NULL,
	channel          TEXT NOT NULL,
	occurred_at      TEXT NOT NULL,
	recorded_at      TEXT NOT NULL,
	disclosed_by     INTEGER REFERENCES users(id),
	-- Exactly one of consent_id and legal_basis says why sharing was lawful.
	consent_id       INTEGER REFERENCES consents(id),
	legal_basis      TEXT,
	urgent           BOOLEAN NOT NULL DEFAULT FALSE,
	needs_review     BOOLEAN NOT NULL DEFAULT FALSE,
	-- The next working day after occurred_at (London, bank holidays).
	review_due       TEXT,
	reviewed_by      INTEGER REFERENCES users(id),
	reviewed_at      TEXT,
	outcome          TEXT,
	comment          TEXT
);
CREATE INDEX disclosures_episode ON disclosures (episode_id, occurred_at);
CREATE INDEX disclosures_person ON disclosures (person_id, occurred_at);
CREATE INDEX disclosures_review ON disclosures (provider_id, needs_review, reviewed_at, review_due, id);
