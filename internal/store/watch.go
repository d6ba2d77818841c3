package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

var _ jigsaw.WatchService = (*DB)(nil)

const watchedSourceColumns = `id, name, kind, url, schedule, nhs_only, buyers, cpv, regions, since, ods_kind, encoding, enabled,
	created_at, updated_at, etag, last_modified, next_run_at, failures, last_run_at, last_status, last_message`

func scanWatchedSource(row interface{ Scan(...any) error }) (*jigsaw.WatchedSource, error) {
	var s jigsaw.WatchedSource
	var buyers, cpv, regions, status string
	err := row.Scan(&s.ID, &s.Name, &s.Kind, &s.URL, &s.Schedule, &s.NHSOnly, &buyers, &cpv, &regions, &s.Since, &s.ODSKind, &s.Encoding, &s.Enabled,
		&s.CreatedAt, &s.UpdatedAt, &s.ETag, &s.LastModified, &s.NextRunAt, &s.Failures, nullTime{&s.LastRunAt}, &status, &s.LastMessage)
	if err != nil {
		return nil, err
	}
	s.Buyers, s.CPV, s.Regions, s.LastStatus = splitLines(buyers), splitLines(cpv), splitLines(regions), jigsaw.WatchStatus(status)
	s.CreatedAt, s.UpdatedAt, s.NextRunAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC(), s.NextRunAt.UTC()
	return &s, nil
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// CreateWatchedSource implements jigsaw.WatchService: the source is enabled
// and due at once.
func (db *DB) CreateWatchedSource(ctx context.Context, s *jigsaw.WatchedSource) (err error) {
	defer wrap(&err, "store.CreateWatchedSource")
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	now := db.now()
	s.Enabled, s.CreatedAt, s.UpdatedAt, s.NextRunAt = true, now, now, now
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO watched_sources
			(name, kind, url, schedule, nhs_only, buyers, cpv, since, ods_kind, encoding, enabled, created_at, updated_at, next_run_at, regions)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			s.Name, s.Kind, s.URL, string(s.Schedule), s.NHSOnly, strings.Join(s.Buyers, "\n"), strings.Join(s.CPV, "\n"),
			s.Since, s.ODSKind, s.Encoding, true, now, now, now, strings.Join(s.Regions, "\n")).Scan(&s.ID)
	})
	return db.mapError(err)
}

// UpdateWatchedSource implements jigsaw.WatchService. A changed source is
// fetched afresh, whole and at once: what was fetched before may not be
// what it now selects.
func (db *DB) UpdateWatchedSource(ctx context.Context, s *jigsaw.WatchedSource) (err error) {
	defer wrap(&err, "store.UpdateWatchedSource")
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.changeWatchedSource(ctx, s.ID, `UPDATE watched_sources SET name = $2, kind = $3, url = $4, schedule = $5, nhs_only = $6,
		buyers = $7, cpv = $8, since = $9, ods_kind = $10, encoding = $11, updated_at = $12, next_run_at = $12, etag = '', last_modified = '',
		regions = $13
		WHERE id = $1`, s.ID, s.Name, s.Kind, s.URL, string(s.Schedule), s.NHSOnly, strings.Join(s.Buyers, "\n"), strings.Join(s.CPV, "\n"),
		s.Since, s.ODSKind, s.Encoding, now, strings.Join(s.Regions, "\n"))
}

// changeWatchedSource runs one UPDATE of the source id, ENOTFOUND when
// there is no such source.
func (db *DB) changeWatchedSource(ctx context.Context, id int64, query string, args ...any) error {
	err := db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = jigsaw.Errorf(jigsaw.ENOTFOUND, "No such watched source.")
			}
			return err
		}
		return nil
	})
	return db.mapError(err)
}

// DeleteWatchedSource implements jigsaw.WatchService. The record of its
// runs goes with it; what it imported stays.
func (db *DB) DeleteWatchedSource(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.DeleteWatchedSource")
	return db.changeWatchedSource(ctx, id, `DELETE FROM watched_sources WHERE id = $1`, id)
}

// SetWatchedSourceEnabled implements jigsaw.WatchService.
func (db *DB) SetWatchedSourceEnabled(ctx context.Context, id int64, enabled bool) (err error) {
	defer wrap(&err, "store.SetWatchedSourceEnabled")
	return db.changeWatchedSource(ctx, id, `UPDATE watched_sources SET enabled = $2, updated_at = $3 WHERE id = $1`, id, enabled, db.now())
}

// RunWatchedSourceNow implements jigsaw.WatchService. A paused source is
// not run: it must be resumed first.
func (db *DB) RunWatchedSourceNow(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.RunWatchedSourceNow")
	s, err := db.FindWatchedSource(ctx, id)
	if err != nil {
		return err
	}
	if !s.Enabled {
		return jigsaw.Errorf(jigsaw.ECONFLICT, "The source is paused: resume it to run it.")
	}
	return db.changeWatchedSource(ctx, id, `UPDATE watched_sources SET next_run_at = $2 WHERE id = $1`, id, db.now())
}

// FindWatchedSource implements jigsaw.WatchService.
func (db *DB) FindWatchedSource(ctx context.Context, id int64) (_ *jigsaw.WatchedSource, err error) {
	defer wrap(&err, "store.FindWatchedSource")
	s, err := scanWatchedSource(db.read.QueryRowContext(ctx, `SELECT `+watchedSourceColumns+` FROM watched_sources WHERE id = $1`, id))
	return s, db.mapError(err)
}

