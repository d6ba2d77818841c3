-- Jigsaw schema, step 12: a BRIN index of stories' ids. Search looks for
-- the newest matches of some words in a range of ids (see
-- postgresSearchWindow); the full-text index yields the matches in the whole
-- table, and the range was then read from the primary key to keep those in
-- it, one entry per story (12 ms for 80,000 ids at a million stories). The
-- heap is written in about the order of ids, so the least and greatest id of
-- each 128 pages mark the pages a range can be on: 72 KB for a million
-- stories, read in about a millisecond.
CREATE INDEX stories_id_ranges ON stories USING brin (id);
