-- Jigsaw schema, step 21: a watched source may keep only buyers in some
-- regions (ITL codes or postcode areas and districts), one a line.
ALTER TABLE watched_sources ADD COLUMN regions TEXT NOT NULL DEFAULT '';
