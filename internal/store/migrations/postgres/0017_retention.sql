-- Jigsaw schema, step 17: personal data kept only for a while (--retain-ips,
-- --retain-mail; step 16 lets the audit log's addresses be blanked). Only
-- the rows still holding what is to be dropped are indexed, so that the
-- hourly pass reads those rather than the whole history.
CREATE INDEX audit_log_ip_kept ON audit_log(at) WHERE ip <> '';
CREATE INDEX outbox_text_kept ON outbox(sent_at) WHERE subject <> '' OR body <> '';
