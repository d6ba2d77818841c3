-- Jigsaw schema, step 9: on PostgreSQL, a story's search vector moves to a
-- table of its own and its links into its row, as SQLite had them from the
-- start (story_search, step 1; public_links, step 8). Here the step only
-- keeps both engines at the same schema version (which whole-instance
-- exports carry).
SELECT 1;
