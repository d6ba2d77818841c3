-- Jigsaw schema, step 16: the audit log stays append-only, except that the
-- address an entry was made from and its detail may be blanked. Erasing a
-- person blanks those of the entries about their stories (their addresses,
-- a reason quoting them), and old addresses are dropped after a while;
-- who did what to which record, and when, is never changed.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE'
		AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.at IS NOT DISTINCT FROM OLD.at
		AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id AND NEW.actor IS NOT DISTINCT FROM OLD.actor
		AND NEW.action IS NOT DISTINCT FROM OLD.action AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
		AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
		AND (NEW.ip = '' OR NEW.ip IS NOT DISTINCT FROM OLD.ip)
		AND (NEW.detail = '' OR NEW.detail IS NOT DISTINCT FROM OLD.detail) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'the audit log is append-only (only its addresses and details may be blanked)';
END;
$$;
