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

-- section: resources
