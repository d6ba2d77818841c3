-- Stories: submission, consent, moderation, withdrawal and right of reply.

ALTER TABLE stories ADD COLUMN publish_as TEXT NOT NULL DEFAULT 'without-name';
ALTER TABLE stories ADD COLUMN confirmed_at TIMESTAMP;
ALTER TABLE stories ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE stories ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN erasure_requested_at TIMESTAMP;

-- Every consent as given, with the wording the person saw; a change adds a
-- row, so the history stays.
CREATE TABLE consents (
	id        INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES people(id),
	story_id  INTEGER REFERENCES stories(id) ON DELETE SET NULL,
	kind      TEXT NOT NULL,
	value     TEXT NOT NULL,
	wording   TEXT NOT NULL,
	given_at  TIMESTAMP NOT NULL
);
CREATE INDEX consents_person ON consents(person_id, given_at);

-- One row per submission form served and used: a second submit of the
-- same form finds its story instead of creating another.
CREATE TABLE submissions (
	token      TEXT PRIMARY KEY,
	story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL
);

-- Moderators' edits and redactions: the story as it was after each change.
CREATE TABLE story_revisions (
	id          INTEGER PRIMARY KEY,
	story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
	at          TIMESTAMP NOT NULL,
	action      TEXT NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	public_body TEXT NOT NULL
);
CREATE INDEX story_revisions_story ON story_revisions(story_id, at);

-- Private notes of moderators.
CREATE TABLE story_notes (
	id       INTEGER PRIMARY KEY,
	story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	at       TIMESTAMP NOT NULL,
	body     TEXT NOT NULL
);
CREATE INDEX story_notes_story ON story_notes(story_id, at);

-- Right of reply: an organisation named in a published story answers it.
CREATE TABLE story_replies (
	id              INTEGER PRIMARY KEY,
	story_id        INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	body            TEXT NOT NULL,
	user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
	at              TIMESTAMP NOT NULL
);
CREATE INDEX story_replies_story ON story_replies(story_id, at);
