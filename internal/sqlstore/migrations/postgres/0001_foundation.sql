-- Organisation model, staff, roles and the audit trail.
-- Times are timestamptz (liaise.Time); dates are date (liaise.Date).

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE providers (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       TEXT NOT NULL,
	ods_code   TEXT NOT NULL UNIQUE,
	version    BIGINT NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE services (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id BIGINT NOT NULL REFERENCES providers(id),
	name        TEXT NOT NULL,
	type        TEXT NOT NULL CHECK (type IN ('ld', 'reconnect')),
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (provider_id, name)
);

CREATE TABLE contracts (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id  BIGINT NOT NULL REFERENCES providers(id),
	commissioner TEXT NOT NULL,
	region       TEXT NOT NULL,
	start_date   DATE NOT NULL,
	end_date     DATE NOT NULL,
	version      INTEGER NOT NULL DEFAULT 1,
	created_at   TIMESTAMPTZ NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	CHECK (end_date >= start_date)
);

CREATE TABLE contract_services (
	contract_id BIGINT NOT NULL REFERENCES contracts(id),
	service_id  BIGINT NOT NULL REFERENCES services(id),
	PRIMARY KEY (contract_id, service_id)
);

CREATE TABLE teams (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id BIGINT NOT NULL REFERENCES providers(id),
	service_id  BIGINT NOT NULL REFERENCES services(id),
	name        TEXT NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (provider_id, name)
);

CREATE TABLE sites (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id  BIGINT NOT NULL REFERENCES providers(id),
	team_id      BIGINT REFERENCES teams(id),
	name         TEXT NOT NULL,
	type         TEXT NOT NULL,
	act_loc_type TEXT NOT NULL,
	hours        TEXT NOT NULL DEFAULT '24/7',
	version      INTEGER NOT NULL DEFAULT 1,
	created_at   TIMESTAMPTZ NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	UNIQUE (provider_id, name)
);

CREATE TABLE hubs (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id BIGINT NOT NULL REFERENCES providers(id),
	name        TEXT NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (provider_id, name)
);

CREATE TABLE hub_sites (
	hub_id  BIGINT NOT NULL REFERENCES hubs(id),
	site_id BIGINT NOT NULL REFERENCES sites(id),
	PRIMARY KEY (hub_id, site_id)
);

CREATE TABLE partners (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id BIGINT NOT NULL REFERENCES providers(id),
	name        TEXT NOT NULL,
	ods_code    TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (provider_id, name)
);

CREATE TABLE agencies (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id BIGINT NOT NULL REFERENCES providers(id),
	name        TEXT NOT NULL,
	type        TEXT NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (provider_id, name)
);

CREATE TABLE roles (
	id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code     TEXT NOT NULL UNIQUE,
	name     TEXT NOT NULL,
	built_in BOOLEAN NOT NULL DEFAULT FALSE,
	version  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE role_capabilities (
	role_id    BIGINT NOT NULL REFERENCES roles(id),
	capability TEXT NOT NULL,
	PRIMARY KEY (role_id, capability)
);

CREATE TABLE users (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id     BIGINT NOT NULL REFERENCES providers(id),
	username        TEXT NOT NULL UNIQUE,
	display_name    TEXT NOT NULL,
	email           TEXT NOT NULL DEFAULT '',
	role_id         BIGINT NOT NULL REFERENCES roles(id),
	partner_id      BIGINT REFERENCES partners(id),
	password_hash   TEXT NOT NULL DEFAULT '',
	disabled        BOOLEAN NOT NULL DEFAULT FALSE,
	demo            BOOLEAN NOT NULL DEFAULT FALSE,
	service_account BOOLEAN NOT NULL DEFAULT FALSE,
	version         INTEGER NOT NULL DEFAULT 1,
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
	user_id BIGINT NOT NULL REFERENCES users(id),
	team_id BIGINT NOT NULL REFERENCES teams(id),
	PRIMARY KEY (user_id, team_id)
);
CREATE INDEX memberships_team ON memberships (team_id);

-- Sessions are ours, stored with a hash of the token only (DESIGN.md §10).
CREATE TABLE sessions (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	user_id      BIGINT NOT NULL REFERENCES users(id),
	created_at   TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ NOT NULL,
	client_ip    TEXT NOT NULL DEFAULT '',
	revoked_at   TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Personal API tokens and service-account tokens; shown once, stored hashed.
CREATE TABLE api_tokens (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users(id),
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	prefix       TEXT NOT NULL,
	scopes       TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMPTZ NOT NULL,
	created_by   BIGINT REFERENCES users(id),
	expires_at   TIMESTAMPTZ,
	last_used_at TIMESTAMPTZ,
	revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed sign-ins, for throttling per account (and per address at a high ceiling).
CREATE TABLE signin_failures (
	id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username  TEXT NOT NULL,
	client_ip TEXT NOT NULL,
	at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_failures_user ON signin_failures (username, at);
CREATE INDEX signin_failures_ip ON signin_failures (client_ip, at);

-- The audit trail is append-only. seq orders inserts; chain_no, prev_hash and
-- hash are set once by the sealer (DESIGN.md §10, docs/adr/0002).
CREATE TABLE audit_events (
	seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	occurred_at TIMESTAMPTZ NOT NULL,
	user_id     BIGINT,
	username    TEXT NOT NULL DEFAULT '',
	role        TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	record_type TEXT NOT NULL DEFAULT '',
	record_id   BIGINT,
	team_id     BIGINT,
	provider_id BIGINT,
	client_ip   TEXT NOT NULL DEFAULT '',
	request_id  TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT '',
	chain_no    BIGINT UNIQUE,
	prev_hash   TEXT,
	hash        TEXT,
	tx          XID8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX audit_events_user ON audit_events (user_id, occurred_at);
CREATE INDEX audit_events_record ON audit_events (record_type, record_id, occurred_at);
CREATE INDEX audit_events_time ON audit_events (occurred_at);
CREATE INDEX audit_events_unsealed ON audit_events (seq) WHERE chain_no IS NULL;

CREATE TABLE audit_subjects (
	seq        BIGINT NOT NULL REFERENCES audit_events(seq),
	subject_id BIGINT NOT NULL,
	PRIMARY KEY (seq, subject_id)
);
CREATE INDEX audit_subjects_subject ON audit_subjects (subject_id);

-- The sealer logs the head of the chain here (and to the log) each hour, so
-- cutting off the tail of the trail is detected too.
CREATE TABLE audit_checkpoints (
	id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at        TIMESTAMPTZ NOT NULL,
	chain_no  BIGINT NOT NULL,
	hash      TEXT NOT NULL
);

-- Leases let exactly one instance run each background job.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
