-- Jigsaw schema, step 20: watched sources, the published files and feeds
-- (OCDS from Contracts Finder and Find a Tender, NHS ODS files) that Jigsaw
-- fetches on a schedule and imports, and the record of each fetch.

-- A source's filters are lists of one entry a line (buyers, cpv). Its state
-- between runs: the validators of the last file (for a conditional GET),
-- when the next run is due, the lease of the process running it now (so
-- that of several processes sharing the database only one fetches it), the
-- failures in a row, and how the last run ended.
CREATE TABLE watched_sources (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	kind          TEXT NOT NULL,
	url           TEXT NOT NULL,
	schedule      TEXT NOT NULL,
	nhs_only      BOOLEAN NOT NULL DEFAULT 0,
	buyers        TEXT NOT NULL DEFAULT '',
	cpv           TEXT NOT NULL DEFAULT '',
	since         TEXT NOT NULL DEFAULT '',
	ods_kind      TEXT NOT NULL DEFAULT '',
	encoding      TEXT NOT NULL DEFAULT '',
	enabled       BOOLEAN NOT NULL DEFAULT 1,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	next_run_at   TIMESTAMP NOT NULL,
	lease_until   TIMESTAMP,
	failures      INTEGER NOT NULL DEFAULT 0,
	last_run_at   TIMESTAMP,
	last_status   TEXT NOT NULL DEFAULT '',
	last_message  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX watched_sources_due ON watched_sources(next_run_at);

-- One row per fetch: how it ended and what it imported (the import_runs of
-- its pages, one a page, as a comma-separated list of ids, and the sum of
-- their counts).
CREATE TABLE watch_runs (
	id             INTEGER PRIMARY KEY,
	source_id      INTEGER NOT NULL REFERENCES watched_sources(id) ON DELETE CASCADE,
	started_at     TIMESTAMP NOT NULL,
	finished_at    TIMESTAMP NOT NULL,
	status         TEXT NOT NULL,
	message        TEXT NOT NULL DEFAULT '',
	pages          INTEGER NOT NULL DEFAULT 0,
	bytes          INTEGER NOT NULL DEFAULT 0,
	import_run_ids TEXT NOT NULL DEFAULT '',
	read           INTEGER NOT NULL DEFAULT 0,
	created        INTEGER NOT NULL DEFAULT 0,
	updated        INTEGER NOT NULL DEFAULT 0,
	unchanged      INTEGER NOT NULL DEFAULT 0,
	skipped        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX watch_runs_source ON watch_runs(source_id, started_at DESC);
