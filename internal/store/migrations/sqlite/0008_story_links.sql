-- Jigsaw schema, step 8: a story's key issues, organisations and replies,
-- kept with the story as the JSON its public pages read. Built from the link
-- tables by the triggers below whenever they or an organisation's name
-- change, so no write can leave it stale; a story page then reads one row
-- instead of probing three more indexes. NULL: the story has no links. On
-- SQLite it is a column of stories (PostgreSQL has a table for it): the row
-- is rewritten in place, and the page read for the story brings its links.
ALTER TABLE stories ADD COLUMN public_links TEXT;

-- The links as they are now; the only place their JSON is spelled out.
CREATE VIEW story_links_now AS SELECT s.id AS story_id, json_object(
	'key_issues', json((SELECT json_group_array(k.key_issue) FROM story_key_issues k WHERE k.story_id = s.id)),
	'organisations', json((SELECT json_group_array(json_object('id', o.id, 'slug', o.slug, 'name', o.name))
		FROM story_organisations so JOIN organisations o ON o.id = so.organisation_id WHERE so.story_id = s.id)),
	'replies', json((SELECT json_group_array(json_object('id', r.id,
			'organisation', json_object('id', o.id, 'slug', o.slug, 'name', o.name), 'body', r.body, 'at', r.at))
		FROM story_replies r JOIN organisations o ON o.id = r.organisation_id WHERE r.story_id = s.id))
) AS links FROM stories s;

CREATE TRIGGER story_key_issues_links_insert AFTER INSERT ON story_key_issues BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = new.story_id) WHERE id = new.story_id;
END;
CREATE TRIGGER story_key_issues_links_update AFTER UPDATE ON story_key_issues BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = stories.id) WHERE id IN (old.story_id, new.story_id);
END;
CREATE TRIGGER story_key_issues_links_delete AFTER DELETE ON story_key_issues BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = old.story_id) WHERE id = old.story_id;
END;
CREATE TRIGGER story_organisations_links_insert AFTER INSERT ON story_organisations BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = new.story_id) WHERE id = new.story_id;
END;
CREATE TRIGGER story_organisations_links_update AFTER UPDATE ON story_organisations BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = stories.id) WHERE id IN (old.story_id, new.story_id);
END;
CREATE TRIGGER story_organisations_links_delete AFTER DELETE ON story_organisations BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = old.story_id) WHERE id = old.story_id;
END;
CREATE TRIGGER story_replies_links_insert AFTER INSERT ON story_replies BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = new.story_id) WHERE id = new.story_id;
END;
CREATE TRIGGER story_replies_links_update AFTER UPDATE ON story_replies BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = stories.id) WHERE id IN (old.story_id, new.story_id);
END;
CREATE TRIGGER story_replies_links_delete AFTER DELETE ON story_replies BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = old.story_id) WHERE id = old.story_id;
END;
CREATE TRIGGER organisations_links_update AFTER UPDATE OF slug, name ON organisations
WHEN old.slug IS NOT new.slug OR old.name IS NOT new.name BEGIN
	UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = stories.id)
	WHERE id IN (SELECT story_id FROM story_organisations WHERE organisation_id = new.id
		UNION SELECT story_id FROM story_replies WHERE organisation_id = new.id);
END;

CREATE INDEX story_replies_organisation ON story_replies(organisation_id);

-- The search index follows the public title and text only: rewriting a
-- story's links must not re-index it.
DROP TRIGGER stories_search_update;
CREATE TRIGGER stories_search_update AFTER UPDATE OF title, public_body, status ON stories BEGIN
	DELETE FROM story_search WHERE rowid = old.id;
	INSERT INTO story_search(rowid, title, body)
		SELECT new.id, new.title, new.public_body WHERE new.status = 'published';
END;

UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = stories.id)
WHERE id IN (SELECT story_id FROM story_key_issues UNION SELECT story_id FROM story_organisations UNION SELECT story_id FROM story_replies);
