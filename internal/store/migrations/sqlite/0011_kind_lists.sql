-- Jigsaw schema, step 11: lists of one kind read from their indexes. The
-- public list of stories of one kind (patient, staff, carer, blog) walked the
-- newest published stories in order but read each one's row to learn its
-- kind, for the page and for its count up to CountCap: a rare kind read
-- thousands of rows a page. The same for the dangers' kind, status and
-- district. Each index gains those columns after the ones it is walked by
-- (and the dangers' its own condition's column, without which SQLite reads
-- the rows anyway).
DROP INDEX stories_status_published;
CREATE INDEX stories_status_published ON stories(status, published_at DESC, id DESC, kind);
DROP INDEX tracker_items_public;
CREATE INDEX tracker_items_public ON tracker_items(reported_on DESC, id DESC, kind, status, district, published_at) WHERE published_at IS NOT NULL;
