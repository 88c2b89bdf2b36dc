-- PLACEHOLDER on branch timeline only: 0019 is reserved for another branch.
-- Migrations must be numbered 1, 2, 3… with no gap, and this branch adds
-- 0020, so this file keeps the sequence whole until the real 0019 is
-- merged. Delete it at merge time (the real 0019 replaces it; leaving both
-- fails loudly with "not numbered 1, 2, 3…").
SELECT 1;
