-- Drafts (issue 3 item 18): what a user typed into a long form, kept so an
-- idle sign-out loses nothing. One draft per user per form (the form's own
-- path); only its owner reads it; it expires 14 days after it was saved and
-- the session clean-up job purges it. form_values is the posted form as
-- JSON ({"field": ["value", …]}); record_version is the version of the
-- record the form was opened at, so a restored draft cannot be saved over a
-- later change.

CREATE TABLE drafts (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users(id),
	form_key       TEXT NOT NULL,
	form_values    TEXT NOT NULL,
	record_version INTEGER NOT NULL DEFAULT 0,
	saved_at       TEXT NOT NULL,
	expires_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX drafts_user_form ON drafts (user_id, form_key);
CREATE INDEX drafts_expires ON drafts (expires_at);
