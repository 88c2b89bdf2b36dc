-- Boards and caseload filters (issue 3 item 16): a site's board and the
-- caseload's site filter walk episodes by site and state in queue order;
-- today's court list finds a court site's hearings by date.
CREATE INDEX episodes_site ON episodes (site_id, state, queue_at, id);
CREATE INDEX episodes_site_hearing ON episodes (site_id, hearing_date) WHERE hearing_date IS NOT NULL;
