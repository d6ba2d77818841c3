-- Jigsaw schema, step 25: swarming across instances and inboxes. Public
-- items that changed, the consumers that announce them (ActivityPub
-- followers, webhooks) and a durable queue of deliveries; following and
-- followers; alerts by email; webhooks; stories that arrive by email.
-- Instants are timestamps in UTC.

-- section: spine
-- Every write that may change what the public sees of a story, danger,
-- dispute or event records the item here, in the same transaction. A
-- consumer reads the log after its cursor and decides, from what the
-- public sees now and what it announced before, whether to announce a
-- create, an update or a delete: one rule for publication, edits,
-- withdrawal, erasure and an event turning members-only.
CREATE TABLE changes (
	-- AUTOINCREMENT: the log is pruned once read, and a number used again
	-- would fall behind the consumers' cursors and never be read.
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	kind      TEXT NOT NULL CHECK (kind IN ('story', 'danger', 'dispute', 'event')),
	object_id INTEGER NOT NULL,
	at        TIMESTAMP NOT NULL
);

-- How far each consumer has read the log. Its row is locked while it
-- reads, so that two processes never announce the same change twice.
CREATE TABLE change_cursors (
	consumer TEXT PRIMARY KEY,
	last_id  INTEGER NOT NULL DEFAULT 0
);

-- What each consumer has announced and not yet deleted.
CREATE TABLE announced (
	consumer  TEXT NOT NULL,
	kind      TEXT NOT NULL,
	object_id INTEGER NOT NULL,
	at        TIMESTAMP NOT NULL,
	PRIMARY KEY (consumer, kind, object_id)
);

-- A payload is stored once, however many targets it goes to.
CREATE TABLE delivery_payloads (
	id           INTEGER PRIMARY KEY,
	channel      TEXT NOT NULL,
	content_type TEXT NOT NULL,
	body         BLOB NOT NULL,
	summary      TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL
);

