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

-- section: representatives and interests

-- section: plans and seats

-- section: pledges
-- A pledge (or a party's or government's promise) with its wordings, the
-- bodies and people asked to sign it, and every state each reached. A
-- target's area and party are kept as they were when it was asked.
CREATE TABLE pledges (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('ask', 'promise')),
	summary     TEXT NOT NULL DEFAULT '',
	campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
	keeper_id   INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX pledges_campaign ON pledges(campaign_id);
CREATE INDEX pledges_keeper ON pledges(keeper_id);

CREATE TABLE pledge_versions (
	id         INTEGER PRIMARY KEY,
	pledge_id  INTEGER NOT NULL REFERENCES pledges(id) ON DELETE CASCADE,
	number     INTEGER NOT NULL,
	text       TEXT NOT NULL,
	adopted_on TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	UNIQUE (pledge_id, number)
);

CREATE TABLE pledge_targets (
	id                INTEGER PRIMARY KEY,
	pledge_id         INTEGER NOT NULL REFERENCES pledges(id) ON DELETE CASCADE,
	organisation_id   INTEGER REFERENCES organisations(id) ON DELETE CASCADE,
	representative_id INTEGER REFERENCES representatives(id) ON DELETE CASCADE,
	kind              TEXT NOT NULL,
	state             TEXT NOT NULL CHECK (state IN ('not-asked', 'asked', 'signed', 'declined', 'broken')),
	state_on          TEXT NOT NULL DEFAULT '',
	evidence_url      TEXT NOT NULL DEFAULT '',
	evidence_note     TEXT NOT NULL DEFAULT '',
	version_id        INTEGER REFERENCES pledge_versions(id) ON DELETE SET NULL,
	area              TEXT NOT NULL DEFAULT '',
	district          TEXT NOT NULL DEFAULT '',
	party_id          INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
	version           INTEGER NOT NULL DEFAULT 1,
	updated_at        TIMESTAMP NOT NULL,
	CHECK ((organisation_id IS NULL) <> (representative_id IS NULL)),
	UNIQUE (pledge_id, organisation_id),
	UNIQUE (pledge_id, representative_id)
);
CREATE INDEX pledge_targets_organisation ON pledge_targets(organisation_id);
CREATE INDEX pledge_targets_representative ON pledge_targets(representative_id);
CREATE INDEX pledge_targets_party ON pledge_targets(party_id);

CREATE TABLE pledge_target_history (
	id            INTEGER PRIMARY KEY,
	target_id     INTEGER NOT NULL REFERENCES pledge_targets(id) ON DELETE CASCADE,
	state         TEXT NOT NULL,
	state_on      TEXT NOT NULL DEFAULT '',
	evidence_url  TEXT NOT NULL DEFAULT '',
	evidence_note TEXT NOT NULL DEFAULT '',
	version_id    INTEGER REFERENCES pledge_versions(id) ON DELETE SET NULL,
	recorded_at   TIMESTAMP NOT NULL
);
CREATE INDEX pledge_target_history_target ON pledge_target_history(target_id);

-- section: resources
