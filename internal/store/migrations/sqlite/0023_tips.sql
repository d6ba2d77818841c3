-- Jigsaw schema, step 23: tips, reports of a danger or a dispute from
-- anyone, queued for editors once the tipster confirms their address.
-- Never public: the tipster's name and email are for editors only.
CREATE TABLE tips (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL,
	what         TEXT NOT NULL,
	district     TEXT NOT NULL DEFAULT '',
	area         TEXT NOT NULL DEFAULT '',
	organisation TEXT NOT NULL DEFAULT '',
	source_url   TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL,
	email        TEXT NOT NULL,
	contact      BOOLEAN NOT NULL DEFAULT 0,
	status       TEXT NOT NULL,
	token        TEXT UNIQUE,
	submitted_at TIMESTAMP NOT NULL,
	confirmed_at TIMESTAMP,
	handled_at   TIMESTAMP,
	handled_by   INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX tips_status ON tips(status, submitted_at);