// FindWatchedSources implements jigsaw.WatchService.
func (db *DB) FindWatchedSources(ctx context.Context) (_ []*jigsaw.WatchedSource, err error) {
	defer wrap(&err, "store.FindWatchedSources")
	rows, err := db.read.QueryContext(ctx, `SELECT `+watchedSourceColumns+` FROM watched_sources ORDER BY lower(name), id LIMIT 500`)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanWatchedSource)
	return out, db.mapError(err)
}

// ClaimWatchedSource returns the enabled source that has been due longest
// and that no process is running, leased to the caller until lease has
// passed; nil when none is due. The claim is a conditional UPDATE whose
// rows affected say who won, so of several processes sharing the database
// exactly one runs a source at a time, on either engine. FinishWatchRun
// gives the lease back.
func (db *DB) ClaimWatchedSource(ctx context.Context, lease time.Duration) (_ *jigsaw.WatchedSource, err error) {
	defer wrap(&err, "store.ClaimWatchedSource")
	now := db.now()
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM watched_sources
		WHERE enabled = $2 AND next_run_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
		ORDER BY next_run_at, id LIMIT 20`, now, true)
	if err != nil {
		return nil, db.mapError(err)
	}
	ids, err := collect(rows, func(row interface{ Scan(...any) error }) (id int64, err error) {
		err = row.Scan(&id)
		return id, err
	})
	if err != nil {
		return nil, db.mapError(err)
	}
	for _, id := range ids {
		var s *jigsaw.WatchedSource
		err := db.QuietTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE watched_sources SET lease_until = $2
				WHERE id = $1 AND enabled = $4 AND next_run_at <= $3 AND (lease_until IS NULL OR lease_until < $3)`,
				id, now.Add(lease), now, true)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // another process took it, or paused it
			}
			s, err = scanWatchedSource(tx.QueryRowContext(ctx, `SELECT `+watchedSourceColumns+` FROM watched_sources WHERE id = $1`, id))
			return err
		})
		if err != nil {
			return nil, db.mapError(err)
		}
		if s != nil {
			return s, nil
		}
	}
	return nil, nil
}

// FinishWatchRun records run, a run of s, and the state s is left in (its
// validators, next run and failures in a row), and gives back the lease of
// ClaimWatchedSource, in one transaction. A source deleted during its run
// is ENOTFOUND, and nothing is recorded.
func (db *DB) FinishWatchRun(ctx context.Context, s *jigsaw.WatchedSource, run *jigsaw.WatchRun) (err error) {
	defer wrap(&err, "store.FinishWatchRun")
	run.SourceID = s.ID
	run.Message = truncateText(run.Message, 2000)
	// Times as the store keeps them, so that they compare as stored.
	us := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	s.NextRunAt, run.StartedAt, run.FinishedAt = us(s.NextRunAt), us(run.StartedAt), us(run.FinishedAt)
	s.LastRunAt, s.LastStatus, s.LastMessage = run.FinishedAt, run.Status, run.Message
	ids := make([]string, len(run.ImportRunIDs))
	for i, id := range run.ImportRunIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE watched_sources SET etag = $2, last_modified = $3, next_run_at = $4, failures = $5,
			last_run_at = $6, last_status = $7, last_message = $8, lease_until = NULL WHERE id = $1`,
			s.ID, truncateText(s.ETag, 500), truncateText(s.LastModified, 100), s.NextRunAt, s.Failures,
			run.FinishedAt, string(run.Status), run.Message)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = jigsaw.Errorf(jigsaw.ENOTFOUND, "No such watched source.")
			}
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO watch_runs (source_id, started_at, finished_at, status, message, pages, bytes,
			import_run_ids, read, created, updated, unchanged, skipped)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			s.ID, run.StartedAt, run.FinishedAt, string(run.Status), run.Message, run.Pages, run.Bytes,
			strings.Join(ids, ","), run.Read, run.Created, run.Updated, run.Unchanged, run.Skipped).Scan(&run.ID)
	})
	return db.mapError(err)
}

// truncateText cuts s to at most n bytes and drops what is not UTF-8 —
// a character cut in two, or bytes a server's header may carry — which
// PostgreSQL would refuse.
func truncateText(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

// FindWatchRuns implements jigsaw.WatchService.
func (db *DB) FindWatchRuns(ctx context.Context, sourceID int64, limit int) (_ []*jigsaw.WatchRun, err error) {
	defer wrap(&err, "store.FindWatchRuns")
	rows, err := db.read.QueryContext(ctx, `SELECT id, source_id, started_at, finished_at, status, message, pages, bytes,
		import_run_ids, read, created, updated, unchanged, skipped
		FROM watch_runs WHERE source_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, sourceID, clampLimit(limit))
	if err != nil {
		return nil, db.mapError(err)
	}
	runs, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.WatchRun, error) {
		var r jigsaw.WatchRun
		var status, ids string
		err := row.Scan(&r.ID, &r.SourceID, &r.StartedAt, &r.FinishedAt, &status, &r.Message, &r.Pages, &r.Bytes,
			&ids, &r.Read, &r.Created, &r.Updated, &r.Unchanged, &r.Skipped)
		r.Status, r.StartedAt, r.FinishedAt = jigsaw.WatchStatus(status), r.StartedAt.UTC(), r.FinishedAt.UTC()
		for _, s := range splitComma(ids) {
			if id, perr := strconv.ParseInt(s, 10, 64); perr == nil {
				r.ImportRunIDs = append(r.ImportRunIDs, id)
			}
		}
		return &r, err
	})
	return runs, db.mapError(err)
}

func splitComma(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
