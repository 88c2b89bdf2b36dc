-- The Caldicott Guardian's review of a break-glass opening: the outcome
-- (appropriate, inappropriate, needs_follow_up) and a comment.
ALTER TABLE break_glass_reviews ADD COLUMN outcome TEXT, ADD COLUMN comment TEXT;
-- The review queue lists a provider's openings newest first.
CREATE INDEX break_glass_reviews_provider ON break_glass_reviews (provider_id, at, id);
