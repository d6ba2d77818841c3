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
	status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'won', 'lost', 'ended')),
	started_on TEXT NOT NULL DEFAULT '',
	ended_on   TEXT NOT NULL DEFAULT '',
	district   TEXT NOT NULL DEFAULT '',
	area       TEXT NOT NULL DEFAULT '',
	version    INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

-- The topic board: subjects organisations take, and their state.
CREATE TABLE topics (
	id          INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	notes       TEXT NOT NULL DEFAULT '',
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
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL,
	role            TEXT NOT NULL CHECK (role IN ('mp', 'councillor', 'mayor', 'candidate', 'chair', 'chief-executive', 'director', 'non-executive-director', 'board-member', 'gp-partner')),
	party           TEXT NOT NULL DEFAULT '',
	organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
	area            TEXT NOT NULL DEFAULT '',
	district        TEXT NOT NULL DEFAULT '',
	from_on         TEXT NOT NULL DEFAULT '',
	to_on           TEXT NOT NULL DEFAULT '',
	-- Public office contact only: no column for a home address or a
	-- personal phone, by design.
	office_email    TEXT NOT NULL DEFAULT '',
	office_phone    TEXT NOT NULL DEFAULT '',
	office_address  TEXT NOT NULL DEFAULT '',
	website         TEXT NOT NULL DEFAULT '',
	version         INTEGER NOT NULL DEFAULT 1,
	created_at      TIMESTAMP NOT NULL,
	updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX representatives_name ON representatives(lower(name), id);
CREATE INDEX representatives_organisation ON representatives(organisation_id);
CREATE INDEX representatives_district ON representatives(district);

-- section: campaigns and topics
CREATE INDEX campaigns_status ON campaigns(status, name);

CREATE TABLE campaign_organisations (
	campaign_id     INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	role            TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'supporter')),
	position        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, organisation_id)
);
CREATE INDEX campaign_organisations_org ON campaign_organisations(organisation_id);

CREATE TABLE campaign_tracker_items (
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	tracker_id  INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	PRIMARY KEY (campaign_id, tracker_id)
);
CREATE INDEX campaign_tracker_items_tracker ON campaign_tracker_items(tracker_id);

CREATE TABLE campaign_disputes (
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	dispute_id  INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	PRIMARY KEY (campaign_id, dispute_id)
);
CREATE INDEX campaign_disputes_dispute ON campaign_disputes(dispute_id);

CREATE TABLE topic_organisations (
	topic_id        INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	position        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (topic_id, organisation_id)
);
CREATE INDEX topic_organisations_org ON topic_organisations(organisation_id);

CREATE TABLE topic_links (
	topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	url      TEXT NOT NULL,
	label    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (topic_id, position)
);

-- Campaigns are public whole: the site's search finds them by name and aim.
CREATE VIRTUAL TABLE campaign_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER campaign_search_insert AFTER INSERT ON campaigns BEGIN
	INSERT INTO campaign_search(rowid, title, body) VALUES (new.id, new.name, new.aim);
END;
CREATE TRIGGER campaign_search_update AFTER UPDATE OF id, name, aim ON campaigns BEGIN
	DELETE FROM campaign_search WHERE rowid = old.id;
	INSERT INTO campaign_search(rowid, title, body) VALUES (new.id, new.name, new.aim);
END;
CREATE TRIGGER campaign_search_delete AFTER DELETE ON campaigns BEGIN
	DELETE FROM campaign_search WHERE rowid = old.id;
END;
INSERT INTO campaign_search(campaign_search, rank) VALUES ('secure-delete', 1);

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

-- Interests people in public roles declared: in an organisation (the
-- company), touching a danger (the contract), so that a conflict of
-- interest links the person, the interest and the contract.
CREATE TABLE representative_interests (
	id                INTEGER PRIMARY KEY,
	representative_id INTEGER NOT NULL REFERENCES representatives(id) ON DELETE CASCADE,
	kind              TEXT NOT NULL CHECK (kind IN ('directorship', 'shareholding', 'employment', 'consultancy', 'gift', 'other')),
	description       TEXT NOT NULL,
	declared_on       TEXT NOT NULL DEFAULT '',
	source_url        TEXT NOT NULL DEFAULT '',
	organisation_id   INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
	tracker_id        INTEGER REFERENCES tracker_items(id) ON DELETE SET NULL
);
CREATE INDEX representative_interests_representative ON representative_interests(representative_id);
CREATE INDEX representative_interests_tracker ON representative_interests(tracker_id);
CREATE INDEX representative_interests_organisation ON representative_interests(organisation_id);

