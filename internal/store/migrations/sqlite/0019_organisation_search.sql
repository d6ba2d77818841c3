-- Jigsaw schema, step 19: an index of organisations' names and codes for
-- the pickers that find one as people type (store.SearchOrganisations):
-- each word of the name, the ODS code and the Companies House number,
-- found by their first letters among thousands without reading them all.
-- Kept by triggers, as story_search is.
CREATE VIRTUAL TABLE organisation_search USING fts5(name, codes, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO organisation_search(rowid, name, codes) SELECT id, name, ods_code || ' ' || company_number FROM organisations;
CREATE TRIGGER organisation_search_insert AFTER INSERT ON organisations BEGIN
	INSERT INTO organisation_search(rowid, name, codes) VALUES (new.id, new.name, new.ods_code || ' ' || new.company_number);
END;
CREATE TRIGGER organisation_search_update AFTER UPDATE OF id, name, ods_code, company_number ON organisations BEGIN
	DELETE FROM organisation_search WHERE rowid = old.id;
	INSERT INTO organisation_search(rowid, name, codes) VALUES (new.id, new.name, new.ods_code || ' ' || new.company_number);
END;
CREATE TRIGGER organisation_search_delete AFTER DELETE ON organisations BEGIN
	DELETE FROM organisation_search WHERE rowid = old.id;
END;