-- One payload to one target (an inbox URL, a webhook's number). Claimed
-- with a lease as the mail outbox is; retried with backoff until it is
-- done or given up.
CREATE TABLE deliveries (
	id           INTEGER PRIMARY KEY,
	payload_id   INTEGER NOT NULL REFERENCES delivery_payloads(id) ON DELETE CASCADE,
	channel      TEXT NOT NULL,
	target       TEXT NOT NULL,
	host         TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      TIMESTAMP NOT NULL,
	locked_until TIMESTAMP,
	last_status  INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	finished_at  TIMESTAMP
);
CREATE INDEX deliveries_due ON deliveries(channel, next_at) WHERE state = 'pending';
CREATE INDEX deliveries_payload ON deliveries(payload_id);
CREATE INDEX deliveries_host ON deliveries(host, state);

-- section: activitypub
-- activitypub: keys and remote actors (fedwire)
-- The instance actor's key pairs: the current one (current_key true) and
-- those it replaced (current_key NULL, retired_at set), kept a day so that
-- requests signed just before a rotation still verify. Never exported: a
-- private key does not leave its server.
CREATE TABLE federation_keys (
	id              INTEGER PRIMARY KEY,
	private_key_pem TEXT NOT NULL,
	public_key_pem  TEXT NOT NULL,
	current_key     BOOLEAN UNIQUE CHECK (current_key),
	created_at      TIMESTAMP NOT NULL,
	retired_at      TIMESTAMP
);

-- Actors of other servers as last fetched: their keys, to check their
-- signatures, and their inboxes, to deliver to them. Public documents of
-- theirs, fetched again when a day old or when a signature fails.
CREATE TABLE remote_actors (
	id                 TEXT PRIMARY KEY,
	key_id             TEXT NOT NULL,
	public_key_pem     TEXT NOT NULL,
	inbox              TEXT NOT NULL,
	shared_inbox       TEXT NOT NULL DEFAULT '',
	preferred_username TEXT NOT NULL DEFAULT '',
	domain             TEXT NOT NULL,
	fetched_at         TIMESTAMP NOT NULL
);
CREATE INDEX remote_actors_key ON remote_actors(key_id);
CREATE INDEX remote_actors_domain ON remote_actors(domain);

-- activitypub: followers, following, remote items (fedsocial)
-- Actors on other servers that follow this instance; the fan-out sends
-- each public change to their inboxes (the shared one when they have it).
CREATE TABLE ap_followers (
	id           INTEGER PRIMARY KEY,
	actor        TEXT NOT NULL UNIQUE,
	inbox        TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	domain       TEXT NOT NULL,
	follow_id    TEXT NOT NULL DEFAULT '',
	accepted_at  TIMESTAMP NOT NULL
);
CREATE INDEX ap_followers_domain ON ap_followers(domain);

-- The instances this one follows, and what became of each Follow sent.
CREATE TABLE ap_following (
	id         INTEGER PRIMARY KEY,
	actor      TEXT NOT NULL UNIQUE,
	inbox      TEXT NOT NULL,
	domain     TEXT NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
	follow_id  TEXT NOT NULL UNIQUE,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

-- Items the instances followed sent us, shown "from the coalition" and
-- never mixed with local records. content is sanitised HTML; plain is its
-- text, which the search indexes.
CREATE TABLE ap_remote_items (
	id          INTEGER PRIMARY KEY,
	object_id   TEXT NOT NULL UNIQUE,
	actor       TEXT NOT NULL,
	domain      TEXT NOT NULL,
	kind        TEXT NOT NULL DEFAULT '',
	type        TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	summary     TEXT NOT NULL DEFAULT '',
	content     TEXT NOT NULL DEFAULT '',
	plain       TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL DEFAULT '',
	published   TIMESTAMP NOT NULL,
	updated     TIMESTAMP,
	received_at TIMESTAMP NOT NULL
);
CREATE INDEX ap_remote_items_published ON ap_remote_items(published, id);
CREATE INDEX ap_remote_items_domain ON ap_remote_items(domain, published, id);
CREATE INDEX ap_remote_items_actor ON ap_remote_items(actor);
CREATE VIRTUAL TABLE remote_item_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER remote_item_search_insert AFTER INSERT ON ap_remote_items BEGIN
	INSERT INTO remote_item_search(rowid, title, body) VALUES (new.id, new.name, new.summary || ' ' || new.plain);
END;
CREATE TRIGGER remote_item_search_update AFTER UPDATE OF id, name, summary, plain ON ap_remote_items BEGIN
	DELETE FROM remote_item_search WHERE rowid = old.id;
	INSERT INTO remote_item_search(rowid, title, body) VALUES (new.id, new.name, new.summary || ' ' || new.plain);
END;
CREATE TRIGGER remote_item_search_delete AFTER DELETE ON ap_remote_items BEGIN
	DELETE FROM remote_item_search WHERE rowid = old.id;
END;
INSERT INTO remote_item_search(remote_item_search, rank) VALUES ('secure-delete', 1);

-- Domains whose followers, items and inbox posts an admin refused (their
-- subdomains with them).
CREATE TABLE ap_domain_blocks (
	domain     TEXT PRIMARY KEY,
	reason     TEXT NOT NULL DEFAULT '',
	blocked_by TEXT NOT NULL DEFAULT '',
	blocked_at TIMESTAMP NOT NULL
);

-- Activity ids the inbox accepted in the last day: the same activity
-- posted again is refused as a replay.
CREATE TABLE ap_seen_activities (
	id      TEXT PRIMARY KEY,
	seen_at TIMESTAMP NOT NULL
);
CREATE INDEX ap_seen_activities_at ON ap_seen_activities(seen_at);

-- section: alerts
-- Anyone may subscribe to a saved filter of a public list for a daily or
-- weekly digest of what is new. The filter is the list's canonical query
-- string (listparams), so two equal filters are one string. The links in
-- the mails (confirm, manage, unsubscribe) are signed with the instance's
-- secret, as a story's are, and name the subscription by its id.
-- seen_until is how far the items have been looked at: a digest lists
-- what was published after it, and moving it is the claim that keeps two
-- processes from sending one digest twice. Email addresses are personal
-- data: never public, deleted on unsubscribe, and deleted with the
-- subscription when it is not confirmed in time.
CREATE TABLE alert_subscriptions (
	id           INTEGER PRIMARY KEY,
	email        TEXT NOT NULL,
	list         TEXT NOT NULL CHECK (list IN ('stories', 'tracker', 'disputes', 'events')),
	filter       TEXT NOT NULL DEFAULT '',
	frequency    TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
	language     TEXT NOT NULL DEFAULT 'en',
	created_at   TIMESTAMP NOT NULL,
	confirmed_at TIMESTAMP,
	seen_until   TIMESTAMP NOT NULL,
	last_sent_at TIMESTAMP
);
CREATE UNIQUE INDEX alert_subscriptions_filter ON alert_subscriptions(lower(email), list, filter);
CREATE INDEX alert_subscriptions_due ON alert_subscriptions(seen_until) WHERE confirmed_at IS NOT NULL;

-- The headers of a mail (List-Unsubscribe and the like for digests), one
-- "Name: value" a line.
ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';

-- section: webhooks
-- An editor's own tool, sent a signed JSON POST when a public item of the
-- kinds and actions it asked for changes (kinds and actions are
-- space-separated lists). The secret is kept as it is, not hashed: every
-- delivery is signed with it. It is never exported (skippedTables), and
-- deliveries name a webhook by its number, so that one deleted or paused
-- is not sent to.
CREATE TABLE webhooks (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL DEFAULT '',
	url             TEXT NOT NULL,
	secret          TEXT NOT NULL,
	kinds           TEXT NOT NULL,
	actions         TEXT NOT NULL,
	active          BOOLEAN NOT NULL DEFAULT 1,
	organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
	created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at      TIMESTAMP NOT NULL,
	updated_at      TIMESTAMP NOT NULL,
	version         INTEGER NOT NULL DEFAULT 1
);

-- section: mail-in
-- How a story reached us: 'web' (the form, the API) or 'email' (the mail-in
-- listener). A story by email has no kind or consents until its teller
-- gives them on the confirmation page.
ALTER TABLE stories ADD COLUMN channel TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'email'));

-- Files that came with an emailed story: for moderators only, never on a
-- public surface. They go with the story (retention deletes unconfirmed
-- stories) and are deleted on erasure.
CREATE TABLE mail_in_attachments (
	id           INTEGER PRIMARY KEY,
	story_id     INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	filename     TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	data         BLOB NOT NULL,
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX mail_in_attachments_story ON mail_in_attachments(story_id);
