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
-- The library: guidance, leaflets, briefings, motions, each kept by an
-- organisation, with versions that are each a file or a link. Files live
-- in the database (resource_files, apart so that lists never read their
-- bytes): backups and the whole-instance export carry them.
CREATE TABLE resources (
	id              INTEGER PRIMARY KEY,
	title           TEXT NOT NULL,
	kind            TEXT NOT NULL CHECK (kind IN ('guidance', 'leaflet', 'briefing', 'motion', 'template-letter', 'other')),
	summary         TEXT NOT NULL DEFAULT '',
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	campaign_id     INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
	version         INTEGER NOT NULL DEFAULT 1,
	created_at      TIMESTAMP NOT NULL,
	updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX resources_updated ON resources(updated_at, id);
CREATE INDEX resources_organisation ON resources(organisation_id);
CREATE INDEX resources_campaign ON resources(campaign_id);

CREATE TABLE resource_key_issues (
	resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	key_issue   TEXT NOT NULL REFERENCES key_issues(slug),
	PRIMARY KEY (resource_id, key_issue)
);
CREATE INDEX resource_key_issues_issue ON resource_key_issues(key_issue, resource_id);

CREATE TABLE resource_versions (
	id           INTEGER PRIMARY KEY,
	resource_id  INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	number       INTEGER NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	link         TEXT NOT NULL DEFAULT '',
	file_name    TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	size         INTEGER NOT NULL DEFAULT 0,
	sha256       TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (resource_id, number)
);

CREATE TABLE resource_files (
	version_id INTEGER PRIMARY KEY REFERENCES resource_versions(id) ON DELETE CASCADE,
	data       BLOB NOT NULL
);
