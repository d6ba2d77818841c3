-- Jigsaw schema, step 22: full-text indexes of the public text of dangers
-- (title and summary) and disputes (title, and summary with outcome), beside
-- story_search, for the site's search (store.SearchPublic). Kept by
-- triggers, as story_search is; a danger is indexed only while it is
-- published, so a draft's words are never found. Every table has the same
-- two columns, title and body, so that one score reads them all alike.
CREATE VIRTUAL TABLE tracker_search USING fts5(title, body, tokenize = 'porter unicode61');
INSERT INTO tracker_search(rowid, title, body) SELECT id, title, summary FROM tracker_items WHERE published_at IS NOT NULL;
CREATE TRIGGER tracker_search_insert AFTER INSERT ON tracker_items WHEN new.published_at IS NOT NULL BEGIN
	INSERT INTO tracker_search(rowid, title, body) VALUES (new.id, new.title, new.summary);
END;
CREATE TRIGGER tracker_search_update AFTER UPDATE OF id, title, summary, published_at ON tracker_items BEGIN
	DELETE FROM tracker_search WHERE rowid = old.id;
	INSERT INTO tracker_search(rowid, title, body)
		SELECT new.id, new.title, new.summary WHERE new.published_at IS NOT NULL;
END;
CREATE TRIGGER tracker_search_delete AFTER DELETE ON tracker_items BEGIN
	DELETE FROM tracker_search WHERE rowid = old.id;
END;

-- Disputes are public from the start.
CREATE VIRTUAL TABLE dispute_search USING fts5(title, body, tokenize = 'porter unicode61');
INSERT INTO dispute_search(rowid, title, body) SELECT id, title, summary || ' ' || outcome FROM disputes;
CREATE TRIGGER dispute_search_insert AFTER INSERT ON disputes BEGIN
	INSERT INTO dispute_search(rowid, title, body) VALUES (new.id, new.title, new.summary || ' ' || new.outcome);
END;
CREATE TRIGGER dispute_search_update AFTER UPDATE OF id, title, summary, outcome ON disputes BEGIN
	DELETE FROM dispute_search WHERE rowid = old.id;
	INSERT INTO dispute_search(rowid, title, body) VALUES (new.id, new.title, new.summary || ' ' || new.outcome);
END;
CREATE TRIGGER dispute_search_delete AFTER DELETE ON disputes BEGIN
	DELETE FROM dispute_search WHERE rowid = old.id;
END;

-- As for stories (step 16): an unpublished danger's words leave the file at once.
INSERT INTO tracker_search(tracker_search, rank) VALUES ('secure-delete', 1);
INSERT INTO dispute_search(dispute_search, rank) VALUES ('secure-delete', 1);
