-- Jigsaw schema, step 8: a story's key issues, organisations and replies,
-- kept with the story as the JSON its public pages read. Built from the link
-- tables by the triggers below whenever they or an organisation's name
-- change, so no write can leave it stale; a story page then reads one row
-- instead of probing three more indexes. NULL: the story has no links.
ALTER TABLE stories ADD COLUMN public_links TEXT;

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

-- The link tables' triggers wait for the commit, and a story whose links
-- already read as they should is not written again: a new story with three
-- links is written once, not three times (every write of a row here is a
-- new version of it, with its search vector computed again).
CREATE FUNCTION story_links_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		UPDATE stories SET public_links = story_links_now(id)
		WHERE id = NEW.story_id AND public_links IS DISTINCT FROM story_links_now(id);
	END IF;
	IF TG_OP = 'DELETE' OR OLD.story_id <> NEW.story_id THEN
		UPDATE stories SET public_links = story_links_now(id)
		WHERE id = OLD.story_id AND public_links IS DISTINCT FROM story_links_now(id);
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
	UPDATE stories SET public_links = story_links_now(id)
	WHERE id IN (SELECT story_id FROM story_organisations WHERE organisation_id = NEW.id
		UNION SELECT story_id FROM story_replies WHERE organisation_id = NEW.id)
	AND public_links IS DISTINCT FROM story_links_now(id);
	RETURN NULL;
END
$$;
CREATE TRIGGER organisations_links AFTER UPDATE OF slug, name ON organisations
	FOR EACH ROW WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.name IS DISTINCT FROM NEW.name)
	EXECUTE FUNCTION organisation_links_follow();

CREATE INDEX story_replies_organisation ON story_replies(organisation_id);

UPDATE stories SET public_links = story_links_now(id)
WHERE id IN (SELECT story_id FROM story_key_issues UNION SELECT story_id FROM story_organisations UNION SELECT story_id FROM story_replies);
