-- Jigsaw schema, step 12: on PostgreSQL, a BRIN index of stories' ids for
-- search. SQLite's full-text index walks its matches in order of ids itself,
-- so here the step only keeps both engines at the same schema version (which
-- whole-instance exports carry).
SELECT 1;
