-- Jigsaw schema, step 5: imports.

-- Every OCDS release an import has applied, so importing the same file again
-- changes nothing and an older release never overwrites a newer one.
-- release_date is the release's date in UTC, RFC 3339 ('' when it had none).
CREATE TABLE ocds_releases (
	ocid         TEXT NOT NULL,
	release_id   TEXT NOT NULL,
	release_date TEXT NOT NULL DEFAULT '',
	imported_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (ocid, release_id)
);
CREATE INDEX ocds_releases_latest ON ocds_releases(ocid, release_date);

-- One row per import that committed (dry runs and failed files leave none):
-- what was read and what it changed, for the admin's import page.
CREATE TABLE import_runs (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	source      TEXT NOT NULL,
	user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
	started_at  TIMESTAMP NOT NULL,
	finished_at TIMESTAMP NOT NULL,
	read        INTEGER NOT NULL DEFAULT 0,
	created     INTEGER NOT NULL DEFAULT 0,
	updated     INTEGER NOT NULL DEFAULT 0,
	unchanged   INTEGER NOT NULL DEFAULT 0,
	skipped     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_runs_started ON import_runs(started_at DESC);
