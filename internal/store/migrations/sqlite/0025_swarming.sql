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

-- section: alerts

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
