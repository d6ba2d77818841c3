-- Jigsaw schema, step 1: settings, key issues, organisations, people, stories.
-- Times are stored as TIMESTAMP text in UTC; booleans as 0/1.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE key_issues (
	slug     TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE organisations (
	id               INTEGER PRIMARY KEY,
	slug             TEXT NOT NULL UNIQUE,
	name             TEXT NOT NULL,
	kind             TEXT NOT NULL,
	ods_code         TEXT NOT NULL DEFAULT '',
	company_number   TEXT NOT NULL DEFAULT '',
	parent_id        INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
	region           TEXT NOT NULL DEFAULT '',
	website          TEXT NOT NULL DEFAULT '',
	coalition_member BOOLEAN NOT NULL DEFAULT 0,
	created_at       TIMESTAMP NOT NULL,
	updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisations_ods_code ON organisations(ods_code) WHERE ods_code <> '';
CREATE INDEX organisations_company_number ON organisations(company_number) WHERE company_number <> '';
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_name ON organisations(lower(name));

-- people is private: only moderator and admin code paths read it.
CREATE TABLE people (
	id                 INTEGER PRIMARY KEY,
	name               TEXT NOT NULL,
	email              TEXT NOT NULL,
	phone              TEXT NOT NULL DEFAULT '',
	postcode           TEXT NOT NULL DEFAULT '',
	email_confirmed_at TIMESTAMP,
	verified_at        TIMESTAMP,
	verified_note      TEXT NOT NULL DEFAULT '',
	erased_at          TIMESTAMP,
	created_at         TIMESTAMP NOT NULL
);
CREATE INDEX people_email ON people(lower(email));

CREATE TABLE stories (
	id           INTEGER PRIMARY KEY,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	public_body  TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL,
	district     TEXT NOT NULL DEFAULT '',
	area         TEXT NOT NULL DEFAULT '',
	happened_on  TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	person_id    INTEGER NOT NULL REFERENCES people(id),
	byline       TEXT NOT NULL DEFAULT '',
	submitted_at TIMESTAMP NOT NULL,
	published_at TIMESTAMP,
	updated_at   TIMESTAMP NOT NULL
);
-- Lists order by (published_at DESC, id DESC): with id in the index no sort is needed.
CREATE INDEX stories_status_published ON stories(status, published_at DESC, id DESC);
CREATE INDEX stories_person ON stories(person_id);
CREATE INDEX stories_district ON stories(district);

CREATE TABLE story_key_issues (
	story_id  INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	key_issue TEXT NOT NULL REFERENCES key_issues(slug),
	PRIMARY KEY (story_id, key_issue)
);
CREATE INDEX story_key_issues_issue ON story_key_issues(key_issue, story_id);

CREATE TABLE story_organisations (
	story_id        INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	PRIMARY KEY (story_id, organisation_id)
);
CREATE INDEX story_organisations_org ON story_organisations(organisation_id, story_id);

-- Full-text index of published stories only: the public title and body.
CREATE VIRTUAL TABLE story_search USING fts5(title, body, tokenize = 'porter unicode61');

CREATE TRIGGER stories_search_insert AFTER INSERT ON stories WHEN new.status = 'published' BEGIN
	INSERT INTO story_search(rowid, title, body) VALUES (new.id, new.title, new.public_body);
END;
CREATE TRIGGER stories_search_update AFTER UPDATE ON stories BEGIN
	DELETE FROM story_search WHERE rowid = old.id;
	INSERT INTO story_search(rowid, title, body)
		SELECT new.id, new.title, new.public_body WHERE new.status = 'published';
END;
CREATE TRIGGER stories_search_delete AFTER DELETE ON stories BEGIN
	DELETE FROM story_search WHERE rowid = old.id;
END;

INSERT INTO key_issues (slug, name, position) VALUES
	('conflicts-of-interest', 'Conflicts of interest', 0),
	('hospital-closures', 'Hospital closures', 1),
	('wasting-money', 'Wasting money', 2),
	('safety', 'Safety', 3),
	('private-patients', 'Private patients', 4),
	('outsourcing', 'Outsourcing', 5),
	('cuts', 'Cuts', 6),
	('pay-and-conditions', 'Pay and conditions', 7);

-- Outgoing mail. Mail is queued in the same transaction as the change that
-- causes it, so an acknowledged action never loses its email; a sender
-- delivers it (over SMTP, or to the log) with retries. Private: admins only.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL,
	to_addr         TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	next_attempt_at TIMESTAMP NOT NULL,
	locked_until    TIMESTAMP,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	sent_at         TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;

-- People who sign in: editors, moderators, admins.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL,
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMP NOT NULL,
	disabled_at   TIMESTAMP
);
CREATE UNIQUE INDEX users_email ON users(lower(email));

-- The audit log: who did what, when, from where. Append-only: the
-- application has no statement that updates or deletes it.
CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          TIMESTAMP NOT NULL,
	user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor       TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id   INTEGER,
	detail      TEXT NOT NULL DEFAULT '',
	ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at DESC);
CREATE INDEX audit_log_user ON audit_log(user_id, at DESC);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, at DESC);

-- A counter bumped by every transaction that may change what the public
-- sees; cached public pages are valid while it stays the same, in every
-- process sharing the database.
CREATE TABLE content_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);

-- The audit log is append-only, whatever code runs against the database.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
