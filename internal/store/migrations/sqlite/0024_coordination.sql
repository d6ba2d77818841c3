-- Jigsaw schema, step 24: coordination without a centre. Campaigns that
-- several organisations share, the topic board that divides their work,
-- events, plans worked back from an anchor date, pledges and their targets,
-- people in public roles and the seats coalition members hold or seek, and
-- a library of resources. All of it is public (members-only events aside):
-- people in public roles are listed with their public office contact only.
-- Calendar dates are TEXT as YYYY-MM-DD; instants are timestamps in UTC.

-- Campaigns: an aim shared by organisations, each with a role.
CREATE TABLE campaigns (
	id         INTEGER PRIMARY KEY,
	slug       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	aim        TEXT NOT NULL DEFAULT '',
	version    INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

-- The topic board: subjects organisations take, and their state.
CREATE TABLE topics (
	id          INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'taken', 'in-progress', 'done')),
	campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX topics_campaign ON topics(campaign_id);

-- People in public roles: MPs, councillors, mayors, candidates, directors
-- and board members of NHS bodies and of companies.
CREATE TABLE representatives (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

-- section: campaigns and topics

-- section: events
-- Events: gatherings with a start and an end (UTC instants, given and shown
-- in Europe/London time), a venue whose postcode is public and whose
-- district is derived from it, organisers, an optional campaign and topic,
-- and conclusions recorded afterwards. Members-only events are never
-- public: the search index holds public events only.
CREATE TABLE events (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL CHECK (kind IN ('meeting', 'public-meeting', 'lobby', 'picket', 'rally', 'march', 'stall', 'hustings', 'training', 'board-meeting')),
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	starts_at    TIMESTAMP NOT NULL,
	ends_at      TIMESTAMP NOT NULL,
	venue        TEXT NOT NULL DEFAULT '',
	postcode     TEXT NOT NULL DEFAULT '',
	district     TEXT NOT NULL DEFAULT '',
	campaign_id  INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
	topic_id     INTEGER REFERENCES topics(id) ON DELETE SET NULL,
	members_only BOOLEAN NOT NULL DEFAULT 0,
	conclusions  TEXT NOT NULL DEFAULT '',
	version      INTEGER NOT NULL DEFAULT 1,
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX events_starts ON events(starts_at, id);
CREATE INDEX events_ends ON events(ends_at, id);
CREATE INDEX events_district ON events(district, starts_at);
CREATE INDEX events_campaign ON events(campaign_id);
CREATE INDEX events_topic ON events(topic_id);

CREATE TABLE event_organisers (
	event_id        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	position        INTEGER NOT NULL,
	PRIMARY KEY (event_id, organisation_id)
);
CREATE INDEX event_organisers_organisation ON event_organisers(organisation_id);

CREATE VIRTUAL TABLE event_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER event_search_insert AFTER INSERT ON events WHEN NOT new.members_only BEGIN
	INSERT INTO event_search(rowid, title, body) VALUES (new.id, new.title, new.description || ' ' || new.venue || ' ' || new.conclusions);
END;
CREATE TRIGGER event_search_update AFTER UPDATE OF id, title, description, venue, conclusions, members_only ON events BEGIN
	DELETE FROM event_search WHERE rowid = old.id;
	INSERT INTO event_search(rowid, title, body)
		SELECT new.id, new.title, new.description || ' ' || new.venue || ' ' || new.conclusions WHERE NOT new.members_only;
END;
CREATE TRIGGER event_search_delete AFTER DELETE ON events BEGIN
	DELETE FROM event_search WHERE rowid = old.id;
END;
INSERT INTO event_search(event_search, rank) VALUES ('secure-delete', 1);

-- section: representatives and interests

-- section: plans and seats

-- section: pledges

-- section: resources
