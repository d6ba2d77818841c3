-- Jigsaw schema, step 10: the public list of dangers, most recently reported
-- first, read in order from an index of the published ones. The list sorted
-- every published danger for each page it showed (at ten thousand dangers on
-- SQLite, 50–160 ms a page; at a hundred thousand, ten times that).
CREATE INDEX tracker_items_public ON tracker_items(reported_on DESC, id DESC) WHERE published_at IS NOT NULL;
