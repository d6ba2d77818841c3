-- Jigsaw schema, step 16: the audit log stays append-only, except that the
-- address an entry was made from and its detail may be blanked. Erasing a
-- person blanks those of the entries about their stories (their addresses,
-- a reason quoting them), and old addresses are dropped after a while;
-- who did what to which record, and when, is never changed.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_id IS NOT OLD.user_id OR NEW.actor IS NOT OLD.actor
	OR NEW.action IS NOT OLD.action OR NEW.object_type IS NOT OLD.object_type OR NEW.object_id IS NOT OLD.object_id
	OR (NEW.ip <> '' AND NEW.ip IS NOT OLD.ip) OR (NEW.detail <> '' AND NEW.detail IS NOT OLD.detail)
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only (only its addresses and details may be blanked)');
END;

-- Rows deleted from the full-text index (a story withdrawn or erased) are
-- removed from its stored pages at once rather than only marked deleted
-- until a later merge, so an erased story's words are gone from the file;
-- what was deleted before this step is merged away now.
INSERT INTO story_search(story_search, rank) VALUES ('secure-delete', 1);
INSERT INTO story_search(story_search) VALUES ('optimize');
