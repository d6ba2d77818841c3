-- Jigsaw schema, step 3: monitoring the dangers. Tracker items (dangers) with
-- their status history, organisations, sources and links; disputes with
-- their parties, workforce, demands, steps and outcome; the edit history of
-- both and of organisations; and the organisations merged into others.
-- Calendar dates are TEXT as YYYY-MM-DD (or YYYY-MM, YYYY where a field
-- allows it), which sorts by time. Money is whole pence, percentages are
-- basis points: both integers, never floats.

CREATE TABLE tracker_items (
	id             INTEGER PRIMARY KEY,
	kind           TEXT NOT NULL,
	title          TEXT NOT NULL,
	summary        TEXT NOT NULL DEFAULT '',
	-- status and status_on repeat the latest entry of tracker_status_history,
	-- so lists can filter and sort without reading the history.
	status         TEXT NOT NULL,
	status_on      TEXT NOT NULL,
	reported_on    TEXT NOT NULL DEFAULT '',
	decided_on     TEXT NOT NULL DEFAULT '',
	effective_on   TEXT NOT NULL DEFAULT '',
	ends_on        TEXT NOT NULL DEFAULT '',
	value_pence    INTEGER NOT NULL DEFAULT 0 CHECK (value_pence >= 0),
	staff_affected INTEGER NOT NULL DEFAULT 0 CHECK (staff_affected >= 0),
	district       TEXT NOT NULL DEFAULT '',
	area           TEXT NOT NULL DEFAULT '',
	-- An importer's external key (e.g. ocds:OCID/RELEASE-ID), so a second
	-- import of the same release updates the item instead of adding another.
	source_key     TEXT,
	published_at   TIMESTAMP,
	created_at     TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tracker_items_source_key ON tracker_items(source_key) WHERE source_key IS NOT NULL;
CREATE INDEX tracker_items_published ON tracker_items(published_at, reported_on DESC);
CREATE INDEX tracker_items_district ON tracker_items(district);

CREATE TABLE tracker_status_history (
	tracker_id INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	status     TEXT NOT NULL,
	on_date    TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tracker_id, position)
);

CREATE TABLE tracker_organisations (
	tracker_id      INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	role            TEXT NOT NULL,
	position        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tracker_id, organisation_id, role)
);
CREATE INDEX tracker_organisations_org ON tracker_organisations(organisation_id, tracker_id);

CREATE TABLE tracker_key_issues (
	tracker_id INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	key_issue  TEXT NOT NULL REFERENCES key_issues(slug),
	PRIMARY KEY (tracker_id, key_issue)
);
CREATE INDEX tracker_key_issues_issue ON tracker_key_issues(key_issue, tracker_id);

CREATE TABLE tracker_sources (
	tracker_id   INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	url          TEXT NOT NULL,
	publisher    TEXT NOT NULL DEFAULT '',
	published_on TEXT NOT NULL DEFAULT '',
	quote        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tracker_id, position)
);

CREATE TABLE tracker_stories (
	tracker_id INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	PRIMARY KEY (tracker_id, story_id)
);
CREATE INDEX tracker_stories_story ON tracker_stories(story_id);

CREATE TABLE disputes (
	id         INTEGER PRIMARY KEY,
	title      TEXT NOT NULL,
	summary    TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL,
	district   TEXT NOT NULL DEFAULT '',
	area       TEXT NOT NULL DEFAULT '',
	outcome    TEXT NOT NULL DEFAULT '',
	-- The date of the latest step, kept for ordering lists; '' without steps.
	last_step_on TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX disputes_last_step ON disputes(last_step_on DESC, id DESC);
CREATE INDEX disputes_district ON disputes(district);

CREATE TABLE dispute_parties (
	dispute_id      INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	role            TEXT NOT NULL,
	position        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (dispute_id, organisation_id, role)
);
CREATE INDEX dispute_parties_org ON dispute_parties(organisation_id, dispute_id);

CREATE TABLE dispute_workforce (
	dispute_id INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	role       TEXT NOT NULL,
	headcount  INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
	PRIMARY KEY (dispute_id, position)
);

CREATE TABLE dispute_demands (
	dispute_id INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	demand     TEXT NOT NULL,
	PRIMARY KEY (dispute_id, position)
);

CREATE TABLE dispute_key_issues (
	dispute_id INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	key_issue  TEXT NOT NULL REFERENCES key_issues(slug),
	PRIMARY KEY (dispute_id, key_issue)
);
CREATE INDEX dispute_key_issues_issue ON dispute_key_issues(key_issue, dispute_id);

CREATE TABLE dispute_steps (
	id         INTEGER PRIMARY KEY,
	dispute_id INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	on_date    TEXT NOT NULL,
	end_date   TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	turnout_bp INTEGER NOT NULL DEFAULT 0 CHECK (turnout_bp BETWEEN 0 AND 10000),
	yes_bp     INTEGER NOT NULL DEFAULT 0 CHECK (yes_bp BETWEEN 0 AND 10000),
	CHECK (end_date = '' OR end_date >= on_date)
);
CREATE INDEX dispute_steps_dispute ON dispute_steps(dispute_id, on_date);

CREATE TABLE dispute_outcome_figures (
	dispute_id INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	label      TEXT NOT NULL,
	people     INTEGER NOT NULL DEFAULT 0 CHECK (people >= 0),
	pence      INTEGER NOT NULL DEFAULT 0 CHECK (pence >= 0),
	PRIMARY KEY (dispute_id, position)
);

CREATE TABLE tracker_disputes (
	tracker_id INTEGER NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
	dispute_id INTEGER NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	PRIMARY KEY (tracker_id, dispute_id)
);
CREATE INDEX tracker_disputes_dispute ON tracker_disputes(dispute_id);

-- The edit history of dangers, disputes and organisations: who changed
-- which fields from what to what. changes is a JSON array of
-- {"field", "old", "new"}. Append-only, like the audit log.
CREATE TABLE revisions (
	id          INTEGER PRIMARY KEY,
	object_type TEXT NOT NULL,
	object_id   INTEGER NOT NULL,
	at          TIMESTAMP NOT NULL,
	user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor       TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	changes     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX revisions_object ON revisions(object_type, object_id, at DESC);

-- Organisations merged into others, so their old addresses still lead to
-- the organisation that absorbed them.
CREATE TABLE organisation_merges (
	old_id      INTEGER PRIMARY KEY,
	old_slug    TEXT NOT NULL,
	survivor_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	merged_at   TIMESTAMP NOT NULL
);
CREATE INDEX organisation_merges_slug ON organisation_merges(old_slug);
CREATE INDEX organisation_merges_survivor ON organisation_merges(survivor_id);
