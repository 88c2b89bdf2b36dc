-- The auditor's search pages newest first by seq (docs/adr/0002-audit-chain.md),
-- so each filter is indexed together with seq: a page is an index range, not a
-- sort of every matching row.
DROP INDEX audit_events_user;
DROP INDEX audit_events_record;
CREATE INDEX audit_events_user ON audit_events (user_id, seq);
CREATE INDEX audit_events_username ON audit_events (username, seq);
CREATE INDEX audit_events_record ON audit_events (record_type, record_id, seq);

-- "Who saw this person in a list": subject first, then seq for the page order.
DROP INDEX audit_subjects_subject;
CREATE INDEX audit_subjects_subject ON audit_subjects (subject_id, seq);
