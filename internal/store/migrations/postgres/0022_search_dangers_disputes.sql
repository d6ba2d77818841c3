-- Jigsaw schema, step 22: full-text search of the public text of dangers
-- (title and summary) and disputes (title, summary and outcome), as stories
-- have it: a tsvector with English stemming, the title weighted above the
-- rest, and a GIN index, for the site's search (store.SearchPublic). The
-- dangers' index holds published ones only (queries repeat its condition),
-- so a draft's words are never found.
ALTER TABLE tracker_items ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
	setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'B')
) STORED;
CREATE INDEX tracker_items_search ON tracker_items USING GIN (search) WHERE published_at IS NOT NULL;

ALTER TABLE disputes ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
	setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary || ' ' || outcome), 'B')
) STORED;
CREATE INDEX disputes_search ON disputes USING GIN (search);
