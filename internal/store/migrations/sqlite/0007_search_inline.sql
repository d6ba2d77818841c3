-- Jigsaw schema, step 7: on PostgreSQL, a story's search vector moves into
-- the table's own pages. SQLite's full-text index keeps no such vector, so
-- here the step only keeps both engines at the same schema version (which
-- whole-instance exports carry).
SELECT 1;
