-- Jigsaw schema, step 9: a district's stories, newest first, read from an
-- index alone. A district holds a small share of the stories: its list (and
-- its area page) walked the newest stories of every district to find its
-- own, or read each of its own rows to learn its status and date, and
-- counted its stories the same way (at a million stories on SQLite, 0.3 s
-- for one page). The kind, last, answers a district's list of one kind
-- from the index too. The old index on district alone is this one's first
-- column.
DROP INDEX stories_district;
CREATE INDEX stories_district_published ON stories(district, status, published_at DESC, id DESC, kind);
