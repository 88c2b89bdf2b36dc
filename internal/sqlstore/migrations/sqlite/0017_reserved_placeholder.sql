-- PLACEHOLDER on branch timeline only: 0017 is reserved for another branch.
-- Migrations must be numbered 1, 2, 3… with no gap, and this branch adds
-- 0020, so this file keeps the sequence whole until the real 0017 is
-- merged. Delete it at merge time (the real 0017 replaces it; leaving both
-- fails loudly with "not numbered 1, 2, 3…").
SELECT 1;
