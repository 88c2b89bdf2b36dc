-- Documents for police and court (issue 3 item 10): custody advice notes,
-- court reports and communication profiles. A document has numbered
-- versions; a version's header and sections never change once written
-- (an edit writes the next version), only its approval, issue and
-- withdrawal are stamped on it. Issuing records a disclosure, which points
-- back at the version that was shared.

CREATE TABLE documents (
	id              INTEGER PRIMARY KEY,
	provider_id     INTEGER NOT NULL REFERENCES providers(id),
	episode_id      INTEGER NOT NULL REFERENCES episodes(id),
	person_id       INTEGER NOT NULL REFERENCES people(id),
	kind            TEXT NOT NULL,
	-- The status and number of the latest version, kept here for lists.
	status          TEXT NOT NULL,
	latest_version  INTEGER NOT NULL,
	-- The hearing a court report is for (a task falls due before it).
	hearing_date    TEXT,
	created_by      INTEGER REFERENCES users(id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX documents_episode ON documents (episode_id, id);

CREATE TABLE document_versions (
	id                  INTEGER PRIMARY KEY,
	document_id         INTEGER NOT NULL REFERENCES documents(id),
	number              INTEGER NOT NULL,
	status              TEXT NOT NULL,
	-- JSON: the identifying header (a snapshot of the record) and the sections.
	header              TEXT NOT NULL,
	sections            TEXT NOT NULL,
	written_by          INTEGER REFERENCES users(id),
	written_at          TEXT NOT NULL,
	approved_by         INTEGER REFERENCES users(id),
	approved_at         TEXT,
	identity_method     TEXT,
	issued_by           INTEGER REFERENCES users(id),
	issued_at           TEXT,
	disclosure_id       INTEGER REFERENCES disclosures(id),
	withdrawn_by        INTEGER REFERENCES users(id),
	withdrawn_at        TEXT,
	withdrawal_reason   TEXT,
	UNIQUE (document_id, number)
);

ALTER TABLE disclosures ADD COLUMN document_version_id INTEGER REFERENCES document_versions(id);

-- Existing databases already hold the built-in roles; give the clinical ones
-- the new capability (new databases get it from the role table in Go).
INSERT INTO role_capabilities (role_id, capability)
	SELECT id, 'document.approve' FROM roles WHERE built_in AND code IN ('practitioner', 'senior_practitioner', 'slt', 'team_manager');
