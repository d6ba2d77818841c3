-- Jigsaw schema, step 9: a story's search vector in a table of its own, and
-- its public text and links together in its row, as on SQLite.
--
-- The search vector was the widest column of a story (half again the public
-- text), and kept in the row (step 7) so that search could check the newest
-- stories one by one without the TOAST table. That left no room in the row
-- for the rest: past PostgreSQL's 2 kB threshold the public Markdown and HTML
-- went to the TOAST table, the links to a table of their own (step 8), and a
-- story page read five places for one story. At a million stories, reading a
-- story this way instead (pgbench, stories drawn uniformly) went at 1.9 times
-- the rate, and search walks narrower rows than before.

-- Published stories only, as SQLite's story_search: search needs no status.
CREATE TABLE story_search (
	story_id BIGINT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE ON UPDATE CASCADE,
	search   TSVECTOR NOT NULL
);
ALTER TABLE story_search ALTER COLUMN search SET STORAGE MAIN;

CREATE FUNCTION story_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status <> 'published' THEN
		DELETE FROM story_search WHERE story_id = NEW.id;
	ELSIF TG_OP = 'INSERT' OR OLD.status <> 'published' OR OLD.title <> NEW.title OR OLD.public_body <> NEW.public_body THEN
		INSERT INTO story_search (story_id, search)
		VALUES (NEW.id, setweight(to_tsvector('english', NEW.title), 'A') || setweight(to_tsvector('english', NEW.public_body), 'B'))
		ON CONFLICT (story_id) DO UPDATE SET search = EXCLUDED.search;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER stories_search AFTER INSERT OR UPDATE OF title, public_body, status ON stories
	FOR EACH ROW EXECUTE FUNCTION story_search_follow();

INSERT INTO story_search (story_id, search)
SELECT id, search FROM stories WHERE status = 'published' ORDER BY id;
ALTER TABLE stories DROP COLUMN search;
CREATE INDEX story_search_search ON story_search USING GIN (search);

-- The links, in the row now. NULL: the story has no links.
ALTER TABLE stories ADD COLUMN public_links TEXT;
CREATE OR REPLACE FUNCTION story_links_refresh(sid BIGINT) RETURNS void LANGUAGE sql AS $$
	UPDATE stories s SET public_links = n.links FROM (SELECT story_links_now(sid) AS links) n
	WHERE s.id = sid AND s.public_links IS DISTINCT FROM n.links
$$;

-- The public columns are compressed in the row if need be, and moved out of
-- it only as a last resort: the submitted body, which no public page reads,
-- goes first.
ALTER TABLE stories
	ALTER COLUMN public_body SET STORAGE MAIN,
	ALTER COLUMN public_html SET STORAGE MAIN,
	ALTER COLUMN public_links SET STORAGE MAIN;
-- Every row is written again, so that it follows the step (a value copied
-- unchanged would keep its old place).
UPDATE stories s SET public_body = s.public_body || '', public_html = s.public_html || '',
	public_links = (SELECT l.links FROM story_links l WHERE l.story_id = s.id);
DROP TABLE story_links;
