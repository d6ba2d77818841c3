-- Jigsaw schema, step 8: a story's key issues, organisations and replies,
-- kept as the JSON its public pages read. Built from the link tables by the
-- triggers below whenever they or an organisation's name change, so no write
-- can leave it stale; a story page then reads one row by its key instead of
-- aggregating three tables. On PostgreSQL it has a table of its own rather
-- than a column of stories: rewriting a story's row would compute its search
-- vector again and add the row to every index of stories.
CREATE TABLE story_links (
	story_id BIGINT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
	links    TEXT NOT NULL
);

-- The links as they are now; the only place their JSON is spelled out.
CREATE FUNCTION story_links_now(sid BIGINT) RETURNS TEXT LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'key_issues', COALESCE((SELECT json_agg(k.key_issue) FROM story_key_issues k WHERE k.story_id = sid), '[]'),
		'organisations', COALESCE((SELECT json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name))
			FROM story_organisations so JOIN organisations o ON o.id = so.organisation_id WHERE so.story_id = sid), '[]'),
		'replies', COALESCE((SELECT json_agg(json_build_object('id', r.id,
				'organisation', json_build_object('id', o.id, 'slug', o.slug, 'name', o.name), 'body', r.body, 'at', r.at))
			FROM story_replies r JOIN organisations o ON o.id = r.organisation_id WHERE r.story_id = sid), '[]')
	)::text
$$;

-- Writes story sid's links unless they already read so (or the story is gone).
CREATE FUNCTION story_links_refresh(sid BIGINT) RETURNS void LANGUAGE sql AS $$
	INSERT INTO story_links (story_id, links) SELECT s.id, story_links_now(s.id) FROM stories s WHERE s.id = sid
	ON CONFLICT (story_id) DO UPDATE SET links = EXCLUDED.links WHERE story_links.links IS DISTINCT FROM EXCLUDED.links
$$;

-- The link tables' triggers wait for the commit: a new story with three
-- links is then written once, the second and third finding it done.
CREATE FUNCTION story_links_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		PERFORM story_links_refresh(NEW.story_id);
	END IF;
	IF TG_OP = 'DELETE' OR OLD.story_id <> NEW.story_id THEN
		PERFORM story_links_refresh(OLD.story_id);
	END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER story_key_issues_links AFTER INSERT OR UPDATE OR DELETE ON story_key_issues
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION story_links_follow();
CREATE CONSTRAINT TRIGGER story_organisations_links AFTER INSERT OR UPDATE OR DELETE ON story_organisations
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION story_links_follow();
CREATE CONSTRAINT TRIGGER story_replies_links AFTER INSERT OR UPDATE OR DELETE ON story_replies
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION story_links_follow();

CREATE FUNCTION organisation_links_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM story_links_refresh(id) FROM (SELECT story_id AS id FROM story_organisations WHERE organisation_id = NEW.id
		UNION SELECT story_id FROM story_replies WHERE organisation_id = NEW.id) affected;
	RETURN NULL;
END
$$;
CREATE TRIGGER organisations_links AFTER UPDATE OF slug, name ON organisations
	FOR EACH ROW WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.name IS DISTINCT FROM NEW.name)
	EXECUTE FUNCTION organisation_links_follow();

CREATE INDEX story_replies_organisation ON story_replies(organisation_id);

INSERT INTO story_links (story_id, links)
SELECT id, story_links_now(id) FROM (SELECT story_id AS id FROM story_key_issues
	UNION SELECT story_id FROM story_organisations UNION SELECT story_id FROM story_replies) linked;
