-- Jigsaw schema, step 7: a story's search vector kept in the table's own
-- pages instead of compressed into the TOAST table. Search checks the
-- vectors of the newest stories one after another; out of line, each check
-- cost four more page reads and a decompression, three to five times the
-- time of the whole search at a million stories.
ALTER TABLE stories ALTER COLUMN search SET STORAGE MAIN;
-- Rows written before this step are written again, so that they follow it.
UPDATE stories SET title = title;
