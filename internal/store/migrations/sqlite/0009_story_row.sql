-- Jigsaw schema, step 9: on PostgreSQL, a story's public text is kept whole
-- in its row. SQLite stores a row's columns together until it outgrows a
-- page, so here the step only keeps both engines at the same schema version
-- (which whole-instance exports carry).
SELECT 1;