-- section: plans and seats
-- Plans worked back from an anchor date. A milestone keeps only its offset
-- in days from the anchor, never a date: moving the anchor moves the plan.
CREATE TABLE plans (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	anchor_label TEXT NOT NULL,
	anchor_on    TEXT NOT NULL,
	campaign_id  INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
	version      INTEGER NOT NULL DEFAULT 1,
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX plans_anchor ON plans(anchor_on, id);
CREATE INDEX plans_campaign ON plans(campaign_id);

CREATE TABLE plan_milestones (
	id          INTEGER PRIMARY KEY,
	plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
	title       TEXT NOT NULL,
	offset_days INTEGER NOT NULL,
	kind        TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_milestones_plan ON plan_milestones(plan_id, offset_days, id);

-- Seats coalition members hold or seek; decided_on (election or
-- appointment) puts a seat on the plans whose span it falls in.
CREATE TABLE seats (
	id                INTEGER PRIMARY KEY,
	kind              TEXT NOT NULL CHECK (kind IN ('ft-governors', 'health-wellbeing-board', 'healthwatch', 'icb-board', 'ccg', 'council', 'other')),
	title             TEXT NOT NULL DEFAULT '',
	body_id           INTEGER NOT NULL REFERENCES organisations(id),
	holder            TEXT NOT NULL,
	representative_id INTEGER REFERENCES representatives(id) ON DELETE SET NULL,
	member_org_id     INTEGER REFERENCES organisations(id),
	state             TEXT NOT NULL CHECK (state IN ('sought', 'standing', 'held', 'lost', 'ended')),
	decided_on        TEXT NOT NULL DEFAULT '',
	term_end          TEXT NOT NULL DEFAULT '',
	plan_id           INTEGER REFERENCES plans(id) ON DELETE SET NULL,
	note              TEXT NOT NULL DEFAULT '',
	version           INTEGER NOT NULL DEFAULT 1,
	created_at        TIMESTAMP NOT NULL,
	updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX seats_decided ON seats(decided_on, id);
CREATE INDEX seats_body ON seats(body_id);
CREATE INDEX seats_member_org ON seats(member_org_id);
CREATE INDEX seats_plan ON seats(plan_id);

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

-- section: search of the other coordination records
-- Topics, pledges, people in public roles, resources and plans are public
-- whole:
-- the site's search finds them by their titles and text, as it finds
-- campaigns and events.
CREATE VIRTUAL TABLE topic_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER topic_search_insert AFTER INSERT ON topics BEGIN
	INSERT INTO topic_search(rowid, title, body) VALUES (new.id, new.title, new.notes);
END;
CREATE TRIGGER topic_search_update AFTER UPDATE OF id, title, notes ON topics BEGIN
	DELETE FROM topic_search WHERE rowid = old.id;
	INSERT INTO topic_search(rowid, title, body) VALUES (new.id, new.title, new.notes);
END;
CREATE TRIGGER topic_search_delete AFTER DELETE ON topics BEGIN
	DELETE FROM topic_search WHERE rowid = old.id;
END;
INSERT INTO topic_search(topic_search, rank) VALUES ('secure-delete', 1);
CREATE VIRTUAL TABLE pledge_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER pledge_search_insert AFTER INSERT ON pledges BEGIN
	INSERT INTO pledge_search(rowid, title, body) VALUES (new.id, new.title, new.summary);
END;
CREATE TRIGGER pledge_search_update AFTER UPDATE OF id, title, summary ON pledges BEGIN
	DELETE FROM pledge_search WHERE rowid = old.id;
	INSERT INTO pledge_search(rowid, title, body) VALUES (new.id, new.title, new.summary);
END;
CREATE TRIGGER pledge_search_delete AFTER DELETE ON pledges BEGIN
	DELETE FROM pledge_search WHERE rowid = old.id;
END;
INSERT INTO pledge_search(pledge_search, rank) VALUES ('secure-delete', 1);
CREATE VIRTUAL TABLE representative_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER representative_search_insert AFTER INSERT ON representatives BEGIN
	INSERT INTO representative_search(rowid, title, body) VALUES (new.id, new.name, new.role || ' ' || new.party || ' ' || new.area);
END;
CREATE TRIGGER representative_search_update AFTER UPDATE OF id, name, role, party, area ON representatives BEGIN
	DELETE FROM representative_search WHERE rowid = old.id;
	INSERT INTO representative_search(rowid, title, body) VALUES (new.id, new.name, new.role || ' ' || new.party || ' ' || new.area);
END;
CREATE TRIGGER representative_search_delete AFTER DELETE ON representatives BEGIN
	DELETE FROM representative_search WHERE rowid = old.id;
END;
INSERT INTO representative_search(representative_search, rank) VALUES ('secure-delete', 1);
CREATE VIRTUAL TABLE resource_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER resource_search_insert AFTER INSERT ON resources BEGIN
	INSERT INTO resource_search(rowid, title, body) VALUES (new.id, new.title, new.summary);
END;
CREATE TRIGGER resource_search_update AFTER UPDATE OF id, title, summary ON resources BEGIN
	DELETE FROM resource_search WHERE rowid = old.id;
	INSERT INTO resource_search(rowid, title, body) VALUES (new.id, new.title, new.summary);
END;
CREATE TRIGGER resource_search_delete AFTER DELETE ON resources BEGIN
	DELETE FROM resource_search WHERE rowid = old.id;
END;
INSERT INTO resource_search(resource_search, rank) VALUES ('secure-delete', 1);
CREATE VIRTUAL TABLE plan_search USING fts5(title, body, tokenize = 'porter unicode61');
CREATE TRIGGER plan_search_insert AFTER INSERT ON plans BEGIN
	INSERT INTO plan_search(rowid, title, body) VALUES (new.id, new.name, new.description || ' ' || new.anchor_label);
END;
CREATE TRIGGER plan_search_update AFTER UPDATE OF id, name, description, anchor_label ON plans BEGIN
	DELETE FROM plan_search WHERE rowid = old.id;
	INSERT INTO plan_search(rowid, title, body) VALUES (new.id, new.name, new.description || ' ' || new.anchor_label);
END;
CREATE TRIGGER plan_search_delete AFTER DELETE ON plans BEGIN
	DELETE FROM plan_search WHERE rowid = old.id;
END;
INSERT INTO plan_search(plan_search, rank) VALUES ('secure-delete', 1);
