-- Jigsaw schema, step 13: a version on each record editors manage. Every
-- change adds one; a change made to an older version than the stored one is
-- refused, so that of two editors saving the same record the second is told
-- it changed since they opened it instead of overwriting the first.
ALTER TABLE tracker_items ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE disputes ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
